// A menu button (WAI-ARIA menu button): Enter/Space/ArrowDown open, arrows move, Esc closes.
import { html, useState, useRef, useEffect } from '../vendor/preact-htm.module.js';
import { Icon } from './icons.js';

/** items: [{label, onSelect, checked?, icon?, test?, tone?} | {separator: true} | {header: text}] */
export function Menu({ label, button, items, test, align = 'right', class: cls = '' }) {
  const [open, setOpen] = useState(false);
  const root = useRef(null);
  const btn = useRef(null);
  const focusItem = (i) => {
    const els = root.current ? root.current.querySelectorAll('[role^=menuitem]') : [];
    if (els.length) els[(i + els.length) % els.length].focus();
  };
  useEffect(() => {
    if (!open) return undefined;
    const onDoc = (e) => root.current && !root.current.contains(e.target) && setOpen(false);
    document.addEventListener('pointerdown', onDoc);
    requestAnimationFrame(() => focusItem(0));
    return () => document.removeEventListener('pointerdown', onDoc);
  }, [open]);
  const close = (refocus = true) => {
    setOpen(false);
    if (refocus && btn.current) btn.current.focus();
  };
  const onKey = (e) => {
    const els = [...root.current.querySelectorAll('[role^=menuitem]')];
    const i = els.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusItem(i + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      focusItem(i - 1);
    } else if (e.key === 'Tab') setOpen(false);
  };
  const onBtnKey = (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
    }
  };
  return html`<div class=${'menu ' + cls} ref=${root} onKeyDown=${open ? onKey : undefined}>
    <button type="button" class="btn btn-ghost menu-button" aria-haspopup="menu" aria-expanded=${open ? 'true' : 'false'} aria-label=${label}
      title=${label} ref=${btn} onClick=${() => setOpen(!open)} onKeyDown=${onBtnKey} data-test=${test}>${button}</button>
    ${open
      ? html`<div class=${'menu-popup menu-' + align} role="menu" aria-label=${label}>
          ${items.map((it, i) => {
            if (it.separator) return html`<div class="menu-sep" role="separator" key=${'s' + i}></div>`;
            if (it.header) return html`<div class="menu-header" key=${'h' + i}>${it.header}</div>`;
            const role = it.checked === undefined ? 'menuitem' : 'menuitemradio';
            return html`<button type="button" key=${i} role=${role} aria-checked=${it.checked === undefined ? undefined : it.checked ? 'true' : 'false'}
              class=${'menu-item' + (it.tone ? ' text-' + it.tone : '')} data-test=${it.test} tabindex="-1"
              onClick=${() => {
                close(!it.keepFocusAway);
                it.onSelect && it.onSelect();
              }}>
              ${it.icon ? html`<${Icon} name=${it.icon} />` : it.checked !== undefined ? html`<span class="menu-check">${it.checked ? html`<${Icon} name="check" />` : null}</span>` : null}
              <span>${it.label}</span>
            </button>`;
          })}
        </div>`
      : null}
  </div>`;
}
