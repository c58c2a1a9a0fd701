// Run by `npm install`: Gust isolates functions with bubblewrap (Debian package `bubblewrap`).
// As root on a Debian/Ubuntu machine without it, install it; otherwise say what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const have = ['/usr/bin/bwrap', '/bin/bwrap'].some((p) => fs.existsSync(p));
if (have || process.platform !== 'linux') process.exit(0);

if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
  console.log('gust: installing bubblewrap (apt-get install bubblewrap) for the function sandbox');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '-qq', 'bubblewrap'], { stdio: 'inherit', env });
  if (result.status !== 0) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    result = spawnSync('apt-get', ['install', '-y', '-qq', 'bubblewrap'], { stdio: 'inherit', env });
  }
  if (result.status === 0) process.exit(0);
}
console.warn(
  'gust: bubblewrap is not installed, so `gust up` will refuse to start with its default namespace sandbox.\n' +
    '      Install it (apt-get install bubblewrap, as root), or start with --sandbox process (weaker isolation).',
);
