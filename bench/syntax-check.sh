#!/usr/bin/env bash
# Files whose syntax sits next to Chinese text still work after zhnorm: every LibreOffice
# catalogue of the Debian packages bench/build-corpus.sh unpacks (msgunfmt of the .mo
# files) must pass `msgfmt --check`, and every page of manpages-zh must give groff no
# warning or error it did not give before (line-breaking warnings aside: full-width marks
# are wider). Also counts character references whose `;` was made `；` in the corpora,
# and Firefox's lists of search terms whose `,` was; checks that the machine's Python
# sources that hold Han still parse, and that the keyword
# lists of GNOME's Chinese catalogues (`Text;Editor;文本;编辑器;`, desktop entries' search
# terms, whose `;` ends each keyword) keep their semicolons.
# Needs gettext and groff (installed here if missing). Usage: bench/syntax-check.sh [ZHNORM]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v msgfmt >/dev/null || apt-get install -y -qq gettext >/dev/null
command -v groff >/dev/null || apt-get install -y -qq groff >/dev/null
if [ $# -ge 1 ]; then
    Z=$1
else
    cargo build --release -q -p zhnorm-cli
    Z=target/release/zhnorm
fi
ROOT=bench/work/root
[ -d "$ROOT" ] || { echo "run bench/build-corpus.sh first" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

mkdir -p "$T/po" "$T/man"
for mo in $(find "$ROOT" -name '*.mo' | sort); do
    package=$(echo "$mo" | cut -d/ -f4)
    msgunfmt "$mo" -o "$T/po/$package-$(basename "$mo" .mo).po"
done
(cd "$ROOT/manpages-zh/usr/share/man" && find zh_CN zh_TW -name '*.gz') | sort | while read -r page; do
    zcat "$ROOT/manpages-zh/usr/share/man/$page" > "$T/man/$(echo "${page%.gz}" | tr / _)"
done
"$Z" --quiet -o "$T/po-out" "$T/po"
"$Z" --quiet -o "$T/man-out" "$T/man"

failed=0 total=0
for po in "$T"/po/*.po; do
    total=$((total + 1))
    msgfmt --check -o /dev/null "$po" 2>/dev/null || { echo "already broken: $po"; continue; }
    msgfmt --check -o /dev/null "$T/po-out/$(basename "$po")" 2>/dev/null || {
        failed=$((failed + 1))
        msgfmt --check -o /dev/null "$T/po-out/$(basename "$po")" 2>&1 | head -3 || true
    }
done
echo "catalogues: $failed of $total fail msgfmt --check after zhnorm"

warnings() {
    groff -k -Kutf8 -t -man -Tutf8 -ww -z < "$1" 2>&1 |
        grep -v "break line\|adjust line\|tab character" | sed 's/^[^:]*:[^:]*:[0-9]*://' | sort
}
failed=0 total=0
for page in "$T"/man/*; do
    total=$((total + 1))
    if [ "$(warnings "$page")" != "$(warnings "$T/man-out/$(basename "$page")")" ]; then
        failed=$((failed + 1))
        echo "new groff warnings: $(basename "$page")"
    fi
done
echo "man pages: $failed of $total give groff new warnings or errors after zhnorm"

# Python sources on this machine that hold Han (in strings and comments): each must still
# parse (`ast.parse`) after zhnorm, as it did before.
failed=0 total=0
while read -r source; do
    python3 -c 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read())' "$source" 2>/dev/null || continue
    total=$((total + 1))
    "$Z" --quiet "$source" > "$T/source.py"
    python3 -c 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read())' "$T/source.py" 2>/dev/null || {
        failed=$((failed + 1))
        echo "no longer parses: $source"
    }
done < <(grep -rlP '[\x{4e00}-\x{9fff}]' /usr/lib/python3 --include='*.py' 2>/dev/null | sort)
echo "Python sources: $failed of $total no longer parse after zhnorm"

for corpus in trad simp; do
    [ -f "bench/work/corpus-$corpus.txt" ] || continue
    "$Z" --quiet "bench/work/corpus-$corpus.txt" > "$T/corpus.txt"
    broken=$(grep -cP '&(#x?[0-9a-fA-F]+|[a-zA-Z]+)；' "$T/corpus.txt" || true)
    echo "corpus-$corpus.txt: $broken lines with a character reference ended by '；'"
    # Firefox's lists of search terms, which it splits at each `,`.
    terms='^\s*(quickactions-cmd-[a-z0-9-]+|\.searchkeywords|[a-z-]+-search-term[a-z-]*) ='
    lists=$(grep -cE "$terms" "bench/work/corpus-$corpus.txt" || true)
    broken=$(grep -E "$terms" "$T/corpus.txt" | grep -c '，' || true)
    echo "corpus-$corpus.txt: $broken of $lists Firefox search-term lists with a comma made '，'"
done

# GNOME's catalogues (gedit, Files, Settings; downloaded here once): the desktop entries'
# keyword lists they translate must keep every `;`, or the list becomes one keyword.
G=bench/work/gnome
if [ ! -d "$G/root" ]; then
    mkdir -p "$G"
    (cd "$G" && apt-get download gedit-common nautilus-data gnome-control-center-data >/dev/null 2>&1 &&
        for deb in *.deb; do dpkg-deb -x "$deb" root; done) || echo "GNOME catalogues not downloaded"
fi
if [ -d "$G/root" ]; then
    mkdir -p "$T/gnome"
    for mo in $(find "$G/root" -path '*/zh_*' -name '*.mo' | sort); do
        msgunfmt "$mo" -o "$T/gnome/$(echo "$mo" | cut -d/ -f8)-$(basename "$mo" .mo).po"
    done
    lists=$(cat "$T"/gnome/*.po | grep -cE '^msgstr "[^" ]+;"$' || true)
    broken=$("$Z" --quiet "$T"/gnome/*.po | grep -E '^msgstr "[^" ]+"$' | grep -c '；"$' || true)
    echo "GNOME keyword lists: $broken of $lists lose a semicolon after zhnorm"
fi
