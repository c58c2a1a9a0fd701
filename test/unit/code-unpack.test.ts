// Safe unpacking of deployment zips: what must be refused is refused and leaves nothing behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import yazl from 'yazl';
import { CodeUnpackError, unpackZip } from '../../src/control/code-unpack.js';

type Entry = { name: string; data?: string | Buffer; mode?: number; dir?: boolean };

function zip(entries: Entry[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) {
    if (e.dir) z.addEmptyDirectory(e.name, e.mode ? { mode: e.mode } : {});
    else z.addBuffer(Buffer.from(e.data ?? ''), e.name, e.mode ? { mode: e.mode } : {});
  }
  z.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** yazl refuses unsafe names, so write a same-length placeholder and patch the bytes. */
const rename = (buf: Buffer, from: string, to: string) => Buffer.from(buf.toString('latin1').replaceAll(from, to), 'latin1');

const dest = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unpack-')), 'code');

async function refused(buf: Buffer, limits?: Parameters<typeof unpackZip>[2], message?: RegExp) {
  const d = dest();
  await assert.rejects(unpackZip(buf, d, limits), (err: Error) => {
    assert.ok(err instanceof CodeUnpackError, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
  assert.equal(fs.existsSync(d), false, 'nothing is left behind');
  assert.deepEqual(fs.readdirSync(path.dirname(d)), [], 'no temporary directory either');
}

test('a normal package unpacks with nested directories, and bootstrap stays executable', async () => {
  const d = dest();
  const result = await unpackZip(await zip([{ name: 'bootstrap', data: '#!/bin/sh', mode: 0o100755 }, { name: 'lib/a/b.js', data: 'x' }, { name: 'empty/', dir: true }]), d);
  assert.equal(result.files, 2);
  assert.equal(fs.statSync(path.join(d, 'bootstrap')).mode & 0o777, 0o755);
  assert.equal(fs.statSync(path.join(d, 'lib/a/b.js')).mode & 0o777, 0o644);
  assert.ok(fs.statSync(path.join(d, 'empty')).isDirectory());
});

test('setuid, setgid and sticky bits are stripped', async () => {
  const d = dest();
  await unpackZip(await zip([{ name: 'suid', data: 'x', mode: 0o104755 }]), d);
  assert.equal(fs.statSync(path.join(d, 'suid')).mode & 0o7777, 0o755);
});

test('corrupt, empty and non-zip input is refused', async () => {
  await refused(Buffer.from('not a zip at all'), undefined, /Could not unzip/);
  await refused(await zip([]));
  const good = await zip([{ name: 'index.js', data: 'x'.repeat(1000) }]);
  await refused(good.subarray(0, good.length - 30));
});

test('paths that escape the tree are refused', async () => {
  await refused(rename(await zip([{ name: 'xx/evil', data: 'x' }]), 'xx/evil', '../evil'));
  await refused(rename(await zip([{ name: 'xetc/evil', data: 'x' }]), 'xetc/evil', '/etc/evil'));
  await refused(rename(await zip([{ name: 'a/xx/xx/evil', data: 'x' }]), 'a/xx/xx/evil', 'a/../../evil'));
  await refused(rename(await zip([{ name: 'xx_evil', data: 'x' }]), 'xx_evil', '..\\evil'));
});

test('symlinks out of the tree, and writes through symlinks, are refused; in-tree links are kept', async () => {
  await refused(await zip([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]), undefined, /symlink/);
  await refused(await zip([{ name: 'link', data: '../../..', mode: 0o120777 }]), undefined, /symlink/);
  await refused(await zip([{ name: 'a/b/up', data: '../..', mode: 0o120777 }, { name: 'a/b/up/c/x', data: '../../..', mode: 0o120777 }]));
  await refused(await zip([{ name: 'dir', data: '.', mode: 0o120777 }, { name: 'dir', data: 'x' }]));
  const d = dest();
  await unpackZip(await zip([{ name: 'real.js', data: 'x' }, { name: 'alias.js', data: 'real.js', mode: 0o120777 }]), d);
  assert.equal(fs.readlinkSync(path.join(d, 'alias.js')), 'real.js');
});

test('device files and FIFOs are refused', async () => {
  await refused(await zip([{ name: 'dev', data: '', mode: 0o020666 }]), undefined, /device/);
  await refused(await zip([{ name: 'fifo', data: '', mode: 0o010644 }]), undefined, /device/);
});

test('zip bombs: the real unzipped size and the entry count are capped', async () => {
  const bomb = await zip([{ name: 'zeros', data: Buffer.alloc(3 * 1024 * 1024) }]);
  assert.ok(bomb.length < 10_000, 'the bomb compresses well');
  await refused(bomb, { maxUnzippedBytes: 2 * 1024 * 1024, maxEntries: 100 }, /Unzipped size must be smaller than/);
  await refused(await zip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' }))), { maxUnzippedBytes: 1e9, maxEntries: 10 }, /entries/);
  // A header that lies about the size is caught while inflating.
  const liar = await zip([{ name: 'zeros', data: Buffer.alloc(3 * 1024 * 1024) }]);
  const patched = Buffer.from(liar);
  const central = patched.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  patched.writeUInt32LE(10, central + 24); // uncompressed size in the central directory
  await refused(patched, { maxUnzippedBytes: 2 * 1024 * 1024, maxEntries: 100 });
});
