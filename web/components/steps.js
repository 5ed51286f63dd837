// The step-by-step explanation of a reply decision (preview and stored automatic replies).
import { html } from '../vendor/preact-htm.module.js';
import { has, t, tv } from '../lib/i18n.js';

const GATES = new Set(['paused', 'blacklist', 'system_text', 'quiet_hours', 'min_interval']);

function tone(s) {
  if (s.outcome === 'fired') return GATES.has(s.level) ? 'warn' : 'ok';
  return 'muted';
}

// The reason in the interface's language from its code and values (the server's English
// sentence when the code is unknown, e.g. a decision stored before codes existed).
function reasonText(s) {
  const key = 'step_reason.' + (s.code || '');
  if (!s.code || !has(key)) return s.reason;
  const args = { ...(s.args || {}) };
  if (args.mode && has('replies.mode_' + args.mode)) args.mode = t('replies.mode_' + args.mode);
  const then = args.then && has('step_reason.then_' + args.then) ? ' ' + t('step_reason.then_' + args.then) : '';
  return t(key, args) + then;
}

export function StepList({ steps }) {
  if (!steps || !steps.length) return null;
  return html`<ol class="steps" data-test="decision-steps">
    ${steps.map(
      (s) => html`<li class=${'step step-' + (s.outcome || '')} data-level=${s.level} data-outcome=${s.outcome}>
        <span class="step-level">${tv('level', s.level)}</span>
        <span class=${'badge badge-' + tone(s)}>${GATES.has(s.level) && s.outcome === 'fired' ? t('outcome.gate_fired') : tv('outcome', s.outcome)}</span>
        <span class="step-reason small">${reasonText(s)}</span>
      </li>`,
    )}
  </ol>`;
}

/** The fixed order the levels are tried in (design.md §3), shown next to the rules. */
export const PRECEDENCE = ['paused', 'blacklist', 'system_text', 'quiet_hours', 'min_interval', 'item_reply', 'item_keyword', 'general_keyword', 'ai', 'item_default', 'account_default'];

export function Precedence() {
  return html`<details class="precedence" data-test="reply-precedence">
    <summary>${t('replies.precedence_title')}</summary>
    <p class="small muted">${t('replies.precedence_body')}</p>
    <ol class="precedence-list">${PRECEDENCE.map((l) => html`<li>${tv('level', l)}</li>`)}</ol>
  </details>`;
}
