// Small DOM helpers shared by the pages: element building, number and time formatting, a
// sortable table, and readable API errors.

// An HTML element. `attrs`: `class`, `text`, `on` ({event: fn}), `dataset`, anything else as an
// attribute (booleans toggle). Children may be strings, nodes, arrays, or null (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

const missing = (x) => x === null || x === undefined || Number.isNaN(x);

export const usd = (x, digits = 2) => (missing(x) ? '–' : '$' + Number(x).toFixed(digits));
// At most `digits` decimals, trailing zeros dropped: 2.50 -> "2.5", 40 -> "40".
export const num = (x, digits = 2) => (missing(x) ? '–'
  : Number(x).toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));

export function hours(x) {
  if (missing(x)) return '–';
  const a = Math.abs(x);
  if (a < 1) return `${Math.round(x * 60)} min`;
  return `${Number(x).toFixed(a < 10 ? 1 : 0)} h`;
}

const pad = (n) => String(n).padStart(2, '0');

// Unix seconds as "2023-11-14 22:13Z" (UTC: the broker's clock may run faster than real time,
// and far ahead of it, so years past 9999 are written plainly).
export function utc(unix) {
  if (missing(unix)) return '–';
  const d = new Date(unix * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}Z`;
}

// A definition list of [label, value] pairs, each pair kept together when the grid wraps.
export function facts(pairs, attrs = {}) {
  return h('dl', { class: 'facts', ...attrs }, pairs.filter(Boolean).map(([k, v]) => h('div', {},
    h('dt', { text: k }), h('dd', {}, v))));
}

export function stateBadge(state) {
  return h('span', { class: 'badge state-' + state, text: state });
}

// An API error as a block: the message, and the JSON paths with their messages when given.
export function errorView(err) {
  const status = err.status ? ` (HTTP ${err.status}${err.code ? ', ' + err.code : ''})` : '';
  const box = h('div', { class: 'error-box', role: 'alert' }, h('p', { text: (err.message || String(err)) + status }));
  if (err.details && err.details.length) {
    box.append(h('ul', {}, err.details.map((d) => h('li', {}, h('code', { text: d.path }), ': ' + d.message))));
  }
  return box;
}

// Replaces the children of `el` with `err` shown readably (or clears it when null).
export function showError(el, err) {
  el.replaceChildren(...(err ? [errorView(err)] : []));
}

// A table with clickable headers that sort it. columns: [{key, label, num, value(row), render(row)}].
// `rowAttrs(row)` gives each <tr>'s attributes. Sorting is client-side and keeps the order stable.
export function sortableTable({ columns, rows, caption, rowAttrs = () => ({}), initial }) {
  const table = h('table', { class: 'data' });
  if (caption) table.append(h('caption', { text: caption }));
  const thead = h('thead');
  const tbody = h('tbody');
  let sortKey = initial ? initial.key : null;
  let dir = initial ? initial.dir : 1;
  const valueOf = (col, row) => (col.value ? col.value(row) : row[col.key]);
  const draw = () => {
    const col = columns.find((c) => c.key === sortKey);
    const sorted = col ? [...rows].sort((a, b) => compare(valueOf(col, a), valueOf(col, b)) * dir) : rows;
    tbody.replaceChildren(...sorted.map((row) => h('tr', rowAttrs(row), columns.map((c) => {
      const content = c.render ? c.render(row) : valueOf(c, row);
      return h('td', { class: c.num ? 'num' : null }, content === null || content === undefined ? '–' : content);
    }))));
    thead.replaceChildren(h('tr', {}, columns.map((c) => h('th', {
      scope: 'col', class: c.num ? 'num' : null,
      'aria-sort': c.key === sortKey ? (dir > 0 ? 'ascending' : 'descending') : null,
    }, h('button', { type: 'button', class: 'sort', dataset: { key: c.key }, on: { click: () => {
      dir = sortKey === c.key ? -dir : 1;
      sortKey = c.key;
      draw();
    } } }, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true',
      text: c.key === sortKey ? (dir > 0 ? ' ▲' : ' ▼') : '' }))))));
  };
  draw();
  table.append(thead, tbody);
  return table;
}

function compare(a, b) {
  const na = a === null || a === undefined;
  const nb = b === null || b === undefined;
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;  // blanks last
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

// A labelled form control.
export function field(label, control, hint) {
  return h('label', {}, h('span', { text: label }), control, hint ? h('small', { class: 'muted', text: hint }) : null);
}

// Runs `fn` once calls have stopped for `ms` (with the last call's arguments).
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
