// What every ReservationStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReservationStore } from '../../src/storage/reservation-store.js';

export function reservationStoreContract(backend: string, open: () => Promise<ReservationStore>) {
  test(`${backend} ReservationStore: set, get, replace, delete`, async () => {
    const store = await open();
    assert.equal(await store.get('f'), undefined);
    await store.set('f', 3);
    assert.equal(await store.get('f'), 3);
    await store.set('f', 0);
    assert.equal(await store.get('f'), 0, 'a second set replaces; 0 is a reservation, not its absence');
    await store.delete('f');
    assert.equal(await store.get('f'), undefined);
    await store.delete('f'); // deleting what is not there is no error
  });

  test(`${backend} ReservationStore: all, in function-name order`, async () => {
    const store = await open();
    await store.set('g', 2);
    await store.set('f', 1);
    assert.deepEqual(await store.all(), [{ functionName: 'f', reserved: 1 }, { functionName: 'g', reserved: 2 }]);
  });
}
