// extract.cc: finds direct quotations (quote-mark pairing) and attributes
// them to a speaker (speech cues, subject/inverted/pronoun positions, role
// mentions, continuation).
#include <algorithm>
#include <cstring>
#include <span>

#include "quotes/lexicon.h"
#include "veille/quotes.h"
#include "veille/utf8.h"

namespace veille {

using quotes::CueForm;
using quotes::CueKind;

namespace {

// ------------------------------------------------------------ characters --

// Quote-mark families. A mark opens or closes a quotation of its family.
enum Family : uint8_t {
  kNone = 0,
  kGuillemet,   // « »
  kSingleGuil,  // ‹ ›
  kCurly,       // “ ”
  kLow,         // „ closed by “ or ”
  kSingle,      // ‘ ’
  kStraight,    // "
};

// Reads the code point at s[i] (valid UTF-8 assumed but bounds-checked).
char32_t PeekCp(std::string_view s, size_t i, size_t* len) {
  unsigned char c = s[i];
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + n > s.size()) {
    *len = 1;
    return 0xFFFD;
  }
  size_t j = i;
  char32_t cp = DecodeUtf8(s, j);
  *len = j > i ? j - i : 1;
  return cp;
}

// The code point that ends just before s[i] (start of text → 0).
char32_t PrevCp(std::string_view s, size_t i) {
  if (i == 0) return 0;
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && i - j < 4) --j;
  size_t len;
  return PeekCp(s, j, &len);
}

bool IsSpace(char32_t c) {
  return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F ||
         c == 0x2009 || c == 0x2007 || c == 0x200B;
}

bool IsQuoteCp(char32_t c) {
  return c == '"' || c == 0xAB || c == 0xBB || c == 0x2018 || c == 0x2019 || c == 0x201C ||
         c == 0x201D || c == 0x201E || c == 0x2039 || c == 0x203A;
}

// Letters and digits: ASCII alnum, and every non-ASCII code point that is
// not punctuation or space we know of (accented letters, CJK ...).
bool IsWordCp(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (IsSpace(c) || IsQuoteCp(c)) return false;
  if (c >= 0x2000 && c <= 0x206F) return false;  // general punctuation block
  if (c == 0xB0 || c == 0xA7 || c == 0xB7 || c == 0xD7 || c == 0xF7 || c == 0xAD) return false;
  return true;
}

bool IsLetter(char32_t c) { return IsWordCp(c) && !(c >= '0' && c <= '9'); }

bool IsUpperCp(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
         (c >= 0x100 && c <= 0x17F && (c % 2 == 0) && c != 0x138) || (c >= 0x391 && c <= 0x3A9) ||
         (c >= 0x410 && c <= 0x42F);
}

bool IsSentencePunct(char32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }

// ---------------------------------------------------------------- tokens --

enum TokFlag : uint16_t {
  kWord = 1 << 0,
  kCap = 1 << 1,
  kAllCaps = 1 << 2,
  kInvPron = 1 << 3,  // verb with inverted subject pronoun: a-t-il, dit-elle
  kSentEnd = 1 << 4,  // punctuation or newline ending a sentence
  kNewline = 1 << 5,
  kComma = 1 << 6,
  kInvPronPl = 1 << 7,  // ... plural pronoun: ont-ils
  kColon = 1 << 8,
  kInParen = 1 << 9,  // inside ( ): asides such as (D-N.C.) are never subjects
  kDash = 1 << 10,    // — ― –
};

struct Tok {
  uint32_t b = 0, e = 0;
  uint32_t cls = 0;  // WordClass bits of the lowercased word
  uint16_t flags = 0;
  uint8_t cue_len = 0;  // tokens in the cue form starting here (0: none)
  CueKind cue_kind = CueKind::kVerb;
  int32_t quote = -1;  // index of the quotation containing it
  int32_t sent = 0;    // sentence number
};

struct Mention {
  enum Kind : uint8_t { kName, kRole, kPron, kPronPl };
  Kind kind = kName;
  int tb = 0, te = 0;    // tokens [tb, te)
  bool prep = false;     // a complement (de X, à X, to X), not a subject
  bool per = false;      // a person (hint PER, two words, title, ...)
  bool org = false;      // role noun of an institution, ORG hint, acronym
  bool definite = true;  // role with a definite determiner (or none)
  int hint = -1;
  uint32_t b = 0, e = 0;
};

