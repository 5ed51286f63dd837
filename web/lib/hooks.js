// Data hooks shared by the pages.
import { useState, useEffect, useRef, useCallback } from '../vendor/preact-htm.module.js';
import { onLive } from './live.js';

/** Load once (and again when deps change). {data, error, loading, reload, setData} */
export function useAsync(fn, deps = []) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const seq = useRef(0);
  const load = useCallback(() => {
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    return Promise.resolve()
      .then(fn)
      .then(
        (data) => my === seq.current && setState({ data, error: null, loading: false }),
        (error) => my === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
      );
  }, deps);
  useEffect(() => {
    load();
  }, [load]);
  const setData = useCallback((d) => setState((s) => ({ ...s, data: typeof d === 'function' ? d(s.data) : d })), []);
  return { ...state, reload: load, setData };
}

/**
 * A cursor-paginated list ({items, next_cursor}). fetchPage(cursor) returns a page.
 * {items, error, loading, hasMore, loadMore, reload, setItems}
 */
export function usePaged(fetchPage, deps = []) {
  const [state, setState] = useState({ items: [], next: null, loading: true, error: null });
  const seq = useRef(0);
  const cur = useRef(state);
  cur.current = state;
  const reload = useCallback(() => {
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    return fetchPage(null).then(
      (p) => my === seq.current && setState({ items: p.items || [], next: p.next_cursor || null, loading: false, error: null }),
      (error) => my === seq.current && setState((s) => ({ ...s, loading: false, error })),
    );
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  const loadMore = useCallback(() => {
    const s = cur.current;
    if (!s.next || s.loading) return;
    const my = seq.current;
    setState((x) => ({ ...x, loading: true }));
    fetchPage(s.next).then(
      (p) =>
        my === seq.current &&
        setState((x) => ({ items: dedupe([...x.items, ...(p.items || [])]), next: p.next_cursor || null, loading: false, error: null })),
      (error) => my === seq.current && setState((x) => ({ ...x, loading: false, error })),
    );
  }, deps);
  const setItems = useCallback((f) => setState((s) => ({ ...s, items: typeof f === 'function' ? f(s.items) : f })), []);
  return { items: state.items, error: state.error, loading: state.loading, hasMore: !!state.next, loadMore, reload, setItems };
}

function dedupe(items) {
  const seen = new Set();
  return items.filter((it) => {
    const k = it && (it.id ?? it.item_id);
    if (k == null) return true;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Subscribe to live events while mounted. The handler may change between renders. */
export function useLive(handler) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => onLive((ev) => ref.current(ev)), []);
}

/** Re-render every `ms` (countdowns). */
export function useTick(ms = 1000, active = true) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms, active]);
  return now;
}

/** A function that runs `fn` at most once per `ms`, trailing. */
export function useDebounced(fn, ms = 500) {
  const ref = useRef(fn);
  ref.current = fn;
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => ref.current(), ms);
  }, [ms]);
}

/** Items of an array endpoint, shown `step` at a time (client-side "show more"). */
export function useShowMore(items, step = 50) {
  const [n, setN] = useState(step);
  const list = items || [];
  return { shown: list.slice(0, n), hasMore: list.length > n, more: () => setN((x) => x + step), total: list.length };
}
