//! OpenCC's matching loop, reproduced exactly: max-match conversion of a span with one
//! step's trie, max-match segmentation, and atomic ideographic description sequences.
//!
//! At every position OpenCC tries the dictionary first; with no match, a complete
//! ideographic description sequence (IDS, e.g. `⿰車專`) is copied whole so that its
//! components are never converted; otherwise one character is copied.

use std::borrow::Cow;

use super::trie::{decode, Direct, TrieRef};

/// Output built lazily over one source text: nothing is written until the first change,
/// and unchanged stretches are copied in one piece.
pub(crate) struct Lazy {
    pub buf: String,
    /// Source offset up to which `buf` holds the output.
    pub copied: usize,
    pub changed: bool,
    /// Bytes to reserve at the first change: the whole text for a top-level output,
    /// nothing extra for a segment's scratch buffer.
    reserve: usize,
}

impl Lazy {
    /// Output for the whole of a source of `len` bytes.
    pub fn new(len: usize) -> Lazy {
        let mut out = Lazy::with_buf(String::new(), 0);
        out.reserve = len + len / 8;
        out
    }

    /// Like `new`, writing into `buf` (cleared) to reuse its allocation.
    pub fn reusing(mut buf: String, start: usize) -> Lazy {
        buf.clear();
        Lazy::with_buf(buf, start)
    }

    fn with_buf(buf: String, start: usize) -> Lazy {
        Lazy {
            buf,
            copied: start,
            changed: false,
            reserve: 0,
        }
    }

    /// Ends the output at source offset `end`, copying what is left after the last change.
    pub fn finish(&mut self, src: &str, end: usize) {
        if self.changed {
            self.buf.push_str(&src[self.copied..end]);
            self.copied = end;
        }
    }

    /// The whole output for `src` (which must start at offset 0).
    pub fn into_cow(mut self, src: &str) -> Cow<'_, str> {
        if !self.changed {
            return Cow::Borrowed(src);
        }
        self.finish(src, src.len());
        Cow::Owned(self.buf)
    }

    /// Where source offset `at` (not yet passed) lands in the output.
    #[inline(always)]
    pub fn offset_of(&self, at: usize) -> usize {
        if self.changed {
            self.buf.len() + (at - self.copied)
        } else {
            at
        }
    }

    /// Writes `value` in place of `src[start..end]` (byte offsets into the source).
    #[inline]
    pub fn replace(&mut self, src: &str, start: usize, end: usize, value: &str) {
        if !self.changed {
            self.changed = true;
            self.buf.reserve(self.reserve);
        }
        self.buf.push_str(&src[self.copied..start]);
        self.buf.push_str(value);
        self.copied = end;
    }

    /// [`Lazy::replace`] with a value of one character: most changes, written without
    /// reading a value string.
    #[inline(always)]
    pub fn replace_char(&mut self, src: &str, start: usize, end: usize, value: char) {
        if !self.changed {
            self.changed = true;
            self.buf.reserve(self.reserve);
        }
        if self.copied < start {
            self.buf.push_str(&src[self.copied..start]);
        }
        self.buf.push(value);
        self.copied = end;
    }
}

/// Converts `src[start..end]` with one step, as OpenCC's `Conversion` does on a segment,
/// writing each change to `out`.
#[inline]
pub(crate) fn convert_span(t: &TrieRef, src: &str, start: usize, end: usize, out: &mut Lazy) {
    convert_span_with::<false>(t, src, start, end, out, &mut Starters::default());
}

/// The places where converting an output again with the same step could change it: the
/// output offsets of the characters written that start a key that may change text, and
/// that change alone or stand before a character such a key may go on with. (The pair is
/// known once the next character is written.) The fixed-point check looks there alone.
#[derive(Default)]
pub(crate) struct Starters {
    pub offsets: Vec<usize>,
    /// The last character noted, and its offset, while the character after it is unknown.
    pending: Option<(u32, usize)>,
}

impl Starters {
    /// Notes character `c`, written at output offset `at`, if it starts a key that may
    /// change text.
    #[inline(always)]
    fn note(&mut self, t: &TrieRef, c: u32, at: usize) {
        if t.changes_alone(c) {
            self.offsets.push(at);
        } else {
            self.pending = Some((c, at));
        }
    }

    /// The character written next is `next`: the pending one is kept if a key that may
    /// change text may start with the two.
    #[inline(always)]
    fn followed_by(&mut self, t: &TrieRef, next: u32) {
        if let Some((c, at)) = self.pending.take() {
            if t.may_change_with(c, next) {
                self.offsets.push(at);
            }
        }
    }

    /// Follows the pending character with `written`, output from offset `at` on, and
    /// notes its characters.
    fn written(&mut self, t: &TrieRef, written: &str, at: usize) {
        for (k, c) in written.char_indices() {
            self.followed_by(t, c as u32);
            if t.starts_change(c as u32) {
                self.note(t, c as u32, at + k);
            }
        }
    }
}

