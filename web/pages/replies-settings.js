// Blacklist, quiet hours and the minimum interval between automatic replies to one buyer.
import { html, useState, useEffect } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get, post, put, del } from '../lib/api.js';
import { useAsync, useShowMore } from '../lib/hooks.js';
import { ErrorBox, Loading, Panel, Empty, IconButton } from '../components/ui.js';
import { LoadMore } from '../components/table.js';
import { useForm, TextField, CheckField } from '../components/form.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';

function Blacklist({ account, list, onChange }) {
  const form = useForm({ buyer_id: '' });
  const page = useShowMore(list, 50);
  const add = async (e) => {
    e.preventDefault();
    const id = form.values.buyer_id.trim();
    if (!/^\d+$/.test(id)) return form.setErrors({ buyer_id: t('errors.invalid_buyer_id') });
    const next = await form.run(() => post(`/accounts/${account}/blacklist`, { buyer_id: id }), { invalid_buyer_id: 'buyer_id' });
    if (!next) return;
    onChange(next);
    form.set('buyer_id', '');
    toast.ok(t('replies.blacklisted'));
  };
  const remove = async (id) => {
    try {
      onChange(await del(`/accounts/${account}/blacklist/${encodeURIComponent(id)}`));
      toast.ok(t('replies.unblacklisted'));
    } catch (e) {
      toast.error(e);
    }
  };
  return html`<${Panel} title=${t('replies.blacklist')} data-test="blacklist">
    <p class="muted small">${t('replies.blacklist_hint')}</p>
    <form class="toolbar" onSubmit=${add} novalidate data-test="blacklist-form">
      <${TextField} form=${form} name="buyer_id" label=${t('replies.buyer_id')} inputmode="numeric" test="blacklist-buyer" />
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="blacklist-add"><${Icon} name="plus" />${t('common.add')}</button>
    </form>
    ${list.length
      ? html`<ul class="blacklist">
          ${page.shown.map((id) => html`<li key=${id} data-test="blacklist-row" data-buyer-id=${id}><span class="mono">${id}</span>
            <${IconButton} icon="x" label=${t('replies.unblacklist', { id })} onClick=${() => remove(id)} data-test="blacklist-remove" /></li>`)}
        </ul>
        <${LoadMore} hasMore=${page.hasMore} onClick=${page.more} count=${list.length > 50 ? page.shown.length : 0} />`
      : html`<${Empty} icon="shield" title=${t('replies.blacklist_empty')} />`}
  </${Panel}>`;
}

function Timing({ account, settings, onSaved }) {
  const form = useForm({
    quiet: !!settings.quiet_hours,
    start: settings.quiet_hours?.start || '22:00',
    end: settings.quiet_hours?.end || '08:00',
    interval: settings.min_interval_secs == null ? '' : String(settings.min_interval_secs),
  });
  const submit = async (e) => {
    e.preventDefault();
    const v = form.values;
    const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
    if (v.quiet && !hhmm.test(v.start)) return form.setErrors({ start: t('errors.invalid_quiet_hours') });
    if (v.quiet && !hhmm.test(v.end)) return form.setErrors({ end: t('errors.invalid_quiet_hours') });
    const n = v.interval.trim() === '' ? null : Number(v.interval);
    if (n != null && (!Number.isInteger(n) || n < 0)) return form.setErrors({ interval: t('replies.interval_invalid') });
    const saved = await form.run(async () => {
      // PUT replaces the whole settings: send the blacklist as stored right now.
      const fresh = await get(`/accounts/${account}/reply-settings`);
      return put(`/accounts/${account}/reply-settings`, {
        blacklist: fresh.blacklist || [],
        quiet_hours: v.quiet ? { start: v.start, end: v.end } : null,
        min_interval_secs: n,
      });
    }, { invalid_quiet_hours: 'start' });
    if (!saved) return;
    onSaved(saved);
    toast.ok(t('common.saved'));
  };
  return html`<${Panel} title=${t('replies.timing')}>
    <form onSubmit=${submit} novalidate data-test="reply-settings-form">
      <${CheckField} form=${form} name="quiet" label=${t('replies.quiet_on')} hint=${t('replies.quiet_hint')} test="quiet-hours-enabled" />
      ${form.values.quiet
        ? html`<div class="form-grid">
            <${TextField} form=${form} name="start" type="time" label=${t('replies.quiet_start')} test="quiet-hours-start" />
            <${TextField} form=${form} name="end" type="time" label=${t('replies.quiet_end')} test="quiet-hours-end" />
          </div>`
        : null}
      <${TextField} form=${form} name="interval" type="number" min="0" step="1" label=${t('replies.interval')} hint=${t('replies.interval_hint')} test="min-interval"
        inputmode="numeric" />
      <button type="submit" class="btn btn-primary" disabled=${form.busy} data-test="reply-settings-submit">${t('common.save')}</button>
    </form>
  </${Panel}>`;
}

export function ReplySettings({ account }) {
  const s = useAsync(() => get(`/accounts/${account}/reply-settings`), [account]);
  const [rev, setRev] = useState(0);
  useEffect(() => setRev((x) => x + 1), [s.data === undefined]);
  if (s.error && !s.data) return html`<${ErrorBox} error=${s.error} onRetry=${s.reload} />`;
  if (!s.data) return html`<${Loading} />`;
  return html`<div class="settings-grid">
    <${Timing} key=${rev} account=${account} settings=${s.data} onSaved=${(d) => s.setData(d)} />
    <${Blacklist} account=${account} list=${s.data.blacklist || []} onChange=${(bl) => s.setData((d) => ({ ...d, blacklist: bl }))} />
  </div>`;
}
