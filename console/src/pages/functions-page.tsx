// The functions list: every function with its health over the last hour (invocations, errors,
// throttles, p50/p99 duration, peak concurrency) as sparklines, refreshed every few seconds.
import { useState } from 'preact/hooks';
import type { Api, Series } from '../api/gust-api';
import { Sparkline } from '../components/sparkline';
import { Badge, Card, Empty, ErrorBox, Spinner, useLoad } from '../components/ui';
import { ago, fmtBytes, fmtCount, fmtMs, sum } from '../lib/format';
import { href } from '../router';

const REFRESH_MS = 5000;

function worst(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
}

export function FunctionsPage(props: { api: Api }) {
  const fns = useLoad(() => props.api.listFunctions(), [props.api]);
  const series = useLoad(() => props.api.series(60), [props.api], REFRESH_MS);
  const [filter, setFilter] = useState('');
  const byName = new Map<string, Series>((series.data?.functions ?? []).map((s) => [s.functionName, s]));
  const list = (fns.data ?? []).filter((f) => f.FunctionName.toLowerCase().includes(filter.toLowerCase()));
  const totals = (series.data?.functions ?? []).reduce(
    (t, s) => ({ inv: t.inv + sum(s.invocations), err: t.err + sum(s.errors), thr: t.thr + sum(s.throttles) }),
    { inv: 0, err: 0, thr: 0 },
  );

  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>Functions</h1>
          <p class="sub">Health over the last hour, one point per minute.</p>
        </div>
        {(fns.data?.length ?? 0) > 0 && <input class="search" type="search" placeholder="Filter functions" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />}
      </div>
      {fns.data && fns.data.length > 0 && (
        <div class="stats">
          <div class="stat">
            <span class="stat-label">Functions</span>
            <span class="stat-value">{fns.data.length}</span>
          </div>
          <div class="stat">
            <span class="stat-label">Invocations (1h)</span>
            <span class="stat-value" data-testid="total-invocations">
              {fmtCount(totals.inv)}
            </span>
          </div>
          <div class="stat">
            <span class="stat-label">Errors (1h)</span>
            <span class={`stat-value ${totals.err ? 'bad' : ''}`}>{fmtCount(totals.err)}</span>
          </div>
          <div class="stat">
            <span class="stat-label">Throttles (1h)</span>
            <span class={`stat-value ${totals.thr ? 'warn' : ''}`}>{fmtCount(totals.thr)}</span>
          </div>
        </div>
      )}
      {fns.error !== undefined && <ErrorBox error={fns.error} />}
      {fns.loading && !fns.data && <Spinner />}
      {fns.data && fns.data.length === 0 && (
        <Card>
          <Empty title="No functions yet">
            <p>Deploy one from a directory with an <code>index.mjs</code> or <code>handler.py</code>:</p>
            <pre class="code">gust deploy ./my-function</pre>
            <p>
              or with the AWS CLI: <code>aws lambda create-function --endpoint-url {location.origin} …</code>
            </p>
          </Empty>
        </Card>
      )}
      {list.length > 0 && (
        <Card class="flush">
          <table class="table fn-table" data-testid="functions-table">
            <thead>
              <tr>
                <th>Function</th>
                <th>Invocations</th>
                <th>Errors</th>
                <th>Throttles</th>
                <th>Duration p50 / p99</th>
                <th>Concurrency</th>
              </tr>
            </thead>
            <tbody>
              {list.map((f) => {
                const s = byName.get(f.FunctionName);
                const inv = s ? sum(s.invocations) : 0;
                const err = s ? sum(s.errors) : 0;
                const thr = s ? sum(s.throttles) : 0;
                return (
                  <tr key={f.FunctionName} data-testid={`fn-row-${f.FunctionName}`}>
                    <td>
                      <a class="fn-name" href={href.fn(f.FunctionName)}>
                        {f.FunctionName}
                      </a>
                      <div class="fn-meta">
                        <Badge>{f.Runtime ?? f.PackageType}</Badge> {f.MemorySize} MB · {fmtBytes(f.CodeSize)} · updated {ago(Date.parse(f.LastModified))}
                      </div>
                    </td>
                    <td>
                      <div class="cell-spark">
                        <Sparkline values={s?.invocations ?? []} label={`${inv} invocations`} />
                        <span class="num" data-testid="row-invocations">
                          {fmtCount(inv)}
                        </span>
                      </div>
                    </td>
                    <td>
                      <div class="cell-spark">
                        <Sparkline values={s?.errors ?? []} tone="bad" label={`${err} errors`} />
                        <span class={`num ${err ? 'bad' : ''}`}>{fmtCount(err)}</span>
                      </div>
                    </td>
                    <td>
                      <div class="cell-spark">
                        <Sparkline values={s?.throttles ?? []} tone="warn" label={`${thr} throttles`} width={80} />
                        <span class={`num ${thr ? 'warn' : ''}`}>{fmtCount(thr)}</span>
                      </div>
                    </td>
                    <td>
                      <div class="cell-spark">
                        <Sparkline values={s?.p99 ?? []} label="p99 duration" width={80} />
                        <span class="num small">
                          {fmtMs(worst(s?.p50 ?? []))} / {fmtMs(worst(s?.p99 ?? []))}
                        </span>
                      </div>
                    </td>
                    <td>
                      <div class="cell-spark">
                        <Sparkline values={s?.concurrency ?? []} label="peak concurrency" width={80} />
                        <span class="num">{s ? Math.max(0, ...s.concurrency) : 0}</span>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Card>
      )}
      {fns.data && fns.data.length > 0 && list.length === 0 && <Empty title={`No function matches “${filter}”`} />}
    </div>
  );
}
