// Gust's Node.js runtime interface client, started as `node bootstrap.mjs` in the function's
// code directory: loads the handler once, then loops next → handler → response/error over the
// Lambda Runtime API, behaving as AWS's client does. Standard library only; nothing from the host.
import { connectRuntimeApi } from './runtime-api-client.mjs';
import { connectRuntimeChannel } from './runtime-channel-client.mjs';
import { toRapidResponse, UnhandledPromiseRejection } from './errors.mjs';
import { loadHandler } from './handler-loader.mjs';
import { emptyEventLoop, invoke } from './invocation.mjs';
import { logError, patchConsole } from './logging.mjs';
import { installAwsLambdaGlobal, isStreamingHandler } from './response-stream.mjs';
import { invokeStreaming } from './streaming-invocation.mjs';

// Gust hands its own client a runtime channel (a socket pair) when it can; HTTP otherwise.
const channelFd = process.env.GUST_RUNTIME_FD;
delete process.env.GUST_RUNTIME_FD;
const api = channelFd ? connectRuntimeChannel(Number(channelFd)) : connectRuntimeApi(process.env.AWS_LAMBDA_RUNTIME_API, process.env.GUST_RUNTIME_API_SOCKET);
patchConsole();
installAwsLambdaGlobal();

for (const stream of [process.stdout, process.stderr]) {
  // Blocking writes to Gust's log pipes, as Lambda's own log sink writes synchronously: a line is
  // out before the outcome is posted, and a flood of output waits for Gust instead of queueing
  // in memory (64 MB of queued console.log costs ~130 MB when Node finally copies it out).
  stream._handle?.setBlocking?.(true);
  // When the pipes break, Gust is gone and there is nothing left to do.
  stream.on('error', () => process.exit(1));
}

let initialised = false; // the first /next has been asked for
let currentId = null; // the invocation in hand
let failing = false;
/** A fatal error that struck while waiting on /next: it becomes the next invocation's error. */
let pendingFatal = null;

/** Reports a fatal error for the invocation in hand (or as the init error), then ends the process. */
function fatal(error, exitCode) {
  if (failing) return;
  failing = true;
  const doc = toRapidResponse(error);
  if (!currentId && initialised) {
    // Work left over from the last invocation (a timer, a callback) threw while the runtime waits
    // on /next, or as soon as the instance is thawed: as on Lambda, the invocation in hand when it
    // surfaces gets the error, rather than a process that vanishes under it.
    pendingFatal = { doc, exitCode };
    return;
  }
  const reported = currentId ? api.postError(currentId, doc) : api.postInitError(doc);
  reported.then(() => process.exit(exitCode));
}

process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  fatal(error, 129);
});
process.on('unhandledRejection', (reason, promise) => {
  let error;
  try {
    error = new UnhandledPromiseRejection(reason, promise);
  } catch {
    error = new UnhandledPromiseRejection(Object.prototype.toString.call(reason), promise); // e.g. a Symbol
  }
  logError('Unhandled Promise Rejection', error);
  fatal(error, 128);
});
process.on('beforeExit', emptyEventLoop);

async function main() {
  let handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER ?? '');
  } catch (err) {
    // Lambda's client lets this escape as an uncaught exception: logged and posted as such.
    logError('Uncaught Exception', err);
    fatal(err, 129);
    return;
  }
  const isAsync = handler.constructor?.name === 'AsyncFunction';
  const streaming = isStreamingHandler(handler);
  // A promise the module rejected without handling surfaces after this turn: let it fail init.
  await new Promise((resolve) => setImmediate(resolve));
  if (failing) return;
  for (;;) {
    initialised = true;
    const { headers, body } = await api.next();
    currentId = headers['lambda-runtime-aws-request-id'];
    if (pendingFatal) {
      const { doc, exitCode } = pendingFatal;
      await api.postError(currentId, doc);
      process.exit(exitCode);
    }
    if (streaming) await invokeStreaming(api, handler, headers, body);
    else await invoke(api, handler, isAsync, headers, body);
    currentId = null;
  }
}

main().catch((err) => {
  console.log(`Unexpected Top Level Error: ${err}`);
  fatal(err, 129);
});
