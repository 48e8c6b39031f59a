// eval.cc: scoring of extracted quotations against the gold seeds
// (../shared/gold/README.md rules) and against PolNeAR brat annotations.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quotes/lexicon.h"
#include "veille/quotes.h"
#include "veille/utf8.h"

namespace veille {

namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsMark(char32_t c) {
  return c == '"' || c == 0xAB || c == 0xBB || c == 0x2018 || c == 0x2019 || c == 0x201C ||
         c == 0x201D || c == 0x201E || c == 0x2039 || c == 0x203A;
}

bool IsSpaceCp(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F || c == 0x2009;
}

// Normalised text as code points (for overlap by characters).
std::u32string NormCps(std::string_view s) {
  std::string n = NormalizeForMatch(s);
  std::u32string out;
  for (size_t i = 0; i < n.size();) out.push_back(DecodeUtf8(n, i));
  return out;
}

}  // namespace

std::string NormalizeForMatch(std::string_view s) {
  std::string valid = RepairUtf8(s);
  std::string lower;
  quotes::AppendLower(valid, lower);
  std::string out;
  out.reserve(lower.size());
  bool space = true;
  for (size_t i = 0; i < lower.size();) {
    char32_t c = DecodeUtf8(lower, i);
    if (IsMark(c) && c != 0x2019) continue;
    if (c == 0x2019) c = '\'';
    if (IsSpaceCp(c)) {
      if (!space) out.push_back(' ');
      space = true;
      continue;
    }
    space = false;
    AppendUtf8(c, out);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

double QuoteOverlap(std::string_view gold, std::string_view pred) {
  std::u32string g = NormCps(gold), p = NormCps(pred);
  if (g.empty()) return 0.0;
  if (p.find(g) != std::u32string::npos) return 1.0;
  // Longest common substring, O(|g|·|p|) with one row.
  std::vector<int> row(p.size() + 1, 0);
  int best = 0;
  for (size_t i = 1; i <= g.size(); ++i) {
    int prev_diag = 0;
    for (size_t j = 1; j <= p.size(); ++j) {
      int tmp = row[j];
      row[j] = g[i - 1] == p[j - 1] ? prev_diag + 1 : 0;
      best = std::max(best, row[j]);
      prev_diag = tmp;
    }
  }
  return double(best) / double(g.size());
}

void QuoteScore::Add(const QuoteScore& o) {
  gold += o.gold;
  predicted += o.predicted;
  matched_gold += o.matched_gold;
  matched_pred += o.matched_pred;
  speaker_gold += o.speaker_gold;
  speaker_right += o.speaker_right;
  named_gold += o.named_gold;
  named_right += o.named_right;
  attributed += o.attributed;
  attributed_right += o.attributed_right;
  errors.insert(errors.end(), o.errors.begin(), o.errors.end());
}

std::string QuoteScore::Summary() const {
  char buf[512];
  snprintf(buf, sizeof buf,
           "gold %d predicted %d | precision %.3f recall %.3f F1 %.3f | speaker %d/%d = %.3f", gold,
           predicted, precision(), recall(), f1(), speaker_right, speaker_gold, speaker_accuracy());
  std::string out = buf;
  if (named_gold || attributed) {
    snprintf(buf, sizeof buf,
             " | named-speaker accuracy %d/%d = %.3f | speaker precision %d/%d = %.3f", named_right,
             named_gold, named_accuracy(), attributed_right, attributed, speaker_precision());
    out += buf;
  }
  return out;
}

// ----------------------------------------------------------------- seeds --

namespace {

// Drops the " date YYYY-MM" marker and a headline line (a first line with no
// sentence-final punctuation) so that offsets start at the body.
std::string StripSeedHeader(std::string text) {
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  if (text.compare(i, 5, "date ") == 0) {
    size_t j = i + 5;
    while (j < text.size() && (isdigit(static_cast<unsigned char>(text[j])) || text[j] == '-')) ++j;
    text.erase(0, j);
  }
  size_t nl = text.find('\n');
  if (nl != std::string::npos && nl < 200) {
    std::string_view first(text.data(), nl);
    while (!first.empty() && (first.back() == ' ' || first.back() == '\r')) first.remove_suffix(1);
    char last = first.empty() ? '.' : first.back();
    if (last != '.' && last != '!' && last != '?' && last != ':' && last != '"' &&
        !first.ends_with("\xC2\xBB"))
      text.erase(0, nl + 1);
  }
  return text;
}

}  // namespace

Result<QuoteScore> EvaluateSeeds(const QuoteExtractor& ex, const std::string& dir,
                                 const std::string& gold_json) {
  auto gold_text = ReadFile(gold_json);
  if (!gold_text.ok()) return gold_text.error();
  nlohmann::json gold = nlohmann::json::parse(*gold_text, nullptr, false);
  if (gold.is_discarded() || !gold.contains("articles"))
    return Error::BadInput(gold_json + ": not a gold file with \"articles\"");
  QuoteScore total;
  for (auto& [key, art] : gold["articles"].items()) {
    auto text = ReadFile(dir + "/" + key + ".txt");
    if (!text.ok()) return text.error();
    std::string body = StripSeedHeader(*text);
    std::vector<Quote> pred = ex.Extract(body, art.value("language", "fr"), {});
    // Aliases by canonical name.
    std::map<std::string, std::vector<std::string>> aliases;
    if (art.contains("entities")) {
      for (const auto& e : art["entities"]) {
        std::string name = e.value("name", "");
        auto& list = aliases[NormalizeForMatch(name)];
        list.push_back(NormalizeForMatch(name));
        if (e.contains("aliases"))
          for (const auto& a : e["aliases"])
            list.push_back(NormalizeForMatch(a.get<std::string>()));
      }
    }
    std::vector<std::string> ignore;
    if (art.contains("ignore"))
      for (const auto& s : art["ignore"])
        ignore.push_back(s.is_string() ? s.get<std::string>() : s.value("text", ""));
    std::vector<nlohmann::json> golds;
    if (art.contains("quotes"))
      for (const auto& q : art["quotes"]) golds.push_back(q);
    for (const auto& q : golds)
      if (q.contains("ignore"))
        for (const auto& s : q["ignore"]) ignore.push_back(s.get<std::string>());

    QuoteScore s;
    std::vector<bool> pred_matched(pred.size(), false), pred_ignored(pred.size(), false);
    for (size_t p = 0; p < pred.size(); ++p)
      for (const std::string& ig : ignore)
        if (QuoteOverlap(ig, pred[p].text) >= 0.8 || QuoteOverlap(pred[p].text, ig) >= 0.8)
          pred_ignored[p] = true;
    for (const auto& g : golds) {
      if (!g.contains("text") ||
          (g.contains("ignore") && g["ignore"].is_boolean() && g["ignore"].get<bool>()))
        continue;
      std::string gt = g["text"].get<std::string>();
      ++s.gold;
      int best = -1;
      double best_ov = 0;
      for (size_t p = 0; p < pred.size(); ++p) {
        double ov = QuoteOverlap(gt, pred[p].text);
        if (ov >= 0.8 && ov > best_ov) {
          best_ov = ov;
          best = int(p);
        }
      }
      if (best < 0) {
        s.errors.push_back(key + ": missed \"" + gt + "\"");
        continue;
      }
      ++s.matched_gold;
      pred_matched[best] = true;
      pred_ignored[best] = false;
      bool has_speaker = g.contains("speaker") && g["speaker"].is_string();
      if (!has_speaker) continue;
      ++s.speaker_gold;
      std::string gs = NormalizeForMatch(g["speaker"].get<std::string>());
      bool optional = g.value("speaker_optional", false);
      const auto& ps = pred[best].speaker;
      bool right = false;
      if (!ps) {
        right = optional;
      } else {
        std::string pn = NormalizeForMatch(*ps);
        right = pn == gs;
        auto it = aliases.find(gs);
        if (it != aliases.end())
          right = right || std::find(it->second.begin(), it->second.end(), pn) != it->second.end();
      }
      if (right) {
        ++s.speaker_right;
      } else {
        s.errors.push_back(key + ": speaker of \"" + gt.substr(0, 40) + "\" is " +
                           (ps ? *ps : std::string("null")) + ", expected " +
                           g["speaker"].get<std::string>());
      }
    }
    for (size_t p = 0; p < pred.size(); ++p) {
      if (pred_ignored[p]) continue;
      ++s.predicted;
      if (pred_matched[p]) {
        ++s.matched_pred;
      } else {
        s.errors.push_back(key + ": false alarm \"" + pred[p].text + "\"");
      }
    }
    total.Add(s);
  }
  return total;
}

// --------------------------------------------------------------- PolNeAR --

namespace {

struct BratSpan {
  std::string type;
  uint32_t b = 0, e = 0;  // bytes, first fragment start to last fragment end
  std::vector<std::pair<uint32_t, uint32_t>> frags;  // bytes of each fragment
};

// Byte offset of each code point index (brat offsets count characters).
std::vector<uint32_t> CpToByte(std::string_view s) {
  std::vector<uint32_t> map;
  map.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size();) {
    map.push_back(uint32_t(i));
    DecodeUtf8(s, i);
  }
  map.push_back(uint32_t(s.size()));
  return map;
}

char32_t CpAt(std::string_view s, size_t i) {
  size_t j = i;
  return DecodeUtf8(s, j);
}

// Whether text[b, e) sits inside quotation marks: it starts with (or comes
// right after) an opening mark and ends with (or right before) a closing one.
bool InsideMarks(std::string_view text, uint32_t b, uint32_t e) {
  auto prev_cp = [&](size_t i, size_t* start) -> char32_t {
    if (i == 0) return 0;
    size_t j = i - 1;
    while (j > 0 && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) --j;
    *start = j;
    return CpAt(text, j);
  };
  auto is_open = [](char32_t c) { return c == '"' || c == 0x201C || c == 0xAB || c == 0x2018; };
  auto is_close = [](char32_t c) { return c == '"' || c == 0x201D || c == 0xBB || c == 0x2019; };
  // Start.
  size_t i = b;
  while (i < e && IsSpaceCp(CpAt(text, i))) {
    size_t k = i;
    DecodeUtf8(text, k);
    i = k;
  }
  bool open = i < e && is_open(CpAt(text, i));
  if (!open) {
    size_t j = i, st = 0;
    for (int steps = 0; steps < 3 && j > 0; ++steps) {
      char32_t c = prev_cp(j, &st);
      if (is_open(c)) {
        open = true;
        break;
      }
      if (!IsSpaceCp(c)) break;
      j = st;
    }
  }
  if (!open) return false;
  // End: skip trailing spaces and punctuation inside the span.
  size_t j = e, st = 0;
  for (int steps = 0; steps < 4 && j > b; ++steps) {
    char32_t c = prev_cp(j, &st);
    if (is_close(c)) return true;
    if (!(IsSpaceCp(c) || c == '.' || c == ',' || c == '?' || c == '!' || c == ';' || c == ':'))
      break;
    j = st;
  }
  // Or a closing mark right after, maybe after punctuation.
  size_t k = e;
  for (int steps = 0; steps < 3 && k < text.size(); ++steps) {
    char32_t c = CpAt(text, k);
    if (is_close(c)) return true;
    if (!(IsSpaceCp(c) || c == '.' || c == ',' || c == '?' || c == '!')) break;
    DecodeUtf8(text, k);
  }
  return false;
}

// Whether a source span names someone: a capitalised word that is not a
// pronoun or determiner (He, The, Its ...).
bool NamesSomeone(std::string_view src) {
  static const char* kNot[] = {"He",   "She",  "They",  "It",      "We",   "I",  "You",
                               "His",  "Her",  "Their", "Its",     "The",  "A",  "An",
                               "This", "That", "These", "Those",   "Our",  "My", "One",
                               "Some", "Many", "Both",  "Another", "Other"};
  std::string word;
  auto check = [&]() {
    bool named = word.size() >= 2 && word[0] >= 'A' && word[0] <= 'Z' &&
                 std::find_if(std::begin(kNot), std::end(kNot),
                              [&](const char* w) { return word == w; }) == std::end(kNot);
    word.clear();
    return named;
  };
  for (char c : src) {
    if (isalnum(static_cast<unsigned char>(c)) || (c & 0x80) || c == '-' || c == '.') {
      if (c != '.') word.push_back(c);
    } else if (check()) {
      return true;
    }
  }
  return check();
}

std::string CapWordsOverlap(std::string_view a, std::string_view b) {
  // Returns a capitalised word of `a` also present in `b`, or empty.
  std::string word;
  auto flush = [&](std::string& w) -> bool {
    bool hit = w.size() >= 2 && w[0] >= 'A' && w[0] <= 'Z' && b.find(w) != std::string_view::npos;
    if (!hit) w.clear();
    return hit;
  };
  for (char c : a) {
    if (isalnum(static_cast<unsigned char>(c)) || (c & 0x80) || c == '-') {
      word.push_back(c);
    } else if (flush(word)) {
      return word;
    }
  }
  if (flush(word)) return word;
  return {};
}

}  // namespace

Result<QuoteScore> EvaluatePolnear(const QuoteExtractor& ex, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path ann_dir = fs::path(dir) / "attributions", text_dir = fs::path(dir) / "text";
  if (!fs::is_directory(ann_dir, ec) || !fs::is_directory(text_dir, ec))
    return Error::NotFound(dir + ": expected text/ and attributions/ folders");
  std::vector<fs::path> anns;
  for (const auto& e : fs::directory_iterator(ann_dir, ec))
    if (e.path().extension() == ".ann") anns.push_back(e.path());
  std::sort(anns.begin(), anns.end());
  QuoteScore total;
  int partial_total = 0, indirect_total = 0;
  for (const fs::path& ann : anns) {
    // text name = annotation stem without its "_xxxx" annotator suffix.
    std::string stem = ann.stem().string();
    size_t us = stem.rfind('_');
    std::string key = us == std::string::npos ? stem : stem.substr(0, us);
    auto text = ReadFile((text_dir / (key + ".txt")).string());
    if (!text.ok()) continue;
    auto ann_text = ReadFile(ann.string());
    if (!ann_text.ok()) return ann_text.error();
    std::vector<uint32_t> cp2b = CpToByte(*text);
    std::map<std::string, BratSpan> spans;
    struct Rel {
      std::string content, source;
    };
    std::vector<Rel> rels;
    std::istringstream lines(*ann_text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      std::istringstream ls(line);
      std::string id;
      std::getline(ls, id, '\t');
      std::string body;
      std::getline(ls, body, '\t');
      if (id[0] == 'T') {
        std::istringstream bs(body);
        BratSpan s;
        bs >> s.type;
        std::string rest;
        std::getline(bs, rest);
        // "115 200;210 290": first start, last end.
        size_t first_b = 0, last_e = 0;
        bool first = true;
        std::istringstream frag(rest);
        std::string piece;
        while (std::getline(frag, piece, ';')) {
          std::istringstream ps(piece);
          size_t fb, fe;
          if (!(ps >> fb >> fe)) continue;
          if (first) first_b = fb;
          first = false;
          last_e = fe;
          if (fb <= fe && fe < cp2b.size()) s.frags.push_back({cp2b[fb], cp2b[fe]});
        }
        if (first || last_e >= cp2b.size() || first_b > last_e) continue;
        s.b = cp2b[first_b];
        s.e = cp2b[last_e];
        spans[id] = s;
      } else if (id[0] == 'E') {
        Rel r;
        std::istringstream bs(body);
        std::string arg;
        while (bs >> arg) {
          size_t colon = arg.find(':');
          if (colon == std::string::npos) continue;
          std::string role = arg.substr(0, colon), ref = arg.substr(colon + 1);
          if (role == "Content") r.content = ref;
          if (role == "Source") r.source = ref;
        }
        if (!r.content.empty()) rels.push_back(r);
      }
    }
    struct Gold {
      const BratSpan* content;
      std::string text;
      const BratSpan* source = nullptr;
    };
    std::vector<Gold> golds;
    std::vector<std::pair<uint32_t, uint32_t>> indirect;  // other Content spans
    for (const Rel& r : rels) {
      auto c = spans.find(r.content);
      if (c == spans.end()) continue;
      const BratSpan& cs = c->second;
      if (InsideMarks(*text, cs.b, cs.e)) {
        Gold g{&cs, {}, nullptr};
        for (auto [fb, fe] : cs.frags) g.text += text->substr(fb, fe - fb) + " ";
        auto s = spans.find(r.source);
        if (s != spans.end()) g.source = &s->second;
        golds.push_back(g);
      } else {
        indirect.push_back({cs.b, cs.e});
      }
    }
    // Direct quotes only: a partial quotation (words quoted inside the
    // writer's sentence) is not one, whatever the gold says around it.
    std::vector<Quote> pred;
    for (Quote& q : ex.Extract(*text, "en", {})) {
      if (q.partial) {
        ++partial_total;
      } else {
        pred.push_back(std::move(q));
      }
    }
    QuoteScore s;
    std::vector<bool> matched(pred.size(), false);
    // Gold quotes are often split by an incise (“…,” he said. “…”) into
    // fragments; the predictions together must cover 80 % of the gold's
    // words (letters and digits, by byte offsets).
    // Letters and digits only: quote marks, spaces and punctuation (multi-
    // byte “ ” — included) do not count.
    std::vector<char> countable_bytes(text->size(), 0);
    for (size_t i = 0; i < text->size();) {
      size_t start = i;
      char32_t c = DecodeUtf8(*text, i);
      bool letter = c < 0x80 ? bool(isalnum(int(c)))
                             : !(IsMark(c) || IsSpaceCp(c) || (c >= 0x2000 && c <= 0x206F));
      if (letter)
        for (size_t k = start; k < i; ++k) countable_bytes[k] = 1;
    }
    auto countable = [&](uint32_t i) { return countable_bytes[i] != 0; };
    for (const Gold& g : golds) {
      ++s.gold;
      size_t total_bytes = 0, covered = 0;
      std::vector<size_t> per_pred(pred.size(), 0);
      for (auto [fb, fe] : g.content->frags) {
        for (uint32_t i = fb; i < fe; ++i) {
          if (!countable(i)) continue;
          ++total_bytes;
          bool hit = false;
          for (size_t p = 0; p < pred.size(); ++p) {
            if (pred[p].begin <= i && i < pred[p].end) {
              ++per_pred[p];
              hit = true;
            }
          }
          if (hit) ++covered;
        }
      }
      int best = -1;
      for (size_t p = 0; p < pred.size(); ++p)
        if (per_pred[p] > 0 && (best < 0 || per_pred[p] > per_pred[best])) best = int(p);
      if (total_bytes == 0 || covered < 0.8 * total_bytes) {
        s.errors.push_back(key + ": missed \"" + g.text.substr(0, 80) + "\"");
        continue;
      }
      ++s.matched_gold;
      for (size_t p = 0; p < pred.size(); ++p)
        if (per_pred[p] > 0) matched[p] = true;
      if (!g.source) continue;
      ++s.speaker_gold;
      const Quote& q = pred[best];
      std::string_view src = std::string_view(*text).substr(g.source->b, g.source->e - g.source->b);
      bool right = q.speaker_end > q.speaker_begin && q.speaker_begin < g.source->e &&
                   g.source->b < q.speaker_end;
      if (!right && q.speaker) right = !CapWordsOverlap(*q.speaker, src).empty();
      if (NamesSomeone(src)) {
        // A named source: the predicted name must be that person's.
        ++s.named_gold;
        s.named_right += q.speaker && !CapWordsOverlap(*q.speaker, src).empty();
      }
      if (q.speaker) {
        ++s.attributed;
        s.attributed_right += right;
      }
      if (right) {
        ++s.speaker_right;
      } else {
        s.errors.push_back(key + ": speaker of \"" + g.text.substr(0, 40) + "\" is " +
                           (q.speaker ? *q.speaker : "null") + " [" + q.speaker_mention +
                           "], expected [" + std::string(src) + "]");
      }
    }
    for (size_t p = 0; p < pred.size(); ++p) {
      ++s.predicted;
      if (matched[p]) {
        ++s.matched_pred;
        continue;
      }
      // Still a false alarm; noted when it lies in an annotated indirect
      // attribution (quoted words the classifier did not see as partial).
      bool inside = false;
      for (auto [b, e] : indirect)
        if (pred[p].begin >= b && pred[p].end <= e + 3) inside = true;
      indirect_total += inside;
      s.errors.push_back(key + ": false alarm " + (inside ? "(in an indirect attribution) " : "") +
                         "\"" + pred[p].text.substr(0, 80) + "\"");
    }
    total.Add(s);
  }
  total.errors.push_back(
      "(partial quotations, not predicted as direct quotes: " + std::to_string(partial_total) +
      "; false alarms inside indirect " + "attributions: " + std::to_string(indirect_total) + ")");
  return total;
}

}  // namespace veille
