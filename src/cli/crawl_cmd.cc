// crawl_cmd.cc: `veille sources add|list|remove|import` and `veille crawl`.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/cli.h"
#include "veille/crawler.h"
#include "veille/sources.h"

namespace veille::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnCrawlSignal(int) { g_stop = true; }

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Runner RegisterSources(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string url, name, every = "15m", lang, kind = "auto", file;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.require_subcommand(1);
  sub.fallthrough();  // --db after the action: sources add URL --db x.db
  auto* add = sub.add_subcommand("add", "Follow a feed, news sitemap or page");
  add->add_option("url", o->url, "Its URL")->required();
  add->add_option("--name", o->name, "A name for it");
  add->add_option("--every", o->every, "How often to fetch it (15m, 2h, 1d)")
      ->capture_default_str();
  add->add_option("--lang", o->lang, "Its language (ISO 639-1)");
  add->add_option("--kind", o->kind, "feed, sitemap, page or auto")
      ->check(CLI::IsMember({"auto", "feed", "sitemap", "page"}))
      ->capture_default_str();
  auto* list = sub.add_subcommand("list", "The sources and their health");
  list->add_flag("--json", o->json, "JSON lines on stdout");
  auto* remove = sub.add_subcommand("remove", "Stop following a source");
  remove->add_option("url", o->url, "Its URL")->required();
  auto* import = sub.add_subcommand("import", "Follow the feeds of an OPML file or a list of URLs");
  import->add_option("file", o->file, "OPML or one URL a line")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--every", o->every, "How often to fetch them")->capture_default_str();
  return [o, &common, add, list, remove, import]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadWrite);
    if (!archive.ok()) return Fail(archive.error());
    Archive& a = **archive;
    auto every = ParseEvery(o->every);
    if (!every.ok()) return Fail(every.error());
    if (add->parsed()) {
      SourceRecord s;
      s.url = o->url;
      s.name = o->name.empty() ? o->url : o->name;
      s.kind = o->kind;
      s.every_seconds = *every;
      if (!o->lang.empty()) s.language = o->lang;
      s.added_at = NowUtc();
      if (auto st = AddSource(a, s); !st.ok()) return Fail(st.error());
      std::printf("following %s every %llds\n", s.url.c_str(),
                  static_cast<long long>(s.every_seconds));
      return kExitOk;
    }
    if (remove->parsed()) {
      if (auto st = RemoveSource(a, o->url); !st.ok()) return Fail(st.error());
      std::printf("stopped following %s\n", o->url.c_str());
      return kExitOk;
    }
    if (import->parsed()) {
      std::ifstream in(o->file, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      auto entries = ParseSourceList(ss.str());
      if (!entries.ok()) return Fail(Error::BadInput(o->file + ": " + entries.error().message));
      int added = 0, known = 0;
      for (const auto& [url, name] : *entries) {
        SourceRecord s;
        s.url = url;
        s.name = name.empty() ? url : name;
        s.every_seconds = *every;
        s.added_at = NowUtc();
        if (AddSource(a, s).ok()) {
          ++added;
        } else {
          ++known;
        }
      }
      std::printf("imported %d sources (%d already followed) from %s\n", added, known,
                  o->file.c_str());
      return kExitOk;
    }
    auto sources = ListSources(a);
    if (!sources.ok()) return Fail(sources.error());
    for (const SourceRecord& s : *sources) {
      if (o->json) {
        nlohmann::json j = {{"url", s.url},
                            {"name", s.name},
                            {"kind", s.kind},
                            {"every_seconds", s.every_seconds},
                            {"next_due", s.next_due},
                            {"last_success", s.last_success.value_or("")},
                            {"last_error", s.last_error.value_or("")},
                            {"failures", s.failures},
                            {"articles", s.articles},
                            {"failing", s.failing}};
        std::printf("%s\n", j.dump().c_str());
      } else {
        std::printf("%s  %s  every %llds  last ok %s  articles %lld%s%s\n", s.url.c_str(),
                    s.name.c_str(), static_cast<long long>(s.every_seconds),
                    s.last_success.value_or("never").c_str(), static_cast<long long>(s.articles),
                    s.last_error ? ("  last error: " + *s.last_error).c_str() : "",
                    s.failing ? "  FAILING" : "");
      }
    }
    (void)list;
    return kExitOk;
  };
}

