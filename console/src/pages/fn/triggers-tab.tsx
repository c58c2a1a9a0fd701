// What makes this function run: HTTP routes, its function URL, schedules, bucket notifications,
// queue mappings (when the API has them) and its async-invoke settings.
import type { Api } from '../../api/gust-api';
import { Badge, Card, Empty, ErrorBox, Spinner, useLoad } from '../../components/ui';

/** The function name an ARN (or name) targets: arn:aws:lambda:region:acct:function:NAME[:qualifier]. */
function targets(arn: string, name: string): boolean {
  const parts = arn.split(':');
  return arn === name || (parts[5] === 'function' && parts[6] === name);
}

export function TriggersTab(props: { api: Api; name: string; arn: string }) {
  const { api, name } = props;
  const data = useLoad(async () => {
    const [routes, url, schedules, buckets, mappings, invokeConfigs] = await Promise.all([
      api.routes(),
      api.url(name),
      api.schedules().catch(() => []),
      api.buckets().catch(() => [] as string[]),
      api.eventSourceMappings(name),
      api.eventInvokeConfigs(name),
    ]);
    const mine = schedules.filter((s) => targets(s.Target.Arn, name));
    const scheduleDetails = await Promise.all(mine.map(async (s) => ({ ...s, expression: (await api.schedule(s.Name, s.GroupName).catch(() => undefined))?.ScheduleExpression })));
    const notifications = (
      await Promise.all(buckets.map(async (b) => (await api.bucketNotifications(b).catch(() => [])).filter((n) => targets(n.arn, name)).map((n) => ({ bucket: b, ...n }))))
    ).flat();
    return { routes: routes.filter((r) => r.functionName === name), url, schedules: scheduleDetails, notifications, mappings, invokeConfigs };
  }, [api, name]);
  if (data.error !== undefined) return <ErrorBox error={data.error} />;
  if (!data.data) return <Spinner />;
  const d = data.data;
  const none = !d.routes.length && !d.url && !d.schedules.length && !d.notifications.length && !d.mappings.length;
  return (
    <div class="grid">
      {none && (
        <Card class="span-2">
          <Empty title="Nothing triggers this function yet">
            <p>It runs when invoked through the API. Give it a way in:</p>
            <pre class="code">{`# an HTTP route on this port
gust route add GET /hello ${name}
# on a schedule
gust schedule add every-5-min "rate(5 minutes)" ${name}
# when objects land in a bucket
gust notify add my-bucket ${name}`}</pre>
          </Empty>
        </Card>
      )}
      {d.routes.length > 0 && (
        <Card title="HTTP routes">
          <ul class="plain">
            {d.routes.map((r) => (
              <li key={r.id}>
                <Badge tone="info">{r.method}</Badge> <code>{r.path}</code> <span class="muted">payload {r.payloadFormat}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {d.url && (
        <Card title="Function URL">
          <p>
            <a href={d.url.FunctionUrl} target="_blank" rel="noreferrer noopener">
              <code>{d.url.FunctionUrl}</code>
            </a>
          </p>
          <p class="muted">
            auth {d.url.AuthType} · {d.url.InvokeMode ?? 'BUFFERED'}
          </p>
        </Card>
      )}
      {d.schedules.length > 0 && (
        <Card title="Schedules">
          <ul class="plain">
            {d.schedules.map((s) => (
              <li key={`${s.GroupName}/${s.Name}`}>
                <strong>{s.Name}</strong> <code>{s.expression}</code> <Badge tone={s.State === 'ENABLED' ? 'ok' : 'muted'}>{s.State}</Badge>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {d.notifications.length > 0 && (
        <Card title="Bucket notifications">
          <ul class="plain">
            {d.notifications.map((n, i) => (
              <li key={i}>
                <code>s3://{n.bucket}</code> on {n.events.join(', ')}
              </li>
            ))}
          </ul>
        </Card>
      )}
      {d.mappings.length > 0 && (
        <Card title="Queue mappings">
          <ul class="plain">
            {d.mappings.map((m) => (
              <li key={m.UUID}>
                <code>{m.EventSourceArn}</code> batch {m.BatchSize} <Badge>{m.State}</Badge>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Asynchronous invocation">
        {d.invokeConfigs.length === 0 ? (
          <p class="muted">Defaults: 2 retries, events kept up to 6 hours; failures go to Gust's dead letters.</p>
        ) : (
          d.invokeConfigs.map((c) => (
            <p key={c.FunctionArn}>
              <code>{c.FunctionArn.split(':').slice(6).join(':') || '$LATEST'}</code>: {c.MaximumRetryAttempts ?? 2} retries, max age {c.MaximumEventAgeInSeconds ?? 21600}s
            </p>
          ))
        )}
      </Card>
    </div>
  );
}
