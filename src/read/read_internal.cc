// read_internal.cc: UTF-8 repair and trimming shared by the readers.
#include "read/read_internal.h"

#include "veille/utf8.h"

namespace veille::read_internal {

void CopyRepairingUtf8(std::string_view in, std::string* out, std::string_view where,
                       std::vector<Diagnostic>* diagnostics) {
  size_t bad = FindInvalidUtf8(in);
  if (bad == std::string_view::npos) {
    out->assign(in);
    return;
  }
  size_t replaced = 0;
  *out = RepairUtf8(in, &replaced);
  diagnostics->push_back(Warning(where, "invalid UTF-8 at byte " + std::to_string(bad) + ": " +
                                            std::to_string(replaced) +
                                            " sequence(s) replaced by U+FFFD"));
}

namespace {
// Length of a non-breaking space (U+00A0, U+202F) starting at s[i], else 0.
size_t NbspAt(std::string_view s, size_t i) {
  if (i + 1 < s.size() && s[i] == '\xC2' && s[i + 1] == '\xA0') return 2;
  if (i + 2 < s.size() && s[i] == '\xE2' && s[i + 1] == '\x80' && s[i + 2] == '\xAF') return 3;
  return 0;
}
size_t NbspBefore(std::string_view s, size_t end) {
  if (end >= 2 && s[end - 2] == '\xC2' && s[end - 1] == '\xA0') return 2;
  if (end >= 3 && s[end - 3] == '\xE2' && s[end - 2] == '\x80' && s[end - 1] == '\xAF') return 3;
  return 0;
}
}  // namespace

std::string_view TrimBlanks(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e) {
    if (IsAsciiSpace(s[b])) {
      ++b;
    } else if (size_t n = NbspAt(s, b)) {
      b += n;
    } else {
      break;
    }
  }
  while (e > b) {
    if (IsAsciiSpace(s[e - 1])) {
      --e;
    } else if (size_t n = NbspBefore(s, e); n && e - n >= b) {
      e -= n;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

std::string_view TrimAscii(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsAsciiSpace(s[b])) ++b;
  while (e > b && IsAsciiSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

namespace {
char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string BinaryKind(std::string_view head) {
  struct Magic {
    std::string_view bytes, what;
  };
  static constexpr Magic kMagic[] = {
      {"%PDF", "a PDF document"},       {"\x89PNG", "a PNG image"},
      {"\xFF\xD8\xFF", "a JPEG image"}, {"GIF8", "a GIF image"},
      {"PK\x03\x04", "a ZIP archive"},  {"\x1F\x8B", "gzip-compressed data"},
      {"\xFF\xFE", "UTF-16 text"},      {"\xFE\xFF", "UTF-16 text"},
  };
  for (const Magic& m : kMagic) {
    if (head.substr(0, m.bytes.size()) == m.bytes) return std::string(m.what);
  }
  if (head.substr(0, 8192).find('\0') != std::string_view::npos) return "binary data (NUL bytes)";
  return {};
}

Diagnostic Warning(std::string_view where, std::string message) {
  return {Diagnostic::Severity::kWarning, std::string(where), std::move(message)};
}

Diagnostic Problem(std::string_view where, std::string message) {
  return {Diagnostic::Severity::kError, std::string(where), std::move(message)};
}

}  // namespace veille::read_internal
