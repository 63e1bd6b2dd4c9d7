// Pipeline page: one pipeline (GET /v1/pipelines/{id}) updating live from its events
// (/v1/pipelines/{id}/events, streamed or polled): stage states, the instances it ran on as a
// timeline with preemptions, failovers and re-plans marked, the event log, and Cancel.
import { api, followEvents } from './api.js';
import { legend, timeline } from './chart.js';
import { debounce, facts, h, hours, showError, sortableTable, stateBadge, usd, utc } from './dom.js';
import { plannedSlack } from './pipelines.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
// Event kinds drawn on the timeline; the others (state, cost) are in the log only.
const MARKED = new Set(['preempted', 'replan', 'capacity', 'quota', 'rejected', 'unavailable', 'throttled',
  'market', 'deadline', 'reconcile', 'lost', 'failed']);
const PIPELINE_ROW = '\u0000pipeline';
const TIMELINE_LEGEND = [
  { name: 'running', cls: 's-live' }, { name: 'succeeded', cls: 's-succeeded' },
  { name: 'preempted', cls: 's-preempted' }, { name: 'failed / rejected', cls: 's-failed' },
  { name: 'preemption', cls: 'mk-preempted diamond' }, { name: 're-plan / failover', cls: 'mk-replan diamond' },
  { name: 'other event', cls: 'mk-other diamond' }];
const MAX_LOG = 400;

const outcomeClass = (a) => 's-' + (a.outcome || 'live');

function header(view, onCancel) {
  const live = !TERMINAL.has(view.state);
  const slack = plannedSlack(view);
  const plan = view.plan || {};
  return h('div', { class: 'pipeline-head' },
    h('h2', {}, view.name || view.id, ' ', stateBadge(view.state)),
    facts([
      ['Id', h('code', { text: view.id })],
      ['Cost so far', usd(view.cost.actual_usd)],
      ['Plan estimate', usd(view.cost.estimated_usd)],
      ['Compute', `${usd(view.cost.compute_actual_usd || 0)} actual / ${usd(view.cost.compute_estimated_usd || 0)} planned`],
      ['Egress', `$${(view.cost.egress_actual_usd || 0).toFixed(4)} actual / $${(view.cost.egress_estimated_usd || 0).toFixed(4)} planned` +
        (view.data ? ` (${bytes(view.data.bytes_in)} in, ${bytes(view.data.bytes_out)} out)` : '')],
      ['Stages done', `${view.stages_succeeded} / ${view.stages_total}`],
      ['Deadline slack', slack === null ? 'no deadline' : `${slack >= 0 ? '+' : '−'}${hours(Math.abs(slack))} ` +
        `(deadline ${hours(plan.deadline_hours)}, plan ${hours(plan.makespan_hours)})`],
      ['Broker time', utc(view.now_unix)]]),
    live ? h('button', { type: 'button', class: 'danger', id: 'pipeline-cancel', on: { click: onCancel } }, 'Cancel pipeline') : null);
}

// Powers of 1000, as transfers are priced per 10^9 bytes.
function bytes(n) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n || 0;
  let unit = 0;
  while (value >= 1000 && unit + 1 < units.length) { value /= 1000; unit += 1; }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function stagesTable(view) {
  const t = sortableTable({ rows: view.stages, caption: 'Stages', columns: [
    { key: 'name', label: 'Stage' },
    { key: 'state', label: 'State', render: (s) => stateBadge(s.state) },
    { key: 'attempt', label: 'Attempt', num: true },
    { key: 'progress', label: 'Progress', num: true, render: (s) => h('meter', { min: 0, max: 1, value: s.progress || 0,
      title: `${Math.round((s.progress || 0) * 100)}%` }, `${Math.round((s.progress || 0) * 100)}%`) },
    { key: 'checkpoint', label: 'Checkpoint', num: true, render: (s) => `${Math.round((s.checkpoint || 0) * 100)}%` },
    { key: 'instance_id', label: 'Instance' },
    { key: 'offer_id', label: 'Offer' },
    { key: 'failures', label: 'Failures', num: true },
    { key: 'cost_usd', label: 'Cost', num: true, render: (s) => usd(s.cost_usd) }],
  rowAttrs: (s) => ({ dataset: { stage: s.name, state: s.state } }) });
  t.id = 'stages-table';
  return t;
}

// Attempts as bars (one per instance, coloured by how it ended), events as markers.
function stageTimeline(view, events) {
  const rows = view.stages.map((s) => ({ id: s.name, label: s.name }));
  rows.push({ id: PIPELINE_ROW, label: 'pipeline' });
  const now = view.now_unix;
  const bars = view.attempts.filter((a) => a.requested_at_unix).map((a) => ({
    row: a.stage, start: a.requested_at_unix, end: a.ended_at_unix ?? now, cls: outcomeClass(a),
    label: `${a.location} · ${a.market.replace('_', '-')}`,
    title: `${a.stage} attempt ${a.attempt}: ${a.instance_id || 'no instance'} at ${a.provider} ${a.location} ` +
      `(${a.market}, ${usd(a.price_per_hour, 3)}/h), ${utc(a.requested_at_unix)} → ` +
      `${a.ended_at_unix ? utc(a.ended_at_unix) : 'now'}: ${a.outcome || 'running'}, ${usd(a.cost_usd)}` }));
  const markers = events.filter((e) => MARKED.has(e.kind) && e.at_unix).map((e) => ({
    row: e.stage && rows.some((r) => r.id === e.stage) ? e.stage : PIPELINE_ROW, at: e.at_unix,
    cls: 'mk mk-' + e.kind, title: `${utc(e.at_unix)} ${e.kind}: ${e.message}` }));
  const preemptions = markers.filter((m) => m.cls.includes('mk-preempted')).length;
  const guides = TERMINAL.has(view.state) ? [] : [{ at: now, label: 'now' }];
  const chart = timeline({ rows, bars, markers, guides, time: true,
    label: `Timeline of ${view.attempts.length} instances and ${markers.length} marked events ` +
      `(${preemptions} preemptions), broker time UTC` });
  chart.id = 'pipeline-timeline';
  chart.dataset.preemptions = preemptions;
  return chart;
}

