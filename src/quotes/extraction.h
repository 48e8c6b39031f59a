// extraction.h: the state of one quote extraction and its steps (internal
// to src/quotes): quote marks (marks.cc), tokens and cues (tokens.cc),
// speaker mentions (mentions.cc), the mention a cue points to
// (speakers.cc), the speaker a mention designates (resolve.cc) and the
// attribution driver (extract.cc). An Extraction lives for one Extract()
// call on one thread.
#ifndef VEILLE_SRC_QUOTES_EXTRACTION_H_
#define VEILLE_SRC_QUOTES_EXTRACTION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quotes/lexicon.h"
#include "veille/quotes.h"
#include "veille/utf8.h"

namespace veille {
namespace quotes {

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
inline char32_t PeekCp(std::string_view s, size_t i, size_t* len) {
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
inline char32_t PrevCp(std::string_view s, size_t i) {
  if (i == 0) return 0;
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && i - j < 4) --j;
  size_t len;
  return PeekCp(s, j, &len);
}

inline bool IsSpace(char32_t c) {
  return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F ||
         c == 0x2009 || c == 0x2007 || c == 0x200B;
}

inline bool IsQuoteCp(char32_t c) {
  return c == '"' || c == 0xAB || c == 0xBB || c == 0x2018 || c == 0x2019 || c == 0x201C ||
         c == 0x201D || c == 0x201E || c == 0x2039 || c == 0x203A;
}

// Letters and digits: ASCII alnum, and every non-ASCII code point that is
// not punctuation or space we know of (accented letters, CJK ...).
inline bool IsWordCp(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (IsSpace(c) || IsQuoteCp(c)) return false;
  if (c >= 0x2000 && c <= 0x206F) return false;  // general punctuation block
  if (c == 0xB0 || c == 0xA7 || c == 0xB7 || c == 0xD7 || c == 0xF7 || c == 0xAD) return false;
  return true;
}

inline bool IsLetter(char32_t c) { return IsWordCp(c) && !(c >= '0' && c <= '9'); }

inline bool IsUpperCp(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
         (c >= 0x100 && c <= 0x17F && (c % 2 == 0) && c != 0x138) || (c >= 0x391 && c <= 0x3A9) ||
         (c >= 0x410 && c <= 0x42F);
}

inline bool IsSentencePunct(char32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }

// Whether a person of gender `person` may be designated by words of gender
// `word` (unknown fits both).
inline bool GenderFits(uint8_t person, uint8_t word) { return !person || !word || person == word; }

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
  int tb = 0, te = 0;       // tokens [tb, te)
  bool prep = false;        // a complement (de X, à X, to X), not a subject
  bool per = false;         // a person (hint PER, two words, title, ...)
  bool org = false;         // role noun of an institution, ORG hint, acronym
  bool definite = true;     // role with a definite determiner (or none)
  bool loc = false;         // a place (LOC hint): a speaker only as the cue's direct subject
  bool channel = false;     // an agency or outlet (data/quotes/channels.txt)
  bool anon = false;        // a role naming nobody: indefinite, anonymous noun or marker
  bool generic = false;     // a noun phrase after a cue whose noun is not in roles.txt
  bool possessive = false;  // role after a possessive (son avocat, her spokesman)
  bool plural = false;      // role after a plural determiner (les organisateurs, ses avocats)
  uint8_t gender = kGenderUnknown;
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

struct Extraction {
  const QuoteExtractor::Lexicon& lex;
  std::string_view text;
  const std::vector<SpeakerHint>& hints;
  std::vector<Tok> toks;
  std::vector<Mention> mentions;
  std::vector<RawQuote> raw;
  mutable std::string lower;  // scratch buffer, reused per token
  bool cues_settled = false;  // every cue token's cue_len is its longest form
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
  bool CueWordAt(size_t i);

  // End of an unterminated quotation opened at `from`: its first incise
  // (", a-t-il ajouté") within three sentences, else the end of its first
  // sentence, else `limit`.
  uint32_t RecoverEnd(size_t from, size_t limit);

  void Emit(uint32_t open_b, uint32_t open_e, uint32_t close_b, uint32_t close_e,
            std::vector<std::pair<uint32_t, uint32_t>> skips);

  // The first byte at or after i that may start a quote mark or a newline:
  // '"', '\n', or the lead byte of « » (C2) or of the marks in U+2000..U+203F
  // (E2); text.size() if none. Eight bytes at a time (a zero byte in
  // v ^ broadcast(b) is a byte equal to b).
  size_t NextMarkCandidate(size_t i) const;

  // Pairs quote marks into outermost quotations.
  void FindQuotes();
  uint32_t ApostropheOpener(uint32_t close) const;
  bool InnerWordsQuoted(size_t from) const;
  bool HasIncise(size_t from, size_t to);

  // -------------------------------------------------------------- tokens --

  void Tokenize();

  // A full stop after an abbreviation (M. Dupont), an initial (J. Smith) or
  // between digits (3.5) does not end the sentence.
  bool IsDotInsideWord(size_t i, char32_t c);

  // Fills t.cue_len when a cue form starts at the word `w` (about to be
  // appended to toks): later words are compared when the next tokens come,
  // so multi-word forms are checked lazily in CueAt().
  void MatchCue(Tok& t, std::string_view w);

  // Length in tokens of the cue form starting at token k (0 if none).
  int CueAt(int k, CueKind* kind);

