// cleaner.cc: boilerplate removal driven by data/boilerplate/*.txt.
//
// Each line of the article is matched (after blank and apostrophe
// normalisation) against one RE2::Set holding every line pattern, so the
// cost per line is one DFA pass whatever the number of patterns. Paragraph-
// long lines are never removed by a pattern: boilerplate is short. Tail
// patterns (wire slugs, glued credits) look only at the end of a line.
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "clean/sentences_internal.h"
#include "clean/text_util.h"
#include "veille/clean.h"
#include "veille/utf8.h"

namespace veille {

using clean_internal::NormalizeForMatch;
using clean_internal::Trim;
using clean_internal::TrimRight;

namespace {

enum class Kind {
  kLine,  // the line matches: remove it
  kGrow,  // as kLine, and the removal spreads to adjacent widget lines
  kTail,  // capture group 1 at the end of the line is removed
  kCue,   // not removed by itself; lets growth take a line that ends a widget
  kKeep,  // never removed, and stops a widget's growth (e.g. legal footnotes)
};

constexpr size_t kMaxPatternLine = 400;  // longer lines are prose, not boilerplate
constexpr size_t kTailWindow = 300;      // bytes of a line end that tail patterns see
constexpr size_t kWidgetLineMax = 140;   // a widget line is short ...
constexpr int kMaxGrow = 4;              // ... and a widget has few of them

struct Pattern {
  std::string reason;
  Kind kind = Kind::kLine;
  std::string where;  // file:line
  std::unique_ptr<RE2> re;
};

bool ParseKind(std::string_view s, Kind* k) {
  if (s == "line")
    *k = Kind::kLine;
  else if (s == "grow")
    *k = Kind::kGrow;
  else if (s == "tail")
    *k = Kind::kTail;
  else if (s == "cue")
    *k = Kind::kCue;
  else if (s == "keep")
    *k = Kind::kKeep;
  else
    return false;
  return true;
}

bool ValidReason(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

// A line that ends like a sentence (or a quotation) is prose, not a widget.
bool EndsLikeSentence(std::string_view line) {
  if (line.empty()) return false;
  unsigned char last = static_cast<unsigned char>(line.back());
  if (last == '.' || last == '!' || last == '?' || last == ';' || last == ':' || last == '"' ||
      last == ')')
    return true;
  if (line.size() >= 2 && static_cast<unsigned char>(line[line.size() - 2]) == 0xC2 && last == 0xBB)
    return true;  // »
  if (line.size() >= 3 && static_cast<unsigned char>(line[line.size() - 3]) == 0xE2 &&
      static_cast<unsigned char>(line[line.size() - 2]) == 0x80 && (last == 0xA6 || last == 0x9D))
    return true;  // … ”
  return false;
}

// "site aides.org/ab/cd": a "slug" glued to a full stop whose first code is
// a top-level domain is the rest of a web address.
bool LooksLikeDomainTail(std::string_view line, size_t start) {
  static constexpr std::string_view kTlds[] = {"com", "org", "net", "fr",  "gouv", "eu", "info",
                                               "io",  "be",  "ch",  "ca",  "de",   "uk", "us",
                                               "tv",  "edu", "gov", "int", "co",   "biz"};
  if (start == 0 || line[start - 1] != '.') return false;
  std::string_view rest = line.substr(start);
  std::string_view first = rest.substr(0, rest.find_first_of("-/"));
  for (std::string_view t : kTlds)
    if (first == t) return true;
  return false;
}

}  // namespace

struct Cleaner::Impl {
  std::vector<Pattern> patterns;
  std::unique_ptr<RE2::Set> set;  // line, grow and cue patterns
  std::vector<int> set_to_pattern;
  std::vector<int> tails;
  clean_internal::Abbreviations abbrevs;

  Status Load(const std::string& dir);
  Cleaned Clean(std::string_view raw_text, const std::unordered_set<uint64_t>* recurring,
                CleanTrace* trace) const;
};

Status Cleaner::Impl::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".txt") files.push_back(e.path());
  if (ec) return Error::NotFound("boilerplate patterns: cannot list " + dir + ": " + ec.message());
  if (files.empty()) return Error::NotFound("boilerplate patterns: no *.txt in " + dir);
  std::sort(files.begin(), files.end());

