//! Reading the flat tries that `trie_build` writes: root lookup, longest match.
//!
//! A trie is a run of native-endian words: either embedded in the binary (OpenCC's
//! dictionaries, compiled by `build.rs`) or built at run time (a user's dictionary).

use std::borrow::Cow;

use crate::chars::{skip_ascii_except, AsciiStops};

use super::trie_build::{
    self, second_slot, CHILD_COUNT_SHIFT, FLAG_HAS_VALUE, FLAG_IDENTITY, FLAG_MAY_CHANGE,
    NODE_WORDS, PAGE_INDEX_LEN, PAGE_SIZE, SECOND_WORDS, TIER_MASK, TRIE_VALUES_HOLD_IDEOGRAPH,
};

/// A compiled dictionary step: owns (or borrows from the binary) its words.
#[derive(Debug, Clone)]
pub struct Trie {
    words: Cow<'static, [u32]>,
    sections: [std::ops::Range<usize>; 6],
    /// The values, validated as UTF-8 once, at load.
    values: Cow<'static, str>,
    /// One bit per code point below [`STARTER_LIMIT`]: the character alone is a key that
    /// changes text.
    changes_alone: Vec<u64>,
    /// One bit per code point below [`STARTER_LIMIT`]: some key that may change text starts
    /// with the character. Most characters of converted text start none.
    starts_change: Vec<u64>,
    /// Where a scan of ASCII must stop when some key starts with ASCII (`PN结`, `SQL注入`
    /// in s2t): those ASCII bytes and every non-ASCII one. The matcher skips every other
    /// ASCII byte without a lookup.
    ascii_stops: Option<AsciiStops>,
    /// Hashed bitset of the two-character prefixes of keys that may change text. With
    /// `changes_alone`, rules out most positions of real text without walking the trie.
    may_change_pairs: Vec<u64>,
    /// Hashed bitset of the two-character prefixes of every key: most characters that
    /// start longer keys start none with the character after them, and the bit says so
    /// without a search of the first character's children.
    key_pairs: Vec<u64>,
    /// One bit per node: its value holds a character that starts a key that may change
    /// text (see [`TrieRef::starts_change`]).
    value_starts_change: Vec<u64>,
    /// One word per code point from [`DIRECT_FROM`] to [`DIRECT_TO`] (kana, CJK marks,
    /// Han): what the character's own key does, whether a longer key starts with it, and
    /// what to note for the fixed-point check. With `key_pairs`, most characters of text
    /// are converted without the trie or its values (see [`TrieRef::direct`]).
    direct: Vec<u32>,
    /// Whether some value holds a compatibility ideograph (found by `trie_build`).
    values_hold_ideograph: bool,
}

/// log2 of the number of bits in each pair filter (128 KiB: a few percent full for the
/// largest phrase dictionaries, STPhrases' 35,000 prefixes).
const PAIR_BITS: u32 = 20;

#[inline(always)]
fn pair_slot(c1: u32, c2: u32) -> usize {
    let h = (c1.wrapping_mul(0x9E37_79B1) ^ c2).wrapping_mul(0x85EB_CA6B);
    (h >> (32 - PAIR_BITS)) as usize
}

/// Code points covered by `changes_alone`: every BMP character and CJK Extensions B–G.
const STARTER_LIMIT: u32 = 0x32000;

/// The code points [`Trie::direct`] covers: CJK marks, kana and the Han of the BMP but
/// the compatibility ideographs, where nearly every character of Chinese text is.
const DIRECT_FROM: u32 = 0x3000;
const DIRECT_TO: u32 = 0xA000;

/// The fields of a [`Trie::direct`] word: the value in the low bits, then whether a
/// longer key starts with the character, whether to note the character written (see
/// [`TrieRef::starts_change`]), and the kind.
const DIRECT_LONGER: u32 = 1 << 28;
const DIRECT_NOTE: u32 = 1 << 29;
const DIRECT_COPY: u32 = 1 << 30;
const DIRECT_CHAR: u32 = 2 << 30;
const DIRECT_VALUE: u32 = (1 << 21) - 1;

