// Users (admin only): list, create, role, enable/disable, reset password, delete.
import { html, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, post, patch, del, session } from '../lib/api.js';
import { usePaged } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { PageHeader, Panel, Badge, Switch, Time, IconButton, Empty, Notice } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { Modal, confirmDialog } from '../components/modal.js';
import { useForm, TextField, SelectField } from '../components/form.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

function randomPassword() {
  const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => abc[x % abc.length]).join('');
}

function PasswordField({ form }) {
  return html`<div class="row field-with-action">
    <${TextField} form=${form} name="password" type="text" label=${t('users.password')} hint=${t('users.password_hint')} required autocomplete="new-password"
      test="user-password" class="grow" />
    <button type="button" class="btn" onClick=${() => form.set('password', randomPassword())} data-test="user-password-generate">${t('users.generate')}</button>
  </div>`;
}

function CreateDialog({ onClose, onSaved }) {
  const form = useForm({ username: '', password: '', role: 'user' });
  const submit = async () => {
    const v = form.values;
    if (v.password.length < 8) return form.setErrors({ password: t('errors.weak_password') });
    const u = await form.run(() => post('/users', { username: v.username.trim(), password: v.password, role: v.role }), {
      invalid_username: 'username', username_taken: 'username', weak_password: 'password',
    });
    if (!u) return;
    toast.ok(t('users.created', { name: u.username }));
    onSaved(u);
  };
  return html`<${Modal} title=${t('users.new')} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="user-form"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="user-submit">${t('common.create')}</button>`}>
    <${TextField} form=${form} name="username" label=${t('users.username')} hint=${t('users.username_rules')} required autocomplete="off" test="user-username" />
    <${PasswordField} form=${form} />
    <${SelectField} form=${form} name="role" label=${t('users.role')} test="user-role" options=${['user', 'admin'].map((r) => ({ value: r, label: t('roles.' + r) }))} />
    <${Notice} icon="lock">${t('users.password_once')}</${Notice}>
  </${Modal}>`;
}

function ResetDialog({ user, onClose }) {
  const form = useForm({ password: '' });
  const submit = async () => {
    if (form.values.password.length < 8) return form.setErrors({ password: t('errors.weak_password') });
    const u = await form.run(() => patch(`/users/${user.id}`, { password: form.values.password }), { weak_password: 'password' });
    if (!u) return;
    toast.ok(t('users.password_reset', { name: user.username }));
    onClose();
  };
  return html`<${Modal} title=${t('users.reset_title', { name: user.username })} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="user-reset-form" size="modal-sm"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="user-reset-submit">${t('users.reset')}</button>`}>
    <p class="muted small">${t('users.reset_hint')}</p>
    <${PasswordField} form=${form} />
  </${Modal}>`;
}

export default function UsersPage() {
  const me = useStore(session).user;
  const list = usePaged((cursor) => get('/users', { limit: 50, cursor }), []);
  const [dialog, setDialog] = useState(null);
  const replace = (u) => list.setItems((l) => l.map((x) => (x.id === u.id ? u : x)));
  const change = async (u, body) => {
    try {
      replace(await patch(`/users/${u.id}`, body));
      toast.ok(t('common.saved'));
    } catch (e) {
      toast.error(e);
    }
  };
  const remove = async (u) => {
    if (!(await confirmDialog({ title: t('users.delete_title'), message: t('users.delete_body', { name: u.username }), confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await del(`/users/${u.id}`);
      list.setItems((l) => l.filter((x) => x.id !== u.id));
      toast.ok(t('common.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };
  if (me && me.role !== 'admin') return html`<div class="page"><${Notice} tone="warn" icon="lock">${t('errors.forbidden')}</${Notice}></div>`;
  const columns = [
    { label: t('users.username'), render: (u) => html`<span class="row-tight"><strong>${u.username}</strong>${me && u.id === me.id ? html`<${Badge} tone="info">${t('users.you')}</${Badge}>` : null}
      ${u.must_change_password ? html`<${Badge} tone="warn" title=${t('users.must_change_hint')}>${t('users.must_change')}</${Badge}>` : null}</span>` },
    {
      label: t('users.role'),
      render: (u) => html`<select class="input select input-sm" aria-label=${t('users.role_of', { name: u.username })} value=${u.role} data-test="user-role-select"
        onChange=${(e) => change(u, { role: e.currentTarget.value })}>${['user', 'admin'].map((r) => html`<option value=${r}>${t('roles.' + r)}</option>`)}</select>`,
    },
    { label: t('common.enabled'), render: (u) => html`<${Switch} checked=${u.enabled} hideLabel label=${t('users.enabled_of', { name: u.username })} onChange=${(v) => change(u, { enabled: v })}
      disabled=${me && u.id === me.id} data-test="user-enabled" />` },
    { label: t('common.created'), render: (u) => html`<${Time} value=${u.created_at} short />` },
    {
      label: '',
      class: 'actions',
      render: (u) => html`<button type="button" class="btn btn-sm" onClick=${() => setDialog({ kind: 'reset', user: u })} data-test="user-reset"><${Icon} name="key" />${t('users.reset')}</button>
        <${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(u)} disabled=${me && u.id === me.id} data-test="user-delete" />`,
    },
  ];
  return html`<div class="page" data-test="page-users">
    <${PageHeader} title=${t('users.title')} subtitle=${t('users.subtitle')}
      actions=${html`<button type="button" class="btn btn-primary" onClick=${() => setDialog({ kind: 'create' })} data-test="user-add"><${Icon} name="plus" />${t('users.new')}</button>`} />
    <${Panel} class="panel-flush">
      <${DataTable} test="users-table" columns=${columns} rows=${list.items} loading=${list.loading} error=${list.error} onRetry=${list.reload}
        rowProps=${(u) => ({ 'data-test': 'user-row', 'data-user-id': u.id, 'data-role': u.role, 'data-enabled': u.enabled ? 'true' : 'false' })} empty=${html`<${Empty} icon="users" />`} />
      <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} />
    </${Panel}>
    ${dialog?.kind === 'create' ? html`<${CreateDialog} onClose=${() => setDialog(null)} onSaved=${(u) => { setDialog(null); list.setItems((l) => [...l, u]); }} />` : null}
    ${dialog?.kind === 'reset' ? html`<${ResetDialog} user=${dialog.user} onClose=${() => { setDialog(null); list.reload(); }} />` : null}
  </div>`;
}
