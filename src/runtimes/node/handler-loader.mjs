// Finds and loads the function's handler from _HANDLER ("[dir/]module.export[.nested]") the way
// Lambda's Node.js runtime does: extensionless file, `.js` (CommonJS unless the nearest
// package.json says "type": "module"), `.mjs`, `.cjs`, then Node's own module resolution.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerNotFound, ImportModuleError, MalformedHandlerName, UserCodeSyntaxError } from './errors.mjs';

const require = createRequire(import.meta.url);
const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;

const requireIfExists = (file) => (fs.existsSync(file) ? require(file) : undefined);
const importIfExists = async (file) => (fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined);

/** Is `.js` in `folder` an ES module? The nearest package.json decides; node_modules stops the search. */
function folderIsModuleType(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try {
      return JSON.parse(fs.readFileSync(pj, 'utf8'))?.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return folderIsModuleType(path.resolve(folder, '..'));
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const file = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = requireIfExists(file);
  if (extensionless) return extensionless;

  const jsIsModule = fs.existsSync(`${file}.js`) && folderIsModuleType(path.dirname(`${file}.js`));
  if (!jsIsModule) {
    const loaded = requireIfExists(`${file}.js`);
    if (loaded) return loaded;
  }
  const loaded = (jsIsModule && (await importIfExists(`${file}.js`))) || (await importIfExists(`${file}.mjs`)) || requireIfExists(`${file}.cjs`);
  if (loaded) return loaded;

  // Node's resolution from the code directory (node_modules, NODE_PATH): a plain require()
  // would resolve relative to this file, not to the function's code.
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

/** The handler function, or throws the error Lambda reports for the failure. */
export async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const moduleAndHandler = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(moduleAndHandler));
  const match = moduleAndHandler.match(FUNCTION_EXPR);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;

  let app;
  try {
    app = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
  const handler = handlerPath.split('.').reduce((nested, key) => nested && nested[key], app);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler;
}
