// Automatic replies of one account: keyword rules, item replies, default replies, blacklist and
// timing, Excel import/export, and a box that tests a message against all of it.
import { html, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { setQuery } from '../lib/router.js';
import { PageHeader, Tabs, TabPanel, Panel, Badge } from '../components/ui.js';
import { AccountPicker } from '../components/account-picker.js';
import { Precedence, StepList } from '../components/steps.js';
import { useForm, TextField, TextArea, ctrlEnterSubmits } from '../components/form.js';
import { AuthImage } from '../components/auth-image.js';
import { KeywordRules } from './replies-keywords.js';
import { ItemReplies, DefaultReplies } from './replies-simple.js';
import { ReplySettings } from './replies-settings.js';
import { ImportExport } from './replies-import.js';
import { tv } from '../lib/i18n.js';

function TestMessage({ account }) {
  const form = useForm({ message: '', item_id: '', buyer_id: '', buyer_name: '' });
  const [res, setRes] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (!form.values.message.trim()) return form.setErrors({ message: t('replies.test_need_message') });
    const v = form.values;
    const r = await form.run(() =>
      post(`/accounts/${account}/replies/preview`, {
        message: v.message,
        item_id: v.item_id.trim() || null,
        buyer_id: v.buyer_id.trim() || null,
        buyer_name: v.buyer_name.trim() || null,
      }),
    );
    if (r) setRes(r);
  };
  const reply = res && res.reply;
  return html`<${Panel} title=${t('replies.test_title')} class="test-panel">
    <form onSubmit=${submit} data-test="preview-form" novalidate>
      <${TextArea} form=${form} name="message" label=${t('replies.test_message')} rows="2" required test="preview-message" onKeyDown=${ctrlEnterSubmits}
        placeholder=${t('replies.test_placeholder')} />
      <div class="form-grid">
        <${TextField} form=${form} name="item_id" label=${t('replies.item_id')} hint=${t('common.optional')} test="preview-item" inputmode="numeric" />
        <${TextField} form=${form} name="buyer_id" label=${t('replies.buyer_id')} hint=${t('common.optional')} test="preview-buyer" inputmode="numeric" />
      </div>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="preview-submit">${t('replies.test_submit')}</button>
    </form>
    ${res
      ? html`<div class="preview-result" data-test="preview-result" data-level=${res.fired?.level || ''} data-rule-id=${res.fired?.rule_id ?? ''}>
          <h3 class="preview-h">${t('replies.test_result')}</h3>
          ${reply == null
            ? html`<p><${Badge} tone="muted">${t('replies.test_nothing')}</${Badge}></p>`
            : reply.image
              ? html`<${AuthImage} src=${reply.image.image_ref} alt=${t('replies.image')} class="thumb-lg" />`
              : html`<div class="msg-bubble preview-bubble pre" data-test="preview-reply">${reply.text}</div>`}
          ${res.fired ? html`<p class="small">${t('replies.test_fired', { level: tv('level', res.fired.level), id: res.fired.rule_id ?? '—' })}
            ${res.fired.keyword ? html` · <span class="chip">${res.fired.keyword}</span>` : null}</p>` : null}
          <h3 class="preview-h">${t('replies.test_steps')}</h3>
          <${StepList} steps=${res.steps} />
        </div>`
      : null}
  </${Panel}>`;
}

const TABS = ['keywords', 'item', 'default', 'settings', 'import'];

export default function RepliesPage({ params, query }) {
  const account = Number(params.account);
  const tab = TABS.includes(query.tab) ? query.tab : 'keywords';
  return html`<div class="page" data-test="page-replies">
    <${PageHeader} title=${t('replies.title')} subtitle=${t('replies.subtitle')} actions=${html`<${AccountPicker} id=${account} section="replies" />`} />
    <${Precedence} />
    <div class="replies-grid">
      <div class="replies-main">
        <${Tabs} label=${t('replies.title')} active=${tab} onChange=${(id) => setQuery({ tab: id })}
          tabs=${TABS.map((id) => ({ id, label: t('replies.tab_' + id) }))} />
        <${TabPanel} id=${tab}>
          ${tab === 'keywords' ? html`<${KeywordRules} key=${account} account=${account} />` : null}
          ${tab === 'item' ? html`<${ItemReplies} key=${account} account=${account} />` : null}
          ${tab === 'default' ? html`<${DefaultReplies} key=${account} account=${account} />` : null}
          ${tab === 'settings' ? html`<${ReplySettings} key=${account} account=${account} />` : null}
          ${tab === 'import' ? html`<${ImportExport} key=${account} account=${account} />` : null}
        </${TabPanel}>
      </div>
      <aside class="replies-side"><${TestMessage} key=${account} account=${account} /></aside>
    </div>
  </div>`;
}
