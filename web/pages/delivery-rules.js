// Delivery rules: which card an order gets (by item id or keyword, optionally for one spec),
// and the delivery preview that says which rule an order would match, or why none.
import { html, useState, useEffect } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get, post, patch, del } from '../lib/api.js';
import { usePaged, useAsync } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { accounts, loadAccounts, accountLabel, rememberedAccount } from '../lib/accounts.js';
import { PageHeader, Panel, Badge, Switch, IconButton, Empty, Notice } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { Modal, confirmDialog } from '../components/modal.js';
import { useForm, TextField, SelectField, CheckField } from '../components/form.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

/** Every card (for the rule form's select and the card names in the table). */
function useCards() {
  return useAsync(async () => {
    const all = [];
    let cursor = null;
    for (let i = 0; i < 10; i++) {
      const p = await get('/cards', { limit: 100, cursor });
      all.push(...p.items);
      cursor = p.next_cursor;
      if (!cursor) break;
    }
    return all;
  }, []);
}

function RuleDialog({ rule, cards, onClose, onSaved }) {
  const form = useForm({
    match_kind: rule?.match_kind || 'item_id',
    match_value: rule?.match_value || '',
    spec: !!rule?.spec,
    spec_name: rule?.spec?.name || '',
    spec_value: rule?.spec?.value || '',
    card_id: String(rule?.card_id || cards[0]?.id || ''),
    units_per_order: String(rule?.units_per_order ?? 1),
    enabled: rule ? rule.enabled : true,
    remark: rule?.remark || '',
  });
  const v = form.values;
  const submit = async () => {
    if (!v.match_value.trim()) return form.setErrors({ match_value: t('errors.invalid_item_match') });
    if (!v.card_id) return form.setErrors({ card_id: t('rules.need_card') });
    if (v.spec && (!v.spec_name.trim() || !v.spec_value.trim())) return form.setErrors({ spec_name: t('errors.invalid_spec') });
    const body = {
      match_kind: v.match_kind,
      match_value: v.match_value.trim(),
      spec: v.spec ? { name: v.spec_name.trim(), value: v.spec_value.trim() } : null,
      card_id: Number(v.card_id),
      units_per_order: Number(v.units_per_order),
      enabled: v.enabled,
      remark: v.remark.trim(),
    };
    const saved = await form.run(() => (rule ? patch(`/delivery-rules/${rule.id}`, body) : post('/delivery-rules', body)), {
      invalid_item_match: 'match_value', invalid_spec: 'spec_name', invalid_units_per_order: 'units_per_order', remark_too_long: 'remark', card_not_found: 'card_id',
    });
    if (!saved) return;
    toast.ok(t('common.saved'));
    onSaved(saved);
  };
  return html`<${Modal} title=${rule ? t('rules.edit') : t('rules.new')} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="delivery-rule-form"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="delivery-rule-submit">${t('common.save')}</button>`}>
    ${!cards.length ? html`<${Notice} tone="warn">${t('rules.no_cards')} <a href="#/cards">${t('cards.new')}</a></${Notice}>` : null}
    <div class="form-grid">
      <${SelectField} form=${form} name="match_kind" label=${t('rules.match_kind')} test="delivery-rule-kind"
        options=${[{ value: 'item_id', label: t('rules.kind_item_id') }, { value: 'keyword', label: t('rules.kind_keyword') }]} />
      <${TextField} form=${form} name="match_value" label=${v.match_kind === 'item_id' ? t('rules.item_id') : t('rules.keyword')} required maxlength="200"
        hint=${v.match_kind === 'keyword' ? t('rules.keyword_hint') : undefined} test="delivery-rule-value" />
      <${SelectField} form=${form} name="card_id" label=${t('rules.card')} test="delivery-rule-card" class="span-2"
        options=${cards.map((c) => ({ value: String(c.id), label: `${c.name} · ${t('cards.kind_' + c.kind)}` }))} />
      <${TextField} form=${form} name="units_per_order" type="number" min="1" max="100" label=${t('rules.units')} hint=${t('rules.units_hint')} test="delivery-rule-units" />
      <${TextField} form=${form} name="remark" label=${t('common.remark')} maxlength="200" test="delivery-rule-remark" />
    </div>
    <${CheckField} form=${form} name="spec" label=${t('rules.for_spec')} hint=${t('rules.for_spec_hint')} test="delivery-rule-spec" />
    ${v.spec
      ? html`<div class="form-grid">
          <${TextField} form=${form} name="spec_name" label=${t('rules.spec_name')} placeholder=${t('rules.spec_name_ph')} test="delivery-rule-spec-name" />
          <${TextField} form=${form} name="spec_value" label=${t('rules.spec_value')} placeholder=${t('rules.spec_value_ph')} test="delivery-rule-spec-value" />
        </div>`
      : null}
    <${CheckField} form=${form} name="enabled" label=${t('common.enabled')} test="delivery-rule-enabled" />
  </${Modal}>`;
}

function Preview({ cards }) {
  const s = useStore(accounts);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  const list = s.list || [];
  const form = useForm({ account: '', item_id: '', spec_name: '', spec_value: '', quantity: '1' });
  const [res, setRes] = useState(null);
  const account = form.values.account || String(rememberedAccount() || list[0]?.id || '');
  const submit = async (e) => {
    e.preventDefault();
    const v = form.values;
    if (!v.item_id.trim()) return form.setErrors({ item_id: t('errors.empty_item_id') });
    const spec = v.spec_name.trim() && v.spec_value.trim() ? { name: v.spec_name.trim(), value: v.spec_value.trim() } : null;
    const r = await form.run(() => post(`/accounts/${account}/delivery/preview`, { item_id: v.item_id.trim(), spec, quantity: Number(v.quantity) || 1 }));
    if (r) setRes(r);
  };
  const cardName = (id) => cards.find((c) => c.id === id)?.name || `#${id}`;
  return html`<${Panel} title=${t('rules.preview_title')}>
    <form onSubmit=${submit} novalidate data-test="delivery-preview-form">
      <div class="field"><label class="field-label" for="preview-account">${t('accounts.account')}</label>
        <select id="preview-account" class="input select" value=${account} onChange=${(e) => form.set('account', e.currentTarget.value)} data-test="delivery-preview-account">
          ${list.map((a) => html`<option value=${String(a.id)}>${accountLabel(a)}</option>`)}
        </select></div>
      <${TextField} form=${form} name="item_id" label=${t('rules.item_id')} required test="delivery-preview-item" inputmode="numeric" />
      <div class="form-grid">
        <${TextField} form=${form} name="spec_name" label=${t('rules.spec_name')} hint=${t('common.optional')} test="delivery-preview-spec-name" />
        <${TextField} form=${form} name="spec_value" label=${t('rules.spec_value')} hint=${t('common.optional')} test="delivery-preview-spec-value" />
      </div>
      <${TextField} form=${form} name="quantity" type="number" min="1" label=${t('rules.quantity')} test="delivery-preview-quantity" />
      <button type="submit" class="btn btn-primary" disabled=${form.busy || !account} data-test="delivery-preview-submit">${t('rules.preview_submit')}</button>
    </form>
    ${res
      ? html`<div class="preview-result" data-test="delivery-preview-result" data-reason=${res.reason || ''} data-rule-id=${res.rule?.id ?? ''} data-units=${res.units}>
          ${res.reason
            ? html`<${Notice} tone="warn" icon="alert">${tv('rules.reason', res.reason)}${res.candidates.length ? ' ' + t('rules.candidates', { ids: res.candidates.join(', ') }) : ''}</${Notice}>`
            : html`<${Notice} tone="ok" icon="check">${t('rules.would_deliver', { units: res.units, card: res.card ? res.card.name : cardName(res.rule?.card_id) })}</${Notice}>`}
          <dl class="kv">
            <dt>${t('rules.item')}</dt><dd>${res.item.known ? res.item.title || '—' : html`<span class="text-warn">${t('rules.item_unknown')}</span>`}</dd>
            ${res.rule ? html`<dt>${t('rules.rule')}</dt><dd>#${res.rule.id} · ${t('rules.kind_' + res.rule.match_kind)} “${res.rule.match_value}”</dd>` : null}
            ${res.card ? html`<dt>${t('rules.card')}</dt><dd>${res.card.name} · ${t('cards.kind_' + res.card.kind)}</dd>` : null}
          </dl>
        </div>`
      : null}
  </${Panel}>`;
}

