// Gust's Node.js runtime interface client: loads the handler once, then loops
// next → handler → response/error over the Lambda Runtime API. Imports nothing from the host.
import { postError, postInitError, postResponse, nextInvocation, releaseEventLoop } from './runtime-api-client.mjs';
import { makeContext } from './context.mjs';
import { toErrorDocument } from './errors.mjs';
import { loadHandler } from './handler-loader.mjs';
import { patchConsole, setRequestId } from './logging.mjs';

patchConsole();
// Gust reads the log pipes; when they break, Gust is gone and there is nothing left to do.
process.stdout.on('error', () => process.exit(1));
process.stderr.on('error', () => process.exit(1));
let currentRequestId = null;
let dying = false;

async function reportFatal(err, errorType) {
  if (dying) process.exit(1);
  dying = true;
  const doc = toErrorDocument(err, errorType);
  console.error(`${currentRequestId ? 'Invoke' : 'Init'} Error \t${JSON.stringify(doc)}`);
  try {
    if (currentRequestId) await postError(currentRequestId, doc);
    else await postInitError(doc);
  } finally {
    process.exit(1);
  }
}

process.on('uncaughtException', (err) => reportFatal(err, undefined));
process.on('unhandledRejection', (reason) => {
  const err = reason instanceof Error ? reason : new Error(String(reason));
  reportFatal(Object.assign(new Error(`${err.name}: ${err.message}`), { stack: err.stack }), 'Runtime.UnhandledPromiseRejection');
});

/** Runs the handler in async or callback style; resolves with its result, rejects with its error. */
function runHandler(handler, event, headers) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const state = {
      waitForEmptyLoop: true,
      done(err, result) {
        if (settled) return;
        settled = true;
        const finish = () => (err !== null && err !== undefined ? reject(err) : resolve(result));
        // Lambda answers a callback only once the event loop is empty, unless told not to wait.
        if (state.waitForEmptyLoop) {
          releaseEventLoop();
          process.once('beforeExit', finish);
        } else finish();
      },
    };
    const context = makeContext(headers, process.env, state);
    let returned;
    try {
      returned = handler(event, context, (err, result) => state.done(err, result));
    } catch (err) {
      settled = true;
      return reject(err);
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (result) => !settled && ((settled = true), resolve(result)),
        (err) => !settled && ((settled = true), reject(err)),
      );
    } else if (handler.length < 3 && !settled) {
      settled = true;
      resolve(returned);
    }
  });
}

let handler;
try {
  handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env._HANDLER ?? '');
} catch (err) {
  await reportFatal(err, err?.name?.startsWith('Runtime.') ? err.name : undefined);
}

for (;;) {
  const { headers, body } = await nextInvocation();
  const requestId = headers['lambda-runtime-aws-request-id'];
  currentRequestId = requestId;
  setRequestId(requestId);
  try {
    const result = await runHandler(handler, JSON.parse(body), headers);
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (err) {
      await postError(requestId, toErrorDocument(err, 'Runtime.SerializationError'));
      continue;
    }
    await postResponse(requestId, payload);
  } catch (err) {
    const doc = toErrorDocument(err);
    console.error(`Invoke Error \t${JSON.stringify(doc)}`);
    await postError(requestId, doc);
  } finally {
    currentRequestId = null;
  }
}
