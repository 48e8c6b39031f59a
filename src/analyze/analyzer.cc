// analyzer.cc: language, outlet and flags of an article; dates in dates.cc.
// clang-format off
#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <cld2/public/compact_lang_det.h>
// clang-format on
#include <re2/re2.h>
#include <re2/set.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <fstream>

#include "analyze/internal.h"
#include "clean/text_util.h"
#include "veille/analyze.h"
#include "veille/utf8.h"

namespace CLD2 {
const char* LanguageCode(Language lang);  // cld2/internal/lang_script.h
}

namespace veille {

using clean_internal::NormalizeForMatch;
using clean_internal::Trim;

namespace {

// CLD2 is the most expensive step of analysis, and a lede of ~500 bytes is
// almost always enough for it to be reliable; only when it is not does it
// get a longer sample.
constexpr size_t kLanguageSampleBytes = 512;
constexpr size_t kLanguageRetryBytes = 4096;

std::string_view Utf8Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

std::string Iso6391(CLD2::Language lang) {
  if (lang == CLD2::UNKNOWN_LANGUAGE) return "und";
  std::string code = CLD2::LanguageCode(lang);
  if (size_t dash = code.find('-'); dash != std::string::npos) code.resize(dash);
  if (code.size() != 2 || code == "un" || code == "xx") return "und";
  return code;
}

std::string Detect(std::string_view text, bool* reliable) {
  std::string_view sample = Utf8Prefix(text, kLanguageSampleBytes);
  bool is_reliable = false;
  CLD2::Language lang = CLD2::DetectLanguage(sample.data(), static_cast<int>(sample.size()),
                                             /*is_plain_text=*/true, &is_reliable);
  if (!is_reliable && text.size() > sample.size()) {
    sample = Utf8Prefix(text, kLanguageRetryBytes);
    lang = CLD2::DetectLanguage(sample.data(), static_cast<int>(sample.size()),
                                /*is_plain_text=*/true, &is_reliable);
  }
  *reliable = is_reliable;
  return Iso6391(lang);
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t c = s.find(',', pos);
    if (c == std::string_view::npos) c = s.size();
    if (c > pos) out.emplace_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

}  // namespace

std::string DetectLanguage(std::string_view text) {
  bool reliable = false;
  std::string code = Detect(text, &reliable);
  return reliable ? code : "und";
}

MetadataAnalyzer::MetadataAnalyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetadataAnalyzer::~MetadataAnalyzer() = default;

Result<std::unique_ptr<MetadataAnalyzer>> MetadataAnalyzer::Create() {
  return CreateFromDir(DataPath("analyze"));
}

Result<std::unique_ptr<MetadataAnalyzer>> MetadataAnalyzer::CreateFromDir(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  if (auto s = impl->LoadDates(dir + "/dates.tsv"); !s.ok()) return s.error();
  if (auto s = impl->LoadOutlets(dir + "/outlet.txt", dir + "/outlet_stop.txt"); !s.ok())
    return s.error();
  if (auto s = impl->LoadFlags(dir + "/flags.txt"); !s.ok()) return s.error();
  return std::unique_ptr<MetadataAnalyzer>(new MetadataAnalyzer(std::move(impl)));
}

namespace {

// Splits "<a> <b> <rest>" at the first two runs of blanks.
bool SplitFields(std::string_view v, std::string_view* a, std::string_view* b,
                 std::string_view* rest) {
  size_t sp = v.find_first_of(" \t");
  if (sp == std::string_view::npos) return false;
  *a = v.substr(0, sp);
  v = Trim(v.substr(sp));
  if (!b) {
    *rest = v;
    return !v.empty();
  }
  sp = v.find_first_of(" \t");
  if (sp == std::string_view::npos) return false;
  *b = v.substr(0, sp);
  *rest = Trim(v.substr(sp));
  return !rest->empty();
}

}  // namespace

Status MetadataAnalyzer::Impl::LoadOutlets(const std::string& path, const std::string& stop_path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot read " + path);
  RE2::Options opt;
  opt.set_log_errors(false);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string where = path + ":" + std::to_string(lineno);
    std::string_view v = Trim(line);
    if (v.empty() || v[0] == '#') continue;
    std::string_view reasons, regex;
    if (!SplitFields(v, &reasons, nullptr, &regex))
      return Error::BadInput(where + ": expected '<reasons> <regex>'");
    OutletPattern p;
    p.reasons = SplitComma(reasons);
    p.re = std::make_unique<RE2>(regex, opt);
    if (!p.re->ok()) return Error::BadInput(where + ": bad pattern: " + p.re->error());
    if (p.re->NumberOfCapturingGroups() < 1)
      return Error::BadInput(where + ": the pattern needs a capture group (the outlet)");
    outlets.push_back(std::move(p));
  }
  if (!clean_internal::LoadWordList(stop_path, &outlet_stop))
    return Error::NotFound("cannot read " + stop_path);
  return OkStatus();
}

Status MetadataAnalyzer::Impl::LoadFlags(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot read " + path);
  RE2::Options opt;
  opt.set_log_errors(false);
  text_flags = std::make_unique<RE2::Set>(opt, RE2::UNANCHORED);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string where = path + ":" + std::to_string(lineno);
    std::string_view v = Trim(line);
    if (v.empty() || v[0] == '#') continue;
    std::string_view flag, kind, arg;
    if (!SplitFields(v, &flag, &kind, &arg))
      return Error::BadInput(where + ": expected '<flag> reason|text <argument>'");
    if (kind == "reason") {
      reason_flags.emplace_back(std::string(arg), std::string(flag));
    } else if (kind == "text") {
      std::string err;
      if (text_flags->Add(arg, &err) < 0) return Error::BadInput(where + ": bad pattern: " + err);
      text_flag_names.emplace_back(flag);
    } else {
      return Error::BadInput(where + ": kind must be 'reason' or 'text'");
    }
  }
  if (!text_flag_names.empty() && !text_flags->Compile())
    return Error::Internal(path + ": RE2::Set compile failed");
  return OkStatus();
}

