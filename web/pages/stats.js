// Statistics per day (Asia/Shanghai) for the last 7, 30 or 90 days, per account or all:
// messages and replies by source, orders and revenue, response time and deliveries.
import { html, useEffect } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { accounts, loadAccounts, accountLabel } from '../lib/accounts.js';
import { setQuery } from '../lib/router.js';
import { yuan, num, duration, shanghaiDay } from '../lib/format.js';
import { PageHeader, Panel, Stat, ErrorBox, Loading } from '../components/ui.js';
import { DayChart } from '../components/chart.js';

const RANGES = [7, 30, 90];
const SOURCES = ['item', 'keyword', 'ai', 'default'];

function minusDays(day, n) {
  const d = new Date(day + 'T12:00:00+08:00');
  d.setUTCDate(d.getUTCDate() - n);
  return d.toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
}

const sumOf = (days, f) => days.reduce((n, d) => n + f(d), 0);
const replies = (d, source) => (source ? d.auto_replies[source] || 0 : Object.values(d.auto_replies).reduce((a, b) => a + b, 0));

export default function StatsPage({ query }) {
  const s = useStore(accounts);
  useEffect(() => {
    loadAccounts().catch(() => {});
  }, []);
  const range = RANGES.includes(Number(query.days)) ? Number(query.days) : 7;
  const account = query.account_id || '';
  const to = shanghaiDay();
  const data = useAsync(() => get('/stats', { from: minusDays(to, range - 1), to, account_id: account }), [range, account, to]);
  const days = data.data?.days || [];
  const x = days.map((d) => d.day);
  const waits = days.map((d) => d.response_median_ms).filter((v) => v != null).sort((a, b) => a - b);
  const medianWait = waits.length ? waits[Math.floor((waits.length - 1) / 2)] : null;
  const seconds = (ms) => (ms == null ? '—' : duration(ms / 1000));

  return html`<div class="page" data-test="page-stats">
    <${PageHeader} title=${t('stats.title')} subtitle=${t('stats.subtitle')} />
    <div class="toolbar">
      <div class="btn-group" role="group" aria-label=${t('stats.range')}>
        ${RANGES.map((n) => html`<button type="button" class=${'btn btn-sm' + (range === n ? ' active' : '')} aria-pressed=${range === n ? 'true' : 'false'}
          data-test=${'stats-range-' + n} onClick=${() => setQuery({ days: String(n), account_id: account })}>${t('overview.days', { n })}</button>`)}
      </div>
      <div class="field"><label class="sr-only" for="stats-account">${t('stats.account')}</label>
        <select id="stats-account" class="input select" value=${account} data-test="stats-account"
          onChange=${(e) => setQuery({ days: String(range), account_id: e.currentTarget.value })}>
          <option value="">${t('stats.all_accounts')}</option>
          ${(s.list || []).map((a) => html`<option value=${String(a.id)}>${accountLabel(a)}</option>`)}
        </select></div>
    </div>
    ${data.error ? html`<${ErrorBox} error=${data.error} onRetry=${data.reload} />` : null}
    ${data.loading && !data.data ? html`<${Loading} />` : null}
    ${data.data
      ? html`<div class="stat-grid" data-test="stats-totals" data-days=${days.length}>
          <${Stat} icon="chat" label=${t('stats.buyer_messages')} value=${num(sumOf(days, (d) => d.buyer_messages))} hint=${t('stats.new_buyers_n', { n: sumOf(days, (d) => d.new_buyers) })} data-test="stats-buyer-messages" />
          <${Stat} icon="reply" label=${t('stats.auto_replies')} value=${num(sumOf(days, (d) => replies(d)))} hint=${t('stats.manual_n', { n: sumOf(days, (d) => d.manual_replies) })} data-test="stats-auto-replies" />
          <${Stat} icon="clock" label=${t('stats.response')} value=${seconds(medianWait)} hint=${t('stats.response_hint')} data-test="stats-response" />
          <${Stat} icon="order" label=${t('stats.orders_paid')} value=${num(sumOf(days, (d) => d.orders_paid))} hint=${t('stats.placed_n', { n: sumOf(days, (d) => d.orders_placed) })} data-test="stats-orders" />
          <${Stat} icon="zap" label=${t('stats.revenue')} value=${yuan(sumOf(days, (d) => d.revenue_fen))} data-test="stats-revenue" />
          <${Stat} icon="truck" label=${t('stats.delivered')} value=${num(sumOf(days, (d) => d.deliveries.delivered || 0))} data-test="stats-delivered" />
        </div>
        <div class="stats-charts">
          <${Panel} title=${t('stats.chart_messages')}>
            <${DayChart} label=${t('stats.chart_messages')} xLabel=${t('common.day')} days=${x} moneyFmt=${(v) => num(Math.round(v))}
              series=${[
                { label: t('stats.buyer_messages'), values: days.map((d) => d.buyer_messages), kind: 'bar', scale: 'count', color: '--info' },
                ...SOURCES.filter((src) => days.some((d) => d.auto_replies[src])).map((src, i) => ({
                  label: t('stats.source_' + src), values: days.map((d) => replies(d, src)), kind: 'line', scale: 'count', color: ['--primary', '--ok', '--warn', '--muted'][i],
                })),
                { label: t('stats.manual'), values: days.map((d) => d.manual_replies), kind: 'line', scale: 'count', color: '--text-2' },
              ]} />
          </${Panel}>
          <${Panel} title=${t('stats.chart_orders')}>
            <${DayChart} label=${t('stats.chart_orders')} xLabel=${t('common.day')} days=${x} moneyFmt=${(v) => yuan(Math.round(v))}
              series=${[
                { label: t('stats.revenue'), values: days.map((d) => d.revenue_fen), kind: 'bar', scale: 'money', color: '--primary' },
                { label: t('stats.orders_placed'), values: days.map((d) => d.orders_placed), kind: 'line', scale: 'count', color: '--info' },
                { label: t('stats.orders_paid'), values: days.map((d) => d.orders_paid), kind: 'line', scale: 'count', color: '--ok' },
              ]} />
          </${Panel}>
          <${Panel} title=${t('stats.chart_response')}>
            <${DayChart} label=${t('stats.chart_response')} xLabel=${t('common.day')} days=${x} moneyFmt=${(v) => seconds(v)}
              series=${[
                { label: t('stats.delivered'), values: days.map((d) => d.deliveries.delivered || 0), kind: 'bar', scale: 'count', color: '--ok' },
                { label: t('stats.response_median'), values: days.map((d) => d.response_median_ms), kind: 'line', scale: 'money', color: '--info' },
                { label: t('stats.response_p90'), values: days.map((d) => d.response_p90_ms), kind: 'line', scale: 'money', color: '--warn' },
              ]} />
          </${Panel}>
        </div>
        <div class="sr-only"><table data-test="stats-table"><caption>${t('stats.title')}</caption>
          <thead><tr><th>${t('common.day')}</th><th>${t('stats.buyer_messages')}</th><th>${t('stats.auto_replies')}</th><th>${t('stats.manual')}</th><th>${t('stats.response_median')}</th><th>${t('stats.orders_paid')}</th><th>${t('stats.revenue')}</th><th>${t('stats.delivered')}</th></tr></thead>
          <tbody>${days.map((d) => html`<tr data-test="stats-day" data-day=${d.day}><td>${d.day}</td><td>${d.buyer_messages}</td><td>${replies(d)}</td><td>${d.manual_replies}</td><td>${seconds(d.response_median_ms)}</td><td>${d.orders_paid}</td><td>${yuan(d.revenue_fen)}</td><td>${d.deliveries.delivered || 0}</td></tr>`)}</tbody>
        </table></div>`
      : null}
  </div>`;
}
