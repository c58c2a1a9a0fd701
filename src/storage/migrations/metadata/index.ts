// The metadata.db migrations, in order. A new one is a new numbered file, appended here.
// Merge note (branch metrics): 0006_placeholder stands in for the 0006 of another branch and is
// replaced by it at merge; 0007_budgets is this branch's own and keeps its number.
import type { Migration } from '../migration.js';
import { initial } from './0001_initial.js';
import { asyncEventThrottles } from './0002_async_event_throttles.js';
import { functionPolicies } from './0003_function_policies.js';
import { reserved0004 } from './0004_reserved.js';
import { layers } from './0005_layers.js';
import { placeholder0006 } from './0006_placeholder.js';
import { budgets } from './0007_budgets.js';

export const metadataMigrations: readonly Migration[] = [initial, asyncEventThrottles, functionPolicies, reserved0004, layers, placeholder0006, budgets];
