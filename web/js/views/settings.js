// Settings: the admin password, routing and observability switches, and model prices.
import { api } from '../api.js';
import {
  checkbox, clear, confirmAction, empty, field, fmt, formDialog, h, loading, pageHead, select, showErrors, table, toast,
} from '../dom.js';

export const title = 'Settings';

function passwordForm() {
  const form = h('form', { class: 'panel', novalidate: true, 'aria-labelledby': 'pw-title' },
    h('h2', { id: 'pw-title' }, 'Admin password'),
    h('div', { class: 'form-error error', role: 'alert' }),
    field('Current password', h('input', { type: 'password', autocomplete: 'current-password' }), { name: 'current_password' }),
    h('div', { class: 'row' },
      field('New password', h('input', { type: 'password', autocomplete: 'new-password' }), { name: 'new_password', hint: 'At least 8 characters.' }),
      field('Repeat the new password', h('input', { type: 'password', autocomplete: 'new-password' }), { name: 'repeat' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Change password')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = form.elements;
    if (v.new_password.value !== v.repeat.value) {
      showErrors(form, { field: 'repeat', message: 'The two new passwords differ.' });
      return;
    }
    try {
      await api.put('/api/admin/password', { current_password: v.current_password.value, new_password: v.new_password.value });
      showErrors(form, null);
      form.reset();
      toast('Password changed. Other sessions were logged out.');
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function settingsForm(settings) {
  const form = h('form', { class: 'panel', novalidate: true, 'aria-labelledby': 'routing-title' },
    h('h2', { id: 'routing-title' }, 'Routing and observability'),
    h('div', { class: 'form-error error', role: 'alert' }),
    checkbox('Require an API key for /v1 calls', 'require_api_key', settings.require_api_key),
    h('div', { class: 'row' },
      field('Default strategy', select('default_strategy', [['round-robin', 'Round robin'], ['weighted', 'Weighted'],
        ['least-inflight', 'Least in flight'], ['fill-first', 'Fill first'], ['fallback', 'Fallback']], settings.default_strategy),
      { name: 'default_strategy', hint: 'How providers of equal priority share calls.' }),
      field('Max attempts', h('input', { type: 'number', min: 1, max: 10, value: settings.max_attempts }),
        { name: 'max_attempts', hint: 'Providers tried per call before giving up.' })),
    checkbox('Record every call (logs, stats, costs)', 'observability_enabled', settings.observability_enabled),
    field('Call records kept in full', h('input', { type: 'number', min: 10, max: 1000000, value: settings.observability_max_records }),
      { name: 'observability_max_records', hint: 'The newest calls in Logs; totals are kept regardless.' }),
    h('div', { class: 'row' },
      field('Stored responses kept (days)', h('input', { type: 'number', min: 1, max: 3650, value: settings.responses_retention_days }),
        { name: 'responses_retention_days', hint: '/v1/responses answers kept for previous_response_id and retrieval.' }),
      field('Stored responses kept (most)', h('input', { type: 'number', min: 0, max: 10000000, value: settings.responses_max_stored }),
        { name: 'responses_max_stored', hint: 'The oldest go first.' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save settings')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = form.elements;
    try {
      await api.patch('/api/admin/settings', {
        require_api_key: v.require_api_key.checked, default_strategy: v.default_strategy.value,
        max_attempts: Number(v.max_attempts.value), observability_enabled: v.observability_enabled.checked,
        observability_max_records: Number(v.observability_max_records.value),
        responses_retention_days: Number(v.responses_retention_days.value),
        responses_max_stored: Number(v.responses_max_stored.value),
      });
      showErrors(form, null);
      toast('Settings saved.');
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function pricesPanel() {
  const body = h('div', {}, loading());
  const add = h('button', { type: 'button', class: 'secondary', onclick: () => edit() }, 'Add price');
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'prices-title' },
    h('div', { class: 'page-head' }, h('div', {}, h('h2', { id: 'prices-title' }, 'Model prices'),
      h('p', { class: 'muted' }, 'USD per million tokens; the cost of each call is computed from these.')), add), body);

  async function load() {
    const prices = (await api.get('/api/admin/prices')).data;
    if (!prices.length) { clear(body, empty('No prices: calls have no cost.')); return; }
    clear(body, table([
      { label: 'Model', render: (p) => h('span', { class: 'mono' }, p.model) },
      { label: 'Input', render: (p) => fmt.usd(p.input_per_mtok) },
      { label: 'Output', render: (p) => fmt.usd(p.output_per_mtok) },
      { label: 'Cached input', render: (p) => (p.cached_per_mtok === null ? 'as input' : fmt.usd(p.cached_per_mtok)) },
      { label: '', render: (p) => h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small ghost', onclick: () => edit(p) }, 'Edit'),
        h('button', { type: 'button', class: 'small danger', onclick: () => remove(p) }, 'Delete')) },
    ], prices));
  }

  async function remove(price) {
    if (!(await confirmAction(`Delete the price of ${price.model}? Its calls will have no cost.`))) return;
    try {
      await api.delete(`/api/admin/prices/${encodeURIComponent(price.model)}`);
      await load();
    } catch (error) { toast(error.message, 'bad'); }
  }

  function edit(price) {
    const creating = !price;
    const amount = (name, value) => h('input', { type: 'number', min: 0, step: 'any', value: value ?? '' });
    const form = h('form', {},
      h('div', { class: 'form-error error', role: 'alert' }),
      field('Model', h('input', { value: price ? price.model : '', readonly: !creating, autocomplete: 'off' }), { name: 'model' }),
      h('div', { class: 'row' },
        field('Input', amount('input', price?.input_per_mtok), { name: 'input_per_mtok' }),
        field('Output', amount('output', price?.output_per_mtok), { name: 'output_per_mtok' }),
        field('Cached input', amount('cached', price?.cached_per_mtok), { name: 'cached_per_mtok', hint: 'Empty: as input.' })));
    formDialog(creating ? 'Add price' : `Price of ${price.model}`, form, 'Save price', async (v) => {
      const model = v.model.value.trim();
      if (!model) throw { field: 'model', message: 'Name the model.' };
      const number = (input) => (input.value === '' ? null : Number(input.value));
      await api.put(`/api/admin/prices/${encodeURIComponent(model)}`, {
        input_per_mtok: number(v.input_per_mtok) ?? 0, output_per_mtok: number(v.output_per_mtok) ?? 0,
        cached_per_mtok: number(v.cached_per_mtok),
      });
    }, load);
  }

  load().catch((error) => clear(body, h('p', { class: 'error' }, error.message)));
  return panel;
}

export async function render(container) {
  const settings = await api.get('/api/admin/settings');
  container.append(pageHead('Settings', 'Password, routing, observability and prices.'),
    h('div', { class: 'grid-2' }, passwordForm(), settingsForm(settings)), pricesPanel());
}
