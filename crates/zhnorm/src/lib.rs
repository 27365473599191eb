//! zhnorm turns messy Chinese text into clean, consistent text.
//!
//! Text goes through named stages — `repair`, `pinyin`, `unicode`, `convert`, `punct`,
//! `space` — each returning its input borrowed when it changes nothing. This version
//! implements `convert`: script conversion identical to OpenCC 1.4.2 in all 16 of its
//! configs, over OpenCC's own dictionaries compiled into the library.
//!
//! ```
//! use zhnorm::{Config, Converter};
//!
//! let t2s = Converter::new(Config::T2S);
//! assert_eq!(t2s.convert("俄總理米舒斯京：真誠願意進一步強化中俄戰略夥伴關係"),
//!            "俄总理米舒斯京：真诚愿意进一步强化中俄战略伙伴关系");
//! // Nothing to change: the input comes back borrowed, with no allocation.
//! assert!(matches!(t2s.convert("简体中文"), std::borrow::Cow::Borrowed(_)));
//! ```
//!
//! The library does no I/O and keeps no mutable global state; the compiled dictionaries
//! are read-only and parsed lazily on first use.

pub mod convert;
pub mod decode;
mod error;
pub mod pipeline;

pub use convert::{classify, Config, Converter, ConverterBuilder, Policy, Script, ScriptReport};
pub use error::{Error, ErrorKind};
pub use pipeline::{Normalized, Pipeline, Stage, StageSelection};

use std::borrow::Cow;
use std::sync::LazyLock;

static DEFAULT_PIPELINE: LazyLock<Pipeline> = LazyLock::new(|| {
    Pipeline::with_selection(
        Some(Converter::new(Config::T2S)),
        &StageSelection::default(),
    )
});

/// Normalizes `text` with the default pipeline (converting to Simplified Chinese).
///
/// ```
/// assert_eq!(zhnorm::normalize("中俄關係"), "中俄关系");
/// ```
pub fn normalize(text: &str) -> Cow<'_, str> {
    DEFAULT_PIPELINE.run(text).text
}
