// The dashboard (web/, issue #8) in a real headless browser: Debian's chromium driven by
// playwright-core against `skybroker serve` with the sim provider on a clock 3600x faster than
// wall time, on an ephemeral 127.0.0.1 port. Every step waits for a condition, never a fixed
// time. Screenshots of each page go to $SKY_SCREENSHOT_DIR (the build's web-screenshots/).
//   SKYBROKER_BIN       the skybroker binary (set by tests/web/CMakeLists.txt)
//   SKY_SOURCE_DIR      the source tree (web/ and data/)
//   SKY_SCREENSHOT_DIR  where the screenshots go
//   SKY_DOCS_SCREENSHOTS  optional: also copy one screenshot per page there (docs/screenshots)
// Exits 77 (ctest: skipped) when /usr/bin/chromium is missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ServeProcess } from './serve.mjs';

const CHROMIUM = '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIPPED: ${CHROMIUM} is missing; install Debian's chromium (cmake/install_deps.sh test)`);
  process.exit(77);
}
const { chromium } = await import('../node_modules/playwright-core/index.mjs').catch((e) => {
  console.error(`playwright-core is not installed (npm ci --prefix tests): ${e.message}`);
  process.exit(1);
});

const here = path.dirname(new URL(import.meta.url).pathname);
const SOURCE = process.env.SKY_SOURCE_DIR || path.resolve(here, '../..');
const BIN = process.env.SKYBROKER_BIN || path.join(SOURCE, 'build/api/skybroker');
const SHOTS = process.env.SKY_SCREENSHOT_DIR || path.join(SOURCE, 'build/web-screenshots');
const DOCS = process.env.SKY_DOCS_SCREENSHOTS || '';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

// One stage of 8 sim hours, cheapest on spot: with 2 preemptions per sim hour, it is preempted
// within seconds of wall time (and fails over to other zones, then on-demand, as they get
// blocked).
const SPOT_SPEC = {
  name: 'long-spot',
  stages: [{ name: 'crunch', resources: { cpus: 4, memory_gb: 16 }, runtime_hours: 8, checkpoint_minutes: 30 }],
  constraints: { providers: ['gcp'], regions: ['us-central1'], markets: ['spot', 'on_demand'] },
};
// An unknown accelerator: POST /v1/plans answers 400 naming its JSON path.
const BAD_SPEC = `{
  "name": "bad",
  "stages": [
    {"name": "train", "resources": {"accelerators": {"H1000": 8}},
     "runtime_hours": 2}
  ]
}`;

// A synthetic spot-traces JSON of one zone: 24 hours in 10-minute ticks, the spot capacity
// gone for 20 minutes of every two hours.
const TRACE = { metadata: { gap_seconds: 600 }, data: Array.from({ length: 144 }, (_, i) => (i % 12 >= 10 ? 0 : 1)) };

let dir;
let server;
let browser;
let page;
let token = '';
const pageErrors = [];

async function shot(name) {
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  if (DOCS) fs.copyFileSync(file, path.join(DOCS, name + '.png'));
}

// GET from the API as the dashboard would, with the token.
async function apiGet(p) {
  const res = await fetch(server.url + p, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
  assert.equal(res.status, 200, `${p}: ${await res.clone().text()}`);
  return res.json();
}

async function go(hash) {
  await page.goto(server.url + '/' + hash);
}

// Loads `spec` into the plan page's editor and runs it; resolves with the pipeline id.
async function runSpec(spec) {
  await go('#/plan');
  await page.fill('#spec', spec);
  await page.click('#run-btn');
  await page.waitForURL(/#\/pipelines\/[^/]+$/);
  return decodeURIComponent(page.url().split('#/pipelines/')[1]);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-web-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  if (DOCS) fs.mkdirSync(DOCS, { recursive: true });
  server = await ServeProcess.start(BIN, ['--db', path.join(dir, 'sky.db'), '--web-dir', path.join(SOURCE, 'web'),
    '--providers', 'sim', '--clock-speed', '3600', '--clock-origin', '1700000000', '--poll-seconds', '5',
    '--sim-boot-seconds', '30', '--sim-preemption-rate', '2'], dir);
  const tokenFile = path.join(dir, 'admin-token');
  if (fs.existsSync(tokenFile)) token = fs.readFileSync(tokenFile, 'utf8').trim();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, 'serve did not stop cleanly:\n' + server.errors());
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('asks for a token on 401 and keeps it in the session', async (t) => {
    if (!token) return t.skip('this server runs without auth');
    await go('#/pipelines');
    await page.waitForSelector('#token-dialog[open]');
    assert.match(await page.textContent('#token-reason'), /token/i);
    await shot('token');
    await page.fill('#token-input', token);
    await page.click('#token-save');
    await page.waitForSelector('#pipelines-table, #pipelines-list a[href="#/plan"]');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('skybroker.token')), token);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
  });

  it('shows the offers the API answers, sorts them, and charts a price history', async () => {
    await go('#/offers');
    await page.fill('#f-accelerator', 'A10G');
    await page.fill('#f-count', '4');
    await page.selectOption('#f-market', 'spot');
    await page.click('#offers-search');
    await page.waitForFunction(() => document.querySelector('#offers-table')?.dataset.query.includes('A10G'));
    const query = await page.getAttribute('#offers-table', 'data-query');
    assert.match(query, /gpu=A10G%3A4/);
    const expected = await apiGet(query);
    const rows = await page.$$eval('#offers-table tbody tr', (trs) => trs.map((tr) => tr.dataset.offerId));
    assert.ok(rows.length > 0, 'no rows');
    assert.deepEqual(rows, expected.offers.map((o) => o.id));
    const cells = await page.$$eval('#offers-table tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
    const o = expected.offers[0];
    assert.deepEqual(cells.slice(0, 6), [o.accelerator, String(o.accelerator_count), o.provider, o.instance_type,
      o.zone ? `${o.region}/${o.zone}` : o.region, o.market]);
    assert.equal(cells[6], '$' + o.price_per_hour.toFixed(3));
    const best = await apiGet(query.replace(/limit=\d+/, 'group_by=provider&limit=50'));
    const cards = await page.$$eval('#offer-cards .card', (cs) => cs.map((c) => c.dataset.provider));
    assert.deepEqual(cards, best.offers.map((b) => b.provider));
    await page.waitForSelector('#offer-history svg.line-chart path.series', { state: 'attached' });
    // The first click sorts ascending (the API's order), the second descending.
    await page.click('#offers-table button[data-key="price_per_hour"]');
    await page.waitForSelector('#offers-table th[aria-sort="ascending"] button[data-key="price_per_hour"]');
    await page.click('#offers-table button[data-key="price_per_hour"]');
    await page.waitForSelector('#offers-table th[aria-sort="descending"] button[data-key="price_per_hour"]');
    const prices = await page.$$eval('#offers-table tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.price)));
    assert.deepEqual(prices, [...prices].sort((a, b) => b - a));
    await shot('offers');
  });

  it('plans an example: Gantt chart, costs, data movement and the frontier', async () => {
    await go('#/plan');
    await page.click('[data-example="etl-train-serve"]');
    await page.waitForFunction(() => document.querySelector('#spec').value.includes('"etl-train-serve"'));
    await page.click('#plan-btn');
    await page.waitForSelector('#plan-gantt');
    const spec = await page.inputValue('#spec');
    const res = await fetch(server.url + '/v1/plans', { method: 'POST', body: spec,
      headers: token ? { Authorization: 'Bearer ' + token } : {} });
    const plan = await res.json();
    assert.equal(res.status, 200, JSON.stringify(plan));
    const bars = await page.$$eval('#plan-gantt .bar:not(.s-transfer)', (gs) => gs.length);
    assert.equal(bars, plan.stages.length);
    const costRows = await page.$$eval('#plan-output table.data tbody tr', (trs) => trs.length);
    assert.ok(costRows >= plan.stages.length);
    assert.ok(await page.$('#plan-costs rect.seg'));
    assert.ok(await page.$('#plan-matrix td.heat'));
    await shot('plan');
    await page.check('#plan-frontier-on');
    await page.click('#plan-btn');
    await page.waitForSelector('#plan-frontier .dot.selected', { state: 'attached' });
    assert.ok((await page.$$('#plan-frontier .dot')).length >= 2, 'a frontier of one plan');
    await page.waitForSelector('#frontier-plan #plan-gantt', { state: 'attached' });
    await shot('plan-frontier');
  });

  it('shows a validation error beside the line of the JSON path it names', async () => {
    await go('#/plan');
    await page.uncheck('#plan-frontier-on');
    await page.fill('#spec', BAD_SPEC);
    await page.click('#plan-btn');
    const line = await page.waitForSelector('#spec-annotated li.has-issue[data-paths*="H1000"]');
    const text = await line.textContent();
    assert.match(text, /"H1000": 8/);
    assert.match(text, /unknown accelerator/);
    assert.match(await line.getAttribute('data-paths'), /stages\[0\]\.resources\.accelerators\.H1000/);
    const lineNo = await line.evaluate((li) => [...li.parentNode.children].indexOf(li) + 1);
    assert.equal(BAD_SPEC.split('\n')[lineNo - 1].includes('"H1000"'), true);
    assert.match(await page.textContent('#spec-issues'), new RegExp(`line ${lineNo}`));
    await shot('plan-error');
  });

  it('runs the quickstart example until it succeeds', async () => {
    const spec = fs.readFileSync(path.join(SOURCE, 'data/examples/quickstart.json'), 'utf8');
    const id = await runSpec(spec);
    await page.waitForSelector('.pipeline-head .badge.state-succeeded', { timeout: 60000 });
    const states = await page.$$eval('#stages-table tbody tr', (trs) => trs.map((tr) => tr.dataset.state));
    assert.deepEqual(states, ['succeeded', 'succeeded', 'succeeded']);
    await page.waitForSelector('#pipeline-events li[data-kind="state"]:has-text("running -> succeeded")');
    const view = await apiGet('/v1/pipelines/' + encodeURIComponent(id));
    assert.equal(view.state, 'succeeded');
    const shown = await page.$$eval('#pipeline-timeline .bar', (gs) => gs.length);
    assert.equal(shown, view.attempts.length);
    // Planned and actual compute and egress, as the API has them (the sim moves no data).
    const facts = await page.$$eval('.pipeline-head dl.facts div', (ds) =>
      Object.fromEntries(ds.map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent])));
    assert.match(facts['Compute'], /actual \/ .* planned/);
    assert.equal(facts['Egress'],
      `$${view.cost.egress_actual_usd.toFixed(4)} actual / $${view.cost.egress_estimated_usd.toFixed(4)} planned (0 B in, 0 B out)`);
    await shot('pipeline');
  });

  it('marks a spot preemption on the pipeline timeline, live', async () => {
    await runSpec(JSON.stringify(SPOT_SPEC, null, 2));
    await page.waitForSelector('#pipeline-timeline .marker.mk-preempted', { state: 'attached', timeout: 60000 });
    await page.waitForSelector('#pipeline-events li[data-kind="preempted"]');
    assert.match(await page.textContent('#live-mode'), /Live/);
    await page.waitForSelector('#pipeline-timeline .bar.s-preempted', { state: 'attached' });
    await shot('pipeline-preempted');
    await page.click('#pipeline-cancel');
    await page.waitForSelector('.pipeline-head .badge.state-cancelled');
  });

  it('lists the pipelines with state, cost and deadline slack', async () => {
    await go('#/pipelines');
    await page.waitForSelector('#pipelines-table tbody tr[data-state="succeeded"]');
    const list = await apiGet('/v1/pipelines?limit=50');
    const ids = await page.$$eval('#pipelines-table tbody tr', (trs) => trs.map((tr) => tr.dataset.pipelineId));
    assert.deepEqual(ids.sort(), list.pipelines.map((p) => p.id).sort());
    const row = await page.textContent('#pipelines-table tr[data-state="succeeded"]');
    assert.match(row, /[+−]\d+(\.\d)? h|[+−]\d+ min|no deadline/);
    await shot('pipelines');
  });

  it('runs a replay and charts the policies', async (t) => {
    await go('#/replays');
    const probe = await fetch(server.url + '/v1/replays', { method: 'POST', body: '{}',
      headers: token ? { Authorization: 'Bearer ' + token } : {} });
    if (probe.status === 404) {
      await page.click('#replay-run');
      assert.match(await (await page.waitForSelector('#replay-error .error-box')).textContent(), /HTTP 404/);
      return t.skip('this server has no replay API');
    }
    await page.selectOption('#replay-example', 'quickstart');
    await page.fill('#replay-location', 'gcp:us-central1:us-central1-a');
    await page.fill('#replay-trace', JSON.stringify(TRACE));
    await page.click('#replay-run');
    await page.waitForSelector('#replay-chart, #replay-error .error-box', { state: 'attached', timeout: 60000 });
    assert.equal(await page.$('#replay-error .error-box'), null, await page.textContent('#replay-error'));
    const policies = await page.$$eval('#replay-results tr[data-policy]', (trs) => trs.map((tr) => tr.dataset.policy));
    assert.deepEqual(policies, ['on_demand', 'greedy_spot', 'uniform_progress', 'broker']);
    assert.equal((await page.$$('#replay-chart rect.seg')).length, 4);
    await page.waitForSelector('#replay-timeline .bar', { state: 'attached' });
    await page.selectOption('#replay-pick', { label: 'greedy_spot from 0 min' });
    await page.waitForSelector('#replay-timeline[aria-label*="greedy_spot"]', { state: 'attached' });
    await shot('replays');
  });

  it('fits a narrow window', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    await go('#/offers');
    await page.waitForSelector('#offers-table tbody tr');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the window`);
    await shot('offers-narrow');
  });

  it('raised no uncaught script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
