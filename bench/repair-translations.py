#!/usr/bin/env python3
"""Scores `zhnorm --only repair` on text it was not built from: the zh_CN and zh_TW
translations of the programs installed on this machine (`/usr/share/locale/*/LC_MESSAGES/
*.mo`, read with gettext's `msgunfmt`), garbled as Python garbles text, one file per way.

The Debian documentation corpora (`build-corpus.sh`) hold none of these packages, and the
language model's running-text counts (`data/context`) come from those corpora, so this is a
held-out check of the model. Which programs are installed differs from machine to machine:
the script prints how many catalogues and lines it read, and the figures compare builds on
one machine, not across machines.

    python3 bench/repair-translations.py [ZHNORM ...]     (default: target/release/zhnorm)

Each line is one translated message (at most 80 characters) holding Han; 6,000 are taken in
a fixed shuffled order. A garbled file is repaired as one document, and a line counts when it
comes back exact.
"""
import glob
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LINES = 6000
HAN = re.compile("[\u4e00-\u9fff]")

# How Python garbles: the text's bytes in one encoding, read as another with
# errors="replace" (as `requests` gives a page's `.text`).
WAYS = [
    ("UTF-8 read as GBK", "simp", "utf-8", "gbk"),
    ("UTF-8 read as cp1252", "simp", "utf-8", "cp1252"),
    ("UTF-8 read as GB18030", "simp", "utf-8", "gb18030"),
    ("GBK read as Big5", "trad", "gbk", "big5"),
    ("Big5 read as GBK", "trad", "big5", "gbk"),
]


def messages(lang):
    catalogues = sorted(glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/*.mo"))
    found = set()
    for path in catalogues:
        text = subprocess.run(["msgunfmt", path], capture_output=True, text=True).stdout
        for m in re.finditer(r'^msgstr(?:\[\d\])? "(.*)"$', text, re.M):
            line = m.group(1).replace("\\n", " ").replace('\\"', '"').replace("\\t", " ").strip()
            if HAN.search(line) and len(line) >= 4:
                found.add(line[:80])
    lines = sorted(found)
    random.Random(7).shuffle(lines)
    return catalogues, lines[:LINES]


def main():
    binaries = sys.argv[1:] or [os.path.join(ROOT, "target", "release", "zhnorm")]
    texts = {}
    for lang, script in (("zh_CN", "simp"), ("zh_TW", "trad")):
        catalogues, lines = messages(lang)
        print(f"{lang}: {len(lines)} lines from {len(catalogues)} catalogues")
        texts[script] = lines
    with tempfile.TemporaryDirectory() as work:
        for i, binary in enumerate(binaries, 1):
            print(f"[{i}] {binary}")
        print(f"{'lines exact':<24}" + "".join(f"{f'[{i}]':>17}" for i in range(1, len(binaries) + 1)))
        for name, script, encoding, reading in WAYS:
            pairs = []
            for line in texts[script]:
                try:
                    garbled = line.encode(encoding).decode(reading, errors="replace")
                except UnicodeEncodeError:
                    continue
                if garbled != line:
                    pairs.append((line, garbled))
            path = os.path.join(work, "garbled.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join(g + "\n" for _, g in pairs))
            row = f"{name:<24}"
            for binary in binaries:
                out = subprocess.run([binary, "-j", "1", "--quiet", "--only", "repair", path],
                                     capture_output=True, check=True).stdout.decode("utf-8")
                exact = sum(got == want for got, (want, _) in zip(out.split("\n"), pairs))
                row += f"{exact:>9} of {len(pairs):<5}"
            print(row)


if __name__ == "__main__":
    main()
