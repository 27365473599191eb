#!/usr/bin/env python3
"""The whole zhnorm pipeline against what users chain today, same input, one run.

Usage: bench/pipeline_peers.py [--markdown]   (after bench/build-corpus.sh; needs cargo, pip)

Every command runs as a whole process pinned to one core (taskset -c 0), reading a file
and writing a file; reported: MB/s (best of 3, or of 1 when a run takes over 10 s), peak
RSS, and how many times faster zhnorm's full default pipeline is on the same input.

Tools:
  - zhnorm, default pipeline (repair, pinyin, unicode, convert t2s, punct, space), -j 1;
    and zhnorm restricted to what each peer covers, for like-for-like rows;
  - ftfy 6.3 (uncurl_quotes=False, fix_character_width=False, fix_line_breaks=False: the
    options that keep Chinese punctuation) followed by OpenCC 1.4.2 t2s, both from pip,
    in one Python process (bench/ftfy_opencc.py); and each of the two alone;
  - zhconv 0.4.2 and opencc-fmmseg 0.13 (t2s) and autocorrect 2 (punctuation and
    spacing), through the Rust harness in bench/peers/.
Inputs: the Traditional corpus (work/corpus-trad.txt, Debian zh_TW documentation), its
lines that hold Han (work/han-trad.txt), and zhnorm's own output of the corpus: text
that needs no change.
"""
import pathlib, shutil, subprocess, sys, time

from opencc_peer import opencc_cli

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
ZHNORM = ROOT / "target/release/zhnorm"
HARNESS = HERE / "peers/target/release/zhnorm-peers"
PY = sys.executable


def ensure_ftfy():
    try:
        import ftfy
        assert ftfy.__version__.startswith("6.3")
    except (ImportError, AssertionError):
        subprocess.run([PY, "-m", "pip", "install", "-q", "ftfy==6.3.1"], check=True)


def timed(cmd, src, out_path):
    """Best wall time and peak RSS (MB) of `cmd` (which reads `src`, writes `out_path`)."""
    best, rss, runs = float("inf"), 0, 3
    while runs:
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "taskset", "-c", "0"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        took = time.perf_counter() - start
        best = min(best, took)
        rss = max(rss, int(p.stderr.decode().strip().splitlines()[-1]) // 1024)
        runs = 0 if took > 10 else runs - 1
    return best, rss


def main():
    markdown = "--markdown" in sys.argv
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "zhnorm-cli"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=HERE / "peers", check=True)
    opencc_cli()
    ensure_ftfy()
    if shutil.which("taskset") is None:
        sys.exit("taskset (util-linux) is needed to pin each run to one core")

    trad = WORK / "corpus-trad.txt"
    clean = WORK / "pipeline-clean.txt"
    with open(clean, "wb") as out:
        subprocess.run([str(ZHNORM), "--quiet", str(trad)], stdout=out, check=True)
    inputs = [(trad, "zh-TW corpus"), (WORK / "han-trad.txt", "its Han lines"),
              (clean, "zhnorm's output of it (nothing to change)")]
    if not inputs[1][0].exists():
        sys.exit("run bench/peers.py once first: it writes work/han-trad.txt")

    out = WORK / "pipeline-out.txt"
    sh = lambda cmd: ["sh", "-c", cmd + f' > "{out}"']
    z = f'"{ZHNORM}" -j 1 --quiet'
    tools = [
        ("zhnorm", "all stages (default)", lambda s: sh(f'{z} "{s}"')),
        ("zhnorm --only convert", "convert t2s", lambda s: sh(f'{z} --only convert "{s}"')),
        ("zhnorm --only punct,space", "punct, space", lambda s: sh(f'{z} --only punct,space "{s}"')),
        ("zhnorm --only repair", "repair", lambda s: sh(f'{z} --only repair "{s}"')),
        ("ftfy 6.3 + OpenCC 1.4.2", "repair + convert t2s",
         lambda s: [PY, str(HERE / "ftfy_opencc.py"), "ftfy+opencc", str(s), str(out)]),
        ("ftfy 6.3", "repair", lambda s: [PY, str(HERE / "ftfy_opencc.py"), "ftfy", str(s), str(out)]),
        ("OpenCC 1.4.2 (Python)", "convert t2s",
         lambda s: [PY, str(HERE / "ftfy_opencc.py"), "opencc", str(s), str(out)]),
        ("zhconv 0.4.2", "convert t2s", lambda s: sh(f'"{HARNESS}" cli zhconv t2s "{s}"')),
        ("opencc-fmmseg 0.13", "convert t2s", lambda s: sh(f'"{HARNESS}" cli fmmseg t2s "{s}"')),
        ("autocorrect 2", "punct, space", lambda s: sh(f'"{HARNESS}" cli autocorrect t2s "{s}"')),
    ]
    rows = []
    for src, what in inputs:
        mb = src.stat().st_size / 1e6
        zhnorm_speed = None
        for name, stages, cmd in tools:
            secs, rss = timed(cmd(src), src, out)
            speed = mb / secs
            zhnorm_speed = zhnorm_speed or speed
            ratio = "" if name.startswith("zhnorm") else f"{zhnorm_speed / speed:.1f}×"
            rows.append((f"{what} ({mb:.1f} MB)", name, stages, f"{speed:.1f}", f"{rss}", ratio))
            print("\t".join(rows[-1]), file=sys.stderr)

    head = ("input", "tool", "stages", "MB/s", "peak RSS MB", "zhnorm, all stages, is faster by")
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        print("\t".join(head))
        for r in rows:
            print("\t".join(r))


if __name__ == "__main__":
    main()
