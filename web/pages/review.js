// The review list: deliveries whose outcome is uncertain (the server stopped between
// reservation and confirmation) or failed. Check the chat, then re-deliver or leave it.
import { html, useEffect } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { usePaged, useLive, useDebounced } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { accounts, loadAccounts, accountLabel } from '../lib/accounts.js';
import { setQuery } from '../lib/router.js';
import { PageHeader, Panel, Time, Empty, Notice } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { Icon } from '../components/icons.js';
import { DeliveryState, redeliver } from './order-detail.js';

const STATES = ['uncertain', 'failed', 'reserved', 'sent'];

export default function ReviewPage({ query }) {
  const state = STATES.includes(query.state) ? query.state : 'uncertain';
  const s = useStore(accounts);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  const list = usePaged((cursor) => get('/deliveries', { state, account_id: query.account_id, limit: 50, cursor }), [state, query.account_id]);
  const refresh = useDebounced(() => list.reload(), 800);
  useLive((ev) => {
    if (ev.type === 'delivery' || ev.type === 'resync') refresh();
  });
  const name = (id) => accountLabel((s.list || []).find((a) => a.id === id)) || `#${id}`;
  const columns = [
    { label: t('orders.order'), render: (d) => html`<a href=${'#/orders/' + d.order} class="mono" data-test="review-order-link">${d.order_id}</a>` },
    { label: t('orders.unit'), class: 'num', render: (d) => d.unit },
    { label: t('orders.delivery_state'), render: (d) => html`<${DeliveryState} state=${d.state} />` },
    { label: t('orders.sends'), class: 'num', render: (d) => d.sends },
    { label: t('orders.error'), class: 'wrap', render: (d) => (d.error ? html`<span class="small text-danger">${d.error}</span>` : html`<span class="muted">—</span>`) },
    { label: t('orders.account'), render: (d) => html`<span class="small">${name(d.account_id)}</span>` },
    { label: t('common.updated'), render: (d) => html`<${Time} value=${d.updated_at || d.created_at} short />` },
    {
      label: '',
      class: 'actions',
      render: (d) => html`<a class="btn btn-sm" href=${'#/orders/' + d.order}>${t('common.details')}</a>
        <button type="button" class="btn btn-sm btn-primary" onClick=${async () => (await redeliver(d.order)) && list.reload()} data-test="review-redeliver">
          <${Icon} name="send" />${t('orders.redeliver')}</button>`,
    },
  ];
  return html`<div class="page" data-test="page-review">
    <${PageHeader} title=${t('review.title')} subtitle=${t('review.subtitle')} />
    <${Notice} icon="info">${t('review.explain')}</${Notice}>
    <div class="toolbar">
      <div class="field"><label class="field-label" for="rv-state">${t('orders.delivery_state')}</label>
        <select id="rv-state" class="input select" value=${state} onChange=${(e) => setQuery({ ...query, state: e.currentTarget.value })} data-test="review-filter-state">
          ${STATES.map((st) => html`<option value=${st}>${tv('delivery_state', st)}</option>`)}
        </select></div>
      <div class="field"><label class="field-label" for="rv-account">${t('orders.account')}</label>
        <select id="rv-account" class="input select" value=${query.account_id || ''} onChange=${(e) => setQuery({ ...query, account_id: e.currentTarget.value || undefined })} data-test="review-filter-account">
          <option value="">${t('common.all')}</option>
          ${(s.list || []).map((a) => html`<option value=${String(a.id)}>${accountLabel(a)}</option>`)}
        </select></div>
    </div>
    <${Panel} class="panel-flush">
      <${DataTable} test="review-table" columns=${columns} rows=${list.items} loading=${list.loading} error=${list.error} onRetry=${list.reload}
        rowProps=${(d) => ({ 'data-test': 'review-row', 'data-delivery-id': d.id, 'data-order-id': d.order, 'data-state': d.state })}
        empty=${html`<${Empty} icon="check" title=${t('review.none')} />`} />
      <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} />
    </${Panel}>
  </div>`;
}
