// The verification inbox (GET /verifications: the open and in-progress tasks, newest first),
// shared by the shell's badge and the inbox page and kept live by `verification` events; and
// the remote browser's availability (GET /captcha/status).
import { createStore } from './store.js';
import { get, session } from './api.js';
import { onLive } from './live.js';
import { t } from './i18n.js';

/** States of a task that still needs someone. */
export const OPEN_STATES = new Set(['open', 'in_progress']);
/** Kinds the remote browser can solve. */
export const BROWSER_KINDS = new Set(['captcha', 'face']);

export const isOpen = (v) => !!v && OPEN_STATES.has(v.state);
/** Whether "Verify now" applies to a task (availability of the remote browser aside). */
export const canVerify = (v) => isOpen(v) && BROWSER_KINDS.has(v.kind);

/** The task's account for a title: its remark, else its id, else "QR login". */
export function verificationSubject(v) {
  if (!v) return '';
  if (v.account_remark) return v.account_remark;
  if (v.account_id != null) return t('accounts.account_n', { id: v.account_id });
  return t('verifications.no_account');
}

/** {open: Verification[] | null (not loaded), error} */
export const verifications = createStore({ open: null, error: null });
/** The last task a live event opened that was not known yet (the shell announces it). */
export const arrivals = createStore(null);
/** {data: CaptchaStatus | null, error} */
export const captchaStatus = createStore({ data: null, error: null });

let loading = null;
let loadedAt = 0;
/** Events that arrived while a list was being fetched: applied on top of the answer. */
let during = null;

const newestFirst = (a, b) => (b.created_at || 0) - (a.created_at || 0) || b.id - a.id;

/** `list` with `v` put in (or taken out when it is closed); an older copy never wins. */
export function withVerification(list, v, keepClosed = false) {
  const i = list.findIndex((x) => x.id === v.id);
  if (i >= 0 && (list[i].updated_at || 0) > (v.updated_at || 0)) return list;
  const rest = i >= 0 ? list.filter((x) => x.id !== v.id) : list;
  if (!keepClosed && !isOpen(v)) return rest;
  return [...rest, v].sort(newestFirst);
}

/** Put a task (an event's or an answer's) into the inbox. */
export function upsertVerification(v) {
  if (!v || v.id == null) return;
  if (during) during.push(v);
  verifications.set((s) => (s.open ? { ...s, open: withVerification(s.open, v) } : s));
}

/** Load the open tasks (force: again even if loaded; 'stale': again when older than 30 s). */
export function loadVerifications(force = false) {
  if (force === 'stale') force = !loading && Date.now() - loadedAt > 30000;
  if (loading && !force) return loading;
  if (verifications.get().open && !force) return Promise.resolve(verifications.get().open);
  const mine = [];
  during = mine;
  const token = session.get().token;
  const p = get('/verifications')
    .then((r) => {
      if (session.get().token !== token) return [];
      let list = (r.items || []).filter(isOpen).sort(newestFirst);
      for (const v of mine) list = withVerification(list, v);
      loadedAt = Date.now();
      verifications.set({ open: list, error: null });
      return list;
    })
    .catch((error) => {
      verifications.set((s) => ({ ...s, error }));
      throw error;
    })
    .finally(() => {
      if (during === mine) during = null;
      if (loading === p) loading = null;
    });
  loading = p;
  return p;
}

/** Ask whether the remote browser can run (chromedriver found, Chromium starts). */
export function loadCaptchaStatus() {
  return get('/captcha/status').then(
    (data) => {
      captchaStatus.set({ data, error: null });
      return data;
    },
    (error) => {
      captchaStatus.set((s) => ({ ...s, error }));
      throw error;
    },
  );
}

onLive((ev) => {
  if (ev.type === 'verification' && ev.verification) {
    const v = ev.verification;
    const list = verifications.get().open;
    if (list && isOpen(v) && !list.some((x) => x.id === v.id)) arrivals.set(v);
    upsertVerification(v);
  }
  if (ev.type === 'resync' && verifications.get().open) loadVerifications(true).catch(() => {});
});

// Another user (or none) after a login/logout: forget the previous user's tasks.
let lastToken = session.get().token;
session.subscribe((s) => {
  if (s.token === lastToken) return;
  lastToken = s.token;
  loadedAt = 0;
  verifications.set({ open: null, error: null });
  captchaStatus.set({ data: null, error: null });
  if (s.token) loadVerifications(true).catch(() => {});
});
