#!/usr/bin/env python3
"""Whole files in every encoding, through the command: real Chinese documents from the
Debian packages `bench/build-corpus.sh` unpacks (bench/work/root), a third of them cut to a
short piece of one to three lines, each written as UTF-8 (with and without a byte-order
mark), UTF-16 (with one, and little- and big-endian without), GBK, GB2312, GB18030 and
Big5 where the encoding holds the text, and read back with `zhnorm --only decode`. Prints
how many come back exact, by encoding, and the files that do not (kept in
bench/work/decode-wrong).

usage: bench/decode-files.py [ZHNORM] [N_DOCUMENTS]
"""

import collections
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ZHNORM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../target/release/zhnorm")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
ROOT = os.path.join(HERE, "work/root")
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
             "gbk", "gb2312", "gb18030", "big5"]
if os.environ.get("MORE_ENCODINGS"):
    ENCODINGS += ["cp936", "cp950", "big5hkscs", "hz", "utf-32", "iso2022_jp"]
WRONG = os.path.join(HERE, "work/decode-wrong")
HAN = re.compile(r"[\u4e00-\u9fff]")


def documents():
    found = []
    for root, _, files in os.walk(ROOT):
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            if not 40 <= os.path.getsize(path) <= 150_000:
                continue
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            if len(HAN.findall(text)) >= 3:
                found.append(text)
    return found


def main():
    if not os.path.isdir(ROOT):
        sys.exit(f"{ROOT} is missing: run bench/build-corpus.sh first")
    random.seed(7)
    texts = documents()
    random.shuffle(texts)
    exact, total = collections.Counter(), collections.Counter()
    wrong = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(texts[:N]):
            if i % 3 == 0:
                lines = [l for l in text.splitlines() if HAN.search(l)]
                text = "\n".join(lines[: random.randint(1, 3)]) + "\n"
                text = text[: random.randint(10, 200)]
            for encoding in ENCODINGS:
                try:
                    data = text.encode(encoding)
                except UnicodeEncodeError:
                    continue
                path = os.path.join(tmp, f"{i:04d}.{encoding}")
                with open(path, "wb") as f:
                    f.write(data)
                out = subprocess.run([ZHNORM, "-q", "--only", "decode", path],
                                     capture_output=True).stdout
                total[encoding] += 1
                if out == text.encode("utf-8"):
                    exact[encoding] += 1
                else:
                    wrong.append(f"{i:04d}.{encoding}")
                    os.makedirs(WRONG, exist_ok=True)
                    os.replace(path, os.path.join(WRONG, f"{i:04d}.{encoding}"))
    for encoding in ENCODINGS:
        print(f"{encoding:10} {exact[encoding]:5} of {total[encoding]:5} exact")
    print(f"all        {sum(exact.values()):5} of {sum(total.values()):5} exact")
    for name in wrong[:20]:
        print("wrong:", os.path.join(WRONG, name))


if __name__ == "__main__":
    main()