function attemptsTable(view) {
  const t = sortableTable({ rows: view.attempts, caption: 'Instances (one row per attempt)', columns: [
    { key: 'stage', label: 'Stage' }, { key: 'attempt', label: '#', num: true },
    { key: 'provider', label: 'Provider' }, { key: 'location', label: 'Location' },
    { key: 'market', label: 'Market' }, { key: 'instance_id', label: 'Instance' },
    { key: 'price_per_hour', label: '$/h', num: true, render: (a) => usd(a.price_per_hour, 3) },
    { key: 'requested_at_unix', label: 'Requested', render: (a) => utc(a.requested_at_unix) },
    { key: 'ended_at_unix', label: 'Ended', render: (a) => utc(a.ended_at_unix) },
    { key: 'outcome', label: 'Outcome', render: (a) => a.outcome || 'live' },
    { key: 'cost_usd', label: 'Cost', num: true, render: (a) => usd(a.cost_usd) }] });
  t.id = 'attempts-table';
  return t;
}

function eventItem(e) {
  return h('li', { dataset: { kind: e.kind, seq: e.seq } }, h('time', { text: utc(e.at_unix) }),
    h('span', { class: 'kind mk-' + e.kind, text: e.kind }), e.stage ? h('strong', { text: e.stage }) : null,
    h('span', { text: e.message }));
}

export function mount(root, id) {
  const events = [];
  const error = h('div');
  const head = h('div', { id: 'pipeline-header' }, h('p', { class: 'muted', text: 'Loading…' }));
  const mode = h('p', { id: 'live-mode', class: 'muted', role: 'status' });
  const stages = h('div');
  const chartBox = h('div', { class: 'scroll' });
  const attempts = h('div');
  const log = h('ol', { id: 'pipeline-events', class: 'events', 'aria-label': 'Events, oldest first' });
  let view = null;
  let timer = null;
  let stop = null;
  let closed = false;
  let finished = false;

  const draw = () => {
    if (!view) return;
    head.replaceChildren(header(view, cancel));
    stages.replaceChildren(stagesTable(view));
    chartBox.replaceChildren(stageTimeline(view, events));
    attempts.replaceChildren(attemptsTable(view));
  };
  const load = async () => {
    clearTimeout(timer);
    try {
      view = await api('/v1/pipelines/' + encodeURIComponent(id));
      if (closed) return;
      showError(error, null);
      draw();
      if (TERMINAL.has(view.state) && !finished) {
        finished = true;
        mode.textContent = `Finished (${view.state}).`;
        setTimeout(() => stop(), 5000);  // the last events (costs) follow the end closely
      }
    } catch (e) {
      if (!closed) showError(error, e);
    }
    // Progress and costs move between events too: look again while the pipeline is live.
    if (!closed && !(view && TERMINAL.has(view.state))) timer = setTimeout(load, 3000);
  };
  const reload = debounce(load, 200);
  const cancel = async () => {
    try {
      view = await api('/v1/pipelines/' + encodeURIComponent(id), { method: 'DELETE' });
      draw();
    } catch (e) {
      showError(error, e);
    }
  };
  const onEvents = (fresh) => {
    events.push(...fresh);
    // Follow the newest events unless the reader has scrolled up to older ones.
    const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
    log.append(...fresh.map(eventItem));
    while (log.children.length > MAX_LOG) log.firstChild.remove();
    if (atEnd) log.scrollTop = log.scrollHeight;
    if (view) chartBox.replaceChildren(stageTimeline(view, events));
    reload();
  };
  const onMode = (m) => {
    if (view && TERMINAL.has(view.state)) return;
    mode.textContent = m === 'stream' ? 'Live: following the event stream.' : 'Live: polling the events every 2 s.';
  };
  root.append(h('p', {}, h('a', { href: '#/pipelines', text: '← All pipelines' })), error, head, mode,
    h('section', { class: 'panel' }, h('h3', { text: 'Timeline' }), legend(TIMELINE_LEGEND), chartBox),
    h('section', { class: 'panel' }, stages), h('section', { class: 'panel' }, attempts),
    h('section', { class: 'panel' }, h('h3', { text: 'Events' }), log));
  load();
  stop = followEvents(id, 0, onEvents, { onMode, onError: (e) => showError(error, e) });
  return () => {
    closed = true;
    clearTimeout(timer);
    stop();
  };
}
