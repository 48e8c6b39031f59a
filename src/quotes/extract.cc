// extract.cc: the attribution driver (for each quotation, its cue, its
// speaker or a continuation) and the QuoteExtractor entry points.
#include <algorithm>
#include <cstring>

#include "quotes/extraction.h"

namespace veille {
namespace quotes {

// The mention that leads into the quotation whose opening mark ends at
// token `open`: the first subject-like mention of the clause before the mark
// in its sentence (Et d'ajouter :, M. Andrews a exhorté ... :), else of the
// sentence before when that sentence is the writer's own (no quotation in
// it); -1 if none.
int Extraction::SubjectBefore(int open) const {
  int lo = BackwardLimit(open);
  int hi = open;
  if (lo >= hi) {
    // The quotation opens its sentence: look at the previous one.
    int k = open - 1;
    while (k >= 0 && !(toks[k].flags & kWord) && !IsMarkTok(k) && toks[k].quote < 0) --k;
    if (k < 0 || toks[k].quote >= 0 || IsMarkTok(k)) return -1;
    hi = k + 1;
    lo = hi;
    while (lo > 0 && toks[lo - 1].sent == toks[k].sent) {
      if (toks[lo - 1].quote >= 0 || IsMarkTok(lo - 1)) return -1;  // an incise
      --lo;
    }
  }
  for (int i = MentionFrom(lo); i < int(mentions.size()) && mentions[i].tb < hi; ++i) {
    const Mention& m = mentions[i];
    if (m.prep || m.kind == Mention::kPronPl || m.loc || m.channel) continue;
    if (m.kind == Mention::kName && !m.per && !m.org) continue;
    if (m.kind == Mention::kRole && m.generic) continue;
    return i;
  }
  return -1;
}

// The person who is the subject of one of the three sentences before token
// k, passing over sentences whose subject is an institution; -1 if another
// kind of subject comes first.
int Extraction::EarlierPersonSubject(int k) const {
  int hi = k;
  for (int back = 0; back < 3 && hi > 0; ++back) {
    // The sentence ending before hi: [lo, hi).
    int e = hi - 1;
    while (e > 0 && !(toks[e].flags & kWord)) --e;
    int lo = e;
    while (lo > 0 && toks[lo - 1].sent == toks[e].sent) --lo;
    for (int i = MentionFrom(lo); i < int(mentions.size()) && mentions[i].tb < e; ++i) {
      const Mention& m = mentions[i];
      if (m.prep || m.kind == Mention::kPronPl || m.loc || m.channel) continue;
      if (m.kind == Mention::kName && !m.per && !m.org) continue;
      if (m.kind == Mention::kRole && m.generic) continue;
      if (m.kind == Mention::kName && m.per && toks[m.tb].quote < 0) return i;
      if (!m.org) return -1;
      break;  // an institution: the sentence before
    }
    hi = lo;
  }
  return -1;
}

// Whether a speech cue follows mention `mi` in its sentence (la direction
// affirme se plier aux consignes … « … »): it leads into the quotation.
bool Extraction::SpeaksInItsSentence(int mi) {
  const Mention& m = mentions[mi];
  for (int k = m.te; k < int(toks.size()) && toks[k].sent == toks[m.tb].sent; ++k) {
    if (toks[k].quote >= 0 || IsMarkTok(k)) return false;
    CueKind kind;
    if (toks[k].cue_len && CueAt(k, &kind) && kind == CueKind::kVerb) return true;
  }
  return false;
}

// The person the sentence after token k is about (for a quotation that opens
// an article before naming its speaker); -1 if none.
int Extraction::SubjectAfter(int k) const {
  const int n = int(toks.size());
  while (k < n && !(toks[k].flags & kWord)) ++k;
  if (k >= n) return -1;
  const int sent = toks[k].sent;
  for (int i = MentionFrom(k); i < int(mentions.size()) && toks[mentions[i].tb].sent == sent; ++i) {
    const Mention& m = mentions[i];
    if (m.prep || m.loc || m.channel || m.kind == Mention::kPronPl) continue;
    if (m.kind == Mention::kName && m.per) return i;
    if (m.kind == Mention::kRole && m.per && !m.generic) return i;
  }
  return -1;
}

// A speech cue later in the sentence of the quotation mark at token k,
// passing over the quotations in between; *lo is the token after the last
// of them (where the cue's subject may start). -1 if none.
int Extraction::SentenceCueAfter(int k, int* len, CueKind* kind, int* lo) {
  const int n = int(toks.size());
  for (int steps = 0; k < n && steps < 80; ++steps) {
    // Pass a quotation and its marks.
    while (k < n && (toks[k].quote >= 0 || IsMarkTok(k))) ++k;
    if (k >= n) return -1;
    int hi = ForwardLimit(k, 40);
    int c = FindCue(k, hi, true, len, kind);
    if (c >= 0) {
      *lo = k;
      return c;
    }
    if (hi >= n || !IsMarkTok(hi)) return -1;  // the sentence ends
    k = hi;
  }
  return -1;
}

// Whether the quotation's words [first, last) speak in the first person
// singular (je, me, moi, mon; I, my): a person's, not an institution's.
bool Extraction::FirstPersonSingular(int first, int last) const {
  for (int k = first; k < last; ++k) {
    const Tok& t = toks[k];
    if (!(t.flags & kWord) || t.quote < 0) continue;
    std::string_view w = Lower(t.b, t.e);
    if (langs != kLangEn && (w == "je" || w == "j'" || w == "moi" || w == "mon" || w == "ma" ||
                             w == "mes" || w == "m'"))
      return true;
    if (langs != kLangFr && text.substr(t.b, t.e - t.b) == "I") return true;
    if (langs != kLangFr && (w == "my" || w == "i'm" || w == "i've")) return true;
  }
  return false;
}

std::vector<Quote> Extraction::Run() {
  FindQuotes();
  if (raw.empty()) return {};
  Tokenize();
  AssignQuotesToTokens();
  FindMentions();

  std::vector<Quote> out;
  out.reserve(raw.size());
  Resolved current_r;  // the last speaker, for continuations and pronouns
  int current_sent = -100;
  int current_tok = -1;  // last token of the current speaker's last quotation or cue
  float current_conf = 0;
  int pending = -1;  // an unattributed quotation that runs into this one ("…" "…", a dit X)
  int pending_end = -1;
  int cued_sent = -100;  // sentence of the last quotation that had a cue
  const int n = int(toks.size());
  for (size_t qi = 0; qi < raw.size(); ++qi) {
    const RawQuote& q = raw[qi];
    // Token ranges: [first, last) inside; open mark before, close after.
    int first = int(std::lower_bound(toks.begin(), toks.end(), q.begin,
                                     [](const Tok& t, uint32_t v) { return t.b < v; }) -
                    toks.begin());
    int last = first;
    int words = 0, cap_words = 0, stop_words = 0, letters = 0;
    bool verbish = false, sentence_like = false, all_cap = true;
    while (last < n && toks[last].b < q.end) {
      const Tok& t = toks[last];
      if (t.flags & kWord) {
        ++words;
        if (t.cls & quotes::kVerbish) verbish = true;
        if (!(t.flags & kCap)) all_cap = false;
        if (t.flags & kCap) {
          ++cap_words;
        } else if (t.cls & (quotes::kStop | quotes::kParticle)) {
          ++stop_words;
        }
        if (!(text[t.b] >= '0' && text[t.b] <= '9')) ++letters;
      } else if (t.flags & kSentEnd) {
        sentence_like = true;
      }
      ++last;
    }
    int before_end = first;
    while (before_end > 0 && toks[before_end - 1].b >= q.open_b) --before_end;
    int after_begin = last;
    while (after_begin < n && toks[after_begin].b < q.close_e) ++after_begin;

    // 1. A cue right after the quotation (« … », a déclaré X / X said).
    Attribution a;
    CueKind kind;
    int len = 0;
    // A quotation that ends its sentence, followed by a clause that leads
    // into the next quotation (`tensions." Jonathann Daval nie "être…`):
    // that clause's cue is the next quotation's, not this one's (unlike
    // `are?" Trump asked.`).
    int fwd_hi = ForwardLimit(after_begin, 40);
    if (last > first && (toks[last - 1].flags & kSentEnd) && after_begin < n &&
        (toks[after_begin].flags & kCap) && fwd_hi < n && IsMarkTok(fwd_hi))
      fwd_hi = after_begin;
    int c = FindCue(after_begin, std::min(fwd_hi, after_begin + 10), true, &len, &kind);
    int back_lo = BackwardLimit(before_end);
    int dash_mention = -1;
    if (after_begin + 1 < n && (toks[after_begin].flags & kDash)) {
      // « … » — Jean Dupont: a signature after a dash.
      int mi = MentionFrom(after_begin + 1);
      if (mi < int(mentions.size()) && mentions[mi].tb == after_begin + 1 &&
          mentions[mi].kind == Mention::kName)
        dash_mention = mi;
    }
    // An incise inside the quotation (« …, a précisé X. … ») names its
    // speaker before anything around it.
    bool incise = false;
    for (int k = first, lo = -1; k < last && !incise; ++k) {
      if (toks[k].quote >= 0) continue;
      if (lo < 0 || toks[k - 1].quote >= 0) lo = k;
      CueKind ik;
      int il = toks[k].cue_len ? CueAt(k, &ik) : 0;
      if (!il || ik != CueKind::kVerb) continue;
      int hi = k + il;
      while (hi < last && toks[hi].quote < 0) ++hi;
      Attribution ai = FromCue(k, il, ik, lo, hi);
      if (ai.mention >= 0 || ai.inv_tok >= 0) {
        a = ai;
        incise = true;
      }
    }
    if (incise) {
      // Found inside.
    } else if (dash_mention >= 0) {
      a.found_cue = true;
      a.cue_tok = after_begin;
      a.cue_end = after_begin + 1;
      a.mention = dash_mention;
    } else if (c >= 0) {
      a = FromCue(c, len, kind, after_begin, fwd_hi);
      const bool channel = a.mention >= 0 && mentions[a.mention].channel;
      if ((a.mention < 0 && a.inv_tok < 0) || channel) {
        // The cue after it names nobody (tout en précisant): one before it
        // in the sentence may (X a tenu à rappeler que « … »); so does one
        // whose subject is a person when the cue after is an outlet's (il a
        // assuré « … », explique le Monde).
        int len2 = 0;
        CueKind kind2;
        int c2 = FindCue(back_lo, before_end, false, &len2, &kind2);
        if (c2 >= 0) {
          Attribution a2 = FromCue(c2, len2, kind2, back_lo, before_end);
          if ((a2.mention >= 0 && !mentions[a2.mention].channel) || a2.inv_tok >= 0) a = a2;
        }
      }
    } else {
      // 2. A cue before it in the same sentence (X a déclaré : « … »,
      //    selon X, « … »).
      c = FindCue(back_lo, before_end, false, &len, &kind);
      if (c >= 0) {
        a = FromCue(c, len, kind, back_lo, before_end);
      } else {
        // 3. A cue later in the sentence (« … », le gouverneur …, a annoncé).
        c = FindCue(after_begin, fwd_hi, true, &len, &kind);
        if (c >= 0) a = FromCue(c, len, kind, after_begin, fwd_hi);
      }
    }
    if (!incise && dash_mention < 0 && (!a.found_cue || (a.mention < 0 && a.inv_tok < 0)) &&
        fwd_hi < n && IsMarkTok(fwd_hi)) {
      // 4. The cue ending a sentence of several quotations (rendre le texte
      //    « … » et « … » sur …, a assuré le ministre), when no cue nearer
      //    gave a speaker.
      int lo = -1, len4 = 0;
      CueKind kind4;
      int c4 = SentenceCueAfter(fwd_hi, &len4, &kind4, &lo);
      if (c4 >= 0) {
        Attribution a4 = FromCue(c4, len4, kind4, lo, ForwardLimit(c4 + len4, 40));
        if (a4.mention >= 0 || a4.inv_tok >= 0 || !a.found_cue) a = a4;
      }
    }

    // An auxiliary before the mark makes the quotation the predicate of the
    // clause's subject (la ministre a « condamné fermement » l'intrusion);
    // so does its subject right before it when the quotation opens in
    // lowercase and no cue gave a speaker (…, Éliane Houlette « tient à ce
    // que … »).
    bool predicate = false;
    int lead_subject = -1;
    if (a.mention < 0 && a.inv_tok < 0 && dash_mention < 0 && before_end > 0 && first < n &&
        (toks[first].flags & kWord) && !(toks[first].flags & kCap)) {
      int mi = MentionFrom(before_end) - 1;
      if (mi >= 0 && mentions[mi].te == before_end && !mentions[mi].prep && !mentions[mi].loc &&
          !mentions[mi].channel && ClauseStart(mentions[mi].tb, BackwardLimit(mentions[mi].tb)) &&
          ((mentions[mi].kind == Mention::kName && (mentions[mi].per || mentions[mi].org)) ||
           (mentions[mi].kind == Mention::kRole && !mentions[mi].generic)))
        lead_subject = mi;
    }
    if (lead_subject >= 0) predicate = true;
    if (!a.found_cue && before_end > 0 && (toks[before_end - 1].flags & kWord)) {
      uint32_t cls = toks[before_end - 1].cls;
      predicate = (cls & quotes::kAux) && (!(cls & quotes::kIndef) || langs == quotes::kLangFr);
    }

    // Scare quotes and titles: a short noun phrase with no speech around it.
    // Titles (Fox and Friends, « Le Monde ») are capitalised word by word.
    bool title_like = words <= 6 && !verbish && cap_words > 0 && cap_words + stop_words == words;
    if (letters == 0 || (title_like && words - stop_words <= 4)) continue;
    bool long_enough =
        words >= 5 || verbish || (sentence_like && words >= 3 && (toks[first].flags & kCap));
    if (!long_enough) {
      // A speech cue anywhere in the sentence makes it a partial quotation
      // in reported speech (a menacé … de «conséquences sérieuses»).
      // So does an earlier cued quotation of the same sentence (selon lui,
      // « … » et non « … »).
      bool same_sentence = first < n && toks[first].sent == cued_sent;
      bool cue_near = a.found_cue || same_sentence || predicate;
      if (!cue_near || (all_cap && words > 0) || words == 0) continue;
    }

    Quote out_q;
    if (q.skips.empty()) {
      out_q.text = std::string(text.substr(q.begin, q.end - q.begin));
    } else {
      uint32_t p = q.begin;
      for (auto [sb, se] : q.skips) {
        if (sb < p || se > q.end) continue;
        out_q.text.append(text.substr(p, sb - p));
        p = se;
      }
      out_q.text.append(text.substr(p, q.end - p));
    }
    out_q.begin = q.begin;
    out_q.end = q.end;
    if (before_end > 0 && (toks[before_end - 1].flags & kWord)) {
      // A verb of speech right before the mark introduces the quotation (a
      // déclaré « … », said "…"); a determiner or any other word makes it
      // words quoted inside the writer's sentence (dénonce un « mépris »).
      const bool cue_adjacent = a.found_cue && a.cue_tok < before_end && a.cue_end >= before_end;
      out_q.partial = !cue_adjacent;
    }

    Resolved r;
    bool attributed = false;
    const Resolved* cur = current_r.kind != SpeakerKind::kNone ? &current_r : nullptr;
    if (a.found_cue) {
      out_q.cue =
          std::string(text.substr(toks[a.cue_tok].b, toks[a.cue_end - 1].e - toks[a.cue_tok].b));
      // Include the auxiliary: a déclaré, a-t-il ajouté, has said.
      if (a.cue_tok > 0 && (toks[a.cue_tok - 1].flags & kWord) && a.cue_tok - 1 >= 0) {
        std::string_view aux = Lower(toks[a.cue_tok - 1].b, toks[a.cue_tok - 1].e);
        if (aux == "a" || aux == "ont" || aux == "avait" || aux == "has" || aux == "had" ||
            aux.starts_with("a-t-") || aux == "est" || aux == "s'est" ||
            (toks[a.cue_tok - 1].flags & kInvPron)) {
          out_q.cue = std::string(
              text.substr(toks[a.cue_tok - 1].b, toks[a.cue_end - 1].e - toks[a.cue_tok - 1].b));
        }
      }
      if (a.inv_tok >= 0) {
        r = ResolvePronoun(a.inv_tok, cur, current_sent);
        attributed = true;
      } else if (a.mention >= 0) {
        r = Resolve(a.mention, cur, current_sent);
        attributed = true;
      }
    }
    float conf = r.kind != SpeakerKind::kNone ? Confidence(r.path) : 0.0f;
    const char* how = r.path;
    if (!attributed) {
      // 4. No cue. The subject of the sentence that leads into the
      //    quotation, when it is another person (turn-taking); else the
      //    last speaker, when close (continuation); else, for the first
      //    quotation, the person the next sentence is about.
      int subj = lead_subject >= 0 ? lead_subject : SubjectBefore(before_end);
      Resolved s;
      if (subj >= 0) s = Resolve(subj, cur, current_sent);
      if (s.kind == SpeakerKind::kOrganisation && !cur && FirstPersonSingular(first, last)) {
        // "Je …" is a person's: the one the sentences before are about (X
        // a contre-attaqué … Le parquet a annoncé … « Je suis ciblée »).
        int p = EarlierPersonSubject(before_end);
        s = p >= 0 ? ResolveName(p) : Resolved();
        if (s.kind != SpeakerKind::kNamed) s = Resolved();
      }
      const bool same = cur && s.speaker == cur->speaker && s.kind == cur->kind;
      if (predicate) {
        // The clause's own subject or nobody: a subject we cannot name
        // (L'opposition a « regretté »…) is not the last speaker.
        if (s.kind != SpeakerKind::kNone) {
          r = s;
          conf = Confidence(how = "subject");
        }
      } else if (subj >= 0 && s.kind != SpeakerKind::kNone && !same &&
                 (s.kind != SpeakerKind::kOrganisation || !cur || (SpeaksInItsSentence(subj))) &&
                 std::strcmp(s.path, "cataphora") != 0) {
        // (Not a pronoun whose person is named only later: Elle les engage
        // à ne pas causer « … », of a charter.)
        r = s;
        conf = Confidence(how = "subject");
      } else if (cur && current_tok >= 0 &&
                 SentencesBetween(current_tok, first) <= (out_q.partial ? 0 : 3)) {
        // Words quoted inside a later sentence of the writer's own are not
        // the last speaker's on that ground alone (La priorité reste
        // « … », Le texte vise à donner « … »).
        r = current_r;
        how = SentencesBetween(current_tok, first) <= 1 ? "continuation" : "continuation_far";
        conf = std::min(current_conf, Confidence(how));
      } else if (!cur && out.empty() && !out_q.partial) {
        int next = SubjectAfter(after_begin);
        if (next >= 0) {
          r = Resolve(next, nullptr, -100);
          how = "cataphora";
          conf = r.kind == SpeakerKind::kNone ? 0.0f : Confidence(how);
        }
      }
    }
    out_q.speaker = r.speaker;
    out_q.speaker_mention = r.mention;
    out_q.speaker_role = r.role;
    out_q.speaker_begin = r.b;
    out_q.speaker_end = r.e;
    out_q.speaker_kind = r.kind;
    out_q.confidence = r.kind == SpeakerKind::kNone ? 0.0f : conf;
    out_q.how = r.kind == SpeakerKind::kNone ? "" : how;
    // Only marks and punctuation between the two (its trailing clause, if
    // any, named nobody: « … », selon un communiqué. « … », ajoute X).
    bool adjacent = pending >= 0 && pending_end <= before_end + 1;
    for (int k = pending_end; adjacent && k < before_end; ++k)
      if (toks[k].flags & kWord) adjacent = false;
    if (a.found_cue && r.kind != SpeakerKind::kNone && adjacent) {
      Quote& p = out[pending];
      p.speaker = r.speaker;
      p.speaker_mention = r.mention;
      p.speaker_role = r.role;
      p.speaker_begin = r.b;
      p.speaker_end = r.e;
      p.speaker_kind = r.kind;
      p.confidence = std::min(conf, Confidence("next_quote"));
      p.how = "next_quote";
    }
    pending = -1;
    if (r.kind == SpeakerKind::kNone) {
      pending = int(out.size());
      pending_end = after_begin;
      // Past a cue clause after it that gave no speaker.
      if (a.found_cue && a.cue_tok >= after_begin) pending_end = std::max(pending_end, fwd_hi);
    }
    if (r.kind != SpeakerKind::kNone) {
      current_r = r;
      current_conf = out_q.confidence;
    }
    // Recency is that of the current speaker's last quotation: one left
    // without a speaker does not carry it on.
    if (r.kind != SpeakerKind::kNone) {
      current_sent = last > first ? toks[last - 1].sent : current_sent;
      current_tok = std::max(first, last - 1);
      if (a.found_cue) {
        current_sent = std::max(current_sent, toks[a.cue_tok].sent);
        current_tok = std::max(current_tok, a.cue_end - 1);
      }
    }
    if (a.found_cue) {
      current_sent = std::max(current_sent, toks[a.cue_tok].sent);
      cued_sent = std::max(last > first ? toks[last - 1].sent : 0, toks[a.cue_tok].sent);
    }
    out.push_back(std::move(out_q));
  }
  return out;
}

}  // namespace quotes

QuoteExtractor::QuoteExtractor(std::unique_ptr<Lexicon> lex) : lex_(std::move(lex)) {}
QuoteExtractor::~QuoteExtractor() = default;

Result<std::unique_ptr<QuoteExtractor>> QuoteExtractor::CreateFrom(const std::string& dir) {
  auto lex = quotes::LoadLexicon(dir);
  if (!lex.ok()) return lex.error();
  return std::unique_ptr<QuoteExtractor>(new QuoteExtractor(std::move(lex.value())));
}

Result<std::unique_ptr<QuoteExtractor>> QuoteExtractor::Create() {
  return CreateFrom(DataPath("quotes"));
}

std::vector<Quote> QuoteExtractor::Extract(std::string_view clean_text, std::string_view language,
                                           const std::vector<SpeakerHint>& hints) const {
  if (clean_text.size() >= UINT32_MAX) return {};
  quotes::Extraction ex(*lex_, clean_text, hints);
  // Cues of one language only where the language is known: French "charge"
  // or "note" are nouns more often than speech verbs.
  if (language.starts_with("fr")) ex.langs = quotes::kLangFr;
  if (language.starts_with("en")) ex.langs = quotes::kLangEn;
  return ex.Run();
}

}  // namespace veille