  RE2::Options opt;
  opt.set_log_errors(false);
  // Room for the Set's DFA: one pass over a line must not run out of states.
  opt.set_max_mem(64 << 20);
  set = std::make_unique<RE2::Set>(opt, RE2::UNANCHORED);
  for (const auto& path : files) {
    std::ifstream in(path);
    if (!in) return Error::Io("cannot read " + path.string());
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      std::string where = path.string() + ":" + std::to_string(lineno);
      std::string_view v = Trim(line);
      if (v.empty() || v[0] == '#') continue;
      size_t sp1 = v.find_first_of(" \t");
      if (sp1 == std::string_view::npos)
        return Error::BadInput(where + ": expected '<reason> <kind> <regex>'");
      std::string_view reason = v.substr(0, sp1);
      std::string_view rest = Trim(v.substr(sp1));
      size_t sp2 = rest.find_first_of(" \t");
      if (sp2 == std::string_view::npos)
        return Error::BadInput(where + ": expected '<reason> <kind> <regex>'");
      std::string_view kind_s = rest.substr(0, sp2);
      std::string_view regex = Trim(rest.substr(sp2));
      Pattern p;
      if (!ValidReason(reason))
        return Error::BadInput(where + ": reason must be lower-case letters and '-'");
      if (!ParseKind(kind_s, &p.kind))
        return Error::BadInput(where + ": kind must be line, grow, tail, cue or keep, not '" +
                               std::string(kind_s) + "'");
      p.reason = std::string(reason);
      p.where = where;
      p.re = std::make_unique<RE2>(regex, opt);
      if (!p.re->ok()) return Error::BadInput(where + ": bad pattern: " + p.re->error());
      if (p.kind == Kind::kTail && p.re->NumberOfCapturingGroups() < 1)
        return Error::BadInput(where + ": a tail pattern needs a capture group (what to remove)");
      int idx = static_cast<int>(patterns.size());
      if (p.kind == Kind::kTail) {
        tails.push_back(idx);
      } else {
        std::string err;
        if (set->Add(regex, &err) < 0) return Error::BadInput(where + ": bad pattern: " + err);
        set_to_pattern.push_back(idx);
      }
      patterns.push_back(std::move(p));
    }
  }
  if (!set_to_pattern.empty() && !set->Compile())
    return Error::Internal("boilerplate patterns: RE2::Set compile failed (too large?)");
  std::string abbr = dir + "/abbreviations.lst";
  if (!clean_internal::LoadWordList(abbr, &abbrevs)) return Error::NotFound("cannot read " + abbr);
  return OkStatus();
}

namespace {

struct LineState {
  std::string_view text;  // right-trimmed line
  std::string_view keep;  // what stays (text, or text minus a removed tail)
  bool blank = false;
  bool removed = false;  // the whole line
  bool widget = false;   // short, unpunctuated: may belong to a widget
  bool cue = false;
  int pattern = -1;       // pattern that removed it (or the tail), -1 = none
  int grow_from = -1;     // pattern whose match grew over this line
  std::string_view tail;  // removed tail, if any
  int tail_pattern = -1;
  bool recurring = false;
};

}  // namespace

