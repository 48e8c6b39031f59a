// crawl_round.cc: one crawl round over many local sources (veille-crawl-bench).
//
// A child process serves `--hosts` fixture sites on 127.0.0.1 (one port
// each), with `--sources` RSS feeds in all, each listing `--items` article
// pages of their own (texts made from a seeded word list, so that pages are
// neither alike nor near-duplicates). The parent adds the feeds as sources
// to a new archive and runs one CrawlRound with the per-host delay turned
// down (--delay, default 0) and every ingest stage on, then prints the wall
// time, what the round fetched and stored, and its own peak memory (the
// servers are in the other process). See docs/benchmarks.md ("Crawl").
#include <fmt/format.h>
#include <httplib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "veille/crawler.h"
#include "veille/sources.h"

namespace {

using veille::Archive;
using veille::OpenMode;

const char* kWords[] = {
    "conseil",  "municipal", "budget",    "école",      "route",      "hausse",    "taxe",
    "famille",  "commune",   "piscine",   "projet",     "vote",       "débat",     "habitant",
    "quartier", "marché",    "entreprise", "salarié",   "usine",      "grève",     "syndicat",
    "port",     "cargo",     "quai",      "récolte",    "blé",        "prix",      "agriculteur",
    "tempête",  "pluie",     "rivière",   "pont",       "travaux",    "mairie",    "préfet",
    "tribunal", "juge",      "enquête",   "police",     "gendarmerie", "incendie", "forêt",
    "hôpital",  "médecin",   "patient",   "urgence",    "collège",    "lycée",     "élève",
    "professeur", "train",   "gare",      "ligne",      "retard",     "voyageur",  "autoroute",
    "festival", "concert",   "musée",     "exposition", "théâtre",    "club",      "match",
    "saison",   "victoire",  "défaite",   "entraîneur", "joueur",     "stade",     "supporter",
    "a",        "ont",       "est",       "sont",       "sera",       "doit",      "peut",
    "annoncé",  "décidé",    "voté",      "reporté",    "ouvert",     "fermé",     "lancé",
    "le",       "la",        "les",       "un",         "une",        "des",       "du",
    "de",       "pour",      "avec",      "sans",       "après",      "avant",     "depuis",
    "mardi",    "jeudi",     "samedi",    "hier",       "demain",     "soir",      "matin",
    "nouveau",  "ancien",    "grand",     "petit",      "premier",    "dernier",   "local"};
const char* kFirst[] = {"Claire", "Paul",   "Nadia", "Julien", "Sophie", "Karim",
                        "Anne",   "Thomas", "Leïla", "Marc",   "Inès",   "Hugo"};
const char* kLast[] = {"Morand", "Lefèvre", "Benali", "Garnier", "Roux",   "Faure",
                       "Mercier", "Blanc",  "Chevalier", "Perrin", "Moulin", "Renaud"};
const char* kPlaces[] = {"Saint-Aubin", "Villeneuve", "Montclair", "Rochefière",
                         "Valmont",     "Pradelle",   "Les Aulnes", "Bourg-Lès-Eaux"};

std::string Sentence(std::mt19937& rng, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (i) s += ' ';
    s += kWords[rng() % (sizeof kWords / sizeof *kWords)];
  }
  s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s + ".";
}

std::string ArticlePage(int source, int item, const std::string& url) {
  std::mt19937 rng(static_cast<unsigned>(source * 1000003 + item));
  std::string who = std::string(kFirst[rng() % 12]) + " " + kLast[rng() % 12];
  std::string place = kPlaces[rng() % 8];
  std::string title = Sentence(rng, 7);
  title.pop_back();
  std::string html = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>" +
                     title + "</title><link rel=\"canonical\" href=\"" + url +
                     "\"><meta property=\"article:published_time\" content=\"2024-03-05T08:00:00"
                     "+01:00\"></head><body><nav><a href=\"/\">Accueil</a></nav><article><h1>" +
                     title + "</h1><p>À " + place + ", " + Sentence(rng, 18) + "</p>";
  html += "<p>« " + Sentence(rng, 14) + " », a déclaré " + who + " mardi.</p>";
  for (int p = 0; p < 5; ++p)
    html += "<p>" + Sentence(rng, 16) + " " + Sentence(rng, 12) + " " + Sentence(rng, 20) + "</p>";
  return html + "</article><footer>Le Journal " + std::to_string(source) + "</footer></body></html>";
}

struct Args {
  int hosts = 20, sources = 200, items = 50, parallel = 8;
  double delay = 0;
  std::string dir = "/tmp/veille-crawl-bench";
  bool entities = true, quotes = true;
};

