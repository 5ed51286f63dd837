// Hash routing: #/path/with/:params?query. The server only serves `/`, so every page lives in
// the fragment. Routes are {path: '/accounts/:id/conversations', load: () => import(...)}.
import { createStore } from './store.js';

function parse(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return { path: path.startsWith('/') ? path : '/' + path, query: Object.fromEntries(new URLSearchParams(qs)), raw };
}

export const route = createStore(parse(location.hash));
window.addEventListener('hashchange', () => route.set(parse(location.hash)));

export function match(routes, path) {
  const segs = path.split('/').filter(Boolean);
  for (const r of routes) {
    const want = r.path.split('/').filter(Boolean);
    if (want.length !== segs.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < want.length; i++) {
      if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(segs[i]);
      else if (want[i] !== segs[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return { route: r, params };
  }
  return null;
}

/** '/orders', {state: 'paid'} → '#/orders?state=paid' */
export function href(path, query) {
  const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '';
  return '#' + path + (qs ? '?' + qs : '');
}

export function navigate(path, query, { replace = false } = {}) {
  const h = href(path, query);
  if (replace) {
    history.replaceState(null, '', h);
    route.set(parse(h));
  } else if (location.hash !== h) location.hash = h;
}

/** Change only the query of the current route (filters), without a new history entry. */
export function setQuery(query) {
  navigate(route.get().path, query, { replace: true });
}
