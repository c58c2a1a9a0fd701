// A stand-in for migration 7, which a branch being merged at the same time defines. The lead
// replaces this file with that branch's 0007 when merging; it changes nothing on its own.
import type { Migration } from '../migration.js';

export const reserved7: Migration = { version: 7, name: '0007_reserved', up: async () => {} };
