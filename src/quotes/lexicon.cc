// lexicon.cc: loads data/quotes/* into word-class and cue tables.
#include "quotes/lexicon.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace veille {
namespace quotes {

char* LowerInto(std::string_view s, char* w) {
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      *w++ = c >= 'A' && c <= 'Z' ? char(c + 32) : char(c);
    } else if (c == 0xC3 && i + 1 < n) {
      unsigned char d = s[i + 1];
      // U+00C0..U+00DE are the Latin-1 capitals (except U+00D7 ×).
      if (d >= 0x80 && d <= 0x9E && d != 0x97) d += 0x20;
      *w++ = char(c);
      *w++ = char(d);
      ++i;
    } else if (c == 0xC5 && i + 1 < n && (s[i + 1] == '\x92' || s[i + 1] == '\xB8')) {
      // Œ → œ; Ÿ (C5 B8) → ÿ (C3 BF).
      bool oe = s[i + 1] == '\x92';
      *w++ = oe ? '\xC5' : '\xC3';
      *w++ = oe ? '\x93' : '\xBF';
      ++i;
    } else if (c == 0xE2 && i + 2 < n && s[i + 1] == '\x80' && s[i + 2] == '\x99') {
      *w++ = '\'';  // ’ is an apostrophe inside a word
      i += 2;
    } else {
      *w++ = char(c);
    }
  }
  return w;
}

void AppendLower(std::string_view s, std::string& out) {
  size_t base = out.size();
  out.resize(base + s.size());
  out.resize(size_t(LowerInto(s, out.data() + base) - out.data()));
}

