// Keyword rules: list by priority, reorder by drag and drop or buttons, bulk delete, edit.
import { html, useState, useMemo } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, post, put, del } from '../lib/api.js';
import { useAsync, useShowMore } from '../lib/hooks.js';
import { ErrorBox, Loading, Empty, IconButton } from '../components/ui.js';
import { LoadMore } from '../components/table.js';
import { Modal, confirmDialog } from '../components/modal.js';
import { useForm, TextField, TextArea, SelectField } from '../components/form.js';
import { ReplyEditor, ReplySummary, cleanReply, REPLY_CODES } from '../components/reply-editor.js';
import { ItemDatalist } from './replies-simple.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

const KEYWORD_CODES = ['no_keywords', 'too_many_keywords', 'empty_keyword', 'keyword_too_long', 'keyword_not_trimmed', 'invalid_regex', 'regex_too_large'];

function byPriority(a, b) {
  return (b.priority ?? 0) - (a.priority ?? 0) || a.id - b.id;
}

function RuleDialog({ account, rule, onClose, onSaved }) {
  const form = useForm({
    keywords: rule ? rule.keywords.join('\n') : '',
    mode: rule?.mode || 'contains',
    item_id: rule?.item_id || '',
    priority: String(rule?.priority ?? 0),
  });
  const [reply, setReply] = useState(rule?.reply || { type: 'text', text: '' });
  const submit = async () => {
    const keywords = form.values.keywords.split('\n').map((k) => k.trim()).filter(Boolean);
    if (!keywords.length) return form.setErrors({ keywords: t('errors.no_keywords') });
    const prio = Number(form.values.priority);
    if (!Number.isInteger(prio)) return form.setErrors({ priority: t('errors.invalid_priority') });
    const body = { keywords, mode: form.values.mode, item_id: form.values.item_id.trim() || null, priority: prio, reply: cleanReply(reply) };
    const fields = Object.fromEntries([...KEYWORD_CODES.map((c) => [c, 'keywords']), ...REPLY_CODES.map((c) => [c, 'reply']), ['empty_item_id', 'item_id'], ['invalid_priority', 'priority']]);
    const saved = await form.run(() => (rule ? put(`/accounts/${account}/keyword-rules/${rule.id}`, body) : post(`/accounts/${account}/keyword-rules`, body)), fields);
    if (!saved) return;
    toast.ok(t('replies.rule_saved'));
    onSaved(saved);
  };
  return html`<${Modal} title=${rule ? t('replies.edit_rule') : t('replies.new_rule')} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="keyword-rule-form" size="modal-lg"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="keyword-rule-submit">${t('common.save')}</button>`}>
    <${TextArea} form=${form} name="keywords" label=${t('replies.keywords')} hint=${t('replies.keywords_hint')} rows="3" required test="keyword-rule-keywords" />
    <div class="form-grid">
      <${SelectField} form=${form} name="mode" label=${t('replies.mode')} test="keyword-rule-mode" hint=${t('replies.mode_hint_' + form.values.mode)}
        options=${['contains', 'exact', 'regex'].map((m) => ({ value: m, label: t('replies.mode_' + m) }))} />
      <${TextField} form=${form} name="priority" type="number" step="1" label=${t('replies.priority')} hint=${t('replies.priority_hint')} test="keyword-rule-priority" />
      <${TextField} form=${form} name="item_id" label=${t('replies.bind_item')} hint=${t('replies.bind_item_hint')} test="keyword-rule-item" class="span-2" inputmode="numeric" list="rule-items" />
    </div>
    <${ItemDatalist} account=${account} id="rule-items" />
    <${ReplyEditor} value=${reply} onChange=${setReply} error=${form.errors.reply} test="keyword-rule-reply" />
  </${Modal}>`;
}

export function KeywordRules({ account }) {
  const rules = useAsync(() => get(`/accounts/${account}/keyword-rules`), [account]);
  const [dialog, setDialog] = useState(null);
  const [selected, setSelected] = useState(new Set());
  const [drag, setDrag] = useState(null);
  const [over, setOver] = useState(null);
  const sorted = useMemo(() => [...(rules.data || [])].sort(byPriority), [rules.data]);
  const page = useShowMore(sorted, 100);

  const reorder = async (ids) => {
    const prev = rules.data;
    const pos = new Map(ids.map((id, i) => [id, ids.length - i]));
    rules.setData((list) => list.map((r) => ({ ...r, priority: pos.get(r.id) ?? r.priority })));
    try {
      const fresh = await put(`/accounts/${account}/keyword-rules/priority`, { ids });
      if (Array.isArray(fresh)) rules.setData(fresh);
      toast.ok(t('replies.order_saved'));
    } catch (e) {
      rules.setData(prev);
      toast.error(e);
    }
  };
  const move = (id, delta) => {
    const ids = sorted.map((r) => r.id);
    const i = ids.indexOf(id);
    const j = i + delta;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    reorder(ids);
  };
  const drop = (targetId) => {
    if (drag == null || drag === targetId) return;
    const ids = sorted.map((r) => r.id).filter((id) => id !== drag);
    ids.splice(ids.indexOf(targetId), 0, drag);
    reorder(ids);
  };
  const remove = async (r) => {
    if (!(await confirmDialog({ title: t('replies.delete_rule'), message: r.keywords.join('、'), confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await del(`/accounts/${account}/keyword-rules/${r.id}`);
      rules.setData((list) => list.filter((x) => x.id !== r.id));
      toast.ok(t('common.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };
  const bulkDelete = async () => {
    const ids = [...selected];
    if (!(await confirmDialog({ title: t('replies.delete_rules_n', { n: ids.length }), message: t('replies.delete_rules_body'), confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await post(`/accounts/${account}/keyword-rules/bulk-delete`, { ids });
      rules.setData((list) => list.filter((x) => !selected.has(x.id)));
      setSelected(new Set());
      toast.ok(t('common.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };
  const toggle = (id, on) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
  const allOn = sorted.length > 0 && sorted.every((r) => selected.has(r.id));

  if (rules.error && !rules.data) return html`<${ErrorBox} error=${rules.error} onRetry=${rules.reload} />`;
  if (!rules.data) return html`<${Loading} />`;
  return html`<div data-test="keyword-rules">
    <div class="toolbar">
      <button type="button" class="btn btn-primary" onClick=${() => setDialog({})} data-test="keyword-rule-add"><${Icon} name="plus" />${t('replies.new_rule')}</button>
      ${selected.size
        ? html`<button type="button" class="btn text-danger" onClick=${bulkDelete} data-test="keyword-rule-bulk-delete"><${Icon} name="trash" />${t('replies.delete_selected', { n: selected.size })}</button>`
        : null}
      <span class="muted small grow right">${t('replies.drag_hint')}</span>
    </div>
    ${!sorted.length
      ? html`<${Empty} icon="reply" title=${t('replies.no_rules')}><p class="small">${t('replies.no_rules_hint')}</p></${Empty}>`
      : html`<div class="rules" role="list" aria-label=${t('replies.tab_keywords')}>
          <div class="rule rule-head" aria-hidden="true">
            <span><input type="checkbox" checked=${allOn} tabindex="-1" onChange=${(e) => setSelected(e.currentTarget.checked ? new Set(sorted.map((r) => r.id)) : new Set())} /></span>
            <span></span><span>${t('replies.keywords')}</span><span>${t('replies.reply')}</span><span></span>
          </div>
          ${page.shown.map(
            (r, i) => html`<div key=${r.id} role="listitem" class=${'rule' + (over === r.id && drag !== r.id ? ' drop-target' : '') + (drag === r.id ? ' dragging' : '')}
              data-test="keyword-rule-row" data-rule-id=${r.id} data-priority=${r.priority}
              onDragOver=${(e) => { e.preventDefault(); setOver(r.id); }} onDragLeave=${() => setOver((o) => (o === r.id ? null : o))}
              onDrop=${(e) => { e.preventDefault(); drop(r.id); setDrag(null); setOver(null); }}>
              <span><input type="checkbox" checked=${selected.has(r.id)} onChange=${(e) => toggle(r.id, e.currentTarget.checked)}
                aria-label=${t('common.select_row')} data-test="keyword-rule-select" /></span>
              <span class="drag-handle" draggable="true" title=${t('replies.drag')} aria-hidden="true"
                onDragStart=${(e) => { setDrag(r.id); e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', String(r.id)); }}
                onDragEnd=${() => { setDrag(null); setOver(null); }}><${Icon} name="drag" /></span>
              <span class="rule-keys">
                <span class="row-tight">${r.keywords.slice(0, 12).map((k) => html`<span class="chip">${k}</span>`)}${r.keywords.length > 12 ? html`<span class="muted small">+${r.keywords.length - 12}</span>` : null}</span>
                <span class="row-tight small muted">
                  <span class="badge badge-outline">${t('replies.mode_' + (r.mode || 'contains'))}</span>
                  ${r.item_id ? html`<span class="badge badge-info">${t('replies.item_n', { id: r.item_id })}</span>` : html`<span>${t('replies.general')}</span>`}
                  <span>${t('replies.priority_n', { n: r.priority ?? 0 })}</span>
                </span>
              </span>
              <span class="rule-reply"><${ReplySummary} reply=${r.reply} /></span>
              <span class="rule-actions">
                <${IconButton} icon="up" label=${t('common.move_up')} disabled=${i === 0} onClick=${() => move(r.id, -1)} data-test="keyword-rule-up" />
                <${IconButton} icon="down" label=${t('common.move_down')} disabled=${i === sorted.length - 1} onClick=${() => move(r.id, 1)} data-test="keyword-rule-down" />
                <${IconButton} icon="edit" label=${t('common.edit')} onClick=${() => setDialog({ rule: r })} data-test="keyword-rule-edit" />
                <${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(r)} data-test="keyword-rule-delete" />
              </span>
            </div>`,
          )}
        </div>
        <${LoadMore} hasMore=${page.hasMore} onClick=${page.more} count=${page.total > 100 ? page.shown.length : 0} />`}
    ${dialog
      ? html`<${RuleDialog} account=${account} rule=${dialog.rule} onClose=${() => setDialog(null)}
          onSaved=${(saved) => { setDialog(null); rules.setData((list) => (dialog.rule ? list.map((x) => (x.id === saved.id ? saved : x)) : [...list, saved])); }} />`
      : null}
  </div>`;
}
