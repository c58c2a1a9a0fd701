// The Lambda service module: Lambda's REST-JSON operations (botocore's names, methods and paths),
// each bound to its LambdaApi method, plus the ones Gust does not implement. Registered in
// api/services.ts; the dispatcher routes every path under Lambda's dated prefixes here.
import { GustError, invalidParameter } from '../../errors.js';
import { MAX_SYNC_PAYLOAD } from '../../invoke/invoker.js';
import { SIGNING_SERVICES } from '../authenticator.js';
import type { HttpMethod, RestOperation, RestService } from '../service.js';
import type { Ctx, LambdaApi } from './lambda-routes.js';
import type { LayerApi } from './layer-routes.js';
import type { EventSourceMappingApi } from './event-source-mapping-routes.js';
import { UNIMPLEMENTED_LAMBDA_OPERATIONS } from './unimplemented-operations.js';

/** A 50 MB zip, base64-encoded inside JSON. */
export const MAX_CONTROL_BODY = 70 * 1024 * 1024;
const INVOKE_LIMIT = { bytes: MAX_SYNC_PAYLOAD, message: `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation` };

/** Every dated prefix of Lambda's paths in the service model: all of them are Lambda's. */
export const LAMBDA_PATH_PREFIXES = [
  '/2014-11-13/', '/2015-03-31/', '/2016-08-19/', '/2017-03-31/', '/2017-10-31/', '/2018-10-31/', '/2019-09-25/', '/2019-09-30/',
  '/2020-04-22/', '/2020-06-30/', '/2021-07-20/', '/2021-10-31/', '/2021-11-15/', '/2024-08-31/', '/2025-11-30/', '/2025-12-01/',
];

