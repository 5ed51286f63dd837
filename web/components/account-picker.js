// The account switcher of account-scoped pages (conversations, replies, items).
import { html, useEffect } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { accounts, loadAccounts, accountLabel, rememberAccount } from '../lib/accounts.js';
import { navigate } from '../lib/router.js';
import { StatusBadge } from './ui.js';

/** Shows the account of `id` and navigates to /accounts/<other>/<section> on change. */
export function AccountPicker({ id, section }) {
  const s = useStore(accounts);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  useEffect(() => {
    if (id) rememberAccount(id);
  }, [id]);
  const list = s.list || [];
  const current = list.find((a) => a.id === Number(id));
  return html`<div class="account-picker">
    <label class="sr-only" for="account-picker">${t('accounts.pick')}</label>
    <select id="account-picker" class="input select" value=${String(id)} data-test="account-picker"
      onChange=${(e) => navigate(`/accounts/${e.currentTarget.value}/${section}`)}>
      ${!current ? html`<option value=${String(id)}>${t('accounts.account_n', { id })}</option>` : null}
      ${list.map((a) => html`<option value=${String(a.id)}>${accountLabel(a)}</option>`)}
    </select>
    ${current ? html`<${StatusBadge} status=${current.status} nextRetryAt=${current.next_retry_at} captchaUrl=${current.captcha_url} />` : null}
  </div>`;
}

/** The account object of an id, from the shared list (null until loaded). */
export function useAccount(id) {
  const s = useStore(accounts);
  return (s.list || []).find((a) => a.id === Number(id)) || null;
}
