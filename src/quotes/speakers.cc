// speakers.cc: from a speech cue to its speaker mention: subject positions,
// role appositions, pronoun and role antecedents (resolve.cc turns the
// mention into a speaker).
#include <algorithm>
#include <cstring>
#include <span>

#include "quotes/extraction.h"

namespace veille {
namespace quotes {

// Index of the first mention with tb >= k.
int Extraction::MentionFrom(int k) const {
  auto it = std::lower_bound(mentions.begin(), mentions.end(), k,
                             [](const Mention& m, int v) { return m.tb < v; });
  return int(it - mentions.begin());
}

// The speaker mention in tokens [lo, hi): a name wins over roles and
// pronouns; `nearest_last` picks the one closest to hi (a subject before
// its verb), else the first (an inverted subject after its verb).
int Extraction::PickMention(int lo, int hi, bool nearest_last) const {
  int best_name = -1, best_other = -1;
  for (int i = MentionFrom(lo); i < int(mentions.size()) && mentions[i].tb < hi; ++i) {
    const Mention& m = mentions[i];
    if (m.prep || m.te > hi) continue;
    // A place speaks only as the verb's own subject (Paris exige, a
    // dénoncé Moscou).
    if (m.loc && nearest_last && !(hi - m.te <= 1 && ClauseStart(m.tb, lo))) continue;
    // With the recognizer's entities, a capitalised word it did not take
    // for a name is not a speaker (l'ADN, Ris-Orangis).
    if (m.kind == Mention::kName && m.hint < 0 && !m.per && !m.org && !m.loc && !hints.empty())
      continue;
    // After a verb, an agency or outlet followed by a name is the channel
    // (a affirmé l'AFP Audrey Montel).
    if (!nearest_last && m.channel && i + 1 < int(mentions.size()) &&
        mentions[i + 1].tb - m.te <= 2 && mentions[i + 1].tb < hi && !mentions[i + 1].prep &&
        mentions[i + 1].kind == Mention::kName && mentions[i + 1].per)
      continue;
    if (m.kind == Mention::kName) {
      if (best_name < 0 || nearest_last) best_name = i;
    } else if (best_other < 0 || nearest_last) {
      best_other = i;
    }
    if (!nearest_last && (best_name >= 0 || best_other >= 0)) {
      // After a verb the first mention is the subject; a role may be
      // followed by its name in apposition, handled by Resolve.
      break;
    }
  }
  // "X, y compris A, B et C, a déclaré": a verb right after a comma closes
  // a parenthetical; the subject is the first mention of the clause.
  if (nearest_last && hi > lo) {
    int v = hi - 1;
    while (v > lo && (toks[v].flags & kWord) &&
           (toks[v].cls & kVerbish || Lower(toks[v].b, toks[v].e) == "a"))
      --v;
    if (toks[v].flags & kComma) {
      for (int i = MentionFrom(lo); i < int(mentions.size()) && mentions[i].tb < v; ++i) {
        const Mention& m = mentions[i];
        if (m.prep || m.kind == Mention::kPronPl || m.loc) continue;
        if (m.kind == Mention::kName && m.hint < 0 && !m.per && !m.org && !hints.empty()) continue;
        // Only when what sits between it and the comma is a parenthetical
        // (y compris, notamment, dont, qui, including ...).
        bool paren = false;
        for (int k = m.te; k < v && !paren; ++k) {
          if (!(toks[k].flags & kWord)) continue;
          std::string_view w = Lower(toks[k].b, toks[k].e);
          paren = w == "compris" || w == "notamment" || w == "dont" || w == "parmi" || w == "qui" ||
                  w == "including" || w == "among" || w == "who" || w == "which";
        }
        if (paren) return i;
        break;
      }
    }
  }
  // "Le ministre X, ancien cadre du parti, assure": the role set off by
  // commas is an apposition; the subject is before it.
  while (nearest_last && best_other >= 0 && best_name < 0) {
    const Mention& o = mentions[best_other];
    if (o.kind != Mention::kRole || o.tb < 2) break;
    int d = o.tb - 1;
    if (d > lo && (toks[d].cls & (quotes::kDef | quotes::kIndef))) --d;
    if (!(toks[d].flags & kComma) || d <= lo) break;
    int prev = -1;
    for (int i = MentionFrom(lo); i < best_other; ++i)
      if (!mentions[i].prep && mentions[i].kind != Mention::kPronPl) prev = i;
    if (prev < 0 || mentions[prev].kind == Mention::kPron) break;
    best_other = prev;
  }
  if (best_name >= 0 && best_other >= 0 && nearest_last) {
    // A pronoun right before the verb is the subject even after a name.
    const Mention& o = mentions[best_other];
    if ((o.kind == Mention::kPron || o.kind == Mention::kPronPl) && o.tb > mentions[best_name].tb)
      return best_other;
    // So is a role noun that opens the clause right before the verb, after a
    // name in a phrase before it (Sur leur page Facebook, les organisateurs
    // affirment).
    bool aux_only = o.te <= hi;
    for (int k = o.te; k < hi && aux_only; ++k)
      aux_only = (toks[k].flags & kWord) && (toks[k].cls & kAux);
    if (o.kind == Mention::kRole && !o.generic && o.tb > mentions[best_name].te && aux_only &&
        ClauseStart(o.tb, lo) && o.tb > lo + 1)
      return best_other;
  }
  return best_name >= 0 ? best_name : best_other;
}

// Sentence-bounded window end/start around token k, not crossing another
// quotation.
int Extraction::ForwardLimit(int k, int max_tokens) const {
  const int n = int(toks.size());
  int e = k;
  int sent = k < n ? toks[k].sent : 0;
  while (e < n && e - k < max_tokens && toks[e].quote < 0 && toks[e].sent == sent &&
         !(toks[e].flags & kSentEnd) && !IsMarkTok(e))
    ++e;
  return e;
}

int Extraction::BackwardLimit(int k) const {
  // Start of the sentence holding token k-1, or just after a quotation.
  int b = k;
  while (b > 0) {
    const Tok& t = toks[b - 1];
    if (t.quote >= 0 || IsMarkTok(b - 1)) break;
    if (t.flags & kSentEnd) {
      // A colon before a line break introduces the quotation below it.
      if (t.flags & kNewline) {
        int j = b - 1;
        while (j > 0 && (toks[j - 1].flags & kNewline)) --j;
        if (j > 0 && (toks[j - 1].flags & kColon)) {
          b = j;
          continue;
        }
      }
      break;
    }
    --b;
  }
  return b;
}

bool Extraction::IsMarkTok(int k) const {
  if (toks[k].flags & kWord) return false;
  size_t len;
  return IsQuoteCp(PeekCp(text, toks[k].b, &len));
}

// A cue in tokens [lo, hi) scanning forward (first) or backward (last).
int Extraction::FindCue(int lo, int hi, bool forward, int* len, CueKind* kind) {
  if (forward) {
    for (int k = lo; k < hi; ++k) {
      if (toks[k].cue_len && toks[k].quote < 0) {
        int l = CueAt(k, kind);
        if (l && (*kind != CueKind::kLead)) {
          *len = l;
          return k;
        }
      }
    }
  } else {
    for (int k = hi - 1; k >= lo; --k) {
      if (toks[k].cue_len && toks[k].quote < 0) {
        int l = CueAt(k, kind);
        if (!l) continue;
        if (*kind == CueKind::kLead) {
          // "Pour X, ..." only opens a sentence.
          if (k != lo || k + 1 >= hi) continue;
        }
        *len = l;
        return k;
      }
    }
  }
  return -1;
}

// Attributes using a cue found at [c, c+len): `after_quote` tells whether
// the cue follows the quotation (then the subject sits between the
// quotation and the cue, or after the cue).
Attribution Extraction::FromCue(int c, int len, CueKind kind, int lo, int hi) {
  Attribution a;
  a.found_cue = true;
  a.cue_tok = c;
  a.cue_end = c + len;
  if (kind == CueKind::kPrep || kind == CueKind::kLead) {
    // The mention right after the cue word, even when that word is a
    // preposition (Pour Philippe Vincent, ...).
    int mi = MentionFrom(c + len);
    if (mi < int(mentions.size()) &&
        (mentions[mi].tb == c + len ||
         (mentions[mi].tb == c + len + 1 && (toks[c + len].cls & (kDef | kIndef)))) &&
        mentions[mi].kind != Mention::kPronPl && !mentions[mi].loc) {
      a.mention = mi;
      return a;
    }
    // "Pour finir, …": a sentence-initial cue names its speaker right away.
    if (kind == CueKind::kLead) return a;
    a.mention = PickMention(c + len, std::min(hi, c + len + 12), false);
    // "l'élu, selon qui ...": the one the relative pronoun stands for.
    if (a.mention < 0 && c + len < int(toks.size()) &&
        Lower(toks[c + len].b, toks[c + len].e) == "qui")
      a.mention = PickMention(BackwardLimit(c), c, true);
    return a;
  }
  // Inverted pronoun on the verb or its auxiliary (a-t-il déclaré).
  for (int k = c; k >= std::max(lo, c - 2); --k) {
    if (toks[k].flags & (kInvPron | kInvPronPl)) {
      a.inv_tok = k;
      return a;
    }
    if (k < c && !(toks[k].flags & kWord)) break;
  }
  if (IsGerund(c)) {
    // A gerund (explique le ministère, en soulignant que) shares the
    // subject of the verb before it in the clause.
    int len2 = 0;
    CueKind kind2;
    int c2 = FindCue(lo, c, false, &len2, &kind2);
    if (c2 >= 0 && kind2 == CueKind::kVerb && !IsGerund(c2)) {
      Attribution a2 = FromCue(c2, len2, kind2, lo, c);
      if (a2.mention >= 0 || a2.inv_tok >= 0) {
        a2.cue_tok = c;
        a2.cue_end = c + len;
        return a2;
      }
    }
  }
  int before = PickMention(lo, c, true);
  // A verb coordinated right after a quotation (confie « … » si X … et
  // estime que) shares the first verb's subject, not a mention in between.
  if (CoordinatedVerb(c) && lo > 0 && IsMarkTok(lo - 1)) {
    before = -1;
    int s0 = c;
    while (s0 > 0 && toks[s0 - 1].sent == toks[c].sent) --s0;
    int len2 = 0;
    CueKind kind2;
    int c2 = FindCue(s0, lo, false, &len2, &kind2);
    if (c2 >= 0 && kind2 == CueKind::kVerb) {
      Attribution a2 = FromCue(c2, len2, kind2, BackwardLimit(c2), ForwardLimit(c2 + len2, 40));
      if (a2.mention >= 0 || a2.inv_tok >= 0) {
        a2.cue_tok = c;
        a2.cue_end = c + len;
        return a2;
      }
    }
  }
  // A gerund (tout en précisant, en demandant) shares its clause's subject:
  // never the noun after it; none found here, the clause's subject is
  // looked for as for a quotation without a cue.
  if (before < 0 && IsGerund(c)) return a;
  if (before >= 0 && lo > 0 && IsMarkTok(lo - 1)) {
    // Right after the quotation, the name that opens the stretch is the
    // subject; what follows it are its appositions ("…," Scott Pruitt, the
    // attorney general of Oklahoma, one of the states suing the EPA, said).
    int first = MentionFrom(lo);
    if (first < before && mentions[first].tb <= lo + 1 && mentions[first].kind == Mention::kName &&
        !mentions[first].prep && !mentions[first].loc && !mentions[first].channel &&
        (mentions[first].per || mentions[first].org))
      before = first;
  }
  // A verb coordinated with the one before it (… et tacle l'animateur
  // « … ») shares its subject: the noun after it is its object.
  int after = CoordinatedVerb(c) ? -1 : PickMention(c + len, hi, false);
  // An emphatic pronoun set off by commas is not the subject after it (a
  // estimé, lui, François Jobard).
  if (after >= 0 && mentions[after].kind == Mention::kPron && mentions[after].tb > 0 &&
      (toks[mentions[after].tb - 1].flags & kComma) && mentions[after].te < int(toks.size()) &&
      (toks[mentions[after].te].flags & kComma)) {
    int next = PickMention(mentions[after].te, hi, false);
    if (next >= 0 && mentions[next].kind == Mention::kName) after = next;
  }
  // After a verb, the subject is the first mention (said Smith), but a
  // subject before the verb wins (Smith said, il a déclaré) unless the verb
  // opens an incise after a comma with its subject right after it (« … »,
  // lui-même saisi par le ministre X, explique le ministère).
  a.mention = before >= 0 ? before : after;
  // (So does "comme l'a rappelé X".)
  int v = c > 0 && (toks[c - 1].flags & kWord) && (toks[c - 1].cls & kAux) ? c - 1 : c;
  if (v > lo + 1 && (toks[v - 1].flags & kWord) && (toks[v - 1].cls & kDef) &&
      Lower(toks[v - 2].b, toks[v - 2].e) == "comme")
    v -= 1;
  const bool incise_verb =
      v > lo && ((toks[v - 1].flags & kComma) ||
                 ((toks[v - 1].flags & kWord) && Lower(toks[v - 1].b, toks[v - 1].e) == "comme"));
  bool subordinate = false;  // a déclaré que quand une société …: not its subject
  for (int k = c + len; after >= 0 && k < mentions[after].tb && !subordinate; ++k) {
    std::string_view w = Lower(toks[k].b, toks[k].e);
    subordinate = w == "que" || w == "qu'" || w == "quand" || w == "si" || w == "that" ||
                  w == "if" || w == "when";
  }
  if (before >= 0 && after >= 0 && incise_verb && !subordinate && !IsGerund(c) &&
      mentions[after].tb - (c + len) <= 4 && mentions[after].kind != Mention::kPron &&
      mentions[before].tb > lo + 1)
    a.mention = after;
  // An agency or outlet relaying words (« … », rapporte Le Monde; comme le
  // relevait le JDD) is not their speaker.
  if (a.mention >= 0 && mentions[a.mention].channel &&
      lex.relay_forms.count(Lower(toks[c].b, toks[c].e)))
    a.mention = -1;
  return a;
}

// Whether token tb opens its clause within [lo, ...): first, after a
// determiner, or after a comma.
bool Extraction::ClauseStart(int tb, int lo) const {
  int k = tb - 1;
  if (k >= lo && (toks[k].cls & (kDef | kIndef))) --k;
  return k < lo || (toks[k].flags & (kComma | kSentEnd));
}

bool Extraction::IsGroupRole(const Mention& m) const {
  std::string key(Lower(toks[m.tb].b, toks[m.tb].e));
  if (m.te - m.tb == 2) {
    key += ' ';
    AppendLower(text.substr(toks[m.tb + 1].b, toks[m.tb + 1].e - toks[m.tb + 1].b), key);
  }
  return lex.group_roles.count(key) > 0;
}

float Extraction::Confidence(std::string_view path) const {
  auto it = lex.confidence.find(path);
  return it == lex.confidence.end() ? 0.5f : it->second;
}

uint8_t Extraction::PronounGender(int k) const {
  const Tok& t = toks[k];
  if (t.flags & (kInvPron | kInvPronPl)) {
    std::string_view w = text.substr(t.b, t.e - t.b);
    if (w.ends_with("elle") || w.ends_with("elles")) return kGenderFem;
    return kGenderMasc;
  }
  if ((t.cls & kFem) && !(t.cls & kMasc)) return kGenderFem;
  if ((t.cls & kMasc) && !(t.cls & kFem)) return kGenderMasc;
  return kGenderUnknown;
}

// The subject of the speech cue at token c (a verb cue outside quotations):
// the mention before it in its clause, else the first after it.
int Extraction::CueSubject(int c) {
  CueKind kind;
  int len = CueAt(c, &kind);
  if (!len) return -1;
  if (kind != CueKind::kVerb) {
    // Selon X, / pour X, : X is the one speaking.
    int mi = MentionFrom(c + len);
    // (X follows the cue word, a preposition itself.)
    if (mi < int(mentions.size()) && mentions[mi].tb == c + len &&
        mentions[mi].kind != Mention::kPronPl && !mentions[mi].loc)
      return mi;
    return -1;
  }
  int lo = BackwardLimit(c);
  int mi = PickMention(lo, c, true);
  if (mi < 0 && !CoordinatedVerb(c)) mi = PickMention(c + len, ForwardLimit(c + len, 12), false);
  return mi;
}

// Whether the verb cue at token c (or its auxiliary) comes right after "et"
// or "and": a verb coordinated with the one before, whose subject it shares.
bool Extraction::CoordinatedVerb(int c) const {
  int k = c - 1;
  if (k >= 0 && (toks[k].flags & kWord) && (toks[k].cls & kAux)) --k;
  if (k < 0 || !(toks[k].flags & kWord)) return false;
  std::string_view w = Lower(toks[k].b, toks[k].e);
  return w == "et" || w == "and";
}

// The sentence number `back` sentences of the writer's own before token k:
// the sentences inside quotations are not counted (a long quotation does
// not push its speaker out of reach).
int Extraction::SentenceFloor(int k, int back) const {
  if (k >= int(toks.size())) k = int(toks.size()) - 1;
  if (k < 0) return 0;
  int seen = 0;
  for (int j = k - 1; j >= 0; --j) {
    if (!(toks[j].flags & kSentEnd) || toks[j].quote >= 0) continue;
    if (++seen > back) return toks[j].sent + 1;
  }
  return 0;
}

// Whether the cue at token c is a gerund or present participle (en
// précisant, demandant): -ant after en, or any French -ant form.
bool Extraction::IsGerund(int c) const {
  std::string_view w = text.substr(toks[c].b, toks[c].e - toks[c].b);
  if (c > 0 && (toks[c - 1].flags & kWord) && Lower(toks[c - 1].b, toks[c - 1].e) == "en")
    return true;
  return langs == kLangFr && w.size() > 4 && w.ends_with("ant");
}

// Sentences of the writer's own that end between tokens a < b.
int Extraction::SentencesBetween(int a, int b) const {
  int seen = 0;
  for (int j = a; j < b && j < int(toks.size()); ++j)
    if ((toks[j].flags & kSentEnd) && toks[j].quote < 0) ++seen;
  return seen;
}

// Sentences of the writer's own that end after sentence `sent` and before
// token k: a long quotation in between does not put its speaker out of
// reach (« … » a expliqué l'ancien sénateur).
int Extraction::WriterSentencesSince(int sent, int k) const {
  int seen = 0;
  for (int j = std::min(k, int(toks.size())) - 1; j >= 0 && toks[j].sent > sent; --j)
    if ((toks[j].flags & kSentEnd) && toks[j].quote < 0) ++seen;
  return seen;
}

// Whether mention `mi` can be the person a pronoun or a definite role of
// gender `g` refers to.
bool Extraction::IsPersonReferent(int mi, uint8_t g, bool allow_prep) const {
  const Mention& m = mentions[mi];
  if ((m.prep && !allow_prep) || m.loc || m.org || m.channel) return false;
  if (m.kind == Mention::kName) return m.per && GenderFits(m.gender, g);
  if (m.kind == Mention::kRole) return m.per && !m.plural && GenderFits(m.gender, g);
  return false;
}

// The person a pronoun (or a definite role) at token k most likely refers
// to, of gender `g`: the latest of the subjects of speech cues and the
// people who open the last three sentences; -1 if none.
int Extraction::RecentSubject(int k, uint8_t g) {
  const int floor = SentenceFloor(k, 3);
  int best = -1;
  // Subjects of speech cues (quoted or reported speech).
  for (int c = k - 1; c >= 0 && toks[c].sent >= floor && best < 0; --c) {
    if (!toks[c].cue_len || toks[c].quote >= 0) continue;
    int mi = CueSubject(c);
    if (mi < 0 || mentions[mi].tb >= k) continue;
    if (mentions[mi].kind == Mention::kRole) {
      int ap = AppositionName(mi);
      if (ap >= 0) mi = ap;
    }
    if (mentions[mi].kind == Mention::kPron) {
      // He said it before: whoever that pronoun stood for.
      int ref = RecentSubject(mentions[mi].tb, g);
      if (ref >= 0) best = ref;
      continue;
    }
    // Selon X, / Pour X, : X follows a preposition and still speaks.
    if (IsPersonReferent(
            mi, g, /*allow_prep=*/mentions[mi].tb == c + toks[c].cue_len || mentions[mi].tb > c))
      best = mi;
  }
  // The first person of each recent sentence, when later than that.
  for (int i = MentionFrom(0); i < int(mentions.size()) && mentions[i].tb < k; ++i) {
    const Mention& m = mentions[i];
    if (toks[m.tb].sent < floor || (best >= 0 && m.tb <= mentions[best].tb)) continue;
    int first = m.tb;
    // The first mention of its sentence?
    bool opens = true;
    for (int j = i - 1; j >= 0 && toks[mentions[j].tb].sent == toks[m.tb].sent; --j) {
      const Mention& o = mentions[j];
      // (A capitalised word the recognizer did not take for a name does
      // not count: Tapant toujours sur le gouvernement, Yannick Jadot …)
      if (o.kind == Mention::kName && o.hint < 0 && !o.per && !o.org && !hints.empty()) continue;
      if (!o.prep && !o.loc && !o.org && !o.channel && o.kind != Mention::kPronPl) opens = false;
    }
    (void)first;
    if (!opens) continue;
    int mi = i;
    if (m.kind == Mention::kRole) {
      int ap = AppositionName(i);
      if (ap >= 0) mi = ap;
    }
    if (mentions[mi].tb < k && IsPersonReferent(mi, g)) best = mi;
  }
  return best;
}

// The most recent person mention before token k of gender g, else the first
// after it; -1 if none.
int Extraction::Antecedent(int k, uint8_t g) const {
  auto it = std::lower_bound(persons.begin(), persons.end(), k,
                             [this](int mi, int v) { return mentions[mi].tb < v; });
  for (auto b = it; b != persons.begin();) {
    --b;
    if (GenderFits(mentions[*b].gender, g) && !mentions[*b].prep) return *b;
  }
  for (; it != persons.end(); ++it)
    if (GenderFits(mentions[*it].gender, g)) return *it;
  return -1;
}

// The one person of gender g (known) named in the two sentences before
// token k, complements included, when every person named there has a known
// gender; -1 if none or several.
int Extraction::OnlyPersonOfGender(int k, uint8_t g) const {
  if (!g) return -1;
  const int floor = SentenceFloor(k, 2);
  int only = -1;
  for (int pi : persons) {
    const Mention& p = mentions[pi];
    if (p.tb >= k) break;
    if (toks[p.tb].sent < floor || p.kind != Mention::kName) continue;
    if (!p.gender) return -1;
    if (p.gender != g) continue;
    if (only >= 0 && CanonicalView(mentions[only]) != CanonicalView(p)) return -1;
    only = pi;
  }
  return only;
}

// The person the article gives the same role noun as mention `mi` (le
// ministre → "Henri Vasseur, ministre de ..."): the nearest before it,
// else the first after it; -1 if none. `unnamed` receives an earlier role
// mention with that noun that named nobody (une source ... cette source).
int Extraction::SameRolePerson(int mi, int* unnamed) const {
  const Mention& r = mentions[mi];
  std::string_view head = text.substr(r.b, r.e - r.b);
  int before = -1, after = -1;
  *unnamed = -1;
  for (int i = 0; i < int(mentions.size()); ++i) {
    const Mention& o = mentions[i];
    if (i == mi || o.kind != Mention::kRole) continue;
    if (text.substr(o.b, o.e - o.b) != head) continue;
    int p = AppositionName(i);
    if (p < 0) {
      // Name first: "Henri Vasseur, le ministre".
      for (int j = i - 1; j >= 0 && i - j <= 2; --j) {
        const Mention& n = mentions[j];
        if (n.kind == Mention::kName && n.per && o.tb - n.te <= 3 &&
            toks[n.tb].sent == toks[o.tb].sent) {
          p = j;
          break;
        }
      }
    }
    if (p < 0) {
      if (o.tb < r.tb && !o.prep && o.anon) *unnamed = i;
      continue;
    }
    if (o.tb < r.tb) {
      before = p;
    } else if (after < 0 && !o.prep) {
      after = p;
    }
  }
  if (before >= 0 && *unnamed >= 0 && mentions[*unnamed].tb > mentions[before].tb) return -1;
  return before >= 0 ? before : after;
}

// A role mention's own name: a name within a few tokens after it in the
// same sentence (le porte-parole du Kremlin Dmitri Peskov; the
// spokesman, John Kirby).
int Extraction::AppositionName(int mi) const {
  const Mention& r = mentions[mi];
  const int end = RoleEnd(r);
  // A name right after a complement that ends with another person's role
  // is that person's (le fils de la reine Elizabeth II, le porte-parole du
  // président X).
  // (After a comma, the name is the first role's again: la sœur du roi, la
  // princesse Christina.)
  const bool comma_after = end < int(toks.size()) && (toks[end].flags & kComma);
  if (end - 1 >= r.te && (toks[end - 1].cls & kRolePer) && !(toks[end - 1].cls & kRoleOrg) &&
      !comma_after)
    return -1;
  // Between the role's phrase and the name there may only be commas,
  // asides in parentheses, complements and the names of institutions and
  // places (le maire LR de Nice Christian Estrosi, le maire Les Républicains
  // (LR) de Nice X, le ministre de l'Économie et des Finances Bruno Le Maire,
  // le directeur de Voyages SNCF, Alain Krakovitch). Past a preposition, the
  // complement's own nouns and adjectives too when a comma then sets the
  // name off (l'administratrice en chef de l'agence de la santé publique du
  // Canada, Theresa Tam; le conseiller municipal PS de l'époque, X).
  int k = end;
  bool complement = end > r.te, relaxed = false;
  for (int i = mi + 1; i < int(mentions.size()); ++i) {
    const Mention& m = mentions[i];
    if (m.tb < k) {
      k = std::max(k, m.te);
      continue;
    }
    if (toks[m.tb].sent != toks[r.tb].sent || m.tb - end > 14) break;
    bool gap_ok = true;
    for (int j = k; j < m.tb && gap_ok; ++j) {
      const Tok& t = toks[j];
      if (t.quote >= 0 || t.cue_len) gap_ok = false;
      if (t.flags & (kComma | kInParen)) continue;
      if (!(t.flags & kWord)) {
        gap_ok = false;
        continue;
      }
      std::string_view w = Lower(t.b, t.e);
      if ((t.cls & (kPrep | kDef | kParticle)) || w == "et" || w == "and" || w == "du" ||
          w == "des") {
        complement |= (t.cls & (kPrep | kParticle)) || w == "du" || w == "des";
      } else if (complement && !(t.flags & kCap) &&
                 !(t.cls & (kStop | kVerbish | kAux | kPron | kPronPl | kCueFirst | kRolePer))) {
        relaxed = true;
      } else {
        gap_ok = false;
      }
    }
    if (!gap_ok) break;
    const bool comma_before = m.tb > 0 && (toks[m.tb - 1].flags & kComma);
    if (m.kind == Mention::kName && !m.prep && !m.org && !m.loc && !m.channel &&
        (m.per || hints.empty()))
      return (relaxed || m.tb - end > 8) && !comma_before ? -1 : i;
    if (m.kind == Mention::kName || m.prep) {
      k = m.te;  // an institution, a place or a complement: pass over it
      continue;
    }
    bool comma_gap = false;
    for (int j = k; j < m.tb; ++j) comma_gap |= (toks[j].flags & kComma) != 0;
    if (m.kind == Mention::kRole && comma_gap && m.per && !m.anon) {
      k = RoleEnd(m);  // a second role in apposition (…, la princesse X)
      continue;
    }
    break;
  }
  return -1;
}

// The role in apposition to a name (Zamir Kabulov, envoyé spécial ...; le
// gouverneur de Badghis, Hessamuddin Shams).
std::string Extraction::RoleNear(int mi) const {
  const Mention& n = mentions[mi];
  for (int i = mi - 1; i >= 0 && mi - i <= 3; --i) {
    const Mention& r = mentions[i];
    if (r.kind == Mention::kRole && !r.prep && n.tb - r.te <= 6 &&
        toks[r.tb].sent == toks[n.tb].sent)
      return RoleText(r);
  }
  for (int i = mi + 1; i < int(mentions.size()) && i - mi <= 2; ++i) {
    const Mention& r = mentions[i];
    if (r.kind == Mention::kRole && !r.prep && r.tb - n.te <= 2 &&
        toks[r.tb].sent == toks[n.tb].sent)
      return RoleText(r);
  }
  return {};
}

}  // namespace quotes
}  // namespace veille
