// Red-team campaigns: the `red-team` report (CTEM-METRICS-003) and, for each campaign, its
// detection gaps (`campaign-gaps`, CTEM-VALIDATE-001).

import { h, table, empty } from '../lib/dom.js';
import { report } from '../lib/api.js';
import { metric } from '../lib/format.js';

export function title() {
  return 'Red-team campaigns';
}

export async function render() {
  const campaigns = await report('red-team');
  const gaps = await Promise.all(campaigns.map((c) => report('campaign-gaps', { campaign: c.campaign_id })));
  const pct = (v) => (v === null ? metric(null) : [metric(v, 1), '%']);
  return h('section', { class: 'view-redteam' },
    h('div', { class: 'view-head' }, h('h1', {}, 'Red-team campaigns'),
      h('p', { class: 'muted' }, 'Manual red team, adversarial ML and full campaigns in the last 365 days (red-team); detection gaps per campaign (campaign-gaps).')),
    campaigns.length ? [
      h('section', { class: 'panel' }, h('h2', {}, 'Campaign results'), table([
        { key: 'campaign_id', label: 'Campaign' },
        { key: 'total_tests', label: 'Tests', num: true, render: (r) => metric(r.total_tests) },
        { key: 'exploitable_findings', label: 'Exploitable', num: true, render: (r) => metric(r.exploitable_findings) },
        { key: 'exploit_rate', label: 'Exploit rate', num: true, render: (r) => pct(r.exploit_rate) },
        { key: 'evasion_rate', label: 'Evasion rate', num: true, render: (r) => pct(r.evasion_rate) },
        { key: 'detection_rate', label: 'Detection rate', num: true, render: (r) => pct(r.detection_rate) },
        { key: 'physical_consequence_count', label: 'Physical consequence shown', num: true, render: (r) => metric(r.physical_consequence_count) },
      ], campaigns, { attrs: { 'data-table': 'red-team' }, rowAttrs: (r) => ({ 'data-key': r.campaign_id }) })),
      h('section', { class: 'panel' }, h('h2', {}, 'Detection gaps per campaign'), table([
        { key: 'campaign_id', label: 'Campaign' },
        { key: 'total_tests', label: 'Tests', num: true, render: (r) => metric(r.total_tests) },
        { key: 'exploitable', label: 'Exploitable', num: true, render: (r) => metric(r.exploitable) },
        { key: 'detected', label: 'Detected', num: true, render: (r) => metric(r.detected) },
        { key: 'detection_rate', label: 'Detection rate', num: true, render: (r) => pct(r.detection_rate) },
        { key: 'critical_gaps', label: 'Critical gaps', num: true, render: (r) => h('span', { class: r.critical_gaps ? 'bad-num' : '' }, metric(r.critical_gaps)) },
        { key: 'detection_gaps', label: 'Detection gaps', num: true, render: (r) => metric(r.detection_gaps) },
        { key: 'timing_gaps', label: 'Timing gaps', num: true, render: (r) => metric(r.timing_gaps) },
      ], gaps, { attrs: { 'data-table': 'campaign-gaps' }, rowAttrs: (r) => ({ 'data-key': r.campaign_id }) })),
    ] : empty('No red-team campaign in the last 365 days.'));
}
