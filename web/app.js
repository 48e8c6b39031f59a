// Veille web UI: one page, hash routes (#/search?q=…, #/article/ID, …) so
// that the server only ever serves three static files. Every view fetches the
// JSON API (docs/api.md) and renders with escaped text; the only HTML taken
// from the server is snippet_html, which it escapes itself.
'use strict';

const view = document.getElementById('view');
const qInput = document.getElementById('q');

// ---------------------------------------------------------------- helpers

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

function href(route, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return '#/' + route + (s ? '?' + s : '');
}

function articleHref(id) { return '#/article/' + encodeURIComponent(id); }
function entityHref(name) { return '#/entity/' + encodeURIComponent(name); }

async function api(path, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const url = '/api/' + path + (p.toString() ? '?' + p : '');
  let res;
  try {
    res = await fetch(url, {headers: {Accept: 'application/json'}});
  } catch (e) {
    return {status: 0, error: 'the server cannot be reached (' + e.message + ')'};
  }
  if (res.status === 401) goLogin();  // login.js: the archive has accounts
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: reported below */ }
  if (!res.ok || !body)
    return {status: res.status, error: body?.error?.message || ('HTTP ' + res.status)};
  return {status: res.status, data: body};
}

function notice(message, status) {
  const cls = status === 501 ? 'notice' : 'notice error';
  return `<div class="${cls}" data-status="${esc(status)}">${esc(message)}</div>`;
}

function meta(parts) { return parts.filter(Boolean).map(esc).join(' · '); }

const TYPE_NAMES = {PER: 'person', LOC: 'place', ORG: 'organisation'};

let renderToken = 0;  // a slower, older fetch must not overwrite a newer view
function render(token, html) {
  if (token !== renderToken) return false;
  view.innerHTML = html;
  return true;
}

function setNav(name) {
  for (const a of document.querySelectorAll('nav a'))
    a.classList.toggle('active', a.dataset.nav === name);
}

// Inline SVG bar chart: items = [{label, value, href?}]. No library needed.
function barChart(items, {width = 720, height = 140, title = ''} = {}) {
  if (!items.length) return '<p class="muted">No dated data.</p>';
  const max = Math.max(...items.map(i => i.value), 1);
  // Bars no wider than 36 px: a short series stays a row of bars, not a slab.
  const top = 18, pad = 22, w = Math.max(2, Math.min(36, Math.floor((width - 10) / items.length)));
  const right = 5 + items.length * w;
  const bars = items.map((it, i) => {
    const h = it.value ? Math.max(1, Math.round((height - pad - top) * it.value / max)) : 0;
    const x = 5 + i * w, y = height - pad - h;
    const rect = `<rect class="bar" x="${x}" y="${y}" width="${Math.max(1, w - 1)}" height="${h}">` +
        `<title>${esc(it.label)}: ${it.value}</title></rect>`;
    // A transparent full-height target keeps small bars easy to hover.
    const hit = `<rect class="hit-area" x="${x}" y="${top}" width="${w}" height="${height - pad - top}">` +
        `<title>${esc(it.label)}: ${it.value}</title></rect>`;
    return it.href ? `<a href="${esc(it.href)}">${hit}${rect}</a>` : hit + rect;
  }).join('');
  const first = items[0].label, last = items[items.length - 1].label;
  // Year ticks on month series long enough to need them, when they fit.
  let ticks = '';
  if (items.length > 24 && w * 12 >= 34) {
    items.forEach((it, i) => {
      if (!/^\d{4}-01$/.test(it.label) || i < 6 || i > items.length - 8) return;
      const x = 5 + i * w;
      ticks += `<line class="tick" x1="${x}" y1="${height - pad}" x2="${x}" y2="${height - pad + 4}"/>` +
          `<text x="${x}" y="${height - 6}" text-anchor="middle">${it.label.slice(0, 4)}</text>`;
    });
  }
  const lastLabel = items.length > 1 && right - 5 >= 110 ?
      `<text x="${right}" y="${height - 6}" text-anchor="end">${esc(last)}</text>` : '';
  const axis = `<line x1="5" y1="${height - pad}" x2="${Math.max(right, 60)}" y2="${height - pad}"/>` +
      `<text x="5" y="${height - 6}">${esc(items.length > 1 && !lastLabel ? first + ' – ' + last : first)}</text>` +
      lastLabel + `<text x="5" y="12">max ${max}</text>` + ticks;
  return `<svg class="chart" role="img" aria-label="${esc(title)}" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}">${bars}${axis}</svg>`;
}

