// snippet.cc: highlighted extracts of matching text for result lists.
//
// The text is analysed like the index analysed it, so a hit is a term equal
// to one of the query's terms (or starting with one of its prefixes); the
// window of `max_tokens` terms with most hits is shown, widened to whole
// words (so "l'[ambassade]" keeps its "l'") and white space collapsed.
#include <algorithm>

#include "text/internal.h"
#include "text/query_internal.h"
#include "veille/query.h"

namespace veille {
namespace {

// How far a window edge may be widened to reach white space.
constexpr size_t kMaxWiden = 24;

bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

struct Hits {
  StringSet exact;
  std::vector<std::string> prefixes;

  bool Match(std::string_view term) const {
    if (exact.find(term) != exact.end()) return true;
    for (const auto& p : prefixes)
      if (term.substr(0, p.size()) == p) return true;
    return false;
  }
};

void Collect(const TextAnalyzer& a, const QueryNode& n, const std::vector<std::string>& langs,
             Hits* hits) {
  if (n.negated) return;
  if (n.kind == QueryNode::Kind::kAnd || n.kind == QueryNode::Kind::kOr) {
    for (const auto& c : n.children) Collect(a, c, langs, hits);
    return;
  }
  for (const auto& lang : langs) {
    auto terms = LeafTerms(a, n, lang);
    if (!terms || terms->empty()) continue;
    if (n.prefix) {
      hits->prefixes.push_back(terms->back());
      terms->pop_back();
    }
    for (auto& t : *terms) hits->exact.insert(std::move(t));
    for (auto& t : VariantTerms(a, n, lang)) hits->exact.insert(std::move(t));
  }
}

// Appends text[b, e) with runs of white space collapsed to one space.
void AppendCollapsed(std::string_view text, size_t b, size_t e, std::string* out) {
  for (size_t i = b; i < e; ++i) {
    if (IsSpace(text[i])) {
      if (!out->empty() && out->back() != ' ') *out += ' ';
    } else {
      *out += text[i];
    }
  }
}

std::string Snippet(const TextAnalyzer& analyzer, std::string_view text, std::string_view language,
                    const Hits& hits, size_t max_tokens, std::string_view open,
                    std::string_view close);

}  // namespace

struct SnippetMaker::Terms : Hits {};

SnippetMaker::SnippetMaker(const TextAnalyzer& analyzer, const ParsedQuery& q,
                           const std::vector<std::string>& languages)
    : analyzer_(analyzer), query_(q), languages_(languages), terms_(std::make_unique<Terms>()) {
  Collect(analyzer, q.root, languages, terms_.get());
}

SnippetMaker::~SnippetMaker() = default;

std::string SnippetMaker::Make(std::string_view text, std::string_view language, size_t max_tokens,
                               std::string_view open, std::string_view close) const {
  if (std::find(languages_.begin(), languages_.end(), language) != languages_.end())
    return Snippet(analyzer_, text, language, *terms_, max_tokens, open, close);
  return MakeSnippet(analyzer_, text, language, query_, languages_, max_tokens, open, close);
}

std::string MakeSnippet(const TextAnalyzer& analyzer, std::string_view text,
                        std::string_view language, const ParsedQuery& q,
                        const std::vector<std::string>& languages, size_t max_tokens,
                        std::string_view open, std::string_view close) {
  std::vector<std::string> langs{std::string(language)};
  for (const auto& l : languages)
    if (l != language) langs.push_back(l);
  return SnippetMaker(analyzer, q, langs).Make(text, language, max_tokens, open, close);
}

namespace {

// Extract of text around tokens [s, e], widened to whole words; tokens whose
// `hit` flag is set are wrapped in open/close. `toks` (begin/end offsets)
// holds at least the tokens 0..e, and e + 1 when the text has it.
template <typename Tok>
std::string Render(std::string_view text, const std::vector<Tok>& toks,
                   const std::vector<char>& hit, size_t s, size_t e, std::string_view open,
                   std::string_view close) {
  // Byte range, widened to the surrounding white space.
  size_t b = 0;
  if (s > 0) {
    b = toks[s].begin;
    size_t floor = toks[s - 1].end;
    size_t k = b;
    while (k > floor && b - k < kMaxWiden && !IsSpace(text[k - 1])) --k;
    if (k == floor || IsSpace(text[k - 1])) b = k;
  }
  size_t end = text.size();
  if (e + 1 < toks.size()) {
    end = toks[e].end;
    size_t ceil = toks[e + 1].begin;
    size_t k = end;
    while (k < ceil && k - end < kMaxWiden && !IsSpace(text[k])) ++k;
    if (k == ceil || IsSpace(text[k])) end = k;
  }

  std::string out;
  auto has_text = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i)
      if (!IsSpace(text[i])) return true;
    return false;
  };
  if (has_text(0, b)) out += "…";
  size_t pos = b;
  for (size_t i = s; i <= e; ++i) {
    if (!hit[i]) continue;
    AppendCollapsed(text, pos, toks[i].begin, &out);
    out += open;
    out.append(text.data() + toks[i].begin, toks[i].end - toks[i].begin);
    out += close;
    pos = toks[i].end;
  }
  AppendCollapsed(text, pos, end, &out);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() >= 3 && out.compare(0, 3, "…") == 0 && out.size() > 3 && out[3] == ' ')
    out.erase(3, 1);
  if (has_text(end, text.size())) out += "…";
  return out;
}

