// The Lambda operations of botocore's service model (lambda/2015-03-31/service-2.json) that Gust
// does not implement: declared with their method and path so that a client calling one gets
// Lambda's UnknownOperationException, not the HTTP gateway's 404. A unit test checks this list
// and the implemented operations together cover the model.
import type { HttpMethod } from '../service.js';

export const UNIMPLEMENTED_LAMBDA_OPERATIONS: readonly [name: string, method: HttpMethod, path: string][] = [
  ['CheckpointDurableExecution', 'POST', '/2025-12-01/durable-executions/:DurableExecutionArn/checkpoint'],
  ['CreateCapacityProvider', 'POST', '/2025-11-30/capacity-providers'],
  ['CreateCodeSigningConfig', 'POST', '/2020-04-22/code-signing-configs'],
  ['DeleteCapacityProvider', 'DELETE', '/2025-11-30/capacity-providers/:CapacityProviderName'],
  ['DeleteCodeSigningConfig', 'DELETE', '/2020-04-22/code-signing-configs/:CodeSigningConfigArn'],
  ['DeleteFunctionCodeSigningConfig', 'DELETE', '/2020-06-30/functions/:FunctionName/code-signing-config'],
  ['GetCapacityProvider', 'GET', '/2025-11-30/capacity-providers/:CapacityProviderName'],
  ['GetCodeSigningConfig', 'GET', '/2020-04-22/code-signing-configs/:CodeSigningConfigArn'],
  ['GetDurableExecution', 'GET', '/2025-12-01/durable-executions/:DurableExecutionArn'],
  ['GetDurableExecutionHistory', 'GET', '/2025-12-01/durable-executions/:DurableExecutionArn/history'],
  ['GetDurableExecutionState', 'GET', '/2025-12-01/durable-executions/:DurableExecutionArn/state'],
  ['GetFunctionCodeSigningConfig', 'GET', '/2020-06-30/functions/:FunctionName/code-signing-config'],
  ['GetFunctionScalingConfig', 'GET', '/2025-11-30/functions/:FunctionName/function-scaling-config'],
  ['InvokeAsync', 'POST', '/2014-11-13/functions/:FunctionName/invoke-async'],
  ['ListCapacityProviders', 'GET', '/2025-11-30/capacity-providers'],
  ['ListCodeSigningConfigs', 'GET', '/2020-04-22/code-signing-configs'],
  ['ListDurableExecutionsByFunction', 'GET', '/2025-12-01/functions/:FunctionName/durable-executions'],
  ['ListFunctionVersionsByCapacityProvider', 'GET', '/2025-11-30/capacity-providers/:CapacityProviderName/function-versions'],
  ['ListFunctionsByCodeSigningConfig', 'GET', '/2020-04-22/code-signing-configs/:CodeSigningConfigArn/functions'],
  ['PutFunctionCodeSigningConfig', 'PUT', '/2020-06-30/functions/:FunctionName/code-signing-config'],
  ['PutFunctionScalingConfig', 'PUT', '/2025-11-30/functions/:FunctionName/function-scaling-config'],
  ['SendDurableExecutionCallbackFailure', 'POST', '/2025-12-01/durable-execution-callbacks/:CallbackId/fail'],
  ['SendDurableExecutionCallbackHeartbeat', 'POST', '/2025-12-01/durable-execution-callbacks/:CallbackId/heartbeat'],
  ['SendDurableExecutionCallbackSuccess', 'POST', '/2025-12-01/durable-execution-callbacks/:CallbackId/succeed'],
  ['StopDurableExecution', 'POST', '/2025-12-01/durable-executions/:DurableExecutionArn/stop'],
  ['UpdateCapacityProvider', 'PUT', '/2025-11-30/capacity-providers/:CapacityProviderName'],
  ['UpdateCodeSigningConfig', 'PUT', '/2020-04-22/code-signing-configs/:CodeSigningConfigArn'],
];