// ---------------------------------------------------------------- routing

const routes = {
  '': viewHome,
  'search': viewSearch,
  'article': viewArticle,
  'quotes': viewQuotes,
  'entities': viewEntities,
  'entity': viewEntity,
  'reuse': viewReuse,
  'login': viewLogin,  // login.js
  'sources': viewSources,  // sources.js
  'stories': viewStories,  // story.js
  'story': viewStory,  // story.js
  'timeline': viewTimeline,  // timeline.js
};

function parseHash() {
  const h = location.hash.replace(/^#\/?/, '');
  const qi = h.indexOf('?');
  const path = qi < 0 ? h : h.slice(0, qi);
  const params = Object.fromEntries(new URLSearchParams(qi < 0 ? '' : h.slice(qi + 1)));
  const slash = path.indexOf('/');
  const name = slash < 0 ? path : path.slice(0, slash);
  let arg = slash < 0 ? '' : path.slice(slash + 1);
  try { arg = decodeURIComponent(arg); } catch (e) { /* keep as typed */ }
  return {name, arg, params};
}

async function route() {
  const {name, arg, params} = parseHash();
  const fn = routes[name];
  const token = ++renderToken;
  selected = -1;
  if (!fn) {
    render(token, notice('No such page: #/' + name, 404));
    return;
  }
  setNav(name === 'article' ? 'search' : name === 'entity' ? 'entities' :
      name === 'story' ? 'stories' : name || 'search');
  if (name !== 'search') qInput.value = name === '' ? '' : qInput.value;
  await fn(token, arg, params);
}

window.addEventListener('hashchange', route);
document.getElementById('search-form').addEventListener('submit', e => {
  e.preventDefault();
  const q = qInput.value.trim();
  if (!q) return;
  // A new query keeps the language filter but starts again at page 1.
  const cur = parseHash();
  const keep = cur.name === 'search' ? {lang: cur.params.lang} : {};
  // Leave the box so that j/k/Enter move through the hits straight away.
  qInput.blur();
  location.hash = href('search', {q, ...keep});
});

// ---------------------------------------------------------------- keyboard

let selected = -1;

function hits() { return [...view.querySelectorAll('[data-hit]')]; }

function select(i) {
  const list = hits();
  if (!list.length) return;
  selected = Math.max(0, Math.min(list.length - 1, i));
  list.forEach((el, k) => el.classList.toggle('selected', k === selected));
  list[selected].scrollIntoView({block: 'nearest'});
}

document.addEventListener('keydown', e => {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName);
  if (e.key === '/' && !typing) {
    e.preventDefault();
    qInput.focus();
    qInput.select();
    return;
  }
  if (e.key === 'Escape' && typing) { document.activeElement.blur(); return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'j' || e.key === 'ArrowDown') {
    if (!hits().length) return;
    e.preventDefault();
    select(selected + 1);
  } else if (e.key === 'k' || e.key === 'ArrowUp') {
    if (!hits().length) return;
    e.preventDefault();
    select(selected - 1);
  } else if (e.key === 'Enter' && selected >= 0) {
    const a = hits()[selected]?.querySelector('a[data-open]');
    if (a) { e.preventDefault(); location.hash = a.getAttribute('href'); }
  }
});

// ---------------------------------------------------------------- home

async function viewHome(token) {
  const r = await api('stats');
  if (r.error) return render(token, notice(r.error, r.status));
  const s = r.data;
  const list = obj => Object.entries(obj || {}).map(([k, n]) =>
      `<li><span>${esc(k)}</span><span class="n">${n}</span></li>`).join('') || '<li class="muted">none</li>';
  render(token, `
    <h1>Archive</h1>
    <p>${s.articles} articles (+ ${s.duplicates} exact duplicates), dated
       ${esc(s.first_date || '?')} to ${esc(s.last_date || '?')}.
       Type a query above, or press <kbd>/</kbd>.</p>
    <div class="stats-grid facets">
      <div><h3>Languages</h3><ul>${list(s.languages)}</ul></div>
      <div><h3>Outlets</h3><ul>${list(s.outlets)}</ul></div>
      <div><h3>Flags</h3><ul>${list(s.flags)}</ul></div>
      <div><h3>Size</h3><ul>
        <li><span>clean text</span><span class="n">${(s.text_bytes / 1e6).toFixed(1)} MB</span></li>
        <li><span>archive file</span><span class="n">${(s.file_bytes / 1e6).toFixed(1)} MB</span></li>
        <li><span>removed lines</span><span class="n">${s.removed_lines}</span></li>
        <li><span>ingest runs</span><span class="n">${s.runs}</span></li></ul></div>
    </div>`);
}

