// The app shell: side navigation (a drawer on phones), top bar with the live indicator,
// language and theme switches and the user menu.
import { html, useState, useEffect } from '../vendor/preact-htm.module.js';
import { t, tv, lang, loadLang } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { live, reconnectNow } from '../lib/live.js';
import { theme, setTheme } from '../lib/theme.js';
import { session } from '../lib/api.js';
import { route } from '../lib/router.js';
import { useTick } from '../lib/hooks.js';
import { verifications, loadVerifications, arrivals, verificationSubject } from '../lib/verifications.js';
import { Icon } from './icons.js';
import { Menu } from './menu.js';
import { toast } from './toast.js';

const NAV = [
  { group: 'work', items: [
    { id: 'overview', path: '/', icon: 'home' },
    { id: 'accounts', path: '/accounts', icon: 'user' },
    { id: 'verifications', path: '/verifications', icon: 'shield', badge: true },
    { id: 'conversations', path: '/conversations', icon: 'chat' },
  ] },
  { group: 'auto', items: [{ id: 'replies', path: '/replies', icon: 'reply' }] },
  { group: 'goods', items: [
    { id: 'items', path: '/items', icon: 'box' },
    { id: 'cards', path: '/cards', icon: 'card' },
    { id: 'delivery-rules', path: '/delivery-rules', icon: 'truck' },
  ] },
  { group: 'trade', items: [
    { id: 'orders', path: '/orders', icon: 'order' },
    { id: 'review', path: '/review', icon: 'alert' },
  ] },
  { group: 'system', items: [
    { id: 'stats', path: '/stats', icon: 'zap' },
    { id: 'logs', path: '/logs', icon: 'file' },
  ] },
  { group: 'admin', admin: true, items: [
    { id: 'users', path: '/users', icon: 'users' },
    { id: 'settings', path: '/settings', icon: 'settings' },
    { id: 'system', path: '/system', icon: 'monitor' },
  ] },
];

/** Which nav entry a path belongs to. */
function section(path) {
  if (path === '/' || path === '') return 'overview';
  const m = path.match(/^\/accounts\/[^/]+\/(conversations|replies|items)/);
  if (m) return m[1];
  return path.split('/')[1] || 'overview';
}

export function LiveIndicator() {
  const s = useStore(live);
  useTick(1000, s.state === 'retrying');
  const secs = s.retryAt ? Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000)) : 0;
  const label =
    s.state === 'open' ? t('live.open') : s.state === 'retrying' ? t('live.retrying', { s: secs }) : s.state === 'error' ? t('live.error') : t('live.connecting');
  const tone = s.state === 'open' ? 'ok' : s.state === 'retrying' || s.state === 'error' ? 'danger' : 'info';
  return html`<button type="button" class=${'live live-' + tone} data-test="live-indicator" data-state=${s.state} title=${t('live.title') + ': ' + label}
    aria-label=${t('live.title') + ': ' + label} onClick=${() => s.state !== 'open' && reconnectNow()}>
    <span class=${'dot dot-' + tone + (s.state === 'open' ? ' dot-pulse' : '')} aria-hidden="true"></span>
    <span class="live-text">${label}</span>
  </button>`;
}

/** How many verification tasks are open (the inbox's badge), loaded once the shell shows. */
function useOpenVerifications() {
  const v = useStore(verifications);
  useEffect(() => {
    loadVerifications().catch(() => {});
    // A new task while elsewhere: say so (the inbox itself shows the row).
    return arrivals.subscribe((task) => {
      if (!task || route.get().path === '/verifications') return;
      toast.warn(t('verifications.new_task', { name: verificationSubject(task), kind: tv('verification_kind', task.kind) }));
    });
  }, []);
  return v.open ? v.open.length : 0;
}

function NavBadge({ n }) {
  if (!n) return null;
  return html`<span class="nav-badge" data-test="verification-badge" data-count=${n} title=${t('verifications.badge', { n })}>
    <span aria-hidden="true">${n > 99 ? '99+' : n}</span><span class="sr-only">${t('verifications.badge', { n })}</span></span>`;
}

