// One chat: history (buyer; seller from the phone = takeover; seller from this dashboard;
// automatic replies with the rule that fired and why; deliveries; system), live updates,
// sending text and images, lifting a takeover pause.
import { html, useEffect, useRef, useState, useMemo } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get, post, del, uploadImage } from '../lib/api.js';
import { usePaged, useLive, useDebounced } from '../lib/hooks.js';
import { clock, dateTime, toDate } from '../lib/format.js';
import { Badge, ErrorBox, Loading, Notice } from '../components/ui.js';
import { LoadMore } from '../components/table.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { StepList } from '../components/steps.js';
import { linkDecisions, needsOlderDecisions } from './chat-links.js';

/** How each direction is shown: its icon and which side of the chat it sits on. */
export const DIRECTIONS = {
  buyer: { icon: 'user', side: 'in' },
  seller_manual: { icon: 'phone', side: 'out' },
  dashboard: { icon: 'monitor', side: 'out' },
  auto_reply: { icon: 'zap', side: 'out' },
  delivery: { icon: 'truck', side: 'out' },
  system: { icon: 'info', side: 'center' },
};

export function isPaused(c) {
  const d = toDate(c && c.paused_until);
  return !!d && d.getTime() > Date.now();
}

function Why({ reply }) {
  const fired = reply.decision?.fired;
  if (!fired) return html`<div class="msg-why muted small">${t('chat.no_rule')}</div>`;
  return html`<details class="msg-why" data-test="auto-reply-explanation">
    <summary><${Icon} name="zap" size="12" /><span data-test="fired-rule">${t('chat.fired', { level: tv('level', fired.level), id: fired.rule_id ?? '—' })}</span>
      ${fired.keyword ? html` · <span class="chip">${fired.keyword}</span>` : null}</summary>
    <${StepList} steps=${reply.decision.steps || []} />
  </details>`;
}

function Message({ m, link, buyerName, decisionsDone }) {
  const dir = m.direction;
  const kind = DIRECTIONS[dir] || { icon: 'info', side: 'out' };
  const reply = link?.reply;
  const fired = reply?.decision?.fired;
  if (kind.side === 'center') {
    return html`<li class="msg msg-system" data-test="chat-message" data-direction=${dir} data-message-id=${m.id}>
      <span class="msg-system-text"><${Icon} name="info" size="12" /> ${m.text}</span><time class="muted small" datetime=${m.at}>${clock(m.at)}</time>
    </li>`;
  }
  const who = dir === 'buyer' ? buyerName || t('direction.buyer') : tv('direction', dir);
  return html`<li class=${`msg msg-${kind.side} msg-${dir}`} data-test="chat-message" data-direction=${dir} data-message-id=${m.id}
    data-rule-level=${fired?.level || undefined} data-rule-id=${fired?.rule_id ?? undefined} data-decision-id=${reply?.id ?? undefined}
    data-link=${link?.via || undefined}>
    <div class="msg-meta small">
      <span class="msg-who"><${Icon} name=${kind.icon} size="12" class="msg-icon" />${who}</span>
      ${dir === 'seller_manual' ? html`<${Badge} tone="warn" title=${t('chat.takeover_hint')}>${t('chat.takeover')}</${Badge}>` : null}
      <time datetime=${m.at} title=${dateTime(m.at, { seconds: true })}>${clock(m.at)}</time>
      ${reply && reply.verdict !== 'accepted' ? html`<${Badge} tone="warn">${tv('verdict', reply.verdict)}</${Badge}>` : null}
    </div>
    <div class="msg-bubble pre">${m.text}</div>
    ${dir === 'auto_reply'
      ? reply
        ? html`<${Why} reply=${reply} />`
        : decisionsDone
          ? html`<div class="msg-why muted small">${t('chat.auto_no_decision')}</div>`
          : null
      : null}
  </li>`;
}

