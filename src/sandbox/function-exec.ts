// The last step of every launch: how the function's own process gets its environment. Every
// process before it (the host-side chain, bubblewrap, the privileged steps inside the sandbox)
// runs with LAUNCHER_ENV only; the function's variables travel as NUL-separated words on a file
// descriptor, never in an environment or on a command line that outlives the launch, and are
// turned into an environment by `env -i` after privileges are dropped.
import { RUNTIME_CHANNEL_FD } from './driver.js';

/** The one environment of every process Gust starts on the way to a function's process. */
export const LAUNCHER_ENV: Readonly<Record<string, string>> = Object.freeze({ PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });

/** The descriptor the function's argv is read from (stdio 0–2 are the instance's own). */
export const FUNCTION_ARGV_FD = 3;

export const BASH = '/bin/bash';
export const ENV = '/usr/bin/env';

/**
 * Reads the NUL-separated words from FUNCTION_ARGV_FD, closes every descriptor but stdin,
 * stdout and stderr (it and whatever Gust itself inherited: nothing of the host stays open in
 * the function) and, when asked, the runtime channel Gust made for this instance, and becomes `env -i NAME=VALUE… cmd args…`. bash is the one standard tool that
 * reads NUL-separated words (mapfile -d ''), so any byte but NUL survives in a value; `--`
 * keeps env from reading a value as one of its options.
 */
const execScript = (env: string[], keepChannel: boolean) =>
  [
    `mapfile -d '' -t argv <&${FUNCTION_ARGV_FD} || exit 125`,
    `for fd in /proc/self/fd/*; do fd=\${fd##*/}; ((fd > 2${keepChannel ? ` && fd != ${RUNTIME_CHANNEL_FD}` : ''})) && exec {fd}>&-; done`,
    `exec ${env.map((w) => `'${w}'`).join(' ')} -i -- "\${argv[@]}"`,
  ].join('; ');


/**
 * Runs as the unprivileged user, with LAUNCHER_ENV: reads the function's argv and execs it.
 * `run` turns a host tool's path into the words that start it (host-tools.ts, for a sandbox
 * whose root is an image); paths Gust chose, never quotes.
 */
export const execFunctionCommand = (run?: (hostPath: string) => string[], keepChannel = false): string[] =>
  run ? [...run(BASH), '-c', execScript(run(ENV), keepChannel), 'gust-exec'] : [BASH, '-c', execScript([ENV], keepChannel), 'gust-exec'];

/** What env may take as a variable name: anything else could read as an option or a command. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class UnsafeLaunchError extends Error {}

/**
 * The words `env -i --` takes: NAME=VALUE for each variable, then the command. Names were
 * validated when the function was created; they are checked again here because a bad one is an
 * injection, and a NUL anywhere would split a word in two.
 */
export function functionArgv(cmd: string[], env: Record<string, string>): string[] {
  const words: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new UnsafeLaunchError(`environment variable name ${JSON.stringify(name.slice(0, 100))} is not allowed`);
    words.push(`${name}=${value}`);
  }
  if (cmd.length === 0 || cmd[0].includes('=')) throw new UnsafeLaunchError(`the command ${JSON.stringify(cmd[0] ?? '')} cannot be run through env`);
  words.push(...cmd);
  for (const word of words) if (word.includes('\0')) throw new UnsafeLaunchError('an environment variable or argument contains a NUL character');
  return words;
}

/** The bytes written to FUNCTION_ARGV_FD. */
export const encodeArgv = (words: string[]): Buffer => Buffer.from(words.map((w) => `${w}\0`).join(''), 'utf8');
