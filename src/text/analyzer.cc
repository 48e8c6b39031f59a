// analyzer.cc: tokenizing, folding, elision, stop words and stemming.
//
// Speed comes from tables: one 128-entry table for ASCII and one entry per
// BMP code point (class, folded UTF-8, lower-case code point), all computed
// with ICU once in Create(). The hot loop then never calls ICU; only code
// points above U+FFFF (rare in news) are classified with ICU on the fly.
#include <libstemmer.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

using icu::Normalizer2;

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <sstream>

#include "text/internal.h"
#include "veille/text.h"
#include "veille/utf8.h"

namespace veille {
namespace {

// ISO 639-1 code -> Snowball algorithm name. Only those libstemmer actually
// provides are offered (checked against sb_stemmer_list in Create).
struct StemLang {
  const char* iso;
  const char* algo;
};
constexpr StemLang kStemLangs[] = {
    {"ar", "arabic"},     {"ca", "catalan"},  {"da", "danish"},     {"de", "german"},
    {"el", "greek"},      {"en", "english"},  {"es", "spanish"},    {"eu", "basque"},
    {"fi", "finnish"},    {"fr", "french"},   {"ga", "irish"},      {"hi", "hindi"},
    {"hu", "hungarian"},  {"hy", "armenian"}, {"id", "indonesian"}, {"it", "italian"},
    {"lt", "lithuanian"}, {"ne", "nepali"},   {"nl", "dutch"},      {"no", "norwegian"},
    {"pt", "portuguese"}, {"ro", "romanian"}, {"ru", "russian"},    {"sr", "serbian"},
    {"sv", "swedish"},    {"ta", "tamil"},    {"tr", "turkish"},    {"yi", "yiddish"},
};
constexpr size_t kNumStemLangs = sizeof(kStemLangs) / sizeof(kStemLangs[0]);

// Snowball stemmers keep per-call state, so each thread owns one per language.
// They depend only on the algorithm, never on the analyzer, so one cache per
// thread serves every TextAnalyzer.
struct ThreadStemmers {
  std::array<sb_stemmer*, kNumStemLangs> s{};
  ~ThreadStemmers() {
    for (auto* p : s) sb_stemmer_delete(p);
  }
  sb_stemmer* Get(int i) {
    if (!s[i]) s[i] = sb_stemmer_new(kStemLangs[i].algo, "UTF_8");
    return s[i];
  }
};
thread_local ThreadStemmers tls_stemmers;

// News vocabulary is Zipfian: a small direct-mapped cache of recent stems per
// thread skips most Snowball calls (the analyzer's main cost). Keyed by the
// stemmer input and language; holds the final, folded term.
struct StemCache {
  static constexpr size_t kSize = 1 << 15;
  struct Entry {
    int lang = -1;
    std::string word, term;
  };
  std::vector<Entry> entries{kSize};
  Entry& Slot(std::string_view word, int lang) {
    // FNV-1a: short keys, so cheaper than std::hash's generic routine.
    uint64_t h = 1469598103934665603ULL ^ static_cast<uint64_t>(lang);
    for (char c : word) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return entries[(h ^ (h >> 29)) & (kSize - 1)];
  }
};
thread_local StemCache tls_stem_cache;

// Words longer than this are not stemmed (they are not words: ids, hashes).
constexpr size_t kMaxStemBytes = 48;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Lines of a data file without comments (#) and surrounding blanks.
std::vector<std::string> DataLines(const std::string& content) {
  std::vector<std::string> out;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    size_t e = line.find_last_not_of(" \t\r");
    out.push_back(line.substr(b, e - b + 1));
  }
  return out;
}

bool IsApostrophe(char32_t c) {
  // ' ` ´ ‘ ’ ‛ ʼ ＇: news text uses all of them for the French elision.
  return c == 0x27 || c == 0x60 || c == 0xB4 || c == 0x2018 || c == 0x2019 || c == 0x201B ||
         c == 0x2BC || c == 0xFF07;
}

bool IsWordCategory(int8_t type) {
  switch (type) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_COMBINING_SPACING_MARK:
      return true;
    default:
      return false;
  }
}

uint8_t Classify(char32_t c) {
  if (IsApostrophe(c)) return kClsApos;
  if (c == 0x200B) return kClsSep;  // zero-width space separates words (Thai, Khmer)
  int8_t t = u_charType(c);
  if (t == U_FORMAT_CHAR) return kClsIgnore;          // soft hyphen, ZWJ, bidi marks: invisible
  if (c >= 0xFE00 && c <= 0xFE0F) return kClsIgnore;  // variation selectors
  if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK) return kClsMark;
  if (!IsWordCategory(t)) return kClsSep;
  if (u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) return kClsIdeo;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &err);
  if (U_SUCCESS(err) && (sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA)) return kClsIdeo;
  return kClsWord;
}

}  // namespace

