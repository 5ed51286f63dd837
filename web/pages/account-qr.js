// The QR-login dialog of the accounts page: the server asks Goofish for a login QR code
// (POST /qr-logins), the seller scans it with the Goofish app and confirms; the account is then
// created (or its cookie replaced). The state is polled every second and also taken from
// `qr_login` live events. Closing the dialog while the code is pending cancels it.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get, post, del } from '../lib/api.js';
import { loadAccounts, refreshAccount } from '../lib/accounts.js';
import { loadVerifications } from '../lib/verifications.js';
import { useLive, useTick } from '../lib/hooks.js';
import { duration, secondsUntil } from '../lib/format.js';
import { Modal } from '../components/modal.js';
import { Notice, ErrorBox, Spinner } from '../components/ui.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

/** States in which the code still waits for the phone. */
const PENDING = new Set(['waiting', 'scanned']);
/** A state never goes back: a late poll answer must not undo a live event. */
const RANK = { waiting: 0, scanned: 1 };
const rank = (s) => RANK[s] ?? 2;
const STATE_TONE = { waiting: 'info', scanned: 'info', confirmed: 'ok', expired: 'warn', cancelled: 'warn', verification_required: 'warn', failed: 'danger' };
const STATE_ICON = { waiting: 'phone', scanned: 'phone', confirmed: 'check', expired: 'clock', cancelled: 'x', verification_required: 'shield', failed: 'alert' };

export function svgDataUrl(svg) {
  return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
}

function Expires({ at }) {
  useTick(1000);
  const s = secondsUntil(at);
  if (s <= 0) return null;
  return html`<span class="muted small" data-test="qr-expires">${t('qr.expires_in', { time: duration(s) })}</span>`;
}

function stateText(qr) {
  if (qr.state === 'confirmed') return qr.created === false ? t('qr.state.confirmed_updated') : t('qr.state.confirmed_created');
  return tv('qr.state', qr.state);
}

export function QrLoginDialog({ onClose }) {
  const [qr, setQr] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const cur = useRef(null);
  cur.current = qr;

  /** Take a newer state of the current code (from a poll answer or an event). */
  const apply = (n) => {
    if (!n) return;
    setQr((q) => (q && q.id === n.id && rank(n.state) >= rank(q.state) ? { ...q, ...n, svg: n.svg || q.svg } : q));
  };
  const cancel = (q) => {
    if (q && PENDING.has(q.state)) del(`/qr-logins/${q.id}`).catch(() => {});
  };
  const start = async () => {
    cancel(cur.current);
    setError(null);
    setBusy(true);
    try {
      setQr(await post('/qr-logins'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    start();
    return () => cancel(cur.current);
  }, []);

  // Poll while the code is pending (one request at a time, every second).
  const pending = !!qr && PENDING.has(qr.state);
  useEffect(() => {
    if (!pending) return undefined;
    const id = qr.id;
    let alive = true;
    let timer = null;
    const tick = async () => {
      try {
        const n = await get(`/qr-logins/${id}`);
        if (alive) apply(n);
      } catch (e) {
        if (alive && e.code !== 'network_error') apply({ id, state: 'failed', message: e.message });
      }
      if (alive) timer = setTimeout(tick, 1000);
    };
    timer = setTimeout(tick, 1000);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [qr?.id, pending]);

  useLive((ev) => {
    if (ev.type === 'qr_login' && ev.qr_login && cur.current && ev.qr_login.id === cur.current.id) apply(ev.qr_login);
  });

  // Done: refresh the accounts (and the inbox), say so, close.
  const state = qr?.state;
  useEffect(() => {
    if (state === 'confirmed') {
      loadAccounts(true).catch(() => {});
      if (qr.account_id != null) setTimeout(() => refreshAccount(qr.account_id), 1500);
      toast.ok(stateText(qr));
      const timer = setTimeout(onClose, 1500);
      return () => clearTimeout(timer);
    }
    if (state === 'verification_required') loadVerifications(true).catch(() => {});
    return undefined;
  }, [state]);

  const renewable = qr && ['expired', 'cancelled', 'failed'].includes(qr.state);
  return html`<${Modal} title=${t('qr.title')} onClose=${onClose} test="qr-dialog" size="modal-sm"
    footer=${html`<button type="button" class="btn" onClick=${onClose} data-test="qr-close">${pending || (!qr && !error) ? t('common.cancel') : t('common.close')}</button>
      ${renewable || (error && !qr) ? html`<button type="button" class="btn btn-primary" onClick=${start} disabled=${busy} data-test="qr-renew"><${Icon} name="refresh" />${t('qr.renew')}</button>` : null}`}>
    ${error ? html`<${ErrorBox} error=${error} />` : null}
    ${!qr && !error ? html`<div class="loading-block"><${Spinner} label=${t('qr.creating')} /></div>` : null}
    ${qr
      ? html`<div class="qr-body">
          <div class=${'qr-frame' + (pending ? '' : ' qr-frame-done')}>
            ${qr.svg ? html`<img class="qr-image" src=${svgDataUrl(qr.svg)} alt=${t('qr.alt')} width="220" height="220" data-test="qr-image" />` : null}
            ${!pending ? html`<span class="qr-overlay" aria-hidden="true"><${Icon} name=${STATE_ICON[qr.state] || 'info'} size="36" /></span>` : null}
          </div>
          <p class=${'qr-state qr-state-' + (STATE_TONE[qr.state] || 'info')} data-test="qr-state" data-state=${qr.state} data-qr-id=${qr.id} role="status" aria-live="polite">
            ${pending && qr.state === 'scanned' ? html`<${Spinner} />` : html`<${Icon} name=${STATE_ICON[qr.state] || 'info'} />`}
            <span>${stateText(qr)}</span>
          </p>
          ${qr.state === 'waiting' ? html`<ol class="qr-steps small muted"><li>${t('qr.step_open')}</li><li>${t('qr.step_scan')}</li><li>${t('qr.step_confirm')}</li></ol>` : null}
          ${pending && qr.expires_at ? html`<${Expires} at=${qr.expires_at} />` : null}
          ${qr.state === 'verification_required'
            ? html`<${Notice} tone="warn" icon="shield" data-test="qr-verification">
                <div>${t('qr.verification_body')}</div>
                <a class="btn btn-sm qr-inbox-link" href="#/verifications" data-test="qr-inbox-link">${t('qr.open_inbox')}</a></${Notice}>`
            : null}
          ${qr.state === 'failed' && qr.message ? html`<p class="small text-danger break" data-test="qr-message">${qr.message}</p>` : null}
        </div>`
      : null}
  </${Modal}>`;
}
