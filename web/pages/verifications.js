// Verification inbox: the slider, face and login checks Goofish asked for, live; "Verify now"
// opens the remote-control view on the server's browser, "Dismiss" drops a task. Shows whether
// the remote browser can run at all (GET /captcha/status) and why not.
import { html, useEffect, useState } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { get, post } from '../lib/api.js';
import {
  verifications, captchaStatus, loadVerifications, loadCaptchaStatus, upsertVerification, withVerification, canVerify, isOpen, verificationSubject,
} from '../lib/verifications.js';
import { useAsync, useLive, useTick, useShowMore } from '../lib/hooks.js';
import { relative, dateTime } from '../lib/format.js';
import { setQuery } from '../lib/router.js';
import { PageHeader, Panel, Badge, Empty, ErrorBox, Notice, Tabs, TabPanel } from '../components/ui.js';
import { DataTable, LoadMore } from '../components/table.js';
import { confirmDialog } from '../components/modal.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';
import { CaptchaView } from '../components/captcha-view.js';

const STATE_TONE = { open: 'danger', in_progress: 'warn', solved: 'ok', expired: 'muted', dismissed: 'muted' };
const KIND_ICON = { captcha: 'shield', face: 'eye', session_expired: 'key', qr_confirmation: 'phone' };
const REASONS = new Set(['chromedriver_not_found', 'chromium_failed_to_start']);

function Ago({ value }) {
  if (!value) return html`<span class="muted">—</span>`;
  return html`<time datetime=${new Date(value).toISOString()} title=${dateTime(value, { seconds: true })}>${relative(value)}</time>`;
}

/** Whether the server's browser can run, and what to do when it cannot. */
function Availability({ status, error, onRetry }) {
  if (!status) return error && error.code !== 'forbidden' ? html`<${ErrorBox} error=${error} onRetry=${onRetry} />` : null;
  if (status.available) {
    return html`<p class="muted small availability" data-test="captcha-available" data-available="true">
      <${Icon} name="monitor" size="14" />${t('verifications.available', { active: status.active_sessions ?? 0, max: status.max_sessions ?? 0 })}
      ${status.auto_attempt ? html` · ${t('verifications.auto_attempt_on')}` : null}</p>`;
  }
  const reason = REASONS.has(status.reason) ? status.reason : 'unknown';
  return html`<${Notice} tone="warn" icon="alert" data-test="captcha-unavailable" data-reason=${status.reason || ''}>
    <strong>${t('verifications.unavailable_title')}</strong>
    <div>${t('verifications.reason_' + reason)}</div>
    ${status.detail ? html`<div class="small mono break" data-test="captcha-unavailable-detail">${status.detail}</div>` : null}
  </${Notice}>`;
}

