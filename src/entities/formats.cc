// Tag-file readers (CoNLL-U, BIO, HIPE) and the strict span scorer.
#include <fstream>
#include <sstream>

#include "veille/entities.h"

namespace veille {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

void SplitTabs(std::string_view line, std::vector<std::string_view>& cols) {
  cols.clear();
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      cols.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
}

void SplitSpaces(std::string_view line, std::vector<std::string_view>& cols) {
  cols.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) cols.push_back(line.substr(start, i - start));
  }
}

// Makes a tag sequence proper BIO: an I- that does not continue an entity of
// its type becomes B- (IOB1 corpora such as Europeana start entities with I-).
void NormaliseBio(std::vector<uint8_t>& tags) {
  int prev = 0;
  for (auto& t : tags) {
    if (t != 0 && t % 2 == 0) {  // I-X
      int type = (t - 2) / 2;
      if (prev == 0 || (prev - 1) / 2 != type) t = static_cast<uint8_t>(1 + 2 * type);
    }
    prev = t;
  }
}

}  // namespace

const char* EntityTypeName(int type) {
  static constexpr const char* kNames[] = {"PER", "LOC", "ORG"};
  return type >= 0 && type < kNumEntityTypes ? kNames[type] : "O";
}

std::string TagName(int tag) {
  if (tag <= 0 || tag >= kNumTags || (tag - 1) / 2 >= kNumEntityTypes) return "O";
  return std::string(tag % 2 == 1 ? "B-" : "I-") + EntityTypeName((tag - 1) / 2);
}

int ParseTag(std::string_view tag) {
  if (tag.size() < 3 || tag[1] != '-') return 0;
  char p = tag[0];
  bool begin;
  if (p == 'B' || p == 'S' || p == 'U') {
    begin = true;
  } else if (p == 'I' || p == 'E' || p == 'L') {
    begin = false;
  } else {
    return 0;
  }
  // Base type before any HIPE subtype (loc.adm.town), case-insensitive.
  std::string base;
  for (char c : tag.substr(2)) {
    if (c == '.') break;
    base.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  int t = -1;
  if (base == "per" || base == "pers") {
    t = 0;
  } else if (base == "loc") {
    t = 1;
  } else if (base == "org") {
    t = 2;
  } else if (base == "misc") {
    t = kMiscType;
  }
  if (t < 0) return 0;
  return begin ? 1 + 2 * t : 2 + 2 * t;
}

Result<TagFormat> ParseTagFormat(std::string_view name) {
  if (name == "conllu" || name == "conll") return TagFormat::kConllu;
  if (name == "bio" || name == "iob") return TagFormat::kBio;
  if (name == "hipe") return TagFormat::kHipe;
  return Error::InvalidArgument("unknown tag format '" + std::string(name) +
                                "' (expected conllu, bio or hipe)");
}

Result<std::vector<TaggedSentence>> ParseTagged(std::string_view content, TagFormat format) {
  std::vector<TaggedSentence> out;
  TaggedSentence cur;
  auto flush = [&]() {
    if (!cur.tokens.empty()) {
      NormaliseBio(cur.tags);
      out.push_back(std::move(cur));
    }
    cur = TaggedSentence();
  };
  std::vector<std::string_view> cols;
  size_t pos = 0;
  int line_no = 0;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) {
      flush();
      if (nl == content.size()) break;
      continue;
    }
    if (line[0] == '#') {
      // HIPE document or segment comments end a sentence; CoNLL-U comments
      // (sent_id, text) precede one.
      if (format == TagFormat::kHipe) flush();
      continue;
    }
    switch (format) {
      case TagFormat::kConllu: {
        SplitTabs(line, cols);
        if (cols.size() < 2) {
          SplitSpaces(line, cols);
          if (cols.size() < 2)
            return Error::BadInput("line " + std::to_string(line_no) + ": expected token and tag");
        }
        std::string_view token = cols.size() >= 3 ? cols[1] : cols[0];
        if (cols.size() >= 3 && cols[0].find_first_of("-.") != std::string_view::npos) break;
        cur.tokens.emplace_back(token);
        cur.tags.push_back(static_cast<uint8_t>(ParseTag(Trim(cols.back()))));
        break;
      }
      case TagFormat::kBio: {
        SplitSpaces(line, cols);
        if (cols.size() < 2)
          return Error::BadInput("line " + std::to_string(line_no) + ": expected token and tag");
        int tag = ParseTag(cols.back());
        // Long unsegmented runs (OCR pages) are cut at sentence punctuation
        // that is not inside an entity, or at 80 tokens.
        cur.tokens.emplace_back(cols[0]);
        cur.tags.push_back(static_cast<uint8_t>(tag));
        std::string_view tok = cols[0];
        if ((tok == "." || tok == "!" || tok == "?") && cur.tokens.size() >= 4)
          flush();
        else if (cur.tokens.size() >= 80 && tag == 0)
          flush();
        break;
      }
      case TagFormat::kHipe: {
        SplitTabs(line, cols);
        if (cols.size() < 2)
          return Error::BadInput("line " + std::to_string(line_no) + ": expected HIPE columns");
        if (cols[0] == "TOKEN") break;  // header
        cur.tokens.emplace_back(cols[0]);
        cur.tags.push_back(static_cast<uint8_t>(ParseTag(cols[1])));
        if (cols.size() >= 10 && cols.back().find("EndOfSentence") != std::string_view::npos)
          flush();
        break;
      }
    }
    if (nl == content.size()) break;
  }
  flush();
  return out;
}

