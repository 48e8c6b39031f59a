// tokens.cc: the extractor's tokenizer (words, inverted pronouns, sentence
// ends) and speech cue matching.
#include <algorithm>
#include <cstring>
#include <span>

#include "quotes/extraction.h"

namespace veille {
namespace quotes {

void Extraction::Tokenize() {
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
      // A lowercase word run into a capitalised one (a heading glued to the
      // text: Travail bénévoleAude Rossigneux): two words.
      const bool lower_start = !upper_first && IsLetter(c);
      auto glued_capital = [&](size_t at, size_t len) {
        if (!lower_start || at - i < 3 || at + len >= n) return false;
        size_t l3;
        char32_t after = PeekCp(text, at + len, &l3);
        return IsLetter(after) && !IsUpperCp(after);
      };
      while (j < n) {
        unsigned byte = static_cast<unsigned char>(text[j]);
        if (byte - 'A' < 26u && glued_capital(j, 1)) break;
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
          if (IsUpperCp(d) && glued_capital(j, l2)) break;
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
      std::string_view w(lw,
                         ascii ? j - i : size_t(quotes::LowerInto(text.substr(i, j - i), lw) - lw));
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
bool Extraction::IsDotInsideWord(size_t i, char32_t c) {
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
void Extraction::MatchCue(Tok& t, std::string_view w) {
  auto it = lex.cues.find(w);
  if (it == lex.cues.end()) return;
  bool single = false, multi = false;
  for (const CueForm& f : it->second) {
    if (!(f.langs & langs)) continue;
    if (f.words.size() == 1) {
      if (!single) t.cue_kind = f.kind;
      single = true;
    } else {
      multi = true;
    }
  }
  // Multi-word forms (mis en garde) are resolved by CueAt once the next
  // tokens are known.
  if (multi) {
    t.cue_len = 0xFF;
  } else if (single) {
    t.cue_len = 1;
  }
}

// Length in tokens of the cue form starting at token k (0 if none).
int Extraction::CueAt(int k, CueKind* kind) {
  Tok& t = toks[k];
  if (t.cue_len == 0) return 0;
  if (cues_settled) {
    *kind = t.cue_kind;
    return t.cue_len;
  }
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

// Whether the word at k follows a determiner that makes it a noun: a
// nominal one (un, du, the), or l' after a preposition (de l'accusé).
bool Extraction::AfterDeterminer(int k) const {
  const Tok& d = toks[k - 1];
  if (!(d.flags & kWord)) return false;
  if (d.cls & kNominal) return true;
  if (!(d.cls & kDef) || k < 2) return false;
  std::string_view w = text.substr(d.b, d.e - d.b);
  bool elided = w.ends_with("'") || w.ends_with("\u2019");
  const Tok& p = toks[k - 2];
  return elided && (p.flags & kWord) && (p.cls & kPrep) && !(p.cls & kPron);
}

void Extraction::AssignQuotesToTokens() {
  size_t q = 0;
  for (Tok& t : toks) {
    while (q < raw.size() && raw[q].end <= t.b) ++q;
    if (q < raw.size() && t.b >= raw[q].begin && t.e <= raw[q].end) t.quote = int(q);
  }
  MarkIncises();
  // Settle the cues that have multi-word forms (d' après, mis en garde):
  // their longest form, looked up once; CueAt() then reads the token.
  // A verb form after a determiner is a noun (l'accusé, un constat, the
  // report): no cue.
  for (int k = 0; k < int(toks.size()); ++k) {
    if (toks[k].cue_len == 0) continue;
    if (toks[k].cue_len == 0xFF) {
      CueKind kind = CueKind::kVerb;
      int len = CueAt(k, &kind);
      toks[k].cue_len = uint8_t(len);
      toks[k].cue_kind = kind;
    }
    if (toks[k].cue_len && toks[k].cue_kind == CueKind::kVerb && k > 0 && AfterDeterminer(k))
      toks[k].cue_len = 0;
  }
  cues_settled = true;
}

int Extraction::InciseAt(int k) {
  const int n = int(toks.size());
  const int q = toks[k].quote;
  // Some words of the quotation before the comma.
  int before = 0;
  for (int j = k - 1; j >= 0 && toks[j].quote == q && before < 3; --j)
    before += (toks[j].flags & kWord) != 0;
  if (before < 3) return -1;
  int v = k + 1;
  if (v >= n || toks[v].quote != q || !(toks[v].flags & kWord)) return -1;
  // The auxiliary: a déclaré, avait expliqué, a-t-il ajouté.
  if (!toks[v].cue_len && (toks[v].cls & kAux) && v + 1 < n && toks[v + 1].quote == q &&
      (toks[v + 1].flags & kWord))
    ++v;
  const bool inverted_aux = toks[v - 1].flags & kInvPron;
  if (!toks[v].cue_len || toks[v].cue_kind != CueKind::kVerb) return -1;
  // Its subject follows the verb: an inverted pronoun, a name, a title or a
  // determiner and its noun (a ajouté le ministre).
  int s = v + 1;
  const bool pron = inverted_aux || (toks[v].flags & kInvPron);
  if (!pron) {
    if (s >= n || toks[s].quote != q || !(toks[s].flags & kWord)) return -1;
    const Tok& w = toks[s];
    bool subject = (w.flags & kCap) && !(w.cls & (kStop | kPrep));
    subject = subject || ((w.cls & (kDef | kIndef)) && !(w.cls & kPrep) && s + 1 < n &&
                          toks[s + 1].quote == q && (toks[s + 1].flags & kWord));
    if (!subject) return -1;
  }
  // It runs to the next comma or sentence end, a few words on.
  for (int e = v + 1; e < n && e - v <= (pron ? 24 : 12); ++e) {
    if (toks[e].quote != q) return e;  // the quotation ends with it
    if (toks[e].flags & (kComma | kSentEnd)) return (toks[e].flags & kSentEnd) ? e + 1 : e;
    if (IsMarkTok(e)) return -1;
  }
  return -1;
}

void Extraction::MarkIncises() {
  const int n = int(toks.size());
  for (int k = 0; k < n; ++k) {
    if (toks[k].quote < 0 || !(toks[k].flags & kComma)) continue;
    int end = InciseAt(k);
    if (end < 0) continue;
    for (int j = k + 1; j < end; ++j) toks[j].quote = -1;
    k = end - 1;
  }
}

}  // namespace quotes
}  // namespace veille
