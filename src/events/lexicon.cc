// lexicon.cc: loads data/events/* (triggers, cue words, nouns, demonyms).
#include <algorithm>
#include <fstream>
#include <sstream>

#include "events/internal.h"

namespace veille::events {
namespace {

std::vector<std::string> SplitOn(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(sep, i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Calls fn(fields, line number) for each non-comment line of a TSV file.
template <class Fn>
Status ReadTsv(const std::string& path, Fn fn) {
  std::ifstream in(path);
  if (!in) return Error::Io("cannot read " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    size_t i = 0;
    while (true) {
      size_t j = line.find('\t', i);
      f.push_back(line.substr(i, j == std::string::npos ? std::string::npos : j - i));
      if (j == std::string::npos) break;
      i = j + 1;
    }
    if (auto s = fn(f, n); !s.ok())
      return Error::BadInput(path + ":" + std::to_string(n) + ": " + s.error().message);
  }
  return OkStatus();
}

Where ParseWhere(std::string_view w) {
  if (w == "S") return Where::kSubject;
  if (w == "O") return Where::kObject;
  if (w == "OL") return Where::kObjectEntity;
  if (w == "par") return Where::kAgent;
  if (w == "L") return Where::kPlace;
  if (w == "LD") return Where::kFromPlace;
  if (w == "POSS") return Where::kPossessor;
  return Where::kNone;
}

// First-group (-er) and second-group (-ir) endings with their tags.
const std::vector<std::pair<const char*, FormTag>>& Endings(bool er) {
  static const std::vector<std::pair<const char*, FormTag>> kEr = {
      {"er", FormTag::kInf},      {"é", FormTag::kPp},         {"ée", FormTag::kPp},
      {"és", FormTag::kPp},       {"ées", FormTag::kPp},       {"e", FormTag::kFin},
      {"es", FormTag::kFin},      {"ent", FormTag::kFin},      {"ons", FormTag::kFin},
      {"ez", FormTag::kFin},      {"ait", FormTag::kFin},      {"aient", FormTag::kFin},
      {"ais", FormTag::kFin},     {"a", FormTag::kFin},        {"ât", FormTag::kFin},
      {"èrent", FormTag::kFin},   {"ai", FormTag::kFin},       {"era", FormTag::kFut},
      {"eront", FormTag::kFut},   {"erai", FormTag::kFut},     {"erons", FormTag::kFut},
      {"erait", FormTag::kCond},  {"eraient", FormTag::kCond}, {"erais", FormTag::kCond},
      {"erions", FormTag::kCond}, {"ant", FormTag::kGer}};
  static const std::vector<std::pair<const char*, FormTag>> kIr = {
      {"ir", FormTag::kInf},     {"i", FormTag::kPp},       {"ie", FormTag::kPp},
      {"is", FormTag::kPp},      {"ies", FormTag::kPp},     {"it", FormTag::kFin},
      {"issent", FormTag::kFin}, {"issait", FormTag::kFin}, {"issaient", FormTag::kFin},
      {"irent", FormTag::kFin},  {"issons", FormTag::kFin}, {"ira", FormTag::kFut},
      {"iront", FormTag::kFut},  {"irait", FormTag::kCond}, {"iraient", FormTag::kCond},
      {"issant", FormTag::kGer}};
  return er ? kEr : kIr;
}

Result<FormTag> ParseTag(std::string_view t) {
  if (t == "inf") return FormTag::kInf;
  if (t == "pp") return FormTag::kPp;
  if (t == "fin") return FormTag::kFin;
  if (t == "fut") return FormTag::kFut;
  if (t == "cond") return FormTag::kCond;
  if (t == "ger") return FormTag::kGer;
  return Error::BadInput("unknown form tag '" + std::string(t) + "'");
}

Status LoadTriggers(const std::string& path, const std::vector<std::string>& actions,
                    LangLexicon* lex) {
  return ReadTsv(path, [&](const std::vector<std::string>& f, int) -> Status {
    if (f.size() < 5) return Error::BadInput("expected 5 tab-separated columns");
    auto act = std::find(actions.begin(), actions.end(), f[0]);
    if (act == actions.end()) return Error::BadInput("unknown action '" + f[0] + "'");
    TriggerRule r;
    r.action = static_cast<int>(act - actions.begin());
    r.noun = f[1] == "n";
    if (f[3] != "-")
      for (const auto& slot : SplitOn(f[3], ' ')) {
        std::vector<std::string> alts;
        for (const auto& a : SplitOn(slot, '|')) alts.push_back(Lower(a));
        r.after.push_back(std::move(alts));
      }
    for (const auto& role : SplitOn(f[4], ' ')) {
      auto eq = role.find('=');
      if (eq == std::string::npos) return Error::BadInput("role without '=': " + role);
      std::string name = role.substr(0, eq);
      Where w = ParseWhere(role.substr(eq + 1));
      if (w == Where::kNone) return Error::BadInput("unknown argument place in " + role);
      if (name == "actor")
        r.actor = w;
      else if (name == "target")
        r.target = w;
      else if (name == "place")
        r.place = w;
      else
        return Error::BadInput("unknown role " + name);
    }
    int index = static_cast<int>(lex->rules.size());
    lex->rules.push_back(r);
    auto add = [&](const std::string& form, FormTag tag) {
      lex->forms[Lower(form)].push_back({index, tag});
    };
    if (f[1] == "er" || f[1] == "ir") {
      for (const auto& [end, tag] : Endings(f[1] == "er")) add(f[2] + end, tag);
    } else if (f[1] == "v") {
      for (const auto& ft : SplitOn(f[2], ' ')) {
        auto colon = ft.rfind(':');
        if (colon == std::string::npos) return Error::BadInput("form without :tag: " + ft);
        auto tag = ParseTag(std::string_view(ft).substr(colon + 1));
        if (!tag.ok()) return tag.error();
        add(ft.substr(0, colon), *tag);
      }
    } else if (f[1] == "n") {
      for (const auto& n : SplitOn(f[2], '|')) add(n, FormTag::kNoun);
    } else {
      return Error::BadInput("unknown kind '" + f[1] + "'");
    }
    return OkStatus();
  });
}

Status LoadWords(const std::string& path, LangLexicon* lex) {
  const auto& names = CategoryNames();
  return ReadTsv(path, [&](const std::vector<std::string>& f, int) -> Status {
    if (f.empty() || f[0].empty()) return Error::BadInput("expected a category");
    auto it = std::find(names.begin(), names.end(), f[0]);
    if (it == names.end()) return Error::BadInput("unknown category '" + f[0] + "'");
    const uint32_t bit = 1u << (it - names.begin());
    if (f.size() < 2) return OkStatus();
    for (const auto& w : SplitOn(f[1], ' ')) {
      std::string l = Lower(w);
      if (l.size() > 1 && l.back() == '*') {
        l.pop_back();
        lex->prefix_cats.emplace_back(l, bit);
        lex->prefix_mask |= bit;
      } else {
        lex->word_cats[l] |= bit;
      }
    }
    return OkStatus();
  });
}

}  // namespace

std::string Lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      out += c >= 'A' && c <= 'Z' ? char(c + 32) : char(c);
    } else if (c == 0xC3 && i + 1 < n) {
      unsigned char d = s[i + 1];
      if (d >= 0x80 && d <= 0x9E && d != 0x97) d += 0x20;
      out += char(c);
      out += char(d);
      ++i;
    } else if (c == 0xC5 && i + 1 < n && s[i + 1] == '\x92') {
      out += "\xC5\x93";
      ++i;
    } else if (c == 0xE2 && i + 2 < n && s[i + 1] == '\x80' && s[i + 2] == '\x99') {
      out += '\'';
      i += 2;
    } else {
      out += char(c);
    }
  }
  return out;
}

