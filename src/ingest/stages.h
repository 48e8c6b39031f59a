// stages.h: the factories of the ingest stages (internal to ingest; the
// interface is veille/stage.h, the list is stages.cc).
#ifndef VEILLE_INGEST_STAGES_H_
#define VEILLE_INGEST_STAGES_H_

#include "veille/stage.h"

namespace veille {

using StageFactory = Result<std::unique_ptr<Stage>> (*)(const StageContext&);

Result<std::unique_ptr<Stage>> NewEntityStage(const StageContext& context);  // extract_stages.cc
Result<std::unique_ptr<Stage>> NewQuoteStage(const StageContext& context);   // extract_stages.cc
Result<std::unique_ptr<Stage>> NewIndexStage(const StageContext& context);   // extract_stages.cc
Result<std::unique_ptr<Stage>> NewEventStage(const StageContext& context);   // event_stage.cc
Result<std::unique_ptr<Stage>> NewReuseStage(const StageContext& context);   // reuse_stage.cc
Result<std::unique_ptr<Stage>> NewStoryStage(const StageContext& context);   // story_stage.cc
Result<std::unique_ptr<Stage>> NewBulkLoadStage(const StageContext& context);  // bulk_load_stage.cc

}  // namespace veille

#endif  // VEILLE_INGEST_STAGES_H_
