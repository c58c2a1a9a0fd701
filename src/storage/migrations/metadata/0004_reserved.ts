// Placeholder for migration 0004, which the S3 work (in parallel on another branch) takes. This
// branch needs a 4 for its 0005 to apply (migrations are numbered without gaps). At merge, S3's
// 0004 replaces this file; it must never ship as it is.
import type { Migration } from '../migration.js';

export const reserved0004: Migration = { version: 4, name: '0004_reserved', up: async () => {} };
