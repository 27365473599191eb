//! Stage `repair`: undoes what a bad download or scrape did to the text.
//!
//! In order: HTML character references (not in markup, see `entities`); the byte
//! patterns of lost text, `锟斤拷` and `烫烫烫` (see `sentinels`); mojibake, up to three
//! layers deep (see `mojibake`, and `codecs` for the encodings involved), its lost bytes
//! written as `?` too (see `question_marks`); symbols
//! pasted as UTF-8 into GBK text, `聽` for a no-break space (see `pasted`). Clean text is
//! one scan: a text with no `&`, no sentinel and no character mojibake is made of comes
//! back borrowed.

mod codecs;
mod entities;
mod mojibake;
mod pasted;
mod question_marks;
mod sentinels;

use std::borrow::Cow;
use std::ops::Range;

use crate::pipeline::Stage;
use mojibake::{PASTED, PASTED_BY_ASCII, SENTINEL, SUSPECT};

/// The `repair` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct RepairStage;

impl Stage for RepairStage {
    fn name(&self) -> &'static str {
        "repair"
    }

    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.apply_protecting(text).0
    }

    /// Mojibake is what it leaves on doubt.
    fn settles(&self, text: &str) -> bool {
        holds_no_mojibake(text)
    }

    /// Also the spans that look garbled but read no better any other way (see
    /// `mojibake::left_garbled`).
    fn apply_protecting<'a>(&self, text: &'a str) -> (Cow<'a, str>, Vec<Range<usize>>) {
        let text = entities::decode(text);
        // A `?` that stands for a byte windows-1252 lost is weighed as Python's U+FFFD; the
        // text is taken so repaired when every one of them was recovered.
        let marks = question_marks::lost_bytes(&text);
        if !marks.is_empty() {
            let lost = |text: &str| text.matches('\u{FFFD}').count();
            let marked = question_marks::as_lost(&text, &marks);
            let (repaired, left) = repair_decoded(Cow::Borrowed(&marked));
            if lost(&repaired) <= lost(&text) {
                return (Cow::Owned(repaired.into_owned()), left);
            }
        }
        repair_decoded(text)
    }
}

