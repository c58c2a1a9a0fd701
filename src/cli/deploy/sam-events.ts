// A SAM function's Events: Api and HttpApi become routes, Schedule and ScheduleV2 schedules, S3
// bucket notifications, SQS event-source mappings; the rest are listed as unsupported.
import { CliError, EXIT } from '../client.js';
import { evaluate, type IntrinsicContext } from './cfn-intrinsics.js';
import type { QueueEvent, RouteEvent, S3Event, ScheduleEvent } from './project.js';
import { samQueueEvent } from './project-queues.js';

type Obj = Record<string, any>;

export function samEvents(id: string, fnName: string, events: Obj, ctx: IntrinsicContext, resources: Obj, unsupported: string[]): { routes: RouteEvent[]; schedules: ScheduleEvent[]; s3: S3Event[]; sqs: QueueEvent[] } {
  const routes: RouteEvent[] = [];
  const schedules: ScheduleEvent[] = [];
  const s3: S3Event[] = [];
  const sqs: QueueEvent[] = [];
  for (const [eventId, event] of Object.entries(events)) {
    const type = String(event?.Type);
    const p: Obj = (evaluate(event?.Properties ?? {}, ctx) as Obj) ?? {};
    const where = `Resources.${id}.Events.${eventId}`;
    const method = (m: unknown) => (m === undefined || m === '*' || String(m).toLowerCase() === 'any' ? 'ANY' : String(m).toUpperCase());
    if (type === 'Api') routes.push({ method: method(p.Method), path: String(p.Path ?? '/'), payloadFormat: '1.0' });
    else if (type === 'HttpApi') routes.push({ method: method(p.Method), path: p.Path === undefined ? '$default' : String(p.Path), payloadFormat: p.PayloadFormatVersion === '1.0' ? '1.0' : '2.0' });
    else if (type === 'Schedule' || type === 'ScheduleV2') {
      const expression = p.Schedule ?? p.ScheduleExpression;
      if (typeof expression !== 'string') throw new CliError(`template.yaml: ${where} needs a schedule expression.`, EXIT.usage);
      const enabled = p.State !== undefined ? p.State === 'ENABLED' : p.Enabled !== false;
      schedules.push({
        name: String(p.Name ?? `${fnName}-${eventId}`).slice(0, 64),
        expression,
        input: p.Input === undefined ? undefined : typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input),
        enabled,
        timezone: p.ScheduleExpressionTimezone,
      });
    } else if (type === 'S3') {
      const bucketRef = event?.Properties?.Bucket;
      const refId = typeof bucketRef === 'object' && bucketRef ? bucketRef.Ref : undefined;
      const rules: Obj[] = p.Filter?.S3Key?.Rules ?? [];
      const rule = (n: string) => rules.find((r) => String(r.Name).toLowerCase() === n)?.Value;
      s3.push({
        bucket: String(p.Bucket),
        events: (Array.isArray(p.Events) ? p.Events : [p.Events ?? 's3:ObjectCreated:*']).map(String),
        prefix: rule('prefix'),
        suffix: rule('suffix'),
        // A bucket the template declares is created with the stack; anything else must exist.
        existing: !(refId && resources[refId]?.Type === 'AWS::S3::Bucket'),
      });
    } else if (type === 'SQS') sqs.push(samQueueEvent(p, where));
    else unsupported.push(`${where} (${type})`);
  }
  return { routes, schedules, s3, sqs };
}
