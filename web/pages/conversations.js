// Conversations of one account: the list (last message, unread, takeover badge) and the chat.
import { html, useEffect } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { usePaged, useLive, useDebounced, useTick } from '../lib/hooks.js';
import { shortTime, clock, toDate } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { PageHeader, Badge, Empty, ErrorBox } from '../components/ui.js';
import { LoadMore } from '../components/table.js';
import { AccountPicker } from '../components/account-picker.js';
import { Icon } from '../components/icons.js';
import { ChatView } from './chat.js';

export function isPaused(c) {
  const d = toDate(c && c.paused_until);
  return !!d && d.getTime() > Date.now();
}

const DIR_ICON = { buyer: null, seller_manual: 'user', auto_reply: 'zap', system: 'info' };

function ConversationRow({ c, active, account }) {
  const paused = isPaused(c);
  return html`<li>
    <a href=${`#/accounts/${account}/conversations/${c.id}`} class=${'conv' + (active ? ' active' : '')} aria-current=${active ? 'true' : undefined}
      data-test="conversation-row" data-conversation-id=${c.id} data-cid=${c.cid} data-unread=${c.unread} data-paused=${paused ? 'true' : 'false'}>
      <span class="conv-avatar" aria-hidden="true">${(c.buyer_name || c.buyer_id || '?').slice(0, 1)}</span>
      <span class="conv-main">
        <span class="conv-top">
          <span class="conv-name ellipsis">${c.buyer_name || c.buyer_id || t('chat.unknown_buyer')}</span>
          <span class="conv-time muted small">${shortTime(c.last_message?.at)}</span>
        </span>
        <span class="conv-last ellipsis">
          ${DIR_ICON[c.last_message?.direction] ? html`<${Icon} name=${DIR_ICON[c.last_message.direction]} size="12" title=${t('direction.' + c.last_message.direction)} /> ` : null}
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
  useTick(30000);

  // Live: merge the newest page into what is shown (keeps pages already loaded).
  const refreshTop = useDebounced(async () => {
    try {
      const p = await get(`/accounts/${account}/conversations`, { limit: 30 });
      list.setItems((cur) => {
        const fresh = new Map(p.items.map((c) => [c.id, c]));
        const rest = cur.filter((c) => !fresh.has(c.id));
        return [...p.items, ...rest].sort((a, b) => (toDate(b.last_message?.at) || 0) - (toDate(a.last_message?.at) || 0));
      });
    } catch {
      /* the next event retries */
    }
  }, 400);
  useLive((ev) => {
    if (ev.type === 'resync') return list.reload();
    if (ev.account !== account) return;
    if (ev.type === 'message_received' || ev.type === 'message_sent' || ev.type === 'chat_paused') refreshTop();
  });

  const conv = list.items.find((c) => c.id === convId) || null;
  useEffect(() => {
    // On wide screens open the newest chat right away.
    if (!convId && list.items.length && matchMedia('(min-width: 901px)').matches) {
      navigate(`/accounts/${account}/conversations/${list.items[0].id}`, undefined, { replace: true });
    }
  }, [convId, list.items.length ? list.items[0].id : 0]);

  const onConvChange = (c) => list.setItems((cur) => cur.map((x) => (x.id === c.id ? { ...x, ...c } : x)));

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
      <section class="chat-pane panel" aria-label=${t('chat.chat_label')}>
        ${convId
          ? html`<${ChatView} key=${convId} id=${convId} conv=${conv} account=${account} onConvChange=${onConvChange} />`
          : html`<${Empty} icon="chat" title=${t('chat.pick')} />`}
      </section>
    </div>
  </div>`;
}
