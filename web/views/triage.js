// Triage queue: the `triage` report (CTEM-PRIORITIZE-001), in the API's order unless sorted.
// Filters (severity, zone, tool, SLA status, runtime-correlated, text) and the sort live in the
// URL, so a filtered queue can be shared. A row is marked runtime-correlated when the report
// gives it runtime_alerts or the `correlation` report joins it to a runtime alert.

import { h, table, empty } from '../lib/dom.js';
import { report } from '../lib/api.js';
import { metric, severity, slaStatus, ts, zone, SEVERITIES, SLA_STATUSES } from '../lib/format.js';

export function title() {
  return 'Triage queue';
}

const SEV_RANK = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1 };
const SLA_RANK = { BREACHED: 3, AT_RISK: 2, ON_TRACK: 1 };

// The columns one can sort by, and how: numbers and ranks compare as numbers, text as text.
const SORTERS = {
  triage_priority: (r) => r.triage_priority,
  severity: (r) => SEV_RANK[r.severity] ?? 0,
  adjusted_score: (r) => r.adjusted_score,
  ctem_score: (r) => r.ctem_score,
  title: (r) => r.title.toLowerCase(),
  asset_zone: (r) => r.asset_zone,
  source_tool: (r) => r.source_tool,
  sla_status: (r) => SLA_RANK[r.sla_status] ?? 0,
  sla_deadline: (r) => r.sla_deadline ?? '\uffff',
  days_open: (r) => r.days_open,
  runtime: (r) => (r._correlated ? 1 : 0),
};

// Filters the test (and a shared URL) can set: param -> row field.
export const FILTERS = { severity: 'severity', zone: 'asset_zone', tool: 'source_tool', sla: 'sla_status' };

export function applyFilters(rows, params) {
  const q = (params.get('q') || '').toLowerCase();
  return rows.filter((r) => {
    for (const [p, field] of Object.entries(FILTERS)) {
      const want = params.get(p);
      if (want && r[field] !== want) return false;
    }
    if (params.get('runtime') === '1' && !r._correlated) return false;
    if (q && !`${r.title} ${r.asset_id} ${r.exposure_key} ${r.atlas_technique}`.toLowerCase().includes(q)) return false;
    return true;
  });
}

export function applySort(rows, params) {
  const key = params.get('sort');
  const f = SORTERS[key];
  if (!f) return rows;  // the report's own order (priority, adjusted score, deadline, key)
  const dir = params.get('dir') === 'asc' ? 1 : -1;
  // Stable: ties keep the report's order.
  return rows.map((r, i) => [r, i]).sort(([a, i], [b, j]) => {
    const x = f(a);
    const y = f(b);
    if (x < y) return -dir;
    if (x > y) return dir;
    return i - j;
  }).map(([r]) => r);
}

function select(label, param, values, params, onChange) {
  const current = params.get(param) || '';
  return h('label', { class: 'filter' }, h('span', {}, label),
    h('select', { name: param, 'data-filter': param, onchange: (e) => onChange(param, e.target.value) },
      h('option', { value: '' }, 'All'),
      values.map((v) => { const o = h('option', { value: v }, v.replace('_', ' ')); if (v === current) o.selected = true; return o; })));
}

