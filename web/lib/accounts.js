// The caller's accounts, shared by the pickers, the overview and the accounts page; statuses are
// kept current by status_changed events.
import { createStore, storage } from './store.js';
import { get, session } from './api.js';
import { onLive } from './live.js';

/** {list: AccountView[] | null, status: {id: AccountStatusView}, error} */
export const accounts = createStore({ list: null, status: {}, error: null });
let loading = null;
/** When the last live status of an account arrived (a list fetched earlier must not undo it). */
const liveAt = new Map();

function keepNewer(list, started) {
  const cur = accounts.get().list || [];
  return list.map((a) => {
    if ((liveAt.get(a.id) || 0) <= started) return a;
    const c = cur.find((x) => x.id === a.id);
    return c ? { ...a, status: c.status } : a;
  });
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

/** Fetch the detailed status (last error, next retry, captcha link) of some accounts. */
export async function loadStatuses(ids) {
  const started = Date.now();
  const results = await Promise.allSettled(ids.map((id) => get(`/accounts/${id}/status`)));
  accounts.set((s) => {
    const status = { ...s.status };
    const fresh = new Map();
    results.forEach((r, i) => {
      if (r.status !== 'fulfilled' || (liveAt.get(ids[i]) || 0) > started) return;
      status[ids[i]] = r.value;
      fresh.set(ids[i], r.value.status);
    });
    const list = s.list ? s.list.map((a) => (fresh.has(a.id) ? { ...a, status: fresh.get(a.id) } : a)) : s.list;
    return { ...s, list, status };
  });
}

/** Put an account answer into the list; `started` is when its request was sent. */
export function upsertAccount(a, started = 0) {
  accounts.set((s) => {
    if (!s.list) return s;
    const i = s.list.findIndex((x) => x.id === a.id);
    const next = i >= 0 && (liveAt.get(a.id) || 0) > started ? { ...a, status: s.list[i].status } : a;
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
    accounts.set((s) => ({
      ...s,
      list: s.list ? s.list.map((a) => (a.id === ev.account ? { ...a, status: ev.status.status } : a)) : s.list,
      status: { ...s.status, [ev.account]: { ...(s.status[ev.account] || {}), ...ev.status } },
    }));
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
  accounts.set({ list: null, status: {}, error: null });
});