export default function DeliveryRulesPage() {
  const list = usePaged((cursor) => get('/delivery-rules', { limit: 50, cursor }), []);
  const cards = useCards();
  const [dialog, setDialog] = useState(null);
  const cardList = cards.data || [];
  const cardName = (id) => cardList.find((c) => c.id === id)?.name || `#${id}`;
  const replace = (r) => list.setItems((l) => l.map((x) => (x.id === r.id ? r : x)));
  const toggle = async (r, enabled) => {
    try {
      replace(await patch(`/delivery-rules/${r.id}`, { enabled }));
    } catch (e) {
      toast.error(e);
    }
  };
  const remove = async (r) => {
    if (!(await confirmDialog({ title: t('rules.delete_title'), message: r.match_value, confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await del(`/delivery-rules/${r.id}`);
      list.setItems((l) => l.filter((x) => x.id !== r.id));
      toast.ok(t('common.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };
  const columns = [
    { label: t('rules.match'), render: (r) => html`<span class="row-tight"><${Badge} tone="outline">${t('rules.kind_' + r.match_kind)}</${Badge}><span class=${r.match_kind === 'item_id' ? 'mono' : ''}>${r.match_value}</span></span>` },
    { label: t('rules.spec'), render: (r) => (r.spec ? html`<span class="chip">${r.spec.name}: ${r.spec.value}</span>` : html`<span class="muted">${t('rules.any_spec')}</span>`) },
    { label: t('rules.card'), render: (r) => html`<a href=${'#/cards/' + r.card_id}>${cardName(r.card_id)}</a>` },
    { label: t('rules.units'), class: 'num', render: (r) => r.units_per_order },
    { label: t('common.remark'), class: 'wrap', render: (r) => r.remark || html`<span class="muted">—</span>` },
    { label: t('common.enabled'), render: (r) => html`<${Switch} checked=${r.enabled} label=${t('common.enabled')} hideLabel onChange=${(v) => toggle(r, v)} data-test="delivery-rule-enabled-switch" />` },
    {
      label: '',
      class: 'actions',
      render: (r) => html`<${IconButton} icon="edit" label=${t('common.edit')} onClick=${() => setDialog({ rule: r })} data-test="delivery-rule-edit" />
        <${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(r)} data-test="delivery-rule-delete" />`,
    },
  ];
  return html`<div class="page" data-test="page-delivery-rules">
    <${PageHeader} title=${t('rules.title')} subtitle=${t('rules.subtitle')}
      actions=${html`<button type="button" class="btn btn-primary" onClick=${() => setDialog({})} data-test="delivery-rule-add" disabled=${!cards.data}><${Icon} name="plus" />${t('rules.new')}</button>`} />
    <div class="replies-grid">
      <${Panel} class="panel-flush">
        <${DataTable} test="delivery-rules-table" columns=${columns} rows=${list.items} loading=${list.loading} error=${list.error} onRetry=${list.reload}
          rowProps=${(r) => ({ 'data-test': 'delivery-rule-row', 'data-rule-id': r.id, 'data-enabled': r.enabled ? 'true' : 'false' })}
          empty=${html`<${Empty} icon="truck" title=${t('rules.none')}><p class="small">${t('rules.none_hint')}</p></${Empty}>`} />
        <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} />
      </${Panel}>
      <aside class="replies-side"><${Preview} cards=${cardList} /></aside>
    </div>
    ${dialog
      ? html`<${RuleDialog} rule=${dialog.rule} cards=${cardList} onClose=${() => setDialog(null)}
          onSaved=${(r) => { setDialog(null); if (dialog.rule) replace(r); else list.setItems((l) => [r, ...l]); }} />`
      : null}
  </div>`;
}
