// extract.cc: events from the sentences of one article (see veille/events.h).
//
// Per sentence: trigger words from the lexicon (a verb form or a noun and the
// words that must follow it), the voice and mood of a verb (passive swaps
// subject and object; an infinitive or a conditional is not an event, a
// conditional auxiliary "auraient capturé" is an alleged one), negation and
// cue words of modality in the trigger's clause, then the arguments: the noun
// phrase before the verb group, the one after the pattern, the agent after
// "par", a place after a preposition. A noun phrase is an entity mention, an
// anaphoric noun resolved against the article so far, a container noun
// standing for its complement ("le siège de la police de la ville"), or a
// member noun standing for its group or country ("les soldats américains").
#include <algorithm>
#include <map>

#include "events/internal.h"
#include "veille/entities.h"
#include "veille/utf8.h"

namespace veille::events {
namespace {

struct Arg {
  std::string name;          // canonical
  std::string type;          // PER, LOC, ORG, or "" (a demonym's country: LOC)
  int end = -1;              // first token after the phrase
  bool nationality = false;  // from a demonym: the country as an agent
  bool ok() const { return !name.empty(); }
};

struct Tok {
  uint32_t b = 0, e = 0;
  std::string low;
  uint32_t cats = 0;                 // cat:: bits of the word (words-*.tsv, nouns-*.tsv)
  mutable uint32_t prefix_cats = 0;  // those of its prefixes ("pourr*"), when asked
  mutable bool prefixes_done = false;
  int mention = -1;  // the mention that starts here
  int inside = -1;   // the mention that covers this token
};

class ArticleRun {
 public:
  ArticleRun(const Extractor::Lexicon& lex, std::string_view text, std::string_view lang,
             const std::vector<Mention>& mentions, const std::vector<QuoteSpan>& quotes,
             const std::vector<TimeRef>& times, std::string_view article_date)
      : lex_(lex),
        L_(lex.For(lang)),
        en_(lang == "en"),
        text_(text),
        mentions_(mentions),
        quotes_(quotes),
        times_(times),
        article_date_(CalendarDate(article_date)) {}

  std::vector<EventSpan> Run() {
    TokenizedText tt = TokenizeText(text_);
    toks_.reserve(tt.tokens.size());
    for (const TextToken& t : tt.tokens) {
      Tok k{t.begin, t.end, Lower(text_.substr(t.begin, t.end - t.begin))};
      k.cats = L_.Cats(k.low);
      toks_.push_back(std::move(k));
    }
    std::map<std::string, std::map<std::string, int>> counts;
    for (const Mention& m : mentions_) ++counts[NameOf(m)][m.type];
    for (auto& [name, by_type] : counts) {
      int best = 0;
      for (auto& [type, n] : by_type)
        if (n > best) best = n, types_[name] = type;
    }
    // Mentions to tokens.
    size_t ti = 0;
    for (size_t m = 0; m < mentions_.size(); ++m) {
      const Mention& mm = mentions_[m];
      while (ti < toks_.size() && toks_[ti].e <= mm.begin) ++ti;
      size_t k = ti;
      if (k < toks_.size() && toks_[k].b >= mm.begin && toks_[k].b < mm.end &&
          toks_[k].mention < 0) {
        toks_[k].mention = static_cast<int>(m);
        for (; k < toks_.size() && toks_[k].b < mm.end; ++k) toks_[k].inside = static_cast<int>(m);
      }
    }
    for (size_t s = 0; s < tt.sentences.size(); ++s) {
      sent_ = static_cast<int>(s);
      first_ = static_cast<int>(tt.sentences[s].first);
      last_ = static_cast<int>(tt.sentences[s].last);
      for (int t = first_; t < last_; ++t) TryTrigger(t);
    }
    return std::move(out_);
  }

