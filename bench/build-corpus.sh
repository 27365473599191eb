#!/usr/bin/env bash
# Builds the real-text corpora the parity and speed scripts use, from Debian packages:
#   work/corpus-trad.txt  Traditional Chinese (zh_TW documentation, man pages, UI strings)
#   work/corpus-simp.txt  Simplified Chinese (zh_CN likewise)
# Needs apt-get (root), dpkg-deb, gettext (msgunfmt), python3. Downloads ~150 MB once.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p work/debs work/root
command -v msgunfmt >/dev/null || apt-get install -y -qq gettext >/dev/null

TRAD=(debian-reference-zh-tw manpages-zh libreoffice-l10n-zh-tw libreoffice-help-zh-tw firefox-esr-l10n-zh-tw
      thunderbird-l10n-zh-tw)
SIMP=(debian-reference-zh-cn manpages-zh libreoffice-l10n-zh-cn libreoffice-help-zh-cn firefox-esr-l10n-zh-cn thunderbird-l10n-zh-cn)

fetch() {
  local pkg=$1
  ls work/debs/"${pkg}"_*.deb >/dev/null 2>&1 && return 0
  # Stale package lists name versions the mirror no longer holds (404): refresh them once.
  (cd work/debs && apt-get download "$pkg" >/dev/null 2>&1) && return 0
  if [ -z "${LISTS_REFRESHED:-}" ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    LISTS_REFRESHED=1
    (cd work/debs && apt-get download "$pkg" >/dev/null 2>&1) && return 0
  fi
  echo "warning: could not download $pkg" >&2
}

# Writes the text of every file of the package's tree matching the locale to stdout.
extract() {
  local pkg=$1 locale_re=$2 dir=work/root/$1
  local deb; deb=$(ls work/debs/"${pkg}"_*.deb 2>/dev/null | head -1) || return 0
  [ -n "$deb" ] || return 0
  [ -d "$dir" ] || dpkg-deb -x "$deb" "$dir"
  python3 - "$dir" "$locale_re" <<'PY'
import gzip, io, os, re, subprocess, sys, zipfile
root, locale_re = sys.argv[1], re.compile(sys.argv[2], re.I)
TEXT = (".html", ".htm", ".txt", ".ftl", ".properties", ".dtd", ".xhp", ".xcu", ".xml", ".po")
def emit(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if re.search(r"[\u4e00-\u9fff]", text):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
for base, _, files in os.walk(root):
    for name in sorted(files):
        path = os.path.join(base, name)
        if not locale_re.search(path) or os.path.islink(path):
            continue
        low = name.lower()
        if low.endswith(".mo"):
            out = subprocess.run(["msgunfmt", path], capture_output=True).stdout
            emit(out)
        elif low.endswith(".gz"):
            emit(gzip.open(path).read())
        elif low.endswith((".xpi", ".jar", ".zip")):
            with zipfile.ZipFile(path) as z:
                for n in sorted(z.namelist()):
                    if n.lower().endswith(TEXT):
                        emit(z.read(n))
        elif low.endswith(TEXT) or "/man/" in path:
            emit(open(path, "rb").read())
PY
}

build() {
  local out=$1 locale_re=$2; shift 2
  [ -s "$out" ] && { echo "$out exists ($(du -h "$out" | cut -f1))"; return; }
  for p in "$@"; do fetch "$p"; done
  for p in "$@"; do extract "$p" "$locale_re"; done > "$out.tmp"
  mv "$out.tmp" "$out"
  echo "$out: $(du -h "$out" | cut -f1), $(wc -l < "$out") lines"
}

build work/corpus-trad.txt 'zh[-_]?tw|zh_hant' "${TRAD[@]}"
build work/corpus-simp.txt 'zh[-_]?cn|zh_hans|zh_CN' "${SIMP[@]}"
