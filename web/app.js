// skybroker dashboard: talks to the REST API only.
'use strict';

const $ = (sel) => document.querySelector(sel);
const fmt = (x, d = 3) => (x === null || x === undefined ? '-' : Number(x).toFixed(d));

function cell(text, numeric) {
  const td = document.createElement('td');
  td.textContent = text;
  if (numeric) td.className = 'num';
  return td;
}

async function api(path, options) {
  const res = await fetch(path, options);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error((body.error && body.error.message) || res.statusText);
    err.details = (body.error && body.error.details) || [];
    throw err;
  }
  return body;
}

async function searchOffers(event) {
  if (event) event.preventDefault();
  const params = new URLSearchParams();
  for (const [k, v] of new FormData($('#offers-form'))) if (v) params.set(k, v);
  $('#offers-error').textContent = '';
  const tbody = $('#offers-table tbody');
  tbody.replaceChildren();
  try {
    const data = await api('/v1/offers?' + params);
    for (const o of data.offers) {
      const tr = document.createElement('tr');
      tr.append(cell(o.accelerator || '-'), cell(o.accelerator_count || '-', true), cell(o.provider),
        cell(o.instance_type), cell(o.accelerator_memory_gb ? o.accelerator_memory_gb + ' GB' : '-', true),
        cell(o.vcpus, true), cell(fmt(o.price_per_hour), true),
        cell(fmt(o.price_per_accelerator_hour), true), cell(o.market),
        cell(o.zone ? o.region + '/' + o.zone : o.region));
      tbody.append(tr);
    }
    $('#status').textContent = `${data.offers.length} of ${data.total} offers`;
  } catch (e) {
    $('#offers-error').textContent = e.message;
  }
}

function showPlan(plan) {
  const out = $('#plan-result');
  out.replaceChildren();
  const p = document.createElement('p');
  p.className = 'totals';
  p.textContent = plan.status === 'infeasible'
    ? 'infeasible: ' + (plan.infeasible_reasons || []).join('; ')
    : `${plan.status}: total $${fmt(plan.total_cost_usd, 2)} (compute $${fmt(plan.compute_cost_usd, 2)},` +
      ` egress $${fmt(plan.egress_cost_usd, 2)}), makespan ${fmt(plan.makespan_hours, 2)} h`;
  out.append(p);
  const table = document.createElement('table');
  table.innerHTML = '<thead><tr><th>Stage</th><th>Provider</th><th>Region/zone</th><th>Instance</th>' +
    '<th>Market</th><th>Start h</th><th>End h</th><th>Cost</th></tr></thead>';
  const tbody = document.createElement('tbody');
  for (const s of plan.stages || []) {
    const tr = document.createElement('tr');
    tr.append(cell(s.name), cell(s.provider), cell(s.zone ? s.region + '/' + s.zone : s.region),
      cell(s.instance_type), cell(s.market), cell(fmt(s.start_hours, 2), true),
      cell(fmt(s.end_hours, 2), true), cell('$' + fmt(s.cost_usd, 2), true));
    tbody.append(tr);
  }
  table.append(tbody);
  out.append(table);
}

async function plan() {
  const errors = $('#plan-errors');
  errors.replaceChildren();
  $('#plan-result').replaceChildren();
  try {
    showPlan(await api('/v1/plans', { method: 'POST', body: $('#spec').value,
      headers: { 'Content-Type': 'application/json' } }));
  } catch (e) {
    const items = e.details.length ? e.details.map((d) => `${d.path}: ${d.message}`) : [e.message];
    for (const text of items) {
      const li = document.createElement('li');
      li.textContent = text;
      errors.append(li);
    }
  }
}

async function loadExample() {
  const res = await fetch('/examples/quickstart.json');
  $('#spec').value = res.ok ? await res.text() : '';
}

$('#offers-form').addEventListener('submit', searchOffers);
$('#plan-btn').addEventListener('click', plan);
$('#load-example').addEventListener('click', loadExample);
searchOffers();
