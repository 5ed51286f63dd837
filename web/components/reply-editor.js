// Editing a rule's answer: a text template (with placeholder buttons), an image (uploaded
// here) or silence. value/onChange use the API's ReplyDto shape.
import { html, useRef, useState } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { uploadImage } from '../lib/api.js';
import { Field, newId } from './form.js';
import { AuthImage } from './auth-image.js';
import { Icon } from './icons.js';
import { Spinner } from './ui.js';
import { toast } from './toast.js';

export const PLACEHOLDERS = ['buyer_name', 'buyer_id', 'message', 'item_id', 'item_title', 'item_price', 'account_remark', 'date', 'time'];

/** The reply in one line, for tables. */
export function ReplySummary({ reply }) {
  if (!reply) return null;
  if (reply.type === 'silent' || (reply.type === 'text' && !reply.text)) return html`<span class="badge badge-muted"><${Icon} name="x" size="12" />${t('replies.silent')}</span>`;
  if (reply.type === 'image') return html`<span class="row-tight"><${AuthImage} src=${reply.image_ref} alt=${t('replies.image')} /><span class="muted small">${t('replies.image')}</span></span>`;
  return html`<span class="reply-text pre">${reply.text}</span>`;
}

export function ReplyEditor({ value, onChange, error, test = 'reply' }) {
  const [name] = useState(() => newId('reply'));
  const [uploading, setUploading] = useState(false);
  const area = useRef(null);
  const file = useRef(null);
  const v = value || { type: 'text', text: '' };
  const insert = (ph) => {
    const el = area.current;
    const token = `{${ph}}`;
    const text = v.text || '';
    const at = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    onChange({ ...v, text: text.slice(0, at) + token + text.slice(end) });
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.selectionStart = el.selectionEnd = at + token.length;
    });
  };
  const pick = async (e) => {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (!f) return;
    setUploading(true);
    try {
      const up = await uploadImage(f);
      onChange({ type: 'image', image_ref: up.id });
    } catch (err) {
      toast.error(err);
    } finally {
      setUploading(false);
    }
  };
  return html`<fieldset class="fieldset" data-test=${test + '-editor'}>
    <legend>${t('replies.reply')}</legend>
    <div class="radio-row" role="radiogroup" aria-label=${t('replies.reply_type')}>
      ${['text', 'image', 'silent'].map(
        (k) => html`<label class="check"><input type="radio" name=${name} value=${k} checked=${v.type === k} data-test=${test + '-type-' + k}
          onChange=${() => onChange(k === 'text' ? { type: 'text', text: v.text || '' } : k === 'image' ? { type: 'image', image_ref: v.image_ref || '' } : { type: 'silent' })} />
          <span>${t('replies.type_' + k)}</span></label>`,
      )}
    </div>
    ${v.type === 'text'
      ? html`<${Field} label=${t('replies.template')} error=${error} name="reply_text" hint=${t('replies.template_hint')}>
          ${(a) => html`<textarea ...${a} ref=${area} class="input textarea" rows="4" value=${v.text || ''} data-test=${test + '-text'} maxlength="5000"
            onInput=${(e) => onChange({ ...v, text: e.currentTarget.value })}></textarea>`}
        </${Field}>
        <div class="placeholders" aria-label=${t('replies.insert_placeholder')} role="group">
          ${PLACEHOLDERS.map((p) => html`<button type="button" class="btn btn-sm btn-ghost mono" onClick=${() => insert(p)} title=${t('placeholders.' + p)}>{${p}}</button>`)}
        </div>`
      : null}
    ${v.type === 'image'
      ? html`<div class="field">
          <div class="row">
            ${v.image_ref ? html`<${AuthImage} src=${v.image_ref} alt=${t('replies.image')} class="thumb-lg" />` : null}
            <input type="file" accept="image/jpeg,image/png,image/gif,image/webp" class="sr-only" ref=${file} onChange=${pick} tabindex="-1" aria-hidden="true"
              data-test=${test + '-image-input'} />
            <button type="button" class="btn" onClick=${() => file.current && file.current.click()} disabled=${uploading} data-test=${test + '-image-upload'}>
              ${uploading ? html`<${Spinner} />` : html`<${Icon} name="upload" />`}${v.image_ref ? t('replies.replace_image') : t('replies.upload_image')}
            </button>
          </div>
          <div class="field-hint">${t('replies.image_hint')}</div>
          ${error ? html`<div class="field-error" role="alert" data-test="field-error" data-field="reply_image">${error}</div>` : null}
        </div>`
      : null}
    ${v.type === 'silent' ? html`<p class="muted small">${t('replies.silent_hint')}</p>` : null}
  </fieldset>`;
}

/** The reply as the API takes it (silent needs no text). */
export function cleanReply(r) {
  if (r.type === 'image') return { type: 'image', image_ref: r.image_ref };
  if (r.type === 'silent') return { type: 'silent' };
  return { type: 'text', text: r.text || '' };
}

/** Codes that are about the reply (shown under the editor). */
export const REPLY_CODES = ['unknown_placeholder', 'unbalanced_brace', 'invalid_reply', 'empty_image_ref', 'invalid_image_ref'];
