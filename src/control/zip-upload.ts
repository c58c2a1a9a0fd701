// A zip uploaded inside a JSON request (Code.ZipFile, Content.ZipFile): base64, checked and
// bounded by Lambda's 50 MB direct-upload limit before anything is decoded into memory twice.
import { GustError, invalidParameter } from '../errors.js';

export const MAX_ZIP_BYTES = 50 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `field` names the member in messages: Code.ZipFile for functions, Content.ZipFile for layers. */
export function decodeZipFile(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || value.length === 0) throw invalidParameter(`${field} is required: the base64-encoded contents of a .zip file.`);
  const text = value.replace(/\s+/g, '');
  if (text.length % 4 === 1 || !BASE64.test(text)) throw invalidParameter(`${field} is not valid base64.`);
  const zip = Buffer.from(text, 'base64');
  if (zip.length > MAX_ZIP_BYTES) throw new GustError('RequestTooLargeException', `Zipped code must be smaller than ${MAX_ZIP_BYTES} bytes for direct upload.`);
  return zip;
}
