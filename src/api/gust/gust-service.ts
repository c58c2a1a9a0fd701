// Gust's own paths (/gust/…) as a service module: health, usage, code links, HTTP routes, access
// keys, dead letters, metrics and budgets. They answer in REST-JSON, signed like Lambda calls (the gust CLI signs for
// `lambda`). Registered in api/services.ts.
import { GustError, invalidParameter } from '../../errors.js';
import { SIGNING_SERVICES } from '../authenticator.js';
import type { RestService } from '../service.js';
import type { ConsoleDataRoutes } from './console-data-routes.js';
import type { GustRoutes } from './gust-routes.js';
import type { ObservabilityRoutes } from './observability-routes.js';
import { MAX_IMAGE_ARCHIVE_BYTES, type ImageRoutes } from './image-routes.js';

export function gustService(routes: GustRoutes, observability: ObservabilityRoutes, images: ImageRoutes, consoleData: ConsoleDataRoutes): RestService {
  return {
    name: 'gust',
    protocol: 'rest-json',
    signingServices: SIGNING_SERVICES.lambda,
    pathPrefixes: ['/gust/'],
    defaultBodyLimit: { bytes: 1024 * 1024, message: 'Request body must be smaller than 1 MB' },
    unknownOperation: (what) => new GustError('UnknownOperationException', `No operation matches ${what}`),
    badEncoding: (path) => invalidParameter(`The path '${path.slice(0, 200)}' is not valid percent-encoding.`),
    isPublic: (method, path, presentsCredentials) => routes.isPublic(method, path, presentsCredentials),
    operations: [
      { name: 'Health', method: 'GET', path: '/gust/health', handle: (c) => routes.health(c) },
      { name: 'GetUsage', method: 'GET', path: '/gust/usage', handle: (c) => routes.getUsage(c) },
      { name: 'GetCode', method: 'GET', path: '/gust/code/:file', handle: (c) => routes.getCode(c) },
      { name: 'ListRoutes', method: 'GET', path: '/gust/routes', handle: (c) => routes.listRoutes(c) },
      { name: 'AddRoute', method: 'POST', path: '/gust/routes', handle: (c) => routes.addRoute(c) },
      { name: 'GetCors', method: 'GET', path: '/gust/routes/cors', handle: (c) => routes.cors(c) },
      { name: 'PutCors', method: 'PUT', path: '/gust/routes/cors', handle: (c) => routes.cors(c) },
      { name: 'DeleteCors', method: 'DELETE', path: '/gust/routes/cors', handle: (c) => routes.cors(c) },
      { name: 'RemoveRoute', method: 'DELETE', path: '/gust/routes/:id', handle: (c) => routes.removeRoute(c) },
      { name: 'ListKeys', method: 'GET', path: '/gust/keys', handle: (c) => routes.listKeys(c) },
      { name: 'CreateKey', method: 'POST', path: '/gust/keys', handle: (c) => routes.createKey(c) },
      { name: 'RevokeKey', method: 'DELETE', path: '/gust/keys/:id', handle: (c) => routes.revokeKey(c) },
      {
        name: 'ImportImage',
        method: 'PUT',
        path: '/gust/images',
        bodyLimit: { bytes: MAX_IMAGE_ARCHIVE_BYTES, message: `An image archive must be smaller than ${MAX_IMAGE_ARCHIVE_BYTES} bytes` },
        handle: (c) => images.importImage(c),
      },
      { name: 'ListImages', method: 'GET', path: '/gust/images', handle: (c) => images.listImages(c) },
      { name: 'ListDeadLetters', method: 'GET', path: '/gust/dead-letters', handle: (c) => routes.listDeadLetters(c) },
      { name: 'GetMetrics', method: 'GET', path: '/gust/metrics', handle: (c) => observability.metrics(c) },
      { name: 'ListBudgets', method: 'GET', path: '/gust/budgets', handle: (c) => observability.listBudgets(c) },
      { name: 'PutBudget', method: 'PUT', path: '/gust/budgets/:function', handle: (c) => observability.putBudget(c) },
      { name: 'DeleteBudget', method: 'DELETE', path: '/gust/budgets/:function', handle: (c) => observability.deleteBudget(c) },
      { name: 'RedriveDeadLetters', method: 'POST', path: '/gust/dead-letters/:id/redrive', handle: (c) => routes.redrive(c) },
      { name: 'GetConsoleSeries', method: 'GET', path: '/gust/console/series', handle: (c) => consoleData.series(c) },
      { name: 'GetConsoleDailyUsage', method: 'GET', path: '/gust/console/daily-usage', handle: (c) => consoleData.dailyUsage(c) },
      { name: 'ListConsoleHistory', method: 'GET', path: '/gust/console/history', handle: (c) => consoleData.history(c) },
      { name: 'GetConsoleHistoryEntry', method: 'GET', path: '/gust/console/history/:id', handle: (c) => consoleData.historyEntry(c) },
    ],
  };
}
