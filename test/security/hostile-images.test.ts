// Hostile container images: layers that reach outside the image with '..', write through a
// symbolic link pointing out, white out a path outside, carry device nodes, hard-link to a host
// file, or promise a huge (sparse) file. Each is refused, nothing is written outside the image,
// and no image is filed; the server answers InvalidParameterValueException and keeps running.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { imageArchive } from '../../src/cli/images.js';
import { ImageUnpackError } from '../../src/control/image-unpack.js';
import { ImageStore } from '../../src/storage/image-store.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { layerTar, writeOciLayout, type LayerEntry } from '../helpers/image-builder.js';

const run = promisify(execFile);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-hostile-images-'));
/** A directory outside the data directory that the hostile layers aim at. */
const outside = path.join(work, 'outside');
const victim = path.join(outside, 'victim.txt');
let n = 0;

function freshOutside() {
  fs.rmSync(outside, { recursive: true, force: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(victim, 'untouched');
}

function snapshot(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

/** Imports an image whose one layer (after a harmless base) is `entries`; expects a refusal matching `reason`. */
async function refused(entries: LayerEntry[], reason: RegExp, limits?: { maxBytes: number; maxEntries: number }) {
  freshOutside();
  const dataDir = path.join(work, `data-${n++}`);
  const store = new ImageStore(dataDir, limits);
  const layout = path.join(work, `layout-${n}`);
  const base = await layerTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/hosts', content: '127.0.0.1 localhost\n' }]);
  writeOciLayout(layout, { layers: [base, await layerTar(entries)], config: { Cmd: ['/bin/true'] } });
  await assert.rejects(store.import(await imageArchive(layout), ['evil:1']), (err: Error) => {
    assert.ok(err instanceof ImageUnpackError, String(err));
    assert.match(err.message, reason);
    return true;
  });
  assert.deepEqual(snapshot(outside), ['victim.txt'], 'nothing written outside the image');
  assert.equal(fs.readFileSync(victim, 'utf8'), 'untouched');
  assert.deepEqual(store.list(), [], 'no image filed');
  assert.deepEqual(fs.readdirSync(path.join(dataDir, 'images')), [], 'no unpacked tree or scratch left behind');
}

after(() => fs.rmSync(work, { recursive: true, force: true }));

describe('hostile image layers', () => {
  test("'..' in an entry name", () => refused([{ name: `../../../../../../..${outside}/pwned`, content: 'x' }], /leads outside the image/));
  test('an absolute entry name', () => refused([{ name: `${outside}/pwned`, content: 'x' }], /absolute path/));
  test('a file written through an absolute symbolic link that points out', () =>
    refused([{ name: 'escape', type: 'symlink', linkname: outside }, { name: 'escape/pwned', content: 'x' }], /through the symbolic link "escape"/));
  test('a file written through a relative symbolic link that points out', () =>
    refused([{ name: 'etc/up', type: 'symlink', linkname: '../../../../../../../../..' + outside }, { name: 'etc/up/pwned', content: 'x' }], /through the symbolic link/));
  test('a whiteout of a path outside, by name and through a link', async () => {
    await refused([{ name: `../../../../../../..${outside}/.wh.victim.txt`, content: '' }], /leads outside/);
    await refused([{ name: 'out', type: 'symlink', linkname: outside }, { name: 'out/.wh.victim.txt', content: '' }], /through the symbolic link/);
    await refused([{ name: 'etc/.wh...', content: '' }], /names no file/);
  });
  test('an opaque whiteout under a link that points out', () =>
    refused([{ name: 'out', type: 'symlink', linkname: outside }, { name: 'out/.wh..wh..opq', content: '' }], /through the symbolic link/));
  test('device nodes and FIFOs', async () => {
    await refused([{ name: 'dev-null', type: 'character-device' }], /device or FIFO/);
    await refused([{ name: 'pipe', type: 'fifo' }], /device or FIFO/);
  });
  test('a hard link to a file outside the image', async () => {
    await refused([{ name: 'stolen', type: 'link', linkname: victim.slice(1) }], /not a file earlier in the image/);
    await refused([{ name: 'stolen', type: 'link', linkname: `../../../../../..${victim}` }], /leads outside/);
  });
  test('a huge file, declared but never sent (as a sparse file would expand)', () => refused([{ name: 'huge', type: 'raw-size', size: 11 * 1024 ** 3 }], /more than 10737418240 bytes/));
  test('more bytes than the limit, actually sent', () =>
    refused([{ name: 'a', content: Buffer.alloc(4096) }, { name: 'b', content: Buffer.alloc(4096) }], /more than 6000 bytes/, { maxBytes: 6000, maxEntries: 100 }));
});

describe('whiteouts honoured within the image', () => {
  test('a .wh. file removes a lower file, an opaque whiteout empties a lower directory', async () => {
    const store = new ImageStore(path.join(work, 'data-wh'));
    const layout = path.join(work, 'layout-wh');
    const lower = await layerTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/gone', content: 'x' },
      { name: 'etc/kept', content: 'x' },
      { name: 'opt/', type: 'directory' },
      { name: 'opt/old', content: 'x' },
      { name: 'data', content: 'same inode' },
      { name: 'data-link', type: 'link', linkname: 'data' },
      { name: 'abs', type: 'symlink', linkname: '/etc/kept' },
    ]);
    const upper = await layerTar([
      { name: 'etc/.wh.gone', content: '' },
      { name: 'opt/.wh..wh..opq', content: '' },
      { name: 'opt/new', content: 'y' },
    ]);
    writeOciLayout(layout, { layers: [lower, upper], config: { Cmd: ['/x'] } });
    const { image } = await store.import(await imageArchive(layout), ['ok:1']);
    const root = store.rootfsOf(image.id);
    assert.deepEqual(snapshot(root), ['abs', 'data', 'data-link', 'etc', 'etc/kept', 'opt', 'opt/new']);
    assert.equal(fs.statSync(path.join(root, 'data')).ino, fs.statSync(path.join(root, 'data-link')).ino);
    // Kept as the image wrote it: inside the sandbox it resolves within the image's root.
    assert.equal(fs.readlinkSync(path.join(root, 'abs')), '/etc/kept');
  });
});

describe('through the server', () => {
  let gust: GustProcess;
  before(async () => {
    gust = await startGust();
  });
  after(async () => gust?.stop());

  test('gust image import of a hostile archive fails with InvalidParameterValueException; the server keeps serving', async () => {
    freshOutside();
    const layout = path.join(work, 'layout-server');
    writeOciLayout(layout, { layers: [await layerTar([{ name: 'escape', type: 'symlink', linkname: outside }, { name: 'escape/pwned', content: 'x' }])], config: { Cmd: ['/x'] } });
    const cli = (...args: string[]) => run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args]);
    await assert.rejects(cli('image', 'import', layout, '--name', 'evil:1'), (err: Error & { stderr: string }) => {
      assert.match(err.stderr, /InvalidParameterValueException: The image was refused: entry "escape\/pwned" would be written through the symbolic link "escape"/);
      return true;
    });
    assert.deepEqual(snapshot(outside), ['victim.txt']);
    await assert.rejects(cli('image', 'import', fileURLToPath(import.meta.url)), /not a tar archive of an image|neither manifest.json/);
    assert.deepEqual(JSON.parse((await cli('--json', 'image', 'ls')).stdout), [], 'nothing filed, and the server still answers');
  });
});
