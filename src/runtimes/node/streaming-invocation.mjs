// One invocation of a streaming handler (awslambda.streamifyResponse), as Lambda's client runs
// it: handler(event, responseStream, context) must return a promise; the invocation is done once
// the handler has settled and the stream has ended; a rejection, or a stream left open, ends the
// response with the error in trailers.
import { logError, setRequestId } from './logging.mjs';
import { toRapidResponse } from './errors.mjs';
import { environmentalData, invocationData, outputFlushed } from './invocation.mjs';

const env = process.env;

export async function invokeStreaming(api, handler, headers, body) {
  const id = headers['lambda-runtime-aws-request-id'];
  setRequestId(id);
  if (headers['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
  else delete env._X_AMZN_TRACE_ID;

  const { stream, fail, done } = api.responseStream(id);
  const failWith = async (err) => {
    logError('Invoke Error', err);
    await (outputFlushed() ?? Promise.resolve());
    await fail(toRapidResponse(err instanceof Error ? err : new Error(String(err))));
  };
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  let waitForEmptyEventLoop = true;
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    ...environmentalData,
    ...invocationData(headers, id, deadline),
  };
  try {
    const result = handler(JSON.parse(body), stream, context);
    if (!result || typeof result.then !== 'function') {
      await failWith(new Error('Streaming does not support non-async handlers.'));
      return done;
    }
    if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
    if (!stream.writableFinished) {
      // The handler may still be piping into the stream: wait for it to end, as Lambda's client does.
      await new Promise((resolve) => {
        if (stream.writableFinished) return resolve();
        stream.once('finish', resolve);
        stream.once('close', resolve);
      });
    }
    await (outputFlushed() ?? Promise.resolve());
    if (!stream.writableFinished) await failWith(new Error('Response stream is not finished.'));
  } catch (err) {
    await failWith(err);
  }
  return done;
}
