// The one HTTP entry point. The dispatcher recognises a request's protocol and service from its
// head; then the request's signature is checked as far as its headers allow, its body is read
// within the limit of its operation (a stranger's body is never buffered), the signature is
// verified in full, the key's scope authorised, and the operation's handler runs. One error
// boundary per request renders every failure in the wire format of the protocol recognised;
// nothing a client sends can escape as an unhandled exception.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GustError } from '../errors.js';
import { authorize, type Authenticator, type InvokeGrants } from './authenticator.js';
import { Dispatcher, type Recognition } from './dispatcher.js';
import { readBody } from './http-io.js';
import { isSigned } from './protocols/credential-scope.js';
import { renderError, unexpectedErrorCode } from './protocols/error-renderers.js';
import { authorizeS3 } from './s3/s3-authorize.js';
import { openPayload } from './s3/payload.js';
import { s3AuthError } from './s3/s3-auth-errors.js';
import type { Protocol, Service, TargetService, XmlOperation, XmlService } from './service.js';
import type { HttpGateway } from '../triggers/http/gateway.js';

export { MAX_CONTROL_BODY as MAX_REQUEST_BODY } from './lambda/lambda-service.js';

export interface ApiDeps {
  /** The registered services (api/services.ts). */
  services: readonly Service[];
  /** HTTP routes and function URLs: only the requests the dispatcher hands it. */
  gateway: HttpGateway;
  auth: Authenticator;
  /** What a function's own key may invoke: the functions' resource policies. */
  grants: InvokeGrants;
  /** Gust's own log. */
  log: (line: string) => void;
}

export function createRequestHandler(deps: ApiDeps) {
  const dispatcher = new Dispatcher(deps.services, (head, path) => deps.gateway.claims(head.method, path, head.headers));
  return (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    let protocol: Protocol = 'rest-json';
    // The error boundary: whatever is thrown becomes an error in the caller's wire format.
    const fail = (err: unknown) => {
      let error: GustError;
      if (err instanceof GustError) error = err;
      else {
        deps.log(`internal error (request ${requestId}): ${(err as Error)?.stack ?? err}`);
        error = new GustError(unexpectedErrorCode(protocol), 'An internal error occurred; nothing was changed. See the Gust server log.');
      }
      if (res.headersSent) return res.destroy();
      renderError(protocol, res, error, requestId);
      // Discard a body the client is still sending (one over the limit, say), so that it reads
      // our answer instead of a broken pipe; the connection guard bounds how much and how slowly.
      if (!req.complete) req.resume();
    };
    const head = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    dispatcher
      .recognise(head)
      .then((recognised) => {
        protocol = protocolOf(recognised);
        return handle(deps, recognised, req, res, requestId);
      })
      .catch(fail);
  };
}

function protocolOf(recognised: Recognition): Protocol {
  switch (recognised.kind) {
    case 'service':
      return recognised.service.protocol;
    case 'query':
      return 'query';
    default:
      return 'rest-json';
  }
}

async function handle(deps: ApiDeps, recognised: Recognition, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  switch (recognised.kind) {
    case 'gateway':
    case 'not-found':
      // The gateway answers its own errors as API Gateway does (502, 504, 404), never a thrown one.
      return deps.gateway.handle(req, res).catch((err) => {
        deps.log(`internal error (request ${requestId}, HTTP gateway): ${(err as Error)?.stack ?? err}`);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Internal server error"}');
        else res.destroy();
      });
    case 'query':
      if (recognised.service) return runQueryOperation(deps, recognised.service, req, res, requestId);
      throw new GustError('InvalidAction', `Gust serves no Query-protocol service yet; the action ${recognised.action === undefined ? 'in this form' : `'${recognised.action.slice(0, 100)}'`} is not implemented.`);
    case 'service':
      return runOperation(deps, recognised, req, res, requestId);
  }
}

async function runOperation(deps: ApiDeps, recognised: Extract<Recognition, { kind: 'service' }>, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const { service, operation } = recognised;
  if (service.protocol === 'rest-xml') return runXmlOperation(deps, { ...recognised, service }, req, res, requestId);
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const isPublic = service.isPublic?.(method, path, isSigned(req.headers, query)) ?? false;
  // Before the body: a stranger, a stale date or another service's signature is refused here.
  if (!isPublic) deps.auth.precheck(req, service.signingServices);
  const limit = operation?.bodyLimit ?? service.defaultBodyLimit;
  const body = await readBody(req, limit.bytes, limit.message);
  const caller = isPublic ? undefined : deps.auth.verify(req, body, service.signingServices);
  if (caller !== undefined) {
    const described = service.protocol === 'rest-json' ? `${method} ${path.slice(0, 100)}` : `${service.name}:${operation?.name ?? 'unknown'}`;
    await authorize(caller, { protocol: service.protocol === 'rest-json' ? 'rest' : 'awsJson', method, path, qualifier: query.get('Qualifier') ?? undefined, operation: described }, deps.grants);
  }
  if (recognised.failure) throw recognised.failure;
  if (!operation?.handle) throw service.unknownOperation(operation?.name ?? `${method} ${path.slice(0, 200)}`);
  await operation.handle({ req, res, body, path, query, params: recognised.params, requestId, caller: caller ?? 'admin', authenticated: caller !== undefined });
}

/**
 * S3: the whole signature is checked from the head (S3 always declares its payload hash, or is
 * presigned), then the handler reads the payload itself, as a stream: a body is never buffered
 * whole unless its operation takes a small one (XML), and then within that operation's limit.
 */
async function runXmlOperation(deps: ApiDeps, recognised: Extract<Recognition, { kind: 'service' }> & { service: XmlService }, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const { service } = recognised;
  const operation = recognised.operation as XmlOperation | undefined;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let verified;
  try {
    verified = deps.auth.verifyHead(req, service.signingServices);
  } catch (err) {
    throw err instanceof GustError ? s3AuthError(err) : err;
  }
  if (recognised.failure) throw recognised.failure;
  if (!operation?.handle) throw service.unknownOperation(operation?.name ?? 'unknown');
  authorizeS3(verified.caller, operation.name);
  const payload = openPayload(req, verified.payload);
  await operation.handle({
    req,
    res,
    body: Buffer.alloc(0),
    path: q === -1 ? url : url.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    params: recognised.params,
    requestId,
    caller: verified.caller,
    authenticated: true,
    payload,
  });
}

/** Query protocol: the action is in the query string or the form body, so the body comes first. */
async function runQueryOperation(deps: ApiDeps, service: TargetService, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  deps.auth.precheck(req, service.signingServices);
  const body = await readBody(req, service.defaultBodyLimit.bytes, service.defaultBodyLimit.message);
  const caller = deps.auth.verify(req, body, service.signingServices);
  const form = new URLSearchParams(body.toString('utf8'));
  for (const [key, value] of query) if (!form.has(key)) form.append(key, value);
  const action = form.get('Action') ?? '';
  await authorize(caller, { protocol: 'awsJson', method: req.method ?? 'POST', path, operation: `${service.name}:${action.slice(0, 100)}` }, deps.grants);
  const ctx = { req, res, body, path, query, params: {}, requestId, caller, authenticated: true };
  await service.query!.handle(action, form, ctx);
}
