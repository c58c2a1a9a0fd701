// Code.ImageUri and ImageConfig of a function with PackageType Image. Gust has no registry: an
// ImageUri names an image imported with `gust image import`, as NAME:TAG, NAME@sha256:ID, or
// the same behind an ECR host (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME:TAG), as on Lambda.
import { invalidParameter } from '../errors.js';
import type { ImageConfigSettings } from './function-record.js';

const ECR_HOST = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;
const REPO = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface ImageReference {
  /** The registry host and slash, when the URI had one ('' otherwise). */
  host: string;
  repository: string;
  tag?: string;
  /** The image id (hex), for NAME@sha256:ID. */
  digest?: string;
}

/** Parses NAME[:TAG] or NAME@sha256:HEX, with an optional ECR host; undefined when it is neither. */
export function parseImageReference(uri: string): ImageReference | undefined {
  if (uri.length > 1024) return undefined;
  const host = ECR_HOST.exec(uri)?.[0] ?? '';
  const rest = uri.slice(host.length);
  const at = rest.indexOf('@');
  if (at >= 0) {
    const digest = /^sha256:([0-9a-f]{64})$/.exec(rest.slice(at + 1))?.[1];
    const repository = rest.slice(0, at);
    return digest && REPO.test(repository) ? { host, repository, digest } : undefined;
  }
  const colon = rest.lastIndexOf(':');
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : 'latest';
  return REPO.test(repository) && TAG.test(tag) ? { host, repository, tag } : undefined;
}

/** The name an imported image is filed under: NAME:TAG (without a registry host). */
export function imageName(ref: ImageReference): string {
  return `${ref.repository}:${ref.tag ?? 'latest'}`;
}

export interface ResolvedImage {
  id: string;
  /** Lambda's ResolvedImageUri: the same repository, pinned to the image's digest. */
  resolvedUri: string;
}

/** Finds the imported image a URI names, or refuses it as Lambda refuses a missing image. */
export function resolveImageUri(uri: unknown, lookup: { refs(): Record<string, string>; info(id: string): unknown }): ResolvedImage {
  if (typeof uri !== 'string' || uri === '') throw invalidParameter('Code.ImageUri is required for a function with PackageType Image.');
  const ref = parseImageReference(uri);
  if (!ref) throw invalidParameter(`Source image ${uri.slice(0, 300)} is not valid. Provide a valid source image (NAME:TAG or NAME@sha256:DIGEST, imported with gust image import).`);
  const id = ref.digest ?? lookup.refs()[imageName(ref)];
  if (!id || !lookup.info(id)) {
    throw invalidParameter(`Source image ${uri.slice(0, 300)} does not exist. Provide a valid source image (import it first: gust image import PATH --name ${imageName({ ...ref, tag: ref.tag ?? 'latest' })}).`);
  }
  return { id, resolvedUri: `${ref.host}${ref.repository}@sha256:${id}` };
}

function stringList(value: unknown, field: string, maxItems: number): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.includes('\0'))) throw invalidParameter(`ImageConfig.${field} must be a list of strings.`);
  if (value.length > maxItems) throw invalidParameter(`ImageConfig.${field} must have at most ${maxItems} items.`);
  return value as string[];
}

/** ImageConfig of CreateFunction/UpdateFunctionConfiguration; an empty value clears a field. */
export function parseImageConfigInput(value: unknown): ImageConfigSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter('ImageConfig must be an object.');
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !['EntryPoint', 'Command', 'WorkingDirectory'].includes(k));
  if (unknown.length > 0) throw invalidParameter(`ImageConfig has unknown fields: ${unknown.join(', ').slice(0, 200)}.`);
  const out: ImageConfigSettings = {};
  if (v.EntryPoint !== undefined && v.EntryPoint !== null) {
    const list = stringList(v.EntryPoint, 'EntryPoint', 1500);
    if (list.length > 0) out.entryPoint = list;
  }
  if (v.Command !== undefined && v.Command !== null) {
    const list = stringList(v.Command, 'Command', 1500);
    if (list.length > 0) out.command = list;
  }
  if (v.WorkingDirectory !== undefined && v.WorkingDirectory !== null && v.WorkingDirectory !== '') {
    if (typeof v.WorkingDirectory !== 'string' || v.WorkingDirectory.length > 1000 || v.WorkingDirectory.includes('\0') || !v.WorkingDirectory.startsWith('/')) {
      throw invalidParameter('ImageConfig.WorkingDirectory must be an absolute path of at most 1000 characters.');
    }
    out.workingDirectory = v.WorkingDirectory;
  }
  return out;
}

/** Lambda's ImageConfigResponse, present when the function sets any of the three. */
export function imageConfigResponse(config: ImageConfigSettings | undefined) {
  if (!config || Object.keys(config).length === 0) return undefined;
  return {
    ImageConfig: {
      ...(config.entryPoint ? { EntryPoint: config.entryPoint } : {}),
      ...(config.command ? { Command: config.command } : {}),
      ...(config.workingDirectory ? { WorkingDirectory: config.workingDirectory } : {}),
    },
  };
}