 private:
  bool Is(int t, uint32_t c) const {
    if (t < first_ || t >= last_) return false;
    const Tok& k = toks_[t];
    if (k.cats & c) return true;
    if (!(c & L_.prefix_mask)) return false;
    if (!k.prefixes_done) {  // prefixes only matter in a few places: computed then
      k.prefix_cats = L_.PrefixCats(k.low);
      k.prefixes_done = true;
    }
    return k.prefix_cats & c;
  }
  bool Word(int t, std::string_view w) const {
    return t >= first_ && t < last_ && toks_[t].low == w;
  }
  bool Star(int t) const { return toks_[t].low == "*"; }
  bool Adverb(int t) const {
    const std::string& w = toks_[t].low;
    return (w.size() > 5 && w.compare(w.size() - 4, 4, "ment") == 0 && !en_) ||
           (en_ && w.size() > 4 && w.compare(w.size() - 2, 2, "ly") == 0) || Is(t, cat::skip);
  }
  bool Number(int t) const {
    const std::string& w = toks_[t].low;
    return !w.empty() && w[0] >= '0' && w[0] <= '9';
  }
  bool Definite(int t) const {
    // du, des, au, aux: contracted definite articles ("aux mains des insurgés").
    static const char* kDefinite[] = {"le",    "la",   "l'",   "les",   "ce",   "cet",
                                      "cette", "ces",  "du",   "des",   "au",   "aux",
                                      "the",   "this", "that", "these", "those"};
    for (const char* d : kDefinite)
      if (toks_[t].low == d) return true;
    return false;
  }
  bool Boundary(int t) const { return Is(t, cat::boundary) || toks_[t].low == "."; }

  static std::string NameOf(const Mention& x) {
    std::string name = x.canonical.empty() ? x.text : x.canonical;
    while (!name.empty() && name.back() == '*') name.pop_back();
    return name;
  }
  // An entity's type in this article: its mentions' most common type (the
  // tagger may call one mention of a town ORG).
  const std::string& TypeOf(const std::string& name) const {
    auto it = types_.find(name);
    static const std::string kNone;
    return it == types_.end() ? kNone : it->second;
  }
  // A place, or a name the tagger took for a person but that the article
  // never shortens the way it shortens people ("Lashkar Gah", not "Khan").
  bool LooksLikePlace(const std::string& name) const {
    const std::string& t = TypeOf(name);
    if (t == "LOC") return true;
    if (t != "PER") return false;
    if (lex_.first_names.count(Lower(name.substr(0, name.find(' '))))) return false;
    for (const Mention& m : mentions_)
      if (NameOf(m) == name && m.text.size() < name.size()) return false;
    return true;
  }
  Arg FromMention(int m, int end) const {
    std::string name = NameOf(mentions_[m]);
    return {name, TypeOf(name), end};
  }
  int MentionEnd(int t) const {
    int m = toks_[t].mention, k = t;
    while (k < last_ && toks_[k].inside == m) ++k;
    return k;
  }

  // --- anaphora ---
  // The most mentioned entity of `type` before byte `at` (ties: the latest).
  Arg MostMentioned(const char* type, uint32_t at) const {
    std::map<std::string, std::pair<int, uint32_t>> count;
    for (const Mention& m : mentions_) {
      if (m.begin >= at) break;
      std::string name = NameOf(m);
      if (TypeOf(name) != type) continue;
      auto& c = count[name];
      ++c.first;
      c.second = m.begin;
    }
    Arg best;
    std::pair<int, uint32_t> bc{0, 0};
    for (auto& [name, c] : count)
      if (c > bc) bc = c, best = {name, type, -1};
    return best;
  }
  Arg ResolveCity(uint32_t at) const {
    if (!last_place_.empty() && sent_ - last_place_sent_ <= 2) return {last_place_, "LOC", -1};
    Arg country = MostMentioned("LOC", at);
    int country_count = 0;
    for (const Mention& m : mentions_)
      if (m.begin < at && NameOf(m) == country.name) ++country_count;
    for (size_t i = mentions_.size(); i-- > 0;) {
      const Mention& m = mentions_[i];
      std::string name = NameOf(m);
      if (m.begin >= at || TypeOf(name) != "LOC") continue;
      if (name == country.name && country_count >= 2) continue;
      return {name, "LOC", -1};
    }
    return {};
  }
  Arg ResolveNoun(int t) const {
    uint32_t at = toks_[t].b;
    if (Is(t, cat::group)) return MostMentioned("ORG", at);
    if (Is(t, cat::country)) return MostMentioned("LOC", at);
    if (Is(t, cat::city)) return ResolveCity(at);
    return {};
  }

