// model.cc: StoryModel, the clustering's weights and sizes as data (see
// veille/stories.h and data/stories/model.tsv).
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "veille/stories.h"
#include "veille/utf8.h"

namespace veille::stories {
namespace {

struct Param {
  const char* name;
  double StoryModel::*real;
  int StoryModel::*integer;
};

constexpr Param kParams[] = {
    {"bias", &StoryModel::bias, nullptr},
    {"w_body", &StoryModel::w_body, nullptr},
    {"w_title", &StoryModel::w_title, nullptr},
    {"w_entities", &StoryModel::w_entities, nullptr},
    {"w_time", &StoryModel::w_time, nullptr},
    {"w_undated", &StoryModel::w_undated, nullptr},
    {"cross_lingual_entities", &StoryModel::cross_lingual_entities, nullptr},
    {"sigma_days", &StoryModel::sigma_days, nullptr},
    {"threshold", &StoryModel::threshold, nullptr},
    {"title_weight", &StoryModel::title_weight, nullptr},
    {"window_days", nullptr, &StoryModel::window_days},
    {"key_terms", nullptr, &StoryModel::key_terms},
    {"key_entities", nullptr, &StoryModel::key_entities},
    {"postings_per_key", nullptr, &StoryModel::postings_per_key},
    {"candidates", nullptr, &StoryModel::candidates},
    {"article_terms", nullptr, &StoryModel::article_terms},
    {"story_terms", nullptr, &StoryModel::story_terms},
    {"story_title_terms", nullptr, &StoryModel::story_title_terms},
    {"story_entities", nullptr, &StoryModel::story_entities},
};

}  // namespace

Status StoryModel::Set(std::string_view name, double value) {
  if (!std::isfinite(value)) return Error::InvalidArgument(fmt::format("{}: not a number", name));
  for (const Param& p : kParams) {
    if (name != p.name) continue;
    if (p.real) {
      if (name == "sigma_days" && value <= 0)
        return Error::InvalidArgument("sigma_days must be positive");
      this->*p.real = value;
    } else {
      if (value < 0 || value > 1e6 || value != std::floor(value))
        return Error::InvalidArgument(
            fmt::format("{}: expected a whole number, got {}", name, value));
      this->*p.integer = static_cast<int>(value);
    }
    return OkStatus();
  }
  return Error::InvalidArgument(fmt::format("unknown story model parameter '{}'", name));
}

Result<StoryModel> StoryModel::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open story model " + path);
  StoryModel m;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos)
      return Error::BadInput(fmt::format("{}:{}: expected name<TAB>value", path, n));
    std::string name = line.substr(0, tab);
    char* end = nullptr;
    std::string v = line.substr(tab + 1);
    double value = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || (*end && *end != ' ' && *end != '\t' && *end != '#'))
      return Error::BadInput(fmt::format("{}:{}: '{}' is not a number", path, n, v));
    if (auto s = m.Set(name, value); !s.ok())
      return Error::BadInput(fmt::format("{}:{}: {}", path, n, s.error().message));
  }
  return m;
}

Result<StoryModel> StoryModel::LoadDefault() { return Load(DataPath("stories/model.tsv")); }

std::string StoryModel::ToText() const {
  std::string out;
  for (const Param& p : kParams) {
    if (p.real) {
      out += fmt::format("{}\t{}\n", p.name, this->*p.real);
    } else {
      out += fmt::format("{}\t{}\n", p.name, this->*p.integer);
    }
  }
  return out;
}

}  // namespace veille::stories
