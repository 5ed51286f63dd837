// Cards (卡券): what a delivery sends. Stock counts with a low-stock warning.
import { html, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, del } from '../lib/api.js';
import { usePaged, useLive } from '../lib/hooks.js';
import { PageHeader, Panel, Badge, Time, IconButton, Empty } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { confirmDialog } from '../components/modal.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';
import { CardDialog } from './card-form.js';

export function isLow(c) {
  return c.kind === 'stock' && c.stock && c.stock.available <= (c.body?.low_stock_threshold ?? 0);
}

export function StockBadge({ card }) {
  if (card.kind !== 'stock' || !card.stock) return html`<span class="muted">—</span>`;
  const low = isLow(card);
  return html`<span class="row-tight" data-test="card-stock" data-available=${card.stock.available} data-low=${low ? 'true' : 'false'}>
    <span class="num"><strong>${card.stock.available}</strong><span class="muted"> / ${card.stock.total}</span></span>
    ${low ? html`<${Badge} tone=${card.stock.available === 0 ? 'danger' : 'warn'} data-test="low-stock-badge"><${Icon} name="alert" size="12" />${card.stock.available === 0 ? t('cards.empty_stock') : t('cards.low')}</${Badge}>` : null}
  </span>`;
}

export default function CardsPage() {
  const list = usePaged((cursor) => get('/cards', { limit: 50, cursor }), []);
  const [dialog, setDialog] = useState(null);
  useLive((ev) => {
    if (ev.type === 'low_stock' || ev.type === 'delivery' || ev.type === 'resync') list.reload();
  });
  const remove = async (c) => {
    if (!(await confirmDialog({ title: t('cards.delete_title'), message: c.name, confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await del(`/cards/${c.id}`);
      list.setItems((l) => l.filter((x) => x.id !== c.id));
      toast.ok(t('common.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };
  const columns = [
    { label: t('cards.name'), render: (c) => html`<a href=${'#/cards/' + c.id} class="strong-link">${c.name}</a>` },
    { label: t('cards.kind'), render: (c) => html`<${Badge} tone="outline">${t('cards.kind_' + c.kind)}</${Badge}>` },
    { label: t('cards.stock'), render: (c) => html`<${StockBadge} card=${c} />` },
    { label: t('cards.content'), class: 'wrap', render: (c) => html`<${CardSummary} card=${c} />` },
    { label: t('cards.delay'), class: 'num', render: (c) => (c.delay_secs ? t('cards.secs', { n: c.delay_secs }) : html`<span class="muted">—</span>`) },
    { label: t('common.updated'), render: (c) => html`<${Time} value=${c.updated_at} short />` },
    {
      label: '',
      class: 'actions',
      render: (c) => html`${c.kind === 'stock' ? html`<a class="btn btn-sm" href=${'#/cards/' + c.id} data-test="card-stock-link"><${Icon} name="box" />${t('cards.manage_stock')}</a>` : null}
        <${IconButton} icon="edit" label=${t('common.edit')} onClick=${() => setDialog({ card: c })} data-test="card-edit" />
        <${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(c)} data-test="card-delete" />`,
    },
  ];
  return html`<div class="page" data-test="page-cards">
    <${PageHeader} title=${t('cards.title')} subtitle=${t('cards.subtitle')}
      actions=${html`<button type="button" class="btn btn-primary" onClick=${() => setDialog({})} data-test="card-add"><${Icon} name="plus" />${t('cards.new')}</button>`} />
    <${Panel} class="panel-flush">
      <${DataTable} test="cards-table" columns=${columns} rows=${list.items} loading=${list.loading} error=${list.error} onRetry=${list.reload}
        rowProps=${(c) => ({ 'data-test': 'card-row', 'data-card-id': c.id, 'data-kind': c.kind, class: isLow(c) ? 'row-attention' : '' })}
        empty=${html`<${Empty} icon="card" title=${t('cards.none')}><p class="small">${t('cards.none_hint')}</p></${Empty}>`} />
      <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} />
    </${Panel}>
    ${dialog
      ? html`<${CardDialog} card=${dialog.card} onClose=${() => setDialog(null)}
          onSaved=${(c) => { setDialog(null); list.setItems((l) => (dialog.card ? l.map((x) => (x.id === c.id ? c : x)) : [c, ...l])); }} />`
      : null}
  </div>`;
}

export function CardSummary({ card }) {
  const b = card.body || {};
  if (b.type === 'text') return html`<span class="small clamp-2">${b.text}</span>`;
  if (b.type === 'http_fetch') return html`<span class="small mono ellipsis">${b.method || 'GET'} ${b.url}</span>${(b.headers || []).length ? html` <span class="badge badge-muted"><${Icon} name="lock" size="11" />${t('cards.headers_n', { n: b.headers.length })}</span>` : null}`;
  if (b.type === 'stock') return html`<span class="small muted">${t('cards.stock_summary', { n: b.low_stock_threshold ?? 0 })}</span>`;
  if (b.type === 'image') return html`<span class="small muted">${t('cards.kind_image')}</span>`;
  return null;
}
