// Veille web UI: how a quote's attribution is shown — the kind of speaker
// (a named person, an office the text does not name, an anonymous source,
// an institution) and whether the attribution is uncertain (confidence
// below 0.5: the speaker was inferred, not read next to a speech verb).
// Loaded before app.js, whose article and quotes views use these helpers.
'use strict';

const UNCERTAIN_BELOW = 0.5;

function quoteUncertain(q) {
  return Boolean(q.speaker || q.speaker_role) && typeof q.confidence === 'number' &&
      q.confidence < UNCERTAIN_BELOW;
}

// The class of a speaker label: 'uncertain' or ''.
function quoteClass(q) { return quoteUncertain(q) ? 'uncertain' : ''; }

// Small labels after the speaker: its kind unless a named person, and
// "uncertain" with the confidence.
function quoteBadges(q) {
  const out = [];
  if (q.speaker_kind && q.speaker_kind !== 'named')
    out.push(`<span class="kind kind-${esc(q.speaker_kind)}">${esc(q.speaker_kind)}</span>`);
  if (quoteUncertain(q))
    out.push(`<span class="uncertain-badge" title="attribution confidence ${esc(q.confidence)}">uncertain</span>`);
  return out.join(' ');
}
