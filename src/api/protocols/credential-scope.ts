// Reads the service name of a request's SigV4 credential scope from its headers or presigned
// query string, without checking anything: the dispatcher uses it only to tell protocols apart.
// The signature itself is checked later (authenticator.ts), against the service recognised.
import type { IncomingHttpHeaders } from 'node:http';

function serviceOfCredential(credential: string): string | undefined {
  const parts = credential.split('/');
  return parts.length === 5 && parts[3] !== '' ? parts[3] : undefined;
}

export function signedService(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const at = auth.indexOf('Credential=');
    if (at === -1) return undefined;
    const end = auth.slice(at + 'Credential='.length).search(/[,\s]/);
    return serviceOfCredential(auth.slice(at + 'Credential='.length, end === -1 ? undefined : at + 'Credential='.length + end));
  }
  const credential = query.get('X-Amz-Credential');
  return credential === null ? undefined : serviceOfCredential(credential);
}

/** True when the request carries a signature at all (header or presigned form), valid or not. */
export function isSigned(headers: IncomingHttpHeaders, query: URLSearchParams): boolean {
  return headers.authorization !== undefined || query.has('X-Amz-Signature') || query.has('X-Amz-Credential');
}
