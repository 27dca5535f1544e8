// NineRouter dashboard: hash routing between views, the session check, and the shell.
import { api, setUnauthorizedHandler } from './js/api.js';
import { clear, failed, h } from './js/dom.js';
import * as login from './js/views/login.js';
import * as overview from './js/views/overview.js';
import * as providers from './js/views/providers.js';
import * as keys from './js/views/keys.js';
import * as aliases from './js/views/aliases.js';
import * as pools from './js/views/pools.js';
import * as logs from './js/views/logs.js';
import * as settings from './js/views/settings.js';

const views = { overview, providers, keys, aliases, pools, logs, settings };
const RETURN_KEY = 'ninerouter.return';
let authenticated = false;

function parseHash() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : 'overview';
  const [name, search] = hash.split('?');
  return { name: name || 'overview', params: new URLSearchParams(search || '') };
}

/** Remembers where the admin was, so the login can bring them back there. */
function toLogin() {
  authenticated = false;
  if (!location.hash.startsWith('#/login')) sessionStorage.setItem(RETURN_KEY, location.hash || '#/overview');
  location.hash = '#/login';
}

setUnauthorizedHandler(toLogin);

async function route() {
  const { name, params } = parseHash();
  const main = document.getElementById('main');
  const topbar = document.getElementById('topbar');
  // Each render gets its own container: a slow, stale render writes into a detached node.
  const container = h('div');
  clear(main, container);

  if (name === 'login') {
    topbar.hidden = true;
    document.title = 'Log in · NineRouter';
    login.render(container, params, () => {
      authenticated = true;
      const back = sessionStorage.getItem(RETURN_KEY);
      sessionStorage.removeItem(RETURN_KEY);
      location.hash = back && !back.startsWith('#/login') ? back : '#/overview';
    });
    return;
  }
  if (!authenticated) {
    // The public login route says whether the cookie is a live session: a logged-out page
    // loads without a failed request in the console.
    try {
      authenticated = (await api.get('/api/admin/login')).authenticated === true;
    } catch (error) {
      container.append(failed(error, route));
      return;
    }
    if (!authenticated) { toLogin(); return; }
  }
  topbar.hidden = false;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = views[name];
  if (!view) {
    document.title = 'Not found · NineRouter';
    container.append(h('div', { class: 'state' }, h('p', {}, 'There is no such page.'), h('a', { href: '#/overview' }, 'Go to the overview')));
    return;
  }
  document.title = `${view.title} · NineRouter`;
  try {
    await view.render(container, params);
  } catch (error) {
    if (error.status !== 401) container.replaceChildren(failed(error, route));
  }
}

document.getElementById('logout').addEventListener('click', async () => {
  try { await api.post('/api/admin/logout'); } catch { /* the session is gone either way */ }
  authenticated = false;
  sessionStorage.removeItem(RETURN_KEY);
  location.hash = '#/login';
});

window.addEventListener('hashchange', () => {
  route();
  document.getElementById('main').focus({ preventScroll: true });
});
route();
