// utf8.h: UTF-8 validation and repair, and where data files live.
//
// In:  arbitrary bytes.
// Out: whether they are valid UTF-8; a repaired copy with each invalid
//      sequence replaced by U+FFFD.
// Thread-safety: pure functions.
#ifndef VEILLE_UTF8_H_
#define VEILLE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace veille {

// Returns the byte offset of the first invalid UTF-8 sequence in `s`, or
// std::string_view::npos if `s` is valid (overlongs, surrogates and code
// points above U+10FFFF are invalid).
size_t FindInvalidUtf8(std::string_view s);

// Returns `s` with every invalid sequence replaced by U+FFFD; `*replaced`
// (if not null) receives the number of replacements.
std::string RepairUtf8(std::string_view s, size_t* replaced = nullptr);

// Decodes one code point at s[i] (s must be valid UTF-8), advancing i.
char32_t DecodeUtf8(std::string_view s, size_t& i);
// Appends the UTF-8 encoding of `c` to `out`.
void AppendUtf8(char32_t c, std::string& out);

// The folder that holds Veille's data files (patterns, stop words, models):
// $VEILLE_DATA_DIR if set, else the installed or source-tree data/ folder.
std::string DataDir();
// DataDir() + "/" + relative.
std::string DataPath(std::string_view relative);

}  // namespace veille

#endif  // VEILLE_UTF8_H_
