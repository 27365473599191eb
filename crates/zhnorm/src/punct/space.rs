//! Stage `space`: whitespace and invisible characters.
//!
//! - CRLF and CR become LF; C0 and C1 controls other than tab and newline are removed,
//!   and a terminal's escape sequence whole (`\x1b[32m` colours text; without its ESC it
//!   would be `[32m` in the text).
//! - NBSP and the other Unicode spaces become a space. The ideographic space U+3000 is
//!   kept: it indents paragraphs and separates verses.
//! - Zero-width characters are removed, except a ZWJ inside an emoji sequence (one that
//!   does not end its grapheme cluster), and a ZWJ or ZWNJ after a letter of a script
//!   that spells with them (Persian, the Indic scripts, Sinhala, Myanmar).
//! - Spaces and tabs at the end of a line are removed, but for one a backslash escapes,
//!   the tabs that end a tab-separated line (its empty last fields), and, in Markdown, the
//!   two spaces of a hard line break (two or more after text, before a line that is not
//!   blank; more than two become two).
//! - A space beside a full-width mark is removed where Chinese stands on its other side
//!   (`你好， 世界。 再见` from ASCII typing, `他说 “好”`): the mark holds its own space.
//!   Not in a line that spaces its Han apart (word-segmented text, `我 爱 北京 。`, or a
//!   mark spaced on both sides, `你好 ， 世界`: there spaces separate tokens), nor two
//!   spaces or more (a value aligned in a column, `名称：  张三`), nor in a row of a
//!   Markdown table (its cells padded to line up).
//! - A space between two Han characters is kept unless the text itself shows it is debris:
//!   a letter-spaced run of single characters, long (`新 闻 推 荐`) or written without the
//!   spaces elsewhere in the same document (`开 发` next to `开发`). Spaces between words
//!   (authors and dates, couplet halves, two reporters' names, word-segmented text) stay:
//!   that two characters also meet elsewhere proves nothing in a long document.

use std::borrow::Cow;
use std::cell::OnceCell;

use aho_corasick::AhoCorasick;
use unicode_segmentation::UnicodeSegmentation;

use super::protect::lines_starting;
use crate::chars::{find_where, is_han, is_kana, replace_ranges, rewrite_lines, ByteSet};
use crate::pipeline::Stage;

/// The `space` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpaceStage;

/// Letter-spaced runs of at least this many single Han characters are joined on sight;
/// shorter ones only when the document writes them joined elsewhere.
const LETTER_SPACED_RUN: usize = 4;

/// Up to this many distinct short words, each is searched for on its own; more are
/// searched for together by one automaton. (Over a megabyte of Chinese, one pass of the
/// automaton took 2.1 ms, twenty searches that find nothing 1.1 ms.)
const FEW_WORDS: usize = 32;

impl Stage for SpaceStage {
    fn name(&self) -> &'static str {
        "space"
    }

    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        // One scan finds the spaces that may join two Han characters and the first place
        // a line needs cleaning: most text needs no cleaning and is read once.
        let markdown = Markdown::new(text);
        let (dirty, mut candidates) = scan(text, &markdown);
        let mut joined = match dirty {
            None => match join_debris_spaces(text, candidates) {
                Cow::Borrowed(_) => return Cow::Borrowed(text),
                Cow::Owned(joined) => joined,
            },
            Some(first) => {
                // Lines are cleaned from the one of `first` on, and the spaces there are
                // looked for again in the cleaned text (the text before is the same).
                let from = memchr::memrchr(b'\n', &text.as_bytes()[..first]).map_or(0, |i| i + 1);
                let cleaned = rewrite_lines(
                    text,
                    |t, p| next_to_clean(t, p.max(from), &markdown),
                    |line, after| clean_chars(line, after, &markdown),
                );
                candidates.retain(|&at| at < from);
                candidates.extend(spaces_between_han(&cleaned, from));
                match join_debris_spaces(&cleaned, candidates) {
                    Cow::Borrowed(_) => return cleaned,
                    Cow::Owned(joined) => joined,
                }
            }
        };
        // Joining a run writes the word it spelled (`新 闻 推 荐` → `新闻推荐`), which is
        // evidence for a short run elsewhere (`新 闻`): join until nothing is left to join.
        while let Cow::Owned(again) = join_debris_spaces(&joined, spaces_between_han(&joined, 0)) {
            joined = again;
        }
        Cow::Owned(joined)
    }
}

/// Bytes at which a rule other than the Han–space–Han one may apply: spaces and tabs
/// (which may end a line), controls (CR included) and the lead bytes of the Unicode
/// spaces and invisible characters (U+0080–00BF, U+1680, U+2000–206F, U+FEFF).
const MAY_NEED_CLEANING: ByteSet = ByteSet::new(
    &[b' ', 0x7F, 0xC2, 0xE1, 0xE2, 0xEF],
    &[(0x00, 0x09), (0x0B, 0x1F)],
);

