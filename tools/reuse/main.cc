// veille-reuse: synthetic evaluation and scale benchmark of near-duplicate
// and reused-passage detection (include/veille/reuse.h), in memory and
// through `veille ingest` and the archive.
//
//   veille-reuse synth  --corpus FILE.jsonl.gz [--n 2000] [--seed 1] [--no-corpus]
//                       [--ingest PATH/TO/veille [--db NEW.db]]
//   veille-reuse groups --corpus FILE.jsonl.gz [--show 5]
//   veille-reuse scale  --corpus FILE.jsonl.gz [--n 1000000] [--seed 1] [--write-jsonl OUT]
//   veille-reuse addone --corpus FILE.jsonl.gz --db ARCHIVE [--n 1000000] [--trials 100] [--warm]
//                       [--cache-mb MB [--drop-os-cache]]
//                       [--ingest PATH/TO/veille]
//   veille-reuse pair   A.txt B.txt            (passages of two text files)
//
// synth: samples N articles, derives edited copies with known answers (word
// edits at 0/5/10/20/30 %, sentence reorder, added boilerplate lines, a
// paragraph transplanted into another article), runs dedupe and passage
// finding, and reports recall and precision per edit rate; then (unless
// --no-corpus) the near-duplicate groups of the whole corpus. With --ingest,
// the set is written as JSONL and ingested by that veille binary into a new
// archive (--db, else a temporary one, deleted afterwards), and the same
// figures are computed from what the archive recorded: near_duplicates,
// exact duplicates (duplicate_of), and passages (byte offsets in the clean
// texts).
// scale: a corpus of N articles generated on the fly from the input (see
// ScaleCorpus), timed phase by phase with peak memory; with --write-jsonl,
// only written out as `veille ingest` input (ids scale-0000000...).
// addone: the cost of adding one article to an archive holding the first N
// scale articles, through the ingest code path (see AddOne).
#include <simdjson.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "archive/db.h"
#include "ingest/reuse_stage.h"
#include "veille/analyze.h"
#include "veille/archive.h"
#include "veille/clean.h"
#include "veille/hash.h"
#include "veille/reuse.h"
#include "veille/text.h"
#include "veille/utf8.h"

namespace {

using namespace veille::reuse;
using Clock = std::chrono::steady_clock;

struct Doc {
  std::string id, date, text;
};

int Fail(const std::string& msg) {
  fprintf(stderr, "veille-reuse: %s\n", msg.c_str());
  return 2;
}

double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of the calling thread: the machine is shared, so wall time
// alone would mostly measure the neighbours.
double ThreadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Adds a thread's CPU seconds to a shared total (nanoseconds).
void AddCpu(std::atomic<uint64_t>& total, double seconds) {
  total += static_cast<uint64_t>(seconds * 1e9);
}

double PeakMb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;  // Linux: kilobytes
}

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// Reads a JSONL.gz file of {"id","date","text",...} objects.
bool ReadCorpus(const std::string& path, std::vector<Doc>* docs, std::string* err) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    *err = "cannot open " + path;
    return false;
  }
  gzbuffer(f, 1 << 20);
  simdjson::ondemand::parser parser;
  std::string pending;
  std::vector<char> buf(1 << 20);
  size_t line_no = 0;
  auto handle = [&](std::string_view line) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    simdjson::padded_string ps(line);
    simdjson::ondemand::document doc;
    if (parser.iterate(ps).get(doc)) return;
    Doc d;
    std::string_view v;
    if (!doc["id"].get_string().get(v)) d.id = std::string(v);
    if (!doc["date"].get_string().get(v)) d.date = std::string(v);
    if (!doc["text"].get_string().get(v)) d.text = std::string(v);
    if (d.id.empty()) d.id = "line-" + std::to_string(line_no);
    docs->push_back(std::move(d));
  };
  for (;;) {
    int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      *err = "read error in " + path;
      gzclose(f);
      return false;
    }
    if (n == 0) break;
    pending.append(buf.data(), n);
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      handle(std::string_view(pending).substr(start, nl - start));
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  if (!pending.empty()) handle(pending);
  gzclose(f);
  return true;
}

// Runs fn(i) for i in [0, n) on `threads` threads, in chunks.
template <typename Fn>
void ParallelFor(size_t n, int threads, Fn&& fn) {
  std::atomic<size_t> next{0};
  constexpr size_t kChunk = 256;
  auto work = [&] {
    for (;;) {
      size_t b = next.fetch_add(kChunk);
      if (b >= n) return;
      for (size_t i = b; i < std::min(n, b + kChunk); ++i) fn(i);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// --- Text edits with known answers -----------------------------------------

// Sentence boundaries of OrangeSum-like text, where paragraphs are often
// glued ("jeudi.Le gouvernement"): after . ! ? followed by a space or an
// uppercase letter, and at newlines.
std::vector<size_t> SentenceStarts(const std::string& t) {
  std::vector<size_t> out = {0};
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    char c = t[i];
    if (c == '\n') {
      if (t[i + 1] != '\n') out.push_back(i + 1);
      continue;
    }
    if (c != '.' && c != '!' && c != '?') continue;
    size_t j = i + 1;
    while (j < t.size() && (t[j] == '"' || t[j] == ')')) ++j;
    if (j < t.size() && t[j] == ' ') ++j;
    if (j < t.size() && std::isupper(static_cast<unsigned char>(t[j])) && j - i <= 3 && i > 0 &&
        std::islower(static_cast<unsigned char>(t[i - 1])))
      out.push_back(j);
  }
  return out;
}

std::vector<std::string> Sentences(const std::string& t) {
  std::vector<size_t> s = SentenceStarts(t);
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); ++i) {
    size_t e = i + 1 < s.size() ? s[i + 1] : t.size();
    std::string piece = t.substr(s[i], e - s[i]);
    while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\n')) piece.pop_back();
    if (!piece.empty()) out.push_back(piece);
  }
  return out;
}

// Word edits at `rate`: each word token is, with that probability, deleted,
// replaced by a random corpus word, or preceded by one (equal chances).
// Separators between words are kept, so the text stays readable.
std::string EditWords(const std::string& text, double rate, std::mt19937_64& rng,
                      const std::vector<std::string>& vocab) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<WordSpan> w = WordsOf(text);
  std::string out;
  out.reserve(text.size() + 64);
  size_t pos = 0;
  for (const WordSpan& s : w) {
    out.append(text, pos, s.begin - pos);
    pos = s.end;
    std::string_view word(text.data() + s.begin, s.end - s.begin);
    if (u(rng) >= rate) {
      out.append(word);
      continue;
    }
    const std::string& other = vocab[rng() % vocab.size()];
    switch (rng() % 3) {
      case 0:  // delete
        break;
      case 1:
        out.append(other);
        break;
      default:
        out.append(other);
        out.push_back(' ');
        out.append(word);
    }
  }
  out.append(text, pos, std::string::npos);
  return out;
}

std::string Join(const std::vector<std::string>& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ' ';
    out += s[i];
  }
  return out;
}

std::vector<std::string> LoadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') out.push_back(line);
  return out;
}

// --- JSONL for veille ingest ------------------------------------------------

