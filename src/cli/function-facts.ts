// What the Lambda API says about one function: its configuration, tags, reserved concurrency,
// URLs, aliases and provisioned concurrency. `gust describe` shows it; a project deploy compares
// it with what the project wants.
import type { GustClient } from './client.js';
import { functionPath, functionUrlsPath, notFoundAsUndefined, provisionedConcurrencyListPath } from './lambda-paths.js';

export interface FunctionUrlConfig {
  FunctionUrl: string;
  FunctionArn: string;
  AuthType: 'NONE' | 'AWS_IAM';
  Cors?: Record<string, unknown>;
  InvokeMode?: string;
}

export interface AliasConfig {
  Name: string;
  FunctionVersion: string;
  AliasArn: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
}

export interface ProvisionedConfig {
  FunctionArn: string;
  RequestedProvisionedConcurrentExecutions: number;
  AllocatedProvisionedConcurrentExecutions?: number;
  AvailableProvisionedConcurrentExecutions?: number;
  Status: string;
  StatusReason?: string;
}

export interface FunctionFacts {
  configuration: Record<string, any>;
  tags: Record<string, string>;
  reserved?: number;
  urls: FunctionUrlConfig[];
  aliases: AliasConfig[];
  provisioned: ProvisionedConfig[];
}

/** The qualifier an ARN ends with ($LATEST when it names the function itself). */
export const qualifierOfArn = (arn: string) => arn.split(':')[7] ?? '$LATEST';

/** Undefined when there is no such function. */
export async function readFunctionFacts(client: GustClient, name: string): Promise<FunctionFacts | undefined> {
  const got = await client.request('GET', functionPath(name)).then((r) => r.json(), notFoundAsUndefined);
  if (!got) return undefined;
  const [urls, aliases, provisioned] = await Promise.all([
    client.request('GET', functionUrlsPath(name)).then((r) => r.json().FunctionUrlConfigs as FunctionUrlConfig[]),
    client.request('GET', `${functionPath(name)}/aliases`).then((r) => r.json().Aliases as AliasConfig[]),
    client.request('GET', provisionedConcurrencyListPath(name)).then((r) => r.json().ProvisionedConcurrencyConfigs as ProvisionedConfig[]),
  ]);
  return { configuration: got.Configuration, tags: got.Tags ?? {}, reserved: got.Concurrency?.ReservedConcurrentExecutions, urls, aliases, provisioned };
}
