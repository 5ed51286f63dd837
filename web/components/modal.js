// Modals on the native <dialog> (top layer, inert background, Esc closes); focus moves into the
// dialog and back to where it was. confirmDialog({...}) resolves to true or false.
import { html, useEffect, useRef } from '../vendor/preact-htm.module.js';
import { createStore, useStore } from '../lib/store.js';
import { t } from '../lib/i18n.js';
import { Icon } from './icons.js';

export function Modal({ title, onClose, children, footer, size = '', dismissable = true, test, onSubmit, busy = false }) {
  const ref = useRef(null);
  const back = useRef(null);
  useEffect(() => {
    const d = ref.current;
    back.current = document.activeElement;
    if (d && !d.open) d.showModal();
    const first = d && d.querySelector('[autofocus], input:not([type=hidden]):not([disabled]), textarea, select, button.btn-primary');
    if (first) first.focus();
    return () => {
      if (d && d.open) d.close();
      const el = back.current;
      if (el && el.isConnected && typeof el.focus === 'function') el.focus();
    };
  }, []);
  const onCancel = (e) => {
    e.preventDefault();
    if (dismissable && !busy && onClose) onClose();
  };
  const onBackdrop = (e) => {
    if (e.target === ref.current && dismissable && !busy && onClose) onClose();
  };
  const submit = (e) => {
    e.preventDefault();
    if (!busy && onSubmit) onSubmit(e);
  };
  const body = html`<header class="modal-head">
      <h2 class="modal-title" id=${(test || 'modal') + '-title'}>${title}</h2>
      ${dismissable
        ? html`<button type="button" class="btn btn-icon btn-ghost" aria-label=${t('common.close')} onClick=${() => !busy && onClose && onClose()}><${Icon} name="x" /></button>`
        : null}
    </header>
    <div class="modal-body">${children}</div>
    ${footer ? html`<footer class="modal-foot">${footer}</footer>` : null}`;
  return html`<dialog ref=${ref} class=${'modal ' + size} aria-labelledby=${(test || 'modal') + '-title'} onCancel=${onCancel} onClick=${onBackdrop} data-test=${test}>
    ${onSubmit ? html`<form class="modal-form" onSubmit=${submit} novalidate>${body}</form>` : html`<div class="modal-form">${body}</div>`}
  </dialog>`;
}

const pending = createStore(null);

export function confirmDialog({ title, message, confirmLabel, danger = false }) {
  return new Promise((resolve) => pending.set({ title, message, confirmLabel, danger, resolve }));
}

export function ConfirmHost() {
  const p = useStore(pending);
  if (!p) return null;
  const done = (v) => {
    pending.set(null);
    p.resolve(v);
  };
  return html`<${Modal} title=${p.title} onClose=${() => done(false)} onSubmit=${() => done(true)} size="modal-sm" test="confirm-dialog"
    footer=${html`<button type="button" class="btn" onClick=${() => done(false)} data-test="confirm-cancel" autofocus=${p.danger}>${t('common.cancel')}</button>
      <button type="submit" class=${'btn ' + (p.danger ? 'btn-danger' : 'btn-primary')} data-test="confirm-ok" autofocus=${!p.danger}>
        ${p.confirmLabel || t('common.confirm')}</button>`}>
    <p class="confirm-message">${p.message}</p>
  </${Modal}>`;
}
