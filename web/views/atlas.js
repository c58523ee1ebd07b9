// ATLAS coverage matrix: the `atlas-coverage` report (CTEM-METRICS-004). Each technique by CTEM
// discovery, runtime detection and red-team validation, coloured by coverage_status; the
// official ATLAS technique it stands for, and a flag on IDs that are not in ATLAS.

import { h, table } from '../lib/dom.js';
import { report } from '../lib/api.js';
import { metric } from '../lib/format.js';

export function title() {
  return 'ATLAS coverage';
}

const STATUSES = ['FULL_COVERAGE', 'DETECTION_ONLY', 'DISCOVERY_ONLY', 'NO_COVERAGE'];

function has(flag, count) {
  return h('span', { class: `cover ${flag ? 'yes' : 'no'}` }, flag ? '✔ ' : '✘ ', metric(count));
}

export async function render() {
  const rows = await report('atlas-coverage');
  const counts = Object.fromEntries(STATUSES.map((s) => [s, rows.filter((r) => r.coverage_status === s).length]));
  return h('section', { class: 'view-atlas' },
    h('div', { class: 'view-head' }, h('h1', {}, 'MITRE ATLAS coverage'),
      h('p', { class: 'muted' }, 'CTEM discovery: exposures, 90 days · runtime detection: alerts, 90 days · red-team validation: validations, 365 days.')),
    h('div', { class: 'legend' }, STATUSES.map((s) => h('span', { class: `status status-${s.toLowerCase()}`, 'data-legend': s },
      s.replaceAll('_', ' '), ': ', metric(counts[s])))),
    table([
      { key: 'atlas_technique', label: 'Technique', render: (r) => h('div', {}, h('strong', {}, r.atlas_technique), h('div', { class: 'sub' }, r.technique_name)) },
      { key: 'atlas_official_id', label: 'Official ATLAS', render: (r) => h('div', {},
        r.atlas_official_id ? h('span', {}, r.atlas_official_id) : h('span', { class: 'muted' }, '—'),
        r.atlas_official_name ? h('div', { class: 'sub' }, r.atlas_official_name) : null,
        r.atlas_match === 'non_standard' ? h('span', { class: 'flag', title: 'This ID does not exist in MITRE ATLAS', 'data-flag': 'non_standard' }, '⚠ non-standard ID')
          : r.atlas_match === 'loose' ? h('span', { class: 'flag loose', title: 'The seed means the official technique beside it' }, 'loose match') : null) },
      { key: 'threat_model_ref', label: 'Threat model' },
      { key: 'has_ctem_discovery', label: 'CTEM discovery', render: (r) => has(r.has_ctem_discovery, r.ctem_findings) },
      { key: 'has_runtime_detection', label: 'Runtime detection', render: (r) => has(r.has_runtime_detection, r.runtime_alerts) },
      { key: 'has_red_team_validation', label: 'Red-team validation', render: (r) => has(r.has_red_team_validation, r.validation_tests) },
      { key: 'coverage_score', label: 'Score', num: true, render: (r) => metric(r.coverage_score) },
      { key: 'coverage_status', label: 'Status', render: (r) => h('span', { class: `status status-${r.coverage_status.toLowerCase()}` }, r.coverage_status.replaceAll('_', ' ')) },
    ], rows, {
      class: 'atlas',
      attrs: { 'data-table': 'atlas-coverage' },
      rowAttrs: (r) => ({ 'data-key': r.atlas_technique, class: `row-${r.coverage_status.toLowerCase()}`, 'data-match': r.atlas_match || '' }),
    }));
}
