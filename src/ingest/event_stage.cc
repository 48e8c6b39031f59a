// event_stage.cc: the events stage of ingest — dated events from each
// article's sentences (veille/events.h), after entities and quotes (actors
// and targets resolve to the entities; a quote's content keeps its speaker
// as source), before the index. Extraction runs on the worker threads into
// Article::events; the archive stores them with the article on the writer
// thread and merges them with the reports of the same event in other
// articles (archive/events_store.cc).
#include "ingest/stages.h"
#include "veille/events.h"
#include "veille/timex.h"

namespace veille {
namespace {

// The date relative expressions are read against: the header date, or the
// fuller date the text gives when it agrees with it.
std::string AnchorDate(const Analysis& an) {
  if (an.date_in_text && (!an.date || an.date_in_text->rfind(*an.date, 0) == 0))
    return *an.date_in_text;
  return an.date.value_or("");
}

class EventStage : public Stage {
 public:
  explicit EventStage(std::unique_ptr<events::Extractor> x) : extractor_(std::move(x)) {}
  std::string_view name() const override { return "events"; }
  void Process(Article& a, std::unique_ptr<StageData>&) const override {
    const std::string anchor = AnchorDate(a.analysis);
    // A day resolves "hier" and "jeudi"; a month or a year still resolves
    // the year of "le 13 août" (timex.h).
    std::vector<events::TimeRef> times;
    for (auto& t : timex::Find(a.clean.text, a.analysis.language, anchor))
      if (t.type == timex::Type::kDate || t.type == timex::Type::kTime)
        times.push_back({static_cast<uint32_t>(t.begin), static_cast<uint32_t>(t.end),
                         std::move(t.value)});
    a.events =
        extractor_->Extract(a.clean.text, a.analysis.language, a.entities, a.quotes, times, anchor);
  }

 private:
  std::unique_ptr<events::Extractor> extractor_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewEventStage(const StageContext&) {
  auto x = events::Extractor::Create();
  if (!x.ok()) return x.error();
  return std::unique_ptr<Stage>(new EventStage(std::move(x).value()));
}

}  // namespace veille
