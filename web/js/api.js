// The dashboard's only way to the server: the public REST API under /v1. Adds the bearer token
// (kept in sessionStorage, so it dies with the tab), turns error bodies
// ({"error": {code, message, details}}) into ApiError, announces a 401 (the token entry opens),
// waits for operations (202 + GET /v1/operations/{id}) and follows pipeline events.

const TOKEN_KEY = 'skybroker.token';

export class ApiError extends Error {
  // `status` 0 means the server could not be reached; `details` is [{path, message}].
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';  // storage disabled: work without a token
  }
}

export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: nothing to keep.
  }
}

function requestHeaders(extra = {}) {
  const headers = { Accept: 'application/json', ...extra };
  const token = getToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  return headers;
}

async function errorFrom(res, quiet) {
  const text = await res.text().catch(() => '');
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's page, a crash): show the start of it.
  }
  const e = body && body.error ? body.error : null;
  const fallback = `${res.status} ${res.statusText || 'error'}` + (text ? ': ' + text.slice(0, 200) : '');
  const err = new ApiError(res.status, (e && e.code) || 'http_' + res.status,
    (e && e.message) || fallback, (e && e.details) || []);
  if (res.status === 401 && !quiet) window.dispatchEvent(new CustomEvent('sky:unauthorized', { detail: err }));
  return err;
}

// fetch with the token; resolves with the Response when it is 2xx, else rejects with ApiError.
// `quiet`: a 401 does not open the token entry (background requests).
export async function request(path, { method = 'GET', body, headers, signal, quiet = false } = {}) {
  let res;
  try {
    res = await fetch(path, { method, body, headers: requestHeaders(headers), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'unreachable', `cannot reach the server (${e.message})`);
  }
  if (!res.ok) throw await errorFrom(res, quiet);
  return res;
}

// The parsed JSON body of a 2xx answer (null for 204), with the status as a hidden property.
export async function api(path, options) {
  const res = await request(path, options);
  if (res.status === 204) return null;
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'bad_response', `${path} answered something that is not JSON`);
  }
  if (body && typeof body === 'object') Object.defineProperty(body, 'httpStatus', { value: res.status });
  return body;
}

export function postJson(path, body, options = {}) {
  return api(path, { ...options, method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' } });
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    }, { once: true });
  });
}

// Polls an operation until it ends: resolves with its result, rejects with its error.
export async function waitOperation(op, { onProgress, signal } = {}) {
  let delay = 200;
  while (op.state === 'queued' || op.state === 'running') {
    onProgress?.(op);
    await sleep(delay, signal);
    delay = Math.min(delay * 1.5, 2000);
    op = await api('/v1/operations/' + encodeURIComponent(op.id), { signal });
  }
  if (op.state === 'succeeded') return op.result;
  const e = op.error || {};
  throw new ApiError(200, e.code || 'failed', e.message || `operation ${op.id} failed`, e.details || []);
}

// A body that may be a 202 operation ({id, kind, state, progress}): waits for it; else as is.
export function settle(body, options) {
  const isOperation = body && body.httpStatus === 202 && body.kind && body.progress;
  return isOperation ? waitOperation(body, options) : body;
}

// Calls `onMessage({event, id, data})` for each server-sent event of the stream.
async function readEventStream(stream, onMessage) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = { event: 'message', id: null, data: '' };
      for (const line of buffer.slice(0, end).split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue;  // a comment (keep-alive)
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') message.data += (message.data ? '\n' : '') + val;
        else if (field === 'event' || field === 'id') message[field] = val;
      }
      buffer = buffer.slice(end + 2);
      if (message.data) onMessage(message);
    }
  }
}

// Follows a pipeline's events after sequence `after`: calls `onEvents(newEvents)` in order and
// `onMode('stream' | 'polling')` as it learns how. Reads the server-sent event stream with
// fetch (EventSource cannot send the Authorization header); when the server answers JSON
// instead, or the stream breaks, polls the JSON every `pollMs`. Returns a stop function.
export function followEvents(id, after, onEvents, { onMode = () => {}, onError = () => {}, pollMs = 2000 } = {}) {
  const controller = new AbortController();
  const signal = controller.signal;
  const url = '/v1/pipelines/' + encodeURIComponent(id) + '/events';
  let last = after;
  const deliver = (events) => {
    const fresh = events.filter((e) => e.seq > last);
    if (fresh.length === 0) return;
    last = fresh[fresh.length - 1].seq;
    onEvents(fresh);
  };
  const pollOnce = async () => deliver((await api(`${url}?after=${last}`, { signal })).events || []);
  const stream = async () => {
    const res = await request(`${url}?after=${last}`, { headers: { Accept: 'text/event-stream' }, signal });
    if (!(res.headers.get('Content-Type') || '').includes('text/event-stream')) {
      deliver((await res.json()).events || []);
      return false;
    }
    onMode('stream');
    await readEventStream(res.body, (m) => {
      if (m.event === 'error') onError(new ApiError(200, 'stream', m.data));
      else deliver([JSON.parse(m.data)]);
    });
    return true;
  };
  (async () => {
    let streaming = true;
    while (!signal.aborted) {
      try {
        if (streaming) {
          streaming = await stream();
          if (streaming) break;  // the server ended the stream: the pipeline is over
          onMode('polling');
        } else {
          await pollOnce();
        }
      } catch (e) {
        if (e.name === 'AbortError') return;
        onError(e);
        if (e.status >= 400 && e.status < 500) return;  // retrying will not help (auth, gone)
      }
      await sleep(pollMs, signal).catch(() => {});
    }
  })();
  return () => controller.abort();
}
