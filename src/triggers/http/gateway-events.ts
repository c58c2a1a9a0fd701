// The events API Gateway hands to a function: payload format 1.0 (REST API proxy integration)
// and 2.0 (HTTP API), built from an incoming request exactly as AWS builds them.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Route } from './route-table.js';

export interface GatewayRequest {
  req: IncomingMessage;
  route: Route;
  pathParameters: Record<string, string>;
  path: string;
  rawQuery: string;
  body: Buffer;
  accountId: string;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]*\+(json|xml)))/i;

/** API Gateway passes text bodies as they are and everything else base64-encoded. */
function encodeBody(body: Buffer, contentType: string | undefined): { body: string | null; isBase64Encoded: boolean } {
  if (body.length === 0) return { body: null, isBase64Encoded: false };
  if (!contentType || TEXT_TYPES.test(contentType)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** Header name/value pairs as received, names lowercased (format 2.0) or as sent (1.0). */
function headerPairs(req: IncomingMessage, lower: boolean): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([lower ? req.rawHeaders[i].toLowerCase() : req.rawHeaders[i], req.rawHeaders[i + 1]]);
  return pairs;
}

function queryPairs(rawQuery: string): [string, string][] {
  return [...new URLSearchParams(rawQuery)];
}

const sourceIp = (req: IncomingMessage) => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
const routeKey = (route: Route) => (route.path === '$default' ? '$default' : `${route.method} ${route.path}`);

export function eventV2(g: GatewayRequest) {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of headerPairs(g.req, true)) {
    if (name === 'cookie') cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of queryPairs(g.rawQuery)) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(g.route),
    rawPath: g.path,
    rawQueryString: g.rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(g.pathParameters).length > 0 ? { pathParameters: g.pathParameters } : {}),
    requestContext: {
      accountId: g.accountId,
      apiId: 'gust',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0],
      http: { method: g.req.method, path: g.path, protocol: `HTTP/${g.req.httpVersion}`, sourceIp: sourceIp(g.req), userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: routeKey(g.route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...encodeBody(g.body, headers['content-type']),
  };
}

export function eventV1(g: GatewayRequest) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of headerPairs(g.req, false)) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of queryPairs(g.rawQuery)) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const hasQuery = Object.keys(query).length > 0;
  const hasParams = Object.keys(g.pathParameters).length > 0;
  const now = new Date();
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const resource = g.route.path === '$default' ? '/{proxy+}' : g.route.path;
  return {
    version: '1.0',
    resource,
    path: g.path,
    httpMethod: g.req.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: hasParams ? g.pathParameters : null,
    stageVariables: null,
    requestContext: {
      accountId: g.accountId,
      apiId: 'gust',
      resourceId: 'gust',
      resourcePath: resource,
      httpMethod: g.req.method,
      path: g.path,
      protocol: `HTTP/${g.req.httpVersion}`,
      requestId: randomUUID(),
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      stage: '$default',
      identity: { sourceIp: sourceIp(g.req), userAgent: headers['User-Agent'] ?? headers['user-agent'] ?? null },
    },
    ...encodeBody(g.body, contentType),
  };
}
