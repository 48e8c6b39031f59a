// lexicon.cc: tokens of article text and the cue words of data/timex/.
#include "timex/lexicon.h"

#include <algorithm>
#include <fstream>
#include <mutex>

#include "veille/utf8.h"

namespace veille::timex {
namespace {

bool IsAsciiLetter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// Code points that end a word: spaces, punctuation, quotes, dashes.
bool IsWordChar(char32_t c) {
  if (c < 0x80) return IsAsciiLetter(c) || IsDigit(c);
  if (c == 0xA0 || c == 0xAB || c == 0xBB || c == 0xB0 || c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x206F) return false;  // general punctuation, spaces, ’
  if (c == 0x20AC) return false;                 // €
  if (c >= 0x3000 && c <= 0x303F) return false;
  return c >= 0xC0;
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F ||
         (c >= 0x2000 && c <= 0x200B);
}

const std::string_view kElided[] = {"l", "d",  "j",     "n",      "s",      "c",     "m",
                                    "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"};

}  // namespace

void Lower(std::string_view s, bool fold, std::string& out) {
  // The output is never longer than the input (æ → ae and œ → oe keep two
  // bytes): write into place, then trim.
  const size_t n = s.size();
  const size_t base = out.size();
  out.resize(base + n);
  char* w = out.data() + base;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      *w++ = c >= 'A' && c <= 'Z' ? char(c + 32) : char(c);
      continue;
    }
    if (c == 0xC3 && i + 1 < n) {
      unsigned char d = s[i + 1];
      if (d >= 0x80 && d <= 0x9E && d != 0x97) d += 0x20;
      ++i;
      // U+00E0..U+00FF without accents ('/' keeps the letter: ÷, ø).
      static const char kBase[] = "aaaaaa/ceeeeiiiidnooooo/ouuuuyty";
      if (fold && d >= 0xA0 && d <= 0xBF && kBase[d - 0xA0] != '/') {
        *w++ = kBase[d - 0xA0];
      } else if (fold && d == 0xA6) {
        *w++ = 'a';
        *w++ = 'e';
      } else {
        *w++ = char(c);
        *w++ = char(d);
      }
      continue;
    }
    if (c == 0xC5 && i + 1 < n && (s[i + 1] == '\x92' || s[i + 1] == '\x93')) {
      ++i;
      if (fold) {
        *w++ = 'o';
        *w++ = 'e';
      } else {
        *w++ = '\xC5';
        *w++ = '\x93';
      }
      continue;
    }
    if (c == 0xE2 && i + 2 < n && s[i + 1] == '\x80' && s[i + 2] == '\x99') {
      *w++ = '\'';  // ’ is the apostrophe of l’an and aujourd’hui
      i += 2;
      continue;
    }
    *w++ = char(c);
  }
  out.resize(size_t(w - out.data()));
}

