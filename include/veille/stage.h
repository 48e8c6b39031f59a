// stage.h: the stages an ingest run passes each article through.
//
// In:  an Article that has been read, cleaned and analysed (raw, clean and
//      analysis set), and what the stages before this one added to it.
// Out: the stage's own additions to the Article (entities, quotes, ...), which
//      the archive stores with it; optionally, private per-article data for
//      the stage's writer-side step, and run-level work at the end of a run.
//
// A stage has two sides:
//  - Process() runs on the worker threads, on one article at a time, in no
//    particular order. It must be thread-safe: a Stage is immutable once
//    made, and anything Process() computes goes into the Article or into the
//    article's StageData slot.
//  - BeginRun(), Stored(), BeforeCommit(), Finish() and AfterRun() run on the single
//    writer thread, in input order, with the archive: a stage keeps run state
//    there (the reuse stage's near-duplicate index, for instance).
//
// Exact duplicates (an article whose text is already stored under another
// id) skip every stage: they are stored without extraction. Unchanged
// articles are not processed at all.
//
// To add a stage: implement it in a new file under src/ingest/ and add one
// line to the stage list in src/ingest/stages.cc (where its IngestOptions
// switch is read). What it adds to the Article is stored by the archive
// module (the only one that writes SQL).
#ifndef VEILLE_STAGE_H_
#define VEILLE_STAGE_H_

#include <memory>
#include <string_view>
#include <vector>

#include "veille/archive.h"
#include "veille/article.h"
#include "veille/ingest.h"
#include "veille/result.h"

namespace veille {

// A stage's private result for one article, passed from its Process() on a
// worker thread to its Stored() on the writer thread.
struct StageData {
  virtual ~StageData() = default;
};

// One slot per stage, in stage order.
using StageSlots = std::vector<std::unique_ptr<StageData>>;

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;

  // Worker thread. Adds this stage's output to `a`; `slot` (empty on entry)
  // may receive data for Stored().
  virtual void Process(Article& a, std::unique_ptr<StageData>& slot) const = 0;

  // What pass 1 found out about the run, before pass 2 stores anything.
  struct RunInfo {
    uint64_t new_articles = 0;     // texts to store (new ids or changed texts)
    int64_t archive_articles = 0;  // articles in the archive before the run
  };
  // Writer thread, once, before the first article, outside a transaction.
  virtual Status BeginRun(Archive& archive, const RunInfo& run) { return OkStatus(); }

  // Writer thread, in input order, inside the open transaction, after the
  // archive stored `a` as row `rowid` (a new article or an update of its id;
  // not for duplicates or unchanged articles).
  virtual Status Stored(Archive& archive, int64_t rowid, const Article& a,
                        std::unique_ptr<StageData> slot) {
    return OkStatus();
  }
  // Writer thread, before each commit: write what Stored() gathered, so that
  // an article and its stage rows commit together.
  virtual Status BeforeCommit(Archive& archive) { return OkStatus(); }
  // Writer thread, after the last article, inside the run's last
  // transaction. `interrupted`: the run stops early; keep what was stored
  // consistent and leave the rest to the next run. Adds the stage's counts
  // to `summary`.
  virtual Status Finish(Archive& archive, bool interrupted, IngestSummary* summary) {
    return OkStatus();
  }
  // Writer thread, after the run's rows are committed, outside any
  // transaction (maintenance that commits in steps of its own). Not called
  // for an interrupted run.
  virtual Status AfterRun(Archive& archive) { return OkStatus(); }
};

// What a stage is made from.
struct StageContext {
  const IngestOptions& options;
  Archive& archive;           // for writer-side state; workers never touch it
  bool archive_had_articles;  // the run started on a non-empty archive
};

// The stages IngestOptions turns on, in pipeline order (src/ingest/stages.cc).
Result<std::vector<std::unique_ptr<Stage>>> MakeStages(const StageContext& context);

}  // namespace veille

#endif  // VEILLE_STAGE_H_
