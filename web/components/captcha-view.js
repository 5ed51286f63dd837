// The remote-control view of a verification task: the server opens the verification page in
// its own headless Chromium (POST /verifications/{id}/sessions) and streams it over
// /api/v1/captcha/sessions/{id}/ws as JPEG frames; the operator's mouse or finger goes back as
// pointer events in fractions of the shown frame. Closing the view ends the session.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { post, del, session, ApiError, errorText } from '../lib/api.js';
import { wsUrl } from '../lib/live.js';
import { loadVerifications, loadCaptchaStatus, upsertVerification, verificationSubject } from '../lib/verifications.js';
import { duration } from '../lib/format.js';
import { Modal } from './modal.js';
import { Spinner, Notice } from './ui.js';
import { toast } from './toast.js';
import { Icon } from './icons.js';

/** Outcomes after which nothing more happens in this session. */
const FINAL = new Set(['solved', 'failed', 'expired', 'closed', 'error']);
const BUSY = new Set(['starting', 'connecting', 'loading', 'checking']);
const TONE = { ready: 'info', solved: 'ok', failed: 'danger', expired: 'warn', closed: 'muted', error: 'danger' };

const clamp01 = (v) => Math.min(1, Math.max(0, v));
const round = (v) => Math.round(v * 10000) / 10000;

