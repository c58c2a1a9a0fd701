// Unpacking deployment zips: a normal package keeps its tree and modes; every unsafe, corrupt or
// oversized zip is refused with a message for the user and leaves nothing behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import yazl from 'yazl';
import { CodeUnpackError, CORRUPT_ZIP_MESSAGE, unpackZip, type UnpackLimits } from '../../src/control/code-unpack.js';

type Entry = { name: string; data?: string | Buffer; mode?: number; dir?: boolean; stream?: () => Readable };

async function zip(entries: Entry[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) {
    const options = e.mode === undefined ? {} : { mode: e.mode };
    if (e.dir) z.addEmptyDirectory(e.name, options);
    else if (e.stream) z.addReadStream(e.stream(), e.name, options);
    else z.addBuffer(Buffer.from(e.data ?? ''), e.name, options);
  }
  z.end();
  const chunks: Buffer[] = [];
  for await (const chunk of z.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** yazl refuses unsafe names: write a placeholder of the same length and patch the bytes. */
const rename = (buf: Buffer, from: string, to: string) => {
  assert.equal(Buffer.byteLength(from), Buffer.byteLength(to));
  return Buffer.from(buf.toString('latin1').replaceAll(from, Buffer.from(to).toString('latin1')), 'latin1');
};

/** Rewrites fields of the n-th central directory header, which is what yauzl reads. */
function patchEntry(buf: Buffer, index: number, fields: { versionMadeBy?: number; flags?: number; method?: number; uncompressedSize?: number }): Buffer {
  const out = Buffer.from(buf);
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = out.readUInt32LE(eocd + 16);
  for (let i = 0; i < index; i++) at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  if (fields.versionMadeBy !== undefined) out.writeUInt16LE(fields.versionMadeBy, at + 4);
  if (fields.flags !== undefined) out.writeUInt16LE(out.readUInt16LE(at + 8) | fields.flags, at + 8);
  if (fields.method !== undefined) out.writeUInt16LE(fields.method, at + 10);
  if (fields.uncompressedSize !== undefined) out.writeUInt32LE(fields.uncompressedSize, at + 24);
  return out;
}

/** A destination two levels down in a fresh directory, so that an escape would still land where we look. */
function destination() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'unpack-'));
  return { base, dest: path.join(base, 'x', 'y', 'code') };
}

const everything = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();

async function refused(buf: Buffer, message?: string | RegExp, limits?: UnpackLimits) {
  const { base, dest } = destination();
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  let error: unknown;
  await assert.rejects(unpackZip(buf, dest, limits), (err: unknown) => {
    error = err;
    return true;
  });
  assert.ok(error instanceof CodeUnpackError, String(error));
  if (typeof message === 'string') assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
  assert.deepEqual(everything(base), ['x', path.join('x', 'y')], 'nothing is left behind, in the tree or beside it');
  fs.rmSync(base, { recursive: true, force: true });
  return error.message;
}

const modeOf = (file: string) => fs.lstatSync(file).mode & 0o7777;

test('a normal package unpacks with its tree, executable bits and file contents', async () => {
  const entries: Entry[] = [
    { name: 'bootstrap', data: '#!/bin/sh\necho hi\n', mode: 0o100755 },
    { name: 'lib/a/b.js', data: 'module.exports = 1;' },
    { name: 'empty/', dir: true, mode: 0o040700 },
    { name: 'no-mode.txt', data: 'n', mode: 0 },
    { name: 'world.sh', data: 'w', mode: 0o100777 },
    { name: 'private.txt', data: 'p', mode: 0o100600 },
    { name: 'win_a.js', data: 'backslashes from old .NET' },
    { name: 'dos.txt', data: 'made on Windows', mode: 0o120777 },
  ];
  let buf: Buffer = rename(await zip(entries), 'win_a.js', 'win\\a.js');
  buf = patchEntry(buf, 7, { versionMadeBy: 0x0014 }); // an MS-DOS host: its high attribute bits mean nothing
  const { base, dest } = destination();
  const umask = process.umask(0o077);
  try {
    assert.deepEqual(await unpackZip(buf, dest), { files: 7, bytes: 18 + 19 + 1 + 1 + 1 + 25 + 15 });
  } finally {
    process.umask(umask);
  }
  assert.equal(fs.readFileSync(path.join(dest, 'bootstrap'), 'utf8'), '#!/bin/sh\necho hi\n');
  assert.equal(fs.readFileSync(path.join(dest, 'win/a.js'), 'utf8'), 'backslashes from old .NET');
  assert.ok(fs.lstatSync(path.join(dest, 'dos.txt')).isFile());
  const modes = Object.fromEntries(['.', 'bootstrap', 'lib', 'lib/a', 'lib/a/b.js', 'empty', 'no-mode.txt', 'world.sh', 'private.txt', 'win', 'dos.txt'].map((f) => [f, modeOf(path.join(dest, f)).toString(8)]));
  assert.deepEqual(modes, { '.': '755', bootstrap: '755', lib: '755', 'lib/a': '755', 'lib/a/b.js': '644', empty: '755', 'no-mode.txt': '644', 'world.sh': '755', 'private.txt': '644', win: '755', 'dos.txt': '644' });
  assert.deepEqual(fs.readdirSync(path.dirname(dest)), ['code'], 'the temporary directory was renamed, not copied');
  fs.rmSync(base, { recursive: true, force: true });
});

