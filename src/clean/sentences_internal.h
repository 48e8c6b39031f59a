// sentences_internal.h: the sentence splitter with an explicit abbreviation
// list, shared by Cleaner (which loads its own) and SplitSentences.
#ifndef VEILLE_CLEAN_SENTENCES_INTERNAL_H_
#define VEILLE_CLEAN_SENTENCES_INTERNAL_H_

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "veille/article.h"

namespace veille::clean_internal {

// Words that end with a full stop without ending a sentence ("M", "Mme",
// "Dr", "av"), without the stop, case-sensitive.
using Abbreviations = std::unordered_set<std::string>;

std::vector<Span> SplitSentencesWith(std::string_view text, const Abbreviations& abbrevs);

// data/boilerplate/abbreviations.lst, loaded on first use (empty if absent).
const Abbreviations& DefaultAbbreviations();

}  // namespace veille::clean_internal

#endif  // VEILLE_CLEAN_SENTENCES_INTERNAL_H_
