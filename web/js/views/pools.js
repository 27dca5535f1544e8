// Proxy pools: proxies with their health and last error, test all or one, strategy, strict,
// and which providers send their calls through the pool.
import { api } from '../api.js';
import {
  badge, checkbox, clear, confirmAction, empty, field, formDialog, h, list, loading, pageHead, select, table, toast,
} from '../dom.js';

export const title = 'Proxy pools';
const STRATEGIES = [['failover', 'Failover — first working proxy'], ['round-robin', 'Round robin'], ['random', 'Random']];

export async function render(container) {
  const add = h('button', { type: 'button' }, 'Add pool');
  const body = h('div', {}, loading());
  container.append(pageHead('Proxy pools', 'Outbound proxies that provider calls go through.', add), body);

  async function load() {
    const [poolList, providerList] = await Promise.all([api.get('/api/admin/proxy-pools'), api.get('/api/admin/providers')]);
    const pools = poolList.data;
    if (!pools.length) {
      clear(body, h('div', { class: 'panel' }, empty('No proxy pools. Calls go straight to providers; add a pool to send them through HTTP or SOCKS proxies.',
        h('button', { type: 'button', onclick: () => edit() }, 'Add pool'))));
      return;
    }
    clear(body, pools.map((pool) => panel(pool, providerList.data.filter((p) => p.proxy_pool_id === pool.id))));
  }

  function panel(pool, users) {
    const results = new Map();
    const rows = pool.proxies.map((proxy, index) => ({ proxy, index, health: pool.health[index] || {} }));
    const resultCell = (row) => {
      const slot = h('div', { class: 'result', 'aria-live': 'polite' });
      results.set(row.index, slot);
      return slot;
    };
    async function test(index) {
      const targets = index === undefined ? [...results.keys()] : [index];
      for (const i of targets) { results.get(i).className = 'result'; results.get(i).textContent = 'Testing…'; }
      try {
        const r = await api.post(`/api/admin/proxy-pools/${pool.id}/test`, index === undefined ? {} : { proxy: index });
        r.results.forEach((result, n) => {
          const slot = results.get(targets[n]);
          slot.className = `result ${result.ok ? 'ok' : 'bad'}`;
          slot.textContent = result.ok ? `OK · HTTP ${result.status} in ${result.latency_ms} ms` : `Failed: ${result.error}`;
        });
      } catch (error) {
        for (const i of targets) { results.get(i).className = 'result bad'; results.get(i).textContent = error.message; }
      }
    }
    const health = (row) => (row.health.down_until && new Date(row.health.down_until) > new Date()
      ? h('div', {}, badge(`Resting until ${new Date(row.health.down_until).toLocaleTimeString()}`, 'warn'),
        row.health.last_error ? h('div', { class: 'muted' }, row.health.last_error) : null)
      : h('div', {}, badge('Up', 'ok'), row.health.last_error ? h('div', { class: 'muted' }, `Last error: ${row.health.last_error}`) : null));
    const remove = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!(await confirmAction(`Delete the pool "${pool.name}"?`))) return;
      try {
        await api.delete(`/api/admin/proxy-pools/${pool.id}`);
        toast(`${pool.name} deleted.`);
        await load();
      } catch (error) { toast(error.message, 'bad'); }
    });
    return h('section', { class: 'panel' },
      h('div', { class: 'page-head' },
        h('div', {}, h('h2', {}, pool.name, ' ', badge(pool.strategy), ' ', pool.strict ? badge('strict', 'warn') : badge('falls back to direct')),
          h('p', { class: 'muted' }, users.length ? `Used by ${users.map((p) => p.name).join(', ')}` : 'No provider uses this pool yet.')),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'small secondary', onclick: () => test() }, 'Test all'),
          h('button', { type: 'button', class: 'small ghost', onclick: () => edit(pool) }, 'Edit'), remove)),
      table([
        { label: 'Proxy', render: (row) => h('span', { class: 'mono' }, row.proxy) },
        { label: 'Health', render: health },
        { label: 'Test', render: (row) => h('div', {}, h('button', { type: 'button', class: 'small ghost', onclick: () => test(row.index) }, 'Test'), resultCell(row)) },
      ], rows));
  }

  function edit(pool) {
    const creating = !pool;
    const form = h('form', {},
      h('div', { class: 'form-error error', role: 'alert' }),
      field('Name', h('input', { value: pool ? pool.name : '', autocomplete: 'off', required: true }), { name: 'name' }),
      field('Proxies', h('textarea', { rows: 4, spellcheck: 'false' }, pool ? pool.proxies.join('\n') : ''),
        { name: 'proxies', hint: 'One per line: http://, https://, socks5:// or socks5h://, with user:password@ if needed. Masked passwords (****) keep the stored one.' }),
      field('Strategy', select('strategy', STRATEGIES, pool ? pool.strategy : 'failover'), { name: 'strategy' }),
      checkbox('Strict: never fall back to a direct connection', 'strict', pool ? pool.strict : false));
    formDialog(creating ? 'Add proxy pool' : `Edit ${pool.name}`, form, creating ? 'Add pool' : 'Save', async (v) => {
      const payload = { name: v.name.value.trim(), proxies: list(v.proxies.value), strategy: v.strategy.value, strict: v.strict.checked };
      if (creating) await api.post('/api/admin/proxy-pools', payload);
      else await api.patch(`/api/admin/proxy-pools/${pool.id}`, payload);
      return payload.name;
    }, async (name) => {
      toast(`${name} saved.`);
      await load();
    });
  }

  add.addEventListener('click', () => edit());
  await load();
}
