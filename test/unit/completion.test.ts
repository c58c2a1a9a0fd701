// Shell completion generated from a commander tree: the table holds exactly the tree's commands
// and options, and the generated bash function completes a command line the way the tree says
// (options that take a value swallow the next word; global options may come anywhere).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { Command } from 'commander';
import { completionScript, completionTree } from '../../src/cli/completion.js';

function program(): Command {
  const p = new Command('gust').option('--endpoint <url>').option('--json');
  p.command('deploy [path]').option('-n, --name <name>').option('--dry-run');
  const route = p.command('route');
  route.command('add <method> <path> <function>').option('--payload-format <version>');
  route.command('ls');
  p.command('secret').command('hidden', { hidden: true });
  return p;
}

test('the tree lists each path with its subcommands, flags, and the flags that take a value', () => {
  const tree = completionTree(program());
  assert.deepEqual(tree.get(''), { commands: ['deploy', 'route', 'secret'], options: ['--endpoint', '--json', '--help'], optionsWithValue: ['--endpoint'] });
  assert.deepEqual(tree.get('deploy'), { commands: [], options: ['--name', '-n', '--dry-run'], optionsWithValue: ['--name', '-n'] });
  assert.deepEqual(tree.get('route')?.commands, ['add', 'ls']);
  assert.deepEqual(tree.get('secret')?.commands, [], 'hidden commands are not offered');
  assert.equal(tree.has('secret hidden'), false);
});

function bashComplete(words: string[]): string[] {
  const script = completionScript('bash', program());
  const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gust_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', line], { cwd: '/', encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

test('bash: subcommands, then options after a dash, global options too', () => {
  assert.deepEqual(bashComplete(['gust', '']), ['deploy', 'route', 'secret']);
  assert.deepEqual(bashComplete(['gust', 'ro']), ['route']);
  assert.deepEqual(bashComplete(['gust', 'route', '']), ['add', 'ls']);
  assert.deepEqual(bashComplete(['gust', 'route', 'add', '--p']), ['--payload-format']);
  assert.deepEqual(bashComplete(['gust', 'route', 'add', '--']), ['--endpoint', '--help', '--json', '--payload-format']);
});

test('bash: a value option swallows its value, wherever it stands', () => {
  // "route" here is the value of --endpoint, not the command: the top level is still offered.
  assert.deepEqual(bashComplete(['gust', '--endpoint', 'route', '']), ['deploy', 'route', 'secret']);
  assert.deepEqual(bashComplete(['gust', '--endpoint=http://x', 'route', '']), ['add', 'ls']);
  assert.deepEqual(bashComplete(['gust', '--json', 'route', '']), ['add', 'ls']);
  // After a value option, or past the last subcommand, the shell's own file completion applies.
  assert.deepEqual(bashComplete(['gust', 'deploy', '--name', 'e']), bashFiles('e'));
  assert.deepEqual(bashComplete(['gust', 'deploy', 'e']), bashFiles('e'));
});

const bashFiles = (prefix: string) => execFileSync('bash', ['-c', `compgen -f -- '${prefix}'`], { cwd: '/', encoding: 'utf8' }).split('\n').filter(Boolean).sort();

const hasZsh = ['/usr/bin/zsh', '/bin/zsh'].some((p) => fs.existsSync(p));

/** What _gust hands compadd for `words` (compadd itself filters by the typed prefix), or FILES. */
function zshComplete(words: string[]): string[] {
  const script = completionScript('zsh', program());
  const line = `compdef() { :; }\n${script}\ncompadd() { shift; print -l -- "$@"; }; _files() { print FILES; }\nwords=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _gust`;
  return execFileSync('zsh', ['-f', '-c', line], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

test('zsh: the same walk, with zsh arrays (run when zsh is installed)', { skip: !hasZsh && 'zsh is not installed' }, () => {
  assert.deepEqual(zshComplete(['gust', '']), ['deploy', 'route', 'secret']);
  assert.deepEqual(zshComplete(['gust', '--endpoint', 'route', '']), ['deploy', 'route', 'secret']);
  assert.deepEqual(zshComplete(['gust', '--json', 'route', '']), ['add', 'ls']);
  assert.deepEqual(zshComplete(['gust', 'route', 'add', '--']), ['--endpoint', '--help', '--json', '--payload-format']);
  assert.deepEqual(zshComplete(['gust', 'deploy', '--name', '']), ['FILES']);
});

test('zsh: the same table, a compdef function, and an unknown shell is a usage error', () => {
  const script = completionScript('zsh', program());
  assert.match(script, /^#compdef gust$/m);
  assert.match(script, /'route'\) REPLY='add ls' ;;/);
  assert.match(script, /compdef _gust gust/);
  assert.throws(() => completionScript('fish', program()), /bash and zsh/);
});
