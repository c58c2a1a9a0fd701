// A tiny S3 PUT endpoint for the tests of S3 authentication and payloads: it runs exactly what
// the S3 service runs before storing a body (verifyHead, requestedChecksums, openPayload,
// BodyDigests, checkChecksums, s3AuthError and the S3 XML error renderer) and records what it saw.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sigV4Authenticator } from '../../src/api/authenticator.js';
import { renderError } from '../../src/api/protocols/error-renderers.js';
import { BodyDigests, checkChecksums, checksumHeader, requestedChecksums } from '../../src/api/s3/checksums.js';
import { openPayload } from '../../src/api/s3/payload.js';
import { s3AuthError } from '../../src/api/s3/s3-auth-errors.js';
import type { AccessKey } from '../../src/control/access-keys.js';
import { GustError } from '../../src/errors.js';

export interface Seen {
  method: string;
  url: string;
  /** The decoded body's SHA-256 and length, on success. */
  sha256?: string;
  length?: number;
  declaredLength?: number;
  trailers?: Record<string, string>;
  checksums?: Record<string, string>;
  mode?: string;
  /** The S3 error code answered, on failure. */
  error?: string;
  errorMessage?: string;
}

export interface UploadChecker {
  endpoint: string;
  seen: Seen[];
  /** Resolves with the next request's record once it has been answered. */
  next(): Promise<Seen>;
  close(): Promise<void>;
}

export async function startUploadChecker(key: { accessKeyId: string; secretAccessKey: string }): Promise<UploadChecker> {
  const stored: AccessKey = { ...key, scope: 'admin', createdAt: 0 };
  const auth = sigV4Authenticator((id) => (id === key.accessKeyId ? stored : undefined), 'us-east-1');
  const seen: Seen[] = [];
  const waiting: ((s: Seen) => void)[] = [];
  const record = (s: Seen) => {
    seen.push(s);
    waiting.shift()?.(s);
  };
  const server = http.createServer((req, res) => {
    const entry: Seen = { method: req.method ?? 'GET', url: req.url ?? '/' };
    const run = async () => {
      const head = auth.verifyHead(req, ['s3']);
      entry.mode = head.payload.kind === 'chunked' ? `chunked${head.payload.signed ? '-signed' : ''}${head.payload.trailer ? '-trailer' : ''}` : head.payload.kind;
      const algorithms = requestedChecksums(req.headers);
      const payload = openPayload(req, head.payload);
      entry.declaredLength = payload.length;
      const digests = new BodyDigests(algorithms);
      const sha = createHash('sha256');
      let length = 0;
      for await (const chunk of payload.stream) {
        digests.update(chunk);
        sha.update(chunk);
        length += chunk.length;
      }
      const checksums = checkChecksums(req.headers, payload.trailers(), algorithms, digests);
      Object.assign(entry, { sha256: sha.digest('hex'), length, trailers: payload.trailers(), checksums });
      const headers: Record<string, string> = { ETag: `"${digests.md5().toString('hex')}"`, 'Content-Length': '0' };
      for (const [alg, value] of Object.entries(checksums)) headers[checksumHeader(alg as never)] = value!;
      res.writeHead(200, headers).end();
    };
    run()
      .catch((err: unknown) => {
        const error = err instanceof GustError ? s3AuthError(err) : new GustError('InternalError', String((err as Error)?.stack ?? err));
        entry.error = error.code;
        entry.errorMessage = error.message;
        renderError('rest-xml', res, error, randomUUID());
        if (!req.complete) req.resume();
      })
      .finally(() => record(entry));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
