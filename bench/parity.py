#!/usr/bin/env python3
"""Line-by-line parity of `zhnorm --opencc-exact` with OpenCC 1.4.2's command-line tool and library.

Usage: bench/parity.py [--markdown]   (after bench/build-corpus.sh; installs opencc==1.4.2)

For each (corpus, config) pair below, runs both tools on the same file and counts the
lines whose outputs are identical. Also reports how many lines of OpenCC's output are not
a fixed point of OpenCC itself, and how many lines zhnorm's default policy changes.
"""
import os, pathlib, subprocess, sys

from opencc_peer import opencc_cli

HERE = pathlib.Path(__file__).resolve().parent
WORK = HERE / "work"
ZHNORM = HERE.parent / "target/release/zhnorm"
RUNS = [  # corpus, config, tofu-risk dictionaries
    ("trad", "t2s", False), ("trad", "t2s", True), ("trad", "tw2s", False),
    ("trad", "tw2sp", False), ("trad", "hk2s", False), ("simp", "s2t", False),
    ("simp", "s2twp", False), ("simp", "s2hk", False),
]

def run(cmd, src):
    with open(src, "rb") as f:
        return subprocess.run(cmd, stdin=f, capture_output=True, check=True).stdout.decode("utf-8")

def main():
    if not ZHNORM.exists():
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=HERE.parent, check=True)
    binary, share = opencc_cli()
    rows = []
    for corpus, config, tofu in RUNS:
        src = WORK / f"corpus-{corpus}.txt"
        ref_cmd = [str(binary), "-c", str(share / f"{config}.json")]
        # Conversion only: the other stages (punctuation, spaces) are not OpenCC's business.
        ours_cmd = [str(ZHNORM), "--only", "convert", "--convert", config, "--opencc-exact"]
        if tofu:
            ref_cmd.append("--include-tofu-risk-dictionaries")
            ours_cmd.append("--include-tofu-risk")
        ref = run(ref_cmd, src).split("\n")
        ours = run(ours_cmd, src).split("\n")
        default = run(ours_cmd[:-2 if tofu else -1] + (["--include-tofu-risk"] if tofu else []), src).split("\n")
        same = sum(a == b for a, b in zip(ref, ours)) if len(ref) == len(ours) else 0
        # OpenCC's CLI reads its input in chunks, and a phrase that straddles a chunk
        # boundary converts differently; its library, given each line, has no such seams.
        import opencc
        lib = opencc.OpenCC(config, include_tofu_risk_dictionaries=tofu)
        same_lib = sum(lib.convert(a) == b for a, b in zip(src.read_text(encoding="utf-8").split("\n"), ours))
        diffs = [(i, a, b) for i, (a, b) in enumerate(zip(ref, ours)) if a != b][:3]
        # OpenCC's own output, converted again by OpenCC: lines that are not a fixed point.
        tmp = WORK / "parity-ref.txt"
        tmp.write_text("\n".join(ref), encoding="utf-8")
        again = run(ref_cmd, tmp).split("\n")
        unsettled = sum(a != b for a, b in zip(ref, again))
        changed_by_default = sum(a != b for a, b in zip(ref, default))
        rows.append((corpus, config + (" +tofu" if tofu else ""), os.path.getsize(src), len(ref), same,
                     same_lib, unsettled, changed_by_default))
        for i, a, b in diffs:
            print(f"  {config} line {i + 1}:\n    opencc {a[:120]!r}\n    zhnorm {b[:120]!r}", file=sys.stderr)
    md = "--markdown" in sys.argv
    head = ["corpus", "config", "MB", "lines", "identical to OpenCC CLI", "identical to OpenCC library",
            "OpenCC lines not a fixed point", "lines the default policy settles"]
    print(("| " + " | ".join(head) + " |\n|" + "---|" * len(head)) if md else "\t".join(head))
    for corpus, config, size, lines, same, same_lib, unsettled, changed in rows:
        cells = [corpus, config, f"{size / 1e6:.1f}", str(lines), f"{same} ({100 * same / lines:.4f}%)",
                 f"{same_lib} ({100 * same_lib / lines:.4f}%)", str(unsettled), str(changed)]
        print(("| " + " | ".join(cells) + " |") if md else "\t".join(cells))

main()