/// The stage on `text`, its character references decoded.
fn repair_decoded(mut text: Cow<'_, str>) -> (Cow<'_, str>, Vec<Range<usize>>) {
    // Clean text is this one scan (it stops at what sentinels start with, too).
    let Some(held) = first_held(&text, 0, SUSPECT | PASTED | SENTINEL) else {
        return (text, Vec::new());
    };
    if sentinels::may_hold(&text[held..]) {
        // (Text before `held` holds none and is given back as it was.)
        if let Some((replaced, _)) = sentinels::replace(&text) {
            text = Cow::Owned(replaced);
        }
    }
    let Some(first) = first_held(&text, held, SUSPECT | PASTED) else {
        return (text, Vec::new());
    };
    // A repair can leave new runs behind (half a span undone, its neighbours joined),
    // which a second look judges afresh: look again until nothing changes, so that
    // the stage is idempotent. On garbage two layers can undo each other (`€` is the
    // GBK reading of byte 80, which Latin-1 shows as U+0080): a text seen before ends
    // the loop there, and that text, a member of the cycle, comes back the same.
    // Symbols pasted as UTF-8 into GBK text are restored once mojibake is settled (a
    // line garbled whole holds them garbled with the rest, and is read whole); what
    // they restore (`°`, `é`) is mojibake's to look at again.
    let mut seen: Vec<String> = Vec::new();
    // What a pass learns of the text (its reader, its words) helps the passes after
    // it; but the text the stage gives back must be one a pass that learned nothing
    // leaves as it is, since a second run of the stage begins so. Once a pass finds
    // nothing, every pass after it learns afresh.
    let mut memory = mojibake::Memory::default();
    let mut changed = false;
    let mut confirming = false;
    // Before `first`, the text as it came holds nothing to look at.
    let mut from = first;
    for _ in 0..MAX_PASSES {
        // Where the text holds the readings of pasted symbols, when the mojibake
        // pass, which classes every character, has seen the text as it is.
        let mut pasted_at: Option<Vec<usize>> = None;
        let mut repaired = None;
        // Spans left garbled, when the pass leaves the text as it is.
        let mut left = Vec::new();
        let start = std::mem::take(&mut from);
        if first_held(&text, start, SUSPECT).is_some() {
            if confirming {
                memory = mojibake::Memory::default();
            }
            let mut pass = mojibake::repair(&text, &memory);
            if pass.repaired.is_none() && changed && !confirming {
                confirming = true;
                memory = mojibake::Memory::default();
                pass = mojibake::repair(&text, &memory);
            }
            changed |= pass.repaired.is_some();
            repaired = pass.repaired;
            left = pass.left;
            pasted_at = repaired.is_none().then_some(pass.pasted);
        }
        let repaired = match (repaired, &pasted_at) {
            (Some(repaired), _) => repaired,
            (None, Some(at)) if at.is_empty() => return (text, left),
            (None, known) => {
                let mut k = 0;
                let restored = pasted::restore(&text, |text, from| match known {
                    Some(at) => {
                        k += at[k..].partition_point(|&p| p < from);
                        at.get(k).copied()
                    }
                    None => first_held(text, from.max(start), PASTED),
                });
                match restored {
                    Cow::Owned(restored) => restored,
                    Cow::Borrowed(_) => return (text, left),
                }
            }
        };
        if let Some(earlier) = seen.iter().position(|t| *t == repaired) {
            let text = seen.swap_remove(earlier);
            let left = mojibake::left_garbled(&text);
            return (Cow::Owned(text), left);
        }
        seen.push(repaired.clone());
        text = Cow::Owned(repaired);
    }
    let left = mojibake::left_garbled(&text);
    (text, left)
}

/// Whether `text` holds no mojibake that one pass would undo: what the pipeline asks of
/// a line the later stages changed (see `Stage::apply_protecting`).
fn holds_no_mojibake(text: &str) -> bool {
    first_held(text, 0, SUSPECT).is_none()
        || mojibake::repair(text, &mojibake::Memory::default())
            .repaired
            .is_none()
}

/// Passes of mojibake repair at most; real text settles in one or two, garbage built by
/// a fuzzer has needed five.
const MAX_PASSES: usize = 16;

/// Where the first character of `text` at or after byte `from` of one of the classes
/// `wanted` (of `mojibake::Classes`) starts. A character of class `PASTED_BY_ASCII` is of
/// class `PASTED` beside ASCII (see [`is_beside_ascii`]).
pub(crate) fn first_held(text: &str, from: usize, wanted: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let quiet = mojibake::Classes::quiet();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i = crate::chars::skip_ascii(bytes, i, bytes.len());
            continue;
        }
        // Three-byte characters (nearly all of Chinese text) that no scan looks for.
        let passed = mojibake::Classes::count_three_byte(&bytes[i..], quiet);
        if passed > 0 {
            i += 3 * passed;
            continue;
        }
        let (c, next) = crate::chars::decode_at(text, i);
        let mut class = mojibake::Classes::get().of(c);
        if class & PASTED_BY_ASCII != 0 && is_beside_ascii(text, i, next) {
            class |= PASTED;
        }
        if class & wanted != 0 {
            return Some(i);
        }
        i = next;
    }
    None
}

/// Whether the character at `at..next` of `text` stands beside ASCII, as the rules for
/// the readings of pasted symbols other than `聽` ask (see `pasted::counts_as_ascii`).
fn is_beside_ascii(text: &str, at: usize, next: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[next..].chars().next();
    before.is_some_and(pasted::counts_as_ascii) || after.is_some_and(pasted::counts_as_ascii)
}
