"""Which names the gazetteer scripts keep (make_gazetteer.py, wordnet_gazetteer.py).

A gazetteer entry should fire on names, not on ordinary words: a one-word
name that the NER training corpora mostly write in lower case ("nice",
"police") is left out, as are fragments with commas or parentheses.
"""
import collections
import os


def lowercase_counts(ner_dir):
    """How often each word is written in lower case in WikiNEuRal fr+en val."""
    counts = collections.Counter()
    for name in ('wikineural-fr-val.conllu', 'wikineural-en-val.conllu'):
        for line in open(os.path.join(ner_dir, name), encoding='utf-8'):
            cols = line.rstrip('\n').split('\t')
            if len(cols) >= 3 and cols[1][:1].islower():
                counts[cols[1]] += 1
    return counts


def keep_name(name, lower_counts):
    """Whether `name` (already stripped) may be a gazetteer entry."""
    if len(name) < 2 or ',' in name or '(' in name:
        return False
    return ' ' in name or '-' in name or lower_counts[name.lower()] < 2