  // --- noun phrases ---
  int SkipDeterminers(int i) const {
    for (int n = 0; i < last_ && n < 6; ++n, ++i) {
      if (Star(i) || Is(i, cat::det) || Is(i, cat::adj) || Adverb(i) || Number(i)) continue;
      break;
    }
    return i;
  }

  // The noun phrase starting at token i.
  Arg PhraseAt(int i, int depth = 0) const {
    if (depth > 4) return {};
    i = SkipDeterminers(i);
    if (i >= last_ || Boundary(i)) return {};
    if (toks_[i].mention >= 0) return FromMention(toks_[i].mention, MentionEnd(i));
    if (toks_[i].inside >= 0) return {};
    const bool container = Is(i, cat::container), city = Is(i, cat::city),
               country = Is(i, cat::country);
    const bool group = Is(i, cat::group), member = Is(i, cat::member);
    if (!container && !city && !country && !group && !member) {
      // Another noun: only an apposition names it ("l'homme fort de la
      // ville, Ismail Khan").
      for (int k = i + 1; k + 1 < last_ && k < i + 7; ++k) {
        if (toks_[k].low == ",") {
          if (toks_[k + 1].mention >= 0)
            return FromMention(toks_[k + 1].mention, MentionEnd(k + 1));
          break;
        }
        // "le préfet du Gard, Bernard Lacoste": names inside the phrase pass.
        if (toks_[k].inside >= 0 && k > i + 1 &&
            (Is(k - 1, cat::fromprep) || (Is(k - 1, cat::det) && Is(k - 2, cat::fromprep)))) {
          while (k + 1 < last_ && toks_[k + 1].inside == toks_[k].inside) ++k;
          continue;
        }
        if (Boundary(k) || toks_[k].inside >= 0 || Is(k, cat::coord) || Is(k, cat::agent) ||
            Is(k, cat::relative) || Is(k, cat::placeprep) || L_.forms.count(toks_[k].low))
          break;
      }
      return {};
    }
    int j = i + 1;
    while (j < last_ && (Star(j) || Is(j, cat::adj)) && j < i + 3) ++j;
    // Apposition: "la capitale, Bol Alam".
    if (j + 1 < last_ && toks_[j].low == "," && toks_[j + 1].mention >= 0)
      return FromMention(toks_[j + 1].mention, MentionEnd(j + 1));
    // "les combattants talibans", "les soldats américains"
    if (member && j < last_) {
      if (toks_[i + 1].mention >= 0) return FromMention(toks_[i + 1].mention, MentionEnd(i + 1));
      std::string d = lex_.Demonym(toks_[i + 1].low);
      if (!d.empty()) return {d, "LOC", i + 2, true};
    }
    if ((container || member || city || country) && Is(j, cat::fromprep)) {
      Arg sub = PhraseAt(j + 1, depth + 1);
      if (sub.ok() && (container || city || country || sub.type != "LOC")) return sub;
      // "le chef-lieu d'une des provinces": not an anaphor.
      if (city || country) return {};
    }
    // Only a definite description is anaphoric ("la ville", not "une ville").
    const bool definite = i > first_ && Definite(i - 1);
    if ((city || country || group) && definite) {
      Arg a = ResolveNoun(i);
      a.end = j;
      return a;
    }
    return {};
  }

  // The phrase after token i, or after the next "et" when the first conjunct
  // is no entity ("le siège de la police et la prison de la capitale, X").
  Arg ObjectAt(int i) const {
    Arg a = PhraseAt(i);
    if (a.ok()) return a;
    // "a rencontré lundi à Nîmes le préfet": adverbs and a place before the object.
    int k = i;
    for (int n = 0; k < last_ && n < 4; ++n) {
      if (Is(k, cat::skip) || Adverb(k)) {
        ++k;
      } else if (Is(k, cat::placeprep) && k + 1 < last_ && toks_[k + 1].mention >= 0) {
        k = MentionEnd(k + 1);
      } else {
        break;
      }
    }
    if (k > i) {
      a = PhraseAt(k);
      if (a.ok()) return a;
    }
    // Only a phrase of container nouns goes on after "et": "prendra des
    // décisions et Facebook devra" is no capture of Facebook.
    if (!Is(SkipDeterminers(i), cat::container)) return {};
    for (int k = i; k < last_ && k < i + 8 && !Boundary(k); ++k)
      if (Is(k, cat::coord)) return PhraseAt(k + 1);
    return {};
  }

