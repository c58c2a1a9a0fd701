// `gust runtime ls` and `gust runtime add nodejs22.x`: the interpreters this machine has for each
// runtime name. Works on the data directory directly (no server needed); a running server sees
// an added runtime at once.
import { installNodeRuntime } from '../control/node-runtime-installer.js';
import { RuntimeCatalog } from '../invoke/runtime-catalog.js';
import { isCustomRuntime, SUPPORTED_RUNTIMES } from '../invoke/runtime-launch.js';
import { CliError, EXIT } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

const dataDirOf = (dataDir?: string) => dataDir ?? process.env.GUST_DATA_DIR ?? './.gust';

export function listRuntimes(dataDir: string | undefined, opts: OutputOptions): void {
  const catalog = new RuntimeCatalog(dataDirOf(dataDir));
  const rows = SUPPORTED_RUNTIMES.map((runtime) => {
    const found = catalog.interpreter(runtime);
    return { runtime, status: isCustomRuntime(runtime) ? 'your bootstrap' : found ? 'available' : 'missing', version: found?.version ?? '', interpreter: found?.executable ?? '' };
  });
  if (opts.json) return printJson({ runtimes: rows });
  printTable(rows, ['runtime', 'status', 'version', 'interpreter']);
}

export async function addRuntime(dataDir: string | undefined, runtime: string, opts: OutputOptions): Promise<void> {
  if (!/^nodejs\d+\.x$/.test(runtime) || !(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw new CliError(`gust runtime add installs Node.js runtimes (${SUPPORTED_RUNTIMES.filter((r) => r.startsWith('nodejs')).join(', ')}); Python versions come from the machine (pyenv).`, EXIT.usage);
  }
  const result = await installNodeRuntime(dataDirOf(dataDir), runtime, (line) => !opts.json && process.stderr.write(`${line}\n`));
  if (opts.json) return printJson({ runtime, ...result });
  process.stdout.write(`${runtime}: Node.js ${result.version} in ${result.dir}\n`);
}
