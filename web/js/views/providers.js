// Providers: connections with live status and usage; add/edit in a dialog with per-type
// defaults; test, enable/disable, delete.
import { api } from '../api.js';
import {
  badge, checkbox, clear, confirmAction, empty, field, fmt, formDialog, h, list, loading, pageHead, select, table, toast,
} from '../dom.js';

export const title = 'Providers';

const DEFAULT_BASE = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  azure: '',
};

const BASE_HINT = {
  azure: 'Required: the resource endpoint, e.g. https://NAME.openai.azure.com (no path; NineRouter adds /openai/…).',
};

// "model=deployment" lines ⇄ the deployments object.
function deploymentLines(map) {
  return Object.entries(map || {}).map(([model, deployment]) => `${model}=${deployment}`).join('\n');
}

function deploymentMap(text) {
  const map = {};
  for (const line of list(text)) {
    const at = line.indexOf('=');
    if (at > 0) map[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    else map[line] = line;
  }
  return map;
}

function status(provider) {
  if (!provider.enabled) return badge('Disabled', 'neutral');
  const s = provider.status;
  if (s.cooling_until && new Date(s.cooling_until) > new Date()) {
    return h('div', {}, badge(`Cooling down until ${new Date(s.cooling_until).toLocaleTimeString()}`, 'warn'),
      s.last_error ? h('div', { class: 'muted' }, s.last_error) : null);
  }
  return h('div', {}, badge('Healthy', 'ok'),
    s.last_error ? h('div', { class: 'muted' }, `Last error ${fmt.ago(s.last_error_at)}: ${s.last_error}`) : null);
}

function models(names) {
  if (!names.length) return h('span', { class: 'muted' }, 'any model');
  const shown = names.slice(0, 4).map((m) => h('span', { class: 'chip' }, m));
  return h('div', { class: 'chips' }, shown, names.length > 4 ? h('span', { class: 'chip' }, `+${names.length - 4}`) : null);
}

export async function render(container) {
  const add = h('button', { type: 'button' }, 'Add provider');
  const body = h('div', {}, loading());
  container.append(pageHead('Providers', 'The AI services NineRouter calls, with their keys.', add), body);
  let pools = [];
  let catalog = [];

  async function load() {
    const [providerList, poolList, catalogList] = await Promise.all([api.get('/api/admin/providers'),
      api.get('/api/admin/proxy-pools'), api.get('/api/admin/provider-catalog')]);
    pools = poolList.data;
    catalog = catalogList.data;
    const rows = providerList.data;
    if (!rows.length) {
      clear(body, h('div', { class: 'panel' }, empty('No providers yet. Add one with its API key to start routing calls.',
        h('button', { type: 'button', onclick: () => edit() }, 'Add provider'))));
      return;
    }
    const poolName = (id) => pools.find((p) => p.id === id)?.name;
    clear(body, h('div', { class: 'panel' }, table([
      { label: 'Name', render: (p) => h('div', {}, h('strong', {}, p.name), ' ', badge(p.type)) },
      { label: 'Base URL', render: (p) => h('span', { class: 'mono' }, p.base_url) },
      { label: 'Key', render: (p) => h('span', { class: 'mono' }, p.has_api_key ? p.api_key_hint : 'none') },
      { label: 'Models', render: (p) => models(p.models) },
      { label: 'Priority / weight', render: (p) => `${p.priority} / ${p.weight}` },
      { label: 'Proxy pool', render: (p) => poolName(p.proxy_pool_id) || h('span', { class: 'muted' }, 'direct') },
      { label: 'Status', render: (p) => h('div', {}, status(p), h('div', { class: 'muted' }, `${p.status.in_flight} in flight`)) },
      { label: 'Usage', render: (p) => h('div', {}, `${fmt.number(p.usage.calls)} calls`,
        h('div', { class: 'muted' }, `${fmt.number(p.usage.input_tokens + p.usage.output_tokens)} tokens · ${fmt.usd(p.usage.cost_usd)}`)) },
      { label: '', render: actions },
    ], rows)));
  }

  function actions(provider) {
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const test = rowAction('Test', result, 'Testing…', async () => {
      const r = await api.post(`/api/admin/providers/${provider.id}/test`);
      result.className = `result ${r.ok ? 'ok' : 'bad'}`;
      result.textContent = r.ok
        ? `Connected in ${r.latency_ms} ms · ${r.models.length} models`
        : `Failed${r.status ? ` (HTTP ${r.status})` : ''}: ${r.error || 'no answer'}`;
    });
    const toggle = h('button', { type: 'button', class: 'small ghost' }, provider.enabled ? 'Disable' : 'Enable');
    toggle.addEventListener('click', async () => {
      try {
        await api.patch(`/api/admin/providers/${provider.id}`, { enabled: !provider.enabled });
        toast(`${provider.name} ${provider.enabled ? 'disabled' : 'enabled'}.`);
        await load();
      } catch (error) { toast(error.message, 'bad'); }
    });
    const remove = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!(await confirmAction(`Delete the provider "${provider.name}"? Calls will no longer be sent to it.`))) return;
      try {
        await api.delete(`/api/admin/providers/${provider.id}`);
        toast(`${provider.name} deleted.`);
        await load();
      } catch (error) { toast(error.message, 'bad'); }
    });
    const discover = rowAction('Models…', result, 'Asking the connection for its models…', async () => {
      const found = await api.post(`/api/admin/providers/${provider.id}/discover`);
      if (!found.ok) {
        result.className = 'result bad';
        result.textContent = `No model list${found.status ? ` (HTTP ${found.status})` : ''}: ${found.error || 'no answer'}`;
        return;
      }
      result.textContent = '';
      chooseModels(provider, found);
    });
    return h('div', {}, h('div', { class: 'actions' }, test, discover,
      h('button', { type: 'button', class: 'small ghost', onclick: () => edit(provider) }, 'Edit'), toggle, remove), result);
  }

  // A row's button whose progress and failure show in the row's result line.
  function rowAction(label, result, pending, run) {
    const button = h('button', { type: 'button', class: 'small secondary' }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      result.className = 'result';
      result.textContent = pending;
      try {
        await run();
      } catch (error) {
        result.className = 'result bad';
        result.textContent = error.message;
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  // The models a connection offers, the served ones ticked; saving sets `models` to the ticked
  // ones plus any served model the connection did not list (an admin's own name is kept).
  function chooseModels(provider, found) {
    const offered = new Set(found.data.map((m) => m.id));
    const boxes = found.data.map((m) => {
      const input = h('input', { type: 'checkbox', name: 'serve', value: m.id, checked: m.served, id: `serve-${provider.id}-${m.id}` });
      return h('div', { class: 'check' }, input, h('label', { for: input.id, class: 'mono' }, m.id));
    });
    const form = h('form', {},
      h('div', { class: 'form-error error', role: 'alert' }),
      h('p', { class: 'muted' }, found.serves_any
        ? `${found.data.length} models offered. None ticked: the connection takes any model name no other provider claims.`
        : `${found.data.length} models offered; the ticked ones are served.`),
      h('div', { class: 'model-choices' }, boxes.length ? boxes : h('p', { class: 'muted' }, 'The connection listed no models.')));
    formDialog(`Models of ${provider.name}`, form, 'Serve ticked models', async () => {
      const ticked = [...form.querySelectorAll("input[name='serve']:checked")].map((input) => input.value);
      const kept = provider.models.filter((m) => !offered.has(m));
      await api.patch(`/api/admin/providers/${provider.id}`, { models: [...ticked, ...kept] });
      return ticked.length + kept.length;
    }, async (count) => {
      toast(`${provider.name} serves ${count ? `${count} models` : 'any model'}.`);
      await load();
    });
  }

  // What a catalogue service does not take of OpenAI's request, in a line.
  function quirksText(entry) {
    const q = entry.quirks;
    const parts = Object.entries(q.renamed).map(([from, to]) => `${from} sent as ${to}`);
    if (q.unsupported.length) parts.push(`not sent: ${q.unsupported.join(', ')}`);
    if (q.developer_as_system) parts.push('developer turns sent as system');
    if (q.alternating_turns) parts.push('turns of one role in a row sent as one');
    const serves = [entry.responses ? 'Responses' : null, entry.embeddings ? 'embeddings' : null].filter(Boolean);
    return `${entry.name}: ${entry.key_required ? 'needs its API key' : 'no key needed'}`
      + `${serves.length ? `; serves ${serves.join(' and ')}` : ''}${parts.length ? `; ${parts.join('; ')}` : ''}. Docs: ${entry.docs}`;
  }

  function edit(provider) {
    const creating = !provider;
    const p = provider || { type: 'openai', models: [], priority: 0, weight: 1, enabled: true, proxy_pool_id: null,
      allow_client_billing_headers: false, native_responses: true, responses_only_models: [], api_version: null, deployments: {} };
    const type = select('type', [['openai', 'OpenAI or compatible'], ['anthropic', 'Anthropic'], ['gemini', 'Google Gemini'],
      ['azure', 'Azure OpenAI']], p.type);
    const baseURL = h('input', { type: 'url', value: creating ? '' : p.base_url, placeholder: DEFAULT_BASE[p.type], autocomplete: 'off' });
    const baseHint = h('span');
    const updateHint = () => {
      baseURL.placeholder = DEFAULT_BASE[type.value];
      baseHint.textContent = BASE_HINT[type.value]
        || `Leave empty for ${DEFAULT_BASE[type.value]}. OpenAI-compatible servers (vLLM, Ollama, OpenRouter…) use their own URL ending in /v1.`;
      azureFields.hidden = type.value !== 'azure';
    };
    const azureFields = h('div', { class: 'azure-fields' },
      field('API version', h('input', { value: p.api_version || '', placeholder: 'e.g. 2024-10-21', autocomplete: 'off' }),
        { name: 'api_version', hint: 'Set: the deployments API (…/openai/deployments/{deployment}/…?api-version=). Empty: the v1 API (…/openai/v1/…).' }),
      field('Deployments', h('textarea', { rows: 2 }, deploymentLines(p.deployments)),
        { name: 'deployments', hint: 'One per line: model=deployment. A model not listed is called as a deployment of its own name.' }));
    type.addEventListener('change', updateHint);
    updateHint();
    const key = h('input', { type: 'password', autocomplete: 'off', placeholder: creating ? '' : `${p.api_key_hint} (unchanged)` });
    const service = select('catalog', [['', 'Custom'], ...catalog.map((e) => [e.id, e.local ? `${e.name} (local)` : e.name])], p.catalog);
    const serviceHint = h('span', {}, 'A known OpenAI-compatible service fills the type and base URL, and its request quirks are applied.');
    const form = h('form', {},
      h('div', { class: 'form-error error', role: 'alert' }),
      field('Service', service, { name: 'catalog', hint: serviceHint }),
      field('Name', h('input', { value: p.name || '', required: true, autocomplete: 'off' }), { name: 'name' }),
      h('div', { class: 'row' },
        field('Type', type, { name: 'type' }),
        field('Proxy pool', select('proxy_pool_id', [['', 'None (direct)'], ...pools.map((pool) => [pool.id, pool.name])], p.proxy_pool_id),
          { name: 'proxy_pool_id' })),
      field('Base URL', baseURL, { name: 'base_url', hint: baseHint }),
      azureFields,
      field('API key', key, { name: 'api_key', hint: creating ? 'Stored encrypted; never shown again.'
        : 'Leave empty to keep the stored key. Required when the base URL moves to another host.' }),
      field('Models', h('textarea', { rows: 3 }, p.models.join('\n')),
        { name: 'models', hint: 'One per line. Empty: any model no other provider claims.' }),
      h('div', { class: 'row' },
        field('Priority', h('input', { type: 'number', value: p.priority, step: 1 }), { name: 'priority', hint: 'Lower is tried first.' }),
        field('Weight', h('input', { type: 'number', value: p.weight, min: 1, step: 1 }), { name: 'weight', hint: 'For weighted balancing.' })),
      checkbox('Enabled', 'enabled', p.enabled),
      checkbox('Apps may choose the billing project (OpenAI-Organization, OpenAI-Project headers)',
        'allow_client_billing_headers', p.allow_client_billing_headers),
      checkbox('Serves the Responses API itself (/v1/responses passes through; off: translated to chat). OpenAI and Azure connections only.',
        'native_responses', p.native_responses),
      field('Responses-only models', h('textarea', { rows: 2 }, (p.responses_only_models || []).join('\n')),
        { name: 'responses_only_models', hint: 'One per line: models that exist only on /v1/responses (codex, pro); chat calls to them are translated. Needs the box above.' }));
    const native = form.elements.native_responses;
    let nativeTouched = !creating;
    native.addEventListener('change', () => { nativeTouched = true; });
    const updateNative = () => {
      if (!nativeTouched) native.checked = type.value === 'openai' && ['', DEFAULT_BASE.openai].includes(baseURL.value.trim());
    };
    baseURL.addEventListener('input', updateNative);
    type.addEventListener('change', updateNative);
    service.addEventListener('change', () => {
      const entry = catalog.find((e) => e.id === service.value);
      if (!entry) return;
      type.value = entry.type;
      updateHint();
      if (creating) {
        baseURL.value = entry.base_url;
        native.checked = entry.responses;
        nativeTouched = true;
      }
      if (!form.elements.name.value) form.elements.name.value = entry.id;
      serviceHint.textContent = quirksText(entry);
    });
    formDialog(creating ? 'Add provider' : `Edit ${p.name}`, form, creating ? 'Add provider' : 'Save', async (v) => {
      const payload = {
        name: v.name.value.trim(),
        type: v.type.value,
        models: list(v.models.value),
        priority: Number(v.priority.value || 0),
        weight: Number(v.weight.value || 1),
        proxy_pool_id: v.proxy_pool_id.value ? Number(v.proxy_pool_id.value) : null,
        enabled: v.enabled.checked,
        allow_client_billing_headers: v.allow_client_billing_headers.checked,
      };
      if (v.type.value === 'openai' || v.type.value === 'azure') {
        payload.native_responses = v.native_responses.checked;
        payload.responses_only_models = list(v.responses_only_models.value);
      }
      if (v.type.value === 'openai') payload.catalog = v.catalog.value || null;
      if (v.type.value === 'azure') {
        payload.api_version = v.api_version.value.trim() || null;
        payload.deployments = deploymentMap(v.deployments.value);
      }
      if (v.base_url.value.trim()) payload.base_url = v.base_url.value.trim();
      else if ((creating || v.type.value !== p.type) && DEFAULT_BASE[v.type.value]) payload.base_url = DEFAULT_BASE[v.type.value];
      if (v.api_key.value) payload.api_key = v.api_key.value;
      if (creating) await api.post('/api/admin/providers', payload);
      else await api.patch(`/api/admin/providers/${p.id}`, payload);
      return payload.name;
    }, async (name) => {
      toast(creating ? `${name} added.` : `${name} saved.`);
      await load();
    });
  }

  add.addEventListener('click', () => edit());
  await load();
}
