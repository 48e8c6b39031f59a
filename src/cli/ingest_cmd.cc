// ingest_cmd.cc: `veille ingest PATH...`.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>

#include "cli/cli.h"
#include "veille/ingest.h"
#include "veille/read.h"

namespace veille::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop = true; }

}  // namespace

Runner RegisterIngest(CLI::App& sub, const Common& common) {
  struct Opts {
    std::vector<std::string> inputs;
    unsigned threads = 0;
    size_t max_mb = 16;
    bool quiet = false;
    bool json = false;
    bool no_entities = false;
    bool no_quotes = false;
    bool no_reuse = false;
    bool no_stories = false;
    bool no_events = false;
    bool profile = false;
    size_t reuse_memory_mb = IngestOptions{}.reuse_memory_bytes >> 20;
    unsigned watch = 0;
    size_t cache_mb = 0;
    size_t batch = IngestOptions{}.batch_size;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option(
         "inputs", o->inputs,
         "Files or folders (.txt, .jsonl(.gz), .html(.gz), .warc(.gz), .rss/.atom/.xml feeds)")
      ->required()
      ->check(CLI::ExistingPath);
  sub.add_option("--threads", o->threads, "Worker threads (default: one per core)");
  sub.add_option("--max-article-mb", o->max_mb, "Skip articles larger than this")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  sub.add_flag("--quiet,-q", o->quiet, "No progress and no per-file problems on stderr");
  sub.add_flag("--json", o->json, "Print the summary as JSON on stdout");
  sub.add_flag("--no-entities", o->no_entities, "Skip entity recognition");
  sub.add_flag("--no-quotes", o->no_quotes, "Skip quote extraction");
  sub.add_flag("--no-reuse", o->no_reuse, "Skip near-duplicate and reused-passage detection");
  sub.add_flag("--no-stories", o->no_stories, "Skip story clustering");
  sub.add_flag("--no-events", o->no_events, "Skip event extraction");
  sub.add_flag("--profile", o->profile,
               "Measure the CPU time of every step per thread and print it after the summary");
  sub.add_option("--reuse-memory-mb", o->reuse_memory_mb,
                 "Memory the reuse stage may hold for the run's articles (about 1.6 KB each); "
                 "past it, earlier articles are looked up in the archive")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  sub.add_option("--watch", o->watch,
                 "Keep running: every N seconds, ingest the input files that appeared or "
                 "changed (stop with Ctrl-C or SIGTERM)")
      ->check(CLI::Range(1, 86400));
  sub.add_option("--batch", o->batch,
                 "Articles per transaction (larger: fewer, bigger index segments, more memory)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  sub.add_option("--cache-mb", o->cache_mb,
                 "Keep up to this many MiB of the archive in memory (for --watch: the "
                 "near-duplicate lookups of each new article then stay fast)")
      ->check(CLI::Range(1, 1 << 20));
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadWrite);
    if (!archive.ok()) return Fail(archive.error());
    IngestOptions opt;
    opt.inputs = o->inputs;
    opt.threads = o->threads;
    opt.max_article_bytes = o->max_mb << 20;
    opt.stop = &g_stop;
    opt.entities = !o->no_entities;
    opt.quotes = !o->no_quotes;
    opt.reuse = !o->no_reuse;
    opt.stories = !o->no_stories;
    opt.events = !o->no_events;
    opt.profile = o->profile;
    opt.reuse_memory_bytes = o->reuse_memory_mb << 20;
    opt.batch_size = o->batch;
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    const bool tty = !o->quiet && isatty(STDERR_FILENO);
    bool progress_shown = false;
    auto on_problem = [&](const Diagnostic& d) {
      if (o->quiet) return;
      if (progress_shown) std::fputs("\r\033[K", stderr);
      std::fprintf(stderr, "%s: %s: %s\n",
                   d.severity == Diagnostic::Severity::kError ? "error" : "warning",
                   d.where.c_str(), d.message.c_str());
    };
    auto on_progress = [&](const IngestProgress& p) {
      if (!tty) return;
      double pct = p.bytes_total ? 100.0 * p.bytes_done / p.bytes_total : 0;
      std::fprintf(stderr, "\r\033[K%s %llu articles  %.0f%%  %.0f articles/s",
                   p.pass == 1 ? "scanning" : "ingesting", (unsigned long long)p.articles, pct,
                   p.seconds > 0 ? p.articles / p.seconds : 0.0);
      progress_shown = true;
    };
    if (o->cache_mb)
      if (auto s = (*archive)->SetCacheSize(o->cache_mb); !s.ok()) return Fail(s.error());
    // The watcher's first look is taken before the first run, so that a file
    // written during it is ingested at the next poll.
    InputWatcher watcher(o->inputs);
    std::vector<Diagnostic> listing;
    if (o->watch)
      if (auto first = watcher.Changed(&listing); !first.ok()) return Fail(first.error());
    auto run = [&]() -> Result<IngestSummary> {
      auto sum = Ingest(**archive, opt, on_problem, on_progress);
      if (progress_shown) std::fputs("\r\033[K", stderr);
      progress_shown = false;
      if (!sum.ok()) return sum;
      if (o->json) {
        std::printf("%s\n", SummaryJson(*sum).c_str());
      } else {
        std::printf("%s\n", FormatSummary(*sum).c_str());
        if (o->profile) std::printf("%s", FormatProfile(*sum).c_str());
      }
      std::fflush(stdout);
      return sum;
    };
    auto sum = run();
    if (!sum.ok()) return Fail(sum.error());
    bool errors = sum->errors > 0;
    if (o->watch && o->cache_mb && !g_stop) {
      // What every addition looks up, read once now rather than page by page
      // from disk by the next articles.
      const auto t0 = std::chrono::steady_clock::now();
      if (auto s = (*archive)->Preload(); !s.ok()) return Fail(s.error());
      if (!o->quiet)
        std::fprintf(stderr, "preloaded the lookup tables in %.1f s\n",
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    while (o->watch && !g_stop) {
      for (unsigned tick = 0; tick < o->watch * 10 && !g_stop; ++tick) usleep(100 * 1000);
      if (g_stop) break;
      listing.clear();
      auto changed = watcher.Changed(&listing);
      for (const auto& d : listing) on_problem(d);
      if (!changed.ok()) {
        on_problem({Diagnostic::Severity::kError, "watch", changed.error().message});
        continue;  // an input folder gone: keep watching the others
      }
      if (changed->empty()) continue;
      opt.inputs = *changed;
      sum = run();
      if (!sum.ok()) return Fail(sum.error());
      errors |= sum->errors > 0;
    }
    if (o->watch) return errors ? kExitBadInput : kExitOk;  // stopped on request
    if (sum->interrupted) return kExitInterrupted;
    return sum->errors ? kExitBadInput : kExitOk;
  };
}

}  // namespace veille::cli
