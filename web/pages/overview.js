// Overview: accounts online/offline, today's figures, a per-day chart and what needs attention.
import { html, useEffect, useState } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { get } from '../lib/api.js';
import { accounts, loadAccounts, accountLabel } from '../lib/accounts.js';
import { useAsync, useLive, useDebounced } from '../lib/hooks.js';
import { yuan, num, shanghaiDay } from '../lib/format.js';
import { PageHeader, Panel, Stat, StatusBadge, ErrorBox, Loading, Empty, Notice, ATTENTION } from '../components/ui.js';
import { DayChart } from '../components/chart.js';
import { verifications } from '../lib/verifications.js';

/** The last `days` days of every account, in one request (GET /stats). */
async function loadSummary(days) {
  const to = shanghaiDay();
  const d = new Date(to + 'T12:00:00+08:00');
  d.setUTCDate(d.getUTCDate() - (days - 1));
  const from = d.toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
  const r = await get('/stats', { from, to });
  return r.days.map((x) => ({
    day: x.day,
    placed: x.orders_placed,
    paid: x.orders_paid,
    paid_amount_fen: x.revenue_fen,
    deliveries_sent: x.deliveries.delivered || 0,
  }));
}

function Attention({ list }) {
  const flagged = list.filter((a) => ATTENTION.has(a.status) || (a.enabled && a.status === 'offline'));
  const review = useAsync(() => get('/deliveries', { state: 'uncertain', limit: 1 }), []);
  const cards = useAsync(() => get('/cards', { limit: 100 }), []);
  const low = (cards.data?.items || []).filter((c) => c.kind === 'stock' && c.stock && c.stock.available <= (c.body?.low_stock_threshold ?? 0));
  const uncertain = review.data?.items?.length > 0;
  const tasks = (useStore(verifications).open || []).length;
  if (!flagged.length && !low.length && !uncertain && !tasks) {
    return html`<${Empty} icon="check" title=${t('overview.all_good')} />`;
  }
  return html`<ul class="attention-list" data-test="attention-list">
    ${tasks
      ? html`<li key="verifications" data-test="attention-verifications" data-count=${tasks}><a href="#/verifications" class="attention-name">${t('verifications.title')}</a>
          <span class="badge badge-danger">${t('verifications.badge', { n: tasks })}</span></li>`
      : null}
    ${flagged.map(
      (a) => html`<li key=${'a' + a.id} data-test="attention-account" data-account-id=${a.id}>
        <a href="#/accounts" class="attention-name">${accountLabel(a)}</a>
        <${StatusBadge} status=${a.status} nextRetryAt=${a.next_retry_at} captchaUrl=${a.captcha_url} />
        ${a.last_error ? html`<span class="muted small break">${a.last_error}</span>` : null}
        <span class="attention-hint small">${tv('status_hint', a.status)}</span>
      </li>`,
    )}
    ${low.map(
      (c) => html`<li key=${'c' + c.id} data-test="attention-low-stock" data-card-id=${c.id}>
        <a href=${'#/cards/' + c.id} class="attention-name">${c.name}</a>
        <span class="badge badge-warn">${t('cards.low_stock', { n: c.stock.available })}</span>
      </li>`,
    )}
    ${uncertain
      ? html`<li key="review" data-test="attention-review"><a href="#/review" class="attention-name">${t('overview.uncertain_deliveries')}</a>
          <span class="badge badge-danger">${t('review.needs_review')}</span></li>`
      : null}
  </ul>`;
}

