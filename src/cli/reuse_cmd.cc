// reuse_cmd.cc: `veille dupes` and `veille reuse`.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "veille/archive.h"

namespace veille::cli {
namespace {

using nlohmann::json;

json Nul(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// Splits `s` into lines of at most `width` bytes at spaces (UTF-8 safe:
// never inside a multi-byte character).
std::vector<std::string> Wrap(const std::string& s, size_t width) {
  std::vector<std::string> out;
  std::string line, word;
  auto flush_word = [&] {
    if (word.empty()) return;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    word.clear();
  };
  for (char c : s) {
    if (c == ' ' || c == '\n') {
      flush_word();
    } else {
      word += c;
    }
  }
  flush_word();
  if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

Runner RegisterDupes(CLI::App& sub, const Common& common) {
  struct Opts {
    double min_sim = 0.8;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--min-sim", o->min_sim, "Word-level similarity threshold (0..1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  sub.add_flag("--json", o->json, "Print JSON");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto groups = (*archive)->NearDuplicateGroups(o->min_sim);
    if (!groups.ok()) return Fail(groups.error());
    if (o->json) {
      json a = json::array();
      for (auto& g : *groups) {
        json m = json::array();
        for (auto& [id, sim] : g.members) m.push_back({{"id", id}, {"similarity", sim}});
        a.push_back({{"representative", g.representative}, {"members", m}});
      }
      std::printf("%s\n", json({{"groups", a}}).dump().c_str());
      return kExitOk;
    }
    std::printf("%zu near-duplicate groups (similarity >= %.2f)\n", groups->size(), o->min_sim);
    for (auto& g : *groups) {
      std::printf("\n%s (%zu articles)\n", g.representative.c_str(), g.members.size());
      for (auto& [id, sim] : g.members)
        if (id != g.representative) std::printf("  %-40s %.2f\n", id.c_str(), sim);
    }
    return kExitOk;
  };
}

Runner RegisterReuse(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string article, outlet;
    size_t limit = 20;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--article", o->article, "Passages of this article");
  sub.add_option("--outlet", o->outlet, "Passages involving this outlet");
  sub.add_option("--limit,-n", o->limit, "How many")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  sub.add_flag("--json", o->json, "Print JSON");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); };
    auto rows = (*archive)->Reuse(opt(o->article), opt(o->outlet), o->limit);
    if (!rows.ok()) return Fail(rows.error());
    if (o->json) {
      json a = json::array();
      for (auto& r : *rows)
        a.push_back({{"a", r.a},
                     {"b", r.b},
                     {"a_outlet", Nul(r.a_outlet)},
                     {"b_outlet", Nul(r.b_outlet)},
                     {"a_date", Nul(r.a_date)},
                     {"b_date", Nul(r.b_date)},
                     {"first", r.direction > 0   ? json("a")
                               : r.direction < 0 ? json("b")
                                                 : json(nullptr)},
                     {"a_start", r.a_begin},
                     {"a_end", r.a_end},
                     {"b_start", r.b_begin},
                     {"b_end", r.b_end},
                     {"words", r.words},
                     {"similarity", r.similarity},
                     {"a_text", r.a_text},
                     {"b_text", r.b_text}});
      std::printf("%s\n", json({{"passages", a}}).dump().c_str());
      return kExitOk;
    }
    std::printf("%zu reused passages\n", rows->size());
    const size_t w = 58;
    for (auto& r : *rows) {
      const char* arrow = r.direction > 0 ? "->" : r.direction < 0 ? "<-" : "==";
      std::printf("\n%s (%s, %s) %s %s (%s, %s): %u words, similarity %.2f\n", r.a.c_str(),
                  r.a_outlet.value_or("?").c_str(), r.a_date.value_or("undated").c_str(), arrow,
                  r.b.c_str(), r.b_outlet.value_or("?").c_str(),
                  r.b_date.value_or("undated").c_str(), r.words, r.similarity);
      auto la = Wrap(r.a_text, w), lb = Wrap(r.b_text, w);
      for (size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
        std::string left = i < la.size() ? la[i] : "";
        std::printf("  %s%s | %s\n", left.c_str(),
                    std::string(w - std::min(w, DisplayWidth(left)), ' ').c_str(),
                    i < lb.size() ? lb[i].c_str() : "");
      }
    }
    return kExitOk;
  };
}

}  // namespace veille::cli
