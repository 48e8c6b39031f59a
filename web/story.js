// Veille web UI: stories (#/stories, #/story/ID). A story is the articles
// on one real-world event (veille/stories.h). The list shows the largest or
// newest; a story's page shows the timeline of its articles (one row of dots
// per outlet, by day) and, side by side, how each outlet tells it: whom it
// quotes, what only it names, its distinctive words (log-odds against the
// other outlets), when it first published, the passages it shares with the
// others and who had them first, and its source flags. Loaded before
// app.js, which lists the routes; uses its helpers (esc, api, render,
// notice, meta, href, articleHref, entityHref).
'use strict';

function storyHref(id) { return '#/story/' + encodeURIComponent(id); }

// " · story #12" after an article's or a search hit's metadata.
function storyLink(id) {
  if (id === undefined || id === null) return '';
  return ` · <a class="story-link" href="${esc(storyHref(id))}">story #${esc(id)}</a>`;
}

function storyDates(s) {
  const a = s.first_date || 'undated', b = s.last_date || a;
  return a === b ? a : a + ' – ' + b;
}

async function viewStories(token, _arg, params) {
  const r = await api('stories', {newest: params.newest, entity: params.entity, lang: params.lang,
                                  since: params.since, page: params.page, page_size: 30});
  if (r.error) return render(token, notice(r.error, r.status));
  const d = r.data;
  const items = d.stories.map(s => `<li class="story-item" data-story="${esc(s.id)}">
      <a class="title" href="${esc(storyHref(s.id))}">${esc(s.title || 'story #' + s.id)}</a>
      <div class="meta">${meta([storyDates(s), s.size + ' articles', s.languages.join(', ')])}</div>
      <div class="meta">${s.outlets.length ? esc(s.outlets.slice(0, 8).join(' · ')) : '<span class="muted">outlets unknown</span>'}</div>
      <div class="small">${s.entities.slice(0, 6).map(e =>
          `<a class="chip" href="${esc(entityHref(e))}">${esc(e)}</a>`).join(' ')}</div></li>`).join('');
  const other = params.newest ? href('stories', {entity: params.entity}) :
      href('stories', {newest: 1, entity: params.entity});
  render(token, `<h1>Stories</h1>
    <p class="muted">${d.total} stories of two articles or more${params.entity ? ' about ' + esc(params.entity) : ''},
      ${params.newest ? 'newest' : 'largest'} first · <a href="${esc(other)}">${params.newest ? 'largest' : 'newest'} first</a></p>
    <ol class="stories">${items || '<li class="muted">No story yet: ingest articles first.</li>'}</ol>`);
}

// Inline SVG timeline: one row per outlet, one dot per article by day.
function storyTimeline(articles, outlets) {
  const dated = articles.filter(a => /^\d{4}-\d{2}-\d{2}/.test(a.date || ''));
  if (!dated.length) return '<p class="muted">No dated article.</p>';
  const day = s => Date.parse(s.slice(0, 10) + 'T00:00:00Z') / 86400000;
  const days = dated.map(a => day(a.date));
  const lo = Math.min(...days), hi = Math.max(...days);
  const rows = outlets.length ? outlets : ['(unknown)'];
  const left = 170, width = 720, rowH = 22, top = 10;
  const span = Math.max(1, hi - lo);
  const x = d => left + 10 + (width - left - 20) * (d - lo) / span;
  const height = top + rows.length * rowH + 24;
  let svg = '';
  rows.forEach((o, i) => {
    const y = top + i * rowH + rowH / 2;
    svg += `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(o.length > 24 ? o.slice(0, 23) + '…' : o)}</text>` +
        `<line class="lane" x1="${left}" y1="${y}" x2="${width - 5}" y2="${y}"/>`;
  });
  for (const a of dated) {
    const i = Math.max(0, rows.indexOf(a.outlet || '(unknown)'));
    const y = top + i * rowH + rowH / 2;
    svg += `<a href="${esc(articleHref(a.id))}"><circle class="dot via-${esc(a.via)}" cx="${x(day(a.date)).toFixed(1)}" ` +
        `cy="${y}" r="5"><title>${esc(a.date)} · ${esc(a.outlet || '')} · ${esc(a.title || a.id)} (${esc(a.via)})</title></circle></a>`;
  }
  const first = new Date(lo * 86400000).toISOString().slice(0, 10);
  const last = new Date(hi * 86400000).toISOString().slice(0, 10);
  const yAxis = top + rows.length * rowH + 14;
  svg += `<text x="${left}" y="${yAxis}">${esc(first)}</text>` +
      (hi > lo ? `<text x="${width - 5}" y="${yAxis}" text-anchor="end">${esc(last)}</text>` : '');
  return `<svg class="chart timeline" role="img" aria-label="articles of the story by day and outlet" ` +
      `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${svg}</svg>`;
}

