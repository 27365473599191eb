//! Cutting a long text into segments the pipeline can run on one by one, or in parallel,
//! with memory bounded by the segment size.
//!
//! Where a segment ends depends on the text alone, never on how it arrived: right after
//! its [`SEGMENT_LINES`]th line end (LF, CRLF or a lone CR). No stage looks across a line
//! end (OpenCC's phrases, mojibake runs and pinyin annotations never span one), so a
//! phrase or a garbled sequence is never cut. Counted in lines, the cuts of a text and of
//! its normalized form fall between the same lines, since normalizing keeps every line
//! end: the evidence a stage gathers from a segment (`space`'s letter-spacing, `repair`'s
//! mojibake layers) is the same on a second run, which therefore changes nothing. (Cut
//! by bytes, the segments moved as the text grew or shrank, and a second run in `search`
//! mode joined `表 就` that the first, seeing other lines, had left.)
//!
//! Lines longer than 512 bytes on average (`SEGMENT_MAX / SEGMENT_LINES`) bound the
//! segment by bytes instead: it ends at its last line end within [`SEGMENT_MAX`] bytes,
//! and a line that starts a segment and is longer than [`SEGMENT_LINE_MAX`] is cut after
//! a sentence end, else after a space, else after ASCII, within its last quarter. A
//! document of at most `SEGMENT_LINES` lines and `SEGMENT_MAX` bytes is one segment.
//!
//! A cut never falls inside a block of code `punct` keeps as it is (a fenced block, a
//! `<pre>` or `<script>` element) that opened after the segment's first line: the
//! segment ends before the line that opens it, and the next starts with the block whole.
//! Cut inside one, the lines after the cut were prose to the next segment, and its
//! closing fence opened a block that ran on over the prose after it. Elsewhere, what a
//! stage knows of the lines before a cut is lost there: the words a letter-spaced title
//! may be joined by, a man page's tables. Fewer cuts lose less; 8,192 lines made those of
//! the Debian corpora (about 425 KB each) change 7 lines in 37 MB against 1 MB cut by
//! bytes, all of them a space between Han kept that the larger segment had evidence to
//! join.

/// A segment ends right after this many line ends.
pub const SEGMENT_LINES: usize = 8192;
/// A segment holds at most this many bytes: past it, it ends at its last line end.
pub const SEGMENT_MAX: usize = 4 << 20;
/// A line longer than this that starts a segment is cut inside: such lines are rare, and
/// the line-wide analyses of `punct` cost tens of bytes per character of a line.
pub const SEGMENT_LINE_MAX: usize = (1 << 20) + (1 << 18);

/// Collects text and gives it back in segments.
#[derive(Debug, Clone)]
pub struct Segmenter {
    pending: String,
    /// Bytes of `pending` already searched for line ends, how many were found there, and
    /// where the last one found within `max` ends (0 for none).
    searched: usize,
    line_ends: usize,
    last_end: usize,
    /// Where the block the block count last declined ends: up to there, line ends are
    /// found one at a time (see [`Self::count_plain_lines`]).
    slow_until: usize,
    lines: usize,
    max: usize,
    line_max: usize,
    whole_lines: bool,
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter {
            line_max: SEGMENT_LINE_MAX,
            ..Segmenter::with_sizes(SEGMENT_LINES, SEGMENT_MAX)
        }
    }
}

impl Segmenter {
    pub fn new() -> Segmenter {
        Segmenter::default()
    }

    /// Segments of other sizes: `lines` line ends (≥ 1), at most `max` bytes (≥ 1), a
    /// first line cut past five eighths of `max`; for tests and small memory.
    pub fn with_sizes(lines: usize, max: usize) -> Segmenter {
        let max = max.max(1);
        Segmenter {
            pending: String::new(),
            searched: 0,
            line_ends: 0,
            last_end: 0,
            slow_until: 0,
            lines: lines.max(1),
            max,
            line_max: max - max / 8 * 3,
            whole_lines: false,
        }
    }

    /// Never cut inside a line, however long (JSONL, where a line is one record): a line
    /// longer than `max` is a segment of its own.
    pub fn whole_lines(mut self) -> Segmenter {
        self.whole_lines = true;
        self
    }

    /// The text waiting to be cut into segments.
    pub fn pending(&self) -> &str {
        &self.pending
    }

