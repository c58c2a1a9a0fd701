// The headers an object carries on the wire: what a PUT (or CreateMultipartUpload) stores from the
// request, and what GET and HEAD answer with (response-* overrides, checksums when asked for).
import type { IncomingHttpHeaders } from 'node:http';
import { checkMetadata, parseTaggingHeader } from '../../control/objects/object-rules.js';
import type { ObjectRecord, ObjectSettings } from '../../storage/object-records.js';
import { storedContentEncoding } from './payload.js';
import { httpDate } from './s3-xml.js';

const CONTENT_HEADERS = ['Content-Type', 'Content-Encoding', 'Content-Disposition', 'Content-Language', 'Cache-Control', 'Expires'] as const;

/** Content headers, x-amz-meta-* and x-amz-tagging of a request, checked. */
export function settingsFromRequest(headers: IncomingHttpHeaders): ObjectSettings {
  const stored: Record<string, string> = {};
  for (const name of CONTENT_HEADERS) {
    const value = headers[name.toLowerCase()];
    if (typeof value === 'string') stored[name] = value;
  }
  // aws-chunked is how the body travelled, not what it is.
  const encoding = storedContentEncoding(headers);
  if (encoding === undefined) delete stored['Content-Encoding'];
  else stored['Content-Encoding'] = encoding;
  stored['Content-Type'] ??= 'binary/octet-stream';
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  checkMetadata(metadata);
  const tagging = headers['x-amz-tagging'];
  return { headers: stored, metadata, tags: typeof tagging === 'string' ? parseTaggingHeader(tagging) : [] };
}

const OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

/** GET/HEAD response headers of an object. */
export function objectHeaders(object: ObjectRecord, query: URLSearchParams, withChecksums: boolean): Record<string, string | number> {
  const out: Record<string, string | number> = {
    ETag: object.etag,
    'Last-Modified': httpDate(object.lastModified),
    'Accept-Ranges': 'bytes',
    ...object.headers,
  };
  for (const [param, header] of Object.entries(OVERRIDES)) {
    const value = query.get(param);
    if (value !== null) out[header] = value;
  }
  for (const [name, value] of Object.entries(object.metadata)) out[`x-amz-meta-${name}`] = value;
  if (object.tags.length > 0) out['x-amz-tagging-count'] = object.tags.length;
  const parts = /-(\d+)"$/.exec(object.etag);
  if (parts) out['x-amz-mp-parts-count'] = parts[1];
  if (withChecksums) for (const [alg, value] of Object.entries(object.checksums)) out[`x-amz-checksum-${alg.toLowerCase()}`] = value;
  return out;
}

export function checksumHeaders(checksums: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(checksums).map(([alg, v]) => [`x-amz-checksum-${alg.toLowerCase()}`, v]));
}
