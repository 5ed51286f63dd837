// Boot: theme (already applied by theme.js), strings, session, router, layout.
import { html, render, Component, useEffect, useState } from './vendor/preact-htm.module.js';
import { t, lang, loadLang } from './lib/i18n.js';
import { useStore } from './lib/store.js';
import { session, get, post, setUser, dropSession, errorText } from './lib/api.js';
import { route, match, navigate } from './lib/router.js';
import { startLive, stopLive, onLive } from './lib/live.js';
import { Shell } from './components/layout.js';
import { ToastHost } from './components/toast.js';
import { ConfirmHost } from './components/modal.js';
import { ChangePasswordDialog } from './components/password.js';
import { Loading, ErrorBox } from './components/ui.js';
import { loadAccounts } from './lib/accounts.js';

/** Every page is its own module, loaded when first visited. */
const ROUTES = [
  { path: '/', load: () => import('./pages/overview.js') },
  { path: '/accounts', load: () => import('./pages/accounts.js') },
  { path: '/verifications', load: () => import('./pages/verifications.js') },
  { path: '/conversations', load: () => import('./pages/account-redirect.js'), props: { to: 'conversations' } },
  { path: '/accounts/:account/conversations', load: () => import('./pages/conversations.js') },
  { path: '/accounts/:account/conversations/:conv', load: () => import('./pages/conversations.js') },
  { path: '/replies', load: () => import('./pages/account-redirect.js'), props: { to: 'replies' } },
  { path: '/accounts/:account/replies', load: () => import('./pages/replies.js') },
  { path: '/items', load: () => import('./pages/account-redirect.js'), props: { to: 'items' } },
  { path: '/accounts/:account/items', load: () => import('./pages/items.js') },
  { path: '/cards', load: () => import('./pages/cards.js') },
  { path: '/cards/:card', load: () => import('./pages/card-stock.js') },
  { path: '/delivery-rules', load: () => import('./pages/delivery-rules.js') },
  { path: '/orders', load: () => import('./pages/orders.js') },
  { path: '/orders/:order', load: () => import('./pages/order-detail.js') },
  { path: '/review', load: () => import('./pages/review.js') },
  { path: '/stats', load: () => import('./pages/stats.js') },
  { path: '/logs', load: () => import('./pages/logs.js') },
  { path: '/users', load: () => import('./pages/users.js') },
  { path: '/settings', load: () => import('./pages/settings.js') },
  { path: '/system', load: () => import('./pages/system.js') },
];

class Boundary extends Component {
  componentDidCatch(error) {
    // A page that crashed is a bug: logged as an error, so the browser tests fail on it.
    console.error('page error', error);
    this.setState({ error });
  }
  render({ children }, { error }) {
    if (error) return html`<div class="page"><${ErrorBox} error=${error} onRetry=${() => this.setState({ error: null })} /></div>`;
    return children;
  }
}

const loaded = new Map();

/** Start loading the module of a path (at boot, in parallel with the strings). */
function preload(path) {
  const m = match(ROUTES, path);
  if (!m || loaded.has(m.route.path)) return Promise.resolve();
  return m.route.load().then(
    (mod) => loaded.set(m.route.path, { mod }),
    () => {},
  );
}

function PageHost({ r }) {
  const m = match(ROUTES, r.path);
  const [, force] = useState(0);
  const key = m ? m.route.path : null;
  useEffect(() => {
    if (!m || loaded.has(key)) return;
    m.route.load().then(
      (mod) => {
        loaded.set(key, { mod });
        force((x) => x + 1);
      },
      (error) => {
        loaded.set(key, { error });
        force((x) => x + 1);
      },
    );
  }, [key]);
  if (!m) {
    return html`<div class="page"><div class="empty"><p class="empty-title">${t('common.not_found')}</p><a class="btn" href="#/">${t('nav.overview')}</a></div></div>`;
  }
  const entry = loaded.get(key);
  if (!entry) return html`<${Loading} />`;
  if (entry.error) {
    loaded.delete(key);
    return html`<div class="page"><${ErrorBox} error=${entry.error} onRetry=${() => force((x) => x + 1)} /></div>`;
  }
  const Page = entry.mod.default;
  return html`<${Boundary} key=${r.path}><${Page} params=${m.params} query=${r.query} ...${m.route.props || {}} /></${Boundary}>`;
}

function App() {
  const s = useStore(session);
  const r = useStore(route);
  const l = useStore(lang);
  const [pwOpen, setPwOpen] = useState(false);

  useEffect(() => {
    if (!s.token) {
      stopLive();
      return;
    }
    startLive();
    if (!s.user) loadMe();
  }, [s.token]);

  if (!s.token) {
    return html`<${Login} key=${l} />`;
  }
  const logout = async () => {
    try {
      await post('/auth/logout');
    } catch {
      /* the token may be gone already */
    }
    dropSession();
    navigate('/login');
  };
  const forced = !!(s.user && s.user.must_change_password);
  return html`<div key=${l}>
    <${Shell} onLogout=${logout} onPassword=${() => setPwOpen(true)}><${PageHost} r=${r} /></${Shell}>
    ${forced || pwOpen ? html`<${ChangePasswordDialog} forced=${forced} onClose=${() => setPwOpen(false)} />` : null}
  </div>`;
}

function loadMe() {
  return get('/auth/me').then(setUser, (e) => {
    if (e.status !== 401) console.warn('auth/me', errorText(e));
  });
}

let LoginPage = null;
function Login() {
  const [, force] = useState(0);
  useEffect(() => {
    if (!LoginPage) import('./pages/login.js').then((m) => ((LoginPage = m.default), force(1)));
  }, []);
  return LoginPage ? html`<${LoginPage} />` : html`<${Loading} />`;
}

function Root() {
  return html`<${App} /><${ToastHost} /><${ConfirmHost} />`;
}

onLive((ev) => {
  // The live socket was refused: ask the API whether the session is still valid (a 401 there
  // drops it and shows the login page).
  if (ev.type === 'auth_error' && session.get().token) get('/auth/me').then(setUser, () => {});
});

async function boot() {
  const work = [loadLang(lang.get()).catch((e) => console.warn(e))];
  if (session.get().token) {
    work.push(preload(route.get().path));
    loadMe();
    loadAccounts().catch(() => {});
  }
  await Promise.all(work);
  render(html`<${Root} />`, document.getElementById('app'));
}

boot();
