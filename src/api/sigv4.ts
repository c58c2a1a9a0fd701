// AWS Signature Version 4, both sides: signing for Gust's own CLI, verification for every
// AWS-compatible API Gust serves (header and query-string forms, 15-minute clock skew,
// payload hash), with the error codes the SDKs expect.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
function uriEncode(text: string, keepSlash = false): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%2F/g, keepSlash ? '/' : '%2F');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** S3 signs the path as sent; every other service encodes each segment of it once more. */
function canonicalUri(rawPath: string, service: string): string {
  if (rawPath === '') return '/';
  if (service === 's3') return rawPath.split('/').map((seg) => uriEncode(safeDecode(seg))).join('/');
  return rawPath.split('/').map((seg) => uriEncode(seg)).join('/');
}

function canonicalQuery(rawQuery: string, skip?: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      const k = safeDecode((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
      const v = eq === -1 ? '' : safeDecode(part.slice(eq + 1).replace(/\+/g, ' '));
      return [uriEncode(k), uriEncode(v)] as const;
    })
    .filter(([k]) => k !== skip);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const trimValue = (v: string) => v.trim().replace(/\s+/g, ' ');

const signingKeys = new Map<string, Buffer>();
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\0${date}\0${region}\0${service}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (signingKeys.size > 1000) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

function signature(p: { method: string; uri: string; query: string; headers: [string, string][]; payloadHash: string; amzDate: string; scope: string; key: Buffer }) {
  const signedHeaders = p.headers.map(([k]) => k).join(';');
  const canonicalHeaders = p.headers.map(([k, v]) => `${k}:${v}\n`).join('');
  const canonicalRequest = [p.method, p.uri, p.query, canonicalHeaders, signedHeaders, p.payloadHash].join('\n');
  const stringToSign = [ALGORITHM, p.amzDate, p.scope, sha256Hex(canonicalRequest)].join('\n');
  return createHmac('sha256', p.key).update(stringToSign).digest('hex');
}

const amzDateOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export interface SignInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  now?: Date;
}

/** Headers to add to a request so that it carries a valid SigV4 Authorization header. */
export function signRequest(input: SignInput): Record<string, string> {
  const url = new URL(input.url);
  const amzDate = amzDateOf(input.now ?? new Date());
  const date = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(input.body);
  const added: Record<string, string> = { 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
  if (input.sessionToken) added['x-amz-security-token'] = input.sessionToken;
  const all: Record<string, string> = { host: url.host };
  for (const [k, v] of Object.entries({ ...input.headers, ...added })) all[k.toLowerCase()] = trimValue(String(v));
  const headers = Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1));
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
  added.authorization = `${ALGORITHM} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${headers.map(([k]) => k).join(';')}, Signature=${sig}`;
  return added;
}

export type VerifyResult =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; status: 403 | 400; code: 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException' | 'IncompleteSignature'; message: string };

export interface VerifyInput {
  method: string;
  /** The request target exactly as received: path plus query string. */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  /** Hex SHA-256 of the body as received. */
  bodySha256: string;
  secretOf(accessKeyId: string): string | undefined;
  now?: number;
}

