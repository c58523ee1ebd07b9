// Risk posture trend: the `score-trend` report (CTEM-METRICS-002) as a chart over weeks, the
// latest trend label, and the weekly numbers as a table (the chart is drawn from the same rows).

import { h, table, empty } from '../lib/dom.js';
import { report } from '../lib/api.js';
import { metric } from '../lib/format.js';

export function title() {
  return 'Risk posture trend';
}

const TREND_CLASS = { IMPROVING: 'good', DEGRADING: 'bad', STABLE: 'neutral', BASELINE: 'neutral' };

function chart(rows, width) {
  const uPlot = window.uPlot;
  if (!uPlot) return h('p', { class: 'empty' }, 'The chart library did not load; the numbers are in the table below.');
  const x = rows.map((r) => Date.parse(`${r.week}T00:00:00Z`) / 1000);
  const large = document.documentElement.classList.contains('large');
  const font = `${large ? 18 : 13}px system-ui, sans-serif`;
  const axis = { stroke: '#1b2a3a', grid: { stroke: '#d9e0e8' }, ticks: { stroke: '#9aa7b4' }, font };
  const holder = h('div', { class: 'chart', 'data-chart': 'score-trend', role: 'img',
    'aria-label': `Risk posture score by week: ${rows.map((r) => `${r.week} ${r.risk_posture_score}`).join(', ')}` });
  const opts = {
    width,
    height: large ? 420 : 320,
    // A few days either side so the first and last week's points are not cut at the edge.
    scales: { x: { time: true, range: (u, min, max) => [min - 3 * 86400, max + 3 * 86400] } },
    series: [
      { label: 'Week', value: (u, v) => (v === null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
      { label: 'Risk posture score', stroke: '#b3261e', width: 3, points: { size: 9, fill: '#b3261e' } },
      { label: 'Average CTEM score', stroke: '#12355b', width: 2, dash: [6, 4], points: { size: 7 } },
      { label: 'Max CTEM score', stroke: '#8a6d00', width: 2, points: { size: 7 } },
    ],
    // One tick per reported week (the Monday), not uPlot's daily ticks.
    axes: [{ ...axis, splits: () => x, values: (u, vals) => vals.map((v) => new Date(v * 1000).toISOString().slice(0, 10)) },
      { ...axis, size: large ? 70 : 50 }],
  };
  // eslint-disable-next-line no-new
  new uPlot(opts, [x, rows.map((r) => r.risk_posture_score), rows.map((r) => r.avg_ctem_score), rows.map((r) => r.max_ctem_score)], holder);
  return holder;
}

export async function render() {
  const rows = await report('score-trend');
  if (!rows.length) {
    return h('section', {}, h('div', { class: 'view-head' }, h('h1', {}, 'Risk posture trend')),
      empty('No Open or InProgress exposure seen in the last 180 days.'));
  }
  const latest = rows[rows.length - 1];
  const width = Math.max(480, Math.min(1400, (document.getElementById('view').clientWidth || 1000) - 48));
  return h('section', { class: 'view-trend' },
    h('div', { class: 'view-head' }, h('h1', {}, 'Risk posture trend'),
      h('p', { class: 'muted' }, 'Open and InProgress exposures by ISO week of last sighting (score-trend). ',
        'Risk posture = Σ(score × severity weight 4/3/2/1) / count.')),
    h('div', { class: 'cards' },
      h('div', { class: `card wide trend-${TREND_CLASS[latest.trend] || 'neutral'}` }, h('div', { class: 'card-label' }, `Week of ${latest.week}`),
        h('div', { class: 'card-value', 'data-metric': 'trend' }, latest.trend),
        h('div', { class: 'card-note' }, 'change ', metric(latest.week_over_week_change, 1, { 'data-metric': 'week_over_week_change' }))),
      h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'Risk posture score'),
        h('div', { class: 'card-value' }, metric(latest.risk_posture_score, 1, { 'data-metric': 'risk_posture_score' })),
        h('div', { class: 'card-note' }, `${latest.total_exposures} exposures`))),
    h('section', { class: 'panel' }, h('h2', {}, 'Weekly scores'), chart(rows, width)),
    h('section', { class: 'panel' }, h('h2', {}, 'By week'), table([
      { key: 'week', label: 'Week (Monday)' },
      { key: 'total_exposures', label: 'Exposures', num: true, render: (r) => metric(r.total_exposures) },
      { key: 'critical_count', label: 'Critical', num: true, render: (r) => metric(r.critical_count) },
      { key: 'high_count', label: 'High', num: true, render: (r) => metric(r.high_count) },
      { key: 'medium_count', label: 'Medium', num: true, render: (r) => metric(r.medium_count) },
      { key: 'low_count', label: 'Low', num: true, render: (r) => metric(r.low_count) },
      { key: 'avg_ctem_score', label: 'Avg score', num: true, render: (r) => metric(r.avg_ctem_score, 1) },
      { key: 'max_ctem_score', label: 'Max score', num: true, render: (r) => metric(r.max_ctem_score, 1) },
      { key: 'risk_posture_score', label: 'Risk posture', num: true, render: (r) => metric(r.risk_posture_score, 1) },
      { key: 'week_over_week_change', label: 'Change', num: true, render: (r) => metric(r.week_over_week_change, 1) },
      { key: 'trend', label: 'Trend', render: (r) => h('span', { class: `trend trend-${TREND_CLASS[r.trend] || 'neutral'}` }, r.trend) },
    ], rows, { attrs: { 'data-table': 'score-trend' }, rowAttrs: (r) => ({ 'data-key': r.week }) })));
}
