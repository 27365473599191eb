//! Cutting a long text into segments the pipeline can run on one by one, or in parallel,
//! with memory bounded by the segment size.
//!
//! Where a segment ends depends on the text alone, never on how it arrived: the first
//! line end at least [`SEGMENT_MIN`] bytes in. No stage looks across a line end (OpenCC's
//! phrases, mojibake runs and pinyin annotations never span one), so a phrase or a
//! garbled sequence is never cut. A line longer than [`SEGMENT_MAX`] is cut after a
//! sentence end, else after a space, else after ASCII, within its last quarter.
//! A document no longer than `SEGMENT_MIN` is one segment: evidence a stage gathers
//! from the whole document (`space`'s letter-spacing, `repair`'s mojibake layers) is
//! gathered per segment of a longer one.

/// A segment ends at the first line end at least this many bytes in.
pub const SEGMENT_MIN: usize = 1 << 20;
/// Past this many bytes with no line end, a segment is cut inside its line. Only lines
/// of a quarter megabyte or more are ever cut; they are rare, and the line-wide analyses
/// of `punct` cost tens of bytes per character of a line.
pub const SEGMENT_MAX: usize = SEGMENT_MIN + SEGMENT_MIN / 4;

/// Collects text and gives it back in segments.
#[derive(Debug, Clone)]
pub struct Segmenter {
    pending: String,
    /// Bytes of `pending` already searched for a line end.
    searched: usize,
    min: usize,
    max: usize,
    whole_lines: bool,
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::with_sizes(SEGMENT_MIN, SEGMENT_MAX)
    }
}

impl Segmenter {
    pub fn new() -> Segmenter {
        Segmenter::default()
    }

    /// Segments of other sizes (`min` ≥ 1, `max` ≥ `min`), for tests and small memory.
    pub fn with_sizes(min: usize, max: usize) -> Segmenter {
        let min = min.max(1);
        Segmenter {
            pending: String::new(),
            searched: 0,
            min,
            max: max.max(min),
            whole_lines: false,
        }
    }

    /// Never cut inside a line, however long (JSONL, where a line is one record).
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
        let bytes = self.pending.as_bytes();
        let from = self.searched.max(self.min - 1);
        let limit = if self.whole_lines {
            bytes.len()
        } else {
            bytes.len().min(self.max)
        };
        let cut = if from < limit {
            match memchr::memchr(b'\n', &bytes[from..limit]) {
                Some(i) => Some(from + i + 1),
                None => {
                    self.searched = limit;
                    None
                }
            }
        } else {
            None
        };
        let cut = match cut {
            Some(cut) => cut,
            None if !self.whole_lines && bytes.len() >= self.max => self.cut_inside_line(),
            None if end_of_text => bytes.len(),
            None => return None,
        };
        self.searched = 0;
        // The text after the cut starts the next segment, in a buffer sized for one: grown
        // from the tail's size, it would be copied again at each doubling.
        let mut rest =
            String::with_capacity((self.pending.len() - cut).max(self.min + self.min / 2));
        rest.push_str(&self.pending[cut..]);
        self.pending.truncate(cut);
        Some(std::mem::replace(&mut self.pending, rest))
    }

    /// Where to cut a line longer than `max`: after the last sentence end, space or ASCII
    /// character in its last quarter, else at the last character boundary.
    fn cut_inside_line(&self) -> usize {
        let window_start = self.max - self.max / 4;
        let text = &self.pending[..floor_boundary(&self.pending, self.max)];
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
        let text = "第一行，很长的一行。\n二\n第三行很长很长很长。第三行还在继续 and on\n末行";
        let whole = segments(text, usize::MAX, 12, 40);
        assert_eq!(whole.concat(), text);
        assert!(whole.iter().all(|s| !s.is_empty()));
        for piece in 1..=text.chars().count() {
            assert_eq!(segments(text, piece, 12, 40), whole, "pieces of {piece}");
        }
        // Line ends are preferred; the long third line is cut after a sentence.
        assert_eq!(whole[0], "第一行，很长的一行。\n");
        assert_eq!(whole[1], "二\n第三行很长很长很长。");
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
