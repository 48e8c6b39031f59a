// Tokenizer for clean article text; see entities.h for the rules.
#include <algorithm>

#include "entities/text_util.h"
#include "veille/entities.h"

namespace veille {
namespace {

using ner::IsDigit;
using ner::IsLetter;
using ner::IsUpper;
using ner::NextCodePoint;

bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019 || c == 0x02BC; }
bool IsHyphen(char32_t c) { return c == '-' || c == 0x2011 || c == 0x2010; }
bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0 || c == 0x202F ||
         c == 0x2009 || c == 0x2007 || c == 0x200B || c == 0xFEFF || c == 0x3000 ||
         (c >= 0x2000 && c <= 0x200A);
}
bool IsWordChar(char32_t c) { return IsLetter(c) || IsDigit(c); }

char32_t PeekAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  return NextCodePoint(s, i);
}

// French elided words: the apostrophe belongs to them and the next word is a
// token of its own (l'Afghanistan -> l' Afghanistan).
bool IsElision(std::string_view lower) {
  static constexpr std::string_view kElided[] = {"c",      "d",      "j",      "l",     "m",
                                                 "n",      "s",      "t",      "qu",    "jusqu",
                                                 "lorsqu", "puisqu", "quoiqu", "presqu"};
  for (auto e : kElided)
    if (lower == e) return true;
  return false;
}

}  // namespace

TokenizedText TokenizeText(std::string_view text, const std::vector<std::string>* abbreviations) {
  TokenizedText out;
  out.tokens.reserve(text.size() / 5 + 4);
  uint32_t sentence_start = 0;
  auto close_sentence = [&]() {
    uint32_t n = static_cast<uint32_t>(out.tokens.size());
    if (n > sentence_start) out.sentences.push_back({sentence_start, n});
    sentence_start = n;
  };
  bool pending_end = false;  // a terminal mark was seen; decide at the next token
  std::string lower;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    char32_t c = NextCodePoint(text, i);
    if (IsSpace(c)) {
      if (c == '\n') {
        close_sentence();
        pending_end = false;
      }
      continue;
    }
    bool closing = c == 0xBB || c == 0x201D || c == ')' ||
                   (c == '"' && !out.tokens.empty() && out.tokens.back().end == start);
    if (pending_end && !closing) {
      // A new sentence starts with a capital, a digit or an opening mark.
      if (IsUpper(c) || IsDigit(c) || c == 0xAB || c == '"' || c == 0x201C || c == '(' ||
          c == '-' || c == 0x2014 || c == 0x2013)
        close_sentence();
      pending_end = false;
    }
    if (IsWordChar(c)) {
      size_t end = i;
      size_t word_start = start;
      bool has_lower = !IsUpper(c) && IsLetter(c);
      while (end < text.size()) {
        size_t j = end;
        char32_t d = NextCodePoint(text, j);
        if (IsWordChar(d)) {
          if (IsLetter(d) && !IsUpper(d)) has_lower = true;
          end = j;
          continue;
        }
        char32_t next = PeekAt(text, j);
        if (IsHyphen(d) && IsWordChar(next)) {
          end = j;
          continue;
        }
        if ((d == '.' || d == ',') && IsDigit(next) && end > 0 &&
            IsDigit(static_cast<unsigned char>(text[end - 1]))) {
          end = j;
          continue;
        }
        if (d == '&' && IsUpper(next) && !has_lower) {  // AT&T, R&D
          end = j;
          continue;
        }
        if (IsApostrophe(d) && IsLetter(next)) {
          ner::LowerInto(text.substr(word_start, end - word_start), lower);
          if (IsElision(lower)) {
            // Emit the elided word with its apostrophe; continue after it.
            out.tokens.push_back({static_cast<uint32_t>(word_start), static_cast<uint32_t>(j)});
            word_start = j;
            end = j;
            size_t k = j;
            char32_t first = NextCodePoint(text, k);
            has_lower = IsLetter(first) && !IsUpper(first);
            continue;
          }
          // English possessive: Biden's -> Biden 's.
          size_t k = j;
          char32_t s1 = NextCodePoint(text, k);
          if ((s1 == 's' || s1 == 'S') && !IsWordChar(PeekAt(text, k))) break;
          end = j;  // O'Brien, aujourd'hui: the apostrophe stays inside
          continue;
        }
        break;
      }
      // A period after an initial (J.), an acronym (U.S.) or a listed
      // abbreviation (M., Dr.) belongs to the word.
      if (end < text.size() && text[end] == '.') {
        std::string_view w = text.substr(word_start, end - word_start);
        bool attach = false;
        size_t k = 0;
        char32_t first = NextCodePoint(w, k);
        if (k == w.size() && IsUpper(first)) {
          attach = true;
        } else if (abbreviations != nullptr && w.size() <= 6) {
          ner::LowerInto(w, lower);
          attach = std::binary_search(abbreviations->begin(), abbreviations->end(), lower);
        }
        if (attach) {
          ++end;
          // U.S.A.: keep absorbing letter-period pairs.
          while (end + 1 < text.size() && IsUpper(static_cast<unsigned char>(text[end])) &&
                 text[end + 1] == '.' && end - word_start <= 8)
            end += 2;
        }
      }
      out.tokens.push_back({static_cast<uint32_t>(word_start), static_cast<uint32_t>(end)});
      i = end;
      continue;
    }
    // Punctuation and symbols: one token each, "..." as one.
    if (c == '.' && i + 1 < text.size() && text[i] == '.' && text[i + 1] == '.') i += 2;
    if (IsApostrophe(c) && (PeekAt(text, i) == 's' || PeekAt(text, i) == 'S') &&
        !out.tokens.empty() && out.tokens.back().end == start && !IsWordChar(PeekAt(text, i + 1))) {
      i += 1;  // 's
    }
    out.tokens.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
    if (c == '.' || c == '!' || c == '?' || c == 0x2026) pending_end = true;
  }
  close_sentence();
  return out;
}

}  // namespace veille
