// AWS Signature Version 4 in the browser, with WebCrypto: the console signs each API call with
// the access key the user entered, exactly as the aws CLI would, so Gust needs no other way in.
const enc = new TextEncoder();

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === 'string' ? enc.encode(data) : data;
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, data: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(data));
}

/** RFC 3986 encoding of the UTF-8 bytes, as SigV4 wants it. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** S3 signs the path as sent; every other service encodes each (already encoded) segment once more. */
function canonicalUri(rawPath: string, service: string): string {
  if (service === 's3') return rawPath || '/';
  const segments = rawPath.split('/').filter((s) => s !== '' && s !== '.').map(rfc3986);
  return '/' + segments.join('/') + (segments.length > 0 && rawPath.endsWith('/') ? '/' : '');
}

function canonicalQuery(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const [k, v] = eq === -1 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
      return [rfc3986(decode(k)), rfc3986(decode(v))];
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Headers to send with a request to `url` (same origin) so that it carries a valid signature. */
export async function signRequest(
  creds: Credentials,
  req: { method: string; url: URL; service: string; body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> },
  now = new Date(),
): Promise<Record<string, string>> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = await sha256Hex(req.body ?? '');
  const headers: Record<string, string> = { ...(req.headers ?? {}), 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
  const signed = new Map<string, string>([['host', req.url.host]]);
  for (const [k, v] of Object.entries(headers)) signed.set(k.toLowerCase(), v.trim());
  const names = [...signed.keys()].sort();
  const canonical = [
    req.method,
    canonicalUri(req.url.pathname, req.service),
    canonicalQuery(req.url.search.slice(1)),
    names.map((n) => `${n}:${signed.get(n)}\n`).join(''),
    names.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${day}/${creds.region}/${req.service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${await sha256Hex(canonical)}`;
  let key = await hmac(enc.encode(`AWS4${creds.secretAccessKey}`), day);
  key = await hmac(key, creds.region);
  key = await hmac(key, req.service);
  key = await hmac(key, 'aws4_request');
  const signature = hex(await hmac(key, toSign));
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}
