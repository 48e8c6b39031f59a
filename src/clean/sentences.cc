// sentences.cc: sentence spans, including sentences glued by wire copy.
//
// Wire text often loses the space after a full stop when paragraphs are
// joined ("jeudi.Le gouvernement", "blessés\".L'incident"), so a full stop
// directly followed by a capital is a boundary unless the word before it is
// an abbreviation, an initial or part of a URL; a digit on both sides is a
// decimal or thousands separator ("3.5", "16.000").
#include <unicode/uchar.h>

#include <array>
#include <string>
#include <unordered_set>

#include "clean/sentences_internal.h"
#include "clean/text_util.h"
#include "veille/clean.h"
#include "veille/utf8.h"

namespace veille {
namespace clean_internal {
namespace {

char32_t CpAt(std::string_view t, size_t i, size_t* len) {
  size_t j = i;
  char32_t c = DecodeUtf8(t, j);
  if (len) *len = j - i;
  return c;
}

bool IsUpperOrDigit(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c >= 0x80 && u_isupper(c));
}

bool IsLetter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x80 && u_isalpha(c));
}

bool IsOpeningQuote(char32_t c) {
  return c == 0x00AB || c == 0x201C || c == 0x2018 || c == '(' || c == '[';
}

bool IsClosingMark(char32_t c) { return c == 0x00BB || c == 0x201D || c == ')' || c == ']'; }

bool IsDashStart(char32_t c) { return c == '-' || c == 0x2013 || c == 0x2014; }

// Start of the code point that ends at `end`.
size_t PrevStart(std::string_view t, size_t end) {
  size_t p = end - 1;
  while (p > 0 && (static_cast<unsigned char>(t[p]) & 0xC0) == 0x80) --p;
  return p;
}

// The run of letters ending at `end` (the word before a full stop).
std::string_view WordBefore(std::string_view t, size_t end, size_t floor) {
  size_t p = end;
  while (p > floor) {
    size_t q = PrevStart(t, p);
    if (!IsLetter(CpAt(t, q, nullptr))) break;
    p = q;
  }
  return t.substr(p, end - p);
}

// The blank-delimited token around position `dot`, to recognise URLs and
// e-mail addresses.
bool InUrlToken(std::string_view t, size_t dot, size_t floor) {
  size_t b = dot;
  while (b > floor && t[b - 1] != ' ' && t[b - 1] != '\n' && t[b - 1] != '\t') --b;
  size_t e = dot;
  while (e < t.size() && t[e] != ' ' && t[e] != '\n' && t[e] != '\t') ++e;
  std::string_view tok = t.substr(b, e - b);
  bool url = tok.find("://") != std::string_view::npos ||
             tok.find("www.") != std::string_view::npos || tok.find('@') != std::string_view::npos;
  if (!url) return false;
  // "www.exemple.fr.Les syndicats": a capitalised word glued after the
  // address, with no further dot or slash, starts the next sentence.
  std::string_view rest = t.substr(dot + 1, e - dot - 1);
  bool word_after = rest.size() >= 2 && rest[0] >= 'A' && rest[0] <= 'Z' && rest[1] >= 'a' &&
                    rest[1] <= 'z' && rest.find_first_of("./") == std::string_view::npos;
  return !word_after;
}

}  // namespace

