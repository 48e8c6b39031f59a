// eval.cc: gold file -> per-component figures (see eval.h).
#include "veille/eval.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <sstream>

#include "veille/entities.h"
#include "veille/events.h"
#include "veille/quotes.h"

namespace veille {
namespace {

using nlohmann::json;

std::string Show(const std::optional<std::string>& s) { return s ? "\"" + *s + "\"" : "null"; }

std::optional<std::string> OptString(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Adds one comparison to `sec`.
void Check(EvalSection& sec, bool ok, const std::string& failure) {
  ++sec.total;
  if (ok) {
    ++sec.correct;
  } else {
    sec.failures.push_back(failure);
  }
}

std::string Key(std::string_view s) { return NormalizeForMatch(NormalizeForCompare(s)); }

// Names (canonical + aliases) and types (type + also) of a gold entity.
struct GoldEntity {
  std::string name;
  std::set<std::string> names;
  std::set<std::string> types;
  bool optional = false;
};

std::vector<GoldEntity> ReadGoldEntities(const json& list) {
  std::vector<GoldEntity> out;
  for (auto& e : list) {
    GoldEntity g;
    g.name = e.value("name", "");
    g.names.insert(Key(g.name));
    for (auto& a : e.value("aliases", json::array())) g.names.insert(Key(a.get<std::string>()));
    g.types.insert(e.value("type", ""));
    for (auto& t : e.value("also", json::array())) g.types.insert(t.get<std::string>());
    g.optional = e.value("optional", false);
    out.push_back(std::move(g));
  }
  return out;
}

// Entities: a predicted entity (all mentions sharing a canonical name) is
// right when its canonical name or one of its surface forms equals a gold
// name or alias, with a gold type.
void ScoreEntities(const std::string& id, const json& gold_list, const StoredArticle& a,
                   EvalSection* recall, EvalSection* precision, EvalSection* per_canonical) {
  std::vector<GoldEntity> gold = ReadGoldEntities(gold_list);
  struct Pred {
    std::string canonical;
    std::set<std::string> forms;
    std::set<std::string> types;
  };
  std::map<std::string, Pred> preds;
  for (const Mention& m : a.entities) {
    Pred& p = preds[Key(m.canonical)];
    p.canonical = m.canonical;
    p.forms.insert(Key(m.canonical));
    p.forms.insert(Key(m.text));
    p.types.insert(m.type);
  }
  auto matches = [](const GoldEntity& g, const Pred& p) {
    bool name = false, type = false;
    for (auto& f : p.forms) name |= g.names.count(f) > 0;
    for (auto& t : p.types) type |= g.types.count(t) > 0;
    return name && type;
  };
  for (auto& [key, p] : preds) {
    bool ok = false;
    for (auto& g : gold) ok |= matches(g, p);
    Check(*precision, ok, fmt::format("{}: unexpected entity {} ({})", id, p.canonical,
                                       *p.types.begin()));
  }
  for (auto& g : gold) {
    bool ok = false;
    const Pred* hit = nullptr;
    for (auto& [key, p] : preds)
      if (matches(g, p)) {
        ok = true;
        hit = &p;
      }
    if (g.optional && !ok) continue;
    Check(*recall, ok, fmt::format("{}: missed entity {}", id, g.name));
    if (g.types.count("PER") && *g.types.begin() == "PER" && !g.optional) {
      bool canonical = false;
      for (auto& [key, p] : preds) canonical |= key == Key(g.name) && p.types.count("PER");
      Check(*per_canonical, canonical,
            fmt::format("{}: person {} not found under its full name{}", id, g.name,
                        hit ? " (found as " + hit->canonical + ")" : ""));
    }
  }
}

// Quotes: a prediction matches a gold quote when it covers >= 80 % of the
// gold text; the speaker is right when it is the gold speaker or an alias.
void ScoreQuotes(const std::string& id, const json& gold_list, const json& gold_entities,
                 const StoredArticle& a, EvalSection* recall, EvalSection* precision,
                 EvalSection* speaker) {
  std::vector<GoldEntity> ents = ReadGoldEntities(gold_entities);
  std::vector<bool> pred_used(a.quotes.size(), false), pred_ignored(a.quotes.size(), false);
  for (auto& gq : gold_list) {
    std::string gtext = gq.value("text", "");
    bool ignore = gq.value("ignore", false);
    int best = -1;
    for (size_t i = 0; i < a.quotes.size(); ++i)
      if (QuoteOverlap(gtext, a.quotes[i].text) >= 0.8) {
        best = static_cast<int>(i);
        break;
      }
    if (ignore) {
      if (best >= 0) pred_ignored[best] = true;
      continue;
    }
    Check(*recall, best >= 0, fmt::format("{}: missed quote \"{}\"", id, gtext));
    if (best < 0) continue;
    pred_used[best] = true;
    auto gs = OptString(gq, "speaker");
    if (!gs) {
      // Only a role is given: naming nobody is right, so is the role.
      if (!gq.value("speaker_optional", false) && !gq.contains("speaker_role")) continue;
      const auto& ps = a.quotes[best].speaker;
      Check(*speaker, !ps || gq.value("speaker_optional", false),
            fmt::format("{}: \"{}\": expected no named speaker, got {}", id, gtext, Show(ps)));
      continue;
    }
    std::set<std::string> names = {Key(*gs)};
    for (auto& e : ents)
      if (e.names.count(Key(*gs))) names.insert(e.names.begin(), e.names.end());
    const auto& ps = a.quotes[best].speaker;
    bool ok = (ps && names.count(Key(*ps))) || (!ps && gq.value("speaker_optional", false));
    Check(*speaker, ok, fmt::format("{}: \"{}\": expected speaker {}, got {}", id, gtext, *gs, Show(ps)));
  }
  for (size_t i = 0; i < a.quotes.size(); ++i) {
    if (pred_ignored[i] && !pred_used[i]) continue;
    Check(*precision, pred_used[i], fmt::format("{}: unexpected quote \"{}\"", id, a.quotes[i].text));
  }
}

// Events: the article's reports grouped by merge action and target (a fall
// and a capture of one place are one event, events::MergeAction); only
// reports with a target count, as gold events are (actor, action, target).
// A gold event is found when a group has its action family and its target
// (compared like entity names); its actor is right when a report of the
// group names it (a gold actor null: any). A group that matches no gold
// event is a false positive.
void ScoreEvents(const std::string& id, const json& gold_list, const json& gold_entities,
                 const StoredArticle& a, EvalSection* recall, EvalSection* precision,
                 EvalSection* actor) {
  std::vector<GoldEntity> ents = ReadGoldEntities(gold_entities);
  auto names_of = [&](const std::string& name) {
    std::set<std::string> names = {Key(name)};
    for (auto& e : ents)
      if (e.names.count(Key(name))) names.insert(e.names.begin(), e.names.end());
    return names;
  };
  struct Group {
    std::string family, action, target;
    std::set<std::string> actors;
    bool used = false;
  };
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (const EventSpan& e : a.events) {
    if (e.target.empty()) continue;
    std::string family(events::MergeAction(e.action));
    Group& g = groups[{family, Key(e.target)}];
    g.family = family;
    g.target = e.target;
    if (g.action.empty() || e.action == "capture") g.action = e.action;
    if (!e.actor.empty()) g.actors.insert(Key(e.actor));
  }
  for (auto& ge : gold_list) {
    std::string action = ge.value("action", "");
    auto target = OptString(ge, "target");
    auto gactor = OptString(ge, "actor");
    std::set<std::string> tnames = target ? names_of(*target) : std::set<std::string>{};
    Group* hit = nullptr;
    for (auto& [k, g] : groups)
      if (g.family == events::MergeAction(action) && tnames.count(k.second)) hit = &g;
    Check(*recall, hit != nullptr,
          fmt::format("{}: missed event {} {} {}", id, Show(gactor), action, Show(target)));
    if (!hit) continue;
    hit->used = true;
    if (!gactor) continue;
    std::set<std::string> anames = names_of(*gactor);
    bool ok = false;
    for (auto& x : hit->actors) ok |= anames.count(x) > 0;
    Check(*actor, ok,
          fmt::format("{}: event {} {}: expected actor {}, got {}", id, action, *target, *gactor,
                      json(hit->actors).dump()));
  }
  for (auto& [k, g] : groups)
    Check(*precision, g.used,
          fmt::format("{}: unexpected event {} {} {}", id, json(g.actors).dump(), g.action,
                      g.target));
}

}  // namespace

bool EvalReport::all_pass() const {
  return std::all_of(sections.begin(), sections.end(),
                     [](const EvalSection& s) { return s.correct == s.total; });
}

std::string NormalizeForCompare(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  std::string in(s);
  if (U_SUCCESS(status)) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(in);
    icu::UnicodeString n = nfc->normalize(u, status);
    if (U_SUCCESS(status)) {
      in.clear();
      n.toUTF8String(in);
    }
  }
  std::string out;
  out.reserve(in.size());
  bool space = false;
  for (size_t i = 0; i < in.size();) {
    std::string_view rest(in.data() + i, in.size() - i);
    if (rest.starts_with("\u2019") || rest.starts_with("\u2018")) {
      out += '\'';
      i += 3;
      space = false;
      continue;
    }
    bool ws = false;
    size_t len = 1;
    if (rest.starts_with("\u00A0")) {
      ws = true;
      len = 2;
    } else if (rest.starts_with("\u202F") || rest.starts_with("\u2009")) {
      ws = true;
      len = 3;
    } else if (in[i] == ' ' || in[i] == '\t' || in[i] == '\n' || in[i] == '\r') {
      ws = true;
    }
    if (ws) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out.append(in, i, len);
    }
    i += len;
  }
  return out;
}

