#!/usr/bin/env bash
# Measures the corpus-scale claims of the README: peak memory on a 500 MB file and on a
# 100 MB line with no newline, and -j 2 against -j 1 on a directory of 40 files.
# Needs work/corpus-trad.txt (./build-corpus.sh) and GNU time. Writes under work/scale.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release -q -p zhnorm-cli --manifest-path ../Cargo.toml
ZHNORM=../target/release/zhnorm
mkdir -p work/scale
SRC=work/corpus-trad.txt
[ -f work/scale/500mb.txt ] || while [ "$(stat -c %s work/scale/500mb.txt 2>/dev/null || echo 0)" -lt 500000000 ]; do
  cat "$SRC" >> work/scale/500mb.txt; done
[ -f work/scale/one-line.txt ] || python3 - <<'PY'
text = open("work/corpus-trad.txt", encoding="utf-8").read().replace("\n", " ")
out = open("work/scale/one-line.txt", "w", encoding="utf-8")
written = 0
while written < 100_000_000:
    out.write(text); written += len(text.encode())
PY
if [ ! -d work/scale/forty ]; then
  mkdir -p work/scale/forty
  split -n l/40 -d "$SRC" work/scale/forty/part-
fi

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o work/scale/time.txt "$@" > /dev/null 2> work/scale/stderr.txt || true
  read -r secs kb < work/scale/time.txt
  printf '%-44s %8.2f s %8.1f MB peak\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
}
size() { echo "$(( $(stat -c %s "$1") / 1000000 )) MB"; }
echo "500 MB file: $(size work/scale/500mb.txt); one line: $(size work/scale/one-line.txt)"
measure "500 MB file, -j 2, to /dev/null" $ZHNORM -q -j 2 work/scale/500mb.txt
measure "500 MB file, -j 1, to /dev/null" $ZHNORM -q -j 1 work/scale/500mb.txt
measure "100 MB single line, -j 2" $ZHNORM -q -j 2 work/scale/one-line.txt
rm -rf work/scale/out1 work/scale/out2
measure "40 files ($(du -sm work/scale/forty | cut -f1) MB), -j 1, -o" $ZHNORM -q -j 1 -o work/scale/out1 work/scale/forty
measure "40 files, -j 2, -o" $ZHNORM -q -j 2 -o work/scale/out2 work/scale/forty
diff -r work/scale/out1 work/scale/out2 > /dev/null && echo "-j 1 and -j 2 outputs identical"
