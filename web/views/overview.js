// Overview: the weekly meeting's first screen. Open exposures by severity, SLA compliance and
// MTTR (weekly-metrics), breaches and at-risk counts (sla-breaches, sla-at-risk), findings per
// tool (weekly-metrics' tool_coverage) and the latest detection gaps (new-gaps, and the gaps of
// each red-team campaign from campaign-gaps).

import { h, table, empty } from '../lib/dom.js';
import { report } from '../lib/api.js';
import { metric, severity, SEVERITIES, ts } from '../lib/format.js';

export function title() {
  return 'Overview';
}

function card(label, value, note, attrs = {}) {
  return h('div', { class: 'card', ...attrs }, h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, value), note ? h('div', { class: 'card-note' }, note) : null);
}

// Horizontal bars: one row per entry, the count written beside the bar.
function bars(entries, key, cls) {
  const max = Math.max(1, ...entries.map(([, v]) => v));
  return h('div', { class: 'bars', 'data-metric-group': key }, entries.map(([name, v]) => h('div', { class: 'bar-row' },
    h('span', { class: 'bar-label' }, cls ? severity(name) : name),
    h('span', { class: 'bar-track' }, h('span', { class: `bar ${cls ? 'bar-' + name.toLowerCase() : ''}`, style: `width:${(v / max) * 100}%` })),
    metric(v, undefined, { 'data-metric': `${key}.${name}` }))));
}

export async function render() {
  const [weekly, breaches, atRisk, gaps, redTeam] = await Promise.all([
    report('weekly-metrics'), report('sla-breaches'), report('sla-at-risk'), report('new-gaps'), report('red-team'),
  ]);
  const campaignGaps = await Promise.all(redTeam.map((c) => report('campaign-gaps', { campaign: c.campaign_id })));

  const open = SEVERITIES.filter((s) => s in weekly.open_exposures).map((s) => [s, weekly.open_exposures[s]]);
  // Keys the engine adds later still show, after the known ones.
  for (const [s, v] of Object.entries(weekly.open_exposures)) if (!SEVERITIES.includes(s)) open.push([s, v]);
  const openTotal = open.reduce((a, [, v]) => a + v, 0);
  const tools = Object.entries(weekly.tool_coverage);

  return h('section', { class: 'view-overview' },
    h('div', { class: 'view-head' }, h('h1', {}, 'CTEM program overview'),
      h('p', { class: 'muted' }, `${weekly.report} · report date `, h('strong', { 'data-metric': 'report_date' }, weekly.report_date))),
    h('div', { class: 'cards' },
      card('Open exposures', metric(openTotal, undefined, { 'data-metric': 'open_total' }), 'Open and InProgress', { 'data-card': 'open' }),
      card('SLA compliance', [metric(weekly.sla_compliance_rate, 1, { 'data-metric': 'sla_compliance_rate' }), h('span', { class: 'unit' }, '%')],
        'verified within SLA, last 30 days'),
      card('MTTR, all', [metric(weekly.mttr_all_hours, 1, { 'data-metric': 'mttr_all_hours' }), h('span', { class: 'unit' }, 'h')], 'assigned → verified, last 30 days'),
      card('MTTR, critical', [metric(weekly.mttr_critical_hours, 1, { 'data-metric': 'mttr_critical_hours' }), h('span', { class: 'unit' }, 'h')], 'CRITICAL exposures only'),
      card('SLA breached', metric(breaches.length, undefined, { 'data-metric': 'sla_breaches' }),
        h('a', { href: '#/triage?sla=BREACHED' }, 'show in triage'), { class: breaches.length ? 'card alert' : 'card' }),
      card('SLA at risk (<24 h)', metric(atRisk.length, undefined, { 'data-metric': 'sla_at_risk' }),
        h('a', { href: '#/triage?sla=AT_RISK' }, 'show in triage'), { class: atRisk.length ? 'card warn' : 'card' }),
      card('Attack paths, this month', metric(weekly.attack_path_current_month, undefined, { 'data-metric': 'attack_path_current_month' }),
        ['prior month: ', metric(weekly.attack_path_prior_month, undefined, { 'data-metric': 'attack_path_prior_month' })])),
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', {}, 'Open exposures by severity'),
        open.length ? bars(open, 'open_exposures', true) : empty('No open exposures.')),
      h('section', { class: 'panel' }, h('h2', {}, 'Findings per tool (last 30 days)'),
        tools.length ? bars(tools, 'tool_coverage', false) : empty('No findings in the last 30 days.'))),
    h('section', { class: 'panel' }, h('h2', {}, 'Latest detection gaps'),
      h('h3', {}, 'Evaded detection in the last hour (new-gaps)'),
      gaps.length
        ? table([
          { key: 'gap_severity', label: 'Gap', render: (r) => severity(r.gap_severity) },
          { key: 'validation_type', label: 'Type' },
          { key: 'campaign_id', label: 'Campaign' },
          { key: 'attack_path', label: 'Attack path' },
          { key: 'exposure_id', label: 'Exposure', render: (r) => h('a', { href: `#/exposure/${encodeURIComponent(r.exposure_id)}` }, r.exposure_id) },
          { key: 'detection_gaps', label: 'Gaps identified', render: (r) => (r.detection_gaps || []).join('; ') },
        ], gaps, { attrs: { 'data-table': 'new-gaps' } })
        : empty('No validation evaded detection in the last hour.'),
      h('h3', {}, 'By red-team campaign (campaign-gaps)'),
      campaignGaps.length
        ? table([
          { key: 'campaign_id', label: 'Campaign', render: (r) => h('a', { href: '#/redteam' }, r.campaign_id) },
          { key: 'exploitable', label: 'Exploitable', num: true, render: (r) => metric(r.exploitable) },
          { key: 'detected', label: 'Detected', num: true, render: (r) => metric(r.detected) },
          { key: 'critical_gaps', label: 'Critical gaps', num: true, render: (r) => metric(r.critical_gaps) },
          { key: 'detection_gaps', label: 'Detection gaps', num: true, render: (r) => metric(r.detection_gaps) },
          { key: 'timing_gaps', label: 'Timing gaps', num: true, render: (r) => metric(r.timing_gaps) },
        ], campaignGaps, { attrs: { 'data-table': 'campaign-gaps' }, rowAttrs: (r) => ({ 'data-key': r.campaign_id }) })
        : empty('No red-team campaign in the last 365 days.')),
    breaches.length ? h('section', { class: 'panel' }, h('h2', {}, 'SLA breaches by escalation'),
      table([
        { key: 'severity', label: 'Severity', render: (r) => severity(r.severity) },
        { key: 'title', label: 'Exposure', render: (r) => h('a', { href: `#/exposure/${encodeURIComponent(r.exposure_key)}` }, r.title) },
        { key: 'escalation_level', label: 'Escalate to' },
        { key: 'hours_overdue', label: 'Hours overdue', num: true, render: (r) => metric(r.hours_overdue, 1) },
        { key: 'sla_deadline', label: 'Deadline', render: (r) => ts(r.sla_deadline) },
      ], breaches, { attrs: { 'data-table': 'sla-breaches' }, rowAttrs: (r) => ({ 'data-key': r.exposure_key }) })) : null);
}
