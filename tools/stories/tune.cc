// veille-stories-tune: scores story clustering models against gold files
// without ingesting again.
//
//   veille-stories-tune --db ARCHIVE --gold DEV.json [--gold HELDOUT.json]
//                       [--set name=value ...] [--grid name=v1,v2,... ...]
//
// Reads every stored article of ARCHIVE once, in row order (the order an
// ingest stored them), computes its story features as the ingest stage does
// (terms analysed again from the stored title and text, the stored entity
// mentions, the date), then for each model of the grid (data/stories/model.tsv
// with --set and one value per --grid name) clusters them in memory in that
// order, near-duplicates the reuse stage recorded joining their original's
// story, exact duplicates their original's, and prints BCubed and pairwise F1
// per gold file. Tune on the development gold only; read the held-out one
// to check the choice.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "archive/db.h"
#include "veille/archive.h"
#include "veille/stories.h"
#include "veille/text.h"

using namespace veille;

namespace {

int Fail(const std::string& m) {
  std::fprintf(stderr, "veille-stories-tune: %s\n", m.c_str());
  return 1;
}

struct Item {
  int64_t rowid = 0;
  std::string id;
  std::optional<std::string> duplicate_of;
  stories::ArticleFeatures f;
  std::vector<int64_t> copies;
};

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::vector<std::string> golds, sets, grids;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--db")
      db = next();
    else if (a == "--gold")
      golds.push_back(next());
    else if (a == "--set")
      sets.push_back(next());
    else if (a == "--grid")
      grids.push_back(next());
    else
      return Fail("unknown argument " + a);
  }
  if (db.empty() || golds.empty()) return Fail("usage: --db ARCHIVE --gold GOLD.json ...");
  std::vector<stories::GoldClustering> gold;
  for (const auto& g : golds) {
    std::ifstream in(g);
    std::stringstream ss;
    ss << in.rdbuf();
    auto p = stories::ParseGold(ss.str());
    if (!p.ok()) return Fail(g + ": " + p.error().message);
    gold.push_back(std::move(p).value());
  }
  auto base = stories::StoryModel::LoadDefault();
  if (!base.ok()) return Fail(base.error().message);
  auto parse_set = [](const std::string& s, std::string* name, std::string* values) {
    auto eq = s.find('=');
    if (eq == std::string::npos) return false;
    *name = s.substr(0, eq);
    *values = s.substr(eq + 1);
    return true;
  };
  for (const auto& s : sets) {
    std::string n, v;
    if (!parse_set(s, &n, &v)) return Fail("--set name=value: " + s);
    if (auto st = base->Set(n, std::stod(v)); !st.ok()) return Fail(st.error().message);
  }
  std::vector<std::pair<std::string, std::vector<double>>> axes;
  for (const auto& g : grids) {
    std::string n, v;
    if (!parse_set(g, &n, &v)) return Fail("--grid name=v1,v2: " + g);
    std::vector<double> values;
    std::stringstream vs(v);
    for (std::string x; std::getline(vs, x, ',');) values.push_back(std::stod(x));
    axes.emplace_back(n, values);
  }

  auto archive = Archive::Open(db, OpenMode::kReadOnly);
  if (!archive.ok()) return Fail(archive.error().message);
  Archive& ar = **archive;
  std::vector<std::pair<int64_t, std::string>> order;
  {
    sql::Stmt st(ar.db(), "SELECT rowid, id FROM articles ORDER BY rowid");
    while (st.Step() == sql::kRow) order.emplace_back(st.Int(0), st.Text(1));
  }
  std::fprintf(stderr, "features of %zu articles...\n", order.size());
  std::vector<Item> items;
  items.reserve(order.size());
  for (const auto& [rowid, id] : order) {
    auto s = ar.Get(id);
    if (!s.ok()) return Fail(id + ": " + s.error().message);
    Item it;
    it.rowid = rowid;
    it.id = id;
    it.duplicate_of = s->duplicate_of;
    if (!it.duplicate_of) {
      Article a;
      a.raw.id = id;
      a.raw.title = s->title;
      a.clean.text = s->text;
      a.analysis.language = s->language;
      a.analysis.date = s->date;
      a.analysis.outlet = s->outlet;
      a.entities = s->entities;
      it.f = stories::ComputeFeatures(a, ar.analyzer());
      auto copies = ar.NearDuplicatesOf(rowid);
      if (!copies.ok()) return Fail(copies.error().message);
      for (int64_t c : *copies)
        if (c < rowid) it.copies.push_back(c);
    }
    items.push_back(std::move(it));
  }

  std::vector<size_t> at(axes.size(), 0);
  for (;;) {
    stories::StoryModel m = *base;
    std::string label;
    for (size_t i = 0; i < axes.size(); ++i) {
      (void)m.Set(axes[i].first, axes[i].second[at[i]]);
      label += axes[i].first + "=" + std::to_string(axes[i].second[at[i]]).substr(0, 6) + " ";
    }
    stories::OnlineClusterer c(m, nullptr, 0, 1);
    std::unordered_map<std::string, int64_t> story_of, by_id;
    for (const Item& it : items) {
      if (it.duplicate_of) continue;
      auto r = c.Add(it.rowid, it.f, it.copies);
      if (!r.ok()) return Fail(r.error().message);
      story_of[it.id] = r->story;
    }
    for (const Item& it : items)
      if (it.duplicate_of)
        if (auto o = story_of.find(*it.duplicate_of); o != story_of.end())
          story_of[it.id] = o->second;
    std::printf("%s", label.c_str());
    for (size_t g = 0; g < gold.size(); ++g) {
      auto r = stories::ScoreClustering(gold[g], story_of);
      std::printf(" | %s B3 P %.3f R %.3f F1 %.4f  pairs P %.3f R %.3f F1 %.4f",
                  golds[g].substr(golds[g].rfind('/') + 1).c_str(), r.bcubed_precision,
                  r.bcubed_recall, r.bcubed_f1, r.pairwise_precision, r.pairwise_recall,
                  r.pairwise_f1);
    }
    std::printf("\n");
    std::fflush(stdout);
    size_t k = 0;
    while (k < axes.size() && ++at[k] == axes[k].second.size()) at[k++] = 0;
    if (k == axes.size()) break;
  }
  return 0;
}
