// fts5_tokenizer.cc: the "veille" FTS5 tokenizer, a thin adapter from FTS5's
// callback interface to TextAnalyzer::Analyze.
//
// Documents arrive tagged with their language (TagLanguage); the tag is
// stripped and reported offsets are shifted back so that they still point
// into the string FTS5 gave us. Anything untagged, including every query
// string, is analysed with no language (fold only): ToFts5Match emits terms
// that are already analysed, and folding leaves them unchanged.
#include <sqlite3.h>

#include <string>

#include "text/internal.h"
#include "veille/text.h"

namespace veille {
namespace {

// Longest language tag accepted; anything longer is taken as plain text.
constexpr size_t kMaxTagLength = 16;

struct Callback {
  void* fts_ctx;
  int (*x_token)(void*, int, const char*, int, int, int);
  uint32_t shift;
  int gram_flag;
  int rc = SQLITE_OK;
};

int Create(void* user, const char** /*args*/, int /*nargs*/, Fts5Tokenizer** out) {
  // The analyzer is immutable and thread-safe, so every table shares it.
  *out = static_cast<Fts5Tokenizer*>(user);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer*) {}

int Tokenize(Fts5Tokenizer* tok, void* fts_ctx, int flags, const char* text, int ntext,
             int (*x_token)(void*, int, const char*, int, int, int)) {
  const auto* analyzer = reinterpret_cast<const TextAnalyzer*>(tok);
  std::string_view in(text, ntext > 0 ? static_cast<size_t>(ntext) : 0);
  // Stop-word grams share the position of the term before them in a
  // document; in a query a gram is a term of its own.
  const int gram_flag = (flags & FTS5_TOKENIZE_DOCUMENT) ? FTS5_TOKEN_COLOCATED : 0;
  if (!in.empty() && in[0] == kPreAnalyzedTag) {
    // Terms the same analyzer already produced on a worker thread (see
    // PreAnalyze), or grams from the query translation: emit them as they
    // are, in order.
    size_t pos = 1;
    while (pos < in.size()) {
      size_t end = in.find(' ', pos);
      if (end == std::string_view::npos) end = in.size();
      if (end > pos) {
        std::string_view term = in.substr(pos, end - pos);
        const int tflags = term.find(kStopGramSeparator) != std::string_view::npos ? gram_flag : 0;
        int rc = x_token(fts_ctx, tflags, term.data(), static_cast<int>(term.size()),
                         static_cast<int>(pos), static_cast<int>(end));
        if (rc != SQLITE_OK) return rc;
      }
      pos = end + 1;
    }
    return SQLITE_OK;
  }
  std::string_view language;
  uint32_t shift = 0;
  if (!in.empty() && in[0] == kLanguageTag) {
    size_t close = in.find(kLanguageTag, 1);
    if (close != std::string_view::npos && close <= kMaxTagLength + 1) {
      language = in.substr(1, close - 1);
      shift = static_cast<uint32_t>(close + 1);
      in.remove_prefix(close + 1);
    }
  }
  Callback cb{fts_ctx, x_token, shift, gram_flag};
  analyzer->AnalyzeForIndex(
      in, language,
      [](void* ctx, std::string_view term, uint32_t b, uint32_t e, bool colocated) {
        auto* c = static_cast<Callback*>(ctx);
        c->rc = c->x_token(c->fts_ctx, colocated ? c->gram_flag : 0, term.data(),
                           static_cast<int>(term.size()), static_cast<int>(b + c->shift),
                           static_cast<int>(e + c->shift));
        return c->rc == SQLITE_OK;
      },
      &cb);
  return cb.rc;
}

}  // namespace

fts5_api* GetFts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
  return api;
}

std::string PreAnalyze(const TextAnalyzer& analyzer, std::string_view language,
                       std::string_view text) {
  std::string out(1, kPreAnalyzedTag);
  out.reserve(text.size());
  analyzer.AnalyzeForIndex(
      text, language,
      [](void* ctx, std::string_view term, uint32_t, uint32_t, bool) {
        auto* o = static_cast<std::string*>(ctx);
        if (o->size() > 1) o->push_back(' ');
        o->append(term);
        return true;
      },
      &out);
  return out;
}

Status RegisterFts5Tokenizer(sqlite3* db, const TextAnalyzer* analyzer) {
  if (!db || !analyzer) return Error::InvalidArgument("RegisterFts5Tokenizer: null argument");
  fts5_api* api = GetFts5Api(db);
  if (!api) return Error::Database("this SQLite has no FTS5 (SELECT fts5(?1) failed)");
  fts5_tokenizer t{Create, Delete, Tokenize};
  int rc = api->xCreateTokenizer(api, "veille", const_cast<TextAnalyzer*>(analyzer), &t, nullptr);
  if (rc != SQLITE_OK)
    return Error::Database(std::string("registering the veille tokenizer: ") + sqlite3_errstr(rc));
  return OkStatus();
}

}  // namespace veille
