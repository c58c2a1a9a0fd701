// AWS Signature Version 4, both sides: signRequest() for Gust's own CLI, verifyRequest() for every
// AWS-compatible API Gust serves (Authorization header and presigned-URL forms), failing with the
// error codes and messages AWS clients know.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ChunkSeed, PayloadMode } from './s3/payload.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
export const SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 604_800;
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const STREAMING_UNSIGNED_PAYLOAD = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
/** aws-chunked bodies whose chunks are signed, each chained from the request's own signature. */
const STREAMING_SIGNED_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
/** S3 signs the path as sent and may leave the payload unsigned; every other service does neither. */
const S3_SERVICES = new Set(['s3', 's3-object-lambda']);
/** Headers the SDKs never sign, because proxies and HTTP stacks add or rewrite them. */
const UNSIGNABLE = new Set(['authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id']);

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export type SigV4ErrorCode = 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException' | 'IncompleteSignature';

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
/** RFC 3986 percent-encoding of the UTF-8 bytes; never throws, whatever the input. */
function encode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' '); // as URLSearchParams reads it, so the signature covers what routes see
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** S3 signs the path exactly as sent; other services drop dot and empty segments, then encode each segment again. */
function canonicalUri(rawPath: string, service: string): string {
  if (S3_SERVICES.has(service)) return rawPath || '/';
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(encode(segment));
  }
  return '/' + segments.join('/') + (segments.length > 0 && rawPath.endsWith('/') ? '/' : '');
}

