// What Gust stores about a function version: the configuration Lambda's API exposes, plus where
// its unpacked code lives. Published versions (a later issue) are rows with the same shape.
import type { FunctionLayer } from './layers.js';

export interface FunctionRecord {
  name: string;
  /** '$LATEST' or a published version number. */
  version: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  memorySize: number;
  timeout: number;
  environment: Record<string, string>;
  architectures: string[];
  ephemeralStorageMb: number;
  tags: Record<string, string>;
  /** Base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  codeSha256: string;
  codeSize: number;
  /** Hex SHA-256 of the zip: the content address of the stored code. */
  codeKey: string;
  revisionId: string;
  /** Lambda's format: 2026-11-28T07:00:00.000+0000 */
  lastModified: string;
  /** On $LATEST: the highest version number ever published (numbers are never reused). */
  lastPublishedVersion?: number;
  /** LoggingConfig; absent on records written before it existed (= Text, default group). */
  loggingConfig?: LoggingSettings;
  /** TracingConfig.Mode; absent = PassThrough. */
  tracingMode?: 'PassThrough' | 'Active';
  /** DeadLetterConfig.TargetArn: where async events go once their retries are exhausted. */
  deadLetterTargetArn?: string;
  /** Get/PutRuntimeManagementConfig; absent = Auto. */
  runtimeManagement?: { updateRuntimeOn: 'Auto' | 'Manual' | 'FunctionUpdate'; runtimeVersionArn?: string };
  /** Layers, in order (later ones override earlier files under /opt); absent = none. */
  layers?: FunctionLayer[];
  /** Get/PutFunctionRecursionConfig (kept on $LATEST); absent = Terminate. */
  recursiveLoop?: 'Allow' | 'Terminate';
  /**
   * Lambda's function state: absent = Active. A new function is Pending until function-activation.ts
   * has checked that it can run (code, runtime, credentials), then Active, or Failed with a reason.
   */
  state?: 'Pending' | 'Failed';
  /** Absent = Successful. An update is InProgress until the same check has passed again. */
  lastUpdateStatus?: 'InProgress' | 'Failed';
  /** Why the state or last update is Failed (StateReason / LastUpdateStatusReason). */
  failureReason?: string;
  /** On $LATEST: its RevisionId when it was last published (PublishVersion then returns that version). */
  publishedRevisionId?: string;
  /** Absent = Zip. An Image function has runtime and handler '' and runs on its image's root. */
  packageType?: 'Image';
  /** Image functions: Code.ImageUri as given, and the imported image it resolved to. */
  image?: { uri: string; resolvedUri: string; id: string };
  /** Image functions: ImageConfig overrides of the image's own Entrypoint, Cmd, WorkingDir. */
  imageConfig?: ImageConfigSettings;
}

export interface ImageConfigSettings {
  entryPoint?: string[];
  command?: string[];
  workingDirectory?: string;
}

export interface LoggingSettings {
  logFormat: 'Text' | 'JSON';
  /** JSON only: TRACE … FATAL (AWS_LAMBDA_LOG_LEVEL). */
  applicationLogLevel?: string;
  /** JSON only: DEBUG, INFO or WARN, for the platform's own records. */
  systemLogLevel?: string;
  /** A custom log group; absent = /aws/lambda/NAME. */
  logGroup?: string;
}

export const LATEST = '$LATEST';

export function lambdaTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}