  // The subject: the phrase that ends just before the verb group starting
  // at token v (skipping auxiliaries, negation, reflexives, adverbs, a
  // relative "qui" and the speech verb of "a déclaré avoir capturé").
  Arg SubjectBefore(int v) const {
    int p = v - 1;
    for (int n = 0; p >= first_ && n < 10; ++n, --p) {
      if (Star(p) || Is(p, cat::neg) || Is(p, cat::negend) || Is(p, cat::reflexive) ||
          Is(p, cat::aux_etre) || Is(p, cat::aux_avoir) || Adverb(p) || Is(p, cat::relative) ||
          Is(p, cat::speech))
        continue;
      if (toks_[p].low == "," && p > first_ && Is(p + 1, cat::relative)) continue;
      // "Le gouverneur, Paul Mercier, a été arrêté": the apposition's end.
      if (toks_[p].low == "," && p > first_ && toks_[p - 1].inside >= 0) continue;
      break;
    }
    if (p < first_) return {};
    // "Aaron Danielson, 39 ans, partisan de Patriot Prayer, a été tué": the
    // name before the first comma of the apposition, not the last name.
    if (toks_[p].inside >= 0 && p + 1 < v && toks_[p + 1].low == ",") {
      for (int c = p - 1; c > first_ && c > p - 20; --c) {
        if (Boundary(c)) break;
        if (toks_[c].low == "," && toks_[c - 1].inside >= 0 &&
            toks_[c - 1].inside != toks_[p].inside)
          p = c - 1;
      }
    }
    if (toks_[p].inside >= 0) {
      int m = toks_[p].inside, start = p;
      while (start > first_ && toks_[start - 1].inside == m) --start;
      Arg a = FromMention(m, p + 1);
      // "l'homme fort d'Herat a été capturé": the subject is the man.
      int q = start - 1;
      if (q > first_ && Is(q, cat::fromprep)) {
        int head = q - 1;
        if (!(Is(head, cat::member) || Is(head, cat::container) || Is(head, cat::group) ||
              Is(head, cat::city) || Is(head, cat::country) || Is(head, cat::det)))
          return {};
      }
      return a;
    }
    if ((Is(p, cat::group) || Is(p, cat::city) || Is(p, cat::country)) && p > first_ &&
        Definite(p - 1)) {
      // "le pays" but not "les rebelles du pays" (its head is before)
      return ResolveNoun(p);
    }
    std::string d = lex_.Demonym(toks_[p].low);
    if (!d.empty() && p > first_ && Is(p - 1, cat::member)) return {d, "LOC", p + 1, true};
    // "Islamic State fighters", "US troops"
    if (Is(p, cat::member) && p > first_ && toks_[p - 1].inside >= 0)
      return FromMention(toks_[p - 1].inside, p);
    if (Is(p, cat::member) && p > first_) {
      d = lex_.Demonym(toks_[p - 1].low);
      if (!d.empty()) return {d, "LOC", p + 1, true};
    }
    return {};
  }

  // "X a annoncé sa démission": the subject of the verb before a possessive.
  Arg Possessor(int t) const {
    if (t - 1 < first_ || !Is(t - 1, cat::possessive)) return {};
    for (int k = t - 2; k >= first_ && k >= t - 6; --k) {
      if (Boundary(k) || toks_[k].low == ",") break;
      if (Is(k, cat::aux_avoir) || Is(k, cat::aux_etre)) {
        int v = k;
        while (v > first_ && (Is(v - 1, cat::aux_avoir) || Is(v - 1, cat::aux_etre) ||
                              Is(v - 1, cat::neg) || Is(v - 1, cat::reflexive) || Adverb(v - 1)))
          --v;
        return SubjectBefore(v);
      }
    }
    return {};
  }

