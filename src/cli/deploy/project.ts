// The project model both readers (serverless.yml, SAM template.yaml) produce and the planner
// consumes: functions with their code, configuration and events, buckets, layers and outputs,
// plus every key Gust does not support, so the deploy can name them in one warning.

export interface RouteEvent {
  method: string;
  path: string;
  /** 2.0 for an HTTP API (httpApi, HttpApi), 1.0 for a REST API (http, Api). */
  payloadFormat: '1.0' | '2.0';
}

export interface ScheduleEvent {
  name: string;
  expression: string;
  input?: string;
  enabled: boolean;
  timezone?: string;
}

export interface S3Event {
  bucket: string;
  events: string[];
  prefix?: string;
  suffix?: string;
  /** The bucket exists already (serverless `existing: true`, or declared as a resource elsewhere). */
  existing: boolean;
}

/** A queue subscription: an event-source mapping from one of Gust's SQS queues to the function. */
export interface QueueEvent {
  queueArn: string;
  batchSize?: number;
  maximumBatchingWindow?: number;
  enabled: boolean;
  /** ReportBatchItemFailures, when the handler answers with batchItemFailures. */
  functionResponseTypes: string[];
  /** Filter patterns, each a JSON string. */
  filterPatterns: string[];
  maximumConcurrency?: number;
}

/** An SQS queue the project declares (AWS::SQS::Queue), created unless it exists. */
export interface ProjectQueue {
  name: string;
  /** SQS attributes (VisibilityTimeout, RedrivePolicy, ...), as CreateQueue takes them. */
  attributes: Record<string, string>;
}

export interface UrlConfig {
  authType: 'NONE' | 'AWS_IAM';
  cors?: Record<string, unknown>;
}

/** SAM AutoPublishAlias, with DeploymentPreference as a weighted alias. */
export interface AliasConfig {
  name: string;
  /** Share of traffic (0–1) the newly published version gets at first; undefined = all of it. */
  newVersionWeight?: number;
  preference?: string;
}

export interface Bundle {
  /** The TypeScript (or JavaScript) entry file, absolute. */
  entry: string;
  /** The exported handler's name. */
  exportName: string;
  format: 'cjs' | 'esm';
  /** The handler's module path (`src/handler`): the bundle is written there, so the handler stays. */
  outputModule: string;
}

export interface ProjectFunction {
  /** The key in the project file (serverless function key, SAM logical id). */
  key: string;
  /** The deployed function name. */
  name: string;
  handler: string;
  runtime: string;
  memorySize?: number;
  timeout?: number;
  description?: string;
  environment: Record<string, string>;
  layers: string[];
  tags: Record<string, string>;
  reservedConcurrency?: number;
  provisionedConcurrency?: number;
  url?: UrlConfig;
  alias?: AliasConfig;
  /** Directory whose files make the package, absolute. */
  codeDir: string;
  /** Framework package patterns (`!` excludes), applied in order. */
  patterns: string[];
  /** Set when the handler is TypeScript or SAM asks for esbuild: bundle instead of zipping sources. */
  bundle?: Bundle;
  routes: RouteEvent[];
  schedules: ScheduleEvent[];
  s3: S3Event[];
  sqs: QueueEvent[];
}

export interface ProjectLayer {
  key: string;
  name: string;
  contentDir: string;
  runtimes: string[];
}

export interface ProjectOutput {
  key: string;
  description?: string;
  /** Resolved once the deploy knows every function URL and the endpoint. */
  value: (deployed: DeployedFacts) => string;
}

export interface DeployedFacts {
  endpoint: string;
  /** Function URL by function name. */
  functionUrls: Record<string, string>;
  /** The version ARN of each of the project's layers, by its placeholder (layer-steps.ts). */
  layerArns: Map<string, string>;
}

export interface Project {
  kind: 'serverless' | 'sam';
  /** Where the project file lives. */
  dir: string;
  /** Tag value that marks what this project deployed: service-stage, or the stack name. */
  id: string;
  region: string;
  functions: ProjectFunction[];
  /** Buckets the project declares (resources), created unless they exist. */
  buckets: string[];
  /** Queues the project declares (resources), created unless they exist, deleted on remove. */
  queues: ProjectQueue[];
  layers: ProjectLayer[];
  logRetentionInDays?: number;
  outputs: ProjectOutput[];
  /** Keys Gust does not support, as dotted paths: printed in one warning line. */
  unsupported: string[];
  /** Things Gust does differently from AWS, said once each. */
  notes: string[];
}

export const PROJECT_TAG = 'gust:project';

/** ARN of an SQS queue, and its name back from one. */
export const queueArn = (region: string, accountId: string, name: string) => `arn:aws:sqs:${region}:${accountId}:${name}`;
export const queueNameOf = (arn: string) => arn.split(':').pop() ?? arn;

/** ARN of a function as Gust names it. */
export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}
