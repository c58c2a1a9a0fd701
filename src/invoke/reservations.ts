// The reservations as every invocation consults them: a snapshot in this process's memory of the
// reservation store, loaded at start-up and written through; in a cluster, `announce` tells the
// other nodes, which reload() theirs.
import type { ReservationStore } from '../storage/reservation-store.js';

export class Reservations {
  private constructor(
    private readonly store: ReservationStore,
    private byFunction: Map<string, number>,
    private readonly announce: () => void,
  ) {}

  static async load(store: ReservationStore, announce: () => void = () => {}): Promise<Reservations> {
    return new Reservations(store, await Reservations.read(store), announce);
  }

  private static async read(store: ReservationStore): Promise<Map<string, number>> {
    return new Map((await store.all()).map((r) => [r.functionName, r.reserved]));
  }

  /** Reads the reservations again (another node changed them). */
  async reload(): Promise<void> {
    this.byFunction = await Reservations.read(this.store);
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
    this.announce();
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(name);
    this.byFunction.delete(name);
    this.announce();
  }

  /** Drops the in-memory copy once the row was deleted elsewhere (a unit of work deleting a function). */
  forget(name: string): void {
    this.byFunction.delete(name);
    this.announce();
  }
}
