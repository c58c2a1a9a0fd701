// The rules that differ for a function with PackageType Image: what CreateFunction,
// UpdateFunctionCode and UpdateFunctionConfiguration accept for it, and the record fields it has.
// Functions (functions.ts) calls these; the lifecycle itself is shared with .zip functions.
import { invalidParameter } from '../errors.js';
import { NETWORK_TAG } from '../invoke/runtime-launch.js';
import type { FunctionRecord, ImageConfigSettings } from './function-record.js';
import { parseImageConfigInput, resolveImageUri } from './image-uri.js';

export interface ImageLookup {
  refs(): Record<string, string>;
  info(id: string): unknown;
}

export const isImage = (fn: Pick<FunctionRecord, 'packageType'>) => fn.packageType === 'Image';

/** The content address an image function's record carries (never a code/ directory). */
export const imageCodeKey = (id: string) => `image-${id}`;

/** CreateFunction's PackageType: 'Zip' (the default) or 'Image', as Lambda's enum. */
export function packageTypeOf(body: Record<string, unknown>): 'Zip' | 'Image' {
  const type = body.PackageType ?? 'Zip';
  if (type !== 'Zip' && type !== 'Image') {
    throw invalidParameter(`1 validation error detected: Value '${String(type).slice(0, 50)}' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Image, Zip]`);
  }
  return type;
}

/** Fields an Image function cannot have (Lambda takes them from the image). */
export function refuseZipOnlyFields(body: Record<string, unknown>): void {
  if (body.Runtime !== undefined || body.Handler !== undefined) throw invalidParameter('Runtime and Handler are not supported for functions with PackageType Image: the image\'s entry point runs (see ImageConfig).');
  if (body.Layers !== undefined && !(Array.isArray(body.Layers) && body.Layers.length === 0)) throw invalidParameter('Layers are not supported for functions with PackageType Image.');
}

/** An image runs with its own root filesystem: only in the namespace sandbox, with the network on. */
export function checkImageSandbox(tags: Record<string, string>, namespaces: boolean): void {
  if (!namespaces) throw invalidParameter('Functions with PackageType Image need the namespace sandbox; this Gust runs with --sandbox process.');
  if (tags[NETWORK_TAG] !== undefined && tags[NETWORK_TAG] !== 'on') throw invalidParameter(`Tag ${NETWORK_TAG} other than 'on' is not supported yet for functions with PackageType Image.`);
}

/** The code fields of an Image function's record, from Code.ImageUri (or UpdateFunctionCode's ImageUri). */
export function imageCode(uri: unknown, images: ImageLookup): Pick<FunctionRecord, 'image' | 'codeSha256' | 'codeSize' | 'codeKey'> {
  const resolved = resolveImageUri(uri, images);
  return {
    image: { uri: uri as string, resolvedUri: resolved.resolvedUri, id: resolved.id },
    // Lambda reports an image's digest as its CodeSha256 and no code size.
    codeSha256: resolved.id,
    codeSize: 0,
    codeKey: imageCodeKey(resolved.id),
  };
}

/** ImageConfig of a request: undefined when absent, {} to clear it. Refused on .zip functions. */
export function imageConfigOf(body: Record<string, unknown>, image: boolean): ImageConfigSettings | undefined {
  const value = body.ImageConfig;
  if (value === undefined) return undefined;
  const parsed = parseImageConfigInput(value);
  if (!image && Object.keys(parsed).length > 0) throw invalidParameter('ImageConfig is supported only for functions with PackageType Image.');
  return parsed;
}

/** UpdateFunctionCode: an Image function takes an ImageUri, a .zip function anything but. */
export function checkCodeUpdateKind(fn: FunctionRecord, body: Record<string, unknown>): void {
  if (isImage(fn)) {
    if (body.ZipFile !== undefined || body.S3Bucket !== undefined) throw invalidParameter('Please provide ImageUri when updating a function with packageType Image.');
  } else if (body.ImageUri !== undefined) {
    throw invalidParameter("Please don't provide ImageUri when updating a function with packageType Zip.");
  }
}
