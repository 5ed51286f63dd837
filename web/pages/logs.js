// What the server is doing: the records of the caller's accounts and requests (admins: all),
// newest first, with a live tail that can be paused, filters and "load older".
import { html, useState, useEffect, useRef } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { usePaged } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { accounts, loadAccounts, accountLabel } from '../lib/accounts.js';
import { setQuery } from '../lib/router.js';
import { openLogTail } from '../lib/log-tail.js';
import { dateTime } from '../lib/format.js';
import { PageHeader, Panel, Badge, Empty, Notice } from '../components/ui.js';
import { LoadMore } from '../components/table.js';
import { Icon } from '../components/icons.js';

const LEVELS = ['error', 'warn', 'info', 'debug'];
const LEVEL_TONE = { error: 'danger', warn: 'warn', info: 'info', debug: 'muted', trace: 'muted' };
/** Records kept on the page while the tail runs (older ones stay loadable). */
const KEEP = 1000;

export default function LogsPage({ query }) {
  const s = useStore(accounts);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  const filter = { level: query.level || '', account_id: query.account_id || '', q: query.q || '' };
  const [f, setF] = useState(filter);
  const key = JSON.stringify(filter);
  const list = usePaged((cursor) => get('/logs', { ...filter, limit: 100, cursor }), [key]);
  const [paused, setPaused] = useState(false);
  const [tail, setTail] = useState('connecting');
  const [gap, setGap] = useState(false);
  const pending = useRef([]);
  const [pendingCount, setPendingCount] = useState(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    pending.current = [];
    setPendingCount(0);
    setGap(false);
    return openLogTail(filter, {
      onState: setTail,
      onGap: () => setGap(true),
      onRecord: (r) => {
        if (pausedRef.current) {
          pending.current.unshift(r);
          pending.current.length = Math.min(pending.current.length, KEEP);
          setPendingCount((n) => n + 1);
        } else list.setItems((items) => [r, ...items].slice(0, KEEP));
      },
    });
  }, [key]);

  const resume = () => {
    const waiting = pending.current;
    pending.current = [];
    setPendingCount(0);
    setPaused(false);
    list.setItems((items) => [...waiting, ...items].slice(0, KEEP));
  };
  const apply = (e) => {
    e.preventDefault();
    setQuery({ level: f.level, account_id: f.account_id, q: f.q.trim() });
  };
  const name = (id) => accountLabel((s.list || []).find((a) => a.id === id)) || t('accounts.account_n', { id });

  return html`<div class="page" data-test="page-logs">
    <${PageHeader} title=${t('logs.title')} subtitle=${t('logs.subtitle')}
      actions=${html`<span class="row-tight">
        <${Badge} tone=${tail === 'open' ? (paused ? 'warn' : 'ok') : 'muted'} data-test="logs-live" data-state=${paused ? 'paused' : tail}>
          ${paused ? t('logs.paused') : t('logs.tail_' + tail)}</${Badge}>
        ${paused
          ? html`<button type="button" class="btn btn-primary" onClick=${resume} data-test="logs-resume"><${Icon} name="play" /><span>${pendingCount ? t('logs.resume_n', { n: pendingCount }) : t('logs.resume')}</span></button>`
          : html`<button type="button" class="btn" onClick=${() => setPaused(true)} data-test="logs-pause"><${Icon} name="pause" /><span>${t('logs.pause')}</span></button>`}
      </span>`} />
    <form class="toolbar filters" onSubmit=${apply} role="search" data-test="logs-filters">
      <div class="field"><label class="field-label" for="lf-level">${t('logs.level')}</label>
        <select id="lf-level" class="input select" value=${f.level} onChange=${(e) => setF({ ...f, level: e.currentTarget.value })} data-test="logs-level">
          <option value="">${t('common.all')}</option>
          ${LEVELS.map((l) => html`<option value=${l}>${t('logs.level_' + l)}</option>`)}
        </select></div>
      <div class="field"><label class="field-label" for="lf-account">${t('logs.account')}</label>
        <select id="lf-account" class="input select" value=${f.account_id} onChange=${(e) => setF({ ...f, account_id: e.currentTarget.value })} data-test="logs-account">
          <option value="">${t('common.all')}</option>
          ${(s.list || []).map((a) => html`<option value=${String(a.id)}>${accountLabel(a)}</option>`)}
        </select></div>
      <div class="field grow"><label class="field-label" for="lf-q">${t('logs.search')}</label>
        <input id="lf-q" class="input" type="search" value=${f.q} placeholder=${t('logs.search_placeholder')} onInput=${(e) => setF({ ...f, q: e.currentTarget.value })} data-test="logs-q" /></div>
      <div class="row-tight"><button type="submit" class="btn btn-primary" data-test="logs-apply">${t('common.filter')}</button></div>
    </form>
    ${gap ? html`<${Notice} tone="warn" data-test="logs-gap">${t('logs.gap')} <button type="button" class="btn btn-link" onClick=${() => { setGap(false); list.reload(); }}>${t('logs.reload')}</button></${Notice}>` : null}
    <${Panel} class="panel-flush">
      ${list.error ? html`<div class="panel-pad"><${Notice} tone="danger">${String(list.error.message || list.error)}</${Notice}></div>` : null}
      ${!list.loading && !list.items.length && !list.error ? html`<${Empty} icon="file" title=${t('logs.none')} />` : null}
      <ol class="log-list" data-test="logs-list" aria-live=${paused ? 'off' : 'polite'}>
        ${list.items.map((r) => html`<li key=${r.id} class=${'log-row log-' + r.level} data-test="logs-row" data-id=${r.id} data-level=${r.level} data-account-id=${r.account_id ?? ''}>
          <time class="log-time mono" datetime=${r.time}>${dateTime(r.time, { seconds: true })}</time>
          <${Badge} tone=${LEVEL_TONE[r.level] || 'muted'}>${t('logs.level_' + r.level)}</${Badge}>
          ${r.account_id != null ? html`<a class="log-account small" href=${`#/logs?account_id=${r.account_id}`}>${name(r.account_id)}</a>` : null}
          <span class="log-target small muted mono">${r.target}</span>
          <span class="log-message mono">${r.message}</span>
        </li>`)}
      </ol>
      <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} label=${t('logs.older')} />
    </${Panel}>
  </div>`;
}
