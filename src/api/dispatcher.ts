// Recognises which protocol and service a request is for, from its head alone (method, path,
// Host, X-Amz-Target, the signature's credential scope), before any service sees it. Pure: no
// socket, no body; tests call recognise() directly. The order of recognition is documented in
// docs/architecture.md; it is the order of the steps in recognise().
import type { IncomingHttpHeaders } from 'node:http';
import FindMyWay from 'find-my-way';
import type { GustError } from '../errors.js';
import { isSigned, signedService } from './protocols/credential-scope.js';
import type { RestOperation, RestService, Service, TargetOperation, TargetService, XmlOperation, XmlService } from './service.js';

export interface RequestHead {
  method: string;
  /** The request target as sent: path and query string. */
  url: string;
  headers: IncomingHttpHeaders;
}

export type Recognition =
  /** A registered service; `failure` when the address is not one of its operations (or is badly encoded). */
  /** S3's params are Bucket and Key (absent for the service root), percent-decoded once. */
  | { kind: 'service'; service: Service; operation?: RestOperation | TargetOperation | XmlOperation; params: Record<string, string>; failure?: GustError }
  /** The Query protocol (Action=…): `service` when one that speaks Query is signed for. */
  | { kind: 'query'; action: string | undefined; service?: TargetService }
  /** An HTTP route or a function URL that exists (or a CORS preflight the routes answer). */
  | { kind: 'gateway' }
  /** Nothing claims it: the gateway's 404, as API Gateway answers a missing route. */
  | { kind: 'not-found' };

/** Does the HTTP gateway have a route or function URL for this request? */
export type GatewayClaims = (head: RequestHead, path: string) => Promise<boolean>;

/** `<bucket>.localhost[:port]`: how S3 clients address a bucket virtual-host style on a local endpoint. */
const VIRTUAL_HOST_BUCKET = /^[a-z0-9][a-z0-9.-]{1,62}\.localhost(:\d+)?$/i;

function underPrefix(path: string, prefix: string): boolean {
  return prefix.endsWith('/') ? path.startsWith(prefix) || path === prefix.slice(0, -1) : path === prefix || path.startsWith(`${prefix}/`);
}

type Router = ReturnType<typeof FindMyWay>;

export class Dispatcher {
  private readonly routers = new Map<RestService, Router>();
  private readonly byTarget = new Map<string, TargetService>();
  private readonly bySigningName = new Map<string, Service>();
  private readonly xml?: XmlService;

  constructor(
    readonly services: readonly Service[],
    private readonly gatewayClaims: GatewayClaims,
  ) {
    for (const service of services) {
      if (service.protocol === 'rest-json') this.routers.set(service, routerOf(service));
      else if (service.protocol === 'rest-xml') this.xml ??= service;
      else this.byTarget.set(service.targetPrefix, service);
      // The first service registered for a signing name is the one its stray requests go to.
      for (const name of service.signingServices) if (!this.bySigningName.has(name)) this.bySigningName.set(name, service);
    }
  }

  async recognise(head: RequestHead): Promise<Recognition> {
    const q = head.url.indexOf('?');
    const path = q === -1 ? head.url : head.url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : head.url.slice(q + 1));
    const scope = signedService(head.headers, query);

