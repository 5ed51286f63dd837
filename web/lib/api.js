// The API client: bearer token in localStorage, the error envelope turned into ApiError, and
// error codes translated through errors.<code> (falling back to the server's message).
import { createStore, storage } from './store.js';
import { t, has } from './i18n.js';

const TOKEN_KEY = 'xy.token';
const SESSION_CODES = new Set(['missing_token', 'invalid_token', 'token_expired', 'session_revoked']);

/** {token, user} — user is the /auth/me answer once known. */
export const session = createStore({ token: storage.get(TOKEN_KEY), user: null });

export function setToken(token, user = null) {
  storage.set(TOKEN_KEY, token);
  session.set({ token, user });
}

export function setUser(user) {
  session.set((s) => ({ ...s, user }));
}

/** Forget the token (after logout or a 401); the app shell then shows the login page. */
export function dropSession() {
  storage.set(TOKEN_KEY, null);
  session.set({ token: null, user: null });
}

export class ApiError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = extra.retry_after ?? null;
    this.body = extra;
  }
}

function buildUrl(path, query) {
  const url = new URL(path.startsWith('/api/') || path.startsWith('/health') ? path : '/api/v1' + path, location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      url.searchParams.set(k, String(v));
    }
  }
  return url;
}

/**
 * Call the API. body: an object (sent as JSON), FormData or Blob. Returns the parsed JSON, null
 * for 204, or the Response itself with {raw: true}. Throws ApiError.
 */
export async function api(path, { method = 'GET', body, query, headers = {}, raw = false, signal, auth = true } = {}) {
  const h = { ...headers };
  const token = session.get().token;
  if (auth && token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(buildUrl(path, query), { method, headers: h, body: payload, signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', String(e && e.message));
  }
  if (!res.ok) {
    let err = {};
    try {
      const j = await res.json();
      err = (j && j.error) || {};
    } catch {
      /* not JSON */
    }
    const code = err.code || (res.status === 404 ? 'not_found' : 'http_error');
    const e = new ApiError(res.status, code, err.message || res.statusText, err);
    if (res.status === 401 && auth && token && SESSION_CODES.has(code)) dropSession();
    throw e;
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const ct = res.headers.get('content-type') || '';
  if (ct.includes('json')) return res.json();
  const text = await res.text();
  return text === '' ? null : text;
}

export const get = (path, query, opts) => api(path, { ...opts, query });
export const post = (path, body, opts) => api(path, { ...opts, method: 'POST', body });
export const put = (path, body, opts) => api(path, { ...opts, method: 'PUT', body });
export const patch = (path, body, opts) => api(path, { ...opts, method: 'PATCH', body });
export const del = (path, opts) => api(path, { ...opts, method: 'DELETE' });

/** The user-facing text of an error: errors.<code> if translated, else the server's message. */
export function errorText(err) {
  if (!err) return '';
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`;
    if (has(key)) return t(key, { seconds: err.retryAfter ?? '', message: err.message });
    return err.message || err.code;
  }
  return t('errors.client_error', { message: String(err.message || err) });
}

/** Fetch an authenticated binary (xlsx, upload) and hand it to the browser as a download. */
export async function download(path, filename) {
  const res = await api(path, { raw: true });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Upload an image (POST /uploads, multipart part `file`). */
export function uploadImage(file) {
  const fd = new FormData();
  fd.append('file', file, file.name || 'image');
  return api('/uploads', { method: 'POST', body: fd });
}