std::vector<Span> SplitSentencesWith(std::string_view t, const Abbreviations& abbrevs) {
  std::vector<Span> out;
  size_t s = 0;    // start of the current sentence
  int quotes = 0;  // straight double quotes seen in the current sentence
  auto emit = [&](size_t b, size_t e) {
    std::string_view piece = t.substr(b, e - b);
    std::string_view trimmed = Trim(piece);
    if (trimmed.empty()) return;
    uint32_t begin = static_cast<uint32_t>(b + (trimmed.data() - piece.data()));
    out.push_back({begin, begin + static_cast<uint32_t>(trimmed.size())});
  };
  // Bytes that can matter: line feed, quote, terminators, and the lead byte
  // of U+2026; everything else is skipped with one table lookup.
  static const auto kInteresting = [] {
    std::array<bool, 256> a{};
    for (int c : {int{'\n'}, int{'"'}, int{'.'}, int{'!'}, int{'?'}, 0xE2}) a[c] = true;
    return a;
  }();
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && !kInteresting[static_cast<unsigned char>(t[i])]) ++i;
    if (i >= t.size()) break;
    unsigned char b = static_cast<unsigned char>(t[i]);
    if (b == '\n') {
      emit(s, i);
      s = ++i;
      quotes = 0;
      continue;
    }
    if (b == '"') {
      ++quotes;
      ++i;
      continue;
    }
    bool is_dot = b == '.';
    bool is_term = is_dot || b == '!' || b == '?';
    size_t term_len = 1;
    if (!is_term && b == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
        static_cast<unsigned char>(t[i + 2]) == 0xA6) {  // U+2026 …
      is_term = true;
      term_len = 3;
    }
    if (!is_term) {
      ++i;
      continue;
    }
    size_t term = i;
    size_t k = i + term_len;
    // A run of terminators ("?!", "...") ends together.
    while (k < t.size() && (t[k] == '.' || t[k] == '!' || t[k] == '?')) {
      is_dot = is_dot && t[k] == '.';
      ++k;
    }
    bool single_dot = is_dot && k == term + 1;
    if (single_dot && term > s && k < t.size()) {
      // Decimal or thousands separator: a digit on both sides.
      unsigned char prev = static_cast<unsigned char>(t[term - 1]);
      unsigned char next = static_cast<unsigned char>(t[k]);
      if (prev >= '0' && prev <= '9' && next >= '0' && next <= '9') {
        i = k;
        continue;
      }
    }
    // Absorb closing marks that belong to this sentence: », ”, ), and a
    // straight quote that closes an open one; French puts a blank before ».
    for (;;) {
      size_t m = k;
      while (m < t.size()) {
        size_t n = BlankAt(t, m);
        if (!n) break;
        m += n;
      }
      if (m >= t.size()) break;
      if (t[m] == '"' && (quotes & 1)) {
        ++quotes;
        k = m + 1;
        continue;
      }
      size_t len = 0;
      char32_t c = CpAt(t, m, &len);
      if (IsClosingMark(c)) {
        k = m + len;
        continue;
      }
      break;
    }
    i = k;
    if (k >= t.size() || t[k] == '\n') continue;  // the line end closes it
    // What follows: blanks then the next sentence's first character.
    size_t m = k;
    bool spaced = false;
    while (m < t.size()) {
      size_t n = BlankAt(t, m);
      if (!n) break;
      m += n;
      spaced = true;
    }
    if (m >= t.size() || t[m] == '\n') continue;
    size_t len = 0;
    char32_t next = CpAt(t, m, &len);
    bool starts = IsUpperOrDigit(next);
    if (!starts && (IsOpeningQuote(next) || next == '"' || (spaced && IsDashStart(next)))) {
      size_t m2 = m + len;
      while (m2 < t.size()) {
        size_t n = BlankAt(t, m2);
        if (!n) break;
        m2 += n;
      }
      starts = m2 < t.size() && IsUpperOrDigit(CpAt(t, m2, nullptr));
    }
    if (!starts) continue;
    if (single_dot) {
      std::string_view word = WordBefore(t, term, s);
      size_t w0len = 0;
      char32_t w0 = word.empty() ? 0 : CpAt(word, 0, &w0len);
      // One capital letter: an initial ("J. Chirac", "J.-P.") or "M.".
      bool initial =
          !word.empty() && w0len == word.size() && IsUpperOrDigit(w0) && !(w0 >= '0' && w0 <= '9');
      if (initial) continue;
      if (!word.empty() && abbrevs.count(std::string(word))) continue;
      if (InUrlToken(t, term, s)) continue;
      if (!spaced) {
        // Glued: the stop must end a real word, a number or a quotation.
        unsigned char prev = term > s ? static_cast<unsigned char>(t[term - 1]) : 0;
        bool ok = (prev >= '0' && prev <= '9') || prev == '"' || prev == ')' || prev == '%';
        if (!ok && term > s) {
          char32_t pc = CpAt(t, PrevStart(t, term), nullptr);
          ok = IsClosingMark(pc) || pc == 0x2019;
        }
        if (!ok && word.size() >= 2) {
          for (size_t w = 0; w < word.size();) {
            size_t l = 0;
            char32_t c = CpAt(word, w, &l);
            if ((c >= 'a' && c <= 'z') || (c >= 0x80 && u_islower(c))) {
              ok = true;
              break;
            }
            w += l;
          }
        }
        if (!ok) continue;
      }
    }
    emit(s, k);
    s = k;
    quotes = 0;
  }
  emit(s, t.size());
  return out;
}

const Abbreviations& DefaultAbbreviations() {
  static const Abbreviations* abbrevs = [] {
    auto* a = new Abbreviations;
    LoadWordList(DataPath("boilerplate/abbreviations.lst"), a);
    return a;
  }();
  return *abbrevs;
}

}  // namespace clean_internal

std::vector<Span> SplitSentences(std::string_view text) {
  return clean_internal::SplitSentencesWith(text, clean_internal::DefaultAbbreviations());
}

}  // namespace veille
