// parse_text.cc: the plain-text article layout (date marker, headline, body).
#include <algorithm>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "read/read_internal.h"
#include "veille/read.h"
#include "veille/utf8.h"

namespace veille {
namespace {

using read_internal::IsAsciiSpace;
using read_internal::TrimBlanks;

// Above these a first line is a paragraph, not a headline: French and English
// news headlines run to about 120 characters (99.9% of wire headlines are
// under 145), while first paragraphs run to 200-400.
constexpr size_t kMaxHeadlineCodePoints = 180;
constexpr size_t kMaxHeadlineWords = 32;

// Blanks ignored when matching credit prefixes: ASCII blanks, U+00A0, U+202F,
// so "Source : X", "Source: X" and "Source\u00a0: X" all match "source:".
std::string CompactLower(std::string_view s, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  for (size_t i = 0; i < s.size() && out.size() < max_bytes; ++i) {
    char c = s[i];
    if (IsAsciiSpace(c)) continue;
    if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
      ++i;
      continue;
    }
    if (c == '\xE2' && i + 2 < s.size() && s[i + 1] == '\x80' && s[i + 2] == '\xAF') {
      i += 2;
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    // É (U+00C9) -> é (U+00E9), the one capital accent credit words start with.
    if (c == '\xC3' && i + 1 < s.size() && s[i + 1] == '\x89') {
      out += "\xC3\xA9";
      ++i;
      continue;
    }
    out += c;
  }
  return out;
}

struct CreditPrefixes {
  std::vector<std::string> prefixes;  // compacted, lower case
  bool loaded = false;
  size_t longest = 0;
};

const CreditPrefixes& Credits() {
  static const CreditPrefixes* credits = [] {
    auto* c = new CreditPrefixes;
    std::ifstream in(DataPath("read/credit_prefixes.txt"));
    if (!in) return c;
    c->loaded = true;
    std::string line;
    while (std::getline(in, line)) {
      std::string_view t = TrimBlanks(line);
      if (t.empty() || t[0] == '#') continue;
      std::string p = CompactLower(t, t.size());
      c->longest = std::max(c->longest, p.size());
      c->prefixes.push_back(std::move(p));
    }
    return c;
  }();
  return *credits;
}

bool IsCreditLine(std::string_view line) {
  const CreditPrefixes& c = Credits();
  std::string head = CompactLower(line, c.longest);
  for (const std::string& p : c.prefixes) {
    if (head.compare(0, p.size(), p) == 0) return true;
  }
  // A copyright sign anywhere in a short line: "AFP/Archives ©".
  return line.size() < 200 && line.find("\xC2\xA9") != std::string_view::npos;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

size_t CountWords(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool blank = IsAsciiSpace(c);
    if (!blank && !in_word) ++n;
    in_word = !blank;
  }
  return n;
}

// Strips closing quotes and brackets so that `… « rien ».` and `… (AFP)`
// expose their final punctuation.
std::string_view StripClosers(std::string_view s) {
  for (;;) {
    s = TrimBlanks(s);
    if (s.empty()) return s;
    char c = s.back();
    if (c == '"' || c == '\'' || c == ')' || c == ']') {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xBB") {  // »
      s.remove_suffix(2);
    } else if (s.size() >= 3 && (s.substr(s.size() - 3) == "\xE2\x80\x9D" ||   // ”
                                 s.substr(s.size() - 3) == "\xE2\x80\x99")) {  // ’
      s.remove_suffix(3);
    } else {
      return s;
    }
  }
}

// A sentence ends with a full stop (not an ellipsis) or, for a line that runs
// on, with ',', ';' or ':'. Headlines end with a word, '?', '!' or '…'.
bool EndsLikeSentenceOrRunsOn(std::string_view line) {
  std::string_view s = StripClosers(line);
  if (s.empty()) return true;
  char c = s.back();
  if (c == '.') return s.size() < 3 || s.substr(s.size() - 3) != "...";
  return c == ',' || c == ';' || c == ':' || c == '-';
}

// Headlines start with a capital, a digit or an opening quote; a lower-case
// start is a fragment, a bullet or footnote mark starts a list or a note.
bool StartsLikeHeadline(std::string_view line) {
  if (line.empty()) return false;
  unsigned char c = static_cast<unsigned char>(line[0]);
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') return true;
    if (c >= '0' && c <= '9') return true;
    return c == '"' || c == '\'';
  }
  size_t i = 0;  // the text is valid UTF-8 by now
  char32_t cp = DecodeUtf8(line, i);
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;  // Latin-1 capitals
  if (cp >= 0xDF && cp <= 0xFF) return false;       // Latin-1 lower case
  if (cp == 0x2022 || cp == 0x2013 || cp == 0x2014 || cp == 0x25CF) return false;  // • – — ●
  return true;  // « “ ‘ and letters of other scripts
}

// Two sentences on one line ("… hier. Le …") make a paragraph, not a
// headline. Not sentence ends: "M. Dupont", initials ("J.K. Rowling"), an
// ellipsis ("Tabac, gaz... Ce qui change") and a leading upper-case rubric
// ("VIDÉO. Premières images").
bool HasInnerSentenceBreak(std::string_view line) {
  for (size_t i = line.find(". "); i != std::string_view::npos; i = line.find(". ", i + 1)) {
    size_t w = i;
    while (w > 0 && !IsAsciiSpace(line[w - 1])) --w;
    std::string_view word = line.substr(w, i - w);
    if (word.size() < 3 || word.find('.') != std::string_view::npos) continue;
    bool rubric = w == 0 && std::none_of(word.begin(), word.end(),
                                         [](char c) { return c >= 'a' && c <= 'z'; });
    if (rubric) continue;
    size_t j = i + 2;
    while (j < line.size() && line[j] == ' ') ++j;
    if (j < line.size() && line[j] >= 'A' && line[j] <= 'Z') return true;
    if (j + 1 < line.size() && line[j] == '\xC3' &&
        static_cast<unsigned char>(line[j + 1]) >= 0x80 &&
        static_cast<unsigned char>(line[j + 1]) <= 0x9E)
      return true;
  }
  return false;
}

// Words with at least one letter: "1 juillet" (a dateline) has one, a
// headline has at least two.
size_t CountLetterWords(std::string_view s) {
  size_t n = 0;
  bool in_word = false, counted = false;
  for (char c : s) {
    if (IsAsciiSpace(c)) {
      in_word = false;
      continue;
    }
    if (!in_word) counted = false;
    in_word = true;
    bool letter =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0xC0;
    if (letter && !counted) {
      ++n;
      counted = true;
    }
  }
  return n;
}

bool IsUrl(std::string_view line) {
  return line.rfind("http://", 0) == 0 || line.rfind("https://", 0) == 0 ||
         line.rfind("www.", 0) == 0;
}

// The line itself could be a headline (ignoring what follows it).
bool LineLooksLikeHeadline(std::string_view line) {
  if (line.empty() || !StartsLikeHeadline(line) || IsUrl(line)) return false;
  size_t words = CountWords(line);
  if (words > kMaxHeadlineWords || CountLetterWords(line) < 2) return false;
  if (CountCodePoints(line) > kMaxHeadlineCodePoints) return false;
  if (EndsLikeSentenceOrRunsOn(line)) return false;
  if (HasInnerSentenceBreak(line)) return false;
  return !IsCreditLine(line);
}

// Splits `text` at the first '\n' at or after `pos`: returns the line (without
// the '\n') and moves `pos` past it.
std::string_view NextLine(std::string_view text, size_t* pos) {
  size_t b = *pos;
  size_t e = text.find('\n', b);
  if (e == std::string_view::npos) {
    *pos = text.size();
    return text.substr(b);
  }
  *pos = e + 1;
  return text.substr(b, e - b);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Matches "date YYYY-MM[-DD]" at text[pos] (blanks before it already
// skipped), followed by a blank or the end. On success returns the date and
// moves pos past it.
std::string MatchDateMarker(std::string_view text, size_t* pos) {
  size_t p = *pos;
  if (text.size() - p < 12) return {};
  std::string_view word = text.substr(p, 4);
  if (word != "date" && word != "Date" && word != "DATE") return {};
  p += 4;
  if (text[p] != ' ' && text[p] != '\t' && text[p] != ':') return {};
  while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == ':')) ++p;
  size_t b = p;
  while (p < text.size() && (IsDigit(text[p]) || text[p] == '-')) ++p;
  if (p < text.size() && !IsAsciiSpace(text[p])) return {};
  std::string date = NormalizeDate(text.substr(b, p - b));
  if (date.size() < 7) return {};  // a bare year is too weak a signal here
  *pos = p;
  return date;
}

}  // namespace