// ---------------------------------------------------------------- search

const FILTERS = ['lang', 'outlet', 'since', 'until', 'entity'];

async function viewSearch(token, _arg, params) {
  const q = params.q || '';
  qInput.value = q;
  if (!q) {
    render(token, `<p class="muted">Type a query above and press Enter. Syntax: words (all required),
      "exact phrase", a OR b, -excluded, prefix*.</p>`);
    qInput.focus();
    return;
  }
  const page = Math.max(1, parseInt(params.page || '1', 10) || 1);
  const query = {q, page, page_size: 20};
  for (const f of FILTERS) if (params[f]) query[f] = params[f];
  const t0 = performance.now();
  const r = await api('search', query);
  if (r.error) return render(token, notice(r.error, r.status));
  const d = r.data;
  const ms = Math.round(performance.now() - t0);
  const with_ = (extra) => href('search', {...params, page: undefined, ...extra});

  const chips = FILTERS.filter(f => params[f]).map(f =>
      `<span class="chip">${esc(f)}: ${esc(params[f])} <a href="${esc(with_({[f]: undefined}))}"
         aria-label="remove filter">×</a></span>`).join('');
  const facetList = (name, key, items) => {
    if (!items || !items.length) return '';
    const lis = items.map(it => {
      const on = params[key] === it.value;
      const dot = it.type ? `<span class="dot ent-${esc(it.type)}" title="${esc(TYPE_NAMES[it.type] || it.type)}"></span>` : '';
      return `<li class="${on ? 'on' : ''}"><a href="${esc(with_({[key]: on ? undefined : it.value}))}">` +
          `${dot}${esc(it.value)}</a><span class="n">${it.count}</span></li>`;
    }).join('');
    return `<h3>${esc(name)}</h3><ul>${lis}</ul>`;
  };
  const f = d.facets || {};
  const months = (f.month || []).map(m => ({
    label: m.value, value: m.count, href: with_({since: m.value, until: m.value})}));
  const entities = (f.entities || []).map(e => ({value: e.value, count: e.count, type: e.type}));
  const entityNote = entities.length && f.entities_sample < d.total ?
      `<p class="muted small">in the ${f.entities_sample} best hits</p>` : '';

  const hitsHtml = d.hits.map((h, i) => `
    <li class="hit" data-hit="${i}">
      <h2><a data-open href="${esc(articleHref(h.id))}">${esc(h.title || h.id)}</a></h2>
      <div class="meta">${meta([h.date || 'undated', h.outlet, h.language, h.id])}${storyLink(h.story)}</div>
      <p class="snippet">${h.snippet_html}</p>
    </li>`).join('');
  const pages = Math.max(1, Math.ceil(d.total / d.page_size));
  const pager = pages > 1 ? `<div class="pager">
      ${page > 1 ? `<a href="${esc(with_({page: page - 1}))}">← previous</a>` : ''}
      <span class="muted">page ${page} of ${Math.min(pages, 1000)}</span>
      ${page < pages && page < 1000 ? `<a href="${esc(with_({page: page + 1}))}">next →</a>` : ''}
    </div>` : '';
  render(token, `
    <div class="layout">
      <aside class="facets">
        ${facetList('Language', 'lang', f.language)}
        ${facetList('Outlet', 'outlet', f.outlet)}
        ${entities.length ? facetList('Entities', 'entity', entities) + entityNote : ''}
        ${months.length ? `<h3>Month</h3>${barChart(months, {width: 230, height: 90, title: 'hits by month'})}` : ''}
      </aside>
      <section>
        <div class="chips">${chips}</div>
        <p class="summary-line" id="total">${d.total} result${d.total === 1 ? '' : 's'} for
           <strong>${esc(d.query)}</strong> <span class="muted">(${ms} ms)</span></p>
        <ol class="hits">${hitsHtml || '<li class="muted">No article matches.</li>'}</ol>
        ${pager}
      </section>
    </div>`);
}