Cleaned Cleaner::Impl::Clean(std::string_view raw_text,
                             const std::unordered_set<uint64_t>* recurring,
                             CleanTrace* trace) const {
  std::string repaired;
  if (FindInvalidUtf8(raw_text) != std::string_view::npos) {
    repaired = RepairUtf8(raw_text);
    raw_text = repaired;
  }
  std::string text = clean_internal::ToNfc(raw_text);
  std::string_view tv = text;
  if (tv.substr(0, 3) == "\xEF\xBB\xBF") tv.remove_prefix(3);

  std::vector<LineState> lines;
  lines.reserve(16);
  for (size_t pos = 0; pos <= tv.size();) {
    size_t nl = tv.find('\n', pos);
    if (nl == std::string_view::npos) nl = tv.size();
    LineState ls;
    ls.text = TrimRight(tv.substr(pos, nl - pos));
    ls.keep = ls.text;
    lines.push_back(ls);
    pos = nl + 1;
  }

  std::string norm;
  std::vector<int> hits;
  for (LineState& ls : lines) {
    std::string_view core = Trim(ls.text);
    if (core.empty()) {
      ls.blank = true;
      continue;
    }
    if (core.size() <= kMaxPatternLine && !set_to_pattern.empty()) {
      NormalizeForMatch(core, &norm);
      hits.clear();
      if (set->Match(norm, &hits)) {
        std::sort(hits.begin(), hits.end());
        bool keep = false;
        for (int h : hits) keep |= patterns[set_to_pattern[h]].kind == Kind::kKeep;
        if (keep) continue;  // kept as text, never part of a widget
        for (int h : hits) {
          const Pattern& p = patterns[set_to_pattern[h]];
          if (p.kind == Kind::kCue) {
            ls.cue = true;
          } else if (ls.pattern < 0) {
            ls.pattern = set_to_pattern[h];
            ls.removed = true;
          }
        }
      }
      if (ls.removed) continue;
    }
    if (recurring && core.size() >= 8 && core.size() <= kMaxPatternLine &&
        recurring->count(LineFingerprint(core))) {
      ls.removed = ls.recurring = true;
      continue;
    }
    // Tail patterns: only lines that do not end like a sentence can carry a
    // slug or a glued credit.
    if (!EndsLikeSentence(core)) {
      size_t off = core.size() > kTailWindow ? core.size() - kTailWindow : 0;
      while (off > 0 && (static_cast<unsigned char>(core[off]) & 0xC0) == 0x80) --off;
      std::string_view window = core.substr(off);
      for (int t : tails) {
        re2::StringPiece group;
        if (RE2::PartialMatch(window, *patterns[t].re, &group) && !group.empty()) {
          size_t start = static_cast<size_t>(group.data() - core.data());
          std::string_view kept = TrimRight(core.substr(0, start));
          // The slug must follow the sentence, not a URL ("site.fr/a/b").
          size_t tok = kept.find_last_of(" \t");
          std::string_view last_tok = tok == std::string_view::npos ? kept : kept.substr(tok + 1);
          if (!last_tok.empty()) last_tok.remove_suffix(1);  // the sentence's own stop
          if (last_tok.find_first_of("./@") != std::string_view::npos) continue;
          if (LooksLikeDomainTail(core, start)) continue;
          ls.tail = core.substr(start);
          ls.tail_pattern = t;
          size_t lead = static_cast<size_t>(core.data() - ls.text.data());
          ls.keep = ls.text.substr(0, lead + kept.size());
          if (Trim(ls.keep).empty()) {
            ls.removed = true;
            ls.pattern = t;
            ls.tail = {};
          }
          break;
        }
      }
      if (ls.removed) continue;
    }
    ls.widget = ls.tail.empty() && core.size() <= kWidgetLineMax && !EndsLikeSentence(core);
  }

  // Widgets (donation asks, share bars) are clusters of short unpunctuated
  // lines around one strong match: spread the removal to them, a few lines
  // each way. Downwards, a short line directly followed by prose is taken
  // only with a cue word: otherwise it is a subheading introducing the prose.
  const int n = static_cast<int>(lines.size());
  auto next_content = [&](int j) {
    for (int k = j + 1; k < n; ++k)
      if (!lines[k].blank) return k;
    return n;
  };
  for (int i = 0; i < n; ++i) {
    if (!lines[i].removed || lines[i].pattern < 0 || lines[i].grow_from >= 0) continue;
    if (patterns[lines[i].pattern].kind != Kind::kGrow) continue;
    int taken = 0;
    for (int j = i - 1; j >= 0 && taken < kMaxGrow; --j) {
      LineState& l = lines[j];
      if (l.blank || l.removed) continue;
      if (!l.widget) break;
      l.removed = true;
      l.grow_from = lines[i].pattern;
      ++taken;
    }
    taken = 0;
    for (int j = i + 1; j < n && taken < kMaxGrow; ++j) {
      LineState& l = lines[j];
      if (l.blank) continue;
      if (l.removed) continue;
      if (!l.widget) break;
      int nx = next_content(j);
      bool followed_by_prose = nx < n && !lines[nx].removed && !lines[nx].widget;
      if (followed_by_prose && !l.cue) break;
      l.removed = true;
      l.grow_from = lines[i].pattern;
      ++taken;
    }
  }

  Cleaned out;
  out.text.reserve(tv.size());
  bool pending_break = false;  // a blank line to emit before the next kept one
  bool any = false;
  for (LineState& ls : lines) {
    if (ls.removed) {
      std::string_view core = Trim(ls.text);
      std::string reason;
      int pat = ls.grow_from >= 0 ? ls.grow_from : ls.pattern;
      reason = ls.recurring ? "recurring" : patterns[pat].reason;
      out.removed.push_back({std::string(core), std::move(reason)});
      if (trace) trace->pattern_of_removed.push_back(ls.recurring ? -1 : pat);
      continue;
    }
    if (ls.blank) {
      pending_break = any;
      continue;
    }
    if (any) out.text.append(pending_break ? "\n\n" : "\n");
    pending_break = false;
    out.text.append(ls.keep);
    any = true;
    if (!ls.tail.empty()) {
      out.removed.push_back({std::string(ls.tail), patterns[ls.tail_pattern].reason});
      if (trace) trace->pattern_of_removed.push_back(ls.tail_pattern);
    }
  }
  out.sentences = clean_internal::SplitSentencesWith(out.text, abbrevs);
  return out;
}

Cleaner::Cleaner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Cleaner::~Cleaner() = default;

Result<std::unique_ptr<Cleaner>> Cleaner::Create() {
  return CreateFromDir(DataPath("boilerplate"));
}

Result<std::unique_ptr<Cleaner>> Cleaner::CreateFromDir(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  if (auto s = impl->Load(dir); !s.ok()) return s.error();
  return std::unique_ptr<Cleaner>(new Cleaner(std::move(impl)));
}

Cleaned Cleaner::Clean(std::string_view raw_text,
                       const std::unordered_set<uint64_t>* recurring) const {
  return impl_->Clean(raw_text, recurring, nullptr);
}

Cleaned Cleaner::Clean(std::string_view raw_text, const std::unordered_set<uint64_t>* recurring,
                       CleanTrace* trace) const {
  return impl_->Clean(raw_text, recurring, trace);
}

size_t Cleaner::pattern_count() const { return impl_->patterns.size(); }

std::string Cleaner::pattern_label(int i) const {
  if (i < 0 || i >= static_cast<int>(impl_->patterns.size())) return "recurring";
  const Pattern& p = impl_->patterns[i];
  return p.where + " " + p.reason + " " + p.re->pattern();
}

}  // namespace veille