Result<RawArticle> ParseTextArticle(std::string_view id, std::string_view source,
                                    std::string_view bytes) {
  RawArticle a;
  a.id = std::string(id);
  a.source = std::string(source);
  size_t slash = source.rfind('/');
  a.source_group = slash == std::string_view::npos ? "." : std::string(source.substr(0, slash));
  a.metadata_json = "{}";

  std::string repaired;
  read_internal::CopyRepairingUtf8(bytes, &repaired, source, &a.diagnostics);

  // Line endings are a file convention, not text: CRLF and lone CR become LF
  // so that every later stage sees one kind of line break.
  std::string_view in = repaired;
  if (in.substr(0, 3) == "\xEF\xBB\xBF") in.remove_prefix(3);  // BOM
  std::string text;
  text.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      text += '\n';
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else {
      text += in[i];
    }
  }

  if (!Credits().loaded) {
    a.diagnostics.push_back(read_internal::Warning(
        source, "data file " + DataPath("read/credit_prefixes.txt") +
                    " not found: headlines are detected without credit-line rules"));
  }

  std::string_view t = text;
  size_t pos = 0;
  while (pos < t.size() && IsAsciiSpace(t[pos])) ++pos;
  if (pos == t.size()) return Error::BadInput(std::string(source) + ": empty text");

  // The optional date marker: " date 2021-08" then a newline or the first
  // paragraph on the same line.
  if (std::string date = MatchDateMarker(t, &pos); !date.empty()) {
    a.date = std::move(date);
    while (pos < t.size() && IsAsciiSpace(t[pos])) ++pos;
  }

  // The headline: the first line, if it looks like one and body text follows
  // (after blank lines or directly, but not a credit line: that makes the
  // first line a photo caption).
  size_t body_start = pos;
  {
    size_t p = pos;
    std::string_view first = TrimBlanks(NextLine(t, &p));
    if (LineLooksLikeHeadline(first)) {
      bool blank_between = false;
      std::string_view next;
      while (p < t.size()) {
        size_t line_start = p;
        std::string_view line = TrimBlanks(NextLine(t, &p));
        if (line.empty()) {
          blank_between = true;
          continue;
        }
        next = line;
        p = line_start;
        break;
      }
      bool body_follows = !next.empty() && !IsCreditLine(next);
      if (body_follows && !blank_between) {
        // Glued to the next line: only a headline if that line reads as body
        // text (a full sentence or longer), not as a second short line.
        body_follows = EndsLikeSentenceOrRunsOn(next) || next.size() > first.size();
      }
      if (body_follows) {
        a.title = std::string(first);
        body_start = p;
      }
    }
  }

  // Only ASCII blanks are trimmed: a leading U+00A0 may be part of the text.
  size_t b = body_start;
  while (b < t.size() && IsAsciiSpace(t[b])) ++b;
  size_t e = t.size();
  while (e > b && IsAsciiSpace(t[e - 1])) --e;
  std::string_view body = t.substr(b, e - b);
  if (body.empty()) return Error::BadInput(std::string(source) + ": empty text");
  a.text = std::string(body);
  return a;
}

}  // namespace veille
