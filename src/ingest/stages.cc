// stages.cc: the ingest stages, in pipeline order (see veille/stage.h).
#include "ingest/stages.h"

namespace veille {

Result<std::vector<std::unique_ptr<Stage>>> MakeStages(const StageContext& c) {
  const IngestOptions& o = c.options;
  // A stage sees what the stages above it added (quotes resolve their
  // speakers to the entities; the index takes the quotes' words).
  const struct {
    bool on;
    StageFactory make;
  } kStages[] = {
      {o.entities, NewEntityStage},
      {o.quotes, NewQuoteStage},
      {o.events, NewEventStage},
      {true, NewIndexStage},
      {o.reuse, NewReuseStage},
      {o.stories, NewStoryStage},
      {true, NewBulkLoadStage},  // last: its Finish builds the deferred indexes
  };
  std::vector<std::unique_ptr<Stage>> stages;
  for (const auto& s : kStages) {
    if (!s.on) continue;
    auto stage = s.make(c);
    if (!stage.ok()) return stage.error();
    stages.push_back(std::move(stage).value());
  }
  return stages;
}

}  // namespace veille