/// What the character at a position of text does in one step, when that needs no walk of
/// the trie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direct {
    /// A key longer than the character may start here, or its value is longer: walk the
    /// trie.
    Walk,
    /// No key changes the character here: it is copied. `note`: it starts a key that may
    /// change text.
    Copy { note: bool },
    /// Its own key, and no longer one, matches here and maps it to `value`. `note`: the
    /// value starts a key that may change text.
    Char { value: char, note: bool },
}

/// Borrowed view used in the hot loops: plain slices, no indirection.
#[derive(Clone, Copy)]
pub(crate) struct TrieRef<'a> {
    page_index: &'a [u32],
    pages: &'a [u32],
    nodes: &'a [u32],
    child_chars: &'a [u32],
    child_nodes: &'a [u32],
    values: &'a str,
    changes_alone: &'a [u64],
    starts_change: &'a [u64],
    may_change_pairs: &'a [u64],
    key_pairs: &'a [u64],
    value_starts_change: &'a [u64],
    /// The first steps of keys, hashed (see [`trie_build::second_steps`]).
    seconds: &'a [u32],
    direct: &'a [u32],
    pub ascii_stops: Option<&'a AsciiStops>,
}

/// A dictionary match: its length in bytes and the node holding its value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Match {
    pub len: usize,
    pub node: u32,
}

impl Trie {
    /// Reads a word stream written by [`trie_build::to_words`].
    pub(crate) fn from_words(words: Cow<'static, [u32]>) -> Result<Trie, String> {
        let bad = |what: &str| Err(format!("corrupt dictionary trie: {what}"));
        if words.len() < 10 || words[0] != 0x5A48_4E54 {
            return bad("header");
        }
        let value_bytes = words[3] as usize;
        let values_hold_ideograph = words[1] & TRIE_VALUES_HOLD_IDEOGRAPH != 0;
        let mut at = 10usize;
        let mut sections: [std::ops::Range<usize>; 6] = Default::default();
        for (i, section) in sections.iter_mut().enumerate() {
            let len = words[4 + i] as usize;
            *section = at..at + len;
            at += len;
        }
        let value_range = at * 4..at * 4 + value_bytes;
        if at + value_bytes.div_ceil(4) != words.len()
            || sections[0].len() != PAGE_INDEX_LEN
            || sections[1].len() % PAGE_SIZE != 0
            || sections[2].len() % NODE_WORDS != 0
            || !(sections[5].len() / SECOND_WORDS).is_power_of_two()
            || sections[5].len() % SECOND_WORDS != 0
        {
            return bad("section sizes");
        }
        let values = match words {
            Cow::Borrowed(w) => Cow::Borrowed(
                std::str::from_utf8(&bytemuck::cast_slice::<u32, u8>(w)[value_range])
                    .map_err(|_| "corrupt dictionary values")?,
            ),
            Cow::Owned(ref w) => Cow::Owned(
                String::from_utf8(bytemuck::cast_slice::<u32, u8>(w)[value_range].to_vec())
                    .map_err(|_| "corrupt dictionary values")?,
            ),
        };
        let mut trie = Trie {
            words,
            sections,
            values,
            changes_alone: Vec::new(),
            starts_change: Vec::new(),
            ascii_stops: None,
            may_change_pairs: Vec::new(),
            key_pairs: Vec::new(),
            value_starts_change: Vec::new(),
            direct: Vec::new(),
            values_hold_ideograph,
        };
        trie.validate()?;
        (
            trie.changes_alone,
            trie.starts_change,
            trie.may_change_pairs,
            trie.key_pairs,
        ) = trie.filters();
        let key_ascii = (0..128u32)
            .filter(|&b| trie.view().root(b) != 0)
            .fold(0, |mask, b| mask | 1 << b);
        trie.ascii_stops = (key_ascii != 0).then(|| AsciiStops::new(key_ascii));
        trie.value_starts_change = {
            let v = trie.view();
            let nodes = v.nodes.len() / NODE_WORDS;
            let mut bits = vec![0u64; nodes.div_ceil(64)];
            for node in 1..nodes as u32 {
                if v.value(node).chars().any(|c| v.starts_change(c as u32)) {
                    bits[node as usize / 64] |= 1 << (node % 64);
                }
            }
            bits
        };
        trie.direct = trie.direct_words();
        Ok(trie)
    }

