// `gust up`: starts the server in the foreground. SIGTERM or SIGINT drains it (no new connections;
// what runs may finish within --shutdown-timeout) and exits 0, as a process supervisor expects;
// a second signal stops what still runs at once.
import { ConfigError, loadConfig, type ConfigInput } from '../config/config.js';
import { SandboxUnavailableError } from '../sandbox/process-driver.js';
import { startGust } from '../server.js';
import { CliError, EXIT } from './client.js';

export async function up(flags: ConfigInput): Promise<void> {
  let config;
  try {
    config = loadConfig(flags);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
  let gust;
  try {
    gust = await startGust(config);
  } catch (err) {
    if (err instanceof SandboxUnavailableError) throw new CliError(`cannot start: ${err.message}`, EXIT.usage);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`cannot start: port ${config.port} on ${config.host} is in use (another Gust?). Choose another with --port N or GUST_PORT=N (0 picks a free one).`, EXIT.usage);
    }
    if ((err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
      throw new CliError(`cannot start: cannot listen on ${config.host}:${config.port} (${(err as NodeJS.ErrnoException).code}). Choose another address with --host / GUST_HOST or port with --port / GUST_PORT.`, EXIT.usage);
    }
    throw err;
  }
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      console.log(`${signal} again: stopping what still runs`);
      gust.stopWaiting();
      return;
    }
    closing = true;
    console.log(`${signal}: draining`);
    gust.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`gust: shutdown failed: ${(err as Error)?.stack ?? err}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
