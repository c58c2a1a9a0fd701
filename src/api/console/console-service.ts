// The web console's static files at /console (prebuilt into console/dist by `npm run
// build:console`). They need no signature: the page asks for an access key and signs its own API
// calls in the browser, so no new way in is opened. Registered as a service whose path prefix the
// dispatcher recognises before the HTTP gateway, so no function route can shadow it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GustError, invalidParameter } from '../../errors.js';
import type { OperationContext, RestService } from '../service.js';

/** Where the built console lives: console/dist at the package root (same depth from src/ and dist/). */
export const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../console/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Scripts and styles only from Gust itself, API calls only to it, no frames, no plugins, no
 * inline script. Style attributes set from script (uPlot, Preact) are CSSOM, which CSP allows.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
}

/** Reads the built files once: the set of servable paths is exactly what is in the directory. */
export function loadConsoleAssets(dir = CONSOLE_DIST): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (sub: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, sub), { withFileTypes: true });
    } catch {
      return; // not built: the console answers that it is missing
    }
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile() && TYPES[path.extname(e.name)]) assets.set(rel, { body: fs.readFileSync(path.join(dir, rel)), type: TYPES[path.extname(e.name)] });
    }
  };
  walk('');
  return assets;
}

export function consoleService(dir = CONSOLE_DIST): RestService {
  let assets: Map<string, Asset> | undefined;
  const serve = async (ctx: OperationContext) => {
    assets ??= loadConsoleAssets(dir);
    const rel = ctx.params['*'] ?? '';
    const asset = assets.get(rel === '' ? 'index.html' : rel);
    if (!asset) {
      throw new GustError('ResourceNotFoundException', assets.size === 0 ? 'The console is not built: run npm run build:console.' : `No console file ${rel.slice(0, 100)}.`);
    }
    ctx.res.writeHead(200, {
      'Content-Type': asset.type,
      'Content-Length': asset.body.length,
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      // Built files carry a content hash in their names; the page itself is always revalidated.
      'Cache-Control': rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : asset.body);
  };
  return {
    name: 'console',
    protocol: 'rest-json',
    signingServices: [],
    pathPrefixes: ['/console'],
    defaultBodyLimit: { bytes: 0, message: 'The console takes no request body.' },
    unknownOperation: (what) => new GustError('ResourceNotFoundException', `No console page at ${what}.`),
    badEncoding: (p) => invalidParameter(`The path '${p.slice(0, 200)}' is not valid percent-encoding.`),
    isPublic: () => true,
    operations: [
      { name: 'ConsolePage', method: 'GET', path: '/console', handle: serve },
      { name: 'ConsoleFile', method: 'GET', path: '/console/*', handle: serve },
      { name: 'ConsolePageHead', method: 'HEAD', path: '/console', handle: serve },
      { name: 'ConsoleFileHead', method: 'HEAD', path: '/console/*', handle: serve },
    ],
  };
}
