// How many invocations run now, per function and in all: the counts concurrency limits are checked
// against. A small interface so that a cluster can share them across nodes (a counter in its
// database or broker); one process keeps them in memory. Check and count are one step, so two
// invocations racing for the last slot cannot both get it.

export type AcquireResult = 'admitted' | 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

export interface ConcurrencyLimits {
  /** The function's reserved concurrency; it then counts against that alone. */
  reserved?: number;
  /** What functions without a reservation share. */
  unreservedLimit: number;
}

export interface ConcurrencyCounters {
  /** Counts one invocation of the function in if it fits its limits; says which limit it hit if not. */
  tryAcquire(functionName: string, limits: ConcurrencyLimits): Promise<AcquireResult>;
  /** Counts one out; `reserved` as it was when the invocation was counted in. */
  release(functionName: string, reserved: boolean): Promise<void>;
  /** Invocations running now, in all. */
  running(): Promise<number>;
  /** Invocations running now per function (functions running none are left out). */
  runningByFunction(): Promise<Map<string, number>>;
}

export class InMemoryConcurrencyCounters implements ConcurrencyCounters {
  private readonly byFunction = new Map<string, number>();
  private unreserved = 0;
  private total = 0;

  async tryAcquire(functionName: string, limits: ConcurrencyLimits): Promise<AcquireResult> {
    const running = this.byFunction.get(functionName) ?? 0;
    if (limits.reserved !== undefined) {
      if (running >= limits.reserved) return 'ReservedFunctionConcurrentInvocationLimitExceeded';
    } else if (this.unreserved >= limits.unreservedLimit) {
      return 'ConcurrentInvocationLimitExceeded';
    }
    this.byFunction.set(functionName, running + 1);
    this.total++;
    if (limits.reserved === undefined) this.unreserved++;
    return 'admitted';
  }

  async release(functionName: string, reserved: boolean): Promise<void> {
    const left = (this.byFunction.get(functionName) ?? 1) - 1;
    if (left <= 0) this.byFunction.delete(functionName);
    else this.byFunction.set(functionName, left);
    this.total = Math.max(0, this.total - 1);
    if (!reserved) this.unreserved = Math.max(0, this.unreserved - 1);
  }

  async running(): Promise<number> {
    return this.total;
  }

  async runningByFunction(): Promise<Map<string, number>> {
    return new Map(this.byFunction);
  }
}
