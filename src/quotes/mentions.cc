// mentions.cc: the mentions that may designate a speaker: names (entity
// hints, capitalised sequences), role nouns and pronouns.
#include <algorithm>
#include <cstring>
#include <span>

#include "quotes/extraction.h"

namespace veille {
namespace quotes {

// A capitalised word that can be part of a name. Words news writes in
// lowercase (common words) may continue a name (Ned Price) but not start
// one (Although Scott, Place des Martyrs).
bool Extraction::IsNameWord(const Tok& t, bool start) const {
  return (t.flags & kWord) && (t.flags & kCap) && t.quote < 0 && !(t.flags & kInParen) &&
         !(t.cls & (quotes::kStop | quotes::kRolePer | quotes::kRoleOrg | quotes::kCueFirst |
                    quotes::kAbbrev | quotes::kRoleHead)) &&
         !(start && (t.cls & quotes::kCommon));
}

// The gender class bits of the title before token k (M. Dupont, Mme Vidal,
// Me Laffont: abbreviation and full stop), 0 if none.
uint32_t Extraction::TitleBefore(int k) const {
  if (k >= 2 && (toks[k - 2].cls & kAbbrev) && toks[k - 1].e - toks[k - 1].b == 1 &&
      text[toks[k - 1].b] == '.')
    return toks[k - 2].cls | kAbbrev;
  if (k >= 1 && (toks[k - 1].cls & kAbbrev) && (toks[k - 1].flags & kCap)) return toks[k - 1].cls;
  return 0;
}

// Whether the mention starting at token k (after its determiner and
// adjectives) is a complement: preceded by a preposition.
bool Extraction::PrecededByPrep(int k) const {
  int j = k - 1;
  // Skip a title (de M. Delevoye).
  if (TitleBefore(k)) j -= (k >= 2 && text[toks[k - 1].b] == '.') ? 2 : 1;
  // Skip a determiner.
  if (j >= 0 && (toks[j].cls & (quotes::kDef | quotes::kIndef)) && !(toks[j].cls & quotes::kPrep))
    --j;
  return j >= 0 && (toks[j].flags & kWord) && (toks[j].cls & quotes::kPrep) && toks[j].quote < 0;
}

void Extraction::FindMentions() {
  mentions.reserve(64);
  const int n = int(toks.size());
  // Hints first: their token ranges.
  std::vector<char> hinted;
  if (!hints.empty()) hinted.assign(n, 0);
  for (size_t h = 0; h < hints.size(); ++h) {
    const SpeakerHint& sh = hints[h];
    if (sh.end <= sh.begin || sh.end > text.size()) continue;
    auto lo = std::lower_bound(toks.begin(), toks.end(), sh.begin,
                               [](const Tok& t, uint32_t v) { return t.e <= v; });
    int tb = int(lo - toks.begin()), te = tb;
    while (te < n && toks[te].b < sh.end) ++te;
    if (tb >= te || toks[tb].quote >= 0) continue;
    Mention m;
    m.kind = Mention::kName;
    m.tb = tb;
    m.te = te;
    m.hint = int(h);
    m.per = sh.type == "PER";
    m.org = sh.type == "ORG";
    m.loc = sh.type == "LOC";
    m.prep = PrecededByPrep(tb);
    if (sh.type == "PER") {
      // A heading run into the name (Travail bénévole | Aude Rossigneux):
      // the person is the capitalised words after the last lowercase one.
      int last_lower = -1;
      for (int k = tb; k < te; ++k)
        if ((toks[k].flags & kWord) && !(toks[k].flags & kCap) && !(toks[k].cls & kParticle))
          last_lower = k;
      if (last_lower >= tb && te - last_lower - 1 >= 2) {
        m.tb = tb = last_lower + 1;
        m.hint = -1;
      }
    }
    const bool after_de =
        tb > 0 && (toks[tb - 1].flags & kWord) &&
        ((toks[tb - 1].cls & kParticle) || Lower(toks[tb - 1].b, toks[tb - 1].e) == "du");
    auto place_word = [&](int k) {
      // A place the recognizer tags as such elsewhere, or no given name.
      std::string_view w = text.substr(toks[k].b, toks[k].e - toks[k].b);
      for (const SpeakerHint& o : hints)
        if (o.type == "LOC" && o.text == w) return true;
      return !FirstNameGender(text.substr(toks[k].b, toks[k + 1].e - toks[k].b));
    };
    if (sh.type == "PER" && (m.prep || after_de) && te - tb >= 3 && (toks[tb].flags & kCap) &&
        place_word(tb) &&
        FirstNameGender(text.substr(toks[tb + 1].b, toks[te - 1].e - toks[tb + 1].b))) {
      // A place glued to the person after it (le candidat RN à | Perpignan
      // | Louis Aliot): the complement, then the person.
      Mention p = m;
      m.te = tb + 1;
      m.hint = -1;
      m.per = false;
      m.loc = true;
      p.tb = tb + 1;
      p.hint = -1;
      p.prep = false;
      p.b = toks[p.tb].b;
      p.e = toks[te - 1].e;
      mentions.push_back(p);
    } else if (sh.type == "PER" && te - tb >= 4 && (toks[tb + 2].flags & kCap) &&
               FirstNameGender(text.substr(toks[tb].b, toks[tb + 1].e - toks[tb].b)) &&
               FirstNameGender(text.substr(toks[tb + 2].b, toks[te - 1].e - toks[tb + 2].b))) {
      // Two people run together (d'Emmanuel Macron | Ismaël Emelien): the
      // complement's person, then the one the role is about.
      Mention p = m;
      m.te = tb + 2;
      m.hint = -1;
      p.tb = tb + 2;
      p.hint = -1;
      p.prep = false;
      p.b = toks[p.tb].b;
      p.e = toks[te - 1].e;
      mentions.push_back(p);
    } else if (sh.type != "PER") {
      int split = SplitGluedName(tb, te);
      if (split > tb) {
        // An institution or channel glued to the person after it: two
        // mentions, named by their own words.
        Mention p = m;
        m.te = split;
        m.hint = -1;
        p.tb = split;
        p.hint = -1;
        p.per = true;
        p.org = p.loc = false;
        p.prep = false;
        p.b = toks[split].b;
        p.e = toks[te - 1].e;
        // (Not a title alone: à l'AFP Mgr | Georges Colomb.)
        if (!(te - split == 1 && (toks[split].cls & kAbbrev))) mentions.push_back(p);
      } else if (m.org) {
        // A multi-word institution the recognizer cut short (Commission de
        // régulation | de l'énergie, ministère de la Transition | écologique).
        bool lowercase_inside = false;
        for (int k = tb; k < te; ++k)
          if ((toks[k].flags & kWord) && !(toks[k].flags & kCap)) lowercase_inside = true;
        int end = lowercase_inside ? PhraseEnd(te, toks[te - 1].sent, false) : te;
        if (end > te) {
          m.te = te = end;
          m.hint = -1;
        }
      }
    }
    for (int k = m.tb; k < te; ++k) hinted[k] = 1;
    m.b = toks[m.tb].b;
    m.e = GluedCreditEnd(m.te);
    if (m.e != toks[m.te - 1].e) m.hint = -1;  // its words, not the recognizer's
    mentions.push_back(m);
  }
  for (int k = 0; k < n; ++k) {
    const Tok& t = toks[k];
    if (!(t.flags & kWord) || t.quote >= 0) continue;
    if (!hinted.empty() && hinted[k]) continue;
    // Role nouns (one or two words).
    uint32_t role = t.cls & (quotes::kRolePer | quotes::kRoleOrg);
    if (role) role |= t.cls & (kMasc | kFem);  // the noun's own gender (animateur m)
    int role_end = k + 1;
    if ((t.cls & quotes::kRoleHead) && k + 1 < n && (toks[k + 1].flags & kWord)) {
      std::string key(Lower(t.b, t.e));
      key += ' ';
      quotes::AppendLower(text.substr(toks[k + 1].b, toks[k + 1].e - toks[k + 1].b), key);
      auto it = lex.two_word_roles.find(key);
      if (it != lex.two_word_roles.end()) {
        role = it->second;
        role_end = k + 2;
      }
    }
    bool generic = false;
    if (!role && IsGenericSubject(k)) {
      role = kRolePer;
      generic = true;
    }
    if (role) {
      Mention m;
      m.kind = Mention::kRole;
      m.tb = k;
      m.te = role_end;
      m.per = role & quotes::kRolePer;
      m.org = !m.per;
      m.generic = generic;
      if (role & kMasc) m.gender = kGenderMasc;
      if (role & kFem) m.gender = kGenderFem;
      // Determiner up to two words back (le nouveau ministre, un haut responsable).
      int d = k - 1;
      if (d >= 0 && (toks[d].flags & kWord) && !(toks[d].cls & (quotes::kDef | quotes::kIndef)) &&
          !(toks[d].flags & kCap) && !(toks[d].cls & quotes::kPrep) && k - 2 >= 0)
        --d;
      int start = k;
      if (d >= 0 && (toks[d].cls & (quotes::kDef | quotes::kIndef))) {
        std::string_view dw = Lower(toks[d].b, toks[d].e);
        // "des" and "a" are ambiguous; "des" counts as indefinite.
        m.definite =
            !(toks[d].cls & quotes::kIndef) || dw == "a" ? (dw != "a" && dw != "an") : false;
        if (toks[d].cls & quotes::kDef) m.definite = true;
        if (dw == "des" || dw == "a" || dw == "an" || dw == "un" || dw == "une") m.definite = false;
        m.possessive = toks[d].cls & quotes::kPoss;
        m.plural = dw == "les" || dw == "des" || dw == "ces" || dw == "leurs" || dw == "ses" ||
                   dw == "nos" || dw == "vos" || dw == "mes";
        start = d;
      } else if (start == k && k > 0 && (toks[k - 1].flags & kWord) &&
                 (toks[k - 1].cls & quotes::kVerbish) && !toks[k - 1].cue_len) {
        // A role noun with no determiner after a verb is a predicate, not
        // a referent (la rentrée est source d'inquiétude, il est ministre).
        k = role_end - 1;
        continue;
      }
      m.prep = PrecededByPrep(start) || (start == k && k > 0 && (toks[k - 1].cls & quotes::kPrep));
      m.b = toks[k].b;
      m.e = toks[role_end - 1].e;
      if (!m.gender && start < k) {
        uint32_t dc = toks[start].cls;
        if ((dc & kFem) && !(dc & kMasc)) m.gender = kGenderFem;
        if ((dc & kMasc) && !(dc & kFem)) m.gender = kGenderMasc;
      }
      m.anon = m.per && (!m.definite || IsAnonymousRole(m));
      mentions.push_back(m);
      k = role_end - 1;
      continue;
    }
    if (t.cls & (quotes::kPron | quotes::kPronPl)) {
      Mention m;
      m.kind = (t.cls & quotes::kPron) ? Mention::kPron : Mention::kPronPl;
      m.tb = k;
      m.te = k + 1;
      m.prep = k > 0 && (toks[k - 1].cls & quotes::kPrep) && toks[k - 1].quote < 0;
      m.b = t.b;
      m.e = t.e;
      mentions.push_back(m);
      continue;
    }
    if (!IsNameWord(t, true)) continue;
    // A capitalised sequence, with particles (de, van, bin) inside.
    int e = k + 1;
    while (e < n) {
      if (GluedCreditEnd(e) != toks[e - 1].e) break;  // Yves Moreaupar | BFMTV
      if (IsNameWord(toks[e]) && toks[e].sent == t.sent) {
        ++e;
      } else if (e + 1 < n && toks[e - 1].e - toks[e - 1].b == 1 && text[toks[e].b] == '.' &&
                 toks[e].b == toks[e - 1].e && IsNameWord(toks[e + 1])) {
        e += 2;  // an initial: G. K. Butterfield, J. Smith
      } else if ((toks[e].cls & quotes::kParticle) && !(toks[e].flags & kCap) && e + 1 < n &&
                 IsNameWord(toks[e + 1]) && !(toks[e + 1].flags & kAllCaps)) {
        e += 2;
      } else {
        break;
      }
      if (!hinted.empty() && hinted[e - 1]) {
        --e;
        break;
      }
    }
    // "à l'AFP Martine Leroy": a channel, then a person.
    if (int split = SplitGluedName(k, e); split > k) {
      Mention o;
      o.kind = Mention::kName;
      o.tb = k;
      o.te = split;
      o.b = t.b;
      o.e = toks[split - 1].e;
      o.prep = PrecededByPrep(k) || (k > 0 && (toks[k - 1].flags & kCap) && PrecededByPrep(k - 1));
      o.org = true;
      mentions.push_back(o);
      k = split;
    }
    // "du Sénat Gérard Larcher", "à la Santé Adrien Taquet": after a
    // preposition and article, the first word names an institution and
    // the rest a person.
    if (e - k >= 3 && k >= 1 && (toks[k - 1].flags & kWord)) {
      std::string_view pw = Lower(toks[k - 1].b, toks[k - 1].e);
      bool contracted = pw == "du" || pw == "des" || pw == "au" || pw == "aux" || pw == "of";
      bool prep_art =
          (toks[k - 1].cls & quotes::kDef) && k >= 2 && (toks[k - 2].cls & quotes::kPrep);
      if (contracted || prep_art) {
        Mention o;
        o.kind = Mention::kName;
        o.tb = k;
        o.te = k + 1;
        o.b = t.b;
        o.e = t.e;
        o.prep = true;
        o.org = true;
        mentions.push_back(o);
        ++k;
      }
    }
    Mention m;
    m.kind = Mention::kName;
    m.tb = k;
    m.te = e;
    m.b = toks[k].b;
    m.e = GluedCreditEnd(e);
    m.prep = PrecededByPrep(k) && m.b == t.b;
    bool title = TitleBefore(k) != 0;
    m.per = e - k >= 2 || title;
    m.org = (toks[k].flags & kAllCaps) && e - k == 1;
    mentions.push_back(m);
    k = e - 1;
  }
  std::sort(mentions.begin(), mentions.end(),
            [](const Mention& a, const Mention& b) { return a.tb < b.tb; });
  // Each word of a multi-word name → the longest such name (Kabulov →
  // Zamir Kabulov), sorted for binary search.
  for (const Mention& o : mentions) {
    if (o.kind != Mention::kName || o.te - o.tb < 2) continue;
    std::string_view full = MentionText(o);
    for (int k = o.tb; k < o.te; ++k)
      full_names.push_back({text.substr(toks[k].b, toks[k].e - toks[k].b), full});
  }
  std::sort(full_names.begin(), full_names.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.size() > b.second.size();
  });
  // A single surname is a person when the article names that person in full.
  for (size_t i = 0; i < mentions.size(); ++i) {
    Mention& m = mentions[i];
    if (m.kind == Mention::kName && !m.per && !m.org && m.hint < 0 && !FullName(m).empty())
      m.per = true;
    if (m.kind != Mention::kName) continue;
    uint32_t title = TitleBefore(m.tb);
    if (title) m.per = !m.org && !m.loc;
    m.channel = IsChannelName(MentionText(m)) || (m.hint >= 0 && IsChannelName(CanonicalView(m)));
    if (m.channel) m.per = false;

    if (m.per) {
      if ((title & kFem) && !(title & kMasc)) m.gender = kGenderFem;
      if ((title & kMasc) && !(title & kFem)) m.gender = kGenderMasc;
      if (!m.gender) m.gender = FirstNameGender(CanonicalView(m));
      persons.push_back(int(i));
    }
  }
}

// The end byte of a name whose last token ends at token te - 1, without
// the credit line glued to it (Yannick Jadotpar BFMTV: a video's caption
// "… Yannick Jadot" run into "par BFMTV").
uint32_t Extraction::GluedCreditEnd(int te) const {
  const Tok& t = toks[te - 1];
  if (te >= int(toks.size()) || t.e - t.b < 6 || !(toks[te].flags & kWord) ||
      text.substr(t.e - 3, 3) != "par" || IsUpperCp(PrevCp(text, t.e - 3)))
    return t.e;
  const Tok& n = toks[te];
  std::string_view first = text.substr(n.b, n.e - n.b);
  if (first.size() > 64) return t.e;
  char buf[64];
  std::string_view lower(buf, size_t(LowerInto(first, buf) - buf));
  return lex.channel_first_words.count(lower) ? t.e - 3 : t.e;
}

std::string_view Extraction::MentionText(const Mention& m) const {
  std::string_view s = text.substr(m.b, m.e - m.b);
  // Possessive or elided tail: Clinton’s → Clinton.
  for (std::string_view tail : {"\xE2\x80\x99s", "'s", "\xE2\x80\x99", "'"}) {
    if (s.size() > tail.size() && s.ends_with(tail)) {
      s.remove_suffix(tail.size());
      break;
    }
  }
  return s;
}

// The longest name in the article that ends with (or contains as a word)
// the single-word name `m` (Kabulov → Zamir Kabulov); empty if none.
std::string_view Extraction::FullName(const Mention& m) const {
  if (m.te - m.tb != 1) return {};
  std::string_view w = MentionText(m);
  auto it = std::lower_bound(full_names.begin(), full_names.end(), w,
                             [](const auto& p, std::string_view v) { return p.first < v; });
  return it != full_names.end() && it->first == w ? it->second : std::string_view();
}

std::string_view Extraction::CanonicalView(const Mention& m) const {
  if (m.hint >= 0) {
    const SpeakerHint& h = hints[m.hint];
    return h.canonical.empty() ? h.text : h.canonical;
  }
  std::string_view full = FullName(m);
  return full.empty() ? MentionText(m) : full;
}

std::string Extraction::Canonical(const Mention& m) const { return std::string(CanonicalView(m)); }

// Whether the name is an agency or outlet of channels.txt. The table of
// their first words (lowercase) keeps the folding off most names.
bool Extraction::IsChannelName(std::string_view name) const {
  size_t sp = name.find_first_of(" -'");
  std::string_view first = name.substr(0, sp);
  if (first.size() > 64) return false;
  char buf[64];
  std::string_view lower(buf, size_t(LowerInto(first, buf) - buf));
  if (!lex.channel_first_words.count(lower)) return false;
  return lex.channels.count(FoldKey(name)) > 0;
}

// Where a recognizer span [tb, te) that is not a person glues one to its
// end: after a channel (AFP Mira Acharya), or after an institution's first
// capitalised complement (ministère de la Santé Kianouche Jahanpour); tb if
// it does not.
int Extraction::SplitGluedName(int tb, int te) const {
  // A capitalised role noun just before may belong to the channel's name
  // (Agence France-Presse).
  // (Agence France-Presse), and so may a capitalised common word (Financial
  // Times).
  const int pb = tb > 0 && (toks[tb - 1].flags & kWord) && (toks[tb - 1].flags & kCap) &&
                         toks[tb - 1].quote < 0 && toks[tb - 1].sent == toks[tb].sent
                     ? tb - 1
                     : tb;
  if (te - tb < 2) return tb;
  auto caps_from = [&](int s) {
    for (int k = s; k < te; ++k)
      if (!(toks[k].flags & kWord) || !(toks[k].flags & kCap) || (toks[k].cls & kStop))
        return false;
    return true;
  };
  // One word after the channel is an institution's or a person's single
  // name (a expliqué au Parisien Yoplait) unless the whole is a channel.
  const bool whole_channel = IsChannelName(text.substr(toks[tb].b, toks[te - 1].e - toks[tb].b)) ||
                             IsChannelName(text.substr(toks[pb].b, toks[te - 1].e - toks[pb].b));
  for (int s = tb + 1; s + (whole_channel ? 2 : 1) <= te; ++s) {
    if (!caps_from(s)) continue;
    std::string_view prefix = text.substr(toks[tb].b, toks[s - 1].e - toks[tb].b);
    std::string_view with_role = text.substr(toks[pb].b, toks[s - 1].e - toks[pb].b);
    if (IsChannelName(prefix) || IsChannelName(with_role)) return s;
  }
  if (toks[tb].flags & kCap) return tb;
  for (int k = tb + 1; k + 1 < te; ++k) {
    if (!(toks[k].cls & kParticle) && Lower(toks[k].b, toks[k].e) != "du" &&
        Lower(toks[k].b, toks[k].e) != "des")
      continue;
    int c = k + 1;
    if (c < te && (toks[c].cls & kDef)) ++c;
    if (c < te && (toks[c].flags & kCap) && te - (c + 1) >= 2 && caps_from(c + 1)) return c + 1;
    break;
  }
  return tb;
}

// Gender of a person from the first word of their name (data/quotes/
// first_names.txt); unknown if the name is not there.
uint8_t Extraction::FirstNameGender(std::string_view name) const {
  size_t sp = name.find(' ');
  if (sp == std::string_view::npos || sp > 64) return kGenderUnknown;
  char buf[64];
  std::string_view first(buf, size_t(LowerInto(name.substr(0, sp), buf) - buf));
  auto it = lex.first_names.find(first);
  return it == lex.first_names.end() ? kGenderUnknown : it->second;
}

// A lowercase noun after a determiner that follows a speech verb (a expliqué
// au magazine un producteur de musique, raconte une habitante): the subject
// of the verb even when the noun is not a known role.
bool Extraction::IsGenericSubject(int k) const {
  const Tok& t = toks[k];
  if ((t.flags & kCap) ||
      (t.cls & (kStop | kPrep | kVerbish | kPron | kPronPl | kCueFirst | kAbbrev | kDef | kIndef)))
    return false;
  if (t.e - t.b < 3 || !(text[t.b] < '0' || text[t.b] > '9')) return false;
  int d = k - 1;
  if (d < 1 || !(toks[d].cls & (kDef | kIndef)) || (toks[d].cls & kPrep)) return false;
  // Back to a speech verb over at most five words (au magazine, à l'AFP,
  // mardi soir), none of them punctuation.
  for (int j = d - 1; j >= 0 && d - j <= 5; --j) {
    const Tok& u = toks[j];
    if (!(u.flags & kWord) || u.quote >= 0) return false;
    // (After a gerund, the noun is its object: dénonçant un acte.)
    if (u.cue_len && u.cue_kind == CueKind::kVerb) return !IsGerund(j) && InvertedVerb(j);
    // Not across a subordinate clause (a estimé que les manquements ...).
    if (u.cls & kStop) {
      std::string_view w = Lower(u.b, u.e);
      if (w == "que" || w == "qu'" || w == "qui" || w == "si" || w == "comme" || w == "dont" ||
          w == "that" || w == "if")
        return false;
    }
    if (u.cue_len && u.cue_kind == CueKind::kVerb) return InvertedVerb(j);
  }
  return false;
}

// Whether the verb at token v (with its auxiliary) opens an incise, where
// its subject follows it (« … », a expliqué une habitante): after a comma,
// a quotation mark, a colon or another verb, not after a subject pronoun or
// a relative (qui détaillent les mesures, il raconte l'histoire).
bool Extraction::InvertedVerb(int v) const {
  if (v > 0 && (toks[v - 1].flags & kWord) && (toks[v - 1].cls & (kAux | kVerbish))) --v;
  if (v == 0 || !(toks[v - 1].flags & kWord)) return true;
  const Tok& p = toks[v - 1];
  if (p.cls & (kPron | kPronPl)) return false;
  std::string_view w = Lower(p.b, p.e);
  return w != "qui" && w != "que" && w != "qu'" && w != "who" && w != "which";
}

// Whether a person role names nobody: an anonymous noun (source, entourage),
// or an anonymity marker later in its clause (sous couvert d'anonymat).
bool Extraction::IsAnonymousRole(const Mention& m) const {
  if (lex.anonymous_roles.count(Lower(toks[m.tb].b, toks[m.te - 1].e))) return true;
  // The rest of the sentence, up to 160 bytes, when it holds the last word
  // of a marker.
  uint32_t end = m.e;
  bool key = false;
  for (int k = m.te;
       k < int(toks.size()) && toks[k].sent == toks[m.tb].sent && toks[k].b < m.e + 160; ++k) {
    end = toks[k].e;
    key |= (toks[k].cls & kAnonKey) != 0;
  }
  if (!key) return false;
  // The markers are lowercase words written lowercase in running text.
  std::string_view rest = text.substr(m.e, end - m.e);
  for (const std::string& p : lex.anonymity)
    if (rest.find(p) != std::string_view::npos) return true;
  return false;
}

// Whether a lowercase word reads as an adjective (étrangères, supérieur,
// écologique, népalais): the suffixes French and English adjectives take.
bool Extraction::IsAdjectiveLike(const Tok& t) const {
  if ((t.flags & kCap) || (t.cls & (kStop | kPrep | kVerbish | kIndef | kDef | kCueFirst)))
    return false;
  std::string_view w = Lower(t.b, t.e);
  static constexpr std::string_view kSuffixes[] = {
      "ique",  "iques", "al",   "ale",   "aux",   "ales",  "el",   "elle", "els", "elles", "aire",
      "aires", "ier",   "ière", "iers",  "ières", "ère",   "ères", "if",   "ive", "ifs",   "ives",
      "eur",   "eure",  "eurs", "eures", "ien",   "ienne", "ain",  "aine", "ais", "aise",  "ois",
      "oise",  "é",     "ée",   "és",    "ées",   "ique",  "an",   "ane",  "al",  "ical",  "ial"};
  for (std::string_view suf : kSuffixes)
    if (w.size() > suf.size() + 2 && w.ends_with(suf)) return true;
  return false;
}

// End (token index) of the noun phrase whose noun ends at token e in
// sentence `sent`: adjectives and complements (des talibans, de Badghis, de
// la Transition écologique), at most six words.
int Extraction::PhraseEnd(int e, int sent, bool first_adjective_free, bool institution) const {
  const int n = int(toks.size());
  const int start = e;
  int words = 0;
  bool after_noun = true;  // an adjective may follow the noun or a complement's noun
  while (e < n && words < 6) {
    const Tok& t = toks[e];
    if (!(t.flags & kWord) || t.quote >= 0 || t.cue_len || t.sent != sent) break;
    bool prep_de = t.cls & quotes::kParticle || Lower(t.b, t.e) == "du" || Lower(t.b, t.e) == "des";
    if (prep_de && e + 1 < n && (toks[e + 1].flags & kWord) && toks[e + 1].quote < 0 &&
        !(toks[e + 1].cls & (kCueFirst | kVerbish))) {
      e += 2;
      // Article after de: de la Défense, de l'État.
      if (e < n && (toks[e - 1].cls & quotes::kDef) && (toks[e].flags & kWord)) ++e;
      words += 2;
      after_noun = true;
      continue;
    }
    if ((t.flags & kCap) ||
        (t.cls & (quotes::kStop | quotes::kPrep | quotes::kVerbish | quotes::kIndef)))
      break;
    // One lowercase adjective after the noun (porte-parole adjoint), or one
    // that reads as an adjective after a complement (de la Transition
    // écologique).
    // Not a verb: an institution's participle before its agent (l'institut
    // dirigé par X; a person's keeps it: une source citée par l'AFP), a
    // word before an infinitive (le rapport préconise de planter).
    if (e + 1 < n && (toks[e + 1].flags & kWord)) {
      std::string_view next = Lower(toks[e + 1].b, toks[e + 1].e);
      if (institution && (next == "par" || next == "by")) break;
      if ((next == "de" || next == "d'") && e + 2 < n && (toks[e + 2].flags & kWord) &&
          !(toks[e + 2].flags & kCap) && !(toks[e + 2].cls & (kDef | kIndef | kPoss)))
        break;
    }
    if (after_noun && ((e == start && first_adjective_free) || IsAdjectiveLike(t))) {
      ++e;
      ++words;
      after_noun = false;
      continue;
    }
    break;
  }
  // Trim a dangling determiner or preposition.
  while (e > start && (toks[e - 1].cls & (quotes::kDef | quotes::kIndef | quotes::kParticle))) --e;
  return e;
}

// The role noun phrase starting at the role mention: noun, adjectives and
// complements (porte-parole des talibans, gouverneur de Badghis).
int Extraction::RoleEnd(const Mention& m) const {
  return PhraseEnd(m.te, toks[m.tb].sent, true, m.org);
}

std::string Extraction::RoleText(const Mention& m) const {
  int e = RoleEnd(m);
  return std::string(text.substr(toks[m.tb].b, toks[e - 1].e - toks[m.tb].b));
}

}  // namespace quotes
}  // namespace veille
