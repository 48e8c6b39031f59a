// veille-ner: trains the entity tagger and scores or runs it on tag files.
//
//   veille-ner train  --data DIR [--out MODEL] [--epochs N] [--gazetteer FILE]
//   veille-ner report --data DIR [--model MODEL]
//   veille-ner eval   --format conllu|bio|hipe FILE [--model MODEL]
//   veille-ner tag    --format conllu|bio|hipe FILE [--model MODEL]
//   veille-ner text   FILE [--lang fr]       (mentions found in raw text)
//   veille-ner speed  FILE.jsonl [--lang fr]  (Recognize articles/s, one core)
//   veille-ner clusters --out FILE < text     (word clusters from raw text lines)
//
// DIR is ../shared/data/ner: training uses WikiNEuRal fr/en `val` and the
// first 90% of Europeana; `report` scores WikiNEuRal fr/en `test`, HIPE fr
// dev and the held-out last 10% of Europeana.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "entities/text_util.h"
#include "veille/entities.h"
#include "veille/utf8.h"

namespace {

using namespace veille;

struct Args {
  std::string cmd, data, out, model, gazetteer, format = "conllu", file, lang = "fr";
  std::string sets = "fr,en";  // training sets: WikiNEuRal fr/en val, Europeana
  int epochs = 15;
  int jackknife = 5;
  double word_dropout = 0.25;  // measured: +0.2 F1 on WikiNEuRal fr and en test
};

// --no-context: tag each sentence alone, without the document memory of the
// sentences before it.
bool g_context = true;
// --no-clusters: train and tag without the word-cluster features.
bool g_clusters = true;

std::vector<std::string> ClusterPaths() {
  if (!g_clusters) return {};
  return {DataPath("entities/clusters-en.tsv"), DataPath("entities/clusters-fr.tsv")};
}

int Fail(const std::string& msg) {
  fprintf(stderr, "veille-ner: %s\n", msg.c_str());
  return 2;
}

std::vector<TaggedSentence> Slice(const std::vector<TaggedSentence>& v, size_t from, size_t to) {
  return std::vector<TaggedSentence>(v.begin() + from, v.begin() + to);
}

// Europeana has no document boundaries in the file: the split is by
// position, training on the first 90%.
size_t EuropeanaSplit(size_t n) { return n - n / 10; }

SpanScore Score(const Tagger& tagger, const std::vector<TaggedSentence>& data, double* tok_per_s) {
  SpanScore score;
  size_t tokens = 0;
  auto t0 = std::chrono::steady_clock::now();
  auto tags = tagger.TagStream(data, g_context);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (size_t i = 0; i < data.size(); ++i) {
    score.Add(data[i].tags, tags[i]);
    tokens += data[i].tokens.size();
  }
  if (tok_per_s) *tok_per_s = secs > 0 ? tokens / secs : 0;
  return score;
}

int Report(const Tagger& tagger, const std::string& dir) {
  struct Set {
    const char* name;
    std::string file;
    TagFormat format;
    bool europeana_tail;
  } sets[] = {
      {"WikiNEuRal fr test", dir + "/wikineural-fr-test.conllu", TagFormat::kConllu, false},
      {"WikiNEuRal en test", dir + "/wikineural-en-test.conllu", TagFormat::kConllu, false},
      {"HIPE-2020 fr dev", dir + "/hipe2020-fr-dev.tsv", TagFormat::kHipe, false},
      {"Europeana fr (held-out 10%)", dir + "/europeana-fr.bio", TagFormat::kBio, true},
  };
  for (const auto& s : sets) {
    auto data = ReadTaggedFile(s.file, s.format);
    if (!data.ok()) return Fail(data.error().message);
    auto v = std::move(data.value());
    if (s.europeana_tail) v = Slice(v, EuropeanaSplit(v.size()), v.size());
    double tps = 0;
    SpanScore score = Score(tagger, v, &tps);
    printf("== %s (%zu sentences, %.0f tokens/s)\n%s\n", s.name, v.size(), tps,
           score.Report().c_str());
  }
  return 0;
}

// The training-names gazetteer lives beside its model: ner.model ->
// ner.names.txt.
std::string NamesPath(const std::string& model) {
  std::string base = model;
  if (base.size() > 6 && base.compare(base.size() - 6, 6, ".model") == 0)
    base.resize(base.size() - 6);
  return base + ".names.txt";
}

Result<std::unique_ptr<Tagger>> LoadTagger(const Args& a) {
  std::string model = a.model.empty() ? DataPath("entities/ner.model") : a.model;
  std::string gaz = a.gazetteer.empty() ? DataPath("entities/gazetteer.txt") : a.gazetteer;
  return Tagger::Load(model, {gaz, NamesPath(model)}, ClusterPaths());
}

int Train(const Args& a) {
  if (a.data.empty()) return Fail("train needs --data DIR");
  std::string out = a.out.empty() ? DataPath("entities/ner.model") : a.out;
  std::string gaz_path = a.gazetteer.empty() ? DataPath("entities/gazetteer.txt") : a.gazetteer;
  auto gaz = Gazetteer::Load(gaz_path);
  if (!gaz.ok()) return Fail(gaz.error().message);
  std::vector<TaggedSentence> train;
  for (const char* f : {"wikineural-fr-val.conllu", "wikineural-en-val.conllu"}) {
    if (a.sets.find(std::string(f).substr(11, 2)) == std::string::npos) continue;
    auto d = ReadTaggedFile(a.data + "/" + f, TagFormat::kConllu);
    if (!d.ok()) return Fail(d.error().message);
    train.insert(train.end(), d->begin(), d->end());
  }
  auto eu = ReadTaggedFile(a.data + "/europeana-fr.bio", TagFormat::kBio);
  if (!eu.ok()) return Fail(eu.error().message);
  if (a.sets.find("eu") != std::string::npos)
    train.insert(train.end(), eu->begin(), eu->begin() + EuropeanaSplit(eu->size()));
  fprintf(stderr, "training on %zu sentences, %d epochs\n", train.size(), a.epochs);
  TrainOptions opt;
  opt.epochs = a.epochs;
  opt.jackknife_folds = a.jackknife;
  opt.word_dropout = a.word_dropout;
  opt.document_memory = g_context;
  opt.verbose = true;
  auto t0 = std::chrono::steady_clock::now();
  // The cluster files are loaded into the same language slots as in
  // Tagger::Load (a missing file is skipped there too).
  WordClusters clusters;
  auto cluster_paths = ClusterPaths();
  for (size_t lang = 0; lang < cluster_paths.size(); ++lang) {
    if (!std::ifstream(cluster_paths[lang])) continue;
    auto st = clusters.LoadMore(cluster_paths[lang], static_cast<int>(lang));
    if (!st.ok()) return Fail(st.error().message);
  }
  fprintf(stderr, "word clusters: %zu words\n", clusters.size());
  TaggerModel model =
      TrainTagger(train, gaz->get(), opt, clusters.size() > 0 ? &clusters : nullptr);
  fprintf(stderr, "trained in %.1f s\n",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  auto st = model.Save(out);
  if (!st.ok()) return Fail(st.error().message);
  {
    std::ofstream names(NamesPath(out));
    names
        << "# Entity names of the tagger's training data (WikiNEuRal fr/en val, CC BY-NC-SA 4.0;\n"
           "# Europeana, CC0) with their majority type. Written by veille-ner train.\n";
    if (a.jackknife > 0)
      for (const auto& [type, name] : CollectNames(train))
        names << EntityTypeName(type) << '\t' << name << '\n';
    if (!names) return Fail("cannot write " + NamesPath(out));
  }
  fprintf(stderr, "wrote %s and %s\n", out.c_str(), NamesPath(out).c_str());
  auto tagger = Tagger::Load(out, {gaz_path, NamesPath(out)}, ClusterPaths());
  if (!tagger.ok()) return Fail(tagger.error().message);
  return Report(**tagger, a.data);
}

int EvalOrTag(const Args& a) {
  if (a.file.empty()) return Fail(a.cmd + " needs a FILE");
  auto fmt = ParseTagFormat(a.format);
  if (!fmt.ok()) return Fail(fmt.error().message);
  auto data = ReadTaggedFile(a.file, *fmt);
  if (!data.ok()) return Fail(data.error().message);
  auto tagger = LoadTagger(a);
  if (!tagger.ok()) return Fail(tagger.error().message);
  if (a.cmd == "eval") {
    double tps = 0;
    SpanScore score = Score(**tagger, *data, &tps);
    printf("%s", score.Report().c_str());
    return 0;
  }
  std::string out;
  auto all_tags = (*tagger)->TagStream(*data, g_context);
  for (size_t si = 0; si < data->size(); ++si) {
    const auto& toks = (*data)[si].tokens;
    const auto& tags = all_tags[si];
    for (size_t i = 0; i < toks.size(); ++i) {
      out.append(toks[i]);
      out.push_back('\t');
      out += TagName(tags[i]);
      out.push_back('\n');
    }
    out.push_back('\n');
    if (out.size() > (1 << 16)) {
      fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int Text(const Args& a) {
  std::ifstream in(a.file, std::ios::binary);
  if (!in) return Fail("cannot open " + a.file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto rec = EntityRecognizer::Create();
  if (!rec.ok()) return Fail(rec.error().message);
  for (const auto& m : (*rec)->Recognize(ss.str(), a.lang)) {
    printf("%u\t%u\t%s\t%s\t%s\t%s\n", m.begin, m.end, m.type.c_str(), m.text.c_str(),
           m.canonical.c_str(), m.role.c_str());
  }
  return 0;
}

// Recognize throughput on the "text" field of a JSON-lines corpus (such as
// OrangeSum): the figure that matters for ingest, measured on one thread.
int Speed(const Args& a) {
  std::ifstream in(a.file);
  if (!in) return Fail("cannot open " + a.file);
  std::vector<std::string> texts;
  std::string line;
  size_t bytes = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("text") || !j["text"].is_string()) continue;
    texts.push_back(j["text"].get<std::string>());
    bytes += texts.back().size();
  }
  auto t0 = std::chrono::steady_clock::now();
  auto rec = EntityRecognizer::Create();
  if (!rec.ok()) return Fail(rec.error().message);
  auto t1 = std::chrono::steady_clock::now();
  double load = std::chrono::duration<double>(t1 - t0).count();
  size_t mentions = 0;
  std::clock_t c1 = 0;
  for (int pass = 0; pass < 2; ++pass) {  // the first pass warms the caches
    if (pass == 1) {
      t1 = std::chrono::steady_clock::now();
      c1 = std::clock();
    }
    for (const auto& t : texts) mentions += (*rec)->Recognize(t, a.lang).size();
  }
  auto t2 = std::chrono::steady_clock::now();
  // CPU time, not wall time: on a shared machine it is the per-core figure.
  double cpu = double(std::clock() - c1) / CLOCKS_PER_SEC;
  double secs = std::chrono::duration<double>(t2 - t1).count();
  printf(
      "load %.3f s; %zu articles (%.1f MB) in %.3f s wall, %.3f s CPU: %.0f articles/s per "
      "core (CPU), %.1f MB/s, %.1f mentions/article\n",
      load, texts.size(), bytes / 1e6, secs, cpu, texts.size() / cpu, bytes / 1e6 / cpu,
      mentions / 2.0 / std::max<size_t>(1, texts.size()));
  return 0;
}

// Word clusters from raw text on stdin (one paragraph or sentence a line):
// tokenised and lowercased as the tagger does, then BuildWordClusters.
int Clusters(const Args& a) {
  if (a.out.empty()) return Fail("clusters needs --out FILE");
  std::vector<std::vector<std::string>> sentences;
  std::string line, lower;
  size_t tokens = 0;
  while (std::getline(std::cin, line)) {
    if (FindInvalidUtf8(line) != std::string_view::npos) line = RepairUtf8(line);
    TokenizedText tt = TokenizeText(line);
    for (const auto& se : tt.sentences) {
      std::vector<std::string> s;
      for (uint32_t i = se.first; i < se.last; ++i) {
        ner::LowerInto(std::string_view(line).substr(tt.tokens[i].begin,
                                                     tt.tokens[i].end - tt.tokens[i].begin),
                       lower);
        s.push_back(lower);
      }
      tokens += s.size();
      if (!s.empty()) sentences.push_back(std::move(s));
    }
  }
  fprintf(stderr, "%zu sentences, %zu tokens\n", sentences.size(), tokens);
  ClusterOptions opt;
  auto clusters = BuildWordClusters(sentences, opt);
  std::ofstream out(a.out);
  out << "# word<TAB>cluster leaf id (" << WordClusters::kTop << "x" << WordClusters::kMid << "x"
      << WordClusters::kLeaf << " tree); written by veille-ner clusters from " << tokens
      << " tokens\n";
  for (const auto& [w, c] : clusters) out << w << '\t' << c << '\n';
  if (!out) return Fail("cannot write " + a.out);
  fprintf(stderr, "wrote %zu words to %s\n", clusters.size(), a.out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    fprintf(stderr,
            "usage: veille-ner train --data DIR [--out MODEL] [--epochs N]\n"
            "       veille-ner report --data DIR [--model MODEL]\n"
            "       veille-ner eval|tag --format conllu|bio|hipe FILE [--model MODEL]\n"
            "       veille-ner text FILE [--lang fr|en]\n");
    return 2;
  }
  a.cmd = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (s == "--data")
      a.data = value();
    else if (s == "--out")
      a.out = value();
    else if (s == "--model")
      a.model = value();
    else if (s == "--gazetteer")
      a.gazetteer = value();
    else if (s == "--format")
      a.format = value();
    else if (s == "--lang")
      a.lang = value();
    else if (s == "--sets")
      a.sets = value();
    else if (s == "--no-context")
      g_context = false;
    else if (s == "--no-clusters")
      g_clusters = false;
    else if (s == "--jackknife")
      a.jackknife = std::atoi(value().c_str());
    else if (s == "--word-dropout")
      a.word_dropout = std::atof(value().c_str());
    else if (s == "--epochs")
      a.epochs = std::atoi(value().c_str());
    else if (!s.empty() && s[0] == '-')
      return Fail("unknown option " + s);
    else
      a.file = s;
  }
  if (a.cmd == "train") return Train(a);
  if (a.cmd == "report") {
    auto t = LoadTagger(a);
    if (!t.ok()) return Fail(t.error().message);
    return Report(**t, a.data);
  }
  if (a.cmd == "eval" || a.cmd == "tag") return EvalOrTag(a);
  if (a.cmd == "text") return Text(a);
  if (a.cmd == "speed") return Speed(a);
  if (a.cmd == "clusters") return Clusters(a);
  return Fail("unknown command " + a.cmd);
}
