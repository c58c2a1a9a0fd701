// Dead letters kept by a Gust from before the dead-letter store became the queue
// `gust-dead-letters` sit in metadata.db's `dead_letters` table: at start-up they are moved into
// the queue, each added before it is deleted, so a crash half-way repeats one and loses none.
import type { DeadLetterStore } from '../storage/dead-letter-store.js';

/** Moves every legacy dead letter into `into`; returns how many were moved. */
export async function moveLegacyDeadLetters(legacy: DeadLetterStore, into: DeadLetterStore): Promise<number> {
  let moved = 0;
  for (let batch = await legacy.list(); batch.length > 0; batch = await legacy.list()) {
    for (const d of batch) {
      await into.add({ functionName: d.functionName, qualifier: d.qualifier, requestId: d.requestId, condition: d.condition, record: d.record, payload: d.payload });
      await legacy.delete(d.id);
      moved++;
    }
  }
  return moved;
}
