// TagResource, UntagResource and ListTags on a function's ARN, with Lambda's validation: tags
// belong to the function, so a version's or alias's ARN is refused, as Lambda refuses it.
import { GustError, invalidParameter } from '../errors.js';
import type { Home } from './home.js';

const TAGGABLE =
  /^arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)$/;

/** The function a taggable ARN names, or the error Lambda answers for it. */
export function taggedFunction(arn: string, home: Home): string {
  if (arn.length > 256 || !TAGGABLE.test(arn)) {
    throw new GustError(
      'ValidationException',
      `1 validation error detected: Value '${arn.slice(0, 256)}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TAGGABLE.source.slice(1, -1)}`,
    );
  }
  const [, , , region, account, kind, name, qualifier] = arn.split(':');
  if (kind !== 'function') throw new GustError('ResourceNotFoundException', `Gust has no such resource: ${arn}`);
  if (qualifier !== undefined) throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  if (region !== home.region || account !== home.accountId) throw new GustError('ResourceNotFoundException', `Function not found: ${arn}`);
  return name;
}

/** TagResource's body: a non-empty map of strings. */
export function tagsToAdd(body: Record<string, unknown>): Record<string, string> {
  const tags = body.Tags;
  if (tags === undefined || tags === null) {
    throw new GustError('ValidationException', "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  }
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) throw invalidParameter('Tags must be a map of strings');
  if (Object.keys(tags).length === 0) throw invalidParameter('An error occurred and the request cannot be processed.');
  return tags as Record<string, string>;
}

/** UntagResource's ?tagKeys=a&tagKeys=b. */
export function tagKeysToRemove(query: URLSearchParams): string[] {
  const keys = query.getAll('tagKeys');
  if (keys.length === 0) throw new GustError('ValidationException', "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  return keys;
}