// ---------------------------------------------------------------- article

// Byte offsets (UTF-8) to string indices (UTF-16): the API counts bytes,
// JavaScript strings count UTF-16 code units.
function byteToIndexMap(text) {
  const bytes = new TextEncoder().encode(text).length;
  const map = new Int32Array(bytes + 1).fill(-1);
  let b = 0, i = 0;
  for (const ch of text) {  // iterates by code point
    map[b] = i;
    const cp = ch.codePointAt(0);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  map[b] = i;
  return offset => {
    let o = Math.max(0, Math.min(bytes, offset | 0));
    while (o > 0 && map[o] < 0) o--;  // inside a character: snap to its start
    return map[o];
  };
}

// Renders `text` with annotations [{start, end, cls, title, href, before}]
// (string indices). Overlaps are allowed: each stretch of text gets the
// classes of every annotation covering it.
function annotate(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  let out = '';
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k], b = points[k + 1];
    for (const s of spans) if (s.start === a && s.before) out += s.before;
    const on = spans.filter(s => s.start <= a && s.end >= b);
    const piece = esc(text.slice(a, b));
    if (!on.length) { out += piece; continue; }
    const cls = [...new Set(on.map(s => s.cls))].join(' ');
    const ent = on.find(s => s.entity);
    const titles = on.map(s => s.title).filter(Boolean).join(' · ');
    out += `<span class="${esc(cls)}"${titles ? ` title="${esc(titles)}"` : ''}` +
        `${ent ? ` data-entity="${esc(ent.entity)}"` : ''}>${piece}</span>`;
  }
  return out;
}

function span(x) {  // the API says start/end; accept begin/end too
  return {start: x.start ?? x.begin ?? 0, end: x.end ?? 0};
}

