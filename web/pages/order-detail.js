// One order: its fields, state history, events, delivered content, manual re-delivery and a link
// to the order's chat (found by account and cid).
import { html, useState } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get, post } from '../lib/api.js';
import { useAsync, useLive } from '../lib/hooks.js';
import { yuan, dateTime } from '../lib/format.js';
import { accountLabel, accounts } from '../lib/accounts.js';
import { useStore } from '../lib/store.js';
import { PageHeader, Panel, Badge, Time, ErrorBox, Loading, Empty, Spinner } from '../components/ui.js';
import { DataTable } from '../components/table.js';
import { confirmDialog } from '../components/modal.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';
import { OrderState, Outcome } from './orders.js';

const DELIVERY_TONE = { sent: 'ok', reserved: 'info', failed: 'danger', uncertain: 'warn' };

export function DeliveryState({ state }) {
  return html`<${Badge} tone=${DELIVERY_TONE[state] || 'muted'} data-test="delivery-state" data-state=${state}>${tv('delivery_state', state)}</${Badge}>`;
}

export async function redeliver(orderRowId) {
  const ok = await confirmDialog({ title: t('orders.redeliver_title'), message: t('orders.redeliver_body'), confirmLabel: t('orders.redeliver') });
  if (!ok) return null;
  try {
    const r = await post(`/orders/${orderRowId}/redeliver`);
    const text = t('orders.redelivered', { outcome: tv('outcome_name', r.outcome), n: r.sent });
    if (r.outcome === 'delivered' || r.outcome === 'already_delivered') toast.ok(text);
    else toast.warn(`${text} ${r.message || ''}`);
    return r;
  } catch (e) {
    toast.error(e);
    return null;
  }
}

