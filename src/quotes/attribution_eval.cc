// attribution_eval.cc: the hand-annotated attribution sets
// (data/quotes/dev/*.json): loading and scoring speakers, kinds, partial
// flags and recall per failure class.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "veille/quotes.h"
#include "veille/utf8.h"

namespace veille {

const char* SpeakerKindName(SpeakerKind kind) {
  switch (kind) {
    case SpeakerKind::kNone:
      return "";
    case SpeakerKind::kNamed:
      return "named";
    case SpeakerKind::kRole:
      return "role";
    case SpeakerKind::kAnonymous:
      return "anonymous";
    case SpeakerKind::kOrganisation:
      return "organisation";
  }
  return "";
}

namespace {

std::string Fnv32Hex(std::string_view s) {
  uint32_t h = 0x811c9dc5u;
  for (unsigned char c : s) h = (h ^ c) * 0x01000193u;
  char buf[9];
  snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

// Base letter of a Latin-1 / Latin Extended-A lowercase letter (é → e).
char32_t FoldAccent(char32_t c) {
  static const std::u32string_view kFrom = U"àáâãäåçèéêëìíîïñòóôõöøùúûüýÿœæ";
  static const std::string_view kTo = "aaaaaaceeeeiiiinoooooouuuuyyoa";
  size_t i = kFrom.find(c);
  return i == std::u32string_view::npos ? c : char32_t(kTo[i]);
}

// Name as words for comparison: lowercase, accents folded, punctuation as
// spaces, leading determiners and titles dropped (la Direction, Me X, M. X).
std::vector<std::string> NameWords(std::string_view name) {
  std::string n = NormalizeForMatch(name);
  std::vector<std::string> words(1);
  for (size_t i = 0; i < n.size();) {
    char32_t c = FoldAccent(DecodeUtf8(n, i));
    bool letter = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    if (letter) {
      AppendUtf8(c, words.back());
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  if (words.back().empty()) words.pop_back();
  static const char* kDrop[] = {"le", "la", "les", "l", "the", "m", "mme", "me", "mr", "mrs", "dr"};
  while (words.size() > 1 &&
         std::find(std::begin(kDrop), std::end(kDrop), words[0]) != std::end(kDrop))
    words.erase(words.begin());
  return words;
}

bool Contains(const std::vector<std::string>& hay, const std::vector<std::string>& needle) {
  if (needle.empty() || needle.size() > hay.size()) return false;
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

bool SpeakerMatches(std::string_view predicted, const AttributionGoldQuote& g) {
  std::vector<std::string> p = NameWords(predicted);
  if (p.empty()) return false;
  std::vector<std::string> names = g.aliases;
  names.insert(names.begin(), *g.speaker);
  for (const std::string& name : names) {
    std::vector<std::string> w = NameWords(name);
    if (w.empty()) continue;
    if (p == w || Contains(p, w)) return true;
    // The surname alone (Tarlet for Lionel Tarlet).
    if (g.kind == "named" && p.size() == 1 && w.size() >= 2 && p[0] == w.back()) return true;
  }
  return false;
}

// Byte offset of each code point index of s (and of its end).
std::vector<uint32_t> CodePointOffsets(std::string_view s) {
  std::vector<uint32_t> map;
  map.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size();) {
    map.push_back(uint32_t(i));
    DecodeUtf8(s, i);
  }
  map.push_back(uint32_t(s.size()));
  return map;
}

}  // namespace

Result<std::vector<AttributionGoldArticle>> LoadAttributionGold(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(ss.str(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("articles") || !doc["articles"].is_array())
    return Error::BadInput(path + ": not an attribution gold file (no \"articles\" array)");
  std::vector<AttributionGoldArticle> out;
  for (const auto& a : doc["articles"]) {
    AttributionGoldArticle art;
    art.id = a.value("id", "");
    if (art.id.empty()) return Error::BadInput(path + ": an article has no \"id\"");
    auto span_of = [&](const nlohmann::json& j, uint32_t* b, uint32_t* e) -> Status {
      const auto& s = j.contains("span") ? j["span"] : j;
      if (!s.is_array() || s.size() != 2 || !s[0].is_number_unsigned() ||
          !s[1].is_number_unsigned() || s[0].get<uint32_t>() >= s[1].get<uint32_t>())
        return Error::BadInput(path + ": " + art.id + ": bad span " + s.dump());
      *b = s[0].get<uint32_t>();
      *e = s[1].get<uint32_t>();
      return OkStatus();
    };
    for (const auto& q : a.value("quotes", nlohmann::json::array())) {
      AttributionGoldQuote g;
      if (Status st = span_of(q, &g.begin, &g.end); !st.ok()) return st.error();
      g.fnv = q.value("fnv", "");
      if (q.contains("speaker") && q["speaker"].is_string())
        g.speaker = q["speaker"].get<std::string>();
      for (const auto& al : q.value("aliases", nlohmann::json::array()))
        g.aliases.push_back(al.get<std::string>());
      g.kind = q.value("kind", g.speaker ? "named" : "none");
      g.role = q.value("role", "");
      g.partial = q.value("partial", false);
      g.speaker_optional = q.value("speaker_optional", false);
      for (const auto& c : q.value("classes", nlohmann::json::array()))
        g.classes.push_back(c.get<std::string>());
      art.quotes.push_back(std::move(g));
    }
    for (const auto& ig : a.value("ignore", nlohmann::json::array())) {
      uint32_t b, e;
      if (Status st = span_of(ig, &b, &e); !st.ok()) return st.error();
      art.ignore.push_back({b, e});
    }
    out.push_back(std::move(art));
  }
  return out;
}

Status ScoreAttribution(const AttributionGoldArticle& gold, std::string_view record_text,
                        const std::vector<Quote>& predicted, AttributionScore* s) {
  const std::vector<uint32_t> cp = CodePointOffsets(record_text);
  auto span_text = [&](uint32_t b, uint32_t e) { return record_text.substr(cp[b], cp[e] - cp[b]); };
  for (const AttributionGoldQuote& g : gold.quotes) {
    if (g.end >= cp.size())
      return Error::BadInput(gold.id + ": span past the end of the text (another corpus version?)");
    if (!g.fnv.empty() && Fnv32Hex(span_text(g.begin, g.end)) != g.fnv)
      return Error::BadInput(gold.id + ": the text at [" + std::to_string(g.begin) + ", " +
                             std::to_string(g.end) +
                             ") differs from the gold's (another corpus version?)");
  }
  ++s->articles;
  std::vector<bool> pred_used(predicted.size(), false), pred_ignored(predicted.size(), false);
  for (auto [b, e] : gold.ignore) {
    if (e >= cp.size()) continue;
    std::string_view ig = span_text(b, e);
    for (size_t p = 0; p < predicted.size(); ++p)
      if (QuoteOverlap(ig, predicted[p].text) >= 0.8 || QuoteOverlap(predicted[p].text, ig) >= 0.8)
        pred_ignored[p] = true;
  }
  for (const AttributionGoldQuote& g : gold.quotes) {
    std::string gt(span_text(g.begin, g.end));
    std::string head = gold.id + " \"" + gt.substr(0, 50) + (gt.size() > 50 ? "…" : "") + "\"";
    ++s->gold;
    int best = -1;
    double best_ov = 0;
    bool best_here = false;
    for (size_t p = 0; p < predicted.size(); ++p) {
      double ov = QuoteOverlap(gt, predicted[p].text);
      // The same words quoted twice: the quotation at the gold's place.
      const bool here = predicted[p].begin < cp[g.end] && predicted[p].end > cp[g.begin];
      if (ov >= 0.8 && (ov > best_ov || (here && !best_here && ov >= best_ov - 0.2))) {
        best_ov = ov;
        best = int(p);
        best_here = here;
      }
    }
    if (best < 0) {
      s->errors.push_back(head + ": missed");
      double most = 0;
      for (const Quote& q : predicted) most = std::max(most, QuoteOverlap(gt, q.text));
      int words = 0;
      bool in_word = false;
      for (char c : gt) {
        bool w = c != ' ' && c != '\n';
        words += w && !in_word;
        in_word = w;
      }
      ++s->missed_by_form[g.partial ? "partial" : "full"];
      ++s->missed_by_form[words < 5 ? "short" : "long"];
      ++s->missed_by_form[most >= 0.3 ? "cut" : "absent"];
      continue;
    }
    ++s->found;
    pred_used[best] = true;
    pred_ignored[best] = false;
    const Quote& q = predicted[best];
    bool right = g.speaker ? (q.speaker ? SpeakerMatches(*q.speaker, g) : g.speaker_optional)
                           : !q.speaker.has_value();
    if (!g.speaker && q.speaker) ++s->named_where_none;
    s->speaker_right += right;
    std::vector<std::string> classes = g.classes;
    if (classes.empty()) classes.push_back("plain");
    for (const std::string& c : classes) {
      s->by_class[c].first += right;
      ++s->by_class[c].second;
    }
    std::string way = *q.how ? q.how : "none";
    s->by_way[way].first += right;
    ++s->by_way[way].second;
    s->by_kind[g.kind].first += right;
    ++s->by_kind[g.kind].second;
    int bucket = q.confidence < 0.5f ? 0 : q.confidence < 0.8f ? 1 : 2;
    s->by_confidence[bucket].first += right;
    ++s->by_confidence[bucket].second;
    s->partial_right += q.partial == g.partial;
    const std::string got_kind = SpeakerKindName(q.speaker_kind);
    bool kind_right = false;
    if (g.kind != "none") {
      ++s->kind_total;
      // Role and anonymous are both speakers the text does not name.
      kind_right = got_kind == g.kind || ((g.kind == "anonymous" || g.kind == "role") &&
                                          (got_kind == "anonymous" || got_kind == "role"));
      s->kind_right += kind_right;
    }
    if (!right || (g.kind != "none" && !kind_right) || q.partial != g.partial) {
      char conf[16];
      snprintf(conf, sizeof conf, "%.2f", q.confidence);
      std::string what = !right                              ? "speaker"
                         : (g.kind != "none" && !kind_right) ? "kind"
                                                             : "partial";
      s->errors.push_back(head + ": wrong " + what + ": got " + (q.speaker ? *q.speaker : "null") +
                          " [" + got_kind + (q.speaker_role.empty() ? "" : ", " + q.speaker_role) +
                          (q.partial ? ", partial" : "") + ", " + conf + "], expected " +
                          (g.speaker ? *g.speaker : "null") + " [" + g.kind +
                          (g.role.empty() ? "" : ", " + g.role) + (g.partial ? ", partial" : "") +
                          (g.speaker_optional ? ", optional" : "") + "]");
    }
  }
  for (size_t p = 0; p < predicted.size(); ++p) {
    if (pred_ignored[p]) continue;
    ++s->predicted;
    if (!pred_used[p]) {
      ++s->false_alarms;
      s->errors.push_back(gold.id + " \"" + predicted[p].text.substr(0, 50) + "\": false alarm");
    }
  }
  return OkStatus();
}

std::string AttributionScore::Report() const {
  auto ratio = [](int a, int b) { return b ? double(a) / b : 1.0; };
  char buf[512];
  std::string out;
  snprintf(buf, sizeof buf,
           "articles %d, gold quotes %d: found %d (recall %.3f), false alarms %d of %d predicted\n"
           "speaker %d/%d = %.3f | named speaker where the gold has none: %d | kind %d/%d = %.3f"
           " | partial flag %d/%d = %.3f\n",
           articles, gold, found, recall(), false_alarms, predicted, speaker_right, gold,
           speaker_accuracy(), named_where_none, kind_right, kind_total,
           ratio(kind_right, kind_total), partial_right, found, ratio(partial_right, found));
  out += buf;
  auto table = [&](const char* title, const std::map<std::string, std::pair<int, int>>& m) {
    out += title;
    for (const auto& [k, v] : m) {
      snprintf(buf, sizeof buf, " %s %d/%d = %.3f;", k.c_str(), v.first, v.second,
               ratio(v.first, v.second));
      out += buf;
    }
    out.back() = '\n';
  };
  if (!missed_by_form.empty()) {
    out += "missed by form:";
    for (const auto& [k, v] : missed_by_form) out += " " + k + " " + std::to_string(v) + ";";
    out.back() = '\n';
  }
  table("speaker by class:", by_class);
  table("speaker by gold kind:", by_kind);
  table("speaker by way found:", by_way);
  static const char* kBuckets[] = {"<0.5", "0.5-0.8", ">=0.8"};
  out += "speaker by confidence:";
  for (int i = 0; i < 3; ++i) {
    snprintf(buf, sizeof buf, " %s %d/%d = %.3f;", kBuckets[i], by_confidence[i].first,
             by_confidence[i].second, ratio(by_confidence[i].first, by_confidence[i].second));
    out += buf;
  }
  out.back() = '\n';
  return out;
}

}  // namespace veille