  // Agent after "par"/"by" within the clause after token i.
  Arg AgentAfter(int i) const {
    for (int k = i; k < last_ && k < i + 10 && !Boundary(k); ++k)
      if (Is(k, cat::agent)) return PhraseAt(k + 1);
    return {};
  }
  // A place after a preposition (`from`: de/du/des or from).
  Arg PlaceAfter(int i, bool from) const {
    for (int k = i; k < last_ && k < i + 12 && !Boundary(k); ++k) {
      if (!Is(k, from ? cat::fromprep : cat::placeprep)) continue;
      Arg a = PhraseAt(k + 1);
      if (a.ok() && a.type == "LOC") return a;
    }
    return {};
  }
  Arg PlaceInSentence(uint32_t avoid1, const std::string& a, const std::string& b) const {
    for (int k = first_; k + 1 < last_; ++k) {
      if (!Is(k, cat::placeprep)) continue;
      int m = toks_[k + 1].mention;
      if (m < 0) continue;
      Arg x = FromMention(m, MentionEnd(k + 1));
      if (x.type == "LOC" && x.name != a && x.name != b) return x;
    }
    return {};
  }

  // After a participle without auxiliary: "par X", a time expression, or a
  // named place.
  bool ParticipleEvent(int end) const {
    for (int k = end; k < last_ && k < end + 3; ++k) {
      if (Is(k, cat::agent)) return true;
      for (const TimeRef& tr : times_)
        if (tr.begin == toks_[k].b) return true;
      if (Is(k, cat::placeprep) && k + 1 < last_ && toks_[k + 1].mention >= 0 &&
          TypeOf(NameOf(mentions_[toks_[k + 1].mention])) == "LOC")
        return true;
      if (toks_[k].low == "," || Boundary(k)) break;
    }
    return false;
  }

  // --- factuality ---
  // The first token of the trigger's clause.
  int ClauseStart(int t) const {
    for (int k = t - 1; k >= first_; --k) {
      const std::string& w = toks_[k].low;
      if (Boundary(k) || w == "," || w == "que" || w == "qu'" || w == "alors" || w == "lorsque" ||
          w == "quand" || w == "mais" || w == "when" || w == "while" || w == "but")
        return k + 1;
    }
    return first_;
  }
  bool Blocked(int t) const {
    int start = std::max(ClauseStart(t), t - 8);
    for (int k = start; k < t; ++k)
      if (Is(k, cat::block) && !(k > first_ && Is(k - 1, cat::unblock))) return true;
    return false;
  }
  bool NegatedVerb(int v, int t) const {
    if (en_) {
      for (int k = std::max(first_, v - 3); k < t; ++k) {
        const std::string& w = toks_[k].low;
        if (Is(k, cat::neg) || (w.size() > 3 && w.compare(w.size() - 3, 3, "n't") == 0))
          return true;
      }
      return false;
    }
    int ne = -1;
    for (int k = std::max(first_, v - 4); k < t; ++k)
      if (Is(k, cat::neg)) ne = k;
    if (ne < 0) return false;
    for (int k = ne + 1; k < std::min(last_, t + 3); ++k)
      if (Is(k, cat::negend)) return true;
    return false;
  }
  bool NegatedNoun(int t) const {
    for (int k = std::max(ClauseStart(t), t - 3); k < t; ++k)
      if (Is(k, cat::negbefore)) return true;
    return false;
  }
  bool PostBlocked(int from) const {
    for (int k = from; k < last_ && k < from + 8; ++k)
      if (Is(k, cat::postblock)) return true;
    return false;
  }

  // Whether the slots of `r` follow token t; *end receives the next token.
  bool MatchAfter(const TriggerRule& r, int t, int* end) const {
    int k = t + 1;
    for (const auto& slot : r.after) {
      while (k < last_ && Star(k)) ++k;
      if (k >= last_) return false;
      if (std::find(slot.begin(), slot.end(), toks_[k].low) == slot.end()) return false;
      ++k;
    }
    *end = k;
    return true;
  }

