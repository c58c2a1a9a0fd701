// How a failed command ends: one line on stderr (`gust: reason`), or with --json one JSON document
// on stderr that a script can parse, and the exit code of the failure's kind.
import { CommanderError } from 'commander';
import { CliError, EXIT } from './client.js';

/** Commander has already printed its own usage errors as text, unless --json asked for JSON. */
export function reportError(err: unknown, json: boolean): number {
  const exitCode = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : EXIT.usage) : err instanceof CliError ? err.exitCode : EXIT.failed;
  if (err instanceof CommanderError && (exitCode === 0 || !json)) return exitCode;
  const message = err instanceof CommanderError ? err.message.replace(/^error: /, '') : ((err as Error)?.message ?? String(err));
  if (json) process.stderr.write(JSON.stringify({ error: { message, exitCode } }) + '\n');
  else process.stderr.write(`gust: ${message}\n`);
  return exitCode;
}

/** --json is a global option: known before commander has parsed anything, so that its own errors obey it. */
export const jsonRequested = (argv: readonly string[]) => argv.slice(2, argv.indexOf('--') === -1 ? undefined : argv.indexOf('--')).includes('--json');