/// The first byte at or after `from` where a line needs cleaning.
fn next_to_clean(text: &str, from: usize, markdown: &Markdown) -> Option<usize> {
    let bytes = text.as_bytes();
    find_where(
        &MAY_NEED_CLEANING,
        bytes,
        from,
        bytes.len(),
        may_need_cleaning,
        |at| needs_cleaning_at(text, at, markdown),
    )
}

/// [`simd::may_need_cleaning`], and spaces between two bytes outside ASCII (one may stand
/// beside a full-width mark).
#[inline(always)]
fn may_need_cleaning(bytes: &[u8], i: usize) -> u32 {
    simd::may_need_cleaning(bytes, i) | simd::may_join(bytes, i)
}

/// The first byte where a line needs cleaning, if any, and the spaces with a Han character
/// on each side before it.
fn scan(text: &str, markdown: &Markdown) -> (Option<usize>, Vec<usize>) {
    let bytes = text.as_bytes();
    let mut spaces = Vec::new();
    let mut from = 0;
    while let Some(at) = find_where(
        &MAY_NEED_CLEANING,
        bytes,
        from,
        bytes.len(),
        may_need_cleaning,
        |at| needs_cleaning_at(text, at, markdown) || bytes[at] == b' ' && is_between_han(text, at),
    ) {
        if needs_cleaning_at(text, at, markdown) {
            return (Some(at), spaces);
        }
        spaces.push(at);
        from = at + 1;
    }
    (None, spaces)
}

/// Whether a line needs cleaning at `at`, whose byte is in [`MAY_NEED_CLEANING`].
fn needs_cleaning_at(text: &str, at: usize, markdown: &Markdown) -> bool {
    let bytes = text.as_bytes();
    match bytes[at] {
        b' ' => {
            (matches!(bytes.get(at + 1), None | Some(b'\n'))
                && hard_break_spaces(&bytes[..at + 1], bytes.get(at + 2..), markdown) != Some(2))
                || is_space_beside_mark(text, at)
        }
        b'\t' => {
            let blanks = bytes[at..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let ends_line = matches!(bytes.get(at + blanks), None | Some(b'\n'));
            // (A tab-separated line's trailing tabs are empty fields: only spaces after
            // them go.)
            let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |k| k + 1);
            ends_line
                && !(bytes[at + blanks - 1] == b'\t' && separates_fields(&bytes[line_start..at]))
        }
        0xC2 | 0xE1 | 0xE2 | 0xEF => is_unusual_space_at(bytes, at),
        _ => true,
    }
}

mod simd {
    use crate::chars::simd::{at, at_most, bits, is, non_ascii};

    /// One bit for each of `bytes[i..i + 16]` where a line may need cleaning (see
    /// [`crate::chars::find_where`]): a space before an LF, a tab, a
    /// control, and the characters [`super::is_unusual_space_at`] takes, told by their
    /// bytes, so that `“` and `，` (E2 80 9C, EF BC 8C) are passed over.
    #[inline(always)]
    pub(super) fn may_need_cleaning(bytes: &[u8], i: usize) -> u32 {
        let [b, n1, n2] = [0, 1, 2].map(|d| at(bytes, i + d));
        let control = (at_most(b, 0x1F) & !is(b, b'\n')) | is(b, 0x7F);
        let trailing = is(b, b' ') & is(n1, b'\n');
        let spaces = (is(b, 0xC2) & at_most(n1, 0xA0))
            | (is(b, 0xE1) & is(n1, 0x9A) & is(n2, 0x80))
            | (is(b, 0xE2)
                & ((is(n1, 0x80) & (at_most(n2, 0x8D) | is(n2, 0xAF)))
                    | (is(n1, 0x81) & (is(n2, 0x9F) | is(n2, 0xA0)))))
            | (is(b, 0xEF) & is(n1, 0xBB) & is(n2, 0xBF));
        bits(control | trailing | spaces)
    }

    /// One bit for each of `bytes[i..i + 16]` that is a space between two bytes outside
    /// ASCII (one byte before, one after).
    #[inline(always)]
    pub(super) fn may_join(bytes: &[u8], i: usize) -> u32 {
        let [prev, b, n1] = [0, 1, 2].map(|d| at(bytes, i - 1 + d));
        bits(is(b, b' ') & non_ascii(prev) & non_ascii(n1))
    }
}

const SPACE: ByteSet = ByteSet::new(b" ", &[]);

/// The spaces at or after `from` with a Han character on each side.
fn spaces_between_han(text: &str, from: usize) -> Vec<usize> {
    let mut spaces = Vec::new();
    let mut p = from;
    while let Some(at) = next_between_han(text, p) {
        spaces.push(at);
        p = at + 1;
    }
    spaces
}

