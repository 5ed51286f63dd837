// Excel import (dry run first, then apply), export and the template download.
import { html, useState, useRef } from '../vendor/preact-htm.module.js';
import { t, tv } from '../lib/i18n.js';
import { api, download } from '../lib/api.js';
import { Panel, ErrorBox, Badge } from '../components/ui.js';
import { DataTable } from '../components/table.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { Spinner } from '../components/ui.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function send(account, file, { apply, replace }) {
  return api(`/accounts/${account}/keywords.xlsx`, {
    method: 'POST',
    query: { apply: apply ? 'true' : undefined, replace: replace ? 'true' : undefined },
    body: new Blob([file], { type: XLSX }),
    headers: { 'Content-Type': XLSX },
  });
}

function Report({ report }) {
  const r = report;
  return html`<div class="import-report" data-test="import-report" data-applied=${r.applied ? 'true' : 'false'} data-errors=${r.errors.length}>
    <div class="stat-grid stat-grid-sm">
      ${[
        ['rows', r.rows], ['valid', r.valid], ['created', r.created], ['updated', r.updated], ['unchanged', r.unchanged], ['deleted', r.deleted],
      ].map(([k, v]) => html`<div class="stat" data-test=${'import-' + k}><div class="stat-label">${t('import.' + k)}</div><div class="stat-value">${v}</div></div>`)}
    </div>
    ${r.errors.length
      ? html`<p class="text-danger">${t('import.has_errors', { n: r.errors.length })}</p>
        <${DataTable} test="import-errors" rows=${r.errors} rowKey=${(e) => e.row + e.code + e.message}
          columns=${[
            { label: t('import.row'), class: 'num', render: (e) => e.row },
            { label: t('import.problem'), render: (e) => html`<span data-code=${e.code}>${tv('errors', e.code)}</span>` },
            { label: t('import.detail'), class: 'wrap', render: (e) => html`<span class="small muted">${e.message}</span>` },
          ]} />`
      : null}
  </div>`;
}

export function ImportExport({ account }) {
  const input = useRef(null);
  const [file, setFile] = useState(null);
  const [replace, setReplace] = useState(false);
  const [report, setReport] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const dryRun = async (f = file, rep = replace) => {
    if (!f) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await send(account, f, { apply: false, replace: rep }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    setBusy(true);
    try {
      const r = await send(account, file, { apply: true, replace });
      setReport(r);
      if (r.applied) toast.ok(t('import.applied', { created: r.created, updated: r.updated, deleted: r.deleted }));
      else toast.warn(t('import.not_applied'));
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  const dl = (path, name) => download(`/accounts/${account}/${path}`, name).catch((e) => toast.error(e));
  const canApply = report && !report.applied && report.errors.length === 0;

  return html`<div class="stack">
    <${Panel} title=${t('import.export_title')}>
      <p class="muted small">${t('import.export_hint')}</p>
      <div class="row">
        <button type="button" class="btn" onClick=${() => dl('keywords.xlsx', `keywords-${account}.xlsx`)} data-test="export-xlsx"><${Icon} name="download" />${t('import.export')}</button>
        <button type="button" class="btn" onClick=${() => dl('keywords-template.xlsx', 'keywords-template.xlsx')} data-test="template-xlsx"><${Icon} name="file" />${t('import.template')}</button>
      </div>
    </${Panel}>
    <${Panel} title=${t('import.title')}>
      <p class="muted small">${t('import.hint')}</p>
      <div class="row">
        <input type="file" ref=${input} accept=".xlsx,${XLSX}" class="sr-only" id="xlsx-input" data-test="xlsx-input"
          onChange=${(e) => { const f = e.currentTarget.files[0]; setFile(f || null); if (f) dryRun(f); }} />
        <label for="xlsx-input" class="btn" tabindex="0" role="button" onKeyDown=${(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), input.current.click())}>
          <${Icon} name="upload" />${t('import.choose')}</label>
        <span class="muted small ellipsis">${file ? file.name : t('import.no_file')}</span>
      </div>
      <label class="check import-replace"><input type="checkbox" checked=${replace} data-test="import-replace"
        onChange=${(e) => { setReplace(e.currentTarget.checked); if (file) dryRun(file, e.currentTarget.checked); }} /><span>${t('import.replace')}</span></label>
      <p class="field-hint">${t('import.replace_hint')}</p>
      ${busy ? html`<div class="row"><${Spinner} /><span class="muted">${t('import.checking')}</span></div>` : null}
      ${error ? html`<${ErrorBox} error=${error} />` : null}
      ${report
        ? html`<h3 class="preview-h">${report.applied ? t('import.result') : t('import.dry_run')}</h3><${Report} report=${report} />
          ${report.applied
            ? html`<${Badge} tone="ok" data-test="import-applied">${t('import.done')}</${Badge}>`
            : html`<button type="button" class="btn btn-primary" disabled=${!canApply || busy} onClick=${apply} data-test="import-apply">
                ${t('import.apply')}</button>
              ${!canApply ? html`<span class="muted small"> ${t('import.fix_first')}</span>` : null}`}`
        : null}
    </${Panel}>
  </div>`;
}