namespace {

// Splits a data line into words the way the tokenizer does: on spaces, and
// after an elision apostrophe (d'après → d' après).
std::vector<std::string> SplitWords(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  std::string lower;
  AppendLower(line, lower);
  for (char c : lower) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else if (c == '\'') {
      cur.push_back(c);
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool EndsWith(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

std::vector<std::string> GenerateFrench(std::string lemma) {
  std::vector<std::string> forms;
  if (!EndsWith(lemma, "er")) return forms;
  std::string stem = lemma.substr(0, lemma.size() - 2);
  for (const char* suf : {"er", "e", "es", "ent", "é", "ée", "és", "ées", "ait", "aient", "ant",
                          "a", "era", "eront", "erait", "èrent"}) {
    // Before a or o, c is written ç and g ge (dénonçant, annonça,
    // encourageait).
    if (suf[0] == 'a' && EndsWith(stem, "c")) {
      forms.push_back(stem.substr(0, stem.size() - 1) + "\xC3\xA7" + suf);
    } else if (suf[0] == 'a' && EndsWith(stem, "g")) {
      forms.push_back(stem + "e" + suf);
    } else {
      forms.push_back(stem + suf);
    }
  }
  return forms;
}

std::vector<std::string> GenerateEnglish(const std::string& lemma) {
  std::vector<std::string> forms{lemma};
  if (lemma.empty()) return forms;
  char last = lemma.back();
  bool e = last == 'e';
  if (lemma.size() > 2 && last == 'y' && !std::strchr("aeiou", lemma[lemma.size() - 2])) {
    // reply → replies, replied, replying
    std::string stem = lemma.substr(0, lemma.size() - 1);
    forms.push_back(stem + "ies");
    forms.push_back(stem + "ied");
    forms.push_back(lemma + "ing");
    return forms;
  }
  if (EndsWith(lemma, "s") || EndsWith(lemma, "sh") || EndsWith(lemma, "ch") ||
      EndsWith(lemma, "x")) {
    forms.push_back(lemma + "es");
  } else {
    forms.push_back(lemma + "s");
  }
  forms.push_back(e ? lemma + "d" : lemma + "ed");
  forms.push_back(e ? lemma.substr(0, lemma.size() - 1) + "ing" : lemma + "ing");
  return forms;
}

Result<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open quote lexicon " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

void AddCue(QuoteExtractor::Lexicon& lex, std::vector<std::string> words, CueKind kind,
            uint8_t lang) {
  if (words.empty()) return;
  lex.classes[words[0]] |= kCueFirst;
  auto& forms = lex.cues[words[0]];
  for (CueForm& f : forms) {
    if (f.words == words && f.kind == kind) {
      f.langs |= lang;
      return;
    }
  }
  forms.push_back({std::move(words), kind, lang});
}

Status LoadCues(QuoteExtractor::Lexicon& lex, const std::string& path, bool english) {
  auto lines = ReadLines(path);
  if (!lines.ok()) return lines.error();
  const uint8_t lang = english ? kLangEn : kLangFr;
  for (const std::string& raw : *lines) {
    std::string_view line = raw;
    CueKind kind = CueKind::kVerb;
    bool relay = false;
    if (line.rfind("relay:", 0) == 0) {
      relay = true;
      line.remove_prefix(6);
    }
    if (line.rfind("prep:", 0) == 0) {
      kind = CueKind::kPrep;
      line.remove_prefix(5);
    } else if (line.rfind("lead:", 0) == 0) {
      kind = CueKind::kLead;
      line.remove_prefix(5);
    }
    std::vector<std::string> words = SplitWords(line);
    if (words.empty()) return Error::BadInput(path + ": empty cue line '" + raw + "'");
    if (kind != CueKind::kVerb) {
      AddCue(lex, std::move(words), kind, lang);
      continue;
    }
    // Reflexive lemmas (s'exclamer, se féliciter): generate from the verb.
    size_t first = 0;
    if (words[0] == "s'" || words[0] == "se") first = 1;
    if (first >= words.size()) return Error::BadInput(path + ": bad cue line '" + raw + "'");
    const std::string& lemma = words[first];
    std::vector<std::string> gen = english ? GenerateEnglish(lemma) : GenerateFrench(lemma);
    for (std::string& g : gen) {
      if (relay) lex.relay_forms[g] = true;
      AddCue(lex, {g}, CueKind::kVerb, lang);
    }
    // Remaining words are explicit forms; a form of several words is written
    // with spaces in the file, so re-split the rest of the line by form
    // boundaries: explicit multi-word forms follow the lemma after two spaces
    // or are recognised by their known continuation words (en garde, savoir,
    // valoir), which keeps the file format one line per lemma.
    std::vector<std::string> rest(words.begin() + first + 1, words.end());
    for (size_t i = 0; i < rest.size(); ++i) {
      std::vector<std::string> form{rest[i]};
      if (i + 2 < rest.size() + 0 && rest[i + 1] == "en" && rest[i + 2] == "garde") {
        form.push_back("en");
        form.push_back("garde");
        i += 2;
      } else if (i + 1 < rest.size() && (rest[i + 1] == "savoir" || rest[i + 1] == "valoir")) {
        form.push_back(rest[i + 1]);
        i += 1;
      }
      if (relay) lex.relay_forms[form[0]] = true;
      AddCue(lex, std::move(form), CueKind::kVerb, lang);
    }
  }
  return OkStatus();
}

}  // namespace

std::string FoldKey(std::string_view name) {
  std::string lower;
  AppendLower(name, lower);
  std::string out;
  bool space = true;
  for (size_t i = 0; i < lower.size();) {
    unsigned char c = lower[i];
    std::string_view rep;
    size_t len = 1;
    if (c == 0xC3 && i + 1 < lower.size()) {
      // Latin-1 lowercase letters: à..ÿ (C3 A0..C3 BF).
      static const char kBase[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyby";
      unsigned char d = lower[i + 1];
      len = 2;
      if (d >= 0xA0 && d <= 0xBF) rep = std::string_view(&kBase[d - 0xA0], 1);
    } else if (c == 0xC5 && i + 1 < lower.size() && lower[i + 1] == '\x93') {
      rep = "oe";
      len = 2;
    } else if (c >= 0x80) {
      len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : 2;
      rep = std::string_view(lower).substr(i, len);
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      rep = std::string_view(lower).substr(i, 1);
    }
    i += len;
    if (rep.empty() || rep == "/") {
      if (!space) out.push_back(' ');
      space = true;
      continue;
    }
    out += rep;
    space = false;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (std::string_view det : {"le ", "la ", "l ", "les ", "the "}) {
    if (out.size() > det.size() && out.compare(0, det.size(), det) == 0) {
      out.erase(0, det.size());
      break;
    }
  }
  return out;
}

Result<std::unique_ptr<QuoteExtractor::Lexicon>> LoadLexicon(const std::string& dir) {
  auto lex = std::make_unique<QuoteExtractor::Lexicon>();
  auto words = ReadLines(dir + "/words.txt");
  if (!words.ok()) return words.error();
  for (const std::string& line : *words) {
    std::istringstream ss(line);
    std::string w, cls;
    ss >> w;
    std::string lw;
    AppendLower(w, lw);
    uint32_t bits = 0;
    while (ss >> cls) {
      if (cls == "stop")
        bits |= kStop;
      else if (cls == "prep")
        bits |= kPrep;
      else if (cls == "def")
        bits |= kDef;
      else if (cls == "indef")
        bits |= kIndef;
      else if (cls == "pron")
        bits |= kPron;
      else if (cls == "pronpl")
        bits |= kPronPl;
      else if (cls == "abbrev")
        bits |= kAbbrev;
      else if (cls == "particle")
        bits |= kParticle;
      else if (cls == "verbish")
        bits |= kVerbish;
      else if (cls == "aux")
        bits |= kAux;
      else if (cls == "poss")
        bits |= kPoss;
      else if (cls == "nominal")
        bits |= kNominal;
      else if (cls == "masc")
        bits |= kMasc;
      else if (cls == "fem")
        bits |= kFem;
      else
        return Error::BadInput(dir + "/words.txt: unknown class '" + cls + "' for " + w);
    }
    lex->classes[lw] |= bits;
  }
  auto common = ReadLines(dir + "/common_words.txt");
  if (!common.ok()) return common.error();
  for (const std::string& w : *common) {
    std::string lw;
    AppendLower(w, lw);
    lex->classes[lw] |= kCommon;
  }
  auto roles = ReadLines(dir + "/roles.txt");
  if (!roles.ok()) return roles.error();
  for (const std::string& line : *roles) {
    // WORDS PER|ORG [m|f] [anon]
    std::vector<std::string> parts = SplitWords(line);
    uint32_t bit = 0, gender = 0;
    bool anon = false, group = false, doc = false, any = false;
    while (!parts.empty()) {
      const std::string& f = parts.back();
      if (f == "per" && !bit) {
        bit = kRolePer;
      } else if (f == "org" && !bit) {
        bit = kRoleOrg;
      } else if (f == "m" && !gender) {
        gender = kMasc;
      } else if (f == "f" && !gender) {
        gender = kFem;
      } else if (f == "anon") {
        anon = true;
      } else if (f == "group") {
        group = true;
      } else if (f == "doc") {
        doc = true;
      } else if (f == "any") {
        any = true;
      } else {
        break;
      }
      parts.pop_back();
    }
    if (!bit || parts.empty())
      return Error::BadInput(
          dir + "/roles.txt: expected WORDS PER|ORG [m|f] [anon|group|doc|any]: '" + line + "'");
    if (parts.size() == 1) {
      lex->classes[parts[0]] |= bit | gender;
      if (anon) lex->anonymous_roles[parts[0]] = true;
      if (group) lex->group_roles[parts[0]] = true;
      if (doc) lex->document_roles[parts[0]] = true;
      if (any) lex->any_org_roles[parts[0]] = true;
    } else if (parts.size() == 2) {
      lex->classes[parts[0]] |= kRoleHead;
      lex->two_word_roles[parts[0] + " " + parts[1]] = bit | gender;
      if (anon) lex->anonymous_roles[parts[0] + " " + parts[1]] = true;
      if (group) lex->group_roles[parts[0] + " " + parts[1]] = true;
    } else {
      return Error::BadInput(dir + "/roles.txt: at most two words: '" + line + "'");
    }
  }
  auto names = ReadLines(dir + "/first_names.txt");
  if (!names.ok()) return names.error();
  for (const std::string& line : *names) {
    std::istringstream ss(line);
    std::string name, g;
    ss >> name >> g;
    if (g != "m" && g != "f")
      return Error::BadInput(dir + "/first_names.txt: expected NAME m|f: '" + line + "'");
    std::string lw;
    AppendLower(name, lw);
    lex->first_names[lw] = g == "m" ? kGenderMasc : kGenderFem;
  }
  auto orgs = ReadLines(dir + "/organisations.txt");
  if (!orgs.ok()) return orgs.error();
  for (const std::string& line : *orgs) {
    // canonical | alias | alias ...
    std::vector<std::string> names_of;
    std::string cur;
    for (char c : line + "|") {
      if (c != '|') {
        cur.push_back(c);
        continue;
      }
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      size_t b = cur.find_first_not_of(' ');
      if (b != std::string::npos) names_of.push_back(cur.substr(b));
      cur.clear();
    }
    if (names_of.size() < 2)
      return Error::BadInput(dir + "/organisations.txt: expected CANONICAL | ALIAS ...: '" + line +
                             "'");
    for (const std::string& n : names_of) lex->org_aliases[FoldKey(n)] = names_of[0];
  }
  auto channels = ReadLines(dir + "/channels.txt");
  if (!channels.ok()) return channels.error();
  for (const std::string& line : *channels) {
    lex->channels[FoldKey(line)] = true;
    std::string first;
    AppendLower(line.substr(0, line.find_first_of(" -'")), first);
    lex->channel_first_words[first] = true;
    // Written without its article or with a contracted one (au Parisien,
    // du Monde): the word after Le, La, Les, The.
    for (std::string_view det : {"Le ", "La ", "Les ", "The "}) {
      if (line.size() > det.size() && line.compare(0, det.size(), det) == 0) {
        std::string next;
        AppendLower(line.substr(det.size(), line.find_first_of(" -'", det.size()) - det.size()),
                    next);
        lex->channel_first_words[next] = true;
      }
    }
    // Written with its article: l'AFP, L'Obs, l'Express.
    if (line.size() > 2 && line[1] == '\'') {
      std::string rest;
      AppendLower(line.substr(2, line.find_first_of(" -'", 2) - 2), rest);
      lex->channel_first_words[rest] = true;
    }
  }
  auto anonymity = ReadLines(dir + "/anonymity.txt");
  if (!anonymity.ok()) return anonymity.error();
  for (const std::string& line : *anonymity) {
    std::vector<std::string> words = SplitWords(line);
    if (words.empty()) continue;
    std::string lw;
    AppendLower(line, lw);
    lex->anonymity.push_back(lw);
    lex->classes[words.back()] |= kAnonKey;
  }
  auto conf = ReadLines(dir + "/confidence.txt");
  if (!conf.ok()) return conf.error();
  for (const std::string& line : *conf) {
    std::istringstream ss(line);
    std::string path;
    float v = -1;
    ss >> path >> v;
    if (!(v >= 0 && v <= 1))
      return Error::BadInput(dir + "/confidence.txt: expected PATH VALUE in [0, 1]: '" + line +
                             "'");
    lex->confidence[path] = v;
  }
  Status s = LoadCues(*lex, dir + "/cues_fr.txt", false);
  if (!s.ok()) return s.error();
  s = LoadCues(*lex, dir + "/cues_en.txt", true);
  if (!s.ok()) return s.error();
  lex->BuildFlat();
  return lex;
}

}  // namespace quotes
}  // namespace veille
