// The hash of the console's sources (console/src, index.html, the Vite config): written into
// console/dist/source-hash.txt by `npm run build:console`, and compared by
// test/unit/console-bundle.test.ts, which fails when the sources changed since the bundle was built.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../console');

function files(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

export function consoleSourceHash() {
  const hash = createHash('sha256');
  for (const file of [path.join(CONSOLE, 'index.html'), path.join(CONSOLE, 'vite.config.mjs'), ...files(path.join(CONSOLE, 'src'))]) {
    hash.update(path.relative(CONSOLE, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

if (process.argv[2] === '--write') {
  fs.writeFileSync(path.join(CONSOLE, 'dist/source-hash.txt'), `${consoleSourceHash()}\n`);
}
