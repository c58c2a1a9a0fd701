// The context object Lambda passes to a Node handler, built from the invocation's headers.

export function makeContext(headers, env, callbackState) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const clientContext = headers['lambda-runtime-client-context'];
  const identity = headers['lambda-runtime-cognito-identity'];
  const context = {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: clientContext ? JSON.parse(clientContext) : undefined,
    identity: identity ? JSON.parse(identity) : undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    get callbackWaitsForEmptyEventLoop() {
      return callbackState.waitForEmptyLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      callbackState.waitForEmptyLoop = Boolean(value);
    },
  };
  // Legacy completion helpers, still used by old handlers.
  context.succeed = (result) => callbackState.done(null, result);
  context.fail = (err) => callbackState.done(err ?? 'handled');
  context.done = (err, result) => callbackState.done(err, result);
  return context;
}
