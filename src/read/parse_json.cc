// parse_json.cc: one JSON Lines record -> RawArticle, and date normalisation.
#include <simdjson.h>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "read/read_internal.h"
#include "veille/read.h"

namespace veille {
namespace {

using read_internal::IsAsciiSpace;
using read_internal::TrimBlanks;

bool AllDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int ToInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// The file part of "path:line".
std::string_view FileOf(std::string_view source) {
  size_t colon = source.rfind(':');
  if (colon != std::string_view::npos && AllDigits(source.substr(colon + 1)))
    return source.substr(0, colon);
  return source;
}

const char* TypeName(simdjson::dom::element_type t) {
  using T = simdjson::dom::element_type;
  switch (t) {
    case T::ARRAY:
      return "an array";
    case T::OBJECT:
      return "an object";
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE:
      return "a number";
    case T::STRING:
      return "a string";
    case T::BOOL:
      return "a boolean";
    case T::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

// Reads an optional string field: null -> absent, "" -> absent, a string ->
// trimmed value; another type -> absent with a warning (the field is
// metadata, not worth losing the article for).
std::optional<std::string> OptionalString(simdjson::dom::element v, std::string_view key,
                                          std::string_view source, RawArticle* a) {
  if (v.is_null()) return std::nullopt;
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) {
    a->diagnostics.push_back(read_internal::Warning(
        source,
        "\"" + std::string(key) + "\" is " + TypeName(v.type()) + ", not a string: ignored"));
    return std::nullopt;
  }
  s = TrimBlanks(s);
  if (s.empty()) return std::nullopt;
  return std::string(s);
}

}  // namespace

std::string NormalizeDate(std::string_view s) {
  s = TrimBlanks(s);
  if (s.size() < 4 || !AllDigits(s.substr(0, 4))) return {};
  int year = ToInt(s.substr(0, 4));
  if (year < 1000) return {};
  if (s.size() == 4) return std::string(s);
  if (s[4] != '-' || s.size() < 7 || !AllDigits(s.substr(5, 2))) return {};
  int month = ToInt(s.substr(5, 2));
  if (month < 1 || month > 12) return {};
  if (s.size() == 7) return std::string(s);
  if (s[7] != '-' || s.size() < 10 || !AllDigits(s.substr(8, 2))) return {};
  int day = ToInt(s.substr(8, 2));
  if (day < 1 || day > DaysInMonth(year, month)) return {};
  if (s.size() == 10) return std::string(s);
  // An ISO datetime ("2020-07-02T10:00:00Z", "2020-07-02 10:00") keeps its day.
  if ((s[10] == 'T' || s[10] == ' ') && s.size() > 11 && s[11] >= '0' && s[11] <= '9')
    return std::string(s.substr(0, 10));
  return {};
}

Result<RawArticle> ParseJsonArticle(std::string_view line, std::string_view source) {
  RawArticle a;
  a.source = std::string(source);

  // simdjson needs SIMDJSON_PADDING readable bytes past the end; one buffer
  // per thread avoids an allocation per record. Invalid UTF-8 is repaired
  // first: replacements are never JSON syntax, so the structure survives.
  thread_local std::string buffer;
  thread_local simdjson::dom::parser parser;
  read_internal::CopyRepairingUtf8(line, &buffer, source, &a.diagnostics);
  size_t len = buffer.size();
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');

  simdjson::dom::element root;
  if (auto err = parser.parse(buffer.data(), len, false).get(root)) {
    return Error::BadInput(std::string(source) + ": invalid JSON (" + simdjson::error_message(err) +
                           ")");
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return Error::BadInput(std::string(source) + ": not a JSON object but " +
                           TypeName(root.type()));
  }

  bool has_id = false, has_text = false;
  std::string metadata = "{";
  for (auto field : obj) {
    std::string_view key = field.key;
    simdjson::dom::element v = field.value;
    if (key == "id") {
      std::string_view s;
      int64_t i;
      uint64_t u;
      if (v.get_string().get(s) == simdjson::SUCCESS) {
        s = TrimBlanks(s);
        if (s.empty()) return Error::BadInput(std::string(source) + ": empty \"id\"");
        a.id = std::string(s);
      } else if (v.get_int64().get(i) == simdjson::SUCCESS) {
        a.id = std::to_string(i);
      } else if (v.get_uint64().get(u) == simdjson::SUCCESS) {
        a.id = std::to_string(u);
      } else {
        return Error::BadInput(std::string(source) + ": \"id\" is " + TypeName(v.type()) +
                               ", expected a string or an integer");
      }
      has_id = true;
    } else if (key == "text") {
      std::string_view s;
      if (v.get_string().get(s) != simdjson::SUCCESS) {
        return Error::BadInput(std::string(source) + ": \"text\" is " + TypeName(v.type()) +
                               ", expected a string");
      }
      size_t b = 0, e = s.size();
      while (b < e && IsAsciiSpace(s[b])) ++b;
      while (e > b && IsAsciiSpace(s[e - 1])) --e;
      a.text = std::string(s.substr(b, e - b));
      has_text = true;
    } else if (key == "title") {
      a.title = OptionalString(v, key, source, &a);
    } else if (key == "date") {
      if (v.is_null()) continue;
      std::string_view s;
      std::string date;
      if (v.get_string().get(s) == simdjson::SUCCESS) date = NormalizeDate(s);
      if (date.empty()) {
        a.diagnostics.push_back(
            read_internal::Warning(source, "\"date\" " + simdjson::minify(v).substr(0, 40) +
                                               " is not YYYY, YYYY-MM or YYYY-MM-DD: ignored"));
      } else {
        a.date = std::move(date);
      }
    } else if (key == "url") {
      a.url = OptionalString(v, key, source, &a);
    } else if (key == "outlet") {
      a.outlet = OptionalString(v, key, source, &a);
    } else if (key == "summary") {
      a.summary = OptionalString(v, key, source, &a);
    } else if (key == "language") {
      std::optional<std::string> lang = OptionalString(v, key, source, &a);
      if (!lang) continue;
      // "fr", "FR", "fr-FR", "fr_CA" -> "fr": the ISO 639-1 primary subtag.
      std::string code = lang->substr(0, lang->find_first_of("-_"));
      for (char& c : code) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (code.size() == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' &&
          code[1] <= 'z') {
        a.language = std::move(code);
      } else {
        a.diagnostics.push_back(read_internal::Warning(
            source,
            "\"language\" \"" + lang->substr(0, 20) + "\" is not an ISO 639-1 code: ignored"));
      }
    } else {
      if (metadata.size() > 1) metadata += ',';
      AppendJsonString(key, &metadata);
      metadata += ':';
      metadata += simdjson::minify(v);
    }
  }
  metadata += '}';
  a.metadata_json = std::move(metadata);

  if (!has_id) return Error::BadInput(std::string(source) + ": missing \"id\"");
  if (!has_text) return Error::BadInput(std::string(source) + ": missing \"text\"");
  if (a.text.empty()) return Error::BadInput(std::string(source) + ": empty text");
  a.source_group = std::string(FileOf(source));
  if (a.outlet) a.source_group += "#" + *a.outlet;
  return a;
}

}  // namespace veille