  void AssignQuotesToTokens();

  // An incise inside a quotation (« …, a précisé Marine Le Pen. C'est … »,
  // "…, a-t-il ajouté, …"): the writer's words, so its tokens are taken out
  // of the quotation (quote = -1) and its cue and subject found as outside.
  void MarkIncises();
  // The incise starting at the comma token k inside a quotation: its end
  // token (exclusive), or -1 if none starts there.
  int InciseAt(int k);
  bool AfterDeterminer(int k) const;

  // ------------------------------------------------------------ mentions --

  // A capitalised word that can be part of a name. Words news writes in
  // lowercase (common words) may continue a name (Ned Price) but not start
  // one (Although Scott, Place des Martyrs).
  bool IsNameWord(const Tok& t, bool start = false) const;

  // Whether the mention starting at token k (after its determiner and
  // adjectives) is a complement: preceded by a preposition.
  bool PrecededByPrep(int k) const;

  void FindMentions();

  // Multi-word name words and the names holding them; person mentions.
  std::vector<std::pair<std::string_view, std::string_view>> full_names;
  std::vector<int> persons;

  std::string_view MentionText(const Mention& m) const;

  // The longest name in the article that ends with (or contains as a word)
  // the single-word name `m` (Kabulov → Zamir Kabulov); empty if none.
  std::string_view FullName(const Mention& m) const;

  std::string Canonical(const Mention& m) const;
  std::string_view CanonicalView(const Mention& m) const;
  bool IsChannelName(std::string_view name) const;
  bool IsAdjectiveLike(const Tok& t) const;
  int PhraseEnd(int e, int sent, bool first_adjective_free, bool institution = false) const;
  int RoleEnd(const Mention& m) const;
  uint32_t TitleBefore(int k) const;
  int SplitGluedName(int tb, int te) const;
  uint8_t FirstNameGender(std::string_view name) const;
  bool IsGenericSubject(int k) const;
  bool InvertedVerb(int v) const;
  bool IsAnonymousRole(const Mention& m) const;

  // The role noun phrase starting at the role mention: noun, adjectives and
  // complements (porte-parole des talibans, gouverneur de Badghis).
  std::string RoleText(const Mention& m) const;

  // ---------------------------------------------------------- attribution --

  // Index of the first mention with tb >= k.
  int MentionFrom(int k) const;

  // The speaker mention in tokens [lo, hi): a name wins over roles and
  // pronouns; `nearest_last` picks the one closest to hi (a subject before
  // its verb), else the first (an inverted subject after its verb).
  int PickMention(int lo, int hi, bool nearest_last) const;

  // Sentence-bounded window end/start around token k, not crossing another
  // quotation.
  int ForwardLimit(int k, int max_tokens) const;
  int BackwardLimit(int k) const;
  bool IsMarkTok(int k) const;

  // A cue in tokens [lo, hi) scanning forward (first) or backward (last).
  int FindCue(int lo, int hi, bool forward, int* len, CueKind* kind);

  // Attributes using a cue found at [c, c+len): `after_quote` tells whether
  // the cue follows the quotation (then the subject sits between the
  // quotation and the cue, or after the cue).
  Attribution FromCue(int c, int len, CueKind kind, int lo, int hi);

  // The speaker a mention resolves to, and how it was found.
  struct Resolved {
    std::optional<std::string> speaker;
    std::string mention, role;
    uint32_t b = 0, e = 0;
    SpeakerKind kind = SpeakerKind::kNone;
    uint8_t gender = kGenderUnknown;
    const char* path = "";  // a key of data/quotes/confidence.txt
  };

  float Confidence(std::string_view path) const;
  bool ClauseStart(int tb, int lo) const;
  bool IsGroupRole(const Mention& m) const;
  uint8_t PronounGender(int k) const;
  int CueSubject(int c);
  bool CoordinatedVerb(int c) const;
  uint32_t GluedCreditEnd(int te) const;
  bool FirstPersonSingular(int first, int last) const;
  bool IsPersonReferent(int mi, uint8_t g, bool allow_prep = false) const;
  int OnlyPersonOfGender(int k, uint8_t g) const;
  int RecentSubject(int k, uint8_t g);
  int SentenceFloor(int k, int back) const;
  int SentencesBetween(int a, int b) const;
  int WriterSentencesSince(int sent, int k) const;
  bool IsGerund(int c) const;
  int Antecedent(int k, uint8_t g) const;
  int SameRolePerson(int mi, int* unnamed) const;
  int AppositionName(int mi) const;
  std::string RoleNear(int mi) const;
  std::string OrgCanonical(std::string_view name) const;
  Resolved ResolveName(int mi) const;
  Resolved ResolveOrgRole(int mi) const;
  // `current`: the last speaker (nullptr if none), whose last quote or cue
  // is in sentence `current_sent`.
  Resolved Resolve(int mi, const Resolved* current, int current_sent);
  Resolved ResolvePronoun(int k, const Resolved* current, int current_sent);

  // ------------------------------------------------------------- driver --

  int SubjectBefore(int open) const;
  int EarlierPersonSubject(int k) const;
  bool SpeaksInItsSentence(int mi);
  int SentenceCueAfter(int k, int* len, CueKind* kind, int* lo);
  int SubjectAfter(int k) const;
  std::vector<Quote> Run();
};

}  // namespace quotes
}  // namespace veille

#endif  // VEILLE_SRC_QUOTES_EXTRACTION_H_
