// The Lambda REST paths the CLI calls, in one place: each API version has its own date prefix,
// and every name is percent-encoded so that odd input stays one path segment.
import type { CliError } from './client.js';

const name = (fn: string) => encodeURIComponent(fn);
const qualified = (qualifier?: string) => (qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : '');

export const functionPath = (fn: string) => `/2015-03-31/functions/${name(fn)}`;
export const functionUrlPath = (fn: string, qualifier?: string) => `/2021-10-31/functions/${name(fn)}/url${qualified(qualifier)}`;
export const functionUrlsPath = (fn: string) => `/2021-10-31/functions/${name(fn)}/urls`;
export const reservedConcurrencyPath = (fn: string) => `/2017-10-31/functions/${name(fn)}/concurrency`;
export const provisionedConcurrencyPath = (fn: string, qualifier?: string) => `/2019-09-30/functions/${name(fn)}/provisioned-concurrency${qualified(qualifier)}`;
export const provisionedConcurrencyListPath = (fn: string) => `/2019-09-30/functions/${name(fn)}/provisioned-concurrency?List=ALL`;
export const aliasPath = (fn: string, alias: string) => `${functionPath(fn)}/aliases/${encodeURIComponent(alias)}`;

/** For `.catch()`: a missing resource reads as undefined, any other failure stays a failure. */
export function notFoundAsUndefined(err: CliError): undefined {
  if (/ResourceNotFoundException/.test(err.message)) return undefined;
  throw err;
}

/** `name:qualifier` (as the AWS CLI accepts it) split in two; an explicit --qualifier wins. */
export function splitQualifier(fn: string, qualifier?: string): { name: string; qualifier?: string } {
  const colon = fn.startsWith('arn:') ? -1 : fn.indexOf(':');
  if (colon === -1) return { name: fn, qualifier };
  return { name: fn.slice(0, colon), qualifier: qualifier ?? fn.slice(colon + 1) };
}
