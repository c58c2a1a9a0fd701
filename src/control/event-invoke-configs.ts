// PutFunctionEventInvokeConfig and friends: how Gust retries an asynchronous invocation and
// where it sends the outcome. Lambda's ranges, except that more than 2 retries may be asked for.
import { GustError, invalidParameter } from '../errors.js';
import type { EventInvokeConfig, EventInvokeConfigStore } from '../storage/event-invoke-config-store.js';
import { deadLetterArn, type Home } from './home.js';
import { parseFunctionName } from './function-names.js';

export const MAX_RETRY_ATTEMPTS = 100;


export class EventInvokeConfigs {
  constructor(
    private readonly store: EventInvokeConfigStore,
    private readonly home: Home,
    private readonly functionExists: (name: string) => boolean | Promise<boolean>,
    /** True when an SQS ARN names one of Gust's queues. */
    private readonly queueExists: (arn: string) => Promise<boolean> = async () => false,
  ) {}

  async get(name: string, qualifier: string): Promise<EventInvokeConfig> {
    const config = await this.store.get(name, qualifier);
    if (!config) throw new GustError('ResourceNotFoundException', `The function ${name} doesn't have an EventInvokeConfig`);
    return config;
  }

  /** Put replaces the whole configuration; update changes only the fields given. */
  async put(name: string, qualifier: string, body: Record<string, unknown>, merge: boolean): Promise<EventInvokeConfig> {
    const parsed = await this.parse(body);
    const base = merge ? await this.store.get(name, qualifier) : undefined;
    const config: EventInvokeConfig = { ...base, ...parsed, lastModified: Date.now() / 1000 };
    await this.store.put(name, qualifier, config);
    return config;
  }

  async delete(name: string, qualifier: string): Promise<void> {
    await this.get(name, qualifier);
    await this.store.delete(name, qualifier);
  }

  list(name: string) {
    return this.store.list(name);
  }

  private async parse(body: Record<string, unknown>): Promise<Partial<EventInvokeConfig>> {
    const out: Partial<EventInvokeConfig> = {};
    const retries = body.MaximumRetryAttempts;
    if (retries !== undefined) {
      if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRY_ATTEMPTS) {
        throw invalidParameter(`MaximumRetryAttempts must be a whole number from 0 to ${MAX_RETRY_ATTEMPTS} (Lambda allows up to 2; Gust more when asked).`);
      }
      out.maximumRetryAttempts = retries;
    }
    const age = body.MaximumEventAgeInSeconds;
    if (age !== undefined) {
      if (typeof age !== 'number' || !Number.isInteger(age) || age < 60 || age > 21600) {
        throw invalidParameter('MaximumEventAgeInSeconds must be a whole number from 60 to 21600.');
      }
      out.maximumEventAgeInSeconds = age;
    }
    const destinations = body.DestinationConfig as { OnSuccess?: { Destination?: unknown }; OnFailure?: { Destination?: unknown } } | undefined;
    if (destinations !== undefined) {
      if (typeof destinations !== 'object' || destinations === null) throw invalidParameter('DestinationConfig must be an object.');
      out.onSuccess = await this.destination(destinations.OnSuccess?.Destination);
      out.onFailure = await this.destination(destinations.OnFailure?.Destination);
    }
    return out;
  }

  private async destination(arn: unknown): Promise<string | undefined> {
    if (arn === undefined || arn === null || arn === '') return undefined;
    if (typeof arn !== 'string') throw invalidParameter('Destination must be an ARN.');
    if (arn === deadLetterArn(this.home)) return arn;
    if (arn.startsWith('arn:aws:lambda:')) {
      const ref = parseFunctionName(arn, this.home);
      if (!(await this.functionExists(ref.name))) throw invalidParameter(`The destination function ${arn} does not exist.`);
      return arn;
    }
    if (arn.startsWith('arn:aws:sqs:')) {
      if (!(await this.queueExists(arn))) throw invalidParameter(`The destination queue ${arn.slice(0, 200)} does not exist.`);
      return arn;
    }
    throw invalidParameter(`Gust delivers destinations to functions, to its queues and to its dead-letter store (${deadLetterArn(this.home)}); got ${arn.slice(0, 200)}.`);
  }
}

export function eventInvokeConfigShape(config: EventInvokeConfig, functionArn: string) {
  const shape: Record<string, unknown> = { LastModified: config.lastModified, FunctionArn: functionArn };
  if (config.maximumRetryAttempts !== undefined) shape.MaximumRetryAttempts = config.maximumRetryAttempts;
  if (config.maximumEventAgeInSeconds !== undefined) shape.MaximumEventAgeInSeconds = config.maximumEventAgeInSeconds;
  if (config.onSuccess || config.onFailure) {
    shape.DestinationConfig = {
      OnSuccess: config.onSuccess ? { Destination: config.onSuccess } : {},
      OnFailure: config.onFailure ? { Destination: config.onFailure } : {},
    };
  }
  return shape;
}
