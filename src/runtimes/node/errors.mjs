// Errors as Lambda's Node.js runtime reports them: the runtime's own error types
// (`Runtime.ImportModuleError`, ...), the document posted to the Runtime API
// ({ errorType, errorMessage, trace }) and the JSON logged after "Invoke Error".
import { types } from 'node:util';

const isErrorLike = (obj) =>
  obj && typeof obj.name === 'string' && obj.name && typeof obj.message === 'string' && obj.message && typeof obj.stack === 'string' && obj.stack;

export const intoError = (err) => (err instanceof Error ? err : new Error(err));

/** The body posted to /invocation/{id}/error and /init/error. */
export function toRapidResponse(error) {
  try {
    if (types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: error.stack.replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** Name, message, code and stack are not enumerable; the log shows them with the error's own fields. */
function withEnumerableProperties(_key, value) {
  if (!(value instanceof Error)) return value;
  const shown = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
  if (typeof value.stack === 'string') shown.stack = value.stack.split('\n');
  return shown;
}

/** The text logged after "Invoke Error" / "Uncaught Exception"; it starts with a tab, as Lambda's does. */
export function toFormatted(error) {
  try {
    return `\t${JSON.stringify(error, withEnumerableProperties)}`;
  } catch {
    return `\t${JSON.stringify(toRapidResponse(error))}`;
  }
}

export class ImportModuleError extends Error {}
export class HandlerNotFound extends Error {}
export class MalformedHandlerName extends Error {}
export class UserCodeSyntaxError extends Error {}
export class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
export class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}

// On the prototype, so that the stack's first line already says `Runtime.ImportModuleError: ...`.
for (const type of [ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError, NodeJsExit, UnhandledPromiseRejection]) {
  type.prototype.name = `Runtime.${type.name}`;
}
