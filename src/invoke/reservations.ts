// The reservations as every invocation consults them: a snapshot in this process's memory of the
// reservation store, loaded at start-up and written through. A cluster would replace this with
// one that every node sees (or that is invalidated across nodes).
import type { ReservationStore } from '../storage/reservation-store.js';

export class Reservations {
  private constructor(
    private readonly store: ReservationStore,
    private readonly byFunction: Map<string, number>,
  ) {}

  static async load(store: ReservationStore): Promise<Reservations> {
    return new Reservations(store, new Map((await store.all()).map((r) => [r.functionName, r.reserved])));
  }

  get(name: string): number | undefined {
    return this.byFunction.get(name);
  }

  /** Sum of all reservations. */
  total(): number {
    let sum = 0;
    for (const n of this.byFunction.values()) sum += n;
    return sum;
  }

  async set(name: string, reserved: number): Promise<void> {
    await this.store.set(name, reserved);
    this.byFunction.set(name, reserved);
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(name);
    this.byFunction.delete(name);
  }

  /** Drops the in-memory copy once the row was deleted elsewhere (a unit of work deleting a function). */
  forget(name: string): void {
    this.byFunction.delete(name);
  }
}
