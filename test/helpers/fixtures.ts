// Deployment zips of the fixture functions in test/fixtures/functions/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipDirectory } from '../../src/cli/zip-directory.js';
import { FIXTURES } from './gust-process.js';

export function fixtureZip(name: string): Promise<Buffer> {
  return zipDirectory(path.join(FIXTURES, name));
}

/** The C custom runtime, compiled with the machine's gcc into a fresh directory and zipped. */
export function compiledCRuntimeZip(): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-c-runtime-'));
  execFileSync('gcc', ['-O2', '-o', path.join(dir, 'bootstrap'), path.join(FIXTURES, 'custom-c/bootstrap.c')]);
  return zipDirectory(dir);
}
