// bulk_load_stage.cc: a run that fills a new archive builds the secondary
// indexes nothing reads while ingesting once, at its end, instead of
// inserting into them article by article in random order
// (Archive::DeferIndexes). Writer side only; no per-article work.
#include "ingest/stages.h"
#include "veille/archive.h"

namespace veille {
namespace {

class BulkLoadStage : public Stage {
 public:
  std::string_view name() const override { return "bulk load"; }
  void Process(Article&, std::unique_ptr<StageData>&) const override {}
  Status BeginRun(Archive& archive, const RunInfo& run) override {
    deferred_ = run.archive_articles == 0 && run.new_articles > 0;
    return deferred_ ? archive.DeferIndexes() : OkStatus();
  }
  // Interrupted or not, the run's last transaction holds the indexes again.
  Status Finish(Archive& archive, bool, IngestSummary*) override {
    if (!deferred_) return OkStatus();
    deferred_ = false;
    return archive.RestoreIndexes();
  }

 private:
  bool deferred_ = false;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewBulkLoadStage(const StageContext&) {
  return std::unique_ptr<Stage>(new BulkLoadStage);
}

}  // namespace veille