// Moves a window of w tokens that holds the hits first..last so that they
// sit in its middle rather than at its edge.
size_t Centre(size_t first, size_t last, size_t w) {
  size_t slack = w - (last - first + 1);
  return first >= slack / 2 ? first - slack / 2 : 0;
}

std::string Snippet(const TextAnalyzer& analyzer, std::string_view text, std::string_view language,
                    const Hits& hits, size_t max_tokens, std::string_view open,
                    std::string_view close) {
  std::vector<Token> toks;
  analyzer.Analyze(text, language, &toks);
  if (toks.empty()) return {};
  if (max_tokens == 0) max_tokens = 1;
  std::vector<char> hit(toks.size());
  for (size_t i = 0; i < toks.size(); ++i) hit[i] = hits.Match(toks[i].term);

  // Window [s, s + w) with the most hits (the earliest on ties).
  const size_t n = toks.size(), w = std::min(max_tokens, n);
  size_t count = 0, best = 0, s = 0;
  for (size_t i = 0; i < w; ++i) count += hit[i];
  best = count;
  for (size_t i = w; i < n; ++i) {
    count += hit[i];
    count -= hit[i - w];
    if (count > best) {
      best = count;
      s = i - w + 1;
    }
  }
  if (best > 0) {
    size_t first = s, last = s + w - 1;
    while (!hit[first]) ++first;
    while (!hit[last]) --last;
    s = std::min(Centre(first, last, w), n - w);
  }
  return Render(text, toks, hit, s, s + w - 1, open, close);
}

struct Span {
  uint32_t begin = 0, end = 0;
};

}  // namespace

std::string SnippetAt(const TextAnalyzer& analyzer, std::string_view text,
                      std::string_view language, const std::vector<uint32_t>& positions,
                      size_t max_tokens, std::string_view open, std::string_view close) {
  if (max_tokens == 0) max_tokens = 1;
  // The window with most hits, from the positions alone (the earliest on
  // ties), its hits centred.
  size_t s = 0;
  {
    size_t best = 0, first = 0, last = 0;
    for (size_t i = 0, j = 0; i < positions.size(); ++i) {
      while (j < positions.size() && positions[j] < positions[i] + max_tokens) ++j;
      if (j - i > best) {
        best = j - i;
        first = positions[i];
        last = positions[j - 1];
      }
    }
    if (best > 0) s = Centre(first, last, max_tokens);
  }
  // Offsets of the tokens up to one past the window; the end of the text
  // may come first.
  struct Collect {
    std::vector<Span> toks;
    size_t want;
  } c{{}, s + max_tokens + 1};
  c.toks.reserve(c.want);
  analyzer.Tokenize(
      text, language,
      [](void* ctx, std::string_view, uint32_t b, uint32_t e) {
        auto* c = static_cast<Collect*>(ctx);
        c->toks.push_back({b, e});
        return c->toks.size() < c->want;
      },
      &c);
  const size_t n = c.toks.size();
  if (n == 0) return {};
  const size_t w = std::min(max_tokens, n);
  s = std::min(s, n - w);
  const size_t e = s + w - 1;
  std::vector<char> hit(n);
  for (uint32_t p : positions)
    if (p < n) hit[p] = 1;
  return Render(text, c.toks, hit, s, e, open, close);
}

}  // namespace veille
