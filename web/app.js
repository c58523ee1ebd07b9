// The dashboard's router. Every view has a shareable URL (a hash route, so the gateway serves
// one page): #/overview, #/triage?severity=HIGH&sort=days_open&dir=desc, #/exposure/KEY,
// #/trend, #/atlas, #/redteam, #/assets. A view is a module whose render(ctx) returns a node;
// it reads only the HTTP API.

import { h } from './lib/dom.js';
import { ApiError } from './lib/api.js';
import * as overview from './views/overview.js';
import * as triage from './views/triage.js';
import * as exposure from './views/exposure.js';
import * as trend from './views/trend.js';
import * as atlas from './views/atlas.js';
import * as redteam from './views/redteam.js';
import * as assets from './views/assets.js';

const VIEWS = { overview, triage, exposure, trend, atlas, redteam, assets };

export function parseHash(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const name = parts.shift() || 'overview';
  return { name, parts, params: new URLSearchParams(query) };
}

// Rewrites the current view's query (filters, sort) without adding a history entry per click.
function replaceParams(name, parts, params) {
  const q = params.toString();
  const path = [name, ...parts.map(encodeURIComponent)].join('/');
  history.replaceState(null, '', `#/${path}${q ? '?' + q : ''}`);
}

let generation = 0;

async function show() {
  const mine = ++generation;
  const { name, parts, params } = parseHash(location.hash);
  const main = document.getElementById('view');
  const view = VIEWS[name];
  for (const a of document.querySelectorAll('#nav a')) {
    const current = a.dataset.view === name || (name === 'exposure' && a.dataset.view === 'triage');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.removeAttribute('data-ready');
  if (!view) {
    main.replaceChildren(h('section', { class: 'error' }, h('h1', {}, 'Unknown view'),
      h('p', {}, `There is no view “${name}”. `, h('a', { href: '#/overview' }, 'Go to the overview'))));
    main.dataset.ready = 'error';
    return;
  }
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  const ctx = {
    parts,
    params,
    setParams: (p) => replaceParams(name, parts, p),
    isCurrent: () => mine === generation,
  };
  try {
    const node = await view.render(ctx);
    if (mine !== generation) return;  // the user moved on while this view loaded
    main.replaceChildren(node);
    document.title = `${view.title(ctx)} · ALUSKORT CTEM`;
    main.dataset.ready = name;
  } catch (e) {
    if (mine !== generation) return;
    // An API answer (404 for an unknown key, 503) is shown, not logged: it is not a bug.
    if (!(e instanceof ApiError)) console.error(e);
    main.replaceChildren(h('section', { class: 'error' }, h('h1', {}, view.title(ctx)),
      h('p', {}, `Could not load: ${e.message}`), e.path ? h('p', { class: 'muted' }, `GET ${e.path}`) : null));
    main.dataset.ready = 'error';
  }
}

function largeText(on) {
  document.documentElement.classList.toggle('large', on);
  const b = document.getElementById('large-toggle');
  b.setAttribute('aria-pressed', String(on));
  try { localStorage.setItem('ctem.large', on ? '1' : '0'); } catch { /* private mode */ }
}

function start() {
  let large = false;
  try { large = localStorage.getItem('ctem.large') === '1'; } catch { /* private mode */ }
  // ?large=1 in the page URL (before the #) switches it on for a shared projector link.
  if (new URLSearchParams(location.search).get('large') === '1') large = true;
  largeText(large);
  document.getElementById('large-toggle').addEventListener('click', () => {
    largeText(!document.documentElement.classList.contains('large'));
    // Charts size themselves to the text; draw them again.
    show();
  });
  window.addEventListener('hashchange', show);
  if (!location.hash) history.replaceState(null, '', '#/overview');
  show();
}

start();
