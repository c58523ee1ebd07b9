// A tiny DOM builder. Text always goes in as text nodes (never innerHTML): titles and
// descriptions come from security tools and may contain markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// A table from rows and column specs {key, label, render?, num?, sortable?}.
export function table(columns, rows, opts = {}) {
  const head = h('tr', {}, columns.map((c) => {
    const th = h('th', { scope: 'col', class: c.num ? 'num' : '', 'data-col': c.key }, c.label);
    if (opts.onSort && c.sortable !== false) {
      th.classList.add('sortable');
      th.tabIndex = 0;
      const active = opts.sort === c.key;
      th.setAttribute('aria-sort', active ? (opts.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      if (active) th.append(h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, opts.dir === 'asc' ? ' ▲' : ' ▼'));
      const go = () => opts.onSort(c.key);
      th.addEventListener('click', go);
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
    }
    return th;
  }));
  const body = rows.map((r, i) => {
    const tr = h('tr', opts.rowAttrs ? opts.rowAttrs(r, i) : {});
    for (const c of columns) {
      const v = c.render ? c.render(r) : r[c.key];
      tr.append(h('td', { class: c.num ? 'num' : '', 'data-col': c.key }, v));
    }
    return tr;
  });
  return h('table', { class: 'data ' + (opts.class || ''), ...(opts.attrs || {}) },
    opts.caption ? h('caption', {}, opts.caption) : null,
    h('thead', {}, head), h('tbody', {}, body));
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}
