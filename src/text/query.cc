// query.cc: the user query parser and its translation to FTS5 MATCH syntax.
//
// Grammar (OR binds tighter than the implicit AND, as in web search engines):
//   and     := unary+                     (an explicit AND between is allowed)
//   unary   := ('-' | NOT)* or
//   or      := primary (OR primary)*
//   primary := word['*'] | quote text quote['*'] | '(' and ')'
#include "veille/query.h"

#include <algorithm>
#include <optional>

#include "text/internal.h"
#include "text/query_internal.h"

namespace veille {
namespace {

constexpr size_t kMaxQueryBytes = 4096;
constexpr int kMaxTerms = 64;
constexpr int kMaxDepth = 16;

// Byte length of the white-space character at s[i], or 0. Besides ASCII,
// the no-break spaces French typography puts before « : ; ? ! ».
size_t SpaceLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
    unsigned char d = static_cast<unsigned char>(s[i + 2]);
    if (d <= 0x8A || d == 0xAF) return 3;  // U+2000..U+200A, U+202F
  }
  if (c == 0xE3 && s.substr(i, 3) == "\xE3\x80\x80") return 3;  // U+3000
  return 0;
}

// Byte length of the quotation mark at s[i] (" “ ” „ « »), or 0.
size_t QuoteLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == '"') return 1;
  if (c == 0xC2 && i + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    if (d == 0xAB || d == 0xBB) return 2;
  }
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
    unsigned char d = static_cast<unsigned char>(s[i + 2]);
    if (d == 0x9C || d == 0x9D || d == 0x9E) return 3;
  }
  return 0;
}

struct Lex {
  enum Kind { kWord, kPhrase, kOr, kAnd, kNot, kLParen, kRParen, kEnd };
  Kind kind = kEnd;
  std::string text;
  bool prefix = false;
};