Result<EvalReport> Evaluate(Archive& archive, const std::string& gold_path) {
  std::ifstream in(gold_path);
  if (!in) return Error::NotFound("cannot read gold file " + gold_path);
  json gold = json::parse(in, nullptr, false);
  if (gold.is_discarded() || !gold.is_object())
    return Error::BadInput(gold_path + ": not a JSON object");
  EvalReport report;
  report.gold_path = gold_path;

  EvalSection found{"articles found"}, language{"language"}, title{"title"}, date{"date"},
      date_text{"date in text"}, outlet{"outlet"}, flags{"flags"},
      removed{"boilerplate removed"}, kept{"must_keep kept"};
  EvalSection ent_recall{"entity recall"}, ent_precision{"entity precision"},
      per_canonical{"person canonical name"}, quote_recall{"quote recall"},
      quote_precision{"quote precision"}, quote_speaker{"quote speaker"};
  EvalSection event_recall{"events found"}, event_precision{"event precision"},
      event_actor{"event actor"};
  const json articles = gold.value("articles", json::object());
  for (auto it = articles.begin(); it != articles.end(); ++it) {
    const std::string& id = it.key();
    const json& g = it.value();
    auto got = archive.Get(id);
    Check(found, got.ok(), id + ": not in the archive");
    if (!got.ok()) continue;
    const StoredArticle& a = *got;
    std::string text = NormalizeForCompare(a.text);
    if (auto l = OptString(g, "language"))
      Check(language, a.language == *l, fmt::format("{}: expected {}, got {}", id, *l, a.language));
    if (g.contains("title")) {
      auto exp = OptString(g, "title");
      bool ok = exp.has_value() == a.title.has_value() &&
                (!exp || NormalizeForCompare(*exp) == NormalizeForCompare(*a.title));
      Check(title, ok, fmt::format("{}: expected {}, got {}", id, Show(exp), Show(a.title)));
    }
    if (g.contains("date")) {
      auto exp = OptString(g, "date");
      Check(date, exp == a.date, fmt::format("{}: expected {}, got {}", id, Show(exp), Show(a.date)));
    }
    {
      auto exp = OptString(g, "date_in_text");
      Check(date_text, exp == a.date_in_text,
            fmt::format("{}: expected {}, got {}", id, Show(exp), Show(a.date_in_text)));
    }
    if (g.contains("outlet")) {
      auto exp = OptString(g, "outlet");
      Check(outlet, exp == a.outlet,
            fmt::format("{}: expected {}, got {}", id, Show(exp), Show(a.outlet)));
    }
    if (g.contains("flags")) {
      std::set<std::string> exp, have(a.flags.begin(), a.flags.end());
      for (auto& f : g["flags"])
        if (f.is_string()) exp.insert(f.get<std::string>());
      Check(flags, exp == have,
            fmt::format("{}: expected {}, got {}", id, json(exp).dump(), json(have).dump()));
    }
    for (auto& line : g.value("boilerplate", json::array())) {
      if (!line.is_string()) continue;
      std::string l = NormalizeForCompare(line.get<std::string>());
      Check(removed, text.find(l) == std::string::npos, id + ": still in clean text: " + l);
    }
    for (auto& line : g.value("must_keep", json::array())) {
      if (!line.is_string()) continue;
      std::string l = NormalizeForCompare(line.get<std::string>());
      Check(kept, text.find(l) != std::string::npos, id + ": lost from clean text: " + l);
    }
    if (g.contains("entities")) ScoreEntities(id, g["entities"], a, &ent_recall, &ent_precision, &per_canonical);
    if (g.contains("events"))
      ScoreEvents(id, g["events"], g.value("entities", json::array()), a, &event_recall,
                  &event_precision, &event_actor);
    if (g.contains("quotes"))
      ScoreQuotes(id, g["quotes"], g.value("entities", json::array()), a, &quote_recall,
                  &quote_precision, &quote_speaker);
  }
  for (auto* s : {&found, &language, &title, &date, &date_text, &outlet, &flags, &removed, &kept,
                  &ent_recall, &ent_precision, &per_canonical, &quote_recall, &quote_precision,
                  &quote_speaker, &event_recall, &event_precision, &event_actor})
    if (s->total) report.sections.push_back(std::move(*s));

  EvalSection reuse{"reuse found"}, not_reuse{"no false reuse"};
  for (auto& pair : gold.value("reuse", json::array())) {
    std::string a = pair.value("a", ""), b = pair.value("b", "");
    auto rows = archive.Reuse(a, std::nullopt, 1000);
    if (!rows.ok()) return rows.error();
    std::string want_a = NormalizeForCompare(pair.value("passage_a_contains", ""));
    std::string want_b = NormalizeForCompare(pair.value("passage_b_contains", ""));
    bool ok = false;
    for (auto& r : *rows) {
      bool forward = r.a == a && r.b == b, backward = r.a == b && r.b == a;
      if (!forward && !backward) continue;
      std::string ta = NormalizeForCompare(forward ? r.a_text : r.b_text);
      std::string tb = NormalizeForCompare(forward ? r.b_text : r.a_text);
      ok |= ta.find(want_a) != std::string::npos && tb.find(want_b) != std::string::npos;
    }
    Check(reuse, ok, fmt::format("{} / {}: shared passage not found", a, b));
  }
  for (auto& pair : gold.value("not_reuse", json::array())) {
    std::string a = pair.value("a", ""), b = pair.value("b", "");
    auto rows = archive.Reuse(a, std::nullopt, 1000);
    if (!rows.ok()) return rows.error();
    bool any = false;
    for (auto& r : *rows) any |= (r.a == a && r.b == b) || (r.a == b && r.b == a);
    Check(not_reuse, !any, fmt::format("{} / {}: passage reported", a, b));
  }
  for (auto* sec : {&reuse, &not_reuse})
    if (sec->total) report.sections.push_back(std::move(*sec));

  EvalSection search{"search checks"};
  for (auto& q : gold.value("search", json::array())) {
    std::string query = q.value("query", "");
    SearchOptions o;
    o.query = query;
    o.limit = 10000;
    o.snippets = false;
    auto r = archive.Search(o);
    if (!r.ok()) {
      Check(search, false, fmt::format("'{}': {}", query, r.error().message));
      continue;
    }
    std::vector<std::string> ids;
    for (auto& h : r->hits) ids.push_back(h.id);
    auto has = [&](const std::string& id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); };
    bool ok = true;
    std::string why;
    for (auto& m : q.value("must_match", json::array()))
      if (!has(m.get<std::string>())) {
        ok = false;
        why += " missing " + m.get<std::string>() + ";";
      }
    for (auto& m : q.value("must_not_match", json::array()))
      if (has(m.get<std::string>())) {
        ok = false;
        why += " unexpected " + m.get<std::string>() + ";";
      }
    if (q.contains("top1")) {
      std::string top = q["top1"].get<std::string>();
      if (ids.empty() || ids[0] != top) {
        ok = false;
        why += " top1 expected " + top + ", got " + (ids.empty() ? "nothing" : ids[0]) + ";";
      }
    }
    Check(search, ok, fmt::format("'{}':{}", query, why));
  }
  if (search.total) report.sections.push_back(std::move(search));
  return report;
}

std::string FormatReport(const EvalReport& r) {
  std::ostringstream out;
  out << fmt::format("{:<24} {:>8} {:>8} {:>8}\n", "component", "correct", "total", "score");
  for (const auto& s : r.sections)
    out << fmt::format("{:<24} {:>8} {:>8} {:>8.3f}\n", s.name, s.correct, s.total, s.score());
  for (const auto& s : r.sections)
    for (const auto& f : s.failures) out << fmt::format("  [{}] {}\n", s.name, f);
  return out.str();
}

std::string ReportJson(const EvalReport& r) {
  json j;
  j["gold"] = r.gold_path;
  j["all_pass"] = r.all_pass();
  json secs = json::object();
  for (const auto& s : r.sections)
    secs[s.name] = {{"correct", s.correct}, {"total", s.total}, {"score", s.score()},
                    {"failures", s.failures}};
  j["sections"] = secs;
  return j.dump(2);
}

}  // namespace veille
