// DOM helpers. Everything from the server is set as text (textContent, attributes), never
// parsed as HTML, so a provider named `<img src=x onerror=...>` shows as those characters.

/** Creates an element: h('button', { class: 'small', onclick: fn, 'aria-label': 'x' }, 'Text', child). */
export function h(tag, props = {}, ...children) {
  const svg = ['svg', 'path', 'line', 'rect', 'g', 'text', 'circle', 'title', 'polyline'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.setAttribute('class', value);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'value' && !svg) {
      el.value = value;
    } else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'required' || key === 'hidden') {
      el[key] = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

/** A labelled form field with a hint and a slot for the API's validation message. */
export function field(label, input, { hint, name } = {}) {
  const id = input.id || nextId();
  input.id = id;
  if (name) input.name = name;
  const error = h('div', { class: 'error', id: `${id}-error`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: 'field', 'data-field': name || '' },
    h('label', { for: id }, label), input, hint ? h('div', { class: 'hint' }, hint) : null, error);
}

export function checkbox(label, name, checked) {
  const input = h('input', { type: 'checkbox', name, checked, id: nextId() });
  return h('div', { class: 'check' }, input, h('label', { for: input.id }, label));
}

export function select(name, options, current) {
  return h('select', { name }, options.map(([value, text]) =>
    h('option', { value, selected: String(value) === String(current ?? '') }, text)));
}

/** Shows an API error at its field (or at the form's top when it names none). */
export function showErrors(form, error) {
  for (const node of form.querySelectorAll('.field')) {
    node.classList.remove('invalid');
    const slot = node.querySelector('.error');
    if (slot) slot.textContent = '';
  }
  const general = form.querySelector('.form-error');
  if (general) general.textContent = '';
  if (!error) return;
  const target = error.field && form.querySelector(`.field[data-field="${CSS.escape(error.field)}"]`);
  if (target) {
    target.classList.add('invalid');
    target.querySelector('.error').textContent = error.message;
    const input = target.querySelector('input, select, textarea');
    if (input) input.focus();
  } else if (general) {
    general.textContent = error.message;
  } else {
    toast(error.message, 'bad');
  }
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes). Resolves when closed. */
export function openDialog(title, body, actions = []) {
  const titleId = nextId('dlg');
  const closeButton = h('button', { type: 'button', class: 'ghost small', 'aria-label': 'Close' }, '✕');
  const dialog = h('dialog', { 'aria-labelledby': titleId },
    h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), closeButton),
    h('div', { class: 'dialog-body' }, body),
    actions.length ? h('div', { class: 'dialog-foot' }, actions) : null);
  closeButton.addEventListener('click', () => dialog.close());
  document.body.append(dialog);
  const closed = new Promise((resolve) => dialog.addEventListener('close', () => {
    dialog.remove();
    resolve(dialog.returnValue);
  }));
  dialog.showModal();
  return { dialog, closed, close: (value = '') => dialog.close(value) };
}

/**
 * A form in a dialog: Save (or Enter) runs `submit`; its errors show at their fields; on success
 * the dialog closes and `after` gets what `submit` returned.
 */
export function formDialog(title, form, saveLabel, submit, after = () => {}) {
  form.noValidate = true;
  form.append(h('button', { type: 'submit', hidden: true, tabindex: -1 }));
  const save = h('button', { type: 'button' }, saveLabel);
  const cancel = h('button', { type: 'button', class: 'ghost' }, 'Cancel');
  const dialog = openDialog(title, form, [cancel, save]);
  cancel.addEventListener('click', () => dialog.close());
  async function run() {
    save.disabled = true;
    try {
      const result = await submit(form.elements);
      dialog.close('saved');
      await after(result);
    } catch (error) {
      showErrors(form, error);
    } finally {
      save.disabled = false;
    }
  }
  save.addEventListener('click', run);
  form.addEventListener('submit', (event) => { event.preventDefault(); run(); });
  const first = form.querySelector('input:not([hidden]):not([readonly]), select, textarea');
  if (first) first.focus();
  return dialog;
}

/** Asks before a destructive action; resolves true when confirmed. */
export function confirmAction(message, confirmLabel = 'Delete') {
  const cancel = h('button', { type: 'button', class: 'ghost' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'danger' }, confirmLabel);
  const { closed, close } = openDialog('Are you sure?', h('p', {}, message), [cancel, confirm]);
  cancel.addEventListener('click', () => close('cancel'));
  confirm.addEventListener('click', () => close('confirm'));
  cancel.focus();
  return closed.then((value) => value === 'confirm');
}

export function toast(message, kind = '') {
  const host = document.getElementById('toasts');
  const note = h('div', { class: `toast ${kind}` }, message);
  host.append(note);
  setTimeout(() => note.remove(), 4000);
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'state', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', text);
}

export function empty(text, action) {
  return h('div', { class: 'state' }, h('p', {}, text), action ? h('div', { class: 'actions' }, action) : null);
}

export function failed(error, retry) {
  return h('div', { class: 'state error', role: 'alert' }, h('p', {}, error.message || String(error)),
    retry ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: retry }, 'Try again')) : null);
}

/** A table whose cells carry their column name, so phones can show rows as cards. */
export function table(columns, rows, { onRowClick, rowLabel } = {}) {
  const head = h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label))));
  const body = h('tbody', {}, rows.map((row) => {
    const tr = h('tr', {}, columns.map((c) => {
      const content = c.render(row);
      return h('td', { 'data-label': c.label, class: c.label ? '' : 'no-label' }, content);
    }));
    if (onRowClick) {
      tr.classList.add('clickable');
      tr.tabIndex = 0;
      if (rowLabel) tr.setAttribute('aria-label', rowLabel(row));
      tr.addEventListener('click', (event) => { if (!event.target.closest('button, a')) onRowClick(row); });
      tr.addEventListener('keydown', (event) => { if (event.key === 'Enter') onRowClick(row); });
    }
    return tr;
  }));
  return h('div', { class: 'table-wrap' }, h('table', {}, head, body));
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: `badge ${kind}` }, text);
}

export function pageHead(title, subtitle, ...actions) {
  return h('div', { class: 'page-head' },
    h('div', {}, h('h1', {}, title), subtitle ? h('p', {}, subtitle) : null),
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}

// Formatting
export const fmt = {
  number: (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US')),
  ms: (n) => (n === null || n === undefined ? '—' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`),
  usd: (n) => (n === null || n === undefined ? '—' : n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(Math.min(10, 1 - Math.floor(Math.log10(n))))}` : `$${n.toFixed(2)}`),
  percent: (r) => `${(r * 100).toFixed(r > 0 && r < 0.01 ? 2 : 1)}%`,
  date: (s) => (s ? new Date(s).toLocaleString() : '—'),
  ago: (s) => {
    if (!s) return 'never';
    const seconds = Math.round((Date.now() - new Date(s).getTime()) / 1000);
    if (seconds < 60) return `${Math.max(0, seconds)} s ago`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
    return `${Math.round(seconds / 86400)} d ago`;
  },
};

/** Splits a textarea's lines or commas into a clean list. */
export function list(text) {
  return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}
