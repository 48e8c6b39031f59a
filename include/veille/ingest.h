// ingest.h: the ingest pipeline — files in, archive rows out.
//
// In:  paths (files or folders of .txt / .jsonl / .jsonl.gz articles) and an
//      open read-write Archive.
// Out: every readable article read, cleaned, analysed and stored; problems
//      reported through a callback (and recorded in the archive); a summary
//      with counts, throughput and peak memory.
//
// The pipeline makes two passes over the input. Pass 1 counts candidate
// boilerplate lines per source group (the "line that recurs across many
// articles of one source" signal). Pass 2 reads again, cleans with the
// recurring lines known, analyses and stores. Parsing, cleaning and analysis
// run on worker threads; one thread writes, in input order, in batched
// transactions, so a run is deterministic and a crash loses at most the
// uncommitted batch. Re-running skips what is already stored (same id, same
// content hash), which also makes an interrupted run resumable.
//
// Thread-safety: Ingest() uses the Archive from the calling thread only; run
// one Ingest per archive at a time.
#ifndef VEILLE_INGEST_H_
#define VEILLE_INGEST_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "veille/archive.h"
#include "veille/article.h"
#include "veille/result.h"

namespace veille {

struct IngestOptions {
  std::vector<std::string> inputs;
  unsigned threads = 0;      // worker threads; 0 = one per core
  size_t batch_size = 2000;  // articles per transaction
  size_t max_article_bytes = 16u << 20;
  // A line is boilerplate for its source group when it occurs in at least
  // max(recurring_min_articles, recurring_min_fraction * group size) articles.
  uint32_t recurring_min_articles = 4;
  double recurring_min_fraction = 0.002;
  bool entities = true;  // run the entity recogniser
  bool quotes = true;    // run the quote extractor
  bool reuse = true;     // near-duplicates and reused passages
  // Memory the reuse stage may hold for the run's articles (about 1.6 KB
  // each): past it, the run aligns the passages found so far and goes on
  // looking the earlier articles up in the archive (slower per article).
  size_t reuse_memory_bytes = size_t{3} << 30;
  bool stories = true;                      // story clustering (veille/stories.h)
  bool events = true;                       // events (veille/events.h)
  const std::atomic<bool>* stop = nullptr;  // set (e.g. on SIGINT) to stop cleanly
  // Measure the CPU time of every step on every thread (IngestSummary::profile).
  bool profile = false;
  // See ReadOptions::skip_feed_item (read.h); called from the reading thread.
  std::function<bool(const std::string& url)> skip_feed_item;
};

struct IngestProgress {
  int pass = 1;  // 1 = counting lines, 2 = storing
  uint64_t articles = 0;
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  double seconds = 0;
};

struct IngestSummary {
  uint64_t read = 0;             // articles parsed
  uint64_t stored = 0;           // new articles
  uint64_t updated = 0;          // same id, changed text
  uint64_t unchanged = 0;        // already in the archive
  uint64_t duplicates = 0;       // exact duplicates of another article
  uint64_t errors = 0;           // records or files skipped
  uint64_t warnings = 0;         // repaired problems
  uint64_t near_duplicates = 0;  // near-duplicate pairs found
  uint64_t passages = 0;         // reused passages found
  uint64_t reuse_rollovers = 0;  // times the reuse stage went over its memory budget
  uint64_t stories = 0;          // stories started
  uint64_t input_bytes = 0;      // article text bytes processed
  double seconds = 0;
  uint64_t peak_rss_bytes = 0;
  bool interrupted = false;
  // With IngestOptions::profile: CPU seconds per step, summed over the
  // threads that ran it ("worker" steps run on every worker thread, "writer"
  // steps on the one writer thread), pass 1 apart.
  struct Step {
    std::string name;    // "parse", "clean", "entities", "store", "commit", ...
    std::string thread;  // "reader", "worker", "writer"
    double cpu_seconds = 0;
  };
  std::vector<Step> profile;
  double pass1_seconds = 0;        // wall time of pass 1
  double writer_idle_seconds = 0;  // pass 2: the writer waiting for the workers
  double writer_busy_seconds = 0;  // pass 2: the writer storing (wall)
  double finish_seconds = 0;       // after the last article: stages' Finish (wall)
  double after_run_seconds = 0;    // then the stages' AfterRun (wall)
};

using ProblemFn = std::function<void(const Diagnostic&)>;
using ProgressFn = std::function<void(const IngestProgress&)>;

Result<IngestSummary> Ingest(Archive& archive, const IngestOptions& options,
                             const ProblemFn& on_problem, const ProgressFn& on_progress);

// One line: "read N, stored S, ... in X s (A articles/s, B MB/s, peak memory M MB)".
std::string FormatSummary(const IngestSummary& s);
// IngestSummary::profile as a table, one line per step.
std::string FormatProfile(const IngestSummary& s);
// The same figures as a JSON object.
std::string SummaryJson(const IngestSummary& s);

// Peak resident memory of this process so far, in bytes.
uint64_t PeakRssBytes();

}  // namespace veille

#endif  // VEILLE_INGEST_H_
