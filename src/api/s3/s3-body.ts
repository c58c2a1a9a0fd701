// Streams a request body (PUT object, UploadPart) into a blob while digesting it; the length,
// Content-MD5 and x-amz-checksum-* are checked before the blob is made durable, so a short,
// broken or mismatched body leaves nothing behind.
import { GustError } from '../../errors.js';
import type { Objects } from '../../control/objects/objects.js';
import type { BlobRef } from '../../storage/blob-store.js';
import type { OperationContext } from '../service.js';
import { BodyDigests, checkChecksums, requestedChecksums } from './checksums.js';

export interface WrittenBody {
  blob: BlobRef;
  md5Hex: string;
  checksums: Record<string, string>;
}

export async function writeBody(objects: Objects, ctx: OperationContext, maxBytes: number, tooLarge: string): Promise<WrittenBody> {
  const payload = ctx.payload!;
  if (payload.length === undefined || Number.isNaN(payload.length)) throw new GustError('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  if (payload.length > maxBytes) throw new GustError('EntityTooLarge', tooLarge, { ProposedSize: payload.length, MaxSizeAllowed: maxBytes });
  const algorithms = requestedChecksums(ctx.req.headers);
  const digests = new BodyDigests(algorithms);
  let md5Hex = '';
  let checksums: Record<string, string> = {};
  try {
    const blob = await objects.writeBlob(
      payload.stream,
      (chunk) => digests.update(chunk),
      (size) => {
        if (size !== payload.length) throw incomplete(size, payload.length!);
        md5Hex = digests.md5().toString('hex');
        checksums = checkChecksums(ctx.req.headers, payload.trailers(), algorithms, digests) as Record<string, string>;
      },
    );
    return { blob, md5Hex, checksums };
  } catch (err) {
    if (err instanceof GustError) throw err;
    // The connection broke mid-body (the client went away or sent less than it declared).
    throw incomplete(undefined, payload.length);
  }
}

const incomplete = (got: number | undefined, declared: number) =>
  new GustError('IncompleteBody', `You did not provide the number of bytes specified by the Content-Length HTTP header${got === undefined ? '' : ` (${got} of ${declared})`}.`);
