// Formatting: money is integer fen, times are shown in Asia/Shanghai.
import { lang, t } from './i18n.js';

export const TZ = 'Asia/Shanghai';
const cache = new Map();
function fmt(opts) {
  const k = lang.get() + JSON.stringify(opts);
  if (!cache.has(k)) cache.set(k, new Intl.DateTimeFormat(lang.get() === 'en' ? 'en-GB' : 'zh-CN', { timeZone: TZ, hourCycle: 'h23', ...opts }));
  return cache.get(k);
}

function parts(d) {
  const o = {};
  for (const p of fmt({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(d)) o[p.type] = p.value;
  return o;
}

export function toDate(v) {
  if (v == null || v === '') return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(v);
  return isNaN(d) ? null : d;
}

/** ¥12.34 from 1234 fen; '—' when unknown. */
export function yuan(fen) {
  if (fen == null || isNaN(fen)) return '—';
  const neg = fen < 0;
  const abs = Math.abs(Math.round(fen));
  const s = `${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
  return `${neg ? '-' : ''}¥${s}`;
}

/** 2026-12-02 23:31:05 (Asia/Shanghai). */
export function dateTime(v, { seconds = false } = {}) {
  const d = toDate(v);
  if (!d) return '—';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? ':' + p.second : ''}`;
}

/** The Asia/Shanghai day of a date, YYYY-MM-DD. */
export function shanghaiDay(v = new Date()) {
  const d = toDate(v);
  if (!d) return '';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** HH:MM today, MM-DD HH:MM this year, else the full date. */
export function shortTime(v) {
  const d = toDate(v);
  if (!d) return '';
  const p = parts(d);
  const now = parts(new Date());
  if (p.year === now.year && p.month === now.month && p.day === now.day) return `${p.hour}:${p.minute}`;
  if (p.year === now.year) return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
  return `${p.year}-${p.month}-${p.day}`;
}

export function clock(v) {
  const d = toDate(v);
  if (!d) return '';
  const p = parts(d);
  return `${p.hour}:${p.minute}`;
}

/** Seconds from now until v (negative when past). */
export function secondsUntil(v) {
  const d = toDate(v);
  return d ? Math.round((d.getTime() - Date.now()) / 1000) : 0;
}

/** A wait in words: "45 秒", "14 分 28 秒", "2 小时 5 分" (en: 45 s, 14 min 28 s, 2 h 5 min). */
export function duration(secs) {
  const s = Math.max(0, Math.round(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h) return t('time.h_min', { h, m });
  if (m) return t('time.min_s', { m, s: r });
  return t('time.s', { s: r });
}

export function relative(v) {
  const d = toDate(v);
  if (!d) return '';
  const secs = Math.round((d.getTime() - Date.now()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang.get(), { numeric: 'auto' });
  const abs = Math.abs(secs);
  if (abs < 60) return rtf.format(secs, 'second');
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour');
  return rtf.format(Math.round(secs / 86400), 'day');
}

export function num(n) {
  if (n == null || isNaN(n)) return '—';
  return Number(n).toLocaleString(lang.get());
}

/** A byte count for people: 1.5 MB. */
export function fileSize(n) {
  if (n == null) return '—';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${u[i]}`;
}
