// Configuration at a glance and the last hour's charts: invocations and errors, duration
// p50/p99, concurrency and throttles (uPlot), refreshed every few seconds.
import type { Api } from '../../api/gust-api';
import { Chart } from '../../components/chart';
import { Card, Empty, KeyValues, useLoad } from '../../components/ui';
import { fmtBytes, fmtDateTime, sum } from '../../lib/format';

type Fn = Awaited<ReturnType<Api['getFunction']>>;

export function OverviewTab(props: { api: Api; fn: Fn }) {
  const c = props.fn.Configuration;
  const series = useLoad(() => props.api.series(60, c.FunctionName), [props.api, c.FunctionName], 3000);
  const s = series.data?.functions[0];
  const env = Object.entries(c.Environment?.Variables ?? {});
  return (
    <div class="grid">
      <Card title="Last hour" class="span-2" testId="charts">
        {s && series.data ? (
          <>
            {sum(s.invocations) === 0 && <p class="note">No invocations in the last hour. Try the Test tab: the charts fill in as soon as the function runs.</p>}
            <div class="charts">
              <Chart
                testId="chart-invocations"
                counts
                title="Invocations and errors"
                start={series.data.start}
                series={[
                  { label: 'Invocations', values: s.invocations, color: '--accent' },
                  { label: 'Errors', values: s.errors, color: '--bad' },
                ]}
              />
              <Chart
                testId="chart-duration"
                title="Duration"
                start={series.data.start}
                series={[
                  { label: 'p50', values: s.p50, color: '--accent', unit: ' ms' },
                  { label: 'p99', values: s.p99, color: '--violet', unit: ' ms' },
                ]}
              />
              <Chart
                testId="chart-concurrency"
                counts
                title="Concurrency and throttles"
                start={series.data.start}
                series={[
                  { label: 'Peak concurrency', values: s.concurrency, color: '--ok' },
                  { label: 'Throttles', values: s.throttles, color: '--warn' },
                ]}
              />
            </div>
          </>
        ) : (
          <Empty title="Loading the last hour…" />
        )}
      </Card>
      <Card title="Configuration">
        <KeyValues
          rows={[
            ['Runtime', c.Runtime ?? c.PackageType],
            ['Handler', c.Handler && <code>{c.Handler}</code>],
            ['Memory', `${c.MemorySize} MB`],
            ['Timeout', `${c.Timeout} s`],
            ['Ephemeral storage', c.EphemeralStorage ? `${c.EphemeralStorage.Size} MB` : undefined],
            ['Code size', fmtBytes(c.CodeSize)],
            ['Last modified', fmtDateTime(Date.parse(c.LastModified))],
            ['Reserved concurrency', props.fn.Concurrency?.ReservedConcurrentExecutions ?? 'unreserved'],
            ['Log group', <code>{c.LoggingConfig?.LogGroup ?? `/aws/lambda/${c.FunctionName}`}</code>],
            ['ARN', <code class="wrap">{c.FunctionArn}</code>],
          ]}
        />
      </Card>
      <Card title="Environment">
        {env.length === 0 ? (
          <Empty title="No environment variables">
            <p>
              Set them with <code>aws lambda update-function-configuration --environment</code>.
            </p>
          </Empty>
        ) : (
          <KeyValues rows={env.map(([k, v]) => [k, <code class="wrap">{v}</code>])} />
        )}
        {(c.Layers?.length ?? 0) > 0 && (
          <>
            <h3>Layers</h3>
            <ul class="plain">
              {c.Layers!.map((l) => (
                <li key={l.Arn}>
                  <code class="wrap">{l.Arn}</code>
                </li>
              ))}
            </ul>
          </>
        )}
        {props.fn.Tags && Object.keys(props.fn.Tags).length > 0 && (
          <>
            <h3>Tags</h3>
            <KeyValues rows={Object.entries(props.fn.Tags).map(([k, v]) => [k, v])} />
          </>
        )}
      </Card>
    </div>
  );
}
