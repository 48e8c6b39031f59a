// robots.cc: robots.txt groups and rules (RFC 9309) and Crawl-delay.
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "veille/crawl.h"

namespace veille {
namespace {

constexpr size_t kMaxRobotsBytes = 500 * 1024;  // RFC 9309: at least 500 KiB parsed
constexpr size_t kMaxPatternBytes = 2048;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Whether `pattern` (with * wildcards and a final $ anchor) matches a prefix
// of `path` (or all of it, with $). Iterative, linear in practice.
bool Matches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (p < pattern.size() || (anchored && s < path.size())) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && s < path.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos && mark < path.size()) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules r;
  r.rules_.push_back({"/", false});
  return r;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view user_agent) {
  body = body.substr(0, kMaxRobotsBytes);
  const std::string agent = Lower(user_agent);
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::optional<double> delay;
  };
  std::vector<Group> groups;
  std::vector<std::string> sitemaps;
  bool in_agents = false;  // the previous line was a user-agent line
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = Lower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents || groups.empty()) groups.emplace_back();
      groups.back().agents.push_back(Lower(value));
      in_agents = true;
      continue;
    }
    if (key == "sitemap") {
      if (!value.empty()) sitemaps.emplace_back(value);
      continue;
    }
    in_agents = false;
    if (groups.empty()) continue;  // rules before any user-agent line
    if (key == "allow" || key == "disallow") {
      // "Disallow:" with nothing is no rule; an absurdly long pattern is
      // dropped (matching is O(pattern x path)).
      if (value.empty() || value.size() > kMaxPatternBytes) continue;
      groups.back().rules.push_back({std::string(value), key == "allow"});
    } else if (key == "crawl-delay") {
      double d = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
      if (ec == std::errc() && d >= 0 && d < 86400) groups.back().delay = d;
    }
  }
  // The group whose user-agent is the longest one our agent starts with or
  // contains, else "*"; several groups for the same agent are merged.
  size_t best = 0;
  bool found = false, star = false;
  for (const Group& g : groups)
    for (const std::string& a : g.agents) {
      if (a == "*") {
        star = true;
      } else if (!a.empty() && agent.find(a) != std::string::npos && a.size() >= best) {
        best = a.size();
        found = true;
      }
    }
  RobotsRules out;
  out.sitemaps_ = std::move(sitemaps);
  for (const Group& g : groups) {
    bool applies = false;
    for (const std::string& a : g.agents) {
      if (found ? (a.size() == best && agent.find(a) != std::string::npos) : (star && a == "*"))
        applies = true;
    }
    if (!applies) continue;
    out.rules_.insert(out.rules_.end(), g.rules.begin(), g.rules.end());
    if (g.delay) out.crawl_delay_ = g.delay;
  }
  return out;
}

bool RobotsRules::Allowed(std::string_view path) const {
  if (path == "/robots.txt") return true;
  // The longest (most specific) matching rule wins; on a tie, allow.
  size_t best = 0;
  bool matched = false, allow = true;
  for (const Rule& r : rules_) {
    if (!Matches(r.pattern, path)) continue;
    size_t len = r.pattern.size();
    if (!matched || len > best) {
      allow = r.allow;
      best = len;
      matched = true;
    } else if (len == best) {
      allow = allow || r.allow;
    }
  }
  return allow;
}

}  // namespace veille
