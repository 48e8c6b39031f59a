// marks.cc: pairing quote marks into quotations (all mark styles, straight
// quotes read from context, unterminated quotations ended at their incise).
#include <algorithm>
#include <cstring>
#include <span>

#include "quotes/extraction.h"

namespace veille {
namespace quotes {

// Whether the word starting at s[i] (after spaces) is a speech cue, or an
// inverted verb (a-t-il): used to end an unterminated quotation at its
// incise.
bool Extraction::CueWordAt(size_t i) {
  while (i < text.size() && text[i] == ' ') ++i;
  size_t j = i;
  while (j < text.size()) {
    size_t len;
    char32_t c = PeekCp(text, j, &len);
    if (!IsWordCp(c) && c != '-') break;
    j += len;
  }
  if (j == i) return false;
  std::string_view w = Lower(uint32_t(i), uint32_t(j));
  if (w.find("-t-") != std::string_view::npos) return true;
  if (w.size() > 3 && (w.ends_with("-il") || w.ends_with("-elle"))) return true;
  auto it = lex.cues.find(w);
  if (it != lex.cues.end()) {
    for (const CueForm& f : it->second) {
      if (f.kind == CueKind::kVerb && (f.langs & langs)) return true;
    }
  }
  if (w == "a" || w == "avait" || w == "he" || w == "she") return CueWordAt(j);
  return false;
}

// End of an unterminated quotation opened at `from`: its first incise
// (", a-t-il ajouté") within three sentences, else the end of its first
// sentence, else `limit`.
uint32_t Extraction::RecoverEnd(size_t from, size_t limit) {
  // An incise within its first three sentences ends it (« …. Ensuite la
  // pandémie a frappé, déplore X, …): the words before it are the quotation.
  int ends = 0;
  for (size_t i = from; i < limit && i < from + 600 && ends < 3;) {
    size_t len;
    char32_t c = PeekCp(text, i, &len);
    if (c == '\n') break;
    if (c == ',' && CueWordAt(i + 1)) return uint32_t(i);
    if (IsSentencePunct(c)) ++ends;
    i += len;
  }
  size_t i = from;
  while (i < limit) {
    size_t len;
    char32_t c = PeekCp(text, i, &len);
    if (c == '\n') return uint32_t(i);
    if (c == ',' && CueWordAt(i + 1)) return uint32_t(i);
    if (IsSentencePunct(c)) {
      size_t j = i + len;
      while (j < limit && (text[j] == '.' || text[j] == '!' || text[j] == '?')) ++j;
      if (j >= limit) return uint32_t(limit);
      size_t l2;
      char32_t n = PeekCp(text, j, &l2);
      if (IsUpperCp(n) || n == '\n') return uint32_t(j);
      if (n == ' ') {
        size_t k = j;
        while (k < limit && text[k] == ' ') ++k;
        if (k < limit && IsUpperCp(PeekCp(text, k, &l2))) return uint32_t(j);
      }
    }
    i += len;
  }
  return uint32_t(limit);
}

void Extraction::Emit(uint32_t open_b, uint32_t open_e, uint32_t close_b, uint32_t close_e,
                      std::vector<std::pair<uint32_t, uint32_t>> skips) {
  uint32_t b = open_e, e = close_b;
  size_t len;
  while (b < e && IsSpace(PeekCp(text, b, &len))) b += uint32_t(len);
  while (e > b && IsSpace(PrevCp(text, e))) {
    uint32_t j = e - 1;
    while (j > b && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) --j;
    e = j;
  }
  if (b >= e) return;
  if (!raw.empty() && raw.back().end > b) return;  // never overlap
  raw.push_back({open_b, open_e, close_b, close_e, b, e, std::move(skips)});
}

// The first byte at or after i that may start a quote mark or a newline:
// '"', '\n', or the lead byte of « » (C2) or of the marks in U+2000..U+203F
// (E2); text.size() if none. Eight bytes at a time (a zero byte in
// v ^ broadcast(b) is a byte equal to b).
size_t Extraction::NextMarkCandidate(size_t i) const {
  const size_t n = text.size();
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto has_byte = [](uint64_t v, unsigned char b) {
    uint64_t x = v ^ (kOnes * b);
    return (x - kOnes) & ~x & kHighs;
  };
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, text.data() + i, 8);
    if (has_byte(v, '"') | has_byte(v, '\n') | has_byte(v, 0xC2) | has_byte(v, 0xE2)) break;
  }
  for (; i < n; ++i) {
    unsigned char c = text[i];
    if (c == '"' || c == 0xC2 || c == 0xE2 || c == '\n') return i;
  }
  return n;
}

