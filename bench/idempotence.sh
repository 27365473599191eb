#!/usr/bin/env bash
# Normalizing twice equals normalizing once, on every line of the Debian corpora
# (bench/work/corpus-{trad,simp}.txt, 74 MB, from bench/build-corpus.sh): runs the default
# pipeline (t2s and s2t), a pipeline without conversion and one in `search` mode, then again
# on its output, and prints the lines a second run changes.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p zhnorm-cli
Z=target/release/zhnorm
W=bench/work
status=0
for corpus in trad simp; do
    for args in "--convert t2s" "--convert s2t" "--convert none" "--punct search"; do
        $Z --quiet $args "$W/corpus-$corpus.txt" > "$W/once.txt"
        $Z --quiet $args "$W/once.txt" > "$W/twice.txt"
        lines=$(wc -l < "$W/once.txt")
        changed=$(diff "$W/once.txt" "$W/twice.txt" | grep -c '^>' || true)
        echo "corpus-$corpus.txt ($lines lines) $args: a second run changes $changed lines"
        if [ "$changed" != 0 ]; then
            diff "$W/once.txt" "$W/twice.txt" | head -20
            status=1
        fi
    done
done
rm -f "$W/once.txt" "$W/twice.txt"
exit $status
