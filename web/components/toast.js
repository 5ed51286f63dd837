// Toasts: toast.ok('…'), toast.error(err) (an ApiError is translated by its code).
import { html } from '../vendor/preact-htm.module.js';
import { createStore, useStore } from '../lib/store.js';
import { errorText, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Icon } from './icons.js';

const toasts = createStore([]);
let seq = 0;

function push(tone, text, code, ms) {
  const id = ++seq;
  toasts.set((list) => [...list.slice(-4), { id, tone, text, code }]);
  setTimeout(() => dismiss(id), ms);
  return id;
}

export function dismiss(id) {
  toasts.set((list) => list.filter((x) => x.id !== id));
}

export const toast = {
  ok: (text) => push('ok', text, null, 3500),
  info: (text) => push('info', text, null, 4500),
  warn: (text) => push('warn', text, null, 6000),
  error(err) {
    const text = typeof err === 'string' ? err : errorText(err);
    const code = err instanceof ApiError ? err.code : null;
    if (!(err instanceof ApiError) && typeof err !== 'string') console.error(err);
    return push('danger', text, code, 7000);
  },
};

export function ToastHost() {
  const list = useStore(toasts);
  return html`<div class="toasts" aria-live="polite" aria-atomic="false">
    ${list.map(
      (x) => html`<div key=${x.id} class=${'toast toast-' + x.tone} role=${x.tone === 'danger' ? 'alert' : 'status'} data-test="toast" data-tone=${x.tone}
        data-code=${x.code || undefined}>
        <${Icon} name=${x.tone === 'ok' ? 'check' : x.tone === 'danger' ? 'alert' : 'info'} />
        <span class="toast-text">${x.text}</span>
        <button type="button" class="btn btn-icon btn-ghost" aria-label=${t('common.dismiss')} onClick=${() => dismiss(x.id)}><${Icon} name="x" /></button>
      </div>`,
    )}
  </div>`;
}
