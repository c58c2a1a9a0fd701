// The live log tail: FilterLogEvents on the function's log group, polled every second and a half
// from the last event seen, newest at the bottom; pausable and filterable.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, LogEvent } from '../../api/gust-api';
import { Card, Empty, ErrorBox } from '../../components/ui';
import { fmtTime, recordLines } from '../../lib/format';

const POLL_MS = 1500;
const KEEP = 2000;

export function LogsTab(props: { api: Api; name: string; logGroup: string }) {
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [live, setLive] = useState(true);
  const [pattern, setPattern] = useState('');
  const [error, setError] = useState<unknown>();
  const seen = useRef(new Set<string>());
  const since = useRef(Date.now() - 15 * 60_000);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    seen.current = new Set();
    since.current = Date.now() - 15 * 60_000;
    setEvents([]);
  }, [props.logGroup, pattern]);

  useEffect(() => {
    if (!live) return;
    let stopped = false;
    const poll = async () => {
      try {
        let token: string | undefined;
        const fresh: LogEvent[] = [];
        do {
          const page = await props.api.filterLogs(props.logGroup, { startTime: since.current, filterPattern: pattern || undefined, nextToken: token, limit: 1000 });
          for (const e of page.events) if (!seen.current.has(e.eventId)) (seen.current.add(e.eventId), fresh.push(e));
          token = page.nextToken;
        } while (token && !stopped);
        if (stopped) return;
        setError(undefined);
        if (fresh.length) {
          // Events of the same millisecond may still arrive: look again from the newest one's time.
          since.current = Math.max(since.current, ...fresh.map((e) => e.timestamp));
          setEvents((old) => [...old, ...fresh].sort((a, b) => a.timestamp - b.timestamp).slice(-KEEP));
        }
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    void poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [props.api, props.logGroup, live, pattern]);

  useEffect(() => {
    const el = box.current;
    if (el && live) el.scrollTop = el.scrollHeight;
  }, [events.length, live]);

  return (
    <Card
      title={
        <>
          Log tail {live && <span class="live-dot" aria-label="live" />}
        </>
      }
      actions={
        <>
          <input class="small-input" type="search" placeholder='Filter pattern, e.g. "ERROR"' value={pattern} onChange={(e) => setPattern((e.target as HTMLInputElement).value)} />
          <button onClick={() => setLive(!live)}>{live ? 'Pause' : 'Resume'}</button>
          <button onClick={() => setEvents([])}>Clear</button>
        </>
      }
    >
      <p class="sub">
        <code>{props.logGroup}</code> · the last 15 minutes, then new lines as they arrive.
      </p>
      {error !== undefined && <ErrorBox error={error} />}
      <div class="logbox" ref={box} data-testid="log-tail">
        {events.length === 0 ? (
          <Empty title="No log lines yet">
            <p>Invoke the function (the Test tab, or any trigger) and its lines appear here within a second or two.</p>
          </Empty>
        ) : (
          events.map((e) => (
            <div class={`logline ${/\b(ERROR|Error|error)\b/.test(e.message) ? 'err' : /^(START|END|REPORT)\b/.test(e.message) ? 'platform' : ''}`} key={e.eventId}>
              <time>{fmtTime(e.timestamp)}</time>
              <span>{recordLines(e.message)}</span>
            </div>
          ))
        )}
      </div>
    </Card>
  );
}
