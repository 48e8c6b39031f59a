// show_cmd.cc: `veille show ID`, `veille stats`, `veille export`.
#include <fmt/format.h>

#include <cstdio>

#include "cli/cli.h"
#include "veille/archive.h"
#include "veille/export.h"

namespace veille::cli {

Runner RegisterShow(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string id;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("id", o->id, "Article id")->required();
  sub.add_flag("--json", o->json, "Print the article as JSON (the export format)");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto a = (*archive)->Get(o->id);
    if (!a.ok()) return Fail(a.error());
    if (o->json) {
      std::printf("%s\n", ArticleJson(*a).c_str());
      return kExitOk;
    }
    std::printf("id:       %s\nsource:   %s\n", a->id.c_str(), a->source.c_str());
    std::printf("title:    %s\n", a->title.value_or("(none)").c_str());
    std::printf("date:     %s%s\n", a->date.value_or("(unknown)").c_str(),
                a->date_in_text ? (" (text says " + *a->date_in_text + ")").c_str() : "");
    std::printf("language: %s\noutlet:   %s\n", a->language.c_str(),
                a->outlet.value_or("(unknown)").c_str());
    std::string flags;
    for (auto& f : a->flags) flags += (flags.empty() ? "" : ", ") + f;
    std::printf("flags:    %s\n", flags.empty() ? "(none)" : flags.c_str());
    if (a->story)
      std::printf("story:    %lld (veille story %lld)\n", (long long)*a->story,
                  (long long)*a->story);
    if (a->duplicate_of) {
      std::printf("duplicate of: %s\n", a->duplicate_of->c_str());
      return kExitOk;
    }
    std::printf("\n%s\n", a->text.c_str());
    if (!a->removed.empty()) {
      std::printf("\nremoved (%zu):\n", a->removed.size());
      for (auto& r : a->removed) std::printf("  [%s] %s\n", r.reason.c_str(), r.text.c_str());
    }
    if (!a->quotes.empty()) {
      std::printf("\nquotes (%zu):\n", a->quotes.size());
      for (auto& q : a->quotes)
        std::printf("  %s%s%s: « %s »\n", SpeakerLabel(q).c_str(), q.cue.empty() ? "" : ", ",
                    q.cue.c_str(), q.text.c_str());
    }
    return kExitOk;
  };
}

Runner RegisterStats(CLI::App& sub, const Common& common) {
  auto json = std::make_shared<bool>(false);
  sub.add_flag("--json", *json, "Print JSON");
  return [json, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto s = (*archive)->Stats();
    if (!s.ok()) return Fail(s.error());
    auto list = [](const std::vector<std::pair<std::string, uint64_t>>& v) {
      std::string out;
      for (auto& [k, n] : v) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", k, n);
      return out.empty() ? std::string("(none)") : out;
    };
    if (*json) {
      auto obj = [](const std::vector<std::pair<std::string, uint64_t>>& v) {
        std::string out = "{";
        for (size_t i = 0; i < v.size(); ++i)
          out += fmt::format("{}\"{}\":{}", i ? "," : "", v[i].first, v[i].second);
        return out + "}";
      };
      std::printf(
          "{\"articles\":%llu,\"duplicates\":%llu,\"removed_lines\":%llu,\"text_bytes\":%llu,"
          "\"file_bytes\":%llu,\"runs\":%llu,\"languages\":%s,\"outlets\":%s,\"flags\":%s}\n",
          (unsigned long long)s->articles, (unsigned long long)s->duplicates,
          (unsigned long long)s->removed_lines, (unsigned long long)s->text_bytes,
          (unsigned long long)s->file_bytes, (unsigned long long)s->runs, obj(s->languages).c_str(),
          obj(s->outlets).c_str(), obj(s->flags).c_str());
      return kExitOk;
    }
    std::printf("articles:       %llu (+ %llu exact duplicates)\n", (unsigned long long)s->articles,
                (unsigned long long)s->duplicates);
    std::printf("dates:          %s .. %s\n", s->first_date.value_or("?").c_str(),
                s->last_date.value_or("?").c_str());
    std::printf("languages:      %s\n", list(s->languages).c_str());
    std::printf("outlets:        %s\n", list(s->outlets).c_str());
    std::printf("flags:          %s\n", list(s->flags).c_str());
    std::printf("removed lines:  %llu\n", (unsigned long long)s->removed_lines);
    std::printf("clean text:     %.1f MB, archive file %.1f MB, %llu ingest runs\n",
                s->text_bytes / 1e6, s->file_bytes / 1e6, (unsigned long long)s->runs);
    return kExitOk;
  };
}

Runner RegisterExport(CLI::App& sub, const Common& common) {
  auto format = std::make_shared<std::string>("jsonl");
  sub.add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"jsonl"}))
      ->capture_default_str();
  return [format, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto s = (*archive)->ForEach([](const StoredArticle& a) -> Status {
      std::string line = ArticleJson(a);
      line += '\n';
      if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size())
        return Error::Io("cannot write to standard output");
      return OkStatus();
    });
    if (!s.ok()) return Fail(s.error());
    return kExitOk;
  };
}

}  // namespace veille::cli