// A found quotation, before attribution: marks and inner text span.
struct RawQuote {
  uint32_t open_b, open_e, close_b, close_e;
  uint32_t begin, end;                               // trimmed inner span
  std::vector<std::pair<uint32_t, uint32_t>> skips;  // continuation marks inside
};

struct Attribution {
  int mention = -1;  // index into mentions, or -1
  int cue_tok = -1;
  int cue_end = -1;
  int inv_tok = -1;  // token holding an inverted pronoun (a-t-il)
  bool found_cue = false;
};

}  // namespace

// ------------------------------------------------------------- extractor --

struct Extraction {
  const QuoteExtractor::Lexicon& lex;
  std::string_view text;
  const std::vector<SpeakerHint>& hints;
  std::vector<Tok> toks;
  std::vector<Mention> mentions;
  std::vector<RawQuote> raw;
  mutable std::string lower;                          // scratch buffer, reused per token
  uint8_t langs = quotes::kLangFr | quotes::kLangEn;  // cue sets in use

  Extraction(const QuoteExtractor::Lexicon& l, std::string_view t,
             const std::vector<SpeakerHint>& h)
      : lex(l), text(t), hints(h) {}

  // Returns the lowercased word at [b, e) in `lower`.
  std::string_view Lower(uint32_t b, uint32_t e) const {
    lower.clear();
    quotes::AppendLower(text.substr(b, e - b), lower);
    return lower;
  }

  // ---------------------------------------------------------- quote marks --