/// The first space at or after `from` with a Han character on each side. Markup and
/// English hold most spaces: the scan passes over those after or before ASCII.
fn next_between_han(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    find_where(&SPACE, bytes, from, bytes.len(), simd::may_join, |at| {
        is_between_han(text, at)
    })
}

/// Whether the space at `at` has a Han character on each side.
fn is_between_han(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    at > 0
        && bytes[at - 1] >= 0x80
        && bytes.get(at + 1) >= Some(&0x80)
        && text[..at].chars().next_back().is_some_and(is_han)
        && text[at + 1..].chars().next().is_some_and(is_han)
}

/// Whether the character starting at `at` (a lead byte C2, E1, E2 or EF) is one
/// [`space_class`] does not keep, told by its bytes: this runs on every `，` and `“` of
/// clean text. (C1 controls and NBSP; U+1680; U+2000–200D, 202F, 205F, 2060; U+FEFF.)
fn is_unusual_space_at(bytes: &[u8], at: usize) -> bool {
    let byte = |k: usize| bytes.get(at + k).copied().unwrap_or(0);
    match bytes[at] {
        0xC2 => byte(1) <= 0xA0,
        0xE1 => (byte(1), byte(2)) == (0x9A, 0x80),
        0xE2 => matches!(
            (byte(1), byte(2)),
            (0x80, 0x80..=0x8D | 0xAF) | (0x81, 0x9F | 0xA0)
        ),
        0xEF => (byte(1), byte(2)) == (0xBB, 0xBF),
        _ => false,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Class {
    Keep,
    Space,
    Remove,
    Zwj,
}

fn space_class(c: char) -> Class {
    match c {
        '\t' | '\n' => Class::Keep,
        '\u{200D}' => Class::Zwj,
        '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}' => Class::Remove,
        '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => Class::Space,
        '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}' => Class::Remove,
        _ => Class::Keep,
    }
}

/// Controls and zero-width characters that this stage removes wherever they are.
pub(crate) fn is_invisible_debris(c: char) -> bool {
    // (Printable ASCII, Han and most marks leave at the first test: a line with one
    // control in it is read character by character.)
    !matches!(c, ' '..='~' | '\u{2061}'..='\u{FEFE}')
        && space_class(c) == Class::Remove
        && !matches!(c, '\r')
}

/// Whether `chars[k]` is invisible debris: a control or zero-width character, or a ZWJ
/// that does not join two pictographs. A joiner (ZWJ, ZWNJ) after a letter of a script
/// that spells with it is no debris ([`spells_with_joiners`]). Stages before this one
/// drop debris too, so that it cannot hide a phrase from `convert` or a mark's context
/// from `punct` (an approximation of the grapheme rule used here, close enough for
/// debris).
pub(crate) fn is_debris_at(chars: &[char], k: usize) -> bool {
    let pictographic = |c: Option<&char>| {
        c.is_some_and(|&c| {
            c >= '\u{1F000}' || ('\u{2600}'..='\u{27BF}').contains(&c) || c == '\u{FE0F}'
        })
    };
    let after_spelling = || k > 0 && spells_with_joiners(chars[k - 1]);
    match chars[k] {
        '\u{200D}' => {
            !(k > 0 && pictographic(chars.get(k - 1)) && pictographic(chars.get(k + 1))
                || after_spelling())
        }
        '\u{200C}' => !after_spelling(),
        c => is_invisible_debris(c),
    }
}

/// Whether `c` belongs to a script whose spelling uses the zero-width joiners: Hebrew
/// and Arabic (Persian writes `می‌خواهم` with a ZWNJ), the scripts of South and Southeast
/// Asia (Malayalam's chillu `ല്‍`, Sinhala's `ශ්‍රී`, Devanagari's half forms), Tibetan,
/// Myanmar, Khmer, Mongolian and their kin. Chinese text has no use for either: there
/// they are debris of scraping.
fn spells_with_joiners(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{10FF}' | '\u{1700}'..='\u{1CFF}' | '\u{A800}'..='\u{ABFF}'
        | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}' | '\u{10800}'..='\u{11FFF}')
}

/// NBSP and the other spaces this stage turns into a plain space.
pub(crate) fn is_unicode_space(c: char) -> bool {
    space_class(c) == Class::Space
}

/// The length of the terminal escape sequence at the start of `s`, if one is there: a
/// control sequence of ECMA-48 (ANSI), ESC `[`, parameter bytes, intermediate bytes and a
/// final byte, as programs write to colour their output (`\x1b[1;31m`, `\x1b[m`) and
/// fortune files and logs keep. (ftfy removes the same.)
fn terminal_escape_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if !bytes.starts_with(b"\x1b[") {
        return None;
    }
    let run = |from: usize, range: std::ops::RangeInclusive<u8>| {
        from + bytes[from..]
            .iter()
            .take_while(|b| range.contains(b))
            .count()
    };
    let end = run(run(2, 0x30..=0x3F), 0x20..=0x2F);
    bytes
        .get(end)
        .is_some_and(|b| (0x40..=0x7E).contains(b))
        .then_some(end + 1)
}

