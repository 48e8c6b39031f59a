// extract_stages.cc: the extract stages of ingest — entities, then quotes
// (whose speakers resolve to the entities found) — and the full-text index
// terms, computed on the worker threads (see veille/stage.h).
#include "ingest/stages.h"
#include "veille/entities.h"
#include "veille/quotes.h"
#include "veille/text.h"

namespace veille {
namespace {

class EntityStage : public Stage {
 public:
  explicit EntityStage(std::unique_ptr<EntityRecognizer> r) : recognizer_(std::move(r)) {}
  std::string_view name() const override { return "entities"; }
  void Process(Article& a, std::unique_ptr<StageData>&) const override {
    for (auto& m : recognizer_->Recognize(a.clean.text, a.analysis.language))
      a.entities.push_back({std::move(m.text), std::move(m.type), m.begin, m.end,
                            std::move(m.canonical), std::move(m.role)});
  }

 private:
  std::unique_ptr<EntityRecognizer> recognizer_;
};

class QuoteStage : public Stage {
 public:
  explicit QuoteStage(std::unique_ptr<QuoteExtractor> q) : quoter_(std::move(q)) {}
  std::string_view name() const override { return "quotes"; }
  void Process(Article& a, std::unique_ptr<StageData>&) const override {
    std::vector<SpeakerHint> hints;
    hints.reserve(a.entities.size());
    for (const Mention& m : a.entities)
      hints.push_back({m.text, m.type, m.begin, m.end, m.canonical});
    for (auto& q : quoter_->Extract(a.clean.text, a.analysis.language, hints))
      a.quotes.push_back({std::move(q.text), q.begin, q.end, std::move(q.speaker),
                          std::move(q.speaker_mention), std::move(q.speaker_role), std::move(q.cue),
                          SpeakerKindName(q.speaker_kind), q.confidence, q.partial});
  }

 private:
  std::unique_ptr<QuoteExtractor> quoter_;
};

// The title's, text's and quotes' index terms, analysed here rather than by
// the FTS5 tokenizer on the writer thread.
class IndexStage : public Stage {
 public:
  explicit IndexStage(const TextAnalyzer& analyzer) : analyzer_(analyzer) {}
  std::string_view name() const override { return "index"; }
  void Process(Article& a, std::unique_ptr<StageData>&) const override {
    const std::string& lang = a.analysis.language;
    a.index_title = PreAnalyze(analyzer_, lang, a.raw.title.value_or(""));
    a.index_body = PreAnalyze(analyzer_, lang, a.clean.text);
    a.index_quotes.clear();
    for (const QuoteSpan& q : a.quotes)
      a.index_quotes.push_back(PreAnalyze(analyzer_, lang, q.text));
  }

 private:
  const TextAnalyzer& analyzer_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewEntityStage(const StageContext&) {
  auto r = EntityRecognizer::Create();
  if (!r.ok()) return r.error();
  return std::unique_ptr<Stage>(new EntityStage(std::move(r).value()));
}

Result<std::unique_ptr<Stage>> NewQuoteStage(const StageContext&) {
  auto q = QuoteExtractor::Create();
  if (!q.ok()) return q.error();
  return std::unique_ptr<Stage>(new QuoteStage(std::move(q).value()));
}

Result<std::unique_ptr<Stage>> NewIndexStage(const StageContext& c) {
  return std::unique_ptr<Stage>(new IndexStage(c.archive.analyzer()));
}

}  // namespace veille
