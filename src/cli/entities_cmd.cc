// entities_cmd.cc: `veille entities`, `veille entity NAME`, `veille quotes`,
// `veille eval-ner`, `veille tag-ner`.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "veille/archive.h"
#include "veille/entities.h"
#include "veille/export.h"
#include "veille/utf8.h"

namespace veille::cli {
namespace {

using nlohmann::json;

json Nul(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

std::optional<std::string> Opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

json PairsJson(const std::vector<std::pair<std::string, uint64_t>>& v, const char* k,
               const char* n) {
  json a = json::array();
  for (auto& [key, count] : v) a.push_back({{k, key}, {n, count}});
  return a;
}

}  // namespace

Runner RegisterEntities(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string type, since, until;
    size_t top = 20;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--type", o->type, "PER, LOC or ORG")->check(CLI::IsMember({"PER", "LOC", "ORG"}));
  sub.add_option("--top", o->top, "How many")->capture_default_str()->check(CLI::Range(1, 10000));
  sub.add_option("--since", o->since, "Only mentions in articles dated on or after YYYY[-MM[-DD]]");
  sub.add_option("--until", o->until,
                 "Only mentions in articles dated on or before YYYY[-MM[-DD]]");
  sub.add_flag("--json", o->json, "Print JSON");
  return [o, &common]() -> int {
    for (auto* d : {&o->since, &o->until})
      if (!d->empty() && !IsValidDate(*d))
        return Fail(Error::InvalidArgument("invalid date '" + *d + "'"));
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    EntityQuery q{Opt(o->type), Opt(o->since), Opt(o->until), o->top};
    auto r = (*archive)->Entities(q);
    if (!r.ok()) return Fail(r.error());
    if (o->json) {
      json a = json::array();
      for (auto& e : *r)
        a.push_back({{"name", e.name},
                     {"type", e.type},
                     {"articles", e.articles},
                     {"mentions", e.mentions}});
      std::printf("%s\n", json({{"entities", a}}).dump().c_str());
      return kExitOk;
    }
    std::printf("%-40s %-4s %8s %8s\n", "entity", "type", "articles", "mentions");
    for (auto& e : *r)
      std::printf("%s %-4s %8llu %8llu\n", PadRight(e.name, 40).c_str(), e.type.c_str(),
                  (unsigned long long)e.articles, (unsigned long long)e.mentions);
    return kExitOk;
  };
}

Runner RegisterEntity(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string name;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("name", o->name, "Entity name or alias (Poutine, Putin, Kaboul ...)")->required();
  sub.add_flag("--json", o->json, "Print JSON");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto r = (*archive)->Entity(o->name);
    if (!r.ok()) return Fail(r.error());
    const EntityDetail& d = *r;
    if (o->json) {
      json co = json::array();
      for (auto& e : d.cooccurring)
        co.push_back({{"name", e.name}, {"type", e.type}, {"articles", e.articles}});
      json j = {{"name", d.entity.name},
                {"type", d.entity.type},
                {"articles", d.entity.articles},
                {"mentions", d.entity.mentions},
                {"aliases", PairsJson(d.aliases, "alias", "mentions")},
                {"types", PairsJson(d.types, "type", "mentions")},
                {"roles", PairsJson(d.roles, "role", "mentions")},
                {"first_date", Nul(d.first_date)},
                {"last_date", Nul(d.last_date)},
                {"timeline", PairsJson(d.timeline, "month", "mentions")},
                {"cooccurring", co}};
      std::printf("%s\n", j.dump().c_str());
      return kExitOk;
    }
    std::printf("%s (%s): %llu articles, %llu mentions, %s .. %s\n", d.entity.name.c_str(),
                d.entity.type.c_str(), (unsigned long long)d.entity.articles,
                (unsigned long long)d.entity.mentions, d.first_date.value_or("?").c_str(),
                d.last_date.value_or("?").c_str());
    std::string aliases;
    for (auto& [a, n] : d.aliases)
      aliases += fmt::format("{}{} ({})", aliases.empty() ? "" : ", ", a, n);
    std::printf("aliases: %s\n", aliases.c_str());
    if (!d.roles.empty()) {
      std::string roles;
      for (auto& [a, n] : d.roles)
        roles += fmt::format("{}{} ({})", roles.empty() ? "" : ", ", a, n);
      std::printf("roles: %s\n", roles.c_str());
    }
    std::printf("with:\n");
    for (auto& e : d.cooccurring)
      std::printf("  %s %-4s %llu articles\n", PadRight(e.name, 40).c_str(), e.type.c_str(),
                  (unsigned long long)e.articles);
    return kExitOk;
  };
}

Runner RegisterQuotes(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string speaker, about, since, until;
    size_t limit = 20, offset = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--speaker", o->speaker, "Speaker name, alias or role");
  sub.add_option("--about", o->about, "Words in the quote (search syntax)");
  sub.add_option("--since", o->since, "Articles dated on or after YYYY[-MM[-DD]]");
  sub.add_option("--until", o->until, "Articles dated on or before YYYY[-MM[-DD]]");
  sub.add_option("--limit,-n", o->limit, "How many")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  sub.add_option("--offset", o->offset, "Skip this many")->check(CLI::Range(0, 10000000));
  sub.add_flag("--json", o->json, "Print JSON");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    QuoteQuery q{Opt(o->speaker), Opt(o->about), Opt(o->since), Opt(o->until), o->limit, o->offset};
    size_t total = 0;
    auto r = (*archive)->Quotes(q, &total);
    if (!r.ok()) return Fail(r.error());
    if (o->json) {
      json a = json::array();
      for (auto& s : *r) {
        json j = QuoteJson(s.quote);
        j["article"] = s.article_id;
        j["title"] = Nul(s.title);
        j["date"] = Nul(s.date);
        j["outlet"] = Nul(s.outlet);
        a.push_back(std::move(j));
      }
      std::printf("%s\n", json({{"total", total}, {"quotes", a}}).dump().c_str());
      return kExitOk;
    }
    std::printf("%zu quotes\n", total);
    for (auto& s : *r) {
      std::string who = SpeakerLabel(s.quote);
      std::printf("\n%s, %s (%s, %s%s%s)\n  « %s »\n", who.c_str(), s.quote.cue.c_str(),
                  s.article_id.c_str(), s.date.value_or("undated").c_str(), s.outlet ? ", " : "",
                  s.outlet.value_or("").c_str(), s.quote.text.c_str());
    }
    return kExitOk;
  };
}