// The ' that opens the quotation closed at `close` when an apostrophe was
// typed for its opening mark: the last ' after a space or an opening
// parenthesis and before a letter, after the previous quotation and in the
// same paragraph; `close` if none.
uint32_t Extraction::ApostropheOpener(uint32_t close) const {
  uint32_t lo = raw.empty() ? 0 : raw.back().close_e;
  size_t nl = text.rfind('\n', close);
  if (nl != std::string_view::npos && nl >= lo) lo = uint32_t(nl + 1);
  for (uint32_t i = close; i > lo;) {
    --i;
    if (text[i] != '\'') continue;
    char32_t p = PrevCp(text, i);
    size_t len;
    char32_t nx = i + 1 < close ? PeekCp(text, i + 1, &len) : 0;
    if ((IsSpace(p) || p == '(') && IsLetter(nx)) return i;
  }
  return close;
}

// Whether the straight mark ending at `from` opens words quoted inside an
// open quotation: a straight mark that closes (a letter before it) comes
// within five words, before any sentence ends.
bool Extraction::InnerWordsQuoted(size_t from) const {
  int words = 0;
  bool in_word = false;
  for (size_t i = from; i < text.size() && i < from + 80;) {
    size_t len;
    char32_t c = PeekCp(text, i, &len);
    if (c == '"') return i > from && !IsSpace(PrevCp(text, i)) && words <= 5;
    if (IsSentencePunct(c) || c == '\n' || IsQuoteCp(c)) return false;
    bool w = IsWordCp(c);
    if (w && !in_word) ++words;
    in_word = w;
    i += len;
  }
  return false;
}

// Whether text [from, to) holds an incise (", a-t-il insisté"): then a
// quotation opened at `from` and still open at `to` was never closed.
bool Extraction::HasIncise(size_t from, size_t to) {
  for (size_t i = text.find(',', from); i < to; i = text.find(',', i + 1))
    if (CueWordAt(i + 1)) return true;
  return false;
}

