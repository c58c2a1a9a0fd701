// Lambda's event-source mappings over Gust's queues: Create/Get/Update/Delete/List with Lambda's
// checks and State transitions. A change is stored in its transitional state (Creating,
// Enabling, Disabling, Updating, Deleting); the pollers apply it and settle it (settle()).
import { randomUUID } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { EventSourceMappingRecord, EventSourceMappingStore, MappingState } from '../storage/event-source-mapping-store.js';
import { parseFilterCriteria } from '../triggers/queue/event-filter.js';
import { applyBrokerDelivery, BROKER_MAX_BATCH, brokerSourceId, DEFAULT_BATCH, parseBrokerSource } from './broker-mapping-settings.js';
import { functionArn, parseFunctionName, type FunctionRef } from './function-names.js';
import type { Home } from './home.js';

export const SQS_MAX_BATCH = 10_000;
export const SQS_DEFAULT_BATCH = 10;
const MAX_WINDOW_S = 300;

export interface EventSourceMappingsDeps {
  store: EventSourceMappingStore;
  home: Home;
  /** Throws ResourceNotFoundException when the function (or its version/alias) does not exist. */
  checkFunction(name: string, qualifier?: string): Promise<void>;
  /** The queue an SQS ARN names, when it is one of Gust's; undefined otherwise. */
  queueOf(arn: string): Promise<string | undefined>;
  /** True when the ARN names one of Gust's queues (an OnFailure destination). */
  destinationExists(arn: string): Promise<boolean>;
  /** The pollers take the change in (start, stop, restart), then settle its state. */
  onChange(mapping: EventSourceMappingRecord | { uuid: string; deleted: true; broker?: EventSourceMappingRecord['broker'] }): void;
  now?: () => number;
}

const notFound = () => new GustError('ResourceNotFoundException', 'The resource you requested does not exist.');

