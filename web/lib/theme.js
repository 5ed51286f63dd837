// Light / dark / system. The override is remembered; "system" follows prefers-color-scheme.
import { createStore, storage } from './store.js';

const KEY = 'xy.theme';
const initial = ['light', 'dark'].includes(storage.get(KEY)) ? storage.get(KEY) : 'system';
export const theme = createStore(initial);

export function setTheme(v) {
  const mode = ['light', 'dark'].includes(v) ? v : 'system';
  storage.set(KEY, mode === 'system' ? null : mode);
  if (mode === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', mode);
  theme.set(mode);
}

/** The scheme in effect now (for the chart colours). */
export function effectiveTheme() {
  const m = theme.get();
  if (m !== 'system') return m;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
