// One invocation as Lambda's Node.js runtime runs it: the context object, the callback and the
// legacy context.succeed/fail/done, and when the outcome is posted: at once for a promise, after
// the event loop empties for a callback (unless callbackWaitsForEmptyEventLoop is false), and a
// handler that neither settles nor calls back is answered when the event loop runs dry.
import { logError, setRequestId } from './logging.mjs';
import { NodeJsExit, toRapidResponse } from './errors.mjs';

const env = process.env;
// Read once: process.env is a slow accessor, and these never change in an instance's life.
export const environmentalData = {
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  functionName: env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
};

/** What to do if the event loop empties before the invocation is answered. */
let onEmptyEventLoop = null;

/** Called from process 'beforeExit': the event loop has nothing left to do. */
export function emptyEventLoop() {
  const action = onEmptyEventLoop;
  onEmptyEventLoop = null;
  action?.();
}

export function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

/** The context's per-invocation fields, in the order of Lambda's context object. */
export function invocationData(headers, id, deadline) {
  return {
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: id,
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

/** Resolves once what was written to stdout/stderr has left the process (null: nothing waits). */
export function outputFlushed() {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  if (pending.length === 0) return null;
  return Promise.all(pending.map((s) => new Promise((resolve) => s.write('', resolve))));
}

/**
 * Runs one invocation of `handler` (`isAsync`: declared `async`) and posts its outcome through
 * `api`; resolves once the Runtime API has accepted it.
 */
export function invoke(api, handler, isAsync, headers, body) {
  const id = headers['lambda-runtime-aws-request-id'];
  setRequestId(id);
  if (headers['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
  else delete env._X_AMZN_TRACE_ID;

  return new Promise((settled) => {
    let reported = false;
    // Log lines written before the outcome belong to this invocation: they leave first.
    const post = (send) => {
      reported = true;
      onEmptyEventLoop = null;
      const flushed = outputFlushed();
      (flushed ? flushed.then(send) : send()).then(() => settled());
    };
    const postError = (err) => {
      if (reported) return;
      logError('Invoke Error', err);
      post(() => api.postError(id, toRapidResponse(err)));
    };
    const complete = (result) => {
      if (reported) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      let payload;
      try {
        payload = JSON.stringify(result === undefined ? null : result);
      } catch {
        postError(new Error('Unable to stringify response body'));
        return;
      }
      post(() => api.postResponse(id, payload));
    };

    let waitForEmptyEventLoop = true;
    let finished = false; // only the first of callback/succeed/fail/done counts
    const once = (fn) =>
      function (...args) {
        if (finished) return;
        finished = true;
        fn(...args);
      };
    const done = (err, result) => {
      onEmptyEventLoop = null;
      if (err !== undefined && err !== null) postError(err);
      else complete(result);
    };
    const callback = once((err, result) => {
      onEmptyEventLoop = null;
      if (err !== undefined && err !== null) postError(err);
      else if (!waitForEmptyEventLoop) complete(result);
      else onEmptyEventLoop = () => setImmediate(() => complete(result));
    });
    const succeed = once((result) => done(null, result));
    const fail = once((err) => (err === undefined || err === null ? done('handled') : done(err, null)));

    // Neither settled nor called back when the loop ran dry: an async handler's promise can
    // never settle now (an error); a plain function's return value is not its result (null).
    onEmptyEventLoop = () => {
      finished = true;
      if (isAsync) postError(new NodeJsExit());
      else post(() => api.postResponse(id, 'null'));
    };

    try {
      const deadline = Number(headers['lambda-runtime-deadline-ms']);
      // Keys in the order of Lambda's context object (it shows in console.log(context)).
      const context = {
        get callbackWaitsForEmptyEventLoop() {
          return waitForEmptyEventLoop;
        },
        set callbackWaitsForEmptyEventLoop(value) {
          waitForEmptyEventLoop = value;
        },
        succeed,
        fail,
        done: once(done),
        ...environmentalData,
        ...invocationData(headers, id, deadline),
      };
      const result = handler(JSON.parse(body), context, callback);
      if (result && typeof result.then === 'function') result.then(succeed, fail).catch(fail);
    } catch (err) {
      callback(err);
    }
  });
}
