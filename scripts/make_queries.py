#!/usr/bin/env python3
"""Build bench/queries.txt, the fixed search-latency query list, from OrangeSum.

Usage:
    python3 scripts/make_queries.py [CORPUS] [OUT]

    CORPUS  OrangeSum JSON lines, gzipped (id, title, date, summary, text);
            default ../shared/corpus/orangesum-fr.jsonl.gz
    OUT     output file; default bench/queries.txt ("-" for stdout)

Standard library only. Deterministic: the corpus is read in file order, ties in
frequency are broken alphabetically and every random choice comes from
random.Random(SEED), so the same corpus always gives the same file. The output is
committed; rerun only if you change this script.

Each output line is one query in Veille's syntax (docs/cli.md): words (all
required), "exact phrase", a OR b, -exclusion, prefix*; optional filters follow
as TAB-separated fields: "--lang fr", "--since YYYY-MM-DD", "--until YYYY-MM-DD".
Lines starting with "#" are comments (bench/search_latency.cc skips them).

Mix (target counts): 100 single words (frequent / mid-frequency / rare, with and
without accents, lowercase names of places and people), 60 pairs of words that
occur in the same article title, 40 phrases (frequent bigrams and trigrams),
20 OR, 15 exclusions, 15 prefixes, 20 with date or language filters, then 20
phrases made only of Veille's French stop words (data/stopwords/fr.txt: "celle
qui", "il y a"), which an index that drops stop words cannot answer. Apart from
those, no query is made of stop words only. The stop-word phrases come last,
drawn with their own random generator, so the lines before them are those the
script wrote before it had them.
"""
import collections
import gzip
import json
import os
import random
import re
import sys
import unicodedata

SEED = 20240514

STOP = set("""
a à afin ai aie aient ainsi alors après as assez au aucun aucune aujourd auprès
aussi autre autres aux avaient avais avait avant avec avez avoir avons ayant
beaucoup bien c ça car ce ceci cela celle celles celui cependant certains ces cet
cette ceux chaque chez ci comme comment contre d dans de depuis des dès deux
devant doit donc dont du elle elles en encore entre est et étaient était étant été
être eu eux fait faire fois font hui il ils j je jusqu l la là le les leur leurs
lors lorsqu lorsque lui m ma mais me même mêmes mes moi moins mon n ne ni non nos
notre nous on ont ou où par parce pas peu peut plus plusieurs pour pourquoi
pourrait près puis qu quand que quel quelle quelles quels qui quoi s sa sans se
selon sera serait ses si sien soit son sont sous sur t ta te tes toi ton tous tout
toute toutes très tu un une vers via voici voilà vos votre vous y
avoir aurait auraient avaient faut été sans déjà toujours aussi ainsi dit
selon tandis cas peut-être lequel laquelle lesquels dont celui-ci
""".split())

WORD = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœæ]+")


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn")


def has_accent(s):
    return strip_accents(s) != s


def tokens(text):
    return WORD.findall(text.lower())


def content(w):
    return len(w) >= 3 and w not in STOP


