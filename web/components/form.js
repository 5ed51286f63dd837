// Form fields with labels tied to inputs and errors shown next to the field. useForm keeps
// values and field errors; apiFieldError maps an API error code to the field it is about.
import { html, useState, useCallback } from '../vendor/preact-htm.module.js';
import { errorText } from '../lib/api.js';
import { toast } from './toast.js';

let uid = 0;
export const newId = (p = 'f') => `${p}-${++uid}`;

export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = useCallback((name, v) => {
    setValues((s) => ({ ...s, [name]: v }));
    setErrors((e) => (e[name] ? { ...e, [name]: null } : e));
  }, []);
  /**
   * Run an async submit: field errors from `fields` ({code: fieldName}) go next to the field,
   * anything else to a toast. Returns the result, or undefined on error.
   */
  const run = useCallback(async (fn, fields = {}) => {
    setBusy(true);
    setErrors({});
    try {
      return await fn();
    } catch (err) {
      const field = err && fields[err.code];
      if (field) setErrors({ [field]: errorText(err), _code: err.code });
      else toast.error(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { values, set, setValues, errors, setErrors, busy, run };
}

/** A labelled field: children get `id` and aria-describedby through the render prop. */
export function Field({ label, error, hint, children, name, required, class: cls = '', inline = false }) {
  const [id] = useState(() => newId(name || 'f'));
  const hintId = hint ? id + '-hint' : undefined;
  const errId = error ? id + '-err' : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(' ') || undefined;
  const control = typeof children === 'function' ? children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? 'true' : undefined }) : children;
  return html`<div class=${'field ' + (inline ? 'field-inline ' : '') + (error ? 'has-error ' : '') + cls}>
    ${label ? html`<label class="field-label" for=${id}>${label}${required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>` : null}
    ${control}
    ${hint ? html`<div class="field-hint" id=${hintId}>${hint}</div>` : null}
    ${error ? html`<div class="field-error" id=${errId} role="alert" data-test="field-error" data-field=${name}>${error}</div>` : null}
  </div>`;
}

/** Text-like input bound to form.values[name]. */
export function TextField({ form, name, label, hint, type = 'text', required, test, placeholder, autocomplete, inputmode, maxlength, min, max, step, class: cls, disabled, autofocus, list }) {
  return html`<${Field} label=${label} hint=${hint} error=${form.errors[name]} name=${name} required=${required} class=${cls}>
    ${(a) => html`<input ...${a} class="input" type=${type} name=${name} value=${form.values[name] ?? ''} required=${required}
      placeholder=${placeholder} autocomplete=${autocomplete} inputmode=${inputmode} maxlength=${maxlength} min=${min} max=${max} step=${step}
      disabled=${disabled} autofocus=${autofocus} data-test=${test} list=${list}
      onInput=${(e) => form.set(name, e.currentTarget.value)} />`}
  </${Field}>`;
}

export function TextArea({ form, name, label, hint, rows = 4, required, test, placeholder, maxlength, class: cls, mono, onKeyDown }) {
  return html`<${Field} label=${label} hint=${hint} error=${form.errors[name]} name=${name} required=${required} class=${cls}>
    ${(a) => html`<textarea ...${a} class=${'input textarea' + (mono ? ' mono' : '')} name=${name} rows=${rows} required=${required}
      placeholder=${placeholder} maxlength=${maxlength} data-test=${test} value=${form.values[name] ?? ''} onKeyDown=${onKeyDown}
      onInput=${(e) => form.set(name, e.currentTarget.value)}></textarea>`}
  </${Field}>`;
}

/** options: [{value, label}] */
export function SelectField({ form, name, label, hint, options, test, class: cls, onChange }) {
  return html`<${Field} label=${label} hint=${hint} error=${form.errors[name]} name=${name} class=${cls}>
    ${(a) => html`<select ...${a} class="input select" name=${name} data-test=${test} value=${form.values[name] ?? ''}
      onChange=${(e) => (onChange ? onChange(e.currentTarget.value) : form.set(name, e.currentTarget.value))}>
      ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
    </select>`}
  </${Field}>`;
}

export function CheckField({ form, name, label, hint, test }) {
  return html`<${Field} hint=${hint} error=${form.errors[name]} name=${name} class="field-check">
    ${(a) => html`<label class="check"><input ...${a} type="checkbox" name=${name} checked=${!!form.values[name]} data-test=${test}
      onChange=${(e) => form.set(name, e.currentTarget.checked)} /><span>${label}</span></label>`}
  </${Field}>`;
}

/** Enter submits a form from a textarea only with Ctrl/Cmd+Enter. */
export function ctrlEnterSubmits(e) {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    const f = e.currentTarget.form;
    if (f) f.requestSubmit();
  }
}