Result<std::vector<Lex>> Tokenize(std::string_view q) {
  std::vector<Lex> out;
  size_t i = 0;
  const size_t n = q.size();
  while (i < n) {
    if (size_t sp = SpaceLen(q, i)) {
      i += sp;
      continue;
    }
    char c = q[i];
    if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Lex::kLParen : Lex::kRParen, {}, false});
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < n && !SpaceLen(q, i + 1) && q[i + 1] != ')' && q[i + 1] != '-') {
      out.push_back({Lex::kNot, {}, false});
      ++i;
      continue;
    }
    if (size_t ql = QuoteLen(q, i)) {
      size_t start = i + ql, j = start, close = 0;
      while (j < n && !(close = QuoteLen(q, j))) ++j;
      if (j >= n)
        return Error::InvalidArgument("unbalanced quote: a phrase opened with " +
                                      std::string(q.substr(i, ql)) + " is never closed");
      Lex l{Lex::kPhrase, std::string(q.substr(start, j - start)), false};
      i = j + close;
      if (i < n && q[i] == '*') {
        l.prefix = true;
        while (i < n && q[i] == '*') ++i;
      }
      out.push_back(std::move(l));
      continue;
    }
    size_t j = i;
    while (j < n && !SpaceLen(q, j) && !QuoteLen(q, j) && q[j] != '(' && q[j] != ')') ++j;
    std::string_view w = q.substr(i, j - i);
    i = j;
    Lex l{Lex::kWord, {}, false};
    if (w == "OR") {
      l.kind = Lex::kOr;
    } else if (w == "AND") {
      l.kind = Lex::kAnd;
    } else if (w == "NOT") {
      l.kind = Lex::kNot;
    } else {
      while (!w.empty() && w.back() == '*') {
        l.prefix = true;
        w.remove_suffix(1);
      }
      if (w.empty() && l.prefix)
        return Error::InvalidArgument("'*' must follow the start of a word, as in talib*");
      l.text = std::string(w);
    }
    out.push_back(std::move(l));
  }
  out.push_back({Lex::kEnd, {}, false});
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Lex> toks) : toks_(std::move(toks)) {}

  Result<QueryNode> ParseAnd(int depth) {
    QueryNode node;
    node.kind = QueryNode::Kind::kAnd;
    for (;;) {
      const Lex& t = Peek();
      if (t.kind == Lex::kEnd) {
        if (depth > 0) return Error::InvalidArgument("unbalanced parenthesis: missing ')'");
        break;
      }
      if (t.kind == Lex::kRParen) {
        if (depth == 0) return Error::InvalidArgument("unbalanced parenthesis: ')' without '('");
        break;
      }
      if (t.kind == Lex::kOr) return Error::InvalidArgument("OR needs a term on its left");
      if (t.kind == Lex::kAnd) {
        if (node.children.empty()) return Error::InvalidArgument("AND needs a term on its left");
        Next();
        if (IsEndOfOperand(Peek().kind))
          return Error::InvalidArgument("AND needs a term on its right");
        continue;
      }
      auto child = ParseOr(depth);
      if (!child.ok()) return child.error();
      node.children.push_back(std::move(child).value());
    }
    if (node.children.empty())
      return Error::InvalidArgument(depth == 0 ? "empty query" : "empty parentheses ()");
    bool positive = std::any_of(node.children.begin(), node.children.end(),
                                [](const QueryNode& c) { return !c.negated; });
    if (!positive)
      return Error::InvalidArgument(
          "a query cannot contain only exclusions: add a word to search for");
    return node;
  }

 private:
  static bool IsEndOfOperand(Lex::Kind k) {
    return k == Lex::kEnd || k == Lex::kRParen || k == Lex::kOr || k == Lex::kAnd;
  }
  const Lex& Peek() const { return toks_[pos_]; }
  void Next() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }

  Result<QueryNode> ParseOr(int depth) {
    auto first = ParseUnary(depth);
    if (!first.ok() || Peek().kind != Lex::kOr) return first;
    QueryNode node;
    node.kind = QueryNode::Kind::kOr;
    node.children.push_back(std::move(first).value());
    while (Peek().kind == Lex::kOr) {
      Next();
      if (IsEndOfOperand(Peek().kind))
        return Error::InvalidArgument("OR needs a term on its right");
      auto next = ParseUnary(depth);
      if (!next.ok()) return next.error();
      node.children.push_back(std::move(next).value());
    }
    for (const auto& c : node.children)
      if (c.negated)
        return Error::InvalidArgument(
            "an exclusion (-word) cannot be one side of OR; put it outside the OR");
    return node;
  }

  Result<QueryNode> ParseUnary(int depth) {
    bool negated = false;
    while (Peek().kind == Lex::kNot) {
      negated = !negated;
      Next();
    }
    if (IsEndOfOperand(Peek().kind))
      return Error::InvalidArgument("an exclusion ('-' or NOT) needs a term after it");
    auto node = ParsePrimary(depth);
    if (node.ok() && negated) node->negated = !node->negated;
    return node;
  }

  Result<QueryNode> ParsePrimary(int depth) {
    const Lex& t = Peek();
    if (t.kind == Lex::kWord || t.kind == Lex::kPhrase) {
      if (++terms_ > kMaxTerms)
        return Error::InvalidArgument("query has more than " + std::to_string(kMaxTerms) +
                                      " terms");
      QueryNode leaf;
      leaf.kind = t.kind == Lex::kWord ? QueryNode::Kind::kWord : QueryNode::Kind::kPhrase;
      leaf.text = t.text;
      leaf.prefix = t.prefix;
      Next();
      return leaf;
    }
    if (t.kind == Lex::kLParen) {
      if (depth >= kMaxDepth)
        return Error::InvalidArgument("parentheses nested more than " + std::to_string(kMaxDepth) +
                                      " deep");
      Next();
      auto inner = ParseAnd(depth + 1);
      if (!inner.ok()) return inner.error();
      Next();  // the ')' ParseAnd stopped at
      if (inner->children.size() == 1) return std::move(inner->children[0]);
      return inner;
    }
    return Error::InvalidArgument("unexpected token in query");  // unreachable by construction
  }

  std::vector<Lex> toks_;
  size_t pos_ = 0;
  int terms_ = 0;
};

