// ingest.cc: read -> clean -> analyse -> stages -> store, in two passes (see
// ingest.h and stage.h).
#include "veille/ingest.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <deque>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_set>

#include "ingest/ordered_pool.h"
#include "veille/analyze.h"
#include "veille/clean.h"
#include "veille/hash.h"
#include "veille/read.h"
#include "veille/stage.h"
#include "veille/text.h"

namespace veille {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// CPU time per pipeline step, summed over threads (IngestOptions::profile).
// Charge() may be called from any thread.
class StepTimes {
 public:
  int Add(std::string name, std::string thread) {
    steps_.push_back({std::move(name), std::move(thread), 0});
    ns_.emplace_back(0);
    return static_cast<int>(steps_.size()) - 1;
  }
  void Charge(int step, double seconds) {
    ns_[step].fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  }
  std::vector<IngestSummary::Step> Steps() const {
    auto out = steps_;
    for (size_t i = 0; i < out.size(); ++i) out[i].cpu_seconds = ns_[i].load() * 1e-9;
    return out;
  }

 private:
  std::vector<IngestSummary::Step> steps_;
  std::deque<std::atomic<uint64_t>> ns_;
};

// Charges the CPU time of its scope to a step; nothing without a StepTimes.
class Timed {
 public:
  Timed(StepTimes* times, int step) : times_(times), step_(step) {
    if (times_) t0_ = ThreadCpu();
  }
  ~Timed() {
    if (times_) times_->Charge(step_, ThreadCpu() - t0_);
  }
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;

 private:
  StepTimes* times_;
  int step_;
  double t0_ = 0;
};

uint64_t ContentHash(const RawArticle& raw) { return Hash64(NormalizeForHash(raw.text)); }

// Pass 1 result for one record.
struct Counted {
  bool ok = false;
  std::string id, group;
  uint64_t hash = 0;
  std::vector<uint64_t> fingerprints;
  // A web record (page, feed item): what parsing made of it, which pass 2
  // takes instead of extracting the page again; with a hash of its bytes.
  std::optional<RawArticle> parsed;
  uint64_t bytes_hash = 0;
};

// Text bytes of parsed web records pass 1 keeps for pass 2.
constexpr size_t kParsedCacheBytes = size_t{256} << 20;

// Pass 2 result for one record.
struct Processed {
  std::string source;
  std::vector<Diagnostic> read_problems;  // from the reader, for this record
  Result<RawArticle> raw = Error::Internal("unset");
  bool skip_unchanged = false;
  // Pass 1 found this text stored (or read) before under another, new id:
  // the article will be stored as a duplicate, which keeps neither the
  // stages' output nor the line fingerprints, so they were not computed
  // (Run::Complete computes them if it is stored after all).
  bool expect_duplicate = false;
  Article article;
  uint64_t hash = 0;
  std::vector<uint64_t> fingerprints;
  StageSlots slots;  // one per stage
};

struct Input {
  InputRecord record;
  std::vector<Diagnostic> problems;  // reader problems seen before this record
  bool has_record = false;
  uint64_t ordinal = 0;  // records read before this one in pass 2
};

// What pass 1 finds.
struct Counts {
  // What the archive holds for this run's ids and texts (index lookups: the
  // start-up does not grow with the archive). Read-only from pass 2 on, when
  // the worker threads read it.
  KnownContent known;
  // Exact duplicates under new ids: id -> content hash.
  std::unordered_map<std::string, uint64_t> duplicates;
  // Per record, in input order: Hash64 of its id and its content hash (0, 0
  // for a record that did not parse). Pass 2 takes the hash from here when
  // it reads the same id at the same place, instead of hashing the text again.
  std::vector<std::pair<uint64_t, uint64_t>> hashes;
  // Parsed web records by ordinal (up to kParsedCacheBytes of text), with a
  // hash of the record's bytes; a pass-2 worker moves its record's entry out
  // (each entry is touched by one thread, and the map does not change).
  mutable std::unordered_map<uint64_t, std::pair<uint64_t, RawArticle>> parsed;
  size_t parsed_bytes = 0;
  // Candidate boilerplate line counts and originals per source group.
  std::unordered_map<std::string, std::unordered_map<uint64_t, uint32_t>> lines;
  std::unordered_map<std::string, uint64_t> sizes;
};

// One ingest run: the stage objects, the two passes and the summary.
class Run {
 public:
  Run(Archive& archive, const IngestOptions& opt, const ProblemFn& on_problem,
      const ProgressFn& on_progress)
      : archive_(archive), opt_(opt), on_problem_(on_problem), on_progress_(on_progress) {
    workers_ = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
    ropt_.max_record_bytes = opt.max_article_bytes;
    ropt_.skip_feed_item = opt.skip_feed_item;
  }

