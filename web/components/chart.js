// A per-day chart on uPlot (loaded with its stylesheet only when a chart is shown).
import { html, useEffect, useRef } from '../vendor/preact-htm.module.js';
import { useStore } from '../lib/store.js';
import { theme, effectiveTheme } from '../lib/theme.js';

let uplotP = null;
function loadUPlot() {
  if (!uplotP) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('../vendor/uPlot.min.css', import.meta.url).href;
    document.head.appendChild(link);
    uplotP = import('../vendor/uPlot.esm.js').then((m) => m.default);
  }
  return uplotP;
}

// A colour token of base.css, written there as light-dark(light, dark): the canvas needs the
// branch of the scheme in effect.
function cssVar(name) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const pair = /^light-dark\(\s*([^,]+?)\s*,\s*([^,]+?)\s*\)$/.exec(value);
  return pair ? pair[effectiveTheme() === 'dark' ? 2 : 1] : value;
}

/**
 * days: ['YYYY-MM-DD'], series: [{label, values, kind: 'bar'|'line', scale: 'count'|'money', color: '--var'}]
 * moneyFmt formats the money axis.
 */
export function DayChart({ days, series, moneyFmt, height = 240, label, xLabel }) {
  const box = useRef(null);
  const plot = useRef(null);
  const mode = useStore(theme);
  useEffect(() => {
    let alive = true;
    let ro = null;
    loadUPlot().then((uPlot) => {
      if (!alive || !box.current) return;
      const text = cssVar('--muted');
      const grid = cssVar('--border');
      const xs = days.map((d) => Date.parse(d + 'T12:00:00+08:00') / 1000);
      const bars = uPlot.paths.bars({ size: [0.6, 36] });
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
      const opts = {
        width: box.current.clientWidth || 600,
        height,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
        cursor: { points: { size: 6 } },
        legend: { live: true },
        scales: { x: { time: true, range: (u, min, max) => [min - 43200, max + 43200] }, count: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] }, money: { range: (u, min, max) => [0, Math.max(100, max * 1.15)] } },
        axes: [
          { ...axis, values: (u, ticks) => ticks.map((ts) => new Date(ts * 1000).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }).slice(5)) },
          { ...axis, scale: 'count', size: 40 },
          // the right axis only when a series uses it
          ...(series.some((s) => s.scale === 'money') ? [{ ...axis, scale: 'money', side: 1, grid: { show: false }, size: 60, values: (u, ticks) => ticks.map((v) => moneyFmt(v)) }] : []),
        ],
        series: [
          { label: xLabel, value: (u, ts) => (ts == null ? '' : new Date(ts * 1000).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' })) },
          ...series.map((s) => {
            const color = cssVar(s.color) || '#888';
            return s.kind === 'bar'
              ? { label: s.label, scale: s.scale, stroke: color, fill: color + '55', width: 1, paths: bars, points: { show: false }, value: (u, v) => (v == null ? '' : s.scale === 'money' ? moneyFmt(v) : v) }
              : { label: s.label, scale: s.scale, stroke: color, width: 2, points: { size: 5, fill: color }, value: (u, v) => (v == null ? '' : s.scale === 'money' ? moneyFmt(v) : v) };
          }),
        ],
      };
      if (plot.current) plot.current.destroy();
      plot.current = new uPlot(opts, [xs, ...series.map((s) => s.values)], box.current);
      ro = new ResizeObserver(() => {
        if (plot.current && box.current) plot.current.setSize({ width: box.current.clientWidth, height });
      });
      ro.observe(box.current);
    });
    return () => {
      alive = false;
      if (ro) ro.disconnect();
      if (plot.current) {
        plot.current.destroy();
        plot.current = null;
      }
    };
  }, [JSON.stringify(days), JSON.stringify(series.map((s) => s.values)), mode, effectiveTheme(), label]);
  return html`<div class="chart" ref=${box} role="img" aria-label=${label} data-test="overview-chart"></div>`;
}
