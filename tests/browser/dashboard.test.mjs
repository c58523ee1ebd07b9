// Browser test of the dashboard (issue 8). Loads the demo data set at a pinned time, serves it
// with `ctem serve --port 0`, drives Debian's Chromium headless through playwright-core, opens
// every view and checks that every number shown equals the API's, sorts and filters the triage
// queue (and reloads its shareable URL), opens an exposure, and writes a screenshot of every
// view to $CTEM_BROWSER_ARTIFACTS.
//
// Run through CTest (label "browser"), or by hand:
//   CTEM_BINARY=build-test/ctem node tests/browser/dashboard.test.mjs
// and to refresh the README's screenshots (then pngquant them):
//   CTEM_README_IMG=docs/img CTEM_BINARY=build-test/ctem node tests/browser/dashboard.test.mjs
// Exit 77 (CTest: skipped) when Chromium or node_modules are missing, unless
// CTEM_REQUIRE_SERVERS=1, where that is a failure.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE_DIR = process.env.CTEM_SOURCE_DIR || path.resolve(HERE, '../..');
const CTEM = path.resolve(process.env.CTEM_BINARY || path.join(SOURCE_DIR, 'build-test/ctem'));
const CHROMIUM = process.env.CTEM_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.CTEM_BROWSER_ARTIFACTS || path.join(SOURCE_DIR, 'build-test/browser-artifacts');
const NOW = '2026-11-23T07:00:00Z';
const GRAPH = `file:${path.join(SOURCE_DIR, 'data/demo/graph.yaml')}`;
const REQUIRE = process.env.CTEM_REQUIRE_SERVERS === '1';

function unavailable(reason) {
  if (REQUIRE) {
    console.error(`browser test: ${reason} (CTEM_REQUIRE_SERVERS=1, so this fails)`);
    process.exit(1);
  }
  console.log(`browser test: SKIPPED: ${reason}`);
  process.exit(77);
}

if (!existsSync(CHROMIUM)) unavailable(`no Chromium at ${CHROMIUM} (apt-get install chromium; scripts/install-deps)`);
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  unavailable(`playwright-core is not installed (cd tests/browser && npm ci): ${e.message}`);
}
if (!existsSync(CTEM)) unavailable(`no ctem binary at ${CTEM}`);

// ---- fixture: demo data, a server, a browser ----------------------------------------------

let dir;
let server;
let base;
let browser;
let page;
let token;  // a read token (docs/security.md): the dashboard takes it from the URL fragment
const pageErrors = [];
const foreignRequests = [];

function startServer() {
  return new Promise((resolve, reject) => {
    const args = ['--store', `sqlite:${path.join(dir, 'ctem.db')}`, '--now', NOW, '--graph', GRAPH,
      'serve', '--host', '127.0.0.1', '--port', '0', '--linger-ms', '5'];
    server = spawn(CTEM, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`ctem serve did not start in 60 s: ${err}`)), 60000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = /"listening":"[^"]*:(\d+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    server.stderr.on('data', (d) => { err += d; });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`ctem serve exited ${code}: ${err}`)); });
  });
}

function authed(p) {
  return fetch(base + p, { headers: { Authorization: `Bearer ${token}` } });
}

async function api(p) {
  const res = await authed(p);
  assert.equal(res.status, 200, `GET ${p}`);
  return res.json();
}

async function open(hash, view) {
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector(`#view[data-ready="${view}"]`, { timeout: 30000 });
}

// CTEM_README_IMG=docs/img also writes the first screen of a view there (the README's pictures).
async function shot(name, { readme = false } = {}) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (readme && process.env.CTEM_README_IMG) {
    await page.screenshot({ path: path.join(process.env.CTEM_README_IMG, `dashboard-${name}.png`) });
  }
}

