//! UTF-8 symbols pasted into a GBK page. A page served as GBK, whose template or editor
//! wrote a few characters as UTF-8, reads right everywhere but there: `&nbsp;` saved as
//! the bytes C2 A0 reads `聽`, `©` reads `漏`, `°` `掳`, the `é` of `Pokémon` `茅`. Each is
//! a Han character, common or at least plausible, so the mojibake pass, which looks for
//! runs that look garbled, passes them by. What gives them away is where they stand: `聽`
//! in text that does not lean Traditional (Simplified writes `听`), `漏` before a year,
//! `掳` after a number, `茅` inside a Latin word. Nothing else is touched: each rule
//! below asks for a place no Chinese writer puts the character.

use std::borrow::Cow;

use crate::chars::{is_han, is_kana, rewrite_lines};
use crate::convert::{self, Script};
use crate::model;
use crate::punct::space::{is_debris_at, is_unicode_space};
use crate::punct::unicode::one_form;

/// Where the GBK reading of a symbol must stand to be taken for the symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// `聽` (no-break space): in a line that does not lean Traditional; see [`is_space`].
    Space,
    /// `漏` (©): before a year, or after the word "Copyright"; never after a Han character
    /// it makes a word with (`遗漏 2010 年的数据`).
    Copyright,
    /// `卤` (±): right before a number, after no Han character (`卤5%`; but `鸭卤3只`).
    BeforeNumber,
    /// `掳` (°): right after a digit (`25掳C`).
    AfterDigit,
    /// `脳` (×): between numbers (`1920脳1080`).
    BetweenNumbers,
    /// `庐` (®): right after a Latin word or number, before no Han character (`Intel庐 Core`).
    AfterWord,
    /// A Latin letter (`茅`, é): inside a Latin word, a letter before it and a lower-case
    /// letter after it (`Pok茅mon`, `M眉ller`); `iPhone没Android` is Chinese.
    InWord,
    /// A Latin letter that also ends words (é, á, í, ó: `Jos茅`, `caf茅`), where no Chinese
    /// character of theirs stands after a Latin word.
    EndOfWord,
}

/// The GBK reading of a symbol's UTF-8 bytes, the symbol, and where the reading must
/// stand; sorted by reading. (A test checks each reading against encoding_rs.)
const PASTED: [(char, char, Place); 69] = {
    use Place::*;
    [
        ('么', 'ô', InWord),
        ('冒', 'ð', InWord),
        ('卤', '±', BeforeNumber),
        ('卯', 'î', InWord),
        ('媒', 'ý', InWord),
        ('帽', 'ñ', InWord),
        ('庐', '®', AfterWord),
        ('忙', 'æ', InWord),
        ('掳', '°', AfterDigit),
        ('枚', 'ö', InWord),
        ('梅', '÷', BetweenNumbers),
        ('每', 'ÿ', InWord),
        ('毛', 'ë', InWord),
        ('氓', 'å', InWord),
        ('没', 'û', InWord),
        ('漏', '©', Copyright),
        ('煤', 'ú', InWord),
        ('猫', 'è', InWord),
        ('玫', 'õ', InWord),
        ('盲', 'ä', InWord),
        ('眉', 'ü', InWord),
        ('矛', 'ì', InWord),
        ('聽', '\u{A0}', Space),
        ('脌', 'À', InWord),
        ('脕', 'Á', InWord),
        ('脗', 'Â', InWord),
        ('脙', 'Ã', InWord),
        ('脛', 'Ä', InWord),
        ('脜', 'Å', InWord),
        ('脝', 'Æ', InWord),
        ('脟', 'Ç', InWord),
        ('脠', 'È', InWord),
        ('脡', 'É', InWord),
        ('脢', 'Ê', InWord),
        ('脣', 'Ë', InWord),
        ('脤', 'Ì', InWord),
        ('脥', 'Í', InWord),
        ('脦', 'Î', InWord),
        ('脧', 'Ï', InWord),
        ('脨', 'Ð', InWord),
        ('脩', 'Ñ', InWord),
        ('脪', 'Ò', InWord),
        ('脫', 'Ó', InWord),
        ('脭', 'Ô', InWord),
        ('脮', 'Õ', InWord),
        ('脰', 'Ö', InWord),
        ('脳', '×', BetweenNumbers),
        ('脴', 'Ø', InWord),
        ('脵', 'Ù', InWord),
        ('脷', 'Ú', InWord),
        ('脹', 'Û', InWord),
        ('脺', 'Ü', InWord),
        ('脻', 'Ý', InWord),
        ('脼', 'Þ', InWord),
        ('脽', 'ß', InWord),
        ('脿', 'à', InWord),
        ('芒', 'â', InWord),
        ('茂', 'ï', InWord),
        ('茅', 'é', EndOfWord),
        ('茫', 'ã', InWord),
        ('莽', 'ç', InWord),
        ('谩', 'á', EndOfWord),
        ('貌', 'ò', InWord),
        ('贸', 'ó', EndOfWord),
        ('酶', 'ø', InWord),
        ('铆', 'í', EndOfWord),
        ('锚', 'ê', InWord),
        ('镁', 'þ', InWord),
        ('霉', 'ù', InWord),
    ]
};

