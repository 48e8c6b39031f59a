// text_util.cc: blanks, trimming, match normalisation and NFC.
#include "clean/text_util.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <fstream>

#include "veille/utf8.h"

namespace veille::clean_internal {

bool IsBlank(char32_t c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\f':
    case '\v':
    case 0x00A0:  // no-break space, before French « » : ; ! ?
    case 0x202F:  // narrow no-break space, same use in careful typography
    case 0x205F:
    case 0x3000:
    case 0xFEFF:  // BOM / zero-width no-break space
      return true;
    default:
      return c >= 0x2000 && c <= 0x200B;  // en/em/thin/hair spaces, ZWSP
  }
}

size_t BlankAt(std::string_view s, size_t i) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v') ? 1 : 0;
  if (b != 0xC2 && b != 0xE2 && b != 0xE3 && b != 0xEF) return 0;  // cheap reject
  size_t j = i;
  char32_t c = DecodeUtf8(s, j);
  return IsBlank(c) ? j - i : 0;
}

size_t BlankBefore(std::string_view s, size_t end) {
  if (end == 0) return 0;
  unsigned char b = static_cast<unsigned char>(s[end - 1]);
  if (b < 0x80) return (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v') ? 1 : 0;
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
    --start;
  size_t n = BlankAt(s, start);
  return start + n == end ? n : 0;
}

std::string_view TrimRight(std::string_view s) {
  size_t end = s.size();
  while (size_t n = BlankBefore(s, end)) end -= n;
  return s.substr(0, end);
}

std::string_view Trim(std::string_view s) {
  s = TrimRight(s);
  size_t i = 0;
  while (i < s.size()) {
    size_t n = BlankAt(s, i);
    if (!n) break;
    i += n;
  }
  return s.substr(i);
}

void NormalizeForMatch(std::string_view s, std::string* out) {
  out->clear();
  s = Trim(s);
  bool pending_space = false;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b == ' ' || b == '\t' || b == '\r') {
        pending_space = true;
      } else {
        if (pending_space) out->push_back(' ');
        pending_space = false;
        out->push_back(static_cast<char>(b));
      }
      ++i;
      continue;
    }
    size_t start = i;
    char32_t c = DecodeUtf8(s, i);
    if (IsBlank(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    if (c == 0x2019 || c == 0x2018 || c == 0x02BC) {
      out->push_back('\'');
    } else {
      out->append(s.substr(start, i - start));
    }
  }
}

namespace {
const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* nfc = [] {
    UErrorCode err = U_ZERO_ERROR;
    return icu::Normalizer2::getNFCInstance(err);
  }();
  return nfc;
}

bool HasNonAscii(std::string_view s) {
  for (char ch : s)
    if (static_cast<unsigned char>(ch) >= 0x80) return true;
  return false;
}
}  // namespace

bool IsNfc(std::string_view s) {
  if (!HasNonAscii(s)) return true;
  const icu::Normalizer2* nfc = Nfc();
  if (!nfc) return true;
  UErrorCode err = U_ZERO_ERROR;
  bool yes = nfc->isNormalizedUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())), err);
  return U_FAILURE(err) ? true : yes;
}

std::string ToNfc(std::string_view s) {
  if (IsNfc(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode err = U_ZERO_ERROR;
  Nfc()->normalizeUTF8(0, icu::StringPiece(s.data(), static_cast<int32_t>(s.size())), sink, nullptr,
                       err);
  if (U_FAILURE(err)) return std::string(s);
  return out;
}

bool LoadWordList(const std::string& path, std::unordered_set<std::string>* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    std::string_view v = Trim(line);
    if (v.empty() || v[0] == '#') continue;
    out->emplace(v);
  }
  return true;
}

}  // namespace veille::clean_internal
