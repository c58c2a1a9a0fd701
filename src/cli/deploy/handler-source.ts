// Tells whether a Node handler is TypeScript (or asked to be bundled) and where its entry file is:
// `src/handler.hello` with src/handler.ts present is bundled with esbuild, as the Framework's
// esbuild plugin and SAM's `BuildMethod: esbuild` do.
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle } from './project.js';

const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];
const JS_EXTENSIONS = ['.js', '.mjs', '.cjs'];

function splitHandler(handler: string): { module: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  return dot < 0 ? { module: handler, exportName: 'handler' } : { module: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

/** ESM when the project's package.json says "type": "module", as Node would load it. */
function formatOf(dir: string): 'cjs' | 'esm' {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module' ? 'esm' : 'cjs';
  } catch {
    return 'cjs';
  }
}

/**
 * A bundle for a TypeScript handler, or for any Node handler when `force` (SAM esbuild metadata,
 * with its EntryPoints when given); undefined when the sources are zipped as they are.
 */
export function bundleFor(dir: string, handler: string, runtime: string, force?: { entryPoints?: string[]; format?: string }): Bundle | undefined {
  if (!runtime.startsWith('nodejs')) return undefined;
  const { module, exportName } = splitHandler(handler);
  const format = force?.format === 'esm' ? 'esm' : force?.format === 'cjs' ? 'cjs' : formatOf(dir);
  const candidates = force?.entryPoints?.length ? force.entryPoints.map((e) => path.resolve(dir, e)) : TS_EXTENSIONS.map((ext) => path.join(dir, module + ext));
  const entry = candidates.find((f) => fs.existsSync(f));
  if (entry) return { entry, exportName, format, outputModule: module };
  if (!force) return undefined;
  const js = JS_EXTENSIONS.map((ext) => path.join(dir, module + ext)).find((f) => fs.existsSync(f));
  return js ? { entry: js, exportName, format, outputModule: module } : undefined;
}
