// Numbers, durations, sizes, money and times as the console shows them.
export const fmtMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '—' : ms < 1 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;

export const fmtBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

export const fmtCount = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));

/** Cents for real money; two significant digits for the fractions of a cent a few test calls cost. */
export const fmtMoney = (n: number) =>
  n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(Math.min(12, Math.ceil(-Math.log10(n)) + 1))}` : `$${n.toFixed(2)}`;

export const fmtTime = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const fmtDateTime = (t: number) => new Date(t).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function ago(t: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Pretty JSON when it parses, the text as is otherwise. */
export function pretty(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A log record as lines: Lambda's runtimes end the lines inside one record (a traceback) with
 * \r, which a browser would show as spaces; the record's final newline is dropped.
 */
export const recordLines = (message: string) => message.replace(/\r\n?/g, '\n').replace(/\n$/, '');