void Debug(const QueryNode& n, std::string* out) {
  if (n.negated) *out += '-';
  switch (n.kind) {
    case QueryNode::Kind::kWord:
      *out += n.text;
      break;
    case QueryNode::Kind::kPhrase:
      *out += '"' + n.text + '"';
      break;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr:
      *out += n.kind == QueryNode::Kind::kAnd ? "AND(" : "OR(";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) *out += ' ';
        Debug(n.children[i], out);
      }
      *out += ')';
      break;
  }
  if (n.prefix) *out += '*';
}

std::string Quote(const std::vector<std::string>& terms, bool prefix) {
  std::string s = "\"";
  for (size_t i = 0; i < terms.size(); ++i) {
    if (i) s += ' ';
    for (char c : terms[i]) {
      if (c == '"') s += '"';  // cannot happen (quotes separate words); stay safe
      s += c;
    }
  }
  s += '"';
  if (prefix) s += " *";
  return s;
}

// Translation of one node; nullopt when it has nothing to search for (stop
// words, punctuation), which the parent then leaves out.
class Translator {
 public:
  Translator(const TextAnalyzer& a, const std::vector<std::string>& languages,
             const MatchOptions& options)
      : a_(a), options_(options) {
    langs_ = languages;
    if (langs_.empty()) langs_.push_back("");
  }

  std::optional<std::string> Node(const QueryNode& n) {
    switch (n.kind) {
      case QueryNode::Kind::kWord:
      case QueryNode::Kind::kPhrase:
        return Leaf(n);
      case QueryNode::Kind::kOr: {
        std::vector<std::string> alts;
        for (const auto& c : n.children)
          if (auto s = Node(c)) alts.push_back(std::move(*s));
        return Join(alts, " OR ");
      }
      case QueryNode::Kind::kAnd: {
        std::vector<std::string> pos, neg;
        for (const auto& c : n.children)
          if (auto s = Node(c)) (c.negated ? neg : pos).push_back(std::move(*s));
        auto expr = Join(pos, " AND ");
        if (!expr) return std::nullopt;
        for (const auto& x : neg) expr = "(" + *expr + " NOT " + x + ")";
        return expr;
      }
    }
    return std::nullopt;
  }

 private:
  static std::optional<std::string> Join(const std::vector<std::string>& v, const char* op) {
    if (v.empty()) return std::nullopt;
    if (v.size() == 1) return v[0];
    std::string s = "(";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) s += op;
      s += v[i];
    }
    return s + ")";
  }

  std::optional<std::string> Leaf(const QueryNode& n) {
    std::vector<std::string> alts;
    for (const auto& lang : langs_) {
      auto terms = LeafTerms(a_, n, lang);
      if (!terms && options_.stop_phrases) {
        if (auto words = StopPhraseWords(a_, n, lang)) {
          std::string q = GramMatch(*words);
          if (std::find(alts.begin(), alts.end(), q) == alts.end()) alts.push_back(std::move(q));
          continue;
        }
      }
      if (!terms) return std::nullopt;  // a stop word in `lang`: drop everywhere
      std::string q = Quote(*terms, n.prefix);
      if (std::find(alts.begin(), alts.end(), q) == alts.end()) alts.push_back(std::move(q));
      for (const auto& v : VariantTerms(a_, n, lang)) {
        q = Quote({v}, false);
        if (std::find(alts.begin(), alts.end(), q) == alts.end()) alts.push_back(std::move(q));
      }
    }
    return Join(alts, " OR ");
  }

  // The stop-word gram(s) of a phrase of stop words, as FTS5 strings the
  // tokenizer passes through (kPreAnalyzedTag).
  static std::string GramMatch(const std::vector<std::string>& words) {
    auto quoted = [&](size_t from, size_t n) {
      std::vector<std::string_view> w(words.begin() + from, words.begin() + from + n);
      return std::string("\"") + kPreAnalyzedTag + StopGram(w) + "\"";
    };
    if (words.size() <= kMaxStopGram) return quoted(0, words.size());
    std::string s = "NEAR(";
    for (size_t i = 0; i + kMaxStopGram <= words.size(); ++i) {
      if (i) s += ' ';
      s += quoted(i, kMaxStopGram);
    }
    return s + ", 0)";
  }

  const TextAnalyzer& a_;
  const MatchOptions options_;
  std::vector<std::string> langs_;
};