async function viewArticle(token, id) {
  const r = await api('articles/' + encodeURIComponent(id));
  if (r.error) return render(token, notice(r.error, r.status));
  const a = r.data;
  if (a.duplicate_of) {
    return render(token, `<div class="article"><h1>${esc(a.title || a.id)}</h1>
      <p>This article repeats <a href="${esc(articleHref(a.duplicate_of))}">${esc(a.duplicate_of)}</a> exactly.</p></div>`);
  }
  const text = a.text || '';
  const at = byteToIndexMap(text);
  const spans = [];
  for (const e of a.entities || []) {
    const s = span(e);
    const name = e.canonical || e.text;
    spans.push({start: at(s.start), end: at(s.end), cls: 'ent ent-' + (e.type || 'MISC'),
                title: `${e.type || ''} ${name}`.trim(), entity: name});
  }
  // Events: their trigger words, titled with what happened.
  const events = a.events || [];
  events.forEach((ev, i) => {
    const s = span(ev);
    const what = [ev.actor, ev.action, ev.target].filter(Boolean).join(' ');
    spans.push({start: at(s.start), end: at(s.end), cls: 'event',
                title: `event: ${what}${ev.place ? ' (' + ev.place + ')' : ''}${ev.date ? ', ' + ev.date : ''}`,
                before: `<span class="event-anchor" id="event-${i}"></span>`});
  });
  const quotes = a.quotes || [];
  quotes.forEach((q, i) => {
    const s = span(q);
    const who = q.speaker || q.speaker_role || q.speaker_mention || 'unattributed';
    // The label before the quote names the speaker and links to their
    // quotes; the anchor lets the list under the text jump here.
    const label = `<a class="speaker ${quoteClass(q)}" id="quote-${i}" ` +
        `href="${esc(q.speaker ? href('quotes', {speaker: q.speaker}) : '#/quotes')}"` +
        ` title="${esc([who, q.speaker_role, q.cue].filter(Boolean).join(' — '))}">${esc(who)}</a>`;
    spans.push({start: at(s.start), end: at(s.end), cls: 'quote',
                title: `${who}${q.cue ? ' (' + q.cue + ')' : ''}`, before: label});
  });
  // Entities named in the article, most mentioned first, by type.
  const named = new Map();
  for (const e of a.entities || []) {
    const name = e.canonical || e.text;
    const k = named.get(name) || {name, type: e.type, n: 0, roles: new Set()};
    k.n++;
    if (e.role) k.roles.add(e.role);
    named.set(name, k);
  }
  const namedHtml = [...named.values()].sort((x, y) => y.n - x.n || x.name.localeCompare(y.name))
      .map(k => `<li><a class="ent ent-${esc(k.type)}" href="${esc(entityHref(k.name))}">${esc(k.name)}</a>` +
          `${k.n > 1 ? ` <span class="n">×${k.n}</span>` : ''}` +
          `${k.roles.size ? ` <span class="muted">${esc([...k.roles].join('; '))}</span>` : ''}</li>`).join('');
  const quotesHtml = quotes.map((q, i) => `<li>
      <blockquote>« ${esc(q.text)} »</blockquote>
      <div class="meta muted">${q.speaker ? `<a href="${esc(entityHref(q.speaker))}">${esc(q.speaker)}</a>` :
          esc(q.speaker_mention || 'unattributed')}${q.speaker_role ? ', ' + esc(q.speaker_role) : ''} ${quoteBadges(q)}
        ${q.cue ? ' · ' + esc(q.cue) : ''} · <a href="#quote-${i}" data-jump="quote-${i}">in the text</a></div></li>`).join('');
  const eventsHtml = events.map((ev, i) => `<li>
      <span class="event-date">${esc(ev.date || 'undated')}</span>
      ${ev.actor ? `<a href="${esc(entityHref(ev.actor))}">${esc(ev.actor)}</a> ` : ''}<span class="action">${esc(ev.action)}</span>
      ${ev.target ? `<a href="${esc(entityHref(ev.target))}">${esc(ev.target)}</a>` : ''}${ev.place && ev.place !== ev.target ?
          ` <span class="muted">(${esc(ev.place)})</span>` : ''}
      <span class="muted">${ev.date_source === 'article' ? 'article date' : ''}${ev.source ? ' · according to ' + esc(ev.source) : ''}</span>
      · <a href="#event-${i}" data-jump="event-${i}">in the text</a>
      ${ev.target ? ` · <a href="${esc(href('timeline', {entity: ev.target}))}">timeline</a>` : ''}</li>`).join('');
  const flags = (a.flags || []).map(f => `<span class="flag">${esc(f)}</span>`).join('');
  const removed = (a.removed || []).map(x =>
      `<li><span class="reason">${esc(x.reason)}</span>${esc(x.text)}</li>`).join('');
  const reuse = (a.reuse || []).map(x =>
      `<li><a href="${esc(href('reuse', {article: a.id, other: x.other}))}">${esc(x.other)}</a>
        <span class="muted">${Math.round((x.similarity || 0) * 100)}% similar</span></li>`).join('');
  const near = (a.near_duplicates || []).map(x =>
      `<li><a href="${esc(articleHref(x.id))}">${esc(x.id)}</a>
        <span class="muted">${Math.round((x.similarity || 0) * 100)}%</span></li>`).join('');
  const legend = [];
  if ((a.entities || []).length) legend.push('<span class="ent ent-PER">person</span>',
      '<span class="ent ent-LOC">place</span>', '<span class="ent ent-ORG">organisation</span>');
  if ((a.quotes || []).length) legend.push('<span class="quote">quote</span> with its <span class="speaker">speaker</span>');
  if (events.length) legend.push('<span class="event">event</span>');
  render(token, `
    <article class="article">
      <div class="meta"><a href="#/search" id="back">← back</a></div>
      <h1>${esc(a.title || a.id)}</h1>
      <div class="meta">${meta([a.date || 'undated', a.date_in_text && a.date_in_text !== a.date ?
          'text says ' + a.date_in_text : '', a.outlet, a.language, a.id])}
        ${a.source && /^https?:\/\//.test(a.source) ? ` · <a href="${esc(a.source)}" rel="noreferrer noopener">source</a>` :
          a.source ? ' · ' + esc(a.source) : ''}${storyLink(a.story)}</div>
      ${flags ? `<div class="flags">${flags}</div>` : ''}
      ${legend.length ? `<div class="legend">${legend.join('')}</div>` : ''}
      <div class="text" id="article-text">${annotate(text, spans)}</div>
      ${eventsHtml ? `<h2 class="section">Events (${events.length})</h2><ul class="events-list" id="article-events">${eventsHtml}</ul>` : ''}
      ${quotesHtml ? `<h2 class="section">Quotes (${quotes.length})</h2><ul class="quotes-list" id="article-quotes">${quotesHtml}</ul>` : ''}
      ${namedHtml ? `<h2 class="section">Named in this article</h2><ul class="named">${namedHtml}</ul>` : ''}
      ${removed ? `<details id="removed"><summary>Removed boilerplate (${a.removed.length})</summary>
        <ul>${removed}</ul></details>` : '<p class="muted">No boilerplate was removed.</p>'}
      ${reuse ? `<h3>Passages shared with</h3><ul>${reuse}</ul>` : ''}
      ${near ? `<h3>Near duplicates</h3><ul>${near}</ul>` : ''}
    </article>`);
  // Entity names open their page; a plain click handler keeps the markup small.
  view.querySelector('#article-text').addEventListener('click', e => {
    const el = e.target.closest('[data-entity]');
    if (el && !e.target.closest('a')) location.hash = entityHref(el.dataset.entity);
  });
  // In-page jumps would change the hash route: scroll instead.
  for (const j of view.querySelectorAll('[data-jump]'))
    j.addEventListener('click', e => {
      e.preventDefault();
      const target = document.getElementById(j.dataset.jump);
      target?.scrollIntoView({block: 'center'});
      target?.focus();
    });
  view.querySelector('#back').addEventListener('click', e => {
    if (history.length > 1) { e.preventDefault(); history.back(); }
  });
}