    // 1. S3 virtual-host style: the bucket is in the Host, whatever the path.
    const host = String(head.headers.host ?? '');
    if (this.xml && VIRTUAL_HOST_BUCKET.test(host)) return this.xmlOperation(this.xml, head, path, query, host.slice(0, host.toLowerCase().lastIndexOf('.localhost')));
    // 2. awsJson: X-Amz-Target names the service and the operation, whatever the path.
    const target = head.headers['x-amz-target'];
    if (head.method === 'POST' && typeof target === 'string') {
      const dot = target.indexOf('.');
      const service = dot === -1 ? undefined : this.byTarget.get(target.slice(0, dot));
      if (service) return this.targetOperation(service, target.slice(dot + 1));
    }
    // 3. REST-JSON: a path under a prefix a service owns (Lambda's dated paths, /schedules, /gust/).
    for (const [service, router] of this.routers) {
      if (service.pathPrefixes.some((prefix) => underPrefix(path, prefix))) return this.restOperation(service, router, head.method, path);
    }
    // 4. S3 path style: only the signature's scope tells a bucket from an HTTP route.
    if (scope === 's3' && this.xml) return this.xmlOperation(this.xml, head, path, query);
    // 4b. Query for a service that speaks it (SQS): signed for it, Action= or a form post, at any
    // path (SQS clients post to the queue URL).
    const form = String(head.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const queryService = scope === undefined ? undefined : this.bySigningName.get(scope);
    if (queryService !== undefined && queryService.protocol !== 'rest-json' && queryService.protocol !== 'rest-xml' && queryService.query && (query.has('Action') || (head.method === 'POST' && form))) {
      return { kind: 'query', action: query.get('Action') ?? undefined, service: queryService };
    }
    // 5. The HTTP gateway, for the routes and function URLs that exist.
    if (await this.gatewayClaims(head, path)) return { kind: 'gateway' };
    // 6. Query: a signed request with Action= in its query string or a form-encoded body.
    if (isSigned(head.headers, query) && (query.has('Action') || (head.method === 'POST' && form))) return { kind: 'query', action: query.get('Action') ?? undefined };
    // 7. Signed for a registered service, at an address none of the above claims: that service says so.
    const signedFor = scope === undefined ? undefined : this.bySigningName.get(scope);
    if (signedFor?.protocol === 'rest-xml') return this.xmlOperation(signedFor, head, path, query);
    if (signedFor?.protocol === 'rest-json') return this.restOperation(signedFor, this.routers.get(signedFor)!, head.method, path);
    if (signedFor) return this.targetOperation(signedFor, typeof target === 'string' ? target.slice(0, 100) : `(no X-Amz-Target) ${head.method} ${path.slice(0, 100)}`);
    // 8. Nobody's.
    return { kind: 'not-found' };
  }

  /** S3: virtual-host style when `hostBucket` is given (the key is the whole path), else path style. */
  private xmlOperation(service: XmlService, head: RequestHead, path: string, query: URLSearchParams, hostBucket?: string): Recognition {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return { kind: 'service', service, params: {}, failure: service.badEncoding(path) };
    }
    let bucket = hostBucket;
    let key = decoded.slice(1);
    if (bucket === undefined) {
      const slash = key.indexOf('/');
      bucket = slash === -1 ? key : key.slice(0, slash);
      key = slash === -1 ? '' : key.slice(slash + 1);
    }
    const params: Record<string, string> = {};
    if (bucket !== '') params.Bucket = bucket;
    if (key !== '') params.Key = key;
    const name = service.resolve({ method: head.method, bucket: params.Bucket, key: params.Key, query, headers: head.headers });
    const operation = name === undefined ? undefined : service.operations.find((op) => op.name === name);
    const what = `${head.method.slice(0, 20)} ${params.Bucket === undefined ? 'the service' : params.Key === undefined ? 'a bucket' : 'an object'}`;
    return { kind: 'service', service, operation, params, failure: operation?.handle ? undefined : service.unknownOperation(name ?? what) };
  }

  private targetOperation(service: TargetService, name: string): Recognition {
    const operation = service.operations.find((op) => op.name === name);
    return { kind: 'service', service, operation, params: {}, failure: operation?.handle ? undefined : service.unknownOperation(name.slice(0, 100)) };
  }

  private restOperation(service: RestService, router: Router, method: string, path: string): Recognition {
    try {
      decodeURIComponent(path);
    } catch {
      return { kind: 'service', service, params: {}, failure: service.badEncoding(path) };
    }
    let found: ReturnType<Router['find']> = null;
    try {
      found = router.find(method as 'GET', path);
    } catch {
      found = null; // a method the router does not know
    }
    if (!found) return { kind: 'service', service, params: {}, failure: service.unknownOperation(`${method.slice(0, 20)} ${path.slice(0, 200)}`) };
    const operation = found.store as RestOperation;
    return { kind: 'service', service, operation, params: { ...found.params } as Record<string, string>, failure: operation.handle ? undefined : service.unknownOperation(operation.name) };
  }
}

function routerOf(service: RestService): Router {
  // Paths match as sent, trailing slash or not (the SDKs differ); parameters are percent-decoded.
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 2048 });
  const declared = new Set<string>();
  for (const operation of service.operations) {
    const key = `${operation.method} ${operation.path}`;
    // Operations that share an address (ListLayers, GetLayerVersionByArn): the first one answers.
    if (declared.has(key)) continue;
    declared.add(key);
    router.on(operation.method, operation.path, () => {}, operation);
  }
  return router;
}