// The exact value behind a shown number (data-value) and the text shown must both equal the API's.
async function metricOf(selector) {
  const el = page.locator(selector);
  assert.equal(await el.count(), 1, `one element ${selector}`);
  const inner = el.locator('.metric-value');
  const target = (await inner.count()) === 1 ? inner : el;
  return { value: await target.getAttribute('data-value'), text: (await target.innerText()).trim() };
}

async function expectMetric(selector, expected) {
  const { value, text } = await metricOf(selector);
  assert.equal(value, String(expected), `${selector}: data-value`);
  if (expected === null) assert.equal(text, '—', `${selector}: text`);
  else assert.equal(Number(text), expected, `${selector}: text "${text}"`);
}

// The data-key of every row of a table, in order.
function rowKeys(table) {
  return page.locator(`table[data-table="${table}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
}

async function cellMetric(table, key, col) {
  return metricOf(`table[data-table="${table}"] tbody tr[data-key="${key}"] td[data-col="${col}"]`);
}

async function expectCell(table, key, col, expected) {
  const { value, text } = await cellMetric(table, key, col);
  assert.equal(value, String(expected), `${table} ${key} ${col}`);
  if (expected !== null) assert.equal(Number(text.replace('%', '')), expected, `${table} ${key} ${col}: "${text}"`);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ctem-browser-'));
  execFileSync(CTEM, ['--store', `sqlite:${path.join(dir, 'ctem.db')}`, '--now', NOW, '--graph', GRAPH, 'demo'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  token = execFileSync(CTEM, ['--store', `sqlite:${path.join(dir, 'ctem.db')}`, 'token', 'create', '--scope', 'read'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  base = `http://127.0.0.1:${await startServer()}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  // Works offline: the dashboard asks nothing of any host but the gateway.
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreignRequests.push(r.url()); });
  // The token arrives in the fragment (never sent to the server in a URL); the page keeps it in
  // sessionStorage for this tab and drops it from the address bar.
  await page.goto(`${base}/#token=${token}`);
  await page.waitForSelector('#view[data-ready="overview"]', { timeout: 30000 });
  assert.ok(!page.url().includes(token), `the token left the address bar: ${page.url()}`);
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- the views ----------------------------------------------------------------------------

