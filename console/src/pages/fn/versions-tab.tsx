// Published versions and the aliases that point at them, with an alias's traffic split shown as
// a weighted bar (RoutingConfig.AdditionalVersionWeights).
import type { Api } from '../../api/gust-api';
import { Badge, Card, Empty, ErrorBox, Spinner, useLoad } from '../../components/ui';
import { fmtBytes, fmtDateTime } from '../../lib/format';

export function VersionsTab(props: { api: Api; name: string }) {
  const data = useLoad(async () => {
    const [versions, aliases] = await Promise.all([props.api.versions(props.name), props.api.aliases(props.name)]);
    return { versions, aliases };
  }, [props.api, props.name]);
  if (data.error !== undefined) return <ErrorBox error={data.error} />;
  if (!data.data) return <Spinner />;
  const { versions, aliases } = data.data;
  return (
    <div class="grid top aside">
      <Card title="Aliases">
        {aliases.length === 0 ? (
          <Empty title="No aliases">
            <p>
              Point a stable name at a version: <code>aws lambda create-alias --function-name {props.name} --name live --function-version 1</code>
            </p>
          </Empty>
        ) : (
          <ul class="aliases">
            {aliases.map((a) => {
              const extra = Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {});
              const main = 1 - extra.reduce((t, [, w]) => t + w, 0);
              return (
                <li key={a.Name} data-testid={`alias-${a.Name}`}>
                  <div class="row">
                    <strong>{a.Name}</strong>
                    <span class="muted">{a.Description}</span>
                  </div>
                  <div class="weights" role="img" aria-label="traffic split">
                    <div class="weight" style={{ flexGrow: main }}>
                      v{a.FunctionVersion} · {Math.round(main * 100)}%
                    </div>
                    {extra.map(([v, w]) => (
                      <div class="weight alt" key={v} style={{ flexGrow: w }}>
                        v{v} · {Math.round(w * 100)}%
                      </div>
                    ))}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card title="Versions" class="flush">
        <table class="table">
          <thead>
            <tr>
              <th>Version</th>
              <th>Description</th>
              <th>Code</th>
              <th>Modified</th>
            </tr>
          </thead>
          <tbody>
            {[...versions].reverse().map((v) => (
              <tr key={v.Version}>
                <td>
                  {v.Version === '$LATEST' ? <Badge tone="info">$LATEST</Badge> : <strong>{v.Version}</strong>}{' '}
                  {aliases.filter((a) => a.FunctionVersion === v.Version).map((a) => (
                    <Badge key={a.Name}>{a.Name}</Badge>
                  ))}
                </td>
                <td class="muted">{v.Description || '—'}</td>
                <td class="muted">
                  {fmtBytes(v.CodeSize)} · <code title={v.CodeSha256}>{v.CodeSha256?.slice(0, 10)}</code>
                </td>
                <td class="muted nowrap">{fmtDateTime(Date.parse(v.LastModified))}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {versions.length <= 1 && <p class="note pad">Only $LATEST so far. Publish a version to freeze this code: <code>aws lambda publish-version --function-name {props.name}</code></p>}
      </Card>
    </div>
  );
}
