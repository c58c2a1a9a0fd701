// Finds and loads the function's handler from _HANDLER ("dir/module.export[.nested]") under
// LAMBDA_TASK_ROOT: CommonJS or ES module (.js by the nearest package.json "type", .mjs, .cjs).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InitError } from './errors.mjs';

function splitHandler(handler) {
  const slash = handler.lastIndexOf('/') + 1;
  const dot = handler.indexOf('.', slash);
  if (dot === -1 || dot === slash || dot === handler.length - 1) {
    throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${handler}`);
  }
  return { modulePath: handler.slice(0, dot), exportPath: handler.slice(dot + 1) };
}

function findModuleFile(root, modulePath) {
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const file = path.resolve(root, modulePath + ext);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

export async function loadHandler(root, handler) {
  const { modulePath, exportPath } = splitHandler(handler);
  const file = findModuleFile(root, modulePath);
  if (!file) {
    throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'\nRequire stack:\n- ${import.meta.url.replace('file://', '')}`);
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError) throw new InitError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, err);
    if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') throw new InitError('Runtime.ImportModuleError', `Error: ${err.message}`, err);
    throw err;
  }
  const parts = exportPath.split('.');
  const pick = (root) => parts.reduce((obj, key) => (obj == null ? undefined : obj[key]), root);
  const fn = pick(mod) ?? pick(mod.default);
  if (typeof fn !== 'function') {
    throw new InitError('Runtime.HandlerNotFound', `${path.basename(modulePath)}.${exportPath} is undefined or not exported`);
  }
  return fn;
}
