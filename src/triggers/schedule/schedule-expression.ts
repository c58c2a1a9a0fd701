// Schedule expressions exactly as EventBridge reads them: rate(5 minutes), one-time
// at(2026-12-01T09:00:00), and cron(minutes hours day-of-month month day-of-week year) with ?, L,
// W, #, names, ranges, lists and steps, in a time zone. croner computes the calendar (AWS
// weekday numbering, 1 = Sunday); parsing, validation, rate(), at() and the year field are ours.
import { Cron } from 'croner';
import { invalidParameter } from '../../errors.js';

export type ScheduleExpression =
  | { kind: 'rate'; periodMs: number }
  | { kind: 'at'; local: string }
  | { kind: 'cron'; cron: Cron; years: (year: number) => boolean };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** `item(,item)*` where an item is `*` or value, an optional `-value` range and `/step`. */
const listOf = (value: string) => {
  const item = `(\\*|${value})(-(${value}))?(\\/\\d+)?`;
  return new RegExp(`^${item}(,${item})*$`, 'i');
};
const MONTHS = '[1-9]|1[0-2]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const DAYS = '[1-7]|SUN|MON|TUE|WED|THU|FRI|SAT';
const FIELD_RULES: [name: string, valid: (field: string) => boolean][] = [
  ['minutes', (f) => listOf('[0-5]?\\d').test(f)],
  ['hours', (f) => listOf('[01]?\\d|2[0-3]').test(f)],
  ['day-of-month', (f) => /^(\?|L|LW|([1-9]|[12]\d|3[01])W)$/.test(f) || listOf('[1-9]|[12]\\d|3[01]').test(f)],
  ['month', (f) => listOf(MONTHS).test(f)],
  ['day-of-week', (f) => /^(\?|L|[1-7]L|[1-7]#[1-5])$/i.test(f) || listOf(DAYS).test(f)],
  ['year', (f) => listOf('19[7-9]\\d|2[01]\\d\\d').test(f)],
];

const refuse = (expression: string, reason: string) => invalidParameter(`Invalid schedule expression ${expression}: ${reason}.`);

/** The first and last year a cron's year field can name, as EventBridge defines it. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2199;

/** The year field as a predicate: *, 2026, 2026-2028, 2026/2, lists of those. */
function yearMatcher(field: string): (year: number) => boolean {
  if (field === '*') return () => true;
  const parts = field.split(',').map((part) => {
    const [range, stepText] = part.split('/');
    const [from, to] = range === '*' ? [FIRST_YEAR, LAST_YEAR] : range.split('-').map(Number);
    const end = to ?? (stepText ? LAST_YEAR : from);
    const step = stepText ? Number(stepText) : 1;
    return (y: number) => y >= from && y <= end && (y - from) % step === 0;
  });
  return (year) => parts.some((p) => p(year));
}

export function parseScheduleExpression(expression: string, timezone = 'UTC'): ScheduleExpression {
  if (typeof expression !== 'string') throw invalidParameter('ScheduleExpression must be a string.');
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) {
    const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(rate[1]);
    if (!m) throw refuse(expression, "rate() takes 'value unit', e.g. rate(5 minutes), with unit minute(s), hour(s) or day(s)");
    const value = Number(m[1]);
    const unit = m[2];
    if (value < 1) throw refuse(expression, 'the value must be a positive whole number');
    if (value === 1 && unit.endsWith('s')) throw refuse(expression, `use the singular unit for 1: rate(1 ${unit.slice(0, -1)})`);
    if (value > 1 && !unit.endsWith('s')) throw refuse(expression, `use the plural unit for ${value}: rate(${value} ${unit}s)`);
    return { kind: 'rate', periodMs: value * UNITS[unit.replace(/s$/, '')] };
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    if (Number.isNaN(Date.parse(`${at[1]}Z`))) throw refuse(expression, 'the date is not a valid yyyy-mm-ddThh:mm:ss');
    return { kind: 'at', local: at[1] };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) throw refuse(expression, 'use rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)');
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) throw refuse(expression, `cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  fields.forEach((field, i) => {
    if (!FIELD_RULES[i][1](field)) throw refuse(expression, `field ${FIELD_RULES[i][0]} has an invalid value '${field}'`);
  });
  const [minutes, hours, dom, month, dow, year] = fields;
  if ((dom === '?') === (dow === '?')) throw refuse(expression, "exactly one of day-of-month and day-of-week must be '?'");
  let job: Cron;
  try {
    job = new Cron(`0 ${minutes} ${hours} ${dom === '?' ? '*' : dom} ${month} ${dow === '?' ? '*' : dow}`, {
      timezone,
      alternativeWeekdays: true,
      sloppyRanges: true,
      legacyMode: false,
      paused: true,
    });
  } catch (err) {
    throw refuse(expression, (err as Error).message);
  }
  return { kind: 'cron', cron: job, years: yearMatcher(year) };
}

/** The offset of a time zone at an instant, in ms (local = utc + offset). */
function zoneOffsetMs(timezone: string, at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant of a local wall-clock time in a zone (a skipped local time moves forward). */
function localToInstant(local: string, timezone: string): Date {
  const naive = Date.parse(`${local}Z`);
  let guess = naive - zoneOffsetMs(timezone, new Date(naive));
  guess = naive - zoneOffsetMs(timezone, new Date(guess));
  return new Date(guess);
}

/**
 * The first run strictly after `after`, or null if there is none. `anchor` is when a rate()
 * schedule started counting (its start date or creation).
 */
export function nextRun(expr: ScheduleExpression, after: Date, timezone = 'UTC', anchor = after): Date | null {
  switch (expr.kind) {
    case 'rate': {
      const elapsed = after.getTime() - anchor.getTime();
      const periods = elapsed < 0 ? 0 : Math.floor(elapsed / expr.periodMs) + 1;
      return new Date(anchor.getTime() + periods * expr.periodMs);
    }
    case 'at': {
      const when = localToInstant(expr.local, timezone);
      return when > after ? when : null;
    }
    case 'cron':
      return nextCronRun(expr, after, timezone);
  }
}

const yearFormats = new Map<string, Intl.DateTimeFormat>();
function yearIn(at: Date, timezone: string): number {
  let format = yearFormats.get(timezone);
  if (!format) yearFormats.set(timezone, (format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric' })));
  return Number(format.format(at));
}

/**
 * croner finds the next matching month, day and time; the year field is ours. When croner's next
 * run falls in a year the field excludes, the search jumps to the first instant of the next year
 * the field allows instead of stepping run by run (an hourly cron limited to 2030 is some 35,000
 * runs away in 2026), so it takes at most one croner search per year up to 2199.
 */
function nextCronRun(expr: Extract<ScheduleExpression, { kind: 'cron' }>, after: Date, timezone: string): Date | null {
  let from = after;
  for (;;) {
    const next = expr.cron.nextRun(from);
    if (!next) return null;
    const year = yearIn(next, timezone);
    if (year > LAST_YEAR) return null;
    if (expr.years(year)) return next;
    let allowed = year + 1;
    while (allowed <= LAST_YEAR && !expr.years(allowed)) allowed++;
    if (allowed > LAST_YEAR) return null;
    // croner's search is strictly after `from`: start one second before the year begins.
    from = new Date(localToInstant(`${allowed}-01-01T00:00:00`, timezone).getTime() - 1000);
  }
}
