// One warm instance: a sandboxed runtime process, its own Runtime API, and the state machine
// starting → idle ⇄ busy → dead. It runs one invocation at a time and writes its log stream.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { FunctionRecord } from '../control/function-record.js';
import type { Sandbox, SandboxDriver, SandboxExit } from '../sandbox/driver.js';
import { billedMilliseconds, logStreamName } from '../telemetry/lambda-log-lines.js';
import { platformLog, type PlatformLog } from '../telemetry/platform-log.js';
import { logGroupOf } from '../control/logging-config.js';
import type { Invocation, InvocationOutcome, OutcomeKind } from './invocation.js';
import { MAX_RESPONSE_BYTES, startRuntimeApi, type RuntimeAck, type RuntimeApi } from './runtime-api-server.js';
import { receiveStreamedResponse } from './streamed-response.js';
import type { Launch } from './runtime-launch.js';
import { startEgressConnector, type EgressConnector } from './egress-connector.js';
import { connectionFromProcesses } from '../sandbox/socket-owner.js';
import { RUNTIME_SOCKET } from '../sandbox/bubblewrap.js';

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
}

type Phase = 'starting' | 'idle' | 'busy' | 'dead';

interface Current {
  invocation: Invocation;
  startedAt: number;
  timer: NodeJS.Timeout;
  resolve: (outcome: InvocationOutcome) => void;
  settled: boolean;
  cold: boolean;
}

const errorDoc = (errorType: string, errorMessage: string) => Buffer.from(JSON.stringify({ errorType, errorMessage }));

export class Instance {
  readonly id = randomBytes(16).toString('hex');
  phase: Phase = 'starting';
  idleSince = Date.now();
  /** Set when the function changed: the instance is stopped as soon as it is not busy. */
  retired = false;
  /** Kept warm for provisioned concurrency: never stopped for being idle. */
  provisioned = false;
  /** Initialised ahead of any invocation, so no invocation pays (or reports) the init. */
  private preInitialized = false;
  onDead: () => void = () => {};

  private sandbox!: Sandbox;
  private api!: RuntimeApi;
  private readonly group: string;
  /** START/END/REPORT as text, or Lambda's JSON platform records (LoggingConfig). */
  private readonly platform: PlatformLog;
  private readonly stream: string;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private failInit!: (outcome: { kind: OutcomeKind; payload: Buffer; errorType: string }) => void;
  private parkedNext: ServerResponse | null = null;
  private current: Current | null = null;
  private servedAny = false;
  private startedAt = performance.now();
  private initDurationMs = 0;
  private initFailure: { kind: OutcomeKind; payload: Buffer; errorType: string } | null = null;
  private outputBytes = 0;
  private tail: string[] = [];
  private tailLength = 0;
  private outputDone: Promise<void> = Promise.resolve();
  private egress: EgressConnector | null = null;
  private hostsPath: string | null = null;

  constructor(
    readonly fn: FunctionRecord,
    private readonly deps: InstanceDeps,
  ) {
    this.group = logGroupOf(fn);
    this.platform = platformLog(fn, deps.region);
    this.stream = logStreamName(fn.version, this.id);
    this.ready = new Promise<void>((resolve) => {
      this.markReady = resolve;
      this.failInit = (failure) => {
        this.initFailure ??= failure;
        resolve();
      };
    });
  }

