// The caller's accounts, shared by the pickers, the overview and the accounts page; statuses are
// kept current by status_changed events.
import { createStore, storage } from './store.js';
import { get } from './api.js';
import { onLive } from './live.js';

/** {list: AccountView[] | null, status: {id: AccountStatusView}, error} */
export const accounts = createStore({ list: null, status: {}, error: null });
let loading = null;

export function loadAccounts(force = false) {
  if (loading && !force) return loading;
  if (accounts.get().list && !force) return Promise.resolve(accounts.get().list);
  loading = (async () => {
    const all = [];
    let cursor = null;
    for (let i = 0; i < 20; i++) {
      const page = await get('/accounts', { limit: 100, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    accounts.set((s) => ({ ...s, list: all, error: null }));
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
  const results = await Promise.allSettled(ids.map((id) => get(`/accounts/${id}/status`)));
  accounts.set((s) => {
    const status = { ...s.status };
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') status[ids[i]] = r.value;
    });
    return { ...s, status };
  });
}

export function upsertAccount(a) {
  accounts.set((s) => {
    if (!s.list) return s;
    const i = s.list.findIndex((x) => x.id === a.id);
    const list = i < 0 ? [...s.list, a] : s.list.map((x) => (x.id === a.id ? a : x));
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
