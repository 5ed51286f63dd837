// The card dialog: text, stock, fetched (HTTP) or image cards. Header values are write-only:
// they come back as *** and an untouched *** keeps the stored value.
import { html, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { post, patch, uploadImage } from '../lib/api.js';
import { Modal } from '../components/modal.js';
import { useForm, TextField, TextArea, SelectField, Field } from '../components/form.js';
import { AuthImage } from '../components/auth-image.js';
import { IconButton, Spinner } from '../components/ui.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

export const KINDS = ['text', 'stock', 'http_fetch', 'image'];
const SECRET = '***';
const FIELDS = {
  invalid_card_name: 'name', invalid_card_text: 'text', invalid_delay: 'delay_secs', invalid_url: 'url', invalid_timeout: 'timeout_secs',
  invalid_retries: 'retries', invalid_header: 'headers', body_with_get: 'body_template', content_in_body: 'body_template',
  message_without_content: 'message_template', invalid_json_path: 'json_path', invalid_image_ref: 'image_ref', empty_image_ref: 'image_ref',
  unknown_placeholder: 'message_template', unbalanced_brace: 'message_template',
};

function initial(card) {
  const b = card?.body || { type: 'text' };
  return {
    name: card?.name || '',
    kind: b.type || 'text',
    text: b.text || '',
    low_stock_threshold: String(b.low_stock_threshold ?? 5),
    url: b.url || '',
    method: b.method || 'GET',
    body_template: b.body_template || '',
    json_path: b.json_path || '',
    timeout_secs: String(b.timeout_secs ?? 10),
    retries: String(b.retries ?? 0),
    image_ref: b.image_ref || '',
    message_template: card?.message_template || '',
    delay_secs: String(card?.delay_secs ?? 0),
  };
}

function bodyOf(v, headers) {
  switch (v.kind) {
    case 'stock':
      return { type: 'stock', low_stock_threshold: Number(v.low_stock_threshold) || 0 };
    case 'http_fetch':
      return {
        type: 'http_fetch',
        url: v.url.trim(),
        method: v.method,
        headers: headers.filter((h) => h.name.trim()).map((h) => ({ name: h.name.trim(), value: h.value === '' && h.stored ? SECRET : h.value })),
        body_template: v.method === 'POST' && v.body_template ? v.body_template : null,
        json_path: v.json_path.trim() || null,
        timeout_secs: Number(v.timeout_secs),
        retries: Number(v.retries),
      };
    case 'image':
      return { type: 'image', image_ref: v.image_ref };
    default:
      return { type: 'text', text: v.text };
  }
}

function Headers({ headers, setHeaders, error }) {
  const set = (i, k, val) => setHeaders(headers.map((h, j) => (j === i ? { ...h, [k]: val } : h)));
  return html`<fieldset class="fieldset" data-test="card-headers">
    <legend>${t('cards.headers')}</legend>
    ${headers.map(
      (h, i) => html`<div class="header-row" key=${i}>
        <input class="input" aria-label=${t('cards.header_name')} placeholder=${t('cards.header_name')} value=${h.name} onInput=${(e) => set(i, 'name', e.currentTarget.value)}
          data-test="card-header-name" />
        <input class="input" type="password" autocomplete="off" aria-label=${t('cards.header_value')} value=${h.value}
          placeholder=${h.stored ? t('cards.header_kept') : t('cards.header_value')} onInput=${(e) => set(i, 'value', e.currentTarget.value)} data-test="card-header-value" />
        <${IconButton} icon="x" label=${t('cards.remove_header')} onClick=${() => setHeaders(headers.filter((_, j) => j !== i))} />
      </div>`,
    )}
    <button type="button" class="btn btn-sm" onClick=${() => setHeaders([...headers, { name: '', value: '', stored: false }])} data-test="card-header-add">
      <${Icon} name="plus" />${t('cards.add_header')}</button>
    <p class="field-hint">${t('cards.headers_hint')}</p>
    ${error ? html`<div class="field-error" role="alert" data-test="field-error" data-field="headers">${error}</div>` : null}
  </fieldset>`;
}

export function CardDialog({ card, onClose, onSaved }) {
  const form = useForm(initial(card));
  const [headers, setHeaders] = useState(() => (card?.body?.headers || []).map((h) => ({ name: h.name, value: '', stored: h.value === SECRET })));
  const [uploading, setUploading] = useState(false);
  const v = form.values;
  const upload = async (e) => {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (!f) return;
    setUploading(true);
    try {
      form.set('image_ref', (await uploadImage(f)).id);
    } catch (err) {
      toast.error(err);
    } finally {
      setUploading(false);
    }
  };
  const submit = async () => {
    if (!v.name.trim()) return form.setErrors({ name: t('errors.invalid_card_name') });
    if (v.kind === 'image' && !v.image_ref) return form.setErrors({ image_ref: t('errors.empty_image_ref') });
    const body = {
      name: v.name.trim(),
      body: bodyOf(v, headers),
      message_template: v.message_template.trim() ? v.message_template : null,
      delay_secs: Number(v.delay_secs) || 0,
    };
    const saved = await form.run(() => (card ? patch(`/cards/${card.id}`, body) : post('/cards', body)), FIELDS);
    if (!saved) return;
    toast.ok(t('cards.saved'));
    onSaved(saved);
  };
  return html`<${Modal} title=${card ? t('cards.edit') : t('cards.new')} onClose=${onClose} onSubmit=${submit} busy=${form.busy} test="card-form" size="modal-lg"
    footer=${html`<button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="card-submit">${t('common.save')}</button>`}>
    <div class="form-grid">
      <${TextField} form=${form} name="name" label=${t('cards.name')} required maxlength="64" test="card-name" />
      <${SelectField} form=${form} name="kind" label=${t('cards.kind')} test="card-kind" options=${KINDS.map((k) => ({ value: k, label: t('cards.kind_' + k) }))} />
    </div>
    <p class="field-hint card-kind-hint">${t('cards.kind_hint_' + v.kind)}</p>
    ${v.kind === 'text' ? html`<${TextArea} form=${form} name="text" label=${t('cards.text')} rows="4" maxlength="4000" required test="card-text" />` : null}
    ${v.kind === 'stock'
      ? html`<${TextField} form=${form} name="low_stock_threshold" type="number" min="0" label=${t('cards.low_threshold')} hint=${t('cards.low_threshold_hint')} test="card-low-threshold" />`
      : null}
    ${v.kind === 'http_fetch'
      ? html`<div class="form-grid">
            <${TextField} form=${form} name="url" type="url" label=${t('cards.url')} required class="span-2" test="card-url" placeholder="https://example.com/api/code" />
            <${SelectField} form=${form} name="method" label=${t('cards.method')} test="card-method" options=${[{ value: 'GET', label: 'GET' }, { value: 'POST', label: 'POST' }]} />
            <${TextField} form=${form} name="json_path" label=${t('cards.json_path')} hint=${t('cards.json_path_hint')} test="card-json-path" />
            <${TextField} form=${form} name="timeout_secs" type="number" min="1" max="60" label=${t('cards.timeout')} test="card-timeout" />
            <${TextField} form=${form} name="retries" type="number" min="0" max="5" label=${t('cards.retries')} test="card-retries" />
          </div>
          ${v.method === 'POST' ? html`<${TextArea} form=${form} name="body_template" label=${t('cards.body_template')} hint=${t('cards.body_template_hint')} rows="3" mono test="card-body-template" />` : null}
          <${Headers} headers=${headers} setHeaders=${setHeaders} error=${form.errors.headers} />`
      : null}
    ${v.kind === 'image'
      ? html`<${Field} label=${t('cards.image')} error=${form.errors.image_ref} name="image_ref">
          ${(a) => html`<div class="row">
            ${v.image_ref ? html`<${AuthImage} src=${v.image_ref} alt="" class="thumb-lg" />` : null}
            <input ...${a} type="file" accept="image/jpeg,image/png,image/gif,image/webp" onChange=${upload} class="input-file" data-test="card-image-input" />
            ${uploading ? html`<${Spinner} />` : null}
          </div>`}
        </${Field}>`
      : null}
    <${TextArea} form=${form} name="message_template" label=${t('cards.message_template')} hint=${t('cards.message_template_hint')} rows="2" test="card-message-template"
      placeholder=${t('cards.message_template_placeholder')} />
    <${TextField} form=${form} name="delay_secs" type="number" min="0" max="3600" label=${t('cards.delay')} hint=${t('cards.delay_hint')} test="card-delay" />
  </${Modal}>`;
}
