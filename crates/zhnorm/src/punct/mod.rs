//! Punctuation, width, Unicode forms and whitespace, by context: the stages `unicode`,
//! `punct` and `space`.

mod marks;
mod protect;
pub(crate) mod space;
pub(crate) mod unicode;

use std::fmt;
use std::str::FromStr;

pub use marks::PunctStage;
pub use space::SpaceStage;
pub use unicode::UnicodeStage;

use crate::convert::Config;
use crate::error::{Error, ErrorKind};

/// Where the line that opens the block of code open at line start `at` of `text` (which
/// starts outside any) starts, if one is open there: a fenced code block, or a `<pre>` or
/// `<script>` element opened in the last 64 KiB, whose marks `punct` keeps; the earliest,
/// when several are. A cut of a long text at `at` would give the lines after it to a
/// segment that sees no opening, and takes the closing fence for one.
pub(crate) fn code_block_open_at(text: &str, at: usize) -> Option<usize> {
    [
        marks::fence_open_at(text, at),
        protect::verbatim_open_at(text, at),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// How the `punct` stage treats punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PunctMode {
    /// GB/T 15834-2011: Chinese punctuation after and between Han characters, “” quotes.
    Cjk,
    /// As `Cjk`, with 「」 and 『』 quotes; `‧` kept as Taiwan writes it.
    Tw,
    /// As `Tw`, for Hong Kong.
    Hk,
    /// Folded for a search index: full-width forms to ASCII, the ideographic space to a
    /// space, half-width katakana to full-width; `“”‘’。、《》…—·` kept, as an index
    /// tokenizer needs them to tell sentences and titles apart.
    Search,
    /// Punctuation left alone.
    Keep,
}

impl PunctMode {
    pub const ALL: [PunctMode; 5] = [
        PunctMode::Cjk,
        PunctMode::Tw,
        PunctMode::Hk,
        PunctMode::Search,
        PunctMode::Keep,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PunctMode::Cjk => "cjk",
            PunctMode::Tw => "tw",
            PunctMode::Hk => "hk",
            PunctMode::Search => "search",
            PunctMode::Keep => "keep",
        }
    }

    /// The mode that suits a conversion's target: `tw`/`hk` for Taiwan and Hong Kong
    /// targets, `keep` for Japanese, `cjk` otherwise (and without conversion).
    pub fn for_config(config: Option<Config>) -> PunctMode {
        use Config::*;
        match config {
            Some(S2TW | S2TWP | T2TW) => PunctMode::Tw,
            Some(S2HK | S2HKP | T2HK) => PunctMode::Hk,
            Some(T2JP) => PunctMode::Keep,
            _ => PunctMode::Cjk,
        }
    }
}

impl fmt::Display for PunctMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PunctMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<PunctMode, Error> {
        PunctMode::ALL
            .into_iter()
            .find(|m| m.name() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                Error::new(ErrorKind::UnknownPunctMode {
                    name: s.to_string(),
                })
            })
    }
}
