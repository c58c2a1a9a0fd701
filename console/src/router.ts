// Hash routes (#/functions/NAME/tab), so that the page Gust serves is one file and links survive reloads.
import { useEffect, useState } from 'preact/hooks';

export type Route = { page: 'functions' } | { page: 'function'; name: string; tab: string } | { page: 'usage' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  if (parts[0] === 'functions' && parts[1]) return { page: 'function', name: parts[1], tab: parts[2] || 'overview' };
  if (parts[0] === 'usage') return { page: 'usage' };
  return { page: 'functions' };
}

export const href = {
  functions: () => '#/functions',
  fn: (name: string, tab = 'overview') => `#/functions/${encodeURIComponent(name)}/${tab}`,
  usage: () => '#/usage',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
