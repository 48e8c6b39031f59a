// charset.cc: a page's bytes to UTF-8 (BOM, HTTP charset, <meta>, ICU detection).
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <memory>
#include <string>

#include "veille/html.h"
#include "veille/utf8.h"

namespace veille {
namespace {

constexpr size_t kMetaScanBytes = 4096;
constexpr size_t kDetectBytes = 64 * 1024;
constexpr size_t kBinaryScanBytes = 4096;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"' || s.front() == '\'' ||
                        s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '"' || s.back() == '\'' || s.back() == '\t' ||
          s.back() == '\n' || s.back() == '\r' || s.back() == ';'))
    s.remove_suffix(1);
  return s;
}

// The charset named by "charset=" in s (a Content-Type value or a meta tag).
std::string CharsetParam(std::string_view lower) {
  size_t at = lower.find("charset");
  if (at == std::string_view::npos) return {};
  size_t i = at + 7;
  while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t')) ++i;
  if (i >= lower.size() || lower[i] != '=') return {};
  ++i;
  while (i < lower.size() && (lower[i] == ' ' || lower[i] == '"' || lower[i] == '\'')) ++i;
  size_t b = i;
  while (i < lower.size() && lower[i] != '"' && lower[i] != '\'' && lower[i] != ';' &&
         lower[i] != ' ' && lower[i] != '>' && lower[i] != '/' && lower[i] != ',')
    ++i;
  return std::string(lower.substr(b, i - b));
}

// The charset a <meta charset=...> or <meta http-equiv=Content-Type
// content="...; charset=..."> in the head declares.
std::string MetaCharset(std::string_view bytes) {
  std::string head = Lower(bytes.substr(0, kMetaScanBytes));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    size_t end = head.find('>', pos);
    if (end == std::string::npos) end = head.size();
    std::string cs = CharsetParam(std::string_view(head).substr(pos, end - pos));
    if (!cs.empty()) return cs;
    pos = end;
  }
  // XHTML served as XML: <?xml version="1.0" encoding="...">
  if (head.compare(0, 5, "<?xml") == 0) {
    size_t end = head.find("?>");
    size_t enc = head.find("encoding=");
    if (enc != std::string::npos && enc < end) {
      std::string_view rest = std::string_view(head).substr(enc + 9, 40);
      rest = Trim(rest.substr(0, rest.find_first_of("?> ", 1)));
      return std::string(rest);
    }
  }
  return {};
}

bool IsUtf8Name(std::string_view cs) {
  return cs == "utf-8" || cs == "utf8" || cs == "unicode-1-1-utf-8";
}

// WHATWG: labels of single-byte Latin charsets map to windows-1252, which is
// a superset of what pages labelled ISO-8859-1 actually hold.
std::string IcuName(std::string cs) {
  if (cs == "iso-8859-1" || cs == "latin1" || cs == "latin-1" || cs == "iso8859-1" ||
      cs == "us-ascii" || cs == "ascii" || cs == "l1" || cs == "cp1252" || cs == "iso_8859-1")
    return "windows-1252";
  if (cs == "gb2312" || cs == "gbk" || cs == "x-gbk") return "GB18030";
  if (cs == "shift_jis" || cs == "sjis" || cs == "x-sjis") return "windows-31j";
  if (cs == "euc-kr" || cs == "ks_c_5601-1987") return "windows-949";
  if (cs == "iso-8859-9") return "windows-1254";
  if (cs == "tis-620" || cs == "iso-8859-11") return "windows-874";
  return cs;
}

bool HasMultibyte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (c & 0x80) != 0; });
}

