// Views of one plan (the JSON of POST /v1/plans): a summary, a Gantt chart of stages and
// transfers, the cost breakdown (compute vs egress, per stage), the matrix of data moved
// between locations, and the cost–deadline frontier.
import { barChart, legend, lineChart, timeline } from './chart.js';
import { facts as factList, h, hours, num, sortableTable, usd } from './dom.js';

const marketClass = (m) => 's-' + String(m || 'on_demand').replace('_', '');
const place = (s) => `${s.provider}:${s.region}${s.zone ? '/' + s.zone : ''}`;

function summary(plan) {
  const facts = [
    ['Status', plan.status],
    ['Total', usd(plan.total_cost_usd)],
    ['Compute', usd(plan.compute_cost_usd)],
    ['Egress', usd(plan.egress_cost_usd)],
    ['Makespan', hours(plan.makespan_hours)],
    ['Deadline', plan.deadline_hours == null ? 'none' : hours(plan.deadline_hours)],
    ['Budget', plan.budget_usd == null ? 'none' : usd(plan.budget_usd)],
  ];
  const dl = factList(facts, { id: 'plan-summary' });
  const reasons = plan.infeasible_reasons || [];
  return [dl, reasons.length ? h('ul', { class: 'error', id: 'plan-infeasible' }, reasons.map((r) => h('li', { text: r }))) : null];
}

// When each transfer runs: after its source stage (inputs at time 0), for its `hours`.
function transferBars(plan) {
  const ends = new Map((plan.stages || []).map((s) => [s.name, s.end_hours]));
  return (plan.transfers || []).map((t, i) => {
    const start = ends.get(t.from) ?? 0;
    return { row: 't' + i, name: `${t.from} → ${t.to}`, start, end: start + Math.max(t.hours, 0), cls: 's-transfer',
      label: `${num(t.gb)} GB`, title: `${t.from} → ${t.to}: ${num(t.gb)} GB ${t.src} → ${t.dst}, ` +
        `${hours(t.hours)}, ${usd(t.cost_usd)}` };
  });
}

export function gantt(plan) {
  const stages = plan.stages || [];
  const rows = stages.map((s) => ({ id: s.name, label: s.name }));
  const bars = stages.map((s) => ({ row: s.name, start: s.start_hours, end: s.end_hours, cls: marketClass(s.market),
    label: `${place(s)} · ${s.market.replace('_', '-')}`,
    title: `${s.name}: ${s.instance_type} at ${place(s)}, ${s.market}, ${hours(s.start_hours)} → ` +
      `${hours(s.end_hours)}, ${usd(s.cost_usd)}` }));
  // Transfers of no data take no time: left out of the chart.
  const moved = transferBars(plan).filter((b, i) => plan.transfers[i].gb > 0);
  for (const b of moved) rows.push({ id: b.row, label: b.name });
  const guides = plan.deadline_hours == null ? [] : [{ at: plan.deadline_hours, label: `deadline ${hours(plan.deadline_hours)}` }];
  const chart = timeline({ rows, bars: [...bars, ...moved], guides,
    label: `Gantt chart of the plan: ${stages.length} stages and ${moved.length} transfers over ` +
      `${hours(plan.makespan_hours)}`, xFormat: (v) => `${num(v, 1)} h` });
  chart.id = 'plan-gantt';
  return h('section', { class: 'panel' }, h('h3', { text: 'Schedule' }),
    legend([{ name: 'on-demand', cls: 's-ondemand' }, { name: 'spot', cls: 's-spot' },
      { name: 'reserved', cls: 's-reserved' }, { name: 'transfer', cls: 's-transfer' }]), chart);
}

// Egress is charged to the stage that receives the data ("output" for deliveries).
function costRows(plan) {
  const rows = (plan.stages || []).map((s) => ({ name: s.name, compute: s.cost_usd, egress: 0, where: place(s),
    instance: s.instance_type, market: s.market }));
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const t of plan.transfers || []) {
    let row = byName.get(t.to);
    if (!row) {
      row = { name: t.to, compute: 0, egress: 0, where: t.dst, instance: null, market: null };
      byName.set(t.to, row);
      rows.push(row);
    }
    row.egress += t.cost_usd;
  }
  return rows;
}

