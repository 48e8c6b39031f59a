// framing.cc: how each outlet tells a story (see veille/stories.h).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "veille/stories.h"

namespace veille::stories {
namespace {

using Counts = std::map<std::string, uint32_t>;

std::vector<std::pair<std::string, uint32_t>> Top(const Counts& c, size_t n) {
  std::vector<std::pair<std::string, uint32_t>> v(c.begin(), c.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

std::string OutletName(const std::string& s) { return s.empty() ? "(unknown)" : s; }

}  // namespace

std::vector<OutletFraming> Framing(const std::vector<FramingArticle>& articles,
                                   const std::vector<FramingPassage>& passages,
                                   const std::unordered_map<std::string, uint64_t>& background,
                                   const FramingOptions& o) {
  // Outlets in order of their first article (date, then id).
  std::vector<const FramingArticle*> order;
  for (const auto& a : articles) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    if (a->date.empty() != b->date.empty()) return b->date.empty();
    return a->date != b->date ? a->date < b->date : a->id < b->id;
  });
  std::vector<std::string> outlets;
  std::map<std::string, size_t> index;
  std::map<std::string, std::string> outlet_of;  // article id -> outlet
  for (const auto* a : order) {
    const std::string name = OutletName(a->outlet);
    outlet_of[a->id] = name;
    if (index.emplace(name, outlets.size()).second) outlets.push_back(name);
  }
  const size_t k = outlets.size();
  std::vector<OutletFraming> out(k);
  std::vector<Counts> speakers(k), entities(k), terms(k), flags(k);
  std::map<std::string, std::set<size_t>> entity_outlets;
  std::vector<uint64_t> words(k, 0);
  Counts all_terms;
  uint64_t all_words = 0;
  for (const auto* a : order) {
    const size_t i = index.at(OutletName(a->outlet));
    OutletFraming& f = out[i];
    f.outlet = outlets[i];
    if (f.articles++ == 0) {
      f.first_article = a->id;
      f.first_date = a->date;
    }
    for (const auto& s : a->speakers) ++speakers[i][s];
    for (const auto& e : a->entities) {
      ++entities[i][e];
      entity_outlets[e].insert(i);
    }
    for (const auto& t : a->terms) {
      ++terms[i][t];
      ++all_terms[t];
    }
    words[i] += a->terms.size();
    all_words += a->terms.size();
    for (const auto& fl : a->flags) ++flags[i][fl];
  }
  // Prior: alpha_w proportional to the background count, total prior_mass
  // (the story's own counts when there is no background).
  double bg_total = 0;
  auto bg = [&](const std::string& t) -> double {
    if (background.empty()) {
      auto it = all_terms.find(t);
      return it == all_terms.end() ? 0.0 : it->second;
    }
    auto it = background.find(t);
    return it == background.end() ? 0.0 : static_cast<double>(it->second);
  };
  if (background.empty()) {
    bg_total = static_cast<double>(all_words);
  } else {
    for (const auto& [t, c] : all_terms) bg_total += bg(t);
  }
  for (size_t i = 0; i < k; ++i) {
    OutletFraming& f = out[i];
    f.speakers = Top(speakers[i], o.top);
    Counts own;
    for (const auto& [e, c] : entities[i])
      if (k > 1 && entity_outlets[e].size() == 1) own[e] = c;
    f.own_entities = Top(own, o.top);
    f.flags = Top(flags[i], o.top);
    if (k < 2 || bg_total <= 0) continue;
    const double ni = static_cast<double>(words[i]);
    const double nj = static_cast<double>(all_words - words[i]);
    const double a0 = o.prior_mass;
    for (const auto& [t, yi_count] : terms[i]) {
      if (yi_count < o.min_count) continue;
      const double a = std::max(a0 * bg(t) / bg_total, 1e-3);
      const double yi = yi_count;
      const double yj = static_cast<double>(all_terms.at(t)) - yi;
      const double di = std::log((yi + a) / (ni + a0 - yi - a));
      const double dj = std::log((yj + a) / (nj + a0 - yj - a));
      const double z = (di - dj) / std::sqrt(1 / (yi + a) + 1 / (yj + a));
      if (z >= o.min_z) f.distinctive.push_back({t, z, yi_count});
    }
    std::sort(f.distinctive.begin(), f.distinctive.end(), [](const auto& a, const auto& b) {
      return a.z != b.z ? a.z > b.z : a.term < b.term;
    });
    if (f.distinctive.size() > o.top) f.distinctive.resize(o.top);
  }
  // Passages shared across outlets, and who had them first.
  std::vector<std::map<std::string, OutletFraming::Shared>> shared(k);
  for (const auto& p : passages) {
    auto ia = outlet_of.find(p.a), ib = outlet_of.find(p.b);
    if (ia == outlet_of.end() || ib == outlet_of.end() || ia->second == ib->second) continue;
    const size_t a = index.at(ia->second), b = index.at(ib->second);
    for (int side = 0; side < 2; ++side) {
      const size_t me = side == 0 ? a : b, other = side == 0 ? b : a;
      const int dir = side == 0 ? p.direction : -p.direction;
      OutletFraming::Shared& s = shared[me][outlets[other]];
      s.other_outlet = outlets[other];
      ++s.passages;
      s.words += p.words;
      if (dir > 0) {
        ++s.first;
      } else if (dir < 0) {
        ++s.other_first;
      } else {
        ++s.unknown;
      }
      if (s.example.empty()) s.example = p.text;
    }
  }
  for (size_t i = 0; i < k; ++i) {
    for (auto& [name, s] : shared[i]) out[i].shared.push_back(std::move(s));
    std::stable_sort(out[i].shared.begin(), out[i].shared.end(),
                     [](const auto& a, const auto& b) { return a.passages > b.passages; });
  }
  return out;
}

}  // namespace veille::stories
