// Checks at deploy time that the code can be started: the handler's module file exists (Node,
// Python) or an executable bootstrap does (custom runtimes). A mistake is refused before it is
// stored, instead of failing every invocation later.
import fs from 'node:fs';
import path from 'node:path';
import { invalidParameter } from '../errors.js';
import { hasBootstrap, isCustomRuntime } from '../invoke/runtime-launch.js';

const exists = (file: string) => fs.existsSync(file);

/** `layerDirs`: the unpacked layers; a custom runtime's bootstrap may come from one (/opt/bootstrap). */
export function checkHandler(runtime: string, handler: string, codeDir: string, layerDirs: readonly string[] = []): void {
  if (isCustomRuntime(runtime)) {
    if (!hasBootstrap(codeDir) && !layerDirs.some(hasBootstrap)) {
      throw invalidParameter(`Runtime ${runtime} needs an executable file named 'bootstrap' at the root of the deployment package or of one of its layers.`);
    }
    return;
  }
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) throw invalidParameter(`Handler '${handler}' must have the form 'module.function', for example 'index.handler'.`);
  const modulePath = handler.slice(0, dot);
  if (modulePath.split('/').includes('..') || path.isAbsolute(modulePath)) throw invalidParameter(`Handler '${handler}' must name a file inside the deployment package.`);

  if (handlerModuleFile(runtime, handler, codeDir) !== undefined) return;
  throw invalidParameter(`Handler file for '${handler}' not found in the deployment package (looked for ${moduleCandidates(runtime, modulePath).join(', ')}).`);
}

function moduleCandidates(runtime: string, modulePath: string): string[] {
  return runtime.startsWith('python')
    ? [`${modulePath.replaceAll('.', '/')}.py`, `${modulePath.replaceAll('.', '/')}/__init__.py`, `${modulePath}.py`]
    : [`${modulePath}.js`, `${modulePath}.mjs`, `${modulePath}.cjs`];
}

/** The file a `module.function` handler is loaded from, as the runtime looks for it; undefined if none is there. */
export function handlerModuleFile(runtime: string, handler: string, codeDir: string): string | undefined {
  const modulePath = handler.slice(0, handler.lastIndexOf('.'));
  const roots = [codeDir, ...(runtime.startsWith('nodejs') ? [] : [path.join(codeDir, 'python')])];
  for (const root of roots) for (const c of moduleCandidates(runtime, modulePath)) if (exists(path.join(root, c))) return path.join(root, c);
  return undefined;
}