export function CaptchaView({ verification, onClose }) {
  const [phase, setPhase] = useState('starting');
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  const [hasFrame, setHasFrame] = useState(false);
  const [idle, setIdle] = useState(null);
  const [viewport, setViewport] = useState(null);
  const img = useRef(null);
  const phaseRef = useRef(phase);
  phaseRef.current = phase;
  // Everything the socket and the pointer handlers share, outside of renders.
  const c = useRef({ ws: null, sessionId: null, serverEnded: false, shown: null, loading: null, pending: null, raf: 0, move: null, last: null, down: false, touch: false }).current;

  const send = (o) => {
    if (c.ws && c.ws.readyState === 1) c.ws.send(JSON.stringify(o));
  };
  const pointer = (action, p, touch) => p && send({ type: 'pointer', action, x: round(p.x), y: round(p.y), touch });

  /** Show a frame; while one is decoding only the newest waiting frame is kept. */
  const frame = (blob) => {
    const el = img.current;
    if (!el) return;
    if (c.loading) {
      c.pending = blob;
      return;
    }
    const url = URL.createObjectURL(blob);
    c.loading = url;
    const done = (ok) => {
      if (c.loading !== url) return;
      c.loading = null;
      if (ok) {
        if (c.shown) URL.revokeObjectURL(c.shown);
        c.shown = url;
        setHasFrame(true);
      } else URL.revokeObjectURL(url);
      const next = c.pending;
      c.pending = null;
      if (next) frame(next);
    };
    el.onload = () => done(true);
    el.onerror = () => done(false);
    el.src = url;
  };

  const connect = (path) => {
    let ws;
    try {
      ws = new WebSocket(wsUrl(path));
    } catch (e) {
      setError(new ApiError(0, 'network_error', String(e && e.message)));
      setPhase('error');
      return;
    }
    ws.binaryType = 'blob';
    c.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: session.get().token }));
    // Keeps proxies from closing a quiet socket (a still page sends no frames).
    c.ping = setInterval(() => send({ type: 'ping' }), 25000);
    ws.onmessage = (m) => {
      if (typeof m.data !== 'string') {
        frame(m.data);
        return;
      }
      let ev;
      try {
        ev = JSON.parse(m.data);
      } catch {
        return;
      }
      if (ev.type === 'ready') {
        if (ev.viewport) setViewport(ev.viewport);
        setPhase((p) => (p === 'connecting' ? 'ready' : p));
      } else if (ev.type === 'status' && ev.state) {
        // Back to ready after checking: the slide did not pass (said in the operator's language).
        const retry = ev.state === 'ready' && phaseRef.current === 'checking';
        setPhase(ev.state);
        setMessage(retry ? t('captcha.not_passed') : ev.state === 'ready' ? null : ev.message || null);
        if (ev.state === 'solved') {
          c.serverEnded = true;
          toast.ok(t('captcha.solved_toast', { name: verificationSubject(verification) }));
          upsertVerification({ ...verification, state: 'solved', updated_at: Date.now() });
          loadVerifications(true).catch(() => {});
        }
      } else if (ev.type === 'error') {
        setError(new ApiError(0, ev.code || 'error', ev.message || ''));
        setPhase('error');
      }
    };
    ws.onclose = () => {
      clearInterval(c.ping);
      if (c.ws !== ws) return;
      c.ws = null;
      c.serverEnded = true;
      setPhase((p) => (FINAL.has(p) ? p : 'closed'));
      loadCaptchaStatus().catch(() => {});
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  };

  /** Close the socket and end the session on the server (unless it ended already). */
  const end = () => {
    clearInterval(c.ping);
    cancelAnimationFrame(c.raf);
    c.raf = 0;
    const ws = c.ws;
    c.ws = null;
    if (ws) ws.close(1000);
    if (c.sessionId && !c.serverEnded) del(`/captcha/sessions/${c.sessionId}`).catch(() => {});
    c.sessionId = null;
    for (const u of [c.shown, c.loading]) if (u) URL.revokeObjectURL(u);
    c.shown = c.loading = c.pending = null;
  };

  useEffect(() => {
    let alive = true;
    post(`/verifications/${verification.id}/sessions`).then(
      (s) => {
        if (!alive) {
          del(`/captcha/sessions/${s.session_id}`).catch(() => {});
          return;
        }
        c.sessionId = s.session_id;
        setIdle(s.idle_timeout_secs ?? null);
        setPhase('connecting');
        connect(s.ws_path);
        loadCaptchaStatus().catch(() => {});
      },
      (e) => {
        if (!alive) return;
        setError(e);
        setPhase('error');
        if (e.code === 'verification_not_open' || e.code === 'verification_not_found') loadVerifications(true).catch(() => {});
        if (e.code === 'captcha_unavailable' || e.code === 'captcha_sessions_exhausted') loadCaptchaStatus().catch(() => {});
      },
    );
    return () => {
      alive = false;
      end();
    };
  }, []);

  // Pointer input: positions as fractions of the frame as shown; moves at most once per frame.
  const frac = (e) => {
    const r = img.current.getBoundingClientRect();
    return { x: clamp01((e.clientX - r.left) / (r.width || 1)), y: clamp01((e.clientY - r.top) / (r.height || 1)) };
  };
  const flushMove = () => {
    cancelAnimationFrame(c.raf);
    c.raf = 0;
    if (c.move) pointer('move', c.move, c.touch);
    c.move = null;
  };
  const release = (p) => {
    if (!c.down) return;
    c.down = false;
    flushMove();
    pointer('up', p || c.last, c.touch);
  };
  const onDown = (e) => {
    if (!e.isPrimary || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    try {
      e.currentTarget.setPointerCapture(e.pointerId);
    } catch {
      /* not capturable: moves still arrive while over the frame */
    }
    flushMove();
    c.down = true;
    c.touch = e.pointerType !== 'mouse';
    c.last = frac(e);
    pointer('down', c.last, c.touch);
  };
  const onMove = (e) => {
    if (!e.isPrimary) return;
    // A mouse hovering counts too (pages watch the approach); a finger only while down.
    if (!c.down && e.pointerType !== 'mouse') return;
    if (!c.down) c.touch = false;
    c.last = c.move = frac(e);
    if (!c.raf) c.raf = requestAnimationFrame(flushMove);
  };
  const onUp = (e) => {
    if (!e.isPrimary) return;
    release(frac(e));
  };
  const onCancel = () => release(null);

  const busy = BUSY.has(phase);
  const solved = phase === 'solved';
  const active = !FINAL.has(phase);
  // Refused before a session existed (busy, unavailable, closed task) or failed in it.
  const statusText = phase === 'error' && !idle ? t('captcha.state.refused') : tv('captcha.state', phase);
  const tone = TONE[phase] || 'info';
  return html`<${Modal} title=${t('captcha.title', { name: verificationSubject(verification) })} onClose=${onClose} size="modal-full" test="captcha-view"
    footer=${html`${idle && active ? html`<span class="muted small grow" data-test="captcha-idle">${t('captcha.idle_hint', { time: idle >= 60 ? t('captcha.minutes', { n: Math.round(idle / 60) }) : duration(idle) })}</span>` : null}
      <button type="button" class=${'btn ' + (solved ? 'btn-primary' : '')} onClick=${onClose} data-test="captcha-close">
        ${solved ? t('captcha.done') : active ? t('captcha.end') : t('common.close')}</button>`}>
    <p class=${'captcha-status captcha-status-' + tone} data-test="captcha-status" data-state=${phase} role="status" aria-live="polite">
      ${busy ? html`<${Spinner} />` : html`<${Icon} name=${solved ? 'check' : phase === 'ready' ? 'info' : 'alert'} />`}
      <span>${statusText}</span>${message ? html`<span class="muted small break">${message}</span>` : null}
    </p>
    ${error
      ? html`<${Notice} tone="danger" icon="alert" data-test="captcha-error" data-code=${error.code}>${errorText(error)}</${Notice}>`
      : null}
    ${solved ? html`<${Notice} tone="ok" icon="check" data-test="captcha-solved">${t('captcha.solved_body')}</${Notice}>` : null}
    <div class=${'captcha-stage' + (hasFrame ? '' : ' captcha-stage-empty')} hidden=${solved || (error && !hasFrame)}>
      <img ref=${img} class="captcha-frame" data-test="captcha-frame" alt=${t('captcha.frame_alt')} draggable="false" hidden=${!hasFrame}
        data-viewport-width=${viewport?.width} data-viewport-height=${viewport?.height}
        onPointerDown=${onDown} onPointerMove=${onMove} onPointerUp=${onUp} onPointerCancel=${onCancel} onLostPointerCapture=${onCancel}
        onDragStart=${(e) => e.preventDefault()} onContextMenu=${(e) => e.preventDefault()} />
      ${hasFrame ? null : html`<div class="captcha-placeholder">${active && !error ? html`<${Spinner} />` : html`<${Icon} name="monitor" size="28" />`}
          <span>${active && !error ? t('captcha.waiting_frame') : t('captcha.no_frame')}</span></div>`}
    </div>
    ${active && hasFrame ? html`<p class="muted small captcha-hint">${t('captcha.hint')}</p>` : null}
  </${Modal}>`;
}
