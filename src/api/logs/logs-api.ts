// The CloudWatch Logs API subset that `aws logs` and the SDKs use to read function logs
// (awsJson1.1, X-Amz-Target: Logs_20140328.*): DescribeLogGroups, DescribeLogStreams,
// GetLogEvents and FilterLogEvents, with their paging tokens; Put/DeleteRetentionPolicy; and
// DeleteLogGroup/DeleteLogStream.
import { GustError } from '../../errors.js';
import type { LogEvent, LogStore } from '../../storage/log-store.js';
import { matchesFilterPattern, parseFilterPattern } from './filter-pattern.js';

type Params = Record<string, unknown>;

const invalid = (message: string) => new GustError('InvalidParameterException', message);
const noGroup = () => new GustError('ResourceNotFoundException', 'The specified log group does not exist.');

/** The only retention periods CloudWatch Logs accepts. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function retentionDays(p: Params): number {
  const v = p.retentionInDays;
  if (v === undefined || v === null) throw invalid("1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null");
  if (typeof v !== 'number' || !RETENTION_DAYS.includes(v)) {
    const shown = (typeof v === 'object' ? JSON.stringify(v) : String(v)).slice(0, 50);
    throw invalid(`1 validation error detected: Value '${shown}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  }
  return v;
}

function str(p: Params, key: string, required = false): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) {
    if (required) throw invalid(`1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(`${key} must be a string`);
  return v;
}

function int(p: Params, key: string, fallback: number, min: number, max: number): number {
  const v = p[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(`${key} must be an integer from ${min} to ${max}`);
  return v;
}

/** Opaque paging tokens: base64 of what the next page needs. */
const encodeToken = (value: string | number) => Buffer.from(String(value)).toString('base64url');
function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  return Buffer.from(token, 'base64url').toString('utf8');
}

export class LogsApi {
  constructor(
    private readonly store: LogStore,
    private readonly home: { region: string; accountId: string },
  ) {}

  readonly operations: Record<string, (p: Params) => unknown> = {
    DescribeLogGroups: (p) => this.describeLogGroups(p),
    DescribeLogStreams: (p) => this.describeLogStreams(p),
    GetLogEvents: (p) => this.getLogEvents(p),
    FilterLogEvents: (p) => this.filterLogEvents(p),
    PutRetentionPolicy: (p) => this.putRetentionPolicy(p),
    DeleteRetentionPolicy: (p) => this.deleteRetentionPolicy(p),
    DeleteLogGroup: (p) => this.deleteLogGroup(p),
    DeleteLogStream: (p) => this.deleteLogStream(p),
  };

  private groupArn(group: string) {
    return `arn:aws:logs:${this.home.region}:${this.home.accountId}:log-group:${group}`;
  }

  private async describeLogGroups(p: Params) {
    await this.store.flush();
    const prefix = str(p, 'logGroupNamePrefix') ?? '';
    const pattern = str(p, 'logGroupNamePattern') ?? '';
    if (prefix && pattern) throw invalid('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    if (!/^[.\-_/#A-Za-z0-9]{0,512}$/.test(pattern)) {
      throw invalid(`1 validation error detected: Value '${pattern.slice(0, 100)}' at 'logGroupNamePattern' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]{0,512}`);
    }
    const limit = int(p, 'limit', 50, 1, 50);
    const after = decodeToken(str(p, 'nextToken')) ?? '';
    const groups = await this.store.groups(prefix, after, limit + 1, pattern);
    const page = groups.slice(0, limit);
    return {
      logGroups: page.map((g) => ({
        logGroupName: g.name,
        creationTime: g.createdAt,
        metricFilterCount: 0,
        arn: `${this.groupArn(g.name)}:*`,
        logGroupArn: this.groupArn(g.name),
        storedBytes: g.storedBytes,
        ...(g.retentionInDays !== null ? { retentionInDays: g.retentionInDays } : {}),
        logGroupClass: 'STANDARD',
      })),
      ...(groups.length > limit ? { nextToken: encodeToken(page.at(-1)!.name) } : {}),
    };
  }

  /** Validates the input before looking the group up, as CloudWatch Logs does. */
  private async putRetentionPolicy(p: Params) {
    const group = str(p, 'logGroupName', true)!;
    const days = retentionDays(p);
    await this.store.flush();
    if (!(await this.store.setRetention(group, days))) throw noGroup();
    return {};
  }

  private async deleteRetentionPolicy(p: Params) {
    const group = str(p, 'logGroupName', true)!;
    await this.store.flush();
    if (!(await this.store.setRetention(group, null))) throw noGroup();
    return {};
  }

  /** A function that runs again writes a new group, as on Lambda. */
  private async deleteLogGroup(p: Params) {
    const group = str(p, 'logGroupName', true)!;
    await this.store.flush();
    if (!(await this.store.deletion.deleteAll(group))) throw noGroup();
    return {};
  }

  private async deleteLogStream(p: Params) {
    const group = str(p, 'logGroupName', true)!;
    const stream = str(p, 'logStreamName', true)!;
    await this.store.flush();
    if (!(await this.store.groupExists(group))) throw noGroup();
    if (!(await this.store.deletion.deleteAll(group, stream))) throw new GustError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return {};
  }

