// main.cc: the `veille` command line; dispatches to one file per subcommand.
#include <cstdio>
#include <map>

#include "cli/cli.h"

namespace veille::cli {

int ExitCodeFor(const Error& e) {
  switch (e.code) {
    case Error::Code::kInvalidArgument: return kExitUsage;
    case Error::Code::kNotFound: return kExitNotFound;
    case Error::Code::kBadInput: return kExitBadInput;
    case Error::Code::kIo:
    case Error::Code::kDatabase:
    case Error::Code::kInternal: return kExitFailure;
  }
  return kExitFailure;
}

int Fail(const Error& e) {
  std::fprintf(stderr, "veille: %s\n", e.message.c_str());
  return ExitCodeFor(e);
}

}  // namespace veille::cli

int main(int argc, char** argv) {
  using namespace veille::cli;
  CLI::App app{"Veille: turns a folder of news articles into a searchable archive.", "veille"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "veille 0.1.0");
  Common common;
  struct Cmd {
    const char* name;
    const char* help;
    Runner (*reg)(CLI::App&, const Common&);
  };
  const Cmd cmds[] = {
      {"ingest", "Read, clean, analyse and store articles from files or folders", RegisterIngest},
      {"search", "Full-text search: words, \"phrases\", OR, -exclusion, prefix*", RegisterSearch},
      {"show", "Show one article: metadata, clean text, removed lines", RegisterShow},
      {"stats", "Archive statistics", RegisterStats},
      {"export", "Export every article as JSON lines", RegisterExport},
      {"eval", "Score the archive against a gold file", RegisterEval},
      {"entities", "People, places and organisations, most frequent first", RegisterEntities},
      {"entity", "One entity: aliases, counts, dates, co-occurring entities", RegisterEntity},
      {"quotes", "Who said what: quotations by speaker or words", RegisterQuotes},
      {"eval-ner", "Score the entity tagger on a CoNLL-U, BIO or HIPE file", RegisterEvalNer},
      {"tag-ner", "Tag the tokens of a CoNLL-U, BIO or HIPE file", RegisterTagNer},
      {"dupes", "Near-duplicate groups (the same dispatch, edited)", RegisterDupes},
      {"reuse", "Passages reused between articles, side by side", RegisterReuse},
      {"serve", "HTTP JSON API and web UI over the archive", RegisterServe},
      {"users", "Accounts that may use `veille serve`: add, list, remove", RegisterUsers},
      {"tokens", "API tokens of the accounts: create, list, revoke", RegisterTokens},
      {"audit", "Who searched, read or changed what, and when", RegisterAudit},
      {"extract", "Main text and metadata of HTML pages, without an archive", RegisterExtract},
      {"eval-extract", "Score HTML extraction on a benchmark folder", RegisterEvalExtract},
      {"timex", "Time expressions of a text, normalised against its date", RegisterTimex},
      {"eval-time", "Score time expressions against a TimeML corpus (French TimeBank)",
       RegisterEvalTime},
      {"sources", "The feeds, sitemaps and pages a crawl follows: add, list, remove, import",
       RegisterSources},
      {"crawl", "Fetch the sources that are due, keep WARC files, ingest what is new",
       RegisterCrawl},
      {"reindex", "Index every stored article again (after an upgrade that says so)",
       RegisterReindex},
      {"stories", "Stories: articles on the same event, largest or newest first", RegisterStories},
      {"story", "One story: its articles over time; --by-outlet: how each outlet tells it",
       RegisterStory},
      {"eval-stories", "Score the archive's stories against a gold clustering (BCubed, pairwise)",
       RegisterEvalStories},
      {"events", "Dated events (who took, left, attacked what), merged across articles",
       RegisterEvents},
      {"timeline", "The dated events of a search or an entity, in date order, with reports",
       RegisterTimeline},
  };
  std::map<CLI::App*, Runner> runners;
  for (const auto& c : cmds) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    sub->add_option("--db", common.db, "Archive file")->capture_default_str();
    runners[sub] = c.reg(*sub, common);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, run] : runners)
    if (sub->parsed()) return run();
  return kExitUsage;
}
