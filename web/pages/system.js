// The server as an admin sees it: health (/health), the log collector (buffer, drops, daily
// files to download) and whether the Prometheus endpoint is on.
import { html } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, download, session } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { fileSize, num } from '../lib/format.js';
import { PageHeader, Panel, ErrorBox, Loading, Notice, Badge, Empty } from '../components/ui.js';
import { toast } from '../components/toast.js';

export default function SystemPage() {
  const me = useStore(session).user;
  const health = useAsync(() => get('/health'), []);
  const obs = useAsync(() => get('/system/observability'), []);
  const files = useAsync(() => get('/logs/files'), []);
  if (me && me.role !== 'admin') return html`<div class="page"><${Notice} tone="warn" icon="lock">${t('errors.forbidden')}</${Notice}></div>`;
  const h = health.data;
  const o = obs.data;
  const fetchFile = (f) => download(`/logs/files/${f.day}`, f.name).catch((e) => toast.error(e));
  return html`<div class="page" data-test="page-system">
    <${PageHeader} title=${t('system.title')} subtitle=${t('system.subtitle')} />
    <div class="settings-grid">
      <${Panel} title=${t('settings.server')}>
        ${health.error ? html`<${ErrorBox} error=${health.error} onRetry=${health.reload} />` : !h ? html`<${Loading} />`
          : html`<dl class="kv" data-test="server-health">
              <dt>${t('settings.version')}</dt><dd class="mono">${h.version}</dd>
              <dt>${t('settings.status')}</dt><dd>${h.status === 'ok' ? t('settings.ok') : t('settings.degraded')}</dd>
              <dt>${t('settings.database')}</dt><dd>${h.database.backend} · ${h.database.ok ? t('settings.ok') : t('settings.degraded')}</dd>
              <dt>${t('settings.uptime')}</dt><dd>${t('settings.hours', { n: (h.uptime_s / 3600).toFixed(1) })}</dd>
              <dt>${t('settings.cpu')}</dt><dd>${h.system.cpu_percent.toFixed(0)}%</dd>
              <dt>${t('settings.memory')}</dt><dd>${fileSize(h.system.memory_used_bytes)} / ${fileSize(h.system.memory_total_bytes)}</dd>
              <dt>${t('settings.disk')}</dt><dd>${fileSize(h.system.disk_free_bytes)}</dd>
            </dl>`}
      </${Panel}>
      <${Panel} title=${t('system.metrics')}>
        ${obs.error ? html`<${ErrorBox} error=${obs.error} onRetry=${obs.reload} />` : !o ? html`<${Loading} />`
          : html`<div data-test="metrics-status" data-enabled=${String(o.metrics_enabled)}>
              <p><${Badge} tone=${o.metrics_enabled ? 'ok' : 'muted'}>${o.metrics_enabled ? t('system.metrics_on') : t('system.metrics_off')}</${Badge}></p>
              <p class="field-hint">${o.metrics_enabled ? t('system.metrics_on_hint', { path: o.metrics_path }) : t('system.metrics_off_hint')}</p>
            </div>`}
      </${Panel}>
      <${Panel} title=${t('system.logs')}>
        ${!o ? null : html`<dl class="kv" data-test="log-status">
            <dt>${t('system.log_buffered')}</dt><dd>${num(o.log_buffered)} / ${num(o.log_buffer)}</dd>
            <dt>${t('system.log_retention')}</dt><dd>${t('system.days_n', { n: o.log_retention_days })}</dd>
            <dt>${t('system.log_file_cap')}</dt><dd>${o.log_file_max_mb} MB</dd>
            <dt>${t('system.log_dropped')}</dt><dd>${t('system.dropped_detail', { file: num(o.log_dropped.file), tail: num(o.log_dropped.tail) })}</dd>
          </dl>`}
        <h3 class="panel-subtitle">${t('system.log_files')}</h3>
        ${files.error ? html`<${ErrorBox} error=${files.error} onRetry=${files.reload} />` : !files.data ? html`<${Loading} />`
          : !files.data.length ? html`<${Empty} icon="file" title=${t('system.no_files')} />`
          : html`<ul class="file-list" data-test="log-files">
              ${files.data.map((f) => html`<li data-test="log-file" data-day=${f.day}>
                <span class="mono">${f.name}</span><span class="muted small">${fileSize(f.bytes)}</span>
                <button type="button" class="btn btn-sm" onClick=${() => fetchFile(f)} data-test="log-file-download">${t('system.download')}</button>
              </li>`)}
            </ul>`}
      </${Panel}>
    </div>
  </div>`;
}
