// console.* as Lambda's Node.js runtime prints it. Text format: every level to stdout as
// `ISO-TIMESTAMP\tREQUEST_ID\tLEVEL\tmessage`. JSON format (AWS_LAMBDA_LOG_FORMAT=JSON): one
// object per call, {"timestamp","level","requestId","message"} plus errorType/errorMessage/
// stackTrace for errors, and levels below AWS_LAMBDA_LOG_LEVEL dropped. Newlines inside a message
// become \r so that one call stays one line, i.e. one log event, for Gust's line-by-line capture.
import { format } from 'node:util';
import { intoError, toFormatted } from './errors.mjs';

// Where Lambda's runtime keeps the current request id (a global symbol: libraries read it).
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

export const setRequestId = (id) => {
  globalThis[REQUEST_ID] = id;
};

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const isJson = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';

function writeText(level, message, params) {
  const text = params.length === 0 && typeof message === 'string' ? message : format(message, ...params);
  const line = `${new Date().toISOString()}\t${globalThis[REQUEST_ID]}\t${level}\t${text}`;
  process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
}

/** An Error's own fields for a JSON line, as AWS's client serialises them. */
function errorReplacer(_key, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    { errorType: value?.constructor?.name ?? 'UnknownError', errorMessage: value.message, stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack },
    value,
  );
}

function jsonLine(level, params) {
  const result = { timestamp: new Date().toISOString(), level, requestId: globalThis[REQUEST_ID] };
  if (params.length === 1) {
    result.message = params[0];
    try {
      return JSON.stringify(result, errorReplacer);
    } catch {
      result.message = format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = format(...params);
  const error = params.find((p) => p instanceof Error);
  if (error) {
    result.errorType = error?.constructor?.name ?? 'UnknownError';
    result.errorMessage = error.message;
    result.stackTrace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  }
  return JSON.stringify(result);
}

function writeJson(level, message, params) {
  process.stdout.write(`${jsonLine(level, [message, ...params]).replace(/\n/g, '\r')}\n`);
}

export function patchConsole() {
  const write = isJson ? writeJson : writeText;
  const threshold = LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? LEVELS.TRACE;
  const at = (level) => (LEVELS[level] >= threshold ? (message, ...params) => write(level, message, params) : () => {});
  console.trace = at('TRACE');
  console.debug = at('DEBUG');
  console.info = at('INFO');
  console.log = console.info;
  console.warn = at('WARN');
  console.error = at('ERROR');
  console.fatal = (message, ...params) => write('FATAL', message, params);
}

/** `label` is "Invoke Error", "Uncaught Exception" or "Unhandled Promise Rejection". */
export function logError(label, err) {
  if (isJson) console.error(intoError(err));
  else console.error(label, toFormatted(intoError(err)));
}
