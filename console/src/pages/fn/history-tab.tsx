// Invocation history: recent invocations with payload, response, logs, duration and the phases
// of a cold start (init, then invoke); any of them can be replayed with its original payload.
import { useState } from 'preact/hooks';
import type { Api, HistoryEntry, InvokeResult } from '../../api/gust-api';
import { Badge, Card, Empty, ErrorBox, Spinner, useLoad } from '../../components/ui';
import { ago, fmtDateTime, fmtMs, pretty, recordLines } from '../../lib/format';

function Phases(props: { e: HistoryEntry }) {
  const init = props.e.initDurationMs ?? 0;
  const run = props.e.durationMs ?? 0;
  const total = Math.max(1, init + run);
  return (
    <div class="phases" aria-label="phases">
      {init > 0 && (
        <div class="phase init" style={{ flexGrow: init / total }} title={`init ${fmtMs(init)}`}>
          init {fmtMs(init)}
        </div>
      )}
      <div class="phase invoke" style={{ flexGrow: run / total }} title={`invoke ${fmtMs(run)}`}>
        invoke {fmtMs(run)}
      </div>
    </div>
  );
}

function Detail(props: { api: Api; e: HistoryEntry; logGroup: string; onReplayed: () => void }) {
  const { e } = props;
  const logs = useLoad(() => props.api.filterLogs(props.logGroup, { startTime: e.startedAt - 60_000, filterPattern: `"${e.requestId}"` }), [e.requestId]);
  const [replay, setReplay] = useState<InvokeResult>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const doReplay = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setReplay(await props.api.invoke(e.functionName, e.payload, e.qualifier === '$LATEST' ? undefined : e.qualifier));
      props.onReplayed(); // the replay is an invocation too: show it in the list now, not at the next poll
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="detail" data-testid="history-detail">
      <div class="row">
        {e.functionError ? <Badge tone="bad">{e.functionError}</Badge> : <Badge tone="ok">Succeeded</Badge>}
        {e.cold && <Badge tone="info">cold start</Badge>}
        <span class="muted">
          {fmtDateTime(e.startedAt)} · {e.source} · {e.qualifier} · <code>{e.requestId}</code>
        </span>
        <span class="spacer" />
        <button class="primary" onClick={doReplay} disabled={busy || e.payloadTruncated} title={e.payloadTruncated ? 'The stored payload was cut to the history size limit' : 'Invoke again with this payload'} data-testid="replay">
          {busy ? 'Replaying…' : 'Replay'}
        </button>
      </div>
      {e.durationMs !== undefined && <Phases e={e} />}
      {e.maxMemoryUsedMb !== undefined && (
        <p class="muted">
          billed {fmtMs(e.billedMs)} · memory {e.maxMemoryUsedMb} / {e.memoryMb} MB · version {e.version}
        </p>
      )}
      <div class="two">
        <div>
          <h3>Payload {e.payloadTruncated && <Badge tone="warn">truncated</Badge>}</h3>
          <pre class="code">{pretty(e.payload)}</pre>
        </div>
        <div>
          <h3>Response {e.responseTruncated && <Badge tone="warn">truncated</Badge>}</h3>
          <pre class="code">{e.response === undefined ? '(streamed)' : pretty(e.response)}</pre>
        </div>
      </div>
      <h3>Logs</h3>
      <pre class="code log">{logs.data ? logs.data.events.map((l) => recordLines(l.message)).join('\n') || '(no lines)' : '…'}</pre>
      {error !== undefined && <ErrorBox error={error} />}
      {replay && (
        <>
          <h3>Replay result {replay.functionError ? <Badge tone="bad">{replay.functionError}</Badge> : <Badge tone="ok">Succeeded</Badge>}</h3>
          <pre class="code" data-testid="replay-response">
            {pretty(replay.payload)}
          </pre>
        </>
      )}
    </div>
  );
}

export function HistoryTab(props: { api: Api; name: string; logGroup: string }) {
  const history = useLoad(() => props.api.history(props.name), [props.api, props.name], 5000);
  const [open, setOpen] = useState<string>();
  const list = history.data?.invocations ?? [];
  const selected = list.find((e) => e.requestId === open);
  return (
    <div class="grid top">
      <Card title="Recent invocations" class={selected ? '' : 'span-2'} testId="history">
        {history.error !== undefined && <ErrorBox error={history.error} />}
        {history.loading && !history.data && <Spinner />}
        {history.data && !history.data.enabled && (
          <Empty title="Invocation history is off">
            <p>
              Start Gust with <code>--history-max-kb 16</code> (or more) to keep payloads and responses for replay.
            </p>
          </Empty>
        )}
        {history.data?.enabled && list.length === 0 && (
          <Empty title="No invocations kept yet">
            <p>
              Synchronous invocations appear here with their payload and response (up to {Math.round(history.data.limits.maxBytes / 1024)} KB each, the last {history.data.limits.perFunction}, for{' '}
              {history.data.limits.days} days).
            </p>
          </Empty>
        )}
        {list.length > 0 && (
          <table class="table clickable">
            <thead>
              <tr>
                <th>When</th>
                <th>Outcome</th>
                <th>Duration</th>
                <th>Start</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <tr key={e.requestId} class={e.requestId === open ? 'selected' : ''} onClick={() => setOpen(e.requestId === open ? undefined : e.requestId)} data-testid="history-row">
                  <td title={fmtDateTime(e.startedAt)}>{ago(e.startedAt)}</td>
                  <td>{e.functionError ? <Badge tone="bad">{e.functionError}</Badge> : <Badge tone="ok">ok</Badge>}</td>
                  <td class="num">{fmtMs(e.durationMs)}</td>
                  <td>{e.cold ? <Badge tone="info">cold {fmtMs(e.initDurationMs)}</Badge> : <span class="muted">warm</span>}</td>
                  <td class="muted">{e.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {selected && (
        <Card title="Invocation">
          <Detail api={props.api} e={selected} logGroup={props.logGroup} key={selected.requestId} onReplayed={history.reload} />
        </Card>
      )}
    </div>
  );
}
