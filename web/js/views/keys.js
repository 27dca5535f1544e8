// API keys: create (the key is shown once, with Copy), limits and budgets, usage, revoke.
import { api } from '../api.js';
import {
  badge, checkbox, clear, confirmAction, empty, field, fmt, formDialog, h, list, loading, openDialog, pageHead, select,
  table, toast,
} from '../dom.js';

export const title = 'API keys';

function spend(key) {
  if (key.budget_usd === null) return h('span', {}, fmt.usd(key.usage.cost_usd), h('div', { class: 'muted' }, 'no budget'));
  const share = key.budget_usd > 0 ? key.spend_usd / key.budget_usd : 1;
  const kind = share >= 1 ? 'bad' : share >= 0.8 ? 'warn' : 'ok';
  return h('div', {}, badge(`${fmt.usd(key.spend_usd)} of ${fmt.usd(key.budget_usd)}`, kind),
    h('div', { class: 'muted' }, `${key.budget_period} budget`));
}

function limits(key) {
  const parts = [];
  if (key.rpm_limit) parts.push(`${fmt.number(key.rpm_limit)} req/min`);
  if (key.tpm_limit) parts.push(`${fmt.number(key.tpm_limit)} tokens/min`);
  parts.push(key.allowed_models ? `models: ${key.allowed_models.join(', ')}` : 'all models');
  if (key.expires_at) parts.push(`expires ${fmt.date(key.expires_at)}`);
  return h('div', { class: 'muted' }, parts.join(' · '));
}

function state(key) {
  if (!key.enabled) return badge('Disabled', 'neutral');
  if (key.expires_at && new Date(key.expires_at) <= new Date()) return badge('Expired', 'bad');
  return badge('Active', 'ok');
}

/** `2027-01-31T12:00` from a datetime-local input, as an RFC 3339 instant. */
function instant(local) {
  return local ? new Date(local).toISOString() : null;
}

function localValue(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function showSecret(secret, name) {
  const input = h('input', { value: secret, readonly: true, 'aria-label': 'The new API key', class: 'mono' });
  const copy = h('button', { type: 'button' }, 'Copy');
  const done = h('button', { type: 'button', class: 'secondary' }, 'Done');
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      document.execCommand('copy');
    }
    copy.textContent = 'Copied';
    toast('Key copied to the clipboard.');
  });
  const { close, closed } = openDialog(`API key for ${name}`, h('div', {},
    h('p', { class: 'notice' }, 'Copy this key now. It is shown only once: NineRouter keeps only its hash.'),
    h('div', { class: 'secret' }, input, copy),
    h('p', { class: 'muted' }, 'Apps send it as "Authorization: Bearer <key>" (OpenAI SDKs) or "x-api-key" (Anthropic SDKs).')),
  [done]);
  done.addEventListener('click', () => close());
  input.focus();
  input.select();
  return closed;
}

