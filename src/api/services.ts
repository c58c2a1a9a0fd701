// The one place services are registered: the dispatcher knows exactly these. Adding a service
// (S3, SQS) is a folder under src/api/ that exports a Service, and one line here.
import { gustService } from './gust/gust-service.js';
import type { GustRoutes } from './gust/gust-routes.js';
import { lambdaService } from './lambda/lambda-service.js';
import type { LambdaApi } from './lambda/lambda-routes.js';
import { logsService } from './logs/logs-service.js';
import type { LogsApi } from './logs/logs-api.js';
import { schedulerService } from './scheduler/scheduler-service.js';
import type { SchedulerApi } from './scheduler/scheduler-routes.js';
import type { Service } from './service.js';
import { sqsService } from './sqs/sqs-service.js';
import type { Queues } from '../queues/queues.js';

export interface ServiceImplementations {
  lambda: LambdaApi;
  logs: LogsApi;
  scheduler: SchedulerApi;
  gust: GustRoutes;
  queues: Queues;
}

export function registeredServices(impl: ServiceImplementations): Service[] {
  return [
    lambdaService(impl.lambda),
    logsService(impl.logs),
    schedulerService(impl.scheduler),
    gustService(impl.gust),
    sqsService(impl.queues),
  ];
}
