// Lambda's function states: CreateFunction answers State Pending and an update LastUpdateStatus
// InProgress; the function turns Active / Successful once Gust has checked it can run it (its
// code on disk, its runtime installed, its credentials issued), or Failed with the reason. The
// state is in the record, so a Pending function left by kill -9 is settled again at start.
import { randomUUID } from 'node:crypto';
import type { FunctionStore } from '../storage/function-store.js';
import { LATEST, type FunctionRecord } from './function-record.js';

export interface ActivationDeps {
  store: FunctionStore;
  /** Throws (with a message for StateReason) when the function cannot run as configured. */
  prepare(fn: FunctionRecord): Promise<void>;
  /** The revision changed: instances of the previous one must not serve again. */
  onSettled(fn: FunctionRecord): void;
  log(line: string): void;
}

export const isSettling = (fn: FunctionRecord) => fn.state === 'Pending' || fn.lastUpdateStatus === 'InProgress';

/** The record as its change is accepted: Pending when new, InProgress when updated. */
export function markChanging(fn: FunctionRecord, created: boolean): FunctionRecord {
  const { failureReason: _reason, ...rest } = fn;
  if (created) return { ...rest, state: 'Pending', lastUpdateStatus: undefined };
  return { ...rest, state: fn.state === 'Failed' ? undefined : fn.state, lastUpdateStatus: 'InProgress' };
}

export class FunctionActivation {
  /** One chain per function: settling runs after the change that asked for it, in order. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: ActivationDeps) {}

  /** Settles the function's $LATEST in the background (it was just written Pending or InProgress). */
  start(name: string): void {
    const previous = this.running.get(name) ?? Promise.resolve();
    const next = previous.then(() => this.settle(name)).catch((err) => this.deps.log(`activation of ${name}: ${(err as Error)?.stack ?? err}`));
    this.running.set(name, next);
    void next.finally(() => {
      if (this.running.get(name) === next) this.running.delete(name);
    });
  }

  /** Resolves once nothing is settling for the function (an invocation waits here, as a waiter would). */
  async settled(name: string): Promise<void> {
    for (let chain = this.running.get(name); chain; chain = this.running.get(name)) await chain;
  }

  /** After a restart: settle what a kill -9 left Pending or InProgress. */
  async resumeAll(): Promise<void> {
    for (let after = ''; ; ) {
      const page = await this.deps.store.list(LATEST, after, 500);
      for (const fn of page) if (isSettling(fn)) this.start(fn.name);
      if (page.length < 500) return;
      after = page.at(-1)!.name;
    }
  }

  private async settle(name: string): Promise<void> {
    const fn = await this.deps.store.get(name, LATEST);
    if (!fn || !isSettling(fn)) return;
    let failure: string | undefined;
    try {
      await this.deps.prepare(fn);
    } catch (err) {
      failure = (err as Error)?.message ?? String(err);
    }
    const now = await this.deps.store.get(name, LATEST);
    // Changed meanwhile (updated, deleted): that change settles on its own turn.
    if (!now || now.revisionId !== fn.revisionId) return;
    const { state: _s, lastUpdateStatus: _u, failureReason: _r, ...rest } = now;
    const record: FunctionRecord = { ...rest, revisionId: randomUUID() };
    if (failure !== undefined) {
      record.failureReason = failure.slice(0, 500);
      if (now.state === 'Pending') record.state = 'Failed';
      else record.lastUpdateStatus = 'Failed';
    }
    await this.deps.store.put(record);
    this.deps.onSettled(record);
  }
}
