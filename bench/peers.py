#!/usr/bin/env python3
"""zhnorm against its peers, same input, one run: speed, memory, agreement with OpenCC.

Usage: bench/peers.py [--markdown]   (after bench/build-corpus.sh; needs cargo, pip)

Peers: zhconv 0.4.2 (OpenCC tables) and opencc-fmmseg 0.13 through the Rust harness in
bench/peers/, and OpenCC 1.4.2's own command-line tool. For t2s on the Traditional corpus
and s2t on the Simplified one, and for each corpus both whole and cut down to its lines
that hold Han characters (work/han-*.txt, denser Chinese), reports
  - in-process MB/s (best of 5 conversions of the whole text, tables loaded beforehand),
  - whole-process MB/s and peak RSS (read file, convert, write; best of 3),
  - lines identical to OpenCC 1.4.2's library, converting line by line.
Then one short line through each command-line tool: whole-process latency (hyperfine if
installed, else best of 20).
Everything runs single-threaded: fmmseg's parallel mode is off.
"""
import os, pathlib, re, shutil, subprocess, sys, time

from opencc_peer import opencc_cli

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
ZHNORM = ROOT / "target/release/zhnorm"
HARNESS = HERE / "peers/target/release/zhnorm-peers"
RUNS = [("trad", "t2s"), ("simp", "s2t")]


def han_lines(corpus):
    """The corpus cut down to the lines that hold a Han character."""
    out = WORK / f"han-{corpus}.txt"
    if not out.exists():
        src = (WORK / f"corpus-{corpus}.txt").read_text(encoding="utf-8")
        keep = [l for l in src.split("\n") if re.search(r"[\u4e00-\u9fff]", l)]
        out.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return out


def timed(cmd, src, runs=3):
    """Best wall time over `runs`, peak RSS (MB) and the output of the last run. Output
    goes to a file, as a user's would: a pipe to this script would time the script."""
    best, rss = float("inf"), 0
    out_path = WORK / "peers-out.txt"
    for _ in range(runs):
        with open(src, "rb") as f, open(out_path, "wb") as out:
            start = time.perf_counter()
            p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdin=f, stdout=out,
                               stderr=subprocess.PIPE, check=True)
            best = min(best, time.perf_counter() - start)
        rss = max(rss, int(p.stderr.decode().strip().splitlines()[-1]) // 1024)
    return best, rss, out_path.read_bytes()


def latency(cmd):
    line = "外交部長表示，雙方將於下週會談。\n"
    if shutil.which("hyperfine"):
        p = subprocess.run(["hyperfine", "-N", "--warmup", "5", "--export-json", "/dev/stdout",
                            "--input", str(WORK / "one-line.txt"), "--style", "none",
                            " ".join(cmd)], capture_output=True, check=True, text=True,
                           env=dict(os.environ))
        import json
        return json.loads(p.stdout[p.stdout.index("{"):])["results"][0]["mean"] * 1e3
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        subprocess.run(cmd, input=line.encode(), capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def main():
    markdown = "--markdown" in sys.argv
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "zhnorm-cli"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=HERE / "peers", check=True)
    binary, share = opencc_cli()
    import opencc
    (WORK / "one-line.txt").write_text("外交部長表示，雙方將於下週會談。\n", encoding="utf-8")

    rows = []
    for corpus, config in RUNS:
        for src in (WORK / f"corpus-{corpus}.txt", han_lines(corpus)):
            mb = src.stat().st_size / 1e6
            lines = src.read_text(encoding="utf-8").split("\n")
            lib = opencc.OpenCC(config)  # the CLI's dictionaries: no tofu-risk ones
            reference = [lib.convert(l) for l in lines]
            tools = {
                # Conversion only, like the peers (the other stages would change punctuation).
                # One thread, like every peer (zhnorm's default is one per core).
                "zhnorm --opencc-exact": ([str(ZHNORM), "-j", "1", "--only", "convert",
                                           "--convert", config, "--opencc-exact"], "zhnorm-exact"),
                "zhnorm (default policy)": ([str(ZHNORM), "-j", "1", "--only", "convert",
                                             "--convert", config], "zhnorm"),
                "zhconv 0.4.2": ([str(HARNESS), "cli", "zhconv", config, "/dev/stdin"], "zhconv"),
                "opencc-fmmseg 0.13": ([str(HARNESS), "cli", "fmmseg", config, "/dev/stdin"], "fmmseg"),
                "OpenCC 1.4.2 CLI": ([str(binary), "-c", str(share / f"{config}.json")], None),
            }
            for name, (cmd, harness_tool) in tools.items():
                inproc = ""
                if harness_tool:
                    p = subprocess.run([str(HARNESS), "inproc", harness_tool, config, str(src)],
                                       capture_output=True, check=True, text=True)
                    inproc = p.stdout.split("\t")[2]
                secs, rss, out = timed(cmd, src)
                got = out.decode("utf-8").split("\n")
                same = sum(a == b for a, b in zip(got, reference)) if len(got) == len(reference) else 0
                rows.append((config, f"{src.name} ({mb:.1f} MB)", name, inproc,
                             f"{mb / secs:.0f}", f"{rss}", f"{100 * same / len(reference):.3f}%"))
                print("\t".join(rows[-1]), file=sys.stderr)

    one_line = [
        ("zhnorm (all stages)", [str(ZHNORM), "-j", "1"]),
        ("zhconv (harness)", [str(HARNESS), "cli", "zhconv", "t2s", "/dev/stdin"]),
        ("opencc-fmmseg (harness)", [str(HARNESS), "cli", "fmmseg", "t2s", "/dev/stdin"]),
        ("OpenCC 1.4.2 CLI", [str(binary), "-c", str(share / "t2s.json")]),
    ]
    lat = [(name, f"{latency(cmd):.1f}") for name, cmd in one_line]

    head = ("config", "input", "tool", "in-process MB/s", "whole process MB/s", "peak RSS MB",
            "lines = OpenCC")
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
        print("\n| one line, whole process (t2s) | ms |\n|---|---|")
        for name, ms in lat:
            print(f"| {name} | {ms} |")
    else:
        print("\t".join(head))
        for r in rows:
            print("\t".join(r))
        for name, ms in lat:
            print(f"one line\t{name}\t{ms} ms")


if __name__ == "__main__":
    main()