// Converts with ICU; false if ICU does not know the charset.
bool Convert(std::string_view bytes, const std::string& charset, std::string* out) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(charset.c_str(), &status);
  if (U_FAILURE(status) || !conv) return false;
  std::unique_ptr<UConverter, void (*)(UConverter*)> guard(conv, ucnv_close);
  // Input → UTF-16 → UTF-8, in chunks so that memory stays ~3x the input.
  UConverter* utf8 = ucnv_open("UTF-8", &status);
  if (U_FAILURE(status)) return false;
  std::unique_ptr<UConverter, void (*)(UConverter*)> guard8(utf8, ucnv_close);
  out->clear();
  out->reserve(bytes.size() + bytes.size() / 4);
  std::u16string mid(16384, u'\0');
  char buf[65536];
  const char* src = bytes.data();
  const char* src_end = bytes.data() + bytes.size();
  while (true) {
    UChar* tgt = reinterpret_cast<UChar*>(mid.data());
    UChar* tgt_end = tgt + mid.size();
    status = U_ZERO_ERROR;
    ucnv_toUnicode(conv, &tgt, tgt_end, &src, src_end, nullptr, /*flush=*/true, &status);
    if (U_FAILURE(status) && status != U_BUFFER_OVERFLOW_ERROR) return false;
    const UChar* u = reinterpret_cast<const UChar*>(mid.data());
    const UChar* u_end = tgt;
    while (u < u_end) {
      char* o = buf;
      UErrorCode s2 = U_ZERO_ERROR;
      ucnv_fromUnicode(utf8, &o, buf + sizeof(buf), &u, u_end, nullptr, true, &s2);
      out->append(buf, static_cast<size_t>(o - buf));
      if (U_FAILURE(s2) && s2 != U_BUFFER_OVERFLOW_ERROR) return false;
    }
    if (status != U_BUFFER_OVERFLOW_ERROR) break;
  }
  return true;
}

std::string Detect(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&status);
  if (U_FAILURE(status)) return {};
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> guard(det, ucsdet_close);
  std::string_view sample = bytes.substr(0, kDetectBytes);
  ucsdet_enableInputFilter(det, true);  // ignore markup
  ucsdet_setText(det, sample.data(), static_cast<int32_t>(sample.size()), &status);
  const UCharsetMatch* m = ucsdet_detect(det, &status);
  if (U_FAILURE(status) || !m) return {};
  const char* name = ucsdet_getName(m, &status);
  if (U_FAILURE(status) || !name) return {};
  return Lower(name);
}

// Content that is not text: NULs or many C0 controls in the first bytes.
bool LooksBinary(std::string_view bytes) {
  std::string_view head = bytes.substr(0, kBinaryScanBytes);
  size_t bad = 0;
  for (unsigned char c : head)
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B))
      ++bad;
  return bad > 8 && bad * 50 > head.size();
}

// The byte a character stands for when UTF-8 was read as latin-1 or
// windows-1252 and written out again as UTF-8 ("Ã©" for "é", "â€™" for
// "’"), or -1.
int MisreadByte(uint32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);
  static constexpr uint16_t kWindows1252[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  for (int k = 0; k < 32; ++k)
    if (kWindows1252[k] == cp) return 0x80 + k;
  return -1;
}

