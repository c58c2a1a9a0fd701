// S3's XML on the wire: a small escaping builder for responses, fast-xml-parser for request
// bodies (read within a limit), and the response helpers every S3 handler shares.
import type { ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { GustError } from '../../errors.js';
import type { OperationContext } from '../service.js';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export const esc = (text: string) => text.replace(/[<>&'"\r]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;', '\r': '&#13;' })[c]!);

/** Markup made by el(): inserted as is, where strings are escaped. */
export class Markup {
  constructor(readonly text: string) {}
}

type Child = string | number | boolean | undefined | null | Markup | Child[];

const render = (c: Child): string => (Array.isArray(c) ? c.map(render).join('') : c instanceof Markup ? c.text : c === undefined || c === null ? '' : esc(String(c)));

/** `<tag>children</tag>`: strings and numbers are escaped text, el() results are markup. */
export function el(tag: string, ...children: Child[]): Markup {
  return new Markup(`<${tag}>${children.map(render).join('')}</${tag}>`);
}

/** The document: the root element with S3's namespace. */
export function doc(root: string, ...children: Child[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${children.map(render).join('')}</${root}>`;
}

export function sendXml(res: ServerResponse, requestId: string, body: string, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), 'x-amz-request-id': requestId, ...headers });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, requestId: string, status = 200, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'Content-Length': 0, 'x-amz-request-id': requestId, ...headers });
  res.end();
}

/** Reads a small (XML) payload whole, within `limit` bytes. */
export async function readSmallPayload(ctx: OperationContext, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.payload!.stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new GustError('MalformedXML', `The XML you provided was larger than the ${limit} bytes this operation accepts.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, isArray: (name) => ['Tag', 'Part', 'Object'].includes(name) });

/** Parses request XML; `root` must be its top element. */
export function parseXml(body: Buffer, root: string): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(body.toString('utf8'), true) as Record<string, unknown>;
  } catch {
    throw malformed();
  }
  const top = parsed[root];
  if (top === undefined) throw malformed();
  return typeof top === 'object' && top !== null ? (top as Record<string, unknown>) : {};
}

export const malformed = () => new GustError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

export const isoDate = (ms: number) => new Date(ms).toISOString();
export const httpDate = (ms: number) => new Date(ms).toUTCString();
