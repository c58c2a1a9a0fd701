// Maps what a function returned to the HTTP response, as API Gateway does for payload formats
// 1.0 and 2.0. A malformed result comes back as the reason why: the caller answers 502 and tells
// the function's log, since the client only sees "Internal server error".

export interface HttpResponse {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

/** Why a result could not be mapped to an HTTP response. */
export interface Malformed {
  malformed: string;
}

const malformed = (why: string): Malformed => ({ malformed: why });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function structured(result: Record<string, unknown>, allowMultiValue: boolean, allowCookies: boolean): HttpResponse | Malformed {
  const status = result.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return malformed(status === undefined ? 'it has no statusCode' : `statusCode must be a whole number from 100 to 599, not ${JSON.stringify(status)}`);
  }
  const headers: [string, string][] = [];
  if (result.headers !== undefined && result.headers !== null) {
    if (!isObject(result.headers)) return malformed('headers must be an object of strings');
    for (const [k, v] of Object.entries(result.headers)) headers.push([k, String(v)]);
  }
  if (allowMultiValue && result.multiValueHeaders !== undefined && result.multiValueHeaders !== null) {
    if (!isObject(result.multiValueHeaders)) return malformed('multiValueHeaders must be an object of arrays');
    for (const [k, values] of Object.entries(result.multiValueHeaders)) {
      if (!Array.isArray(values)) return malformed(`multiValueHeaders.${k} must be an array`);
      for (const v of values) headers.push([k, String(v)]);
    }
  }
  if (allowCookies && result.cookies !== undefined) {
    if (!Array.isArray(result.cookies)) return malformed('cookies must be an array of strings');
    for (const c of result.cookies) headers.push(['set-cookie', String(c)]);
  }
  const rawBody = result.body;
  if (rawBody !== undefined && rawBody !== null && typeof rawBody !== 'string') return malformed(`body must be a string (JSON.stringify it), not ${Array.isArray(rawBody) ? 'an array' : `a ${typeof rawBody}`}`);
  const body = rawBody ? Buffer.from(rawBody, result.isBase64Encoded === true ? 'base64' : 'utf8') : Buffer.alloc(0);
  return { statusCode: status, headers, body };
}

/** Format 1.0 (REST API proxy): only `{statusCode, headers, multiValueHeaders, body, isBase64Encoded}`. */
export function responseV1(result: unknown): HttpResponse | Malformed {
  if (!isObject(result)) return malformed(`payload format 1.0 needs an object {statusCode, headers, body}, not ${result === null ? 'null' : Array.isArray(result) ? 'an array' : `a ${typeof result}`}`);
  const mapped = structured(result, true, false);
  return 'malformed' in mapped ? malformed(`payload format 1.0 needs {statusCode, headers, body}: ${mapped.malformed}`) : mapped;
}

/** Format 2.0: a result with a statusCode is structured; any other value is a 200 JSON body. */
export function responseV2(result: unknown): HttpResponse | Malformed {
  if (isObject(result) && 'statusCode' in result) return structured(result, false, true);
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
}