def load(path):
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((d.get("title") or "", d.get("summary") or "",
                         d.get("text") or "", d.get("date") or ""))
    return docs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "..", "shared", "corpus", "orangesum-fr.jsonl.gz")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "bench", "queries.txt")
    rng = random.Random(SEED)
    docs = load(corpus)

    freq = collections.Counter()      # token frequency over title+summary+text
    dfreq = collections.Counter()     # document frequency
    cap = collections.Counter()       # times a token was seen Capitalised mid-sentence
    bigr = collections.Counter()
    trig = collections.Counter()
    titles = []
    for title, summary, text, _ in docs:
        body = " ".join((title, summary, text))
        toks = tokens(body)
        freq.update(toks)
        dfreq.update(set(toks))
        for m in re.finditer(r"(?<=[a-zé,] )([A-ZÉ][a-zàâäçéèêëîïôöùûüÿ]+)", body):
            cap[m.group(1).lower()] += 1
        # n-grams within sentences only (text glues sentences without a space)
        # and break at numbers, so "homme de 35 ans" gives no "homme de ans"
        for sent in re.split(r"[.!?;:,()\"«»0-9]", body):
            st = tokens(sent)
            for i in range(len(st) - 1):
                bigr[(st[i], st[i + 1])] += 1
                if i + 2 < len(st):
                    trig[(st[i], st[i + 1], st[i + 2])] += 1
        titles.append([w for w in tokens(title) if content(w)])

    ranked = sorted((w for w in freq if content(w)), key=lambda w: (-freq[w], w))
    used = set()

    def take(pool, n, pred=lambda w: True):
        pool = [w for w in pool if w not in used and pred(w)]
        pick = rng.sample(pool, min(n, len(pool)))
        used.update(pick)
        return pick

    # --- single words -------------------------------------------------------
    names = [w for w in ranked[:6000]
             if cap[w] >= 0.8 * freq[w] and freq[w] >= 30 and len(w) >= 4]
    singles = []
    singles += take(ranked[:300], 20, lambda w: not has_accent(w))
    singles += take(ranked[:600], 12, has_accent)
    singles += take(ranked[600:5000], 18, lambda w: not has_accent(w))
    singles += take(ranked[600:5000], 12, has_accent)
    rare = [w for w in ranked if 3 <= freq[w] <= 12 and len(w) >= 6]
    singles += take(rare, 10, lambda w: not has_accent(w))
    singles += take(rare, 8, has_accent)
    singles += take(names, 20)

    # --- pairs: two content words from the same title ------------------------
    pairs, seen_pairs = [], set()
    common = set(ranked[:20000])
    order = list(range(len(titles)))
    rng.shuffle(order)
    for i in order:
        ws = [w for w in dict.fromkeys(titles[i]) if w in common]
        if len(ws) < 2:
            continue
        a, b = rng.sample(ws, 2)
        if frozenset((a, b)) not in seen_pairs:
            seen_pairs.add(frozenset((a, b)))
            pairs.append((a, b))
        if len(pairs) >= 60:
            break

    # --- phrases: frequent bigrams / trigrams --------------------------------
    def good_gram(g):
        return content(g[0]) and content(g[-1]) and all(len(w) > 1 for w in g)

    top_bi = [g for g, c in bigr.most_common(4000) if good_gram(g)][:200]
    top_tri = [g for g, c in trig.most_common(8000) if good_gram(g)][:120]
    phrases = rng.sample(top_bi, 25) + rng.sample(top_tri, 15)

    # --- OR: two words of similar frequency ----------------------------------
    ors = []
    mid = ranked[100:3000]
    for _ in range(20):
        a, b = rng.sample(mid, 2)
        ors.append(f"{a} OR {b}")
    # a few OR with a phrase on one side
    for g in rng.sample(top_bi, 3):
        ors[rng.randrange(len(ors))] = f"\"{' '.join(g)}\" OR {rng.choice(mid)}"

    # --- exclusions: frequent word minus a word often next to it -------------
    excl = []
    for g in rng.sample(top_bi[:150], 15):
        a, b = g
        if rng.random() < 0.3:
            excl.append(f"{a} -\"{' '.join(g)}\"")
        else:
            excl.append(f"{a} -{b}")

    # --- prefixes ------------------------------------------------------------
    pref = []
    seen = set()
    for w in rng.sample(ranked[:2000], 200):
        if len(w) < 7:
            continue
        p = w[:rng.choice((4, 5, 6))]
        if p in seen or p in STOP:
            continue
        seen.add(p)
        pref.append(p + "*")
        if len(pref) == 15:
            break

    # --- filters ---------------------------------------------------------------
    def span():
        y0 = rng.choice((2016, 2017, 2018, 2019))
        y1 = rng.choice([y for y in (2017, 2018, 2019, 2020) if y >= y0])
        return f"{y0}-{rng.choice(('01', '03', '06', '09'))}-01", f"{y1}-12-31"

    filt = []
    bases = ([rng.choice(ranked[:1500]) for _ in range(8)]
             + [" ".join(p) for p in rng.sample(pairs, 4)]
             + ['"' + " ".join(g) + '"' for g in rng.sample(top_bi, 4)]
             + [rng.choice(ranked[:800])[:5] + "*" for _ in range(2)]
             + [rng.choice(ors) for _ in range(2)])
    for i, q in enumerate(bases):
        s, u = span()
        kind = i % 4
        if kind == 0:
            filt.append(f"{q}\t--since {s}")
        elif kind == 1:
            filt.append(f"{q}\t--until {u}")
        elif kind == 2:
            filt.append(f"{q}\t--since {s}\t--until {u}")
        else:
            filt.append(f"{q}\t--lang fr\t--since {s}")
    # plain --lang fr on a few single words
    for w in take(ranked[:3000], 5):
        filt.append(f"{w}\t--lang fr")

    # --- phrases of stop words only (Veille's list) ----------------------------
    # Frequent and mid-frequency bigrams and trigrams within sentences, all of
    # whose words are stop words in data/stopwords/fr.txt; the elided words of
    # data/text/elisions.txt (qu', l') are left out: the analyzer drops them.
    veille_stop = set()
    with open(os.path.join(root, "data", "stopwords", "fr.txt"), encoding="utf-8") as f:
        for line in f:
            w = line.split("#")[0].strip()
            if w:
                veille_stop.add(w)
    elided = set()
    with open(os.path.join(root, "data", "text", "elisions.txt"), encoding="utf-8") as f:
        for line in f:
            w = line.split("#")[0].strip()
            if w:
                elided.add(w)
    srng = random.Random(SEED + 1)

    def stop_gram(g):
        return all(w in veille_stop and w not in elided and len(w) > 1 for w in g)

    stop_bi = [g for g, c in bigr.most_common(20000) if stop_gram(g)]
    stop_tri = [g for g, c in trig.most_common(40000) if stop_gram(g)]
    stop_phrases = (srng.sample(stop_bi[:40], 6) + srng.sample(stop_bi[40:400], 6)
                    + srng.sample(stop_tri[:40], 4) + srng.sample(stop_tri[40:400], 4))

    lines = (singles + [f"{a} {b}" for a, b in pairs]
             + ['"' + " ".join(g) + '"' for g in phrases]
             + ors + excl + pref + filt
             + ['"' + " ".join(g) + '"' for g in stop_phrases])
    counts = collections.OrderedDict([
        ("single", len(singles)), ("pair", len(pairs)), ("phrase", len(phrases)),
        ("or", len(ors)), ("exclusion", len(excl)), ("prefix", len(pref)),
        ("filtered", len(filt)), ("stop-word phrase", len(stop_phrases))])
    for q in lines[:len(lines) - len(stop_phrases)]:
        core = q.split("\t")[0]
        assert any(content(w) for w in tokens(core)) or core.endswith("*"), q
    header = ["# Veille search benchmark queries, generated by scripts/make_queries.py "
              f"(seed {SEED}) from OrangeSum; do not edit by hand.",
              "# " + ", ".join(f"{k} {v}" for k, v in counts.items())
              + f"; total {len(lines)}. Filters are TAB-separated after the query."]
    data = "\n".join(header + lines) + "\n"
    if out == "-":
        sys.stdout.write(data)
    else:
        with open(out, "w", encoding="utf-8") as f:
            f.write(data)
    print(f"wrote {len(lines)} queries to {out}: "
          + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
