//! Stage `repair`: undoes what a bad download or scrape did to the text.
//!
//! In order: HTML character references (not in markup, see `entities`); the byte
//! patterns of lost text, `锟斤拷` and `烫烫烫` (see `sentinels`); mojibake, up to three
//! layers deep (see `mojibake`, and `codecs` for the encodings involved). Clean text is
//! one scan: a text with no `&`, no sentinel and no character mojibake is made of comes
//! back borrowed.

mod codecs;
mod entities;
mod mojibake;
mod sentinels;

use std::borrow::Cow;

use crate::pipeline::Stage;

/// The `repair` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct RepairStage;

impl Stage for RepairStage {
    fn name(&self) -> &'static str {
        "repair"
    }

    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = entities::decode(text);
        if sentinels::may_hold(&text) {
            if let Some((replaced, _)) = sentinels::replace(&text) {
                text = Cow::Owned(replaced);
            }
        }
        // A repair can leave new runs behind (half a span undone, its neighbours joined),
        // which a second look judges afresh: look again until nothing changes, so that
        // the stage is idempotent. On garbage two layers can undo each other (`€` is the
        // GBK reading of byte 80, which Latin-1 shows as U+0080): a text seen before ends
        // the loop there, and that text, a member of the cycle, comes back the same.
        let mut seen: Vec<String> = Vec::new();
        let fills = mojibake::Fills::default();
        for _ in 0..MAX_PASSES {
            if !may_hold_mojibake(&text) {
                break;
            }
            let Some(repaired) = mojibake::repair(&text, &fills) else {
                break;
            };
            if let Some(earlier) = seen.iter().position(|t| *t == repaired) {
                return Cow::Owned(seen.swap_remove(earlier));
            }
            seen.push(repaired.clone());
            text = Cow::Owned(repaired);
        }
        text
    }
}

/// Passes of mojibake repair at most; real text settles in one or two, garbage built by
/// a fuzzer has needed five.
const MAX_PASSES: usize = 16;

/// Whether any character of `text` is one mojibake is made of.
fn may_hold_mojibake(text: &str) -> bool {
    let bytes = text.as_bytes();
    let classes = mojibake::Classes::get();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i = crate::chars::skip_ascii(bytes, i, bytes.len());
            continue;
        }
        let (c, next) = crate::chars::decode_at(text, i);
        if classes.of(c) & mojibake::SUSPECT != 0 {
            return true;
        }
        i = next;
    }
    false
}
