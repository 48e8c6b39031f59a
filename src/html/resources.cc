// resources.cc: loads data/html/ and the text helpers the module shares.
#include <unicode/unistr.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "html/internal.h"
#include "veille/utf8.h"

namespace veille::html_internal {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t tab = line.find('\t', pos);
    out.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
    if (tab == std::string::npos) break;
    pos = tab + 1;
  }
  return out;
}

// Calls fn(fields, "file:line") for each non-comment line of dir/name.
template <typename Fn>
Status ForEachLine(const std::string& dir, const std::string& name, Fn fn) {
  std::string path = dir + "/" + name;
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot read " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    Status s = fn(SplitTabs(line), path + ":" + std::to_string(n));
    if (!s.ok()) return s;
  }
  return OkStatus();
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string Utf8Lower(std::string_view s) {
  bool ascii = true;
  for (unsigned char c : s)
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) return AsciiLower(s);
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())))
      .toLower()
      .toUTF8String(out);
  return out;
}

void AppendCollapsed(std::string_view s, std::string& out, bool* pending) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      *pending = true;
      ++i;
      continue;
    }
    if (c >= 0x80) {
      // U+00A0, U+2000-U+200A, U+202F, U+205F, U+3000: spaces.
      // U+200B-U+200D, U+2060, U+FEFF, U+00AD: invisible, dropped.
      if (c == 0xC2 && i + 1 < s.size()) {
        unsigned char d = static_cast<unsigned char>(s[i + 1]);
        if (d == 0xA0) {
          *pending = true;
          i += 2;
          continue;
        }
        if (d == 0xAD) {
          i += 2;
          continue;
        }
      } else if (c == 0xE2 && i + 2 < s.size()) {
        unsigned char d = static_cast<unsigned char>(s[i + 1]);
        unsigned char e = static_cast<unsigned char>(s[i + 2]);
        if (d == 0x80 && (e <= 0x8A || e == 0xAF || e == 0xA8 || e == 0xA9)) {
          *pending = true;
          i += 3;
          continue;
        }
        if (d == 0x80 && e >= 0x8B && e <= 0x8D) {
          i += 3;
          continue;
        }
        if (d == 0x81 && (e == 0x9F)) {
          *pending = true;
          i += 3;
          continue;
        }
        if (d == 0x81 && e == 0xA0) {
          i += 3;
          continue;
        }
      } else if (c == 0xE3 && i + 2 < s.size() && s[i + 1] == '\x80' && s[i + 2] == '\x80') {
        *pending = true;
        i += 3;
        continue;
      } else if (c == 0xEF && i + 2 < s.size() && s[i + 1] == '\xBB' && s[i + 2] == '\xBF') {
        i += 3;
        continue;
      }
    }
    if (*pending && !out.empty() && out.back() != '\n') out += ' ';
    *pending = false;
    out += static_cast<char>(c);
    ++i;
  }
}

std::string CollapseSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  AppendCollapsed(s, out, &pending);
  return out;
}

Result<Resources> LoadResources(const std::string& dir) {
  Resources r;
  Status s = ForEachLine(
      dir, "cues.tsv", [&](const std::vector<std::string>& f, const std::string& where) -> Status {
        if (f.size() != 3) return Error::BadInput(where + ": expected weight, match, cue");
        int w = 0;
        try {
          w = std::stoi(f[0]);
        } catch (...) {
          return Error::BadInput(where + ": bad weight '" + f[0] + "'");
        }
        const std::string& cue = f[2];
        if (f[1] == "token")
          r.token_cues[cue] = w;
        else if (f[1] == "substr")
          r.substr_cues.push_back({cue, w});
        else if (f[1] == "role")
          r.role_cues[cue] = w;
        else if (f[1] == "itemprop")
          r.itemprop_cues[cue] = w;
        else
          return Error::BadInput(where + ": unknown match '" + f[1] + "'");
        return OkStatus();
      });
  if (!s.ok()) return s.error();
  if (r.substr_cues.size() > 0xFFFF) return Error::BadInput(dir + "/cues.tsv: too many cues");
  r.substr_by_bigram.assign(26 * 26, {});
  for (size_t k = 0; k < r.substr_cues.size(); ++k) {
    const std::string& t = r.substr_cues[k].text;
    if (t.size() >= 2 && t[0] >= 'a' && t[0] <= 'z' && t[1] >= 'a' && t[1] <= 'z')
      r.substr_by_bigram[(t[0] - 'a') * 26 + (t[1] - 'a')].push_back(static_cast<uint16_t>(k));
    else
      r.substr_other.push_back(static_cast<uint16_t>(k));
  }
  s = ForEachLine(dir, "boilerplate_lines.txt",
                  [&](const std::vector<std::string>& f, const std::string&) -> Status {
                    const std::string& l = f[0];
                    if (!l.empty() && l.back() == '*')
                      r.line_prefix.push_back(l.substr(0, l.size() - 1));
                    else
                      r.line_exact.push_back(l);
                    return OkStatus();
                  });
  if (!s.ok()) return s.error();
  s = ForEachLine(dir, "months.tsv",
                  [&](const std::vector<std::string>& f, const std::string& where) -> Status {
                    if (f.size() < 2) return Error::BadInput(where + ": expected name, month");
                    int m = std::atoi(f[1].c_str());
                    if (m < 1 || m > 12)
                      return Error::BadInput(where + ": bad month '" + f[1] + "'");
                    r.months[f[0]] = m;
                    return OkStatus();
                  });
  if (!s.ok()) return s.error();
  s = ForEachLine(dir, "text_cues.tsv",
                  [&](const std::vector<std::string>& f, const std::string& where) -> Status {
                    if (f.size() != 2) return Error::BadInput(where + ": expected kind, cue");
                    if (f[0] == "published")
                      r.date_cues_published.push_back(f[1]);
                    else if (f[0] == "modified")
                      r.date_cues_modified.push_back(f[1]);
                    else if (f[0] == "byline")
                      r.byline_prefixes.push_back(f[1]);
                    else
                      return Error::BadInput(where + ": unknown kind '" + f[0] + "'");
                    return OkStatus();
                  });
  if (!s.ok()) return s.error();
  return r;
}

int SubstrCueWeight(const Resources& res, std::string_view classid) {
  int w = 0;
  std::vector<uint16_t> found;
  for (size_t p = 0; p + 1 < classid.size(); ++p) {
    char a = classid[p], b = classid[p + 1];
    if (a < 'a' || a > 'z' || b < 'a' || b > 'z') continue;
    for (uint16_t k : res.substr_by_bigram[(a - 'a') * 26 + (b - 'a')]) {
      const std::string& t = res.substr_cues[k].text;
      if (classid.compare(p, t.size(), t) == 0 &&
          std::find(found.begin(), found.end(), k) == found.end()) {
        found.push_back(k);
        w += res.substr_cues[k].weight;
      }
    }
  }
  for (uint16_t k : res.substr_other)
    if (classid.find(res.substr_cues[k].text) != std::string_view::npos)
      w += res.substr_cues[k].weight;
  return w;
}

}  // namespace veille::html_internal
