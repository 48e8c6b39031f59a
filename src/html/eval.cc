// eval.cc: the scrapinghub, WCXB and htmldate scorers and their runner.
#include <unicode/uchar.h>
#include <zlib.h>
#ifdef VEILLE_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "html/internal.h"
#include "veille/html_eval.h"
#include "veille/utf8.h"

namespace veille {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

bool IsWordChar(char32_t c) {
  if (c == '_') return true;
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  int8_t t = u_charType(static_cast<UChar32>(c));
  switch (t) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
      return true;
    default:
      return false;
  }
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Sample {
  std::string id, path, url, truth, type;
};

Result<json> ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return Error::BadInput(path + ": not valid JSON");
  return j;
}

std::string JStr(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::vector<Sample>> LoadSamples(const std::string& dir, const std::string& format) {
  std::vector<Sample> out;
  if (format == "scrapinghub") {
    auto gt = ReadJson(dir + "/ground-truth.json");
    if (!gt.ok()) return gt.error();
    for (auto& [key, v] : gt->items()) {
      if (!v.is_object()) continue;
      out.push_back(
          {key, dir + "/html/" + key + ".html.gz", JStr(v, "url"), JStr(v, "articleBody"), ""});
    }
  } else if (format == "wcxb") {
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir + "/ground-truth", ec))
      if (e.path().extension() == ".json") files.push_back(e.path().string());
    if (ec) return Error::NotFound("cannot list " + dir + "/ground-truth: " + ec.message());
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      auto j = ReadJson(f);
      if (!j.ok()) return j.error();
      std::string id = fs::path(f).stem().string();
      std::string type;
      if (auto in = j->find("_internal"); in != j->end() && in->is_object())
        if (auto pt = in->find("page_type"); pt != in->end() && pt->is_object())
          type = JStr(*pt, "primary");
      if (type == "category") type = "collection";
      std::string truth;
      if (auto g = j->find("ground_truth"); g != j->end() && g->is_object())
        truth = JStr(*g, "main_content");
      out.push_back({id, dir + "/html/" + id + ".html.gz", JStr(*j, "url"), truth, type});
    }
  } else if (format == "htmldate") {
    auto gt = ReadJson(dir + "/eval_default.json");
    if (!gt.ok()) return gt.error();
    for (auto& [url, v] : gt->items()) {
      if (!v.is_object()) continue;
      out.push_back({url, dir + "/" + JStr(v, "file"), url, JStr(v, "date"), ""});
    }
  } else {
    return Error::InvalidArgument("unknown format '" + format +
                                  "' (expected scrapinghub, wcxb or htmldate)");
  }
  std::sort(out.begin(), out.end(), [](const Sample& a, const Sample& b) { return a.id < b.id; });
  if (out.empty()) return Error::NotFound("no pages in " + dir);
  return out;
}

ExtractionFigures ShingleFigures(const std::vector<ShingleMatch>& m) {
  ExtractionFigures f;
  f.pages = m.size();
  double p = 0, r = 0;
  size_t np = 0, nr = 0;
  for (const ShingleMatch& x : m) {
    auto prec = [&] {
      if (x.fp == 0 && x.fn == 0) return 1.0;
      if (x.tp == 0 && x.fp == 0) return 0.0;
      return x.tp / (x.tp + x.fp);
    };
    auto rec = [&] {
      if (x.fp == 0 && x.fn == 0) return 1.0;
      if (x.tp == 0 && x.fn == 0) return 0.0;
      return x.tp / (x.tp + x.fn);
    };
    if (x.tp + x.fp > 0) p += prec(), ++np;
    if (x.tp + x.fn > 0) r += rec(), ++nr;
  }
  f.precision = np ? p / static_cast<double>(np) : 0;
  f.recall = nr ? r / static_cast<double>(nr) : 0;
  f.f1 = f.precision + f.recall > 0 ? 2 * f.precision * f.recall / (f.precision + f.recall) : 0;
  return f;
}

}  // namespace

std::vector<std::string_view> WordTokens(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0, start = std::string_view::npos;
  while (i < text.size()) {
    size_t at = i;
    char32_t c;
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      c = b;
      ++i;
    } else {
      c = DecodeUtf8(text, i);
    }
    if (IsWordChar(c)) {
      if (start == std::string_view::npos) start = at;
    } else if (start != std::string_view::npos) {
      out.push_back(text.substr(start, at - start));
      start = std::string_view::npos;
    }
  }
  if (start != std::string_view::npos) out.push_back(text.substr(start));
  return out;
}

