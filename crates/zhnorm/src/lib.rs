//! zhnorm turns messy Chinese text into clean, consistent text.
//!
//! Text goes through named stages — `repair`, `pinyin`, `unicode`, `convert`, `punct`,
//! `space` — each returning its input borrowed when it changes nothing: `repair`
//! (mojibake, HTML entities, lost-text sentinels), `pinyin` (annotations injected after
//! characters), `unicode` (one form per character), `convert` (script conversion
//! identical to OpenCC 1.4.2 in all 16 of its configs, over OpenCC's own dictionaries
//! compiled into the library), `punct` (punctuation by context, [`PunctMode`]) and
//! `space`. Bytes become text first, in [`decode`].
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

mod chars;
pub mod convert;
pub mod decode;
mod error;
mod model;
pub mod pinyin;
pub mod pipeline;
pub mod punct;
pub mod repair;
pub mod stream;

pub use convert::{classify, Config, Converter, ConverterBuilder, Policy, Script, ScriptReport};
pub use error::{Error, ErrorKind};
pub use pinyin::PinyinStage;
pub use pipeline::{Normalized, Pipeline, Stage, StageSelection, WholeText};
pub use punct::{PunctMode, PunctStage, SpaceStage, UnicodeStage};
pub use repair::RepairStage;

use std::borrow::Cow;
use std::sync::LazyLock;

static DEFAULT_PIPELINE: LazyLock<Pipeline> = LazyLock::new(|| {
    Pipeline::with_selection(
        Some(Converter::new(Config::T2S)),
        &StageSelection::default(),
    )
});

/// Normalizes `text` with the default pipeline (converting to Simplified Chinese,
/// punctuation in `cjk` mode).
///
/// ```
/// assert_eq!(zhnorm::normalize("王毅表示,中俄關係"), "王毅表示，中俄关系");
/// ```
pub fn normalize(text: &str) -> Cow<'_, str> {
    DEFAULT_PIPELINE.run(text).text
}