// Decodes the code point at s[i] of valid UTF-8; *len receives its length.
uint32_t CodePoint(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80 || i + 1 >= s.size()) return *len = 1, c;
  auto cont = [&](size_t k) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F);
  };
  if (c < 0xE0) return *len = 2, ((c & 0x1Fu) << 6) | cont(1);
  if (c < 0xF0 && i + 2 < s.size()) return *len = 3, ((c & 0x0Fu) << 12) | (cont(1) << 6) | cont(2);
  if (i + 3 < s.size())
    return *len = 4, ((c & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
  return *len = 1, c;
}

// At s[i], a UTF-8 sequence written as the characters of its bytes: its
// bytes in *bytes and the length it takes in s, or 0.
size_t MisreadSequence(std::string_view s, size_t i, std::string* bytes) {
  size_t len = 0;
  uint32_t lead = CodePoint(s, i, &len);
  if (lead < 0xC2 || lead > 0xF4) return 0;
  const int more = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
  bytes->assign(1, static_cast<char>(lead));
  size_t at = i + len;
  for (int k = 0; k < more; ++k) {
    if (at >= s.size()) return 0;
    uint32_t cp = CodePoint(s, at, &len);
    int b = MisreadByte(cp);
    if (b < 0x80 || b > 0xBF) return 0;
    bytes->push_back(static_cast<char>(b));
    at += len;
  }
  return FindInvalidUtf8(*bytes) == std::string_view::npos ? at - i : 0;
}

// Text that was UTF-8, read as latin-1 or windows-1252 and saved as UTF-8
// again (a page that shows "â€”" for "—"), is read back. Only when the
// page holds such sequences standing for C1 bytes (0x80-0x9F), which no
// text writes itself, three times or more.
std::string RepairMisreadUtf8(std::string text) {
  std::string bytes;
  size_t evidence = 0;
  for (size_t i = text.find('\xC3'); i != std::string::npos && evidence < 3;
       i = text.find('\xC3', i + 1)) {
    size_t n = MisreadSequence(text, i, &bytes);
    if (n == 0) continue;
    for (size_t k = 1; k < bytes.size(); ++k)
      if (static_cast<unsigned char>(bytes[k]) <= 0x9F) {
        ++evidence;
        break;
      }
  }
  if (evidence < 3) return text;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = static_cast<unsigned char>(text[i]) == 0xC3 ? MisreadSequence(text, i, &bytes) : 0;
    if (n > 0) {
      out += bytes;
      i += n;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace

Result<std::string> DecodeToUtf8(std::string_view bytes, std::optional<std::string_view> http,
                                 std::string* charset_used) {
  auto done = [&](std::string text, std::string name) -> Result<std::string> {
    if (charset_used) *charset_used = std::move(name);
    return RepairMisreadUtf8(std::move(text));
  };
  // Byte order marks.
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0)
    return done(RepairUtf8(bytes.substr(3)), "UTF-8");
  if (bytes.size() >= 2 &&
      (bytes.compare(0, 2, "\xFF\xFE") == 0 || bytes.compare(0, 2, "\xFE\xFF") == 0)) {
    std::string cs = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    std::string out;
    if (Convert(bytes.substr(2), cs, &out)) return done(std::move(out), cs);
  }
  if (LooksBinary(bytes))
    return Error::BadInput("not text: binary content (NUL or control bytes in the first 4 KB)");

  const bool valid_utf8 = FindInvalidUtf8(bytes) == std::string_view::npos;
  std::string declared;
  if (http) declared = Lower(Trim(*http));
  if (declared.empty()) declared = MetaCharset(bytes);
  if (declared == "utf-16" || declared == "utf-16le" || declared == "utf-16be")
    declared.clear();  // a <meta> read as ASCII cannot be UTF-16

  if (!declared.empty()) {
    if (IsUtf8Name(declared)) {
      if (valid_utf8) return done(std::string(bytes), "UTF-8");
      // Declared UTF-8 but it is not: detect (the common lie is windows-1252).
    } else if (valid_utf8 && HasMultibyte(bytes)) {
      // Declared single-byte, but valid UTF-8 with multi-byte sequences: a
      // legacy charset almost never produces such text by chance.
      return done(std::string(bytes), "UTF-8");
    } else {
      std::string out;
      std::string icu = IcuName(declared);
      if (Convert(bytes, icu, &out)) return done(std::move(out), icu);
    }
  }
  if (valid_utf8) return done(std::string(bytes), "UTF-8");
  std::string detected = Detect(bytes);
  if (detected.empty() || IsUtf8Name(detected)) {
    // Mostly UTF-8 with a few bad bytes: repair rather than re-read as latin.
    size_t replaced = 0;
    std::string repaired = RepairUtf8(bytes, &replaced);
    if (!detected.empty() || replaced * 100 < bytes.size())
      return done(std::move(repaired), "UTF-8");
    detected = "windows-1252";
  }
  std::string out;
  std::string icu = IcuName(detected);
  if (Convert(bytes, icu, &out)) return done(std::move(out), icu);
  return done(RepairUtf8(bytes), "UTF-8");
}

}  // namespace veille
