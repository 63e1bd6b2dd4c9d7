// Offers page: a filter form over GET /v1/offers, the cheapest offer of each provider as cards
// (group_by=provider), a sortable table, and the price history of a selected offer beside its
// counterparts in the other market (GET /v1/offers/{id}/history).
import { api } from './api.js';
import { legend, lineChart } from './chart.js';
import { field, h, num, showError, sortableTable, usd } from './dom.js';

const LIMIT = 100;

function filterForm(onSubmit) {
  const input = (name, attrs = {}) => h('input', { name, id: 'f-' + name, autocomplete: 'off', ...attrs });
  const market = h('select', { name: 'market', id: 'f-market' },
    [['', 'any'], ['on_demand', 'on-demand'], ['spot', 'spot'], ['reserved', 'reserved']]
      .map(([v, t]) => h('option', { value: v, text: t })));
  return h('form', { class: 'filters', 'aria-label': 'Offer filters', on: { submit: (e) => {
    e.preventDefault();
    onSubmit(new FormData(e.target));
  } } },
  field('Accelerator', input('accelerator', { list: 'accelerator-names', value: 'A100', placeholder: 'H100' })),
  field('Count', input('count', { type: 'number', min: 1, step: 1, value: 8, inputmode: 'numeric' })),
  field('Market', market),
  field('Provider', input('provider', { placeholder: 'aws,gcp' })),
  field('Region', input('region', { placeholder: 'us-*' })),
  field('Max $/h', input('max_price', { type: 'number', min: 0, step: 'any' })),
  h('button', { type: 'submit', id: 'offers-search' }, 'Search'),
  h('datalist', { id: 'accelerator-names' }));
}

// The /v1/offers query of the form's values (without limit or grouping).
export function offerQuery(data) {
  const q = new URLSearchParams();
  const acc = (data.get('accelerator') || '').trim();
  const count = (data.get('count') || '').trim();
  if (acc) q.set('gpu', count ? `${acc}:${count}` : acc);
  for (const key of ['market', 'provider', 'region', 'max_price']) {
    const v = (data.get(key) || '').trim();
    if (v) q.set(key, v);
  }
  return q;
}

function providerCards(offers, groups) {
  const counts = new Map((groups || []).map((g) => [g.group, g.count]));
  return h('div', { class: 'cards', 'aria-label': 'Cheapest offer per provider', role: 'list' },
    offers.map((o) => h('article', { class: 'card', role: 'listitem', dataset: { provider: o.provider } },
      h('h3', { text: o.provider }),
      h('p', { class: 'big' }, usd(o.price_per_hour), h('small', { text: ' /h' })),
      h('p', { class: 'muted', text: `${o.instance_type} · ${o.market.replace('_', '-')}` }),
      h('p', { class: 'muted', text: o.zone ? `${o.region} / ${o.zone}` : o.region }),
      counts.has(o.provider) ? h('p', { class: 'muted', text: `${counts.get(o.provider)} matching offers` }) : null)));
}

function offersTable(offers, onSelect) {
  const columns = [
    { key: 'accelerator', label: 'Accelerator', render: (o) => o.accelerator || 'CPU' },
    { key: 'accelerator_count', label: 'Count', num: true },
    { key: 'provider', label: 'Provider' },
    { key: 'instance_type', label: 'Instance' },
    { key: 'where', label: 'Region / zone', value: (o) => (o.zone ? `${o.region}/${o.zone}` : o.region) },
    { key: 'market', label: 'Market' },
    { key: 'price_per_hour', label: '$/h', num: true, render: (o) => usd(o.price_per_hour, 3) },
    { key: 'price_per_accelerator_hour', label: '$/GPU-h', num: true, render: (o) => usd(o.price_per_accelerator_hour, 3) },
    { key: 'accelerator_memory_gb', label: 'GPU GB', num: true, render: (o) => num(o.accelerator_memory_gb, 0) },
    { key: 'vcpus', label: 'vCPUs', num: true, render: (o) => num(o.vcpus, 0) },
    { key: 'history', label: 'History', value: () => null, render: (o) => h('button', { type: 'button',
      class: 'link', 'aria-label': 'price history of ' + o.id, on: { click: () => onSelect(o) } }, 'chart') },
  ];
  return sortableTable({ columns, rows: offers, caption: 'Matching offers (click a header to sort)',
    rowAttrs: (o) => ({ dataset: { offerId: o.id, price: o.price_per_hour } }) });
}

