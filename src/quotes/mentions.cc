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

// Whether the mention starting at token k (after its determiner and
// adjectives) is a complement: preceded by a preposition.
bool Extraction::PrecededByPrep(int k) const {
  int j = k - 1;
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
    if (sh.type == "LOC" || sh.end <= sh.begin || sh.end > text.size()) continue;
    auto lo = std::lower_bound(toks.begin(), toks.end(), sh.begin,
                               [](const Tok& t, uint32_t v) { return t.e <= v; });
    int tb = int(lo - toks.begin()), te = tb;
    while (te < n && toks[te].b < sh.end) ++te;
    if (tb >= te || toks[tb].quote >= 0) continue;
    for (int k = tb; k < te; ++k) hinted[k] = 1;
    Mention m;
    m.kind = Mention::kName;
    m.tb = tb;
    m.te = te;
    m.hint = int(h);
    m.per = sh.type == "PER";
    m.org = sh.type == "ORG";
    m.prep = PrecededByPrep(tb);
    m.b = toks[tb].b;
    m.e = toks[te - 1].e;
    mentions.push_back(m);
  }
  for (int k = 0; k < n; ++k) {
    const Tok& t = toks[k];
    if (!(t.flags & kWord) || t.quote >= 0) continue;
    if (!hinted.empty() && hinted[k]) continue;
    // Role nouns (one or two words).
    uint32_t role = t.cls & (quotes::kRolePer | quotes::kRoleOrg);
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
    if (role) {
      Mention m;
      m.kind = Mention::kRole;
      m.tb = k;
      m.te = role_end;
      m.per = role & quotes::kRolePer;
      m.org = !m.per;
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
        start = d;
      }
      m.prep = PrecededByPrep(start) || (start == k && k > 0 && (toks[k - 1].cls & quotes::kPrep));
      m.b = toks[k].b;
      m.e = toks[role_end - 1].e;
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
    m.e = toks[e - 1].e;
    m.prep = PrecededByPrep(k) && m.b == t.b;
    bool title =
        k >= 2 && (toks[k - 2].cls & quotes::kAbbrev) && text.substr(toks[k - 1].b, 1) == ".";
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
    if (m.kind == Mention::kName && m.per) persons.push_back(int(i));
  }
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

std::string Extraction::Canonical(const Mention& m) const {
  if (m.hint >= 0) {
    const SpeakerHint& h = hints[m.hint];
    return h.canonical.empty() ? h.text : h.canonical;
  }
  std::string_view full = FullName(m);
  if (!full.empty()) {
    // Prefer the hint canonical of the full form when there is one.
    return std::string(full);
  }
  return std::string(MentionText(m));
}

// The role noun phrase starting at the role mention: noun, adjectives and
// complements (porte-parole des talibans, gouverneur de Badghis).
std::string Extraction::RoleText(const Mention& m) const {
  int e = m.te;
  const int n = int(toks.size());
  int words = 0;
  while (e < n && words < 6) {
    const Tok& t = toks[e];
    if (!(t.flags & kWord) || t.quote >= 0 || t.cue_len || t.sent != toks[m.tb].sent) break;
    bool prep_de = t.cls & quotes::kParticle || Lower(t.b, t.e) == "du" || Lower(t.b, t.e) == "des";
    if (prep_de && e + 1 < n && (toks[e + 1].flags & kWord) && toks[e + 1].quote < 0) {
      e += 2;
      // Article after de: de la Défense, de l'État.
      if (e < n && (toks[e - 1].cls & quotes::kDef) && (toks[e].flags & kWord)) ++e;
      words += 2;
      continue;
    }
    if ((t.flags & kCap) ||
        (t.cls & (quotes::kStop | quotes::kPrep | quotes::kVerbish | quotes::kIndef)))
      break;
    // One lowercase adjective directly after the noun (porte-parole adjoint).
    if (e == m.te) {
      ++e;
      ++words;
      continue;
    }
    break;
  }
  // Trailing lowercase words that are verbs are cut by the cue check above;
  // trim a dangling determiner.
  while (e > m.te && (toks[e - 1].cls & (quotes::kDef | quotes::kIndef))) --e;
  return std::string(text.substr(toks[m.tb].b, toks[e - 1].e - toks[m.tb].b));
}

}  // namespace quotes
}  // namespace veille
