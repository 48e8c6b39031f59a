// resolve.cc: from a speaker mention to the speaker: names, organisations
// and their aliases, roles (their named holder, an unnamed source, the
// current speaker) and pronouns.
#include <algorithm>
#include <utility>

#include "quotes/extraction.h"

namespace veille {
namespace quotes {

// An organisation's name as kept: the alias table's canonical name, else
// the words as written without a leading determiner.
std::string Extraction::OrgCanonical(std::string_view name) const {
  auto it = lex.org_aliases.find(FoldKey(name));
  if (it != lex.org_aliases.end()) return it->second;
  for (std::string_view det :
       {"le ", "la ", "les ", "Le ", "La ", "Les ", "l'", "L'", "l’", "L’", "the ", "The "}) {
    if (name.size() > det.size() && name.starts_with(det)) {
      name.remove_prefix(det.size());
      break;
    }
  }
  return std::string(name);
}

Extraction::Resolved Extraction::ResolveName(int mi) const {
  Resolved r;
  const Mention& m = mentions[mi];
  r.mention = std::string(MentionText(m));
  r.b = m.b;
  r.e = m.e;
  r.gender = m.gender;
  if (m.loc) {
    r.speaker = Canonical(m);
    r.kind = SpeakerKind::kOrganisation;
    r.path = "place";
  } else if (m.org || m.channel || (!m.per && (toks[m.tb].flags & kAllCaps)) ||
             ((!m.per || m.hint < 0) && lex.org_aliases.count(FoldKey(CanonicalView(m))))) {
    r.speaker = OrgCanonical(Canonical(m));
    r.kind = SpeakerKind::kOrganisation;
    r.path = "organisation";
  } else {
    r.speaker = Canonical(m);
    r.role = RoleNear(mi);
    r.kind = SpeakerKind::kNamed;
    r.path = "name";
  }
  return r;
}

// The organisation an organisation role mention designates: its own words
// (le ministère de la Santé), or for a bare noun (le ministère,
// l'entreprise) the last organisation named with that noun or, for generic
// nouns, the last organisation named at all.
Extraction::Resolved Extraction::ResolveOrgRole(int mi) const {
  const Mention& m = mentions[mi];
  Resolved r;
  r.b = m.b;
  r.e = m.e;
  r.kind = SpeakerKind::kOrganisation;
  r.path = "organisation";
  std::string role = RoleText(m);
  std::string head(Lower(toks[m.tb].b, toks[m.tb].e));
  r.mention = role;
  if (lex.document_roles.count(head)) {
    // "un communiqué du ministère X": the ministry.
    for (int i = mi + 1; i < int(mentions.size()) && mentions[i].tb - m.te <= 3; ++i) {
      if (toks[mentions[i].tb].sent != toks[m.tb].sent) break;
      if (mentions[i].kind == Mention::kRole && mentions[i].org) return ResolveOrgRole(i);
      if (mentions[i].kind == Mention::kName && (mentions[i].org || mentions[i].loc))
        return ResolveName(i);
    }
  }
  // An institution's own name right after its noun phrase (l'association
  // de défense des animaux Peta, le groupe Renault).
  const int end = RoleEnd(m);
  for (int i = mi + 1; i < int(mentions.size()) && mentions[i].tb <= end + 1; ++i) {
    const Mention& o = mentions[i];
    if (o.tb < end) continue;
    if (o.kind == Mention::kName && !o.prep && !o.channel && !o.loc && !o.per &&
        (o.org || (o.hint >= 0 && hints[o.hint].type == "ORG")) &&
        (o.tb == end || (toks[end].flags & kComma)))
      return ResolveName(i);
    break;
  }
  const bool bare = role.size() == size_t(m.e - m.b);
  // (A document met before is not the same institution: ce rapport.)
  if (bare && m.definite && !lex.document_roles.count(head)) {
    for (int i = mi - 1; i >= 0; --i) {
      const Mention& o = mentions[i];
      if (o.kind == Mention::kRole && o.org &&
          text.substr(o.b, o.e - o.b) == text.substr(m.b, m.e - m.b)) {
        std::string full = RoleText(o);
        if (full.size() > size_t(o.e - o.b)) {
          r.speaker = OrgCanonical(full);
          return r;
        }
      }
      if (o.kind == Mention::kName && o.org && !o.channel) {
        std::string name = Canonical(o);
        std::string key = FoldKey(name), head_key = FoldKey(head);
        // le ministère de la Santé ... le ministère; la Haute autorité ... la Haute autorité.
        bool same_head = key.compare(0, head_key.size() + 1, head_key + " ") == 0 ||
                         key.find(" " + head_key + " ") != std::string::npos;
        if (lex.any_org_roles.count(head) || same_head) {
          r.speaker = OrgCanonical(name);
          return r;
        }
      }
    }
  }
  if (lex.document_roles.count(head)) {
    r.kind = SpeakerKind::kNone;
    r.path = "";
    return r;
  }
  r.speaker = OrgCanonical(role);
  return r;
}

Extraction::Resolved Extraction::Resolve(int mi, const Resolved* current, int current_sent) {
  const Mention& m = mentions[mi];
  Resolved r;
  r.b = m.b;
  r.e = m.e;
  r.mention = std::string(text.substr(m.b, m.e - m.b));
  // The person a role stands for: n's speaker, under the role's words.
  auto SpokenAs = [&r](Resolved n, const char* path) {
    n.role = r.role;
    n.path = path;
    n.b = r.b;
    n.e = r.e;
    n.mention = r.mention;
    return n;
  };
  switch (m.kind) {
    case Mention::kName:
      return ResolveName(mi);
    case Mention::kRole: {
      int ap = AppositionName(mi);
      if (ap >= 0) {
        Resolved n = ResolveName(ap);
        if (n.kind == SpeakerKind::kNamed) {
          n.role = RoleText(m);
          n.path = "apposition";
          if (!n.gender) n.gender = m.gender;
        }
        return n;
      }
      if (m.org && (m.plural || !m.definite) &&
          !lex.document_roles.count(Lower(toks[m.tb].b, toks[m.tb].e))) {
        // Unnamed institutions (les autorités locales, un collectif de
        // médecins): a role, no name.
        r.role = RoleText(m);
        r.mention = r.role;
        r.kind = SpeakerKind::kRole;
        r.path = "role";
        return r;
      }
      if (m.org) return ResolveOrgRole(mi);
      r.role = RoleText(m);
      if (auto it = lex.org_aliases.find(FoldKey(r.role)); it != lex.org_aliases.end()) {
        // le Quai d'Orsay, la diplomatie française: an institution.
        r.speaker = it->second;
        r.mention = r.role;
        r.role.clear();
        r.kind = SpeakerKind::kOrganisation;
        r.path = "organisation";
        return r;
      }
      r.mention = r.role;
      r.gender = m.gender;
      if (m.anon) {
        r.kind = SpeakerKind::kAnonymous;
        r.path = "anonymous";
        return r;
      }
      // Several people (les organisateurs, ses avocats): never one of them.
      if (IsGroupRole(m) || m.plural) {
        r.kind = SpeakerKind::kRole;
        r.path = "role";
        return r;
      }
      int unnamed = -1;
      int ant = SameRolePerson(mi, &unnamed);
      const bool ant_later = ant >= 0 && mentions[ant].tb > m.tb;
      if (ant >= 0 && !ant_later) {
        Resolved n = ResolveName(ant);
        return SpokenAs(std::move(n), "role_same");
      }
      if (unnamed >= 0) {
        // Unless a named person spoke since (un député … a déclaré X … assure
        // le député): the role is then that person's.
        int subj = RecentSubject(m.tb, m.gender);
        if (subj >= 0 && mentions[subj].tb > mentions[unnamed].tb &&
            mentions[subj].kind == Mention::kName) {
          Resolved n = ResolveName(subj);
          if (n.kind == SpeakerKind::kNamed && n.role.empty()) {
            return SpokenAs(std::move(n), "role_salient");
          }
        }
        r.kind = SpeakerKind::kAnonymous;
        r.role = RoleText(mentions[unnamed]);
        r.path = "role_unnamed";
        return r;
      }
      // "ce dernier": the last person named.
      std::string_view head = Lower(toks[m.tb].b, toks[m.tb].e);
      if (head == "dernier" || head == "dernière") {
        int last = Antecedent(m.tb, m.gender);
        if (last >= 0 && mentions[last].tb < m.tb) {
          Resolved n = ResolveName(last);
          n.path = "pronoun_other";
          return n;
        }
      }
      // A bare role right after someone spoke is that person again (a
      // ajouté le responsable, estime l'actuelle ministre).
      // A possessive role (son avocat, her spokesman) is someone else's:
      // never the person just named.
      if (m.possessive) {
        // The same noun met before without a possessive (La fille de la
        // victime a raconté … témoigne sa fille): whoever that one was.
        for (int i = mi - 1; i >= 0; --i) {
          const Mention& o = mentions[i];
          if (o.kind != Mention::kRole || o.possessive || o.prep || o.anon ||
              text.substr(o.b, o.e - o.b) != text.substr(m.b, m.e - m.b))
            continue;
          Resolved n = Resolve(i, nullptr, -100);
          if (n.kind == SpeakerKind::kNamed) {
            return SpokenAs(std::move(n), "role_same");
          }
          break;
        }
        int next = ant_later ? ant : -1;
        if (next < 0) {
          auto it = std::upper_bound(persons.begin(), persons.end(), m.tb,
                                     [this](int v, int pi) { return v < mentions[pi].tb; });
          for (; it != persons.end() && next < 0; ++it)
            if (!mentions[*it].prep && GenderFits(mentions[*it].gender, m.gender)) next = *it;
        }
        if (next >= 0 && mentions[next].tb > m.tb && !m.generic &&
            SentencesBetween(m.tb, mentions[next].tb) <= 2) {
          Resolved n = ResolveName(next);
          if (n.kind == SpeakerKind::kNamed) {
            return SpokenAs(std::move(n), ant_later ? "role_same" : "cataphora");
          }
        }
        r.kind = SpeakerKind::kRole;
        r.path = "role";
        return r;
      }
      int subj = RecentSubject(m.tb, m.gender);
      // Another role noun is another person (le président … le ministre).
      if (subj >= 0 && mentions[subj].kind == Mention::kRole &&
          text.substr(mentions[subj].b, mentions[subj].e - mentions[subj].b) !=
              text.substr(m.b, m.e - m.b))
        subj = -1;
      if (subj >= 0) {
        Resolved n = mentions[subj].kind == Mention::kRole ? Resolve(subj, nullptr, -100)
                                                           : ResolveName(subj);
        // Someone unnamed only through the same noun (handled above).
        if (n.kind == SpeakerKind::kNamed) {
          return SpokenAs(std::move(n), "role_salient");
        }
      }
      if (ant_later) {
        // Named later in the article with that role (cataphora).
        Resolved n = ResolveName(ant);
        return SpokenAs(std::move(n), "role_same");
      }
      if (current && current->kind == SpeakerKind::kNamed &&
          WriterSentencesSince(current_sent, m.tb) <= 2 && GenderFits(current->gender, m.gender)) {
        Resolved n = *current;
        return SpokenAs(std::move(n), "role_salient");
      }
      // (Not for a noun that is no role of roles.txt: son utilisation.)
      if (!m.generic &&
          (Antecedent(m.tb, m.gender) < 0 || mentions[Antecedent(m.tb, m.gender)].tb > m.tb)) {
        // Nobody named yet: the person the next sentences name (a déclaré
        // le diplomate ... L'émissaire, Karel Novak, ...).
        int next = Antecedent(m.tb, m.gender);
        // Not the name that ends the role's own complement (le neveu du
        // président Marc Olier).
        if (next >= 0 && mentions[next].tb <= RoleEnd(m)) next = -1;
        // Nor another person of the role's own sentence (le chef de l'État
        // confie « … » si Donald Trump …): the role's name comes in apposition
        // or in a sentence after it.
        if (next >= 0 && toks[mentions[next].tb].sent == toks[m.tb].sent &&
            AppositionName(mi) != next) {
          next = -1;
          for (int pi : persons)
            if (mentions[pi].tb > m.tb && toks[mentions[pi].tb].sent > toks[m.tb].sent &&
                !mentions[pi].prep && GenderFits(mentions[pi].gender, m.gender)) {
              next = pi;
              break;
            }
        }
        if (next >= 0 && toks[mentions[next].tb].sent - toks[m.tb].sent <= 2) {
          Resolved n = ResolveName(next);
          return SpokenAs(std::move(n), "cataphora");
        }
      }
      if (int only = OnlyPersonOfGender(m.tb, m.gender); only >= 0) {
        // The only person of the role's gender in reach (… Valérie
        // Trierweiler en couple ? La journaliste dément).
        Resolved n = ResolveName(only);
        if (n.kind == SpeakerKind::kNamed) {
          return SpokenAs(std::move(n), "role_salient");
        }
      }
      r.kind = SpeakerKind::kRole;
      r.path = "role";
      return r;
    }
    case Mention::kPron:
      return ResolvePronoun(m.tb, current, current_sent);
    case Mention::kPronPl:
      return r;
  }
  return r;
}

// The speaker a singular pronoun at token k (il, elle, a-t-il, he)
// designates.
Extraction::Resolved Extraction::ResolvePronoun(int k, const Resolved* current, int current_sent) {
  Resolved r;
  r.b = toks[k].b;
  r.e = toks[k].e;
  r.mention = std::string(text.substr(r.b, r.e - r.b));
  if (toks[k].flags & kInvPronPl) return r;
  const uint8_t g = PronounGender(k);
  int ant = RecentSubject(k, g);
  bool from_current = false;
  // An institution that just spoke is il/elle too (le ministère …, a-t-il
  // ajouté) when no person is in reach.
  const bool org_current = current && current->kind == SpeakerKind::kOrganisation &&
                           WriterSentencesSince(current_sent, k) <= 2;
  if (ant < 0 && current && current->kind != SpeakerKind::kNone &&
      (current->kind != SpeakerKind::kOrganisation || org_current) &&
      GenderFits(current->gender, g) && WriterSentencesSince(current_sent, k) <= 4) {
    Resolved n = *current;
    n.b = r.b;
    n.e = r.e;
    n.mention = r.mention;
    n.path = "pronoun";
    return n;
  }
  const bool before = ant >= 0;
  if (ant < 0) ant = Antecedent(k, g);
  if (ant < 0) return r;
  // A role stands for whoever it designates (le député européen estime …
  // a-t-il taclé: the current speaker the role was taken for).
  Resolved n =
      mentions[ant].kind == Mention::kRole ? Resolve(ant, current, current_sent) : ResolveName(ant);
  if (n.kind == SpeakerKind::kOrganisation) return r;
  if (current && n.speaker == current->speaker && n.role == current->role) from_current = true;
  if (current && !n.speaker && !current->speaker && n.kind == current->kind) from_current = true;
  n.b = r.b;
  n.e = r.e;
  n.mention = r.mention;
  // Named only after it (Il met un terme à … Sébastien Farran, …).
  if (!before && mentions[ant].tb > k && !from_current) {
    n.path = "cataphora";
    return n;
  }
  n.path = from_current ? "pronoun" : "pronoun_other";
  return n;
}

}  // namespace quotes
}  // namespace veille