ShingleMatch MatchShingles(std::string_view truth, std::string_view prediction, int n) {
  auto shingles = [n](std::string_view text) {
    std::vector<std::string_view> tok = WordTokens(text);
    std::unordered_map<std::string, int> counts;
    size_t count =
        tok.size() >= static_cast<size_t>(n) ? tok.size() - n + 1 : (tok.empty() ? 0 : 1);
    for (size_t i = 0; i < count; ++i) {
      std::string key;
      for (size_t k = i; k < std::min(tok.size(), i + n); ++k) {
        key += tok[k];
        key += '\x1f';
      }
      ++counts[key];
    }
    return counts;
  };
  auto t = shingles(truth), p = shingles(prediction);
  ShingleMatch m;
  for (const auto& [k, tc] : t) {
    auto it = p.find(k);
    int pc = it == p.end() ? 0 : it->second;
    m.tp += std::min(tc, pc);
    m.fn += std::max(0, tc - pc);
  }
  for (const auto& [k, pc] : p) {
    auto it = t.find(k);
    int tc = it == t.end() ? 0 : it->second;
    m.fp += std::max(0, pc - tc);
  }
  double s = m.tp + m.fp + m.fn;
  if (s > 0) m.tp /= s, m.fp /= s, m.fn /= s;
  return m;
}

