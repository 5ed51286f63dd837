// Strings live in ../i18n/<lang>.json as nested objects; t('a.b', {n: 1}) looks up a.b and
// fills {n}. Simplified Chinese by default; the choice is remembered in localStorage.
import { createStore, storage } from './store.js';

export const LANGS = ['zh-CN', 'en'];
const KEY = 'xy.lang';
let dict = {};
export const lang = createStore(LANGS.includes(storage.get(KEY)) ? storage.get(KEY) : 'zh-CN');

export async function loadLang(next) {
  const l = LANGS.includes(next) ? next : 'zh-CN';
  const res = await fetch(new URL(`../i18n/${l}.json`, import.meta.url));
  if (!res.ok) throw new Error(`i18n ${l}: ${res.status}`);
  dict = await res.json();
  document.documentElement.lang = l;
  storage.set(KEY, l);
  lang.set(l);
  document.title = t('app.title');
}

function lookup(key) {
  let v = dict;
  for (const part of key.split('.')) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[part];
  }
  return typeof v === 'string' ? v : undefined;
}

/** Whether a string exists (used to fall back to the server's message for unknown codes). */
export function has(key) {
  return lookup(key) !== undefined;
}

export function t(key, params) {
  const s = lookup(key);
  if (s === undefined) return key;
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (params[name] ?? '') + '');
}

/** A translated enum value (`status.online`), or the raw value when there is no string. */
export function tv(prefix, value) {
  if (value == null || value === '') return '';
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : String(value);
}
