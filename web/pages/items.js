// Items of one account: sync from Goofish, search, local description, multi-spec and
// multi-quantity switches, fetch detail, delete.
import { html, useState } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get, post, patch, del } from '../lib/api.js';
import { usePaged } from '../lib/hooks.js';
import { yuan } from '../lib/format.js';
import { setQuery } from '../lib/router.js';
import { PageHeader, Panel, Switch, Time, IconButton, Empty, Spinner } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { Modal, confirmDialog } from '../components/modal.js';
import { useForm, TextArea, CheckField } from '../components/form.js';
import { AccountPicker } from '../components/account-picker.js';
import { AuthImage } from '../components/auth-image.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

function ItemDialog({ account, item, onClose, onSaved }) {
  const form = useForm({ description: item.description || '', multi_spec: item.multi_spec, multi_quantity_delivery: item.multi_quantity_delivery });
  const submit = async () => {
    const v = form.values;
    const saved = await form.run(() => patch(`/accounts/${account}/items/${item.item_id}`, v), { description_too_long: 'description' });
    if (!saved) return;
    toast.ok(t('common.saved'));
    onSaved(saved);
  };
  return html`<${Modal} title=${item.title || t('items.item_n', { id: item.item_id })} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="item-form"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="item-submit">${t('common.save')}</button>`}>
    <p class="muted small mono">${item.item_id}</p>
    <${TextArea} form=${form} name="description" label=${t('items.description')} hint=${t('items.description_hint')} rows="5" maxlength="10000" test="item-description" />
    <${CheckField} form=${form} name="multi_spec" label=${t('items.multi_spec')} hint=${t('items.multi_spec_hint')} test="item-multi-spec" />
    <${CheckField} form=${form} name="multi_quantity_delivery" label=${t('items.multi_quantity')} hint=${t('items.multi_quantity_hint')} test="item-multi-quantity" />
  </${Modal}>`;
}

export default function ItemsPage({ params, query }) {
  const account = Number(params.account);
  const [q, setQ] = useState(query.q || '');
  const specOnly = query.multi_spec === 'true';
  const list = usePaged((cursor) => get(`/accounts/${account}/items`, { q: query.q, multi_spec: specOnly ? 'true' : undefined, limit: 50, cursor }), [account, query.q, specOnly]);
  const [syncing, setSyncing] = useState(false);
  const [edit, setEdit] = useState(null);
  const replace = (it) => list.setItems((l) => l.map((x) => (x.item_id === it.item_id ? it : x)));

  const sync = async () => {
    setSyncing(true);
    try {
      const r = await post(`/accounts/${account}/items/sync`);
      toast.ok(t('items.synced', { n: r.synced }));
      list.reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setSyncing(false);
    }
  };
  const toggle = async (it, field, value) => {
    try {
      replace(await patch(`/accounts/${account}/items/${it.item_id}`, { [field]: value }));
    } catch (e) {
      toast.error(e);
    }
  };
  const detail = async (it) => {
    try {
      replace(await post(`/accounts/${account}/items/${it.item_id}/detail`));
      toast.ok(t('items.detail_fetched'));
    } catch (e) {
      toast.error(e);
    }
  };
  const remove = async (it) => {
    if (!(await confirmDialog({ title: t('items.delete_title'), message: it.title || it.item_id, confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await del(`/accounts/${account}/items/${it.item_id}`);
      list.setItems((l) => l.filter((x) => x.item_id !== it.item_id));
      toast.ok(t('common.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };

  const columns = [
    {
      label: t('items.item'),
      class: 'wrap',
      render: (it) => html`<div class="item-cell">
        ${it.pic_url ? html`<${AuthImage} src=${it.pic_url} alt="" />` : html`<span class="thumb thumb-missing" aria-hidden="true"></span>`}
        <div class="grow"><div class="item-title">${it.title || html`<span class="muted">${t('items.untitled')}</span>`}</div>
          <div class="muted small mono">${it.item_id}</div></div>
      </div>`,
    },
    { label: t('items.price'), class: 'num', render: (it) => yuan(it.price_fen) },
    { label: t('items.status'), render: (it) => (it.status ? html`<span class="badge badge-muted">${it.status}</span>` : html`<span class="muted">—</span>`) },
    { label: t('items.source'), render: (it) => tv('items.source_name', it.source) },
    { label: t('items.description'), class: 'wrap', render: (it) => (it.description ? html`<span class="small clamp-2">${it.description}</span>` : html`<span class="muted">—</span>`) },
    { label: t('items.multi_spec'), render: (it) => html`<${Switch} checked=${it.multi_spec} label=${t('items.multi_spec')} hideLabel onChange=${(v) => toggle(it, 'multi_spec', v)} data-test="item-multi-spec-switch" />` },
    { label: t('items.multi_quantity'), render: (it) => html`<${Switch} checked=${it.multi_quantity_delivery} label=${t('items.multi_quantity')} hideLabel onChange=${(v) => toggle(it, 'multi_quantity_delivery', v)} data-test="item-multi-quantity-switch" />` },
    { label: t('items.synced_at'), render: (it) => html`<${Time} value=${it.synced_at} short />` },
    {
      label: '',
      class: 'actions',
      render: (it) => html`<${IconButton} icon="edit" label=${t('common.edit')} onClick=${() => setEdit(it)} data-test="item-edit" />
        <${IconButton} icon="refresh" label=${t('items.fetch_detail')} onClick=${() => detail(it)} data-test="item-detail" />
        <${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(it)} data-test="item-delete" />`,
    },
  ];

  return html`<div class="page" data-test="page-items">
    <${PageHeader} title=${t('items.title')} subtitle=${t('items.subtitle')}
      actions=${html`<${AccountPicker} id=${account} section="items" />
        <button type="button" class="btn btn-primary" onClick=${sync} disabled=${syncing} data-test="items-sync">${syncing ? html`<${Spinner} />` : html`<${Icon} name="refresh" />`}${t('items.sync')}</button>`} />
    <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); setQuery({ q: q.trim(), multi_spec: specOnly ? 'true' : undefined }); }} role="search">
      <div class="field"><label class="field-label" for="items-q">${t('common.search')}</label>
        <input id="items-q" class="input" type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} placeholder=${t('items.search_placeholder')} data-test="items-search" /></div>
      <label class="check"><input type="checkbox" checked=${specOnly} onChange=${(e) => setQuery({ q: query.q, multi_spec: e.currentTarget.checked ? 'true' : undefined })} />
        <span>${t('items.only_multi_spec')}</span></label>
      <button type="submit" class="btn">${t('common.search')}</button>
    </form>
    <${Panel} class="panel-flush">
      <${DataTable} test="items-table" columns=${columns} rows=${list.items} rowKey=${(it) => it.item_id} loading=${list.loading} error=${list.error} onRetry=${list.reload}
        rowProps=${(it) => ({ 'data-test': 'item-row', 'data-item-id': it.item_id })}
        empty=${html`<${Empty} icon="box" title=${t('items.none')}><p class="small">${t('items.none_hint')}</p></${Empty}>`} />
      <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} />
    </${Panel}>
    ${edit ? html`<${ItemDialog} account=${account} item=${edit} onClose=${() => setEdit(null)} onSaved=${(it) => { replace(it); setEdit(null); }} />` : null}
  </div>`;
}
