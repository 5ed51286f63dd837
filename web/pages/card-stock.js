// One card's stock: counts, append lines, list (masked until shown) and delete unused lines.
import { html, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, post, del } from '../lib/api.js';
import { useAsync, usePaged, useLive } from '../lib/hooks.js';
import { PageHeader, Panel, Stat, Badge, Time, IconButton, ErrorBox, Loading, Empty, Switch, Notice } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { confirmDialog } from '../components/modal.js';
import { useForm, TextArea, ctrlEnterSubmits } from '../components/form.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';
import { CardDialog } from './card-form.js';
import { isLow, CardSummary } from './cards.js';

function mask(s) {
  if (s.length <= 4) return '••••';
  return s.slice(0, 3) + '•'.repeat(Math.min(12, s.length - 3));
}

export default function CardStockPage({ params }) {
  const id = Number(params.card);
  const card = useAsync(() => get(`/cards/${id}`), [id]);
  const counts = useAsync(() => get(`/cards/${id}/stock`), [id]);
  const [consumed, setConsumed] = useState(false);
  const [reveal, setReveal] = useState(false);
  const [edit, setEdit] = useState(false);
  const isStock = card.data?.kind === 'stock';
  const lines = usePaged((cursor) => (isStock ? get(`/cards/${id}/stock`, { lines: 'true', consumed: consumed ? 'true' : undefined, limit: 100, cursor }).then((s) => ({ items: s.lines || [], next_cursor: s.next_cursor })) : Promise.resolve({ items: [] })), [id, consumed, isStock]);
  const form = useForm({ lines: '' });
  const n = form.values.lines.split('\n').filter((l) => l.trim()).length;
  useLive((ev) => {
    if ((ev.type === 'low_stock' && ev.card_id === id) || ev.type === 'delivery') {
      counts.reload();
      lines.reload();
    }
  });

  const append = async (e) => {
    e.preventDefault();
    if (!n) return form.setErrors({ lines: t('errors.no_stock_lines') });
    const r = await form.run(() => post(`/cards/${id}/stock`, { lines: form.values.lines }), {
      no_stock_lines: 'lines', too_many_stock_lines: 'lines', stock_line_too_long: 'lines', payload_too_large: 'lines',
    });
    if (!r) return;
    form.set('lines', '');
    toast.ok(t('stock.added', { n: r.added, available: r.available }));
    counts.reload();
    lines.reload();
  };
  const remove = async (line) => {
    if (!(await confirmDialog({ title: t('stock.delete_title'), message: reveal ? line.line : mask(line.line), confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await del(`/cards/${id}/stock/${line.id}`);
      lines.setItems((l) => l.filter((x) => x.id !== line.id));
      counts.reload();
    } catch (err) {
      toast.error(err);
    }
  };

  if (card.error) return html`<div class="page"><a href="#/cards" class="link"><${Icon} name="back" />${t('nav.cards')}</a><${ErrorBox} error=${card.error} onRetry=${card.reload} /></div>`;
  if (!card.data) return html`<${Loading} />`;
  const c = { ...card.data, stock: counts.data ? { total: counts.data.total, available: counts.data.available, consumed: counts.data.consumed } : card.data.stock };
  return html`<div class="page" data-test="page-card-stock" data-card-id=${id}>
    <a href="#/cards" class="link back-link"><${Icon} name="back" />${t('nav.cards')}</a>
    <${PageHeader} title=${c.name} subtitle=${t('cards.kind_' + c.kind)}
      actions=${html`<button type="button" class="btn" onClick=${() => setEdit(true)} data-test="card-edit"><${Icon} name="edit" />${t('common.edit')}</button>`} />
    <${Panel} title=${t('cards.content')}><${CardSummary} card=${c} />
      ${c.message_template ? html`<p class="small muted pre">${t('cards.message_template')}: ${c.message_template}</p>` : null}</${Panel}>
    ${!isStock
      ? html`<${Notice}>${t('stock.not_stock')}</${Notice}>`
      : html`
        <div class="stat-grid">
          <${Stat} label=${t('stock.available')} value=${c.stock?.available ?? '…'} tone=${isLow(c) ? 'danger' : 'ok'} data-test="stock-available" />
          <${Stat} label=${t('stock.consumed')} value=${c.stock?.consumed ?? '…'} data-test="stock-consumed" />
          <${Stat} label=${t('stock.total')} value=${c.stock?.total ?? '…'} data-test="stock-total" />
          <${Stat} label=${t('cards.low_threshold')} value=${c.body?.low_stock_threshold ?? 0} />
        </div>
        ${isLow(c) ? html`<${Notice} tone="warn" icon="alert" data-test="low-stock-warning">${t('stock.low_warning', { n: c.stock.available })}</${Notice}>` : null}
        <${Panel} title=${t('stock.append')}>
          <form onSubmit=${append} novalidate data-test="stock-form">
            <${TextArea} form=${form} name="lines" label=${t('stock.lines')} hint=${t('stock.lines_hint')} rows="6" mono test="stock-lines" onKeyDown=${ctrlEnterSubmits} />
            <button type="submit" class="btn btn-primary" disabled=${form.busy || !n} data-test="stock-submit">${t('stock.append_n', { n })}</button>
          </form>
        </${Panel}>
        <${Panel} title=${t('stock.list')} class="panel-flush"
          actions=${html`<${Switch} checked=${reveal} onChange=${setReveal} label=${t('stock.reveal')} data-test="stock-reveal" />
            <${Switch} checked=${consumed} onChange=${setConsumed} label=${t('stock.with_consumed')} data-test="stock-with-consumed" />`}>
          <${DataTable} columns=${[
            { label: t('stock.line'), class: 'wrap', render: (l) => html`<span class="mono break">${reveal ? l.line : mask(l.line)}</span>` },
            { label: t('stock.state'), render: (l) => (l.consumed ? html`<${Badge} tone="muted">${t('stock.consumed_one')}</${Badge}>` : html`<${Badge} tone="ok">${t('stock.available_one')}</${Badge}>`) },
            { label: t('common.created'), render: (l) => html`<${Time} value=${l.created_at} short />` },
            { label: '', class: 'actions', render: (l) => (l.consumed ? null : html`<${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(l)} data-test="stock-line-delete" />`) },
          ]} rows=${lines.items} loading=${lines.loading} error=${lines.error} onRetry=${lines.reload}
            rowProps=${(l) => ({ 'data-test': 'stock-line-row', 'data-line-id': l.id, 'data-consumed': l.consumed ? 'true' : 'false' })}
            empty=${html`<${Empty} icon="box" title=${t('stock.none')} />`} />
          <${LoadMore} hasMore=${lines.hasMore} loading=${lines.loading} onClick=${lines.loadMore} />
        </${Panel}>`}
    ${edit ? html`<${CardDialog} card=${card.data} onClose=${() => setEdit(false)} onSaved=${(x) => { setEdit(false); card.setData(x); }} />` : null}
  </div>`;
}