int TextAnalyzer::Tables::LangIndex(std::string_view language) const {
  for (size_t i = 0; i < langs.size(); ++i)
    if (langs[i].code == language) return static_cast<int>(i);
  return -1;
}

// Folded form of one code point: NFKD, case fold, combining marks removed,
// the extra letter mappings applied, non-word characters dropped.
static std::string FoldCodePoint(char32_t c, const Normalizer2* nfkd,
                                 const std::vector<std::pair<char32_t, std::string>>& extra) {
  icu::UnicodeString s(static_cast<UChar32>(c));
  s.foldCase();
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString d = nfkd->normalize(s, err);
  if (U_FAILURE(err)) d = s;
  d.foldCase();
  std::string out;
  for (int32_t k = 0; k < d.length();) {
    UChar32 x = d.char32At(k);
    k += U16_LENGTH(x);
    int8_t t = u_charType(x);
    if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK) continue;
    auto it = std::find_if(extra.begin(), extra.end(),
                           [&](const auto& p) { return p.first == static_cast<char32_t>(x); });
    if (it != extra.end()) {
      out += it->second;
      continue;
    }
    if (!IsWordCategory(t) || IsApostrophe(x)) continue;
    AppendUtf8(static_cast<char32_t>(x), out);
  }
  return out;
}