  /** Starts the process; resolves once it is launched (not yet initialised). */
  async launch(): Promise<void> {
    this.log(this.platform.initStart());
    const { cmd, env, codeDir, readOnlyPaths, network, allowed, hostsFile, dropsPrivileges } = this.deps.launch;
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
    this.api = await startRuntimeApi(
      {
        next: (res) => this.onNext(res),
        response: (id, body) => this.onResult(id, 'success', body),
        error: (id, errorType, body) => this.onResult(id, 'error', body, errorType),
        initError: (errorType, body) => this.onInitError(errorType, body),
        responseTooLarge: (id) => this.responseTooLarge(id),
        streamedResponse: (id, req, reply) => this.onStreamedResponse(id, req, reply),
      },
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
    this.startedAt = performance.now();
    try {
      this.sandbox = this.deps.driver.start({
        id: this.id,
        cmd,
        env: { ...env, ...apiEnv, AWS_LAMBDA_LOG_STREAM_NAME: this.stream },
        codeDir,
        readOnlyPaths,
        memoryMb: this.fn.memorySize,
        tmpMb: this.fn.ephemeralStorageMb,
        network,
        runtimeSocket,
        egressSocket,
        hostsFile: hostsPath,
        dropsPrivileges,
      });
    } catch (err) {
      this.api.close();
      throw err;
    }
    this.outputDone = Promise.all([this.capture(this.sandbox.stdout), this.capture(this.sandbox.stderr)]).then(() => {});
    void this.sandbox.exited.then((exit) => this.onExit(exit));
    const initTimer = setTimeout(() => {
      this.failInit({ kind: 'timeout', payload: errorDoc('Sandbox.Timedout', `Init phase timed out after ${INIT_TIMEOUT_MS / 1000} seconds`), errorType: 'Sandbox.Timedout' });
      this.sandbox.kill();
    }, INIT_TIMEOUT_MS);
    void this.ready.then(() => clearTimeout(initTimer));
  }

  /** Waits for init without an invocation (provisioned concurrency); false if init failed. */
  async warmUp(): Promise<boolean> {
    await this.ready;
    if (this.initFailure || this.phase === 'dead') {
      this.stop();
      return false;
    }
    this.preInitialized = true;
    this.phase = 'idle';
    this.idleSince = Date.now();
    return true;
  }

  /** Runs one invocation; the pool guarantees the instance is not busy. */
  async invoke(invocation: Invocation): Promise<InvocationOutcome> {
    this.phase = 'busy';
    await this.ready;
    const cold = !this.servedAny && !this.preInitialized;
    this.servedAny = true;
    if (this.initFailure) return this.failedInit(invocation, this.initFailure);

    this.log(this.platform.start(invocation.requestId));
    this.outputBytes = 0;
    return new Promise<InvocationOutcome>((resolve) => {
      const timer = setTimeout(() => this.onTimeout(), this.fn.timeout * 1000);
      this.current = { invocation, startedAt: performance.now(), timer, resolve, settled: false, cold };
      if (this.parkedNext) this.deliver(this.parkedNext);
    });
  }

  stop(): void {
    if (this.phase === 'dead') return;
    this.phase = 'dead';
    this.sandbox?.kill();
    this.api?.close();
    this.egress?.close();
    if (this.hostsPath) fs.rmSync(this.hostsPath, { force: true });
    this.onDead();
  }

  // ---- Runtime API events ----

  private onNext(res: ServerResponse) {
    if (this.phase === 'starting' || !this.servedAny) {
      if (this.initDurationMs === 0) this.initDurationMs = performance.now() - this.startedAt;
      this.markReady();
    }
    this.parkedNext = res;
    res.once('close', () => {
      if (this.parkedNext === res) this.parkedNext = null;
    });
    if (this.current && !this.current.settled) this.deliver(res);
  }

  private deliver(res: ServerResponse) {
    const cur = this.current!;
    this.parkedNext = null;
    const inv = cur.invocation;
    const deadline = Date.now() + this.fn.timeout * 1000;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': inv.payload.length,
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': deadline,
      'Lambda-Runtime-Invoked-Function-Arn': inv.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id': inv.traceId,
    };
    if (inv.clientContext) headers['Lambda-Runtime-Client-Context'] = inv.clientContext;
    cur.startedAt = performance.now();
    res.writeHead(200, headers);
    res.end(inv.payload);
  }

