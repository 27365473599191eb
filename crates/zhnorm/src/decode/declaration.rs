//! What a text says of its own encoding. Decoded from GBK, Big5 or UTF-16 and written as
//! UTF-8, a page that still declares `charset=gb2312` is read by browsers as GBK: the
//! mojibake `repair` exists to undo. So are a catalogue whose header says `charset=GBK`
//! by msgfmt, and a Python source whose first line says `coding: gbk` by Python.
//! [`declaring_utf8`] makes those declarations say UTF-8.

use std::borrow::Cow;
use std::ops::Range;

use encoding_rs::{Encoding, UTF_8};

/// How far into a text declarations are looked for: HTML's prescan reads 1,024 bytes, and
/// a catalogue's header may follow a long comment.
const HEAD: usize = 8192;

/// `text`, decoded from an encoding other than UTF-8, with the declarations of its
/// encoding it makes as a format — markup's `<meta charset>` and `http-equiv`, XML's
/// `encoding`, CSS's `@charset`, a catalogue's `Content-Type` header, a source's coding
/// line — saying UTF-8. Text that only mentions a charset (a tutorial's example) is not
/// a declaration, and stays.
///
/// ```
/// use zhnorm::decode::declaring_utf8;
///
/// let page = r#"<html><head><meta charset="gb2312"><title>测试</title>"#;
/// assert_eq!(declaring_utf8(page), r#"<html><head><meta charset="utf-8"><title>测试</title>"#);
/// ```
pub fn declaring_utf8(text: &str) -> Cow<'_, str> {
    let mut head = text.len().min(HEAD);
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let labels = declared_labels(&text[..head]);
    // (Every label but UTF-8's is now wrong, known or not: Python's `cp936` is no label
    // of browsers'.)
    let labels: Vec<Range<usize>> = labels
        .into_iter()
        .filter(|label| !says_utf8(&text[label.clone()]))
        .collect();
    if labels.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for label in labels {
        out.push_str(&text[copied..label.start]);
        let upper = !text[label.clone()].bytes().any(|b| b.is_ascii_lowercase());
        out.push_str(if upper { "UTF-8" } else { "utf-8" });
        copied = label.end;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Whether `label` names UTF-8, as browsers or Python read labels.
fn says_utf8(label: &str) -> bool {
    let python = label.to_ascii_lowercase().replace('_', "-");
    Encoding::for_label(label.as_bytes()) == Some(UTF_8)
        || matches!(python.as_str(), "u8" | "utf" | "utf8" | "utf-8" | "cp65001")
}

/// Where the labels declared in `head` are, in order.
fn declared_labels(head: &str) -> Vec<Range<usize>> {
    let lower = head.to_ascii_lowercase();
    let start = lower.trim_start().as_ptr() as usize - lower.as_ptr() as usize;
    let body = &lower[start..];
    let mut labels = Vec::new();
    if body.starts_with('<') {
        // XML's declaration, first of all.
        if body.starts_with("<?xml") {
            let end = body.find("?>").unwrap_or(body.len());
            labels.extend(value_after(&lower, start, start + end, "encoding"));
        }
        // Markup's `<meta>` tags.
        let mut from = start;
        while let Some(k) = lower[from..].find("<meta") {
            let tag = from + k;
            let end = lower[tag..].find('>').map_or(lower.len(), |k| tag + k);
            labels.extend(value_after(&lower, tag, end, "charset"));
            from = end;
        }
    } else if body.starts_with("@charset") {
        let end = body.find(';').map_or(lower.len(), |k| start + k);
        labels.extend(value_at(&lower, start + "@charset".len(), end, &[]));
    } else if let Some(line) = catalogue_content_type(&lower) {
        labels.extend(value_after(&lower, line.start, line.end, "charset"));
    } else {
        // A coding line (PEP 263, Emacs, Vim): a comment on the first or second line.
        let mut line_start = 0;
        for line in lower.split_inclusive('\n').take(2) {
            let comment = line
                .trim_start_matches([' ', '\t', '\x0c'])
                .starts_with('#');
            if comment {
                if let Some(k) = line.find("coding") {
                    let label = value_at(
                        &lower,
                        line_start + k + "coding".len(),
                        line_start + line.len(),
                        &[':', '='],
                    );
                    labels.extend(label);
                    break;
                }
            }
            line_start += line.len();
        }
    }
    labels
}

/// The header line of a gettext catalogue that holds its `Content-Type`: the first
/// entry's `msgstr` after `msgid ""`.
fn catalogue_content_type(lower: &str) -> Option<Range<usize>> {
    let header = lower.find("msgid \"\"\nmsgstr \"\"")?;
    let at = header + lower[header..].find("\"content-type:")?;
    let end = lower[at..].find('\n').map_or(lower.len(), |k| at + k);
    Some(at..end)
}

/// The label that `name`, then `=`, gives within `lower[from..to]` (see [`value_at`]).
fn value_after(lower: &str, from: usize, to: usize, name: &str) -> Option<Range<usize>> {
    let k = lower[from..to].find(name)?;
    value_at(lower, from + k + name.len(), to, &['='])
}

/// The label at `lower[at..to]`: past blanks, one of `signs` (none when there are none),
/// blanks and an optional quote, a run of letters, digits and `-_.:`.
fn value_at(lower: &str, at: usize, to: usize, signs: &[char]) -> Option<Range<usize>> {
    let rest = &lower[at..to];
    let blanks = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
    let mut i = blanks(rest);
    if !signs.is_empty() {
        let sign = rest[i..].chars().next()?;
        if !signs.contains(&sign) {
            return None;
        }
        i += sign.len_utf8();
    }
    i += blanks(&rest[i..]);
    if rest[i..].starts_with(['"', '\'']) {
        i += 1;
    }
    let len = rest[i..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        .count();
    (len > 0).then(|| at + i..at + i + len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_and_settles(
            text in "(<meta|<\\?xml|@charset|# coding|msgid \"\"\nmsgstr \"\"|\"content-type:| |=|:|\"|'|;|>|\\?>|charset|encoding|gbk|utf-8|\n|中)*"
        ) {
            let once = declaring_utf8(&text).into_owned();
            prop_assert_eq!(declaring_utf8(&once), once.as_str());
        }
    }

    #[test]
    fn declarations_of_the_formats_say_utf_8() {
        for (text, want) in [
            (
                "<!DOCTYPE html>\n<html><head><META http-equiv=\"Content-Type\" content=\"text/html; charset=GB2312\">",
                "<!DOCTYPE html>\n<html><head><META http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">",
            ),
            ("<meta charset=big5><p>你好", "<meta charset=utf-8><p>你好"),
            (
                "<?xml version=\"1.0\" encoding=\"GB2312\"?>\n<doc>这是</doc>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc>这是</doc>",
            ),
            ("@charset \"gbk\";\nbody{}", "@charset \"utf-8\";\nbody{}"),
            (
                "# 翻译\nmsgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: x\\n\"\n\"Content-Type: text/plain; charset=GBK\\n\"\n",
                "# 翻译\nmsgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: x\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n",
            ),
            ("#!/usr/bin/env python\n# -*- coding: gbk -*-\n", "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"),
            ("# vim: set fileencoding=cp936 :\n", "# vim: set fileencoding=utf-8 :\n"),
        ] {
            assert_eq!(declaring_utf8(text), want, "{text}");
        }
    }

    #[test]
    fn mentions_and_utf_8_stay() {
        for text in [
            // A tutorial shows the tag; it declares nothing.
            "在网页头部加入 <meta charset=\"gbk\"> 即可。",
            "把 my.cnf 的 default-character-set=gbk 改掉\n",
            "<meta charset=\"utf-8\"><title>好</title>",
            "# -*- coding: utf_8 -*-\n",
            // Not on the first two lines.
            "print(1)\nprint(2)\n# coding: gbk\n",
        ] {
            assert!(matches!(declaring_utf8(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