/** An automatic reply that was decided but not delivered (Goofish refused it, or never confirmed). */
function Unsent({ r }) {
  return html`<li class="msg msg-out msg-auto_reply msg-unsent" data-test="auto-reply-unsent" data-decision-id=${r.id} data-verdict=${r.verdict}
    data-rule-level=${r.decision?.fired?.level || undefined} data-rule-id=${r.decision?.fired?.rule_id ?? undefined}>
    <div class="msg-meta small">
      <span class="msg-who"><${Icon} name="zap" size="12" class="msg-icon" />${tv('direction', 'auto_reply')}</span>
      <time datetime=${r.at} title=${dateTime(r.at, { seconds: true })}>${clock(r.at)}</time>
      <${Badge} tone=${r.verdict === 'rejected' ? 'danger' : 'warn'}>${t('chat.unsent_' + (r.verdict === 'rejected' ? 'rejected' : 'unconfirmed'))}</${Badge}>
    </div>
    <div class="msg-bubble pre">${r.reply_text}</div>
    <${Why} reply=${r} />
  </li>`;
}

export function ChatView({ id, conv, backHref, onConvChange }) {
  const msgs = usePaged((cursor) => get(`/conversations/${id}/messages`, { limit: 40, cursor }), [id]);
  const replies = usePaged((cursor) => get(`/conversations/${id}/auto-replies`, { limit: 100, cursor }), [id]);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const scroller = useRef(null);
  const stick = useRef(true);
  const fileRef = useRef(null);

  const ordered = useMemo(() => [...msgs.items].sort((a, b) => a.id - b.id), [msgs.items]);
  const links = useMemo(() => linkDecisions(ordered, replies.items), [ordered, replies.items]);

  // Decisions come newest first, a page at a time: fetch older ones while shown messages lack theirs.
  useEffect(() => {
    if (replies.hasMore && !replies.loading && !replies.error && needsOlderDecisions(ordered, replies.items, links.byMessage)) replies.loadMore();
  }, [links, replies.hasMore, replies.loading]);

  useEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [ordered.length ? ordered[ordered.length - 1].id : 0, replies.items.length]);

  // Live: merge the newest page of messages and of decisions into what is shown.
  const merge = (cur, fresh) => {
    const byId = new Map(fresh.map((x) => [x.id, x]));
    const have = new Set(cur.map((x) => x.id));
    return [...fresh.filter((x) => !have.has(x.id)), ...cur.map((x) => byId.get(x.id) || x)];
  };
  const refreshReplies = async () => {
    try {
      const r = await get(`/conversations/${id}/auto-replies`, { limit: 100 });
      replies.setItems((cur) => merge(cur, r.items));
    } catch {
      /* the next event retries */
    }
  };
  const refresh = useDebounced(async () => {
    try {
      const p = await get(`/conversations/${id}/messages`, { limit: 40 });
      msgs.setItems((cur) => merge(cur, p.items));
    } catch {
      /* the next event retries */
    }
    refreshReplies();
  }, 300);
  useLive((ev) => {
    if (ev.type === 'resync') {
      msgs.reload();
      replies.reload();
      return;
    }
    if (!conv || ev.account !== conv.account_id || ev.cid !== conv.cid) return;
    if (ev.type === 'message_received' || ev.type === 'message_sent') refresh();
    // the rule and explanation of an automatic reply are stored just after it was sent
    if (ev.type === 'reply_recorded') refreshReplies();
  });

  const onScroll = (e) => {
    const el = e.currentTarget;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  const send = async (body) => {
    setSending(true);
    try {
      const r = await post(`/conversations/${id}/messages`, body);
      if (r && r.verdict === 'unconfirmed') toast.warn(t('chat.unconfirmed'));
      stick.current = true;
      refresh();
      return true;
    } catch (e) {
      toast.error(e);
      return false;
    } finally {
      setSending(false);
    }
  };
  const sendText = async (e) => {
    if (e) e.preventDefault();
    const v = text.trim();
    if (!v || sending) return;
    if (await send({ text: v })) setText('');
  };
  const onKey = (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) sendText(e);
  };
  const sendImage = async (e) => {
    const file = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (!file) return;
    setSending(true);
    try {
      const up = await uploadImage(file);
      await send({ upload_id: up.id });
    } catch (err) {
      toast.error(err);
      setSending(false);
    }
  };
  const lift = async () => {
    try {
      await del(`/conversations/${id}/pause`);
      onConvChange({ ...conv, paused_until: null });
      toast.ok(t('chat.resumed'));
    } catch (e) {
      toast.error(e);
    }
  };

  const paused = isPaused(conv);
  const title = conv ? conv.buyer_name || conv.buyer_id || t('chat.unknown_buyer') : t('chat.conversation_n', { id });
  const decisionsDone = !replies.hasMore && !replies.loading;
  return html`<div class="chat" data-test="chat-view" data-conversation-id=${id} data-cid=${conv?.cid} data-paused=${paused ? 'true' : 'false'}>
    <header class="chat-head">
      <a class="btn btn-ghost btn-icon chat-back" href=${backHref} aria-label=${t('common.back')}><${Icon} name="back" /></a>
      <div class="grow">
        <div class="chat-title ellipsis" data-test="chat-title">${title}</div>
        <div class="muted small ellipsis">${conv?.buyer_id ? t('chat.buyer_id', { id: conv.buyer_id }) : ''}${conv?.item_id ? ' · ' + t('chat.item_short', { id: conv.item_id }) : ''}</div>
      </div>
    </header>
    ${paused
      ? html`<${Notice} tone="warn" icon="pause" data-test="takeover-banner">
          <div class="row"><span class="grow">${t('chat.paused_banner', { time: clock(conv.paused_until) })}</span>
            <button type="button" class="btn btn-sm" onClick=${lift} data-test="lift-pause">${t('chat.resume')}</button></div>
        </${Notice}>`
      : null}
    <div class="chat-scroll" ref=${scroller} onScroll=${onScroll} data-test="chat-messages" aria-live="polite">
      ${msgs.hasMore ? html`<${LoadMore} hasMore=${true} loading=${msgs.loading} onClick=${() => ((stick.current = false), msgs.loadMore())} />` : null}
      ${msgs.error ? html`<${ErrorBox} error=${msgs.error} onRetry=${msgs.reload} />` : null}
      ${replies.error ? html`<${ErrorBox} error=${replies.error} onRetry=${replies.reload} />` : null}
      ${msgs.loading && !msgs.items.length ? html`<${Loading} />` : null}
      ${!msgs.loading && !msgs.items.length && !msgs.error ? html`<p class="muted center">${t('chat.no_messages')}</p>` : null}
      <ol class="msgs">
        ${ordered.map(
          (m) => html`<${Message} key=${m.id} m=${m} link=${links.byMessage.get(m.id)} buyerName=${conv?.buyer_name} decisionsDone=${decisionsDone} />
            ${(links.unsent.get(m.id) || []).map((r) => html`<${Unsent} key=${'u' + r.id} r=${r} />`)}`,
        )}
      </ol>
    </div>
    <form class="chat-compose" onSubmit=${sendText} data-test="chat-form">
      <input type="file" accept="image/jpeg,image/png,image/gif,image/webp" class="sr-only" ref=${fileRef} onChange=${sendImage} tabindex="-1"
        aria-hidden="true" data-test="chat-image-input" />
      <button type="button" class="btn btn-icon" onClick=${() => fileRef.current && fileRef.current.click()} disabled=${sending}
        aria-label=${t('chat.send_image')} title=${t('chat.send_image')} data-test="chat-image-button"><${Icon} name="image" /></button>
      <label class="sr-only" for=${'chat-input-' + id}>${t('chat.message')}</label>
      <textarea id=${'chat-input-' + id} class="input textarea chat-input" rows="1" value=${text} placeholder=${t('chat.placeholder')}
        onInput=${(e) => setText(e.currentTarget.value)} onKeyDown=${onKey} maxlength="5000" data-test="chat-input"></textarea>
      <button type="submit" class="btn btn-primary" disabled=${sending || !text.trim()} data-test="chat-send"><${Icon} name="send" /><span class="hide-sm">${t('chat.send')}</span></button>
    </form>
  </div>`;
}