// ---------------------------------------------------------------- quotes

async function viewQuotes(token, _arg, params) {
  const page = Math.max(1, parseInt(params.page || '1', 10) || 1);
  const form = `<form class="form-row" id="quotes-form">
      <input name="speaker" placeholder="Speaker (name or alias)" value="${esc(params.speaker || '')}" maxlength="200">
      <input name="about" placeholder="About (words)" value="${esc(params.about || '')}" maxlength="500">
      <button type="submit">Find quotes</button></form>`;
  const [qr, sr] = await Promise.all([
    api('quotes', {speaker: params.speaker, about: params.about, since: params.since,
                   until: params.until, page, page_size: 20}),
    api('speakers', {top: 30}),
  ]);
  let body;
  if (qr.error) {
    body = notice(qr.error, qr.status);
  } else {
    const d = qr.data;
    // Group consecutive quotes by speaker: "who said what".
    const groups = [];
    for (const q of d.quotes) {
      const who = q.speaker || 'unattributed';
      if (!groups.length || groups[groups.length - 1].who !== who) groups.push({who, quotes: []});
      groups[groups.length - 1].quotes.push(q);
    }
    const pages = Math.min(1000, Math.max(1, Math.ceil(d.total / d.page_size)));
    const at = extra => href('quotes', {speaker: params.speaker, about: params.about,
                                        since: params.since, until: params.until, ...extra});
    const pager = pages > 1 ? `<div class="pager">
        ${page > 1 ? `<a href="${esc(at({page: page - 1}))}">← previous</a>` : ''}
        <span class="muted">page ${page} of ${pages}</span>
        ${page < pages ? `<a href="${esc(at({page: page + 1}))}">next →</a>` : ''}</div>` : '';
    const what = [params.speaker ? 'by ' + params.speaker : '', params.about ? 'about ' + params.about : '']
        .filter(Boolean).join(' ');
    body = `<p class="summary-line" id="quotes-total">${d.total} quote${d.total === 1 ? '' : 's'} ${esc(what)}</p>` +
        (d.quotes.length ? '' : '<p class="muted">No quote matches.</p>') +
        groups.map(g => `<h3 class="speaker-head">${g.who === 'unattributed' ? 'unattributed' :
            `<a href="${esc(href('quotes', {speaker: g.who}))}">${esc(g.who)}</a>
             <a class="small" href="${esc(entityHref(g.who))}">entity page</a>`}</h3>
          <ul class="quotes-list">${g.quotes.map(q => `<li data-hit>
            <blockquote>« ${esc(q.text)} »</blockquote>
            <div class="meta muted">${quoteBadges(q)} ${meta([q.speaker_role, q.cue, q.date || 'undated', q.outlet])} ·
              <a data-open href="${esc(articleHref(q.article))}">${esc(q.title || q.article)}</a></div>
          </li>`).join('')}</ul>`).join('') + pager;
  }
  const speakers = sr.error ? '' : `<h3>Most quoted</h3><ul id="speakers">${sr.data.speakers.map(s =>
      `<li class="${params.speaker === s.speaker ? 'on' : ''}"><a href="${esc(href('quotes', {speaker: s.speaker}))}"
        title="${s.quotes} quotes in ${s.articles} articles">${s.type ? `<span class="dot ent-${esc(s.type)}"></span>` : ''}${esc(s.speaker)}</a>
        <span class="n">${s.quotes}</span></li>`).join('') || '<li class="muted">none yet</li>'}</ul>`;
  render(token, `<h1>Who said what</h1>${form}
    <div class="layout"><aside class="facets">${speakers}</aside><section>${body}</section></div>`);
  view.querySelector('#quotes-form').addEventListener('submit', e => {
    e.preventDefault();
    const f = new FormData(e.target);
    location.hash = href('quotes', {speaker: f.get('speaker').trim(), about: f.get('about').trim()});
  });
}