export default function Overview() {
  const s = useStore(accounts);
  const [days, setDays] = useState(14);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  const list = s.list || [];
  const ids = (s.list ? 'L' : '') + list.map((a) => a.id).join(',');
  const today = useAsync(() => get('/stats/today'), []);
  const summary = useAsync(() => loadSummary(days), [ids, days]);
  const refresh = useDebounced(() => {
    today.reload();
    summary.reload();
  }, 2000);
  useLive((ev) => {
    if (['message_received', 'message_sent', 'order_updated', 'delivery', 'resync'].includes(ev.type)) refresh();
  });

  if (s.error && !s.list) return html`<div class="page"><${ErrorBox} error=${s.error} onRetry=${() => loadAccounts(true)} /></div>`;
  if (!s.list) return html`<${Loading} />`;

  const online = list.filter((a) => a.status === 'online').length;
  const d = today.data;
  const sum = summary.data || [];
  return html`<div class="page" data-test="page-overview">
    <${PageHeader} title=${t('overview.title')} subtitle=${t('overview.subtitle', { day: d?.day || shanghaiDay() })} />
    ${!list.length
      ? html`<${Notice} tone="info" icon="info" data-test="overview-no-accounts">${t('overview.no_accounts')} <a href="#/accounts?add=1">${t('accounts.add')}</a></${Notice}>`
      : null}
    <div class="stat-grid" data-test="overview-stats">
      <${Stat} icon="user" label=${t('overview.online')} value=${html`<span class="text-ok">${online}</span><span class="stat-of"> / ${list.length}</span>`}
        hint=${t('overview.offline_n', { n: list.length - online })} data-test="stat-online" />
      <${Stat} icon="chat" label=${t('overview.messages')} value=${d ? num(d.messages_received) : '…'} data-test="stat-messages" />
      <${Stat} icon="reply" label=${t('overview.auto_replies')} value=${d ? num(d.auto_replies) : '…'} data-test="stat-auto-replies" />
      <${Stat} icon="order" label=${t('overview.orders')} value=${d ? num(d.orders_placed) : '…'} hint=${d ? t('overview.paid_n', { n: d.orders_paid }) : ''} data-test="stat-orders" />
      <${Stat} icon="truck" label=${t('overview.deliveries')} value=${d ? num(d.deliveries_sent) : '…'} data-test="stat-deliveries" />
      <${Stat} icon="zap" label=${t('overview.revenue')} value=${d ? yuan(d.paid_amount_fen) : '…'} data-test="stat-revenue" />
    </div>
    ${today.error ? html`<${ErrorBox} error=${today.error} onRetry=${today.reload} />` : null}
    <div class="overview-grid">
      <${Panel} title=${t('overview.chart_title')} class="overview-chart"
        actions=${html`<div class="btn-group" role="group" aria-label=${t('overview.range')}>
          ${[7, 14, 30].map((n) => html`<button type="button" class=${'btn btn-sm' + (days === n ? ' active' : '')} aria-pressed=${days === n ? 'true' : 'false'}
            onClick=${() => setDays(n)}>${t('overview.days', { n })}</button>`)}
        </div>`}>
        ${summary.error ? html`<${ErrorBox} error=${summary.error} onRetry=${summary.reload} />` : null}
        ${sum.length
          ? html`<${DayChart} label=${t('overview.chart_title')} xLabel=${t('common.day')} days=${sum.map((x) => x.day)} moneyFmt=${(v) => yuan(Math.round(v))}
              series=${[
                { label: t('overview.revenue'), values: sum.map((x) => x.paid_amount_fen), kind: 'bar', scale: 'money', color: '--primary' },
                { label: t('overview.orders'), values: sum.map((x) => x.placed), kind: 'line', scale: 'count', color: '--info' },
                { label: t('overview.paid'), values: sum.map((x) => x.paid), kind: 'line', scale: 'count', color: '--ok' },
                { label: t('overview.deliveries'), values: sum.map((x) => x.deliveries_sent), kind: 'line', scale: 'count', color: '--warn' },
              ]} />
              <table class="sr-only"><caption>${t('overview.chart_title')}</caption>
                <thead><tr><th>${t('common.day')}</th><th>${t('overview.orders')}</th><th>${t('overview.paid')}</th><th>${t('overview.revenue')}</th><th>${t('overview.deliveries')}</th></tr></thead>
                <tbody>${sum.map((x) => html`<tr><td>${x.day}</td><td>${x.placed}</td><td>${x.paid}</td><td>${yuan(x.paid_amount_fen)}</td><td>${x.deliveries_sent}</td></tr>`)}</tbody>
              </table>`
          : summary.loading
            ? html`<${Loading} />`
            : html`<${Empty} icon="order" title=${t('overview.no_data')} />`}
      </${Panel}>
      <${Panel} title=${t('overview.attention')} class="overview-attention">
        <${Attention} list=${list} />
      </${Panel}>
    </div>
  </div>`;
}
