// Exposure detail (#/exposure/KEY): every field of GET /api/ctem/exposures/KEY, the score
// explained (exploitability x consequence weight, the zone and where it came from, the runtime
// boost from the triage report), first/last seen, SLA deadline and status, and the timeline
// (validations, remediations, audit trail) from GET /api/ctem/exposures/KEY/timeline, or
// "no timeline" where the gateway has none.

import { h, table, empty } from '../lib/dom.js';
import { exposure, report, timeline } from '../lib/api.js';
import { metric, severity, slaStatus, ts, bool } from '../lib/format.js';

export function title(ctx) {
  return `Exposure ${ctx.parts[0] || ''}`;
}

// The seed's consequence weights: a score is exploitability x weight (Wiz: x {1.0, 0.8, 0.5,
// 0.3} x 10; the rate-based sources: x {10, 8, 5, 3}; the same thing).
const WEIGHTS = { safety_life: 10, equipment: 8, downtime: 5, data_loss: 3 };

const ZONE_SOURCES = {
  graph: 'the asset graph (Neo4j) placed the asset',
  file: 'the asset graph file placed the asset',
  static: "the seed's static zone map",
  fallback: 'the graph could not answer: scored on the static fallback',
  rule: "the source parser's zone rule",
};

const VALIDATION_COLS = ['validation_id', 'campaign_id', 'ts', 'validation_type', 'exploitable', 'exploit_complexity', 'attack_path',
  'physical_consequence_demonstrated', 'detection_evaded', 'detection_rules_tested', 'detection_gaps', 'tester', 'evidence_url'];
const REMEDIATION_COLS = ['remediation_id', 'status', 'assigned_to', 'assigned_date', 'sla_deadline', 'fix_deployed_date', 'verified_date',
  'verified_by', 'sla_breached', 'escalation_level', 'fix_description', 'pull_request_url', 'ts'];
const AUDIT_COLS = ['at', 'actor', 'action', 'from_status', 'to_status', 'detail'];

function cell(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return bool(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '—';
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'number') return metric(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return ts(v);
  if (typeof v === 'string' && /^https?:\/\//.test(v)) return h('a', { href: v, rel: 'noopener noreferrer', target: '_blank' }, v);
  return String(v);
}

// A table of timeline rows: the contract's columns first, then anything else the API sends.
function rowsTable(rows, preferred, name) {
  if (!rows || !rows.length) return empty(`No ${name}.`);
  const keys = [...preferred.filter((k) => rows.some((r) => k in r))];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k) && k !== 'exposure_id' && k !== 'exposure_key' && k !== 'tenant_id') keys.push(k);
  return table(keys.map((k) => ({ key: k, label: k.replaceAll('_', ' '), render: (r) => cell(r[k]) })), rows,
    { attrs: { 'data-table': name } });
}

function fact(label, value, attrs = {}) {
  return [h('dt', {}, label), h('dd', attrs, value)];
}

