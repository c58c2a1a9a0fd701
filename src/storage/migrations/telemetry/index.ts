// The telemetry.db migrations, in order. A new one is a new numbered file, appended here.
import type { Migration } from '../migration.js';
import { initial } from './0001_initial.js';
import { invocationsPerAttempt } from './0002_invocations_per_attempt.js';
import { logGroups } from './0003_log_groups.js';
import { incrementalVacuum } from './0004_incremental_vacuum.js';
import { invocationHistory } from './0005_invocation_history.js';

export const telemetryMigrations: readonly Migration[] = [initial, invocationsPerAttempt, logGroups, incrementalVacuum, invocationHistory];