Result<std::unique_ptr<TextAnalyzer>> TextAnalyzer::Create() {
  auto t = std::make_unique<Tables>();

  // Extra folding: letters that NFKD does not decompose (œ, æ, ø, ł, ß ...).
  std::vector<std::pair<char32_t, std::string>> extra;
  {
    std::string path = DataPath("text/fold.tsv");
    auto content = ReadFile(path);
    if (!content.ok()) return content.error();
    int lineno = 0;
    for (const auto& line : DataLines(*content)) {
      ++lineno;
      size_t tab = line.find('\t');
      std::string from = line.substr(0, tab);
      size_t i = 0;
      if (tab == std::string::npos || from.empty() || FindInvalidUtf8(line) != std::string::npos)
        return Error::BadInput(path + ": entry " + std::to_string(lineno) +
                               ": expected <character><TAB><replacement>");
      char32_t c = DecodeUtf8(from, i);
      if (i != from.size())
        return Error::BadInput(path + ": entry " + std::to_string(lineno) +
                               ": left side must be one character");
      std::string to = line.substr(tab + 1);
      to.erase(0, to.find_first_not_of(" \t"));
      extra.emplace_back(c, to);
    }
  }

  UErrorCode err = U_ZERO_ERROR;
  const Normalizer2* nfkd = Normalizer2::getNFKDInstance(err);
  if (U_FAILURE(err)) return Error::Internal("ICU NFKD normalizer unavailable");

  t->bmp.resize(0x10000);
  for (char32_t c = 0; c < 0x10000; ++c) {
    auto& e = t->bmp[c];
    e.lower = c;
    if (c >= 0xD800 && c <= 0xDFFF) {
      e.cls = kClsSep;
      continue;
    }
    e.cls = Classify(c);
    if (e.cls != kClsWord && e.cls != kClsIdeo) continue;
    e.lower = static_cast<char32_t>(u_foldCase(c, U_FOLD_CASE_DEFAULT));
    std::string f = FoldCodePoint(c, nfkd, extra);
    if (f.size() > 255) f.resize(0);
    e.fold_off = static_cast<uint32_t>(t->pool.size());
    e.fold_len = static_cast<uint8_t>(f.size());
    t->pool += f;
  }
  for (int c = 0; c < 128; ++c) {
    t->ascii_cls[c] = t->bmp[c].cls;
    t->ascii_fold[c] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c);
  }

  // Elisions: the words that lose their vowel before another word (l', qu').
  {
    auto content = ReadFile(DataPath("text/elisions.txt"));
    if (!content.ok()) return content.error();
    for (const auto& w : DataLines(*content)) t->elisions.insert(w);
  }

  {
    std::string path = DataPath("text/accent_variants.tsv");
    auto content = ReadFile(path);
    if (!content.ok()) return content.error();
    for (const auto& line : DataLines(*content)) {
      size_t t1 = line.find('\t'), t2 = line.find('\t', t1 == std::string::npos ? t1 : t1 + 1);
      if (t2 == std::string::npos || FindInvalidUtf8(line) != std::string::npos)
        return Error::BadInput(path + ": bad line '" + line +
                               "': expected <language><TAB><ending><TAB><accented ending>");
      t->variants.push_back(
          {line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
    }
  }

  std::unique_ptr<TextAnalyzer> a(new TextAnalyzer(std::move(t)));
  Tables& tab = *a->t_;

  // Languages: those with a Snowball stemmer, plus their stop words if a list
  // exists (a missing list only means no stop words for that language).
  const char** names = sb_stemmer_list();
  for (size_t i = 0; i < kNumStemLangs; ++i) {
    bool available = false;
    for (const char** n = names; *n; ++n)
      if (std::strcmp(*n, kStemLangs[i].algo) == 0) available = true;
    if (!available) continue;
    Tables::Lang lang;
    lang.code = kStemLangs[i].iso;
    lang.stemmer = static_cast<int>(i);
    std::string path = DataPath("stopwords/" + lang.code + ".txt");
    std::ifstream probe(path);
    if (probe) {
      auto content = ReadFile(path);
      if (!content.ok()) return content.error();
      for (const auto& w : DataLines(*content)) {
        if (FindInvalidUtf8(w) != std::string::npos)
          return Error::BadInput(path + ": invalid UTF-8 in stop word");
        std::string f = a->Fold(w);
        if (!f.empty()) lang.stop.insert(std::move(f));
      }
    }
    tab.langs.push_back(std::move(lang));
  }
  return a;
}

TextAnalyzer::TextAnalyzer(std::unique_ptr<Tables> t) : t_(std::move(t)) {}
TextAnalyzer::~TextAnalyzer() = default;

std::vector<std::string> TextAnalyzer::AccentVariants(std::string_view folded_word,
                                                      std::string_view language) const {
  std::vector<std::string> out;
  for (char c : folded_word)
    if (static_cast<unsigned char>(c) >= 0x80) return out;  // already has accents
  for (const auto& v : t_->variants) {
    // Keep at least three letters before the ending: short words are rarely
    // accented that way and would only add noise.
    if (v.lang != language || folded_word.size() < v.ending.size() + 3) continue;
    if (folded_word.substr(folded_word.size() - v.ending.size()) != v.ending) continue;
    std::string w(folded_word.substr(0, folded_word.size() - v.ending.size()));
    out.push_back(w + v.accented);
  }
  return out;
}

std::vector<std::string> TextAnalyzer::Languages() const {
  std::vector<std::string> out;
  for (const auto& l : t_->langs) out.push_back(l.code);
  std::sort(out.begin(), out.end());
  return out;
}

bool TextAnalyzer::IsStopWord(std::string_view folded_word, std::string_view language) const {
  int li = t_->LangIndex(language);
  return li >= 0 && t_->langs[li].stop.find(folded_word) != t_->langs[li].stop.end();
}

namespace {

// Decodes the code point at p[i], validating. Returns false (and *len = 1) on
// an invalid sequence, which the tokenizer treats as a separator.
inline bool Decode(const unsigned char* p, size_t n, size_t i, char32_t* cp, size_t* len) {
  unsigned char c = p[i];
  auto cont = [&](size_t k) { return i + k < n && (p[i + k] & 0xC0) == 0x80; };
  *len = 1;
  if (c < 0x80) {
    *cp = c;
    return true;
  }
  if (c < 0xC2) return false;
  if (c < 0xE0) {
    if (!cont(1)) return false;
    *cp = ((c & 0x1F) << 6) | (p[i + 1] & 0x3F);
    *len = 2;
    return true;
  }
  if (c < 0xF0) {
    if (!cont(1) || !cont(2)) return false;
    if (c == 0xE0 && p[i + 1] < 0xA0) return false;   // overlong
    if (c == 0xED && p[i + 1] >= 0xA0) return false;  // surrogate
    *cp = ((c & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
    *len = 3;
    return true;
  }
  if (c < 0xF5) {
    if (!cont(1) || !cont(2) || !cont(3)) return false;
    if (c == 0xF0 && p[i + 1] < 0x90) return false;
    if (c == 0xF4 && p[i + 1] >= 0x90) return false;
    *cp = ((c & 0x07) << 18) | ((p[i + 1] & 0x3F) << 12) | ((p[i + 2] & 0x3F) << 6) |
          (p[i + 3] & 0x3F);
    *len = 4;
    return true;
  }
  return false;
}

// One tokenizing pass. Holds the per-call buffers so that no term allocates.
class Pass {
 public:
  Pass(const TextAnalyzer::Tables& t, int lang, TokenSink sink, void* ctx, bool stem = true)
      : t_(t), lang_(lang >= 0 ? &t.langs[lang] : nullptr), sink_(sink), ctx_(ctx), stem_(stem) {
    folded_.reserve(64);
    lower_.reserve(64);
  }
  // Also hands every stop word (folded) to `stop`, in text order between
  // the terms.
  void OnStopWord(TokenSink stop) { stop_ = stop; }

  void Run(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n && !stopped_) {
      unsigned char b = p[i];
      if (b < 0x80) {
        uint8_t cls = t_.ascii_cls[b];
        if (cls == kClsWord) {
          if (!in_tok_) Start(i);
          char f = t_.ascii_fold[b];
          folded_ += f;
          if (non_ascii_) lower_ += f;
          ++i;
          end_ = i;
          continue;
        }
        if (cls == kClsApos) {
          Apostrophe(p, n, i);
        } else {
          Flush();
        }
        ++i;
        continue;
      }
      char32_t cp;
      size_t len;
      if (!Decode(p, n, i, &cp, &len)) {
        Flush();
        ++i;
        continue;
      }
      uint8_t cls;
      std::string_view fold;
      char32_t lower;
      std::string big;  // only for code points above U+FFFF
      if (cp < 0x10000) {
        const auto& e = t_.bmp[cp];
        cls = e.cls;
        fold = std::string_view(t_.pool.data() + e.fold_off, e.fold_len);
        lower = e.lower;
      } else {
        cls = Classify(cp);
        lower = static_cast<char32_t>(u_foldCase(cp, U_FOLD_CASE_DEFAULT));
        AppendUtf8(lower, big);
        fold = big;
      }
      switch (cls) {
        case kClsWord:
        case kClsMark:
          if (!in_tok_) Start(i);
          if (!non_ascii_) {
            non_ascii_ = true;
            lower_.assign(folded_);
          }
          folded_ += fold;
          AppendUtf8(cls == kClsMark ? cp : static_cast<char32_t>(lower), lower_);
          end_ = i + len;
          break;
        case kClsIdeo:
          Flush();
          Start(i);
          folded_ += fold;
          end_ = i + len;
          Flush();
          break;
        case kClsApos:
          Apostrophe(p, n, i);
          break;
        case kClsIgnore:
          break;
        default:
          Flush();
      }
      i += len;
    }
    Flush();
  }

  // Elision: "l'" followed by a letter drops the "l"; otherwise the
  // apostrophe just separates words.
  void Apostrophe(const unsigned char* p, size_t n, size_t i) {
    if (!in_tok_) return;
    char32_t cp;
    size_t alen = 1;
    if (p[i] >= 0x80) Decode(p, n, i, &cp, &alen);
    size_t next = i + alen, len;
    if (next < n && Decode(p, n, next, &cp, &len)) {
      uint8_t cls = cp < 0x10000 ? t_.bmp[cp].cls : static_cast<uint8_t>(kClsSep);
      if ((cls == kClsWord || cls == kClsIdeo) && t_.elisions.count(folded_) > 0) {
        Reset();
        return;
      }
    }
    Flush();
  }

 private:
  void Start(size_t i) {
    in_tok_ = true;
    begin_ = i;
    folded_.clear();
    non_ascii_ = false;
  }
  void Reset() { in_tok_ = false; }

  void Flush() {
    if (!in_tok_) return;
    in_tok_ = false;
    if (folded_.empty()) return;
    const auto b = static_cast<uint32_t>(begin_), e = static_cast<uint32_t>(end_);
    if (!lang_) {
      Emit(folded_, b, e);
      return;
    }
    if (lang_->stop.find(std::string_view(folded_)) != lang_->stop.end()) {
      if (stop_ && !stop_(ctx_, folded_, b, e)) stopped_ = true;
      return;
    }
    if (!stem_) {
      Emit(folded_, b, e);
      return;
    }
    unsigned char first = static_cast<unsigned char>(folded_[0]);
    if ((first >= '0' && first <= '9') || folded_.size() > kMaxStemBytes) {
      Emit(folded_, b, e);
      return;
    }
    const std::string& in = non_ascii_ ? lower_ : folded_;
    StemCache::Entry& slot = tls_stem_cache.Slot(in, lang_->stemmer);
    if (slot.lang == lang_->stemmer && slot.word == in) {
      Emit(slot.term, b, e);
      return;
    }
    slot.lang = lang_->stemmer;
    slot.word = in;
    slot.term = Stem(in);
    Emit(slot.term, b, e);
  }

  // Snowball stem of `in` (lower-cased), folded.
  std::string_view Stem(const std::string& in) {
    sb_stemmer* st = tls_stemmers.Get(lang_->stemmer);
    const sb_symbol* s = st ? sb_stemmer_stem(st, reinterpret_cast<const sb_symbol*>(in.data()),
                                              static_cast<int>(in.size()))
                            : nullptr;
    if (!s) return folded_;
    std::string_view stem(reinterpret_cast<const char*>(s), sb_stemmer_length(st));
    if (!non_ascii_) return stem;
    // The stem kept the accents of the lower-cased word: fold it.
    stem_fold_.clear();
    FoldInto(t_, stem, &stem_fold_);
    if (stem_fold_.empty()) return folded_;
    return stem_fold_;
  }

  void Emit(std::string_view term, uint32_t b, uint32_t e) {
    if (!sink_(ctx_, term, b, e)) stopped_ = true;
  }

  const TextAnalyzer::Tables& t_;
  const TextAnalyzer::Tables::Lang* lang_;
  TokenSink sink_;
  TokenSink stop_ = nullptr;
  void* ctx_;
  const bool stem_;
  bool stopped_ = false;
  bool in_tok_ = false;
  bool non_ascii_ = false;
  size_t begin_ = 0, end_ = 0;
  std::string folded_, lower_, stem_fold_;
};

}  // namespace

void FoldInto(const TextAnalyzer::Tables& t, std::string_view s, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    size_t len;
    if (p[i] < 0x80) {
      if (t.ascii_cls[p[i]] == kClsWord) *out += t.ascii_fold[p[i]];
      ++i;
      continue;
    }
    if (!Decode(p, s.size(), i, &cp, &len)) {
      ++i;
      continue;
    }
    if (cp < 0x10000) {
      const auto& e = t.bmp[cp];
      out->append(t.pool.data() + e.fold_off, e.fold_len);
    } else if (Classify(cp) == kClsWord || Classify(cp) == kClsIdeo) {
      AppendUtf8(static_cast<char32_t>(u_foldCase(cp, U_FOLD_CASE_DEFAULT)), *out);
    }
    i += len;
  }
}

void TextAnalyzer::Analyze(std::string_view text, std::string_view language, TokenSink sink,
                           void* ctx) const {
  Pass pass(*t_, t_->LangIndex(language), sink, ctx);
  pass.Run(text);
}

void TextAnalyzer::Tokenize(std::string_view text, std::string_view language, TokenSink sink,
                            void* ctx) const {
  Pass pass(*t_, t_->LangIndex(language), sink, ctx, /*stem=*/false);
  pass.Run(text);
}

namespace {

// Runs of stop words between terms, turned into grams (text.h).
struct GramPass {
  IndexSink sink;
  void* ctx;
  std::vector<std::string> run;  // folded stop words since the last term
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  bool any_term = false, stopped = false;
  std::string gram;
  std::vector<std::string> grams;

  bool Emit(std::string_view g, uint32_t b, uint32_t e) {
    if (!sink(ctx, g, b, e, true)) stopped = true;
    return !stopped;
  }
  // The distinct grams of the run, then the run is empty.
  void Grams() {
    const size_t n = run.size();
    if (n == 2) {
      gram.assign(run[0]).append(1, kStopGramSeparator).append(run[1]);
      Emit(gram, spans[0].first, spans[1].second);
    } else if (n > 2) {
      grams.clear();
      for (size_t len = 2; len <= std::min(n, kMaxStopGram); ++len)
        for (size_t i = 0; i + len <= n; ++i) {
          std::vector<std::string_view> w(run.begin() + i, run.begin() + i + len);
          grams.push_back(StopGram(w));
        }
      std::sort(grams.begin(), grams.end());
      grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
      for (const auto& g : grams)
        if (!Emit(g, spans[0].first, spans[n - 1].second)) break;
    }
    run.clear();
    spans.clear();
  }
};

}  // namespace

std::string StopGram(const std::vector<std::string_view>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += kStopGramSeparator;
    out += words[i];
  }
  return out;
}

