#!/usr/bin/env python3
"""Regenerates the golden outputs in this folder with OpenCC 1.4.2 (pip install opencc==1.4.2).

Each `NAME.KIND.txt` input gets `NAME.CONFIG.expected.txt` for the configs listed below,
converted the way OpenCC's command-line tool does (tofu-risk dictionaries left out).
The expected files are OpenCC's output, not ours: zhnorm's golden test compares to them.
"""
import pathlib, opencc

assert opencc.__version__ == "1.4.2", opencc.__version__
HERE = pathlib.Path(__file__).parent
CONFIGS = {"trad": ["t2s", "hk2s", "tw2sp", "t2tw"], "simp": ["s2t", "s2twp", "s2hk", "s2hkp"]}
for path in sorted(HERE.glob("*.*.txt")):
    if ".expected." in path.name:
        continue
    name, kind, _ = path.name.split(".")
    text = path.read_text(encoding="utf-8")
    for config in CONFIGS[kind]:
        out = opencc.OpenCC(config, include_tofu_risk_dictionaries=False).convert(text)
        (HERE / f"{name}.{config}.expected.txt").write_text(out, encoding="utf-8")
