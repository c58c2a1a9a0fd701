// AWS SDK clients pointed at a test Gust.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { GustProcess } from './gust-process.js';

export const lambdaClient = (gust: GustProcess) =>
  new LambdaClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1 });

export const logsClient = (gust: GustProcess) =>
  new CloudWatchLogsClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1 });

export const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString('utf8'));
