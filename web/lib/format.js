// How values from the API are written on screen. Numbers keep the API's value exactly: the
// reports round to one decimal (Python's round), so a one-decimal field shows one decimal.

import { h } from './dom.js';

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
export const SLA_STATUSES = ['BREACHED', 'AT_RISK', 'ON_TRACK'];

export function num(v, decimals) {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  return decimals === undefined ? String(v) : v.toFixed(decimals);
}

// A number element the browser test reads back: data-value holds the API's exact value.
export function metric(v, decimals, attrs = {}) {
  return h('span', { class: 'metric-value', 'data-value': v === null || v === undefined ? 'null' : String(v), ...attrs },
    num(v, decimals));
}

export function severity(s) {
  return h('span', { class: `sev sev-${String(s || '').toLowerCase()}` }, s || '—');
}

export function slaStatus(s) {
  return h('span', { class: `sla sla-${String(s || '').toLowerCase().replace('_', '-')}` }, (s || '—').replace('_', ' '));
}

export function ts(v) {
  if (!v) return '—';
  // The API's UTC form, shortened to the minute: "2026-11-23 07:00Z".
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(v);
  return h('time', { datetime: v, title: v }, m ? `${m[1]} ${m[2]}Z` : v);
}

export function zone(z) {
  return h('span', { class: 'zone' }, z || '—');
}

export function bool(v) {
  if (v === null || v === undefined) return '—';
  return v ? 'yes' : 'no';
}