/// Where `c` must stand to be taken for the symbol whose UTF-8 it is the GBK reading of,
/// when it is such a reading.
pub(crate) fn place_of(c: char) -> Option<Place> {
    entry(c).map(|k| PASTED[k].2)
}

/// Every reading of a pasted symbol, and where it must stand.
pub(crate) fn readings() -> impl Iterator<Item = (char, Place)> {
    PASTED.iter().map(|&(reading, _, place)| (reading, place))
}

fn entry(c: char) -> Option<usize> {
    PASTED.binary_search_by_key(&c, |e| e.0).ok()
}

/// `text` with the pasted symbols in it restored, line by line; `next(text, from)` finds
/// the next character at or after `from` that may be one. Borrowed when none is.
pub(crate) fn restore<'a>(
    text: &'a str,
    next: impl FnMut(&str, usize) -> Option<usize>,
) -> Cow<'a, str> {
    rewrite_lines(text, next, |line, _| restore_line(line))
}

fn restore_line(line: &str) -> String {
    // A carriage return ends a line too, as the `space` stage will make it.
    line.split_inclusive('\r').map(restore_in_line).collect()
}

fn restore_in_line(line: &str) -> String {
    let original: Vec<char> = line.chars().collect();
    // The rules read the line as the later stages will leave it, so that a second run
    // decides as the first did: invisible characters gone, every space a space, each
    // character in its one form (`２５掳` is `25掳`, and `⻔` marks Simplified text as `门`).
    let mut chars = Vec::with_capacity(original.len());
    let mut at = Vec::with_capacity(original.len());
    for k in 0..original.len() {
        at.push(chars.len());
        if !is_debris_at(&original, k) {
            chars.push(as_left_by_later_stages(original[k]));
        }
    }
    let lean = lean_apart_from_spaces(&chars);
    let mut out = String::with_capacity(line.len());
    for (k, &c) in original.iter().enumerate() {
        let Some(e) = entry(c) else {
            out.push(c);
            continue;
        };
        let (reading, symbol, place) = PASTED[e];
        let i = at[k];
        let restored = match place {
            // A run of `聽` is judged as one: four of them indent a paragraph.
            Place::Space => {
                let start = chars[..i]
                    .iter()
                    .rposition(|&c| c != reading)
                    .map_or(0, |j| j + 1);
                let end = chars[i..]
                    .iter()
                    .position(|&c| c != reading)
                    .map_or(chars.len(), |j| i + j);
                is_space(&chars, start..end, lean)
            }
            _ => stands_as_symbol(&chars, i, place, symbol),
        };
        out.push(if restored { symbol } else { reading });
    }
    out
}

/// Whether `c`, beside a reading, may be the ASCII text that the rules for readings
/// other than `聽` ask for: ASCII other than a line break, what the later stages make
/// ASCII (`１`, a no-break space), or what they remove (a zero-width space).
pub(crate) fn counts_as_ascii(c: char) -> bool {
    !matches!(c, '\n' | '\r') && (as_left_by_later_stages(c).is_ascii() || is_debris_at(&[c], 0))
}

