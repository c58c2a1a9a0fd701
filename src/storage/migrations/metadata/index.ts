// The metadata.db migrations, in order. A new one is a new numbered file, appended here.
import type { Migration } from '../migration.js';
import { initial } from './0001_initial.js';
import { asyncEventThrottles } from './0002_async_event_throttles.js';
import { functionPolicies } from './0003_function_policies.js';
import { queues } from './0006_queues.js';

// 0004 (S3) and 0005 (layers) come from other branches merged in parallel; on this branch two
// no-op stand-ins keep the numbering gapless. At merge: drop the stand-ins, list 0004 and 0005.
const standIn = (version: number): Migration => ({ version, name: `000${version}_stand_in`, up: async () => {} });

export const metadataMigrations: readonly Migration[] = [initial, asyncEventThrottles, functionPolicies, standIn(4), standIn(5), queues];
