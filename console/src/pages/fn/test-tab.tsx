// Test invoke: an event made from a template or a saved one (kept in this browser's
// localStorage), invoked synchronously, with the response, status and the log tail.
import { useState } from 'preact/hooks';
import type { Api, InvokeResult } from '../../api/gust-api';
import { Badge, Card, ErrorBox } from '../../components/ui';
import { pretty, recordLines } from '../../lib/format';
import { deleteEvent, saveEvent, savedEvents, TEMPLATES } from '../../lib/templates';

export function TestTab(props: { api: Api; name: string; initial?: string }) {
  const [body, setBody] = useState(props.initial ?? JSON.stringify({ hello: 'from the console' }, null, 2));
  const [saved, setSaved] = useState(() => savedEvents(props.name));
  const [eventName, setEventName] = useState('');
  const [result, setResult] = useState<InvokeResult & { ms: number }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  let parseError: string | undefined;
  try {
    JSON.parse(body);
  } catch (e) {
    parseError = (e as Error).message;
  }

  const invoke = async () => {
    setBusy(true);
    setError(undefined);
    const t0 = performance.now();
    try {
      const r = await props.api.invoke(props.name, body);
      setResult({ ...r, ms: performance.now() - t0 });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="grid">
      <Card
        title="Event"
        actions={
          <select
            aria-label="Start from a template"
            value=""
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              const saved = savedEvents(props.name).find((s) => `saved:${s.name}` === v);
              if (saved) setBody(saved.body);
              else if (TEMPLATES[v]) setBody(JSON.stringify(TEMPLATES[v](), null, 2));
            }}
          >
            <option value="">Templates and saved events…</option>
            <optgroup label="Templates">
              {Object.keys(TEMPLATES).map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </optgroup>
            {saved.length > 0 && (
              <optgroup label="Saved in this browser">
                {saved.map((s) => (
                  <option key={s.name} value={`saved:${s.name}`}>
                    {s.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        }
      >
        <textarea class="editor" spellcheck={false} value={body} onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} data-testid="event-editor" aria-label="Event JSON" />
        {parseError && <p class="field-error">Not valid JSON: {parseError}</p>}
        <div class="row">
          <button class="primary" disabled={busy || !!parseError} onClick={invoke} data-testid="invoke">
            {busy ? 'Invoking…' : 'Invoke'}
          </button>
          <span class="spacer" />
          <input class="small-input" placeholder="Name to save as" value={eventName} onInput={(e) => setEventName((e.target as HTMLInputElement).value)} />
          <button disabled={!eventName || !!parseError} onClick={() => setSaved(saveEvent(props.name, { name: eventName, body }))}>
            Save event
          </button>
        </div>
        {saved.length > 0 && (
          <div class="chips">
            {saved.map((s) => (
              <span class="chip" key={s.name}>
                <button class="link" onClick={() => setBody(s.body)}>
                  {s.name}
                </button>
                <button class="link muted" aria-label={`Delete ${s.name}`} onClick={() => setSaved(deleteEvent(props.name, s.name))}>
                  ×
                </button>
              </span>
            ))}
          </div>
        )}
      </Card>
      <Card title="Result" testId="invoke-result">
        {error !== undefined && <ErrorBox error={error} />}
        {!result && error === undefined && <p class="note">Invoke the function to see its response and log here.</p>}
        {result && (
          <>
            <div class="row">
              {result.functionError ? <Badge tone="bad">{result.functionError} error</Badge> : <Badge tone="ok">Succeeded</Badge>}
              <span class="muted">
                {Math.round(result.ms)} ms round trip · version {result.executedVersion} · <code>{result.requestId}</code>
              </span>
            </div>
            <h3>Response</h3>
            <pre class="code" data-testid="invoke-response">
              {pretty(result.payload)}
            </pre>
            {result.log && (
              <>
                <h3>Log tail</h3>
                <pre class="code log">{recordLines(result.log)}</pre>
              </>
            )}
          </>
        )}
      </Card>
    </div>
  );
}
