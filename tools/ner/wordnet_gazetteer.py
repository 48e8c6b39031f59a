#!/usr/bin/env python3
"""Adds the proper nouns of WordNet 3.0 to the tagger's gazetteer.

Source: Debian's wordnet-base package (/usr/share/wordnet/data.noun; WordNet
3.0 licence, Princeton University, permissive). Each noun synset names its
lexicographer file; its capitalised lemmas (underscores -> spaces) become:
  noun.person (18) instances (synsets with an @i pointer)  -> PER
  noun.location (15) and noun.object (17) instances        -> LOC
  noun.group (14) below an organisation-like hypernym      -> ORG
Instances only: "Einstein" is one, "Briton" is not (WikiNEuRal tags the
latter MISC). As in make_gazetteer.py, one-word names that the
training corpora mostly write in lower case are left out (gazetteer_names.py).

The entries go in a section at the end of GAZETTEER, after a marker line;
running the script again replaces that section, so it is idempotent.
Entries the rest of the file already has are not repeated.

usage: wordnet_gazetteer.py GAZETTEER NER_DATA_DIR [WORDNET_DIR]
"""
import collections
import os
import sys

from gazetteer_names import keep_name, lowercase_counts

MARKER = '# WordNet 3.0 proper nouns (Princeton University, WordNet licence)'

ORG_ANCESTORS = {
    'organization', 'terrorist_organization', 'political_movement', 'assembly',
    'legislature', 'court', 'council', 'house', 'armada', 'organized_crime',
    'syndicate', 'high_command', 'administration', 'executive', 'parliament'}


def read_synsets(path):
    """offset -> (lexicographer file, lemmas, pointers (symbol, target))."""
    synsets = {}
    for line in open(path, encoding='utf-8'):
        if line.startswith('  '):  # licence header
            continue
        f = line.partition(' | ')[0].split()
        off, lex, nwords = f[0], int(f[1]), int(f[3], 16)
        words = [f[4 + 2 * i].split('(')[0] for i in range(nwords)]
        p = 4 + 2 * nwords
        ptrs = [(f[p + 1 + 4 * i], f[p + 2 + 4 * i]) for i in range(int(f[p]))]
        synsets[off] = (lex, words, ptrs)
    return synsets


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    gaz_path, ner_dir = sys.argv[1], sys.argv[2]
    wordnet = sys.argv[3] if len(sys.argv) == 4 else '/usr/share/wordnet'

    lower_freq = lowercase_counts(ner_dir)

    noun = read_synsets(os.path.join(wordnet, 'data.noun'))

    def ancestors(off):
        seen, todo = set(), [off]
        while todo:
            for sym, target in noun[todo.pop()][2]:
                if sym in ('@', '@i') and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    entries = set()
    for off, (lex, words, ptrs) in noun.items():
        caps = [w for w in words if w[:1].isupper()]
        if not caps:
            continue
        instance = any(sym == '@i' for sym, _ in ptrs)
        if lex == 18 and instance:
            etype = 'PER'
        elif lex in (15, 17) and instance:
            etype = 'LOC'
        elif lex == 14 and {noun[a][1][0] for a in ancestors(off)} & ORG_ANCESTORS:
            etype = 'ORG'
        else:
            continue
        for w in caps:
            name = w.replace('_', ' ').strip()
            if keep_name(name, lower_freq):
                entries.add((etype, name))

    lines = open(gaz_path, encoding='utf-8').read().splitlines()
    if MARKER in lines:
        lines = lines[:lines.index(MARKER)]
    have = {tuple(l.split('\t', 1)) for l in lines if l and not l.startswith('#')}
    new = sorted(entries - have)
    with open(gaz_path, 'w', encoding='utf-8') as out:
        out.write('\n'.join(lines + [MARKER]) + '\n')
        for etype, name in new:
            out.write(f'{etype}\t{name}\n')
    counts = collections.Counter(t for t, _ in new)
    print(f'{gaz_path}: {len(new)} WordNet entries', dict(sorted(counts.items())))


if __name__ == '__main__':
    main()