export function lambdaService(api: LambdaApi, layers: LayerApi, mappings: EventSourceMappingApi): RestService {
  const op = (name: string, method: HttpMethod, path: string, handle: (ctx: Ctx) => Promise<void>, bodyLimit?: RestOperation['bodyLimit']): RestOperation => ({ name, method, path, handle, bodyLimit });
  const fn = '/2015-03-31/functions/:FunctionName';
  const layer = '/2018-10-31/layers/:LayerName/versions/:VersionNumber';
  return {
    name: 'lambda',
    protocol: 'rest-json',
    signingServices: SIGNING_SERVICES.lambda,
    pathPrefixes: LAMBDA_PATH_PREFIXES,
    defaultBodyLimit: { bytes: MAX_CONTROL_BODY, message: `Request must be smaller than ${MAX_CONTROL_BODY} bytes for this operation` },
    unknownOperation: (what) => new GustError('UnknownOperationException', `Gust does not implement the Lambda operation ${what}.`),
    badEncoding: (path) => invalidParameter(`The path '${path.slice(0, 200)}' is not valid percent-encoding.`),
    operations: [
      op('GetAccountSettings', 'GET', '/2016-08-19/account-settings', (c) => api.getAccountSettings(c)),
      op('ListFunctions', 'GET', '/2015-03-31/functions', (c) => api.listFunctions(c)),
      op('CreateFunction', 'POST', '/2015-03-31/functions', (c) => api.createFunction(c)),
      op('GetFunction', 'GET', fn, (c) => api.getFunction(c)),
      op('DeleteFunction', 'DELETE', fn, (c) => api.deleteFunction(c)),
      op('GetFunctionConfiguration', 'GET', `${fn}/configuration`, (c) => api.getFunctionConfiguration(c)),
      op('UpdateFunctionConfiguration', 'PUT', `${fn}/configuration`, (c) => api.updateFunctionConfiguration(c)),
      op('UpdateFunctionCode', 'PUT', `${fn}/code`, (c) => api.updateFunctionCode(c)),
      op('Invoke', 'POST', `${fn}/invocations`, (c) => api.invoke(c), INVOKE_LIMIT),
      op('InvokeWithResponseStream', 'POST', '/2021-11-15/functions/:FunctionName/response-streaming-invocations', (c) => api.invokeWithResponseStream(c), INVOKE_LIMIT),
      op('PublishVersion', 'POST', `${fn}/versions`, (c) => api.publishVersion(c)),
      op('ListVersionsByFunction', 'GET', `${fn}/versions`, (c) => api.listVersionsByFunction(c)),
      op('CreateAlias', 'POST', `${fn}/aliases`, (c) => api.createAlias(c)),
      op('ListAliases', 'GET', `${fn}/aliases`, (c) => api.listAliases(c)),
      op('GetAlias', 'GET', `${fn}/aliases/:Name`, (c) => api.getAlias(c)),
      op('UpdateAlias', 'PUT', `${fn}/aliases/:Name`, (c) => api.updateAlias(c)),
      op('DeleteAlias', 'DELETE', `${fn}/aliases/:Name`, (c) => api.deleteAlias(c)),
      op('AddPermission', 'POST', `${fn}/policy`, (c) => api.addPermission(c)),
      op('GetPolicy', 'GET', `${fn}/policy`, (c) => api.getPolicy(c)),
      op('RemovePermission', 'DELETE', `${fn}/policy/:StatementId`, (c) => api.removePermission(c)),
      op('ListTags', 'GET', '/2017-03-31/tags/:Resource', (c) => api.listTags(c)),
      op('TagResource', 'POST', '/2017-03-31/tags/:Resource', (c) => api.tagResource(c)),
      op('UntagResource', 'DELETE', '/2017-03-31/tags/:Resource', (c) => api.untagResource(c)),
      op('PutFunctionConcurrency', 'PUT', '/2017-10-31/functions/:FunctionName/concurrency', (c) => api.putFunctionConcurrency(c)),
      op('DeleteFunctionConcurrency', 'DELETE', '/2017-10-31/functions/:FunctionName/concurrency', (c) => api.deleteFunctionConcurrency(c)),
      op('GetFunctionConcurrency', 'GET', '/2019-09-30/functions/:FunctionName/concurrency', (c) => api.getFunctionConcurrency(c)),
      op('PutFunctionEventInvokeConfig', 'PUT', '/2019-09-25/functions/:FunctionName/event-invoke-config', (c) => api.putFunctionEventInvokeConfig(c)),
      op('UpdateFunctionEventInvokeConfig', 'POST', '/2019-09-25/functions/:FunctionName/event-invoke-config', (c) => api.updateFunctionEventInvokeConfig(c)),
      op('GetFunctionEventInvokeConfig', 'GET', '/2019-09-25/functions/:FunctionName/event-invoke-config', (c) => api.getFunctionEventInvokeConfig(c)),
      op('DeleteFunctionEventInvokeConfig', 'DELETE', '/2019-09-25/functions/:FunctionName/event-invoke-config', (c) => api.deleteFunctionEventInvokeConfig(c)),
      op('ListFunctionEventInvokeConfigs', 'GET', '/2019-09-25/functions/:FunctionName/event-invoke-config/list', (c) => api.listFunctionEventInvokeConfigs(c)),
      // ListProvisionedConcurrencyConfigs is the same GET with ?List=ALL.
      op('GetProvisionedConcurrencyConfig', 'GET', '/2019-09-30/functions/:FunctionName/provisioned-concurrency', (c) => api.getProvisionedConcurrencyConfig(c)),
      op('PutProvisionedConcurrencyConfig', 'PUT', '/2019-09-30/functions/:FunctionName/provisioned-concurrency', (c) => api.putProvisionedConcurrencyConfig(c)),
      op('DeleteProvisionedConcurrencyConfig', 'DELETE', '/2019-09-30/functions/:FunctionName/provisioned-concurrency', (c) => api.deleteProvisionedConcurrencyConfig(c)),
      op('GetRuntimeManagementConfig', 'GET', '/2021-07-20/functions/:FunctionName/runtime-management-config', (c) => api.getRuntimeManagementConfig(c)),
      op('PutRuntimeManagementConfig', 'PUT', '/2021-07-20/functions/:FunctionName/runtime-management-config', (c) => api.putRuntimeManagementConfig(c)),
      op('CreateFunctionUrlConfig', 'POST', '/2021-10-31/functions/:FunctionName/url', (c) => api.createFunctionUrlConfig(c)),
      op('GetFunctionUrlConfig', 'GET', '/2021-10-31/functions/:FunctionName/url', (c) => api.getFunctionUrlConfig(c)),
      op('UpdateFunctionUrlConfig', 'PUT', '/2021-10-31/functions/:FunctionName/url', (c) => api.updateFunctionUrlConfig(c)),
      op('DeleteFunctionUrlConfig', 'DELETE', '/2021-10-31/functions/:FunctionName/url', (c) => api.deleteFunctionUrlConfig(c)),
      op('ListFunctionUrlConfigs', 'GET', '/2021-10-31/functions/:FunctionName/urls', (c) => api.listFunctionUrlConfigs(c)),
      op('GetFunctionRecursionConfig', 'GET', '/2024-08-31/functions/:FunctionName/recursion-config', (c) => api.getFunctionRecursionConfig(c)),
      op('PutFunctionRecursionConfig', 'PUT', '/2024-08-31/functions/:FunctionName/recursion-config', (c) => api.putFunctionRecursionConfig(c)),
      op('PublishLayerVersion', 'POST', '/2018-10-31/layers/:LayerName/versions', (c) => layers.publishLayerVersion(c)),
      op('ListLayerVersions', 'GET', '/2018-10-31/layers/:LayerName/versions', (c) => layers.listLayerVersions(c)),
      // ListLayers and GetLayerVersionByArn (?find=LayerVersion) share GET /2018-10-31/layers.
      op('ListLayers', 'GET', '/2018-10-31/layers', (c) => layers.listLayersOrFind(c)),
      op('GetLayerVersionByArn', 'GET', '/2018-10-31/layers', (c) => layers.listLayersOrFind(c)),
      op('GetLayerVersion', 'GET', layer, (c) => layers.getLayerVersion(c)),
      op('DeleteLayerVersion', 'DELETE', layer, (c) => layers.deleteLayerVersion(c)),
      op('AddLayerVersionPermission', 'POST', `${layer}/policy`, (c) => layers.addLayerVersionPermission(c)),
      op('GetLayerVersionPolicy', 'GET', `${layer}/policy`, (c) => layers.getLayerVersionPolicy(c)),
      op('RemoveLayerVersionPermission', 'DELETE', `${layer}/policy/:StatementId`, (c) => layers.removeLayerVersionPermission(c)),
      op('CreateEventSourceMapping', 'POST', '/2015-03-31/event-source-mappings', (c) => mappings.create(c)),
      op('ListEventSourceMappings', 'GET', '/2015-03-31/event-source-mappings', (c) => mappings.list(c)),
      op('GetEventSourceMapping', 'GET', '/2015-03-31/event-source-mappings/:UUID', (c) => mappings.get(c)),
      op('UpdateEventSourceMapping', 'PUT', '/2015-03-31/event-source-mappings/:UUID', (c) => mappings.update(c)),
      op('DeleteEventSourceMapping', 'DELETE', '/2015-03-31/event-source-mappings/:UUID', (c) => mappings.delete(c)),
      ...UNIMPLEMENTED_LAMBDA_OPERATIONS.map(([name, method, path]) => ({ name, method, path })),
    ],
  };
}
