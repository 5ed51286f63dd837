// Global settings (admin only): self-registration open or closed; server health.
import { html } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, patch, session } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { PageHeader, Panel, Switch, ErrorBox, Loading, Notice } from '../components/ui.js';
import { toast } from '../components/toast.js';

function bytes(n) {
  if (n == null) return '—';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${u[i]}`;
}

export default function SettingsPage() {
  const me = useStore(session).user;
  const s = useAsync(() => get('/settings'), []);
  const health = useAsync(() => get('/health'), []);
  const set = async (registration_open) => {
    try {
      s.setData(await patch('/settings', { registration_open }));
      toast.ok(t('common.saved'));
    } catch (e) {
      toast.error(e);
    }
  };
  if (me && me.role !== 'admin') return html`<div class="page"><${Notice} tone="warn" icon="lock">${t('errors.forbidden')}</${Notice}></div>`;
  const h = health.data;
  return html`<div class="page" data-test="page-settings">
    <${PageHeader} title=${t('settings.title')} />
    <div class="settings-grid">
      <${Panel} title=${t('settings.registration')}>
        ${s.error ? html`<${ErrorBox} error=${s.error} onRetry=${s.reload} />` : !s.data ? html`<${Loading} />`
          : html`<${Switch} checked=${s.data.registration_open} onChange=${set} label=${t('settings.registration_open')} data-test="registration-open" />
            <p class="field-hint">${s.data.registration_open ? t('settings.registration_on_hint') : t('settings.registration_off_hint')}</p>`}
      </${Panel}>
      <${Panel} title=${t('settings.server')}>
        ${health.error ? html`<${ErrorBox} error=${health.error} onRetry=${health.reload} />` : !h ? html`<${Loading} />`
          : html`<dl class="kv" data-test="server-health">
              <dt>${t('settings.version')}</dt><dd class="mono">${h.version}</dd>
              <dt>${t('settings.status')}</dt><dd>${h.status === 'ok' ? t('settings.ok') : t('settings.degraded')}</dd>
              <dt>${t('settings.database')}</dt><dd>${h.database.backend} · ${h.database.ok ? t('settings.ok') : t('settings.degraded')}</dd>
              <dt>${t('settings.uptime')}</dt><dd>${t('settings.hours', { n: (h.uptime_s / 3600).toFixed(1) })}</dd>
              <dt>${t('settings.cpu')}</dt><dd>${h.system.cpu_percent.toFixed(0)}%</dd>
              <dt>${t('settings.memory')}</dt><dd>${bytes(h.system.memory_used_bytes)} / ${bytes(h.system.memory_total_bytes)}</dd>
              <dt>${t('settings.disk')}</dt><dd>${bytes(h.system.disk_free_bytes)}</dd>
            </dl>`}
      </${Panel}>
    </div>
  </div>`;
}
