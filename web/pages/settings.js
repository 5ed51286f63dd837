// Global settings (admin only): self-registration open or closed. Server health is on the
// system page.
import { html } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, patch, session } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { useStore } from '../lib/store.js';
import { PageHeader, Panel, Switch, ErrorBox, Loading, Notice } from '../components/ui.js';
import { toast } from '../components/toast.js';

export default function SettingsPage() {
  const me = useStore(session).user;
  const s = useAsync(() => get('/settings'), []);
  const set = async (registration_open) => {
    try {
      s.setData(await patch('/settings', { registration_open }));
      toast.ok(t('common.saved'));
    } catch (e) {
      toast.error(e);
    }
  };
  if (me && me.role !== 'admin') return html`<div class="page"><${Notice} tone="warn" icon="lock">${t('errors.forbidden')}</${Notice}></div>`;
  return html`<div class="page" data-test="page-settings">
    <${PageHeader} title=${t('settings.title')} />
    <div class="settings-grid">
      <${Panel} title=${t('settings.registration')}>
        ${s.error ? html`<${ErrorBox} error=${s.error} onRetry=${s.reload} />` : !s.data ? html`<${Loading} />`
          : html`<${Switch} checked=${s.data.registration_open} onChange=${set} label=${t('settings.registration_open')} data-test="registration-open" />
            <p class="field-hint">${s.data.registration_open ? t('settings.registration_on_hint') : t('settings.registration_off_hint')}</p>`}
      </${Panel}>
      <${Panel} title=${t('nav.system')}><p><a href="#/system" data-test="settings-system-link">${t('settings.system_link')}</a></p></${Panel}>
    </div>
  </div>`;
}
