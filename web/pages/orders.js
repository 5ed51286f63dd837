// Orders of all accounts, newest first, with filters; live updates as orders change.
import { html, useState, useEffect } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { usePaged, useLive, useDebounced } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { accounts, loadAccounts, accountLabel } from '../lib/accounts.js';
import { yuan } from '../lib/format.js';
import { setQuery, navigate } from '../lib/router.js';
import { PageHeader, Panel, Badge, Time, Empty } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';

export const STATES = ['placed', 'paid', 'shipped', 'completed', 'closed', 'refunding', 'refund_closed', 'refunded'];
const STATE_TONE = { placed: 'info', paid: 'warn', shipped: 'primary', completed: 'ok', closed: 'muted', refunding: 'danger', refund_closed: 'muted', refunded: 'muted' };
const OUTCOME_TONE = { delivered: 'ok', already_delivered: 'ok' };

export function OrderState({ state }) {
  return html`<${Badge} tone=${STATE_TONE[state] || 'muted'} data-test="order-state" data-state=${state}>${tv('order_state', state)}</${Badge}>`;
}

export function Outcome({ outcome }) {
  if (!outcome) return html`<span class="muted">—</span>`;
  return html`<${Badge} tone=${OUTCOME_TONE[outcome] || 'danger'} data-test="order-outcome" data-outcome=${outcome}>${tv('outcome_name', outcome)}</${Badge}>`;
}

export default function OrdersPage({ query }) {
  const s = useStore(accounts);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  const [f, setF] = useState({ account_id: query.account_id || '', state: query.state || '', from: query.from || '', to: query.to || '', item_id: query.item_id || '', buyer_id: query.buyer_id || '' });
  const key = JSON.stringify(query);
  const list = usePaged((cursor) => get('/orders', { ...query, limit: 50, cursor }), [key]);
  const refresh = useDebounced(() => list.reload(), 800);
  useLive((ev) => {
    if (ev.type === 'order_updated' || ev.type === 'delivery' || ev.type === 'resync') refresh();
  });
  const name = (id) => accountLabel((s.list || []).find((a) => a.id === id)) || `#${id}`;
  const apply = (e) => {
    e.preventDefault();
    setQuery(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.trim()])));
  };
  const reset = () => {
    const empty = { account_id: '', state: '', from: '', to: '', item_id: '', buyer_id: '' };
    setF(empty);
    setQuery({});
  };
  const input = (k, label, type = 'text', extra = {}) => html`<div class="field"><label class="field-label" for=${'of-' + k}>${label}</label>
    <input id=${'of-' + k} class="input" type=${type} value=${f[k]} onInput=${(e) => setF({ ...f, [k]: e.currentTarget.value })} data-test=${'orders-filter-' + k} ...${extra} /></div>`;
  const columns = [
    { label: t('orders.order'), render: (o) => html`<a href=${'#/orders/' + o.id} class="mono" data-test="order-link">${o.order_id}</a>` },
    { label: t('orders.item'), class: 'wrap', render: (o) => html`<span class="clamp-2">${o.item_title || o.item_id || '—'}</span>${o.spec_value ? html`<div class="small muted">${o.spec_name}: ${o.spec_value}</div>` : null}` },
    { label: t('orders.buyer'), render: (o) => o.buyer_name || o.buyer_id || '—' },
    { label: t('orders.quantity'), class: 'num', render: (o) => o.quantity },
    { label: t('orders.amount'), class: 'num', render: (o) => yuan(o.amount_fen) },
    { label: t('orders.state'), render: (o) => html`<span class="row-tight"><${OrderState} state=${o.state} />${o.bargain ? html`<${Badge} tone="outline">${t('orders.bargain')}</${Badge}>` : null}</span>` },
    { label: t('orders.delivery'), render: (o) => html`<${Outcome} outcome=${o.delivery_outcome} />` },
    { label: t('orders.account'), render: (o) => html`<span class="small">${name(o.account_id)}</span>` },
    { label: t('orders.created'), render: (o) => html`<${Time} value=${o.created_at} short />` },
  ];
  return html`<div class="page" data-test="page-orders">
    <${PageHeader} title=${t('orders.title')} subtitle=${t('orders.subtitle')} />
    <form class="toolbar filters" onSubmit=${apply} data-test="orders-filters" role="search">
      <div class="field"><label class="field-label" for="of-account">${t('orders.account')}</label>
        <select id="of-account" class="input select" value=${f.account_id} onChange=${(e) => setF({ ...f, account_id: e.currentTarget.value })} data-test="orders-filter-account">
          <option value="">${t('common.all')}</option>
          ${(s.list || []).map((a) => html`<option value=${String(a.id)}>${accountLabel(a)}</option>`)}
        </select></div>
      <div class="field"><label class="field-label" for="of-state">${t('orders.state')}</label>
        <select id="of-state" class="input select" value=${f.state} onChange=${(e) => setF({ ...f, state: e.currentTarget.value })} data-test="orders-filter-state">
          <option value="">${t('common.all')}</option>
          ${STATES.map((st) => html`<option value=${st}>${tv('order_state', st)}</option>`)}
        </select></div>
      ${input('from', t('orders.from'), 'date')}
      ${input('to', t('orders.to'), 'date')}
      ${input('item_id', t('orders.item_id'), 'text', { inputmode: 'numeric' })}
      ${input('buyer_id', t('orders.buyer_id'), 'text', { inputmode: 'numeric' })}
      <div class="row-tight"><button type="submit" class="btn btn-primary" data-test="orders-filter-apply">${t('common.filter')}</button>
        <button type="button" class="btn" onClick=${reset}>${t('common.reset')}</button></div>
    </form>
    <${Panel} class="panel-flush">
      <${DataTable} test="orders-table" columns=${columns} rows=${list.items} loading=${list.loading} error=${list.error} onRetry=${list.reload}
        rowProps=${(o) => ({ 'data-test': 'order-row', 'data-order-id': o.id, 'data-xianyu-order-id': o.order_id, 'data-state': o.state, 'data-outcome': o.delivery_outcome || '', class: 'clickable', onClick: (e) => { if (!e.target.closest('a,button')) navigate('/orders/' + o.id); } })}
        empty=${html`<${Empty} icon="order" title=${t('orders.none')} />`} />
      <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} />
    </${Panel}>
  </div>`;
}
