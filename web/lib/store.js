// A tiny observable value and the hook that re-renders a component when it changes.
import { useLayoutEffect, useReducer } from '../vendor/preact-htm.module.js';

export function createStore(initial) {
  let value = initial;
  const subs = new Set();
  return {
    get: () => value,
    set(next) {
      const v = typeof next === 'function' ? next(value) : next;
      if (Object.is(v, value)) return;
      value = v;
      for (const fn of [...subs]) fn(value);
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

export function useStore(store) {
  const [, force] = useReducer((x) => x + 1, 0);
  useLayoutEffect(() => store.subscribe(() => force()), [store]);
  return store.get();
}

/** localStorage that never throws (private mode, blocked storage). */
export const storage = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      if (value == null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch {
      /* ignore */
    }
  },
};