/// `c` as the `unicode` and `space` stages leave it (but for NFC, which changes no
/// character the rules look at).
fn as_left_by_later_stages(c: char) -> char {
    // (The ideographic space too, as `punct`'s search mode folds it.)
    if is_unicode_space(c) || c == '\u{3000}' {
        return ' ';
    }
    if let Some(one) = one_form(c) {
        return one;
    }
    let mut canonical = c;
    if matches!(c, '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}') {
        unicode_normalization::char::decompose_canonical(c, |d| canonical = d);
    }
    canonical
}

/// Which script the line leans to, not counting `聽` (a Traditional character): Japanese
/// counts as Traditional, for `聽` is a character there too. And whether it holds
/// characters of both scripts besides `聽`.
fn lean_apart_from_spaces(line: &[char]) -> (Option<Script>, bool) {
    let report = convert::classify(&line.iter().collect::<String>());
    let spaces = line.iter().filter(|&&c| c == '聽').count();
    let traditional = report.traditional.saturating_sub(spaces);
    let mixed = traditional > 0 && report.simplified > 0;
    // (Not `report.kana`: it counts `・`, which `punct` turns into `·` between Han.)
    let lean = if line.iter().any(|&c| is_kana(c)) || traditional > report.simplified {
        Some(Script::Traditional)
    } else if report.simplified > traditional {
        Some(Script::Simplified)
    } else {
        None
    };
    (lean, mixed)
}

/// Whether the run `run` of `聽` stands for no-break spaces. Never in a line that leans
/// Traditional (`監聽 `, ` 聽到`). In a line that leans Simplified, unless it is one `聽`
/// between Han characters making a word with one of them (`都聽说`), or one in a line that
/// holds Traditional characters too (`mixed`: a GBK page's text is Simplified, classical
/// poems transcribed in both are not: `却算去里年，十聽秋鴻唳`), or cited between marks
/// (`“聽”`) or alone in a tab-separated field. In a line that leans neither way, only
/// away from Han characters, and not cited either (`normalize("聼"), "聽"` in code that
/// shows a conversion).
fn is_space(
    chars: &[char],
    run: std::ops::Range<usize>,
    (lean, mixed): (Option<Script>, bool),
) -> bool {
    let before = run.start.checked_sub(1).map(|k| chars[k]);
    let after = chars.get(run.end).copied();
    let han_before = before.filter(|&c| is_han(c));
    let han_after = after.filter(|&c| is_han(c));
    let alone = run.len() == 1;
    // Cited between marks, or alone in a field of tab-separated values, a table of
    // characters (`听<TAB>聽`, a conversion dictionary's entry).
    // (A field beside another: a tab at the line's end separates nothing, and `space`
    // removes it.)
    let field_edge = |c: Option<char>| c.is_none_or(|c| matches!(c, '\t' | '\n' | '\r'));
    let text = |c: &char| !c.is_whitespace();
    let in_field = alone
        && field_edge(before)
        && field_edge(after)
        && (before == Some('\t') && chars[..run.start].iter().any(text)
            || after == Some('\t') && chars[run.end..].iter().any(text));
    let cited = alone && before.is_some_and(is_citing_mark) && after.is_some_and(is_citing_mark)
        || in_field;
    match lean {
        Some(Script::Traditional) => false,
        Some(_) => {
            let word = han_before.zip(han_after).is_some_and(|(before, after)| {
                model::pair_known(before, '聽') || model::pair_known('聽', after)
            });
            !(alone && (word || mixed) || cited)
        }
        None => han_before.is_none() && han_after.is_none() && !cited,
    }
}

fn is_citing_mark(c: char) -> bool {
    matches!(
        c,
        '“' | '”'
            | '‘'
            | '’'
            | '「'
            | '」'
            | '『'
            | '』'
            | '《'
            | '》'
            | '（'
            | '）'
            | '"'
            | '\''
            | '('
            | ')'
    )
}

