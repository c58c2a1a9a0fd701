// One function: a header with its vital signs and tabs for configuration and charts, code,
// versions and aliases, triggers, test invoke, live logs, invocation history and usage.
import type { Api, BudgetStatus } from '../api/gust-api';
import { Badge, ErrorBox, Spinner, Tabs, useLoad } from '../components/ui';
import { href } from '../router';
import { CodeTab } from './fn/code-tab';
import { HistoryTab } from './fn/history-tab';
import { LogsTab } from './fn/logs-tab';
import { OverviewTab } from './fn/overview-tab';
import { TestTab } from './fn/test-tab';
import { TriggersTab } from './fn/triggers-tab';
import { UsageTab } from './fn/usage-tab';
import { VersionsTab } from './fn/versions-tab';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'test', label: 'Test' },
  { id: 'logs', label: 'Logs' },
  { id: 'history', label: 'History' },
  { id: 'code', label: 'Code' },
  { id: 'versions', label: 'Versions & aliases' },
  { id: 'triggers', label: 'Triggers' },
  { id: 'usage', label: 'Usage' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function FunctionPage(props: { api: Api; name: string; tab: string }) {
  const fn = useLoad(() => props.api.getFunction(props.name), [props.api, props.name]);
  const tab = (TABS.some((t) => t.id === props.tab) ? props.tab : 'overview') as TabId;
  const c = fn.data?.Configuration;
  return (
    <div class="page">
      <div class="crumbs">
        <a href={href.functions()}>Functions</a> <span aria-hidden="true">/</span> {props.name}
      </div>
      <div class="page-head">
        <div>
          <h1 data-testid="function-name">{props.name}</h1>
          {c && (
            <p class="sub">
              <Badge tone="info">{c.Runtime ?? c.PackageType}</Badge> <Badge>{c.Architectures?.[0] ?? 'x86_64'}</Badge> {c.MemorySize} MB · timeout {c.Timeout}s
              {c.Description ? ` · ${c.Description}` : ''}
            </p>
          )}
        </div>
      </div>
      <BudgetNotice api={props.api} name={props.name} />
      {fn.error !== undefined && <ErrorBox error={fn.error} />}
      {fn.loading && !fn.data && <Spinner />}
      {fn.data && (
        <>
          <Tabs tabs={TABS} active={tab} onSelect={(t) => (location.hash = href.fn(props.name, t))} />
          <div class="tab-body">
            {tab === 'overview' && <OverviewTab api={props.api} fn={fn.data} />}
            {tab === 'test' && <TestTab api={props.api} name={props.name} />}
            {tab === 'logs' && <LogsTab api={props.api} name={props.name} logGroup={c?.LoggingConfig?.LogGroup ?? `/aws/lambda/${props.name}`} />}
            {tab === 'history' && <HistoryTab api={props.api} name={props.name} logGroup={c?.LoggingConfig?.LogGroup ?? `/aws/lambda/${props.name}`} />}
            {tab === 'code' && <CodeTab api={props.api} location={fn.data.Code.Location} codeSize={c?.CodeSize ?? 0} />}
            {tab === 'versions' && <VersionsTab api={props.api} name={props.name} />}
            {tab === 'triggers' && <TriggersTab api={props.api} name={props.name} arn={c?.FunctionArn ?? ''} />}
            {tab === 'usage' && <UsageTab api={props.api} name={props.name} />}
          </div>
        </>
      )}
    </div>
  );
}

/** A function past 80 % of its monthly budget says so at the top of its page (as the logs do). */
function BudgetNotice(props: { api: Api; name: string }) {
  const budgets = useLoad(() => props.api.budgets(), [props.api], 60_000);
  const b: BudgetStatus | undefined = budgets.data?.find((x) => x.functionName === props.name);
  if (!b || b.percent < 80) return null;
  const amount = (v: number) => (b.unit === 'usd' ? `$${v.toFixed(2)}` : `${v.toFixed(1)} GB-s`);
  return (
    <div class={b.exceeded ? 'error-box' : 'notice-warn'} role="status" data-testid="budget-notice">
      {b.exceeded ? 'Over budget' : 'Budget warning'}: {amount(b.spent)} of {amount(b.amount)} used in {b.month} ({Math.floor(b.percent)} %).
      {b.hard ? (b.exceeded ? ' Invocations are refused until the budget is raised or the month ends.' : ' At 100 % invocations are refused.') : ''}
    </div>
  );
}
