// Charts as plain SVG (no dependency, works offline): a line chart, a timeline (Gantt), and
// horizontal stacked bars. Colours come from CSS classes (app.css `.s-*`), so the charts follow
// the page's theme. Every chart has role="img", an aria-label, and a <title> per mark.

const NS = 'http://www.w3.org/2000/svg';

// An SVG element: attributes from `attrs`, children appended (strings become text).
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) el.append(c);
  return el;
}

export function scale(d0, d1, r0, r1) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

// About `count` round ticks (1, 2, 5 × 10^n) covering [min, max].
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw);
  const ticks = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(+t.toFixed(10));
  return ticks;
}

const DAY = 86400;
const TIME_STEPS = [60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, DAY, 2 * DAY, 7 * DAY, 14 * DAY];

// Ticks at round times (Unix seconds, UTC) covering [min, max]: whole minutes to weeks, then
// the first of every 1, 3, 6 or 12 months.
export function timeTicks(min, max, count = 6) {
  const step = TIME_STEPS.find((st) => (max - min) / st <= count);
  const ticks = [];
  if (step) {
    for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
    return ticks;
  }
  const months = [1, 3, 6, 12, 24, 60].find((n) => (max - min) / (n * 30.4 * DAY) <= count) || 120;
  const d = new Date(min * 1000);
  let m = d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
  m = Math.ceil(m / months) * months;
  for (let t = Date.UTC(Math.floor(m / 12), m % 12, 1) / 1000; t <= max; m += months, t = Date.UTC(Math.floor(m / 12), m % 12, 1) / 1000) {
    ticks.push(t);
  }
  return ticks;
}

// A UTC label for Unix seconds, as precise as the span needs: "21:00", "May 31 21:00",
// "May 31", "May 2022".
export function timeLabel(unix, span = 0) {
  const d = new Date(unix * 1000);
  const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const month = d.toLocaleDateString('en', { month: 'short', timeZone: 'UTC' });
  if (span < DAY) return hm;
  if (span > 180 * DAY) return `${month} ${d.getUTCFullYear()}`;
  const day = `${month} ${d.getUTCDate()}`;
  return span > 7 * DAY ? day : `${day} ${hm}`;
}

// The width charts are drawn at: the window's, within 360..960 px, so that text keeps a
// readable size on a phone (the SVG then scales with its box).
export function defaultWidth() {
  const w = (typeof window !== 'undefined' && window.innerWidth) || 960;
  return Math.round(Math.min(960, Math.max(360, w - 48)));
}

function frame(width, height, label, cls) {
  return s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart ' + (cls || ''), role: 'img',
    'aria-label': label, preserveAspectRatio: 'xMinYMin meet' }, s('title', {}, label));
}

function xAxis(svg, ticks, x, y0, y1, format) {
  for (const t of ticks) {
    svg.append(s('line', { x1: x(t), x2: x(t), y1: y0, y2: y1, class: 'grid' }),
      s('text', { x: x(t), y: y1 + 16, class: 'tick', 'text-anchor': 'middle' }, format(t)));
  }
}

function yAxis(svg, ticks, y, x0, x1, format) {
  for (const t of ticks) {
    svg.append(s('line', { x1: x0, x2: x1, y1: y(t), y2: y(t), class: 'grid' }),
      s('text', { x: x0 - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, format(t)));
  }
}

// An HTML legend: [{name, cls}] as swatches.
export function legend(items) {
  const div = document.createElement('div');
  div.className = 'legend';
  for (const { name, cls } of items) {
    const item = document.createElement('span');
    const sw = document.createElement('i');
    sw.className = 'swatch ' + cls;
    item.append(sw, name);
    div.append(item);
  }
  return div;
}

function extent(values, pad = 0) {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= pad || Math.abs(lo) * 0.1 || 1;
    hi += pad || Math.abs(hi) * 0.1 || 1;
  }
  return [lo, hi];
}

// Series [{name, cls, points: [{x, y, title}]}] as lines (`step`: price-like steps) with
// dots (none for points marked `hold`). `onPoint(point, series)` makes dots clickable.
// `time`: x is Unix seconds.
export function lineChart({ series, label, xFormat = String, yFormat = String, time = false, step = false,
  onPoint, width = defaultWidth(), height = 300, yZero = false, xTitle, yTitle }) {
  const m = { l: 64, r: 16, t: 14, b: 44 };
  const all = series.flatMap((se) => se.points);
  const svg = frame(width, height, label, 'line-chart');
  if (all.length === 0) return svg;
  const [x0, x1] = extent(all.map((p) => p.x), time ? 3600 : 0);
  let [y0, y1] = extent(all.map((p) => p.y));
  if (yZero) y0 = Math.min(0, y0);
  y1 += (y1 - y0) * 0.08;
  const x = scale(x0, x1, m.l, width - m.r);
  const y = scale(y0, y1, height - m.b, m.t);
  const span = x1 - x0;
  xAxis(svg, time ? timeTicks(x0, x1) : niceTicks(x0, x1), x, m.t, height - m.b,
    time ? (t) => timeLabel(t, span) : xFormat);
  yAxis(svg, niceTicks(y0, y1, 5), y, m.l, width - m.r, yFormat);
  if (xTitle) svg.append(s('text', { x: width - m.r, y: height - 6, class: 'axis-title', 'text-anchor': 'end' }, xTitle));
  if (yTitle) svg.append(s('text', { x: 4, y: 10, class: 'axis-title' }, yTitle));
  for (const se of series) {
    const pts = [...se.points].sort((a, b) => a.x - b.x);
    let d = '';
    pts.forEach((p, i) => {
      if (i === 0) d += `M${x(p.x)},${y(p.y)}`;
      else d += step ? `H${x(p.x)}V${y(p.y)}` : `L${x(p.x)},${y(p.y)}`;
    });
    svg.append(s('path', { d, class: 'series ' + se.cls, fill: 'none' }));
    for (const p of pts.filter((q) => !q.hold)) {
      const dot = s('circle', { cx: x(p.x), cy: y(p.y), r: onPoint ? 6 : 3.5, class: 'dot ' + se.cls, 'data-key': p.key },
        s('title', {}, p.title || `${se.name}: ${yFormat(p.y)}`));
      if (onPoint) {
        dot.setAttribute('tabindex', '0');
        dot.setAttribute('role', 'button');
        dot.addEventListener('click', () => onPoint(p, se));
        dot.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && onPoint(p, se));
      }
      svg.append(dot);
    }
  }
  return svg;
}

