// veille-quotes: quotation extraction from the command line.
//
//   veille-quotes extract [--lang L] [FILE] quotes of a text file (stdin if none), as JSON lines
//   veille-quotes seeds --dir D --gold G    score against gold seeds
//   veille-quotes polnear --dir D           score against a PolNeAR split (brat)
//   veille-quotes attribution --gold G --corpus C
//                                           score a hand-annotated attribution set
//                                           (data/quotes/dev/*.json) on the records of
//                                           a JSONL(.gz) corpus, each cleaned, analysed,
//                                           entity-tagged and quoted as `veille ingest` does
//   veille-quotes replay FILE               re-extract the quotes of a `veille export`
//                                           (entities as hints), time the extraction
//                                           and count articles whose quotes differ
//                                           (speakers may: the export gives
//                                           archive-wide canonical names)
// Add -v to the evaluations to list misses, false alarms and wrong speakers, and
// to replay to list the differing articles.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "veille/analyze.h"
#include "veille/clean.h"
#include "veille/entities.h"
#include "veille/quotes.h"
#include "veille/read.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: veille-quotes extract [--lang fr|en] [FILE]\n"
               "       veille-quotes seeds --dir DIR --gold GOLD.json [-v]\n"
               "       veille-quotes polnear --dir DIR [-v]\n"
               "       veille-quotes attribution --gold GOLD.json --corpus CORPUS.jsonl.gz [-v] "
               "[--show ID]\n"
               "       veille-quotes replay EXPORT.jsonl [-v]\n");
  return 2;
}

int Report(const veille::Result<veille::QuoteScore>& r, bool verbose) {
  if (!r.ok()) {
    std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
    return 1;
  }
  if (verbose)
    for (const std::string& e : r->errors) std::printf("  %s\n", e.c_str());
  std::printf("%s\n", r->Summary().c_str());
  return 0;
}

// A quote as `veille export` writes it.
nlohmann::json ExportForm(const veille::Quote& q) {
  auto opt = [](const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); };
  return {{"text", q.text},
          {"start", q.begin},
          {"end", q.end},
          {"speaker", q.speaker ? nlohmann::json(*q.speaker) : nlohmann::json()},
          {"speaker_mention", q.speaker_mention},
          {"speaker_role", opt(q.speaker_role)},
          {"speaker_kind", opt(veille::SpeakerKindName(q.speaker_kind))},
          {"confidence", std::round(double(q.confidence) * 100) / 100},
          {"partial", q.partial},
          {"cue", q.cue}};
}

// j[key] when it is a string, else "" (export writes absent values as null).
std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int Replay(const veille::QuoteExtractor& ex, const std::string& file, bool verbose) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot open %s\n", file.c_str());
    return 1;
  }
  size_t articles = 0, quotes = 0, differing = 0;
  std::chrono::steady_clock::duration spent{};
  for (std::string line; std::getline(in, line);) {
    nlohmann::json a = nlohmann::json::parse(line, nullptr, false);
    if (a.is_discarded() || !a.is_object()) continue;
    std::vector<veille::SpeakerHint> hints;
    for (const auto& e : a.value("entities", nlohmann::json::array())) {
      hints.push_back({Str(e, "text"), Str(e, "type"), e.value("start", 0u), e.value("end", 0u),
                       Str(e, "canonical")});
    }
    const std::string text = Str(a, "text"), lang = Str(a, "language");
    auto t0 = std::chrono::steady_clock::now();
    std::vector<veille::Quote> got = ex.Extract(text, lang, hints);
    spent += std::chrono::steady_clock::now() - t0;
    nlohmann::json mine = nlohmann::json::array();
    for (const veille::Quote& q : got) mine.push_back(ExportForm(q));
    ++articles;
    quotes += got.size();
    if (mine != a.value("quotes", nlohmann::json::array())) {
      ++differing;
      if (verbose) std::printf("  differs: %s\n", Str(a, "id").c_str());
    }
  }
  double s = std::chrono::duration<double>(spent).count();
  std::printf("articles %zu, quotes %zu, differing %zu, extraction %.3f s (%.4f ms/article)\n",
              articles, quotes, differing, s, articles ? 1000 * s / articles : 0.0);
  return 0;
}

// The extraction `veille ingest` runs on one record: clean, analyse, entities
// as speaker hints, quotes.
struct Pipeline {
  std::unique_ptr<veille::Cleaner> cleaner;
  std::unique_ptr<veille::MetadataAnalyzer> analyzer;
  std::unique_ptr<veille::EntityRecognizer> recognizer;
  const veille::QuoteExtractor* quoter = nullptr;

  std::vector<veille::Quote> Run(const veille::RawArticle& raw) const {
    veille::Cleaned clean = cleaner->Clean(raw.text, nullptr);
    veille::Analysis analysis = analyzer->Analyze(raw, clean);
    std::vector<veille::SpeakerHint> hints;
    for (auto& m : recognizer->Recognize(clean.text, analysis.language))
      hints.push_back({m.text, m.type, m.begin, m.end, m.canonical});
    return quoter->Extract(clean.text, analysis.language, hints);
  }
};