void TextAnalyzer::AnalyzeForIndex(std::string_view text, std::string_view language, IndexSink sink,
                                   void* ctx) const {
  GramPass g{sink, ctx, {}, {}, false, false, {}, {}};
  Pass pass(
      *t_, t_->LangIndex(language),
      [](void* c, std::string_view term, uint32_t b, uint32_t e) {
        auto* g = static_cast<GramPass*>(c);
        g->any_term = true;
        if (!g->sink(g->ctx, term, b, e, false)) return !(g->stopped = true);
        if (!g->run.empty()) g->Grams();
        return !g->stopped;
      },
      &g);
  pass.OnStopWord([](void* c, std::string_view word, uint32_t b, uint32_t e) {
    auto* g = static_cast<GramPass*>(c);
    g->run.emplace_back(word);
    g->spans.emplace_back(b, e);
    return true;
  });
  pass.Run(text);
  // A run at the end shares the last term's position; a text of stop words
  // only has no term to attach grams to (and FTS5 would count one as a token).
  if (!g.stopped && g.any_term && !g.run.empty()) g.Grams();
}

void TextAnalyzer::Analyze(std::string_view text, std::string_view language,
                           std::vector<Token>* out) const {
  Analyze(
      text, language,
      [](void* ctx, std::string_view term, uint32_t b, uint32_t e) {
        static_cast<std::vector<Token>*>(ctx)->push_back(Token{std::string(term), b, e});
        return true;
      },
      out);
}