test('setuid, setgid and sticky bits are stripped', async () => {
  const { base, dest } = destination();
  await unpackZip(await zip([{ name: 'suid', data: 'x', mode: 0o104755 }, { name: 'sgid', data: 'x', mode: 0o102755 }, { name: 'sticky', data: 'x', mode: 0o101644 }, { name: 'tmp/', dir: true, mode: 0o041777 }]), dest);
  assert.deepEqual(['suid', 'sgid', 'sticky', 'tmp'].map((f) => modeOf(path.join(dest, f)).toString(8)), ['755', '755', '644', '755']);
  fs.rmSync(base, { recursive: true, force: true });
});

test('corrupt, truncated, empty and non-zip input is refused', async () => {
  await refused(Buffer.from('not a zip at all'), CORRUPT_ZIP_MESSAGE);
  const good = await zip([{ name: 'index.js', data: 'x'.repeat(1000) }]);
  await refused(good.subarray(0, good.length - 30), CORRUPT_ZIP_MESSAGE);
  await refused(Buffer.concat([good, Buffer.from('trailing junk')]), CORRUPT_ZIP_MESSAGE);
  const garbled = Buffer.from(good);
  garbled.fill(0xff, 40, 60); // inside the deflated data of index.js
  await refused(garbled, /Could not unzip uploaded file/);
  await refused(await zip([]), 'Could not unzip uploaded file: it holds no files.');
  await refused(await zip([{ name: 'only/', dir: true }, { name: 'dirs/', dir: true }]), 'Could not unzip uploaded file: it holds no files.');
});

test('paths that would escape the tree are refused', async () => {
  const escape = /^Could not unzip uploaded file: entry ".*" would be written outside the function's directory\.$/;
  await refused(rename(await zip([{ name: 'xx/evil', data: 'x' }]), 'xx/evil', '../evil'), escape);
  await refused(rename(await zip([{ name: 'xetc/evil', data: 'x' }]), 'xetc/evil', '/etc/evil'), escape);
  await refused(rename(await zip([{ name: 'a/xx/xx/evil', data: 'x' }]), 'a/xx/xx/evil', 'a/../../evil'), escape);
  await refused(rename(await zip([{ name: 'xx_evil', data: 'x' }]), 'xx_evil', '..\\evil'), escape);
  await refused(rename(await zip([{ name: 'a_b_c_evil', data: 'x' }]), 'a_b_c_evil', 'a\\..\\..\\ev'), escape);
  await refused(rename(await zip([{ name: 'xxxevil', data: 'x' }]), 'xxxevil', 'C:/evil'), escape);
  await refused(rename(await zip([{ name: 'xxevil', data: 'x' }]), 'xxevil', 'C:evil'), escape);
  await refused(rename(await zip([{ name: 'ok', data: 'x' }, { name: 'a/xx', data: 'x' }]), 'a/xx', 'a/..'), escape);
  await refused(rename(await zip([{ name: 'a_b', data: 'x' }]), 'a_b', 'a\0b'), /NUL character/);
});

test('symlinks: kept inside the tree, refused when they lead out (directly, through another link, or nowhere)', async () => {
  const link = (name: string, target: string): Entry => ({ name, data: target, mode: 0o120777 });
  const out = /points outside the function's directory/;
  await refused(await zip([link('link', '/etc/passwd')]), out);
  await refused(await zip([link('link', '../../..')]), out);
  await refused(await zip([link('a/link', '../..')]), out);
  await refused(await zip([link('escape', '../../../../tmp'), { name: 'escape/pwned', data: 'x' }]), out);
  // Each link is inside on its own; together `e` is root/d/.. = the parent of the tree.
  await refused(await zip([link('d', '.'), link('e', 'd/..')]), out);
  await refused(await zip([link('e', 'd/..'), link('d', '.')]), out);
  // Writing through a link (a zip never needs to): the link and the directory collide.
  await refused(await zip([link('up', '.'), { name: 'up/x', data: 'x' }]), /conflicts with another entry/);
  await refused(await zip([link('dangling', 'missing.js')]), 'Could not unzip uploaded file: symbolic link "dangling" points to "missing.js", which is not in the zip file.');
  await refused(await zip([link('l1', 'l2'), link('l2', 'l1')]), /which is not in the zip file/);
  await refused(await zip([link('long', 'a/'.repeat(2500))]), /has a target longer than 4096 bytes/);

  const { base, dest } = destination();
  const result = await unpackZip(
    await zip([
      { name: 'real.js', data: 'real' },
      link('alias.js', 'real.js'),
      { name: 'lib/tool.js', data: 'tool' },
      link('bin/tool', '../lib/tool.js'),
      { name: 'v1/index.js', data: 'v1' },
      link('current', 'v1'),
    ]),
    dest,
  );
  assert.equal(result.files, 6);
  assert.equal(fs.readlinkSync(path.join(dest, 'alias.js')), 'real.js');
  assert.equal(fs.readFileSync(path.join(dest, 'bin/tool'), 'utf8'), 'tool');
  assert.equal(fs.readFileSync(path.join(dest, 'current/index.js'), 'utf8'), 'v1');
  fs.rmSync(base, { recursive: true, force: true });
});