// With `show`, prints the entity hints and quotes of that one record.
int Attribution(const veille::QuoteExtractor& ex, const std::string& gold_path,
                const std::string& corpus, bool verbose, const std::string& show) {
  auto fail = [](const std::string& m) {
    std::fprintf(stderr, "error: %s\n", m.c_str());
    return 1;
  };
  auto gold = veille::LoadAttributionGold(gold_path);
  if (!gold.ok()) return fail(gold.error().message);
  std::map<std::string, const veille::AttributionGoldArticle*> wanted;
  for (const auto& a : *gold) wanted[a.id] = &a;
  Pipeline p;
  auto c = veille::Cleaner::Create();
  if (!c.ok()) return fail(c.error().message);
  auto an = veille::MetadataAnalyzer::Create();
  if (!an.ok()) return fail(an.error().message);
  auto r = veille::EntityRecognizer::Create();
  if (!r.ok()) return fail(r.error().message);
  p.cleaner = std::move(c).value();
  p.analyzer = std::move(an).value();
  p.recognizer = std::move(r).value();
  p.quoter = &ex;
  auto reader = veille::InputReader::Open({corpus});
  if (!reader.ok()) return fail(reader.error().message);
  veille::AttributionScore score;
  veille::InputRecord rec;
  std::vector<veille::Diagnostic> problems;
  while (!wanted.empty() && (*reader)->Next(&rec, &problems)) {
    auto raw = veille::ParseRecord(rec);
    if (!raw.ok()) continue;
    auto it = wanted.find(raw->id);
    if (it == wanted.end()) continue;
    if (raw->id == show) {
      veille::Cleaned clean = p.cleaner->Clean(raw->text, nullptr);
      for (auto& m : p.recognizer->Recognize(clean.text, "fr"))
        std::printf("hint %s %s [%s] role=%s\n", m.type.c_str(), m.text.c_str(),
                    m.canonical.c_str(), m.role.c_str());
      for (const veille::Quote& q : p.Run(*raw))
        std::printf("quote \"%s\"\n  -> %s [%s] mention=%s role=%s cue=%s conf=%.2f how=%s%s\n",
                    q.text.substr(0, 60).c_str(), q.speaker.value_or("null").c_str(),
                    veille::SpeakerKindName(q.speaker_kind), q.speaker_mention.c_str(),
                    q.speaker_role.c_str(), q.cue.c_str(), q.confidence, q.how,
                    q.partial ? " partial" : "");
    }
    veille::Status st = veille::ScoreAttribution(*it->second, raw->text, p.Run(*raw), &score);
    if (!st.ok()) return fail(corpus + ": " + st.error().message);
    wanted.erase(it);
  }
  for (const auto& [id, a] : wanted) return fail(corpus + ": no record " + id + " of " + gold_path);
  if (verbose)
    for (const std::string& e : score.errors) std::printf("  %s\n", e.c_str());
  std::printf("%s", score.Report().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  std::string cmd = argv[1], dir, gold, file, lang, corpus, show;
  bool verbose = false;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) {
      dir = argv[++i];
    } else if (!std::strcmp(argv[i], "--gold") && i + 1 < argc) {
      gold = argv[++i];
    } else if (!std::strcmp(argv[i], "--show") && i + 1 < argc) {
      show = argv[++i];
    } else if (!std::strcmp(argv[i], "--corpus") && i + 1 < argc) {
      corpus = argv[++i];
    } else if (!std::strcmp(argv[i], "--lang") && i + 1 < argc) {
      lang = argv[++i];
    } else if (!std::strcmp(argv[i], "-v")) {
      verbose = true;
    } else {
      file = argv[i];
    }
  }
  auto ex = veille::QuoteExtractor::Create();
  if (!ex.ok()) {
    std::fprintf(stderr, "error: %s\n", ex.error().message.c_str());
    return 1;
  }
  if (cmd == "seeds") {
    if (dir.empty() || gold.empty()) return Usage();
    return Report(veille::EvaluateSeeds(**ex, dir, gold), verbose);
  }
  if (cmd == "polnear") {
    if (dir.empty()) return Usage();
    return Report(veille::EvaluatePolnear(**ex, dir), verbose);
  }
  if (cmd == "attribution") {
    if (gold.empty() || corpus.empty()) return Usage();
    return Attribution(**ex, gold, corpus, verbose, show);
  }
  if (cmd == "replay") {
    if (file.empty()) return Usage();
    return Replay(**ex, file, verbose);
  }
  if (cmd == "extract") {
    std::stringstream ss;
    if (file.empty()) {
      ss << std::cin.rdbuf();
    } else {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "error: cannot open %s\n", file.c_str());
        return 1;
      }
      ss << in.rdbuf();
    }
    std::string text = ss.str();
    for (const veille::Quote& q : (*ex)->Extract(text, lang, {})) {
      nlohmann::json j = ExportForm(q);
      std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
    return 0;
  }
  return Usage();
}
