// Model aliases: a name apps ask for → ordered targets and a strategy; reorder with buttons;
// "Try it" sends a tiny request through the alias and shows which provider answered.
import { api } from '../api.js';
import {
  badge, clear, confirmAction, empty, field, fmt, formDialog, h, loading, nextId, pageHead, select, table, toast,
} from '../dom.js';

export const title = 'Model aliases';
const STRATEGIES = [
  ['fallback', 'Fallback — in this order'], ['round-robin', 'Round robin'], ['weighted', 'Weighted'],
  ['least-inflight', 'Least in flight'], ['fill-first', 'Fill first'],
];

export async function render(container) {
  const add = h('button', { type: 'button' }, 'Add alias');
  const body = h('div', {}, loading());
  container.append(pageHead('Model aliases', 'Apps ask for a name like "smart"; NineRouter calls the targets.', add), body);
  let known = [];

  async function load() {
    const [aliasList, providerList] = await Promise.all([api.get('/api/admin/aliases'), api.get('/api/admin/providers')]);
    known = [...new Set(providerList.data.flatMap((p) => [...p.models, ...p.models.map((m) => `${p.name}/${m}`)]))].sort();
    const rows = aliasList.data;
    if (!rows.length) {
      clear(body, h('div', { class: 'panel' }, empty('No aliases yet. An alias lets apps keep one model name while you change what it points to.',
        h('button', { type: 'button', onclick: () => edit() }, 'Add alias'))));
      return;
    }
    clear(body, h('div', { class: 'panel' }, table([
      { label: 'Alias', render: (a) => h('strong', { class: 'mono' }, a.alias) },
      { label: 'Targets', render: (a) => h('div', { class: 'chips' }, a.targets.map((t, i) => h('span', { class: 'chip' }, `${i + 1}. ${t}`))) },
      { label: 'Strategy', render: (a) => badge(a.strategy) },
      { label: '', render: actions },
    ], rows)));
  }

  function actions(alias) {
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const tryIt = h('button', { type: 'button', class: 'small secondary' }, 'Try it');
    tryIt.addEventListener('click', async () => {
      tryIt.disabled = true;
      result.className = 'result';
      result.textContent = 'Sending a tiny request…';
      try {
        const r = await api.post(`/api/admin/aliases/${encodeURIComponent(alias.alias)}/try`);
        const ok = r.status < 400;
        result.className = `result ${ok ? 'ok' : 'bad'}`;
        result.textContent = ok
          ? `HTTP ${r.status} from ${r.provider} in ${fmt.ms(r.latency_ms)}${r.reply ? `: “${r.reply.slice(0, 80)}”` : ''}`
          : `HTTP ${r.status}${r.provider ? ` from ${r.provider}` : ''}: ${r.error || 'failed'}`;
      } catch (error) {
        result.className = 'result bad';
        result.textContent = error.message;
      } finally {
        tryIt.disabled = false;
      }
    });
    const remove = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!(await confirmAction(`Delete the alias "${alias.alias}"? Apps asking for it will get "model not found".`))) return;
      try {
        await api.delete(`/api/admin/aliases/${encodeURIComponent(alias.alias)}`);
        toast(`${alias.alias} deleted.`);
        await load();
      } catch (error) { toast(error.message, 'bad'); }
    });
    return h('div', {}, h('div', { class: 'actions' }, tryIt,
      h('button', { type: 'button', class: 'small ghost', onclick: () => edit(alias) }, 'Edit'), remove), result);
  }

  function edit(alias) {
    const creating = !alias;
    const targets = alias ? [...alias.targets] : [];
    const listId = nextId('models');
    const items = h('ol', { 'aria-label': 'Targets in order' });
    const picker = h('input', { list: listId, placeholder: 'gpt-4o or provider/model', autocomplete: 'off', 'aria-label': 'Target to add' });
    const addTarget = h('button', { type: 'button', class: 'secondary' }, 'Add');
    function drawTargets() {
      clear(items, targets.map((target, index) => h('li', {},
        h('span', { class: 'mono' }, target),
        h('button', { type: 'button', class: 'small ghost', 'aria-label': `Move ${target} up`, disabled: index === 0,
          onclick: () => { [targets[index - 1], targets[index]] = [targets[index], targets[index - 1]]; drawTargets(); } }, '↑'),
        h('button', { type: 'button', class: 'small ghost', 'aria-label': `Move ${target} down`, disabled: index === targets.length - 1,
          onclick: () => { [targets[index + 1], targets[index]] = [targets[index], targets[index + 1]]; drawTargets(); } }, '↓'),
        h('button', { type: 'button', class: 'small ghost', 'aria-label': `Remove ${target}`,
          onclick: () => { targets.splice(index, 1); drawTargets(); } }, 'Remove'))));
      if (!targets.length) items.append(h('li', { class: 'muted' }, 'No targets yet.'));
    }
    function addPicked() {
      const value = picker.value.trim();
      if (value && !targets.includes(value)) targets.push(value);
      picker.value = '';
      drawTargets();
      picker.focus();
    }
    addTarget.addEventListener('click', addPicked);
    picker.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); event.stopPropagation(); addPicked(); }
    });
    drawTargets();
    const targetsField = h('div', { class: 'field list-editor', 'data-field': 'targets' },
      h('label', { for: picker.id || (picker.id = nextId()) }, 'Targets, tried in this order'),
      items, h('div', { class: 'secret' }, picker, addTarget),
      h('datalist', { id: listId }, known.map((m) => h('option', { value: m }))),
      h('div', { class: 'error', 'aria-live': 'polite' }));
    const form = h('form', {},
      h('div', { class: 'form-error error', role: 'alert' }),
      field('Alias', h('input', { value: alias ? alias.alias : '', autocomplete: 'off', required: true }),
        { name: 'alias', hint: 'Letters, digits and . _ : - (apps send it as the model).' }),
      targetsField,
      field('Strategy', select('strategy', STRATEGIES, alias ? alias.strategy : 'fallback'), { name: 'strategy' }));
    formDialog(creating ? 'Add alias' : `Edit ${alias.alias}`, form, creating ? 'Add alias' : 'Save', async (v) => {
      if (picker.value.trim()) addPicked();
      const payload = { alias: v.alias.value.trim(), targets, strategy: v.strategy.value };
      if (creating) await api.post('/api/admin/aliases', payload);
      else await api.patch(`/api/admin/aliases/${encodeURIComponent(alias.alias)}`, payload);
      return payload.alias;
    }, async (name) => {
      toast(`${name} saved.`);
      await load();
    });
  }

  add.addEventListener('click', () => edit());
  await load();
}