// The offers of the same instance type and place in the other market (spot zones or on-demand).
async function counterparts(o) {
  const q = new URLSearchParams({ provider: o.provider, region: o.region, limit: '100',
    market: o.market === 'spot' ? 'on_demand' : 'spot' });
  if (o.accelerator) q.set('gpu', `${o.accelerator}:${o.accelerator_count}`);
  else q.set('cpu_only', 'true');
  const list = await api('/v1/offers?' + q);
  return list.offers.filter((x) => x.instance_type === o.instance_type).slice(0, 3);
}

async function historySeries(o, index) {
  const body = await api(`/v1/offers/${encodeURIComponent(o.id)}/history`);
  const points = (body.history || []).map((p) => ({ x: Date.parse(p.observed_at) / 1000, y: p.price_per_hour,
    title: `${p.observed_at}: ${usd(p.price_per_hour, 4)}/h (${p.source})` }));
  if (points.length === 0) points.push({ x: Date.parse(o.observed_at) / 1000, y: o.price_per_hour });
  const kind = o.market === 'spot' ? 'spot' : 'ondemand';
  const where = o.zone || o.region;
  return { name: `${o.market.replace('_', '-')} ${where}`, cls: `s-${kind}${index ? ' alt' + index : ''}`, points };
}

// Each series holds its last price up to the newest observation of any series (step chart).
function holdToEnd(series) {
  const end = Math.max(...series.flatMap((se) => se.points.map((p) => p.x)));
  for (const se of series) {
    const last = se.points.reduce((a, b) => (b.x > a.x ? b : a));
    if (last.x < end) se.points.push({ x: end, y: last.y, hold: true });
  }
  return series;
}

async function showHistory(panel, o) {
  panel.replaceChildren(h('h3', { text: `Price history: ${o.instance_type}, ${o.provider} ${o.zone || o.region}` }),
    h('p', { class: 'muted', text: 'Loading…' }));
  panel.dataset.offerId = o.id;
  try {
    const others = await counterparts(o);
    const offers = [o, ...others];
    const series = holdToEnd(await Promise.all(offers.map((x, i) => historySeries(x, i > 1 ? i - 1 : 0))));
    if (panel.dataset.offerId !== o.id) return;  // another offer was chosen meanwhile
    const chart = lineChart({ series, time: true, step: true, yZero: true, label:
      `Price per hour over time of ${o.instance_type} at ${o.provider} ${o.region}: on-demand and spot`,
    yFormat: (v) => usd(v), yTitle: '$/h' });
    const points = series.reduce((n, se) => n + se.points.filter((p) => !p.hold).length, 0);
    panel.replaceChildren(panel.firstChild, legend(series), chart,
      h('p', { class: 'muted', text: `${points} recorded prices (UTC). A price holds until the next observation.` }));
  } catch (e) {
    showError(panel, e);
  }
}

export function mount(root) {
  const error = h('div', { id: 'offers-error' });
  const cards = h('div', { id: 'offer-cards' });
  const history = h('section', { id: 'offer-history', class: 'panel', 'aria-live': 'polite' });
  const results = h('div', { id: 'offer-results' });
  const summary = h('p', { id: 'offers-summary', class: 'muted', role: 'status' });
  let seq = 0;
  const search = async (data) => {
    const my = ++seq;
    const q = offerQuery(data);
    const path = `/v1/offers?${q}${q.toString() ? '&' : ''}limit=${LIMIT}`;
    showError(error, null);
    summary.textContent = 'Searching…';
    try {
      const [page, best] = await Promise.all([api(path), api(`/v1/offers?${q}&group_by=provider&limit=50`)]);
      if (my !== seq) return;
      const table = offersTable(page.offers, (o) => showHistory(history, o));
      table.id = 'offers-table';
      table.dataset.query = path;
      results.replaceChildren(table);
      cards.replaceChildren(providerCards(best.offers, best.groups));
      summary.textContent = `${page.offers.length} of ${page.total} matching offers shown, cheapest first.`;
      if (page.offers.length) showHistory(history, page.offers[0]);
      else history.replaceChildren();
    } catch (e) {
      if (my !== seq) return;
      summary.textContent = '';
      results.replaceChildren();
      cards.replaceChildren();
      showError(error, e);
    }
  };
  const form = filterForm(search);
  root.append(h('h2', { text: 'Offers' }), form, error, summary,
    h('h3', { text: 'Cheapest per provider' }), cards, history, results);
  api('/v1/accelerators').then((body) => {
    form.querySelector('datalist').replaceChildren(...body.accelerators.map((a) => h('option', { value: a.name })));
  }).catch(() => {});  // suggestions only
  search(new FormData(form));
  return () => { seq++; };
}
