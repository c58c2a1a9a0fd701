// Trace context as it crosses Gust's edges: W3C `traceparent` and AWS `X-Amzn-Trace-Id` in from a
// caller, `_X_AMZN_TRACE_ID` (Lambda-Runtime-Trace-Id) out to the function. Both carry the same
// 128-bit trace id: X-Ray's Root=1-<8 hex>-<24 hex> is the W3C id cut after 8 characters.
import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface TraceContext {
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** The caller's span (16 hex), which Gust's span becomes a child of. */
  parentSpanId?: string;
  /** The caller's sampling decision; undefined when it made none. */
  sampled?: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Random bytes drawn from one pool refilled 4 KiB at a time: every invocation takes 28 bytes for
 * its ids, and one call into the kernel's generator per invocation showed in Gust's profile.
 * The bytes are as random as randomBytes' own (it pools the same way for randomUUID).
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

export const newTraceId = (): string => {
  // X-Ray wants the first 8 characters to be the epoch seconds; a valid W3C id all the same.
  const time = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0').slice(-8);
  return time + randomHex(12);
};
export const newSpanId = (): string => randomHex(8);

/** W3C Trace Context: version 00 (and later versions read as 00), no all-zero ids, version ff invalid. */
export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  if (value === undefined || value.length > 512) return undefined;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m || m[1] === 'ff' || (m[1] === '00' && value.trim().length !== 55)) return undefined;
  if (m[2] === ZERO_TRACE || m[3] === ZERO_SPAN) return undefined;
  return { traceId: m[2], parentSpanId: m[3], sampled: (parseInt(m[4], 16) & 1) === 1 };
}

/** `Root=1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx;Parent=xxxxxxxxxxxxxxxx;Sampled=1`, fields in any order. */
export function parseAmznTraceId(value: string | undefined): TraceContext | undefined {
  if (value === undefined || value.length > 1024) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const root = /^1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})$/.exec(fields.get('Root') ?? '');
  if (!root) return undefined;
  const traceId = (root[1] + root[2]).toLowerCase();
  if (traceId === ZERO_TRACE) return undefined;
  const parent = fields.get('Parent');
  const sampled = fields.get('Sampled');
  return {
    traceId,
    parentSpanId: parent && /^[0-9a-fA-F]{16}$/.test(parent) && !/^0+$/.test(parent) ? parent.toLowerCase() : undefined,
    sampled: sampled === '1' ? true : sampled === '0' ? false : undefined,
  };
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The caller's context: `traceparent` wins over `X-Amzn-Trace-Id`; malformed headers are ignored. */
export function traceContextFromHeaders(headers: IncomingHttpHeaders): TraceContext | undefined {
  return parseTraceparent(single(headers.traceparent)) ?? parseAmznTraceId(single(headers['x-amzn-trace-id']));
}

/** What the function gets as _X_AMZN_TRACE_ID: its span as Parent, so its own calls continue the trace. */
export function formatAmznTraceId(traceId: string, parentSpanId: string, sampled: boolean): string {
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${parentSpanId};Sampled=${sampled ? 1 : 0}`;
}

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}
