//! What the formats' tests share: the default pipeline, and notes nobody reads.

use zhnorm::Pipeline;

use super::Notes;

/// The default pipeline (t2s), built once.
pub fn pipeline() -> &'static Pipeline {
    static PIPELINE: std::sync::LazyLock<Pipeline> = std::sync::LazyLock::new(|| {
        Pipeline::with_selection(
            Some(zhnorm::Converter::new(zhnorm::Config::T2S)),
            &zhnorm::StageSelection::default(),
        )
    });
    &PIPELINE
}

/// Notes that add the stages to `stages` and read no script.
pub fn notes<'a>(stages: &'a mut Vec<&'static str>) -> Notes<'a> {
    Notes {
        stages,
        script: None,
    }
}
