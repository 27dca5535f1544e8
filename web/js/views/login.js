// Login: the admin password, a clear error, the throttle's wait, and on first start where the
// generated password is.
import { api } from '../api.js';
import { field, h } from '../dom.js';

export const title = 'Log in';

export function render(container, _params, onLoggedIn) {
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Log in');
  const message = h('div', { class: 'form-error error', role: 'alert' });
  const hint = h('p', { class: 'hint muted' });
  const form = h('form', { class: 'panel', novalidate: true },
    h('h1', {}, 'Log in'),
    h('input', { type: 'text', name: 'username', value: 'admin', autocomplete: 'username', hidden: true, 'aria-hidden': 'true', tabindex: -1 }),
    field('Admin password', password, { name: 'password' }),
    message, h('div', { class: 'actions' }, submit), hint);
  container.append(h('div', { class: 'login' },
    h('div', { class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }), 'NineRouter'), form));
  password.focus();

  api.get('/api/admin/login').then((data) => {
    if (data && data.password_hint) hint.textContent = data.password_hint;
  }).catch(() => {});

  let timer = null;
  function wait(seconds) {
    clearInterval(timer);
    let left = seconds;
    submit.disabled = true;
    const tick = () => {
      message.textContent = `Too many failed attempts. Try again in ${left} s.`;
      if (left <= 0) {
        clearInterval(timer);
        submit.disabled = false;
        message.textContent = 'You can try again now.';
      }
      left -= 1;
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    if (!password.value) {
      message.textContent = 'Enter the admin password.';
      password.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.post('/api/admin/login', { password: password.value }, { quiet401: true });
      clearInterval(timer);
      onLoggedIn();
    } catch (error) {
      submit.disabled = false;
      if (error.status === 429) {
        wait(error.retryAfter || 60);
      } else if (error.status === 401) {
        message.textContent = 'Wrong password.';
        password.select();
      } else {
        message.textContent = error.message;
      }
    }
  });
}
