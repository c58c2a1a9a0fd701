// console.* written the way Lambda's Node runtime writes it: TIMESTAMP\tREQUEST_ID\tLEVEL\tmessage,
// one line per call (newlines inside a message become \r so a record stays one log event).
import { format } from 'node:util';

let requestId = 'undefined';

export const setRequestId = (id) => (requestId = id);

function writer(level, stream) {
  return (...args) => {
    stream.write(`${new Date().toISOString()}\t${requestId}\t${level}\t${format(...args).replace(/\n/g, '\r')}\n`);
  };
}

export function patchConsole() {
  console.log = console.info = writer('INFO', process.stdout);
  console.warn = writer('WARN', process.stderr);
  console.error = writer('ERROR', process.stderr);
  console.debug = writer('DEBUG', process.stdout);
  const trace = writer('TRACE', process.stdout);
  console.trace = (...args) => trace(...args, '\n' + new Error().stack.split('\n').slice(2).join('\n'));
}
