// The live log tail (/api/v1/ws/logs): authenticates and sends the filter in the first message,
// hands each record to the caller, and reconnects with backoff and jitter while it is wanted.
import { session } from './api.js';
import { backoffDelay, wsUrl } from './live.js';

/**
 * Opens a tail with `filter` ({level, account_id, q}); `onRecord(record)` for each record,
 * `onState(state)` with 'connecting' | 'open' | 'retrying' | 'error', `onGap()` after records
 * were missed (reconnect or lagged). Returns close().
 */
export function openLogTail(filter, { onRecord, onState, onGap }) {
  let sock = null;
  let timer = null;
  let attempt = 0;
  let closed = false;
  const clean = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== '' && v != null));
  if (clean.account_id) clean.account_id = Number(clean.account_id);

  const retry = () => {
    if (closed) return;
    const delay = backoffDelay(attempt);
    attempt += 1;
    onState('retrying');
    timer = setTimeout(connect, delay);
  };

  function connect() {
    const token = session.get().token;
    if (closed || !token) return;
    onState('connecting');
    const s = new WebSocket(wsUrl('/api/v1/ws/logs'));
    sock = s;
    s.onopen = () => s.send(JSON.stringify({ type: 'auth', token, filter: clean }));
    s.onmessage = (m) => {
      let ev;
      try {
        ev = JSON.parse(m.data);
      } catch {
        return;
      }
      if (ev.type === 'ready') {
        if (attempt > 0) onGap();
        attempt = 0;
        onState('open');
      } else if (ev.type === 'log') onRecord(ev);
      else if (ev.type === 'lagged') onGap();
      else if (ev.type === 'error') {
        closed = true;
        onState('error');
      }
    };
    s.onclose = () => {
      if (sock === s) retry();
    };
  }

  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    if (sock) {
      const s = sock;
      sock = null;
      s.close();
    }
  };
}
