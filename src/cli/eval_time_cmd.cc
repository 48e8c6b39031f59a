// eval_time_cmd.cc: `veille eval-time`, time expressions scored against a
// TimeML corpus (French TimeBank), and `veille timex`, the expressions of
// one text.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/cli.h"
#include "veille/timex.h"

namespace veille::cli {

namespace {
void PrintScores(const char* label, const timex::TimexScores& s, bool json) {
  if (json) {
    std::printf(
        "{\"set\":\"%s\",\"docs\":%zu,\"gold\":%zu,\"system\":%zu,\"strict_p\":%.4f,"
        "\"strict_r\":%.4f,\"strict_f1\":%.4f,\"relaxed_p\":%.4f,\"relaxed_r\":%.4f,"
        "\"relaxed_f1\":%.4f,\"value_f1\":%.4f,\"value_accuracy\":%.4f,\"type_accuracy\":%.4f}\n",
        label, s.docs, s.gold, s.system, s.StrictP(), s.StrictR(), s.StrictF1(), s.RelaxedP(),
        s.RelaxedR(), s.RelaxedF1(), s.ValueF1(), s.ValueAccuracy(), s.TypeAccuracy());
    return;
  }
  std::printf(
      "%-8s docs %3zu  gold %4zu  system %4zu  strict P %.3f R %.3f F1 %.3f  relaxed P %.3f R "
      "%.3f F1 %.3f  value F1 %.3f (accuracy %.3f)  type accuracy %.3f\n",
      label, s.docs, s.gold, s.system, s.StrictP(), s.StrictR(), s.StrictF1(), s.RelaxedP(),
      s.RelaxedR(), s.RelaxedF1(), s.ValueF1(), s.ValueAccuracy(), s.TypeAccuracy());
}
}  // namespace

Runner RegisterEvalTime(CLI::App& sub, const Common&) {
  struct Opts {
    std::string format = "timeml", dir;
    bool json = false, errors = false;
    int half = -1;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--format", o->format, "Corpus format: timeml")
      ->check(CLI::IsMember({"timeml"}))
      ->capture_default_str();
  sub.add_option("dir", o->dir, "Folder of .tml files (../shared/data/time/ftib)")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub.add_option("--half", o->half,
                 "Only the even (0, tuning) or odd (1, held-out) documents in name order; "
                 "default: all, then each half")
      ->check(CLI::Range(0, 1));
  sub.add_flag("--json", o->json, "Print the figures as JSON lines");
  sub.add_flag("--errors", o->errors, "List misses, false alarms and wrong values on stderr");
  return [o]() -> int {
    std::vector<std::string> errors;
    std::clock_t c0 = std::clock();
    auto run = [&](int half, const char* label) -> int {
      auto r = timex::EvalTimeml(o->dir, half, o->errors ? &errors : nullptr);
      if (!r.ok()) return Fail(r.error());
      PrintScores(label, *r, o->json);
      return kExitOk;
    };
    int rc;
    if (o->half >= 0) {
      rc = run(o->half, o->half == 0 ? "half0" : "half1");
    } else {
      rc = run(-1, "all");
      if (rc == kExitOk) rc = run(0, "half0");
      if (rc == kExitOk) rc = run(1, "half1");
    }
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
    if (!o->json && rc == kExitOk) {
      std::printf("cpu %.2f s\n", double(std::clock() - c0) / CLOCKS_PER_SEC);
    }
    return rc;
  };
}

Runner RegisterTimex(CLI::App& sub, const Common&) {
  struct Opts {
    std::string lang = "fr", anchor, file;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--lang", o->lang, "Language: fr or en")->capture_default_str();
  sub.add_option("--anchor", o->anchor, "The article's date, YYYY-MM-DD");
  sub.add_option("file", o->file, "Text file (default: standard input)");
  return [o]() -> int {
    std::string text;
    if (o->file.empty()) {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      FILE* f = std::fopen(o->file.c_str(), "rb");
      if (!f) return Fail(Error::NotFound("cannot open " + o->file));
      char buf[65536];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    Status st = timex::LoadStatus();
    if (!st.ok()) return Fail(st.error());
    for (const auto& e : timex::Find(text, o->lang, o->anchor)) {
      std::printf("%zu\t%zu\t%s\t%s\t%s%s%s\n", e.begin, e.end, timex::TypeName(e.type),
                  e.value.c_str(), text.substr(e.begin, e.end - e.begin).c_str(),
                  e.mod.empty() ? "" : "\t", e.mod.c_str());
    }
    return kExitOk;
  };
}

}  // namespace veille::cli