  bool NounContext(int t) const {
    if (t <= first_) return true;
    const std::string& w = toks_[t - 1].low;
    static const char* kPreps[] = {"après",   "avant", "depuis", "sur",    "contre", "avec",
                                   "par",     "à",     "au",     "aux",    "dans",   "en",
                                   "pour",    "sans",  "after",  "before", "since",  "on",
                                   "against", "with",  "by",     "of"};
    if (Is(t - 1, cat::det) || Is(t - 1, cat::adj)) return true;
    for (const char* p : kPreps)
      if (w == p) return true;
    return false;
  }

  void TryTrigger(int t) {
    auto it = L_.forms.find(toks_[t].low);
    if (it == L_.forms.end() || toks_[t].inside >= 0) return;
    for (const FormRule& fr : it->second) {
      const TriggerRule& r = L_.rules[fr.rule];
      int end = t + 1;
      if (!MatchAfter(r, t, &end)) continue;
      bool noun = fr.tag == FormTag::kNoun;
      if (noun != NounContext(t) && (noun || HasNounForm(toks_[t].low))) continue;
      if (Build(t, end, r, fr.tag)) return;
      return;  // the longest matching pattern decides
    }
  }
  bool HasNounForm(const std::string& w) const {
    auto it = L_.forms.find(w);
    for (const FormRule& f : it->second)
      if (f.tag == FormTag::kNoun) return true;
    return false;
  }

