// read_internal.h: helpers shared by the readers' source files (not public).
#ifndef VEILLE_READ_READ_INTERNAL_H_
#define VEILLE_READ_READ_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {
struct InputRecord;
}

namespace veille::read_internal {

// Copies `in` to `*out`, replacing invalid UTF-8 by U+FFFD; when it had to,
// appends a warning naming `where` and the first bad byte offset.
void CopyRepairingUtf8(std::string_view in, std::string* out, std::string_view where,
                       std::vector<Diagnostic>* diagnostics);

// True for the bytes JSON and text files treat as horizontal or vertical
// blanks; U+00A0 and U+202F are handled separately where they matter.
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// `s` without leading and trailing ASCII blanks, U+00A0 and U+202F.
std::string_view TrimBlanks(std::string_view s);

// `s` without leading and trailing ASCII blanks only (protocol text).
std::string_view TrimAscii(std::string_view s);
// ASCII lowercase copy; ASCII case-insensitive comparison.
std::string Lower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

// What a file or body that should hold text or HTML holds instead, or "" if
// it may be text: magic numbers name the common cases, NUL bytes the rest.
std::string BinaryKind(std::string_view head);

// An ISO 8601 date or date-time (as NormalizeFeedDate gives) as UTC
// "YYYY-MM-DDTHH:MM:SSZ" (no zone: taken as UTC; a day: its midnight); "" if
// it is not one.
std::string UtcTimestamp(std::string_view iso);
// Seconds since the epoch as UTC "YYYY-MM-DDTHH:MM:SSZ".
std::string UtcTimestamp(int64_t seconds);

Diagnostic Warning(std::string_view where, std::string message);
Diagnostic Problem(std::string_view where, std::string message);  // severity kError

// ParseRecord for pages and feed items (parse_web.cc).
Result<RawArticle> ParseWebRecord(const InputRecord& record);

}  // namespace veille::read_internal

#endif  // VEILLE_READ_READ_INTERNAL_H_
