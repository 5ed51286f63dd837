// The account dialogs: add (cookie checked in the browser before saving), edit, replace cookie.
import { html } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { post, patch, put } from '../lib/api.js';
import { upsertAccount, refreshAccount, loadAccounts } from '../lib/accounts.js';
import { Modal } from '../components/modal.js';
import { useForm, TextField, TextArea, CheckField, ctrlEnterSubmits } from '../components/form.js';
import { Notice } from '../components/ui.js';
import { toast } from '../components/toast.js';

const MAX_COOKIE = 16 * 1024;
const RECOMMENDED = ['cookie2', '_m_h5_tk'];

/** Check a pasted cookie string like the server does (numeric unb, ≤ 16 KB), without sending it. */
export function checkCookie(raw) {
  const text = (raw || '').trim();
  if (!text) return { ok: false, error: 'empty' };
  if (new TextEncoder().encode(text).length > MAX_COOKIE) return { ok: false, error: 'too_long' };
  const names = new Map();
  for (const part of text.replace(/^cookie:\s*/i, '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    names.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const unb = names.get('unb');
  if (!unb) return { ok: false, error: 'no_unb', count: names.size };
  if (!/^\d+$/.test(unb)) return { ok: false, error: 'bad_unb', count: names.size };
  return { ok: true, unb, count: names.size, missing: RECOMMENDED.filter((n) => !names.has(n)) };
}

function CookieCheck({ check, existing, selfUnb }) {
  if (!check || check.error === 'empty') return null;
  if (!check.ok) return html`<${Notice} tone="danger" icon="alert" data-test="cookie-check" data-ok="false">${t('cookie.' + check.error)}</${Notice}>`;
  const dup = existing && existing.find((a) => a.xianyu_user_id === check.unb);
  const mismatch = selfUnb && selfUnb !== check.unb;
  return html`<${Notice} tone=${dup || mismatch ? 'warn' : check.missing.length ? 'warn' : 'ok'} icon=${dup || mismatch ? 'alert' : 'check'} data-test="cookie-check" data-ok="true">
    <div>${t('cookie.ok', { unb: check.unb, n: check.count })}</div>
    ${check.missing.length ? html`<div>${t('cookie.missing', { names: check.missing.join(', ') })}</div>` : null}
    ${dup ? html`<div>${t('cookie.duplicate')}</div>` : null}
    ${mismatch ? html`<div>${t('cookie.mismatch', { unb: selfUnb })}</div>` : null}
  </${Notice}>`;
}

function pauseError(v) {
  const n = Number(v);
  return v === '' || !Number.isInteger(n) || n < 0 || n > 1440 ? t('accounts.pause_range') : null;
}

export function AddAccountDialog({ existing, onClose }) {
  const form = useForm({ cookie: '', remark: '', pause_minutes: '10', auto_confirm: true, enabled: true });
  const check = checkCookie(form.values.cookie);
  const submit = async () => {
    if (!check.ok) return form.setErrors({ cookie: t('cookie.' + check.error) });
    const pe = pauseError(form.values.pause_minutes);
    if (pe) return form.setErrors({ pause_minutes: pe });
    const v = form.values;
    const started = Date.now();
    const a = await form.run(
      () => post('/accounts', { cookie: v.cookie.trim(), remark: v.remark.trim(), pause_minutes: Number(v.pause_minutes), auto_confirm: v.auto_confirm, enabled: v.enabled }),
      { invalid_cookie: 'cookie', account_exists: 'cookie', remark_too_long: 'remark', invalid_pause_minutes: 'pause_minutes' },
    );
    if (!a) return;
    upsertAccount(a, started);
    loadAccounts(true).catch(() => {});
    setTimeout(() => refreshAccount(a.id), 1500);
    toast.ok(t('accounts.added'));
    onClose();
  };
  return html`<${Modal} title=${t('accounts.add')} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="account-form" size="modal-lg"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="account-submit">${t('accounts.add_submit')}</button>`}>
    <${TextArea} form=${form} name="cookie" label=${t('accounts.cookie')} rows="5" required mono test="account-cookie" onKeyDown=${ctrlEnterSubmits}
      placeholder="unb=…; cookie2=…; _m_h5_tk=…" hint=${t('accounts.cookie_hint')} />
    <${CookieCheck} check=${check} existing=${existing} />
    <div class="form-grid">
      <${TextField} form=${form} name="remark" label=${t('accounts.remark')} maxlength="200" test="account-remark" />
      <${TextField} form=${form} name="pause_minutes" type="number" min="0" max="1440" label=${t('accounts.pause_minutes')} hint=${t('accounts.pause_hint')}
        test="account-pause" inputmode="numeric" />
      <${CheckField} form=${form} name="auto_confirm" label=${t('accounts.auto_confirm')} hint=${t('accounts.auto_confirm_hint')} test="account-auto-confirm-input" />
      <${CheckField} form=${form} name="enabled" label=${t('accounts.enable_now')} test="account-enabled-input" />
    </div>
  </${Modal}>`;
}

export function EditAccountDialog({ account, onClose }) {
  const form = useForm({ remark: account.remark, pause_minutes: String(account.pause_minutes), auto_confirm: account.auto_confirm, enabled: account.enabled });
  const submit = async () => {
    const pe = pauseError(form.values.pause_minutes);
    if (pe) return form.setErrors({ pause_minutes: pe });
    const v = form.values;
    const started = Date.now();
    const a = await form.run(
      () => patch(`/accounts/${account.id}`, { remark: v.remark.trim(), pause_minutes: Number(v.pause_minutes), auto_confirm: v.auto_confirm, enabled: v.enabled }),
      { remark_too_long: 'remark', invalid_pause_minutes: 'pause_minutes' },
    );
    if (!a) return;
    upsertAccount(a, started);
    toast.ok(t('accounts.saved'));
    onClose();
  };
  return html`<${Modal} title=${t('accounts.edit_title', { id: account.xianyu_user_id })} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="account-edit-form"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="account-edit-submit">${t('common.save')}</button>`}>
    <${TextField} form=${form} name="remark" label=${t('accounts.remark')} maxlength="200" test="account-remark" />
    <${TextField} form=${form} name="pause_minutes" type="number" min="0" max="1440" label=${t('accounts.pause_minutes')} hint=${t('accounts.pause_hint')}
      test="account-pause" inputmode="numeric" />
    <${CheckField} form=${form} name="auto_confirm" label=${t('accounts.auto_confirm')} hint=${t('accounts.auto_confirm_hint')} test="account-auto-confirm-input" />
    <${CheckField} form=${form} name="enabled" label=${t('accounts.enabled')} test="account-enabled-input" />
  </${Modal}>`;
}

export function CookieDialog({ account, onClose }) {
  const form = useForm({ cookie: '' });
  const check = checkCookie(form.values.cookie);
  const submit = async () => {
    if (!check.ok) return form.setErrors({ cookie: t('cookie.' + check.error) });
    const started = Date.now();
    const a = await form.run(() => put(`/accounts/${account.id}/cookie`, { cookie: form.values.cookie.trim() }), {
      invalid_cookie: 'cookie',
      cookie_account_mismatch: 'cookie',
    });
    if (!a) return;
    upsertAccount(a, started);
    setTimeout(() => refreshAccount(a.id), 1500);
    toast.ok(t('accounts.cookie_replaced'));
    onClose();
  };
  return html`<${Modal} title=${t('accounts.replace_cookie')} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="cookie-form"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="cookie-submit">${t('accounts.replace_submit')}</button>`}>
    <p class="muted">${t('accounts.replace_hint', { id: account.xianyu_user_id })}</p>
    <${TextArea} form=${form} name="cookie" label=${t('accounts.new_cookie')} rows="5" required mono test="account-cookie" onKeyDown=${ctrlEnterSubmits} />
    <${CookieCheck} check=${check} selfUnb=${account.xianyu_user_id} />
  </${Modal}>`;
}