/// [`convert_span`], also noting in `starters`, when `NOTE`, where converting the output
/// again with `t` could change it (see [`Starters`]), so that the fixed-point check need
/// not read the output again.
#[inline(always)]
pub(crate) fn convert_span_with<const NOTE: bool>(
    t: &TrieRef,
    src: &str,
    start: usize,
    end: usize,
    out: &mut Lazy,
    starters: &mut Starters,
) {
    let bytes = src.as_bytes();
    let mut p = start;
    while p < end {
        if bytes[p] < 0x80 {
            let q = t.skip_keyless_ascii(bytes, p, end);
            if q > p {
                if NOTE {
                    starters.followed_by(t, bytes[p] as u32);
                }
                p = q;
                continue;
            }
            if !t.may_start_key_at(bytes, p, end) {
                if NOTE {
                    starters.written(t, &src[p..p + 1], out.offset_of(p));
                }
                p += 1;
                continue;
            }
        }
        let (c, clen) = decode(bytes, p);
        // Most characters of Chinese text start no key with the character after them.
        match t.direct(bytes, p, end, c, clen) {
            Direct::Walk => {}
            Direct::Copy { note } => {
                if NOTE {
                    starters.followed_by(t, c);
                    if note {
                        starters.note(t, c, out.offset_of(p));
                    }
                }
                p += clen;
                continue;
            }
            Direct::Char { value, note } => {
                if NOTE {
                    starters.followed_by(t, value as u32);
                    if note {
                        starters.note(t, value as u32, out.offset_of(p));
                    }
                }
                out.replace_char(src, p, p + clen, value);
                p += clen;
                continue;
            }
        }
        let first = t.root(c);
        if first != 0 {
            if let Some(m) = t.longest(bytes, p, end, (c, first), clen) {
                let value = t.value(m.node);
                if NOTE {
                    if t.value_starts_change(m.node) {
                        starters.written(t, value, out.offset_of(p));
                    } else if let Some(first) = value.chars().next() {
                        starters.followed_by(t, first as u32);
                    }
                }
                if !t.is_identity(m.node) {
                    out.replace(src, p, p + m.len, value);
                }
                p += m.len;
                continue;
            }
        }
        let copied = if is_idc(c) {
            ids_len(bytes, p, end).unwrap_or(clen)
        } else {
            clen
        };
        if NOTE {
            starters.written(t, &src[p..p + copied], out.offset_of(p));
        }
        p += copied;
    }
}

/// Splits `src[start..end]` as OpenCC's max-match segmentation does, calling `segment`
/// with each segment's range and, for a dictionary match, its node; runs between matches
/// come whole, with `None`.
pub(crate) fn segment(
    t: &TrieRef,
    src: &str,
    start: usize,
    end: usize,
    mut segment: impl FnMut(usize, usize, Option<u32>),
) {
    let bytes = src.as_bytes();
    let mut run = start;
    let mut p = start;
    while p < end {
        if bytes[p] < 0x80 {
            let q = t.skip_keyless_ascii(bytes, p, end);
            if q > p {
                p = q;
                continue;
            }
        }
        let (c, clen) = decode(bytes, p);
        let first = t.root(c);
        if first != 0 {
            if let Some(m) = t.longest(bytes, p, end, (c, first), clen) {
                if run < p {
                    segment(run, p, None);
                }
                segment(p, p + m.len, Some(m.node));
                p += m.len;
                run = p;
                continue;
            }
        }
        p += if is_idc(c) {
            ids_len(bytes, p, end).unwrap_or(clen)
        } else {
            clen
        };
    }
    if run < end {
        segment(run, end, None);
    }
}

/// Ideographic description characters: U+2FF0–U+2FFF.
#[inline(always)]
pub(crate) fn is_idc(c: u32) -> bool {
    (0x2FF0..=0x2FFF).contains(&c)
}

/// How many operands each description character takes.
fn idc_arity(c: u32) -> usize {
    match c {
        0x2FF2 | 0x2FF3 => 3,
        0x2FFE | 0x2FFF => 1,
        _ => 2,
    }
}

/// OpenCC gives up on sequences nested deeper than this.
const IDS_MAX_DEPTH: usize = 15;

/// Byte length of the complete IDS starting at `p` (which holds a description character),
/// or `None` when it is incomplete before `end` or nested too deeply. Any character can
/// be an operand; a description character as an operand must itself be complete.
pub(crate) fn ids_len(bytes: &[u8], p: usize, end: usize) -> Option<usize> {
    // Iterative, so hostile input cannot overflow the stack: `pending` counts the operands
    // still owed at each open level.
    let mut pending: [usize; IDS_MAX_DEPTH] = [0; IDS_MAX_DEPTH];
    let mut depth = 0usize;
    let mut q = p;
    loop {
        if q >= end {
            return None;
        }
        let (c, len) = decode(bytes, q);
        if q + len > end {
            return None;
        }
        q += len;
        if is_idc(c) {
            if depth == IDS_MAX_DEPTH {
                return None;
            }
            pending[depth] = idc_arity(c);
            depth += 1;
        } else if depth == 0 {
            return None; // not called on a description character
        } else {
            // One operand done; close every level it completes.
            loop {
                pending[depth - 1] -= 1;
                if pending[depth - 1] > 0 {
                    break;
                }
                depth -= 1;
                if depth == 0 {
                    return Some(q - p);
                }
            }
        }
    }
}
