// ingest.cc: read -> clean -> analyse -> store, in two passes (see ingest.h).
#include "veille/ingest.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_set>

#include "ingest/ordered_pool.h"
#include "ingest/reuse_stage.h"
#include "veille/analyze.h"
#include "veille/clean.h"
#include "veille/entities.h"
#include "veille/hash.h"
#include "veille/quotes.h"
#include "veille/read.h"
#include "veille/text.h"

namespace veille {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

uint64_t ContentHash(const RawArticle& raw) { return Hash64(NormalizeForHash(raw.text)); }

// Pass 1 result for one record.
struct Counted {
  bool ok = false;
  std::string id, group;
  uint64_t hash = 0;
  std::vector<uint64_t> fingerprints;
};

// Pass 2 result for one record.
struct Processed {
  std::string source;
  std::vector<Diagnostic> read_problems;  // from the reader, for this record
  Result<RawArticle> raw = Error::Internal("unset");
  bool skip_unchanged = false;
  // Pass 1 found this text stored (or read) before under another, new id:
  // the article will be stored as a duplicate, which keeps neither the
  // extraction, nor the index terms, nor the reuse features, so they were
  // not computed (CompleteArticle computes them if it is stored after all).
  bool expect_duplicate = false;
  Article article;
  uint64_t hash = 0;
  std::vector<uint64_t> fingerprints;
  ReuseFeatures reuse;
};

struct Input {
  InputRecord record;
  std::vector<Diagnostic> problems;  // reader problems seen before this record
  bool has_record = false;
};

// The extract stage: entities, then quotes (whose speakers resolve to the
// entities found).
void Extract(const EntityRecognizer* recognizer, const QuoteExtractor* quoter, Article* a) {
  const std::string& text = a->clean.text;
  const std::string& lang = a->analysis.language;
  std::vector<SpeakerHint> hints;
  if (recognizer) {
    for (auto& m : recognizer->Recognize(text, lang)) {
      hints.push_back({m.text, m.type, m.begin, m.end, m.canonical});
      a->entities.push_back({std::move(m.text), std::move(m.type), m.begin, m.end,
                             std::move(m.canonical), std::move(m.role)});
    }
  }
  if (quoter) {
    for (auto& q : quoter->Extract(text, lang, hints))
      a->quotes.push_back({std::move(q.text), q.begin, q.end, std::move(q.speaker),
                           std::move(q.speaker_mention), std::move(q.speaker_role),
                           std::move(q.cue)});
  }
}

// What a cleaned and analysed article needs only if it is stored with its
// text (an original): extraction, index terms, reuse features and the
// fingerprints of its candidate boilerplate lines.
void CompleteArticle(const Archive& archive, const EntityRecognizer* recognizer,
                     const QuoteExtractor* quoter, bool reuse, Processed* p) {
  Article& a = p->article;
  Extract(recognizer, quoter, &a);
  const std::string& lang = a.analysis.language;
  a.index_title = PreAnalyze(archive.analyzer(), lang, a.raw.title.value_or(""));
  a.index_body = PreAnalyze(archive.analyzer(), lang, a.clean.text);
  for (const QuoteSpan& q : a.quotes)
    a.index_quotes.push_back(PreAnalyze(archive.analyzer(), lang, q.text));
  if (reuse) p->reuse = ComputeReuseFeatures(a.clean.text, DedupeOptions{}, PassageOptions{});
  p->fingerprints = CandidateLineFingerprints(a.raw.text);
}

}  // namespace

uint64_t PeakRssBytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss) * 1024;
}

std::string FormatSummary(const IngestSummary& s) {
  double secs = std::max(s.seconds, 1e-9);
  return fmt::format(
      "read {} articles: stored {}, updated {}, unchanged {}, duplicates {}, errors {}, warnings {}"
      ", near-duplicate pairs {}, reused passages {}"
      " in {:.2f} s ({:.0f} articles/s, {:.1f} MB/s, peak memory {:.0f} MB){}",
      s.read, s.stored, s.updated, s.unchanged, s.duplicates, s.errors, s.warnings,
      s.near_duplicates, s.passages, s.seconds, s.read / secs, s.input_bytes / 1e6 / secs,
      s.peak_rss_bytes / 1e6, s.interrupted ? " — interrupted, run again to resume" : "");
}

