// Overview: the window's totals as cards, calls and latency over time, calls per provider
// and per app key.
import { api, query } from '../api.js';
import { barChart, lineChart } from '../charts.js';
import { clear, empty, fmt, h, loading, pageHead } from '../dom.js';

export const title = 'Overview';
const WINDOWS = [['1h', 'Last hour'], ['24h', '24 hours'], ['7d', '7 days'], ['30d', '30 days']];

function card(label, value, sub, name) {
  return h('div', { class: 'card', 'data-card': name },
    h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null);
}

export async function render(container, params) {
  const window = WINDOWS.some(([w]) => w === params.get('window')) ? params.get('window') : '24h';
  const switcher = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time window' },
    WINDOWS.map(([value, label]) => h('button', {
      type: 'button', 'aria-pressed': String(value === window),
      onclick: () => { location.hash = `#/overview${query({ window: value })}`; },
    }, label)));
  const refresh = h('button', { type: 'button', class: 'ghost', onclick: () => load() }, 'Refresh');
  const body = h('div');
  container.append(pageHead('Overview', 'What the gateway served, from every recorded call.', switcher, refresh), body);

  async function load() {
    clear(body, loading());
    const [stats, cluster] = await Promise.all([api.get(`/api/admin/stats${query({ window })}`), api.get('/api/admin/cluster')]);
    const t = stats.total;
    const cards = h('div', { class: 'cards' },
      card('Calls', fmt.number(t.calls), `${fmt.number(t.statuses.status_2xx)} succeeded`, 'calls'),
      card('Error rate', fmt.percent(t.error_rate), `${fmt.number(t.errors)} failed`, 'errors'),
      card('Latency p50', fmt.ms(t.latency_ms.p50), `p95 ${fmt.ms(t.latency_ms.p95)}`, 'latency'),
      card('First byte p50', fmt.ms(t.ttft_ms.p50), `p95 ${fmt.ms(t.ttft_ms.p95)}`, 'ttft'),
      card('Tokens', fmt.number(t.tokens.input + t.tokens.output),
        `${fmt.number(t.tokens.input)} in · ${fmt.number(t.tokens.output)} out`, 'tokens'),
      card('Cost', fmt.usd(t.cost_usd), 'from the price table', 'cost'),
      card('Replicas', fmt.number(cluster.replicas.length),
        `${cluster.backend === 'postgresql' ? 'on PostgreSQL' : 'on SQLite'}: ${cluster.replicas.map((r) => r.name).join(', ')}`, 'replicas'));
    if (t.calls === 0) {
      clear(body, cards, h('div', { class: 'panel' }, empty(
        'No calls in this window yet. Add a provider, create an API key, and point an app at /v1 with it.',
        [h('a', { class: 'button', href: '#/providers' }, 'Providers'), h('a', { class: 'button', href: '#/keys' }, 'API keys')])));
      return;
    }
    const times = stats.timeline.map((row) => new Date(row.start));
    const calls = lineChart({
      title: 'Calls over time',
      times,
      series: [
        { name: 'Succeeded', cls: 'series-1', values: stats.timeline.map((row) => row.calls - row.errors) },
        { name: 'Failed', cls: 'series-2', values: stats.timeline.map((row) => row.errors) },
      ],
      format: (v) => fmt.number(Math.round(v)),
    });
    const latency = lineChart({
      title: 'Latency over time',
      times,
      series: [
        { name: 'p50', cls: 'series-1', values: stats.timeline.map((row) => (row.calls ? row.latency_ms.p50 : null)) },
        { name: 'p95', cls: 'series-3', values: stats.timeline.map((row) => (row.calls ? row.latency_ms.p95 : null)) },
      ],
      format: fmt.ms,
    });
    const byProvider = barChart({
      title: 'Calls per provider',
      items: stats.by_provider.map((row) => ({ label: row.provider || '(none reached)', value: row.calls, note: `${fmt.percent(row.error_rate)} errors` })),
      format: fmt.number,
    });
    const byKey = barChart({
      title: 'Calls per API key',
      items: stats.by_key.map((row) => ({ label: row.key_name || '(no key)', value: row.calls, note: fmt.usd(row.cost_usd) })),
      format: fmt.number,
    });
    clear(body, cards,
      h('div', { class: 'grid-2' },
        h('section', { class: 'panel' }, h('h2', {}, 'Calls'), calls),
        h('section', { class: 'panel' }, h('h2', {}, 'Latency'), latency),
        h('section', { class: 'panel' }, h('h2', {}, 'Per provider'), byProvider),
        h('section', { class: 'panel' }, h('h2', {}, 'Per API key'), byKey)));
  }
  await load();
}
