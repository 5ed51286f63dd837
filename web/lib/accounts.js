// The caller's accounts, shared by the pickers, the overview and the accounts page. Each account
// carries its connection details (status, last_error, next_retry_at, captcha_url); status_changed
// events keep them current.
import { createStore, storage } from './store.js';
import { get, session } from './api.js';
import { onLive } from './live.js';

/** {list: AccountView[] | null, error} */
export const accounts = createStore({ list: null, error: null });
let loading = null;
/** When the last live status of an account arrived (a list fetched earlier must not undo it). */
const liveAt = new Map();

/** The connection fields of an account, the ones a live status_changed event replaces. */
const LIVE_FIELDS = ['status', 'last_error', 'next_retry_at', 'captcha_url'];
function liveFields(a) {
  const o = {};
  for (const k of LIVE_FIELDS) o[k] = a[k] ?? null;
  return o;
}

/** `a` as fetched, keeping the live fields of `cur` when a live event came after `started`. */
function keepLive(a, cur, started) {
  return cur && (liveAt.get(a.id) || 0) > started ? { ...a, ...liveFields(cur) } : a;
}

function keepNewer(list, started) {
  const cur = accounts.get().list || [];
  return list.map((a) => keepLive(a, cur.find((x) => x.id === a.id), started));
}

let loadedAt = 0;

/** Load every account (force: again even if loaded; 'stale': again when older than 30 s). */
export function loadAccounts(force = false) {
  if (force === 'stale') force = !loading && Date.now() - loadedAt > 30000;
  if (loading && !force) return loading;
  if (accounts.get().list && !force) return Promise.resolve(accounts.get().list);
  const started = Date.now();
  loading = (async () => {
    const all = [];
    let cursor = null;
    for (let i = 0; i < 20; i++) {
      const page = await get('/accounts', { limit: 100, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    loadedAt = Date.now();
    accounts.set((s) => ({ ...s, list: keepNewer(all, started), error: null }));
    return all;
  })().catch((error) => {
    accounts.set((s) => ({ ...s, error }));
    throw error;
  });
  loading.finally(() => (loading = null));
  return loading;
}

/** Fetch one account again (after adding it or replacing its cookie: it connects anew). */
export async function refreshAccount(id) {
  const started = Date.now();
  try {
    upsertAccount(await get(`/accounts/${id}`), started);
  } catch {
    /* the list shows what it has; live events follow */
  }
}

/** Put an account answer into the list; `started` is when its request was sent. */
export function upsertAccount(a, started = 0) {
  accounts.set((s) => {
    if (!s.list) return s;
    const i = s.list.findIndex((x) => x.id === a.id);
    const next = keepLive(a, s.list[i], started);
    const list = i < 0 ? [...s.list, next] : s.list.map((x) => (x.id === a.id ? next : x));
    return { ...s, list };
  });
}

export function removeAccount(id) {
  accounts.set((s) => ({ ...s, list: s.list ? s.list.filter((x) => x.id !== id) : s.list }));
}

export function accountLabel(a) {
  if (!a) return '';
  return a.remark ? `${a.remark} · ${a.xianyu_user_id}` : a.xianyu_user_id;
}

const KEY = 'xy.account';
export function rememberedAccount() {
  const v = Number(storage.get(KEY));
  return Number.isFinite(v) && v > 0 ? v : null;
}
export function rememberAccount(id) {
  storage.set(KEY, id ? String(id) : null);
}

onLive((ev) => {
  if (ev.type === 'status_changed' && ev.status) {
    liveAt.set(ev.account, Date.now());
    // The event carries the runner's status (times in epoch ms); the list keeps RFC 3339.
    const st = ev.status;
    const live = {
      status: st.status,
      last_error: st.last_error ?? null,
      next_retry_at: st.next_retry_at != null ? new Date(st.next_retry_at).toISOString() : null,
      captcha_url: st.captcha_url ?? null,
    };
    accounts.set((s) => ({ ...s, list: s.list ? s.list.map((a) => (a.id === ev.account ? { ...a, ...live } : a)) : s.list }));
  }
  if (ev.type === 'resync') {
    loadAccounts(true).catch(() => {});
  }
});

// Another user (or none) after a login/logout: forget the previous user's accounts.
let lastToken = session.get().token;
session.subscribe((s) => {
  if (s.token === lastToken) return;
  lastToken = s.token;
  loadedAt = 0;
  liveAt.clear();
  accounts.set({ list: null, error: null });
});