function storyPairs(list, key, count, link) {
  if (!list || !list.length) return '<span class="muted">none</span>';
  return list.map(x => {
    const label = link ? `<a href="${esc(link(x[key]))}">${esc(x[key])}</a>` : esc(x[key]);
    return `${label} <span class="muted">(${esc(x[count])})</span>`;
  }).join(', ');
}

function storyOutletColumn(f, articles) {
  const own = articles.filter(a => (a.outlet || '') === (f.outlet || ''));
  const words = (f.distinctive_words || []).map(w =>
      `<span class="word" title="z = ${esc(w.z)}, ${esc(w.count)} times">${esc(w.term)}</span>`).join(' ');
  const shared = (f.shared_passages || []).map(s => `<li>with <b>${esc(s.outlet || '(unknown)')}</b>:
      ${esc(s.passages)} passage${s.passages === 1 ? '' : 's'}, ${esc(s.words)} words;
      first here ${esc(s.first)}, there ${esc(s.other_first)}${s.unknown ? ', unknown ' + esc(s.unknown) : ''}
      ${s.example ? `<blockquote>${esc(s.example.length > 220 ? s.example.slice(0, 219) + '…' : s.example)}</blockquote>` : ''}</li>`).join('');
  const list = own.map(a => `<li><span class="muted">${esc(a.date || 'undated')}</span>
      <a href="${esc(articleHref(a.id))}">${esc(a.title || a.id)}</a>
      ${a.via === 'duplicate' || a.via === 'copy' ? `<span class="muted">(${esc(a.via)})</span>` : ''}</li>`).join('');
  return `<section class="outlet-column" data-outlet="${esc(f.outlet || '')}">
      <h2>${esc(f.outlet || '(unknown outlet)')}</h2>
      <div class="meta">${esc(f.articles)} article${f.articles === 1 ? '' : 's'} · first
        <a href="${esc(articleHref(f.first_article))}">${esc(f.first_date || 'undated')}</a></div>
      <h3>Quotes</h3><p class="speakers">${storyPairs(f.speakers, 'name', 'quotes', entityHref)}</p>
      <h3>Only it names</h3><p class="own">${storyPairs(f.own_entities, 'name', 'mentions', entityHref)}</p>
      <h3>Its words</h3><p class="words">${words || '<span class="muted">none stand out</span>'}</p>
      <h3>Shared passages</h3>${shared ? `<ul class="shared">${shared}</ul>` : '<p class="muted">none</p>'}
      ${(f.flags || []).length ? `<h3>Flags</h3><p>${storyPairs(f.flags, 'flag', 'articles')}</p>` : ''}
      <h3>Articles</h3><ul class="outlet-articles">${list}</ul>
    </section>`;
}

async function viewStory(token, id) {
  const r = await api('stories/' + encodeURIComponent(id));
  if (r.error) return render(token, notice(r.error, r.status));
  const s = r.data;
  const outlets = s.by_outlet.map(f => f.outlet || '(unknown)');
  render(token, `<article class="story" data-story="${esc(s.id)}">
      <div class="meta"><a href="#/stories">← stories</a></div>
      <h1>${esc(s.title || 'story #' + s.id)}</h1>
      <div class="meta">${meta(['story #' + s.id, storyDates(s), s.size + ' articles',
          s.outlets.length + ' outlets', s.languages.join(', ')])}</div>
      <div class="small">${s.entities.map(e => `<a class="chip" href="${esc(entityHref(e))}">${esc(e)}</a>`).join(' ')}</div>
      <h2 class="section">Timeline</h2>
      ${storyTimeline(s.articles, outlets)}
      <h2 class="section">By outlet</h2>
      <div class="outlets">${s.by_outlet.map(f => storyOutletColumn(f, s.articles)).join('')}</div>
    </article>`);
}
