// Which stored reply decision (GET /conversations/{id}/auto-replies) belongs to which message of
// a chat. Messages are in chronological order (row id ascending); decisions in any order.
import { toDate } from '../lib/format.js';

/** Text matching (the last resort) only pairs a decision with a message sent this close to it. */
const TEXT_WINDOW_MS = 120000;

/**
 * Link automatic-reply messages to their decisions:
 * 1. `reply_message_id` == the message's `message_id` (Goofish's id of the sent message);
 * 2. a decision without it (Goofish did not confirm in time) goes to the first unlinked automatic
 *    reply after the buyer message it answered (`message_id`), preferring one with its text;
 * 3. only a decision with neither id known is matched by text, nearest in time, within 2 minutes.
 *
 * Returns {byMessage: Map<row id, {reply, via}>, unsent: Map<buyer row id, reply[]>}: `via` is
 * 'id', 'answered' or 'text'; `unsent` holds the decisions whose reply was not delivered
 * (rejected, or unconfirmed with no message) under the buyer message they answered.
 */
export function linkDecisions(messages, replies) {
  const byMessage = new Map();
  const linked = new Set();
  const byGid = new Map();
  const index = new Map();
  messages.forEach((m, i) => {
    index.set(m.id, i);
    if (m.message_id) byGid.set(m.message_id, m);
  });
  const link = (m, r, via) => {
    byMessage.set(m.id, { reply: r, via });
    linked.add(r.id);
  };
  // Messages another loaded decision names as its own: no fallback may take them.
  const claimed = new Set(replies.map((r) => r.reply_message_id).filter(Boolean));
  const free = (m) => m.direction === 'auto_reply' && !byMessage.has(m.id) && !(m.message_id && claimed.has(m.message_id));

  // 1. Goofish's id of the sent message.
  for (const r of replies) {
    const m = r.reply_message_id ? byGid.get(r.reply_message_id) : null;
    if (m && m.direction === 'auto_reply' && !byMessage.has(m.id)) link(m, r, 'id');
  }

  // 2. The buyer message it answered, oldest first.
  const answered = replies
    .filter((r) => !linked.has(r.id) && !r.reply_message_id && r.verdict !== 'rejected' && r.message_id && byGid.has(r.message_id))
    .map((r) => ({ r, at: index.get(byGid.get(r.message_id).id) }))
    .sort((a, b) => a.at - b.at || a.r.id - b.r.id);
  answered.forEach(({ r, at }, k) => {
    // Not past the buyer message of the next decision waiting for its reply.
    const stop = k + 1 < answered.length ? answered[k + 1].at : messages.length;
    let first = null;
    let same = null;
    for (let i = at + 1; i < messages.length && !same; i++) {
      const m = messages[i];
      if (!free(m)) continue;
      if (m.text === r.reply_text) same = m;
      else if (!first && i < stop) first = m;
    }
    const m = same || first;
    if (m) link(m, r, 'answered');
  });

  // 3. Neither id known: the same text, nearest in time.
  for (const r of replies) {
    if (linked.has(r.id) || r.reply_message_id || (r.message_id && byGid.has(r.message_id))) continue;
    const at = toDate(r.at)?.getTime();
    if (at == null) continue;
    let best = null;
    let bestDiff = TEXT_WINDOW_MS;
    for (const m of messages) {
      if (!free(m) || m.text !== r.reply_text) continue;
      const diff = Math.abs((toDate(m.at)?.getTime() ?? Infinity) - at);
      if (diff <= bestDiff) {
        best = m;
        bestDiff = diff;
      }
    }
    if (best) link(best, r, 'text');
  }

  // Not delivered: shown under the buyer message they answered.
  const unsent = new Map();
  for (const r of replies) {
    if (linked.has(r.id) || r.verdict === 'accepted' || !r.message_id) continue;
    const b = byGid.get(r.message_id);
    if (!b) continue;
    if (!unsent.has(b.id)) unsent.set(b.id, []);
    unsent.get(b.id).push(r);
  }
  return { byMessage, unsent };
}

/**
 * Whether older decisions should be fetched: some automatic reply still has none, or the oldest
 * decision loaded is newer than the oldest message shown (its buyer message may be on screen).
 */
export function needsOlderDecisions(messages, replies, byMessage) {
  if (!messages.length) return false;
  if (messages.some((m) => m.direction === 'auto_reply' && !byMessage.has(m.id))) return true;
  if (!replies.length) return true;
  const oldestReply = Math.min(...replies.map((r) => toDate(r.at)?.getTime() ?? Infinity));
  const oldestMessage = toDate(messages[0].at)?.getTime() ?? 0;
  return oldestReply > oldestMessage;
}
