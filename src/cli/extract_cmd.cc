// extract_cmd.cc: `veille extract [--json] FILE...` and `veille eval-extract`.
#include <unistd.h>

#include <cstdio>

#include "cli/cli.h"
#include "veille/html.h"
#include "veille/html_eval.h"

namespace veille::cli {

Runner RegisterExtract(CLI::App& sub, const Common&) {
  struct Opts {
    std::vector<std::string> files;
    bool json = false;
    std::string url;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("files", o->files, "HTML files (.html, .htm, optionally .gz)")->required();
  sub.add_flag("--json", o->json, "One JSON object per page (the default prints text)");
  sub.add_option("--url", o->url, "The URL the page was fetched from (one file only)");
  return [o]() -> int {
    if (!o->url.empty() && o->files.size() != 1)
      return Fail(Error::InvalidArgument("--url needs exactly one file"));
    auto ex = HtmlExtractor::Create();
    if (!ex.ok()) return Fail(ex.error());
    int worst = kExitOk;
    for (const std::string& file : o->files) {
      auto fail = [&](const Error& e) {
        std::fprintf(stderr, "veille: %s\n", e.message.c_str());
        int code = ExitCodeFor(e);
        if (worst == kExitOk || code == kExitNotFound) worst = code;
      };
      auto bytes = ReadMaybeGzip(file);
      if (!bytes.ok()) {
        fail(bytes.error());
        continue;
      }
      std::string charset;
      auto html = DecodeToUtf8(*bytes, std::nullopt, &charset);
      if (!html.ok()) {
        fail(Error::BadInput(file + ": " + html.error().message));
        continue;
      }
      PageInput in{*html, o->url.empty() ? std::nullopt : std::optional<std::string>(o->url), {}};
      auto page = (*ex)->Extract(in);
      if (!page.ok()) {
        fail(Error::BadInput(file + ": " + page.error().message));
        continue;
      }
      for (const Diagnostic& d : page->diagnostics)
        std::fprintf(stderr, "veille: %s: %s\n", file.c_str(), d.message.c_str());
      if (o->json) {
        std::printf("%s\n", PageToJson(*page, file, in.url).c_str());
        continue;
      }
      auto show = [](const char* name, const std::optional<std::string>& v) {
        std::printf("%-9s %s\n", name, v ? v->c_str() : "-");
      };
      std::printf("== %s\n", file.c_str());
      show("title", page->title);
      show("date", page->date);
      std::string authors;
      for (const std::string& a : page->authors) authors += (authors.empty() ? "" : "; ") + a;
      show("authors", authors.empty() ? std::nullopt : std::optional<std::string>(authors));
      show("outlet", page->outlet);
      show("language", page->language);
      show("url", page->canonical_url);
      std::printf("\n%s\n\n", page->text.c_str());
    }
    return worst;
  };
}

Runner RegisterEvalExtract(CLI::App& sub, const Common&) {
  struct Opts {
    std::string format, dir;
    bool json = false;
    int half = -1;
    size_t limit = 0, worst = 0;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--format", o->format, "Benchmark: scrapinghub, wcxb or htmldate")
      ->required()
      ->check(CLI::IsMember({"scrapinghub", "wcxb", "htmldate"}));
  sub.add_option("dir", o->dir, "The benchmark's folder (../shared/data/extraction/NAME)")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub.add_flag("--json", o->json, "Print the figures as JSON");
  sub.add_option("--half", o->half, "Only the even (0) or odd (1) pages, in sorted order")
      ->check(CLI::Range(0, 1));
  sub.add_option("--limit", o->limit, "At most this many pages");
  sub.add_option("--worst", o->worst, "List the N lowest-scoring pages");
  return [o]() -> int {
    auto ex = HtmlExtractor::Create();
    if (!ex.ok()) return Fail(ex.error());
    ExtractionEvalOptions opts;
    opts.format = o->format;
    if (o->half >= 0) opts.half = o->half;
    opts.limit = o->limit;
    if (isatty(fileno(stderr)))
      opts.progress = [](size_t done, size_t total) {
        if (done % 20 == 0 || done == total)
          std::fprintf(stderr, "\r%zu/%zu pages%s", done, total, done == total ? "\n" : "");
      };
    auto r = EvaluateExtraction(**ex, o->dir, opts);
    if (!r.ok()) return Fail(r.error());
    if (o->json)
      std::printf("%s\n", ExtractionReportJson(*r).c_str());
    else
      std::printf("%s", FormatExtractionReport(*r, o->worst).c_str());
    return kExitOk;
  };
}

}  // namespace veille::cli
