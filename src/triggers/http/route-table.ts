// HTTP routes as API Gateway reads them: `METHOD /path` with literal segments, `{param}`
// segments, a greedy `{proxy+}` last segment, `ANY` for every method, and `$default` for
// whatever nothing else matches. The most specific route wins.
import { invalidParameter } from '../../errors.js';

export interface Route {
  id: string;
  method: string;
  /** The path template, or '$default'. */
  path: string;
  functionName: string;
  payloadFormat: '1.0' | '2.0';
}

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const SEGMENT = /^(?:[A-Za-z0-9._~!$&'()*,;=:@-]+|\{[A-Za-z_][A-Za-z0-9_]*\}|\{[A-Za-z_][A-Za-z0-9_]*\+\})$/;

/** Checks a route's method and path; returns the shape used to detect colliding routes. */
export function validateRoute(method: string, path: string): string {
  const m = method.toUpperCase();
  if (!METHODS.has(m)) throw invalidParameter(`Method must be one of ${[...METHODS].join(', ')}; got '${method.slice(0, 20)}'.`);
  if (path === '$default') return `${m} $default`;
  if (!path.startsWith('/')) throw invalidParameter(`Path must start with '/' (or be $default); got '${path.slice(0, 100)}'.`);
  const segments = path === '/' ? [] : path.slice(1).split('/');
  const names = new Set<string>();
  segments.forEach((segment, i) => {
    if (!SEGMENT.test(segment)) throw invalidParameter(`Path segment '${segment.slice(0, 50)}' is not valid: use literals, {name} or a final {name+}.`);
    if (segment.endsWith('+}') && i !== segments.length - 1) throw invalidParameter('A greedy {name+} segment must be the last one.');
    if (segment.startsWith('{')) {
      const name = segment.replace(/[{}+]/g, '');
      if (names.has(name)) throw invalidParameter(`Path parameter '${name}' appears twice.`);
      names.add(name);
    }
  });
  // Routes that differ only in their parameters' names would match the same requests.
  return `${m} /${segments.map((s) => (s.endsWith('+}') ? '{+}' : s.startsWith('{') ? '{}' : s)).join('/')}`;
}

/** Specificity of a route for a request: higher wins. */
function score(route: Route, requestMethod: string): number {
  const methodScore = route.method === requestMethod ? 1 : 0;
  if (route.path === '$default') return -1;
  const segments = route.path === '/' ? [] : route.path.slice(1).split('/');
  let s = 0;
  for (const seg of segments) s = s * 4 + (seg.endsWith('+}') ? 1 : seg.startsWith('{') ? 2 : 3);
  return s * 2 + methodScore;
}

function matchPath(template: string, path: string): Record<string, string> | null {
  if (template === '$default') return {};
  const t = template === '/' ? [] : template.slice(1).split('/');
  const p = path === '/' ? [] : path.slice(1).split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i];
    if (seg.endsWith('+}')) {
      if (i >= p.length || p.slice(i).join('/') === '') return null;
      params[seg.slice(1, -2)] = p.slice(i).map(safeDecode).join('/');
      return params;
    }
    if (i >= p.length) return null;
    if (seg.startsWith('{')) {
      if (p[i] === '') return null;
      params[seg.slice(1, -1)] = safeDecode(p[i]);
    } else if (seg !== p[i]) return null;
  }
  return t.length === p.length ? params : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function findRoute(routes: Route[], method: string, path: string): RouteMatch | null {
  let best: RouteMatch | null = null;
  let bestScore = -Infinity;
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    const params = matchPath(route.path, path);
    if (!params) continue;
    const s = score(route, method);
    if (s > bestScore) {
      best = { route, pathParameters: params };
      bestScore = s;
    }
  }
  return best;
}
