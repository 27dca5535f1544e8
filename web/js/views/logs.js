// Logs: the newest call records with filters (kept in the link), page by page; a row opens
// the call's details: attempts, timings, tokens, cost.
import { api, query } from '../api.js';
import { badge, clear, empty, field, fmt, h, loading, openDialog, pageHead, select, table } from '../dom.js';

export const title = 'Logs';

function statusBadge(record) {
  if (record.incomplete) return badge(`${record.status} incomplete`, 'warn');
  return badge(String(record.status), record.status < 400 ? 'ok' : record.status < 500 ? 'warn' : 'bad');
}

function details(record) {
  const rows = [
    ['Time', fmt.date(record.time)], ['Request id', record.request_id], ['App key', record.key_name || '(none)'],
    ['Client', record.client || '—'], ['Endpoint', `${record.endpoint} (${record.format})`],
    ['Model asked for', record.model_requested], ['Model used', record.model || '—'], ['Provider', record.provider || '—'],
    ['Replica', record.replica || '—'], ['Proxy', record.proxy || 'direct'], ['Status', `${record.status}${record.incomplete ? ' (stream ended early)' : ''}`],
    ['Streamed', record.stream ? 'yes' : 'no'], ['Latency', fmt.ms(record.latency_ms)], ['First byte', fmt.ms(record.ttft_ms)],
    ['Tokens', `${fmt.number(record.input_tokens)} in (${fmt.number(record.cached_tokens)} cached) · ${fmt.number(record.output_tokens)} out`],
    ['Cost', fmt.usd(record.cost_usd)], ['Error', record.error || '—'],
  ];
  const list = h('dl', { class: 'details' }, rows.flatMap(([k, v]) => [h('dt', { class: 'muted' }, k), h('dd', { class: k === 'Request id' ? 'mono' : '' }, v)]));
  const attempts = record.attempts.length
    ? table([
      { label: '#', render: (a) => String(record.attempts.indexOf(a) + 1) },
      { label: 'Provider', render: (a) => a.provider },
      { label: 'Status', render: (a) => (a.status === null ? badge('no answer', 'bad') : badge(String(a.status), a.status < 400 ? 'ok' : 'bad')) },
      { label: 'Duration', render: (a) => fmt.ms(a.duration_ms) },
      { label: 'Error', render: (a) => a.error || '—' },
    ], record.attempts)
    : h('p', { class: 'muted' }, 'No provider was tried.');
  const closeButton = h('button', { type: 'button', class: 'secondary' }, 'Close');
  const { close } = openDialog(`Call ${record.request_id}`, h('div', {}, list, h('h3', {}, 'Attempts'), attempts), [closeButton]);
  closeButton.addEventListener('click', () => close());
  closeButton.focus();
}

export async function render(container, params) {
  const [providers, keys] = await Promise.all([api.get('/api/admin/providers'), api.get('/api/admin/keys')]);
  const filters = {
    provider: params.get('provider') || '', key: params.get('key') || '', model: params.get('model') || '', status: params.get('status') || '',
  };
  const form = h('form', { class: 'filters', 'aria-label': 'Filter calls' },
    field('Provider', select('provider', [['', 'All'], ...providers.data.map((p) => [p.name, p.name])], filters.provider), { name: 'provider' }),
    field('API key', select('key', [['', 'All'], ...keys.data.map((k) => [k.id, k.name])], filters.key), { name: 'key' }),
    field('Model', h('input', { value: filters.model, placeholder: 'any', autocomplete: 'off' }), { name: 'model' }),
    field('Status', select('status', [['', 'All'], ['2xx', '2xx ok'], ['4xx', '4xx refused'], ['5xx', '5xx failed']], filters.status), { name: 'status' }),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = form.elements;
    location.hash = `#/logs${query({ provider: v.provider.value, key: v.key.value, model: v.model.value.trim(), status: v.status.value })}`;
  });
  const refresh = h('button', { type: 'button', class: 'ghost', onclick: () => start() }, 'Refresh');
  const body = h('div', { class: 'panel' }, loading());
  container.append(pageHead('Logs', 'The newest calls, newest first. Select a row for its details.', refresh), form, body);

  let records = [];
  let cursor = null;
  async function page() {
    const data = await api.get(`/api/admin/logs${query({ ...filters, limit: 50, cursor })}`);
    records = records.concat(data.data);
    cursor = data.next_cursor;
    draw();
  }
  function draw() {
    if (!records.length) {
      const filtered = Object.values(filters).some(Boolean);
      clear(body, empty(filtered ? 'No calls match these filters.' : 'No calls recorded yet. Calls to /v1 show up here as they finish.'));
      return;
    }
    const more = cursor ? h('div', { class: 'actions' }, h('button', {
      type: 'button', class: 'secondary', onclick: async (event) => { event.target.disabled = true; await page(); },
    }, 'Load older calls')) : h('p', { class: 'muted' }, 'That is all that is kept (see observability_max_records in Settings).');
    clear(body, table([
      { label: 'Time', render: (r) => fmt.date(r.time) },
      { label: 'Key', render: (r) => r.key_name || h('span', { class: 'muted' }, r.client === 'dashboard' ? 'dashboard' : 'none') },
      { label: 'Model', render: (r) => h('div', {}, r.model_requested || '—',
        r.model && r.model !== r.model_requested ? h('div', { class: 'muted' }, `→ ${r.model}`) : null) },
      { label: 'Provider', render: (r) => r.provider || '—' },
      { label: 'Status', render: statusBadge },
      { label: 'Latency', render: (r) => fmt.ms(r.latency_ms) },
      { label: 'Tokens', render: (r) => `${fmt.number(r.input_tokens)} / ${fmt.number(r.output_tokens)}` },
      { label: 'Cost', render: (r) => fmt.usd(r.cost_usd) },
    ], records, { onRowClick: details, rowLabel: (r) => `Call ${r.request_id}, status ${r.status}` }), more);
  }
  async function start() {
    records = [];
    cursor = null;
    clear(body, loading());
    await page();
  }
  await start();
}
