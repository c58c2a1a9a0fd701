// console.* as Lambda's Node.js runtime prints it (text format): every level to stdout as
// `ISO-TIMESTAMP\tREQUEST_ID\tLEVEL\tmessage`, newlines inside a message turned into \r so that
// one call stays one line, i.e. one log event, for Gust's line-by-line log capture.
import { format } from 'node:util';
import { intoError, toFormatted } from './errors.mjs';

// Where Lambda's runtime keeps the current request id (a global symbol: libraries read it).
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

export const setRequestId = (id) => {
  globalThis[REQUEST_ID] = id;
};

function write(level, message, params) {
  const text = params.length === 0 && typeof message === 'string' ? message : format(message, ...params);
  const line = `${new Date().toISOString()}\t${globalThis[REQUEST_ID]}\t${level}\t${text}`;
  process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
}

export function patchConsole() {
  console.trace = (message, ...params) => write('TRACE', message, params);
  console.debug = (message, ...params) => write('DEBUG', message, params);
  console.info = (message, ...params) => write('INFO', message, params);
  console.log = console.info;
  console.warn = (message, ...params) => write('WARN', message, params);
  console.error = (message, ...params) => write('ERROR', message, params);
  console.fatal = (message, ...params) => write('FATAL', message, params);
}

/** `label` is "Invoke Error", "Uncaught Exception" or "Unhandled Promise Rejection". */
export function logError(label, err) {
  console.error(label, toFormatted(intoError(err)));
}