Runner RegisterCrawl(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string warc_dir = "warc", replay, user_agent = "veille/0.1", contact;
    double delay = 1.0;
    size_t parallel = 8;
    int retries = 3;
    long timeout = 60;
    bool daemon = false, quiet = false, no_entities = false, no_quotes = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--warc-dir", o->warc_dir, "Where the WARC files go")->capture_default_str();
  sub.add_option("--replay", o->replay, "Rebuild the archive from the WARC files of DIR")
      ->check(CLI::ExistingDirectory);
  sub.add_flag("--daemon", o->daemon, "Keep crawling as sources fall due (Ctrl-C stops)");
  sub.add_option("--delay", o->delay, "Seconds between two requests to one host")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  sub.add_option("--parallel", o->parallel, "Transfers at once over all hosts (one per host)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  sub.add_option("--retries", o->retries, "Tries again after a timeout, 429 or 5xx")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  sub.add_option("--timeout", o->timeout, "Seconds for one whole transfer")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  sub.add_option("--user-agent", o->user_agent, "User-Agent product token")->capture_default_str();
  sub.add_option("--contact", o->contact, "Contact URL added to the User-Agent");
  sub.add_flag("--quiet,-q", o->quiet, "No per-URL problems on stderr");
  sub.add_flag("--no-entities", o->no_entities, "Skip entity recognition when ingesting");
  sub.add_flag("--no-quotes", o->no_quotes, "Skip quote extraction when ingesting");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadWrite);
    if (!archive.ok()) return Fail(archive.error());
    std::signal(SIGINT, OnCrawlSignal);
    std::signal(SIGTERM, OnCrawlSignal);
    bool problems = false;
    ProblemFn on_problem = [&](const Diagnostic& d) {
      problems = problems || d.severity == Diagnostic::Severity::kError;
      if (!o->quiet) std::fprintf(stderr, "%s: %s\n", d.where.c_str(), d.message.c_str());
    };
    if (!o->replay.empty()) {
      IngestOptions io;
      io.inputs = {o->replay};
      io.stop = &g_stop;
      io.entities = !o->no_entities;
      io.quotes = !o->no_quotes;
      auto s = Ingest(**archive, io, on_problem, nullptr);
      if (!s.ok()) return Fail(s.error());
      std::printf("%s\n", FormatSummary(*s).c_str());
      return g_stop ? kExitInterrupted : kExitOk;
    }
    CrawlOptions co;
    co.warc_dir = o->warc_dir;
    co.user_agent = o->user_agent;
    co.contact_url = o->contact;
    co.host_delay_seconds = o->delay;
    co.max_parallel = o->parallel;
    co.max_retries = o->retries;
    co.transfer_timeout_ms = o->timeout * 1000;
    co.stop = &g_stop;
    // Progress on a terminal: one line, rewritten at most 5 times a second.
    const bool tty = isatty(fileno(stderr));
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    bool shown = false;
    if (tty) {
      co.progress = [&](const CrawlProgress& p) {
        auto now = std::chrono::steady_clock::now();
        if (!p.ingesting && now - last < std::chrono::milliseconds(200)) return;
        last = now;
        shown = true;
        if (p.ingesting) {
          std::fprintf(stderr, "\r\033[Ksources %llu/%llu, fetched %llu, errors %llu: ingesting\n",
                       static_cast<unsigned long long>(p.sources_done),
                       static_cast<unsigned long long>(p.sources_due),
                       static_cast<unsigned long long>(p.fetched),
                       static_cast<unsigned long long>(p.errors));
          shown = false;
        } else {
          std::fprintf(stderr,
                       "\r\033[Ksources %llu/%llu, fetched %llu, running %llu, queued %llu, "
                       "errors %llu",
                       static_cast<unsigned long long>(p.sources_done),
                       static_cast<unsigned long long>(p.sources_due),
                       static_cast<unsigned long long>(p.fetched),
                       static_cast<unsigned long long>(p.running),
                       static_cast<unsigned long long>(p.queued),
                       static_cast<unsigned long long>(p.errors));
        }
        std::fflush(stderr);
      };
    }
    (void)shown;
    co.ingest.entities = !o->no_entities;
    co.ingest.quotes = !o->no_quotes;
    do {
      auto s = CrawlRound(**archive, co, on_problem);
      if (!s.ok()) return Fail(s.error());
      std::printf("%s\n", FormatCrawlSummary(*s).c_str());
      std::fflush(stdout);
      for (int i = 0; o->daemon && i < 50 && !g_stop; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (o->daemon && !g_stop);
    return g_stop ? kExitInterrupted : kExitOk;
  };
}

}  // namespace veille::cli
