// One warm instance: a sandboxed runtime process, its own Runtime API, and the state machine of
// instance-state.ts (starting → parked ⇄ frozen → busy → returning → parked …, and dying → dead).
// It takes an invocation only while its runtime is parked on /next, runs one at a time, is frozen
// while idle, and writes its log stream.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FunctionRecord } from '../control/function-record.js';
import type { Sandbox, SandboxDriver, SandboxExit } from '../sandbox/driver.js';
import { billedMilliseconds, logStreamName } from '../telemetry/lambda-log-lines.js';
import { platformLog, type PlatformLog } from '../telemetry/platform-log.js';
import { logGroupOf } from '../control/logging-config.js';
import type { Invocation, InvocationOutcome, OutcomeKind } from './invocation.js';
import { MAX_RESPONSE_BYTES, startRuntimeApi, type RuntimeApi } from './runtime-api-server.js';
import type { ParkedRuntime, RuntimeAck, RuntimeHandlers } from './runtime-handlers.js';
import { attachRuntimeChannel, type RuntimeChannel } from './runtime-channel.js';
import { StreamedResponseReceiver } from './streamed-response.js';
import type { Launch } from './runtime-launch.js';
import { startEgressConnector, type EgressConnector } from './egress-connector.js';
import { connectionFromProcesses } from '../sandbox/socket-owner.js';
import { RUNTIME_SOCKET } from '../sandbox/bubblewrap.js';
import { RUNTIME_CHANNEL_FD } from '../sandbox/driver.js';
import { StateMachine, type InstanceState } from './instance-state.js';

/** Lambda gives a function's init phase 10 seconds. */
const INIT_TIMEOUT_MS = 10_000;
/** How long a dead instance's last output may take to arrive. */
const OUTPUT_DRAIN_MS = 500;
/** Function output kept per invocation; the rest is read and dropped, so a flood harms no one. */
const MAX_LOG_BYTES_PER_INVOCATION = 10 * 1024 * 1024;
/** A CloudWatch log event holds at most 256 KB. */
const MAX_LOG_LINE = 256 * 1024;
/** X-Amz-Log-Result carries the last 4 KB; keep a little more to cut on a line boundary. */
const TAIL_KEEP = 8 * 1024;
/**
 * After its response a runtime must come back to /next within the invocation's timeout, as on
 * Lambda; but at least this long, so a handler that used its whole timeout still gets a moment.
 */
const MIN_RETURN_MS = 1000;
/**
 * An instance is frozen once it has been parked this long, not the moment it parks: under load it
 * is invoked again within microseconds, and a freeze and thaw (two cgroup writes, and the kernel
 * stopping and waking its processes) cost more than the invocation itself. Work a function leaves
 * running after its response gets at most this much unbilled time.
 */
export const FREEZE_AFTER_IDLE_MS = 100;

export interface LogSink {
  append(group: string, stream: string, timestamp: number, message: string): void;
}

export interface InstanceDeps {
  driver: SandboxDriver;
  logs: LogSink;
  region: string;
  /** Where instances without network get their Runtime API socket. */
  socketDir: string;
  /** The command and environment for the function's runtime, without AWS_LAMBDA_RUNTIME_API. */
  launch: Launch;
  /** The pool's clock, which idle times are measured on (keep-alive); Date.now by default. */
  now?: () => number;
}

interface Current {
  invocation: Invocation;
  startedAt: number;
  /** Wall-clock deadline (ms), set when the event is handed to the runtime. */
  deadline: number;
  delivered: boolean;
  timer: NodeJS.Timeout;
  resolve: (outcome: InvocationOutcome) => void;
  settled: boolean;
  cold: boolean;
}

type InitFailure = { kind: OutcomeKind; payload: Buffer; errorType: string };

const errorDoc = (errorType: string, errorMessage: string) => Buffer.from(JSON.stringify({ errorType, errorMessage }));