    /// Builds a trie from `(source, target)` entries; earlier entries win on duplicates.
    pub(crate) fn from_entries(entries: &trie_build::Entries) -> Trie {
        let parts = trie_build::build(&[vec![entries]]).expect("one tier always fits");
        Trie::from_words(Cow::Owned(trie_build::to_words(&parts)))
            .expect("a freshly built trie is well formed")
    }

    /// Whether some value holds a CJK compatibility ideograph: converting text that holds
    /// none may then write one.
    pub(crate) fn values_hold_compatibility_ideograph(&self) -> bool {
        self.values_hold_ideograph
    }

    /// Whether every key is one character (no node has children).
    pub(crate) fn keys_are_single_chars(&self) -> bool {
        self.sections[3].is_empty()
    }

    pub(crate) fn view(&self) -> TrieRef<'_> {
        let s = |i: usize| &self.words[self.sections[i].clone()];
        TrieRef {
            page_index: s(0),
            pages: s(1),
            nodes: s(2),
            child_chars: s(3),
            child_nodes: s(4),
            values: &self.values,
            changes_alone: &self.changes_alone,
            starts_change: &self.starts_change,
            may_change_pairs: &self.may_change_pairs,
            key_pairs: &self.key_pairs,
            value_starts_change: &self.value_starts_change,
            seconds: s(5),
            direct: &self.direct,
            ascii_stops: self.ascii_stops.as_ref(),
        }
    }

    /// The words of [`Trie::direct`], read off the trie and the filters built before it.
    fn direct_words(&self) -> Vec<u32> {
        let v = self.view();
        let note = |yes: bool| if yes { DIRECT_NOTE } else { 0 };
        let word = |c: u32, node: u32| {
            // A character no key starts with is copied, and starts none that may change.
            if node == 0 {
                return DIRECT_COPY;
            }
            let longer = if v.children(node).1 != 0 {
                DIRECT_LONGER
            } else {
                0
            };
            // (Alone, a character with no key of its own is copied: OpenCC's matcher
            // finds nothing there.)
            if v.flags(node) & FLAG_HAS_VALUE == 0 {
                return DIRECT_COPY | longer | note(v.starts_change(c));
            }
            if v.is_identity(node) {
                return DIRECT_COPY | longer | note(v.value_starts_change(node));
            }
            let mut value = v.value(node).chars();
            match (value.next(), value.next()) {
                (Some(one), None) => {
                    DIRECT_CHAR | longer | note(v.value_starts_change(node)) | one as u32
                }
                _ => 0,
            }
        };
        // Page by page (the range is whole pages): most pages of a step are empty.
        let mut words = Vec::with_capacity((DIRECT_TO - DIRECT_FROM) as usize);
        for page in DIRECT_FROM as usize / PAGE_SIZE..DIRECT_TO as usize / PAGE_SIZE {
            let nodes = &v.pages[v.page_index[page] as usize * PAGE_SIZE..][..PAGE_SIZE];
            let first = (page * PAGE_SIZE) as u32;
            words.extend((first..).zip(nodes).map(|(c, &node)| word(c, node)));
        }
        words
    }

    /// The `changes_alone` and `starts_change` bitsets and the two pair filters (see the
    /// fields).
    fn filters(&self) -> (Vec<u64>, Vec<u64>, Vec<u64>, Vec<u64>) {
        let v = self.view();
        let mut alone = vec![0u64; STARTER_LIMIT as usize / 64];
        let mut starts = vec![0u64; STARTER_LIMIT as usize / 64];
        let mut pairs = vec![0u64; (1 << PAIR_BITS) / 64];
        let mut key_pairs = vec![0u64; (1 << PAIR_BITS) / 64];
        let set = |bits: &mut [u64], i: usize| bits[i / 64] |= 1 << (i % 64);
        for (page, &slot) in v.page_index.iter().enumerate() {
            if slot == 0 {
                continue;
            }
            for (i, &node) in v.pages[slot as usize * PAGE_SIZE..][..PAGE_SIZE]
                .iter()
                .enumerate()
            {
                let c = (page * PAGE_SIZE + i) as u32;
                if node == 0 {
                    continue;
                }
                let (first, count) = v.children(node);
                for k in first..first + count {
                    set(&mut key_pairs, pair_slot(c, v.child_chars[k]));
                }
                if v.flags(node) & FLAG_MAY_CHANGE == 0 {
                    continue;
                }
                let own = v.flags(node) & (FLAG_HAS_VALUE | FLAG_IDENTITY) == FLAG_HAS_VALUE;
                if c < STARTER_LIMIT {
                    set(&mut starts, c as usize);
                    if own {
                        set(&mut alone, c as usize);
                    }
                }
                let (first, count) = v.children(node);
                for k in first..first + count {
                    if v.flags(v.child_nodes[k]) & FLAG_MAY_CHANGE != 0 {
                        set(&mut pairs, pair_slot(c, v.child_chars[k]));
                    }
                }
            }
        }
        (alone, starts, pairs, key_pairs)
    }

    /// Checks every index the matcher will follow, so lookups can never go out of bounds
    /// in a way that panics on well-formed text.
    fn validate(&self) -> Result<(), String> {
        let v = self.view();
        let n_nodes = (v.nodes.len() / NODE_WORDS) as u32;
        let n_pages = (v.pages.len() / PAGE_SIZE) as u32;
        if v.page_index.iter().any(|&p| p >= n_pages.max(1))
            || v.pages.iter().any(|&n| n >= n_nodes.max(1))
            || v.child_nodes.iter().any(|&n| n == 0 || n >= n_nodes)
            // (An empty slot ends every probe.)
            || !v.seconds.chunks(SECOND_WORDS).any(|slot| slot[2] == 0)
            || v.seconds.chunks(SECOND_WORDS).any(|slot| slot[2] >= n_nodes)
        {
            return Err("corrupt dictionary trie: links".into());
        }
        for id in 1..n_nodes {
            let w = &v.nodes[id as usize * NODE_WORDS..][..NODE_WORDS];
            let count = (w[2] >> CHILD_COUNT_SHIFT) as usize;
            let end = w[0] as usize + w[1] as usize;
            if w[3] as usize + count > v.child_chars.len()
                || end > v.values.len()
                || !v.values.is_char_boundary(w[0] as usize)
                || !v.values.is_char_boundary(end)
            {
                return Err("corrupt dictionary trie: node".into());
            }
        }
        Ok(())
    }
}