    /// Adds text at the end.
    pub fn push(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// Lets `append` add text at the end of what is pending, in place: a decoder writes
    /// straight into it, with no copy in between. Text it did not add must stay as it is.
    pub fn append_with<R>(&mut self, append: impl FnOnce(&mut String) -> R) -> R {
        let before = self.pending.len();
        let result = append(&mut self.pending);
        debug_assert!(self.pending.len() >= before, "text pending was removed");
        result
    }

    /// The next complete segment, if the text so far holds one; with `end_of_text`, what
    /// is left counts as complete.
    pub fn next_segment(&mut self, end_of_text: bool) -> Option<String> {
        if self.pending.is_empty() {
            return None;
        }
        let cut = match self.find_cut(end_of_text) {
            Some(cut) => cut,
            None if end_of_text => self.pending.len(),
            None => return None,
        };
        (
            self.searched,
            self.line_ends,
            self.last_end,
            self.slow_until,
        ) = (0, 0, 0, 0);
        // The text after the cut starts the next segment, in a buffer sized for one: grown
        // from the tail's size, it would be copied again at each doubling.
        let mut rest = String::with_capacity((self.pending.len() - cut).max(cut + cut / 2));
        rest.push_str(&self.pending[cut..]);
        self.pending.truncate(cut);
        Some(std::mem::replace(&mut self.pending, rest))
    }

    /// Where the segment pending ends, once the text so far shows it: after its `lines`th
    /// line end within `max` bytes; else, once more than `max` bytes are pending, after
    /// its last line end within them, or inside its one line (see [`Self::cut_inside_line`]),
    /// or (whole lines) after the line. Line ends already counted are not read again.
    fn find_cut(&mut self, end_of_text: bool) -> Option<usize> {
        loop {
            self.count_plain_lines();
            let bytes = self.pending.as_bytes();
            let Some(k) = memchr::memchr2(b'\n', b'\r', &bytes[self.searched..]) else {
                self.searched = bytes.len();
                break;
            };
            let at = self.searched + k;
            let end = match (bytes[at], bytes.get(at + 1)) {
                (b'\r', Some(b'\n')) => at + 2,
                // A CR last of what arrived may be the start of a CRLF.
                (b'\r', None) if !end_of_text => break,
                _ => at + 1,
            };
            if self.last_end == 0 && end > self.line_max && !self.whole_lines {
                // The segment's first line is too long to go whole.
                return Some(self.cut_inside_line());
            }
            if end > self.max {
                // Past the bound: the line this ends is the segment's only one.
                if self.whole_lines && self.last_end == 0 {
                    return Some(end);
                }
                break;
            }
            self.searched = end;
            self.line_ends += 1;
            self.last_end = end;
            if self.line_ends == self.lines {
                return Some(self.cut_outside_code(end));
            }
        }
        // A first line longer than a segment's share for one line is cut inside, as soon as
        // that many bytes show it; shorter lines end segments whole.
        let bytes = self.pending.as_bytes();
        if self.last_end == 0 && !self.whole_lines && bytes.len() > self.line_max {
            return Some(self.cut_inside_line());
        }
        if bytes.len() <= self.max {
            return None;
        }
        match self.last_end {
            0 if self.whole_lines => None,
            0 => Some(self.cut_inside_line()),
            end => Some(end),
        }
    }

    /// Counts the line ends of the text pending from `searched` on a block at a time, up
    /// to the block that holds the `lines`th or a CR, or reaches past `max`: there the
    /// search goes on a line end at a time. (One search per line end was a twentieth of
    /// the time clean text took.) Only once the segment's first line is known to end.
    fn count_plain_lines(&mut self) {
        const BLOCK: usize = 16 << 10;
        if self.last_end == 0 || self.whole_lines || self.searched < self.slow_until {
            return;
        }
        let bytes = self.pending.as_bytes();
        loop {
            let end = (self.searched + BLOCK).min(bytes.len()).min(self.max);
            if end <= self.searched {
                return;
            }
            let block = &bytes[self.searched..end];
            // (memchr's count is a vector count, as the decoder's line count is.)
            let lfs = memchr::memchr_iter(b'\n', block).count();
            let last = memchr::memrchr(b'\n', block);
            let cr = memchr::memchr(b'\r', block).is_some();
            if cr || self.line_ends + lfs >= self.lines || last.is_none() {
                // (A block not yet whole, at the end of what arrived, is looked at again
                // once more has.)
                if end < bytes.len() || end == self.max {
                    self.slow_until = end;
                }
                return;
            }
            self.line_ends += lfs;
            self.last_end = self.searched + last.expect("a line end") + 1;
            self.searched = self.last_end;
        }
    }

    /// Where to cut at the `lines`th line end, `end`: there, unless a block of code is
    /// open there (see [`crate::punct::code_block_open_at`]); then before the line that
    /// opens it, so that the next segment starts with the block whole. One open since
    /// the segment's first line is cut at `end`. (Read from the text before `end` alone,
    /// and the blocks of a text and of its normalized form are the same: the cuts still
    /// depend on the text alone.)
    fn cut_outside_code(&self, end: usize) -> usize {
        if self.whole_lines {
            return end;
        }
        let mut cut = end;
        // (A block opened inside one opened before it: back to the outer one's opening.)
        while let Some(open) = crate::punct::code_block_open_at(&self.pending, cut) {
            if open == 0 || open >= cut {
                return end;
            }
            cut = open;
        }
        cut
    }

    /// Where to cut a line longer than `line_max`: after the last sentence end, space or ASCII
    /// character in its last quarter, else at the last character boundary.
    fn cut_inside_line(&self) -> usize {
        let line_max = self.line_max;
        let window_start = line_max - line_max / 4;
        let text = &self.pending[..floor_boundary(&self.pending, line_max)];
        let window_start = floor_boundary(text, window_start);
        let window = &text[window_start..];
        let after = |pred: &dyn Fn(char) -> bool| {
            window
                .char_indices()
                .filter(|&(_, c)| pred(c))
                .last()
                .map(|(i, c)| window_start + i + c.len_utf8())
        };
        after(&|c| matches!(c, '。' | '！' | '？' | '；' | '.' | '!' | '?' | ';'))
            .or_else(|| after(&|c| c.is_whitespace()))
            .or_else(|| after(&|c| c.is_ascii()))
            .filter(|&cut| cut > 0)
            .unwrap_or_else(|| text.len().max(next_boundary(&self.pending, 1)))
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn next_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(text: &str, piece: usize, min: usize, max: usize) -> Vec<String> {
        let mut s = Segmenter::with_sizes(min, max);
        let mut out = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        for chunk in chars.chunks(piece) {
            s.push(&chunk.iter().collect::<String>());
            while let Some(seg) = s.next_segment(false) {
                out.push(seg);
            }
        }
        while let Some(seg) = s.next_segment(true) {
            out.push(seg);
        }
        out
    }

    #[test]
    fn cuts_depend_on_the_text_only() {
        let text = "第一行，\r\n二\r三\n第四行很长很长很长。第四行还在继续 and on\n五\n末行";
        let whole = segments(text, usize::MAX, 2, 40);
        assert_eq!(whole.concat(), text);
        assert!(whole.iter().all(|s| !s.is_empty()));
        for piece in 1..=text.chars().count() {
            assert_eq!(segments(text, piece, 2, 40), whole, "pieces of {piece}");
        }
        // Every second line end, a CRLF or a lone CR counting as one. The fourth line is
        // longer than five eighths of the bound (25 bytes) and starts a segment: it is cut
        // there, twice (no sentence end, space or ASCII falls in the last quarter), and
        // what is left of it ends the next segment with `五`.
        assert_eq!(
            whole,
            [
                "第一行，\r\n二\r",
                "三\n",
                "第四行很长很长很",
                "长。第四行还在继",
                "续 and on\n五\n",
                "末行"
            ]
        );
    }

    #[test]
    fn a_text_and_its_normalized_form_are_cut_between_the_same_lines() {
        // What the stages do to the length of a line (marks widened, spaces joined, CRLF and
        // CR made LF) moves no cut: segment by segment, the normalized text is the
        // normalized segments.
        let line = |k: usize| match k % 4 {
            0 => format!("第{k}行,有 逗 号.\r\n"),
            1 => format!("line {k}\r"),
            2 => "很长".repeat(k % 7 + 1) + "\n",
            _ => "\n".to_string(),
        };
        let text: String = (0..200).map(line).collect();
        let normalize = |s: &str| {
            s.replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace(',', "，")
                .replace('.', "。")
                .replace(' ', "")
        };
        let cut = segments(&text, 7, 16, 4096);
        assert!(cut.len() > 10);
        let normalized: Vec<String> = cut.iter().map(|s| normalize(s)).collect();
        assert_eq!(segments(&normalize(&text), 7, 16, 4096), normalized);
    }

    #[test]
    fn lines_longer_than_the_bound_end_segments_by_bytes() {
        // Lines of 10 bytes, at most 25 bytes a segment: two lines each, whatever `lines`.
        let text = "一二三\n".repeat(3) + "末";
        let whole = segments(&text, usize::MAX, 100, 25);
        assert_eq!(whole, ["一二三\n一二三\n", "一二三\n末"]);
        for piece in 1..=text.chars().count() {
            assert_eq!(segments(&text, piece, 100, 25), whole, "pieces of {piece}");
        }
    }

    #[test]
    fn no_segment_ends_inside_a_block_of_code() {
        // Every fourth line end, but not inside a fence or a `<pre>`: the segment ends
        // before the line that opens it, whatever pieces the text arrives in.
        let text = "一\n二\n```\n代码, \"a\"\n```\n三\n四\n五\n<pre>\nx, y\n</pre>\n六\n";
        let whole = segments(text, usize::MAX, 4, 4096);
        assert_eq!(
            whole,
            [
                "一\n二\n",
                "```\n代码, \"a\"\n```\n三\n",
                "四\n五\n",
                "<pre>\nx, y\n</pre>\n六\n"
            ]
        );
        for piece in 1..=text.chars().count() {
            assert_eq!(segments(text, piece, 4, 4096), whole, "pieces of {piece}");
        }
        // A block longer than a segment, open since its first line, is cut where the
        // lines were counted.
        let long = "```\n".to_string() + &"代码\n".repeat(20) + "```\n";
        assert_eq!(
            segments(&long, usize::MAX, 4, 4096)[0],
            "```\n代码\n代码\n代码\n"
        );
    }

    #[test]
    fn whole_lines_are_never_cut() {
        let line = "很".repeat(100);
        let mut s = Segmenter::with_sizes(4, 8).whole_lines();
        s.push(&line);
        assert_eq!(s.next_segment(false), None);
        s.push("\n下一行");
        assert_eq!(s.next_segment(false), Some(format!("{line}\n")));
        assert_eq!(s.next_segment(true).as_deref(), Some("下一行"));
    }
}