describe('dashboard', () => {
  test('the gateway serves the dashboard and its chart library at / with no --web-root', async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/html/);
    assert.match(await res.text(), /ALUSKORT/);
    const lib = await fetch(`${base}/vendor/uPlot.iife.min.js`);
    assert.equal(lib.status, 200);
    assert.match(lib.headers.get('content-type'), /javascript/);
    assert.equal((await fetch(`${base}/no-such-file.js`)).status, 404);
    assert.equal((await fetch(`${base}/api/ctem/no-such-route`)).status, 404);
    // The shell is public; the data is not.
    const anonymous = await fetch(`${base}/api/ctem/reports/triage`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') || '', /^Bearer/);
  });

  test('overview: severity counts, SLA compliance, MTTR, breaches, at-risk, tools and gaps equal the API', async () => {
    await open('#/overview', 'overview');
    const weekly = await api('/api/ctem/reports/weekly-metrics');
    const breaches = await api('/api/ctem/reports/sla-breaches');
    const atRisk = await api('/api/ctem/reports/sla-at-risk');
    const redTeam = await api('/api/ctem/reports/red-team');
    for (const [sev, n] of Object.entries(weekly.open_exposures)) await expectMetric(`[data-metric="open_exposures.${sev}"]`, n);
    await expectMetric('[data-metric="open_total"]', Object.values(weekly.open_exposures).reduce((a, b) => a + b, 0));
    await expectMetric('[data-metric="sla_compliance_rate"]', weekly.sla_compliance_rate);
    await expectMetric('[data-metric="mttr_all_hours"]', weekly.mttr_all_hours);
    await expectMetric('[data-metric="mttr_critical_hours"]', weekly.mttr_critical_hours);
    await expectMetric('[data-metric="attack_path_current_month"]', weekly.attack_path_current_month);
    await expectMetric('[data-metric="attack_path_prior_month"]', weekly.attack_path_prior_month);
    await expectMetric('[data-metric="sla_breaches"]', breaches.length);
    await expectMetric('[data-metric="sla_at_risk"]', atRisk.length);
    assert.ok(breaches.length > 0, 'the demo has SLA breaches');
    for (const [tool, n] of Object.entries(weekly.tool_coverage)) await expectMetric(`[data-metric="tool_coverage.${tool}"]`, n);
    assert.equal(await page.locator('[data-metric-group="tool_coverage"] .bar-row').count(), Object.keys(weekly.tool_coverage).length);
    assert.equal(await page.locator('[data-metric="report_date"]').innerText(), weekly.report_date);
    // Latest detection gaps: each campaign's gap counts.
    assert.deepEqual(await rowKeys('campaign-gaps'), redTeam.map((c) => c.campaign_id));
    for (const c of redTeam) {
      const gaps = await api(`/api/ctem/reports/campaign-gaps?campaign=${encodeURIComponent(c.campaign_id)}`);
      for (const f of ['exploitable', 'detected', 'critical_gaps', 'detection_gaps', 'timing_gaps']) {
        await expectCell('campaign-gaps', c.campaign_id, f, gaps[f]);
      }
    }
    const newGaps = await api('/api/ctem/reports/new-gaps');
    assert.equal(await page.locator('table[data-table="new-gaps"] tbody tr').count(), newGaps.length);
    // Breaches by escalation: hours overdue per exposure.
    assert.deepEqual(await rowKeys('sla-breaches'), breaches.map((b) => b.exposure_key));
    for (const b of breaches) await expectCell('sla-breaches', b.exposure_key, 'hours_overdue', b.hours_overdue);
    await shot('overview', { readme: true });
  });

  test('triage queue: rows, scores and runtime marks equal the API; sort and filter; the URL is shareable', async () => {
    await open('#/triage', 'triage');
    const rows = await api('/api/ctem/reports/triage');
    const correlation = await api('/api/ctem/reports/correlation');
    assert.ok(rows.length > 5, 'the demo fills the triage queue');
    assert.deepEqual(await rowKeys('triage'), rows.map((r) => r.exposure_key), 'the report order');
    for (const r of rows) {
      await expectCell('triage', r.exposure_key, 'adjusted_score', r.adjusted_score);
      await expectCell('triage', r.exposure_key, 'days_open', r.days_open);
      await expectCell('triage', r.exposure_key, 'triage_priority', r.triage_priority);
      const tr = page.locator(`table[data-table="triage"] tbody tr[data-key="${r.exposure_key}"]`);
      assert.equal(await tr.locator('td[data-col="sla_status"]').innerText(), r.sla_status.replace('_', ' '));
      assert.equal(await tr.locator('td[data-col="source_tool"]').innerText(), r.source_tool);
      assert.equal(await tr.locator('td[data-col="asset_zone"]').innerText(), r.asset_zone);
      const correlated = r.runtime_alerts !== null || correlation.some((c) => c.exposure_key === r.exposure_key);
      assert.equal(await tr.getAttribute('data-correlated'), correlated ? '1' : '0', `runtime mark of ${r.exposure_key}`);
    }
    const correlatedKeys = rows.filter((r) => r.runtime_alerts !== null).map((r) => r.exposure_key);
    assert.ok(correlatedKeys.length > 0, 'the demo has runtime-correlated exposures');
    assert.equal(await page.locator('tr[data-correlated="1"] .runtime-badge').count(), await page.locator('tr[data-correlated="1"]').count());
    await shot('triage', { readme: true });

    // Sort by days open: descending, then ascending; ties keep the report's order.
    const byDays = (dir) => rows.map((r, i) => [r, i])
      .sort(([a, i], [b, j]) => (a.days_open === b.days_open ? i - j : (a.days_open - b.days_open) * dir)).map(([r]) => r.exposure_key);
    await page.click('table[data-table="triage"] th[data-col="days_open"]');
    assert.match(page.url(), /sort=days_open&dir=desc/);
    assert.deepEqual(await rowKeys('triage'), byDays(-1));
    await page.click('table[data-table="triage"] th[data-col="days_open"]');
    assert.match(page.url(), /dir=asc/);
    assert.deepEqual(await rowKeys('triage'), byDays(1));
    assert.equal(await page.locator('th[data-col="days_open"]').getAttribute('aria-sort'), 'ascending');

    // Filters, one after another, each reflected in the URL.
    const expectShown = async (pred, what) => {
      const want = byDays(1).filter((k) => pred(rows.find((r) => r.exposure_key === k)));
      assert.deepEqual(await rowKeys('triage'), want, what);
      assert.equal(await page.locator('.count').getAttribute('data-count'), String(want.length));
      return want;
    };
    await page.selectOption('select[data-filter="severity"]', 'CRITICAL');
    assert.match(page.url(), /severity=CRITICAL/);
    await expectShown((r) => r.severity === 'CRITICAL', 'severity filter');
    await page.selectOption('select[data-filter="sla"]', 'BREACHED');
    assert.match(page.url(), /sla=BREACHED/);
    await expectShown((r) => r.severity === 'CRITICAL' && r.sla_status === 'BREACHED', 'severity + SLA filter');
    const zone = rows.find((r) => r.severity === 'CRITICAL').asset_zone;
    await page.selectOption('select[data-filter="zone"]', zone);
    await expectShown((r) => r.severity === 'CRITICAL' && r.sla_status === 'BREACHED' && r.asset_zone === zone, 'zone filter');
    const tool = rows.find((r) => r.severity === 'CRITICAL' && r.asset_zone === zone).source_tool;
    await page.selectOption('select[data-filter="tool"]', tool);
    const pred = (r) => r.severity === 'CRITICAL' && r.sla_status === 'BREACHED' && r.asset_zone === zone && r.source_tool === tool;
    const filtered = await expectShown(pred, 'tool filter');
    assert.ok(filtered.length > 0);
    await shot('triage-filtered');

    // The shareable URL: a fresh page at it shows the same rows.
    const shared = page.url();
    await page.goto('about:blank');
    await page.goto(shared);
    await page.waitForSelector('#view[data-ready="triage"]');
    assert.deepEqual(await rowKeys('triage'), filtered, 'the shared URL restores filters and sort');
    assert.equal(await page.inputValue('select[data-filter="severity"]'), 'CRITICAL');

    // Runtime-correlated only.
    await open('#/triage?runtime=1', 'triage');
    const runtimeKeys = rows.filter((r) => r.runtime_alerts !== null || correlation.some((c) => c.exposure_key === r.exposure_key))
      .map((r) => r.exposure_key);
    assert.deepEqual(await rowKeys('triage'), runtimeKeys);
  });

  test('exposure detail: every field, the score explained, SLA and the timeline', async () => {
    await open('#/triage', 'triage');
    const rows = await api('/api/ctem/reports/triage');
    // A runtime-correlated exposure: its detail shows the boost too.
    const t = rows.find((r) => r.runtime_alerts !== null) || rows[0];
    await page.click(`a[data-open="${t.exposure_key}"]`);
    await page.waitForSelector('#view[data-ready="exposure"]');
    assert.ok(page.url().endsWith(`#/exposure/${t.exposure_key}`), page.url());
    const e = await api(`/api/ctem/exposures/${t.exposure_key}`);
    for (const [k, v] of Object.entries(e)) {
      const dd = page.locator(`[data-field-all="${k}"]`);
      assert.equal(await dd.count(), 1, `field ${k} shown`);
      if (typeof v === 'number') await expectMetric(`[data-field-all="${k}"]`, v);
      else if (typeof v === 'string' && v !== '' && !/^\d{4}-\d{2}-\d{2}T/.test(v)) assert.equal(await dd.innerText(), v, `field ${k}`);
    }
    await expectMetric('[data-field="exploitability_score"]', e.exploitability_score);
    await expectMetric('[data-field="ctem_score"]', e.ctem_score);
    await expectMetric('[data-field="adjusted_score"]', t.adjusted_score);
    await expectMetric('[data-field="days_open"]', t.days_open);
    assert.equal(await page.locator('[data-field="zone_source"]').innerText(), e.zone_source);
    assert.equal(await page.locator('[data-field="asset_zone"]').innerText(), e.asset_zone);
    assert.equal(await page.locator('[data-field="sla_status"]').innerText(), t.sla_status.replace('_', ' '));
    if (t.runtime_alerts !== null) assert.match(await page.locator('[data-panel="score"]').innerText(), /runtime ×1\.5/);

    const res = await authed(`/api/ctem/exposures/${t.exposure_key}/timeline`);
    if (res.status === 404) {
      assert.equal(await page.locator('[data-timeline="none"]').count(), 1, 'no timeline endpoint: "no timeline"');
    } else {
      assert.equal(res.status, 200);
      const tl = await res.json();
      for (const part of ['validations', 'remediations', 'audit']) {
        assert.equal(await page.locator(`table[data-table="${part}"] tbody tr`).count(), tl[part].length, part);
      }
    }
    await shot('exposure');

    // A Verified exposure (the demo's lodash fix) opens too, with no SLA status of its own.
    const verified = await api('/api/ctem/exposures?status=Verified');
    if (verified.length) {
      await open(`#/exposure/${verified[0].exposure_key}`, 'exposure');
      assert.equal(await page.locator('[data-field="status"]').innerText(), 'Verified');
    }
    // An unknown key is an error message, not a blank page.
    await page.goto(`${base}/#/exposure/0000000000000000`);
    await page.waitForSelector('#view[data-ready="error"]');
    assert.match(await page.locator('#view').innerText(), /no exposure with key/);
  });

  test('risk posture trend: weeks, scores and the trend label equal score-trend', async () => {
    await open('#/trend', 'trend');
    const weeks = await api('/api/ctem/reports/score-trend');
    assert.ok(weeks.length >= 2);
    assert.deepEqual(await rowKeys('score-trend'), weeks.map((w) => w.week));
    for (const w of weeks) {
      for (const f of ['total_exposures', 'critical_count', 'high_count', 'medium_count', 'low_count', 'avg_ctem_score',
        'max_ctem_score', 'risk_posture_score', 'week_over_week_change']) await expectCell('score-trend', w.week, f, w[f]);
      assert.equal(await page.locator(`table[data-table="score-trend"] tr[data-key="${w.week}"] td[data-col="trend"]`).innerText(), w.trend);
    }
    const latest = weeks[weeks.length - 1];
    assert.equal(await page.locator('[data-metric="trend"]').innerText(), latest.trend);
    await expectMetric('[data-metric="risk_posture_score"]', latest.risk_posture_score);
    assert.equal(await page.locator('[data-chart="score-trend"] canvas').count(), 1, 'the chart is drawn');
    await shot('trend');
  });

  test('ATLAS coverage matrix: counts and status per technique, non-standard IDs flagged', async () => {
    await open('#/atlas', 'atlas');
    const rows = await api('/api/ctem/reports/atlas-coverage');
    assert.deepEqual(await rowKeys('atlas-coverage'), rows.map((r) => r.atlas_technique));
    for (const r of rows) {
      await expectCell('atlas-coverage', r.atlas_technique, 'has_ctem_discovery', r.ctem_findings);
      await expectCell('atlas-coverage', r.atlas_technique, 'has_runtime_detection', r.runtime_alerts);
      await expectCell('atlas-coverage', r.atlas_technique, 'has_red_team_validation', r.validation_tests);
      await expectCell('atlas-coverage', r.atlas_technique, 'coverage_score', r.coverage_score);
      const tr = page.locator(`table[data-table="atlas-coverage"] tr[data-key="${r.atlas_technique}"]`);
      assert.equal(await tr.getAttribute('class'), `row-${r.coverage_status.toLowerCase()}`);
      assert.equal(await tr.locator('td[data-col="coverage_status"]').innerText(), r.coverage_status.replaceAll('_', ' '));
      assert.equal(await tr.locator('[data-flag="non_standard"]').count(), r.atlas_match === 'non_standard' ? 1 : 0, r.atlas_technique);
      if (r.atlas_official_id) assert.match(await tr.locator('td[data-col="atlas_official_id"]').innerText(), new RegExp(r.atlas_official_id.replaceAll('.', '\\.')));
    }
    assert.equal(rows.filter((r) => r.atlas_match === 'non_standard').length, 3);
    assert.ok(rows.some((r) => r.has_runtime_detection), 'the demo alerts give runtime detection');
    for (const s of ['FULL_COVERAGE', 'DETECTION_ONLY', 'DISCOVERY_ONLY', 'NO_COVERAGE']) {
      await expectMetric(`[data-legend="${s}"]`, rows.filter((r) => r.coverage_status === s).length);
    }
    await shot('atlas');
  });

  test('red-team campaigns: rates and gaps equal red-team and campaign-gaps', async () => {
    await open('#/redteam', 'redteam');
    const campaigns = await api('/api/ctem/reports/red-team');
    assert.ok(campaigns.length > 0);
    assert.deepEqual(await rowKeys('red-team'), campaigns.map((c) => c.campaign_id));
    for (const c of campaigns) {
      for (const f of ['total_tests', 'exploitable_findings', 'exploit_rate', 'evasion_rate', 'detection_rate', 'physical_consequence_count']) {
        await expectCell('red-team', c.campaign_id, f, c[f]);
      }
      const g = await api(`/api/ctem/reports/campaign-gaps?campaign=${encodeURIComponent(c.campaign_id)}`);
      for (const f of ['total_tests', 'exploitable', 'detected', 'detection_rate', 'critical_gaps', 'detection_gaps', 'timing_gaps']) {
        await expectCell('campaign-gaps', c.campaign_id, f, g[f]);
      }
    }
    await shot('redteam');
  });

  test('asset inventory: every asset under its zone, counts per zone', async () => {
    await open('#/assets', 'assets');
    const assets = await api('/api/ctem/reports/assets');
    const fresh = await api('/api/ctem/reports/new-assets');
    assert.ok(assets.length > 0, 'the demo telemetry gives an inventory');
    const zones = [...new Set(assets.map((a) => a.asset_zone))];
    for (const z of zones) {
      const inZone = assets.filter((a) => a.asset_zone === z);
      await expectMetric(`[data-metric="zone.${z}"]`, inZone.length);
      const keys = await page.locator(`[data-zone="${z}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
      assert.deepEqual(keys, inZone.map((a) => `${a.asset_type}|${a.asset_id}`), z);
    }
    await expectMetric('[data-metric="new_assets"]', fresh.length);
    await shot('assets');
  });

  test('large text for a projector, and nothing fetched from any other host', async () => {
    await open('#/overview', 'overview');
    const before = await page.locator('h1').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await page.click('#large-toggle');
    await page.waitForSelector('#view[data-ready="overview"]');
    assert.equal(await page.locator('html.large').count(), 1);
    const larger = await page.locator('h1').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(larger > before * 1.2, `${larger} > ${before}`);
    await shot('overview-large');
    await page.click('#large-toggle');
    assert.deepEqual(foreignRequests, [], 'requests to other hosts');
    assert.deepEqual(pageErrors.filter((e) => !/404/.test(e)), [], 'errors in the page');
  });
});