// The servers: `hosts` ports; source s is /feed/s.xml on port s % hosts.
[[noreturn]] void Serve(const Args& a, int port_pipe) {
  std::vector<std::unique_ptr<httplib::Server>> servers;
  std::vector<std::thread> threads;
  for (int h = 0; h < a.hosts; ++h) {
    auto srv = std::make_unique<httplib::Server>();
    srv->new_task_queue = [] { return new httplib::ThreadPool(2); };
    srv->set_tcp_nodelay(true);  // else delayed ACKs add 40 ms to each answer
    // gzip, as most news sites send: this server's brotli encoder (at its
    // highest quality) would be the benchmark's bottleneck, not the crawl.
    srv->set_pre_routing_handler([](const httplib::Request& q, httplib::Response&) {
      auto& headers = const_cast<httplib::Request&>(q).headers;
      auto it = headers.find("Accept-Encoding");
      if (it != headers.end()) it->second = "gzip";
      return httplib::Server::HandlerResponse::Unhandled;
    });
    httplib::Server* s = srv.get();
    int port = s->bind_to_any_port("127.0.0.1");
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    s->Get("/robots.txt", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("User-agent: *\nDisallow: /private/\n", "text/plain");
    });
    s->Get(R"(/feed/(\d+)\.xml)", [a, base](const httplib::Request& q, httplib::Response& r) {
      int src = std::stoi(q.matches[1]);
      std::string x = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Journal " +
                      std::to_string(src) + "</title>";
      for (int i = 0; i < a.items; ++i) {
        std::string link = fmt::format("{}/a/{}/{}.html", base, src, i);
        x += "<item><title>Article " + std::to_string(i) + "</title><link>" + link + "</link><description>Le résumé de l’article " +
             std::to_string(i) + " du journal " + std::to_string(src) +
             ".</description><pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate></item>";
      }
      r.set_content(x + "</channel></rss>", "application/rss+xml");
    });
    s->Get(R"(/a/(\d+)/(\d+)\.html)", [base](const httplib::Request& q, httplib::Response& r) {
      r.set_content(ArticlePage(std::stoi(q.matches[1]), std::stoi(q.matches[2]), base + q.path),
                    "text/html; charset=utf-8");
    });
    if (write(port_pipe, &port, sizeof port) != sizeof port) std::_Exit(1);
    threads.emplace_back([s] { s->listen_after_bind(); });
    servers.push_back(std::move(srv));
  }
  for (auto& t : threads) t.join();
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--hosts") a.hosts = std::stoi(v);
    else if (k == "--sources") a.sources = std::stoi(v);
    else if (k == "--items") a.items = std::stoi(v);
    else if (k == "--parallel") a.parallel = std::stoi(v);
    else if (k == "--delay") a.delay = std::stod(v);
    else if (k == "--dir") a.dir = v;
    else if (k == "--entities") a.entities = v != "0";
    else if (k == "--quotes") a.quotes = v != "0";
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t child = fork();  // before any thread
  if (child == 0) {
    close(fds[0]);
    Serve(a, fds[1]);
  }
  close(fds[1]);
  std::vector<int> ports;
  for (int h = 0; h < a.hosts; ++h) {
    int port = 0;
    if (read(fds[0], &port, sizeof port) != sizeof port) return 1;
    ports.push_back(port);
  }
  std::filesystem::remove_all(a.dir);
  std::filesystem::create_directories(a.dir);
  const std::string db = a.dir + "/bench.db";
  int rc = 0;
  {
    auto archive = Archive::Open(db, OpenMode::kReadWrite);
    if (!archive.ok()) return 1;
    for (int s = 0; s < a.sources; ++s) {
      veille::SourceRecord src;
      src.url = fmt::format("http://127.0.0.1:{}/feed/{}.xml", ports[s % a.hosts], s);
      src.added_at = "2024-03-05T00:00:00Z";
      if (!AddSource(**archive, src).ok()) return 1;
    }
    veille::CrawlOptions o;
    o.warc_dir = a.dir + "/warc";
    o.host_delay_seconds = a.delay;
    o.max_parallel = static_cast<size_t>(a.parallel);
    o.max_links_per_source = static_cast<size_t>(a.items);
    o.ingest.entities = a.entities;
    o.ingest.quotes = a.quotes;
    uint64_t errors = 0;
    auto t0 = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point fetched_at;
    bool fetch_done = false;
    o.progress = [&](const veille::CrawlProgress& p) {
      if (p.ingesting && !fetch_done) {
        fetch_done = true;
        fetched_at = std::chrono::steady_clock::now();
      }
    };
    auto r = CrawlRound(**archive, o, [&](const veille::Diagnostic& d) {
      if (d.severity != veille::Diagnostic::Severity::kError) return;
      if (errors++ < 3) std::fprintf(stderr, "%s: %s\n", d.where.c_str(), d.message.c_str());
    });
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) {
      std::fprintf(stderr, "crawl failed: %s\n", r.error().message.c_str());
      rc = 1;
    } else {
      rusage ru{};
      getrusage(RUSAGE_SELF, &ru);
      const double total = std::chrono::duration<double>(t1 - t0).count();
      const double fetch = std::chrono::duration<double>(fetched_at - t0).count();
      std::printf(
          "hosts %d, sources %d x %d items, parallel %d, delay %.3f s, entities %s, quotes %s\n"
          "round: %.1f s (fetch %.1f s, ingest %.1f s); %s\n"
          "fetched %.0f responses/s; peak memory of the crawl %.0f MB; errors reported %llu\n",
          a.hosts, a.sources, a.items, a.parallel, a.delay, a.entities ? "on" : "off",
          a.quotes ? "on" : "off", total, fetch, total - fetch,
          veille::FormatCrawlSummary(*r).c_str(), r->fetched / std::max(fetch, 1e-9),
          ru.ru_maxrss / 1024.0, static_cast<unsigned long long>(errors));
    }
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  std::filesystem::remove_all(a.dir);
  return rc;
}
