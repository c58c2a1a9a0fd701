// Starts a real Gust server process (the built `gust up`) on a free port with a temporary data
// directory, for end-to-end tests; stops it gracefully or with kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');
export const FIXTURES = path.join(ROOT, 'test/fixtures/functions');

export interface GustProcess {
  url: string;
  /** The server process, for reading its resource use from /proc. */
  pid: number;
  dataDir: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  output: () => string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  /** Sends a signal; resolves with how the process ended once it has. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Environment for aws CLI / boto3 child processes pointed at this server. */
  awsEnv(): NodeJS.ProcessEnv;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gust-test-'));
}

export async function startGust(opts: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<GustProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, '--data-dir', dataDir, 'up', '--port', '0', ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Gust did not start:\n${output}`)), 20_000);
    const check = () => {
      const m = /Gust listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Gust exited with ${code}:\n${output}`));
    });
  });
  const creds = fs.readFileSync(path.join(dataDir, 'credentials'), 'utf8');
  const credentials = {
    accessKeyId: /aws_access_key_id = (\S+)/.exec(creds)![1],
    secretAccessKey: /aws_secret_access_key = (\S+)/.exec(creds)![1],
  };
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const exited = ended.then(() => {});
  return {
    url,
    pid: child.pid!,
    dataDir,
    region: 'us-east-1',
    credentials,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    signal(signal) {
      child.kill(signal);
      return ended;
    },
    awsEnv() {
      return {
        ...process.env,
        AWS_SHARED_CREDENTIALS_FILE: path.join(dataDir, 'credentials'),
        AWS_CONFIG_FILE: path.join(dataDir, 'config'),
        AWS_PROFILE: 'gust',
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_ENDPOINT_URL: url,
      } as NodeJS.ProcessEnv;
    },
  };
}

/** Runs the built `gust` CLI against a server, with `input` on stdin; resolves when it exits. */
export async function runGustCli(gust: Pick<GustProcess, 'url' | 'dataDir'>, args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.end(input);
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}
