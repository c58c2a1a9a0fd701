// The metadata.db migrations, in order. A new one is a new numbered file, appended here.
import type { Migration } from '../migration.js';
import { initial } from './0001_initial.js';
import { asyncEventThrottles } from './0002_async_event_throttles.js';
import { functionPolicies } from './0003_function_policies.js';
import { objectStore } from './0004_object_store.js';
import { layers } from './0005_layers.js';
import { queues } from './0006_queues.js';
import { budgets } from './0007_budgets.js';
import { eventSourceMappings } from './0008_event_source_mappings.js';
import { clusterConcurrency } from './0009_cluster_concurrency.js';

export const metadataMigrations: readonly Migration[] = [initial, asyncEventThrottles, functionPolicies, objectStore, layers, queues, budgets, eventSourceMappings, clusterConcurrency];
