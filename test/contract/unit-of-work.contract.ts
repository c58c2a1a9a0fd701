// What every backend's unit of work must do: the stores it hands out change together or not at
// all, and the function cache never keeps what a rolled-back unit wrote (or misses what one committed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControlStores, UnitOfWork } from '../../src/storage/unit-of-work.js';
import { functionRecord as rec } from './function-records.js';

export function unitOfWorkContract(backend: string, open: () => Promise<{ stores: ControlStores; unitOfWork: UnitOfWork }>) {
  /** A function with one of everything that hangs off it. */
  async function seed(s: ControlStores, name: string) {
    await s.functions.put(rec(name));
    await s.functions.put(rec(name, '1'));
    await s.aliases.put({ functionName: name, name: 'live', functionVersion: '1', description: '', additionalVersionWeights: {}, revisionId: 'r' });
    await s.policies.put(name, '$LATEST', { revisionId: 'p', statements: [{ Sid: 's', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: 'x' }] });
    await s.functionUrls.put({ urlId: `url-${name}`, functionName: name, qualifier: '$LATEST', authType: 'NONE', invokeMode: 'BUFFERED', creationTime: 't', lastModifiedTime: 't' });
    await s.eventInvokeConfigs.put(name, '$LATEST', { maximumRetryAttempts: 0, lastModified: 1 });
    await s.reservations.set(name, 2);
    await s.provisionedConfigs.put({ functionName: name, qualifier: 'live', requested: 1, lastModified: 't' });
  }

  /** What is left of the function, each part present or not. */
  async function remains(s: ControlStores, name: string) {
    return {
      latest: (await s.functions.get(name, '$LATEST')) !== undefined,
      version: (await s.functions.get(name, '1')) !== undefined,
      alias: (await s.aliases.get(name, 'live')) !== undefined,
      policy: (await s.policies.get(name, '$LATEST')) !== undefined,
      url: (await s.functionUrls.byUrlId(`url-${name}`)) !== undefined,
      eventInvokeConfig: (await s.eventInvokeConfigs.get(name, '$LATEST')) !== undefined,
      reservation: (await s.reservations.get(name)) !== undefined,
      provisioned: (await s.provisionedConfigs.get(name, 'live')) !== undefined,
    };
  }
  const all = (present: boolean) => ({ latest: present, version: present, alias: present, policy: present, url: present, eventInvokeConfig: present, reservation: present, provisioned: present });

  async function deleteFunction(tx: ControlStores, name: string, failAfterHalf = false) {
    await tx.functions.delete(name);
    await tx.aliases.deleteFunction(name);
    await tx.policies.deleteFunction(name);
    await tx.functionUrls.deleteFunction(name);
    if (failAfterHalf) throw new Error('failed mid-way');
    await tx.eventInvokeConfigs.deleteFunction(name);
    await tx.reservations.delete(name);
    await tx.provisionedConfigs.deleteFunction(name);
  }

  test(`${backend} unit of work: a failure mid-way leaves nothing changed, cached records included`, async () => {
    const { stores, unitOfWork } = await open();
    await seed(stores, 'f');
    assert.deepEqual(await remains(stores, 'f'), all(true), 'read once, so the records are cached');
    await assert.rejects(unitOfWork((tx) => deleteFunction(tx, 'f', true)), /failed mid-way/);
    assert.deepEqual(await remains(stores, 'f'), all(true));
  });

  test(`${backend} unit of work: committed, every part is gone together, cached records included`, async () => {
    const { stores, unitOfWork } = await open();
    await seed(stores, 'f');
    await seed(stores, 'g');
    await remains(stores, 'f');
    assert.equal(await unitOfWork(async (tx) => (await deleteFunction(tx, 'f'), 'done')), 'done', 'the work’s result is passed on');
    assert.deepEqual(await remains(stores, 'f'), all(false));
    assert.deepEqual(await remains(stores, 'g'), all(true), 'another function is untouched');
  });

  test(`${backend} unit of work: a record written and rolled back is not served from the cache`, async () => {
    const { stores, unitOfWork } = await open();
    await stores.functions.put(rec('f', '$LATEST', { timeout: 3 }));
    assert.equal((await stores.functions.get('f', '$LATEST'))?.timeout, 3);
    await assert.rejects(
      unitOfWork(async (tx) => {
        await tx.functions.put(rec('f', '$LATEST', { timeout: 30 }));
        assert.equal((await tx.functions.get('f', '$LATEST'))?.timeout, 30, 'the unit sees its own write');
        throw new Error('rolled back');
      }),
    );
    assert.equal((await stores.functions.get('f', '$LATEST'))?.timeout, 3);
    await unitOfWork(async (tx) => tx.functions.put(rec('f', '$LATEST', { timeout: 60 })));
    assert.equal((await stores.functions.get('f', '$LATEST'))?.timeout, 60);
  });
}
