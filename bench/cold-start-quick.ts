// Quick cold-start figure: create + first invoke of fresh Node and Python functions, in
// namespace isolation. Prints medians; never fails on a timing. `node --import tsx bench/cold-start-quick.ts`
import { CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const rounds = Number(process.env.ROUNDS ?? 20);
const gust = await startGust();
const lambda = lambdaClient(gust);
for (const [runtime, fixture, handler] of [['nodejs20.x', 'bench-hello', 'index.handler'], ['python3.11', 'bench-hello-python', 'app.handler']] as const) {
  const zip = await fixtureZip(fixture);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const name = `cold-${runtime.replace(/\W/g, '')}-${i}`;
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime, Handler: handler, Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: zip } }));
    const t = performance.now();
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
    times.push(performance.now() - t);
    if (res.FunctionError) throw new Error(Buffer.from(res.Payload!).toString());
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  }
  times.sort((a, b) => a - b);
  console.log(`${runtime}: cold start p50 ${times[Math.floor(rounds / 2)].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[rounds - 1].toFixed(1)} ms (${rounds} rounds)`);
}
await gust.stop();
