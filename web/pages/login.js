// Login, and self-registration while an admin has it open (GET /auth/registration). Rate-limited
// logins show the wait.
import { html, useState, useEffect } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, post, setToken, errorText } from '../lib/api.js';
import { route, navigate } from '../lib/router.js';
import { useTick } from '../lib/hooks.js';
import { duration } from '../lib/format.js';
import { useForm, TextField } from '../components/form.js';
import { LangSwitch, ThemeSwitch } from '../components/layout.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';

export default function LoginPage() {
  const [mode, setMode] = useState('login');
  const form = useForm({ username: '', password: '', confirm: '' });
  const [error, setError] = useState(null);
  const [until, setUntil] = useState(0);
  // Whether registration is open: null until known (the link stays hidden), false on failure.
  const [open, setOpen] = useState(null);
  useEffect(() => {
    get('/auth/registration', undefined, { auth: false }).then(
      (r) => setOpen(!!(r && r.open)),
      () => setOpen(false),
    );
  }, []);
  useTick(1000, until > Date.now());
  const wait = Math.max(0, Math.ceil((until - Date.now()) / 1000));
  useEffect(() => {
    if (until && wait === 0) setError(null);
  }, [wait]);

  const submit = async (e) => {
    e.preventDefault();
    if (form.busy || wait > 0) return;
    const { username, password, confirm } = form.values;
    if (!username.trim()) return form.setErrors({ username: t('login.need_username') });
    if (!password) return form.setErrors({ password: t('login.need_password') });
    setError(null);
    if (mode === 'register') {
      if (password !== confirm) return form.setErrors({ confirm: t('password.mismatch') });
      let closed = false;
      const register = () =>
        post('/auth/register', { username: username.trim(), password }, { auth: false }).then(
          () => true,
          (err) => {
            closed = err.code === 'registration_closed';
            throw err;
          },
        );
      const ok = await form.run(register, {
        invalid_username: 'username',
        username_taken: 'username',
        weak_password: 'password',
      });
      if (!ok) {
        // Closed since the page loaded: the toast says so; back to logging in.
        if (closed) {
          setOpen(false);
          setMode('login');
        }
        return;
      }
      toast.ok(t('login.registered'));
      setMode('login');
    }
    form.setErrors({});
    try {
      const res = await post('/auth/login', { username: username.trim(), password }, { auth: false });
      setToken(res.token, res.user);
      if (route.get().path === '/login') navigate('/', undefined, { replace: true });
    } catch (err) {
      if (err.code === 'rate_limited' && err.retryAfter) setUntil(Date.now() + err.retryAfter * 1000);
      setError(err);
    }
  };

  const msg = error
    ? error.code === 'rate_limited'
      ? wait > 0
        ? t('login.rate_limited', { time: duration(wait) })
        : t('login.rate_limited_over')
      : errorText(error)
    : null;

  return html`<div class="login-screen">
    <div class="login-tools"><${LangSwitch} /><${ThemeSwitch} /></div>
    <main class="login-card">
      <div class="login-brand">
        <img src=${new URL('../favicon.svg', import.meta.url).href} alt="" width="40" height="40" />
        <div><h1>${t('app.name')}</h1><p class="muted">${t('login.tagline')}</p></div>
      </div>
      <form class="login-form" onSubmit=${submit} data-test=${mode === 'login' ? 'login-form' : 'register-form'} novalidate>
        <h2 class="login-title">${mode === 'login' ? t('login.title') : t('login.register_title')}</h2>
        ${msg ? html`<div class="alert alert-danger" role="alert" data-test="login-error" data-code=${error.code}><${Icon} name="alert" /><span>${msg}</span></div>` : null}
        <${TextField} form=${form} name="username" label=${t('login.username')} autocomplete="username" required test="login-username" autofocus
          hint=${mode === 'register' ? t('users.username_rules') : undefined} />
        <${TextField} form=${form} name="password" type="password" label=${t('login.password')} required test="login-password"
          autocomplete=${mode === 'login' ? 'current-password' : 'new-password'} hint=${mode === 'register' ? t('password.rules') : undefined} />
        ${mode === 'register'
          ? html`<${TextField} form=${form} name="confirm" type="password" label=${t('password.confirm')} required autocomplete="new-password" test="register-confirm" />`
          : null}
        <button type="submit" class="btn btn-primary btn-block" disabled=${form.busy || wait > 0} data-test="login-submit">
          ${mode === 'login' ? t('login.submit') : t('login.register_submit')}
        </button>
      </form>
      ${mode === 'register'
        ? html`<p class="login-switch"><button type="button" class="btn-link" onClick=${() => (setMode('login'), setError(null))}>${t('login.have_account')}</button></p>`
        : open
          ? html`<p class="login-switch"><button type="button" class="btn-link" onClick=${() => (setMode('register'), setError(null))} data-test="show-register">${t('login.want_register')}</button></p>`
          : null}
      <p class="login-foot muted">${t('login.first_login_hint')}</p>
    </main>
  </div>`;
}
