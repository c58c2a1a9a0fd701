// Usage and cost per function and day, priced like Lambda (requests and GB-seconds), with a CSV
// export of exactly the rows shown.
import { useState } from 'preact/hooks';
import type { Api } from '../api/gust-api';
import { Card, Empty, ErrorBox, Spinner, useLoad } from '../components/ui';
import { download, toCsv } from '../lib/csv';
import { fmtCount, fmtMoney, fmtMs } from '../lib/format';

export function UsageTable(props: { api: Api; functionName?: string }) {
  const [days, setDays] = useState(30);
  const usage = useLoad(() => props.api.dailyUsage(days, props.functionName), [props.api, days, props.functionName]);
  const rows = usage.data?.rows ?? [];
  const total = rows.reduce((t, r) => ({ requests: t.requests + r.requests, gbs: t.gbs + r.gbSeconds, cost: t.cost + r.cost }), { requests: 0, gbs: 0, cost: 0 });
  const exportCsv = () =>
    download(
      `gust-usage-${props.functionName ?? 'all'}-${days}d.csv`,
      toCsv(
        ['date', 'function', 'requests', 'errors', 'cold_starts', 'duration_ms', 'billed_ms', 'gb_seconds', 'request_cost', 'compute_cost', 'cost'],
        rows.map((r) => [r.date, r.functionName, r.requests, r.errors, r.coldStarts, r.durationMs, r.billedMs, r.gbSeconds, r.requestCost, r.computeCost, r.cost]),
      ),
    );
  return (
    <Card
      title={`Usage, last ${days} days`}
      class="flush"
      testId="usage"
      actions={
        <>
          <select aria-label="Period" value={days} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
            <option value={7}>7 days</option>
            <option value={30}>30 days</option>
            <option value={90}>90 days</option>
          </select>
          <button onClick={exportCsv} disabled={rows.length === 0} data-testid="export-csv">
            Export CSV
          </button>
        </>
      }
    >
      {usage.error !== undefined && <ErrorBox error={usage.error} />}
      {usage.loading && !usage.data && <Spinner />}
      {usage.data && rows.length === 0 && (
        <Empty title="No usage in this period">
          <p>Every invocation is metered: its requests, billed duration and memory. Invoke a function and come back.</p>
        </Empty>
      )}
      {rows.length > 0 && (
        <>
          <div class="stats pad">
            <div class="stat">
              <span class="stat-label">Requests</span>
              <span class="stat-value">{fmtCount(total.requests)}</span>
            </div>
            <div class="stat">
              <span class="stat-label">GB-seconds</span>
              <span class="stat-value">{total.gbs.toFixed(3)}</span>
            </div>
            <div class="stat">
              <span class="stat-label">Cost</span>
              <span class="stat-value">{fmtMoney(total.cost)}</span>
            </div>
          </div>
          <table class="table">
            <thead>
              <tr>
                <th>Day</th>
                {!props.functionName && <th>Function</th>}
                <th class="num">Requests</th>
                <th class="num">Errors</th>
                <th class="num">Cold starts</th>
                <th class="num">Billed</th>
                <th class="num">GB-s</th>
                <th class="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {[...rows].reverse().map((r) => (
                <tr key={`${r.date}/${r.functionName}`}>
                  <td>{r.date}</td>
                  {!props.functionName && <td>{r.functionName}</td>}
                  <td class="num">{fmtCount(r.requests)}</td>
                  <td class={`num ${r.errors ? 'bad' : ''}`}>{r.errors}</td>
                  <td class="num">{r.coldStarts}</td>
                  <td class="num">{fmtMs(r.billedMs)}</td>
                  <td class="num">{r.gbSeconds.toFixed(4)}</td>
                  <td class="num">{fmtMoney(r.cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}

export function UsagePage(props: { api: Api }) {
  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>Usage &amp; cost</h1>
          <p class="sub">Per function and day (UTC), priced with this Gust's per-request and per-GB-second prices.</p>
        </div>
      </div>
      <UsageTable api={props.api} />
    </div>
  );
}
