//! Byte patterns that stand for lost or never-written text, seen through GBK:
//! `锟斤拷` is two U+FFFD written as UTF-8 and read back as GBK (in any of its three
//! phases); `烫烫烫` and `屯屯屯` are MSVC's fill bytes for uninitialised stack (0xCC) and
//! heap (0xCD) memory. They are given back as U+FFFD.

/// The three characters `锟斤拷` cycles through.
const CYCLE: [char; 3] = ['锟', '斤', '拷'];

/// What a sentinel starts with: the scan of clean text stops at them (class
/// `mojibake::SENTINEL`), so that only a text that holds one is searched for sentinels.
/// (`锟斤拷` in any phase holds `锟`.)
pub(crate) const STARTS: [char; 3] = ['锟', '烫', '屯'];

/// A fill character repeated at least this often is memory debris, not a word.
const MIN_FILL: usize = 3;

/// Whether `text` may hold a sentinel (a cheap test before [`replace`]).
/// Substring searches: `contains('锟')` would look for the last byte of `锟`, which ends
/// one Chinese character in sixty-four.
pub(crate) fn may_hold(text: &str) -> bool {
    let find = |needle: &str| memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some();
    find("锟") || find("烫烫烫") || find("屯屯屯")
}

/// `text` with sentinels replaced, and how many U+FFFD they became; `None` when none.
pub(crate) fn replace(text: &str) -> Option<(String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut replaced, mut i) = (0, 0);
    while i < chars.len() {
        let cycle_len = cycle_run(&chars[i..]);
        let fill_len = chars[i..].iter().take_while(|&&c| c == chars[i]).count();
        if cycle_len >= 3 {
            // Every three characters are six bytes: two U+FFFD.
            let n = (cycle_len * 2).div_ceil(3);
            (0..n).for_each(|_| out.push('\u{FFFD}'));
            replaced += n;
            i += cycle_len;
        } else if matches!(chars[i], '烫' | '屯') && fill_len >= MIN_FILL {
            out.push('\u{FFFD}');
            replaced += 1;
            i += fill_len;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (replaced > 0).then_some((out, replaced))
}

/// How long a run of `锟斤拷` in cycle order starts at the front of `chars`.
fn cycle_run(chars: &[char]) -> usize {
    let Some(phase) = CYCLE.iter().position(|&c| Some(&c) == chars.first()) else {
        return 0;
    };
    chars
        .iter()
        .zip(CYCLE.iter().cycle().skip(phase))
        .take_while(|(a, b)| a == b)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinels_become_replacement_characters() {
        assert_eq!(
            replace("标题锟斤拷锟斤拷").unwrap(),
            ("标题\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}".into(), 4)
        );
        assert_eq!(replace("a斤拷锟斤b").unwrap().1, 3);
        assert_eq!(replace("烫烫烫烫烫烫!").unwrap(), ("\u{FFFD}!".into(), 1));
        assert_eq!(replace("很烫，斤两，拷贝"), None);
    }
}
