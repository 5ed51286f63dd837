// Accounts: live status badges, last error, add (cookie checked before saving), edit, enable,
// replace cookie, delete.
import { html, useEffect, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { patch, del } from '../lib/api.js';
import { accounts, loadAccounts, upsertAccount, removeAccount, accountLabel } from '../lib/accounts.js';
import { useShowMore } from '../lib/hooks.js';
import { setQuery } from '../lib/router.js';
import { PageHeader, Panel, StatusBadge, Switch, Time, ErrorBox, Empty, IconButton, ATTENTION } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { confirmDialog } from '../components/modal.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';
import { AddAccountDialog, EditAccountDialog, CookieDialog } from './account-forms.js';
import { QrLoginDialog } from './account-qr.js';

export default function AccountsPage({ query }) {
  const s = useStore(accounts);
  const [dialog, setDialog] = useState(query.add ? { kind: 'add' } : query.qr ? { kind: 'qr' } : null);
  useEffect(() => {
    loadAccounts('stale').catch(() => {});
  }, []);
  const list = s.list || [];
  const page = useShowMore(list, 50);

  const close = () => {
    setDialog(null);
    if (query.add || query.qr) setQuery({});
  };
  const toggle = async (a, field, value) => {
    try {
      const started = Date.now();
      const next = await patch(`/accounts/${a.id}`, { [field]: value });
      upsertAccount(next, started);
      toast.ok(t('accounts.saved'));
    } catch (e) {
      toast.error(e);
    }
  };
  const remove = async (a) => {
    const ok = await confirmDialog({
      title: t('accounts.delete_title'),
      message: t('accounts.delete_body', { name: accountLabel(a) }),
      confirmLabel: t('common.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await del(`/accounts/${a.id}`);
      removeAccount(a.id);
      toast.ok(t('accounts.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };

  const columns = [
    {
      label: t('accounts.account'),
      render: (a) => html`<div class="acct-cell"><span class="acct-remark">${a.remark || t('accounts.no_remark')}</span>
        <span class="muted small mono">${a.xianyu_user_id}</span></div>`,
    },
    {
      label: t('accounts.status'),
      render: (a) => html`<${StatusBadge} status=${a.status} nextRetryAt=${a.next_retry_at} captchaUrl=${a.captcha_url} />`,
    },
    {
      label: t('accounts.last_error'),
      class: 'wrap',
      render: (a) =>
        a.last_error ? html`<span class="small text-danger break" data-test="account-last-error">${a.last_error}</span>` : html`<span class="muted">—</span>`,
    },
    {
      label: t('accounts.enabled'),
      render: (a) => html`<${Switch} checked=${a.enabled} label=${t('accounts.enabled_for', { name: accountLabel(a) })} hideLabel
        onChange=${(v) => toggle(a, 'enabled', v)} data-test="account-enabled" />`,
    },
    {
      label: t('accounts.auto_confirm'),
      render: (a) => html`<${Switch} checked=${a.auto_confirm} label=${t('accounts.auto_confirm_for', { name: accountLabel(a) })} hideLabel
        onChange=${(v) => toggle(a, 'auto_confirm', v)} data-test="account-auto-confirm" />`,
    },
    { label: t('accounts.pause_minutes'), class: 'num', render: (a) => t('accounts.minutes', { n: a.pause_minutes }) },
    { label: t('accounts.cookie'), render: (a) => (a.cookie_set ? html`<span class="badge badge-muted"><${Icon} name="lock" size="12" />${t('accounts.cookie_set')}</span>` : html`<span class="badge badge-warn">${t('accounts.cookie_missing')}</span>`) },
    { label: t('common.created'), render: (a) => html`<${Time} value=${a.created_at} short />` },
    {
      label: '',
      class: 'actions',
      render: (a) => html`<div class="row-tight">
        <a class="btn btn-sm" href=${`#/accounts/${a.id}/conversations`} data-test="account-conversations"><${Icon} name="chat" />${t('nav.conversations')}</a>
        <${IconButton} icon="edit" label=${t('common.edit')} onClick=${() => setDialog({ kind: 'edit', account: a })} data-test="account-edit" />
        <${IconButton} icon="key" label=${t('accounts.replace_cookie')} onClick=${() => setDialog({ kind: 'cookie', account: a })} data-test="account-replace-cookie" />
        <${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(a)} data-test="account-delete" />
      </div>`,
    },
  ];

  // For scripts/bench-dashboard.sh: when the first rows are on screen.
  useEffect(() => {
    if (page.shown.length && !performance.getEntriesByName('accounts-ready').length) performance.mark('accounts-ready');
  }, [page.shown.length]);

  return html`<div class="page" data-test="page-accounts">
    <${PageHeader} title=${t('accounts.title')} subtitle=${t('accounts.subtitle')}
      actions=${html`<button type="button" class="btn" onClick=${() => loadAccounts(true).catch(() => {})}>
          <${Icon} name="refresh" />${t('common.refresh')}</button>
        <button type="button" class="btn" onClick=${() => setDialog({ kind: 'qr' })} data-test="account-qr-login"><${Icon} name="qr" />${t('qr.open')}</button>
        <button type="button" class="btn btn-primary" onClick=${() => setDialog({ kind: 'add' })} data-test="account-add"><${Icon} name="plus" />${t('accounts.add')}</button>`} />
    <${Panel} class="panel-flush">
      ${s.error ? html`<${ErrorBox} error=${s.error} onRetry=${() => loadAccounts(true)} />` : null}
      <${DataTable} test="accounts-table" columns=${columns} rows=${page.shown} loading=${!s.list}
        rowProps=${(a) => ({ 'data-test': 'account-row', 'data-account-id': a.id, 'data-status': a.status, class: ATTENTION.has(a.status) ? 'row-attention' : '' })}
        empty=${html`<${Empty} icon="user" title=${t('accounts.none_yet')}>
          <p>${t('accounts.none_hint')}</p>
          <div class="row">
            <button type="button" class="btn" onClick=${() => setDialog({ kind: 'qr' })}><${Icon} name="qr" />${t('qr.open')}</button>
            <button type="button" class="btn btn-primary" onClick=${() => setDialog({ kind: 'add' })}>${t('accounts.add')}</button>
          </div></${Empty}>`} />
      <${LoadMore} hasMore=${page.hasMore} onClick=${page.more} count=${page.total > 50 ? page.shown.length : 0} />
    </${Panel}>
    ${dialog?.kind === 'add' ? html`<${AddAccountDialog} existing=${list} onClose=${close} />` : null}
    ${dialog?.kind === 'edit' ? html`<${EditAccountDialog} account=${dialog.account} onClose=${close} />` : null}
    ${dialog?.kind === 'cookie' ? html`<${CookieDialog} account=${dialog.account} onClose=${close} />` : null}
    ${dialog?.kind === 'qr' ? html`<${QrLoginDialog} onClose=${close} />` : null}
  </div>`;
}