test('device files, FIFOs and sockets are refused', async () => {
  const special = /is a device, FIFO or socket; only files, directories and symbolic links are allowed\.$/;
  for (const mode of [0o020666, 0o060660, 0o010644, 0o140755]) await refused(await zip([{ name: 'ok.js', data: 'x' }, { name: 'special', data: '', mode }]), special);
});

test('duplicate and colliding entries are refused', async () => {
  await refused(await zip([{ name: 'a.js', data: '1' }, { name: 'a.js', data: '2' }]), 'Could not unzip uploaded file: entry "a.js" appears more than once.');
  await refused(await zip([{ name: 'a', data: '1' }, { name: 'a/', dir: true }]), /appears more than once/);
  await refused(await zip([{ name: 'x/y.js', data: '1' }, { name: 'x/./y.js', data: '2' }]), /appears more than once/);
  await refused(await zip([{ name: 'a', data: '1' }, { name: 'a/b', data: '2' }]), /conflicts with another entry/);
  await refused(await zip([{ name: 'a/b', data: '1' }, { name: 'a', data: '2' }]), /conflicts with another entry/);
});

test('encrypted entries and unknown compression methods are refused', async () => {
  const plain = await zip([{ name: 'index.js', data: 'x'.repeat(100) }]);
  await refused(patchEntry(plain, 0, { flags: 0x1 }), 'Could not unzip uploaded file: entry "index.js" is encrypted.');
  await refused(patchEntry(plain, 0, { method: 12 }), /uses compression method 12; only deflate and store are supported/);
});

let bombZip: Buffer | undefined;
/** 300 MB of zeros that deflate to about 300 KB, streamed so the test never holds them. */
async function bomb(): Promise<Buffer> {
  const chunk = Buffer.alloc(1 << 20);
  let sent = 0;
  bombZip ??= await zip([{ name: 'index.js', data: 'x' }, { name: 'zeros', stream: () => new Readable({ read() { this.push(sent++ < 300 ? chunk : null); } }) }]);
  return bombZip;
}

test('zip bombs: the unzipped size is capped, whatever the headers claim', async () => {
  const buf = await bomb();
  assert.ok(buf.length < 1_000_000, `the bomb is ${buf.length} bytes`);
  const started = Date.now();
  await refused(buf, 'Unzipped size must be smaller than 262144000 bytes');
  assert.ok(Date.now() - started < 2000, 'refused from the headers, without inflating');
  // A header that lies is caught while inflating, after a few bytes rather than 300 MB.
  await refused(patchEntry(buf, 1, { uncompressedSize: 1000 }), 'Could not unzip uploaded file: entry "zeros" does not hold the number of bytes its header declares.');
  const small = { maxUnzippedBytes: 1000, maxEntries: 10 };
  const { base, dest } = destination();
  assert.deepEqual(await unpackZip(await zip([{ name: 'a', data: 'x'.repeat(600) }, { name: 'b', data: 'x'.repeat(400) }]), dest, small), { files: 2, bytes: 1000 });
  fs.rmSync(base, { recursive: true, force: true });
  await refused(await zip([{ name: 'a', data: 'x'.repeat(600) }, { name: 'b', data: 'x'.repeat(401) }]), 'Unzipped size must be smaller than 1000 bytes', small);
});

test('the number of entries is capped', async () => {
  const files = (n: number) => zip(Array.from({ length: n }, (_, i) => ({ name: `f${i}.js`, data: 'x' })));
  const limits = { maxUnzippedBytes: 1e9, maxEntries: 10 };
  const { base, dest } = destination();
  assert.equal((await unpackZip(await files(10), dest, limits)).files, 10);
  fs.rmSync(base, { recursive: true, force: true });
  await refused(await files(11), 'Could not unzip uploaded file: it has 11 entries, more than the 10 allowed.', limits);
});

test('an existing destination is left alone', async () => {
  const { base, dest } = destination();
  fs.mkdirSync(dest, { recursive: true });
  fs.writeFileSync(path.join(dest, 'keep'), 'k');
  await assert.rejects(unpackZip(await zip([{ name: 'a.js', data: 'x' }]), dest), (err: NodeJS.ErrnoException) => err.code === 'EEXIST' && !(err instanceof CodeUnpackError));
  assert.deepEqual(fs.readdirSync(dest), ['keep']);
  fs.rmSync(base, { recursive: true, force: true });
});