// A Gantt chart. rows [{id, label}]; bars [{row, start, end, cls, label, title}]; markers
// [{row, at, cls, title}]; guides [{at, label}] (dashed lines: a deadline, now); `time`:
// positions are Unix seconds (else hours from 0); `end` stretches the axis.
export function timeline({ rows, bars, markers = [], guides = [], label, time = false, xFormat = (h) => h + ' h',
  width = defaultWidth(), rowHeight = 30, labelWidth = Math.min(170, width / 4), end }) {
  const m = { t: 8, b: guides.length ? 40 : 30, r: 16 };
  const height = m.t + rows.length * rowHeight + m.b;
  const svg = frame(width, height, label, 'timeline');
  const points = [...bars.flatMap((b) => [b.start, b.end]), ...markers.map((k) => k.at), ...guides.map((g) => g.at)];
  if (end !== undefined) points.push(end);
  if (points.length === 0) return svg;
  let [t0, t1] = [Math.min(...points), Math.max(...points)];
  if (!time) t0 = Math.min(0, t0);
  if (t1 === t0) t1 = t0 + (time ? 3600 : 1);
  const x = scale(t0, t1, labelWidth, width - m.r);
  const rowY = new Map(rows.map((r, i) => [r.id, m.t + i * rowHeight]));
  const axisY = m.t + rows.length * rowHeight;
  xAxis(svg, time ? timeTicks(t0, t1) : niceTicks(t0, t1, 8), x, m.t, axisY,
    time ? (t) => timeLabel(t, t1 - t0) : xFormat);
  const maxChars = Math.floor((labelWidth - 8) / 7);  // about 7 px per character at 11 px
  rows.forEach((r, i) => {
    svg.append(s('text', { x: 4, y: m.t + i * rowHeight + rowHeight / 2 + 4, class: 'row-label' },
      r.label.length > maxChars ? r.label.slice(0, maxChars - 1) + '…' : r.label, s('title', {}, r.label)));
  });
  for (const g of guides) {
    svg.append(s('line', { x1: x(g.at), x2: x(g.at), y1: m.t, y2: axisY, class: 'guide' }, s('title', {}, g.label)),
      s('text', { x: x(g.at) - 4, y: axisY + 26, class: 'guide-label', 'text-anchor': 'end' }, g.label));
  }
  for (const b of bars) {
    const top = rowY.get(b.row);
    if (top === undefined) continue;
    const w = Math.max(2, x(b.end) - x(b.start));
    const g = s('g', { class: 'bar ' + (b.cls || '') }, s('title', {}, b.title || b.label || ''),
      s('rect', { x: x(b.start), y: top + 4, width: w, height: rowHeight - 8, rx: 3 }));
    if (b.label && w > b.label.length * 6.5) {
      g.append(s('text', { x: x(b.start) + 5, y: top + rowHeight / 2 + 4, class: 'bar-label' }, b.label));
    }
    svg.append(g);
  }
  for (const k of markers) {
    const top = rowY.get(k.row);
    if (top === undefined) continue;
    const cx = x(k.at);
    const cy = top + rowHeight / 2;
    svg.append(s('path', { d: `M${cx},${cy - 8}L${cx + 7},${cy}L${cx},${cy + 8}L${cx - 7},${cy}Z`,
      class: 'marker ' + (k.cls || '') }, s('title', {}, k.title || '')));
  }
  return svg;
}

// Horizontal stacked bars: [{label, segments: [{value, cls, name}]}]; `format` labels totals.
export function barChart({ bars, label, format = String, width = defaultWidth(), barHeight = 26,
  labelWidth = Math.min(160, width / 4) }) {
  const m = { t: 8, b: 28, r: 90 };
  const height = m.t + bars.length * (barHeight + 8) + m.b;
  const svg = frame(width, height, label, 'bar-chart');
  const totals = bars.map((b) => b.segments.reduce((sum, sg) => sum + Math.max(0, sg.value), 0));
  const max = Math.max(0, ...totals) || 1;
  const ticks = niceTicks(0, max, 5);
  const x = scale(0, Math.max(max, ticks[ticks.length - 1]), labelWidth, width - m.r);
  const axisY = m.t + bars.length * (barHeight + 8);
  xAxis(svg, ticks, x, m.t, axisY, format);
  bars.forEach((b, i) => {
    const top = m.t + i * (barHeight + 8) + 4;
    svg.append(s('text', { x: 4, y: top + barHeight / 2 + 4, class: 'row-label' }, b.label));
    let at = 0;
    for (const sg of b.segments) {
      const v = Math.max(0, sg.value);
      svg.append(s('rect', { x: x(at), y: top, width: Math.max(0, x(at + v) - x(at)), height: barHeight,
        class: 'seg ' + sg.cls }, s('title', {}, `${b.label} · ${sg.name}: ${format(sg.value)}`)));
      at += v;
    }
    svg.append(s('text', { x: x(at) + 6, y: top + barHeight / 2 + 4, class: 'bar-total' }, format(totals[i])));
  });
  return svg;
}