Result<std::vector<TaggedSentence>> ReadTaggedFile(const std::string& path, TagFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseTagged(ss.str(), format);
  if (!r.ok()) return Error{r.error().code, path + ": " + r.error().message};
  return r;
}

std::vector<TagSpan> TagsToSpans(const std::vector<uint8_t>& tags) {
  std::vector<TagSpan> spans;
  int open = -1;  // type of the open span
  for (uint32_t i = 0; i < tags.size(); ++i) {
    int t = tags[i];
    int type = t == 0 ? -1 : (t - 1) / 2;
    bool inside = t != 0 && t % 2 == 0;
    if (open >= 0 && !(inside && type == open)) {
      open = -1;
    }
    if (t != 0 && open < 0) {
      spans.push_back({i, i + 1, type});
      open = type;
    } else if (open >= 0) {
      spans.back().end = i + 1;
    }
  }
  std::erase_if(spans, [](const TagSpan& s) { return s.type >= kNumEntityTypes; });
  return spans;
}

void SpanScore::Add(const std::vector<uint8_t>& gold, const std::vector<uint8_t>& predicted) {
  auto g = TagsToSpans(gold);
  auto p = TagsToSpans(predicted);
  // Both lists are sorted by start and non-overlapping: merge.
  size_t a = 0, b = 0;
  std::vector<bool> g_hit(g.size()), p_hit(p.size());
  while (a < g.size() && b < p.size()) {
    if (g[a] == p[b]) {
      g_hit[a] = p_hit[b] = true;
      ++a;
      ++b;
    } else if (g[a].begin < p[b].begin || (g[a].begin == p[b].begin && g[a].end < p[b].end)) {
      ++a;
    } else {
      ++b;
    }
  }
  for (size_t k = 0; k < g.size(); ++k) {
    auto& c = per_type[g[k].type];
    if (g_hit[k]) {
      ++c.tp;
      ++micro.tp;
    } else {
      ++c.fn;
      ++micro.fn;
    }
  }
  for (size_t k = 0; k < p.size(); ++k) {
    if (!p_hit[k]) {
      ++per_type[p[k].type].fp;
      ++micro.fp;
    }
  }
}

std::string SpanScore::Report() const {
  std::string out = "type   precision  recall     f1    gold  predicted\n";
  char buf[128];
  auto row = [&](const char* name, const SpanCounts& c) {
    snprintf(buf, sizeof buf, "%-6s %9.4f %7.4f %6.4f %7lld %10lld\n", name, c.Precision(),
             c.Recall(), c.F1(), static_cast<long long>(c.tp + c.fn),
             static_cast<long long>(c.tp + c.fp));
    out += buf;
  };
  for (int t = 0; t < kNumEntityTypes; ++t) row(EntityTypeName(t), per_type[t]);
  row("micro", micro);
  return out;
}

}  // namespace veille