export default function VerificationsPage({ query }) {
  const s = useStore(verifications);
  const cap = useStore(captchaStatus);
  const showAll = query.state === 'all';
  const [solving, setSolving] = useState(null);
  useTick(30000);
  useEffect(() => {
    loadVerifications('stale').catch(() => {});
    loadCaptchaStatus().catch(() => {});
  }, []);
  const all = useAsync(() => (showAll ? get('/verifications', { state: 'all' }) : Promise.resolve(null)), [showAll]);
  useLive((ev) => {
    if (!showAll) return;
    if (ev.type === 'verification' && ev.verification) {
      all.setData((d) => (d ? { ...d, items: withVerification(d.items || [], ev.verification, true) } : d));
    }
    if (ev.type === 'resync') all.reload();
  });
  const rows = (showAll ? all.data?.items : s.open) || [];
  const loading = showAll ? !all.data && all.loading : !s.open;
  const error = showAll ? all.error : s.error;
  const page = useShowMore(rows, 50);
  // Unknown availability does not block: the server answers captcha_unavailable then.
  const unavailable = cap.data ? !cap.data.available : false;

  const dismiss = async (v) => {
    const ok = await confirmDialog({
      title: t('verifications.dismiss_title'),
      message: t('verifications.dismiss_body', { name: verificationSubject(v) }),
      confirmLabel: t('verifications.dismiss'),
    });
    if (!ok) return;
    try {
      const next = await post(`/verifications/${v.id}/dismiss`);
      upsertVerification(next);
      if (showAll) all.setData((d) => (d ? { ...d, items: withVerification(d.items || [], next, true) } : d));
      toast.ok(t('verifications.dismissed'));
    } catch (e) {
      toast.error(e);
      loadVerifications(true).catch(() => {});
    }
  };
  const closeView = () => {
    setSolving(null);
    loadCaptchaStatus().catch(() => {});
    if (showAll) all.reload();
  };

  const columns = [
    {
      label: t('verifications.account'),
      render: (v) => html`<div class="acct-cell">
        ${v.account_id != null ? html`<a href="#/accounts" class="acct-remark">${verificationSubject(v)}</a>` : html`<span class="acct-remark">${verificationSubject(v)}</span>`}
        <span class="muted small">#${v.id}</span></div>`,
    },
    {
      label: t('verifications.kind'),
      render: (v) => html`<${Badge} tone="outline" data-test="verification-kind"><${Icon} name=${KIND_ICON[v.kind] || 'info'} size="12" />${tv('verification_kind', v.kind)}</${Badge}>`,
    },
    {
      label: t('verifications.state'),
      render: (v) => html`<div class="verification-state">
        <${Badge} tone=${STATE_TONE[v.state] || 'muted'} data-test="verification-state" data-state=${v.state}>${tv('verification_state', v.state)}</${Badge}>
        ${v.auto_attempts ? html`<span class="muted small">${t('verifications.auto_attempts', { n: v.auto_attempts })}</span>` : null}
        ${v.last_outcome ? html`<span class="muted small break">${v.last_outcome}</span>` : null}
      </div>`,
    },
    {
      label: t('verifications.since'),
      render: (v) => html`<div class="acct-cell"><${Ago} value=${v.created_at} />
        ${v.resolved_at ? html`<span class="muted small">${t('verifications.resolved')} <${Ago} value=${v.resolved_at} /></span>` : null}</div>`,
    },
    {
      label: t('verifications.url'),
      class: 'wrap',
      render: (v) => (v.url ? html`<span class="mono small break clamp-2 verification-url" title=${v.url} data-test="verification-url">${v.url}</span>` : html`<span class="muted">—</span>`),
    },
    {
      label: '',
      class: 'actions',
      render: (v) => html`<div class="row-tight">
        ${canVerify(v)
          ? html`<button type="button" class="btn btn-sm btn-primary" disabled=${unavailable} title=${unavailable ? t('verifications.unavailable_title') : undefined}
              onClick=${() => setSolving(v)} data-test="verification-verify"><${Icon} name="play" />${t('verifications.verify_now')}</button>`
          : null}
        ${isOpen(v) && v.kind === 'session_expired'
          ? html`<a class="btn btn-sm" href="#/accounts?qr=1" data-test="verification-qr-login"><${Icon} name="qr" />${t('qr.open')}</a>`
          : null}
        ${isOpen(v) ? html`<button type="button" class="btn btn-sm" onClick=${() => dismiss(v)} data-test="verification-dismiss">${t('verifications.dismiss')}</button>` : null}
      </div>`,
    },
  ];

  const tabs = [
    { id: 'open', label: t('verifications.tab_open'), count: s.open ? s.open.length : null },
    { id: 'all', label: t('verifications.tab_all') },
  ];
  const active = showAll ? 'all' : 'open';
  return html`<div class="page" data-test="page-verifications">
    <${PageHeader} title=${t('verifications.title')} subtitle=${t('verifications.subtitle')}
      actions=${html`<button type="button" class="btn" onClick=${() => {
        loadVerifications(true).catch(() => {});
        loadCaptchaStatus().catch(() => {});
        if (showAll) all.reload();
      }}><${Icon} name="refresh" />${t('common.refresh')}</button>`} />
    <${Availability} status=${cap.data} error=${cap.error} onRetry=${() => loadCaptchaStatus().catch(() => {})} />
    <${Tabs} tabs=${tabs} active=${active} label=${t('verifications.title')} onChange=${(id) => setQuery(id === 'all' ? { state: 'all' } : {})} />
    <${TabPanel} id=${active}>
      <${Panel} class="panel-flush">
        ${error && rows.length ? html`<${ErrorBox} error=${error} onRetry=${() => (showAll ? all.reload() : loadVerifications(true).catch(() => {}))} />` : null}
        <${DataTable} test="verifications-table" columns=${columns} rows=${page.shown} loading=${loading} error=${error}
          onRetry=${() => (showAll ? all.reload() : loadVerifications(true).catch(() => {}))}
          rowProps=${(v) => ({ 'data-test': 'verification-row', 'data-verification-id': v.id, 'data-kind': v.kind, 'data-state': v.state,
            'data-account-id': v.account_id ?? undefined })}
          empty=${html`<${Empty} icon="check" title=${showAll ? t('verifications.none_at_all') : t('verifications.none_open')}>
            <p>${t('verifications.none_hint')}</p></${Empty}>`} />
        <${LoadMore} hasMore=${page.hasMore} onClick=${page.more} count=${page.total > 50 ? page.shown.length : 0} />
      </${Panel}>
    </${TabPanel}>
    ${solving ? html`<${CaptchaView} verification=${solving} onClose=${closeView} />` : null}
  </div>`;
}