impl<'a> TrieRef<'a> {
    /// The first byte at or after `p` that is not ASCII or begins a key, or `end`.
    #[inline(always)]
    pub fn skip_keyless_ascii(&self, bytes: &[u8], p: usize, end: usize) -> usize {
        skip_ascii_except(bytes, p, end, self.ascii_stops)
    }

    /// Whether a key may match at `q`, which holds an ASCII byte that begins keys: the
    /// byte is a key, or it and the character after it begin one. (Most such bytes, `S`
    /// of `SQL注入` in s2t, are followed by no key's second character.)
    #[inline]
    pub fn may_start_key_at(&self, bytes: &[u8], q: usize, end: usize) -> bool {
        let c = bytes[q] as u32;
        let node = self.root(c);
        if node == 0 || self.flags(node) & FLAG_HAS_VALUE != 0 {
            return node != 0;
        }
        q + 1 < end && has_bit(self.key_pairs, pair_slot(c, decode(bytes, q + 1).0))
    }

    /// What the character `c` (of `clen` bytes) at `p` does, when that needs no walk of
    /// the trie: when no key longer than the character starts with it and the character
    /// after it (up to `end`).
    #[inline(always)]
    pub fn direct(&self, bytes: &[u8], p: usize, end: usize, c: u32, clen: usize) -> Direct {
        let Some(&word) = self.direct.get(c.wrapping_sub(DIRECT_FROM) as usize) else {
            return Direct::Walk;
        };
        if word & DIRECT_LONGER != 0 && p + clen < end {
            let (next, len) = decode(bytes, p + clen);
            if p + clen + len <= end && has_bit(self.key_pairs, pair_slot(c, next)) {
                return Direct::Walk;
            }
        }
        let note = word & DIRECT_NOTE != 0;
        match word & (3 << 30) {
            DIRECT_COPY => Direct::Copy { note },
            DIRECT_CHAR => match char::from_u32(word & DIRECT_VALUE) {
                Some(value) => Direct::Char { value, note },
                None => Direct::Walk,
            },
            _ => Direct::Walk,
        }
    }