export class Instance {
  readonly id = randomBytes(16).toString('hex');
  private readonly machine = new StateMachine();
  idleSince: number;
  /** Set when the function changed: the instance is stopped as soon as nobody waits for it. */
  retired = false;
  /** The provisioned-concurrency configuration that keeps it warm (never stopped for being idle). */
  provisionedFor: string | null = null;
  /** Called (synchronously) each time the runtime parks on /next: the pool may hand it work. */
  onParked: () => void = () => {};
  onDead: () => void = () => {};

  private sandbox: Sandbox | undefined;
  private api!: RuntimeApi;
  private channel: RuntimeChannel | null = null;
  private readonly group: string;
  /** START/END/REPORT as text, or Lambda's JSON platform records (LoggingConfig). */
  private readonly platform: PlatformLog;
  private readonly stream: string;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private failInit!: (outcome: InitFailure) => void;
  private initSettled = false;
  private parkedNext: ParkedRuntime | null = null;
  private current: Current | null = null;
  private returnTimer: NodeJS.Timeout | null = null;
  /** The invocation last handed to the runtime, to recognise a late report on it. */
  private lastRequestId: string | null = null;
  private servedAny = false;
  private startedAt = performance.now();
  private initDurationMs = 0;
  private initFailure: InitFailure | null = null;
  private outputBytes = 0;
  private tail: string[] = [];
  private tailLength = 0;
  private outputDone: Promise<void> = Promise.resolve();
  private egress: EgressConnector | null = null;
  private hostsPath: string | null = null;
  /** One timer per instance, re-armed on each park (no allocation per invocation). */
  private freezeTimer: NodeJS.Timeout | null = null;
  private parkedAt = 0;

  /** `warmedAhead`: initialised before any invocation (provisioned), so none pays or reports the init. */
  constructor(
    readonly fn: FunctionRecord,
    private readonly deps: InstanceDeps,
    private readonly warmedAhead = false,
  ) {
    this.idleSince = (deps.now ?? Date.now)();
    this.group = logGroupOf(fn);
    this.platform = platformLog(fn, deps.region);
    this.stream = logStreamName(fn.version, this.id);
    this.ready = new Promise<void>((resolve) => {
      this.markReady = () => {
        this.initSettled = true;
        resolve();
      };
      this.failInit = (failure) => {
        if (this.initSettled) return;
        this.initSettled = true;
        this.initFailure = failure;
        resolve();
      };
    });
  }

  get state(): InstanceState {
    return this.machine.state;
  }

  /** Parked on /next (frozen or not): the only time it may be handed an invocation. */
  get available(): boolean {
    return this.machine.available;
  }