function LangSwitch() {
  const l = useStore(lang);
  const pick = (v) => loadLang(v).catch((e) => toast.error(e));
  return html`<${Menu} label=${t('topbar.language')} test="lang-switch" button=${html`<${Icon} name="globe" /><span class="menu-value" data-value=${l}>${l === 'en' ? 'EN' : '中'}</span>`}
    items=${[
      { label: '简体中文', checked: l === 'zh-CN', onSelect: () => pick('zh-CN'), test: 'lang-zh-CN' },
      { label: 'English', checked: l === 'en', onSelect: () => pick('en'), test: 'lang-en' },
    ]} />`;
}

function ThemeSwitch() {
  const m = useStore(theme);
  const icon = m === 'light' ? 'sun' : m === 'dark' ? 'moon' : 'monitor';
  return html`<${Menu} label=${t('topbar.theme') + ': ' + t('theme.' + m)} test="theme-switch" button=${html`<${Icon} name=${icon} /><span class="sr-only" data-value=${m}>${t('theme.' + m)}</span>`}
    items=${['system', 'light', 'dark'].map((v) => ({ label: t('theme.' + v), checked: m === v, onSelect: () => setTheme(v), test: 'theme-' + v }))} />`;
}

function UserMenu({ onLogout, onPassword }) {
  const { user } = useStore(session);
  if (!user) return null;
  return html`<${Menu} label=${t('topbar.user_menu')} test="user-menu" class="user-menu"
    button=${html`<span class="avatar" aria-hidden="true">${(user.username || '?').slice(0, 1).toUpperCase()}</span><span class="user-name">${user.username}</span>`}
    items=${[
      { header: html`<strong>${user.username}</strong> <span class="muted">${t('roles.' + user.role)}</span>` },
      { label: t('password.title'), icon: 'key', onSelect: onPassword, test: 'open-change-password' },
      { separator: true },
      { label: t('topbar.logout'), icon: 'logout', onSelect: onLogout, test: 'logout', tone: 'danger' },
    ]} />`;
}

export function Shell({ children, onLogout, onPassword }) {
  const r = useStore(route);
  const { user } = useStore(session);
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [r.raw]);
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (e) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  const current = section(r.path);
  const isAdmin = user && user.role === 'admin';
  const openTasks = useOpenVerifications();
  return html`<div class=${'shell' + (open ? ' nav-open' : '')}>
    <a class="skip-link" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>${t('topbar.skip')}</a>
    <aside class="sidebar" id="sidebar" aria-label=${t('nav.label')}>
      <div class="brand"><img src=${new URL('../favicon.svg', import.meta.url).href} alt="" width="24" height="24" /><span>${t('app.name')}</span></div>
      <nav class="nav">
        ${NAV.filter((g) => !g.admin || isAdmin).map(
          (g) => html`<div class="nav-group" key=${g.group}>
            <div class="nav-group-title">${t('nav.group_' + g.group)}</div>
            ${g.items.map(
              (it) => html`<a href=${'#' + it.path} class=${'nav-link' + (current === it.id ? ' active' : '')} aria-current=${current === it.id ? 'page' : undefined}
                data-test=${'nav-' + it.id}><${Icon} name=${it.icon} /><span class="nav-text">${t('nav.' + it.id)}</span>${it.badge ? html`<${NavBadge} n=${openTasks} />` : null}</a>`,
            )}
          </div>`,
        )}
      </nav>
    </aside>
    <div class="scrim" onClick=${() => setOpen(false)} aria-hidden="true"></div>
    <div class="main-col">
      <header class="topbar">
        <button type="button" class="btn btn-ghost btn-icon nav-toggle" aria-label=${t('topbar.menu') + (openTasks ? ' · ' + t('verifications.badge', { n: openTasks }) : '')} aria-controls="sidebar" aria-expanded=${open ? 'true' : 'false'}
          onClick=${() => setOpen(!open)} data-test="nav-toggle"><${Icon} name="menu" />${openTasks
            ? html`<span class="nav-toggle-dot" data-test="nav-toggle-badge" data-count=${openTasks} aria-hidden="true"></span>`
            : null}</button>
        <span class="topbar-title">${t('nav.' + current)}</span>
        <div class="topbar-spacer"></div>
        <${LiveIndicator} />
        <${LangSwitch} />
        <${ThemeSwitch} />
        <${UserMenu} onLogout=${onLogout} onPassword=${onPassword} />
      </header>
      <main id="main" class="content" tabindex="-1">${children}</main>
    </div>
  </div>`;
}

export { LangSwitch, ThemeSwitch };