std::string SummaryJson(const IngestSummary& s) {
  double secs = std::max(s.seconds, 1e-9);
  nlohmann::json j = {{"read", s.read},
                      {"stored", s.stored},
                      {"updated", s.updated},
                      {"unchanged", s.unchanged},
                      {"duplicates", s.duplicates},
                      {"errors", s.errors},
                      {"warnings", s.warnings},
                      {"near_duplicate_pairs", s.near_duplicates},
                      {"passages", s.passages},
                      {"seconds", s.seconds},
                      {"articles_per_second", s.read / secs},
                      {"mb_per_second", s.input_bytes / 1e6 / secs},
                      {"peak_rss_bytes", s.peak_rss_bytes},
                      {"interrupted", s.interrupted}};
  return j.dump();
}

Result<IngestSummary> Ingest(Archive& archive, const IngestOptions& opt,
                             const ProblemFn& on_problem, const ProgressFn& on_progress) {
  const auto t0 = Clock::now();
  auto cleaner = Cleaner::Create();
  if (!cleaner.ok()) return cleaner.error();
  auto analyzer = MetadataAnalyzer::Create();
  if (!analyzer.ok()) return analyzer.error();
  std::unique_ptr<EntityRecognizer> recognizer;
  if (opt.entities) {
    auto r = EntityRecognizer::Create();
    if (!r.ok()) return r.error();
    recognizer = std::move(r).value();
  }
  std::unique_ptr<QuoteExtractor> quoter;
  if (opt.quotes) {
    auto q = QuoteExtractor::Create();
    if (!q.ok()) return q.error();
    quoter = std::move(q).value();
  }
  // What the archive holds for this run's ids and texts, looked up in pass 1
  // (index lookups: the start-up does not grow with the archive). Read-only
  // from pass 2 on, when the worker threads read it.
  KnownContent known;
  // Pass 1's exact duplicates under new ids: id -> content hash.
  std::unordered_map<std::string, uint64_t> duplicates;
  Status lookup = OkStatus();
  auto archive_had_articles = archive.MaxArticleRowid();
  if (!archive_had_articles.ok()) return archive_had_articles.error();

  unsigned workers = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  const size_t window = 256;
  ReadOptions ropt;
  ropt.max_record_bytes = opt.max_article_bytes;
  auto stopped = [&] { return opt.stop && opt.stop->load(); };

  IngestSummary sum;
  auto last_progress = Clock::now();
  // The reader runs on the producer thread; it publishes its position here.
  std::atomic<uint64_t> bytes_done{0}, bytes_total{0};
  auto progress = [&](int pass, uint64_t n, bool force) {
    if (!on_progress) return;
    auto now = Clock::now();
    if (!force && now - last_progress < std::chrono::milliseconds(200)) return;
    last_progress = now;
    on_progress({pass, n, bytes_done.load(), bytes_total.load(), Since(t0)});
  };
  auto next = [&](InputReader& r, InputRecord* rec, std::vector<Diagnostic>* problems) {
    bool more = r.Next(rec, problems);
    bytes_done = r.bytes_done();
    bytes_total = r.bytes_total();
    return more;
  };

  // ---- Pass 1: count candidate boilerplate lines per source group. ----
  std::unordered_map<std::string, std::unordered_map<uint64_t, uint32_t>> batch_counts;
  std::unordered_map<std::string, uint64_t> batch_sizes;
  {
    auto reader = InputReader::Open(opt.inputs, ropt);
    if (!reader.ok()) return reader.error();
    InputReader& r = **reader;
    std::unordered_set<uint64_t> seen_hashes;
    std::unordered_set<uint64_t> seen_ids;  // Hash64 of the ids read so far
    uint64_t n = 0;
    std::vector<Diagnostic> ignored;  // reported in pass 2
    RunOrdered<InputRecord, Counted>(
        workers, window,
        [&](InputRecord* rec) {
          ignored.clear();
          return !stopped() && next(r, rec, &ignored);
        },
        [&](InputRecord& rec) {
          Counted c;
          auto raw = ParseRecord(rec);
          if (!raw.ok()) return c;
          c.ok = true;
          c.hash = ContentHash(*raw);
          c.id = raw->id;
          c.group = raw->source_group;
          c.fingerprints = CandidateLineFingerprints(raw->text);
          return c;
        },
        [&](Counted& c) {
          progress(1, ++n, false);
          if (!c.ok) return true;
          if (*archive_had_articles > 0) {
            if (auto s = archive.LookUpKnown(c.id, c.hash, &known); !s.ok()) {
              lookup = s;
              return false;
            }
          }
          // A colliding id hash only makes an id look seen: the safe side.
          const bool new_id = seen_ids.insert(Hash64(c.id)).second && !known.hash_by_id.count(c.id);
          if (auto it = known.hash_by_id.find(c.id);
              it != known.hash_by_id.end() && it->second == c.hash)
            return true;  // already stored: its lines are already counted
          if (known.original_hashes.count(c.hash) || !seen_hashes.insert(c.hash).second) {
            // An exact duplicate does not make a line recur. Under a new id
            // it will be stored as a duplicate (an update of a stored id
            // goes through the whole pipeline, as before).
            if (new_id) duplicates.emplace(c.id, c.hash);
            return true;
          }
          ++batch_sizes[c.group];
          auto& counts = batch_counts[c.group];
          for (uint64_t f : c.fingerprints) ++counts[f];
          return true;
        });
  }
  if (!lookup.ok()) return lookup.error();
  if (stopped()) {
    sum.interrupted = true;
    sum.seconds = Since(t0);
    sum.peak_rss_bytes = PeakRssBytes();
    return sum;
  }

  // Recurring lines: archive counts plus this batch's, against the threshold.
  std::unordered_map<std::string, std::unordered_set<uint64_t>> recurring;
  for (auto& [group, counts] : batch_counts) {
    auto stored = archive.LineCounts(group);
    if (!stored.ok()) return stored.error();
    auto stored_size = archive.GroupSize(group);
    if (!stored_size.ok()) return stored_size.error();
    uint64_t size = batch_sizes[group] + *stored_size;
    uint32_t threshold = std::max<uint32_t>(
        opt.recurring_min_articles,
        static_cast<uint32_t>(std::ceil(opt.recurring_min_fraction * static_cast<double>(size))));
    auto& set = recurring[group];
    for (auto& [f, c] : counts) {
      uint32_t total = c;
      if (auto it = stored->find(f); it != stored->end()) total += it->second;
      if (total >= threshold) set.insert(f);
    }
    for (auto& [f, c] : *stored)
      if (c >= threshold) set.insert(f);
  }
  batch_counts.clear();

  // ---- Pass 2: parse, clean, analyse, store. ----
  auto run = archive.StartRun(nlohmann::json(opt.inputs).dump());
  if (!run.ok()) return run.error();
  auto reader = InputReader::Open(opt.inputs, ropt);
  if (!reader.ok()) return reader.error();
  InputReader& r = **reader;

  Status failure = OkStatus();
  size_t in_batch = 0;
  ReuseStage reuse(archive, *archive_had_articles > 0);
  auto report = [&](const Diagnostic& d) {
    if (d.severity == Diagnostic::Severity::kError) {
      ++sum.errors;
    } else {
      ++sum.warnings;
    }
    if (on_problem) on_problem(d);
    if (auto s = archive.RecordProblem(*run, d); !s.ok()) failure = s;
  };
  if (auto s = archive.Begin(); !s.ok()) return s.error();

  uint64_t n = 0;
  RunOrdered<Input, Processed>(
      workers, window,
      [&](Input* in) {
        if (stopped()) return false;
        in->has_record = next(r, &in->record, &in->problems);
        // The reader may report problems and then hit the end: pass them on.
        return in->has_record || !in->problems.empty();
      },
      [&](Input& in) {
        Processed p;
        p.read_problems = std::move(in.problems);
        if (!in.has_record) return p;
        p.source = in.record.source;
        p.raw = ParseRecord(in.record);
        if (!p.raw.ok()) return p;
        RawArticle& raw = *p.raw;
        p.hash = ContentHash(raw);
        if (auto it = known.hash_by_id.find(raw.id);
            it != known.hash_by_id.end() && it->second == p.hash) {
          p.skip_unchanged = true;
          return p;
        }
        const std::unordered_set<uint64_t>* rec = nullptr;
        if (auto it = recurring.find(raw.source_group); it != recurring.end()) rec = &it->second;
        p.article.clean = (*cleaner)->Clean(raw.text, rec);
        p.article.analysis = (*analyzer)->Analyze(raw, p.article.clean);
        if (auto it = duplicates.find(raw.id); it != duplicates.end() && it->second == p.hash)
          p.expect_duplicate = true;
        p.article.raw = std::move(raw);
        if (!p.expect_duplicate)
          CompleteArticle(archive, recognizer.get(), quoter.get(), opt.reuse, &p);
        return p;
      },
      [&](Processed& p) {
        for (auto& d : p.read_problems) report(d);
        if (p.source.empty()) return failure.ok();
        if (!p.raw.ok()) {
          report({Diagnostic::Severity::kError, p.source, p.raw.error().message});
          return failure.ok();
        }
        ++sum.read;
        progress(2, ++n, false);
        if (p.skip_unchanged) {
          ++sum.unchanged;
          return !stopped();
        }
        sum.input_bytes += p.article.raw.text.size();
        for (auto& d : p.article.raw.diagnostics) report(d);
        if (p.expect_duplicate) {
          // Its original may have changed text earlier in this run.
          auto original = archive.HasOriginal(p.hash);
          if (!original.ok()) {
            failure = original.error();
            return false;
          }
          if (!*original) CompleteArticle(archive, recognizer.get(), quoter.get(), opt.reuse, &p);
        }
        auto outcome = archive.Store(p.article, p.hash, p.fingerprints);
        if (!outcome.ok()) {
          failure = outcome.error();
          return false;
        }
        if (opt.reuse &&
            (*outcome == StoreOutcome::kStored || *outcome == StoreOutcome::kUpdated)) {
          if (auto s = reuse.Add(archive.last_rowid(), p.article.analysis.date.value_or(""),
                                 p.article.clean.text, std::move(p.reuse));
              !s.ok()) {
            failure = s;
            return false;
          }
        }
        switch (*outcome) {
          case StoreOutcome::kStored:
            ++sum.stored;
            break;
          case StoreOutcome::kUpdated:
            ++sum.updated;
            break;
          case StoreOutcome::kUnchanged:
            ++sum.unchanged;
            break;
          case StoreOutcome::kDuplicate:
            ++sum.duplicates;
            break;
        }
        if (++in_batch >= opt.batch_size) {
          in_batch = 0;
          if (auto s = opt.reuse ? reuse.Flush() : OkStatus(); !s.ok()) {
            failure = s;
            return false;
          }
          if (auto s = archive.Commit(); !s.ok()) {
            failure = s;
            return false;
          }
          if (auto s = archive.Begin(); !s.ok()) {
            failure = s;
            return false;
          }
        }
        return !stopped();
      });
  if (!failure.ok()) {
    (void)archive.Rollback();
    return failure.error();
  }
  sum.interrupted = stopped();
  if (opt.reuse) {
    // Interrupted: keep what was stored consistent (features of the stored
    // articles); the next run aligns their passages.
    auto s = sum.interrupted ? reuse.Flush() : reuse.Finish(&sum.near_duplicates, &sum.passages);
    if (sum.interrupted) sum.near_duplicates = reuse.near_duplicates();
    if (!s.ok()) {
      (void)archive.Rollback();
      return s.error();
    }
  }
  if (opt.reuse && !sum.interrupted) {
    // A big run merges reuse_index's segments into one, in transactions of
    // their own after its rows are committed: the WAL stays small and pages
    // freed by one step are reused by the next.
    auto articles = archive.MaxArticleRowid();
    if (!articles.ok()) return articles.error();
    if (reuse.ShouldMergeIndex(static_cast<uint64_t>(*articles))) {
      if (auto s = archive.Commit(); !s.ok()) return s.error();
      if (auto s = archive.MergeReuseIndex(int64_t{1} << 40); !s.ok()) return s.error();
      if (auto s = archive.Begin(); !s.ok()) return s.error();
    }
  }
  sum.seconds = Since(t0);
  sum.peak_rss_bytes = PeakRssBytes();
  if (auto s = archive.FinishRun(*run, sum.interrupted ? "interrupted" : "done", SummaryJson(sum));
      !s.ok())
    return s.error();
  if (auto s = archive.Commit(); !s.ok()) return s.error();
  progress(2, n, true);
  return sum;
}

}  // namespace veille