export default function OrderDetailPage({ params }) {
  const id = Number(params.order);
  const o = useAsync(() => get(`/orders/${id}`), [id]);
  const s = useStore(accounts);
  const [busy, setBusy] = useState(false);
  const key = o.data ? `${o.data.account_id}/${o.data.cid || ''}` : '';
  const chat = useAsync(
    () => (o.data && o.data.cid ? get(`/accounts/${o.data.account_id}/conversations/by-cid/${encodeURIComponent(o.data.cid)}`) : Promise.resolve(null)),
    [key],
  );
  useLive((ev) => {
    if ((ev.type === 'order_updated' || ev.type === 'delivery') && o.data && ev.order_id === o.data.order_id) o.reload();
  });
  if (o.error) return html`<div class="page"><a href="#/orders" class="link back-link"><${Icon} name="back" />${t('nav.orders')}</a><${ErrorBox} error=${o.error} onRetry=${o.reload} /></div>`;
  if (!o.data) return html`<${Loading} />`;
  const d = o.data;
  const account = (s.list || []).find((a) => a.id === d.account_id);
  const doRedeliver = async () => {
    setBusy(true);
    const r = await redeliver(id);
    setBusy(false);
    if (r) o.reload();
  };
  return html`<div class="page" data-test="page-order" data-order-id=${d.id} data-state=${d.state} data-outcome=${d.delivery_outcome || ''}>
    <a href="#/orders" class="link back-link"><${Icon} name="back" />${t('nav.orders')}</a>
    <${PageHeader} title=${t('orders.order_n', { id: d.order_id })} subtitle=${d.item_title || d.item_id || ''}
      actions=${html`${chat.data
          ? html`<a class="btn" href=${`#/accounts/${chat.data.account_id}/conversations/${chat.data.id}`} data-test="order-chat-link"
              data-conversation-id=${chat.data.id}><${Icon} name="chat" />${t('orders.open_chat')}</a>`
          : null}
        <button type="button" class="btn btn-primary" onClick=${doRedeliver} disabled=${busy} data-test="order-redeliver">
        ${busy ? html`<${Spinner} />` : html`<${Icon} name="send" />`}${t('orders.redeliver')}</button>`} />
    <div class="detail-grid">
      <${Panel} title=${t('orders.summary')}>
        <dl class="kv">
          <dt>${t('orders.state')}</dt><dd><${OrderState} state=${d.state} />${d.bargain ? html` <${Badge} tone="outline">${t('orders.bargain')}</${Badge}>` : null}</dd>
          <dt>${t('orders.delivery')}</dt><dd><${Outcome} outcome=${d.delivery_outcome} />${d.delivery_message ? html`<div class="small muted">${d.delivery_message}</div>` : null}</dd>
          <dt>${t('orders.confirm')}</dt><dd>${tv('confirm_state', d.confirm_state)}</dd>
          <dt>${t('orders.amount')}</dt><dd class="num">${yuan(d.amount_fen)}</dd>
          <dt>${t('orders.quantity')}</dt><dd>${d.quantity}</dd>
          <dt>${t('orders.spec')}</dt><dd>${d.spec_value ? `${d.spec_name}: ${d.spec_value}` : '—'}</dd>
          <dt>${t('orders.item')}</dt><dd>${d.item_title || '—'} <span class="muted mono small">${d.item_id || ''}</span></dd>
          <dt>${t('orders.buyer')}</dt><dd>${d.buyer_name || '—'} <span class="muted mono small">${d.buyer_id || ''}</span></dd>
          <dt>${t('orders.account')}</dt><dd>${account ? accountLabel(account) : '#' + d.account_id}</dd>
          <dt>${t('orders.created')}</dt><dd><${Time} value=${d.created_at} /></dd>
          <dt>${t('orders.paid_at')}</dt><dd><${Time} value=${d.paid_at} /></dd>
          <dt>${t('common.updated')}</dt><dd><${Time} value=${d.updated_at} /></dd>
        </dl>
      </${Panel}>
      <${Panel} title=${t('orders.history')}>
        ${d.history.length
          ? html`<ol class="timeline" data-test="order-history">${d.history.map(
              (h) => html`<li data-to=${h.to}><div><strong>${tv('order_state', h.from)} → ${tv('order_state', h.to)}</strong></div>
                <div class="small muted">${tv('signal', h.signal)} · ${dateTime(h.at, { seconds: true })}</div></li>`,
            )}</ol>`
          : html`<${Empty} title=${t('orders.no_history')} />`}
      </${Panel}>
    </div>
    <${Panel} title=${t('orders.deliveries')} class="panel-flush">
      <${DataTable} test="order-deliveries" rows=${d.deliveries} rowProps=${(x) => ({ 'data-test': 'order-delivery-row', 'data-unit': x.unit, 'data-state': x.state })}
        empty=${html`<${Empty} icon="truck" title=${t('orders.no_deliveries')} />`}
        columns=${[
          { label: t('orders.unit'), class: 'num', render: (x) => x.unit },
          { label: t('orders.delivery_state'), render: (x) => html`<${DeliveryState} state=${x.state} />` },
          { label: t('orders.content'), class: 'wrap', render: (x) => (x.content ? html`<span class="pre small" data-test="delivered-content">${x.content}</span>` : html`<span class="muted">—</span>`) },
          { label: t('orders.sends'), class: 'num', render: (x) => x.sends },
          { label: t('orders.error'), class: 'wrap', render: (x) => (x.error ? html`<span class="small text-danger">${x.error}</span>` : html`<span class="muted">—</span>`) },
          { label: t('common.updated'), render: (x) => html`<${Time} value=${x.updated_at} short />` },
        ]} />
    </${Panel}>
    <${Panel} title=${t('orders.events')} class="panel-flush">
      <${DataTable} test="order-events" rows=${d.events} rowProps=${(x) => ({ 'data-test': 'order-event-row', 'data-kind': x.kind, 'data-code': x.code })}
        empty=${html`<${Empty} title=${t('orders.no_events')} />`}
        columns=${[
          { label: t('orders.event_kind'), render: (x) => tv('event_kind', x.kind) },
          { label: t('orders.event_code'), render: (x) => html`<span class="mono small">${x.code}</span>` },
          { label: t('orders.event_message'), class: 'wrap', render: (x) => html`<span class="small">${x.message}</span>` },
          { label: t('orders.at'), render: (x) => html`<${Time} value=${x.at} short />` },
        ]} />
    </${Panel}>
  </div>`;
}