std::vector<Token> Tokenize(std::string_view text, std::string& arena) {
  arena.clear();
  arena.reserve(2 * text.size() + 16);
  std::vector<Token> toks;
  toks.reserve(text.size() / 5);
  size_t i = 0;
  const size_t n = text.size();
  bool space = true;
  uint32_t sentence = 0;
  bool sentence_start = true;
  auto push = [&](size_t b, size_t e, bool digits) {
    Token& t = toks.emplace_back();
    t.begin = uint32_t(b);
    t.end = uint32_t(e);
    std::string_view w = text.substr(b, e - b);
    size_t off = arena.size();
    Lower(w, false, arena);
    t.key = std::string_view(arena.data() + off, arena.size() - off);
    bool ascii = true;
    for (char ch : w) ascii = ascii && (unsigned char)ch < 0x80;
    if (!ascii) {
      off = arena.size();
      Lower(w, true, arena);
      t.fold = std::string_view(arena.data() + off, arena.size() - off);
      if (t.fold == t.key) t.fold = {};
    }
    t.digits = digits;
    t.space_before = space;
    unsigned char c0 = text[b];
    t.upper = (c0 >= 'A' && c0 <= 'Z') ||
              (c0 == 0xC3 && b + 1 < n && (unsigned char)text[b + 1] >= 0x80 &&
               (unsigned char)text[b + 1] <= 0x9E);
    if (digits) {
      int v = 0;
      for (char ch : w) v = v < 100000 ? v * 10 + (ch - '0') : v;
      t.num = v;
    }
    t.sentence = sentence;
    t.sentence_start = sentence_start;
    sentence_start = false;
    space = false;
  };
  while (i < n) {
    size_t start = i;
    char32_t c = (unsigned char)text[i] < 0x80 ? char32_t(text[i++]) : DecodeUtf8(text, i);
    if (IsSpace(c)) {
      space = true;
      if (c == '\n') {
        // A blank line or a line break ends a sentence.
        if (!toks.empty() && !sentence_start) {
          ++sentence;
          sentence_start = true;
        }
      }
      continue;
    }
    if (IsDigit(c)) {
      while (i < n && IsDigit((unsigned char)text[i])) ++i;
      push(start, i, true);
      continue;
    }
    if (IsWordChar(c)) {
      size_t j = i;
      while (j < n) {
        size_t k = j;
        char32_t d = (unsigned char)text[k] < 0x80 ? char32_t(text[k++]) : DecodeUtf8(text, k);
        if (d == '\'' || d == 0x2019) {
          // Elision: l'an → l' | an; aujourd'hui stays one word.
          std::string low;
          Lower(text.substr(start, j - start), true, low);
          bool elided = false;
          for (auto e : kElided) elided = elided || low == e;
          if (elided) {
            push(start, k, false);
            start = k;
            j = k;
            if (j < n && !IsDigit((unsigned char)text[j])) {
              size_t m = j;
              char32_t f =
                  (unsigned char)text[m] < 0x80 ? char32_t(text[m++]) : DecodeUtf8(text, m);
              if (!IsWordChar(f)) break;
            }
            continue;
          }
          // Thursday's: the possessive is not part of the word.
          bool possessive = k < n && (text[k] == 's' || text[k] == 'S') &&
                            (k + 1 >= n || !IsAsciiLetter((unsigned char)text[k + 1]));
          if (k < n && IsAsciiLetter((unsigned char)text[k]) && !possessive) {
            j = k;
            continue;
          }
          break;
        }
        if (!IsWordChar(d) || IsDigit(d)) break;
        j = k;
      }
      if (j > start) push(start, j, false);
      i = j > start ? j : i;
      if (j == start) i = start + 1;
      continue;
    }
    // Punctuation: one token per code point; . ! ? end a sentence.
    push(start, i, false);
    if (c == '.' || c == '!' || c == '?' || c == 0x2026) {
      // A period between digits (13.08.2021), after one capital letter
      // (M. Dupont) or before a lowercase word or a number (Aug. 31, a.m.
      // on Tuesday) does not end a sentence.
      bool inner = i < n && IsDigit((unsigned char)text[i]);
      if (c == '.') {
        size_t k = i;
        while (k < n && (text[k] == ' ' || text[k] == '\t')) ++k;
        if (k < n && ((text[k] >= 'a' && text[k] <= 'z') || IsDigit((unsigned char)text[k]))) {
          inner = true;
        }
      }
      bool initial = toks.size() >= 2 &&
                     toks[toks.size() - 2].end - toks[toks.size() - 2].begin == 1 &&
                     toks[toks.size() - 2].upper;
      if (!inner && !initial) {
        ++sentence;
        sentence_start = true;
      }
    }
  }
  return toks;
}

Result<Lexicon> Lexicon::Load(const std::string& path) {
  static const std::pair<std::string_view, Cls> kNames[] = {
      {"month", Cls::kMonth},
      {"weekday", Cls::kWeekday},
      {"number", Cls::kNumber},
      {"ordinal", Cls::kOrdinal},
      {"unit", Cls::kUnit},
      {"season", Cls::kSeason},
      {"partofday", Cls::kPartOfDay},
      {"clock", Cls::kClock},
      {"deictic", Cls::kDeictic},
      {"relday", Cls::kRelDay},
      {"ref", Cls::kRef},
      {"past", Cls::kPast},
      {"future", Cls::kFuture},
      {"this", Cls::kThis},
      {"det", Cls::kDet},
      {"approx", Cls::kApprox},
      {"more", Cls::kMore},
      {"less", Cls::kLess},
      {"start", Cls::kStart},
      {"mid", Cls::kMid},
      {"end", Cls::kEnd},
      {"each", Cls::kEach},
      {"every", Cls::kEvery},
      {"set", Cls::kSet},
      {"vague", Cls::kVague},
      {"ago", Cls::kAgo},
      {"in", Cls::kIn},
      {"at", Cls::kAt},
      {"hour", Cls::kHour},
      {"local", Cls::kLocal},
      {"year", Cls::kYear},
      {"decade", Cls::kDecade},
      {"nonyear", Cls::kNonYear},
      {"tense_past", Cls::kTensePast},
      {"tense_future", Cls::kTenseFuture},
      {"suffix_past", Cls::kSuffixPast},
      {"suffix_future", Cls::kSuffixFuture},
      {"on", Cls::kOn},
      {"durhead", Cls::kDurHead},
      {"notday", Cls::kNotDay},
      {"span", Cls::kSpan},
      {"tense_go", Cls::kTenseGo},
  };
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open " + path);
  Lexicon lex;
  std::unordered_map<std::string, std::vector<Entry>> by_key, by_fold;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      return Error::BadInput(path + ":" + std::to_string(lineno) +
                             ": expected class<TAB>phrase<TAB>value");
    }
    std::string_view cls_name(line.data(), t1);
    const Cls* cls = nullptr;
    for (const auto& [name, c] : kNames) {
      if (name == cls_name) cls = &c;
    }
    if (!cls) {
      return Error::BadInput(path + ":" + std::to_string(lineno) + ": unknown class '" +
                             std::string(cls_name) + "'");
    }
    std::string phrase = line.substr(t1 + 1, t2 - t1 - 1);
    std::string value = line.substr(t2 + 1);
    if (*cls == Cls::kSuffixPast || *cls == Cls::kSuffixFuture) {
      std::string low;
      Lower(phrase, false, low);
      lex.suffixes_[int(*cls)].push_back(low);
      continue;
    }
    std::string arena;
    std::vector<Token> words = Tokenize(phrase, arena);
    if (words.empty()) {
      return Error::BadInput(path + ":" + std::to_string(lineno) + ": empty phrase");
    }
    Entry e{*cls, {}, value};
    for (size_t k = 1; k < words.size(); ++k) e.words.emplace_back(words[k].folded());
    by_key[std::string(words[0].key)].push_back(e);
    by_fold[std::string(words[0].folded())].push_back(std::move(e));
  }
  lex.by_key_.Build(std::move(by_key));
  lex.by_fold_.Build(std::move(by_fold));
  return lex;
}