namespace {

Runner RegisterNerFile(CLI::App& sub, bool eval) {
  struct Opts {
    std::string format = "conllu", file;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--format", o->format, "conllu, bio or hipe")
      ->capture_default_str()
      ->check(CLI::IsMember({"conllu", "bio", "hipe"}));
  sub.add_option("file", o->file, "Tagged file")->required()->check(CLI::ExistingFile);
  return [o, eval]() -> int {
    auto fmt = ParseTagFormat(o->format);
    if (!fmt.ok()) return Fail(fmt.error());
    auto data = ReadTaggedFile(o->file, *fmt);
    if (!data.ok()) return Fail(data.error());
    auto tagger = LoadDefaultTagger(DataDir());
    if (!tagger.ok()) return Fail(tagger.error());
    auto tags = (*tagger)->TagStream(*data);
    if (eval) {
      SpanScore score;
      for (size_t i = 0; i < data->size(); ++i) score.Add((*data)[i].tags, tags[i]);
      std::printf("%s", score.Report().c_str());
      return kExitOk;
    }
    std::string out;
    for (size_t s = 0; s < data->size(); ++s) {
      for (size_t i = 0; i < (*data)[s].tokens.size(); ++i) {
        out += (*data)[s].tokens[i];
        out += '\t';
        out += TagName(tags[s][i]);
        out += '\n';
      }
      out += '\n';
      if (out.size() > (1 << 16)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return kExitOk;
  };
}

}  // namespace

Runner RegisterEvalNer(CLI::App& sub, const Common&) { return RegisterNerFile(sub, true); }
Runner RegisterTagNer(CLI::App& sub, const Common&) { return RegisterNerFile(sub, false); }

}  // namespace veille::cli
