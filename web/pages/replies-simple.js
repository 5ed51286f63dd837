// Item-specific replies and default replies (account-level or per item, optionally once per
// conversation), and the item suggestions of the rule forms.
import { html, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, post, put, del } from '../lib/api.js';
import { useAsync, useShowMore } from '../lib/hooks.js';
import { ErrorBox, Loading, Empty, IconButton, Badge } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { Modal, confirmDialog } from '../components/modal.js';
import { useForm, TextField, CheckField } from '../components/form.js';
import { ReplyEditor, ReplySummary, cleanReply, REPLY_CODES } from '../components/reply-editor.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

/** <datalist id=…> of the account's items, for the `list` of an item-id input. */
export function ItemDatalist({ account, id }) {
  const items = useAsync(() => get(`/accounts/${account}/items`, { limit: 100 }), [account]);
  return html`<datalist id=${id}>${(items.data?.items || []).map((it) => html`<option value=${it.item_id}>${it.title || it.item_id}</option>`)}</datalist>`;
}

function ReplyDialog({ kind, account, rule, onClose, onSaved }) {
  const form = useForm({ item_id: rule?.item_id || '', once: rule ? !!rule.once_per_conversation : kind === 'default' });
  const [reply, setReply] = useState(rule?.reply || { type: 'text', text: '' });
  const base = kind === 'item' ? `/accounts/${account}/item-replies` : `/accounts/${account}/default-replies`;
  const submit = async () => {
    const item = form.values.item_id.trim();
    if (kind === 'item' && !item) return form.setErrors({ item_id: t('errors.empty_item_id') });
    const body = kind === 'item' ? { item_id: item, reply: cleanReply(reply) } : { item_id: item || null, once_per_conversation: form.values.once, reply: cleanReply(reply) };
    const fields = Object.fromEntries([...REPLY_CODES.map((c) => [c, 'reply']), ['empty_item_id', 'item_id'], ['duplicate_item_reply', 'item_id'], ['duplicate_default_reply', 'item_id']]);
    const saved = await form.run(() => (rule ? put(`${base}/${rule.id}`, body) : post(base, body)), fields);
    if (!saved) return;
    toast.ok(t('replies.rule_saved'));
    onSaved(saved);
  };
  const title = kind === 'item' ? (rule ? t('replies.edit_item_reply') : t('replies.new_item_reply')) : rule ? t('replies.edit_default') : t('replies.new_default');
  return html`<${Modal} title=${title} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test=${kind + '-reply-form'} size="modal-lg"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test=${kind + '-reply-submit'}>${t('common.save')}</button>`}>
    <${TextField} form=${form} name="item_id" label=${kind === 'item' ? t('replies.item_id') : t('replies.default_item')} required=${kind === 'item'}
      hint=${kind === 'item' ? t('replies.item_reply_hint') : t('replies.default_item_hint')} test=${kind + '-reply-item'} inputmode="numeric" list="reply-items" />
    <${ItemDatalist} account=${account} id="reply-items" />
    ${kind === 'default' ? html`<${CheckField} form=${form} name="once" label=${t('replies.once')} hint=${t('replies.once_hint')} test="default-reply-once" />` : null}
    <${ReplyEditor} value=${reply} onChange=${setReply} error=${form.errors.reply} test=${kind + '-reply'} />
  </${Modal}>`;
}

function RuleTable({ kind, account }) {
  const base = kind === 'item' ? `/accounts/${account}/item-replies` : `/accounts/${account}/default-replies`;
  const rules = useAsync(() => get(base), [base]);
  const [dialog, setDialog] = useState(null);
  const page = useShowMore(rules.data, 50);
  const remove = async (r) => {
    if (!(await confirmDialog({ title: t('replies.delete_rule'), message: r.item_id ? t('replies.item_n', { id: r.item_id }) : t('replies.account_level'), confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await del(`${base}/${r.id}`);
      rules.setData((l) => l.filter((x) => x.id !== r.id));
      toast.ok(t('common.deleted'));
    } catch (e) {
      toast.error(e);
    }
  };
  const forget = async () => {
    if (!(await confirmDialog({ title: t('replies.forget_title'), message: t('replies.forget_body') }))) return;
    try {
      await del(`/accounts/${account}/reply-memory`);
      toast.ok(t('replies.forgotten'));
    } catch (e) {
      toast.error(e);
    }
  };
  if (rules.error && !rules.data) return html`<${ErrorBox} error=${rules.error} onRetry=${rules.reload} />`;
  if (!rules.data) return html`<${Loading} />`;
  const columns = [
    { label: t('replies.scope'), render: (r) => (r.item_id ? html`<span class="badge badge-info">${t('replies.item_n', { id: r.item_id })}</span>` : html`<span class="badge badge-primary">${t('replies.account_level')}</span>`) },
    { label: t('replies.reply'), class: 'wrap', render: (r) => html`<${ReplySummary} reply=${r.reply} />` },
    ...(kind === 'default' ? [{ label: t('replies.once_short'), render: (r) => (r.once_per_conversation ? html`<${Badge} tone="ok">${t('common.yes')}</${Badge}>` : html`<span class="muted">${t('common.no')}</span>`) }] : []),
    {
      label: '',
      class: 'actions',
      render: (r) => html`<${IconButton} icon="edit" label=${t('common.edit')} onClick=${() => setDialog({ rule: r })} data-test=${kind + '-reply-edit'} />
        <${IconButton} icon="trash" label=${t('common.delete')} tone="text-danger" onClick=${() => remove(r)} data-test=${kind + '-reply-delete'} />`,
    },
  ];
  return html`<div data-test=${kind + '-replies'}>
    <div class="toolbar">
      <button type="button" class="btn btn-primary" onClick=${() => setDialog({})} data-test=${kind + '-reply-add'}><${Icon} name="plus" />
        ${kind === 'item' ? t('replies.new_item_reply') : t('replies.new_default')}</button>
      ${kind === 'default' ? html`<button type="button" class="btn" onClick=${forget} data-test="reply-memory-forget">${t('replies.forget')}</button>` : null}
      <span class="muted small grow right">${kind === 'item' ? t('replies.item_tab_hint') : t('replies.default_tab_hint')}</span>
    </div>
    <div class="panel panel-flush"><div class="panel-body">
      <${DataTable} columns=${columns} rows=${page.shown} rowProps=${(r) => ({ 'data-test': kind + '-reply-row', 'data-rule-id': r.id })}
        empty=${html`<${Empty} icon="reply" title=${kind === 'item' ? t('replies.no_item_replies') : t('replies.no_defaults')} />`} />
      <${LoadMore} hasMore=${page.hasMore} onClick=${page.more} />
    </div></div>
    ${dialog
      ? html`<${ReplyDialog} kind=${kind} account=${account} rule=${dialog.rule} onClose=${() => setDialog(null)}
          onSaved=${(saved) => { setDialog(null); rules.setData((l) => (dialog.rule ? l.map((x) => (x.id === saved.id ? saved : x)) : [...l, saved])); }} />`
      : null}
  </div>`;
}

export const ItemReplies = ({ account }) => html`<${RuleTable} kind="item" account=${account} />`;
export const DefaultReplies = ({ account }) => html`<${RuleTable} kind="default" account=${account} />`;