// Pairs quote marks into outermost quotations.
void Extraction::FindQuotes() {
  struct Open {
    uint32_t b, e;
    Family fam;
  };
  std::vector<Open> stack;
  std::vector<std::pair<uint32_t, uint32_t>> skips;
  size_t skip_at = std::string_view::npos;  // a continuation mark to pass over
  const size_t n = text.size();
  auto close_outer = [&](uint32_t cb, uint32_t ce) {
    Open o = stack.front();
    stack.clear();
    Emit(o.b, o.e, cb, ce, std::move(skips));
    skips.clear();
  };
  auto recover_outer = [&](size_t limit) {
    Open o = stack.front();
    uint32_t end = RecoverEnd(o.e, limit);
    stack.clear();
    Emit(o.b, o.e, end, end, std::move(skips));
    skips.clear();
  };
  for (size_t i = 0; i < n;) {
    i = NextMarkCandidate(i);
    if (i >= n) break;
    size_t len;
    char32_t c = PeekCp(text, i, &len);
    uint32_t b = uint32_t(i), e = uint32_t(i + len);
    i += len;
    if (c == '\n') {
      if (stack.empty()) continue;
      // A quotation running into the next paragraph: English and French
      // usage reopen it with the same mark at the paragraph start.
      size_t j = i;
      while (j < n && (text[j] == '\n' || text[j] == ' ' || text[j] == '\t')) ++j;
      size_t l2;
      char32_t nc = j < n ? PeekCp(text, j, &l2) : 0;
      Family f = stack.front().fam;
      bool reopen = (f == kGuillemet && nc == 0xAB) || (f == kCurly && nc == 0x201C) ||
                    (f == kLow && nc == 0x201E) || (f == kStraight && nc == '"') ||
                    (f == kSingle && nc == 0x2018);
      if (reopen && stack.size() == 1) {
        skip_at = j;
        skips.push_back({uint32_t(j), uint32_t(j + l2)});
      } else {
        recover_outer(b);
      }
      continue;
    }
    if (b == skip_at) {
      skip_at = std::string_view::npos;
      continue;
    }
    if (!IsQuoteCp(c)) continue;
    char32_t p = PrevCp(text, b);
    size_t l2;
    char32_t nx = e < n ? PeekCp(text, e, &l2) : 0;
    Family top = stack.empty() ? kNone : stack.back().fam;
    auto has = [&](Family f) {
      for (const Open& o : stack) {
        if (o.fam == f) return true;
      }
      return false;
    };
    auto pop_to = [&](Family f) {
      while (!stack.empty() && stack.back().fam != f) stack.pop_back();
      if (stack.size() == 1) {
        close_outer(b, e);
      } else if (!stack.empty()) {
        stack.pop_back();
      }
    };
    switch (c) {
      case 0xAB:  // «
        stack.push_back({b, e, kGuillemet});
        break;
      case 0x2039:  // ‹
        stack.push_back({b, e, kSingleGuil});
        break;
      case 0x201E:  // „
        stack.push_back({b, e, kLow});
        break;
      case 0xBB:  // »
        if (has(kGuillemet)) pop_to(kGuillemet);
        break;
      case 0x203A:  // ›
        if (has(kSingleGuil)) pop_to(kSingleGuil);
        break;
      case 0x201C:  // “ closes „ (German usage), else opens.
        if (top == kLow) {
          pop_to(kLow);
        } else {
          stack.push_back({b, e, kCurly});
        }
        break;
      case 0x201D:  // ”
        if (has(kCurly) || has(kLow)) {
          pop_to(has(kCurly) ? kCurly : kLow);
        } else if (IsSpace(p) && !IsSpace(nx)) {
          stack.push_back({b, e, kCurly});  // ” typed for both marks
        }
        break;
      case 0x2018:  // ‘ opens only before a word, after a non-letter
        if (!IsLetter(p) && !IsSpace(nx)) stack.push_back({b, e, kSingle});
        break;
      case 0x2019:  // ’ between letters is an apostrophe, never a mark
        if (top == kSingle && !(IsLetter(p) && IsLetter(nx)) && !IsSpace(p)) pop_to(kSingle);
        break;
      case '"': {
        // Straight quotes carry no direction: read it from the context.
        // Wire text glues paragraphs (`blessés".L'incident`, `jeudi."Le`).
        enum { kOpen, kClose, kAmbig } dir;
        bool sp = IsSpace(p), sn = IsSpace(nx);
        const bool punct_after = nx == ',' || nx == '.' || nx == ';' || nx == ')' || nx == 0x2026;
        if ((sp && punct_after && has(kStraight)) ||
            ((p == '\'' || p == 0x2019) && has(kStraight) &&
             IsSentencePunct(PrevCp(text, b - (p == '\'' ? 1 : 3))))) {
          // (and `payée.'"Le ministre`: the inner quotation's mark, then
          // the outer one's)
          dir = kClose;  // `mois ", a-t-elle raconté`: a space typed before the closing mark
        } else if (sp && !sn) {
          dir = kOpen;
        } else if (!sp && sn) {
          dir = kClose;
        } else if (sp && sn) {
          dir = kAmbig;
        } else if (nx == '.' || nx == ',' || nx == ';' || nx == ':' || nx == '!' || nx == '?' ||
                   nx == ')' || nx == ']' || nx == 0x2026 || nx == '\'' || IsQuoteCp(nx)) {
          dir = kClose;
        } else if (IsSentencePunct(p) && IsUpperCp(nx) && has(kStraight)) {
          // `abattoirs."Par ailleurs`: a paragraph glued after a quotation
          // that ends it; quotations are balanced, so the open one closes.
          dir = kClose;
        } else if (IsSentencePunct(p) || p == ':' || p == ';' || p == ',' || p == '(' || p == '[' ||
                   p == 0x2014 || p == 0x2013 || IsQuoteCp(p) || p == '\'') {
          dir = kOpen;
        } else {
          dir = kAmbig;
        }
        if (dir == kAmbig) dir = has(kStraight) ? kClose : kOpen;
        if (dir == kClose) {
          if (has(kStraight)) {
            pop_to(kStraight);
          } else if (top == kCurly || top == kLow) {
            pop_to(top);  // “…" : mixed marks, common in web copy
          } else if (stack.empty()) {
            // A closing mark with none open: '…" typed with an apostrophe
            // for the opening mark (after a space, before a letter); or the
            // previous quotation's glued closing mark stood for two (2026"Il
            // faudra …" : the opening mark of the next one was lost).
            uint32_t ob = ApostropheOpener(b);
            if (ob != b) {
              Emit(ob, ob + 1, b, e, {});
            } else if (!raw.empty() && raw.back().close_e < b &&
                       raw.back().close_e > raw.back().close_b &&
                       !IsSpace(PrevCp(text, raw.back().close_b)) &&
                       IsUpperCp(PeekCp(text, raw.back().close_e, &l2)) &&
                       text.substr(raw.back().close_e, b - raw.back().close_e).find('\n') ==
                           std::string_view::npos) {
              Emit(raw.back().close_b, raw.back().close_e, b, e, {});
            }
          }
        } else if (has(kStraight) && p != ':' && !(p == ' ' && PrevCp(text, b - 1) == ':') &&
                   !HasIncise(stack.front().e, b) && InnerWordsQuoted(e)) {
          // Words quoted inside the quotation (Les "yag". C'est "gay" à
          // l'envers): a short span closed before the sentence ends.
          stack.push_back({b, e, kStraight});
        } else if (has(kStraight)) {
          // Two openers in a row: the first quotation was never closed.
          if (stack.front().fam == kStraight) {
            recover_outer(b);
          } else {
            while (stack.back().fam != kStraight) stack.pop_back();
            stack.pop_back();
          }
          stack.push_back({b, e, kStraight});
        } else {
          stack.push_back({b, e, kStraight});
        }
        break;
      }
      default:
        break;
    }
  }
  if (!stack.empty()) recover_outer(n);
}

}  // namespace quotes
}  // namespace veille