bool AnyStopPhrase(const TextAnalyzer& a, const QueryNode& n,
                   const std::vector<std::string>& langs) {
  if (n.kind == QueryNode::Kind::kAnd || n.kind == QueryNode::Kind::kOr) {
    for (const auto& c : n.children)
      if (AnyStopPhrase(a, c, langs)) return true;
    return false;
  }
  for (const auto& lang : langs)
    if (StopPhraseWords(a, n, lang)) return true;
  return false;
}

}  // namespace

std::optional<std::vector<std::string>> LeafTerms(const TextAnalyzer& a, const QueryNode& n,
                                                  std::string_view lang) {
  std::vector<Token> raw;
  a.Analyze(n.text, "", &raw);
  if (raw.empty()) return std::nullopt;
  std::vector<Token> stems;
  std::vector<std::string> out;
  if (!n.prefix) {
    a.Analyze(n.text, lang, &stems);
    if (stems.empty()) return std::nullopt;
  } else {
    // Every word but the last is stemmed as usual; the last is the prefix,
    // folded only (stemming "talib" could cut it further).
    a.Analyze(std::string_view(n.text).substr(0, raw.back().begin), lang, &stems);
  }
  for (auto& t : stems) out.push_back(std::move(t.term));
  if (n.prefix) out.push_back(raw.back().term);
  return out;
}

std::optional<std::vector<std::string>> StopPhraseWords(const TextAnalyzer& a, const QueryNode& n,
                                                        std::string_view lang) {
  if (n.kind != QueryNode::Kind::kPhrase || n.prefix) return std::nullopt;
  std::vector<Token> raw;
  a.Analyze(n.text, "", &raw);
  if (raw.size() < 2) return std::nullopt;
  std::vector<std::string> out;
  for (auto& t : raw) {
    if (!a.IsStopWord(t.term, lang)) return std::nullopt;
    out.push_back(std::move(t.term));
  }
  return out;
}

std::vector<std::string> VariantTerms(const TextAnalyzer& a, const QueryNode& n,
                                      std::string_view lang) {
  std::vector<std::string> out;
  if (n.kind != QueryNode::Kind::kWord || n.prefix) return out;
  std::vector<Token> raw;
  a.Analyze(n.text, "", &raw);
  if (raw.size() != 1) return out;
  std::vector<Token> base, v;
  a.Analyze(raw[0].term, lang, &base);
  for (const auto& variant : a.AccentVariants(raw[0].term, lang)) {
    v.clear();
    a.Analyze(variant, lang, &v);
    if (v.size() != 1 || (base.size() == 1 && v[0].term == base[0].term)) continue;
    if (std::find(out.begin(), out.end(), v[0].term) == out.end()) out.push_back(v[0].term);
  }
  return out;
}

std::string ParsedQuery::DebugString() const {
  std::string s;
  Debug(root, &s);
  return s;
}

Result<ParsedQuery> ParseQuery(std::string_view query) {
  if (query.size() > kMaxQueryBytes)
    return Error::InvalidArgument("query longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  auto toks = Tokenize(query);
  if (!toks.ok()) return toks.error();
  Parser p(std::move(toks).value());
  auto root = p.ParseAnd(0);
  if (!root.ok()) return root.error();
  ParsedQuery q;
  q.root = std::move(root).value();
  return q;
}

Result<std::string> ToFts5Match(const ParsedQuery& q, const TextAnalyzer& analyzer,
                                const std::vector<std::string>& languages) {
  return ToFts5Match(q, analyzer, languages, MatchOptions{});
}

bool HasStopPhrase(const ParsedQuery& q, const TextAnalyzer& analyzer,
                   const std::vector<std::string>& languages) {
  return AnyStopPhrase(analyzer, q.root, languages);
}

Result<std::string> ToFts5Match(const ParsedQuery& q, const TextAnalyzer& analyzer,
                                const std::vector<std::string>& languages,
                                const MatchOptions& options) {
  Translator t(analyzer, languages, options);
  auto expr = t.Node(q.root);
  if (!expr)
    return Error::InvalidArgument(
        "the query has nothing to search for: its words are all stop words (le, de, the ...) "
        "or punctuation");
  return *expr;
}

}  // namespace veille
