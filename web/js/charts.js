// Small charts of our own, drawn as inline SVG: a time series with a hover (and keyboard)
// tooltip, and horizontal bars. Colours come from CSS classes, so light and dark both work.
import { h } from './dom.js';

const W = 640;
const M = { top: 12, right: 12, bottom: 26, left: 52 };

/** The top of a 4-step axis whose steps are round numbers (1, 2, 2.5, 5 × 10ⁿ). */
function niceMax(value) {
  if (!(value > 0)) return 4;
  const raw = value / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= raw) * magnitude;
  return step * 4;
}

function timeLabel(date, spanMs) {
  return spanMs > 2 * 86400000
    ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * series: [{ name, cls: 'series-1', values: [number|null] }], times: [Date] (same length).
 * format: how a value reads in the axis and the tooltip.
 */
export function lineChart({ title, series, times, format = String, height = 220 }) {
  const H = height;
  const innerW = W - M.left - M.right;
  const innerH = H - M.top - M.bottom;
  const count = times.length;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v !== null))));
  const x = (i) => M.left + (count <= 1 ? innerW / 2 : (i / (count - 1)) * innerW);
  const y = (v) => M.top + innerH - (v / max) * innerH;
  const span = count > 1 ? times[count - 1] - times[0] : 0;

  const svg = h('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  const grid = h('g', { class: 'grid' });
  const axis = h('g', { class: 'axis' });
  for (let t = 0; t <= 4; t += 1) {
    const value = (max * t) / 4;
    grid.append(h('line', { x1: M.left, x2: W - M.right, y1: y(value), y2: y(value) }));
    axis.append(h('text', { x: M.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, format(value)));
  }
  for (const i of [0, Math.floor((count - 1) / 2), count - 1]) {
    if (i < 0 || !times[i]) continue;
    axis.append(h('text', { x: x(i), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === count - 1 ? 'end' : 'middle' },
      timeLabel(times[i], span)));
  }
  svg.append(grid, axis);
  const present = (v) => v !== null && v !== undefined;
  series.forEach((s, index) => {
    let d = '';
    const points = [];
    s.values.forEach((v, i) => {
      if (!present(v)) return;
      d += `${d && present(s.values[i - 1]) ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      points.push(i);
    });
    if (index === 0 && points.length > 1 && points.length === points[points.length - 1] - points[0] + 1) {
      const area = `${d}L${x(points[points.length - 1]).toFixed(1)},${y(0)}L${x(points[0]).toFixed(1)},${y(0)}Z`;
      svg.append(h('path', { class: `area ${s.cls}`, d: area }));
    }
    svg.append(h('path', { class: `line ${s.cls}`, d: d || `M${M.left},${y(0)}` }));
    // Sparse series (a few busy minutes) get dots, or a lone point would not show at all.
    if (points.length <= 40) {
      for (const i of points) if (s.values[i] > 0) svg.append(h('circle', { class: s.cls, cx: x(i), cy: y(s.values[i]), r: 3 }));
    }
  });

  const cursor = h('line', { class: 'cursor', y1: M.top, y2: M.top + innerH, display: 'none' });
  svg.append(cursor);
  const tip = h('div', { class: 'tooltip', hidden: true, role: 'status' });
  const wrap = h('div', { class: 'chart', tabindex: count ? 0 : -1, 'aria-label': `${title}. Use the arrow keys to read values.` },
    svg, tip,
    h('div', { class: 'legend' }, series.map((s) => h('span', { class: s.cls }, s.name))));

  let current = -1;
  function show(i) {
    if (i < 0 || i >= count) return;
    current = i;
    cursor.setAttribute('x1', x(i));
    cursor.setAttribute('x2', x(i));
    cursor.setAttribute('display', 'inline');
    tip.replaceChildren(h('strong', {}, times[i].toLocaleString()), ...series.map((s) =>
      h('div', {}, `${s.name}: ${s.values[i] === null || s.values[i] === undefined ? '—' : format(s.values[i])}`)));
    tip.hidden = false;
    const box = svg.getBoundingClientRect();
    const scale = box.width / W;
    const top = Math.min(...series.map((s) => (s.values[i] === null || s.values[i] === undefined ? H : y(s.values[i]))));
    tip.style.left = `${Math.min(Math.max(x(i) * scale, 70), box.width - 70)}px`;
    tip.style.top = `${Math.max(top * scale, 40)}px`;
  }
  function hide() {
    cursor.setAttribute('display', 'none');
    tip.hidden = true;
  }
  svg.addEventListener('mousemove', (event) => {
    const box = svg.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * W;
    show(Math.round(((px - M.left) / innerW) * (count - 1)));
  });
  svg.addEventListener('mouseleave', hide);
  wrap.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowRight') { show(Math.min(count - 1, current + 1)); event.preventDefault(); }
    if (event.key === 'ArrowLeft') { show(Math.max(0, current < 0 ? count - 1 : current - 1)); event.preventDefault(); }
    if (event.key === 'Escape') hide();
  });
  wrap.addEventListener('blur', hide);
  return wrap;
}

/** items: [{ label, value, note }] drawn as horizontal bars, largest first. */
export function barChart({ title, items, format = String }) {
  const rows = [...items].sort((a, b) => b.value - a.value).slice(0, 12);
  const rowH = 30;
  const labelW = 170;
  const H = Math.max(rowH, rows.length * rowH) + 4;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = h('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  rows.forEach((row, i) => {
    const top = i * rowH + 4;
    const width = ((W - labelW - 90) * row.value) / max;
    const label = row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label;
    svg.append(
      h('text', { class: 'label', x: 0, y: top + 16 }, label),
      h('rect', { class: 'bar-track', x: labelW, y: top + 4, width: W - labelW - 90, height: 16, rx: 4 }),
      h('rect', { class: 'series-1', x: labelW, y: top + 4, width: Math.max(width, row.value > 0 ? 2 : 0), height: 16, rx: 4 },
        h('title', {}, `${row.label}: ${format(row.value)}${row.note ? ` (${row.note})` : ''}`)),
      h('text', { class: 'label', x: W - 84, y: top + 16 }, format(row.value)));
  });
  return h('div', { class: 'chart' }, svg);
}
