// Placeholder for migration 0006, which another branch (merged in parallel) takes. This branch
// needs a 6 for its 0007 to apply (migrations are numbered without gaps). At merge, that
// branch's 0006 replaces this file; it must never ship as it is.
import type { Migration } from '../migration.js';

export const placeholder0006: Migration = { version: 6, name: '0006_placeholder', up: async () => {} };
