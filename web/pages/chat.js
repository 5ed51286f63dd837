// One chat: history (buyer, seller, automatic replies with the rule that fired and why,
// system), live updates, sending text and images, lifting a takeover pause.
import { html, useEffect, useRef, useState, useMemo } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { get, post, del, uploadImage } from '../lib/api.js';
import { usePaged, useAsync, useLive, useDebounced } from '../lib/hooks.js';
import { clock, dateTime, toDate } from '../lib/format.js';
import { Badge, ErrorBox, Loading, Notice } from '../components/ui.js';
import { LoadMore } from '../components/table.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { StepList } from '../components/steps.js';
import { isPaused } from './conversations.js';

/** Pair automatic-reply messages with their stored decision (same text, nearest time). */
function matchDecisions(messages, replies) {
  const out = new Map();
  const pool = [...(replies || [])];
  for (const m of messages) {
    if (m.direction !== 'auto_reply') continue;
    const at = toDate(m.at)?.getTime() || 0;
    let best = -1;
    let bestDiff = Infinity;
    pool.forEach((r, i) => {
      if (r.reply_text !== m.text) return;
      const diff = Math.abs((toDate(r.at)?.getTime() || 0) - at);
      if (diff < bestDiff) {
        best = i;
        bestDiff = diff;
      }
    });
    if (best >= 0 && bestDiff < 120000) {
      out.set(m.id, pool[best]);
      pool.splice(best, 1);
    }
  }
  return out;
}

function Message({ m, reply, buyerName }) {
  const dir = m.direction;
  const fired = reply?.decision?.fired;
  const who = dir === 'buyer' ? buyerName || t('direction.buyer') : t('direction.' + dir);
  if (dir === 'system') {
    return html`<li class="msg msg-system" data-test="chat-message" data-direction=${dir} data-message-id=${m.id}>
      <span class="msg-system-text">${m.text}</span><time class="muted small" datetime=${m.at}>${clock(m.at)}</time>
    </li>`;
  }
  return html`<li class=${'msg msg-' + dir} data-test="chat-message" data-direction=${dir} data-message-id=${m.id}
    data-rule-level=${fired?.level || undefined} data-rule-id=${fired?.rule_id ?? undefined}>
    <div class="msg-meta small">
      <span class="msg-who">${who}</span>
      <time datetime=${m.at} title=${dateTime(m.at, { seconds: true })}>${clock(m.at)}</time>
      ${reply && reply.verdict !== 'accepted' ? html`<${Badge} tone="warn">${tv('verdict', reply.verdict)}</${Badge}>` : null}
    </div>
    <div class="msg-bubble pre">${m.text}</div>
    ${dir === 'auto_reply'
      ? fired
        ? html`<details class="msg-why" data-test="auto-reply-explanation">
            <summary><${Icon} name="zap" size="12" /><span data-test="fired-rule">${t('chat.fired', { level: tv('level', fired.level), id: fired.rule_id ?? '—' })}</span>
              ${fired.keyword ? html` · <span class="chip">${fired.keyword}</span>` : null}</summary>
            <${StepList} steps=${reply.decision.steps || []} />
          </details>`
        : html`<div class="msg-why muted small">${t('chat.auto_no_decision')}</div>`
      : null}
  </li>`;
}

export function ChatView({ id, conv, account, onConvChange }) {
  const msgs = usePaged((cursor) => get(`/conversations/${id}/messages`, { limit: 40, cursor }), [id]);
  const replies = useAsync(() => get(`/conversations/${id}/auto-replies`), [id]);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const scroller = useRef(null);
  const stick = useRef(true);
  const fileRef = useRef(null);

  const ordered = useMemo(() => [...msgs.items].sort((a, b) => a.id - b.id), [msgs.items]);
  const decisions = useMemo(() => matchDecisions(ordered, replies.data), [ordered, replies.data]);

  useEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [ordered.length ? ordered[ordered.length - 1].id : 0, replies.data]);

  const refresh = useDebounced(async () => {
    try {
      const p = await get(`/conversations/${id}/messages`, { limit: 40 });
      msgs.setItems((cur) => {
        const have = new Set(cur.map((m) => m.id));
        return [...p.items.filter((m) => !have.has(m.id)), ...cur];
      });
      replies.reload();
    } catch {
      /* next event */
    }
  }, 300);
  useLive((ev) => {
    if (ev.type === 'resync') return refresh();
    if (ev.account !== account || !conv || ev.cid !== conv.cid) return;
    if (ev.type === 'message_received' || ev.type === 'message_sent') refresh();
    if (ev.type === 'chat_paused') onConvChange({ ...conv, paused_until: new Date(ev.until).toISOString() });
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
  return html`<div class="chat" data-test="chat-view" data-conversation-id=${id}>
    <header class="chat-head">
      <a class="btn btn-ghost btn-icon chat-back" href=${`#/accounts/${account}/conversations`} aria-label=${t('common.back')}><${Icon} name="back" /></a>
      <div class="grow">
        <div class="chat-title ellipsis">${title}</div>
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
      ${msgs.loading && !msgs.items.length ? html`<${Loading} />` : null}
      ${!msgs.loading && !msgs.items.length && !msgs.error ? html`<p class="muted center">${t('chat.no_messages')}</p>` : null}
      <ol class="msgs">
        ${ordered.map((m) => html`<${Message} key=${m.id} m=${m} reply=${decisions.get(m.id)} buyerName=${conv?.buyer_name} />`)}
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
