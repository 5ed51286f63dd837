// Conversations of one account: the list (last message, unread, takeover badge) and the chat.
// A chat opened directly (not in the loaded page of the list) is fetched by id; live events
// (account + cid) refresh just the conversations they name (by-cid).
import { html, useEffect, useRef } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { usePaged, useAsync, useLive, useDebounced, useTick } from '../lib/hooks.js';
import { shortTime, clock, toDate } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { PageHeader, Badge, Empty, ErrorBox, Loading } from '../components/ui.js';
import { LoadMore } from '../components/table.js';
import { AccountPicker } from '../components/account-picker.js';
import { Icon } from '../components/icons.js';
import { ChatView, DIRECTIONS, isPaused } from './chat.js';

const byLast = (a, b) => (toDate(b.last_message?.at) || 0) - (toDate(a.last_message?.at) || 0);

function ConversationRow({ c, active, account }) {
  const paused = isPaused(c);
  const dir = c.last_message?.direction;
  const icon = dir && dir !== 'buyer' ? DIRECTIONS[dir]?.icon : null;
  return html`<li>
    <a href=${`#/accounts/${account}/conversations/${c.id}`} class=${'conv' + (active ? ' active' : '')} aria-current=${active ? 'true' : undefined}
      data-test="conversation-row" data-conversation-id=${c.id} data-cid=${c.cid} data-unread=${c.unread} data-paused=${paused ? 'true' : 'false'}>
      <span class="conv-avatar" aria-hidden="true">${(c.buyer_name || c.buyer_id || '?').slice(0, 1)}</span>
      <span class="conv-main">
        <span class="conv-top">
          <span class="conv-name ellipsis">${c.buyer_name || c.buyer_id || t('chat.unknown_buyer')}</span>
          <span class="conv-time muted small">${shortTime(c.last_message?.at)}</span>
        </span>
        <span class=${'conv-last ellipsis' + (dir ? ' last-' + dir : '')} data-direction=${dir}>
          ${icon ? html`<${Icon} name=${icon} size="12" class="msg-icon" title=${t('direction.' + dir)} /> ` : null}
          ${c.last_message?.text || ''}
        </span>
        <span class="conv-badges">
          ${c.item_id ? html`<span class="muted small mono">${t('chat.item_short', { id: c.item_id })}</span>` : null}
          ${paused ? html`<${Badge} tone="warn" data-test="takeover-badge" title=${t('chat.paused_until', { time: clock(c.paused_until) })}><${Icon} name="pause" size="11" />${t('chat.takeover')}</${Badge}>` : null}
          ${c.unread > 0 ? html`<span class="unread" data-test="unread-badge" aria-label=${t('chat.unread_n', { n: c.unread })}>${c.unread > 99 ? '99+' : c.unread}</span>` : null}
        </span>
      </span>
    </a>
  </li>`;
}

export default function ConversationsPage({ params }) {
  const account = Number(params.account);
  const convId = params.conv ? Number(params.conv) : null;
  const list = usePaged((cursor) => get(`/accounts/${account}/conversations`, { limit: 30, cursor }), [account]);
  // The open conversation itself: fresh pause state, and known even when not in the loaded list.
  const direct = useAsync(() => (convId ? get(`/conversations/${convId}`) : Promise.resolve(null)), [convId]);
  useTick(30000);

  // When the open chat was last changed here (pause lifted): answers requested before are stale.
  const changedAt = useRef(new Map());
  /** Put conversations fetched since `started` into the list (new ones on top) and the open chat. */
  const upsert = (all, started) => {
    const fresh = all.filter((c) => (changedAt.current.get(c.id) || 0) < started);
    if (!fresh.length) return;
    const byId = new Map(fresh.map((c) => [c.id, c]));
    list.setItems((cur) => {
      const rest = cur.filter((c) => !byId.has(c.id));
      return [...fresh.filter((c) => c.account_id === account), ...rest].sort(byLast);
    });
    direct.setData((d) => (d && byId.has(d.id) ? byId.get(d.id) : d));
  };

  // Live: fetch just the conversations the events name; many at once → the newest page.
  const pending = useRef(new Set());
  const refreshTop = async () => {
    const started = Date.now();
    try {
      upsert((await get(`/accounts/${account}/conversations`, { limit: 30 })).items, started);
    } catch {
      /* the next event retries */
    }
  };
  const retried = useRef(new Set());
  const refreshNamed = useDebounced(async () => {
    const cids = [...pending.current];
    pending.current.clear();
    if (cids.length > 5) return refreshTop();
    const started = Date.now();
    const got = await Promise.allSettled(cids.map((cid) => get(`/accounts/${account}/conversations/by-cid/${encodeURIComponent(cid)}`)));
    upsert(
      got.filter((r) => r.status === 'fulfilled').map((r) => r.value),
      started,
    );
    // A brand-new chat may not be stored yet when its first event arrives: ask once more.
    got.forEach((r, i) => {
      if (r.status === 'rejected' && r.reason?.code === 'conversation_not_found' && !retried.current.has(cids[i])) {
        retried.current.add(cids[i]);
        pending.current.add(cids[i]);
        setTimeout(refreshNamed, 1000);
      }
    });
  }, 300);
  useLive((ev) => {
    if (ev.type === 'resync') {
      list.reload();
      direct.reload();
      return;
    }
    if (ev.account !== account || !ev.cid) return;
    if (ev.type === 'chat_paused' || ev.type === 'chat_resumed') {
      const until = ev.type === 'chat_paused' ? new Date(ev.until).toISOString() : null;
      const pause = (c) => (c && c.cid === ev.cid ? { ...c, paused_until: until } : c);
      list.setItems((cur) => cur.map(pause));
      direct.setData(pause);
    }
    if (ev.type === 'message_received' || ev.type === 'message_sent' || ev.type === 'chat_paused') {
      pending.current.add(ev.cid);
      refreshNamed();
    }
  });

  const listed = list.items.find((c) => c.id === convId) || null;
  const conv = listed || direct.data || null;
  useEffect(() => {
    // A chat of another account (an old link): show it under its own account.
    const d = direct.data;
    if (d && d.id === convId && d.account_id !== account) navigate(`/accounts/${d.account_id}/conversations/${d.id}`, undefined, { replace: true });
  }, [direct.data]);
  useEffect(() => {
    // On wide screens open the newest chat right away.
    if (!convId && list.items.length && matchMedia('(min-width: 901px)').matches) {
      navigate(`/accounts/${account}/conversations/${list.items[0].id}`, undefined, { replace: true });
    }
  }, [convId, list.items.length ? list.items[0].id : 0]);

  const onConvChange = (c) => {
    changedAt.current.set(c.id, Date.now());
    list.setItems((cur) => cur.map((x) => (x.id === c.id ? { ...x, ...c } : x)));
    direct.setData((d) => (d && d.id === c.id ? { ...d, ...c } : d));
  };

  const back = `#/accounts/${account}/conversations`;
  let pane;
  if (!convId) pane = html`<${Empty} icon="chat" title=${t('chat.pick')} />`;
  else if (!conv && direct.error)
    pane = html`<div class="chat-missing"><a class="btn btn-ghost btn-icon chat-back" href=${back} aria-label=${t('common.back')}><${Icon} name="back" /></a>
      <${ErrorBox} error=${direct.error} onRetry=${direct.reload} /></div>`;
  else if (!conv || conv.account_id !== account) pane = html`<${Loading} />`;
  else pane = html`<${ChatView} key=${convId} id=${convId} conv=${conv} backHref=${back} onConvChange=${onConvChange} />`;

  return html`<div class="page page-chat" data-test="page-conversations">
    <${PageHeader} title=${t('chat.title')} actions=${html`<${AccountPicker} id=${account} section="conversations" />`} />
    <div class=${'chat-layout' + (convId ? ' has-chat' : '')}>
      <section class="conv-list panel" aria-label=${t('chat.list_label')}>
        ${list.error && !list.items.length ? html`<${ErrorBox} error=${list.error} onRetry=${list.reload} />` : null}
        ${!list.loading && !list.items.length && !list.error ? html`<${Empty} icon="chat" title=${t('chat.none')}><p class="small">${t('chat.none_hint')}</p></${Empty}>` : null}
        <ul class="conv-ul" data-test="conversation-list">
          ${list.items.map((c) => html`<${ConversationRow} key=${c.id} c=${c} active=${c.id === convId} account=${account} />`)}
        </ul>
        <${LoadMore} hasMore=${list.hasMore} loading=${list.loading} onClick=${list.loadMore} error=${list.error && list.items.length ? list.error : null} />
      </section>
      <section class="chat-pane panel" aria-label=${t('chat.chat_label')}>${pane}</section>
    </div>
  </div>`;
}