export function costBreakdown(plan) {
  const rows = costRows(plan);
  const chart = barChart({ label: `Cost per stage: compute ${usd(plan.compute_cost_usd)}, egress ` +
    `${usd(plan.egress_cost_usd)}`, format: (v) => usd(v), bars: rows.map((r) => ({ label: r.name, segments: [
    { value: r.compute, cls: 's-compute', name: 'compute' }, { value: r.egress, cls: 's-egress', name: 'egress' }] })) });
  chart.id = 'plan-costs';
  const table = sortableTable({ rows, caption: 'Cost per stage (egress counted where the data arrives)', columns: [
    { key: 'name', label: 'Stage' }, { key: 'where', label: 'Where' }, { key: 'instance', label: 'Instance' },
    { key: 'market', label: 'Market' },
    { key: 'compute', label: 'Compute', num: true, render: (r) => usd(r.compute) },
    { key: 'egress', label: 'Egress', num: true, render: (r) => usd(r.egress) },
    { key: 'total', label: 'Total', num: true, value: (r) => r.compute + r.egress, render: (r) => usd(r.compute + r.egress) }] });
  return h('section', { class: 'panel' }, h('h3', { text: 'Cost breakdown' }),
    legend([{ name: 'compute', cls: 's-compute' }, { name: 'egress', cls: 's-egress' }]), chart, table);
}

// Sources × destinations, each cell the GB moved and what it costs, shaded by GB.
export function transferMatrix(plan) {
  const transfers = plan.transfers || [];
  const section = h('section', { class: 'panel' }, h('h3', { text: 'Data movement' }));
  if (transfers.length === 0) {
    section.append(h('p', { class: 'muted', text: 'No data moves.' }));
    return section;
  }
  const srcs = [...new Set(transfers.map((t) => t.src))].sort();
  const dsts = [...new Set(transfers.map((t) => t.dst))].sort();
  const cell = new Map();
  for (const t of transfers) {
    const key = t.src + '\u0000' + t.dst;
    const c = cell.get(key) || { gb: 0, usd: 0, what: [] };
    c.gb += t.gb;
    c.usd += t.cost_usd;
    c.what.push(`${t.from} → ${t.to}`);
    cell.set(key, c);
  }
  const max = Math.max(...[...cell.values()].map((c) => c.gb)) || 1;
  const table = h('table', { class: 'matrix', id: 'plan-matrix' },
    h('caption', { text: 'GB moved from each location (rows) to each location (columns), and its egress cost' }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'from \\ to' }), dsts.map((d) => h('th', { scope: 'col', text: d })))),
    h('tbody', {}, srcs.map((src) => h('tr', {}, h('th', { scope: 'row', text: src }), dsts.map((dst) => {
      const c = cell.get(src + '\u0000' + dst);
      if (!c) return h('td', { class: 'empty', text: '·' });
      const td = h('td', { title: c.what.join(', '), style: `--heat:${(0.12 + 0.6 * c.gb / max).toFixed(2)}` },
        h('strong', { text: `${num(c.gb)} GB` }), h('br'), h('small', { text: usd(c.usd) }));
      td.className = 'heat';
      return td;
    })))));
  section.append(h('div', { class: 'scroll' }, table));
  return section;
}

export function renderPlan(plan) {
  return h('div', { class: 'plan', dataset: { status: plan.status } }, summary(plan),
    (plan.stages || []).length ? [gantt(plan), costBreakdown(plan), transferMatrix(plan)] : null);
}

// The frontier's plans as cost over makespan; a click on a point shows that plan.
export function frontierChart(plans, onPick) {
  const points = plans.map((p, i) => ({ x: p.makespan_hours, y: p.total_cost_usd, key: i,
    title: `${hours(p.makespan_hours)} for ${usd(p.total_cost_usd)} (${p.status}) — show this plan` }));
  const select = (i) => {
    for (const dot of chart.querySelectorAll('.dot')) dot.classList.toggle('selected', dot.dataset.key === String(i));
    onPick(i);
  };
  const chart = lineChart({ series: [{ name: 'plans', cls: 's-frontier', points }], onPoint: (p) => select(p.key),
    label: `Cost–deadline frontier: ${plans.length} plans from ${hours(Math.min(...points.map((p) => p.x)))} ` +
      `to ${hours(Math.max(...points.map((p) => p.x)))}`, xFormat: (v) => `${num(v, 1)} h`, yFormat: (v) => usd(v, 0),
    xTitle: 'makespan (h)', yTitle: 'total cost', yZero: false });
  chart.id = 'plan-frontier';
  chart.select = select;
  return h('section', { class: 'panel' }, h('h3', { text: 'Cost–deadline frontier' }),
    h('p', { class: 'muted', text: 'Each point is the cheapest plan that meets a tighter deadline. Select a point to see its plan.' }),
    chart);
}