std::optional<std::string> MetadataAnalyzer::OutletFromBoilerplate(const Cleaned& clean) const {
  std::string norm;
  for (const RemovedLine& r : clean.removed) {
    NormalizeForMatch(r.text, &norm);
    for (const auto& p : impl_->outlets) {
      if (std::find(p.reasons.begin(), p.reasons.end(), "*") == p.reasons.end() &&
          std::find(p.reasons.begin(), p.reasons.end(), r.reason) == p.reasons.end())
        continue;
      re2::StringPiece name;
      if (!RE2::PartialMatch(norm, *p.re, &name)) continue;
      std::string_view n = Trim(std::string_view(name.data(), name.size()));
      while (!n.empty() && (n.back() == '.' || n.back() == ',' || n.back() == '-'))
        n.remove_suffix(1);
      if (n.empty() || n.size() > 60) continue;
      size_t i = 0;
      char32_t first = DecodeUtf8(n, i);
      if (!(u_isupper(first) || u_isdigit(first))) continue;
      size_t sp = n.find(' ');
      std::string first_word = AsciiLower(n.substr(0, sp));
      if (impl_->outlet_stop.count(first_word)) continue;
      return std::string(n);
    }
  }
  return std::nullopt;
}

Analysis MetadataAnalyzer::Analyze(const RawArticle& raw, const Cleaned& clean) const {
  Analysis a;

  // Language: the title helps on short texts; CLD2 only reads a prefix.
  std::string sample;
  if (raw.title) {
    sample = *raw.title;
    sample += "\n";
  }
  sample.append(Utf8Prefix(clean.text, kLanguageRetryBytes));
  bool reliable = false;
  std::string code = Detect(sample, &reliable);
  if (reliable) {
    a.language = code;
  } else if (raw.language && !raw.language->empty()) {
    a.language = *raw.language;
  } else {
    a.language = code;
  }

  std::string_view context = raw.date ? std::string_view(*raw.date) : std::string_view();
  a.date_in_text = DateInText(clean.text, context, a.language);
  if (raw.date && !raw.date->empty()) {
    a.date = raw.date;
  } else {
    a.date = a.date_in_text;
  }

  a.outlet = raw.outlet && !raw.outlet->empty() ? raw.outlet : OutletFromBoilerplate(clean);

  auto add_flag = [&](const std::string& f) {
    if (std::find(a.flags.begin(), a.flags.end(), f) == a.flags.end()) a.flags.push_back(f);
  };
  for (const std::string& f : raw.flags) add_flag(f);
  for (const RemovedLine& r : clean.removed)
    for (const auto& [reason, flag] : impl_->reason_flags)
      if (r.reason == reason) add_flag(flag);
  if (!impl_->text_flag_names.empty()) {
    std::vector<int> hits;
    if (impl_->text_flags->Match(clean.text, &hits)) {
      for (int h : hits) add_flag(impl_->text_flag_names[h]);
    }
  }
  return a;
}

}  // namespace veille
