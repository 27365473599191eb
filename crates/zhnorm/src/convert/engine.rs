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
    convert_span_with::<false>(t, src, start, end, out, &mut Vec::new());
}

/// [`convert_span`], also noting in `starters`, when `NOTE`, the output offset of every
/// character written for which [`TrieRef::starts_change`] holds: the only places where
/// converting the output again with `t` could change it. The fixed-point check then looks
/// there alone, without reading the output again.
#[inline(always)]
pub(crate) fn convert_span_with<const NOTE: bool>(
    t: &TrieRef,
    src: &str,
    start: usize,
    end: usize,
    out: &mut Lazy,
    starters: &mut Vec<usize>,
) {
    let bytes = src.as_bytes();
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
        // Most characters of Chinese text start no key longer than themselves.
        match t.direct(c) {
            Direct::Walk => {}
            Direct::Copy { note } => {
                if NOTE && note {
                    starters.push(out.offset_of(p));
                }
                p += clen;
                continue;
            }
            Direct::Char { value, note } => {
                if NOTE && note {
                    starters.push(out.offset_of(p));
                }
                out.replace_char(src, p, p + clen, value);
                p += clen;
                continue;
            }
        }
        let first = t.root(c);
        if first != 0 {
            if let Some(m) = t.longest(bytes, p, end, first, clen) {
                if NOTE && t.value_starts_change(m.node) {
                    note_starters(t, t.value(m.node), out.offset_of(p), starters);
                }
                if !t.is_identity(m.node) {
                    out.replace(src, p, p + m.len, t.value(m.node));
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
            if copied == clen {
                if t.starts_change(c) {
                    starters.push(out.offset_of(p));
                }
            } else {
                note_starters(t, &src[p..p + copied], out.offset_of(p), starters);
            }
        }
        p += copied;
    }
}

/// Notes the offsets of the characters of `written` (output from offset `at` on) that
/// start a key of `t` that may change text.
fn note_starters(t: &TrieRef, written: &str, at: usize, starters: &mut Vec<usize>) {
    starters.extend(
        written
            .char_indices()
            .filter(|&(_, c)| t.starts_change(c as u32))
            .map(|(k, _)| at + k),
    );
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
            if let Some(m) = t.longest(bytes, p, end, first, clen) {
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
