// Builds each function's deployment zip: the code directory filtered by the Framework's package
// patterns, a TypeScript handler bundled with esbuild (source maps on), Python requirements
// installed with pip from local wheels. Entries carry a fixed date so unchanged code zips the same.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yazl from 'yazl';
import { CliError, EXIT } from '../client.js';
import { withProgress } from '../progress.js';
import type { Bundle, ProjectFunction } from './project.js';

const run = promisify(execFile);
const FIXED_DATE = new Date('2000-01-01T00:00:00');
/** What the Framework (and SAM) never package, before the project's own patterns. */
const DEFAULT_EXCLUDES = ['.git/**', '.gitignore', '.DS_Store', 'npm-debug.log', 'yarn-*.log', '.serverless/**', '.serverless_plugins/**', '.gust/**', '.aws-sam/**', 'serverless.yml', 'serverless.yaml', 'template.yaml', 'template.yml', 'samconfig.toml'];

export interface Package {
  zip: Buffer;
  /** Lambda's CodeSha256: base64 SHA-256 of the zip. */
  sha256: string;
  /** Environment the package needs (NODE_OPTIONS for source maps). */
  environment: Record<string, string>;
}

/** A glob (`*`, `**`, `?`, `{a,b}`) as a regular expression over a relative path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.lastIndexOf('(?:') > re.lastIndexOf(')')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re.replace(/^\.\//, '')}$`);
}

/** Whether a file is packaged: later patterns win; a pattern naming a directory covers its files. */
export function includedBy(patterns: string[], file: string): boolean {
  let included = true;
  const prefixes = file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  for (const pattern of [...DEFAULT_EXCLUDES.map((p) => `!${p}`), ...patterns]) {
    const negated = pattern.startsWith('!');
    const re = globToRegExp(negated ? pattern.slice(1) : pattern);
    if (prefixes.some((p) => re.test(p))) included = !negated;
  }
  return included;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const stat = fs.statSync(path.join(dir, relPath), { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(relPath);
      else if (stat?.isFile()) out.push(relPath);
    }
  };
  walk('');
  return out;
}

function zipFiles(entries: { rel: string; full?: string; data?: Buffer }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries.sort((a, b) => a.rel.localeCompare(b.rel))) {
    if (e.data) zip.addBuffer(e.data, e.rel, { mtime: FIXED_DATE, mode: 0o100644 });
    else {
      const mode = fs.statSync(e.full!).mode;
      zip.addFile(e.full!, e.rel, { mtime: FIXED_DATE, mode: mode & 0o111 ? 0o100755 : 0o100644 });
    }
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

async function bundle(b: Bundle, runtime: string): Promise<{ rel: string; data: Buffer }[]> {
  const esbuild = await import('esbuild');
  const ext = b.format === 'esm' ? '.mjs' : '.cjs';
  const target = `node${/^nodejs(\d+)/.exec(runtime)?.[1] ?? '20'}`;
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [b.entry],
      bundle: true,
      platform: 'node',
      target,
      format: b.format,
      sourcemap: true,
      write: false,
      outfile: path.join(os.tmpdir(), 'gust-bundle', b.outputModule + ext),
      logLevel: 'silent',
      // ESM output still meets CommonJS dependencies that call require().
      banner: b.format === 'esm' ? { js: "import { createRequire as __gustRequire } from 'node:module'; const require = __gustRequire(import.meta.url);" } : undefined,
    });
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const detail = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('; ');
    throw new CliError(`esbuild could not bundle ${path.basename(b.entry)}: ${detail || (err as Error).message}`, EXIT.failed);
  }
  return result.outputFiles.map((f) => ({ rel: path.posix.join(path.dirname(b.outputModule), path.basename(f.path)).replace(/^\.\//, ''), data: Buffer.from(f.contents) }));
}

/** pip installs requirements.txt into a temporary directory, from PIP_FIND_LINKS only. */
async function pipInstall(codeDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const requirements = path.join(codeDir, 'requirements.txt');
  const wanted = fs.readFileSync(requirements, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-pip-'));
  if (wanted.length === 0) return target;
  if (!env.PIP_FIND_LINKS) {
    throw new CliError(`${requirements} needs ${wanted.join(', ')}, and PIP_FIND_LINKS is not set: point it at a directory of wheels (e.g. made with \`pip download -r requirements.txt -d wheels\` on a machine with internet) and deploy again.`, EXIT.usage);
  }
  const findLinks = env.PIP_FIND_LINKS;
  try {
    await withProgress(`Installing ${path.relative(process.cwd(), requirements) || requirements}`, () => run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements, '-t', target, '--no-index', '--find-links', findLinks], { env, maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    const missing = /No matching distribution found for (\S+)/.exec(stderr)?.[1];
    if (missing) throw new CliError(`pip found no wheel for '${missing}' (from ${requirements}) in PIP_FIND_LINKS=${env.PIP_FIND_LINKS}: add its wheel there (\`pip download ${missing} -d ${env.PIP_FIND_LINKS}\`) and deploy again.`, EXIT.failed);
    throw new CliError(`pip could not install ${requirements}: ${stderr.trim().split('\n').slice(-3).join(' ') || (err as Error).message}`, EXIT.failed);
  }
  return target;
}

/** Zips a whole directory (a layer's content) with the default exclusions. */
export function zipDirectory(dir: string): Promise<Buffer> {
  if (!fs.existsSync(dir)) throw new CliError(`The directory ${dir} does not exist.`, EXIT.usage);
  return zipFiles(listFiles(dir).filter((rel) => includedBy([], rel)).map((rel) => ({ rel, full: path.join(dir, rel) })));
}

/** Builds the zip of one function. */
export async function packageFunction(fn: ProjectFunction, env: NodeJS.ProcessEnv = process.env): Promise<Package> {
  if (!fs.existsSync(fn.codeDir)) throw new CliError(`${fn.key}: the code directory ${fn.codeDir} does not exist.`, EXIT.usage);
  let entries: { rel: string; full?: string; data?: Buffer }[];
  const environment: Record<string, string> = {};
  if (fn.bundle) {
    entries = await bundle(fn.bundle, fn.runtime);
    environment.NODE_OPTIONS = '--enable-source-maps';
  } else {
    entries = listFiles(fn.codeDir)
      .filter((rel) => includedBy(fn.patterns, rel))
      .map((rel) => ({ rel, full: path.join(fn.codeDir, rel) }));
    if (fn.runtime.startsWith('python') && fs.existsSync(path.join(fn.codeDir, 'requirements.txt'))) {
      const installed = await pipInstall(fn.codeDir, env);
      try {
        const own = new Set(entries.map((e) => e.rel));
        for (const rel of listFiles(installed)) if (!own.has(rel) && !rel.includes('__pycache__/')) entries.push({ rel, data: fs.readFileSync(path.join(installed, rel)) });
      } finally {
        fs.rmSync(installed, { recursive: true, force: true });
      }
    }
  }
  if (entries.length === 0) throw new CliError(`${fn.key}: nothing to package in ${fn.codeDir} (check the package patterns).`, EXIT.usage);
  const zip = await zipFiles(entries);
  return { zip, sha256: createHash('sha256').update(zip).digest('base64'), environment };
}