export async function render(container) {
  const add = h('button', { type: 'button' }, 'Create key');
  const body = h('div', {}, loading());
  container.append(pageHead('API keys', 'One key per app. Limits and budgets apply per key.', add), body);

  async function load() {
    const keys = (await api.get('/api/admin/keys')).data;
    if (!keys.length) {
      clear(body, h('div', { class: 'panel' }, empty('No API keys yet. Create one for each app that calls /v1.',
        h('button', { type: 'button', onclick: () => edit() }, 'Create key'))));
      return;
    }
    clear(body, h('div', { class: 'panel' }, table([
      { label: 'Name', render: (k) => h('div', {}, h('strong', {}, k.name), ' ', state(k)) },
      { label: 'Key', render: (k) => h('span', { class: 'mono' }, `${k.key_prefix}…`) },
      { label: 'Created', render: (k) => fmt.date(k.created_at) },
      { label: 'Last used', render: (k) => fmt.ago(k.last_used_at) },
      { label: 'Calls', render: (k) => h('div', {}, fmt.number(k.usage.calls),
        h('div', { class: 'muted' }, `${fmt.number(k.usage.input_tokens + k.usage.output_tokens)} tokens`)) },
      { label: 'Spend', render: spend },
      { label: 'Limits', render: limits },
      { label: '', render: actions },
    ], keys)));
  }

  function actions(key) {
    const toggle = h('button', { type: 'button', class: 'small ghost' }, key.enabled ? 'Disable' : 'Enable');
    toggle.addEventListener('click', async () => {
      try {
        await api.patch(`/api/admin/keys/${key.id}`, { enabled: !key.enabled });
        await load();
      } catch (error) { toast(error.message, 'bad'); }
    });
    const revoke = h('button', { type: 'button', class: 'small danger' }, 'Revoke');
    revoke.addEventListener('click', async () => {
      if (!(await confirmAction(`Revoke the key "${key.name}"? Apps using it get 401 from now on.`, 'Revoke'))) return;
      try {
        await api.delete(`/api/admin/keys/${key.id}`);
        toast(`${key.name} revoked.`);
        await load();
      } catch (error) { toast(error.message, 'bad'); }
    });
    return h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'small ghost', onclick: () => edit(key) }, 'Edit'), toggle, revoke);
  }

  function edit(key) {
    const creating = !key;
    const k = key || { name: '', allowed_models: null, rpm_limit: null, tpm_limit: null, budget_usd: null, budget_period: 'monthly', expires_at: null, enabled: true };
    const form = h('form', {},
      h('div', { class: 'form-error error', role: 'alert' }),
      field('Name', h('input', { value: k.name, required: true, autocomplete: 'off' }), { name: 'name', hint: 'The app this key is for.' }),
      field('Allowed models', h('textarea', { rows: 2 }, (k.allowed_models || []).join('\n')),
        { name: 'allowed_models', hint: 'One per line (aliases too). Empty: every model.' }),
      h('div', { class: 'row' },
        field('Requests per minute', h('input', { type: 'number', min: 1, value: k.rpm_limit ?? '' }), { name: 'rpm_limit', hint: 'Empty: no limit.' }),
        field('Tokens per minute', h('input', { type: 'number', min: 1, value: k.tpm_limit ?? '' }), { name: 'tpm_limit', hint: 'Empty: no limit.' })),
      h('div', { class: 'row' },
        field('Budget (USD)', h('input', { type: 'number', min: 0, step: '0.01', value: k.budget_usd ?? '' }), { name: 'budget_usd', hint: 'Empty: no budget.' }),
        field('Budget period', select('budget_period', [['daily', 'Daily'], ['monthly', 'Monthly'], ['total', 'Total']], k.budget_period || 'monthly'),
          { name: 'budget_period' })),
      field('Expires', h('input', { type: 'datetime-local', value: localValue(k.expires_at) }), { name: 'expires_at', hint: 'Empty: never.' }),
      creating ? null : checkbox('Enabled', 'enabled', k.enabled));
    formDialog(creating ? 'Create API key' : `Edit ${k.name}`, form, creating ? 'Create key' : 'Save', async (v) => {
      const number = (input) => (input.value === '' ? null : Number(input.value));
      const allowed = list(v.allowed_models.value);
      const payload = {
        name: v.name.value.trim(),
        allowed_models: allowed.length ? allowed : null,
        rpm_limit: number(v.rpm_limit),
        tpm_limit: number(v.tpm_limit),
        budget_usd: number(v.budget_usd),
        budget_period: number(v.budget_usd) === null ? null : v.budget_period.value,
        expires_at: instant(v.expires_at.value),
      };
      if (!creating) payload.enabled = v.enabled.checked;
      if (creating && payload.expires_at === null) delete payload.expires_at;
      return creating ? api.post('/api/admin/keys', payload) : api.patch(`/api/admin/keys/${k.id}`, payload);
    }, async (saved) => {
      await load();
      if (creating) await showSecret(saved.key, saved.name);
      else toast(`${saved.name} saved.`);
    });
  }

  add.addEventListener('click', () => edit());
  await load();
}
