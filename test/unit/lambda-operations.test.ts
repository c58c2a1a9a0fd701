// Lambda's service declaration covers botocore's model: every operation is declared (implemented
// or not) with the model's method and path, so no Lambda call can fall through to a 404.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LambdaApi } from '../../src/api/lambda/lambda-routes.js';
import type { LayerApi } from '../../src/api/lambda/layer-routes.js';
import { lambdaService } from '../../src/api/lambda/lambda-service.js';
import { lambdaModel } from '../helpers/service-model.js';

/** Operations that share another's address and are told apart by the handler (?List=ALL). */
const SAME_ROUTE_AS = { ListProvisionedConcurrencyConfigs: 'GetProvisionedConcurrencyConfig' } as Record<string, string>;

test('every operation of botocore’s Lambda model is declared with its method and path', () => {
  const operations = (lambdaModel() as unknown as { operations: Record<string, { http: { method: string; requestUri: string } }> }).operations;
  const declared = new Map(lambdaService({} as LambdaApi, {} as LayerApi, {} as never).operations.map((op) => [op.name, `${op.method} ${op.path}`]));
  const missing: string[] = [];
  for (const [name, { http }] of Object.entries(operations)) {
    const path = http.requestUri.split('?')[0].replace(/\/$/, '').replace(/\{(\w+)\+?\}/g, ':$1');
    const address = declared.get(SAME_ROUTE_AS[name] ?? name);
    if (address !== `${http.method} ${path}`) missing.push(`${name}: model ${http.method} ${path}, declared ${address ?? 'nothing'}`);
  }
  assert.deepEqual(missing, []);
});