export async function render(ctx) {
  const [rows, correlation] = await Promise.all([report('triage'), report('correlation')]);
  const alertsByKey = new Map();
  for (const c of correlation) {
    if (!alertsByKey.has(c.exposure_key)) alertsByKey.set(c.exposure_key, []);
    alertsByKey.get(c.exposure_key).push(c.runtime_alert_name);
  }
  for (const r of rows) r._correlated = r.runtime_alerts !== null && r.runtime_alerts !== undefined || alertsByKey.has(r.exposure_key);

  const root = h('section', { class: 'view-triage' });
  const distinct = (f) => [...new Set(rows.map((r) => r[f]).filter(Boolean))].sort();
  const params = new URLSearchParams(ctx.params);

  const update = () => {
    ctx.setParams(params);
    draw();
  };
  const onFilter = (p, v) => { if (v) params.set(p, v); else params.delete(p); update(); };
  const onSort = (key) => {
    if (params.get('sort') === key) params.set('dir', params.get('dir') === 'asc' ? 'desc' : 'asc');
    else { params.set('sort', key); params.set('dir', ['title', 'asset_zone', 'source_tool', 'sla_deadline', 'triage_priority'].includes(key) ? 'asc' : 'desc'); }
    update();
  };

  function draw() {
    const shown = applySort(applyFilters(rows, params), params);
    const filters = h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      select('Severity', 'severity', SEVERITIES.filter((s) => rows.some((r) => r.severity === s)), params, onFilter),
      select('Zone', 'zone', distinct('asset_zone'), params, onFilter),
      select('Tool', 'tool', distinct('source_tool'), params, onFilter),
      select('SLA', 'sla', SLA_STATUSES, params, onFilter),
      h('label', { class: 'filter check' }, h('input', { type: 'checkbox', 'data-filter': 'runtime', checked: params.get('runtime') === '1',
        onchange: (e) => onFilter('runtime', e.target.checked ? '1' : '') }), h('span', {}, 'Runtime-correlated only')),
      h('label', { class: 'filter' }, h('span', {}, 'Search'), h('input', { type: 'search', 'data-filter': 'q', value: params.get('q') || '',
        placeholder: 'title, asset, key, technique', onchange: (e) => onFilter('q', e.target.value.trim()) })),
      params.toString() ? h('a', { class: 'reset', href: '#/triage' }, 'Reset') : null);
    const cols = [
      { key: 'triage_priority', label: 'P', num: true, render: (r) => metric(r.triage_priority) },
      { key: 'severity', label: 'Severity', render: (r) => severity(r.severity) },
      { key: 'adjusted_score', label: 'Score', num: true, render: (r) => metric(r.adjusted_score) },
      { key: 'title', label: 'Exposure', render: (r) => h('div', {},
        h('a', { href: `#/exposure/${encodeURIComponent(r.exposure_key)}`, 'data-open': r.exposure_key }, r.title),
        h('div', { class: 'sub' }, r.asset_id, r.atlas_technique ? ` · ${r.atlas_technique}` : '')) },
      { key: 'asset_zone', label: 'Zone', render: (r) => zone(r.asset_zone) },
      { key: 'source_tool', label: 'Tool' },
      { key: 'sla_status', label: 'SLA', render: (r) => slaStatus(r.sla_status) },
      { key: 'sla_deadline', label: 'Deadline', render: (r) => ts(r.sla_deadline) },
      { key: 'days_open', label: 'Days open', num: true, render: (r) => metric(r.days_open) },
      { key: 'runtime', label: 'Runtime', render: (r) => (r._correlated
        ? h('span', { class: 'runtime-badge', title: (alertsByKey.get(r.exposure_key) || [r.runtime_alerts]).join(', ') }, '⚡ correlated')
        : '') },
    ];
    root.replaceChildren(
      h('div', { class: 'view-head' }, h('h1', {}, 'Triage queue'),
        h('p', { class: 'muted' }, 'Open and InProgress exposures seen in the last 90 days, highest priority first (triage report). ',
          'Score is the adjusted score: ×1.5 when a runtime alert shares the ATLAS technique.')),
      filters,
      h('p', { class: 'count', 'data-count': shown.length }, `Showing ${shown.length} of ${rows.length} exposures`),
      shown.length ? table(cols, shown, {
        class: 'triage', sort: params.get('sort'), dir: params.get('dir'), onSort,
        attrs: { 'data-table': 'triage' },
        rowAttrs: (r) => ({ 'data-key': r.exposure_key, class: r._correlated ? 'correlated' : '', 'data-correlated': r._correlated ? '1' : '0' }),
      }) : empty('No exposure matches these filters.'));
  }
  draw();
  return root;
}
