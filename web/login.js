// Veille web UI: logging in (#/login?next=…) and who is logged in.
//
// When the archive has accounts, every API answer without a session is a
// 401: app.js's api() then sends the reader here, with the page they wanted
// in `next`. The token is exchanged once for a session cookie (HttpOnly:
// scripts, this one included, never see it) and forgotten; the header shows
// who is logged in, with a way out. Loaded before app.js, which lists the
// route.
'use strict';

// Where a 401 sends the reader (the current page is kept, so that the link
// someone shared opens after logging in).
function goLogin() {
  const here = location.hash || '#/';
  if (here.startsWith('#/login')) return;
  location.hash = '#/login?' + new URLSearchParams({next: here}).toString();
}

async function postJson(path, body) {
  try {
    const res = await fetch('/api/' + path, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', Accept: 'application/json'},
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch (e) { /* reported below */ }
    return {status: res.status, data, error: res.ok ? null : (data?.error?.message || 'HTTP ' + res.status)};
  } catch (e) {
    return {status: 0, error: 'the server cannot be reached (' + e.message + ')'};
  }
}

// Shows the account in the header (nothing when the archive has none).
async function showAccount() {
  const slot = document.getElementById('account');
  if (!slot) return;
  let me = null;
  try {
    const res = await fetch('/api/me', {headers: {Accept: 'application/json'}});
    if (res.ok) me = await res.json();
  } catch (e) { /* the server is down: views say so */ }
  if (!me || !me.auth) { slot.textContent = ''; return; }
  if (!me.user) {
    slot.innerHTML = `<a href="#/login" id="login-link">log in</a>`;
    return;
  }
  slot.innerHTML = `<span class="muted" id="who">${esc(me.user)} (${esc(me.role)})</span>
    <a href="#/login" id="logout">log out</a>`;
  slot.querySelector('#logout').addEventListener('click', async e => {
    e.preventDefault();
    await postJson('logout', {});
    await showAccount();
    location.hash = '#/login';
  });
}

async function viewLogin(token, _arg, params) {
  const next = params.next && params.next.startsWith('#/') && !params.next.startsWith('#/login') ?
      params.next : '#/';
  setNav('');
  render(token, `
    <h1>Log in</h1>
    <p class="muted">This archive has accounts. Paste an API token (an administrator makes one with
      <code>veille tokens create NAME</code>); it is exchanged for a session of this browser.</p>
    <form id="login-form" class="form-row login" autocomplete="off">
      <input id="token" name="token" type="password" placeholder="veille_…" aria-label="API token"
             spellcheck="false" maxlength="200" required>
      <button type="submit">Log in</button>
    </form>
    <div id="login-error"></div>`);
  const input = view.querySelector('#token');
  input.focus();
  view.querySelector('#login-form').addEventListener('submit', async e => {
    e.preventDefault();
    const r = await postJson('login', {token: input.value.trim()});
    input.value = '';
    if (r.error) {
      const box = view.querySelector('#login-error');
      if (box) box.innerHTML = notice(r.error, r.status);
      input.focus();
      return;
    }
    await showAccount();
    location.hash = next;
  });
}

window.addEventListener('load', showAccount);
