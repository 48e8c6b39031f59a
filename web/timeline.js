// Veille web UI: timelines (#/timeline?q=… or #/timeline?entity=…). The
// dated events (veille/events.h) of a search's articles or of an entity,
// merged across articles: one dot per event on a time axis (one lane per
// action), then the list in date order, each event expandable to its reports
// (outlet, date, the sentence with its trigger words marked, a link to the
// article). Undated events come last. Loaded before app.js, which lists the
// routes; uses its helpers (esc, api, render, notice, meta, href,
// articleHref, entityHref, byteToIndexMap).
'use strict';

function timelineHref(params) { return href('timeline', params); }

// "talibans capture Kandahar (Herat)"
function eventLabel(e) {
  const who = e.actor ? `<a href="${esc(entityHref(e.actor))}">${esc(e.actor)}</a> ` : '';
  const what = e.target && e.target !== e.actor ? ` <a href="${esc(entityHref(e.target))}">${esc(e.target)}</a>` : '';
  const where = e.place && e.place !== e.target ?
      ` <span class="muted">(${esc(e.place)})</span>` : '';
  return `${who}<span class="action action-${esc(e.action)}">${esc(e.action)}</span>${what}${where}`;
}

// The sentence with the trigger words marked (offsets are UTF-8 bytes into
// the article text; the sentence starts at sentence_start).
function reportSentence(r) {
  const s = r.sentence || '';
  const at = byteToIndexMap(s);
  const a = at(Math.max(0, r.start - r.sentence_start)), b = at(Math.max(0, r.end - r.sentence_start));
  if (!(a < b && b <= s.length)) return esc(s);
  return esc(s.slice(0, a)) + `<mark class="event">${esc(s.slice(a, b))}</mark>` + esc(s.slice(b));
}

// Inline SVG: a time axis from the first to the last dated event, one lane
// per action, one dot per event (its radius grows with its reports).
function eventAxis(events) {
  const dated = events.filter(e => /^\d{4}(-\d{2}){0,2}$/.test(e.date || ''));
  if (!dated.length) return '<p class="muted">No dated event.</p>';
  const day = d => Date.parse((d + '-01-01').slice(0, 10) + 'T00:00:00Z') / 86400000;
  const days = dated.map(e => day(e.date));
  const lo = Math.min(...days), hi = Math.max(...days);
  const actions = [...new Set(dated.map(e => e.action))];
  const left = 110, width = 760, rowH = 24, top = 8;
  const span = Math.max(1, hi - lo);
  const x = d => left + 12 + (width - left - 24) * (d - lo) / span;
  const height = top + actions.length * rowH + 26;
  let svg = '';
  actions.forEach((a, i) => {
    const y = top + i * rowH + rowH / 2;
    svg += `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(a)}</text>` +
        `<line class="lane" x1="${left}" y1="${y}" x2="${width - 5}" y2="${y}"/>`;
  });
  dated.forEach(e => {
    const y = top + actions.indexOf(e.action) * rowH + rowH / 2;
    const r = Math.min(9, 4 + Math.log2(1 + (e.reports || 1)));
    svg += `<a href="#event-${esc(e.id)}" data-jump="event-${esc(e.id)}"><circle class="dot event-dot" ` +
        `data-event="${esc(e.id)}" cx="${x(day(e.date)).toFixed(1)}" cy="${y}" r="${r.toFixed(1)}">` +
        `<title>${esc(e.date + ' ' + [e.actor, e.action, e.target].filter(Boolean).join(' '))}</title>` +
        `</circle></a>`;
  });
  const axisY = top + actions.length * rowH + 14;
  const first = dated[0].date, last = dated[dated.length - 1].date;
  svg += `<text x="${left}" y="${axisY}">${esc(first)}</text>` +
      `<text x="${width - 5}" y="${axisY}" text-anchor="end">${esc(last)}</text>`;
  return `<svg class="timeline events-axis" role="img" aria-label="events on a time axis" ` +
      `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${svg}</svg>`;
}

async function viewTimeline(token, _arg, params) {
  const query = params.q || '', entity = params.entity || '';
  const form = `<form id="timeline-form" class="inline-form">
      <input id="timeline-q" name="q" placeholder="search words" value="${esc(query)}" maxlength="500">
      <span class="muted">or</span>
      <input id="timeline-entity" name="entity" placeholder="an entity" value="${esc(entity)}" maxlength="200">
      <button type="submit">Timeline</button></form>`;
  if (!query && !entity) {
    render(token, `<h1>Timeline</h1>${form}
      <p class="muted">The dated events of a search or of an entity: who took, left, attacked what, and when.</p>`);
    return bindTimelineForm();
  }
  const r = await api('timeline', entity ? {entity, since: params.since, until: params.until} :
      {q: query, since: params.since, until: params.until});
  if (r.error) return render(token, notice(r.error, r.status));
  const events = r.data.events;
  const items = events.map(e => {
    const dates = (e.dates || []).length > 1 ?
        ` <span class="disagree" title="the reports give different dates">dates: ${esc(e.dates.join(', '))}</span>` : '';
    const reports = (e.sources || []).map(s => `<li class="report">
        <div class="meta"><a href="${esc(articleHref(s.id))}">${esc(s.title || s.id)}</a> ·
          ${meta([s.outlet || 'unknown outlet', s.date || 'undated',
                  s.source ? 'according to ' + s.source : '', s.reported ? 'reported' : ''])}</div>
        <div class="sentence">${reportSentence(s)}</div></li>`).join('');
    return `<li class="event-item" id="event-${esc(e.id)}" tabindex="-1" data-event="${esc(e.id)}">
        <span class="event-date">${esc(e.date || 'undated')}</span> ${eventLabel(e)}
        <details><summary>${e.reports} report${e.reports === 1 ? '' : 's'}, ${e.outlets}
          outlet${e.outlets === 1 ? '' : 's'}; first ${esc(e.first.outlet || 'unknown outlet')},
          ${esc(e.first.date || 'undated')}${dates}</summary>
          <ol class="reports">${reports}</ol></details></li>`;
  }).join('');
  const what = entity ? `involving <a href="${esc(entityHref(entity))}">${esc(entity)}</a>` :
      `in the articles matching “${esc(query)}”`;
  render(token, `<article class="timeline-page"><h1>Timeline</h1>${form}
      <p class="muted" id="timeline-total">${events.length} event${events.length === 1 ? '' : 's'} ${what}</p>
      ${eventAxis(events)}
      <ol class="events">${items || '<li class="muted">No event found.</li>'}</ol></article>`);
  bindTimelineForm();
  for (const j of view.querySelectorAll('[data-jump]'))
    j.addEventListener('click', ev => {
      ev.preventDefault();
      const target = document.getElementById(j.dataset.jump);
      if (!target) return;
      target.querySelector('details')?.setAttribute('open', '');
      target.scrollIntoView({block: 'center'});
      target.focus();
    });
}

function bindTimelineForm() {
  view.querySelector('#timeline-form').addEventListener('submit', e => {
    e.preventDefault();
    const q = view.querySelector('#timeline-q').value.trim();
    const entity = view.querySelector('#timeline-entity').value.trim();
    location.hash = timelineHref(entity ? {entity} : {q});
  });
}
