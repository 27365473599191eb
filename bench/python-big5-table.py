#!/usr/bin/env python3
"""Writes data/codecs/python-big5.tsv: the pairs of bytes that CPython's `big5` and
`cp950` codecs read as a different character than the WHATWG Big5 decoder (encoding_rs,
what browsers and zhnorm use) does, so that `repair` can turn text Python misread as Big5
back into its bytes. Run from the repository root:

    python3 bench/python-big5-table.py

The WHATWG reading of each pair comes from zhnorm's own decoder (`--only decode`), built
first with `cargo build --release -p zhnorm-cli`.
"""
import subprocess
import sys

pairs = []
for lead in range(0x81, 0xFF):
    for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
        pairs.append(bytes([lead, trail]))

whatwg = subprocess.run(
    ["target/release/zhnorm", "--encoding", "big5", "--only", "decode", "-q", "-"],
    input=b"\n".join(pairs) + b"\n",
    capture_output=True,
    check=True,
).stdout.decode("utf-8").split("\n")

rows = []
for codec in ["big5", "cp950"]:
    for pair, theirs in zip(pairs, whatwg):
        try:
            ours = pair.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(ours) == 1 and ours != theirs:
            rows.append(f"{pair.hex().upper()}\t{ours}\t{codec}")

with open("data/codecs/python-big5.tsv", "w", encoding="utf-8") as out:
    out.write(f"# CPython {sys.version.split()[0]}: bytes, character, codec\n")
    out.write("\n".join(rows) + "\n")
print(len(rows), "pairs")
