// query_internal.h (private to src/text): helpers shared by query
// translation and snippets.
#ifndef VEILLE_TEXT_QUERY_INTERNAL_H_
#define VEILLE_TEXT_QUERY_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veille/query.h"

namespace veille {

// The index terms a word or phrase leaf stands for in `lang`, in order; for a
// prefix leaf the last one is the folded, unstemmed prefix. nullopt when the
// leaf has no term in `lang` (a stop word, or punctuation only).
std::optional<std::vector<std::string>> LeafTerms(const TextAnalyzer& a, const QueryNode& n,
                                                  std::string_view lang);

// Extra single terms a one-word, non-prefix leaf typed without accents may
// stand for in `lang` (TextAnalyzer::AccentVariants, analysed), excluding
// those equal to its own term.
std::vector<std::string> VariantTerms(const TextAnalyzer& a, const QueryNode& n,
                                      std::string_view lang);

// For a phrase leaf whose words (two or more) are all stop words in `lang`:
// those words, folded, in order. nullopt otherwise (prefix phrases too).
std::optional<std::vector<std::string>> StopPhraseWords(const TextAnalyzer& a, const QueryNode& n,
                                                        std::string_view lang);

}  // namespace veille

#endif  // VEILLE_TEXT_QUERY_INTERNAL_H_