export async function render(ctx) {
  const key = ctx.parts[0];
  if (!key) throw new Error('no exposure key in the URL (#/exposure/KEY)');
  const [e, triage, correlation, tl] = await Promise.all([exposure(key), report('triage'), report('correlation'), timeline(key)]);
  const t = triage.find((r) => r.exposure_key === key) || null;
  const alerts = correlation.filter((c) => c.exposure_key === key);
  const weight = WEIGHTS[e.physical_consequence];
  const boosted = t && t.runtime_alerts !== null && t.runtime_alerts !== undefined;

  const score = h('section', { class: 'panel score', 'data-panel': 'score' }, h('h2', {}, 'Why this score'),
    h('p', { class: 'formula' },
      h('span', { class: 'term' }, h('small', {}, 'exploitability'), metric(e.exploitability_score, undefined, { 'data-field': 'exploitability_score' })),
      ' × ',
      h('span', { class: 'term' }, h('small', {}, `consequence: ${e.physical_consequence}`), weight !== undefined ? metric(weight) : '?'),
      ' = ',
      h('span', { class: 'term result' }, h('small', {}, 'CTEM score'), metric(e.ctem_score, 1, { 'data-field': 'ctem_score' })),
      t ? [' → ', h('span', { class: `term result ${boosted ? 'boost' : ''}` },
        h('small', {}, boosted ? 'adjusted (runtime ×1.5)' : 'adjusted (no runtime boost)'),
        metric(t.adjusted_score, undefined, { 'data-field': 'adjusted_score' }))] : null),
    h('ul', { class: 'explain' },
      h('li', {}, 'Zone ', h('strong', { 'data-field': 'asset_zone' }, e.asset_zone || '—'), ' → consequence ', h('strong', {}, e.physical_consequence),
        ', decided by ', h('strong', { 'data-field': 'zone_source' }, e.zone_source), ': ', ZONE_SOURCES[e.zone_source] || 'unknown source', '.'),
      h('li', {}, 'Severity ', severity(e.severity), ' from the consequence matrix; the tool said ', h('strong', {}, e.original_severity || '—'), '.'),
      h('li', {}, boosted
        ? [`Runtime boost: alerts with technique ${e.atlas_technique} in the last 7 days (`, h('strong', {}, t.runtime_alerts), ').']
        : t ? 'No runtime alert shares its ATLAS technique in the last 7 days: no boost.' : 'Not in the triage queue (not Open/InProgress, or not seen for 90 days).')));

  const sla = h('section', { class: 'panel', 'data-panel': 'sla' }, h('h2', {}, 'Lifecycle'),
    h('dl', { class: 'facts' },
      fact('Status', h('strong', { 'data-field': 'status' }, e.status)),
      fact('First seen', ts(e.created_at)),
      fact('Last seen', ts(e.ts)),
      fact('SLA deadline', ts(e.sla_deadline)),
      fact('SLA status', t ? slaStatus(t.sla_status) : `— (${e.status}: not in the triage queue)`, { 'data-field': 'sla_status' }),
      t ? fact('Days open', metric(t.days_open, undefined, { 'data-field': 'days_open' })) : null,
      t ? fact('Triage priority', metric(t.triage_priority, undefined, { 'data-field': 'triage_priority' })) : null,
      fact('Escalation', e.escalation_level || '—'),
      fact('Assigned to', e.assigned_to || '—'),
      fact('Re-detections', metric(e.redetection_count)),
      e.no_longer_seen_at ? fact('No longer seen', ts(e.no_longer_seen_at)) : null));

  const all = h('section', { class: 'panel', 'data-panel': 'fields' }, h('h2', {}, 'Every field (GET /api/ctem/exposures/', key, ')'),
    h('dl', { class: 'fields' }, Object.entries(e).map(([k, v]) => fact(k, cell(v), { 'data-field-all': k }))));

  const timelinePanel = h('section', { class: 'panel', 'data-panel': 'timeline' }, h('h2', {}, 'Validation, remediation and audit'),
    tl === null
      ? h('p', { class: 'empty', 'data-timeline': 'none' }, 'No timeline: this gateway has no /api/ctem/exposures/KEY/timeline endpoint.')
      : [h('h3', {}, 'Validation results'), rowsTable(tl.validations, VALIDATION_COLS, 'validations'),
        h('h3', {}, 'Remediation timeline'), rowsTable(tl.remediations, REMEDIATION_COLS, 'remediations'),
        h('h3', {}, 'Audit trail'), rowsTable(tl.audit, AUDIT_COLS, 'audit')]);

  return h('section', { class: 'view-exposure', 'data-key': key },
    h('p', { class: 'crumbs' }, h('a', { href: '#/triage' }, '← Triage queue')),
    h('div', { class: 'view-head' }, h('h1', {}, severity(e.severity), ' ', e.title),
      h('p', { class: 'muted' }, `${e.source_tool} · ${e.asset_id} (${e.asset_type || 'asset'}) · key ${e.exposure_key}`)),
    e.description ? h('p', { class: 'description' }, e.description) : null,
    e.remediation_guidance ? h('p', { class: 'guidance' }, h('strong', {}, 'Guidance: '), e.remediation_guidance) : null,
    alerts.length ? h('section', { class: 'panel runtime', 'data-panel': 'runtime' }, h('h2', {}, '⚡ Correlated with runtime alerts'),
      table([
        { key: 'runtime_alert_name', label: 'Alert' },
        { key: 'runtime_alert_severity', label: 'Severity' },
        { key: 'alert_time', label: 'At', render: (r) => ts(r.alert_time) },
        { key: 'action', label: 'Action' },
      ], alerts)) : null,
    h('div', { class: 'grid2' }, score, sla),
    timelinePanel,
    all);
}
