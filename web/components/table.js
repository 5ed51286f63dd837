// A dense table that turns into labelled cards under 720 px, and the "load more" pager used by
// every cursor-paginated list.
import { html } from '../vendor/preact-htm.module.js';
import { t } from '../lib/i18n.js';
import { Empty, ErrorBox, Spinner } from './ui.js';

/**
 * columns: [{key, label, render(row) → vnode, class, head}]; rowProps(row) → extra attributes.
 */
export function DataTable({ columns, rows, rowKey = (r) => r.id, rowProps, empty, loading, error, onRetry, caption, test }) {
  if (error && !rows.length) return html`<${ErrorBox} error=${error} onRetry=${onRetry} />`;
  if (!rows.length && loading) return html`<div class="loading-block"><${Spinner} /></div>`;
  if (!rows.length) return empty || html`<${Empty} />`;
  return html`<div class="table-wrap">
    <table class="table" data-test=${test}>
      ${caption ? html`<caption class="sr-only">${caption}</caption>` : null}
      <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.class || ''}>${c.label}</th>`)}</tr></thead>
      <tbody>
        ${rows.map((row) => {
          const extra = rowProps ? rowProps(row) : {};
          return html`<tr key=${rowKey(row)} ...${extra}>
            ${columns.map((c) => html`<td class=${c.class || ''} data-label=${c.label || undefined}>${c.render ? c.render(row) : row[c.key]}</td>`)}
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

export function LoadMore({ hasMore, loading, onClick, count, error, label }) {
  if (!hasMore && !error) {
    return count ? html`<div class="pager"><span class="muted">${t('common.all_shown', { n: count })}</span></div>` : null;
  }
  return html`<div class="pager">
    ${error ? html`<span class="text-danger">${t('common.load_failed')}</span>` : null}
    <button type="button" class="btn" onClick=${onClick} disabled=${loading} data-test="load-more">
      ${loading ? html`<${Spinner} />` : null}${label || t('common.load_more')}
    </button>
    ${count ? html`<span class="muted">${t('common.shown', { n: count })}</span>` : null}
  </div>`;
}
