// speakers.cc: from a speech cue to its speaker: subject positions, role
// appositions, pronoun and role antecedents.
#include <algorithm>
#include <cstring>
#include <span>

#include "quotes/extraction.h"

namespace veille {
namespace quotes {

// Index of the first mention with tb >= k.
int Extraction::MentionFrom(int k) const {
  auto it = std::lower_bound(mentions.begin(), mentions.end(), k,
                             [](const Mention& m, int v) { return m.tb < v; });
  return int(it - mentions.begin());
}

// The speaker mention in tokens [lo, hi): a name wins over roles and
// pronouns; `nearest_last` picks the one closest to hi (a subject before
// its verb), else the first (an inverted subject after its verb).
int Extraction::PickMention(int lo, int hi, bool nearest_last) const {
  int best_name = -1, best_other = -1;
  for (int i = MentionFrom(lo); i < int(mentions.size()) && mentions[i].tb < hi; ++i) {
    const Mention& m = mentions[i];
    if (m.prep || m.te > hi) continue;
    if (m.kind == Mention::kName) {
      if (best_name < 0 || nearest_last) best_name = i;
    } else if (best_other < 0 || nearest_last) {
      best_other = i;
    }
    if (!nearest_last && (best_name >= 0 || best_other >= 0)) {
      // After a verb the first mention is the subject; a role may be
      // followed by its name in apposition, handled by Resolve.
      break;
    }
  }
  if (best_name >= 0 && best_other >= 0 && nearest_last) {
    // A pronoun right before the verb is the subject even after a name.
    const Mention& o = mentions[best_other];
    if ((o.kind == Mention::kPron || o.kind == Mention::kPronPl) && o.tb > mentions[best_name].tb)
      return best_other;
  }
  return best_name >= 0 ? best_name : best_other;
}

// Sentence-bounded window end/start around token k, not crossing another
// quotation.
int Extraction::ForwardLimit(int k, int max_tokens) const {
  const int n = int(toks.size());
  int e = k;
  int sent = k < n ? toks[k].sent : 0;
  while (e < n && e - k < max_tokens && toks[e].quote < 0 && toks[e].sent == sent &&
         !(toks[e].flags & kSentEnd) && !IsMarkTok(e))
    ++e;
  return e;
}

int Extraction::BackwardLimit(int k) const {
  // Start of the sentence holding token k-1, or just after a quotation.
  int b = k;
  while (b > 0) {
    const Tok& t = toks[b - 1];
    if (t.quote >= 0 || IsMarkTok(b - 1)) break;
    if (t.flags & kSentEnd) {
      // A colon before a line break introduces the quotation below it.
      if (t.flags & kNewline) {
        int j = b - 1;
        while (j > 0 && (toks[j - 1].flags & kNewline)) --j;
        if (j > 0 && (toks[j - 1].flags & kColon)) {
          b = j;
          continue;
        }
      }
      break;
    }
    --b;
  }
  return b;
}

bool Extraction::IsMarkTok(int k) const {
  if (toks[k].flags & kWord) return false;
  size_t len;
  return IsQuoteCp(PeekCp(text, toks[k].b, &len));
}

// A cue in tokens [lo, hi) scanning forward (first) or backward (last).
int Extraction::FindCue(int lo, int hi, bool forward, int* len, CueKind* kind) {
  if (forward) {
    for (int k = lo; k < hi; ++k) {
      if (toks[k].cue_len && toks[k].quote < 0) {
        int l = CueAt(k, kind);
        if (l && (*kind != CueKind::kLead)) {
          *len = l;
          return k;
        }
      }
    }
  } else {
    for (int k = hi - 1; k >= lo; --k) {
      if (toks[k].cue_len && toks[k].quote < 0) {
        int l = CueAt(k, kind);
        if (!l) continue;
        if (*kind == CueKind::kLead) {
          // "Pour X, ..." only opens a sentence.
          if (k != lo || k + 1 >= hi) continue;
        }
        *len = l;
        return k;
      }
    }
  }
  return -1;
}

// Attributes using a cue found at [c, c+len): `after_quote` tells whether
// the cue follows the quotation (then the subject sits between the
// quotation and the cue, or after the cue).
Attribution Extraction::FromCue(int c, int len, CueKind kind, int lo, int hi) {
  Attribution a;
  a.found_cue = true;
  a.cue_tok = c;
  a.cue_end = c + len;
  if (kind == CueKind::kPrep || kind == CueKind::kLead) {
    a.mention = PickMention(c + len, std::min(hi, c + len + 12), false);
    return a;
  }
  // Inverted pronoun on the verb or its auxiliary (a-t-il déclaré).
  for (int k = c; k >= std::max(lo, c - 2); --k) {
    if (toks[k].flags & (kInvPron | kInvPronPl)) {
      a.inv_tok = k;
      return a;
    }
    if (k < c && !(toks[k].flags & kWord)) break;
  }
  int before = PickMention(lo, c, true);
  int after = PickMention(c + len, hi, false);
  // After a verb, the subject is the first mention (said Smith), but a
  // subject before the verb wins (Smith said, il a déclaré).
  a.mention = before >= 0 ? before : after;
  return a;
}

// The person a pronoun or a definite role at token k refers to: the last
// person named before it, else the first one named after it.
// The person who last spoke before token k: the named subject of the
// nearest speech cue in the preceding sentences (quoted or reported
// speech). Pronouns in incises (a-t-il ajouté, he said) refer to that
// person more often than to the last name seen (often an object).
int Extraction::PreviousSpeaker(int k) {
  int sent_floor = k < int(toks.size()) ? toks[k].sent - 3 : 0;
  for (int c = k - 1; c >= 0 && toks[c].sent >= sent_floor; --c) {
    if (!toks[c].cue_len || toks[c].quote >= 0) continue;
    CueKind kind;
    int len = CueAt(c, &kind);
    if (!len) continue;
    if (kind != CueKind::kVerb) {
      // Selon X, / pour X, : X is the one speaking.
      int mi = MentionFrom(c + len);
      if (mi < int(mentions.size()) && mentions[mi].tb == c + len &&
          mentions[mi].kind == Mention::kName && mentions[mi].per &&
          mentions[mi].te < int(toks.size()) && (toks[mentions[mi].te].flags & kComma))
        return mi;
      continue;
    }
    int lo = BackwardLimit(c);
    int mi = PickMention(lo, c, true);
    if (mi < 0) mi = PickMention(c + len, ForwardLimit(c + len, 12), false);
    if (mi >= 0 && mentions[mi].kind == Mention::kName && mentions[mi].per) return mi;
    if (mi >= 0 && mentions[mi].kind == Mention::kRole) {
      int ap = AppositionName(mi);
      if (ap >= 0) return ap;
    }
  }
  return -1;
}

int Extraction::Antecedent(int k) const {
  auto it = std::lower_bound(persons.begin(), persons.end(), k,
                             [this](int mi, int v) { return mentions[mi].tb < v; });
  if (it != persons.begin()) return *(it - 1);
  return it != persons.end() ? *it : -1;
}

// The person the article gives the same role noun as mention `mi` (le
// ministre → "Henri Vasseur, ministre de ..."): the nearest before it,
// else the first after it; -1 if none.
int Extraction::SameRolePerson(int mi) const {
  const Mention& r = mentions[mi];
  std::string_view head = text.substr(r.b, r.e - r.b);
  int before = -1, after = -1;
  for (int i = 0; i < int(mentions.size()); ++i) {
    const Mention& o = mentions[i];
    if (i == mi || o.kind != Mention::kRole || o.prep) continue;
    if (text.substr(o.b, o.e - o.b) != head) continue;
    int p = AppositionName(i);
    if (p < 0) {
      // Name first: "Henri Vasseur, le ministre".
      for (int j = i - 1; j >= 0 && i - j <= 2; --j) {
        const Mention& n = mentions[j];
        if (n.kind == Mention::kName && n.per && o.tb - n.te <= 3 &&
            toks[n.tb].sent == toks[o.tb].sent) {
          p = j;
          break;
        }
      }
    }
    if (p < 0) continue;
    if (o.tb < r.tb) {
      before = p;
    } else if (after < 0) {
      after = p;
    }
  }
  return before >= 0 ? before : after;
}

// A role mention's own name: a name within a few tokens after it in the
// same sentence (le porte-parole du Kremlin Dmitri Peskov; the
// spokesman, John Kirby).
int Extraction::AppositionName(int mi) const {
  const Mention& r = mentions[mi];
  for (int i = mi + 1; i < int(mentions.size()); ++i) {
    const Mention& m = mentions[i];
    if (m.tb - r.te > 7 || toks[m.tb].sent != toks[r.tb].sent) break;
    bool cue_between = false;
    for (int k = r.te; k < m.tb; ++k) {
      if (toks[k].cue_len || toks[k].quote >= 0) cue_between = true;
    }
    if (cue_between) break;
    if (m.kind == Mention::kName && !m.prep && !m.org) return i;
    // Complements (du département d'État) may sit between role and name.
    if (m.kind != Mention::kName && !m.prep) break;
  }
  return -1;
}

// The role in apposition to a name (Zamir Kabulov, envoyé spécial ...; le
// gouverneur de Badghis, Hessamuddin Shams).
std::string Extraction::RoleNear(int mi) const {
  const Mention& n = mentions[mi];
  for (int i = mi - 1; i >= 0 && mi - i <= 3; --i) {
    const Mention& r = mentions[i];
    if (r.kind == Mention::kRole && !r.prep && n.tb - r.te <= 6 &&
        toks[r.tb].sent == toks[n.tb].sent)
      return RoleText(r);
  }
  for (int i = mi + 1; i < int(mentions.size()) && i - mi <= 2; ++i) {
    const Mention& r = mentions[i];
    if (r.kind == Mention::kRole && !r.prep && r.tb - n.te <= 2 &&
        toks[r.tb].sent == toks[n.tb].sent)
      return RoleText(r);
  }
  return {};
}

Extraction::Resolved Extraction::ResolveName(int mi) const {
  Resolved r;
  const Mention& m = mentions[mi];
  r.speaker = Canonical(m);
  r.mention = std::string(MentionText(m));
  r.role = RoleNear(mi);
  r.b = m.b;
  r.e = m.e;
  return r;
}

Extraction::Resolved Extraction::Resolve(int mi, const std::optional<std::string>& current) {
  const Mention& m = mentions[mi];
  Resolved r;
  r.b = m.b;
  r.e = m.e;
  r.mention = std::string(text.substr(m.b, m.e - m.b));
  switch (m.kind) {
    case Mention::kName:
      return ResolveName(mi);
    case Mention::kRole: {
      int ap = AppositionName(mi);
      if (ap >= 0) {
        Resolved n = ResolveName(ap);
        n.role = RoleText(m);
        return n;
      }
      r.role = RoleText(m);
      r.mention = r.role;
      if (!m.definite) return r;  // un porte-parole: nobody named
      if (m.org) {
        r.speaker = r.role;
        return r;
      }
      int ant = SameRolePerson(mi);
      if (ant < 0) ant = Antecedent(m.tb);
      if (ant >= 0) r.speaker = Canonical(mentions[ant]);
      return r;
    }
    case Mention::kPron: {
      int ant = PreviousSpeaker(m.tb);
      if (ant < 0) ant = Antecedent(m.tb);
      if (ant >= 0) {
        r.speaker = Canonical(mentions[ant]);
        r.role = RoleNear(ant);
      } else {
        r.speaker = current;
      }
      return r;
    }
    case Mention::kPronPl:
      return r;
  }
  return r;
}

Extraction::Resolved Extraction::ResolveInverted(int k, const std::optional<std::string>& current) {
  Resolved r;
  r.b = toks[k].b;
  r.e = toks[k].e;
  r.mention = std::string(text.substr(r.b, r.e - r.b));
  if (toks[k].flags & kInvPronPl) return r;
  int ant = PreviousSpeaker(k);
  if (ant < 0) ant = Antecedent(k);
  if (ant >= 0) {
    r.speaker = Canonical(mentions[ant]);
    r.role = RoleNear(ant);
  } else {
    r.speaker = current;
  }
  return r;
}

}  // namespace quotes
}  // namespace veille