/// Whether the reading at `i` stands where only `symbol` would (see [`Place`]).
fn stands_as_symbol(chars: &[char], i: usize, place: Place, symbol: char) -> bool {
    let reading = chars[i];
    let before = i.checked_sub(1).map(|k| chars[k]);
    let after = chars.get(i + 1).copied();
    // The nearest characters that are not spaces.
    let before_spaces = chars[..i].iter().rev().find(|&&c| c != ' ').copied();
    let after_spaces = chars[i + 1..].iter().find(|&&c| c != ' ').copied();
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let no_word_before = || !before.is_some_and(|c| is_han(c) && model::pair_known(c, reading));
    // The nearest characters that are not readings of letters: `Citro毛n`, `Jo茫o`.
    let before_letters = chars[..i].iter().rev().find(|&&c| !is_letter_reading(c));
    let after_letters = chars[i + 1..].iter().find(|&&c| !is_letter_reading(c));
    match place {
        Place::Space => false,
        Place::Copyright => {
            let at = i + 1 + chars[i + 1..].iter().take_while(|&&c| c == ' ').count();
            let year = chars.get(at..at + 4).is_some_and(|y| {
                y.iter().all(char::is_ascii_digit) && matches!(y[..2], ['1', '9'] | ['2', '0'])
            }) && !digit(chars.get(at + 4).copied());
            // Where the word before ends: `Copyright 漏`.
            let start = chars[..i]
                .iter()
                .rposition(|&c| c != ' ')
                .map_or(0, |k| k + 1);
            let word: String = chars[start.saturating_sub(9)..start].iter().collect();
            !after.is_some_and(is_han)
                && no_word_before()
                && (year || word.eq_ignore_ascii_case("copyright"))
        }
        Place::BeforeNumber => digit(after) && !before.is_some_and(is_han),
        Place::AfterDigit => digit(before),
        Place::BetweenNumbers => digit(before_spaces) && digit(after_spaces),
        Place::AfterWord => {
            before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(is_han)
        }
        Place::InWord | Place::EndOfWord => {
            let within = before_letters.is_some_and(char::is_ascii_alphabetic)
                && after_letters.is_some_and(|c| {
                    c.is_ascii_lowercase() || (symbol.is_uppercase() && c.is_ascii_uppercase())
                });
            // `Jos茅`: two Latin letters before, the last lower-case, and the line's end, a
            // space or a mark after.
            let ending = place == Place::EndOfWord
                && i >= 2
                && chars[i - 2].is_ascii_alphabetic()
                && chars[i - 1].is_ascii_lowercase()
                && after.is_none_or(ends_a_word);
            within || ending
        }
    }
}

/// Whether `c` may stand right after a word, whatever a later stage makes of it: a space
/// or a punctuation mark, ASCII, CJK or full-width (not a kana sound mark, `ﾞ`, which
/// `punct` may widen into `゛`).
fn ends_a_word(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c, '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}' | '…' | '—' | '“' | '”' | '‘' | '’')
}

fn is_letter_reading(c: char) -> bool {
    matches!(place_of(c), Some(Place::InWord | Place::EndOfWord))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::repair::{first_held, PASTED as PASTED_CLASS};

    #[test]
    fn each_reading_is_what_gbk_makes_of_its_symbol() {
        for (reading, symbol, _) in PASTED {
            let utf8 = symbol.to_string();
            let (read, _, malformed) = encoding_rs::GBK.decode(utf8.as_bytes());
            assert!(
                !malformed && read == reading.to_string(),
                "{symbol}: {read}"
            );
        }
        assert!(
            PASTED.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted by reading"
        );
        // `lean_apart_from_spaces` takes each `聽` off the Traditional count.
        assert_eq!(convert::mark_of('聽'), Some(Script::Traditional));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The stage finds the lines to restore by a scan for readings beside ASCII (and
        /// `聽` anywhere): every line a rule restores holds one, or a text would be
        /// restored or not by what else its segment held.
        #[test]
        fn every_line_restored_is_one_the_scan_finds(
            line in proptest::collection::vec(
                proptest::sample::select("聽漏卤掳脳庐茅眉没脰 aM12009中说國“，\t".chars().collect::<Vec<_>>()),
                0..14,
            ).prop_map(|v| v.into_iter().collect::<String>())
        ) {
            if restore_line(&line) != line {
                prop_assert!(first_held(&line, 0, PASTED_CLASS).is_some(), "{:?}", line);
            }
        }
    }
}
