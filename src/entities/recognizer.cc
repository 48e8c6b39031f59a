// EntityRecognizer: tokenise, tag, apply the lexicon and institution rules,
// then link mentions to canonical names and record role appositions.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "entities/text_util.h"
#include "veille/entities.h"
#include "veille/utf8.h"

namespace veille {

// ------------------------------------------------------------- EntityKey --

std::string EntityKey(std::string_view name) {
  std::string folded;
  ner::FoldInto(name, folded);
  std::string out;
  out.reserve(folded.size());
  bool space = true;  // drop leading spaces
  for (char c : folded) {
    unsigned char u = static_cast<unsigned char>(c);
    bool sep = u < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    if (sep) {
      if (!space) out.push_back(' ');
      space = true;
    } else {
      out.push_back(c);
      space = false;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// ------------------------------------------------------------ AliasTable --

Result<AliasTable> AliasTable::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open alias table " + path);
  AliasTable t;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t a = line.find('\t');
    size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (a == std::string::npos)
      return Error::BadInput(path + ":" + std::to_string(line_no) +
                             ": expected canonical<TAB>TYPE<TAB>aliases");
    Entry e;
    e.canonical = line.substr(0, a);
    e.type = line.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    if (e.type != "PER" && e.type != "LOC" && e.type != "ORG")
      return Error::BadInput(path + ":" + std::to_string(line_no) + ": unknown type " + e.type);
    uint32_t id = static_cast<uint32_t>(t.entries_.size());
    t.index_.emplace_back(EntityKey(e.canonical), id);
    if (b != std::string::npos) {
      std::string_view rest(line);
      rest.remove_prefix(b + 1);
      while (!rest.empty()) {
        size_t bar = rest.find('|');
        std::string_view alias = rest.substr(0, bar);
        if (!alias.empty()) t.index_.emplace_back(EntityKey(alias), id);
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
    }
    t.entries_.push_back(std::move(e));
  }
  std::stable_sort(t.index_.begin(), t.index_.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  return t;
}

const AliasTable::Entry* AliasTable::Find(std::string_view name) const {
  std::string key = EntityKey(name);
  auto it = std::lower_bound(index_.begin(), index_.end(), key,
                             [](const auto& x, const std::string& k) { return x.first < k; });
  if (it == index_.end() || it->first != key) return nullptr;
  return &entries_[it->second];
}

// ------------------------------------------------------- the recognizer --

struct EntityRecognizer::Lists {
  std::vector<std::string> abbreviations;  // sorted
  std::unordered_set<std::string> titles, roles, org_heads, org_tails;
  // Lower-case token sequences with a type, or "O" for phrases whose capital
  // is not a name (chef d'État, coup d'État).
  struct LexEntry {
    std::vector<std::string> tokens;
    int type;  // -1 = O
  };
  std::vector<LexEntry> lexicon;
  // Per-token lookups by the hash of the lowercase form (ner::HashBytes), so
  // that Recognize does one probe per token instead of a string hash per
  // list and a scan of the lexicon: lexicon entries by their first token,
  // and organisation heads.
  struct IdHash {
    size_t operator()(uint64_t h) const { return static_cast<size_t>(h); }
  };
  std::unordered_map<uint64_t, std::vector<uint32_t>, IdHash> lexicon_by_first;
  std::unordered_set<uint64_t, IdHash> org_head_hashes;
};

EntityRecognizer::~EntityRecognizer() = default;

namespace {

Result<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open " + path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out;
  ner::LowerInto(s, out);
  return out;
}

bool IsCapitalised(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  return ner::IsUpper(ner::NextCodePoint(s, i));
}

bool IsLowerWord(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  char32_t c = ner::NextCodePoint(s, i);
  return ner::IsLetter(c) && !ner::IsUpper(c);
}

// French prepositions and articles that join an institution noun to its
// capitalised complement.
bool IsOfWord(std::string_view lower) {
  return lower == "de" || lower == "du" || lower == "des" || lower == "d'";
}
bool IsArticle(std::string_view lower) {
  return lower == "la" || lower == "l'" || lower == "le" || lower == "les";
}
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// French adjective endings (nationale, européenne, scientifique, consultatif,
// provincial, électorales ...): after an institution noun they belong to the
// name, while "sur", "pour" or "ayant" do not.
bool LooksLikeAdjective(std::string_view w) {
  if (w.size() < 4) return false;
  static constexpr std::string_view kEndings[] = {
      "al",   "ale",    "ales",  "aux",   "el",    "elle", "elles", "els",  "ien",   "ienne",
      "iens", "iennes", "ais",   "aise",  "aises", "ique", "iques", "aire", "aires", "if",
      "ive",  "ives",   "ifs",   "eur",   "rice",  "é",    "ée",    "és",   "ées",   "ain",
      "aine", "ains",   "aines", "ois",   "oise",  "ier",  "ière",  "iers", "ières", "ent",
      "ente", "ents",   "entes", "en",    "enne",  "ens",  "ennes", "in",   "ine",   "ins",
      "ines", "ieur",   "ieure", "ieurs", "ie",    "ies",  "is",    "ise",  "ises"};
  for (auto e : kEndings)
    if (EndsWith(w, e)) return true;
  return false;
}

bool IsDeterminer(std::string_view lower) {
  return lower == "le" || lower == "la" || lower == "l'" || lower == "les" || lower == "the" ||
         lower == "un" || lower == "une" || lower == "a" || lower == "an" || lower == "son" ||
         lower == "sa" || lower == "its" || lower == "his" || lower == "her" || lower == "leur";
}

struct Span {
  uint32_t first, last;  // token range [first, last)
  int type;
  int priority;  // rules over the tagger when they overlap
};

}  // namespace

Result<std::unique_ptr<EntityRecognizer>> EntityRecognizer::Create() {
  return CreateFrom(DataDir());
}

Result<std::unique_ptr<Tagger>> LoadDefaultTagger(const std::string& dir) {
  return Tagger::Load(dir + "/entities/ner.model",
                      {dir + "/entities/gazetteer.txt", dir + "/entities/ner.names.txt"},
                      {dir + "/entities/clusters-en.tsv", dir + "/entities/clusters-fr.tsv"});
}

Result<std::unique_ptr<EntityRecognizer>> EntityRecognizer::CreateFrom(const std::string& dir) {
  std::unique_ptr<EntityRecognizer> r(new EntityRecognizer());
  auto tagger = LoadDefaultTagger(dir);
  if (!tagger.ok()) return tagger.error();
  r->tagger_ = std::move(tagger.value());
  auto aliases = AliasTable::Load(dir + "/entities/aliases.tsv");
  if (!aliases.ok()) return aliases.error();
  r->aliases_ = std::move(aliases.value());
  r->lists_ = std::make_unique<Lists>();
  auto load_set = [&](const char* name, std::unordered_set<std::string>& set) -> Status {
    auto lines = ReadLines(dir + "/entities/" + name);
    if (!lines.ok()) return lines.error();
    for (auto& l : *lines) set.insert(Lower(l));
    return OkStatus();
  };
  for (auto [name, set] :
       {std::pair{"titles.txt", &r->lists_->titles}, std::pair{"roles.txt", &r->lists_->roles},
        std::pair{"org_heads.txt", &r->lists_->org_heads},
        std::pair{"org_tails.txt", &r->lists_->org_tails}}) {
    auto st = load_set(name, *set);
    if (!st.ok()) return st.error();
  }
  auto abbr = ReadLines(dir + "/entities/abbreviations.txt");
  if (!abbr.ok()) return abbr.error();
  for (auto& a : *abbr) r->lists_->abbreviations.push_back(Lower(a));
  std::sort(r->lists_->abbreviations.begin(), r->lists_->abbreviations.end());
  auto lex = ReadLines(dir + "/entities/lexicon.tsv");
  if (!lex.ok()) return lex.error();
  for (auto& l : *lex) {
    size_t tab = l.find('\t');
    if (tab == std::string::npos) return Error::BadInput("lexicon.tsv: expected TYPE<TAB>form");
    std::string type = l.substr(0, tab), form = l.substr(tab + 1);
    Lists::LexEntry e;
    e.type = type == "PER" ? 0 : type == "LOC" ? 1 : type == "ORG" ? 2 : -1;
    TokenizedText ft = TokenizeText(form);
    for (const auto& t : ft.tokens)
      e.tokens.push_back(Lower(form.substr(t.begin, t.end - t.begin)));
    if (!e.tokens.empty()) r->lists_->lexicon.push_back(std::move(e));
  }
  for (uint32_t k = 0; k < r->lists_->lexicon.size(); ++k)
    r->lists_->lexicon_by_first[ner::HashBytes(r->lists_->lexicon[k].tokens[0])].push_back(k);
  for (const auto& h : r->lists_->org_heads) r->lists_->org_head_hashes.insert(ner::HashBytes(h));
  return r;
}

std::vector<EntityMention> EntityRecognizer::Recognize(std::string_view text,
                                                       std::string_view language) const {
  const Lists& L = *lists_;
  TokenizedText tt = TokenizeText(text, &L.abbreviations);
  const uint32_t n = static_cast<uint32_t>(tt.tokens.size());
  std::vector<std::string_view> words(n);
  std::vector<std::string> lower(n);
  std::vector<uint64_t> lower_hash(n);
  for (uint32_t i = 0; i < n; ++i) {
    words[i] = text.substr(tt.tokens[i].begin, tt.tokens[i].end - tt.tokens[i].begin);
    ner::LowerInto(words[i], lower[i]);
    lower_hash[i] = ner::HashBytes(lower[i]);
  }
  std::vector<uint32_t> sentence_of(n);
  std::vector<Span> spans;
  std::vector<std::string_view> sent;
  // The article is one document: later sentences see how earlier ones were
  // tagged.
  thread_local DocumentMemory memory;
  memory.Clear();
  for (uint32_t s = 0; s < tt.sentences.size(); ++s) {
    const auto& se = tt.sentences[s];
    sent.assign(words.begin() + se.first, words.begin() + se.last);
    for (uint32_t i = se.first; i < se.last; ++i) sentence_of[i] = s;
    std::vector<uint8_t> tags = tagger_->Tag(sent, &memory);
    for (const TagSpan& sp : TagsToSpans(tags)) {
      uint32_t b = se.first + sp.begin, e = se.first + sp.end;
      int type = sp.type;
      // A designator closing a multi-word name makes it an organisation
      // (Norwell Dynamics, Labour Party), whatever its first words suggest.
      constexpr int kOrg = static_cast<int>(EntityType::kOrg);
      if (type != kOrg && e - b >= 2 && IsCapitalised(words[e - 1]) &&
          L.org_tails.count(lower[e - 1]) > 0)
        type = kOrg;
      spans.push_back({b, e, type, 0});
    }
  }

  // Names written in lower case (talibans) from the lexicon.
  std::vector<uint8_t> blocked(n, 0);  // inside an "O" phrase
  for (uint32_t i = 0; i < n; ++i) {
    auto candidates = L.lexicon_by_first.find(lower_hash[i]);
    if (candidates == L.lexicon_by_first.end()) continue;
    for (uint32_t entry : candidates->second) {
      const auto& e = L.lexicon[entry];
      uint32_t len = static_cast<uint32_t>(e.tokens.size());
      if (i + len > n) continue;
      bool match = true;
      for (uint32_t k = 0; k < len && match; ++k) match = lower[i + k] == e.tokens[k];
      if (!match) continue;
      if (e.type < 0) {
        for (uint32_t k = i; k < i + len; ++k) blocked[k] = 1;
      } else {
        spans.push_back({i, i + len, e.type, 1});
      }
    }
  }
  // French institutions: head [adjective]{0,2} de/du/des/d' [article]
  // Capitalised [Capitalised | agreeing plural adjective]*.
  for (uint32_t i = 0; i < n; ++i) {
    if (!L.org_head_hashes.count(lower_hash[i])) continue;
    if (IsCapitalised(words[i]) && i > tt.sentences[sentence_of[i]].first) {
      // Capitalised inside a sentence, the head is itself the sign of a
      // name: head [adjective]{0,2} [de/du/des [article] word
      // [adjective]{0,2}], or head + capitalised words (Agence France-Presse).
      auto same = [&](uint32_t k) { return k < n && sentence_of[k] == sentence_of[i]; };
      auto adjective = [&](uint32_t k) {
        return same(k) && IsLowerWord(words[k]) && LooksLikeAdjective(lower[k]);
      };
      auto noun = [&](uint32_t k) {  // "de sécurité", not "d'adopter"
        return same(k) && IsLowerWord(words[k]) && lower[k].size() >= 4 &&
               !EndsWith(lower[k], "er") && !EndsWith(lower[k], "ir") && !EndsWith(lower[k], "'") &&
               !IsOfWord(lower[k]) && !IsArticle(lower[k]);
      };
      uint32_t end = i + 1;
      // One capitalised word completes the head (Agence France-Presse); a
      // run of them is a name of its own (l'Assemblée Marie Dupuis).
      if (same(end) && IsCapitalised(words[end]) &&
          !(same(end + 1) && IsCapitalised(words[end + 1])))
        ++end;
      for (int a = 0; a < 2 && adjective(end); ++a) ++end;
      if (same(end) && IsOfWord(lower[end])) {
        uint32_t k = end + 1;
        if (same(k) && IsArticle(lower[k])) ++k;
        if (same(k) && (IsCapitalised(words[k]) || noun(k))) {
          end = k + 1;
          for (int a = 0; a < 2 && adjective(end); ++a) ++end;
        }
      }
      if (end > i + 1) {
        spans.push_back({i, end, 2, 2});
        continue;
      }
    }
    uint32_t j = i + 1;
    int adjectives = 0;
    while (j < n && adjectives < 2 && IsLowerWord(words[j]) && !IsOfWord(lower[j]) &&
           !IsArticle(lower[j]) && sentence_of[j] == sentence_of[i]) {
      ++j;
      ++adjectives;
    }
    if (j >= n || !IsOfWord(lower[j])) continue;
    ++j;
    if (j < n && IsArticle(lower[j])) ++j;
    if (j >= n || !IsCapitalised(words[j]) || sentence_of[j] != sentence_of[i]) continue;
    uint32_t end = j + 1;
    while (end < n && sentence_of[end] == sentence_of[i]) {
      if (IsCapitalised(words[end])) {
        ++end;
      } else if (IsLowerWord(words[end]) && words[end - 1].back() == 's' &&
                 words[end].back() == 's' && IsCapitalised(words[end - 1])) {
        ++end;  // Affaires étrangères, Forces armées
      } else {
        break;
      }
    }
    spans.push_back({i, end, 2, 2});
  }

  // Resolve overlaps: higher priority first, then longer.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.last - a.first != b.last - b.first) return a.last - a.first > b.last - b.first;
    return a.first < b.first;
  });
  std::vector<uint8_t> taken(n, 0);
  std::vector<Span> kept;
  for (const Span& s : spans) {
    bool free = true;
    if (s.priority == 0) {
      // Inside an "O" phrase (l'État, chef d'État, Covid-19) a tagger span
      // is dropped; one that reaches beyond it (l'État islamique) stays.
      bool inside = true;
      for (uint32_t k = s.first; k < s.last; ++k) inside = inside && blocked[k];
      free = !inside;
    }
    for (uint32_t k = s.first; k < s.last; ++k) free = free && !taken[k];
    if (!free) continue;
    for (uint32_t k = s.first; k < s.last; ++k) taken[k] = 1;
    kept.push_back(s);
  }
  std::sort(kept.begin(), kept.end(),
            [](const Span& a, const Span& b) { return a.first < b.first; });

  // Words the article also writes in lower case are common words when
  // they open a sentence with a capital (Les, Premier, Cette).
  // Asked for a few one-word spans only: a scan beats building a set.
  std::vector<uint64_t> lower_word_hashes;
  for (uint32_t i = 0; i < n; ++i)
    if (IsLowerWord(words[i])) lower_word_hashes.push_back(lower_hash[i]);
  auto written_lower = [&](uint32_t k) {
    return std::find(lower_word_hashes.begin(), lower_word_hashes.end(), lower_hash[k]) !=
           lower_word_hashes.end();
  };

  // Person mentions lose honorifics (M., Mme, Dr) and possessive 's; a
  // trailing punctuation token is never part of a name.
  std::vector<Span> clean;
  for (Span s : kept) {
    while (s.last > s.first && (lower[s.last - 1] == "'s" || lower[s.last - 1] == "'" ||
                                lower[s.last - 1] == "," || lower[s.last - 1] == "*"))
      --s.last;
    if (s.type == 0) {
      // "de Paris Me Olivier Cousi": a title inside the span starts the name.
      for (uint32_t k = s.last - 1; k > s.first; --k) {
        if (L.titles.count(lower[k]) && IsCapitalised(words[k]) && k + 1 < s.last) {
          s.first = k + 1;
          break;
        }
      }
      while (s.last - s.first > 1 && L.titles.count(lower[s.first])) ++s.first;
    }
    if (s.priority == 0) {
      // Names of people and places start with a capital in both languages:
      // "aéroport de Kaboul" names Kaboul; a span of lower-case words
      // (américains, vous) is not a name at all.
      if (s.type != 2)
        while (s.last - s.first > 1 && !IsCapitalised(words[s.first])) ++s.first;
      bool capital = false;
      for (uint32_t k = s.first; k < s.last; ++k) capital = capital || IsCapitalised(words[k]);
      if (!capital) continue;
      if (s.last - s.first == 1 && s.first == tt.sentences[sentence_of[s.first]].first &&
          written_lower(s.first))
        continue;
      // A lone letter (C, from "°C" or an initial) is not a name.
      if (s.last - s.first == 1) {
        size_t k = 0;
        ner::NextCodePoint(words[s.first], k);
        if (k == words[s.first].size()) continue;
      }
    }
    if (s.last <= s.first) continue;
    // A lone title or role word (M., Premier) is not a person.
    if (s.type == 0 && s.last - s.first == 1 &&
        (L.titles.count(lower[s.first]) || L.roles.count(lower[s.first])))
      continue;
    clean.push_back(s);
  }

  // One sense per article: a name the article uses as an entity once is the
  // same entity where the tagger missed it (sentence-initial "Labarthe a
  // ajouté"), and a person's surname alone refers to that person.
  {
    std::vector<uint8_t> covered(n, 0);
    for (const Span& s : clean)
      for (uint32_t k = s.first; k < s.last; ++k) covered[k] = 1;
    std::unordered_map<std::string, int> known;  // lower tokens joined by \x1f -> type
    constexpr int kSurname = 100;                // a person's surname: PER
    size_t max_len = 1;
    auto join = [&](uint32_t a, uint32_t b) {
      std::string key;
      for (uint32_t k = a; k < b; ++k) {
        if (k > a) key.push_back('\x1f');
        key += lower[k];
      }
      return key;
    };
    for (const Span& s : clean) {
      if (s.priority == 1) continue;  // lexicon names are matched already
      // A one-word mention that opens its sentence may be a capitalised
      // common word the tagger took for a name (Les, Cette): never spread.
      bool single = s.last - s.first == 1;
      bool opens = s.first == tt.sentences[sentence_of[s.first]].first;
      if (!(single && opens) && !(single && L.roles.count(lower[s.first]))) {
        known.emplace(join(s.first, s.last), s.type);
        max_len = std::max<size_t>(max_len, s.last - s.first);
      }
      // A person's surname, unless the alias table knows the word as a
      // place or organisation (France in "Anatole France"). Surnames may
      // open a sentence ("Labarthe a ajouté").
      if (s.type == 0 && s.last - s.first >= 2 && words[s.last - 1].size() >= 3) {
        const AliasTable::Entry* e = aliases_.Find(words[s.last - 1]);
        if (e == nullptr || e->type == "PER") known[lower[s.last - 1]] = kSurname;
      }
    }
    std::vector<Span> added;
    for (uint32_t i = 0; i < n; ++i) {
      if (covered[i] || !IsCapitalised(words[i])) continue;
      // Names of the alias table (world knowledge) the tagger missed, such
      // as "l'AFP": longest match first; an all-capital alias (AFP, US)
      // must be written in capitals.
      uint32_t alias_len = 0;
      for (uint32_t len = static_cast<uint32_t>(std::min<uint32_t>(6, n - i)); len >= 1; --len) {
        if (sentence_of[i + len - 1] != sentence_of[i] || !IsCapitalised(words[i + len - 1]))
          continue;
        bool free = true;
        for (uint32_t k = i; k < i + len; ++k) free = free && !covered[k] && !blocked[k];
        if (!free) continue;
        std::string_view surface =
            text.substr(tt.tokens[i].begin, tt.tokens[i + len - 1].end - tt.tokens[i].begin);
        // Short words must be acronyms: "Un" and "Au" open sentences, "UN"
        // and "AU" name organisations.
        if (surface.size() < 4 && lower[i] == surface) continue;
        if (surface.size() < 4 && Lower(surface) != surface) {
          bool all_caps = true;
          for (char c : surface) all_caps = all_caps && !(c >= 'a' && c <= 'z');
          if (!all_caps) continue;
        }
        const AliasTable::Entry* e = aliases_.Find(surface);
        if (e == nullptr) continue;
        int type = e->type == "PER" ? 0 : e->type == "LOC" ? 1 : 2;
        added.push_back({i, i + len, type, 0});
        for (uint32_t k = i; k < i + len; ++k) covered[k] = 1;
        alias_len = len;
        break;
      }
      if (alias_len > 0) {
        i += alias_len - 1;
        continue;
      }
      for (uint32_t len = static_cast<uint32_t>(std::min<size_t>(max_len, n - i)); len >= 1;
           --len) {
        bool free = true;
        for (uint32_t k = i; k < i + len; ++k) free = free && !covered[k] && !blocked[k];
        if (!free || sentence_of[i + len - 1] != sentence_of[i]) continue;
        auto it = known.find(join(i, i + len));
        if (it == known.end()) continue;
        if (len == 1 && i == tt.sentences[sentence_of[i]].first && it->second != kSurname) continue;
        if (len == 1 && written_lower(i)) continue;  // a common word here
        added.push_back({i, i + len, it->second == kSurname ? 0 : it->second, 0});
        for (uint32_t k = i; k < i + len; ++k) covered[k] = 1;
        i += len - 1;
        break;
      }
    }
    if (!added.empty()) {
      clean.insert(clean.end(), added.begin(), added.end());
      std::sort(clean.begin(), clean.end(),
                [](const Span& a, const Span& b) { return a.first < b.first; });
    }
  }

  auto span_text = [&](uint32_t a, uint32_t b) {
    return std::string(text.substr(tt.tokens[a].begin, tt.tokens[b - 1].end - tt.tokens[a].begin));
  };

  // Within-article linking of person names: a mention whose tokens end a
  // longer person mention (Kabulov, Biden) takes that full name. A one-word
  // mention the tagger typed LOC/ORG that is a known person's surname is
  // retyped: the article itself says it is a person.
  std::unordered_map<std::string, std::pair<uint32_t, std::string>>
      surname_to_full;  // key -> (len, full)
  for (const Span& s : clean) {
    if (s.type != 0 || s.last - s.first < 2) continue;
    const AliasTable::Entry* known_word = aliases_.Find(words[s.last - 1]);
    if (known_word != nullptr && known_word->type != "PER") continue;
    std::string key = EntityKey(words[s.last - 1]);
    std::string full = span_text(s.first, s.last);
    auto it = surname_to_full.find(key);
    if (it == surname_to_full.end() || it->second.first < s.last - s.first)
      surname_to_full[key] = {s.last - s.first, full};
  }

  std::vector<EntityMention> out;
  out.reserve(clean.size());
  for (const Span& s : clean) {
    EntityMention m;
    m.text = span_text(s.first, s.last);
    m.begin = tt.tokens[s.first].begin;
    m.end = tt.tokens[s.last - 1].end;
    int type = s.type;
    std::string canonical = m.text;
    uint32_t len = s.last - s.first;
    if (len <= 2) {
      auto it = surname_to_full.find(EntityKey(words[s.last - 1]));
      if (it != surname_to_full.end() && it->second.first > len && (type == 0 || len == 1)) {
        canonical = it->second.second;
        type = 0;
      }
    }
    bool linked = canonical != m.text;
    if (const AliasTable::Entry* e = aliases_.Find(canonical)) {
      canonical = e->canonical;
      // Person versus place/organisation: the table's knowledge wins unless
      // the article itself gave a full person name. LOC/ORG disagreements
      // (Washington as place or government) keep the tagger's type; the
      // canonical entity is shared.
      bool table_per = e->type == "PER";
      if (!linked && table_per != (type == 0)) type = table_per ? 0 : (e->type == "LOC" ? 1 : 2);
    }
    m.type = EntityTypeName(type);
    m.canonical = std::move(canonical);

    // Role appositions. Before: "(le) porte-parole du Kremlin(,) NAME".
    if (type == 0) {
      uint32_t j = s.first;
      if (j > 0 && words[j - 1] == ",") --j;
      uint32_t start = j;
      uint32_t limit = j > 10 ? j - 10 : 0;
      bool found = false;
      while (start > limit && sentence_of[start - 1] == sentence_of[s.first]) {
        std::string_view w = lower[start - 1];
        if (IsDeterminer(w) || w == "," || w == "." || w == ":" || w == "«" || w == "(") break;
        --start;
      }
      // The role noun must open the apposition, right after a determiner.
      if (start < j && (start == 0 || IsDeterminer(lower[start - 1]))) {
        std::string head = lower[start];
        for (const char* p : {"vice-", "ex-", "co-", "sous-"})
          if (head.rfind(p, 0) == 0) head = head.substr(strlen(p));
        found = L.roles.count(head) > 0;
      }
      if (found) {
        uint32_t e = j;
        while (e > start && !IsLowerWord(words[e - 1]) && !IsCapitalised(words[e - 1])) --e;
        if (e > start) m.role = span_text(start, e);
      }
      // After: "NAME, (le) porte-parole du département d'État, ...".
      if (!found && s.last + 1 < n && words[s.last] == ",") {
        uint32_t k = s.last + 1;
        if (k < n && IsDeterminer(lower[k])) ++k;
        std::string head = k < n ? lower[k] : "";
        for (const char* p : {"vice-", "ex-", "co-", "sous-"})
          if (head.rfind(p, 0) == 0) head = head.substr(strlen(p));
        if (k < n && L.roles.count(head)) {
          uint32_t e = k;
          while (e < n && e - k < 10 && sentence_of[e] == sentence_of[s.first] && words[e] != "," &&
                 words[e] != "." && words[e] != ";" && words[e] != "»" && words[e] != ")")
            ++e;
          while (e > k && !IsLowerWord(words[e - 1]) && !IsCapitalised(words[e - 1])) --e;
          if (e > k) m.role = span_text(k, e);
        }
      }
    }
    out.push_back(std::move(m));
  }
  // A role found on any mention of a person holds for the others.
  std::unordered_map<std::string, std::string> role_of;
  for (const auto& m : out)
    if (!m.role.empty() && !role_of.count(m.canonical)) role_of[m.canonical] = m.role;
  for (auto& m : out) {
    if (!m.role.empty() || m.type != "PER") continue;
    auto it = role_of.find(m.canonical);
    if (it != role_of.end()) m.role = it->second;
  }
  (void)language;  // the rules and the model cover French and English alike
  return out;
}

}  // namespace veille
