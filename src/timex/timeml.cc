// timeml.cc: reading TimeML documents (French TimeBank) and the
// TempEval-style scoring of `veille eval-time`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "veille/timex.h"

namespace veille::timex {
namespace {

std::string Attr(std::string_view tag, std::string_view name) {
  std::string pat = " " + std::string(name) + "=\"";
  size_t p = tag.find(pat);
  if (p == std::string_view::npos) return "";
  p += pat.size();
  size_t q = tag.find('"', p);
  if (q == std::string_view::npos) return "";
  return std::string(tag.substr(p, q - p));
}

// Appends the text of s[b, e) with XML entities decoded.
void AppendText(std::string_view s, std::string& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    std::string_view ent = semi == std::string_view::npos ? "" : s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
}

Type TypeFrom(const std::string& s) {
  if (s == "TIME") return Type::kTime;
  if (s == "DURATION") return Type::kDuration;
  if (s == "SET") return Type::kSet;
  return Type::kDate;
}

double F1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

}  // namespace

Result<TimemlDoc> ReadTimeml(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  TimemlDoc doc;
  doc.name = std::filesystem::path(path).filename().string();
  size_t dct = s.find("<DCT>");
  if (dct != std::string::npos) {
    size_t t = s.find("<TIMEX3", dct);
    size_t te = t == std::string::npos ? t : s.find('>', t);
    if (te != std::string::npos) doc.dct = Attr(std::string_view(s).substr(t, te - t), "value");
  }
  size_t b = s.find("<TEXT>");
  size_t e = s.find("</TEXT>");
  if (b == std::string::npos || e == std::string::npos || e < b) {
    return Error::BadInput(path + ": no <TEXT> element");
  }
  b += 6;
  std::string_view body = std::string_view(s).substr(b, e - b);
  // Tags are dropped; a TIMEX3 opens a gold span closed by its </TIMEX3>.
  std::vector<size_t> open;  // indexes into doc.gold of open TIMEX3
  size_t i = 0;
  while (i < body.size()) {
    size_t lt = body.find('<', i);
    if (lt == std::string_view::npos) lt = body.size();
    AppendText(body.substr(i, lt - i), doc.text);
    if (lt == body.size()) break;
    size_t gt = body.find('>', lt);
    if (gt == std::string_view::npos) return Error::BadInput(path + ": unterminated tag");
    std::string_view tag = body.substr(lt, gt - lt + 1);
    if (tag.rfind("<TIMEX3", 0) == 0) {
      Expression x;
      x.begin = doc.text.size();
      x.type = TypeFrom(Attr(tag, "type"));
      x.value = Attr(tag, "value");
      x.mod = Attr(tag, "mod");
      x.anchored = !Attr(tag, "anchorTimeID").empty();
      if (tag.size() >= 2 && tag[tag.size() - 2] == '/') {
        x.end = x.begin;  // empty TIMEX3: not scored
      } else {
        open.push_back(doc.gold.size());
        doc.gold.push_back(x);
      }
    } else if (tag.rfind("</TIMEX3", 0) == 0) {
      if (open.empty()) return Error::BadInput(path + ": </TIMEX3> without <TIMEX3>");
      doc.gold[open.back()].end = doc.text.size();
      open.pop_back();
    }
    i = gt + 1;
  }
  if (!open.empty()) return Error::BadInput(path + ": unclosed <TIMEX3>");
  return doc;
}

double TimexScores::StrictF1() const { return F1(StrictP(), StrictR()); }
double TimexScores::RelaxedF1() const { return F1(RelaxedP(), RelaxedR()); }
double TimexScores::ValueF1() const {
  return F1(system ? double(value_ok) / system : 0, gold ? double(value_ok) / gold : 0);
}

void TimexScores::Add(const TimexScores& o) {
  docs += o.docs;
  gold += o.gold;
  system += o.system;
  strict += o.strict;
  relaxed += o.relaxed;
  value_ok += o.value_ok;
  type_ok += o.type_ok;
}

TimexScores ScoreDoc(const TimemlDoc& doc, const std::vector<Expression>& system,
                     std::vector<std::string>* errors) {
  TimexScores s;
  s.docs = 1;
  s.gold = doc.gold.size();
  s.system = system.size();
  std::vector<int> sys_of(doc.gold.size(), -1);
  std::vector<bool> used(system.size(), false);
  // Strict matches first, then overlaps, one to one.
  for (size_t g = 0; g < doc.gold.size(); ++g) {
    for (size_t k = 0; k < system.size(); ++k) {
      if (!used[k] && system[k].begin == doc.gold[g].begin && system[k].end == doc.gold[g].end) {
        sys_of[g] = int(k);
        used[k] = true;
        ++s.strict;
        break;
      }
    }
  }
  for (size_t g = 0; g < doc.gold.size(); ++g) {
    if (sys_of[g] >= 0) continue;
    for (size_t k = 0; k < system.size(); ++k) {
      if (!used[k] && system[k].begin < doc.gold[g].end && doc.gold[g].begin < system[k].end) {
        sys_of[g] = int(k);
        used[k] = true;
        break;
      }
    }
  }
  auto span = [&](size_t b, size_t e) { return "\"" + doc.text.substr(b, e - b) + "\""; };
  for (size_t g = 0; g < doc.gold.size(); ++g) {
    const Expression& gx = doc.gold[g];
    if (sys_of[g] < 0) {
      if (errors) {
        errors->push_back(doc.name + "\tmiss\t" + span(gx.begin, gx.end) + "\t" +
                          TypeName(gx.type) + " " + gx.value);
      }
      continue;
    }
    const Expression& sx = system[size_t(sys_of[g])];
    ++s.relaxed;
    if (sx.value == gx.value) ++s.value_ok;
    if (sx.type == gx.type) ++s.type_ok;
    if (errors &&
        (sx.value != gx.value || sx.type != gx.type || sx.begin != gx.begin || sx.end != gx.end)) {
      errors->push_back(
          doc.name + "\t" + (sx.begin != gx.begin || sx.end != gx.end ? "extent" : "value") + "\t" +
          span(gx.begin, gx.end) + "\t" + TypeName(gx.type) + " " + gx.value + "\tsystem " +
          span(sx.begin, sx.end) + " " + TypeName(sx.type) + " " + sx.value);
    }
  }
  for (size_t k = 0; k < system.size(); ++k) {
    if (!used[k] && errors) {
      const Expression& sx = system[k];
      errors->push_back(doc.name + "\tfalse\t" + span(sx.begin, sx.end) + "\t" + TypeName(sx.type) +
                        " " + sx.value);
    }
  }
  return s;
}

Result<TimexScores> EvalTimeml(const std::string& dir, int half, std::vector<std::string>* errors) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error::NotFound(dir + ": not a folder");
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".tml")
      files.push_back(it->path().string());
  }
  if (ec) return Error::Io(dir + ": " + ec.message());
  if (files.empty()) return Error::NotFound(dir + ": no .tml files");
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return fs::path(a).filename() < fs::path(b).filename();
  });
  Status st = LoadStatus();
  if (!st.ok()) return st.error();
  TimexScores total;
  for (size_t n = 0; n < files.size(); ++n) {
    if (half >= 0 && int(n % 2) != half) continue;
    auto doc = ReadTimeml(files[n]);
    if (!doc.ok()) return doc.error();
    total.Add(ScoreDoc(*doc, Find(doc->text, "fr", doc->dct), errors));
  }
  return total;
}

}  // namespace veille::timex