/// `line` without its terminal escape sequences ([`terminal_escape_len`]); an ESC that
/// starts none is left for the removal of controls.
pub(crate) fn without_terminal_escapes(line: &str) -> Cow<'_, str> {
    if !line.contains('\x1b') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        let len = terminal_escape_len(&rest[i..]).unwrap_or(0);
        if len == 0 {
            out.push('\x1b');
        }
        rest = &rest[i + len.max(1)..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether a line that begins with `text` separates fields with tabs: a tab follows
/// something other than blanks (a tab that indents separates nothing).
fn separates_fields(text: &[u8]) -> bool {
    let indent = text
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    memchr::memchr(b'\t', &text[indent..]).is_some()
}

/// Whether the text being cleaned is Markdown, found out the first time a line asks.
struct Markdown<'a> {
    text: &'a str,
    known: OnceCell<bool>,
}

impl<'a> Markdown<'a> {
    fn new(text: &'a str) -> Self {
        Markdown {
            text,
            known: OnceCell::new(),
        }
    }

    /// Whether the text shows Markdown's syntax, a link or an image (`](`) or a line that
    /// opens a fenced code block, and no roff request (a line that starts `.PP`, `.Xr`):
    /// a manual's code and regular expressions hold `](` too. (A heading is no sign:
    /// `# ` also starts the comments and root prompts of manuals.)
    fn holds(&self) -> bool {
        *self.known.get_or_init(|| {
            let (text, bytes) = (self.text, self.text.as_bytes());
            let fence = || lines_starting(text, "```", |_| true);
            let roff = || {
                lines_starting(text, ".", |at| {
                    bytes.get(at + 1).is_some_and(u8::is_ascii_uppercase)
                })
            };
            (memchr::memmem::find(bytes, b"](").is_some() || fence()) && !roff()
        })
    }
}

/// How many spaces end `line` (its text up to its terminator) when they are a Markdown
/// hard line break: two or more after text other than a tab, before a line that is not
/// blank (`next`: the text after the terminator; `None` when there is none), in
/// Markdown. (Before a blank line or at the end, they break nothing.)
fn hard_break_spaces(line: &[u8], next: Option<&[u8]>, markdown: &Markdown) -> Option<usize> {
    let spaces = line.iter().rev().take_while(|&&b| b == b' ').count();
    let before = line.len().checked_sub(spaces + 1).map(|i| line[i]);
    let next_line = next?;
    let goes_on = next_line
        .iter()
        .find(|&&b| b != b' ' && b != b'\t')
        .is_some_and(|&b| b != b'\n' && b != b'\r');
    (spaces >= 2
        && !matches!(before, None | Some(b'\t' | b'\n' | b'\r'))
        && goes_on
        && markdown.holds())
    .then_some(spaces)
}

/// Every rule but the Han–space–Han one, line by line; `after` is the text after `text`.
fn clean_chars(text: &str, after: &str, markdown: &Markdown) -> String {
    let mut out = String::with_capacity(text.len());
    let has_zwj = text.contains('\u{200D}');
    let mut rest = text;
    while !rest.is_empty() {
        // A line and its terminator: LF, CRLF or a lone CR all end in LF.
        let (line, next) = match rest.find(['\n', '\r']) {
            Some(i) => {
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], Some(&rest[i + skip..]))
            }
            None => (rest, None),
        };
        let line = without_terminal_escapes(line);
        let start = out.len();
        // A joiner after a letter of a script that spells with it is kept.
        let mut prev = '\n';
        if has_zwj && line.contains('\u{200D}') {
            for cluster in line.graphemes(true) {
                // A ZWJ joins emoji only when the cluster goes on after it.
                // It needs something to join before it, and not another ZWJ after it.
                for (j, c) in cluster.char_indices() {
                    let next = cluster[j + c.len_utf8()..].chars().next();
                    let joins = j > 0 && next.is_some_and(|n| n != '\u{200D}');
                    push_clean(&mut out, c, joins || spells_with_joiners(prev));
                    prev = c;
                }
            }
        } else {
            for c in line.chars() {
                push_clean(&mut out, c, spells_with_joiners(prev));
                prev = c;
            }
        }
        // (Read once the line's other spaces are spaces.)
        if let Some(tight) = without_spaces_beside_marks(&out[start..]) {
            out.truncate(start);
            out.push_str(&tight);
        }
        let mut kept = out[start..].trim_end_matches([' ', '\t']).len();
        // A Markdown hard line break keeps two spaces.
        let following = next.map(|n| if n.is_empty() { after } else { n });
        if hard_break_spaces(
            &out.as_bytes()[start..],
            following.map(str::as_bytes),
            markdown,
        )
        .is_some()
        {
            kept += 2;
        }
        // A tab-separated line's trailing tabs are its empty last fields (`吖<TAB>a<TAB>`,
        // a word, its reading and no weight): kept, the spaces after them not.
        if separates_fields(&out.as_bytes()[start..start + kept]) {
            if let Some(tab) = out[start + kept..].rfind('\t') {
                kept += tab + 1;
            }
        }
        // A blank a backslash escapes is text (`debug\ ` in roff, a file name in a shell
        // line): without it the backslash would join the next line to this one.
        let backslashes = out[start..start + kept]
            .bytes()
            .rev()
            .take_while(|&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 && kept < out.len() - start {
            kept += 1;
        }
        out.truncate(start + kept);
        match next {
            Some(n) => {
                out.push('\n');
                rest = n;
            }
            None => break,
        }
    }
    out
}