  private onResult(requestId: string, kind: 'success' | 'error', body: Buffer, errorType?: string): RuntimeAck {
    const cur = this.current;
    if (!cur || cur.settled || cur.invocation.requestId !== requestId) {
      return { status: 400, errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` };
    }
    void this.finish(kind, body, kind === 'error' ? errorType : undefined);
    return { status: 202 };
  }

  /** A streamed response: chunks go to the invocation's sink as they arrive (streamed-response.ts). */
  private onStreamedResponse(requestId: string, req: import('node:http').IncomingMessage, reply: (ack: RuntimeAck) => void) {
    const cur = this.current;
    if (!cur || cur.settled || cur.invocation.requestId !== requestId) {
      req.resume();
      return reply({ status: 400, errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` });
    }
    receiveStreamedResponse(req, cur.invocation.stream, MAX_RESPONSE_BYTES, (result) => {
      if (cur.settled || this.current !== cur) return reply({ status: 400, errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` });
      if (result.kind === 'too-large') {
        const message = `Response payload size exceeded maximum allowed payload size (${result.limit} bytes).`;
        void this.finish('error', errorDoc('Function.ResponseSizeTooLarge', message), 'Function.ResponseSizeTooLarge');
        return reply({ status: 413, errorType: 'RequestEntityTooLarge', errorMessage: `Response payload exceeded ${result.limit} bytes` });
      }
      void this.finish(result.kind, result.body, result.kind === 'error' ? result.errorType : undefined);
      reply({ status: 202 });
    });
  }

  private onInitError(errorType: string, body: Buffer): RuntimeAck {
    if (this.servedAny && this.phase !== 'busy') {
      return { status: 403, errorType: 'InvalidStateTransition', errorMessage: 'init/error after initialisation' };
    }
    const payload = body.length > 0 ? body : errorDoc(errorType, 'Runtime failed to initialise');
    this.failInit({ kind: 'init-error', payload, errorType });
    return { status: 202 };
  }

  private responseTooLarge(requestId: string) {
    if (this.current?.invocation.requestId !== requestId) return;
    const message = `Response payload size exceeded maximum allowed payload size (6291456 bytes).`;
    void this.finish('error', errorDoc('Function.ResponseSizeTooLarge', message), 'Function.ResponseSizeTooLarge');
  }

  private onTimeout() {
    const cur = this.current;
    if (!cur || cur.settled) return;
    const seconds = this.fn.timeout.toFixed(2);
    const id = cur.invocation.requestId;
    this.log(`${new Date().toISOString()} ${id} Task timed out after ${seconds} seconds\n`);
    this.sandbox.kill();
    void this.finish('timeout', errorDoc('Sandbox.Timedout', `RequestId: ${id} Error: Task timed out after ${seconds} seconds`), 'Sandbox.Timedout');
  }

  private onExit(exit: SandboxExit) {
    const how = exit.signal ? `signal: ${exit.signal === 'SIGKILL' ? 'killed' : exit.signal}` : `exit status ${exit.code}`;
    const errorType = exit.oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    if (!this.servedAny || (this.phase === 'busy' && !this.current)) {
      this.failInit({ kind: exit.oom ? 'oom' : 'init-error', payload: errorDoc(errorType, `Runtime exited with error: ${how}`), errorType });
    }
    const cur = this.current;
    if (cur && !cur.settled) {
      const message = `RequestId: ${cur.invocation.requestId} Error: Runtime exited with error: ${how}`;
      this.log(`${message}\n${errorType}\n`);
      void this.finish(exit.oom ? 'oom' : 'crash', errorDoc(errorType, message), errorType);
    }
    if (this.phase !== 'busy') this.stop();
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
    if (dies || this.phase === 'dead') this.stop();
    else {
      this.phase = 'idle';
      this.idleSince = Date.now();
    }
    cur.resolve(outcome);
  }

  private failedInit(invocation: Invocation, failure: { kind: OutcomeKind; payload: Buffer; errorType: string }): Promise<InvocationOutcome> {
    const initMs = performance.now() - this.startedAt;
    this.sandbox.kill();
    return Promise.race([this.outputDone, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS))]).then(() => {
      this.log(`INIT_REPORT Init Duration: ${initMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${failure.errorType}\n`);
      this.log(this.platform.start(invocation.requestId));
      const outcome = this.report(invocation, { ...failure, durationMs: initMs, cold: true, initDurationMs: initMs });
      this.stop();
      return outcome;
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

  private log(message: string) {
    if (message === '') return; // a platform record below the function's SystemLogLevel
    this.deps.logs.append(this.group, this.stream, Date.now(), message);
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
