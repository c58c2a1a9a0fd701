// The common shape of SQS batch operations: 1-10 entries with distinct, well-formed Ids; each
// entry succeeds (Successful, with its Id) or fails (Failed: Id, SenderFault, Code, Message).
import { ERROR_CATALOGUE, GustError, type ErrorSpec } from '../../errors.js';

type Params = Record<string, any>;

export async function runBatch(
  raw: unknown,
  work: (entries: Params[]) => Promise<(Params | GustError)[]>,
  queueExists: () => Promise<unknown>,
): Promise<Params> {
  await queueExists();
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) throw new GustError('EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.');
  if (!Array.isArray(raw) || raw.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) throw new GustError('InvalidParameterValue', 'Entries must be a list of structures.');
  if (raw.length > 10) throw new GustError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${raw.length}.`);
  const ids = new Set<string>();
  for (const e of raw as Params[]) {
    if (typeof e.Id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(e.Id)) throw new GustError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    if (ids.has(e.Id)) throw new GustError('BatchEntryIdsNotDistinct', `Id ${e.Id} repeated.`);
    ids.add(e.Id);
  }
  const results = await work(raw as Params[]);
  const Successful: Params[] = [];
  const Failed: Params[] = [];
  results.forEach((r, i) => {
    const Id = (raw as Params[])[i].Id;
    if (r instanceof GustError) {
      const spec = ERROR_CATALOGUE[r.code] as ErrorSpec;
      Failed.push({ Id, SenderFault: spec.type === 'User', Code: spec.sqsQueryCode ?? r.code, Message: r.message });
    } else Successful.push({ Id, ...r });
  });
  return { Successful, Failed };
}
