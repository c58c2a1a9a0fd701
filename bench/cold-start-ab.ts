// Cold start A/B: two Gust builds side by side (BASE_CLI, e.g. a copy of the previous build, and
// this tree's dist/), rounds interleaved so that load on a shared machine hits both alike.
// Prints median and quartiles of create-then-first-invoke latency; never fails on a timing.
//   BASE_CLI=/path/to/old/dist/cli/main.js ROUNDS=30 node --import tsx bench/cold-start-ab.ts
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { CLI, tempDataDir } from '../test/helpers/gust-process.js';

async function start(cli: string) {
  const dataDir = tempDataDir();
  const child = spawn(process.execPath, [cli, '--data-dir', dataDir, 'up', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve) =>
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Gust listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    }),
  );
  const creds = fs.readFileSync(`${dataDir}/credentials`, 'utf8');
  const credentials = { accessKeyId: /aws_access_key_id = (\S+)/.exec(creds)![1], secretAccessKey: /aws_secret_access_key = (\S+)/.exec(creds)![1] };
  const lambda = new LambdaClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1, credentials });
  return { lambda, stop: () => child.kill('SIGTERM') };
}

const rounds = Number(process.env.ROUNDS ?? 30);
const variants = { base: await start(process.env.BASE_CLI!), this: await start(CLI) };
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(0);
for (const [runtime, fixture, handler] of [['nodejs20.x', 'bench-hello', 'index.handler'], ['python3.11', 'bench-hello-python', 'app.handler']] as const) {
  const zip = await fixtureZip(fixture);
  const times: Record<string, number[]> = { base: [], this: [] };
  for (let i = 0; i < rounds; i++) {
    for (const [name, v] of Object.entries(variants)) {
      const fn = `ab-${runtime.replace(/\W/g, '')}-${i}`;
      await v.lambda.send(new CreateFunctionCommand({ FunctionName: fn, Runtime: runtime, Handler: handler, Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: zip } }));
      const t = performance.now();
      const res = await v.lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') }));
      times[name].push(performance.now() - t);
      if (res.FunctionError) throw new Error(Buffer.from(res.Payload!).toString());
      await v.lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
    }
  }
  for (const [name, xs] of Object.entries(times)) {
    xs.sort((a, b) => a - b);
    console.log(`${runtime} ${name}: p25 ${q(xs, 0.25)} ms, median ${q(xs, 0.5)} ms, p75 ${q(xs, 0.75)} ms, min ${xs[0].toFixed(0)} ms (${rounds} rounds)`);
  }
}
for (const v of Object.values(variants)) v.stop();
