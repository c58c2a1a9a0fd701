// `gust up`: starts the server in the foreground and stops it cleanly on SIGINT/SIGTERM.
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
  const stop = async () => {
    if (closing) return;
    closing = true;
    await gust.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