  Result<IngestSummary> Go();

 private:
  static constexpr size_t kWindow = 256;  // records in flight

  bool stopped() const { return opt_.stop && opt_.stop->load(); }
  void Progress(int pass, uint64_t n, bool force);
  bool Next(InputReader& r, InputRecord* rec, std::vector<Diagnostic>* problems);
  Status CountLines(Counts* counts);
  Status FindRecurring(const Counts& counts);
  Status StoreAll(int64_t run);
  Processed Process(Input& in) const;
  // Runs every stage on an article that will be stored with its text.
  void Complete(Processed* p) const;
  // Writer side of one processed record; false stops the run.
  bool Consume(Processed& p, int64_t run);
  void Report(const Diagnostic& d, int64_t run);
  Status CommitBatch();
  // Names the profile's steps once the stages are known.
  void DefineSteps();
  StepTimes* times() const { return opt_.profile ? &times_ : nullptr; }

  Archive& archive_;
  const IngestOptions& opt_;
  const ProblemFn& on_problem_;
  const ProgressFn& on_progress_;
  const Clock::time_point t0_ = Clock::now();
  unsigned workers_;
  ReadOptions ropt_;
  std::unique_ptr<Cleaner> cleaner_;
  std::unique_ptr<MetadataAnalyzer> analyzer_;
  std::vector<std::unique_ptr<Stage>> stages_;
  Counts counts_;
  // Lines that recur in enough of their group's articles to be boilerplate.
  std::unordered_map<std::string, std::unordered_set<uint64_t>> recurring_;
  IngestSummary sum_;
  Status failure_ = OkStatus();
  size_t in_batch_ = 0;
  uint64_t stored_n_ = 0;
  Clock::time_point last_progress_ = Clock::now();
  // The reader runs on the producer thread; it publishes its position here.
  std::atomic<uint64_t> bytes_done_{0}, bytes_total_{0};
  mutable StepTimes times_;
  struct {
    int read, parse, hash, clean, analyze, lines, store, commit, report;
    std::vector<int> work, write;  // per stage
  } step_{};
};

void Run::DefineSteps() {
  step_.read = times_.Add("read (decompress, split records)", "reader");
  step_.parse = times_.Add("parse", "worker");
  step_.hash = times_.Add("content hash", "worker");
  step_.clean = times_.Add("clean", "worker");
  step_.analyze = times_.Add("analyze (language, dates, outlet)", "worker");
  for (auto& stage : stages_)
    step_.work.push_back(times_.Add(std::string(stage->name()), "worker"));
  step_.lines = times_.Add("line fingerprints", "worker");
  step_.store = times_.Add("store (articles, text index, extracted rows)", "writer");
  for (auto& stage : stages_)
    step_.write.push_back(times_.Add(std::string(stage->name()), "writer"));
  step_.commit = times_.Add("commit", "writer");
  step_.report = times_.Add("problems, duplicates check", "writer");
}

void Run::Progress(int pass, uint64_t n, bool force) {
  if (!on_progress_) return;
  auto now = Clock::now();
  if (!force && now - last_progress_ < std::chrono::milliseconds(200)) return;
  last_progress_ = now;
  on_progress_({pass, n, bytes_done_.load(), bytes_total_.load(), Since(t0_)});
}

bool Run::Next(InputReader& r, InputRecord* rec, std::vector<Diagnostic>* problems) {
  bool more = r.Next(rec, problems);
  bytes_done_ = r.bytes_done();
  bytes_total_ = r.bytes_total();
  return more;
}

// Pass 1: counts candidate boilerplate lines per source group, and looks up
// what the archive already holds for the input's ids and texts.
Status Run::CountLines(Counts* counts) {
  auto had = archive_.MaxArticleRowid();
  if (!had.ok()) return had.error();
  // A shared archive (PostgreSQL) may get other workers' articles meanwhile.
  const bool archive_had_articles = *had > 0 || archive_.shared();
  auto reader = InputReader::Open(opt_.inputs, ropt_);
  if (!reader.ok()) return reader.error();
  InputReader& r = **reader;
  std::unordered_set<uint64_t> seen_hashes;
  std::unordered_set<uint64_t> seen_ids;  // Hash64 of the ids read so far
  uint64_t n = 0;
  Status lookup = OkStatus();
  std::vector<Diagnostic> ignored;  // reported in pass 2
  KnownContent& known = counts->known;
  RunOrdered<InputRecord, Counted>(
      workers_, kWindow,
      [&](InputRecord* rec) {
        ignored.clear();
        return !stopped() && Next(r, rec, &ignored);
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
        if (rec.kind == InputRecord::Kind::kHtml || rec.kind == InputRecord::Kind::kFeedItem) {
          c.bytes_hash = Hash64(rec.bytes);
          c.parsed = std::move(raw).value();
        }
        return c;
      },
      [&](Counted& c) {
        Progress(1, ++n, false);
        if (c.parsed && counts->parsed_bytes + c.parsed->text.size() <= kParsedCacheBytes) {
          counts->parsed_bytes += c.parsed->text.size();
          counts->parsed.emplace(counts->hashes.size(),
                                 std::make_pair(c.bytes_hash, std::move(*c.parsed)));
        }
        counts->hashes.emplace_back(c.ok ? Hash64(c.id) : 0, c.hash);
        if (!c.ok) return true;
        if (archive_had_articles) {
          if (auto s = archive_.LookUpKnown(c.id, c.hash, &known); !s.ok()) {
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
          if (new_id) counts->duplicates.emplace(c.id, c.hash);
          return true;
        }
        ++counts->sizes[c.group];
        auto& lines = counts->lines[c.group];
        for (uint64_t f : c.fingerprints) ++lines[f];
        return true;
      });
  return lookup;
}

// Recurring lines: archive counts plus this run's, against the threshold.
Status Run::FindRecurring(const Counts& counts) {
  for (auto& [group, lines] : counts.lines) {
    auto stored = archive_.LineCounts(group);
    if (!stored.ok()) return stored.error();
    auto stored_size = archive_.GroupSize(group);
    if (!stored_size.ok()) return stored_size.error();
    uint64_t size = counts.sizes.at(group) + *stored_size;
    uint32_t threshold = std::max<uint32_t>(
        opt_.recurring_min_articles,
        static_cast<uint32_t>(std::ceil(opt_.recurring_min_fraction * static_cast<double>(size))));
    auto& set = recurring_[group];
    for (auto& [f, c] : lines) {
      uint32_t total = c;
      if (auto it = stored->find(f); it != stored->end()) total += it->second;
      if (total >= threshold) set.insert(f);
    }
    for (auto& [f, c] : *stored)
      if (c >= threshold) set.insert(f);
  }
  return OkStatus();
}

void Run::Complete(Processed* p) const {
  p->slots.resize(stages_.size());
  for (size_t i = 0; i < stages_.size(); ++i) {
    Timed t(times(), step_.work[i]);
    stages_[i]->Process(p->article, p->slots[i]);
  }
  Timed t(times(), step_.lines);
  p->fingerprints = CandidateLineFingerprints(p->article.raw.text);
}

// Worker thread: parse, clean, analyse, then the stages.
Processed Run::Process(Input& in) const {
  Processed p;
  p.read_problems = std::move(in.problems);
  if (!in.has_record) return p;
  p.source = in.record.source;
  {
    Timed t(times(), step_.parse);
    auto cached = counts_.parsed.find(in.ordinal);
    if (cached != counts_.parsed.end() && cached->second.first == Hash64(in.record.bytes)) {
      p.raw = std::move(cached->second.second);
    } else {
      p.raw = ParseRecord(in.record);
    }
  }
  if (!p.raw.ok()) return p;
  RawArticle& raw = *p.raw;
  if (in.ordinal < counts_.hashes.size() && counts_.hashes[in.ordinal].first == Hash64(raw.id) &&
      counts_.hashes[in.ordinal].first != 0) {
    p.hash = counts_.hashes[in.ordinal].second;
  } else {  // the input changed between the passes
    Timed t(times(), step_.hash);
    p.hash = ContentHash(raw);
  }
  const KnownContent& known = counts_.known;
  if (auto it = known.hash_by_id.find(raw.id);
      it != known.hash_by_id.end() && it->second == p.hash) {
    p.skip_unchanged = true;
    return p;
  }
  const std::unordered_set<uint64_t>* rec = nullptr;
  if (auto it = recurring_.find(raw.source_group); it != recurring_.end()) rec = &it->second;
  {
    Timed t(times(), step_.clean);
    p.article.clean = cleaner_->Clean(raw.text, rec);
  }
  {
    Timed t(times(), step_.analyze);
    p.article.analysis = analyzer_->Analyze(raw, p.article.clean);
  }
  if (auto it = counts_.duplicates.find(raw.id);
      it != counts_.duplicates.end() && it->second == p.hash)
    p.expect_duplicate = true;
  p.article.raw = std::move(raw);
  if (!p.expect_duplicate) Complete(&p);
  return p;
}

void Run::Report(const Diagnostic& d, int64_t run) {
  if (d.severity == Diagnostic::Severity::kError) {
    ++sum_.errors;
  } else {
    ++sum_.warnings;
  }
  if (on_problem_) on_problem_(d);
  if (auto s = archive_.RecordProblem(run, d); !s.ok()) failure_ = s;
}

Status Run::CommitBatch() {
  for (size_t i = 0; i < stages_.size(); ++i) {
    Timed t(times(), step_.write[i]);
    if (auto s = stages_[i]->BeforeCommit(archive_); !s.ok()) return s;
  }
  Timed t(times(), step_.commit);
  if (auto s = archive_.Commit(); !s.ok()) return s;
  return archive_.Begin();
}

// Writer thread, in input order.
bool Run::Consume(Processed& p, int64_t run) {
  const Clock::time_point busy0 = Clock::now();
  struct Busy {
    double* total;
    Clock::time_point t0;
    ~Busy() { *total += Since(t0); }
  } busy{&sum_.writer_busy_seconds, busy0};
  for (auto& d : p.read_problems) Report(d, run);
  if (p.source.empty()) return failure_.ok();
  if (!p.raw.ok()) {
    Report({Diagnostic::Severity::kError, p.source, p.raw.error().message}, run);
    return failure_.ok();
  }
  ++sum_.read;
  Progress(2, ++stored_n_, false);
  if (p.skip_unchanged) {
    ++sum_.unchanged;
    return !stopped();
  }
  sum_.input_bytes += p.article.raw.text.size();
  for (auto& d : p.article.raw.diagnostics) Report(d, run);
  if (p.expect_duplicate) {
    // Its original may have changed text earlier in this run.
    Timed t(times(), step_.report);
    auto original = archive_.HasOriginal(p.hash);
    if (!original.ok()) {
      failure_ = original.error();
      return false;
    }
    if (!*original) Complete(&p);
  }
  Result<StoreOutcome> outcome = Error::Internal("unset");
  {
    Timed t(times(), step_.store);
    outcome = archive_.Store(p.article, p.hash, p.fingerprints);
  }
  if (!outcome.ok()) {
    failure_ = outcome.error();
    return false;
  }
  switch (*outcome) {
    case StoreOutcome::kStored:
    case StoreOutcome::kUpdated: {
      ++(*outcome == StoreOutcome::kStored ? sum_.stored : sum_.updated);
      const int64_t rowid = archive_.last_rowid();
      p.slots.resize(stages_.size());
      for (size_t i = 0; i < stages_.size(); ++i) {
        Timed t(times(), step_.write[i]);
        if (auto s = stages_[i]->Stored(archive_, rowid, p.article, std::move(p.slots[i]));
            !s.ok()) {
          failure_ = s;
          return false;
        }
      }
      break;
    }
    case StoreOutcome::kUnchanged:
      ++sum_.unchanged;
      break;
    case StoreOutcome::kDuplicate:
      ++sum_.duplicates;
      break;
  }
  if (++in_batch_ >= opt_.batch_size) {
    in_batch_ = 0;
    if (auto s = CommitBatch(); !s.ok()) {
      failure_ = s;
      return false;
    }
  }
  return !stopped();
}

// Pass 2: parse, clean, analyse and run the stages on the workers; store on
// this thread in input order, in batched transactions.
Status Run::StoreAll(int64_t run) {
  auto reader = InputReader::Open(opt_.inputs, ropt_);
  if (!reader.ok()) return reader.error();
  InputReader& r = **reader;
  if (auto s = archive_.Begin(); !s.ok()) return s;
  uint64_t ordinal = 0;
  RunOrdered<Input, Processed>(
      workers_, kWindow,
      [&](Input* in) {
        if (stopped()) return false;
        Timed t(times(), step_.read);
        in->has_record = Next(r, &in->record, &in->problems);
        in->ordinal = ordinal;
        if (in->has_record) ++ordinal;
        // The reader may report problems and then hit the end: pass them on.
        return in->has_record || !in->problems.empty();
      },
      [&](Input& in) { return Process(in); }, [&](Processed& p) { return Consume(p, run); },
      &sum_.writer_idle_seconds);
  const Clock::time_point finish0 = Clock::now();
  if (failure_.ok()) {
    sum_.interrupted = stopped();
    for (size_t i = 0; i < stages_.size(); ++i) {
      Timed t(times(), step_.write[i]);
      if (auto s = stages_[i]->Finish(archive_, sum_.interrupted, &sum_); !s.ok()) {
        failure_ = s;
        break;
      }
    }
  }
  sum_.finish_seconds = Since(finish0);
  if (!failure_.ok()) {
    (void)archive_.Rollback();
    return failure_;
  }
  return OkStatus();
}

Result<IngestSummary> Run::Go() {
  auto cleaner = Cleaner::Create();
  if (!cleaner.ok()) return cleaner.error();
  cleaner_ = std::move(cleaner).value();
  auto analyzer = MetadataAnalyzer::Create();
  if (!analyzer.ok()) return analyzer.error();
  analyzer_ = std::move(analyzer).value();
  auto had = archive_.MaxArticleRowid();
  if (!had.ok()) return had.error();
  auto stages = MakeStages({opt_, archive_, *had > 0 || archive_.shared()});
  if (!stages.ok()) return stages.error();
  stages_ = std::move(stages).value();
  DefineSteps();

  if (auto s = CountLines(&counts_); !s.ok()) return s.error();
  sum_.pass1_seconds = Since(t0_);
  if (stopped()) {
    sum_.interrupted = true;
    sum_.seconds = Since(t0_);
    sum_.peak_rss_bytes = PeakRssBytes();
    return sum_;
  }
  if (auto s = FindRecurring(counts_); !s.ok()) return s.error();
  counts_.lines.clear();
  Stage::RunInfo info;
  for (const auto& [group, n] : counts_.sizes) info.new_articles += n;
  info.archive_articles = *had;
  for (size_t i = 0; i < stages_.size(); ++i) {
    Timed t(times(), step_.write[i]);
    if (auto s = stages_[i]->BeginRun(archive_, info); !s.ok()) return s.error();
  }

  auto run = archive_.StartRun(nlohmann::json(opt_.inputs).dump());
  if (!run.ok()) return run.error();
  if (auto s = StoreAll(*run); !s.ok()) return s.error();
  if (!sum_.interrupted) {
    // Maintenance that commits in steps of its own (the reuse index merge),
    // after the run's rows are committed.
    const Clock::time_point after0 = Clock::now();
    {
      Timed t(times(), step_.commit);
      if (auto s = archive_.Commit(); !s.ok()) return s.error();
    }
    for (size_t i = 0; i < stages_.size(); ++i) {
      Timed t(times(), step_.write[i]);
      if (auto s = stages_[i]->AfterRun(archive_); !s.ok()) return s.error();
    }
    if (auto s = archive_.Begin(); !s.ok()) return s.error();
    sum_.after_run_seconds = Since(after0);
  }
  sum_.seconds = Since(t0_);
  if (opt_.profile) sum_.profile = times_.Steps();
  sum_.peak_rss_bytes = PeakRssBytes();
  if (auto s =
          archive_.FinishRun(*run, sum_.interrupted ? "interrupted" : "done", SummaryJson(sum_));
      !s.ok())
    return s.error();
  if (auto s = archive_.Commit(); !s.ok()) return s.error();
  Progress(2, stored_n_, true);
  return sum_;
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
      ", near-duplicate pairs {}, reused passages {}, stories started {}"
      " in {:.2f} s ({:.0f} articles/s, {:.1f} MB/s, peak memory {:.0f} MB){}",
      s.read, s.stored, s.updated, s.unchanged, s.duplicates, s.errors, s.warnings,
      s.near_duplicates, s.passages, s.stories, s.seconds, s.read / secs,
      s.input_bytes / 1e6 / secs, s.peak_rss_bytes / 1e6,
      s.interrupted ? " — interrupted, run again to resume" : "");
}

std::string FormatProfile(const IngestSummary& s) {
  std::string out = fmt::format(
      "pass 1 {:.2f} s wall; pass 2: writer busy {:.2f} s, idle (waiting for the workers) "
      "{:.2f} s; end of run: stages' Finish {:.2f} s, commit and AfterRun {:.2f} s\n",
      s.pass1_seconds, s.writer_busy_seconds, s.writer_idle_seconds, s.finish_seconds,
      s.after_run_seconds);
  double total = 0;
  for (const auto& st : s.profile) total += st.cpu_seconds;
  for (const char* thread : {"reader", "worker", "writer"}) {
    double sub = 0;
    for (const auto& st : s.profile)
      if (st.thread == thread) sub += st.cpu_seconds;
    out += fmt::format("{:<7} {:8.2f} s CPU\n", thread, sub);
    for (const auto& st : s.profile)
      if (st.thread == thread && st.cpu_seconds > 0)
        out += fmt::format("    {:<46} {:8.2f} s {:5.1f} %\n", st.name, st.cpu_seconds,
                           total > 0 ? 100 * st.cpu_seconds / total : 0.0);
  }
  return out;
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
                      {"reuse_rollovers", s.reuse_rollovers},
                      {"stories_started", s.stories},
                      {"seconds", s.seconds},
                      {"articles_per_second", s.read / secs},
                      {"mb_per_second", s.input_bytes / 1e6 / secs},
                      {"peak_rss_bytes", s.peak_rss_bytes},
                      {"interrupted", s.interrupted}};
  if (!s.profile.empty()) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& st : s.profile)
      steps.push_back({{"step", st.name}, {"thread", st.thread}, {"cpu_seconds", st.cpu_seconds}});
    j["profile"] = {{"pass1_seconds", s.pass1_seconds},
                    {"writer_busy_seconds", s.writer_busy_seconds},
                    {"writer_idle_seconds", s.writer_idle_seconds},
                    {"finish_seconds", s.finish_seconds},
                    {"after_run_seconds", s.after_run_seconds},
                    {"steps", steps}};
  }
  return j.dump();
}

Result<IngestSummary> Ingest(Archive& archive, const IngestOptions& opt,
                             const ProblemFn& on_problem, const ProgressFn& on_progress) {
  Run run(archive, opt, on_problem, on_progress);
  return run.Go();
}

}  // namespace veille