WordScore ScoreWords(std::string_view truth, std::string_view prediction) {
  std::string lt = html_internal::Utf8Lower(truth), lp = html_internal::Utf8Lower(prediction);
  std::vector<std::string_view> t = WordTokens(lt), p = WordTokens(lp);
  WordScore s;
  if (t.empty()) {
    s.f1 = s.precision = s.recall = p.empty() ? 1.0 : 0.0;
    return s;
  }
  if (p.empty()) return s;
  std::unordered_map<std::string_view, int> tc;
  for (auto w : t) ++tc[w];
  size_t overlap = 0;
  for (auto w : p) {
    auto it = tc.find(w);
    if (it != tc.end() && it->second > 0) {
      --it->second;
      ++overlap;
    }
  }
  s.precision = static_cast<double>(overlap) / static_cast<double>(p.size());
  s.recall = static_cast<double>(overlap) / static_cast<double>(t.size());
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

std::string PageToJson(const ExtractedPage& page, std::string_view source,
                       const std::optional<std::string>& fetch_url) {
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  json j = json::object();
  j["source"] = std::string(source);
  j["url"] = page.canonical_url ? json(*page.canonical_url) : opt(fetch_url);
  j["title"] = opt(page.title);
  j["date"] = opt(page.date);
  j["authors"] = page.authors.empty() ? json(nullptr) : json(page.authors);
  j["outlet"] = opt(page.outlet);
  j["language"] = opt(page.language);
  j["text"] = page.text;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

#ifdef VEILLE_HAVE_LIBDEFLATE
// `raw` (one or more gzip members) inflated into `*out`, whose size is the
// first guess of the length; nullopt if libdeflate cannot do it that way.
std::optional<std::string> GunzipWithLibdeflate(const std::string& raw, std::string* out) {
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Free> d(libdeflate_alloc_decompressor());
  if (!d) return std::nullopt;
  size_t in_pos = 0, used = 0;
  while (in_pos < raw.size()) {
    size_t in_used = 0, got = 0;
    libdeflate_result r = LIBDEFLATE_INSUFFICIENT_SPACE;
    for (int tries = 0; tries < 6; ++tries) {
      r = libdeflate_gzip_decompress_ex(d.get(), raw.data() + in_pos, raw.size() - in_pos,
                                        out->data() + used, out->size() - used, &in_used, &got);
      if (r != LIBDEFLATE_INSUFFICIENT_SPACE) break;
      out->resize(out->size() * 2);
    }
    if (r != LIBDEFLATE_SUCCESS) return std::nullopt;
    used += got;
    in_pos += in_used;
    if (in_used == 0) return std::nullopt;
  }
  out->resize(used);
  return std::move(*out);
}
#endif

Result<std::string> ReadMaybeGzip(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Error::NotFound("cannot read " + path);
  std::string raw;
  std::streamoff size = in.tellg();
  if (size > 0) {
    raw.resize(static_cast<size_t>(size));
    in.seekg(0);
    in.read(raw.data(), size);
    raw.resize(static_cast<size_t>(in.gcount()));
  }
  if (raw.size() < 2 || static_cast<unsigned char>(raw[0]) != 0x1f ||
      static_cast<unsigned char>(raw[1]) != 0x8b)
    return raw;
  // Inflated straight into the output, sized from the gzip trailer (the
  // length modulo 2^32 of the last member; only a hint).
  std::string out;
  size_t hint = 0;
  if (raw.size() >= 18) {
    const auto* t = reinterpret_cast<const unsigned char*>(raw.data() + raw.size() - 4);
    hint = static_cast<size_t>(t[0]) | static_cast<size_t>(t[1]) << 8 |
           static_cast<size_t>(t[2]) << 16 | static_cast<size_t>(t[3]) << 24;
  }
  out.resize(std::clamp<size_t>(hint + 1, 4096, 256u << 20));
#ifdef VEILLE_HAVE_LIBDEFLATE
  if (auto got = GunzipWithLibdeflate(raw, &out)) return *got;
  // Anything libdeflate does not take in one piece (a corrupt stream, a
  // trailer that lies about the length) goes through zlib below.
  out.assign(std::clamp<size_t>(hint + 1, 4096, 256u << 20), '\0');
#endif
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Error::Internal("zlib init failed");
  zs.next_in = reinterpret_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  size_t used = 0;
  int rc = Z_OK;
  while (true) {
    if (used == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - used, 1u << 30));
    uInt before = zs.avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    used += before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members.
      if (zs.avail_in > 0) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (zs.avail_in == 0 && zs.avail_out != 0) break;
    if (rc == Z_BUF_ERROR && zs.avail_out != 0) break;
  }
  inflateEnd(&zs);
  out.resize(used);
  if (rc != Z_STREAM_END)
    return Error::BadInput(path + ": truncated or corrupt gzip stream after " +
                           std::to_string(out.size()) + " bytes");
  return out;
}

Result<ExtractionReport> EvaluateExtraction(const HtmlExtractor& extractor, const std::string& dir,
                                            const ExtractionEvalOptions& options) {
  auto samples = LoadSamples(dir, options.format);
  if (!samples.ok()) return samples.error();
  std::vector<Sample> chosen;
  for (size_t i = 0; i < samples->size(); ++i) {
    if (options.half && static_cast<int>(i % 2) != *options.half) continue;
    chosen.push_back((*samples)[i]);
    if (options.limit && chosen.size() >= options.limit) break;
  }
  ExtractionReport rep;
  rep.format = options.format;
  std::vector<ShingleMatch> matches;
  std::map<std::string, std::vector<double>> f1_by_type, p_by_type, r_by_type;
  size_t tp = 0, fp = 0, fn = 0;
  for (size_t k = 0; k < chosen.size(); ++k) {
    const Sample& s = chosen[k];
    double t0 = ThreadCpuSeconds();
    std::string prediction, date;
    bool ok = false;
    auto bytes = ReadMaybeGzip(s.path);
    if (bytes.ok()) {
      rep.html_mb += static_cast<double>(bytes->size()) / 1e6;
      auto html = DecodeToUtf8(*bytes);
      if (html.ok()) {
        PageInput in{*html, s.url.empty() ? std::nullopt : std::optional<std::string>(s.url), {}};
        auto page = extractor.Extract(in);
        if (page.ok()) {
          std::string j = PageToJson(*page, s.path, in.url);
          prediction = std::move(page->text);
          date = page->date ? page->date->substr(0, 10) : "";
          ok = !j.empty();
        } else {
          rep.error_messages.push_back(s.path + ": " + page.error().message);
        }
      } else {
        rep.error_messages.push_back(s.path + ": " + html.error().message);
      }
    } else {
      rep.error_messages.push_back(bytes.error().message);
    }
    rep.cpu_seconds += ThreadCpuSeconds() - t0;
    if (!ok) ++rep.errors;
    PageResult pr{s.id, s.type, 0, {}, {}};
    if (options.format == "scrapinghub") {
      ShingleMatch m = MatchShingles(s.truth, prediction);
      matches.push_back(m);
      double p = m.tp + m.fp > 0 ? m.tp / (m.tp + m.fp) : 0,
             r = m.tp + m.fn > 0 ? m.tp / (m.tp + m.fn) : 0;
      pr.f1 = p + r > 0 ? 2 * p * r / (p + r) : (m.fp == 0 && m.fn == 0 ? 1 : 0);
    } else if (options.format == "wcxb") {
      WordScore w = ScoreWords(s.truth, prediction);
      pr.f1 = w.f1;
      for (const std::string& t : {std::string("all"), s.type}) {
        f1_by_type[t].push_back(w.f1);
        p_by_type[t].push_back(w.precision);
        r_by_type[t].push_back(w.recall);
      }
    } else {
      pr.predicted = date;
      pr.expected = s.truth;
      if (date.empty())
        ++fn;
      else if (date == s.truth)
        ++tp, pr.f1 = 1;
      else
        ++fp;
    }
    rep.pages.push_back(std::move(pr));
    if (options.progress) options.progress(k + 1, chosen.size());
  }
  if (options.format == "scrapinghub") {
    rep.all = ShingleFigures(matches);
  } else if (options.format == "wcxb") {
    auto mean = [](const std::vector<double>& v) {
      double s = 0;
      for (double x : v) s += x;
      return v.empty() ? 0 : s / static_cast<double>(v.size());
    };
    for (const auto& [t, v] : f1_by_type) {
      ExtractionFigures f;
      f.pages = v.size();
      f.f1 = mean(v);
      f.precision = mean(p_by_type[t]);
      f.recall = mean(r_by_type[t]);
      if (t == "all")
        rep.all = f;
      else
        rep.by_type[t] = f;
    }
  } else {
    rep.all.pages = chosen.size();
    rep.all.accuracy =
        chosen.empty() ? 0 : static_cast<double>(tp) / static_cast<double>(chosen.size());
    rep.all.precision = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0;
    rep.all.recall = tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0;
    rep.all.f1 = rep.all.precision + rep.all.recall > 0
                     ? 2 * rep.all.precision * rep.all.recall / (rep.all.precision + rep.all.recall)
                     : 0;
  }
  return rep;
}

std::string FormatExtractionReport(const ExtractionReport& r, size_t worst) {
  std::string out;
  char buf[512];
  const ExtractionFigures& a = r.all;
  if (r.format == "htmldate") {
    std::snprintf(buf, sizeof(buf),
                  "%s: %zu pages  accuracy %.3f  precision %.3f  recall %.3f  F1 %.3f\n",
                  r.format.c_str(), a.pages, a.accuracy, a.precision, a.recall, a.f1);
  } else {
    std::snprintf(buf, sizeof(buf), "%s: %zu pages  F1 %.3f  precision %.3f  recall %.3f\n",
                  r.format.c_str(), a.pages, a.f1, a.precision, a.recall);
  }
  out += buf;
  for (const auto& [t, f] : r.by_type) {
    std::snprintf(buf, sizeof(buf), "  %-14s %4zu pages  F1 %.3f  precision %.3f  recall %.3f\n",
                  t.c_str(), f.pages, f.f1, f.precision, f.recall);
    out += buf;
  }
  double pps = r.cpu_seconds > 0 ? static_cast<double>(a.pages) / r.cpu_seconds : 0;
  double mbs = r.cpu_seconds > 0 ? r.html_mb / r.cpu_seconds : 0;
  std::snprintf(buf, sizeof(buf),
                "speed: %.0f pages/s, %.1f MB/s per core (%.1f MB of HTML in %.2f s CPU; "
                "gunzip + charset + extraction + JSON)\n",
                pps, mbs, r.html_mb, r.cpu_seconds);
  out += buf;
  if (r.errors) {
    std::snprintf(buf, sizeof(buf), "errors: %zu pages\n", r.errors);
    out += buf;
    for (size_t i = 0; i < r.error_messages.size() && i < 10; ++i)
      out += "  " + r.error_messages[i] + "\n";
  }
  if (worst > 0) {
    std::vector<const PageResult*> sorted;
    for (const PageResult& p : r.pages) sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const PageResult* x, const PageResult* y) { return x->f1 < y->f1; });
    for (size_t i = 0; i < sorted.size() && i < worst; ++i) {
      const PageResult& p = *sorted[i];
      std::snprintf(buf, sizeof(buf), "  worst: %-20.64s %-12s %.3f %s %s\n", p.id.c_str(),
                    p.type.c_str(), p.f1, p.predicted.c_str(), p.expected.c_str());
      out += buf;
    }
  }
  return out;
}

std::string ExtractionReportJson(const ExtractionReport& r) {
  auto fig = [](const ExtractionFigures& f) {
    return json{{"pages", f.pages},
                {"precision", f.precision},
                {"recall", f.recall},
                {"f1", f.f1},
                {"accuracy", f.accuracy}};
  };
  json j{{"format", r.format},
         {"all", fig(r.all)},
         {"errors", r.errors},
         {"cpu_seconds", r.cpu_seconds},
         {"html_mb", r.html_mb}};
  json types = json::object();
  for (const auto& [t, f] : r.by_type) types[t] = fig(f);
  j["by_type"] = types;
  j["pages_per_second"] = r.cpu_seconds > 0 ? static_cast<double>(r.all.pages) / r.cpu_seconds : 0;
  return j.dump();
}

}  // namespace veille
