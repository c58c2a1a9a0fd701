// The platform's own log lines for one function, in the format its LoggingConfig asks for: the
// START/END/REPORT text lines, or with LogFormat JSON the records Lambda writes instead
// ({"time","type":"platform.start"|"platform.report",...,"record":{...}}), filtered by
// SystemLogLevel (start and report are INFO, runtimeDone is DEBUG).
import type { FunctionRecord } from '../control/function-record.js';
import { runtimeVersionArn } from '../control/runtime-versions.js';
import { endLine, initStartLine, reportLine, startLine, type ReportFields } from './lambda-log-lines.js';

const SYSTEM_LEVELS = { DEBUG: 1, INFO: 2, WARN: 3 } as const;
type SystemLevel = keyof typeof SYSTEM_LEVELS;

export interface PlatformLog {
  initStart(): string;
  start(requestId: string): string;
  end(requestId: string, status: 'success' | 'error' | 'timeout', durationMs: number): string;
  report(fields: ReportFields): string;
}

const record = (type: string, body: object) => `${JSON.stringify({ time: new Date().toISOString(), type, record: body })}\n`;

export function platformLog(fn: FunctionRecord, region: string): PlatformLog {
  if (fn.loggingConfig?.logFormat !== 'JSON') {
    return {
      initStart: () => initStartLine(fn.runtime, region),
      start: (requestId) => startLine(requestId, fn.version),
      end: (requestId) => endLine(requestId),
      report: (fields) => reportLine(fields),
    };
  }
  const threshold = SYSTEM_LEVELS[(fn.loggingConfig.systemLogLevel ?? 'INFO') as SystemLevel] ?? SYSTEM_LEVELS.INFO;
  const at = (level: SystemLevel, line: () => string) => (SYSTEM_LEVELS[level] >= threshold ? line() : '');
  return {
    initStart: () =>
      at('INFO', () =>
        record('platform.initStart', {
          initializationType: 'on-demand',
          phase: 'init',
          runtimeVersion: fn.runtime,
          runtimeVersionArn: runtimeVersionArn(region, fn.runtime),
          functionName: fn.name,
          functionVersion: fn.version,
        }),
      ),
    start: (requestId) => at('INFO', () => record('platform.start', { requestId, version: fn.version })),
    end: (requestId, status, durationMs) =>
      at('DEBUG', () => record('platform.runtimeDone', { requestId, status, metrics: { durationMs: Number(durationMs.toFixed(3)) } })),
    report: (f) =>
      at('INFO', () =>
        record('platform.report', {
          requestId: f.requestId,
          metrics: {
            durationMs: Number(f.durationMs.toFixed(3)),
            billedDurationMs: f.billedMs,
            memorySizeMB: f.memorySizeMb,
            maxMemoryUsedMB: f.maxMemoryUsedMb,
            ...(f.initDurationMs !== undefined ? { initDurationMs: Number(f.initDurationMs.toFixed(3)) } : {}),
          },
          status: f.status?.status ?? 'success',
          ...(f.status?.errorType ? { errorType: f.status.errorType } : {}),
        }),
      ),
  };
}