    /// The node for the one-character key `c`, or 0 when no key starts with `c`.
    #[inline(always)]
    pub fn root(&self, c: u32) -> u32 {
        let page = self.page_index[(c as usize / PAGE_SIZE) % PAGE_INDEX_LEN] as usize;
        self.pages[page * PAGE_SIZE + c as usize % PAGE_SIZE]
    }

    #[inline(always)]
    fn flags(&self, node: u32) -> u32 {
        self.nodes[node as usize * NODE_WORDS + 2]
    }

    #[inline(always)]
    pub fn is_identity(&self, node: u32) -> bool {
        self.flags(node) & FLAG_IDENTITY != 0
    }

    #[inline(always)]
    pub fn value(&self, node: u32) -> &'a str {
        let w = &self.nodes[node as usize * NODE_WORDS..][..2];
        &self.values[w[0] as usize..(w[0] + w[1]) as usize]
    }

    /// Where `node`'s children start in the child arrays, and how many there are.
    #[inline(always)]
    fn children(&self, node: u32) -> (usize, usize) {
        let count = (self.flags(node) >> CHILD_COUNT_SHIFT) as usize;
        (self.nodes[node as usize * NODE_WORDS + 3] as usize, count)
    }

    /// The node of the key prefix `first second` (`first` a key's first character), or 0.
    #[inline]
    fn second(&self, first: u32, second: u32) -> u32 {
        let slots = self.seconds.len() / SECOND_WORDS;
        let mut at = second_slot(first, second, slots);
        loop {
            let slot = &self.seconds[at * SECOND_WORDS..][..SECOND_WORDS];
            if slot[2] == 0 || slot[..2] == [first, second] {
                return slot[2];
            }
            at = (at + 1) & (slots - 1);
        }
    }

    #[inline]
    fn child(&self, node: u32, c: u32) -> u32 {
        let (first, count) = self.children(node);
        if count == 0 {
            return 0;
        }
        let chars = &self.child_chars[first..first + count];
        match chars.binary_search(&c) {
            Ok(i) => self.child_nodes[first + i],
            Err(_) => 0,
        }
    }

    /// The key OpenCC's group rules pick at `p`: among keys that are prefixes of
    /// `bytes[p..end]`, the lowest tier, and within it the longest. `first` is
    /// `self.root(c)` for the character `c` (of `clen` bytes) at `p`, and is not 0.
    #[inline]
    pub fn longest(
        &self,
        bytes: &[u8],
        p: usize,
        end: usize,
        (c, first): (u32, u32),
        clen: usize,
    ) -> Option<Match> {
        let mut best: Option<Match> = None;
        let mut best_tier = u32::MAX;
        let mut node = first;
        let mut q = p + clen;
        loop {
            let flags = self.flags(node);
            if flags & FLAG_HAS_VALUE != 0 && flags & TIER_MASK <= best_tier {
                best_tier = flags & TIER_MASK;
                best = Some(Match { len: q - p, node });
            }
            if flags >> CHILD_COUNT_SHIFT == 0 || q >= end {
                return best;
            }
            let (next, len) = decode(bytes, q);
            if q + len > end {
                return best;
            }
            // (The first step, from the character's own node, is the hashed one; the pair
            // filter, in cache, answers first for the pairs no key starts with: a probe of
            // the table is a likely cache miss.)
            node = if q == p + clen {
                if !has_bit(self.key_pairs, pair_slot(c, next)) {
                    return best;
                }
                self.second(c, next)
            } else {
                self.child(node, next)
            };
            if node == 0 {
                return best;
            }
            q += len;
        }
    }

    /// Whether some key that may change text starts with `c`: where the fixed-point check
    /// must look. (Beyond the bitset's range, every character is looked at.)
    #[inline(always)]
    pub fn starts_change(&self, c: u32) -> bool {
        c >= STARTER_LIMIT || has_bit(self.starts_change, c as usize)
    }

    /// Whether `c` alone is a key that changes text (beyond the bitset's range, taken to
    /// be).
    #[inline(always)]
    pub fn changes_alone(&self, c: u32) -> bool {
        c >= STARTER_LIMIT || has_bit(self.changes_alone, c as usize)
    }

    /// Whether a key that may change text may start with `c` and `next`.
    #[inline(always)]
    pub fn may_change_with(&self, c: u32, next: u32) -> bool {
        has_bit(self.may_change_pairs, pair_slot(c, next))
    }

    /// Whether `node`'s value holds a character for which [`TrieRef::starts_change`] holds.
    #[inline(always)]
    pub fn value_starts_change(&self, node: u32) -> bool {
        has_bit(self.value_starts_change, node as usize)
    }

    /// Whether some key that is a prefix of `bytes[p..end]` has a value other than
    /// itself, i.e. whether a match here, of any length, could change the text. `c` is
    /// the character at `p`, of `clen` bytes.
    #[inline]
    pub fn may_change_at(&self, bytes: &[u8], p: usize, end: usize, c: u32, clen: usize) -> bool {
        if !self.starts_change(c) {
            return false;
        }
        // Only a longer key could change text: its first two characters must pass.
        if !self.changes_alone(c)
            && (p + clen >= end || !self.may_change_with(c, decode(bytes, p + clen).0))
        {
            return false;
        }
        let first = c;
        let mut node = self.root(c);
        if node == 0 {
            return false;
        }
        let mut q = p + clen;
        loop {
            let flags = self.flags(node);
            if flags & FLAG_MAY_CHANGE == 0 {
                return false;
            }
            if flags & (FLAG_HAS_VALUE | FLAG_IDENTITY) == FLAG_HAS_VALUE {
                return true;
            }
            if q >= end {
                return false;
            }
            let (c, len) = decode(bytes, q);
            if q + len > end {
                return false;
            }
            node = if q == p + clen {
                self.second(first, c)
            } else {
                self.child(node, c)
            };
            if node == 0 {
                return false;
            }
            q += len;
        }
    }
}

