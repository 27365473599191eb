//! OpenCC's matching loop, reproduced exactly: max-match conversion of a span with one
//! step's trie, max-match segmentation, and atomic ideographic description sequences.
//!
//! At every position OpenCC tries the dictionary first; with no match, a complete
//! ideographic description sequence (IDS, e.g. `⿰車專`) is copied whole so that its
//! components are never converted; otherwise one character is copied.

use std::borrow::Cow;

use super::trie::{decode, TrieRef};

/// Receives a step's changes. Positions are byte offsets into the text being converted.
pub(crate) trait Sink {
    fn replace(&mut self, src: &str, start: usize, end: usize, value: &str);
    /// The value that ends at source offset `end` (replaced or kept) may leave the output
    /// short of a fixed point.
    fn risky(&mut self, end: usize);
}

/// Output built lazily over one source text: nothing is written until the first change,
/// and unchanged stretches are copied in one piece.
pub(crate) struct Lazy {
    pub buf: String,
    /// Source offset up to which `buf` holds the output.
    pub copied: usize,
    pub changed: bool,
    pub risky_count: usize,
    /// Output offsets just after each risky value, when tracking.
    pub risky_at: Vec<usize>,
    track_risky: bool,
    /// Bytes to reserve at the first change: the whole text for a top-level output,
    /// nothing extra for a segment's scratch buffer.
    reserve: usize,
}

impl Lazy {
    /// Output for the whole of a source of `len` bytes.
    pub fn new(len: usize, track_risky: bool) -> Lazy {
        let mut out = Lazy::with_buf(String::new(), 0, track_risky);
        out.reserve = len + len / 8;
        out
    }

    /// Like `new`, writing into `buf` (cleared) to reuse its allocation.
    pub fn reusing(mut buf: String, start: usize) -> Lazy {
        buf.clear();
        Lazy::with_buf(buf, start, false)
    }

    fn with_buf(buf: String, start: usize, track_risky: bool) -> Lazy {
        Lazy {
            buf,
            copied: start,
            changed: false,
            risky_count: 0,
            risky_at: Vec::new(),
            track_risky,
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
}

impl Sink for Lazy {
    #[inline]
    fn replace(&mut self, src: &str, start: usize, end: usize, value: &str) {
        if !self.changed {
            self.changed = true;
            self.buf.reserve(self.reserve);
        }
        self.buf.push_str(&src[self.copied..start]);
        self.buf.push_str(value);
        self.copied = end;
    }

    #[inline]
    fn risky(&mut self, end: usize) {
        self.risky_count += 1;
        if self.track_risky {
            // The output so far, plus the unchanged source since the last change.
            self.risky_at.push(self.buf.len() + (end - self.copied));
        }
    }
}

/// Converts `src[start..end]` with one step, as OpenCC's `Conversion` does on a segment,
/// reporting each change to `sink`, and flagging values whose node bit is set in `risky`.
#[inline]
pub(crate) fn convert_span<S: Sink>(
    t: &TrieRef,
    risky: &[u32],
    src: &str,
    start: usize,
    end: usize,
    sink: &mut S,
) {
    let bytes = src.as_bytes();
    let mut p = start;
    while p < end {
        let b = bytes[p];
        if b < 0x80 && t.ascii_clean {
            p += 1;
            continue;
        }
        let (c, clen) = decode(bytes, p);
        let first = t.root(c);
        if first != 0 {
            if let Some(m) = t.longest(bytes, p, end, first, clen) {
                if !t.is_identity(m.node) {
                    sink.replace(src, p, p + m.len, t.value(m.node));
                }
                if risky
                    .get(m.node as usize / 32)
                    .is_some_and(|w| w >> (m.node % 32) & 1 == 1)
                {
                    sink.risky(p + m.len);
                }
                p += m.len;
                continue;
            }
        }
        p += if is_idc(c) {
            ids_len(bytes, p, end).unwrap_or(clen)
        } else {
            clen
        };
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
        let b = bytes[p];
        if b < 0x80 && t.ascii_clean {
            p += 1;
            continue;
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
