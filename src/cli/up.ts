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