namespace {
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace

void WordTable::Build(std::unordered_map<std::string, std::vector<Entry>> words) {
  size_t cap = 16;
  while (cap < words.size() * 2) cap *= 2;
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  for (auto& [key, entries] : words) {
    uint64_t h = Fnv1a(key);
    size_t i = h & mask_;
    while (slots_[i].index >= 0) i = (i + 1) & mask_;
    slots_[i] = Slot{h, int32_t(keys_.size())};
    max_len_ = std::max(max_len_, key.size());
    if (!key.empty())
      lengths_[(unsigned char)key[0]] |= uint64_t(1) << std::min<size_t>(key.size(), 63);
    keys_.push_back(key);
    entries_.push_back(std::move(entries));
  }
}

const std::vector<Entry>* WordTable::Find(std::string_view word) const {
  if (word.empty() || word.size() > max_len_ || slots_.empty()) return nullptr;
  if (!(lengths_[(unsigned char)word[0]] >> std::min<size_t>(word.size(), 63) & 1)) return nullptr;
  uint64_t h = Fnv1a(word);
  for (size_t i = h & mask_; slots_[i].index >= 0; i = (i + 1) & mask_) {
    if (slots_[i].hash == h && keys_[size_t(slots_[i].index)] == word) {
      return &entries_[size_t(slots_[i].index)];
    }
  }
  return nullptr;
}

void Lexicon::Classify(std::vector<Token>& toks, std::vector<Hit>& hits) const {
  hits.clear();
  for (size_t i = 0; i < toks.size(); ++i) {
    Token& t = toks[i];
    const std::vector<Entry>* es = by_key_.Find(t.key);
    if (!es && !t.fold.empty()) es = by_fold_.Find(t.fold);
    t.classes = 0;
    t.hit0 = uint32_t(hits.size());
    t.nhits = 0;
    if (!es) continue;
    for (const Entry& e : *es) {
      size_t end = i + 1;
      bool ok = true;
      for (const std::string& w : e.words) {
        if (end >= toks.size() || toks[end].folded() != w) {
          ok = false;
          break;
        }
        ++end;
      }
      if (!ok) continue;
      bool merged = false;
      for (size_t h = t.hit0; h < hits.size(); ++h) {
        if (hits[h].cls == e.cls) {
          if (end > hits[h].end) hits[h] = Hit{e.cls, uint32_t(end), &e.value};
          merged = true;
        }
      }
      if (!merged) hits.push_back(Hit{e.cls, uint32_t(end), &e.value});
      t.classes |= uint64_t(1) << int(e.cls);
    }
    t.nhits = uint32_t(hits.size()) - t.hit0;
  }
}

namespace {
struct Loaded {
  Status status = OkStatus();
  Lexicon fr, en;
};
const Loaded& Load() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded;
    auto fr = Lexicon::Load(DataPath("timex/fr.tsv"));
    auto en = Lexicon::Load(DataPath("timex/en.tsv"));
    if (!fr.ok()) {
      l->status = fr.error();
    } else if (!en.ok()) {
      l->status = en.error();
    } else {
      l->fr = std::move(fr.value());
      l->en = std::move(en.value());
    }
    return l;
  }();
  return *loaded;
}
}  // namespace

const Lexicon* LexiconFor(std::string_view lang) {
  const Loaded& l = Load();
  if (!l.status.ok()) return nullptr;
  if (lang == "fr") return &l.fr;
  if (lang == "en") return &l.en;
  return nullptr;
}

Status LoadStatus() { return Load().status; }

}  // namespace veille::timex