  private async describeLogStreams(p: Params) {
    await this.store.flush();
    const group = str(p, 'logGroupName', true)!;
    const orderBy = str(p, 'orderBy') ?? 'LogStreamName';
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalid('orderBy must be LogStreamName or LastEventTime');
    const prefix = str(p, 'logStreamNamePrefix') ?? '';
    if (prefix && orderBy === 'LastEventTime') throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
    if (!(await this.store.groupExists(group))) throw noGroup();
    const limit = int(p, 'limit', 50, 1, 50);
    const offset = Number(decodeToken(str(p, 'nextToken')) ?? 0);
    if (!Number.isInteger(offset) || offset < 0) throw invalid('The specified nextToken is not valid.');
    const streams = await this.store.streams(group, { prefix, byLastEvent: orderBy === 'LastEventTime', descending: p.descending === true, offset, limit: limit + 1 });
    const page = streams.slice(0, limit);
    return {
      logStreams: page.map((s) => ({
        logStreamName: s.streamName,
        creationTime: s.createdAt,
        ...(s.firstEventAt !== null ? { firstEventTimestamp: s.firstEventAt } : {}),
        ...(s.lastEventAt !== null ? { lastEventTimestamp: s.lastEventAt } : {}),
        ...(s.lastIngestedAt !== null ? { lastIngestionTime: s.lastIngestedAt } : {}),
        arn: `${this.groupArn(group)}:log-stream:${s.streamName}`,
        storedBytes: s.storedBytes,
      })),
      ...(streams.length > limit ? { nextToken: encodeToken(offset + limit) } : {}),
    };
  }

  /** Tokens are f/<id> (events after id) and b/<id> (events before id); repeated when exhausted. */
  private async getLogEvents(p: Params) {
    await this.store.flush();
    const group = str(p, 'logGroupName') ?? str(p, 'logGroupIdentifier');
    if (!group) throw invalid("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null");
    const stream = str(p, 'logStreamName', true)!;
    if (!(await this.store.groupExists(group))) throw noGroup();
    if (!(await this.store.streamExists(group, stream))) throw new GustError('ResourceNotFoundException', 'The specified log stream does not exist.');
    const limit = int(p, 'limit', 10000, 1, 10000);
    const start = int(p, 'startTime', 0, 0, Number.MAX_SAFE_INTEGER);
    const end = int(p, 'endTime', Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER);
    const token = str(p, 'nextToken');
    let direction: 'f' | 'b' = p.startFromHead === true ? 'f' : 'b';
    let position = direction === 'f' ? 0 : Number.MAX_SAFE_INTEGER;
    if (token !== undefined) {
      const m = /^([fb])\/(\d+)$/.exec(token);
      if (!m) throw invalid('The specified nextToken is invalid.');
      direction = m[1] as 'f' | 'b';
      position = Number(m[2]);
    }
    const events =
      direction === 'f'
        ? await this.store.streamEvents(group, stream, { afterId: position, beforeId: Number.MAX_SAFE_INTEGER, start, end, limit, fromEnd: false })
        : await this.store.streamEvents(group, stream, { afterId: 0, beforeId: position, start, end, limit, fromEnd: true });
    const first = events[0]?.id;
    const last = events.at(-1)?.id;
    return {
      events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
      nextForwardToken: `f/${last ?? (direction === 'f' ? position : Math.max(0, position - 1))}`,
      nextBackwardToken: `b/${first ?? (direction === 'b' ? position : position + 1)}`,
    };
  }

  private async filterLogEvents(p: Params) {
    await this.store.flush();
    const group = str(p, 'logGroupName') ?? str(p, 'logGroupIdentifier');
    if (!group) throw invalid("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null");
    if (!(await this.store.groupExists(group))) throw noGroup();
    const streams = p.logStreamNames;
    if (streams !== undefined && (!Array.isArray(streams) || streams.some((s) => typeof s !== 'string') || streams.length === 0 || streams.length > 100)) {
      throw invalid('logStreamNames must be a list of 1 to 100 stream names');
    }
    const streamPrefix = str(p, 'logStreamNamePrefix');
    if (streams && streamPrefix) throw invalid('logStreamNames and logStreamNamePrefix cannot both be specified.');
    const pattern = parseFilterPattern(str(p, 'filterPattern') ?? '');
    const limit = int(p, 'limit', 10000, 1, 10000);
    const start = int(p, 'startTime', 0, 0, Number.MAX_SAFE_INTEGER);
    const end = int(p, 'endTime', Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER);
    const tokenText = decodeToken(str(p, 'nextToken'));
    let afterId = tokenText === undefined ? 0 : Number(tokenText);
    if (!Number.isInteger(afterId) || afterId < 0) throw invalid('The specified nextToken is invalid.');

    // Scan in batches so a selective pattern over a big group neither loads it all nor stops early.
    const matched: LogEvent[] = [];
    const scanBudget = 100_000;
    let scanned = 0;
    let exhausted = false;
    while (matched.length < limit && scanned < scanBudget) {
      const batch = await this.store.groupEvents(group, { afterId, start, end, streams: streams as string[] | undefined, streamPrefix, limit: 1000 });
      for (const e of batch) {
        afterId = e.id;
        if (matchesFilterPattern(pattern, e.message)) {
          matched.push(e);
          if (matched.length === limit) break;
        }
      }
      scanned += batch.length;
      if (batch.length < 1000 && matched.length < limit) {
        exhausted = true;
        break;
      }
    }
    return {
      events: matched.map((e) => ({
        logStreamName: e.streamName,
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime,
        eventId: String(e.id).padStart(20, '0'),
      })),
      searchedLogStreams: [],
      ...(exhausted ? {} : { nextToken: encodeToken(afterId) }),
    };
  }
}
