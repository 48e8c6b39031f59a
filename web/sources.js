// Veille web UI: the crawl's sources (#/sources): for each feed, news
// sitemap or section page that `veille crawl` follows, when it last
// succeeded, its last error, and the new articles it brought per day; editors
// add and remove sources here (the API refuses readers). Loaded before
// app.js, which lists the route; uses its helpers (esc, api, render, notice,
// barChart) and login.js's postJson.
'use strict';

const SOURCE_DAYS = 14;

function sourceAgo(iso) {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 90) return s + ' s ago';
  if (s < 5400) return Math.round(s / 60) + ' min ago';
  if (s < 129600) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

function sourceEvery(sec) {
  if (sec % 86400 === 0) return sec / 86400 + 'd';
  if (sec % 3600 === 0) return sec / 3600 + 'h';
  if (sec % 60 === 0) return sec / 60 + 'm';
  return sec + 's';
}

function sourceHealth(s) {
  if (s.failing) return '<span class="health bad">failing</span>';
  if (s.last_error && (!s.last_success || s.last_error_at > s.last_success))
    return '<span class="health warn">error</span>';
  if (s.last_success) return '<span class="health ok">ok</span>';
  return '<span class="health muted">not fetched yet</span>';
}

// A tiny per-day bar series (inline SVG, no library).
function sourceSpark(days, counts) {
  const max = Math.max(1, ...counts);
  const w = 6, h = 24;
  const bars = counts.map((n, i) => {
    const bh = n ? Math.max(1, Math.round(h * n / max)) : 0;
    return `<rect class="bar" x="${i * w}" y="${h - bh}" width="${w - 1}" height="${bh}">` +
        `<title>${esc(days[i])}: ${n}</title></rect>`;
  }).join('');
  return `<svg class="spark" width="${counts.length * w}" height="${h}" role="img" ` +
      `aria-label="new articles per day">${bars}</svg>`;
}

async function viewSources(token) {
  const r = await api('sources', {days: SOURCE_DAYS});
  if (r.error) { render(token, notice(r.error, r.status)); return; }
  const d = r.data;
  const rows = d.sources.map(s => `<tr data-url="${esc(s.url)}">
      <td><a href="${esc(s.url)}" rel="noreferrer noopener" target="_blank">${esc(s.name || s.url)}</a>
        <div class="muted small">${esc(s.kind)} · every ${esc(sourceEvery(s.every_seconds))}${s.language ? ' · ' + esc(s.language) : ''}</div></td>
      <td>${sourceHealth(s)}</td>
      <td title="${esc(s.last_success || '')}">${esc(sourceAgo(s.last_success)) || '<span class="muted">never</span>'}</td>
      <td class="error-cell">${s.last_error ? `<span title="${esc(s.last_error_at || '')}">${esc(s.last_error)}</span>` +
          (s.failures ? ` <span class="muted">(${s.failures} in a row)</span>` : '') : '<span class="muted">none</span>'}</td>
      <td class="num">${s.articles_in_period}</td>
      <td>${sourceSpark(d.days, s.articles_per_day)}</td>
      <td><button type="button" class="remove-source" data-url="${esc(s.url)}">Remove</button></td>
    </tr>`).join('');
  const total = d.sources.reduce((n, s) => n + s.articles_in_period, 0);
  const ok = render(token, `
    <h1>Sources</h1>
    <p class="summary-line" id="sources-total">${d.sources.length} source${d.sources.length === 1 ? '' : 's'} followed ·
      ${total} new article${total === 1 ? '' : 's'} in the last ${d.days.length} days</p>
    <form id="source-form" class="form-row">
      <input name="url" type="url" placeholder="https://… feed, news sitemap or section page" aria-label="Source URL" required maxlength="2000">
      <input name="name" placeholder="name (optional)" aria-label="Name" maxlength="200">
      <input name="every" placeholder="15m" aria-label="Fetch every" maxlength="16" size="5">
      <select name="kind" aria-label="Kind">
        <option value="auto">auto</option><option value="feed">feed</option>
        <option value="sitemap">sitemap</option><option value="page">section page</option>
      </select>
      <button type="submit">Add source</button>
    </form>
    <div id="source-error"></div>
    ${d.sources.length ? `<table class="sources" id="sources-table">
      <thead><tr><th>Source</th><th>Health</th><th>Last success</th><th>Last error</th>
        <th class="num">Articles (${d.days.length} d)</th><th>Per day</th><th></th></tr></thead>
      <tbody>${rows}</tbody></table>` :
      '<p class="muted">No source yet: add one above, or run <code>veille sources add URL</code>.</p>'}`);
  if (!ok) return;
  const box = view.querySelector('#source-error');
  view.querySelector('#source-form').addEventListener('submit', async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = {url: f.get('url').trim(), kind: f.get('kind')};
    if (f.get('name').trim()) body.name = f.get('name').trim();
    if (f.get('every').trim()) body.every = f.get('every').trim();
    const res = await postJson('sources', body);
    if (res.error) { box.innerHTML = notice(res.error, res.status); return; }
    viewSources(++renderToken);
  });
  for (const b of view.querySelectorAll('.remove-source')) {
    b.addEventListener('click', async () => {
      const res = await postJson('sources/remove', {url: b.dataset.url});
      if (res.error) { box.innerHTML = notice(res.error, res.status); return; }
      viewSources(++renderToken);
    });
  }
}
