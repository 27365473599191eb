#!/usr/bin/env python3
"""zhnorm's `repair` on ftfy's own test cases: real mojibake from tweets and the Common
Crawl, mostly of European languages, and some negatives ftfy must leave alone.

Usage: bench/ftfy-cases.py [ZHNORM] [-v]   (downloads ftfy 6.3.1's sdist from PyPI once)

zhnorm is a Chinese tool: it leaves much Western mojibake as it is, which ftfy fixes. What
this script watches for is worse: a repair that makes Han or kana out of text that held
none (`Büyü` read as GBK is `Büy眉`). It prints each case zhnorm does not give as ftfy's
`fixed-encoding` (or `fixed`) expects, marked CJK when zhnorm's output gained Han or kana,
and the counts.
"""
import json, pathlib, subprocess, sys, tarfile

HERE = pathlib.Path(__file__).resolve().parent
WORK = HERE / "work" / "ftfy"
ZHNORM = next((a for a in sys.argv[1:] if not a.startswith("-")),
              str(HERE.parent / "target/release/zhnorm"))
VERBOSE = "-v" in sys.argv


def cases():
    WORK.mkdir(parents=True, exist_ok=True)
    sdist = WORK / "ftfy-6.3.1.tar.gz"
    if not sdist.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                        ":all:", "-d", str(WORK), "ftfy==6.3.1"], check=True)
    with tarfile.open(sdist) as tar:
        member = tar.getmember("ftfy-6.3.1/tests/test_cases.json")
        return json.load(tar.extractfile(member))


def cjk(text):
    return sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff")


def main():
    data = cases()
    lines = "\n".join(json.dumps({"text": c["original"]}, ensure_ascii=False) for c in data)
    out = subprocess.run([ZHNORM, "--jsonl", "--only", "repair"], input=(lines + "\n").encode(),
                         capture_output=True, check=True).stdout.decode().split("\n")
    exact = made_cjk = 0
    for case, line in zip(data, out):
        got = json.loads(line)["text"]
        want = case.get("fixed-encoding", case["fixed"])
        if got == want:
            exact += 1
            continue
        gained = cjk(got) > cjk(case["original"])
        made_cjk += gained
        if VERBOSE or gained:
            tag = "CJK " if gained else ""
            print(f"{tag}{case['label']}\n  in   {case['original']!r}\n  out  {got!r}\n  want {want!r}")
    print(f"{exact} of {len(data)} as ftfy expects; {made_cjk} outputs gained Han or kana")


if __name__ == "__main__":
    main()
