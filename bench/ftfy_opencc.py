#!/usr/bin/env python3
"""What users chain today, as one command: ftfy 6.3 then OpenCC 1.4.2 (t2s).

Usage: ftfy_opencc.py ftfy|opencc|ftfy+opencc IN OUT

ftfy runs with the options that keep Chinese punctuation and line structure
(uncurl_quotes=False, fix_character_width=False, fix_line_breaks=False); OpenCC is the
PyPI library (the C++ converter, t2s). Installed on first use by pipeline_peers.py.
"""
import sys


def main():
    mode, src, dst = sys.argv[1:4]
    text = open(src, encoding="utf-8", errors="replace").read()
    if "ftfy" in mode:
        import ftfy
        config = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False,
                                      fix_line_breaks=False)
        text = ftfy.fix_text(text, config)
    if "opencc" in mode:
        import opencc
        text = opencc.OpenCC("t2s").convert(text)
    with open(dst, "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main()
