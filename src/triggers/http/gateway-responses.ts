// Maps what a function returned to the HTTP response, as API Gateway does for payload formats
// 1.0 and 2.0. Null means the result is malformed: the caller answers 502.

export interface HttpResponse {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function structured(result: Record<string, unknown>, allowMultiValue: boolean, allowCookies: boolean): HttpResponse | null {
  const status = result.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return null;
  const headers: [string, string][] = [];
  if (result.headers !== undefined && result.headers !== null) {
    if (!isObject(result.headers)) return null;
    for (const [k, v] of Object.entries(result.headers)) headers.push([k, String(v)]);
  }
  if (allowMultiValue && result.multiValueHeaders !== undefined && result.multiValueHeaders !== null) {
    if (!isObject(result.multiValueHeaders)) return null;
    for (const [k, values] of Object.entries(result.multiValueHeaders)) {
      if (!Array.isArray(values)) return null;
      for (const v of values) headers.push([k, String(v)]);
    }
  }
  if (allowCookies && result.cookies !== undefined) {
    if (!Array.isArray(result.cookies)) return null;
    for (const c of result.cookies) headers.push(['set-cookie', String(c)]);
  }
  const rawBody = result.body;
  if (rawBody !== undefined && rawBody !== null && typeof rawBody !== 'string') return null;
  const body = rawBody ? Buffer.from(rawBody, result.isBase64Encoded === true ? 'base64' : 'utf8') : Buffer.alloc(0);
  return { statusCode: status, headers, body };
}

export function responseV1(result: unknown): HttpResponse | null {
  return isObject(result) ? structured(result, true, false) : null;
}

/** Format 2.0: a result with a statusCode is structured; any other value is a 200 JSON body. */
export function responseV2(result: unknown): HttpResponse | null {
  if (isObject(result) && 'statusCode' in result) return structured(result, false, true);
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
}