#[inline(always)]
fn has_bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

/// Decodes the character at `p` of valid UTF-8: (code point, byte length).
#[inline(always)]
pub(crate) fn decode(bytes: &[u8], p: usize) -> (u32, usize) {
    let b0 = bytes[p] as u32;
    if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | (bytes[p + 1] as u32 & 0x3F), 2)
    } else if b0 < 0xF0 {
        let c = ((b0 & 0x0F) << 12)
            | ((bytes[p + 1] as u32 & 0x3F) << 6)
            | (bytes[p + 2] as u32 & 0x3F);
        (c, 3)
    } else {
        let c = ((b0 & 0x07) << 18)
            | ((bytes[p + 1] as u32 & 0x3F) << 12)
            | ((bytes[p + 2] as u32 & 0x3F) << 6)
            | (bytes[p + 3] as u32 & 0x3F);
        (c, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every embedded step, then `user`.
    fn every_step_and(user: &Trie) -> impl Iterator<Item = &Trie> {
        let embedded = (0..super::super::tables::TRIE_RANGES.len()).map(|id| {
            let trie: &Trie = super::super::builtin_trie(id);
            trie
        });
        embedded.chain([user])
    }

    /// What `direct` says of a character, alone and before each character that
    /// continues a key from it and a few that do not, is what a walk of the trie from it
    /// does, in every embedded step and in a user's dictionary.
    #[test]
    fn direct_words_agree_with_the_walk() {
        let entries = [
            ("乾", "干"),
            ("乾隆", "乾隆"),
            ("后", "後"),
            ("台", "台"),
            ("门", "門们"),
        ];
        let user = Trie::from_entries(&entries.map(|(k, v)| (k.into(), v.into())).to_vec());
        let (mut fast, mut walked) = (0, 0);
        for trie in every_step_and(&user) {
            let v = trie.view();
            for c in (DIRECT_FROM..DIRECT_TO).filter_map(char::from_u32) {
                let node = v.root(c as u32);
                let (first, count) = if node == 0 { (0, 0) } else { v.children(node) };
                let continuing = v.child_chars[first..first + count].iter();
                let after = continuing.filter_map(|&n| char::from_u32(n)).map(Some);
                for next in [None, Some('的'), Some('。'), Some('a')]
                    .into_iter()
                    .chain(after)
                {
                    let text: String = [Some(c), next].into_iter().flatten().collect();
                    let (bytes, clen) = (text.as_bytes(), c.len_utf8());
                    let m = (node != 0)
                        .then(|| v.longest(bytes, 0, bytes.len(), (c as u32, node), clen))
                        .flatten();
                    match v.direct(bytes, 0, bytes.len(), c as u32, clen) {
                        Direct::Walk => walked += 1,
                        Direct::Copy { note } => {
                            assert!(m.is_none_or(|m| m.len == clen && v.is_identity(m.node)));
                            assert_eq!(note, v.starts_change(c as u32));
                            fast += 1;
                        }
                        Direct::Char { value, note } => {
                            let m = m.expect("a key of its own");
                            assert!(m.len == clen && !v.is_identity(m.node));
                            assert_eq!(v.value(m.node), value.to_string());
                            assert_eq!(note, v.starts_change(value as u32));
                            fast += 1;
                        }
                    }
                }
            }
        }
        // Walks are what keys longer than a character, and values longer than one, need.
        assert!(walked < fast / 2, "{walked} walks, {fast} direct");
    }

    /// The build notes whether some value holds a compatibility ideograph, as a scan of the
    /// values finds.
    #[test]
    fn the_ideograph_flag_agrees_with_the_values() {
        let with = Trie::from_entries(&vec![("a".into(), "\u{F900}".into())]);
        let without = Trie::from_entries(&vec![("a".into(), "b".into())]);
        assert!(with.values_hold_compatibility_ideograph());
        assert!(!without.values_hold_compatibility_ideograph());
        for trie in every_step_and(&with) {
            assert_eq!(
                trie.values_hold_compatibility_ideograph(),
                super::super::may_hold_compatibility_ideograph(&trie.values)
            );
        }
    }

    /// The hashed first steps find each key's second node as the child search does, and
    /// nothing where no key continues.
    #[test]
    fn second_steps_agree_with_the_children() {
        let entries = [("乾隆", "乾隆"), ("门", "門们")];
        let user = Trie::from_entries(&entries.map(|(k, v)| (k.into(), v.into())).to_vec());
        let mut edges = 0;
        for trie in every_step_and(&user) {
            let v = trie.view();
            for c in 0..STARTER_LIMIT {
                let node = v.root(c);
                if node == 0 {
                    continue;
                }
                let (first, count) = v.children(node);
                for &next in &v.child_chars[first..first + count] {
                    assert_eq!(v.second(c, next), v.child(node, next), "{c:X} {next:X}");
                    assert_ne!(v.second(c, next), 0);
                    edges += 1;
                }
                for next in ['的', '。', 'a', '\u{10FFFF}'].map(u32::from) {
                    assert_eq!(v.second(c, next), v.child(node, next), "{c:X} {next:X}");
                }
            }
        }
        assert!(edges > 50_000, "{edges} edges");
    }
}
