// The dashboard shell: hash routing between the pages, the token entry (sessionStorage only)
// and the tenant shown in the header. Each page module exports
// `mount(root, ...routeParams)`, which may return a cleanup function (timers, streams).
import { api, getToken, setToken } from './api.js';
import * as offers from './offers.js';
import * as plan from './plan.js';
import * as pipelines from './pipelines.js';
import * as pipeline from './pipeline_detail.js';
import * as replays from './replays.js';
import { h } from './dom.js';

const routes = [
  { re: /^\/offers$/, page: 'offers', mount: offers.mount, title: 'Offers' },
  { re: /^\/plan$/, page: 'plan', mount: plan.mount, title: 'Plan' },
  { re: /^\/pipelines$/, page: 'pipelines', mount: pipelines.mount, title: 'Pipelines' },
  { re: /^\/pipelines\/([^/]+)$/, page: 'pipelines', mount: pipeline.mount, title: 'Pipeline' },
  { re: /^\/replays$/, page: 'replays', mount: replays.mount, title: 'Replays' },
];

const view = document.getElementById('view');
let cleanup = null;  // the current page's, called when leaving it
let tenantKnown = false;

function route() {
  const path = location.hash.replace(/^#/, '').split('?')[0] || '/offers';
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  view.replaceChildren();
  const match = routes.map((r) => ({ r, m: path.match(r.re) })).find((x) => x.m);
  for (const a of document.querySelectorAll('nav a')) {
    if (match && a.dataset.page === match.r.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!match) {
    document.title = 'skybroker';
    view.append(h('p', {}, `No page at ${path}. `, h('a', { href: '#/offers', text: 'Offers' })));
    return;
  }
  document.title = `${match.r.title} · skybroker`;
  document.body.dataset.page = match.r.page;
  const params = match.m.slice(1).map(decodeURIComponent);
  cleanup = match.r.mount(view, ...params);
  if (!tenantKnown) showTenant();
}

// The header's tenant: who the token acts for, as the API tells it (each row of the pipeline
// listing carries its tenant, and a token sees only its tenant's); until a pipeline exists,
// only whether a token is set. Asked again on each page change until known.
async function showTenant() {
  const el = document.getElementById('tenant');
  if (!tenantKnown) el.textContent = getToken() ? 'token set' : '';
  try {
    const body = await api('/v1/pipelines?limit=1', { quiet: true });
    const tenant = body.pipelines && body.pipelines[0] ? body.pipelines[0].tenant : null;
    if (tenant) el.textContent = 'tenant: ' + tenant;
    tenantKnown = Boolean(tenant);
  } catch {
    // No token, or not allowed to list: the pages say so when it matters.
  }
}

const dialog = document.getElementById('token-dialog');
const input = document.getElementById('token-input');

function openTokenEntry(reason) {
  document.getElementById('token-reason').textContent = reason || '';
  input.value = getToken();
  if (!dialog.open) {
    dialog.returnValue = '';  // Escape closes without a value: keep the token as it was
    dialog.showModal();
  }
  input.focus();
}

dialog.addEventListener('close', () => {
  if (dialog.returnValue === 'save') setToken(input.value.trim());
  else if (dialog.returnValue === 'clear') setToken('');
  else return;
  tenantKnown = false;
  route();
});
window.addEventListener('sky:unauthorized', (e) => {
  openTokenEntry(`${e.detail.message} — enter an API token to continue.`);
});
document.getElementById('token-open').addEventListener('click', () => openTokenEntry(''));
window.addEventListener('hashchange', () => {
  route();
  view.focus({ preventScroll: true });  // screen readers start reading the new page
});

if (!location.hash) history.replaceState(null, '', '#/offers');
route();
