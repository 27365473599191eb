#!/usr/bin/env python3
"""Counts, over the Debian corpora `build-corpus.sh` builds, how often each Han character
stands right before and right after a Latin word, a number or a space, and how often each
pair of Han characters stands side by side; writes the counts to `data/context/latin.tsv`
and `data/context/pairs.tsv`, which `crates/zhnorm/build.rs` turns into costs.

Why: GBK and Big5 swallow the last byte of a UTF-8 character that stands before ASCII,
so that is where `repair` must guess a lost byte, and some characters stand there far
more often than others (`或 VNC`, `了 DEFAULT`, `为 1`; hardly ever `我 ` or `一 `), and
what follows a Latin word tells the same way (`VNC 或 RDP`).

Why pairs: the word list the model is built from (`data/freq`) knows which characters
make words together, not which follow each other across words in running text: `表中`
(`列表|中`), `中不`, `是在`. A byte lost in `历史列表中，` then came back as `一`.

Lines that also occur in the repository's test documents are left out, so that the
tests of `repair` are not scored on text the table was counted from.

    python3 bench/count-contexts.py   (after bench/build-corpus.sh)
"""
import collections
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPORA = [os.path.join(HERE, "work", name) for name in ("corpus-simp.txt", "corpus-trad.txt")]
TEST_DOCUMENTS = [
    "tests/fixtures/punct/zh-cn.txt",
    "tests/fixtures/punct/zh-tw.txt",
    "tests/golden/hk-news.trad.txt",
    "tests/golden/pinyin-injected.trad.txt",
    "tests/golden/xinhua.simp.txt",
]
OUT = os.path.join(REPO, "data", "context", "latin.tsv")
PAIRS_OUT = os.path.join(REPO, "data", "context", "pairs.tsv")
# Characters seen fewer times than this are left out: their share says little.
MIN_COUNT = 50
# Pairs seen fewer times than this are left out (most pairs are seen once or twice).
MIN_PAIR_COUNT = 4


def is_han(c):
    u = ord(c)
    return 0x3400 <= u <= 0x9FFF or 0xF900 <= u <= 0xFAFF or 0x20000 <= u <= 0x3FFFF


def is_latin(c):
    return c.isascii() and (c.isalnum() or c == " ")


def main():
    held_out = set()
    for path in TEST_DOCUMENTS:
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            held_out.update(line.strip() for line in f if line.strip())
    seen = collections.Counter()
    before_latin = collections.Counter()
    after_latin = collections.Counter()
    pairs = collections.Counter()
    skipped = 0
    for path in CORPORA:
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run bench/build-corpus.sh first")
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.strip() in held_out:
                    skipped += 1
                    continue
                for prev, c, next_char in zip("\n" + line, line, line[1:] + "\n"):
                    if is_han(c):
                        seen[c] += 1
                        before_latin[c] += is_latin(next_char)
                        after_latin[c] += is_latin(prev)
                        if is_han(next_char):
                            pairs[c + next_char] += 1
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    kept = sorted(c for c, n in seen.items() if n >= MIN_COUNT)
    with open(OUT, "w", encoding="utf-8") as f:
        totals = [sum(seen.values()), sum(before_latin.values()), sum(after_latin.values())]
        f.write("# total\t" + "\t".join(map(str, totals)) + "\n")
        for c in kept:
            f.write(f"{c}\t{seen[c]}\t{before_latin[c]}\t{after_latin[c]}\n")
    # Every character's count as the first and as the second of a pair, over all pairs
    # (those left out too), then the pairs kept.
    first = collections.Counter()
    second = collections.Counter()
    for pair, n in pairs.items():
        first[pair[0]] += n
        second[pair[1]] += n
    kept_pairs = sorted(p for p, n in pairs.items() if n >= MIN_PAIR_COUNT)
    chars = sorted(set(p[0] for p in kept_pairs) | set(p[1] for p in kept_pairs))
    with open(PAIRS_OUT, "w", encoding="utf-8") as f:
        f.write(f"# pairs\t{sum(pairs.values())}\n")
        for c in chars:
            f.write(f"{c}\t{first[c]}\t{second[c]}\n")
        for p in kept_pairs:
            f.write(f"{p}\t{pairs[p]}\n")
    print(f"{len(kept)} characters written to {OUT}; {len(kept_pairs)} pairs to {PAIRS_OUT};"
          f" {skipped} lines of test documents left out")


if __name__ == "__main__":
    main()