// Appends `s` as a JSON string literal (invalid UTF-8 replaced by U+FFFD).
void AppendJson(std::string_view s, std::string* out) {
  *out +=
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One JSONL line of `veille ingest` input: {"id","date","text"}.
void AppendRecord(std::string_view id, std::string_view date, std::string_view text,
                  std::string* out) {
  *out += "{\"id\":";
  AppendJson(id, out);
  if (!date.empty()) {
    *out += ",\"date\":";
    AppendJson(date, out);
  }
  *out += ",\"text\":";
  AppendJson(text, out);
  *out += "}\n";
}

// --- synth ------------------------------------------------------------------

struct SynthArticle {
  std::string text, date;
  int family;        // index of the original it derives from
  std::string kind;  // "orig", "edit-10", "reorder", "boiler", "transplant"
};

// A paragraph of `src` copied, lightly edited, into a copy of another
// article (`host`). Offsets are bytes in the texts the run scored.
struct Transplant {
  DocId src, host;
  uint32_t src_begin, src_end, host_begin, host_end;
  std::string src_para, host_para;  // the paragraph, and as inserted
  bool located = true;              // false: not found in the scored texts
};

struct PassageHit {
  DocId a, b;
  Passage p;
};

double Overlap(uint32_t b1, uint32_t e1, uint32_t b2, uint32_t e2) {
  uint32_t lo = std::max(b1, b2), hi = std::min(e1, e2);
  return hi > lo ? static_cast<double>(hi - lo) / (e2 - b2) : 0;
}

struct DedupeRun {
  std::vector<DupPair> pairs;
  DupGroups groups;
  double sig_s = 0, lsh_s = 0;
  size_t candidates = 0;
};

DedupeRun Dedupe(const std::vector<std::string>& texts, const std::vector<std::string>& dates,
                 const DedupeOptions& o, int threads) {
  DedupeRun run;
  std::vector<Signature> sigs(texts.size());
  std::vector<uint8_t> has(texts.size());
  auto t0 = Clock::now();
  ParallelFor(texts.size(), threads, [&](size_t i) {
    thread_local std::vector<WordSpan> w;
    WordsOf(texts[i], &w);
    has[i] = ComputeSignature(w, o.shingle_words, &sigs[i]);
  });
  run.sig_s = Seconds(t0);
  t0 = Clock::now();
  NearDupFinder finder(o);
  for (size_t i = 0; i < texts.size(); ++i) {
    auto p = finder.AddSignature(static_cast<DocId>(i), DateKey(dates[i]), sigs[i], has[i]);
    run.pairs.insert(run.pairs.end(), p.begin(), p.end());
  }
  run.lsh_s = Seconds(t0);
  run.candidates = finder.candidates_checked();
  run.groups = finder.groups();
  return run;
}

std::vector<PassageHit> FindPassages(const std::vector<std::string>& texts, DupGroups& groups,
                                     const PassageOptions& o, int threads, size_t* n_pairs) {
  FingerprintIndex index;
  std::vector<std::vector<uint64_t>> fps(texts.size());
  ParallelFor(texts.size(), threads, [&](size_t i) {
    thread_local std::vector<WordSpan> w;
    WordsOf(texts[i], &w);
    Fingerprints(w, o, &fps[i]);
  });
  std::vector<uint64_t> delta;
  for (size_t i = 0; i < texts.size(); ++i) {
    DocId rep = groups.Representative(static_cast<DocId>(i));
    if (rep == i) {
      index.Add(rep, rep, fps[i]);
      continue;
    }
    delta = fps[i];
    SubtractFingerprints(fps[rep], &delta);
    index.Add(static_cast<DocId>(i), rep, delta);
  }
  std::vector<std::pair<DocId, DocId>> pairs = index.CandidatePairs(o);
  *n_pairs = pairs.size();
  std::vector<std::vector<PassageHit>> hits(pairs.size());
  ParallelFor(pairs.size(), threads, [&](size_t k) {
    auto [a, b] = pairs[k];
    thread_local std::vector<WordSpan> wa, wb;
    WordsOf(texts[a], &wa);
    WordsOf(texts[b], &wb);
    for (const Passage& p : AlignPassages(wa, wb, o)) hits[k].push_back({a, b, p});
  });
  std::vector<PassageHit> out;
  for (auto& h : hits) out.insert(out.end(), h.begin(), h.end());
  return out;
}

struct Args {
  std::string cmd, corpus, file_a, file_b;
  std::string ingest;       // synth: path of the veille binary to ingest with
  std::string db;           // synth --ingest: archive to create; addone: the archive
  std::string write_jsonl;  // scale: write the corpus for veille ingest instead
  size_t n = 0;
  uint64_t seed = 1;
  int threads = 2;
  int show = 5;
  int trials = 100;
  bool warm = false;  // addone: read the reuse lookup tables once before timing
  // addone: keep this many MiB of the archive in the process (as `veille
  // ingest --watch --cache-mb` does), read the lookup tables into it, then
  // optionally drop the OS page cache, so that only the process holds them.
  size_t cache_mb = 0;
  bool drop_os_cache = false;
  bool corpus_groups = true;
  double min_sim = 0.8;
};

// The synthetic set: originals arts[0, n), then the derived copies, and the
// transplanted paragraphs (offsets in the texts as generated).
struct SynthSet {
  size_t n = 0;
  std::vector<SynthArticle> arts;
  std::vector<Transplant> transplants;
};

SynthSet MakeSynthSet(const std::vector<Doc>& docs, size_t n, uint64_t seed,
                      const std::vector<std::string>& boiler) {
  SynthSet set;
  set.n = n;
  std::vector<SynthArticle>& arts = set.arts;
  std::mt19937_64 rng(seed);
  std::vector<size_t> order(docs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  order.resize(n);
  std::sort(order.begin(), order.end());

  for (size_t i = 0; i < n; ++i)
    arts.push_back({docs[order[i]].text, docs[order[i]].date, static_cast<int>(i), "orig"});
  // Substitution and insertion words come from the sample itself.
  std::vector<std::string> vocab;
  for (size_t i = 0; i < n; i += 7) {
    const std::string& t = arts[i].text;
    for (const WordSpan& w : WordsOf(t)) vocab.emplace_back(t.substr(w.begin, w.end - w.begin));
  }
  const size_t m = std::max<size_t>(1, n / 10);
  auto pick = [&] { return static_cast<int>(rng() % n); };
  const int rates[] = {0, 5, 10, 20, 30};
  for (int rate : rates)
    for (size_t c = 0; c < m; ++c) {
      int o = pick();
      arts.push_back({EditWords(arts[o].text, rate / 100.0, rng, vocab), arts[o].date, o,
                      "edit-" + std::to_string(rate)});
    }
  for (size_t c = 0; c < m; ++c) {  // sentence reorder: a few adjacent swaps
    int o = pick();
    std::vector<std::string> s = Sentences(arts[o].text);
    for (int k = 0; k < 3 && s.size() > 2; ++k) {
      size_t i = rng() % (s.size() - 1);
      std::swap(s[i], s[i + 1]);
    }
    arts.push_back({Join(s), arts[o].date, o, "reorder"});
  }
  for (size_t c = 0; c < m; ++c) {  // boilerplate lines before and after
    int o = pick();
    std::string t = boiler[rng() % boiler.size()] + "\n" + arts[o].text + "\n" +
                    boiler[rng() % boiler.size()] + "\n" + boiler[rng() % boiler.size()];
    arts.push_back({t, arts[o].date, o, "boiler"});
  }
  // Transplants: 1-4 consecutive sentences (30-90 words) of a source,
  // lightly edited, inserted at a sentence boundary of a copy of a host.
  for (size_t c = 0; c < m; ++c) {
    int src = pick(), host = pick();
    if (src == host) continue;
    const std::string& st = arts[src].text;
    std::vector<size_t> ss = SentenceStarts(st);
    if (ss.size() < 3) continue;
    size_t first = rng() % (ss.size() - 1), last = first;
    auto words_between = [&](size_t b, size_t e) { return WordsOf(st.substr(b, e - b)).size(); };
    size_t end = ss[first + 1];
    while (words_between(ss[first], end) < 30 && last + 1 < ss.size()) {
      ++last;
      end = last + 1 < ss.size() ? ss[last + 1] : st.size();
    }
    size_t nw = words_between(ss[first], end);
    if (nw < 30 || nw > 90) continue;
    std::string para = st.substr(ss[first], end - ss[first]);
    while (!para.empty() && (para.back() == ' ' || para.back() == '\n')) para.pop_back();
    std::string edited = EditWords(para, 0.05, rng, vocab);
    const std::string& ht = arts[host].text;
    std::vector<size_t> hs = SentenceStarts(ht);
    size_t at = hs[rng() % hs.size()];
    std::string t = ht.substr(0, at) + edited + " " + ht.substr(at);
    Transplant tr;
    tr.src = src;
    tr.host = static_cast<DocId>(arts.size());
    tr.src_begin = static_cast<uint32_t>(ss[first]);
    tr.src_end = static_cast<uint32_t>(ss[first] + para.size());
    tr.host_begin = static_cast<uint32_t>(at);
    tr.host_end = static_cast<uint32_t>(at + edited.size());
    tr.src_para = std::move(para);
    tr.host_para = std::move(edited);
    set.transplants.push_back(std::move(tr));
    arts.push_back({t, arts[host].date, static_cast<int>(host), "transplant"});
  }
  return set;
}

// What a run found, in synthetic-set indices: near-duplicate pairs (exact
// duplicates as pairs of similarity 1) and passages (a < b).
struct Findings {
  std::vector<DupPair> pairs;
  std::vector<PassageHit> hits;
};

// Prints near-duplicate recall and precision per kind of copy, and the
// recall of the transplanted paragraphs. Passage offsets in `found` and in
// `transplants` are bytes in `texts`; a transplant not located counts as
// missed.
void Score(const SynthSet& set, const std::vector<Transplant>& transplants,
           const std::vector<std::string>& texts, const Findings& found, double min_sim, int show) {
  const std::vector<SynthArticle>& arts = set.arts;
  const size_t n = set.n;
  // Original-original pairs are near-duplicates already in the corpus: their
  // families are related too, and a pair across them is not a false positive.
  std::map<std::pair<int, int>, bool> related;
  size_t corpus_pairs = 0;
  for (const DupPair& p : found.pairs)
    if (p.a < n && p.b < n) {
      ++corpus_pairs;
      related[{std::min<int>(p.a, p.b), std::max<int>(p.a, p.b)}] = true;
    }
  auto same_family = [&](DocId a, DocId b) {
    int fa = arts[a].family, fb = arts[b].family;
    return fa == fb || related.count({std::min(fa, fb), std::max(fa, fb)});
  };
  std::map<std::string, std::pair<int, int>> recall;     // kind -> (found, total)
  std::map<std::string, std::pair<int, int>> precision;  // kind -> (true, reported)
  std::map<std::pair<DocId, DocId>, double> linked;
  for (const DupPair& p : found.pairs)
    linked[{std::min(p.a, p.b), std::max(p.a, p.b)}] = p.similarity;
  for (DocId i = n; i < arts.size(); ++i) {
    bool hit = linked.count({static_cast<DocId>(arts[i].family), i});
    auto& r = recall[arts[i].kind];
    r.first += hit;
    r.second += 1;
  }
  int tp = 0, fp = 0, strict_fp = 0;
  for (const DupPair& p : found.pairs) {
    if (p.a < n && p.b < n) continue;
    bool ok = same_family(p.a, p.b);
    bool strict = arts[p.a].family == arts[p.b].family;
    tp += ok;
    fp += !ok;
    strict_fp += !strict;
    for (DocId x : {p.a, p.b})
      if (x >= n) {
        auto& pr = precision[arts[x].kind];
        pr.first += ok;
        pr.second += 1;
      }
    if (!ok && show > 0)
      printf("  false near-dup: %u (%s) ~ %u (%s) sim %.3f\n", p.a, arts[p.a].kind.c_str(), p.b,
             arts[p.b].kind.c_str(), p.similarity);
  }
  printf("\nnear-duplicates (threshold %.2f word similarity):\n", min_sim);
  printf("  %-12s %8s %10s %10s\n", "kind", "pairs", "recall", "precision");
  for (auto& [kind, r] : recall) {
    auto pr = precision[kind];
    printf("  %-12s %8d %10.4f %10s\n", kind.c_str(), r.second, double(r.first) / r.second,
           pr.second ? std::to_string(double(pr.first) / pr.second).substr(0, 6).c_str() : "-");
  }
  printf(
      "  all derived pairs: precision %.4f (%d true, %d false; %d if corpus near-dups "
      "among the originals were counted as false)\n",
      tp + fp ? double(tp) / (tp + fp) : 1.0, tp, fp, strict_fp);
  printf("  near-duplicate pairs among the %zu sampled originals themselves: %zu\n", n,
         corpus_pairs);

  // Passages.
  std::map<std::pair<DocId, DocId>, std::vector<const Passage*>> by_pair;
  for (const auto& h : found.hits) by_pair[{h.a, h.b}].push_back(&h.p);
  int tfound = 0, unlocated = 0;
  double iou_sum = 0;
  for (const Transplant& tr : transplants) {
    DocId a = std::min(tr.src, tr.host), b = std::max(tr.src, tr.host);
    bool src_is_a = tr.src == a;
    bool ok = false;
    unlocated += !tr.located;
    for (const Passage* p : by_pair[{a, b}]) {
      if (!tr.located) break;
      uint32_t sb = src_is_a ? p->a_begin : p->b_begin, se = src_is_a ? p->a_end : p->b_end;
      uint32_t hb = src_is_a ? p->b_begin : p->a_begin, he = src_is_a ? p->b_end : p->a_end;
      double o1 = Overlap(sb, se, tr.src_begin, tr.src_end);
      double o2 = Overlap(hb, he, tr.host_begin, tr.host_end);
      if (o1 >= 0.5 && o2 >= 0.5) {
        ok = true;
        // How much of the reported span is the true paragraph.
        iou_sum += (Overlap(tr.src_begin, tr.src_end, sb, se) +
                    Overlap(tr.host_begin, tr.host_end, hb, he)) /
                   2;
        break;
      }
    }
    tfound += ok;
    if (!ok && show > 0)
      printf("  missed transplant%s: src %u [%u,%u) -> host %u [%u,%u)\n",
             tr.located ? "" : " (not located in the stored text)", tr.src, tr.src_begin,
             tr.src_end, tr.host, tr.host_begin, tr.host_end);
  }
  size_t related_hits = 0, transplant_hits = 0, other_hits = 0;
  std::map<std::pair<DocId, DocId>, bool> is_transplant;
  for (const Transplant& tr : transplants)
    is_transplant[{std::min(tr.src, tr.host), std::max(tr.src, tr.host)}] = true;
  int shown = 0;
  for (const auto& h : found.hits) {
    if (is_transplant.count({h.a, h.b})) {
      ++transplant_hits;
    } else if (same_family(h.a, h.b)) {
      ++related_hits;
    } else {
      // A transplant's paragraph is also in every copy of its source.
      bool via = false;
      for (const Transplant& tr : transplants)
        if ((arts[h.a].family == arts[tr.src].family && h.b == tr.host) ||
            (arts[h.b].family == arts[tr.src].family && h.a == tr.host))
          via = true;
      if (via) {
        ++transplant_hits;
        continue;
      }
      ++other_hits;
      if (shown++ < show)
        printf("  unexplained passage %u ~ %u (%u words, sim %.2f): \"%s\"\n", h.a, h.b,
               h.p.a_words, h.p.similarity,
               texts[h.a]
                   .substr(h.p.a_begin, std::min<uint32_t>(160, h.p.a_end - h.p.a_begin))
                   .c_str());
    }
  }
  printf("\nreused passages: %zu\n", found.hits.size());
  printf(
      "  transplanted paragraphs found: %d / %zu = recall %.4f (mean overlap with the true "
      "span %.3f)%s\n",
      tfound, transplants.size(), transplants.empty() ? 0.0 : double(tfound) / transplants.size(),
      tfound ? iou_sum / tfound : 0.0,
      unlocated ? (", " + std::to_string(unlocated) + " not located in the stored texts").c_str()
                : "");
  printf(
      "  passages between transplant pairs %zu, within derived families %zu, between "
      "unrelated originals %zu (real reuse in the corpus, or false)\n",
      transplant_hits, related_hits, other_hits);
}

// --- synth --ingest: the same set through `veille ingest` ---------------------

std::string SynthId(size_t k) {
  char buf[32];
  snprintf(buf, sizeof buf, "synth-%05zu", k);
  return buf;
}

// Runs `argv` as a child process (argv[0] looked up in PATH when it has no
// slash); its stdout is returned in *out, its stderr goes to ours. Returns
// the exit status (-1 if it could not run).
int RunChild(const std::vector<std::string>& argv, std::string* out) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return -1;
  }
  char buf[4096];
  for (ssize_t k; (k = read(fds[0], buf, sizeof buf)) > 0;) out->append(buf, k);
  close(fds[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Reads what the archive recorded about the synthetic articles: their clean
// texts (*texts, by index; a duplicate gets the text it repeats), exact
// duplicates (*dup_of: the index of the article each repeats, else itself),
// near-duplicate pairs and passages, in synthetic-set indices.
bool ReadSynthArchive(const std::string& db, size_t count, std::vector<std::string>* texts,
                      std::vector<DocId>* dup_of, Findings* found, std::string* err) {
  auto archive = veille::Archive::Open(db, veille::OpenMode::kReadOnly);
  if (!archive.ok()) {
    *err = archive.error().message;
    return false;
  }
  veille::sql::Db& h = (*archive)->db();
  // Runs `sql`, calling row(stmt) for each row.
  auto query = [&](const char* sql, auto&& row) {
    veille::sql::Stmt st(h, sql);
    if (!st.ok()) {
      *err = "SQL error: " + st.error();
      return false;
    }
    int rc;
    while ((rc = st.Step()) == veille::sql::kRow) row(st);
    if (rc != veille::sql::kDone) *err = "SQL error: " + h.ErrorMessage();
    return rc == veille::sql::kDone;
  };
  auto text_of = [](veille::sql::Stmt& st, int col) { return st.Text(col); };
  // "synth-00042" -> 42; anything else -> count (not a synthetic article).
  auto index_of = [&](const std::string& id) -> size_t {
    if (id.rfind("synth-", 0) != 0) return count;
    return std::min<size_t>(count, std::strtoull(id.c_str() + 6, nullptr, 10));
  };
  texts->assign(count, "");
  dup_of->assign(count, 0);
  for (size_t k = 0; k < count; ++k) (*dup_of)[k] = static_cast<DocId>(k);
  std::unordered_map<int64_t, size_t> by_rowid;
  std::vector<std::pair<size_t, std::string>> dups;
  size_t stored = 0;
  bool ok = query("SELECT rowid, id, text, duplicate_of FROM articles", [&](veille::sql::Stmt& st) {
    size_t k = index_of(text_of(st, 1));
    if (k == count) return;
    ++stored;
    by_rowid[st.Int(0)] = k;
    (*texts)[k] = text_of(st, 2);
    if (!st.IsNull(3)) dups.emplace_back(k, text_of(st, 3));
  });
  if (!ok) return false;
  if (stored != count) {
    *err = std::to_string(count - stored) + " synthetic articles missing from " + db;
    return false;
  }
  // Exact duplicates: same text, so each is linked to everything its
  // original is linked to.
  for (auto& [k, of] : dups) {
    size_t o = index_of(of);
    if (o == count) continue;
    (*dup_of)[k] = static_cast<DocId>(o);
    (*texts)[k] = (*texts)[o];
  }
  std::map<DocId, std::vector<DocId>> members;  // original -> itself + its exact duplicates
  for (size_t k = 0; k < count; ++k) members[(*dup_of)[k]].push_back(static_cast<DocId>(k));
  auto add_pairs = [&](DocId x, DocId y, double sim) {
    for (DocId a : members[(*dup_of)[x]])
      for (DocId b : members[(*dup_of)[y]])
        if (a != b)
          found->pairs.push_back(
              {std::max(a, b), std::min(a, b), JaccardFromSimilarity(sim, 3), sim});
  };
  for (auto& [o, m] : members) add_pairs(o, o, 1.0);
  ok = query("SELECT a, b, similarity FROM near_duplicates", [&](veille::sql::Stmt& st) {
    auto a = by_rowid.find(st.Int(0));
    auto b = by_rowid.find(st.Int(1));
    if (a != by_rowid.end() && b != by_rowid.end())
      add_pairs(static_cast<DocId>(a->second), static_cast<DocId>(b->second), st.Double(2));
  });
  if (!ok) return false;
  // Exact-duplicate pairs within a class were added twice (once from each
  // side): keep one of each pair.
  std::sort(found->pairs.begin(), found->pairs.end(), [](const DupPair& x, const DupPair& y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  found->pairs.erase(
      std::unique(found->pairs.begin(), found->pairs.end(),
                  [](const DupPair& x, const DupPair& y) { return x.a == y.a && x.b == y.b; }),
      found->pairs.end());
  return query(
      "SELECT a, b, a_start, a_end, b_start, b_end, words, similarity, direction FROM passages",
      [&](veille::sql::Stmt& st) {
        auto a = by_rowid.find(st.Int(0));
        auto b = by_rowid.find(st.Int(1));
        if (a == by_rowid.end() || b == by_rowid.end()) return;
        Passage p;
        p.a_begin = static_cast<uint32_t>(st.Int(2));
        p.a_end = static_cast<uint32_t>(st.Int(3));
        p.b_begin = static_cast<uint32_t>(st.Int(4));
        p.b_end = static_cast<uint32_t>(st.Int(5));
        p.a_words = p.b_words = p.matched = static_cast<uint32_t>(st.Int(6));
        p.similarity = st.Double(7);
        p.direction = static_cast<int>(st.Int(8));
        PassageHit hit{static_cast<DocId>(a->second), static_cast<DocId>(b->second), p};
        if (hit.a > hit.b) {
          std::swap(hit.a, hit.b);
          std::swap(hit.p.a_begin, hit.p.b_begin);
          std::swap(hit.p.a_end, hit.p.b_end);
          hit.p.direction = -hit.p.direction;
        }
        found->hits.push_back(hit);
      });
}

// Writes the set as JSONL, ingests it with `veille ingest` into a new
// archive, reads the results back and scores them like the in-memory run.
int SynthIngest(const Args& args, const SynthSet& set) {
  std::string dir, db = args.db;
  if (db.empty()) {
    char tmpl[] = "/tmp/veille-reuse-XXXXXX";
    if (!mkdtemp(tmpl)) return Fail("cannot create a temporary folder");
    dir = tmpl;
    db = dir + "/synth.db";
  } else if (access(db.c_str(), F_OK) == 0) {
    return Fail(db + " exists: --db names the archive to create");
  }
  const std::string jsonl = db + ".jsonl";
  {
    std::string out;
    for (size_t k = 0; k < set.arts.size(); ++k)
      AppendRecord(SynthId(k), set.arts[k].date, set.arts[k].text, &out);
    std::ofstream f(jsonl, std::ios::binary);
    f << out;
    if (!f.flush()) return Fail("cannot write " + jsonl);
  }
  std::string summary;
  auto t0 = Clock::now();
  int rc = RunChild(
      {args.ingest, "ingest", "--no-entities", "--no-quotes", "--quiet", "--db", db, jsonl},
      &summary);
  const double ingest_s = Seconds(t0);
  if (rc != 0)
    return Fail(args.ingest + " ingest failed (exit " + std::to_string(rc) + "): " + summary);
  while (!summary.empty() && summary.back() == '\n') summary.pop_back();
  printf("veille ingest (wall %.2f s, process start included): %s\n", ingest_s, summary.c_str());

  std::vector<std::string> texts;
  std::vector<DocId> dup_of;
  Findings found;
  std::string err;
  if (!ReadSynthArchive(db, set.arts.size(), &texts, &dup_of, &found, &err)) return Fail(err);
  // The archive's offsets are bytes in the clean texts: find each
  // transplanted paragraph there (a source that repeats another original
  // exactly is stored as that original).
  std::vector<Transplant> transplants = set.transplants;
  for (Transplant& tr : transplants) {
    tr.src = dup_of[tr.src];
    size_t s = texts[tr.src].find(tr.src_para), h = texts[tr.host].find(tr.host_para);
    tr.located = s != std::string::npos && h != std::string::npos;
    if (!tr.located) continue;
    tr.src_begin = static_cast<uint32_t>(s);
    tr.src_end = static_cast<uint32_t>(s + tr.src_para.size());
    tr.host_begin = static_cast<uint32_t>(h);
    tr.host_end = static_cast<uint32_t>(h + tr.host_para.size());
  }
  Score(set, transplants, texts, found, args.min_sim, args.show);
  if (!dir.empty()) {
    for (const char* suffix : {"", "-wal", "-shm", ".jsonl"}) std::remove((db + suffix).c_str());
    rmdir(dir.c_str());
  } else {
    printf("archive kept: %s (input %s)\n", db.c_str(), jsonl.c_str());
  }
  return 0;
}

int Synth(const Args& args) {
  std::vector<Doc> docs;
  std::string err;
  auto t0 = Clock::now();
  if (!ReadCorpus(args.corpus, &docs, &err)) return Fail(err);
  fprintf(stderr, "read %zu articles in %.1f s\n", docs.size(), Seconds(t0));
  std::vector<std::string> boiler = LoadLines(veille::DataPath("reuse/synth_boilerplate.txt"));
  if (boiler.empty())
    return Fail("no boilerplate lines in " + veille::DataPath("reuse/synth_boilerplate.txt"));
  const size_t n = std::min(args.n ? args.n : 2000, docs.size());
  const SynthSet set = MakeSynthSet(docs, n, args.seed, boiler);
  printf("synthetic set: %zu originals + %zu derived articles (seed %llu)\n", n,
         set.arts.size() - n, static_cast<unsigned long long>(args.seed));
  if (!args.ingest.empty()) return SynthIngest(args, set);

  std::vector<std::string> texts, dates;
  for (const auto& a : set.arts) {
    texts.push_back(a.text);
    dates.push_back(a.date);
  }
  DedupeOptions dopt;
  dopt.min_similarity = args.min_sim;
  DedupeRun run = Dedupe(texts, dates, dopt, args.threads);
  printf(
      "dedupe: signatures %.3f s, LSH + verification %.3f s, %zu candidates checked, %zu pairs\n",
      run.sig_s, run.lsh_s, run.candidates, run.pairs.size());
  PassageOptions popt;
  auto t1 = Clock::now();
  size_t n_pairs = 0;
  Findings found;
  found.hits = FindPassages(texts, run.groups, popt, args.threads, &n_pairs);
  printf("passages: %zu candidate pairs aligned in %.3f s\n", n_pairs, Seconds(t1));
  found.pairs = run.pairs;
  Score(set, set.transplants, texts, found, args.min_sim, args.show);

  if (args.corpus_groups) {
    std::vector<std::string> all_t, all_d;
    for (auto& d : docs) {
      all_t.push_back(std::move(d.text));
      all_d.push_back(d.date);
    }
    DedupeRun full = Dedupe(all_t, all_d, dopt, args.threads);
    auto groups = full.groups.Groups();
    size_t members = 0, biggest = 0;
    for (auto& g : groups) {
      members += g.second.size();
      biggest = std::max(biggest, g.second.size());
    }
    printf(
        "\nOrangeSum corpus (%zu articles): %zu near-duplicate groups holding %zu articles "
        "(largest %zu), %zu verified pairs; %.2f s signatures + %.2f s LSH\n",
        all_t.size(), groups.size(), members, biggest, full.pairs.size(), full.sig_s, full.lsh_s);
  }
  return 0;
}

int Groups(const Args& args) {
  std::vector<Doc> docs;
  std::string err;
  if (!ReadCorpus(args.corpus, &docs, &err)) return Fail(err);
  std::vector<std::string> t, d;
  for (auto& x : docs) {
    t.push_back(x.text);
    d.push_back(x.date);
  }
  DedupeOptions o;
  o.min_similarity = args.min_sim;
  DedupeRun run = Dedupe(t, d, o, args.threads);
  auto groups = run.groups.Groups();
  printf("%zu articles, %zu near-duplicate groups, %zu pairs (%.2f s + %.2f s)\n", docs.size(),
         groups.size(), run.pairs.size(), run.sig_s, run.lsh_s);
  std::sort(groups.begin(), groups.end(),
            [](auto& x, auto& y) { return x.second.size() > y.second.size(); });
  for (int g = 0; g < args.show && g < static_cast<int>(groups.size()); ++g) {
    printf("group of %zu, representative %s (%s):\n", groups[g].second.size(),
           docs[groups[g].first].id.c_str(), docs[groups[g].first].date.c_str());
    for (DocId m : groups[g].second)
      printf("  %s %s  %.90s\n", docs[m].id.c_str(), docs[m].date.c_str(), docs[m].text.c_str());
  }
  return 0;
}

int Pair(const Args& args) {
  auto read = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  std::string a = read(args.file_a), b = read(args.file_b);
  if (a.empty() || b.empty()) return Fail("cannot read the two files");
  auto wa = WordsOf(a), wb = WordsOf(b);
  Signature sa, sb;
  ComputeSignature(wa, 3, &sa);
  ComputeSignature(wb, 3, &sb);
  double j = EstimateJaccard(sa, sb);
  printf("estimated 3-shingle Jaccard %.3f, word similarity %.3f\n", j,
         SimilarityFromJaccard(j, 3));
  for (const Passage& p : AlignPassages(wa, wb)) {
    printf("passage: %u/%u words, %u matched, similarity %.3f\n  A [%u,%u): %s\n  B [%u,%u): %s\n",
           p.a_words, p.b_words, p.matched, p.similarity, p.a_begin, p.a_end,
           a.substr(p.a_begin, p.a_end - p.a_begin).c_str(), p.b_begin, p.b_end,
           b.substr(p.b_begin, p.b_end - p.b_begin).c_str());
  }
  return 0;
}

// --- scale ------------------------------------------------------------------

// A corpus of any size generated deterministically from the input, so that
// any article can be regenerated instead of kept in memory (as an archive
// would read it back from disk). Article i < originals is original i; the
// others, chosen by a hash of i:
//   80 % "fresh": an original whose words are each replaced by a word of
//        similar corpus frequency (see Fresh), keyed by i: new content with
//        the length, layout and word frequencies of news text;
//   12 % near-duplicates: an original with 0-10 % word edits;
//    6 % heavy edits: 20 or 30 %;
//    2 % a fresh article with a 30-90 word paragraph of another original.
class ScaleCorpus {
 public:
  explicit ScaleCorpus(std::vector<Doc> docs) : docs_(std::move(docs)) {
    std::unordered_map<uint64_t, std::pair<uint32_t, std::string>> count;
    std::vector<WordSpan> w;
    for (const Doc& d : docs_) {
      WordsOf(d.text, &w);
      for (const WordSpan& s : w) {
        auto& c = count[s.hash];
        if (c.first++ == 0) c.second = d.text.substr(s.begin, s.end - s.begin);
      }
    }
    std::vector<std::pair<uint32_t, uint64_t>> byfreq;
    for (auto& [h, c] : count) byfreq.push_back({c.first, h});
    std::sort(byfreq.begin(), byfreq.end(), [](auto& x, auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (size_t r = 0; r < byfreq.size(); ++r) {
      rank_[byfreq[r].second] = static_cast<uint32_t>(r);
      vocab_.push_back(std::move(count[byfreq[r].second].second));
    }
    // Word positions and ranks of every original, so that generating a
    // fresh article is a table walk, not a re-tokenization.
    words_.resize(docs_.size());
    for (size_t d = 0; d < docs_.size(); ++d) {
      WordsOf(docs_[d].text, &w);
      for (const WordSpan& s : w) words_[d].push_back({s.begin, s.end, rank_[s.hash]});
    }
    rank_.clear();
  }
  size_t originals() const { return docs_.size(); }
  // 0 original, 1 fresh, 2 near-duplicate, 3 heavy edit, 4 transplant host.
  int Kind(uint64_t i) const {
    if (i < docs_.size()) return 0;
    int k = static_cast<int>((Mix(i * 0x9e3779b97f4a7c15ULL + 12345) >> 40) % 100);
    return k < 80 ? 1 : k < 92 ? 2 : k < 98 ? 3 : 4;
  }
  size_t SourceOf(uint64_t i) const { return Source(i); }
  const std::string& date(size_t i) const { return docs_[Source(i)].date; }

  void Generate(uint64_t i, std::string* out) const {
    out->clear();
    if (i < docs_.size()) {
      *out = docs_[i].text;
      return;
    }
    uint64_t h = Mix(i * 0x9e3779b97f4a7c15ULL + 12345);
    std::mt19937_64 rng(h);
    const std::string& src = docs_[Source(i)].text;
    int kind = static_cast<int>((h >> 40) % 100);
    static const double kNear[] = {0, 0.02, 0.05, 0.1};
    static const double kHeavy[] = {0.2, 0.3};
    if (kind < 80) {
      Fresh(Source(i), h, out);
    } else if (kind < 92) {
      *out = Edit(src, kNear[(h >> 20) % 4], rng);
    } else if (kind < 98) {
      *out = Edit(src, kHeavy[(h >> 20) % 2], rng);
    } else {
      Fresh(Source(i), h, out);
      const std::string& other = docs_[(h >> 8) % docs_.size()].text;
      std::vector<size_t> ss = SentenceStarts(other);
      size_t f = rng() % ss.size();
      size_t e = std::min(other.size(), f + 3 < ss.size() ? ss[f + 3] : other.size());
      // At most 600 bytes, cut at a character boundary.
      size_t len = std::min<size_t>(600, e - ss[f]);
      while (len > 0 && ss[f] + len < other.size() &&
             (static_cast<unsigned char>(other[ss[f] + len]) & 0xc0) == 0x80)
        --len;
      std::string para = other.substr(ss[f], len);
      std::vector<size_t> hs = SentenceStarts(*out);
      size_t at = hs[rng() % hs.size()];
      out->insert(at, para + " ");
    }
  }

 private:
  size_t Source(size_t i) const {
    return i < docs_.size() ? i : Mix(i * 0x9e3779b97f4a7c15ULL + 12345) % docs_.size();
  }
  std::string Edit(const std::string& text, double rate, std::mt19937_64& rng) const {
    thread_local std::vector<std::string> vocab;
    if (vocab.empty())
      for (size_t r = 0; r < std::min<size_t>(20000, vocab_.size()); ++r)
        vocab.push_back(vocab_[r]);
    return EditWords(text, rate, rng, vocab);
  }
  // Each word replaced by one of similar frequency: rank r -> a rank in
  // [r, r + max(r/2, 24)], keyed by the article, so that fresh articles of
  // one source share no 5-word shingle beyond chance.
  void Fresh(size_t src, uint64_t key, std::string* out) const {
    const std::string& text = docs_[src].text;
    out->reserve(text.size() + 64);
    size_t pos = 0;
    for (const Word& s : words_[src]) {
      out->append(text, pos, s.begin - pos);
      pos = s.end;
      uint64_t span = std::max<uint64_t>(s.rank / 2, 24) + 1;
      uint64_t nr = std::min<uint64_t>(
          vocab_.size() - 1, s.rank + Mix(key ^ (s.begin * 0xff51afd7ed558ccdULL)) % span);
      out->append(vocab_[nr]);
    }
    out->append(text, pos, std::string::npos);
  }
  struct Word {
    uint32_t begin, end, rank;
  };
  std::vector<std::vector<Word>> words_;
  std::vector<Doc> docs_;
  std::unordered_map<uint64_t, uint32_t> rank_;
  std::vector<std::string> vocab_;
};

// The archive id of scale article i.
std::string ScaleId(uint64_t i) {
  char buf[32];
  snprintf(buf, sizeof buf, "scale-%07llu", static_cast<unsigned long long>(i));
  return buf;
}

// Writes scale articles [first, first + count) as JSONL, generated in
// parallel chunks and written in order.
bool WriteScaleJsonl(const ScaleCorpus& corpus, uint64_t first, uint64_t count,
                     const std::string& path, int threads, std::string* err) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) {
    *err = "cannot write " + path;
    return false;
  }
  constexpr uint64_t kChunk = 8192;
  std::vector<std::string> lines(kChunk);
  for (uint64_t b = 0; b < count; b += kChunk) {
    const uint64_t m = std::min(kChunk, count - b);
    ParallelFor(m, threads, [&](size_t k) {
      thread_local std::string text;
      const uint64_t i = first + b + k;
      corpus.Generate(i, &text);
      lines[k].clear();
      AppendRecord(ScaleId(i), corpus.date(i), text, &lines[k]);
    });
    for (uint64_t k = 0; k < m; ++k) fwrite(lines[k].data(), 1, lines[k].size(), f);
  }
  if (fclose(f) != 0) {
    *err = "error writing " + path;
    return false;
  }
  return true;
}

int Scale(const Args& args) {
  std::vector<Doc> docs;
  std::string err;
  auto t0 = Clock::now();
  const auto start = t0;
  if (!ReadCorpus(args.corpus, &docs, &err)) return Fail(err);
  ScaleCorpus corpus(std::move(docs));
  const size_t n = args.n ? args.n : 1000000;
  printf("scale corpus: %zu articles (%zu originals + derived), prepared in %.1f s, peak %.0f MB\n",
         n, corpus.originals(), Seconds(t0), PeakMb());
  fflush(stdout);
  if (!args.write_jsonl.empty()) {
    t0 = Clock::now();
    if (!WriteScaleJsonl(corpus, 0, n, args.write_jsonl, args.threads, &err)) return Fail(err);
    printf("wrote %zu articles to %s in %.1f s\n", n, args.write_jsonl.c_str(), Seconds(t0));
    return 0;
  }
  DedupeOptions dopt;
  dopt.min_similarity = args.min_sim;

  // 1. Signatures (generation + tokenizing included), 2 threads.
  std::vector<Signature> sigs;
  sigs.reserve(n + 1000);  // + the articles added one by one below
  sigs.resize(n);
  std::vector<uint8_t> has(n);
  std::vector<int32_t> dates(n);
  std::atomic<uint64_t> words{0}, gen_ns{0}, sig_ns{0};
  t0 = Clock::now();
  ParallelFor(n, args.threads, [&](size_t i) {
    thread_local std::string text;
    thread_local std::vector<WordSpan> w;
    double c0 = ThreadCpu();
    corpus.Generate(i, &text);
    double c1 = ThreadCpu();
    WordsOf(text, &w);
    words += w.size();
    has[i] = ComputeSignature(w, dopt.shingle_words, &sigs[i]);
    dates[i] = DateKey(corpus.date(i));
    AddCpu(gen_ns, c1 - c0);
    AddCpu(sig_ns, ThreadCpu() - c1);
  });
  double sig_wall = Seconds(t0);
  // Effective time on the 2 cores: the CPU seconds of tokenizing and
  // signing, split over the threads (generating the text stands for reading
  // it from the archive and is reported apart).
  double sig_s = sig_ns / 1e9 / args.threads;
  printf(
      "signatures (tokenize + MinHash, %d threads): %.2f s CPU-effective (%.1f CPU s); "
      "generating the text %.1f CPU s; wall %.1f s; %.0f words/article; peak %.0f MB\n",
      args.threads, sig_s, sig_ns / 1e9, gen_ns / 1e9, sig_wall, double(words) / n, PeakMb());
  fflush(stdout);

  // 2. LSH candidates + verification + groups, incremental, one thread.
  t0 = Clock::now();
  double lsh_c0 = ThreadCpu();
  LshIndex index(dopt.bands, dopt.rows);
  index.Reserve(n * dopt.bands);
  DupGroups groups;
  std::vector<DocId> cands;
  size_t checked = 0, pairs = 0;
  const double min_j = JaccardFromSimilarity(dopt.min_similarity, dopt.shingle_words);
  auto add = [&](DocId id, const Signature& sig, int32_t date) {
    groups.Add(id, date);
    index.Add(id, sig, &cands);
    for (DocId c : cands) {
      ++checked;
      if (has[c] && EstimateJaccard(sig, sigs[c]) >= min_j) {
        ++pairs;
        groups.Union(id, c);
      }
    }
  };
  for (size_t i = 0; i < n; ++i)
    if (has[i]) add(static_cast<DocId>(i), sigs[i], dates[i]);
  double lsh_wall = Seconds(t0);
  double lsh_s = ThreadCpu() - lsh_c0;
  size_t ngroups = groups.GroupCount();
  printf(
      "LSH + verification (1 thread): %.2f s CPU (wall %.1f s), %zu postings, %zu candidates "
      "checked, %zu near-dup pairs, "
      "%zu groups, peak %.0f MB\n",
      lsh_s, lsh_wall, index.size(), checked, pairs, ngroups, PeakMb());
  printf("  dedupe total (signatures + LSH): %.2f s for %zu articles\n", sig_s + lsh_s, n);
  fflush(stdout);

  // 3. Adding one article to the full index: generate, tokenize, sign,
  // query, insert, verify.
  {
    const int trials = 1000;
    std::vector<double> us, cpu_us;
    std::string text;
    std::vector<WordSpan> w;
    Signature sig;
    has.resize(n + trials, 0);
    for (int t = 0; t < trials; ++t) {
      corpus.Generate(n + t, &text);
      auto a0 = Clock::now();
      const double cpu0 = ThreadCpu();
      WordsOf(text, &w);
      bool ok = ComputeSignature(w, dopt.shingle_words, &sig);
      sigs.push_back(sig);
      has[n + t] = ok;
      if (ok) add(static_cast<DocId>(n + t), sig, DateKey(corpus.date(n + t)));
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a0).count());
      cpu_us.push_back((ThreadCpu() - cpu0) * 1e6);
    }
    for (auto* v : {&us, &cpu_us}) {
      std::sort(v->begin(), v->end());
      double sum = 0;
      for (double x : *v) sum += x;
      printf(
          "add one article to the full index (tokenize + signature + LSH + verify), %s: mean "
          "%.1f µs, p50 %.1f, p99 %.1f, max %.1f µs\n",
          v == &us ? "wall" : "CPU", sum / trials, (*v)[trials / 2], (*v)[trials * 99 / 100],
          v->back());
    }
  }
  std::vector<DocId> rep(n);
  for (size_t i = 0; i < n; ++i) rep[i] = groups.Representative(static_cast<DocId>(i));
  index = LshIndex(1, 1);  // free the index and signatures before passages
  std::vector<Signature>().swap(sigs);
  fflush(stdout);

  // 4. Passages: fingerprints (articles regenerated), candidate pairs,
  // alignment.
  PassageOptions popt;
  t0 = Clock::now();
  FingerprintIndex fidx;
  fidx.Reserve(n * 140);
  std::atomic<uint64_t> fgen_ns{0}, fp_ns{0};
  std::mutex mu;
  {
    std::atomic<size_t> next{0};
    auto work = [&] {
      std::string text;
      std::vector<WordSpan> w;
      std::vector<uint64_t> fp, rep_fp;
      std::vector<std::pair<DocId, std::vector<uint64_t>>> batch;
      for (;;) {
        size_t b = next.fetch_add(256);
        if (b >= n) break;
        batch.clear();
        for (size_t i = b; i < std::min(n, b + 256); ++i) {
          const double c0 = ThreadCpu();
          corpus.Generate(i, &text);
          double gen = ThreadCpu() - c0;
          WordsOf(text, &w);
          Fingerprints(w, popt, &fp);
          if (rep[i] != i) {  // a near-duplicate: index what its representative lacks
            const double g0 = ThreadCpu();
            corpus.Generate(rep[i], &text);
            gen += ThreadCpu() - g0;
            WordsOf(text, &w);
            Fingerprints(w, popt, &rep_fp);
            SubtractFingerprints(rep_fp, &fp);
          }
          AddCpu(fgen_ns, gen);
          AddCpu(fp_ns, ThreadCpu() - c0 - gen);
          batch.push_back({static_cast<DocId>(i), fp});
        }
        std::lock_guard<std::mutex> lock(mu);
        for (auto& [id, f] : batch) fidx.Add(id, rep[id], f);
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < args.threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  double fp_wall = Seconds(t0);
  double fp_s = fp_ns / 1e9 / args.threads;
  printf(
      "passages: fingerprints %.2f s CPU-effective (%.1f CPU s, text generation %.1f CPU s "
      "apart; wall %.1f s), %zu postings, peak %.0f MB\n",
      fp_s, fp_ns / 1e9, fgen_ns / 1e9, fp_wall, fidx.postings(), PeakMb());
  fflush(stdout);
  t0 = Clock::now();
  double cand_c0 = ThreadCpu();
  auto cpairs = fidx.CandidatePairs(popt);
  double cand_s = ThreadCpu() - cand_c0;
  printf("  candidate pairs: %zu in %.2f s CPU (1 thread), peak %.0f MB\n", cpairs.size(), cand_s,
         PeakMb());
  fflush(stdout);
  fidx = FingerprintIndex();
  {
    // What the candidates are: pairs by kind, and whether both derive from
    // the same original.
    static const char* kKinds[] = {"orig", "fresh", "near", "heavy", "transplant"};
    std::map<std::string, size_t> kinds;
    for (auto [a, b] : cpairs) {
      int ka = corpus.Kind(a), kb = corpus.Kind(b);
      if (ka > kb) std::swap(ka, kb);
      bool same = corpus.SourceOf(a) == corpus.SourceOf(b);
      kinds[std::string(kKinds[ka]) + "-" + kKinds[kb] + (same ? " (same source)" : "")]++;
    }
    for (auto& [k, c] : kinds) printf("    %-40s %zu\n", k.c_str(), c);
  }
  t0 = Clock::now();
  std::atomic<size_t> npass{0};
  std::atomic<uint64_t> agen_ns{0}, align_ns{0};
  ParallelFor(cpairs.size(), args.threads, [&](size_t k) {
    thread_local std::string ta, tb;
    thread_local std::vector<WordSpan> wa, wb;
    double c0 = ThreadCpu();
    corpus.Generate(cpairs[k].first, &ta);
    corpus.Generate(cpairs[k].second, &tb);
    double c1 = ThreadCpu();
    WordsOf(ta, &wa);
    WordsOf(tb, &wb);
    npass += AlignPassages(wa, wb, popt).size();
    AddCpu(agen_ns, c1 - c0);
    AddCpu(align_ns, ThreadCpu() - c1);
  });
  double align_wall = Seconds(t0);
  double align_s = align_ns / 1e9 / args.threads;
  printf(
      "  alignment (tokenize + align, %d threads): %zu passages, %.2f s CPU-effective "
      "(%.1f µs a pair; text generation %.1f CPU s apart; wall %.1f s), peak %.0f MB\n",
      args.threads, size_t(npass), align_s, cpairs.empty() ? 0 : align_ns / 1e3 / cpairs.size(),
      agen_ns / 1e9, align_wall, PeakMb());
  printf(
      "total %.1f s CPU-effective on %d cores (signatures %.1f, LSH %.1f, passages %.1f); "
      "wall %.1f s; peak memory %.0f MB\n",
      sig_s + lsh_s + fp_s + cand_s + align_s, args.threads, sig_s, lsh_s, fp_s + cand_s + align_s,
      Seconds(start), PeakMb());
  return 0;
}

// --- addone: the cost of adding one article to a big archive ----------------

// Mean, median, 90th percentile and maximum of `ms`, as one line.
std::string Spread(std::vector<double> ms) {
  if (ms.empty()) return "-";
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double x : ms) sum += x;
  char buf[128];
  snprintf(buf, sizeof buf, "mean %.2f ms, p50 %.2f, p90 %.2f, max %.2f", sum / ms.size(),
           ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back());
  return buf;
}

// Adds scale articles (past the --n already ingested) to the archive one at
// a time, each in its own transaction rolled back afterwards, through the
// code ingest runs on its writer thread for one article: clean, analyse,
// index terms and Store, then the reuse features and ReuseStage Add + Flush
// + Finish against the whole archive; each phase is timed apart (wall), and
// the whole in CPU time of this thread (alignment may use a second one). The
// commit is not timed. With --ingest VEILLE, also times `veille ingest` of a
// one-article file, process start included: that adds the article for real.
int AddOne(const Args& args) {
  std::vector<Doc> docs;
  std::string err;
  if (!ReadCorpus(args.corpus, &docs, &err)) return Fail(err);
  ScaleCorpus corpus(std::move(docs));
  const size_t n = args.n ? args.n : 1000000;
  // Near-duplicates (2-10 % word edits of an article of the archive) and
  // unrelated articles, the first trials + 1 of each after the archive's:
  // `trials` rolled back, and one for --ingest.
  const size_t want = static_cast<size_t>(args.trials) + 1;
  std::vector<uint64_t> near, fresh;
  std::string text, source;
  for (uint64_t i = n; near.size() < want || fresh.size() < want; ++i) {
    int kind = corpus.Kind(i);
    if (kind == 1 && fresh.size() < want) fresh.push_back(i);
    if (kind != 2 || near.size() >= want) continue;
    corpus.Generate(i, &text);
    corpus.Generate(corpus.SourceOf(i), &source);
    if (text != source) near.push_back(i);  // 0 % edits would be an exact duplicate
  }

  auto t0 = Clock::now();
  auto archive_r = veille::Archive::Open(args.db, veille::OpenMode::kReadWrite);
  if (!archive_r.ok()) return Fail(archive_r.error().message);
  veille::Archive& archive = **archive_r;
  auto cleaner = veille::Cleaner::Create();
  if (!cleaner.ok()) return Fail(cleaner.error().message);
  auto analyzer = veille::MetadataAnalyzer::Create();
  if (!analyzer.ok()) return Fail(analyzer.error().message);
  auto articles = archive.MaxArticleRowid();
  if (!articles.ok()) return Fail(articles.error().message);
  printf("archive %s: %lld articles; opened in %.1f s\n", args.db.c_str(),
         static_cast<long long>(*articles), Seconds(t0));
  if (args.warm) {
    // What a long-running server's page cache would hold: the tables each
    // addition looks up (LSH bands and fingerprints, signatures).
    auto t1 = Clock::now();
    // Through a second connection, memory-mapped: the pages land in the OS
    // page cache, not in this process.
    auto reader = veille::Archive::Open(args.db, veille::OpenMode::kReadOnly);
    if (!reader.ok()) return Fail(reader.error().message);
    if (auto s = (*reader)->Preload(); !s.ok()) return Fail("warming: " + s.error().message);
    printf("warmed the reuse lookup tables (read once) in %.1f s\n", Seconds(t1));
  }
  if (args.cache_mb) {
    // What a long-running `veille ingest --watch --cache-mb N` holds once its
    // first additions have read them: the lookup tables in its own memory.
    auto t1 = Clock::now();
    if (auto s = archive.SetCacheSize(args.cache_mb); !s.ok()) return Fail(s.error().message);
    if (auto s = archive.Preload(); !s.ok()) return Fail(s.error().message);
    printf("read the reuse lookup tables into a %zu MiB in-process cache in %.1f s\n",
           args.cache_mb, Seconds(t1));
    if (args.drop_os_cache) {
      sync();
      FILE* f = std::fopen("/proc/sys/vm/drop_caches", "w");
      if (!f || std::fputs("3", f) < 0 || std::fclose(f) != 0)
        return Fail("--drop-os-cache: cannot write /proc/sys/vm/drop_caches (needs root)");
      printf("dropped the OS page cache\n");
    }
  }

  // Phases of one addition, timed apart.
  static const char* kPhases[] = {
      "clean + analyse + store", "reuse features (tokens, MinHash, fingerprints)",
      "ReuseStage::Add (LSH lookups, verification)", "ReuseStage::Flush (reuse rows)",
      "ReuseStage::Finish (postings, alignment, merge)"};
  constexpr int kNumPhases = 5;
  for (const auto* ids : {&near, &fresh}) {
    std::vector<double> ms[kNumPhases], reuse_ms, total_ms, cpu_ms;
    uint64_t dups = 0, passages = 0;
    for (size_t t = 0; t + 1 < ids->size(); ++t) {
      const uint64_t i = (*ids)[t];
      veille::Article a;
      veille::RawArticle& raw = a.raw;
      raw.id = ScaleId(i);
      raw.source = "veille-reuse addone";
      raw.source_group = raw.source;
      raw.date = corpus.date(i);
      raw.metadata_json = "{}";
      corpus.Generate(i, &raw.text);
      if (auto s = archive.Begin(); !s.ok()) return Fail(s.error().message);
      Clock::time_point c[kNumPhases + 1];
      const double cpu0 = ThreadCpu();
      c[0] = Clock::now();
      const uint64_t hash = veille::Hash64(veille::NormalizeForHash(raw.text));
      a.clean = (*cleaner)->Clean(raw.text, nullptr);
      a.analysis = (*analyzer)->Analyze(raw, a.clean);
      a.index_body = veille::PreAnalyze(archive.analyzer(), a.analysis.language, a.clean.text);
      auto outcome = archive.Store(a, hash, veille::CandidateLineFingerprints(raw.text));
      if (!outcome.ok()) return Fail(outcome.error().message);
      if (*outcome != veille::StoreOutcome::kStored)
        return Fail(raw.id + " was not stored as a new article: is it in the archive already?");
      c[1] = Clock::now();
      veille::ReuseFeatures f = veille::ComputeReuseFeatures(a.clean.text, {}, {});
      c[2] = Clock::now();
      veille::ReuseStage stage(archive, true);
      uint64_t nd = 0, np = 0;
      veille::Status s =
          stage.Add(archive.last_rowid(), a.analysis.date.value_or(""), std::move(f));
      c[3] = Clock::now();
      if (s.ok()) s = stage.Flush();
      c[4] = Clock::now();
      if (s.ok()) s = stage.Finish(&nd, &np);
      if (s.ok() && stage.ShouldMergeIndex(static_cast<uint64_t>(*articles)))  // as ingest does
        s = archive.MergeReuseIndex(int64_t{1} << 40);
      c[5] = Clock::now();
      cpu_ms.push_back((ThreadCpu() - cpu0) * 1e3);
      if (!s.ok()) return Fail(s.error().message);
      if (auto r = archive.Rollback(); !r.ok()) return Fail(r.error().message);
      dups += nd;
      passages += np;
      auto span = [&](int from, int to) {
        return std::chrono::duration<double, std::milli>(c[to] - c[from]).count();
      };
      for (int k = 0; k < kNumPhases; ++k) ms[k].push_back(span(k, k + 1));
      reuse_ms.push_back(span(1, kNumPhases));
      total_ms.push_back(span(0, kNumPhases));
    }
    printf(
        "\nadd one %s article (%zu, each rolled back): %llu near-duplicate pairs, %llu passages\n",
        ids == &near ? "near-duplicate" : "unrelated", total_ms.size(),
        static_cast<unsigned long long>(dups), static_cast<unsigned long long>(passages));
    for (int k = 0; k < kNumPhases; ++k) printf("  %-48s %s\n", kPhases[k], Spread(ms[k]).c_str());
    printf("  %-48s %s\n", "reuse (features + Add + Flush + Finish)", Spread(reuse_ms).c_str());
    printf("  %-48s %s\n", "total", Spread(total_ms).c_str());
    printf("  %-48s %s\n", "total, CPU time of the thread", Spread(cpu_ms).c_str());
    fflush(stdout);
  }
  archive_r->reset();  // the child process below writes the archive

  if (args.ingest.empty()) return 0;
  // For real: the last near-duplicate and unrelated article picked.
  char tmpl[] = "/tmp/veille-reuse-XXXXXX";
  if (!mkdtemp(tmpl)) return Fail("cannot create a temporary folder");
  const std::string dir = tmpl;
  for (const auto* ids : {&near, &fresh}) {
    const uint64_t j = ids->back();
    const std::string path = dir + "/" + ScaleId(j) + ".jsonl";
    std::string line;
    corpus.Generate(j, &text);
    AppendRecord(ScaleId(j), corpus.date(j), text, &line);
    std::ofstream(path, std::ios::binary) << line;
    std::string summary;
    auto w0 = Clock::now();
    int rc = RunChild(
        {args.ingest, "ingest", "--no-entities", "--no-quotes", "--quiet", "--db", args.db, path},
        &summary);
    const double wall = Seconds(w0);
    std::remove(path.c_str());
    if (rc != 0) return Fail(args.ingest + " ingest failed (exit " + std::to_string(rc) + ")");
    while (!summary.empty() && summary.back() == '\n') summary.pop_back();
    printf("\nveille ingest of one %s article (%s), wall %.0f ms, process start included:\n  %s\n",
           ids == &near ? "near-duplicate" : "unrelated", ScaleId(j).c_str(), wall * 1e3,
           summary.c_str());
  }
  rmdir(dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--corpus") {
      args.corpus = val();
    } else if (a == "--n") {
      args.n = std::strtoull(val().c_str(), nullptr, 10);
    } else if (a == "--seed") {
      args.seed = std::strtoull(val().c_str(), nullptr, 10);
    } else if (a == "--threads") {
      args.threads = std::max(1, std::atoi(val().c_str()));
    } else if (a == "--show") {
      args.show = std::atoi(val().c_str());
    } else if (a == "--min-sim") {
      args.min_sim = std::atof(val().c_str());
    } else if (a == "--ingest") {
      args.ingest = val();
    } else if (a == "--db") {
      args.db = val();
    } else if (a == "--trials") {
      args.trials = std::max(1, std::atoi(val().c_str()));
    } else if (a == "--write-jsonl") {
      args.write_jsonl = val();
    } else if (a == "--warm") {
      args.warm = true;
    } else if (a == "--cache-mb") {
      args.cache_mb = std::strtoull(val().c_str(), nullptr, 10);
    } else if (a == "--drop-os-cache") {
      args.drop_os_cache = true;
    } else if (a == "--no-corpus") {
      args.corpus_groups = false;
    } else if (a.rfind("--", 0) == 0) {
      return Fail("unknown flag " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.empty())
    return Fail("usage: veille-reuse synth|groups|scale|addone --corpus FILE | pair A B");
  args.cmd = pos[0];
  if (args.cmd == "pair") {
    if (pos.size() != 3) return Fail("usage: veille-reuse pair A.txt B.txt");
    args.file_a = pos[1];
    args.file_b = pos[2];
    return Pair(args);
  }
  if (args.corpus.empty()) return Fail("--corpus FILE.jsonl.gz is required");
  if (args.cmd == "synth") return Synth(args);
  if (args.cmd == "groups") return Groups(args);
  if (args.cmd == "scale") return Scale(args);
  if (args.cmd == "addone") {
    if (args.db.empty()) return Fail("addone: --db ARCHIVE is required");
    return AddOne(args);
  }
  return Fail("unknown command " + args.cmd);
}
