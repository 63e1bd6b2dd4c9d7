// Replays page: replay a pipeline against recorded spot traces under each policy
// (POST /v1/replays → 202 with an operation polled at GET /v1/operations/{id}; the result is
// the report of broker/replay_json.cc), then compare the policies and show one run's timeline.
// Traces come pasted or uploaded (spot-traces JSON, one zone) or as paths under the server's
// trace directories (`trace_paths`).
import { postJson, settle } from './api.js';
import { barChart, legend, timeline } from './chart.js';
import { facts, field, h, hours, num, showError, sortableTable, usd } from './dom.js';

const POLICIES = ['all', 'on_demand', 'greedy_spot', 'uniform_progress', 'broker'];
const EXAMPLES = ['quickstart', 'etl-train-serve', 'llm-finetune'];
const pct = (x) => (x === null || x === undefined ? '–' : `${Math.round(x)}%`);

function comparison(report) {
  const rows = report.summary || [];
  const chart = barChart({ label: `Mean cost of each policy over ${rows[0]?.runs ?? 0} runs: ` +
    rows.map((s) => `${s.policy} ${usd(s.mean_cost_usd)}, ${pct(s.deadlines_met_percent)} deadlines met`).join('; '),
  format: (v) => usd(v), bars: rows.map((s) => ({ label: s.policy, segments: [{ value: s.mean_cost_usd,
    cls: s.deadlines_met_percent >= 100 ? 's-compute' : 's-failed',
    name: `mean cost, ${pct(s.deadlines_met_percent)} deadlines met` }] })) });
  chart.id = 'replay-chart';
  const table = sortableTable({ rows, caption: 'Policies compared (means over the runs)', columns: [
    { key: 'policy', label: 'Policy' }, { key: 'runs', label: 'Runs', num: true },
    { key: 'mean_cost_usd', label: 'Mean cost', num: true, render: (s) => usd(s.mean_cost_usd) },
    { key: 'p95_cost_usd', label: 'p95 cost', num: true, render: (s) => usd(s.p95_cost_usd) },
    { key: 'cost_vs_on_demand', label: 'vs on-demand', num: true, render: (s) => (s.cost_vs_on_demand == null ? '–'
      : `${num(s.cost_vs_on_demand * 100, 0)}%`) },
    { key: 'deadlines_met_percent', label: 'Deadlines met', num: true, render: (s) => pct(s.deadlines_met_percent) },
    { key: 'mean_preemptions', label: 'Preemptions', num: true, render: (s) => num(s.mean_preemptions, 1) },
    { key: 'spot_fraction', label: 'Spot share', num: true, render: (s) => pct(s.spot_fraction * 100) },
    { key: 'mean_finish_hours', label: 'Finish', num: true, render: (s) => hours(s.mean_finish_hours) }],
  rowAttrs: (s) => ({ dataset: { policy: s.policy } }) });
  return [legend([{ name: 'every deadline met', cls: 's-compute' }, { name: 'some deadlines missed', cls: 's-failed' }]),
    chart, table];
}

// One run: a row per place and market, a bar per instance coloured by how it ended.
function runView(run, deadline) {
  // The zone (or region) is enough in a row label: a replay's traces share a provider.
  const key = (seg) => `${seg.location.split(':').pop()} ${seg.market.replace('_', '-')}`;
  const segs = run.timeline || [];
  const rows = [...new Set(segs.map(key))].map((k) => ({ id: k, label: k }));
  const bars = segs.map((seg) => ({ row: key(seg), start: seg.start_hours, end: seg.end_hours,
    cls: 's-' + seg.outcome, label: seg.outcome,
    title: `${seg.location} ${seg.market}: ${hours(seg.start_hours)} → ${hours(seg.end_hours)}, ${seg.outcome}, ` +
      `${usd(seg.cost_usd)}` }));
  const markers = segs.filter((seg) => seg.outcome === 'preempted').map((seg) => ({ row: key(seg), at: seg.end_hours,
    cls: 'mk mk-preempted', title: `preempted at ${hours(seg.end_hours)} in ${seg.location}` }));
  const chart = timeline({ rows, bars, markers, guides: deadline ? [{ at: deadline, label: `deadline ${hours(deadline)}` }] : [],
    label: `Timeline of the ${run.policy} run from offset ${hours(run.offset_hours)}: ${segs.length} instances, ` +
      `${run.preemptions} preemptions`, xFormat: (v) => `${num(v, 1)} h` });
  chart.id = 'replay-timeline';
  return [facts([['Policy', run.policy], ['Start offset', hours(run.offset_hours)], ['Cost', usd(run.cost_usd)],
    ['Finished after', hours(run.finish_hours)], ['Deadline met', run.deadline_met ? 'yes' : 'no'],
    ['Preemptions', String(run.preemptions)], ['Instances', String(run.launches)],
    run.failure ? ['Failure', run.failure] : null]),
  legend([{ name: 'succeeded', cls: 's-succeeded' }, { name: 'preempted', cls: 's-preempted' },
    { name: 'switched / cancelled', cls: 's-cancelled' }, { name: 'no capacity', cls: 's-capacity' }]), chart];
}