// ---------------------------------------------------------------- entities

async function viewEntities(token, _arg, params) {
  const r = await api('entities', {type: params.type, top: 100, since: params.since, until: params.until});
  const types = ['', 'PER', 'LOC', 'ORG'].map(t =>
      `<a href="${esc(href('entities', {type: t}))}" class="chip">${t || 'all'}</a>`).join(' ');
  if (r.error) return render(token, `<h1>Entities</h1><div class="chips">${types}</div>${notice(r.error, r.status)}`);
  const rows = r.data.entities.map((e, i) => `<tr data-hit="${i}">
      <td><a data-open href="${esc(entityHref(e.name))}">${esc(e.name)}</a></td><td>${esc(e.type)}</td>
      <td class="n">${e.articles}</td><td class="n">${e.mentions}</td></tr>`).join('');
  render(token, `<h1>Entities</h1><div class="chips">${types}</div>
    <table class="list"><thead><tr><th>name</th><th>type</th><th>articles</th><th>mentions</th></tr></thead>
    <tbody>${rows}</tbody></table>`);
}

// Every month from the first to the last, so that gaps show as gaps.
function fillMonths(points) {
  if (!points.length) return [];
  const have = new Map(points.map(p => [p.month, p.mentions]));
  let [y, m] = points[0].month.split('-').map(Number);
  const [ly, lm] = points[points.length - 1].month.split('-').map(Number);
  const out = [];
  while ((y < ly || (y === ly && m <= lm)) && out.length < 1200) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push({month: key, mentions: have.get(key) || 0});
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

async function viewEntity(token, name) {
  const r = await api('entities/' + encodeURIComponent(name));
  if (r.error) return render(token, `<h1>${esc(name)}</h1>${notice(r.error, r.status)}`);
  const e = r.data;
  const timeline = fillMonths(e.timeline || []).map(t => ({
    label: t.month, value: t.mentions, href: href('search', {q: e.name, entity: e.name, since: t.month, until: t.month})}));
  const co = (e.cooccurring || []).map((c, i) =>
      `<tr data-hit="${i}"><td><a data-open class="ent ent-${esc(c.type)}" href="${esc(entityHref(c.name))}">${esc(c.name)}</a></td>
        <td>${esc(TYPE_NAMES[c.type] || c.type)}</td><td class="n">${c.articles}</td></tr>`).join('');
  const aliases = (e.aliases || []).map(x => typeof x === 'string' ? {alias: x} : x);
  const roles = e.roles || [];
  const types = Object.entries(e.types || {}).filter(([, n]) => n > 0);
  render(token, `
    <h1 id="entity-name"><span class="ent ent-${esc(e.type)}">${esc(e.name)}</span>
      <span class="muted">${esc(TYPE_NAMES[e.type] || e.type)}</span></h1>
    <p>${e.mentions} mention${e.mentions === 1 ? '' : 's'} in ${e.articles} article${e.articles === 1 ? '' : 's'},
       ${esc(e.first_date || '?')} to ${esc(e.last_date || '?')}.
       <a href="${esc(href('search', {q: e.name, entity: e.name}))}">Articles</a> ·
       ${e.type === 'LOC' ? '' : `<a href="${esc(href('quotes', {speaker: e.name}))}">Quotes by ${esc(e.name)}</a> ·`}
       <a href="${esc(href('quotes', {about: e.name}))}">Quotes about</a></p>
    <div class="entity-grid">
      <div><h3>Written as</h3><ul id="aliases">${aliases.map(x =>
          `<li><span>${esc(x.alias)}</span>${x.mentions ? `<span class="n">${x.mentions}</span>` : ''}</li>`).join('') ||
          '<li class="muted">—</li>'}</ul></div>
      <div><h3>Described as</h3><ul id="roles">${roles.map(x =>
          `<li><span>${esc(x.role)}</span><span class="n">${x.mentions}</span></li>`).join('') ||
          '<li class="muted">no role found</li>'}</ul></div>
      <div><h3>Tagged as</h3><ul>${types.map(([t, n]) =>
          `<li><span><span class="dot ent-${esc(t)}"></span>${esc(TYPE_NAMES[t] || t)}</span><span class="n">${n}</span></li>`).join('')}</ul></div>
    </div>
    <h3>Mentions by month</h3>
    <div id="timeline">${barChart(timeline, {title: 'mentions of ' + e.name + ' by month'})}</div>
    ${co ? `<h3>Appears with</h3><table class="list" id="cooccurring"><thead><tr><th>name</th><th>type</th>
      <th>shared articles</th></tr></thead><tbody>${co}</tbody></table>` : ''}`);
}

// ---------------------------------------------------------------- reuse

// Words of `a` that `b` does not contain are marked, so that the small edits
// between two reused passages stand out (a set test, linear, unlike a diff).
function markDiff(a, b) {
  const wa = a.split(/(\s+)/), wb = new Set(b.split(/\s+/));
  if (wa.length > 4000) return esc(a);
  return wa.map(w => /^\s+$/.test(w) || wb.has(w) ? esc(w) : `<ins>${esc(w)}</ins>`).join('');
}

async function viewReuse(token, _arg, params) {
  const form = `<form class="form-row" id="reuse-form">
      <input name="article" placeholder="Article id" value="${esc(params.article || '')}" maxlength="200">
      <input name="outlet" placeholder="or outlet" value="${esc(params.outlet || '')}" maxlength="200">
      <button type="submit">Show reused passages</button></form>`;
  let body = '<p class="muted">Give an article id or an outlet.</p>';
  if (params.article || params.outlet) {
    const r = await api('reuse', {article: params.article, outlet: params.article ? undefined : params.outlet,
                                  page: params.page, page_size: 20});
    if (r.error) {
      body = notice(r.error, r.status);
    } else {
      const pairs = r.data.pairs.filter(p => !params.other || p.a === params.other || p.b === params.other);
      body = `<p class="summary-line">${r.data.total} pair${r.data.total === 1 ? '' : 's'}</p>` +
          pairs.map(p => `<section class="reuse-pair">
            <h3>${Math.round(p.similarity * 100)}% similar${p.first ? ` · first published: ${esc(p.first === 'a' ? p.a : p.b)}` : ''}</h3>
            ${(p.passages || []).map(x => `<div class="pair">
              <div><div class="meta"><a href="${esc(articleHref(p.a))}">${esc(p.a_title || p.a)}</a>
                ${meta([p.a_outlet, p.a_date])}</div><div class="passage">${markDiff(x.a_text, x.b_text)}</div></div>
              <div><div class="meta"><a href="${esc(articleHref(p.b))}">${esc(p.b_title || p.b)}</a>
                ${meta([p.b_outlet, p.b_date])}</div><div class="passage">${markDiff(x.b_text, x.a_text)}</div></div>
            </div>`).join('')}</section>`).join('');
    }
  }
  render(token, `<h1>Reused passages</h1>${form}${body}`);
  view.querySelector('#reuse-form').addEventListener('submit', e => {
    e.preventDefault();
    const f = new FormData(e.target);
    location.hash = href('reuse', {article: f.get('article').trim(), outlet: f.get('outlet').trim()});
  });
}

route();