function queryPairs(rawQuery: string): [string, string][] {
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

function canonicalQuery(rawQuery: string, omit?: string): string {
  const pairs = queryPairs(rawQuery)
    .filter(([key]) => key !== omit)
    .map(([key, value]) => [encode(key), encode(value)]);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

const trimValue = (value: string) => value.trim().replace(/\s+/g, ' ');

const signingKeys = new Map<string, Buffer>();
/** Derived keys change once a day per key, region and service: cache them, bounded. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}\n${region}\n${service}\n${secret}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (signingKeys.size >= 256) signingKeys.delete(signingKeys.keys().next().value!);
    signingKeys.set(id, key);
  }
  return key;
}

interface Canonical {
  method: string;
  uri: string;
  query: string;
  headers: [string, string][];
  payloadHash: string;
  amzDate: string;
  scope: string;
  key: Buffer;
}

/** The signature, with the two strings it was computed from (S3 reports them when signatures differ). */
function signing(c: Canonical): { signature: string; canonicalRequest: string; stringToSign: string } {
  const canonicalHeaders = c.headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedHeaders = c.headers.map(([name]) => name).join(';');
  const canonicalRequest = [c.method, c.uri, c.query, canonicalHeaders, signedHeaders, c.payloadHash].join('\n');
  const stringToSign = `${ALGORITHM}\n${c.amzDate}\n${c.scope}\n${sha256Hex(canonicalRequest)}`;
  return { signature: createHmac('sha256', c.key).update(stringToSign).digest('hex'), canonicalRequest, stringToSign };
}

const signature = (c: Canonical): string => signing(c).signature;

const amzDateOf = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** An X-Amz-Date (basic ISO-8601) in ms; NaN unless it is a real date in that exact form. */
export function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
  return Number.isFinite(ms) && amzDateOf(ms) === text ? ms : NaN; // refuses 20150230T…
}

export interface SignInput {
  method: string;
  url: string | URL;
  /** Headers the request will carry; all but hop-by-hop ones are signed. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  now?: Date;
}

/**
 * The headers to add so that the request is signed as an AWS SDK would sign it: `authorization`,
 * `x-amz-date`, `x-amz-content-sha256` and, with a session token, `x-amz-security-token`
 * (lower-case names, ready to merge into a fetch() headers record).
 */
export function signRequest(input: SignInput): Record<string, string> {
  const url = new URL(input.url);
  const amzDate = amzDateOf((input.now ?? new Date()).getTime());
  const date = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(input.body ?? '');
  const added: Record<string, string> = { 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
  if (input.sessionToken) added['x-amz-security-token'] = input.sessionToken;
  const signed = new Map<string, string>([['host', url.host]]);
  for (const [name, value] of Object.entries({ ...input.headers, ...added })) {
    if (!UNSIGNABLE.has(name.toLowerCase())) signed.set(name.toLowerCase(), trimValue(String(value)));
  }
  const headers = [...signed].sort(([a], [b]) => (a < b ? -1 : 1));
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const sig = signature({
    method: input.method.toUpperCase(),
    uri: canonicalUri(url.pathname, input.service),
    query: canonicalQuery(url.search.slice(1)),
    headers,
    payloadHash,
    amzDate,
    scope,
    key: signingKey(input.secretAccessKey, date, input.region, input.service),
  });
  added.authorization = `${ALGORITHM} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${headers.map(([n]) => n).join(';')}, Signature=${sig}`;
  return added;
}

export interface SigningSecret {
  secret: string;
  /** When set, requests must carry exactly this x-amz-security-token; when not, a token is ignored. */
  sessionToken?: string;
}

/** What the server expects a credential to be scoped to: its own region and the API's service name(s). */
export interface ExpectedScope {
  region: string;
  services: readonly string[];
}

export interface PrecheckInput {
  method: string;
  /** The request target exactly as received (node's `req.url`): raw path plus any query string. */
  path?: string;
  /** Lower-case names as node gives them; arrays (e.g. `req.headersDistinct`) are joined with ','. */
  headers: Record<string, string | string[] | undefined>;
  lookupSecret?(accessKeyId: string): SigningSecret | undefined;
  now?: number | Date;
  /** When set, a credential scoped to another region or service is refused, as AWS refuses it. */
  expect?: ExpectedScope;
  /** @deprecated the first names of `path` and `lookupSecret`, still accepted. */
  rawUrl?: string;
  /** @deprecated */
  secretOf?(accessKeyId: string): string | undefined;
}

export interface VerifyInput extends PrecheckInput {
  /** Hex SHA-256 of the body as received, or the body itself. */
  bodySha256Hex?: string;
  body?: Uint8Array;
  /** @deprecated the first name of `bodySha256Hex`, still accepted. */
  bodySha256?: string;
}

export type VerifyResult =
  | { ok: true; accessKeyId: string; region: string; service: string; /** false for S3's UNSIGNED-PAYLOAD */ payloadSigned: boolean }
  | { ok: false; status: 403; code: SigV4ErrorCode; message: string };

/** What the headers alone can establish; `signatureChecked` when a declared payload hash let it check the signature too. */
export type PrecheckResult = { ok: true; accessKeyId: string; signatureChecked: boolean } | Failure;

/**
 * Why a signature was refused, where the code alone does not say: S3 answers these with codes of
 * its own (RequestTimeTooSkewed, AccessDenied "Request has expired", AuthorizationHeaderMalformed).
 */
export type FailureReason = 'skew' | 'expired' | 'not-yet-valid' | 'scope' | 'payload-hash' | 'signature' | 'missing-content-sha256' | 'sigv2';
type Failure = Extract<VerifyResult, { ok: false }> & {
  reason?: FailureReason;
  /** The presigned-URL form, whose malformations S3 reports as AuthorizationQueryParametersError. */
  presigned?: boolean;
  /** What S3 adds to the error body (AWSAccessKeyId, StringToSign, CanonicalRequest, RequestTime…). */
  details?: Record<string, string>;
};
const fail = (code: SigV4ErrorCode, message: string, more: Omit<Failure, 'ok' | 'status' | 'code' | 'message'> = {}): Failure => ({ ok: false, status: 403, code, message, ...more });
const isFailure = (x: object): x is Failure => 'ok' in x;

interface Presented {
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  /** Seconds a presigned URL stays valid; undefined for the header form. */
  expires?: number;
}

function fromAuthorizationHeader(auth: string, header: (name: string) => string | undefined): Presented | Failure {
  const space = auth.indexOf(' ');
  const scheme = space === -1 ? auth : auth.slice(0, space);
  if (scheme !== ALGORITHM && /^AWS4?-|^AWS$/.test(scheme)) {
    return fail('IncompleteSignature', `Unsupported authorization type '${scheme}': only Signature Version 4 (${ALGORITHM}) is accepted.`);
  }
  const fields = new Map<string, string>();
  const params = scheme !== ALGORITHM ? auth : space === -1 ? '' : auth.slice(space + 1);
  for (const part of params.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq === -1) return fail('IncompleteSignature', `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`);
    if (!fields.has(item.slice(0, eq))) fields.set(item.slice(0, eq), item.slice(eq + 1).trim());
  }
  const problems = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields.get(k)).map((k) => `Authorization header requires '${k}' parameter.`);
  let amzDate = header('x-amz-date');
  if (amzDate === undefined) {
    const date = header('date');
    if (date === undefined) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    else amzDate = Number.isFinite(Date.parse(date)) ? amzDateOf(Date.parse(date)) : date;
  }
  if (problems.length > 0 || scheme !== ALGORITHM) return fail('IncompleteSignature', `${problems.join(' ')} Authorization=${auth}`.trim());
  return { credential: fields.get('Credential')!, signedHeaders: fields.get('SignedHeaders')!, signature: fields.get('Signature')!, amzDate: amzDate! };
}

function fromQuery(params: Map<string, string>): Presented | Failure {
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
  if (required.some((name) => !params.get(name))) {
    return fail('IncompleteSignature', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  if (params.get('X-Amz-Algorithm') !== ALGORITHM) return fail('IncompleteSignature', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const expires = params.get('X-Amz-Expires')!;
  if (!/^\d+$/.test(expires)) return fail('IncompleteSignature', 'X-Amz-Expires should be a number');
  if (+expires > MAX_PRESIGNED_SECONDS) return fail('IncompleteSignature', `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_SECONDS}`);
  return {
    credential: params.get('X-Amz-Credential')!,
    signedHeaders: params.get('X-Amz-SignedHeaders')!,
    signature: params.get('X-Amz-Signature')!,
    amzDate: params.get('X-Amz-Date')!,
    expires: +expires,
  };
}

function legacySecret(input: PrecheckInput, accessKeyId: string): SigningSecret | undefined {
  const secret = input.secretOf?.(accessKeyId);
  return secret === undefined ? undefined : { secret };
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Everything about a request that its headers and target show, before its body is read. */
interface Examined {
  presented: Presented;
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  key: SigningSecret;
  rawPath: string;
  rawQuery: string;
  header(name: string): string | undefined;
  /** x-amz-content-sha256 as sent, if it was. */
  declared?: string;
  isS3: boolean;
  presignedForm: boolean;
}

/**
 * The header-only checks, in AWS's order: a signature is present and well-formed, its credential
 * scope is well-formed and names this server's region and the API's service, its date is within
 * 15 minutes, its key exists and is active, and x-amz-content-sha256 is a form the service takes.
 */
function examine(input: PrecheckInput, streamingSigned = false): Examined | Failure {
  const target = input.path ?? input.rawUrl ?? '/';
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  const lower = new Map(Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const header = (name: string) => {
    const value = lower.get(name);
    return value === undefined ? undefined : Array.isArray(value) ? value.map(trimValue).join(',') : trimValue(value);
  };
  const params = new Map<string, string>();
  for (const [key, value] of queryPairs(rawQuery)) if (!params.has(key)) params.set(key, value);

  const auth = header('authorization');
  const presigned = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((name) => params.has(name));
  if (auth === undefined && !presigned) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (auth !== undefined && presigned) {
    return fail('IncompleteSignature', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified.', { presigned });
  }
  const no = (code: SigV4ErrorCode, message: string, more: Omit<Failure, 'ok' | 'status' | 'code' | 'message'> = {}) => fail(code, message, { presigned, ...more });
  const presented = auth !== undefined ? fromAuthorizationHeader(auth, header) : fromQuery(params);
  if (isFailure(presented)) return { ...presented, presigned };
  const { credential, amzDate } = presented;

  const scope = credential.split('/');
  if (scope.length !== 5 || scope.slice(0, 4).some((part) => part === '')) {
    return no('IncompleteSignature', `Credential should be scoped as '<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request', not '${credential}'.`);
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope;
  if (terminator !== 'aws4_request') return no('IncompleteSignature', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  // A signature made for another service or region must not count here: the canonical request of
  // another service differs (S3 leaves the payload unsigned), so its signature proves less.
  if (input.expect && !input.expect.services.includes(service)) {
    return no('InvalidSignatureException', `Credential should be scoped to correct service: '${input.expect.services[0]}'.`, { reason: 'scope' });
  }
  if (input.expect && region !== input.expect.region) return no('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'.`, { reason: 'scope', details: { Region: input.expect.region } });
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) return no('IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  if (scopeDate !== amzDate.slice(0, 8)) {
    return no('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`, { reason: 'scope' });
  }
  const now = input.now instanceof Date ? input.now.getTime() : input.now ?? Date.now();
  const skewed = { RequestTime: amzDate, ServerTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), MaxAllowedSkewMilliseconds: String(SKEW_MS) };
  if (signedAt > now + SKEW_MS) {
    const reason = presented.expires === undefined ? 'skew' : 'not-yet-valid';
    return no('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${amzDateOf(now + SKEW_MS)} (${amzDateOf(now)} + 15 min.)`, { reason, details: skewed });
  }
  const validMs = presented.expires === undefined ? SKEW_MS : presented.expires * 1000;
  if (now > signedAt + validMs) {
    const window = presented.expires === undefined ? '15 min.' : `${presented.expires} sec.`;
    const details = presented.expires === undefined ? skewed : { 'X-Amz-Expires': String(presented.expires), Expires: new Date(signedAt + validMs).toISOString().replace(/\.\d{3}Z$/, 'Z'), ServerTime: skewed.ServerTime };
    return no('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${amzDateOf(now - validMs)} (${amzDateOf(now)} - ${window})`, { reason: presented.expires === undefined ? 'skew' : 'expired', details });
  }

  const key = input.lookupSecret ? input.lookupSecret(accessKeyId) : legacySecret(input, accessKeyId);
  if (key === undefined) return no('UnrecognizedClientException', 'The security token included in the request is invalid.', { details: { AWSAccessKeyId: accessKeyId } });
  const token = header('x-amz-security-token') ?? params.get('X-Amz-Security-Token');
  if (key.sessionToken !== undefined && (token === undefined || !sameSecret(token, key.sessionToken))) {
    return no('UnrecognizedClientException', 'The security token included in the request is invalid.', { details: { AWSAccessKeyId: accessKeyId } });
  }

  // Only S3 takes an unsigned payload; elsewhere the payload hash is always the body's own.
  const isS3 = S3_SERVICES.has(service);
  const declared = header('x-amz-content-sha256');
  const literals = streamingSigned ? [UNSIGNED_PAYLOAD, STREAMING_UNSIGNED_PAYLOAD, STREAMING_SIGNED_PAYLOAD, STREAMING_SIGNED_TRAILER] : [UNSIGNED_PAYLOAD, STREAMING_UNSIGNED_PAYLOAD];
  if (declared !== undefined && !/^[0-9a-fA-F]{64}$/.test(declared) && !(isS3 && literals.includes(declared))) {
    const allowed = isS3 ? `the payload's SHA-256, ${literals.slice(0, -1).join(', ')} or ${literals.at(-1)}` : "the payload's SHA-256 (only S3 accepts unsigned payloads)";
    return no('InvalidSignatureException', `x-amz-content-sha256 must be ${allowed}, not '${declared}'.`, { reason: 'payload-hash' });
  }
  if (!presented.signedHeaders.split(';').includes('host')) return no('IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  return { presented, accessKeyId, scopeDate, region, service, key, rawPath, rawQuery, header, declared, isS3, presignedForm: presigned };
}

/** Compares the presented signature with the one computed over `payloadHash`. */
function signatureMatches(input: PrecheckInput, e: Examined, payloadHash: string): boolean {
  return compareSignature(input, e, payloadHash).matches;
}

function compareSignature(input: PrecheckInput, e: Examined, payloadHash: string) {
  const { presented } = e;
  const computed = signing({
    method: input.method.toUpperCase(),
    uri: canonicalUri(e.rawPath, e.service),
    query: canonicalQuery(e.rawQuery, presented.expires === undefined ? undefined : 'X-Amz-Signature'),
    headers: presented.signedHeaders.split(';').map((name) => [name, e.header(name.toLowerCase()) ?? '']),
    payloadHash,
    amzDate: presented.amzDate,
    scope: `${e.scopeDate}/${e.region}/${e.service}/aws4_request`,
    key: signingKey(e.key.secret, e.scopeDate, e.region, e.service),
  });
  const a = Buffer.from(computed.signature);
  const b = Buffer.from(presented.signature);
  return { ...computed, matches: a.length === b.length && timingSafeEqual(a, b) };
}

/**
 * The checks that need no body, for the HTTP layer to run before it reads one: a request that
 * fails here is answered at once and its body is never buffered. When the request declares its
 * payload hash (x-amz-content-sha256), that hash is signed, so the signature is checked here too.
 */
export function precheckRequest(input: PrecheckInput): PrecheckResult {
  const e = examine(input);
  if (isFailure(e)) return e;
  if (e.declared === undefined || !/^[0-9a-fA-F]{64}$/.test(e.declared)) return { ok: true, accessKeyId: e.accessKeyId, signatureChecked: false };
  if (!signatureMatches(input, e, e.declared.toLowerCase())) return fail('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  return { ok: true, accessKeyId: e.accessKeyId, signatureChecked: true };
}

/** Checks a request's SigV4 signature: header or presigned form, 15-minute clock skew, payload hash. */
export function verifyRequest(input: VerifyInput): VerifyResult {
  const e = examine(input);
  if (isFailure(e)) return e;
  const bodyHash = () => {
    const hash = input.bodySha256Hex ?? input.bodySha256 ?? (input.body && sha256Hex(input.body));
    if (hash === undefined) throw new TypeError('verifyRequest needs bodySha256Hex or body');
    return hash.toLowerCase();
  };
  let payloadHash: string;
  if (e.declared === undefined) payloadHash = e.presignedForm && e.isS3 ? UNSIGNED_PAYLOAD : bodyHash();
  else if (e.declared === UNSIGNED_PAYLOAD || e.declared === STREAMING_UNSIGNED_PAYLOAD) payloadHash = e.declared; // examine() allowed it: S3 only
  else if (e.declared.toLowerCase() !== bodyHash()) return fail('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  else payloadHash = e.declared;
  if (!signatureMatches(input, e, payloadHash)) return fail('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  return { ok: true, accessKeyId: e.accessKeyId, region: e.region, service: e.service, payloadSigned: payloadHash !== UNSIGNED_PAYLOAD && payloadHash !== STREAMING_UNSIGNED_PAYLOAD };
}

export type HeadVerifyResult =
  | { ok: true; accessKeyId: string; payload: PayloadMode }
  | Failure
  | { ok: false; status: 400; code: 'InvalidRequest'; message: string; reason: 'missing-content-sha256' | 'sigv2' };

/**
 * S3's full check from the head alone: S3 requests always declare their payload hash (a hex
 * SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* literal) or are presigned (UNSIGNED-PAYLOAD), so the
 * signature can be settled before the body is read. What remains, the body against its declared
 * hash or chunk signatures, is the returned PayloadMode, for openPayload() (s3/payload.ts).
 */
export function verifyHeaders(input: PrecheckInput): HeadVerifyResult {
  const target = input.path ?? input.rawUrl ?? '/';
  const query = target.includes('?') ? new URLSearchParams(target.slice(target.indexOf('?') + 1)) : undefined;
  const auth = input.headers.authorization;
  // Signature Version 2 (what boto3 and the aws CLI still presign S3 URLs with by default): S3 refuses it so.
  if ((typeof auth === 'string' && auth.startsWith('AWS ')) || (query?.has('AWSAccessKeyId') && query.has('Signature'))) {
    return { ok: false, status: 400, code: 'InvalidRequest', message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.', reason: 'sigv2' };
  }
  const e = examine(input, true);
  if (isFailure(e)) return e;
  const declared = e.declared;
  let payloadHash: string;
  if (e.presignedForm) payloadHash = UNSIGNED_PAYLOAD;
  else if (declared === undefined) {
    return { ok: false, status: 400, code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256', reason: 'missing-content-sha256' };
  } else payloadHash = /^[0-9a-fA-F]{64}$/.test(declared) ? declared.toLowerCase() : declared;
  const compared = compareSignature(input, e, payloadHash);
  if (!compared.matches) {
    return fail('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE, {
      reason: 'signature',
      presigned: e.presignedForm,
      details: { AWSAccessKeyId: e.accessKeyId, StringToSign: compared.stringToSign, SignatureProvided: e.presented.signature, CanonicalRequest: compared.canonicalRequest },
    });
  }
  return { ok: true, accessKeyId: e.accessKeyId, payload: payloadMode(e, declared) };
}

function payloadMode(e: Examined, declared: string | undefined): PayloadMode {
  if (declared !== undefined && /^[0-9a-fA-F]{64}$/.test(declared)) return { kind: 'sha256', hex: declared.toLowerCase() };
  if (declared === STREAMING_UNSIGNED_PAYLOAD) return { kind: 'chunked', signed: false, trailer: true };
  if (declared === STREAMING_SIGNED_PAYLOAD || declared === STREAMING_SIGNED_TRAILER) {
    const seed: ChunkSeed = {
      signature: e.presented.signature.toLowerCase(),
      signingKey: signingKey(e.key.secret, e.scopeDate, e.region, e.service),
      amzDate: e.presented.amzDate,
      scope: `${e.scopeDate}/${e.region}/${e.service}/aws4_request`,
    };
    return { kind: 'chunked', signed: true, trailer: declared === STREAMING_SIGNED_TRAILER, seed };
  }
  return { kind: 'unsigned' }; // UNSIGNED-PAYLOAD, or presigned without a declared hash
}
