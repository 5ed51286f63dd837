// /conversations, /replies, /items: go to the remembered (or first) account's page.
import { html, useEffect } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { accounts, loadAccounts, rememberedAccount } from '../lib/accounts.js';
import { navigate } from '../lib/router.js';
import { Loading, ErrorBox, Empty, PageHeader } from '../components/ui.js';

export default function AccountRedirect({ to }) {
  const s = useStore(accounts);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  useEffect(() => {
    if (!s.list || !s.list.length) return;
    const want = rememberedAccount();
    const a = s.list.find((x) => x.id === want) || s.list[0];
    navigate(`/accounts/${a.id}/${to}`, undefined, { replace: true });
  }, [s.list]);
  if (s.error) return html`<div class="page"><${ErrorBox} error=${s.error} onRetry=${() => loadAccounts(true)} /></div>`;
  if (s.list && !s.list.length) {
    return html`<div class="page"><${PageHeader} title=${t('nav.' + to)} />
      <${Empty} icon="user" title=${t('accounts.none_yet')}><a class="btn btn-primary" href="#/accounts?add=1">${t('accounts.add')}</a></${Empty}></div>`;
  }
  return html`<${Loading} />`;
}
