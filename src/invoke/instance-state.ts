// The life of an instance as an explicit state machine, so that "who may receive an invocation"
// is one question with one answer: only an instance whose runtime is parked on /next (or frozen
// there). Every change goes through `to()`, which refuses a transition the table does not list.

/**
 * starting   launched, the runtime is initialising (no /next yet)
 * parked     the runtime waits on /next: ready for an invocation
 * frozen     parked, and its processes are stopped by the cgroup freezer until the next invocation
 * busy       an invocation was handed over and has not finished
 * returning  the invocation finished; the runtime has not yet come back to /next
 * dying      being killed (timeout, crash, retirement, keep-alive) or its process exited
 * dead       gone; its resources are released
 */
export type InstanceState = 'starting' | 'parked' | 'frozen' | 'busy' | 'returning' | 'dying' | 'dead';

const TRANSITIONS: Readonly<Record<InstanceState, readonly InstanceState[]>> = {
  starting: ['parked', 'dying'],
  parked: ['frozen', 'busy', 'dying'],
  frozen: ['busy', 'dying'],
  // busy → parked when the runtime asked for /next before the outcome was reported.
  busy: ['returning', 'parked', 'dying'],
  returning: ['parked', 'dying'],
  dying: ['dead'],
  dead: [],
};

export class InvalidTransitionError extends Error {
  constructor(from: InstanceState, to: InstanceState) {
    super(`instance cannot go from ${from} to ${to}`);
  }
}

export class StateMachine {
  private current: InstanceState = 'starting';

  constructor(private readonly onChange: (from: InstanceState, to: InstanceState) => void = () => {}) {}

  get state(): InstanceState {
    return this.current;
  }

  can(to: InstanceState): boolean {
    return TRANSITIONS[this.current].includes(to);
  }

  to(next: InstanceState): void {
    if (!this.can(next)) throw new InvalidTransitionError(this.current, next);
    const from = this.current;
    this.current = next;
    this.onChange(from, next);
  }

  /** Parked on /next, frozen or not: the only states that may take an invocation. */
  get available(): boolean {
    return this.current === 'parked' || this.current === 'frozen';
  }

  get ending(): boolean {
    return this.current === 'dying' || this.current === 'dead';
  }
}
