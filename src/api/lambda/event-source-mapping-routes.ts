// Lambda's event-source mapping operations (2015-03-31/event-source-mappings) on the wire: JSON
// in, calls on control/event-source-mappings.ts, Lambda's EventSourceMappingConfiguration out.
import type { EventSourceMappings } from '../../control/event-source-mappings.js';
import { ENDPOINT_KINDS, redactUrl } from '../../control/broker-mapping-settings.js';
import { invalidParameter } from '../../errors.js';
import type { EventSourceMappingRecord } from '../../storage/event-source-mapping-store.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import type { OperationContext as Ctx } from '../service.js';

export class EventSourceMappingApi {
  constructor(private readonly mappings: EventSourceMappings) {}

  async create(ctx: Ctx) {
    return this.reply(ctx, 202, this.shape(await this.mappings.create(parseJsonObject(ctx.body))));
  }

  async get(ctx: Ctx) {
    return this.reply(ctx, 200, this.shape(await this.mappings.get(ctx.params.UUID)));
  }

  async update(ctx: Ctx) {
    return this.reply(ctx, 202, this.shape(await this.mappings.update(ctx.params.UUID, parseJsonObject(ctx.body))));
  }

  async delete(ctx: Ctx) {
    return this.reply(ctx, 202, this.shape(await this.mappings.delete(ctx.params.UUID)));
  }

  /** Filtered by EventSourceArn and/or FunctionName; Marker is the UUID of the last item shown. */
  async list(ctx: Ctx) {
    const fn = ctx.query.get('FunctionName');
    const all = await this.mappings.list({
      functionName: fn ? this.mappings.parseFunctionFilter(fn) : undefined,
      eventSourceArn: ctx.query.get('EventSourceArn') ?? undefined,
    });
    const maxItems = ctx.query.has('MaxItems') ? Number(ctx.query.get('MaxItems')) : 100;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) throw invalidParameter('MaxItems must be an integer from 1 to 10000.');
    const marker = ctx.query.get('Marker');
    const start = marker ? all.findIndex((m) => m.uuid > marker) : 0;
    const page = start < 0 ? [] : all.slice(start, start + maxItems);
    const more = start >= 0 && start + maxItems < all.length;
    return this.reply(ctx, 200, { EventSourceMappings: page.map((m) => this.shape(m)), ...(more ? { NextMarker: page.at(-1)!.uuid } : {}) });
  }

  /** EventSourceMappingConfiguration as Lambda returns it for an SQS or a self-managed source. */
  private shape(m: EventSourceMappingRecord) {
    return {
      UUID: m.uuid,
      BatchSize: m.batchSize,
      MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
      ...(m.broker ? this.brokerShape(m.broker) : { EventSourceArn: m.eventSourceArn }),
      ...(m.filterCriteria ? { FilterCriteria: m.filterCriteria } : {}),
      FunctionArn: this.mappings.functionArnOf(m),
      LastModified: m.lastModified / 1000,
      LastProcessingResult: m.lastProcessingResult,
      State: m.state,
      StateTransitionReason: m.stateTransitionReason,
      FunctionResponseTypes: m.functionResponseTypes,
      ...(m.maximumConcurrency !== undefined ? { ScalingConfig: { MaximumConcurrency: m.maximumConcurrency } } : {}),
      EventSourceMappingArn: this.mappings.arnOf(m),
    };
  }

  /** Lambda's fields for a self-managed source; passwords in the URLs are never shown back. */
  private brokerShape(b: NonNullable<EventSourceMappingRecord['broker']>) {
    const key = Object.keys(ENDPOINT_KINDS).find((k) => ENDPOINT_KINDS[k].kind === b.kind)!;
    return {
      SelfManagedEventSource: { Endpoints: { [key]: b.urls.map(redactUrl) } },
      ...(b.topics.length > 0 ? { Topics: b.topics } : {}),
      ...(b.queues.length > 0 ? { Queues: b.queues } : {}),
      ...(b.startingPosition ? { StartingPosition: b.startingPosition } : {}),
      BisectBatchOnFunctionError: b.bisectBatchOnFunctionError,
      MaximumRetryAttempts: b.maximumRetryAttempts,
      DestinationConfig: b.onFailure ? { OnFailure: { Destination: b.onFailure } } : { OnFailure: {} },
    };
  }

  private reply(ctx: Ctx, status: number, body: unknown): void {
    sendJson(ctx.res, status, body, { 'x-amzn-RequestId': ctx.requestId });
  }
}
