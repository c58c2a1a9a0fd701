// A fake SandboxDriver for unit tests of the instance and the pool: no process is started; each
// "sandbox" is a scripted runtime in this process that speaks the real Runtime API over HTTP to
// the instance's real Runtime API server, and records freezes and thaws. (e2e tests use the real
// sandbox; this only makes the instance's and pool's state machine testable step by step.)
import http from 'node:http';
import { PassThrough } from 'node:stream';
import type { Sandbox, SandboxDriver, SandboxExit, SandboxSpec } from '../../src/sandbox/driver.js';

export interface RuntimeEvent {
  id: string;
  body: string;
}

function request(address: string, method: string, path: string, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path: `/2018-06-01/runtime${path}`, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One fake instance: the sandbox the instance sees, and the runtime the test drives. */
export class FakeRuntime {
  /** What happened, in order: 'freeze', 'thaw', 'event <id>', 'kill'. */
  readonly timeline: string[] = [];
  frozen = false;
  private exit!: (exit: SandboxExit) => void;
  private readonly stdout = new PassThrough();
  private readonly stderr = new PassThrough();
  readonly sandbox: Sandbox;
  private freezeWaiters: Array<() => void> = [];

  constructor(readonly spec: SandboxSpec) {
    const exited = new Promise<SandboxExit>((resolve) => (this.exit = resolve));
    let alive = true;
    void exited.then(() => {
      alive = false;
      this.stdout.end();
      this.stderr.end();
    });
    this.sandbox = {
      pid: -1,
      stdout: this.stdout,
      stderr: this.stderr,
      exited,
      maxMemoryBytes: () => 0,
      processIds: () => null,
      freeze: () => {
        if (!alive) return false;
        this.frozen = true;
        this.timeline.push('freeze');
        for (const w of this.freezeWaiters.splice(0)) w();
        return true;
      },
      thaw: () => {
        if (this.frozen) this.timeline.push('thaw');
        this.frozen = false;
      },
      kill: () => {
        if (!alive) return;
        this.timeline.push('kill');
        this.exit({ code: null, signal: 'SIGKILL', oom: false });
      },
    };
  }

  private get address() {
    return this.spec.env.AWS_LAMBDA_RUNTIME_API;
  }

  /** Parks on /next; resolves with the event once Gust hands one over. */
  async next(): Promise<RuntimeEvent> {
    const res = await request(this.address, 'GET', '/invocation/next');
    const id = String(res.headers['lambda-runtime-aws-request-id']);
    this.timeline.push(`event ${id}${this.frozen ? ' (while frozen!)' : ''}`);
    return { id, body: res.body };
  }

  async respond(id: string, body: string): Promise<number> {
    return (await request(this.address, 'POST', `/invocation/${id}/response`, body)).status;
  }

  async fail(id: string, errorType = 'Error'): Promise<number> {
    return (await request(this.address, 'POST', `/invocation/${id}/error`, JSON.stringify({ errorType, errorMessage: 'failed' }))).status;
  }

  /** The runtime process ends by itself (a crash). */
  crash(code = 129): void {
    this.exit({ code, signal: null, oom: false });
  }

  /** Resolves at the next freeze (at once if frozen now). */
  whenFrozen(): Promise<void> {
    if (this.frozen) return Promise.resolve();
    return new Promise((resolve) => this.freezeWaiters.push(resolve));
  }

  /** Serves every event with `reply(event)` until it crashes or is killed. */
  async serveForever(reply: (event: RuntimeEvent) => string = (e) => e.body): Promise<void> {
    for (;;) {
      let event: RuntimeEvent;
      try {
        event = await this.next();
      } catch {
        return; // the Runtime API went away: the instance was stopped
      }
      await this.respond(event.id, reply(event)).catch(() => {});
    }
  }
}

export class FakeDriver implements SandboxDriver {
  /** Every runtime started so far, in order. */
  readonly runtimes: FakeRuntime[] = [];
  private readonly startWaiters: Array<{ n: number; resolve: (r: FakeRuntime) => void }> = [];
  private running = 0;

  /** Called for each new runtime, e.g. to make it serve forever. */
  constructor(private readonly onStart: (runtime: FakeRuntime) => void = () => {}) {}

  describe(): string {
    return 'fake';
  }
  optRoot(optDir: string): string {
    return optDir;
  }

  taskRoot(codeDir: string): string {
    return codeDir;
  }
  runtimeRoot(runtimeDir: string): string {
    return runtimeDir;
  }

  langRoot(prefix: string): string {
    return prefix;
  }
  supportsNetworkIsolation(): boolean {
    return false;
  }
  start(spec: SandboxSpec): Sandbox {
    const runtime = new FakeRuntime(spec);
    this.runtimes.push(runtime);
    // After start() returns, as a real process would begin only then.
    setImmediate(() => {
      this.running++;
      this.onStart(runtime);
      for (const w of this.startWaiters.filter((w) => w.n <= this.running)) {
        this.startWaiters.splice(this.startWaiters.indexOf(w), 1);
        w.resolve(this.runtimes[w.n - 1]);
      }
    });
    return runtime.sandbox;
  }
  cleanup(): void {}
  shutdown(): void {}

  /** Resolves with the n-th runtime (1-based) once it has started. */
  started(n: number): Promise<FakeRuntime> {
    if (this.running >= n) return Promise.resolve(this.runtimes[n - 1]);
    return new Promise((resolve) => this.startWaiters.push({ n, resolve }));
  }
}
