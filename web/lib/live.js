// The live-events WebSocket (/api/v1/ws/events): authenticates with the first message, hands
// every event to subscribers and reconnects by itself with exponential backoff and jitter.
import { createStore } from './store.js';
import { session } from './api.js';

/** {state: 'idle'|'connecting'|'open'|'retrying'|'error', retryAt: ms|null, attempt} */
export const live = createStore({ state: 'idle', retryAt: null, attempt: 0 });
const subs = new Set();
let ws = null;
let timer = null;
let attempt = 0;
let wanted = false;

/** The wait before reconnect attempt `attempt` (0, 1, …): 1 s doubling to 30 s, ±25 % jitter. */
export function backoffDelay(attempt) {
  return Math.round(Math.min(30000, 1000 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() * 0.5));
}

/** The WebSocket URL of an API path on this host. */
export function wsUrl(path) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

export function onLive(fn) {
  subs.add(fn);
  return () => subs.delete(fn);
}

function emit(ev) {
  for (const fn of [...subs]) {
    try {
      fn(ev);
    } catch (e) {
      console.error('live handler', e);
    }
  }
}

function schedule() {
  clearTimeout(timer);
  if (!wanted) return;
  const delay = backoffDelay(attempt);
  attempt += 1;
  live.set({ state: 'retrying', retryAt: Date.now() + delay, attempt });
  timer = setTimeout(connect, delay);
}

function connect() {
  clearTimeout(timer);
  const token = session.get().token;
  if (!wanted || !token) return;
  const url = wsUrl('/api/v1/ws/events');
  live.set({ state: 'connecting', retryAt: null, attempt });
  let sock;
  try {
    sock = new WebSocket(url);
  } catch {
    schedule();
    return;
  }
  ws = sock;
  sock.onopen = () => sock.send(JSON.stringify({ type: 'auth', token }));
  sock.onmessage = (m) => {
    let ev;
    try {
      ev = JSON.parse(m.data);
    } catch {
      return;
    }
    if (ev.type === 'ready') {
      const reconnected = attempt > 0;
      attempt = 0;
      live.set({ state: 'open', retryAt: null, attempt: 0 });
      // After a gap, pages reload what they show (events in between are lost).
      if (reconnected) emit({ type: 'resync' });
      return;
    }
    if (ev.type === 'error') {
      live.set({ state: 'error', retryAt: null, attempt });
      emit({ type: 'auth_error', code: ev.code });
      return;
    }
    if (ev.type === 'lagged') emit({ type: 'resync', missed: ev.missed });
    emit(ev);
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    schedule();
  };
  sock.onerror = () => {
    /* onclose follows */
  };
}

export function startLive() {
  if (wanted) return;
  wanted = true;
  attempt = 0;
  connect();
}

export function stopLive() {
  wanted = false;
  clearTimeout(timer);
  if (ws) {
    const s = ws;
    ws = null;
    s.close();
  }
  live.set({ state: 'idle', retryAt: null, attempt: 0 });
}

/** Reconnect now (the indicator's retry button, the browser coming back online). */
export function reconnectNow() {
  if (!wanted) return;
  if (ws && ws.readyState <= 1) return;
  attempt = Math.max(attempt, 1);
  connect();
}

window.addEventListener('online', reconnectNow);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') reconnectNow();
});
