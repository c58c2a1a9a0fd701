// The platform lines Lambda writes around every invocation, in Lambda's exact format, so that
// tools parsing CloudWatch logs for START/END/REPORT keep working.
import { runtimeVersionArn } from '../control/runtime-versions.js';

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  /** Set when the invocation did not succeed: 'timeout' or 'error' plus the error type. */
  status?: { status: 'timeout' | 'error'; errorType?: string };
}

export const startLine = (requestId: string, version: string) => `START RequestId: ${requestId} Version: ${version}\n`;

export const endLine = (requestId: string) => `END RequestId: ${requestId}\n`;

export const initStartLine = (runtime: string, region: string) =>
  `INIT_START Runtime Version: ${runtime}\tRuntime Version ARN: ${runtimeVersionArn(region, runtime)}\n`;

export function reportLine(r: ReportFields): string {
  let line =
    `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${r.billedMs} ms\t` +
    `Memory Size: ${r.memorySizeMb} MB\tMax Memory Used: ${r.maxMemoryUsedMb} MB\t`;
  if (r.initDurationMs !== undefined) line += `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  if (r.status) {
    line += `Status: ${r.status.status}\t`;
    if (r.status.errorType) line += `Error Type: ${r.status.errorType}\t`;
  }
  return line + '\n';
}

/** Lambda bills whole milliseconds, rounding up, with a minimum of 1 ms. */
export const billedMilliseconds = (durationMs: number) => Math.max(1, Math.ceil(durationMs));

/** Log stream names look like Lambda's: 2026/11/28/[$LATEST]0123456789abcdef0123456789abcdef */
export function logStreamName(version: string, instanceId: string, date = new Date()): string {
  const day = date.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${instanceId}`;
}

export const logGroupName = (functionName: string) => `/aws/lambda/${functionName}`;
