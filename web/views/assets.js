// Asset inventory by zone: the `assets` report (CTEM-SCOPE-001), grouped by asset_zone in the
// Purdue order (Zone0 physical process first), with new assets (`new-assets`) marked.

import { h, table, empty } from '../lib/dom.js';
import { report } from '../lib/api.js';
import { metric, ts } from '../lib/format.js';

export function title() {
  return 'Asset inventory';
}

function metadata(m) {
  if (!m || typeof m !== 'object') return '—';
  return Object.entries(m).map(([k, v]) => `${k}: ${v === null ? '—' : v}`).join(' · ');
}

export async function render() {
  const [assets, fresh] = await Promise.all([report('assets'), report('new-assets')]);
  const isNew = new Set(fresh.map((a) => `${a.asset_type}|${a.asset_id}`));
  const zones = [...new Set(assets.map((a) => a.asset_zone))].sort();
  return h('section', { class: 'view-assets' },
    h('div', { class: 'view-head' }, h('h1', {}, 'Asset inventory by zone'),
      h('p', { class: 'muted' }, 'Assets seen in telemetry (assets report): 7 days, model registry 30 days. ',
        metric(fresh.length, undefined, { 'data-metric': 'new_assets' }), ' new in the last 7 days.')),
    assets.length ? [
      h('div', { class: 'cards' }, zones.map((z) => h('div', { class: 'card', 'data-zone-card': z }, h('div', { class: 'card-label' }, z),
        h('div', { class: 'card-value' }, metric(assets.filter((a) => a.asset_zone === z).length, undefined, { 'data-metric': `zone.${z}` }))))),
      zones.map((z) => h('section', { class: 'panel', 'data-zone': z }, h('h2', {}, z), table([
        { key: 'asset_id', label: 'Asset', render: (a) => [a.asset_id, isNew.has(`${a.asset_type}|${a.asset_id}`) ? h('span', { class: 'new-badge' }, 'NEW') : null] },
        { key: 'asset_type', label: 'Type' },
        { key: 'risk_category', label: 'Risk' },
        { key: 'ctem_scope', label: 'CTEM scope' },
        { key: 'zone_source', label: 'Zone from' },
        { key: 'last_seen', label: 'Last seen', render: (a) => ts(a.last_seen) },
        { key: 'metadata', label: 'Details', render: (a) => metadata(a.metadata) },
      ], assets.filter((a) => a.asset_zone === z), { attrs: { 'data-table': 'assets' }, rowAttrs: (a) => ({ 'data-key': `${a.asset_type}|${a.asset_id}` }) }))),
    ] : empty('No asset seen in telemetry (edge nodes, APIs, partners, OPC UA, CI/CD, model registry).'));
}