  bool Build(int t, int end, const TriggerRule& r, FormTag tag) {
    EventSpan ev;
    ev.action = lex_.actions[r.action];
    bool passive = false, alleged = false;
    int verb_start = t;
    if (tag == FormTag::kNoun) {
      if (NegatedNoun(t) || Blocked(t)) return false;
    } else {
      if (tag == FormTag::kCond) return false;
      if (tag == FormTag::kInf) {
        // "viennent de prendre": just took.
        bool venir =
            !en_ && t - 2 >= first_ && Word(t - 1, "de") &&
            (toks_[t - 2].low.rfind("vien", 0) == 0 || toks_[t - 2].low.rfind("ven", 0) == 0);
        bool will = en_ && t - 1 >= first_ && (Word(t - 1, "will") || Word(t - 1, "did"));
        bool bare_en = en_ && t - 1 >= first_ && !Word(t - 1, "to") && !Is(t - 1, cat::block);
        if (!venir && !will && !bare_en) return false;
      }
      // The verb group: auxiliaries and adverbs before the trigger.
      int k = t - 1;
      bool etre = false, avoir = false, refl = false;
      for (int n = 0; k >= first_ && n < 5; ++n, --k) {
        if (Adverb(k) || Is(k, cat::negend) || Star(k)) continue;
        if (Is(k, cat::aux_etre)) {
          etre = true;
          if (Is(k, cat::alleged)) alleged = true;
          verb_start = k;
          continue;
        }
        if (Is(k, cat::aux_avoir)) {
          avoir = true;
          if (Is(k, cat::alleged)) alleged = true;
          verb_start = k;
          continue;
        }
        if (Is(k, cat::reflexive)) {
          refl = true;
          verb_start = k;
          continue;
        }
        if (Is(k, cat::neg)) {
          verb_start = k;
          continue;
        }
        break;
      }
      if (tag == FormTag::kPp && r.transitive()) {
        if (etre && !refl && !(avoir && !etre)) passive = true;
        // "avoir été capturé", "a été capturé": été after avoir is passive too.
        if (!etre && !avoir) {
          // No auxiliary: a reduced passive ("le butin capturé par les rebelles")
          // in French; in English a simple past unless "by" follows.
          passive = !en_ || (end < last_ && Is(end, cat::agent));
          // A participle alone is mostly an adjective ("la Cisjordanie
          // occupée", "élue dans le 3e arrondissement"): an event only with
          // its agent, date or place ("arrêté le 16 mai en banlieue").
          if (!en_ && !ParticipleEvent(end)) return false;
        }
      }
      if (NegatedVerb(verb_start, t) || Blocked(verb_start)) return false;
      // "« … », a annoncé Météo-France": a speech verb in an incise, its
      // subject after it; what is announced is the quotation.
      if (ev.action == "announce" && verb_start > first_) {
        const std::string& w = toks_[verb_start - 1].low;
        if (w == "," || w == "»" || w == "\"" || w == "”") return false;
      }
    }

    // Arguments.
    Arg actor, target, place;
    int after_object = end;
    auto object = [&](bool entity_only) {
      Arg a = ObjectAt(end);
      if (a.ok()) after_object = std::max(after_object, a.end);
      if (entity_only && a.ok() && !LooksLikePlace(a.name)) return Arg{};
      return a;
    };
    auto take = [&](Where w, bool is_target) -> Arg {
      switch (w) {
        case Where::kSubject:
          return SubjectBefore(verb_start);
        case Where::kObject:
          return object(false);
        case Where::kObjectEntity:
          return object(true);
        case Where::kAgent:
          return AgentAfter(after_object);
        case Where::kPlace:
          return PlaceAfter(after_object, false);
        case Where::kFromPlace:
          return PlaceAfter(after_object, true);
        case Where::kPossessor:
          return Possessor(t);
        case Where::kNone:
          return Arg{};
      }
      return Arg{};
    };
    if (passive) {
      target = SubjectBefore(verb_start);
      // "a été prise d'un malaise": a place is taken, a person is not.
      if (r.target == Where::kObjectEntity && target.ok() && !LooksLikePlace(target.name))
        return false;
      actor = AgentAfter(end);
    } else {
      // Objects first, so that agents and places are looked for after them.
      if (r.target == Where::kObject || r.target == Where::kObjectEntity)
        target = take(r.target, true);
      if (r.actor == Where::kObject) actor = take(r.actor, false);
      if (r.actor != Where::kObject) actor = take(r.actor, false);
      if (r.target != Where::kObject && r.target != Where::kObjectEntity)
        target = take(r.target, true);
    }
    if (passive && !actor.ok() && r.target != Where::kObject && r.target != Where::kObjectEntity) {
      // "3000 soldats américains seront déployés à Kaboul": the troops' country.
      actor = SubjectBefore(verb_start);
      target = take(r.target, true);
    }
    // "le retrait d'Afghanistan": a place named where the actor would be.
    if (r.noun && r.actor == Where::kObject && actor.ok() && actor.type == "LOC" &&
        !actor.nationality && r.place != Where::kNone) {
      place = actor;
      actor = {};
    }
    if (r.place != Where::kNone && !place.ok()) place = take(r.place, false);
    if (!place.ok()) place = PlaceInSentence(0, actor.name, target.name);
    if (r.place == Where::kNone && target.ok() && target.type == "LOC" && place.name == target.name)
      place = {};
    if (!actor.ok() && !target.ok() && !place.ok()) return false;
    // "sa démission", "leur retrait": those rules need the possessive.
    if ((r.actor == Where::kPossessor || r.target == Where::kPossessor) &&
        !Is(t - 1, cat::possessive))
      return false;
    // "Carlos est tombé malade": people do not fall like cities.
    if (ev.action == "fall" && tag != FormTag::kNoun && target.ok() &&
        !LooksLikePlace(target.name) && target.type != "ORG")
      return false;
    // "pris en étau", "pris de court", "prendre part": other senses.
    if (ev.action == "capture" && tag != FormTag::kNoun && Is(end, cat::notafter)) return false;
    // "X a attaqué Macron" is a politician's criticism: an attack on a
    // person counts in the passive ("a été attaqué") or as a noun only.
    if (ev.action == "attack" && !passive && tag != FormTag::kNoun && target.type == "PER")
      return false;
    // An action with a target role needs its target (a capture of nothing
    // named is no event for a timeline), except flight.
    if (r.target != Where::kNone && !target.ok() && ev.action != "flee") return false;
    if (postblock_nouns_ && tag == FormTag::kNoun && PostBlocked(after_object)) return false;

    ev.actor = actor.name;
    ev.target = target.name;
    ev.place = place.name;
    ev.begin = toks_[t].b;
    ev.end = toks_[end - 1].e;
    ev.sentence_begin = toks_[first_].b;
    ev.sentence_end = toks_[last_ - 1].e;
    ev.reported = alleged;
    Attribute(t, &ev);
    Date(&ev);
    if (target.ok() && LooksLikePlace(target.name)) {
      last_place_ = target.name;
      last_place_sent_ = sent_;
    }
    out_.push_back(std::move(ev));
    return true;
  }