  /** Starts the process; resolves once it is launched (not yet initialised). */
  async launch(): Promise<void> {
    // Into the log, not the invocation's tail: Lambda's LogResult starts at START.
    this.log(this.platform.initStart(), { tail: false });
    const { cmd, env, codeDir, readOnlyPaths, optDir, runtimeDir, langDir, network, allowed, hostsFile, forwarder, rootfs, workingDir } = this.deps.launch;
    const runtimeSocket = network !== 'on' ? path.join(this.deps.socketDir, `${this.id}.sock`) : undefined;
    let egressSocket: string | undefined;
    let hostsPath: string | undefined;
    if (network === 'allow-list') {
      egressSocket = path.join(this.deps.socketDir, `${this.id}.egress`);
      hostsPath = this.hostsPath = path.join(this.deps.socketDir, `${this.id}.hosts`);
      fs.mkdirSync(this.deps.socketDir, { recursive: true, mode: 0o711 });
      fs.writeFileSync(hostsPath, hostsFile ?? '', { mode: 0o644 });
      this.egress = await startEgressConnector(egressSocket, allowed, (message) => this.log(`Gust: ${message}\n`));
    }
    const handlers: RuntimeHandlers = {
      next: (parked) => this.onNext(parked),
      nextAbandoned: (parked) => this.onNextAbandoned(parked),
      response: (id, body) => this.onResult(id, 'success', body),
      error: (id, errorType, body) => this.onResult(id, 'error', body, errorType),
      initError: (errorType, body) => this.onInitError(errorType, body),
      responseTooLarge: (id) => this.responseTooLarge(id),
      streamStart: (id, contentType) => this.onStreamStart(id, contentType),
    };
    // The HTTP Runtime API is always there, as on Lambda (custom runtimes, and code that calls it);
    // Gust's own clients speak the framed channel when the driver can hand one to the sandbox.
    this.api = await startRuntimeApi(
      handlers,
      runtimeSocket
        ? { socketPath: runtimeSocket }
        : {
            isOwnProcess: (clientPort, serverPort) => {
              const pids = this.sandbox?.processIds();
              // Without a cgroup the driver cannot list the instance's processes: accept (documented).
              return pids === null || connectionFromProcesses(clientPort, serverPort, pids ?? []);
            },
          },
    );
    // Without a network the runtime reaches its API through the socket; a custom runtime through
    // a forwarder on the usual loopback address inside its own network namespace.
    const apiEnv: Record<string, string> = runtimeSocket ? { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', GUST_RUNTIME_API_SOCKET: RUNTIME_SOCKET } : { AWS_LAMBDA_RUNTIME_API: this.api.address };
    const runtimeChannel = this.deps.launch.runtimeChannel === true && this.deps.driver.providesRuntimeChannel?.() === true;
    if (runtimeChannel) apiEnv.GUST_RUNTIME_FD = String(RUNTIME_CHANNEL_FD);
    // The init phase (and its timeout) counts from here, the start itself, not from when the
    // pool decided to start an instance: starts may wait for a free slot first.
    this.startedAt = performance.now();
    let sandbox: Sandbox;
    try {
      sandbox = this.sandbox = this.deps.driver.start({
        id: this.id,
        cmd,
        env: { ...env, ...apiEnv, AWS_LAMBDA_LOG_STREAM_NAME: this.stream },
        codeDir,
        readOnlyPaths,
        optDir,
        runtimeDir,
        langDir,
        memoryMb: this.fn.memorySize,
        tmpMb: this.fn.ephemeralStorageMb,
        network,
        runtimeSocket,
        runtimeChannel,
        egressSocket,
        hostsFile: hostsPath,
        forwarder,
        rootfs,
        workingDir,
      });
    } catch (err) {
      this.api.close();
      throw err;
    }
    if (sandbox.runtimeChannel) {
      this.channel = attachRuntimeChannel(sandbox.runtimeChannel, handlers, (reason) => {
        this.log(`Gust: the runtime sent an invalid frame (${reason}); the instance is stopped\n`);
        this.stop();
      });
    }
    this.outputDone = Promise.all([this.capture(sandbox.stdout), this.capture(sandbox.stderr)]).then(() => {});
    void sandbox.exited.then((exit) => this.onExit(exit));
    const initTimer = setTimeout(() => {
      this.failInit({ kind: 'timeout', payload: errorDoc('Sandbox.Timedout', `Init phase timed out after ${INIT_TIMEOUT_MS / 1000} seconds`), errorType: 'Sandbox.Timedout' });
      this.stop();
    }, INIT_TIMEOUT_MS);
    void this.ready.then(() => clearTimeout(initTimer));
  }

  /** Resolves once init is over: true when the runtime parked on /next, false when it failed. */
  async initialised(): Promise<boolean> {
    await this.ready;
    return this.initFailure === null && !this.machine.ending;
  }

  /**
   * Runs one invocation. Only a parked (or frozen) instance takes one, and it turns busy before
   * anything else happens, so the pool can hand it out synchronously. An instance whose init
   * failed reports that failure as the invocation's outcome instead, as Lambda does.
   */
  invoke(invocation: Invocation): Promise<InvocationOutcome> {
    if (this.initFailure) return this.failedInit(invocation, this.initFailure);
    const wasFrozen = this.machine.state === 'frozen';
    this.machine.to('busy');
    // Thawed before the event reaches the runtime: one small synchronous write.
    if (wasFrozen) this.sandbox!.thaw();
    const cold = !this.servedAny && !this.warmedAhead;
    this.servedAny = true;

    this.log(this.platform.start(invocation.requestId));
    this.outputBytes = 0;
    return new Promise<InvocationOutcome>((resolve) => {
      const timer = setTimeout(() => this.onTimeout(), this.fn.timeout * 1000);
      this.current = { invocation, startedAt: performance.now(), deadline: 0, delivered: false, timer, resolve, settled: false, cold };
      if (this.parkedNext) this.deliver(this.parkedNext);
    });
  }

  /** Kills the instance (frozen or not); it is dead, and forgotten by the pool, once it exited. */
  stop(): void {
    if (this.machine.ending) return;
    this.machine.to('dying');
    this.failInit({ kind: 'init-error', payload: errorDoc('Runtime.ExitError', 'Runtime exited with error: instance stopped during init'), errorType: 'Runtime.ExitError' });
    if (this.returnTimer) clearTimeout(this.returnTimer);
    if (this.freezeTimer) clearTimeout(this.freezeTimer);
    this.sandbox?.kill();
    // A tick later, so that a request that caused the stop still gets its answer.
    setImmediate(() => {
      this.api?.close();
      this.channel?.close();
    });
    this.egress?.close();
    if (this.hostsPath) fs.rmSync(this.hostsPath, { force: true });
    if (this.sandbox) void this.sandbox.exited.then(() => this.markDead());
    else this.markDead();
  }

  private markDead() {
    if (this.machine.state === 'dead') return;
    this.machine.to('dead');
    this.onDead();
  }

  // ---- Runtime API events ----

  private onNext(parked: ParkedRuntime) {
    if (this.machine.ending) return void parked.abandon();
    this.parkedNext = parked;
    const state = this.machine.state;
    if (state === 'starting') {
      this.initDurationMs = performance.now() - this.startedAt;
      this.markReady();
      this.park();
    } else if (state === 'returning') {
      this.park();
    } else if (state === 'busy' && this.current && !this.current.delivered) {
      this.deliver(parked);
    }
    // busy with the outcome on its way: finish() parks it once the outcome is reported.
  }

  private onNextAbandoned(parked: ParkedRuntime) {
    if (this.parkedNext !== parked) return;
    this.parkedNext = null;
    // The runtime gave up its parked request: it cannot take an invocation any more.
    if (this.machine.available) this.stop();
  }

  /** Parked on /next: offered to the pool, and frozen once nobody took it for a while. */
  private park() {
    if (this.returnTimer) clearTimeout(this.returnTimer);
    this.returnTimer = null;
    this.machine.to('parked');
    this.idleSince = (this.deps.now ?? Date.now)();
    this.parkedAt = performance.now();
    this.onParked();
    if (this.machine.state !== 'parked') return;
    if (this.freezeTimer === null) this.freezeTimer = setTimeout(() => this.freezeIfIdle(), FREEZE_AFTER_IDLE_MS).unref();
    else this.freezeTimer.refresh();
  }

  private freezeIfIdle() {
    if (this.machine.state !== 'parked') return; // busy again, or ending: the next park re-arms it
    const idleFor = performance.now() - this.parkedAt;
    if (idleFor < FREEZE_AFTER_IDLE_MS) return void this.freezeTimer!.refresh();
    if (this.sandbox!.freeze()) this.machine.to('frozen');
  }

  private deliver(parked: ParkedRuntime) {
    const cur = this.current!;
    this.parkedNext = null;
    cur.delivered = true;
    const inv = cur.invocation;
    this.lastRequestId = inv.requestId;
    const deadline = (cur.deadline = Date.now() + this.fn.timeout * 1000);
    cur.startedAt = performance.now();
    parked.deliver(inv, deadline);
  }

  private onResult(requestId: string, kind: 'success' | 'error', body: Buffer, errorType?: string): RuntimeAck {
    const cur = this.current;
    if (!cur || cur.settled || cur.invocation.requestId !== requestId) {
      // A second report on the invocation just answered is a runtime failing after its response
      // (an uncaught exception in a callback): it is on its way out even if it asks for /next
      // first, so it must not be handed another invocation.
      if (requestId === this.lastRequestId && kind === 'error' && !this.machine.ending) {
        this.log(`Gust: the runtime reported an error (${errorType ?? 'unknown'}) after invocation ${requestId} had been answered; the instance is stopped\n`);
        this.stop();
      }
      return { status: 400, errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` };
    }
    void this.finish(kind, body, kind === 'error' ? errorType : undefined);
    return { status: 202 };
  }

  /** A streamed response: chunks go to the invocation's sink as they arrive (streamed-response.ts). */
  private onStreamStart(requestId: string, contentType: string): StreamedResponseReceiver | RuntimeAck {
    const invalid = (): RuntimeAck => ({ status: 400, errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` });
    const cur = this.current;
    if (!cur || cur.settled || cur.invocation.requestId !== requestId) return invalid();
    const receiver = new StreamedResponseReceiver(cur.invocation.stream, MAX_RESPONSE_BYTES, (result) => {
      if (cur.settled || this.current !== cur) return invalid();
      if (result.kind === 'too-large') {
        this.failTooLarge(result.limit);
        return { status: 413, errorType: 'RequestEntityTooLarge', errorMessage: `Response payload exceeded ${result.limit} bytes` };
      }
      void this.finish(result.kind, result.body, result.kind === 'error' ? result.errorType : undefined);
      return { status: 202 };
    });
    receiver.begin(contentType);
    return receiver;
  }

  private onInitError(errorType: string, body: Buffer): RuntimeAck {
    // Only during init: later (from a handler, say) it would poison the instance for the next call.
    if (this.initSettled) {
      return { status: 403, errorType: 'InvalidStateTransition', errorMessage: 'init/error after initialisation' };
    }
    const payload = body.length > 0 ? body : errorDoc(errorType, 'Runtime failed to initialise');
    this.failInit({ kind: 'init-error', payload, errorType });
    return { status: 202 };
  }

  private responseTooLarge(requestId: string) {
    if (this.current?.invocation.requestId !== requestId) return;
    this.failTooLarge(MAX_RESPONSE_BYTES);
  }

  private failTooLarge(limit: number) {
    const message = `Response payload size exceeded maximum allowed payload size (${limit} bytes).`;
    void this.finish('error', errorDoc('Function.ResponseSizeTooLarge', message), 'Function.ResponseSizeTooLarge');
  }

  private onTimeout() {
    const cur = this.current;
    if (!cur || cur.settled) return;
    const seconds = this.fn.timeout.toFixed(2);
    const id = cur.invocation.requestId;
    this.log(`${new Date().toISOString()} ${id} Task timed out after ${seconds} seconds\n`);
    this.sandbox!.kill();
    void this.finish('timeout', errorDoc('Sandbox.Timedout', `RequestId: ${id} Error: Task timed out after ${seconds} seconds`), 'Sandbox.Timedout');
  }

  private onExit(exit: SandboxExit) {
    const how = exit.signal ? `signal: ${exit.signal === 'SIGKILL' ? 'killed' : exit.signal}` : `exit status ${exit.code}`;
    const errorType = exit.oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    this.failInit({ kind: exit.oom ? 'oom' : 'init-error', payload: errorDoc(errorType, `Runtime exited with error: ${how}`), errorType });
    const cur = this.current;
    if (cur && !cur.settled) {
      const message = `RequestId: ${cur.invocation.requestId} Error: Runtime exited with error: ${how}`;
      this.log(`${message}\n${errorType}\n`);
      void this.finish(exit.oom ? 'oom' : 'crash', errorDoc(errorType, message), errorType);
    }
    // Whatever it was doing, an instance whose process ended never takes another invocation.
    this.stop();
  }

  /** A runtime that does not come back to /next in time is stopped, as on Lambda. */
  private awaitReturn(deadline: number) {
    this.machine.to('returning');
    this.returnTimer = setTimeout(() => {
      if (this.machine.state !== 'returning') return;
      this.log(`Gust: the runtime did not ask for its next invocation within the function's timeout; the instance is stopped\n`);
      this.stop();
    }, Math.max(MIN_RETURN_MS, deadline - Date.now()));
    this.returnTimer.unref();
  }

  // ---- completion ----

  private async finish(kind: OutcomeKind, payload: Buffer, errorType?: string) {
    const cur = this.current!;
    cur.settled = true;
    clearTimeout(cur.timer);
    const durationMs = performance.now() - cur.startedAt;
    const dies = kind === 'timeout' || kind === 'oom' || kind === 'crash';
    // Output written just before the response may still sit in the pipe; let it arrive first
    // (but never wait long: a stray child process could hold the pipe open).
    if (dies) await Promise.race([this.outputDone, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS))]);
    else await new Promise((r) => setImmediate(r));
    const outcome = this.report(cur.invocation, { kind, payload, errorType, durationMs, cold: cur.cold });
    this.current = null;
    if (dies) this.stop();
    else if (this.machine.state === 'busy') {
      // Only a runtime back on /next takes the next invocation; until then it is "returning".
      if (this.parkedNext) this.park();
      else this.awaitReturn(cur.deadline || Date.now() + this.fn.timeout * 1000);
    }
    cur.resolve(outcome);
  }

  private failedInit(invocation: Invocation, failure: InitFailure): Promise<InvocationOutcome> {
    const initMs = performance.now() - this.startedAt;
    this.stop();
    return Promise.race([this.outputDone, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS))]).then(() => {
      this.log(`INIT_REPORT Init Duration: ${initMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${failure.errorType}\n`);
      this.log(this.platform.start(invocation.requestId));
      return this.report(invocation, { ...failure, durationMs: initMs, cold: true, initDurationMs: initMs });
    });
  }

  private report(
    invocation: Invocation,
    r: { kind: OutcomeKind; payload: Buffer; errorType?: string; durationMs: number; cold: boolean; initDurationMs?: number },
  ): InvocationOutcome {
    const billedMs = billedMilliseconds(r.durationMs);
    const maxMemoryUsedMb = Math.ceil((this.sandbox?.maxMemoryBytes() ?? 0) / (1024 * 1024));
    const initDurationMs = r.cold ? (r.initDurationMs ?? this.initDurationMs) : undefined;
    const status = r.kind === 'success' || r.kind === 'error' ? undefined : { status: r.kind === 'timeout' ? ('timeout' as const) : ('error' as const), errorType: r.errorType };
    this.log(this.platform.end(invocation.requestId, status?.status ?? 'success', r.durationMs));
    this.log(
      this.platform.report({ requestId: invocation.requestId, durationMs: r.durationMs, billedMs, memorySizeMb: this.fn.memorySize, maxMemoryUsedMb, initDurationMs, status }),
    );
    const logText = this.tail.join('');
    this.tail = [];
    this.tailLength = 0;
    return { kind: r.kind, payload: r.payload, errorType: r.errorType, durationMs: r.durationMs, billedMs, initDurationMs, cold: r.cold, maxMemoryUsedMb, logText };
  }

  // ---- logs ----

  private log(message: string, { tail = true } = {}) {
    if (message === '') return; // a platform record below the function's SystemLogLevel
    this.deps.logs.append(this.group, this.stream, Date.now(), message);
    if (!tail) return;
    this.tail.push(message);
    this.tailLength += message.length;
    while (this.tailLength > TAIL_KEEP && this.tail.length > 1) this.tailLength -= this.tail.shift()!.length;
  }

  /** Logs a line of the function's own output, within the per-invocation budget. */
  private output(line: string) {
    const before = this.outputBytes;
    this.outputBytes += line.length;
    if (this.outputBytes <= MAX_LOG_BYTES_PER_INVOCATION) return this.log(line);
    if (before <= MAX_LOG_BYTES_PER_INVOCATION) {
      this.log(`Gust: this invocation wrote more than ${MAX_LOG_BYTES_PER_INVOCATION / 1024 / 1024} MB of output; the rest is dropped\n`);
    }
  }

  private capture(stream: Readable): Promise<void> {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const text = partial + chunk;
      const lines = text.split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.output(line.slice(0, MAX_LOG_LINE) + '\n');
      // A runaway line without a newline is cut into events instead of growing without bound.
      while (partial.length > MAX_LOG_LINE) {
        this.output(partial.slice(0, MAX_LOG_LINE) + '\n');
        partial = partial.slice(MAX_LOG_LINE);
      }
    });
    return new Promise((resolve) => {
      stream.once('close', () => {
        if (partial) this.output(partial + '\n');
        resolve();
      });
    });
  }
}