const std::vector<std::string>& CategoryNames() {
  static const std::vector<std::string> kNames = {
      "det",   "skip",      "adj",       "aux_etre",  "aux_avoir", "alleged", "reflexive",
      "neg",   "negend",    "negbefore", "block",     "postblock", "unblock", "speech",
      "agent", "placeprep", "fromprep",  "boundary",  "relative",  "coord",   "possessive",
      "group", "city",      "country",   "container", "member",    "notafter"};
  return kNames;
}

uint32_t LangLexicon::Cats(std::string_view w) const {
  auto it = word_cats.find(std::string(w));
  return it == word_cats.end() ? 0 : it->second;
}

uint32_t LangLexicon::PrefixCats(std::string_view w) const {
  uint32_t bits = 0;
  if (w.empty()) return 0;
  for (uint16_t i : prefix_first[static_cast<unsigned char>(w[0])]) {
    const auto& [p, bit] = prefix_cats[i];
    if (w.size() >= p.size() && w.compare(0, p.size(), p) == 0) bits |= bit;
  }
  return bits;
}

std::string Extractor::Lexicon::Demonym(std::string_view w) const {
  for (const auto& [prefix, name] : demonyms)
    if (w.size() >= prefix.size() && w.compare(0, prefix.size(), prefix) == 0) return name;
  return "";
}

Status LoadLexicon(const std::string& dir, Extractor::Lexicon* lex) {
  const std::string base = dir + "/events/";
  if (auto s = ReadTsv(base + "actions.txt",
                       [&](const std::vector<std::string>& f, int) -> Status {
                         lex->actions.push_back(f[0]);
                         return OkStatus();
                       });
      !s.ok())
    return s;
  for (auto [lang, l] : {std::pair{"fr", &lex->fr}, std::pair{"en", &lex->en}}) {
    if (auto s = LoadTriggers(base + "triggers-" + lang + ".tsv", lex->actions, l); !s.ok())
      return s;
    for (const char* f : {"words-", "nouns-"})
      if (auto s = LoadWords(base + f + lang + ".tsv", l); !s.ok()) return s;
    for (size_t i = 0; i < l->prefix_cats.size(); ++i)
      l->prefix_first[static_cast<unsigned char>(l->prefix_cats[i].first[0])].push_back(
          static_cast<uint16_t>(i));
    // Longer patterns first: "tombé aux mains de" before "tombé".
    for (auto& [form, list] : l->forms)
      std::stable_sort(list.begin(), list.end(), [&](const FormRule& a, const FormRule& b) {
        return l->rules[a.rule].after.size() > l->rules[b.rule].after.size();
      });
  }
  if (auto s = ReadTsv(base + "demonyms.tsv",
                       [&](const std::vector<std::string>& f, int) -> Status {
                         if (f.size() < 2) return Error::BadInput("expected prefix<TAB>name");
                         lex->demonyms.emplace_back(Lower(f[0]), f[1]);
                         return OkStatus();
                       });
      !s.ok())
    return s;
  // "Name g" lines; optional (the quotes module's list).
  std::ifstream names(dir + "/quotes/first_names.txt");
  std::string line;
  while (std::getline(names, line)) {
    if (line.empty() || line[0] == '#') continue;
    lex->first_names.insert(Lower(line.substr(0, line.find(' '))));
  }
  return OkStatus();
}

}  // namespace veille::events
