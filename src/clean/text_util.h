// text_util.h: small UTF-8 helpers shared by the clean and analyze stages.
//
// In:  valid UTF-8. Out: trimmed views, match-normalised copies, NFC text.
// Thread-safety: pure functions.
#ifndef VEILLE_CLEAN_TEXT_UTIL_H_
#define VEILLE_CLEAN_TEXT_UTIL_H_

#include <string>
#include <string_view>
#include <unordered_set>

namespace veille::clean_internal {

// True for the blanks news text uses between words: ASCII space and tab,
// CR, and the no-break / thin / ideographic spaces and BOM.
bool IsBlank(char32_t c);

// Length in bytes of a blank code point ending at s[end-1], or 0.
size_t BlankBefore(std::string_view s, size_t end);
// Length in bytes of a blank code point starting at s[i], or 0.
size_t BlankAt(std::string_view s, size_t i);

std::string_view TrimRight(std::string_view s);
std::string_view Trim(std::string_view s);

// A copy of `s` for pattern matching: runs of blanks become one ASCII space,
// typographic apostrophes (’ ‘ ʼ) become ', ends trimmed. Patterns in data
// files can then be written with plain spaces and '.
void NormalizeForMatch(std::string_view s, std::string* out);

// `s` in Unicode NFC (returned unchanged when already NFC, the common case).
std::string ToNfc(std::string_view s);
bool IsNfc(std::string_view s);

// Loads a word list (one entry a line, '#' comments, blanks ignored).
// Returns false if the file cannot be read.
bool LoadWordList(const std::string& path, std::unordered_set<std::string>* out);

}  // namespace veille::clean_internal

#endif  // VEILLE_CLEAN_TEXT_UTIL_H_
