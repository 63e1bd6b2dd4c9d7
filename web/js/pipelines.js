// Pipelines page: the tenant's pipelines (GET /v1/pipelines) with state, progress, cost so far
// and deadline slack, refreshed every few seconds. Slack needs each pipeline's plan, read from
// GET /v1/pipelines/{id} (finished ones are read once and kept).
import { api } from './api.js';
import { h, hours, showError, sortableTable, stateBadge, usd, utc } from './dom.js';

const REFRESH_MS = 4000;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const STATES = ['', 'submitted', 'planned', 'running', 'succeeded', 'failed', 'cancelled'];

// The current plan's room before its deadline: deadline minus makespan, in hours (the plan
// is re-made with the time left after a preemption, so this stays current). Null without one.
export function plannedSlack(view) {
  const plan = view && view.plan;
  if (!plan || plan.deadline_hours === null || plan.deadline_hours === undefined) return null;
  return plan.deadline_hours - plan.makespan_hours;
}

function slackCell(slack) {
  if (slack === null || slack === undefined) return h('span', { class: 'muted', text: 'no deadline' });
  return h('span', { class: slack < 0 ? 'late' : 'ok', text: (slack >= 0 ? '+' : '−') + hours(Math.abs(slack)) });
}

function table(rows, views) {
  const columns = [
    { key: 'name', label: 'Pipeline', render: (p) => h('a', { href: '#/pipelines/' + encodeURIComponent(p.id) },
      p.name || p.id) },
    { key: 'state', label: 'State', render: (p) => stateBadge(p.state) },
    { key: 'progress', label: 'Stages done', num: true, value: (p) => p.stages_succeeded / (p.stages_total || 1),
      render: (p) => `${p.stages_succeeded} / ${p.stages_total}` },
    { key: 'cost_usd', label: 'Cost so far', num: true, render: (p) => usd(p.cost_usd) },
    { key: 'estimate', label: 'Plan estimate', num: true, value: (p) => views.get(p.id)?.cost?.estimated_usd ?? null,
      render: (p) => usd(views.get(p.id)?.cost?.estimated_usd) },
    { key: 'slack', label: 'Deadline slack', num: true, value: (p) => plannedSlack(views.get(p.id)),
      render: (p) => slackCell(plannedSlack(views.get(p.id))) },
    { key: 'created_at_unix', label: 'Submitted (UTC)', render: (p) => utc(p.created_at_unix) },
    { key: 'updated_at_unix', label: 'Updated (UTC)', render: (p) => utc(p.updated_at_unix) },
  ];
  const t = sortableTable({ columns, rows, caption: 'Pipelines (deadline slack: the current plan\'s deadline minus its makespan)',
    rowAttrs: (p) => ({ dataset: { pipelineId: p.id, state: p.state } }) });
  t.id = 'pipelines-table';
  return t;
}

// Reads the views it lacks, four at a time; finished pipelines' views never change.
async function fillViews(rows, views) {
  const todo = rows.filter((p) => !(views.has(p.id) && TERMINAL.has(views.get(p.id).state)));
  for (let i = 0; i < todo.length; i += 4) {
    const batch = todo.slice(i, i + 4);
    const got = await Promise.all(batch.map((p) => api('/v1/pipelines/' + encodeURIComponent(p.id)).catch(() => null)));
    batch.forEach((p, k) => got[k] && views.set(p.id, got[k]));
  }
}

export function mount(root) {
  const views = new Map();
  const error = h('div');
  const body = h('div', { id: 'pipelines-list' }, h('p', { class: 'muted', text: 'Loading…' }));
  const filter = h('select', { id: 'pipelines-state', on: { change: () => refresh() } },
    STATES.map((st) => h('option', { value: st, text: st || 'any state' })));
  const note = h('p', { class: 'muted', role: 'status' });
  let timer = null;
  let seq = 0;
  const refresh = async () => {
    clearTimeout(timer);
    const my = ++seq;
    try {
      const q = new URLSearchParams({ limit: '50' });
      if (filter.value) q.set('state', filter.value);
      const list = await api('/v1/pipelines?' + q);
      await fillViews(list.pipelines, views);
      if (my !== seq) return;
      showError(error, null);
      body.replaceChildren(list.pipelines.length ? table(list.pipelines, views)
        : h('p', {}, 'No pipelines yet. ', h('a', { href: '#/plan', text: 'Plan and run one' }), '.'));
      note.textContent = `Broker time ${utc(list.now_unix)} · refreshed every ${REFRESH_MS / 1000} s`;
    } catch (e) {
      if (my === seq) showError(error, e);
    }
    if (my === seq) timer = setTimeout(refresh, REFRESH_MS);
  };
  root.append(h('h2', { text: 'Pipelines' }),
    h('p', { class: 'toolbar' }, h('label', { class: 'inline' }, 'Show ', filter),
      h('a', { href: '#/plan', class: 'button' }, 'Submit a pipeline')), error, note, body);
  refresh();
  return () => {
    seq++;
    clearTimeout(timer);
  };
}
