// Run before `npm test`: the Debian packages the tests drive, installed when missing (as root on
// a machine with apt-get), so that `npm test` alone passes on a fresh machine. Otherwise it says
// what to install. Each check is what the tests use: curl and gcc (custom-runtime bootstraps),
// Debian's python3 with prometheus_client (the metrics test's parser), chromium (the console test),
// zsh (the completion test).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const has = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const missing = [];
if (!has('bwrap')) missing.push('bubblewrap');
if (!has('curl')) missing.push('curl');
if (!has('gcc')) missing.push('gcc', 'libc6-dev');
if (!has('/usr/bin/python3', ['-c', 'import prometheus_client'])) missing.push('python3-prometheus-client');
if (!fs.existsSync('/usr/bin/chromium')) missing.push('chromium');
if (!has('zsh')) missing.push('zsh');
if (missing.length === 0 || process.platform !== 'linux') process.exit(0);

if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
  console.log(`gust tests: installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env }).status === 0) process.exit(0);
}
console.warn(`gust tests: some tests need Debian packages that are missing: apt-get install ${missing.join(' ')}`);