std::string TextAnalyzer::Fold(std::string_view word) const {
  std::string out;
  Analyze(
      word, "",
      [](void* ctx, std::string_view term, uint32_t, uint32_t) {
        *static_cast<std::string*>(ctx) += term;
        return true;
      },
      &out);
  return out;
}

std::string TagLanguage(std::string_view language, std::string_view text) {
  std::string out;
  if (!language.empty()) {
    out.reserve(text.size() + language.size() + 2);
    out += kLanguageTag;
    out += language;
    out += kLanguageTag;
  }
  out += text;
  return out;
}

std::string NormalizeForHash(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  bool pending_space = false;
  for (size_t i = 0; i < n;) {
    unsigned char b = p[i];
    if (b < 0x80) {
      if (b == ' ' || (b >= '\t' && b <= '\r')) {
        pending_space = true;
      } else {
        if (pending_space && !out.empty()) out += ' ';
        pending_space = false;
        out += (b >= 'A' && b <= 'Z') ? static_cast<char>(b + 32) : static_cast<char>(b);
      }
      ++i;
      continue;
    }
    char32_t cp;
    size_t len;
    bool valid = Decode(p, n, i, &cp, &len);
    if (valid && (u_isUWhiteSpace(cp) || cp == 0x85)) {
      pending_space = true;
      i += len;
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    if (valid) {
      AppendUtf8(static_cast<char32_t>(u_foldCase(cp, U_FOLD_CASE_DEFAULT)), out);
    } else {
      out += static_cast<char>(b);
    }
    i += len;
  }
  return out;
}

}  // namespace veille
