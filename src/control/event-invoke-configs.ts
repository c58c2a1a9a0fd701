// PutFunctionEventInvokeConfig and friends: how Gust retries an asynchronous invocation and
// where it sends the outcome. Lambda's ranges, except that more than 2 retries may be asked for.
import { GustError, invalidParameter } from '../errors.js';
import type { EventInvokeConfig, EventInvokeConfigStore } from '../storage/event-invoke-config-store.js';
import { deadLetterArn, type Home } from './home.js';
import { functionArn, parseFunctionName, validationErrors } from './function-names.js';

const DESTINATION_PATTERN = '$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const DESTINATION = new RegExp(`^(${DESTINATION_PATTERN})$`);

export const MAX_RETRY_ATTEMPTS = 100;


export class EventInvokeConfigs {
  constructor(
    private readonly store: EventInvokeConfigStore,
    private readonly home: Home,
    private readonly functionExists: (name: string) => boolean | Promise<boolean>,
    /** True when an SQS ARN names one of Gust's queues. */
    private readonly queueExists: (arn: string) => Promise<boolean> = async () => false,
  ) {}

  /** Lambda names the function's qualified ARN ($LATEST included) when there is none, whether or not the function exists. */
  async get(name: string, qualifier: string): Promise<EventInvokeConfig> {
    const config = await this.store.get(name, qualifier);
    if (!config) throw new GustError('ResourceNotFoundException', `The function ${functionArn(this.home, name, qualifier)} doesn't have an EventInvokeConfig`);
    return config;
  }

  /** Put replaces the whole configuration; update changes only the fields given (of one that exists). */
  async put(name: string, qualifier: string, body: Record<string, unknown>, merge: boolean): Promise<EventInvokeConfig> {
    const parsed = await this.parse(name, body);
    const base = merge ? await this.get(name, qualifier) : undefined;
    const config: EventInvokeConfig = { ...base, ...parsed, lastModified: Date.now() / 1000 };
    await this.store.put(name, qualifier, config);
    return config;
  }

  async delete(name: string, qualifier: string): Promise<void> {
    await this.get(name, qualifier);
    await this.store.delete(name, qualifier);
  }

  /** A page of the function's configurations (MaxItems, Marker = the last qualifier of the page before). */
  async list(name: string, maxItems = 50, marker?: string) {
    const all = await this.store.list(name);
    const start = marker === undefined ? 0 : all.findIndex((c) => c.qualifier === marker) + 1;
    if (marker !== undefined && start === 0) throw invalidParameter('Marker is not valid.');
    const page = all.slice(start, start + maxItems);
    return { configs: page, nextMarker: start + maxItems < all.length ? page.at(-1)!.qualifier : undefined };
  }

  private async parse(name: string, body: Record<string, unknown>): Promise<Partial<EventInvokeConfig>> {
    if (body.MaximumRetryAttempts === undefined && body.MaximumEventAgeInSeconds === undefined && body.DestinationConfig === undefined) {
      throw invalidParameter('You must specify at least one of error handling or destination setting.');
    }
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
      const onSuccess = destinations.OnSuccess?.Destination;
      const onFailure = destinations.OnFailure?.Destination;
      for (const [field, arn] of [['onSuccess', onSuccess], ['onFailure', onFailure]] as const) {
        if (arn !== undefined && arn !== null && (typeof arn !== 'string' || !DESTINATION.test(arn))) {
          throw validationErrors([`Value '${String(arn).slice(0, 300)}' at 'destinationConfig.${field}.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ${DESTINATION_PATTERN}`]);
        }
      }
      const printed = `DestinationConfig(onSuccess=${onSuccess ? `OnSuccess(destination=${onSuccess})` : 'null'}, onFailure=${onFailure ? `OnFailure(destination=${onFailure})` : 'null'})`;
      out.onSuccess = await this.destination(name, onSuccess as string | undefined, printed);
      out.onFailure = await this.destination(name, onFailure as string | undefined, printed);
    }
    return out;
  }

  private async destination(name: string, arn: string | undefined, printed: string): Promise<string | undefined> {
    if (arn === undefined || arn === null || arn === '') return undefined;
    if (arn === deadLetterArn(this.home)) return arn;
    if (/^arn:aws[a-zA-Z0-9-]*:lambda:/.test(arn)) {
      let ref;
      try {
        ref = parseFunctionName(arn, this.home);
      } catch {
        throw invalidParameter(`The destination ARN ${arn.slice(0, 300)} is invalid.`);
      }
      if (ref.name === name) throw invalidParameter("You can't specify the function as a destination for itself.");
      if (!(await this.functionExists(ref.name))) throw invalidParameter(`The destination ARN ${arn.slice(0, 300)} is invalid.`);
      return arn;
    }
    if (/^arn:aws[a-zA-Z0-9-]*:sqs:/.test(arn)) {
      // gust: only its own queues; Lambda would accept any queue the role may write to.
      if (!(await this.queueExists(arn))) throw invalidParameter(`The destination ARN ${arn.slice(0, 300)} is invalid.`);
      return arn;
    }
    throw invalidParameter(`The provided destination config ${printed.slice(0, 700)} is invalid.`);
  }
}

/** Lambda always answers DestinationConfig (with empty members) and the qualified ARN ($LATEST included). */
export function eventInvokeConfigShape(config: EventInvokeConfig, qualifiedArn: string) {
  const shape: Record<string, unknown> = { LastModified: config.lastModified, FunctionArn: qualifiedArn };
  if (config.maximumRetryAttempts !== undefined) shape.MaximumRetryAttempts = config.maximumRetryAttempts;
  if (config.maximumEventAgeInSeconds !== undefined) shape.MaximumEventAgeInSeconds = config.maximumEventAgeInSeconds;
  shape.DestinationConfig = {
    OnSuccess: config.onSuccess ? { Destination: config.onSuccess } : {},
    OnFailure: config.onFailure ? { Destination: config.onFailure } : {},
  };
  return shape;
}
