// The EventBridge Scheduler service module (REST-JSON, signed for `scheduler`): schedules are
// implemented, schedule groups and tags are not and answer UnknownOperationException. Registered
// in api/services.ts.
import { GustError } from '../../errors.js';
import { SIGNING_SERVICES } from '../authenticator.js';
import type { RestService } from '../service.js';
import type { SchedulerApi } from './scheduler-routes.js';

export function schedulerService(api: SchedulerApi): RestService {
  return {
    name: 'scheduler',
    protocol: 'rest-json',
    signingServices: SIGNING_SERVICES.scheduler,
    // /tags/{ResourceArn} is Scheduler's too, but too generic a path to claim for every caller:
    // only a request signed for `scheduler` reaches it (the dispatcher's scope tie-breaker).
    pathPrefixes: ['/schedules', '/schedule-groups'],
    defaultBodyLimit: { bytes: 1024 * 1024, message: 'Request body must be smaller than 1 MB' },
    unknownOperation: (what) => new GustError('UnknownOperationException', `Gust does not implement the EventBridge Scheduler operation ${what}.`),
    badEncoding: (path) => new GustError('ValidationException', `The schedule name in '${path.slice(0, 200)}' is not valid percent-encoding.`),
    operations: [
      { name: 'ListSchedules', method: 'GET', path: '/schedules', handle: (c) => api.listSchedules(c) },
      { name: 'CreateSchedule', method: 'POST', path: '/schedules/:Name', handle: (c) => api.createSchedule(c) },
      { name: 'UpdateSchedule', method: 'PUT', path: '/schedules/:Name', handle: (c) => api.updateSchedule(c) },
      { name: 'GetSchedule', method: 'GET', path: '/schedules/:Name', handle: (c) => api.getSchedule(c) },
      { name: 'DeleteSchedule', method: 'DELETE', path: '/schedules/:Name', handle: (c) => api.deleteSchedule(c) },
      { name: 'ListScheduleGroups', method: 'GET', path: '/schedule-groups' },
      { name: 'CreateScheduleGroup', method: 'POST', path: '/schedule-groups/:Name' },
      { name: 'GetScheduleGroup', method: 'GET', path: '/schedule-groups/:Name' },
      { name: 'DeleteScheduleGroup', method: 'DELETE', path: '/schedule-groups/:Name' },
      { name: 'ListTagsForResource', method: 'GET', path: '/tags/:ResourceArn' },
      { name: 'TagResource', method: 'POST', path: '/tags/:ResourceArn' },
      { name: 'UntagResource', method: 'DELETE', path: '/tags/:ResourceArn' },
    ],
  };
}
