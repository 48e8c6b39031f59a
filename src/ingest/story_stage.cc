// story_stage.cc: the stories stage of ingest — each article joins a story
// or starts one as it is stored (see veille/stories.h and veille/stage.h).
//
// Workers compute the article's story features (terms, entities, date); the
// writer finds candidate stories through the archive's story_keys postings
// (and this run's, in memory), scores them and writes the changes with each
// batch. Near-duplicates the reuse stage recorded for the article (it runs
// before this stage) put it in its original's story.
#include "ingest/stages.h"
#include "veille/stories.h"

namespace veille {
namespace {

using stories::ArticleFeatures;
using stories::OnlineClusterer;
using stories::StoryModel;

// The archive as the clusterer's backend.
class ArchiveBackend : public stories::StoryBackend {
 public:
  explicit ArchiveBackend(Archive& a) : a_(a) {}
  Status DocFreqs(const std::vector<uint64_t>& keys, std::vector<uint32_t>* df) override {
    return a_.StoryDocFreqs(keys, df);
  }
  Status Postings(uint64_t key, int32_t day, int32_t window, size_t limit,
                  std::vector<stories::Posting>* out) override {
    return a_.StoryPostings(key, day, window, limit, out);
  }
  Result<std::optional<stories::StoryState>> Load(int64_t story) override {
    auto bytes = a_.StoryState(story);
    if (!bytes.ok()) return bytes.error();
    if (!*bytes) return std::optional<stories::StoryState>();
    auto s = stories::StoryState::Decode(story, **bytes);
    if (!s.ok()) return s.error();
    return std::optional<stories::StoryState>(std::move(s).value());
  }
  Result<std::optional<int64_t>> StoryOf(int64_t article) override {
    return a_.StoryOfRow(article);
  }

 private:
  Archive& a_;
};

struct StoryData : StageData {
  ArticleFeatures features;
};

class StoryStage : public Stage {
 public:
  StoryStage(StoryModel model, Archive& archive)
      : model_(std::move(model)), analyzer_(archive.analyzer()), backend_(archive) {}
  std::string_view name() const override { return "stories"; }

  void Process(Article& a, std::unique_ptr<StageData>& slot) const override {
    auto d = std::make_unique<StoryData>();
    d->features = stories::ComputeFeatures(a, analyzer_);
    slot = std::move(d);
  }

  Status BeginRun(Archive& archive, const RunInfo&) override {
    // On a shared archive (PostgreSQL), other workers' stories are only
    // known inside the write turn: the clusterer is made there (Stored).
    return archive.shared() ? OkStatus() : StartClusterer(archive);
  }

  Status Stored(Archive& archive, int64_t rowid, const Article& a,
                std::unique_ptr<StageData> slot) override {
    if (!clusterer_)
      if (auto s = StartClusterer(archive); !s.ok()) return s;
    auto* d = static_cast<StoryData*>(slot.get());
    ArticleFeatures computed;
    if (!d) computed = stories::ComputeFeatures(a, analyzer_);  // completed on the writer
    auto copies = archive.NearDuplicatesOf(rowid);
    if (!copies.ok()) return copies.error();
    auto r = clusterer_->Add(rowid, d ? d->features : computed, *copies);
    if (!r.ok()) return r.error();
    if (r->via == stories::Via::kNew) ++started_;
    return OkStatus();
  }

  Status BeforeCommit(Archive& archive) override {
    if (!clusterer_) return OkStatus();
    clusterer_->TakeChanges(&changes_);
    Status s = archive.WriteStoryChanges(changes_);
    // On a shared archive, other workers add stories, members and document
    // counts before this run's next transaction: the next one starts from
    // what is committed then (new story ids after theirs, their stories as
    // candidates), like a run of its own.
    if (archive.shared()) clusterer_.reset();
    return s;
  }

  Status Finish(Archive& archive, bool, IngestSummary* sum) override {
    sum->stories = started_;
    return BeforeCommit(archive);
  }

 private:
  Status StartClusterer(Archive& archive) {
    auto docs = archive.StoryDocuments();
    if (!docs.ok()) return docs.error();
    auto max = archive.MaxStoryId();
    if (!max.ok()) return max.error();
    clusterer_ = std::make_unique<OnlineClusterer>(model_, &backend_, *docs, *max + 1);
    return OkStatus();
  }

  const StoryModel model_;
  const TextAnalyzer& analyzer_;
  ArchiveBackend backend_;
  std::unique_ptr<OnlineClusterer> clusterer_;
  stories::StoryChanges changes_;
  uint64_t started_ = 0;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewStoryStage(const StageContext& c) {
  auto model = StoryModel::LoadDefault();
  if (!model.ok()) return model.error();
  return std::unique_ptr<Stage>(new StoryStage(std::move(model).value(), c.archive));
}

}  // namespace veille
