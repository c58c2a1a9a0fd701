// Before `gust deploy` uploads a directory: the handler's module must be there (the server's own
// check, reused) and must define the handler's function. Lambda itself accepts a missing function
// and fails each invocation with Runtime.HandlerNotFound; the CLI catches the mistake at deploy,
// naming what the module does define. A module whose names cannot be read statically (re-exports,
// `from x import *`, an assigned module.exports) is let through.
import fs from 'node:fs';
import path from 'node:path';
import { checkHandler, handlerModuleFile } from '../control/handler-check.js';
import { isCustomRuntime } from '../invoke/runtime-launch.js';
import { CliError, EXIT } from './client.js';

/** Top-level names a Python module defines: functions, assignments and imported names. */
function pythonNames(source: string): string[] | undefined {
  if (/^from\s+\S+\s+import\s+\*/m.test(source)) return undefined;
  const names = new Set<string>();
  for (const m of source.matchAll(/^(?:async\s+)?def\s+(\w+)\s*\(/gm)) names.add(m[1]);
  for (const m of source.matchAll(/^(\w+)\s*(?::[^=\n]*)?=(?!=)/gm)) names.add(m[1]);
  for (const m of source.matchAll(/^from\s+\S+\s+import\s+\(?([^)\n]+)\)?/gm)) {
    for (const part of m[1].split(',')) names.add(part.trim().split(/\s+as\s+/).pop()!.trim());
  }
  return [...names].filter((n) => /^\w+$/.test(n));
}

/** Names a JavaScript module exports, in ES module or CommonJS style. */
function javascriptNames(source: string): string[] | undefined {
  if (/^\s*export\s+\*\s+from/m.test(source) || /module\.exports\s*=(?!\s*\{)/.test(source) || /\bexports\s*\[/.test(source)) return undefined;
  const names = new Set<string>();
  for (const m of source.matchAll(/\bexport\s+(?:async\s+)?function\s*\*?\s*(\w+)/g)) names.add(m[1]);
  for (const m of source.matchAll(/\bexport\s+(?:const|let|var|class)\s+(\w+)/g)) names.add(m[1]);
  if (/\bexport\s+default\b/.test(source)) names.add('default');
  for (const m of source.matchAll(/\bexport\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) if (part.trim()) names.add(part.trim().split(/\s+as\s+/).pop()!.trim());
  }
  for (const m of source.matchAll(/\b(?:module\.)?exports\.(\w+)\s*=/g)) names.add(m[1]);
  for (const m of source.matchAll(/module\.exports\s*=\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const key = /^\s*(?:async\s+)?(\w+)/.exec(part)?.[1];
      if (key) names.add(key);
    }
  }
  return [...names];
}

/** The names `file` defines, or undefined when they cannot be told without running it. */
export function definedNames(file: string): string[] | undefined {
  const source = fs.readFileSync(file, 'utf8');
  return file.endsWith('.py') ? pythonNames(source) : javascriptNames(source);
}

/** Lambda's conventions: `handler`, else (for Python, as the console's template names it) `lambda_handler`. */
export function guessFunctionName(file: string, preferred: string[]): string {
  const names = fs.existsSync(file) ? definedNames(file) : undefined;
  return preferred.find((n) => names?.includes(n)) ?? preferred[0];
}

export function preflightHandler(dir: string, runtime: string, handler: string): void {
  if (isCustomRuntime(runtime) || runtime.startsWith('java') || runtime.startsWith('dotnet') || runtime.startsWith('ruby')) return;
  try {
    checkHandler(runtime, handler, dir);
  } catch (err) {
    throw new CliError(`${(err as Error).message} Pass --handler MODULE.FUNCTION.`, EXIT.usage);
  }
  const file = handlerModuleFile(runtime, handler, dir)!;
  const fn = handler.slice(handler.lastIndexOf('.') + 1);
  const names = definedNames(file);
  if (names === undefined || names.includes(fn)) return;
  const moduleName = handler.slice(0, handler.lastIndexOf('.'));
  const found = names.length > 0 ? `it defines ${names.join(', ')}` : 'it defines no function';
  const suggestion = names.length > 0 ? ` Pass --handler ${moduleName}.${names.find((n) => /handler/i.test(n)) ?? names[0]}, or` : '';
  throw new CliError(`Handler '${handler}': ${path.relative(dir, file)} has no '${fn}' (${found}).${suggestion} define '${fn}' there.`, EXIT.usage);
}
