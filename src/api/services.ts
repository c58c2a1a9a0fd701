// The one place services are registered: the dispatcher knows exactly these. Adding a service
// (SQS) is a folder under src/api/ that exports a Service, and one line here.
import { consoleService } from './console/console-service.js';
import type { ConsoleDataRoutes } from './gust/console-data-routes.js';
import { gustService } from './gust/gust-service.js';
import type { GustRoutes } from './gust/gust-routes.js';
import type { ObservabilityRoutes } from './gust/observability-routes.js';
import type { ImageRoutes } from './gust/image-routes.js';
import { lambdaService } from './lambda/lambda-service.js';
import type { LambdaApi } from './lambda/lambda-routes.js';
import type { LayerApi } from './lambda/layer-routes.js';
import type { EventSourceMappingApi } from './lambda/event-source-mapping-routes.js';
import { logsService } from './logs/logs-service.js';
import type { LogsApi } from './logs/logs-api.js';
import { schedulerService } from './scheduler/scheduler-service.js';
import type { SchedulerApi } from './scheduler/scheduler-routes.js';
import { s3Service, type S3Api } from './s3/s3-service.js';
import type { Service } from './service.js';
import { sqsService } from './sqs/sqs-service.js';
import type { Queues } from '../queues/queues.js';

export interface ServiceImplementations {
  lambda: LambdaApi;
  /** Lambda's layer operations, part of the Lambda service. */
  layers: LayerApi;
  /** Lambda's event-source mapping operations, part of the Lambda service. */
  eventSourceMappings: EventSourceMappingApi;
  logs: LogsApi;
  scheduler: SchedulerApi;
  gust: GustRoutes;
  /** The console's read-only data under /gust/console/. */
  consoleData: ConsoleDataRoutes;
  s3: S3Api;
  queues: Queues;
  observability: ObservabilityRoutes;
  /** Gust's image import (its stand-in for a registry), under /gust/images. */
  images: ImageRoutes;
}

export function registeredServices(impl: ServiceImplementations): Service[] {
  return [
    lambdaService(impl.lambda, impl.layers, impl.eventSourceMappings),
    logsService(impl.logs),
    schedulerService(impl.scheduler),
    gustService(impl.gust, impl.observability, impl.images, impl.consoleData),
    // Its own prefix, recognised before the HTTP gateway: no function route can shadow /console.
    consoleService(),
    s3Service(impl.s3),
    sqsService(impl.queues),
  ];
}