/// Full-width marks that hold their own space: one typed beside them is debris where
/// Chinese stands on its other side.
fn is_tight_mark(c: char) -> bool {
    "，。、；：？！（）《》「」『』【】〔〕〈〉〖〗“”‘’".contains(c)
}

/// Chinese, for a space beside a mark: Han, kana, or another such mark.
fn is_chinese_side(c: char) -> bool {
    is_han(c) || is_kana(c) || is_tight_mark(c)
}

/// Whether the space at `at` stands alone between a full-width mark and Chinese (see
/// [`without_spaces_beside_marks`], which also reads the line: this reads the space's
/// neighbours alone).
fn is_space_beside_mark(text: &str, at: usize) -> bool {
    if !may_border_mark(text.as_bytes(), at) {
        return false;
    }
    let before = text[..at].chars().next_back();
    let after = text[at + 1..].chars().next();
    before
        .zip(after)
        .is_some_and(|(a, b)| is_debris_beside_mark(a, b))
}

/// Whether the space at `at` may have a full-width mark beside it, told by the bytes
/// next to it: the marks end in 81–9F (`，` is EF BC 8C) and start with E2, E3 or EF.
/// Most spaces between Han characters are passed over without decoding either.
fn may_border_mark(bytes: &[u8], at: usize) -> bool {
    at > 0 && matches!(bytes[at - 1], 0x81..=0x9F)
        || matches!(bytes.get(at + 1), Some(0xE2 | 0xE3 | 0xEF))
}

/// Whether a space between `a` and `b` is debris beside a full-width mark. (Not between
/// two `。`: joined, they may make the `。。。` that `punct` writes `……`, which a second
/// run would then do.)
fn is_debris_beside_mark(a: char, b: char) -> bool {
    ((is_tight_mark(a) && is_chinese_side(b)) || (is_tight_mark(b) && is_chinese_side(a)))
        && (a, b) != ('。', '。')
}

/// `line` without the spaces beside its full-width marks, where they are debris (see the
/// module's notes); `None` when it has none, or when it spaces its Chinese apart.
fn without_spaces_beside_marks(line: &str) -> Option<String> {
    // (Read without the blanks that end it, which go: `家 ， ` is not spaced apart once
    // they have.)
    let (line, tail) = line.split_at(line.trim_end_matches([' ', '\t']).len());
    let bytes = line.as_bytes();
    // (A row of a Markdown table pads its cells with spaces to line up its `|`.)
    let table_row = line.trim_start().starts_with('|');
    if table_row || !memchr::memchr_iter(b' ', bytes).any(|at| may_border_mark(bytes, at)) {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    // The spaces that stand alone between two characters, by index.
    let lone: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|&k| chars[k] == ' ' && chars[k - 1] != ' ' && chars[k + 1] != ' ')
        .collect();
    // Words spaced apart: a space between Han characters one of which is part of a word
    // (`我 爱 北京`; single characters spaced apart are letter-spacing, `相 关 新 闻`,
    // which this stage may join), or a mark between two spaces (`你好 ， 世界`).
    let han = |k: Option<usize>| k.and_then(|k| chars.get(k)).is_some_and(|&c| is_han(c));
    let spaced_apart = lone.iter().any(|&k| {
        han(Some(k - 1)) && han(Some(k + 1)) && (han(k.checked_sub(2)) || han(Some(k + 2)))
    }) || lone
        .windows(2)
        .any(|w| w[0] + 2 == w[1] && is_tight_mark(chars[w[0] + 1]));
    if spaced_apart {
        return None;
    }
    let debris: Vec<usize> = lone
        .into_iter()
        .filter(|&k| is_debris_beside_mark(chars[k - 1], chars[k + 1]))
        .collect();
    if debris.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut next = debris.iter().peekable();
    for (k, &c) in chars.iter().enumerate() {
        if next.next_if(|&&at| at == k).is_none() {
            out.push(c);
        }
    }
    out.push_str(tail);
    Some(out)
}

