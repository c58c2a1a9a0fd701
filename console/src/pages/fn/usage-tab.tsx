// This function's usage and cost per day (the usage table of the Usage page, for one function).
import type { Api } from '../../api/gust-api';
import { UsageTable } from '../usage-page';

export function UsageTab(props: { api: Api; name: string }) {
  return <UsageTable api={props.api} functionName={props.name} />;
}