const fail = (code: Exclude<VerifyResult, { ok: true }>['code'], message: string, status: 400 | 403 = 403): VerifyResult => ({ ok: false, status, code, message });
const header = (h: VerifyInput['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

export function verifyRequest(input: VerifyInput): VerifyResult {
  const q = input.rawUrl.indexOf('?');
  const rawPath = q === -1 ? input.rawUrl : input.rawUrl.slice(0, q);
  const rawQuery = q === -1 ? '' : input.rawUrl.slice(q + 1);
  const query = new URLSearchParams(rawQuery);
  const auth = header(input.headers, 'authorization');
  const presigned = query.has('X-Amz-Signature') || query.has('X-Amz-Credential');
  let credential: string;
  let signedHeaderList: string;
  let given: string;
  let amzDate: string | undefined;
  let expiresMs = MAX_SKEW_MS;

  if (auth !== undefined) {
    if (!auth.startsWith(`${ALGORITHM} `)) return fail('IncompleteSignature', `Unsupported authorization type; only ${ALGORITHM} is accepted.`);
    const fields = Object.fromEntries(
      auth
        .slice(ALGORITHM.length + 1)
        .split(',')
        .map((part) => part.trim().split('=') as [string, string])
        .filter((kv) => kv.length === 2),
    );
    const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !fields[k]);
    if (missing.length > 0) {
      return fail('IncompleteSignature', `Authorization header requires ${missing.map((m) => `'${m}'`).join(', ')} parameter${missing.length > 1 ? 's' : ''}. Authorization=${auth.slice(0, 200)}`);
    }
    ({ Credential: credential, SignedHeaders: signedHeaderList, Signature: given } = fields);
    amzDate = header(input.headers, 'x-amz-date');
    if (!amzDate) {
      const dateHeader = header(input.headers, 'date');
      if (!dateHeader) return fail('IncompleteSignature', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
      amzDate = amzDateOf(new Date(dateHeader));
    }
  } else if (presigned) {
    if (query.get('X-Amz-Algorithm') !== ALGORITHM) return fail('IncompleteSignature', `X-Amz-Algorithm must be ${ALGORITHM}.`);
    const missing = ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date'].filter((k) => !query.get(k));
    if (missing.length > 0) return fail('IncompleteSignature', `Query-string authentication requires the ${missing.join(', ')} parameters.`);
    credential = query.get('X-Amz-Credential')!;
    signedHeaderList = query.get('X-Amz-SignedHeaders')!;
    given = query.get('X-Amz-Signature')!;
    amzDate = query.get('X-Amz-Date')!;
    const expires = Number(query.get('X-Amz-Expires') ?? 900);
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) return fail('IncompleteSignature', 'X-Amz-Expires must be an integer from 1 to 604800.');
    expiresMs = expires * 1000;
  } else {
    return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }

  const scopeParts = credential.split('/');
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
    return fail('IncompleteSignature', `Credential should be scoped to a valid region and service, as ACCESS_KEY/DATE/REGION/SERVICE/aws4_request; got '${credential.slice(0, 200)}'.`);
  }
  const [accessKeyId, scopeDate, region, service] = scopeParts;
  const signedAt = parseAmzDate(amzDate);
  if (!Number.isFinite(signedAt)) return fail('IncompleteSignature', `Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z'); got '${amzDate.slice(0, 50)}'.`);
  if (scopeDate !== amzDate.slice(0, 8)) return fail('InvalidSignatureException', `Credential should be scoped to a valid date: '${amzDate.slice(0, 8)}', not '${scopeDate}'.`);
  const now = input.now ?? Date.now();
  const tooOld = presigned && auth === undefined ? now > signedAt + expiresMs : now > signedAt + MAX_SKEW_MS;
  if (tooOld || signedAt > now + MAX_SKEW_MS) {
    const fmt = (t: number) => amzDateOf(new Date(t));
    return fail('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${fmt(now - MAX_SKEW_MS)} (${fmt(now)} - 15 min.)`);
  }

  const secret = input.secretOf(accessKeyId);
  if (secret === undefined) return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');

  const names = signedHeaderList.split(';');
  if (!names.includes('host')) return fail('IncompleteSignature', "SignedHeaders must include 'host'.");
  const headers: [string, string][] = [];
  for (const name of names) {
    const value = header(input.headers, name);
    if (value === undefined) return fail('IncompleteSignature', `Header '${name}' is listed in SignedHeaders but missing from the request.`);
    headers.push([name, trimValue(value)]);
  }
  const declaredHash = header(input.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== UNSIGNED_PAYLOAD && !declaredHash.startsWith('STREAMING-') && declaredHash !== input.bodySha256) {
    return fail('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.', 400);
  }
  // S3 presigned URLs never sign the payload; other services' presigned URLs sign the body's hash.
  const presignedS3 = presigned && auth === undefined && service === 's3';
  const payloadHash = presignedS3 ? UNSIGNED_PAYLOAD : declaredHash === UNSIGNED_PAYLOAD || declaredHash?.startsWith('STREAMING-') ? declaredHash : input.bodySha256;
  const expected = signature({
    method: input.method.toUpperCase(),
    uri: canonicalUri(rawPath, service),
    query: canonicalQuery(rawQuery, presigned && auth === undefined ? 'X-Amz-Signature' : undefined),
    headers,
    payloadHash,
    amzDate,
    scope: `${scopeDate}/${region}/${service}/aws4_request`,
    key: signingKey(secret, scopeDate, region, service),
  });
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return fail(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { ok: true, accessKeyId, region, service };
}