/// Writes `c` cleaned; `keep_joiner` keeps a ZWJ or ZWNJ.
fn push_clean(out: &mut String, c: char, keep_joiner: bool) {
    match space_class(c) {
        Class::Keep => out.push(c),
        Class::Space => out.push(' '),
        Class::Zwj if keep_joiner => out.push(c),
        Class::Remove if keep_joiner && c == '\u{200C}' => out.push(c),
        Class::Zwj | Class::Remove => {}
    }
}

/// Removes the spaces between Han characters that the document shows to be debris, of
/// `candidates`: every space with a Han character on each side, in order. Works on
/// byte offsets: a segment may be megabytes of one line.
fn join_debris_spaces(text: &str, candidates: Vec<usize>) -> Cow<'_, str> {
    let before = |at: usize| text[..at].chars().next_back();
    let after = |at: usize| text[at..].chars().next();
    if candidates.is_empty() {
        return Cow::Borrowed(text);
    }
    let is_break = |c: Option<char>| matches!(c, None | Some(' ' | '\n'));
    // The Han character ending at `end` stands alone between breaks.
    let alone_before =
        |end: usize| before(end).is_some_and(|c| is_han(c) && is_break(before(end - c.len_utf8())));
    // The Han character starting at `start` stands alone between breaks.
    let alone_after = |start: usize| {
        after(start).is_some_and(|c| is_han(c) && is_break(after(start + c.len_utf8())))
    };
    // Runs of candidates joining single Han characters (`新 闻 推 荐`), as ranges of
    // `candidates`; long ones are letter-spacing on sight, short ones only if the document
    // writes their word joined somewhere.
    let mut remove: Vec<usize> = Vec::new();
    let mut short: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut i = 0;
    while i < candidates.len() {
        let mut j = i;
        while j + 1 < candidates.len() {
            let next_char = after(candidates[j] + 1).map_or(0, char::len_utf8);
            if candidates[j + 1] != candidates[j] + 1 + next_char {
                break;
            }
            j += 1;
        }
        if alone_before(candidates[i]) && alone_after(candidates[j] + 1) {
            if j - i + 2 >= LETTER_SPACED_RUN {
                remove.extend_from_slice(&candidates[i..=j]);
            } else {
                let word = before(candidates[i])
                    .into_iter()
                    .chain(candidates[i..=j].iter().filter_map(|&at| after(at + 1)))
                    .collect();
                short.push((i..j + 1, word));
            }
        }
        i = j + 1;
    }
    if !short.is_empty() {
        // One pass over the text for every short word at once (searching the text once per
        // run was quadratic: a megabyte of two-character lines took eight seconds). A word
        // of Han found anywhere is written joined: its letter-spaced form holds spaces.
        let mut words: Vec<&str> = short.iter().map(|(_, word)| word.as_str()).collect();
        words.sort_unstable();
        words.dedup();
        let written: Vec<bool> = if words.len() <= FEW_WORDS {
            // A vectorized search per word stops at the word's first match: for the few
            // words a document usually holds, cheaper than an automaton read over all of it.
            let bytes = text.as_bytes();
            words
                .iter()
                .map(|word| memchr::memmem::find(bytes, word.as_bytes()).is_some())
                .collect()
        } else {
            let mut written = vec![false; words.len()];
            // An automaton too big to build (never seen) leaves the spaces where they are.
            if let Ok(automaton) = AhoCorasick::new(&words) {
                for found in automaton.find_overlapping_iter(text) {
                    written[found.pattern().as_usize()] = true;
                }
            }
            written
        };
        for (run, word) in &short {
            if words
                .binary_search(&word.as_str())
                .is_ok_and(|id| written[id])
            {
                remove.extend_from_slice(&candidates[run.clone()]);
            }
        }
        remove.sort_unstable();
    }
    if remove.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(replace_ranges(
        text,
        remove.into_iter().map(|at| (at, at + 1, "")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_scans_find_what_byte_scans_find() {
        crate::chars::tests::check_scan(
            |text, from| next_to_clean(text, from, &Markdown::new(text)),
            &MAY_NEED_CLEANING,
            |text, at| needs_cleaning_at(text, at, &Markdown::new(text)),
        );
        crate::chars::tests::check_scan(next_between_han, &SPACE, is_between_han);
    }

    fn apply(s: &str) -> Cow<'_, str> {
        SpaceStage.apply(s)
    }

    #[test]
    fn spaces_typed_beside_full_width_marks_go() {
        for (text, want) in [
            // The Debian translations (po4a joins sentences with a space).
            ("文件。 此源文件可被转换", "文件。此源文件可被转换"),
            ("启动服务器的一个例子， 等到", "启动服务器的一个例子，等到"),
            (
                "（参见第 1.2.3 节 “文件系统”）",
                "（参见第 1.2.3 节“文件系统”）",
            ),
            ("他说 ，好的 。", "他说，好的。"),
            ("（注意） 这是", "（注意）这是"),
            ("一、 概述\u{A0}\u{A0}\n", "一、概述\n"),
            // Blanks that end the line are no spaces around a token.
            ("家 ， \t", "家，"),
        ] {
            assert_eq!(apply(text), want, "{text:?}");
        }
        for kept in [
            // Latin or digits on the other side.
            "你好， Linux 系统。 Debian 是",
            "见第 2 章。 2.1 节",
            // Two spaces or more: a label's value aligned in a column.
            "名称：  张三",
            "效果。  在两个窗口间复制",
            "| “省份、城市” 二级联动数据   | pc.json |",
            // Words spaced apart: segmented text, or a mark spaced as a token.
            "我 爱 北京 天安门 。",
            "你好 ， 世界",
            // Not full-width marks; tabs and the ideographic space are no spaces here.
            "他说: 好的",
            "你好，\t世界",
            "你好。\u{3000}世界",
            // Between two stops: joined, `。。 。` would be an ellipsis next time.
            "国家。。 。国家",
        ] {
            assert_eq!(apply(kept), kept);
        }
    }

    #[test]
    fn unusual_spaces_are_told_by_their_bytes_as_by_their_class() {
        for c in ('\u{80}'..='\u{FFFF}').filter(|c| matches!(c.len_utf8(), 2 | 3)) {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if matches!(bytes[0], 0xC2 | 0xE1 | 0xE2 | 0xEF) {
                let by_class = space_class(c) != Class::Keep;
                assert_eq!(is_unusual_space_at(bytes, 0), by_class, "{c:?}");
            }
        }
    }

    #[test]
    fn cleans_invisible_and_unusual_spaces() {
        assert_eq!(apply("a\u{A0}b\u{3000}c"), "a b\u{3000}c");
        assert_eq!(apply("中\u{200B}文\u{FEFF}"), "中文");
        assert_eq!(apply("x\u{7}y\u{85}z"), "xyz");
        assert_eq!(apply("一\r\n二\r三  \n四\t"), "一\n二\n三\n四");
        assert_eq!(
            apply("\u{3000}\u{3000}段首缩进"),
            "\u{3000}\u{3000}段首缩进"
        );
    }

    #[test]
    fn removes_a_terminal_escape_sequence_whole() {
        // The colours of fortunes-zh's `tang300`: without the sequences, not their ESC.
        assert_eq!(
            apply("\x1b[32m《春晓》\x1b[m\n\x1b[33m作者：孟浩然\x1b[m  \n"),
            "《春晓》\n作者：孟浩然\n"
        );
        assert_eq!(apply("a\x1b[1;31mb\x1b[0K"), "ab");
        // An ESC that starts no sequence is a control like the others.
        assert_eq!(apply("a\x1bb\x1b[12"), "ab[12");
        assert_eq!(apply("\x1b[\x1b[m"), "[");
    }

    #[test]
    fn finds_every_trailing_blank_whichever_kind_comes_first() {
        assert_eq!(
            apply("a\t\nb \nc\u{A0}\nd \t\ne\t \nf\n\ng \u{3}\nh "),
            "a\nb\nc\nd\ne\nf\n\ng\nh"
        );
        assert_eq!(apply("x \n\u{200B}y\t\n"), "x\ny\n");
        assert!(matches!(apply("a b\n\tc\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_markdown_hard_line_break_keeps_two_spaces() {
        // view-design's README (npm): three lines, each its own line when rendered.
        let readme = "## 支持\n\n**Questions:** [Gitter chat](https://gitter.im/iview/iview)  \n\
                      **Bugs:** [File a issue here](https://github.com/iview-design/iview/issues)  \n\
                      **Contribute:** PRs welcome!\n";
        assert!(matches!(apply(readme), Cow::Borrowed(_)));
        // More than two become two, as do blanks a cleaning leaves; a CRLF is still an LF.
        assert_eq!(
            apply("```\n```\n第一行    \n第二行\n"),
            "```\n```\n第一行  \n第二行\n"
        );
        assert_eq!(
            apply("[链接](x)\n第一行 \u{A0}\r\n第二行\r\n"),
            "[链接](x)\n第一行  \n第二行\n"
        );
        // Before a blank line, at the end, after a tab or alone on a line, they break
        // nothing; one space is no break.
        assert_eq!(
            apply("[链接](x)\n甲  \n\n乙  \n  \n丙\t  \n丁 \n戊  "),
            "[链接](x)\n甲\n\n乙\n\n丙\n丁\n戊"
        );
        // Text that shows no Markdown keeps no trailing blank: a manual's `# ` is a prompt,
        // and its regular expressions hold `](`.
        assert_eq!(
            apply("# 标题\n第一行  \n第二行\n"),
            "# 标题\n第一行\n第二行\n"
        );
        assert_eq!(
            apply(".PP\n[a-z](b)  \n第二行\n"),
            ".PP\n[a-z](b)\n第二行\n"
        );
        // Two passes agree.
        for text in [
            "```\n第一行    \n第二行\n",
            "[链接](x)\n一  \r\n二 \u{A0} \n三",
        ] {
            let once = apply(text).into_owned();
            assert_eq!(apply(&once), once, "{text:?}");
        }
    }

    #[test]
    fn a_tab_separated_line_keeps_its_empty_last_fields() {
        // librime-data-jyutping's dictionary: a word, its reading, no weight.
        let table = "吖\ta\t\n名称\t值\t\t\n";
        assert!(matches!(apply(table), Cow::Borrowed(_)));
        // Spaces after the last tab go; tabs that indent or end prose separate nothing.
        assert_eq!(
            apply("a\tb\t \n\tcode\t\nprose \t\n"),
            "a\tb\t\n\tcode\nprose\n"
        );
    }

    #[test]
    fn keeps_zwj_only_inside_emoji_sequences() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(apply(family), family);
        assert_eq!(apply("中\u{200D}文"), "中文");
    }

    #[test]
    fn short_runs_are_joined_alike_whether_their_words_are_few_or_many() {
        // Below FEW_WORDS each word is searched for alone, above it all at once.
        let han: Vec<char> = ('\u{4E00}'..'\u{5000}').collect();
        // Half the words of each text are joined somewhere, half not.
        for words in [2, FEW_WORDS / 2, FEW_WORDS / 2 + 1, 3 * FEW_WORDS] {
            let (mut text, mut expected) = (String::new(), String::new());
            // Word k is `han[k] han[k+1]`: a line `han[k]han[k+1]han[k+2]` writes words k
            // and k+1 joined, the second overlapping the first.
            for k in 0..words {
                text += &format!("{} {}\n", han[k], han[k + 1]);
                expected += &format!("{}{}\n", han[k], han[k + 1]);
            }
            for k in (0..words).step_by(2) {
                let line = format!("{}{}{}。\n", han[k], han[k + 1], han[k + 2]);
                text += &line;
                expected += &line;
            }
            // Words written nowhere joined stay spaced.
            for k in 0..words {
                let line = format!("{} {}\n", han[200 + 2 * k], han[201 + 2 * k]);
                text += &line;
                expected += &line;
            }
            assert_eq!(apply(&text), expected, "{words} words");
        }
    }

    #[test]
    fn one_scan_gives_what_cleaning_every_line_then_joining_gives() {
        // The spaces found before a line that needs cleaning are kept, and those after it
        // found again in the cleaned text, whose offsets differ.
        let reference = |text: &str| {
            let markdown = Markdown::new(text);
            let mut text = rewrite_lines(
                text,
                |t, p| next_to_clean(t, p, &markdown),
                |line, after| clean_chars(line, after, &markdown),
            )
            .into_owned();
            while let Cow::Owned(joined) = join_debris_spaces(&text, spaces_between_han(&text, 0)) {
                text = joined;
            }
            text
        };
        for text in [
            "开 发\n开\u{200B}发者 \n新 闻 推 荐\n",
            "新 闻 推 荐\t\n第二行\u{A0}有\u{FEFF} 空\n开 发\n开发",
            "甲 乙\r\n甲乙\n丙\u{2003}丁 戊 己\n",
            "开\u{A0}发\n开发",
            "(记者 张骁 白雪骐) \n新 闻 推 荐",
        ] {
            assert_eq!(apply(text), reference(text), "{text:?}");
            assert_ne!(apply(text), text, "{text:?}");
        }
    }

    #[test]
    fn joins_only_debris_spaces_between_han() {
        assert_eq!(apply("新 闻 推 荐"), "新闻推荐");
        assert_eq!(apply("开 发\n开发者"), "开发\n开发者");
        assert_eq!(apply("开 发"), "开 发"); // no evidence in the document
                                             // A joined run is evidence for a shorter one (found by cargo fuzz).
        assert_eq!(apply("新 闻 推 新 闻 x 新 闻"), "新闻推新闻 x 新闻");
        for kept in [
            "(记者 张骁 白雪骐)",
            "春眠不觉晓 处处闻啼鸟",
            "新华社 2020年",
            "上 中 下",
            "作者 日期",
            "操作符 或者方法？符或",
            "这样 就可以 在 不改变 原文件 的",
        ] {
            assert!(matches!(apply(kept), Cow::Borrowed(_)), "{kept}");
        }
    }
}
