//! Character classes shared by the stages.

use std::borrow::Cow;

/// Han ideographs: the unified blocks (URO, Extensions A–I), the compatibility block, 〇.
#[inline]
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
        || c == '〇'
}

/// Hiragana and katakana (full- and half-width): their presence marks Japanese text.
#[inline]
pub fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x31F0..=0x31FF | 0xFF66..=0xFF9D)
}

/// Closing marks after which Chinese punctuation still follows Chinese rules: `」，`.
#[inline]
pub fn is_cjk_closing(c: char) -> bool {
    matches!(
        c,
        '」' | '』' | '）' | '》' | '〉' | '】' | '〕' | '〗' | '”' | '’' | '…' | '—'
    )
}

/// The script of a letter of two-byte UTF-8 (ASCII letters are Latin), or of its
/// combining mark, where words do not mix them.
pub(crate) fn letter_script(c: char) -> Option<u8> {
    let script = match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x2AF => 0,
        0x370..=0x3FF => 1,
        0x400..=0x52F => 2,
        0x530..=0x58F => 3,
        0x590..=0x5FF => 4,
        0x600..=0x6FF | 0x750..=0x77F => 5,
        0x700..=0x74F => 6,
        0x780..=0x7FF => 7,
        _ => return None,
    };
    (c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c)).then_some(script)
}

/// How many times two letters of different scripts stand side by side (`һЩϵͳĿ`:
/// Cyrillic, Greek, Latin): no word is written so, while the bytes of GBK or Big5 read
/// as UTF-8 make them.
pub(crate) fn mixed_script_words(text: &str) -> usize {
    let mut prev = None;
    text.chars()
        .filter(|&c| {
            let script = letter_script(c);
            let mixed = matches!((prev, script), (Some(a), Some(b)) if a != b);
            prev = script;
            mixed
        })
        .count()
}

