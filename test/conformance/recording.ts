// The conformance table's machinery: scenarios drive a real Gust with @aws-sdk/client-lambda and
// report what they observe under an expectation id; each expectation was read from a public
// recording of real AWS Lambda responses and cites it (file, snapshot key, entry). Values that
// differ by nature (ids, timestamps, account, region, generated names) are masked on both sides.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { GustProcess } from '../helpers/gust-process.js';

/** The recordings read: localstack/localstack at this commit, tests/aws/services/lambda_/. */
export const RECORDINGS = { repo: 'localstack/localstack', commit: '8b9a79f05846835cf4dff63ab7eefdde9df83783', dir: 'tests/aws/services/lambda_/' };
export const API = 'test_lambda_api.snapshot.json';
export const INVOKE = 'test_lambda.snapshot.json';

export interface Expectation {
  id: string;
  /** [snapshot file, test key (after `::`), recorded entry]. */
  source: [string, string, string];
  expect: unknown;
  /** Set when Gust deliberately answers otherwise: why (docs/conformance.md lists these). */
  differs?: string;
}

export interface Scenario {
  name: string;
  expectations: Expectation[];
  run(ctx: ScenarioContext): Promise<void>;
}

export interface ScenarioContext {
  gust: GustProcess;
  lambda: LambdaClient;
  /** A fresh function name for this scenario (masked as <fn:N> in observations). */
  name(n?: number): string;
  see(id: string, observed: unknown): void;
}

/** The answer of a failing call as the recordings keep it: code, HTTP status, and message or the validation errors. */
export async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
    return { Succeeded: true };
  } catch (err) {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const errors = [...String(e.message ?? '').matchAll(/(Value '.*?' at '.*?' failed to satisfy constraint: .+?(?=; Value '|$))/gs)].map((m) => m[1]);
    if (errors.length > 0) return { Code: e.name, Status: status, Errors: errors.sort() };
    return { Code: e.name, Status: status, Message: e.message };
  }
}

/** The expected side of `failure()`. */
export const error = (Code: string, Status: number, Message: string) => ({ Code, Status, Message });
export const invalid = (Code: string, Status: number, ...Errors: string[]) => ({ Code, Status, Errors: [...Errors].sort() });

/** Masks what differs by nature; `names` are the scenario's function names, in order. */
export function mask(value: unknown, names: string[], home: { region: string; accountId: string }): unknown {
  let text = JSON.stringify(value ?? null);
  text = text.replaceAll('arn:aws:', 'arn:<partition>:').replaceAll(home.accountId, '111111111111').replaceAll(home.region, '<region>');
  // Longest first, so that name-2 is not masked inside name-20.
  [...names.entries()].sort((a, b) => b[1].length - a[1].length).forEach(([i, n]) => (text = text.replaceAll(n, `<fn:${i + 1}>`)));
  return JSON.parse(text);
}

/** Picks the members of an object that a row compares. */
export function pick<T extends object>(value: T, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in value) out[k] = (value as Record<string, unknown>)[k];
  return out;
}