function showReport(box, report) {
  const runs = report.runs || [];
  const detail = h('div', { id: 'replay-run-detail' });
  const show = (i) => detail.replaceChildren(...runView(runs[i], report.deadline_hours));
  const pick = h('select', { id: 'replay-pick', on: { change: (e) => show(+e.target.value) } },
    runs.map((r, i) => h('option', { value: i, text: `${r.policy} from ${hours(r.offset_hours)}` })));
  box.replaceChildren(
    h('section', { class: 'panel' }, h('h3', { text: `Policy comparison: ${report.pipeline}` }),
      h('p', { class: 'muted', text: `Deadline ${hours(report.deadline_hours)}, ${hours(report.work_hours)} of work, ` +
        `restart ${num(report.restart_minutes, 1)} min, checkpoints every ${num(report.checkpoint_minutes, 1)} min; ` +
        `${(report.traces || []).map((t) => `${t.location} (${hours(t.hours)})`).join(', ')}.` }),
      (report.warnings || []).length ? h('ul', { class: 'error' }, report.warnings.map((w) => h('li', { text: w }))) : null,
      comparison(report)),
    h('section', { class: 'panel' }, h('h3', {}, h('label', { class: 'inline' }, 'Timeline of the run ', pick)), detail));
  if (runs.length) show(0);
}

function form(onRun) {
  const select = (name, values) => h('select', { name, id: 'replay-' + name }, values.map((v) => h('option', { value: v, text: v })));
  const trace = h('textarea', { name: 'trace', id: 'replay-trace', rows: 4, spellcheck: 'false', wrap: 'off',
    placeholder: '{"metadata": {"gap_seconds": 600}, "data": [1, 1, 0, 1, …], "prices": […]}' });
  const upload = h('input', { type: 'file', accept: '.json,application/json', id: 'replay-trace-file', on: { change: (e) => {
    const f = e.target.files[0];
    if (f) f.text().then((text) => { trace.value = text; });
  } } });
  const input = (name, attrs) => h('input', { name, id: 'replay-' + name, autocomplete: 'off', ...attrs });
  return h('form', { class: 'filters', 'aria-label': 'Replay', on: { submit: (e) => {
    e.preventDefault();
    onRun(new FormData(e.target));
  } } },
  field('Pipeline', select('example', EXAMPLES)), field('Policy', select('policy', POLICIES)),
  field('Start points', input('start_offsets', { type: 'number', min: 1, max: 1000, value: 1 })),
  field('Trace zone', input('location', { placeholder: 'gcp:us-central1:us-central1-a' })),
  h('label', { class: 'wide' }, h('span', { text: 'Trace (spot-traces JSON of that zone)' }), trace, upload),
  field('or trace paths on the server', input('trace_paths', { placeholder: 'aws-02-15-2023, gcp:us-central1:us-central1-a=mine.json' })),
  field('Spot $/h', input('spot_price', { type: 'number', min: 0, step: 'any' })),
  field('On-demand $/h', input('on_demand_price', { type: 'number', min: 0, step: 'any' })),
  h('button', { type: 'submit', id: 'replay-run' }, 'Run replay'));
}

// The POST /v1/replays body of the form; throws for a pasted trace that is not JSON.
async function requestBody(data, signal) {
  const res = await fetch(`/examples/${data.get('example')}.json`, { signal });
  if (!res.ok) throw new Error(`/examples/${data.get('example')}.json: HTTP ${res.status}`);
  const body = { pipeline: await res.json(), policy: data.get('policy'), start_offsets: Number(data.get('start_offsets') || 1) };
  const trace = (data.get('trace') || '').trim();
  if (trace) {
    try {
      body.traces = { [(data.get('location') || '').trim()]: JSON.parse(trace) };
    } catch (e) {
      throw new Error(`the trace is not JSON: ${e.message}`);
    }
  }
  const paths = (data.get('trace_paths') || '').split(',').map((p) => p.trim()).filter(Boolean);
  if (paths.length) body.trace_paths = paths;
  for (const key of ['spot_price', 'on_demand_price']) if (data.get(key)) body[key] = Number(data.get(key));
  return body;
}

export function mount(root) {
  const status = h('p', { id: 'replay-status', class: 'muted', role: 'status' });
  const error = h('div', { id: 'replay-error' });
  const results = h('div', { id: 'replay-results' });
  let ctl = null;
  const run = async (data) => {
    if (ctl) ctl.abort();
    ctl = new AbortController();
    const signal = ctl.signal;
    showError(error, null);
    results.replaceChildren();
    status.textContent = 'Replaying…';
    try {
      const body = await requestBody(data, signal);
      const report = await settle(await postJson('/v1/replays', body, { signal }), { signal, onProgress: (op) => {
        status.textContent = `Replaying… ${op.progress.done} of ${op.progress.total || '?'} ${op.progress.message || ''}`;
      } });
      status.textContent = `${(report.runs || []).length} runs replayed in ${num(report.wall_seconds, 1)} s.`;
      showReport(results, report);
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = '';
      showError(error, e);
      if (e.status === 404 || e.status === 405) {
        error.append(h('p', { class: 'muted', text: 'This server does not offer the replay API (POST /v1/replays); ' +
          '`skybroker replay` runs replays from the command line.' }));
      }
    }
  };
  root.append(h('h2', { text: 'Replays' }),
    h('p', { class: 'muted', text: 'A replay runs the broker against recorded spot availability on a virtual clock, ' +
      'once per policy and start point, and compares what each policy cost and whether it met the deadline.' }),
    form(run), status, error, results);
  return () => ctl && ctl.abort();
}
