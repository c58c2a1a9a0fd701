// S3's NotificationConfiguration XML, both ways: the body of PutBucketNotificationConfiguration
// (as boto3, the AWS SDKs and the aws CLI send it) read into our model, with S3's checks and
// errors, and the model written back as GetBucketNotificationConfiguration answers it.
import { randomUUID } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { GustError } from '../../errors.js';
import type { FilterRule, LambdaFunctionConfiguration, NotificationConfiguration } from './object-change.js';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MALFORMED = 'The XML you provided was not well-formed or did not validate against our published schema';
const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:function:[a-zA-Z0-9_-]{1,64}(?::(?:\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;

/** Every event type S3 accepts in a configuration; Gust fires the ObjectCreated and ObjectRemoved:Delete ones. */
export const SUPPORTED_EVENTS = [
  's3:ReducedRedundancyLostObject',
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:Replication:*',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectAcl:Put',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
];

const FUNCTION_CONFIGS = ['CloudFunctionConfiguration', 'LambdaFunctionConfiguration'];
const OTHER_DESTINATIONS = ['QueueConfiguration', 'TopicConfiguration', 'EventBridgeConfiguration'];
const REPEATED = new Set([
  ...[...FUNCTION_CONFIGS, ...OTHER_DESTINATIONS].map((c) => `NotificationConfiguration.${c}`),
  ...FUNCTION_CONFIGS.flatMap((c) => [`NotificationConfiguration.${c}.Event`, `NotificationConfiguration.${c}.Filter.S3Key.FilterRule`]),
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (_name, jpath) => REPEATED.has(String(jpath)),
});

const malformed = () => new GustError('MalformedXML', MALFORMED);
export const invalidArgument = (message: string, extra: Record<string, string> = {}) => new GustError('InvalidArgument', message, extra);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A text-only element: a string (fast-xml-parser gives '' for an empty element); anything else is malformed. */
function text(v: unknown): string {
  if (typeof v !== 'string') throw malformed();
  return v;
}

/** An element that may be empty (`<Filter/>`) is '' rather than an object. */
function node(v: unknown): Node {
  if (v === '') return {};
  if (!isNode(v)) throw malformed();
  return v;
}

function onlyKeys(n: Node, allowed: string[]): void {
  if (Object.keys(n).some((k) => !allowed.includes(k))) throw malformed();
}

function filterRules(filter: unknown): FilterRule[] {
  const f = node(filter);
  onlyKeys(f, ['S3Key']);
  if (f.S3Key === undefined) return [];
  const s3Key = node(f.S3Key);
  onlyKeys(s3Key, ['FilterRule']);
  const rules = (s3Key.FilterRule as unknown[] | undefined) ?? [];
  const seen = new Set<string>();
  return rules.map((r) => {
    const rule = node(r);
    onlyKeys(rule, ['Name', 'Value']);
    const name = text(rule.Name ?? '');
    const value = text(rule.Value ?? '');
    const lower = name.toLowerCase();
    if (lower !== 'prefix' && lower !== 'suffix') {
      throw invalidArgument('filter rule name must be either prefix or suffix', { ArgumentName: 'FilterRule.Name', ArgumentValue: name });
    }
    if (seen.has(lower)) throw invalidArgument(`Cannot specify more than one ${lower} rule in a filter.`, { ArgumentName: 'FilterRule.Name', ArgumentValue: name });
    if (Buffer.byteLength(value) > 1024) throw invalidArgument('The filter rule value is longer than 1024 bytes.', { ArgumentName: 'FilterRule.Value', ArgumentValue: value.slice(0, 64) });
    seen.add(lower);
    return { Name: lower, Value: value } as FilterRule;
  });
}

function functionConfiguration(raw: unknown): LambdaFunctionConfiguration {
  const c = node(raw);
  onlyKeys(c, ['Id', 'CloudFunction', 'Function', 'Event', 'Filter', 'InvocationRole']);
  const arn = c.CloudFunction ?? c.Function;
  if (arn === undefined || c.Event === undefined) throw malformed();
  const functionArn = text(arn);
  if (!FUNCTION_ARN.test(functionArn)) throw invalidArgument('The ARN is not well formed', { ArgumentName: 'CloudFunction', ArgumentValue: functionArn });
  const events = (c.Event as unknown[]).map(text);
  for (const event of events) {
    if (!SUPPORTED_EVENTS.includes(event)) throw invalidArgument('The event is not supported for notifications', { ArgumentName: 'Event', ArgumentValue: event });
  }
  const id = c.Id === undefined || c.Id === '' ? generatedId() : text(c.Id);
  if (id.length > 255) throw invalidArgument('The Id of a notification configuration must be at most 255 characters.', { ArgumentName: 'Id', ArgumentValue: id.slice(0, 64) });
  const rules = c.Filter === undefined ? [] : filterRules(c.Filter);
  return {
    Id: id,
    LambdaFunctionArn: functionArn,
    Events: [...new Set(events)],
    ...(rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {}),
  };
}

/** S3 names a configuration sent without an Id with a random one (base64 text). */
function generatedId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

/** Reads PutBucketNotificationConfiguration's body; throws MalformedXML or InvalidArgument. */
export function parseNotificationXml(xml: string): NotificationConfiguration {
  // No DTDs: S3 accepts none, and entity definitions are how XML bombs start.
  if (typeof xml !== 'string' || xml.trim() === '' || /<!DOCTYPE/i.test(xml) || XMLValidator.validate(xml) !== true) throw malformed();
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch {
    throw malformed();
  }
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  if (roots.length !== 1 || roots[0] !== 'NotificationConfiguration') throw malformed();
  const root = node(doc.NotificationConfiguration);
  onlyKeys(root, [...FUNCTION_CONFIGS, ...OTHER_DESTINATIONS]);
  for (const other of OTHER_DESTINATIONS) {
    if (root[other] !== undefined) {
      throw invalidArgument(`Gust delivers bucket notifications only to Lambda functions; ${other} is not supported.`, { ArgumentName: other, ArgumentValue: 'not supported' });
    }
  }
  const configurations = FUNCTION_CONFIGS.flatMap((name) => ((root[name] as unknown[] | undefined) ?? []).map(functionConfiguration));
  const ids = new Set<string>();
  for (const c of configurations) {
    if (ids.has(c.Id)) throw invalidArgument('Same ID used for multiple configurations. IDs must be unique', { ArgumentName: 'Id', ArgumentValue: c.Id });
    ids.add(c.Id);
  }
  checkNoOverlap(configurations);
  return { LambdaFunctionConfigurations: configurations };
}

const ruleValue = (c: LambdaFunctionConfiguration, name: 'prefix' | 'suffix') => c.Filter?.Key.FilterRules.find((r) => r.Name === name)?.Value ?? '';

/** Two event types overlap when one is the other or a wildcard that covers it. */
function eventsOverlap(a: string, b: string): boolean {
  const covers = (w: string, e: string) => w === e || (w.endsWith(':*') && e.startsWith(w.slice(0, -1)));
  return covers(a, b) || covers(b, a);
}

/**
 * S3 refuses two configurations that could both claim one object for one event type: overlapping
 * event types whose prefixes overlap (one starts the other) and whose suffixes overlap too.
 */
function checkNoOverlap(configurations: LambdaFunctionConfiguration[]): void {
  for (let i = 0; i < configurations.length; i++) {
    for (let j = i + 1; j < configurations.length; j++) {
      const a = configurations[i];
      const b = configurations[j];
      if (!a.Events.some((ea) => b.Events.some((eb) => eventsOverlap(ea, eb)))) continue;
      const [pa, pb, sa, sb] = [ruleValue(a, 'prefix'), ruleValue(b, 'prefix'), ruleValue(a, 'suffix'), ruleValue(b, 'suffix')];
      const prefixesOverlap = pa.startsWith(pb) || pb.startsWith(pa);
      const suffixesOverlap = sa.endsWith(sb) || sb.endsWith(sa);
      if (prefixesOverlap && suffixesOverlap) {
        throw invalidArgument('Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.', {
          ArgumentName: 'Event',
          ArgumentValue: a.Events.find((ea) => b.Events.some((eb) => eventsOverlap(ea, eb)))!,
        });
      }
    }
  }
}

const escape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** GetBucketNotificationConfiguration's body: Lambda targets as CloudFunctionConfiguration, as S3 writes them. */
export function notificationToXml(config: NotificationConfiguration): string {
  const parts = config.LambdaFunctionConfigurations.map((c) => {
    const rules = c.Filter?.Key.FilterRules ?? [];
    // S3 answers rule names capitalised (Prefix, Suffix) whatever case they were sent in (aws/aws-sdk#389).
    const ruleName = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
    const filter =
      rules.length === 0 ? '' : `<Filter><S3Key>${rules.map((r) => `<FilterRule><Name>${ruleName(r.Name)}</Name><Value>${escape(r.Value)}</Value></FilterRule>`).join('')}</S3Key></Filter>`;
    const events = c.Events.map((e) => `<Event>${escape(e)}</Event>`).join('');
    return `<CloudFunctionConfiguration><Id>${escape(c.Id)}</Id>${filter}<CloudFunction>${escape(c.LambdaFunctionArn)}</CloudFunction>${events}</CloudFunctionConfiguration>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="${NAMESPACE}">${parts.join('')}</NotificationConfiguration>`;
}