  // Whether the word starting at s[i] (after spaces) is a speech cue, or an
  // inverted verb (a-t-il): used to end an unterminated quotation at its
  // incise.
  bool CueWordAt(size_t i) {
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
  // (", a-t-il ajouté"), else the end of its first sentence, else `limit`.
  uint32_t RecoverEnd(size_t from, size_t limit) {
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

  void Emit(uint32_t open_b, uint32_t open_e, uint32_t close_b, uint32_t close_e,
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
  size_t NextMarkCandidate(size_t i) const {
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

  // Pairs quote marks into outermost quotations.
  void FindQuotes() {
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
          if (sp && !sn) {
            dir = kOpen;
          } else if (!sp && sn) {
            dir = kClose;
          } else if (sp && sn) {
            dir = kAmbig;
          } else if (nx == '.' || nx == ',' || nx == ';' || nx == ':' || nx == '!' || nx == '?' ||
                     nx == ')' || nx == ']' || nx == 0x2026 || nx == '\'' || IsQuoteCp(nx)) {
            dir = kClose;
          } else if (IsSentencePunct(p) || p == ':' || p == ';' || p == ',' || p == '(' ||
                     p == '[' || p == 0x2014 || p == 0x2013 || IsQuoteCp(p) || p == '\'') {
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
            }
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

  // -------------------------------------------------------------- tokens --

  void Tokenize() {
    const size_t n = text.size();
    toks.reserve(n / 5 + 16);
    std::string word_lower(n, '\0');  // each word's lowercase, written in place
    size_t i = 0;
    int sent = 0;
    int paren = 0;
    while (i < n) {
      size_t len;
      char32_t c = PeekCp(text, i, &len);
      if (c == '\n') {
        Tok t;
        t.b = uint32_t(i);
        t.e = uint32_t(i + 1);
        t.flags = kNewline | kSentEnd;
        t.sent = sent++;
        paren = 0;
        toks.push_back(t);
        i += 1;
        continue;
      }
      if (IsSpace(c)) {
        i += len;
        continue;
      }
      if (IsWordCp(c)) {
        // The lowercase of an ASCII word is written to `lw` as it is read;
        // other words are lowercased whole once read.
        char* lw = word_lower.data();
        auto ascii_lower = [](unsigned b) { return char(b - 'A' < 26u ? b + 32 : b); };
        bool ascii = c < 0x80;
        if (ascii) lw[0] = ascii_lower(c);
        size_t j = i + len;
        bool upper_first = IsUpperCp(c), all_caps = upper_first, hyphen = false;
        while (j < n) {
          unsigned byte = static_cast<unsigned char>(text[j]);
          if (byte < 0x80 && ((byte | 0x20u) - 'a' < 26u || byte - '0' < 10u)) {
            // ASCII fast path: most bytes of French and English text.
            if (byte - 'a' < 26u) all_caps = false;
            lw[j - i] = ascii_lower(byte);
            ++j;
            continue;
          }
          if (byte < 0x80 && byte != '-' && byte != '\'') break;  // space, punctuation
          size_t l2;
          char32_t d = PeekCp(text, j, &l2);
          if (IsWordCp(d)) {
            if (!IsUpperCp(d) && IsLetter(d)) all_caps = false;
            ascii = false;
            j += l2;
            continue;
          }
          // Hyphen inside a word (porte-parole, a-t-il, al-Assad).
          if (d == '-' && j + 1 < n) {
            size_t l3;
            char32_t d2 = PeekCp(text, j + 1, &l3);
            if (IsWordCp(d2)) {
              lw[j - i] = '-';
              j += 1;
              hyphen = true;
              continue;
            }
          }
          // Elision apostrophe: l’officiel → l’ + officiel.
          if ((d == '\'' || d == 0x2019) && j + l2 < n) {
            size_t l3;
            char32_t d2 = PeekCp(text, j + l2, &l3);
            if (IsLetter(d2)) {
              lw[j - i] = '\'';
              ascii = ascii && d == '\'';
              j += l2;
            }
          }
          break;
        }
        Tok t;
        t.b = uint32_t(i);
        t.e = uint32_t(j);
        t.flags = kWord;
        if (upper_first) t.flags |= kCap;
        if (all_caps && j - i >= 2) t.flags |= kAllCaps;
        std::string_view w(
            lw, ascii ? j - i : size_t(quotes::LowerInto(text.substr(i, j - i), lw) - lw));
        // Inverted subject pronoun (hyphenated words only): a-t-il, ajoute-t-elle,
        // dit-il, ont-ils.
        static constexpr std::string_view kSuffixes[] = {"-t-il", "-t-elle", "-t-on", "-il",
                                                         "-elle", "-ils",    "-elles"};
        for (std::string_view suf : hyphen ? kSuffixes : std::span<const std::string_view>()) {
          if (w.size() > suf.size() + 1 && w.ends_with(suf)) {
            // "a-t-on appris": impersonal, names nobody.
            if (suf != "-t-on") t.flags |= suf.ends_with("s") ? kInvPronPl : kInvPron;
            w = w.substr(0, w.size() - suf.size());
            if (w.ends_with("-t")) w = w.substr(0, w.size() - 2);
            break;
          }
        }
        t.cls = lex.Classes(w);
        if (t.cls & quotes::kCueFirst) MatchCue(t, w);
        t.sent = sent;
        if (paren > 0) t.flags |= kInParen;
        toks.push_back(t);
        i = j;
        continue;
      }
      Tok t;
      t.b = uint32_t(i);
      t.e = uint32_t(i + len);
      t.sent = sent;
      if (c == ',') t.flags |= kComma;
      if (c == ':') t.flags |= kColon;
      if (c == 0x2014 || c == 0x2015 || c == 0x2013) t.flags |= kDash;
      if (c == '(') ++paren;
      if (c == ')' && paren > 0) --paren;
      if (paren > 0 || c == ')') t.flags |= kInParen;
      if (IsSentencePunct(c) && paren == 0 && !IsDotInsideWord(i, c)) {
        t.flags |= kSentEnd;
        ++sent;
      }
      toks.push_back(t);
      i += len;
    }
  }

  // A full stop after an abbreviation (M. Dupont), an initial (J. Smith) or
  // between digits (3.5) does not end the sentence.
  bool IsDotInsideWord(size_t i, char32_t c) {
    if (c != '.' || toks.empty()) return false;
    const Tok& prev = toks.back();
    if (!(prev.flags & kWord) || prev.e != i) return false;
    if (prev.cls & quotes::kAbbrev) return true;
    if (prev.e - prev.b == 1 && (prev.flags & kCap)) return true;
    size_t l;
    if (i + 1 < text.size() && IsWordCp(PeekCp(text, i + 1, &l)) && text[i + 1] >= '0' &&
        text[i + 1] <= '9' && text[prev.e - 1] >= '0' && text[prev.e - 1] <= '9')
      return true;
    return false;
  }

  // Fills t.cue_len when a cue form starts at the word `w` (about to be
  // appended to toks): later words are compared when the next tokens come,
  // so multi-word forms are checked lazily in CueAt().
  void MatchCue(Tok& t, std::string_view w) {
    auto it = lex.cues.find(w);
    if (it == lex.cues.end()) return;
    bool any = false;
    for (const CueForm& f : it->second) {
      if (!(f.langs & langs)) continue;
      any = true;
      if (f.words.size() == 1) {
        t.cue_len = 1;
        t.cue_kind = f.kind;
        return;
      }
    }
    if (any) t.cue_len = 0xFF;  // only multi-word forms: resolved by CueAt
  }

  // Length in tokens of the cue form starting at token k (0 if none).
  int CueAt(int k, CueKind* kind) {
    Tok& t = toks[k];
    if (t.cue_len == 0) return 0;
    std::string first(Lower(t.b, t.e));
    for (std::string_view suf : {"-t-il", "-t-elle", "-il", "-elle", "-ils", "-elles"}) {
      if (first.ends_with(suf)) {
        first.resize(first.size() - suf.size());
        break;
      }
    }
    auto it = lex.cues.find(first);
    if (it == lex.cues.end()) return 0;
    int best = 0;
    for (const CueForm& f : it->second) {
      int m = int(f.words.size());
      if (!(f.langs & langs) || m <= best || k + m > int(toks.size())) continue;
      bool ok = true;
      for (int j = 1; j < m && ok; ++j) {
        const Tok& u = toks[k + j];
        ok = (u.flags & kWord) && u.quote < 0 && Lower(u.b, u.e) == f.words[j];
      }
      if (ok) {
        best = m;
        *kind = f.kind;
      }
    }
    return best;
  }

  void AssignQuotesToTokens() {
    size_t q = 0;
    for (Tok& t : toks) {
      while (q < raw.size() && raw[q].end <= t.b) ++q;
      if (q < raw.size() && t.b >= raw[q].begin && t.e <= raw[q].end) t.quote = int(q);
    }
    // Settle the cues known only by their first word (d' après, mis en garde).
    for (int k = 0; k < int(toks.size()); ++k) {
      if (toks[k].cue_len == 0xFF) {
        CueKind kind = CueKind::kVerb;
        int len = CueAt(k, &kind);
        toks[k].cue_len = uint8_t(len);
        toks[k].cue_kind = kind;
      }
    }
  }

  // ------------------------------------------------------------ mentions --

  // A capitalised word that can be part of a name. Words news writes in
  // lowercase (common words) may continue a name (Ned Price) but not start
  // one (Although Scott, Place des Martyrs).
  bool IsNameWord(const Tok& t, bool start = false) const {
    return (t.flags & kWord) && (t.flags & kCap) && t.quote < 0 && !(t.flags & kInParen) &&
           !(t.cls & (quotes::kStop | quotes::kRolePer | quotes::kRoleOrg | quotes::kCueFirst |
                      quotes::kAbbrev | quotes::kRoleHead)) &&
           !(start && (t.cls & quotes::kCommon));
  }

  // Whether the mention starting at token k (after its determiner and
  // adjectives) is a complement: preceded by a preposition.
  bool PrecededByPrep(int k) const {
    int j = k - 1;
    // Skip a determiner.
    if (j >= 0 && (toks[j].cls & (quotes::kDef | quotes::kIndef)) && !(toks[j].cls & quotes::kPrep))
      --j;
    return j >= 0 && (toks[j].flags & kWord) && (toks[j].cls & quotes::kPrep) && toks[j].quote < 0;
  }

  void FindMentions() {
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
          if (dw == "des" || dw == "a" || dw == "an" || dw == "un" || dw == "une")
            m.definite = false;
          start = d;
        }
        m.prep =
            PrecededByPrep(start) || (start == k && k > 0 && (toks[k - 1].cls & quotes::kPrep));
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

  // Multi-word name words and the names holding them; person mentions.
  std::vector<std::pair<std::string_view, std::string_view>> full_names;
  std::vector<int> persons;

  std::string_view MentionText(const Mention& m) const {
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
  std::string_view FullName(const Mention& m) const {
    if (m.te - m.tb != 1) return {};
    std::string_view w = MentionText(m);
    auto it = std::lower_bound(full_names.begin(), full_names.end(), w,
                               [](const auto& p, std::string_view v) { return p.first < v; });
    return it != full_names.end() && it->first == w ? it->second : std::string_view();
  }

  std::string Canonical(const Mention& m) const {
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
  std::string RoleText(const Mention& m) const {
    int e = m.te;
    const int n = int(toks.size());
    int words = 0;
    while (e < n && words < 6) {
      const Tok& t = toks[e];
      if (!(t.flags & kWord) || t.quote >= 0 || t.cue_len || t.sent != toks[m.tb].sent) break;
      bool prep_de =
          t.cls & quotes::kParticle || Lower(t.b, t.e) == "du" || Lower(t.b, t.e) == "des";
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

  // ---------------------------------------------------------- attribution --

  // Index of the first mention with tb >= k.
  int MentionFrom(int k) const {
    auto it = std::lower_bound(mentions.begin(), mentions.end(), k,
                               [](const Mention& m, int v) { return m.tb < v; });
    return int(it - mentions.begin());
  }

  // The speaker mention in tokens [lo, hi): a name wins over roles and
  // pronouns; `nearest_last` picks the one closest to hi (a subject before
  // its verb), else the first (an inverted subject after its verb).
  int PickMention(int lo, int hi, bool nearest_last) const {
    int best_name = -1, best_other = -1;
    for (int i = MentionFrom(lo); i < int(mentions.size()) && mentions[i].tb < hi; ++i) {
      const Mention& m = mentions[i];
      if (m.prep || m.te > hi) continue;
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
    if (best_name >= 0 && best_other >= 0 && nearest_last) {
      // A pronoun right before the verb is the subject even after a name.
      const Mention& o = mentions[best_other];
      if ((o.kind == Mention::kPron || o.kind == Mention::kPronPl) && o.tb > mentions[best_name].tb)
        return best_other;
    }
    return best_name >= 0 ? best_name : best_other;
  }

  // Sentence-bounded window end/start around token k, not crossing another
  // quotation.
  int ForwardLimit(int k, int max_tokens) const {
    const int n = int(toks.size());
    int e = k;
    int sent = k < n ? toks[k].sent : 0;
    while (e < n && e - k < max_tokens && toks[e].quote < 0 && toks[e].sent == sent &&
           !(toks[e].flags & kSentEnd) && !IsMarkTok(e))
      ++e;
    return e;
  }
  int BackwardLimit(int k) const {
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
  bool IsMarkTok(int k) const {
    if (toks[k].flags & kWord) return false;
    size_t len;
    return IsQuoteCp(PeekCp(text, toks[k].b, &len));
  }

  // A cue in tokens [lo, hi) scanning forward (first) or backward (last).
  int FindCue(int lo, int hi, bool forward, int* len, CueKind* kind) {
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
  Attribution FromCue(int c, int len, CueKind kind, int lo, int hi) {
    Attribution a;
    a.found_cue = true;
    a.cue_tok = c;
    a.cue_end = c + len;
    if (kind == CueKind::kPrep || kind == CueKind::kLead) {
      a.mention = PickMention(c + len, std::min(hi, c + len + 12), false);
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
    int before = PickMention(lo, c, true);
    int after = PickMention(c + len, hi, false);
    // After a verb, the subject is the first mention (said Smith), but a
    // subject before the verb wins (Smith said, il a déclaré).
    a.mention = before >= 0 ? before : after;
    return a;
  }

  // The person a pronoun or a definite role at token k refers to: the last
  // person named before it, else the first one named after it.
  // The person who last spoke before token k: the named subject of the
  // nearest speech cue in the preceding sentences (quoted or reported
  // speech). Pronouns in incises (a-t-il ajouté, he said) refer to that
  // person more often than to the last name seen (often an object).
  int PreviousSpeaker(int k) {
    int sent_floor = k < int(toks.size()) ? toks[k].sent - 3 : 0;
    for (int c = k - 1; c >= 0 && toks[c].sent >= sent_floor; --c) {
      if (!toks[c].cue_len || toks[c].quote >= 0) continue;
      CueKind kind;
      int len = CueAt(c, &kind);
      if (!len) continue;
      if (kind != CueKind::kVerb) {
        // Selon X, / pour X, : X is the one speaking.
        int mi = MentionFrom(c + len);
        if (mi < int(mentions.size()) && mentions[mi].tb == c + len &&
            mentions[mi].kind == Mention::kName && mentions[mi].per &&
            mentions[mi].te < int(toks.size()) && (toks[mentions[mi].te].flags & kComma))
          return mi;
        continue;
      }
      int lo = BackwardLimit(c);
      int mi = PickMention(lo, c, true);
      if (mi < 0) mi = PickMention(c + len, ForwardLimit(c + len, 12), false);
      if (mi >= 0 && mentions[mi].kind == Mention::kName && mentions[mi].per) return mi;
      if (mi >= 0 && mentions[mi].kind == Mention::kRole) {
        int ap = AppositionName(mi);
        if (ap >= 0) return ap;
      }
    }
    return -1;
  }

  int Antecedent(int k) const {
    auto it = std::lower_bound(persons.begin(), persons.end(), k,
                               [this](int mi, int v) { return mentions[mi].tb < v; });
    if (it != persons.begin()) return *(it - 1);
    return it != persons.end() ? *it : -1;
  }

  // The person the article gives the same role noun as mention `mi` (le
  // ministre → "Henri Vasseur, ministre de ..."): the nearest before it,
  // else the first after it; -1 if none.
  int SameRolePerson(int mi) const {
    const Mention& r = mentions[mi];
    std::string_view head = text.substr(r.b, r.e - r.b);
    int before = -1, after = -1;
    for (int i = 0; i < int(mentions.size()); ++i) {
      const Mention& o = mentions[i];
      if (i == mi || o.kind != Mention::kRole || o.prep) continue;
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
      if (p < 0) continue;
      if (o.tb < r.tb) {
        before = p;
      } else if (after < 0) {
        after = p;
      }
    }
    return before >= 0 ? before : after;
  }

  struct Resolved {
    std::optional<std::string> speaker;
    std::string mention, role;
    uint32_t b = 0, e = 0;
  };

  // A role mention's own name: a name within a few tokens after it in the
  // same sentence (le porte-parole du Kremlin Dmitri Peskov; the
  // spokesman, John Kirby).
  int AppositionName(int mi) const {
    const Mention& r = mentions[mi];
    for (int i = mi + 1; i < int(mentions.size()); ++i) {
      const Mention& m = mentions[i];
      if (m.tb - r.te > 7 || toks[m.tb].sent != toks[r.tb].sent) break;
      bool cue_between = false;
      for (int k = r.te; k < m.tb; ++k) {
        if (toks[k].cue_len || toks[k].quote >= 0) cue_between = true;
      }
      if (cue_between) break;
      if (m.kind == Mention::kName && !m.prep && !m.org) return i;
      // Complements (du département d'État) may sit between role and name.
      if (m.kind != Mention::kName && !m.prep) break;
    }
    return -1;
  }

  // The role in apposition to a name (Zamir Kabulov, envoyé spécial ...; le
  // gouverneur de Badghis, Hessamuddin Shams).
  std::string RoleNear(int mi) const {
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

  Resolved ResolveName(int mi) const {
    Resolved r;
    const Mention& m = mentions[mi];
    r.speaker = Canonical(m);
    r.mention = std::string(MentionText(m));
    r.role = RoleNear(mi);
    r.b = m.b;
    r.e = m.e;
    return r;
  }

  Resolved Resolve(int mi, const std::optional<std::string>& current) {
    const Mention& m = mentions[mi];
    Resolved r;
    r.b = m.b;
    r.e = m.e;
    r.mention = std::string(text.substr(m.b, m.e - m.b));
    switch (m.kind) {
      case Mention::kName:
        return ResolveName(mi);
      case Mention::kRole: {
        int ap = AppositionName(mi);
        if (ap >= 0) {
          Resolved n = ResolveName(ap);
          n.role = RoleText(m);
          return n;
        }
        r.role = RoleText(m);
        r.mention = r.role;
        if (!m.definite) return r;  // un porte-parole: nobody named
        if (m.org) {
          r.speaker = r.role;
          return r;
        }
        int ant = SameRolePerson(mi);
        if (ant < 0) ant = Antecedent(m.tb);
        if (ant >= 0) r.speaker = Canonical(mentions[ant]);
        return r;
      }
      case Mention::kPron: {
        int ant = PreviousSpeaker(m.tb);
        if (ant < 0) ant = Antecedent(m.tb);
        if (ant >= 0) {
          r.speaker = Canonical(mentions[ant]);
          r.role = RoleNear(ant);
        } else {
          r.speaker = current;
        }
        return r;
      }
      case Mention::kPronPl:
        return r;
    }
    return r;
  }

  Resolved ResolveInverted(int k, const std::optional<std::string>& current) {
    Resolved r;
    r.b = toks[k].b;
    r.e = toks[k].e;
    r.mention = std::string(text.substr(r.b, r.e - r.b));
    if (toks[k].flags & kInvPronPl) return r;
    int ant = PreviousSpeaker(k);
    if (ant < 0) ant = Antecedent(k);
    if (ant >= 0) {
      r.speaker = Canonical(mentions[ant]);
      r.role = RoleNear(ant);
    } else {
      r.speaker = current;
    }
    return r;
  }

  // ------------------------------------------------------------- driver --

  std::vector<Quote> Run() {
    FindQuotes();
    if (raw.empty()) return {};
    Tokenize();
    AssignQuotesToTokens();
    FindMentions();

    std::vector<Quote> out;
    out.reserve(raw.size());
    std::optional<std::string> current;  // the last speaker, for continuations
    std::string current_role;
    Resolved current_r;
    int current_sent = -100;
    int cued_sent = -100;  // sentence of the last quotation that had a cue
    const int n = int(toks.size());
    for (size_t qi = 0; qi < raw.size(); ++qi) {
      const RawQuote& q = raw[qi];
      // Token ranges: [first, last) inside; open mark before, close after.
      int first = int(std::lower_bound(toks.begin(), toks.end(), q.begin,
                                       [](const Tok& t, uint32_t v) { return t.b < v; }) -
                      toks.begin());
      int last = first;
      int words = 0, cap_words = 0, stop_words = 0, letters = 0;
      bool verbish = false, sentence_like = false, all_cap = true;
      while (last < n && toks[last].b < q.end) {
        const Tok& t = toks[last];
        if (t.flags & kWord) {
          ++words;
          if (t.cls & quotes::kVerbish) verbish = true;
          if (!(t.flags & kCap)) all_cap = false;
          if (t.flags & kCap) {
            ++cap_words;
          } else if (t.cls & (quotes::kStop | quotes::kParticle)) {
            ++stop_words;
          }
          if (!(text[t.b] >= '0' && text[t.b] <= '9')) ++letters;
        } else if (t.flags & kSentEnd) {
          sentence_like = true;
        }
        ++last;
      }
      int before_end = first;
      while (before_end > 0 && toks[before_end - 1].b >= q.open_b) --before_end;
      int after_begin = last;
      while (after_begin < n && toks[after_begin].b < q.close_e) ++after_begin;

      // 1. A cue right after the quotation (« … », a déclaré X / X said).
      Attribution a;
      CueKind kind;
      int len = 0;
      int fwd_hi = ForwardLimit(after_begin, 40);
      int c = FindCue(after_begin, std::min(fwd_hi, after_begin + 10), true, &len, &kind);
      int back_lo = BackwardLimit(before_end);
      int dash_mention = -1;
      if (after_begin + 1 < n && (toks[after_begin].flags & kDash)) {
        // « … » — Jean Dupont: a signature after a dash.
        int mi = MentionFrom(after_begin + 1);
        if (mi < int(mentions.size()) && mentions[mi].tb == after_begin + 1 &&
            mentions[mi].kind == Mention::kName)
          dash_mention = mi;
      }
      if (dash_mention >= 0) {
        a.found_cue = true;
        a.cue_tok = after_begin;
        a.cue_end = after_begin + 1;
        a.mention = dash_mention;
      } else if (c >= 0) {
        a = FromCue(c, len, kind, after_begin, fwd_hi);
      } else {
        // 2. A cue before it in the same sentence (X a déclaré : « … »,
        //    selon X, « … »).
        c = FindCue(back_lo, before_end, false, &len, &kind);
        if (c >= 0) {
          a = FromCue(c, len, kind, back_lo, before_end);
        } else {
          // 3. A cue later in the sentence (« … », le gouverneur …, a annoncé).
          c = FindCue(after_begin, fwd_hi, true, &len, &kind);
          if (c >= 0) a = FromCue(c, len, kind, after_begin, fwd_hi);
        }
      }

      // Scare quotes and titles: a short noun phrase with no speech around it.
      // Titles (Fox and Friends, « Le Monde ») are capitalised word by word.
      bool title_like = words <= 6 && !verbish && cap_words > 0 && cap_words + stop_words == words;
      if (letters == 0 || (title_like && words - stop_words <= 4)) continue;
      bool long_enough =
          words >= 5 || verbish || (sentence_like && words >= 3 && (toks[first].flags & kCap));
      if (!long_enough) {
        // A speech cue anywhere in the sentence makes it a partial quotation
        // in reported speech (a menacé … de «conséquences sérieuses»).
        // So does an earlier cued quotation of the same sentence (selon lui,
        // « … » et non « … »).
        bool same_sentence = first < n && toks[first].sent == cued_sent;
        bool cue_near = a.found_cue || same_sentence;
        if (!cue_near || (all_cap && words > 0) || words == 0) continue;
      }

      Quote out_q;
      if (q.skips.empty()) {
        out_q.text = std::string(text.substr(q.begin, q.end - q.begin));
      } else {
        uint32_t p = q.begin;
        for (auto [sb, se] : q.skips) {
          if (sb < p || se > q.end) continue;
          out_q.text.append(text.substr(p, sb - p));
          p = se;
        }
        out_q.text.append(text.substr(p, q.end - p));
      }
      out_q.begin = q.begin;
      out_q.end = q.end;
      if (before_end > 0 && (toks[before_end - 1].flags & kWord)) {
        const bool cue_adjacent =
            a.found_cue && a.cue_tok < before_end && a.cue_end >= before_end - 2;
        out_q.partial = !cue_adjacent;
      }

      Resolved r;
      bool attributed = false;
      if (a.found_cue) {
        out_q.cue =
            std::string(text.substr(toks[a.cue_tok].b, toks[a.cue_end - 1].e - toks[a.cue_tok].b));
        // Include the auxiliary: a déclaré, a-t-il ajouté, has said.
        if (a.cue_tok > 0 && (toks[a.cue_tok - 1].flags & kWord) && a.cue_tok - 1 >= 0) {
          std::string_view aux = Lower(toks[a.cue_tok - 1].b, toks[a.cue_tok - 1].e);
          if (aux == "a" || aux == "ont" || aux == "avait" || aux == "has" || aux == "had" ||
              aux.starts_with("a-t-") || aux == "est" || aux == "s'est" ||
              (toks[a.cue_tok - 1].flags & kInvPron)) {
            out_q.cue = std::string(
                text.substr(toks[a.cue_tok - 1].b, toks[a.cue_end - 1].e - toks[a.cue_tok - 1].b));
          }
        }
        if (a.inv_tok >= 0) {
          r = ResolveInverted(a.inv_tok, current);
          attributed = true;
        } else if (a.mention >= 0) {
          r = Resolve(a.mention, current);
          attributed = true;
        }
      }
      if (!attributed) {
        // 4. Continuation: a quotation with no cue, close behind the last
        //    attributed one, belongs to the same speaker.
        int sent = first < n ? toks[first].sent : 0;
        if ((current || !current_role.empty()) && sent - current_sent <= 3) r = current_r;
      }
      out_q.speaker = r.speaker;
      out_q.speaker_mention = r.mention;
      out_q.speaker_role = r.role;
      out_q.speaker_begin = r.b;
      out_q.speaker_end = r.e;
      if (r.speaker || !r.role.empty()) {
        current = r.speaker;
        current_role = r.role;
        current_r = r;
      }
      current_sent = last > first ? toks[last - 1].sent : current_sent;
      if (a.found_cue) {
        current_sent = std::max(current_sent, toks[a.cue_tok].sent);
        cued_sent = current_sent;
      }
      out.push_back(std::move(out_q));
    }
    return out;
  }
};

QuoteExtractor::QuoteExtractor(std::unique_ptr<Lexicon> lex) : lex_(std::move(lex)) {}
QuoteExtractor::~QuoteExtractor() = default;

Result<std::unique_ptr<QuoteExtractor>> QuoteExtractor::CreateFrom(const std::string& dir) {
  auto lex = quotes::LoadLexicon(dir);
  if (!lex.ok()) return lex.error();
  return std::unique_ptr<QuoteExtractor>(new QuoteExtractor(std::move(lex.value())));
}

Result<std::unique_ptr<QuoteExtractor>> QuoteExtractor::Create() {
  return CreateFrom(DataPath("quotes"));
}

std::vector<Quote> QuoteExtractor::Extract(std::string_view clean_text, std::string_view language,
                                           const std::vector<SpeakerHint>& hints) const {
  if (clean_text.size() >= UINT32_MAX) return {};
  Extraction ex(*lex_, clean_text, hints);
  // Cues of one language only where the language is known: French "charge"
  // or "note" are nouns more often than speech verbs.
  if (language.starts_with("fr")) ex.langs = quotes::kLangFr;
  if (language.starts_with("en")) ex.langs = quotes::kLangEn;
  return ex.Run();
}

}  // namespace veille
