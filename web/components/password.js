// Change the own password (POST /auth/password). Forced after login while must_change_password.
import { html } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { post, setUser, session } from '../lib/api.js';
import { Modal } from './modal.js';
import { useForm, TextField } from './form.js';
import { Notice } from './ui.js';
import { toast } from './toast.js';

export function ChangePasswordDialog({ forced = false, onClose }) {
  const form = useForm({ current: '', next: '', confirm: '' });
  const submit = async () => {
    const v = form.values;
    if (v.next.length < 8) return form.setErrors({ next: t('password.too_short') });
    if (v.next !== v.confirm) return form.setErrors({ confirm: t('password.mismatch') });
    const ok = await form.run(
      () => post('/auth/password', { current_password: v.current, new_password: v.next }).then(() => true),
      { wrong_password: 'current', weak_password: 'next', same_password: 'next', rate_limited: 'current' },
    );
    if (!ok) return;
    const u = session.get().user;
    if (u) setUser({ ...u, must_change_password: false });
    toast.ok(t('password.changed'));
    onClose && onClose(true);
  };
  return html`<${Modal} title=${forced ? t('password.forced_title') : t('password.title')} onClose=${forced ? null : onClose} dismissable=${!forced}
    onSubmit=${submit} busy=${form.busy} test="change-password" size="modal-sm"
    footer=${html`${forced ? null : html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>`}
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="change-password-submit">${t('password.submit')}</button>`}>
    ${forced ? html`<${Notice} tone="warn" icon="lock">${t('password.forced_body')}</${Notice}>` : null}
    <input type="text" class="sr-only" autocomplete="username" value=${session.get().user?.username || ''} readonly tabindex="-1" aria-hidden="true" />
    <${TextField} form=${form} name="current" type="password" label=${t('password.current')} autocomplete="current-password" required test="change-password-current" />
    <${TextField} form=${form} name="next" type="password" label=${t('password.new')} hint=${t('password.rules')} autocomplete="new-password" required
      test="change-password-new" />
    <${TextField} form=${form} name="confirm" type="password" label=${t('password.confirm')} autocomplete="new-password" required
      test="change-password-confirm" />
  </${Modal}>`;
}