/// The first byte at or after `p` (and before `end`) that is not ASCII, or `end`.
#[inline(always)]
pub(crate) fn skip_ascii(bytes: &[u8], mut p: usize, end: usize) -> usize {
    while p + 8 <= end {
        let word = u64::from_le_bytes(bytes[p..p + 8].try_into().expect("8 bytes"));
        let high = word & 0x8080_8080_8080_8080;
        if high != 0 {
            return p + (high.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    while p < end && bytes[p] < 0x80 {
        p += 1;
    }
    p
}

/// Like [`skip_ascii`], but also stops at an ASCII byte of `stops`, when given.
#[inline(always)]
pub(crate) fn skip_ascii_except(
    bytes: &[u8],
    p: usize,
    end: usize,
    stops: Option<&AsciiStops>,
) -> usize {
    match stops {
        None => skip_ascii(bytes, p, end),
        Some(stops) => stops.skip(bytes, p, end),
    }
}

/// Where a scan of ASCII must stop: every byte outside ASCII, and some ASCII bytes (those
/// that begin a dictionary's keys: `S` and `P` of `SQL注入` and `PN结` in s2t).
#[derive(Clone, Debug)]
pub(crate) struct AsciiStops {
    set: ByteSet,
    /// The ASCII bytes of the set when they are [`FEW_STOPS`] or fewer (the first repeated
    /// to fill the array): sixteen bytes are then tested at once.
    few: Option<[u8; FEW_STOPS]>,
}

const FEW_STOPS: usize = 4;

impl AsciiStops {
    /// Every byte outside ASCII, and the ASCII bytes whose bits are set in `mask`.
    pub(crate) fn new(mask: u128) -> AsciiStops {
        let ascii: Vec<u8> = (0..128u8).filter(|&b| mask >> b & 1 != 0).collect();
        let few = (!ascii.is_empty() && ascii.len() <= FEW_STOPS)
            .then(|| std::array::from_fn(|k| ascii[k.min(ascii.len() - 1)]));
        AsciiStops {
            set: ByteSet(std::array::from_fn(|b| b >= 128 || mask >> b & 1 != 0)),
            few,
        }
    }

    /// The stops of both.
    pub(crate) fn union(&self, other: &AsciiStops) -> AsciiStops {
        let mask = (0..128u8)
            .filter(|&b| self.set.contains(b) || other.set.contains(b))
            .fold(0u128, |mask, b| mask | 1 << b);
        AsciiStops::new(mask)
    }

    /// The first byte of `bytes[p..end]` that is a stop, or `end`.
    #[inline(always)]
    pub(crate) fn skip(&self, bytes: &[u8], mut p: usize, end: usize) -> usize {
        if let Some(few) = self.few {
            while p + 16 <= end {
                let v = simd::at(bytes, p);
                let stops = few
                    .iter()
                    .fold(simd::non_ascii(v), |m, &b| m | simd::is(v, b));
                let bits = simd::bits(stops);
                if bits != 0 {
                    return p + bits.trailing_zeros() as usize;
                }
                p += 16;
            }
        }
        self.set.find(&bytes[..end], p).unwrap_or(end)
    }
}

/// The code point of the character at byte `i` of `text` (a character boundary), and
/// where the next one starts. Three-byte sequences, nearly all of Chinese, are decoded
/// here without the checks `chars()` makes: `text` is UTF-8 already.
#[inline(always)]
pub(crate) fn decode_at(text: &str, i: usize) -> (u32, usize) {
    let bytes = text.as_bytes();
    match bytes[i] {
        lead @ 0xE0..=0xEF => {
            let c = (lead as u32 & 0x0F) << 12
                | (bytes[i + 1] as u32 & 0x3F) << 6
                | (bytes[i + 2] as u32 & 0x3F);
            (c, i + 3)
        }
        _ => {
            let c = text[i..].chars().next().expect("a character boundary");
            (c as u32, i + c.len_utf8())
        }
    }
}

/// A set of byte values, for finding the few bytes a stage must look at among the many it
/// may skip. Stages scan whole segments: a table lookup per byte, eight bytes per branch,
/// keeps a scan that finds nothing at a few GB/s.
#[derive(Clone, Debug)]
pub(crate) struct ByteSet([bool; 256]);

impl ByteSet {
    /// The set of `bytes` and of every byte in `ranges` (inclusive).
    pub(crate) const fn new(bytes: &[u8], ranges: &[(u8, u8)]) -> ByteSet {
        let mut set = [false; 256];
        let mut i = 0;
        while i < bytes.len() {
            set[bytes[i] as usize] = true;
            i += 1;
        }
        let mut r = 0;
        while r < ranges.len() {
            let mut b = ranges[r].0 as usize;
            while b <= ranges[r].1 as usize {
                set[b] = true;
                b += 1;
            }
            r += 1;
        }
        ByteSet(set)
    }

    #[inline]
    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0[b as usize]
    }

    /// The first position at or after `from` whose byte is in the set.
    #[inline]
    pub(crate) fn find(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let set = &self.0;
        let mut p = from;
        while p + 8 <= bytes.len() {
            let word: &[u8; 8] = bytes[p..p + 8].try_into().expect("8 bytes");
            // One bit per byte: a hit is located without reading the bytes again (in
            // Chinese text, sets that hold the lead bytes of punctuation hit often).
            let mut hits = 0u32;
            for (k, &b) in word.iter().enumerate() {
                hits |= u32::from(set[b as usize]) << k;
            }
            if hits != 0 {
                return Some(p + hits.trailing_zeros() as usize);
            }
            p += 8;
        }
        bytes[p.min(bytes.len())..]
            .iter()
            .position(|&b| set[b as usize])
            .map(|k| p + k)
    }
}

/// How many bytes past a block of sixteen the tests of [`find_where`] may read.
pub(crate) const READ_AFTER: usize = 3;

/// The first byte of `bytes[from..end]` in `set` where `exact` holds. Sixteen bytes at a
/// time, `may(bytes, i)` (see [`simd`]) gives one bit for each byte of `bytes[i..i + 16]`
/// that may be one, reading from `bytes[i - 1]` to [`READ_AFTER`] bytes past the block:
/// it must flag every byte `exact` takes, and should flag few others. Near the ends of
/// the text, `set` is scanned.
#[inline(always)]
pub(crate) fn find_where(
    set: &ByteSet,
    bytes: &[u8],
    from: usize,
    end: usize,
    may: impl Fn(&[u8], usize) -> u32,
    mut exact: impl FnMut(usize) -> bool,
) -> Option<usize> {
    let mut i = from;
    if i == 0 && i < end {
        if set.contains(bytes[0]) && exact(0) {
            return Some(0);
        }
        i = 1;
    }
    while i + 16 <= end && i + 16 + READ_AFTER <= bytes.len() {
        let mut flagged = may(bytes, i);
        while flagged != 0 {
            let at = i + flagged.trailing_zeros() as usize;
            if set.contains(bytes[at]) && exact(at) {
                return Some(at);
            }
            flagged &= flagged - 1;
        }
        i += 16;
    }
    while let Some(at) = set.find(&bytes[..end], i) {
        if exact(at) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Sixteen bytes tested at once (SSE2 on x86-64, NEON on ARM64; `wide` picks, and falls
/// back to plain code elsewhere): the scans of clean text. A stage's test reads each byte
/// with its neighbours, so that it stops at few of the Chinese marks a byte set stops at
/// (every `，` starts with EF).
pub(crate) mod simd {
    use wide::i8x16;

    pub(crate) type Bytes = i8x16;

    /// `bytes[i..i + 16]`.
    #[inline(always)]
    pub(crate) fn at(bytes: &[u8], i: usize) -> Bytes {
        let block: [u8; 16] = bytes[i..i + 16].try_into().expect("sixteen bytes");
        i8x16::new(block.map(|b| b as i8))
    }

    #[inline(always)]
    fn splat(b: u8) -> Bytes {
        i8x16::splat(b as i8)
    }

    /// Where the bytes of `v` equal `b`.
    #[inline(always)]
    pub(crate) fn is(v: Bytes, b: u8) -> Bytes {
        v.simd_eq(splat(b))
    }

    /// Where the bytes of `v` lie from `low` to `high` (a range of at most 128 values).
    #[inline(always)]
    pub(crate) fn in_range(v: Bytes, low: u8, high: u8) -> Bytes {
        // Shifted so that the range starts at -128: one signed comparison.
        let shifted = v + splat(0x80u8.wrapping_sub(low));
        shifted.simd_lt(splat(0x80u8.wrapping_add(high - low).wrapping_add(1)))
    }

    /// Where the bytes of `v` are at most `b`.
    #[inline(always)]
    pub(crate) fn at_most(v: Bytes, b: u8) -> Bytes {
        match b {
            0..0x80 => in_range(v, 0, b),
            0x80..0xFF => !in_range(v, b + 1, 0xFF),
            0xFF => splat(0xFF),
        }
    }

    /// Where the bytes of `v` are below `b` (ASCII) or not ASCII: one signed comparison.
    #[inline(always)]
    pub(crate) fn below_or_not_ascii(v: Bytes, b: u8) -> Bytes {
        debug_assert!(b < 0x80);
        v.simd_lt(splat(b))
    }

    /// Where the bytes of `v` are not ASCII.
    #[inline(always)]
    pub(crate) fn non_ascii(v: Bytes) -> Bytes {
        v.simd_lt(splat(0))
    }

    /// One bit for each byte of the mask, the first byte's lowest.
    #[inline(always)]
    pub(crate) fn bits(mask: Bytes) -> u32 {
        mask.to_bitmask()
    }
}

/// Whether `bytes` hold the lead byte of a Hangul syllable (U+AC00–D7A3 start with
/// EA–ED). One branchless pass, which the compiler vectorizes: most lines hold none.
pub(crate) fn may_hold_hangul(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(false, |seen, &b| seen | (b.wrapping_sub(0xEA) < 4))
}

/// Which ASCII characters a line holds, noted as it is decoded: a rule that needs one
/// asks the set instead of searching the line again.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AsciiSet(u128);

impl AsciiSet {
    /// Notes `c` if it is ASCII.
    #[inline(always)]
    pub(crate) fn insert(&mut self, c: char) {
        if c.is_ascii() {
            self.0 |= 1 << c as u32;
        }
    }

    #[inline(always)]
    pub(crate) fn has(self, b: u8) -> bool {
        b < 128 && self.0 >> b & 1 != 0
    }
}

/// `text` with every line that holds a candidate replaced by `fix(line, after)`, for
/// stages that look at nothing beyond a line and the text after it: `next(text, from)`
/// finds the next candidate byte at or after `from`; a line is passed with its LF.
/// Borrowed when no line changes.
pub(crate) fn rewrite_lines<'a>(
    text: &'a str,
    mut next: impl FnMut(&str, usize) -> Option<usize>,
    fix: impl Fn(&str, &str) -> String,
) -> Cow<'a, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut from = 0;
    while let Some(at) = next(text, from) {
        let start = memchr::memrchr(b'\n', &bytes[from..at]).map_or(from, |k| from + k + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |k| at + k + 1);
        let line = &text[start..end];
        let fixed = fix(line, &text[end..]);
        if fixed != line {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..start]);
            out.push_str(&fixed);
            copied = end;
        }
        from = end;
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// `text` with each byte range `start..end` (in order, not overlapping) replaced by its
/// text: the one way stages rebuild a text they change in places.
pub(crate) fn replace_ranges<'a>(
    text: &str,
    edits: impl IntoIterator<Item = (usize, usize, &'a str)>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, with) in edits {
        out.push_str(&text[copied..start]);
        out.push_str(with);
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_simd_tests_agree_with_comparisons() {
        for first in (0..=240u8).step_by(16) {
            let block: Vec<u8> = (first..=first + 15).collect();
            let v = simd::at(&block, 0);
            let expect = |f: &dyn Fn(u8) -> bool| {
                (0..16)
                    .filter(|&k| f(block[k]))
                    .map(|k| 1u32 << k)
                    .sum::<u32>()
            };
            for b in [0, 0x20, 0x7F, 0x80, 0x8D, 0xA0, 0xE9, 0xFE, 0xFF] {
                assert_eq!(simd::bits(simd::at_most(v, b)), expect(&|x| x <= b));
                assert_eq!(simd::bits(simd::is(v, b)), expect(&|x| x == b));
            }
            for (low, high) in [
                (0, 0x7F),
                (b'!', b'/'),
                (0x80, 0xFF),
                (0xC0, 0xE3),
                (0x90, 0x99),
            ] {
                let want = expect(&|x| (low..=high).contains(&x));
                assert_eq!(
                    simd::bits(simd::in_range(v, low, high)),
                    want,
                    "{low}..={high}"
                );
            }
            assert_eq!(simd::bits(simd::non_ascii(v)), expect(&|x| x >= 0x80));
            for b in [0, 0x0E, b'!', 0x7F] {
                let want = expect(&|x| x < b || x >= 0x80);
                assert_eq!(simd::bits(simd::below_or_not_ascii(v, b)), want);
            }
        }
    }

    /// Checks that `scan(text, from)` finds the first byte in `set` where `exact(text, at)`
    /// holds, as reading every byte finds it: in the punctuation fixtures, and around every
    /// character of the BMP and some beyond, at every alignment, after Han, ASCII, blanks
    /// and line ends.
    pub(crate) fn check_scan(
        scan: impl Fn(&str, usize) -> Option<usize>,
        set: &ByteSet,
        exact: impl Fn(&str, usize) -> bool,
    ) {
        let reference = |text: &str, from: usize| {
            (from..text.len()).find(|&at| set.contains(text.as_bytes()[at]) && exact(text, at))
        };
        let mut texts: Vec<String> = vec![
            include_str!("../../../tests/fixtures/punct/zh-cn.txt").into(),
            include_str!("../../../tests/fixtures/punct/zh-tw.txt").into(),
        ];
        let chars: Vec<char> = ('\0'..='\u{FFFF}')
            .chain('\u{1F000}'..='\u{1F0FF}')
            .collect();
        let neighbours = ["中", "a", " ", "\n", "1", "。", "\t", "，", "”"];
        for (k, chunk) in chars.chunks(64).enumerate() {
            let mut text = "文".repeat(k % 7) + &"x".repeat(k % 3);
            for (j, &c) in chunk.iter().enumerate() {
                text.push(c);
                text.push_str(neighbours[(j + k) % neighbours.len()]);
                text.push(c);
                if j % 5 == 0 {
                    text.push_str(" \n");
                }
            }
            texts.push(text);
        }
        for text in &texts {
            let mut from = 0;
            loop {
                let found = scan(text, from);
                assert_eq!(found, reference(text, from), "from {from} in {text:?}");
                match found {
                    Some(at) => from = at + 1,
                    None => break,
                }
                while !text.is_char_boundary(from) {
                    from += 1;
                }
            }
        }
    }

    #[test]
    fn byte_set_finds_the_first_member_at_every_alignment() {
        const SET: ByteSet = ByteSet::new(b"\n", &[(0xE2, 0xE3)]);
        for len in 0..40 {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0xE3;
                assert_eq!(SET.find(&bytes, 0), Some(at));
                assert_eq!(SET.find(&bytes, at + 1), None);
                assert_eq!(SET.find(&bytes, at), Some(at));
            }
            assert_eq!(SET.find(&vec![b'a'; len], 0), None);
        }
        assert_eq!(SET.find(b"\xE4\xB8\xAD\n", 0), Some(3));
    }
}