export class EventSourceMappings {
  private readonly now: () => number;
  constructor(private readonly deps: EventSourceMappingsDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(body: Record<string, unknown>): Promise<EventSourceMappingRecord> {
    if (body.SelfManagedEventSource !== undefined) return this.createBroker(body);
    if (typeof body.EventSourceArn !== 'string' || body.EventSourceArn === '') throw invalidParameter('Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk, mq, documentdb or kafka.');
    if (typeof body.FunctionName !== 'string') throw invalidParameter('FunctionName is required.');
    const arn = body.EventSourceArn;
    const ref = await this.functionRef(body.FunctionName);
    await this.queue(arn);
    await this.refuseDuplicate(arn, ref, `SQS arn (" ${arn} ")`);
    for (const key of ['StartingPosition', 'StartingPositionTimestamp', 'ParallelizationFactor', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts', 'MaximumRecordAgeInSeconds', 'TumblingWindowInSeconds', 'Topics']) {
      if (body[key] !== undefined) throw invalidParameter(`Unsupported ${key} parameter for this event source type.`);
    }
    return this.save(this.newMapping(ref, arn, SQS_DEFAULT_BATCH), body);
  }

  /** A new mapping as Lambda starts one: enabled, Creating, nothing processed yet. */
  private newMapping(ref: FunctionRef, arn: string, batchSize: number, extra: Partial<EventSourceMappingRecord> = {}): EventSourceMappingRecord {
    return {
      uuid: randomUUID(),
      functionName: ref.name,
      qualifier: ref.qualifier,
      eventSourceArn: arn,
      batchSize,
      maximumBatchingWindowInSeconds: 0,
      enabled: true,
      state: 'Creating',
      stateTransitionReason: 'USER_INITIATED',
      lastModified: this.now(),
      lastProcessingResult: 'No records processed',
      functionResponseTypes: [],
      ...extra,
    };
  }

  /** The request's settings applied, stored, and handed to the pollers. */
  private async save(mapping: EventSourceMappingRecord, body: Record<string, unknown>): Promise<EventSourceMappingRecord> {
    this.applySettings(mapping, body);
    await this.deps.store.put(mapping);
    this.deps.onChange(mapping);
    return mapping;
  }

  /** One mapping per source and function (qualifier included), as Lambda has it. */
  private async refuseDuplicate(arn: string, ref: FunctionRef, source: string) {
    for (const existing of await this.deps.store.list({ eventSourceArn: arn })) {
      if (existing.functionName === ref.name && existing.qualifier === ref.qualifier) {
        throw new GustError('ResourceConflictException', `An event source mapping with ${source} and function (" ${ref.name} ") already exists. Please update or delete the existing mapping with UUID ${existing.uuid}`);
      }
    }
  }

  /** A mapping from a broker or a PostgreSQL table (SelfManagedEventSource). */
  private async createBroker(body: Record<string, unknown>): Promise<EventSourceMappingRecord> {
    if (body.EventSourceArn !== undefined) throw invalidParameter('Give either EventSourceArn or SelfManagedEventSource, not both.');
    if (typeof body.FunctionName !== 'string') throw invalidParameter('FunctionName is required.');
    const broker = parseBrokerSource(body);
    const ref = await this.functionRef(body.FunctionName);
    await this.checkDestination(broker.onFailure);
    const arn = brokerSourceId(broker);
    await this.refuseDuplicate(arn, ref, 'this source');
    for (const key of ['StartingPositionTimestamp', 'ParallelizationFactor', 'MaximumRecordAgeInSeconds', 'TumblingWindowInSeconds', 'FilterCriteria', 'FunctionResponseTypes']) {
      if (body[key] !== undefined) throw invalidParameter(`Unsupported ${key} parameter for this event source type.`);
    }
    return this.save(this.newMapping(ref, arn, DEFAULT_BATCH[broker.kind], { broker }), body);
  }

  private async checkDestination(arn: string | undefined) {
    if (arn !== undefined && !(await this.deps.destinationExists(arn))) {
      throw invalidParameter(`The OnFailure destination ${arn.slice(0, 200)} is not a queue of this Gust.`);
    }
  }

  async get(uuid: string): Promise<EventSourceMappingRecord> {
    const mapping = await this.deps.store.get(uuid);
    if (!mapping) throw notFound();
    return mapping;
  }

  async update(uuid: string, body: Record<string, unknown>): Promise<EventSourceMappingRecord> {
    const mapping = await this.get(uuid);
    if (mapping.state === 'Deleting') throw new GustError('ResourceInUseException', `Cannot update the event source mapping ${uuid} because it is being deleted.`);
    const next = { ...mapping };
    if (body.FunctionName !== undefined) {
      if (typeof body.FunctionName !== 'string') throw invalidParameter('FunctionName must be a string.');
      const ref = await this.functionRef(body.FunctionName);
      next.functionName = ref.name;
      next.qualifier = ref.qualifier;
    }
    if (next.broker && (body.FilterCriteria !== undefined || body.FunctionResponseTypes !== undefined)) {
      throw invalidParameter('FilterCriteria and FunctionResponseTypes are not supported for this event source type.');
    }
    this.applySettings(next, body);
    if (next.broker) {
      next.broker = { ...next.broker };
      applyBrokerDelivery(next.broker, body);
      await this.checkDestination(next.broker.onFailure);
    }
    next.state = next.enabled === mapping.enabled ? 'Updating' : next.enabled ? 'Enabling' : 'Disabling';
    next.stateTransitionReason = 'USER_INITIATED';
    next.lastModified = this.now();
    await this.deps.store.put(next);
    this.deps.onChange(next);
    return next;
  }

  async delete(uuid: string): Promise<EventSourceMappingRecord> {
    const mapping = await this.get(uuid);
    await this.deps.store.delete(uuid);
    this.deps.onChange({ uuid, deleted: true, broker: mapping.broker });
    return { ...mapping, state: 'Deleting', stateTransitionReason: 'USER_INITIATED' };
  }

  list(filter: { functionName?: string; eventSourceArn?: string }): Promise<EventSourceMappingRecord[]> {
    return this.deps.store.list(filter);
  }

  /** Called by the pollers once a change is in effect: Creating/Enabling/Updating → Enabled, Disabling → Disabled. */
  async settle(uuid: string, lastModified: number): Promise<void> {
    const mapping = await this.deps.store.get(uuid);
    if (!mapping || mapping.lastModified !== lastModified) return; // changed again meanwhile: that change settles itself
    const state: MappingState = mapping.enabled ? 'Enabled' : 'Disabled';
    if (mapping.state !== state) await this.deps.store.put({ ...mapping, state });
  }

  /** What the pollers report after a batch (OK, or the problem). */
  async recordResult(uuid: string, result: string): Promise<void> {
    const mapping = await this.deps.store.get(uuid);
    if (mapping && mapping.lastProcessingResult !== result) await this.deps.store.put({ ...mapping, lastProcessingResult: result });
  }

  arnOf(mapping: EventSourceMappingRecord) {
    return `arn:aws:lambda:${this.deps.home.region}:${this.deps.home.accountId}:event-source-mapping:${mapping.uuid}`;
  }

  functionArnOf(mapping: EventSourceMappingRecord) {
    return functionArn(this.deps.home, mapping.functionName, mapping.qualifier);
  }

  /** Parses a FunctionName filter of ListEventSourceMappings. */
  parseFunctionFilter(value: string) {
    return parseFunctionName(value, this.deps.home).name;
  }

  private async functionRef(value: string) {
    const ref = parseFunctionName(value, this.deps.home);
    try {
      await this.deps.checkFunction(ref.name, ref.qualifier);
    } catch (err) {
      if (err instanceof GustError && err.code === 'ResourceNotFoundException') {
        throw new GustError('ResourceNotFoundException', `Function not found: ${functionArn(this.deps.home, ref.name, ref.qualifier)}`, { Type: 'User' });
      }
      throw err;
    }
    return ref;
  }

  private async queue(arn: string) {
    if (!/^arn:aws:sqs:/.test(arn)) throw invalidParameter('Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk, mq, documentdb or kafka.');
    if ((await this.deps.queueOf(arn)) === undefined) {
      throw invalidParameter('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.');
    }
  }

  /** The settings Create and Update share, checked as Lambda checks them. */
  private applySettings(m: EventSourceMappingRecord, body: Record<string, unknown>) {
    const int = (key: string) => {
      const v = body[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v))) throw invalidParameter(`${key} must be a whole number.`);
      return v as number | undefined;
    };
    const batch = int('BatchSize');
    const max = m.broker ? BROKER_MAX_BATCH : SQS_MAX_BATCH;
    if (batch !== undefined) {
      if (batch < 1 || batch > max) throw invalidParameter(`BatchSize must be between 1 and ${max} for ${m.broker ? 'this' : 'SQS'} event source.`);
      m.batchSize = batch;
    }
    const window = int('MaximumBatchingWindowInSeconds');
    if (window !== undefined) {
      if (window < 0 || window > MAX_WINDOW_S) throw invalidParameter(`MaximumBatchingWindowInSeconds must be between 0 and ${MAX_WINDOW_S}.`);
      m.maximumBatchingWindowInSeconds = window;
    }
    if (!m.broker && m.batchSize > 10 && m.maximumBatchingWindowInSeconds < 1) {
      throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
    }
    if (body.Enabled !== undefined) {
      if (typeof body.Enabled !== 'boolean') throw invalidParameter('Enabled must be a boolean.');
      m.enabled = body.Enabled;
    }
    if (body.FilterCriteria !== undefined) {
      const patterns = parseFilterCriteria(body.FilterCriteria);
      m.filterCriteria = patterns.length > 0 ? (body.FilterCriteria as { Filters: { Pattern: string }[] }) : undefined;
      if (m.filterCriteria) m.filterCriteria = { Filters: m.filterCriteria.Filters.map((f) => ({ Pattern: f.Pattern })) };
    }
    if (body.ScalingConfig !== undefined) {
      const sc = body.ScalingConfig as { MaximumConcurrency?: unknown } | null;
      if (typeof sc !== 'object' || sc === null) throw invalidParameter('ScalingConfig must be an object.');
      const max = sc.MaximumConcurrency;
      if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 2 || max > 1000)) {
        throw invalidParameter('MaximumConcurrency must be between 2 and 1000.');
      }
      m.maximumConcurrency = max as number | undefined;
    }
    if (body.FunctionResponseTypes !== undefined) {
      const types = body.FunctionResponseTypes;
      if (!Array.isArray(types) || types.some((t) => t !== 'ReportBatchItemFailures')) {
        throw new GustError('ValidationException', "1 validation error detected: Value at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy enum value set: [ReportBatchItemFailures]");
      }
      m.functionResponseTypes = [...new Set(types as string[])];
    }
  }
}
