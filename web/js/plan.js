// Plan page: paste, upload or load an example spec, plan it (POST /v1/plans, optionally the
// frontier), see the schedule, costs and data movement, or run it (POST /v1/pipelines).
// A 400's error.details[] = {path, message} are shown beside the spec lines they name.
import { postJson, settle } from './api.js';
import { h, showError } from './dom.js';
import { frontierChart, renderPlan } from './plan_views.js';
import { lineOf, pathLines } from './spec_paths.js';

const EXAMPLES = ['quickstart', 'etl-train-serve', 'llm-finetune'];
const DRAFT_KEY = 'skybroker.spec';

// Selects line `n` (1-based) of the textarea and scrolls it into view.
function selectLine(textarea, n) {
  const lines = textarea.value.split('\n');
  const start = lines.slice(0, n - 1).reduce((sum, l) => sum + l.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + (lines[n - 1] || '').length);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (n - 3) * lineHeight);
}

// The issues beside the editor, and the spec listed with each issue on the line it names.
function showIssues(aside, listing, textarea, err) {
  const text = textarea.value;
  const { lines, error: syntax } = pathLines(text);
  const issues = (err.details && err.details.length ? err.details : [{ path: 'spec', message: err.message }])
    .map((d) => ({ ...d, line: syntax && d.path === 'spec' ? syntax.line : lineOf(lines, d.path) }));
  aside.replaceChildren(h('h3', { text: `${issues.length} problem${issues.length > 1 ? 's' : ''} in the spec` }),
    h('ul', { class: 'issues' }, issues.map((d) => h('li', {}, h('button', { type: 'button', class: 'link',
      on: { click: () => selectLine(textarea, d.line) } }, `line ${d.line}`), ' ', h('code', { text: d.path }),
    h('span', { class: 'issue-msg', text: ': ' + d.message })))));
  const byLine = new Map();
  for (const d of issues) byLine.set(d.line, [...(byLine.get(d.line) || []), d]);
  listing.replaceChildren(h('h3', { text: 'Spec with its problems' }),
    h('ol', { id: 'spec-annotated', class: 'annotated' }, text.split('\n').map((l, i) => {
      const here = byLine.get(i + 1);
      return h('li', { class: here ? 'has-issue' : null, dataset: here ? { paths: here.map((d) => d.path).join(' ') } : {} },
        h('code', { text: l || ' ' }), here ? here.map((d) => h('span', { class: 'issue', role: 'note' },
          h('code', { text: d.path }), ' ' + d.message)) : null);
    })));
}

// The frontier chart and the plan of the chosen point (the cheapest at first).
function frontierView(plans) {
  if (plans.length === 0) return [h('p', { text: 'No plan meets the spec: the frontier is empty.' })];
  const chosen = h('div', { id: 'frontier-plan' });
  const pick = (i) => chosen.replaceChildren(h('h3', { text: `Plan ${i + 1} of ${plans.length}` }), renderPlan(plans[i]));
  const section = frontierChart(plans, pick);
  const cheapest = plans.reduce((best, p, i) => (p.total_cost_usd < plans[best].total_cost_usd ? i : best), 0);
  section.querySelector('#plan-frontier').select(cheapest);
  return [section, chosen];
}

function controls(handlers) {
  const file = h('input', { type: 'file', accept: '.json,application/json', id: 'spec-file', on: { change: (e) => {
    const f = e.target.files[0];
    if (f) f.text().then(handlers.load);
  } } });
  return h('p', { class: 'toolbar' }, 'Examples: ', EXAMPLES.map((name) => h('button', { type: 'button',
    class: 'chip', dataset: { example: name }, on: { click: () => handlers.example(name) } }, name)),
  h('label', { class: 'file' }, h('span', { text: 'Upload a spec' }), file));
}

export function mount(root) {
  const textarea = h('textarea', { id: 'spec', rows: 22, spellcheck: 'false', wrap: 'off', 'aria-label': 'Pipeline spec (JSON)',
    'aria-describedby': 'spec-issues', placeholder: '{"name": "...", "stages": [...]}' });
  textarea.value = sessionStorage.getItem(DRAFT_KEY) || '';
  textarea.addEventListener('input', () => sessionStorage.setItem(DRAFT_KEY, textarea.value));
  const hint = () => h('p', { class: 'muted', text: 'Problems found in the spec appear here, each with the line it is on.' });
  const aside = h('aside', { id: 'spec-issues', class: 'issues-panel', 'aria-live': 'polite' }, hint());
  const listing = h('div', { id: 'spec-listing' });
  const status = h('p', { id: 'plan-status', role: 'status', class: 'muted' });
  const output = h('div', { id: 'plan-output' });
  const frontier = h('input', { type: 'checkbox', id: 'plan-frontier-on' });
  let busy = null;

  const load = (text) => {
    textarea.value = text;
    sessionStorage.setItem(DRAFT_KEY, text);
    clear();
  };
  const clear = () => {
    aside.replaceChildren(hint());
    listing.replaceChildren();
    output.replaceChildren();
    status.textContent = '';
  };
  const failed = (e) => {
    status.textContent = '';
    if (e.status === 400 || (e.details && e.details.length)) showIssues(aside, listing, textarea, e);
    else showError(output, e);
  };
  const run = async (label, work) => {
    if (busy) busy.abort();
    const ctl = new AbortController();
    busy = ctl;
    clear();
    status.textContent = label;
    try {
      await work(ctl.signal);
    } catch (e) {
      if (e.name !== 'AbortError') failed(e);
    }
  };
  const plan = () => run('Solving…', async (signal) => {
    const onProgress = (op) => { status.textContent = `Solving… (${op.progress.message || op.state})`; };
    const query = frontier.checked ? '?frontier=true' : '';
    const result = await settle(await postJson('/v1/plans' + query, textarea.value, { signal }), { onProgress, signal });
    status.textContent = frontier.checked ? `${result.frontier.length} plans on the frontier.` : `Plan: ${result.status}.`;
    output.replaceChildren(...(frontier.checked ? frontierView(result.frontier) : [renderPlan(result)]));
  });
  const submit = () => run('Submitting…', async (signal) => {
    const body = await postJson('/v1/pipelines', textarea.value, { signal });
    location.hash = '#/pipelines/' + encodeURIComponent(body.id);
  });
  const example = (name) => run(`Loading ${name}…`, async (signal) => {
    const res = await fetch(`/examples/${name}.json`, { signal });
    if (!res.ok) throw new Error(`/examples/${name}.json: HTTP ${res.status}`);
    load(await res.text());
  });

  root.append(h('h2', { text: 'Plan a pipeline' }), controls({ load, example }),
    h('div', { class: 'editor' }, textarea, aside),
    h('p', { class: 'toolbar' }, h('label', { class: 'inline' }, frontier, ' cost–deadline frontier'),
      h('button', { type: 'button', id: 'plan-btn', on: { click: plan } }, 'Plan'),
      h('button', { type: 'button', id: 'run-btn', class: 'secondary', on: { click: submit } }, 'Run this pipeline')),
    status, listing, output);
  if (!textarea.value) example('quickstart');
  return () => busy && busy.abort();
}
