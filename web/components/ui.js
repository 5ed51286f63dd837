// Small shared pieces: badges, status badges, empty states, spinners, tabs, switches, panels.
import { html, useRef } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { useTick } from '../lib/hooks.js';
import { duration, secondsUntil, dateTime, shortTime } from '../lib/format.js';
import { errorText } from '../lib/api.js';
import { Icon } from './icons.js';

export function Badge({ tone = 'muted', children, title, ...rest }) {
  return html`<span class=${'badge badge-' + tone} title=${title} ...${rest}>${children}</span>`;
}

export const STATUS_TONE = {
  online: 'ok',
  connecting: 'info',
  backoff: 'warn',
  captcha_required: 'danger',
  session_expired: 'danger',
  cookie_invalid: 'danger',
  disabled: 'muted',
  offline: 'muted',
};

/** Statuses that need the seller: shown on the overview and highlighted in the list. */
export const ATTENTION = new Set(['captcha_required', 'session_expired', 'cookie_invalid', 'backoff']);

function Countdown({ at }) {
  useTick(1000);
  const s = secondsUntil(at);
  return html`<span class="countdown" data-test="retry-countdown">${s > 0 ? t('status.retry_in', { time: duration(s) }) : t('status.retrying')}</span>`;
}

/** The connection status of an account, with the retry countdown or the link to the verification inbox. */
export function StatusBadge({ status, nextRetryAt, captchaUrl }) {
  const tone = STATUS_TONE[status] || 'muted';
  return html`<span class="status-cell">
    <${Badge} tone=${tone} data-test="status-badge" data-status=${status}>
      <span class=${'dot dot-' + tone} aria-hidden="true"></span>${tv('status', status)}
    </${Badge}>
    ${status === 'backoff' && nextRetryAt ? html` <${Countdown} at=${nextRetryAt} />` : null}
    ${status === 'captcha_required'
      ? html` <a class="link" href="#/verifications" title=${captchaUrl || undefined} data-test="captcha-link">${t('status.solve_captcha')}<${Icon} name="shield" size="12" /></a>`
      : null}
  </span>`;
}

export function Spinner({ label }) {
  return html`<span class="spinner" role="status"><span class="spinner-ring" aria-hidden="true"></span><span class="sr-only">${label || t('common.loading')}</span></span>`;
}

export function Loading() {
  return html`<div class="loading-block"><${Spinner} /></div>`;
}

export function Empty({ icon = 'box', title, children }) {
  return html`<div class="empty" data-test="empty">
    <${Icon} name=${icon} size="28" />
    <p class="empty-title">${title || t('common.empty')}</p>
    ${children ? html`<div class="empty-body">${children}</div>` : null}
  </div>`;
}

export function ErrorBox({ error, onRetry }) {
  if (!error) return null;
  return html`<div class="alert alert-danger" role="alert" data-test="error-box" data-code=${error.code}>
    <${Icon} name="alert" />
    <span>${errorText(error)}</span>
    ${onRetry ? html`<button type="button" class="btn btn-sm" onClick=${onRetry}>${t('common.retry')}</button>` : null}
  </div>`;
}

export function Notice({ tone = 'info', icon = 'info', children, ...rest }) {
  return html`<div class=${'alert alert-' + tone} ...${rest}><${Icon} name=${icon} /><div>${children}</div></div>`;
}

/** Tabs with arrow-key navigation (WAI-ARIA tabs pattern). */
export function Tabs({ tabs, active, onChange, label }) {
  const refs = useRef([]);
  const onKey = (e, i) => {
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    if (e.key === 'Home') j = 0;
    if (e.key === 'End') j = tabs.length - 1;
    if (j == null) return;
    e.preventDefault();
    onChange(tabs[j].id);
    refs.current[j] && refs.current[j].focus();
  };
  return html`<div class="tabs" role="tablist" aria-label=${label}>
    ${tabs.map(
      (tab, i) => html`<button type="button" role="tab" id=${'tab-' + tab.id} aria-selected=${tab.id === active ? 'true' : 'false'}
        aria-controls=${'panel-' + tab.id} tabindex=${tab.id === active ? 0 : -1} class=${'tab' + (tab.id === active ? ' active' : '')}
        ref=${(el) => (refs.current[i] = el)} onClick=${() => onChange(tab.id)} onKeyDown=${(e) => onKey(e, i)} data-test=${'tab-' + tab.id}>
        ${tab.label}${tab.count != null ? html`<span class="tab-count">${tab.count}</span>` : null}
      </button>`,
    )}
  </div>`;
}

export function TabPanel({ id, children }) {
  return html`<div role="tabpanel" id=${'panel-' + id} aria-labelledby=${'tab-' + id} class="tab-panel">${children}</div>`;
}

/** A toggle: a checkbox with role=switch. */
export function Switch({ checked, onChange, label, disabled, hideLabel = false, ...rest }) {
  return html`<label class=${'switch' + (disabled ? ' disabled' : '')}>
    <input type="checkbox" role="switch" checked=${!!checked} disabled=${disabled} onChange=${(e) => onChange(e.currentTarget.checked)}
      aria-label=${hideLabel ? label : undefined} ...${rest} />
    <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
    ${hideLabel ? null : html`<span class="switch-label">${label}</span>`}
  </label>`;
}

export function Panel({ title, actions, children, class: cls = '', ...rest }) {
  return html`<section class=${'panel ' + cls} ...${rest}>
    ${title || actions ? html`<header class="panel-head"><h2 class="panel-title">${title}</h2><div class="panel-actions">${actions}</div></header>` : null}
    <div class="panel-body">${children}</div>
  </section>`;
}

export function PageHeader({ title, subtitle, actions, children }) {
  return html`<div class="page-head">
    <div class="page-head-text"><h1 class="page-title">${title}</h1>${subtitle ? html`<p class="page-sub">${subtitle}</p>` : null}</div>
    ${actions ? html`<div class="page-actions">${actions}</div>` : null}
    ${children}
  </div>`;
}

export function Time({ value, short = false }) {
  if (!value) return html`<span class="muted">—</span>`;
  return html`<time datetime=${value} title=${dateTime(value, { seconds: true })}>${short ? shortTime(value) : dateTime(value)}</time>`;
}

export function IconButton({ icon, label, onClick, tone = '', disabled, ...rest }) {
  return html`<button type="button" class=${'btn btn-icon ' + tone} aria-label=${label} title=${label} onClick=${onClick} disabled=${disabled} ...${rest}>
    <${Icon} name=${icon} />
  </button>`;
}

export function Stat({ label, value, hint, tone, icon, ...rest }) {
  return html`<div class=${'stat' + (tone ? ' stat-' + tone : '')} ...${rest}>
    <div class="stat-label">${icon ? html`<${Icon} name=${icon} size="14" />` : null}${label}</div>
    <div class="stat-value">${value}</div>
    ${hint ? html`<div class="stat-hint">${hint}</div>` : null}
  </div>`;
}