  // Reported speech: the quote's speaker, or the subject of a speech verb
  // before the trigger in its sentence.
  void Attribute(int t, EventSpan* ev) const {
    for (const QuoteSpan& q : quotes_)
      if (q.begin <= ev->begin && ev->begin < q.end) {
        ev->reported = true;
        if (q.speaker) ev->source = *q.speaker;
        return;
      }
    for (int k = t - 1; k >= first_; --k) {
      if (!Is(k, cat::speech)) continue;
      ev->reported = true;
      if (toks_[k].low == "selon" || toks_[k].low == "according") {
        int j = k + 1;
        if (j < last_ && toks_[j].low == "to") ++j;
        ev->source = PhraseAt(j).name;
      } else {
        int v = k;
        while (v > first_ &&
               (Is(v - 1, cat::aux_avoir) || Is(v - 1, cat::aux_etre) || Adverb(v - 1)))
          --v;
        ev->source = SubjectBefore(v).name;
      }
      return;
    }
  }

  void Date(EventSpan* ev) const {
    const TimeRef* best = nullptr;
    uint32_t best_d = 0;
    const TimeRef* first = nullptr;
    for (const TimeRef& tr : times_) {
      if (tr.end <= ev->sentence_begin || tr.begin >= ev->sentence_end) continue;
      if (CalendarDate(tr.value).empty()) continue;
      if (!first) first = &tr;
      uint32_t d = tr.end <= ev->begin   ? ev->begin - tr.end
                   : tr.begin >= ev->end ? tr.begin - ev->end
                                         : 0;
      if (!best || d < best_d) best = &tr, best_d = d;
    }
    if (best && best_d <= 80) {
      ev->date = CalendarDate(best->value);
      ev->date_source = "event";
    } else if (first) {
      ev->date = CalendarDate(first->value);
      ev->date_source = "sentence";
    } else if (!article_date_.empty()) {
      ev->date = article_date_;
      ev->date_source = "article";
    }
  }

  const Extractor::Lexicon& lex_;
  const LangLexicon& L_;
  bool en_;
  std::string_view text_;
  const std::vector<Mention>& mentions_;
  const std::vector<QuoteSpan>& quotes_;
  const std::vector<TimeRef>& times_;
  std::string article_date_;
  std::vector<Tok> toks_;
  std::map<std::string, std::string> types_;  // entity name -> type in this article
  int sent_ = 0, first_ = 0, last_ = 0;
  std::string last_place_;
  int last_place_sent_ = -100;
  bool postblock_nouns_ = true;
  std::vector<EventSpan> out_;
};

}  // namespace

Extractor::Extractor() : lex_(std::make_unique<Lexicon>()) {}
Extractor::~Extractor() = default;

Result<std::unique_ptr<Extractor>> Extractor::Create() { return CreateFrom(DataDir()); }

Result<std::unique_ptr<Extractor>> Extractor::CreateFrom(const std::string& data_dir) {
  std::unique_ptr<Extractor> x(new Extractor());
  if (auto s = LoadLexicon(data_dir, x->lex_.get()); !s.ok()) return s.error();
  return x;
}

const std::vector<std::string>& Extractor::actions() const { return lex_->actions; }

std::vector<EventSpan> Extractor::Extract(std::string_view text, std::string_view language,
                                          const std::vector<Mention>& mentions,
                                          const std::vector<QuoteSpan>& quotes,
                                          const std::vector<TimeRef>& times,
                                          std::string_view article_date) const {
  if (language != "fr" && language != "en") return {};
  return ArticleRun(*lex_, text, language, mentions, quotes, times, article_date).Run();
}

}  // namespace veille::events
