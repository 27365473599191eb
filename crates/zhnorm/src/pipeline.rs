//! The normalization pipeline: named stages run in a fixed order, each handing the next
//! a borrowed text when it changed nothing.
//!
//! Stage order is `repair`, `pinyin`, `unicode`, `convert`, `punct`, `space`. Decoding
//! bytes to text happens before the pipeline (see [`crate::decode`]) and is not a stage.

use std::borrow::Cow;

use crate::convert::{classify, Converter, ScriptReport};
use crate::error::{Error, ErrorKind};
use crate::pinyin::PinyinStage;
use crate::punct::{PunctMode, PunctStage, SpaceStage, UnicodeStage};
use crate::repair::RepairStage;

/// Every stage name, in the order stages run.
pub const STAGE_NAMES: [&str; 6] = ["repair", "pinyin", "unicode", "convert", "punct", "space"];

/// One concern of normalization.
pub trait Stage: Send + Sync {
    /// The name users give in `--only`/`--skip` and see in reports.
    fn name(&self) -> &'static str;
    /// The text with this stage applied; `Cow::Borrowed` exactly when nothing changed.
    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str>;
}

/// The `convert` stage: script conversion with a [`Converter`].
#[derive(Debug, Clone)]
pub struct ConvertStage(pub Converter);

impl Stage for ConvertStage {
    fn name(&self) -> &'static str {
        "convert"
    }

    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.0.convert(text)
    }
}

/// Which stages to run, from `--only` / `--skip` style lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSelection {
    enabled: [bool; STAGE_NAMES.len()],
}

impl Default for StageSelection {
    fn default() -> Self {
        StageSelection {
            enabled: [true; STAGE_NAMES.len()],
        }
    }
}

impl StageSelection {
    /// Only the listed stages (comma-separated). `decode` names no stage: `only("decode")`
    /// runs none, leaving just the decoding that precedes every pipeline.
    pub fn only(list: &str) -> Result<StageSelection, Error> {
        let mut enabled = [false; STAGE_NAMES.len()];
        for name in parse_list(list, true)? {
            enabled[name] = true;
        }
        Ok(StageSelection { enabled })
    }

    /// Every stage but the listed ones.
    pub fn skip(mut self, list: &str) -> Result<StageSelection, Error> {
        for name in parse_list(list, false)? {
            self.enabled[name] = false;
        }
        Ok(self)
    }

    pub fn contains(&self, stage: &str) -> bool {
        STAGE_NAMES
            .iter()
            .position(|s| *s == stage)
            .is_some_and(|i| self.enabled[i])
    }
}

/// Stage indices named in a comma list; `decode` is allowed (and ignored) where asked.
fn parse_list(list: &str, allow_decode: bool) -> Result<Vec<usize>, Error> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if allow_decode && name == "decode" {
            continue;
        }
        match STAGE_NAMES.iter().position(|s| *s == name) {
            Some(i) => out.push(i),
            None => {
                return Err(Error::new(ErrorKind::UnknownStage {
                    name: name.to_string(),
                }))
            }
        }
    }
    Ok(out)
}

/// A sequence of stages, built once and shared.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

/// What a pipeline run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized<'a> {
    pub text: Cow<'a, str>,
    /// Names of the stages that changed the text, in order.
    pub changed_by: Vec<&'static str>,
}

impl Pipeline {
    /// A pipeline of the given stages, run in the order given.
    pub fn new(stages: Vec<Box<dyn Stage>>) -> Pipeline {
        Pipeline { stages }
    }

    /// The default pipeline: every available stage, converting with `converter`
    /// (or not converting, with `None`) and punctuation in the mode that suits its
    /// target, as `selection` allows.
    pub fn with_selection(converter: Option<Converter>, selection: &StageSelection) -> Pipeline {
        let mode = PunctMode::for_config(converter.as_ref().map(Converter::config));
        Pipeline::with_options(converter, mode, selection)
    }

    /// Like [`Pipeline::with_selection`], with the punctuation mode given.
    pub fn with_options(
        converter: Option<Converter>,
        punct: PunctMode,
        selection: &StageSelection,
    ) -> Pipeline {
        let mut stages: Vec<Box<dyn Stage>> = Vec::new();
        if selection.contains("repair") {
            stages.push(Box::new(RepairStage));
        }
        if selection.contains("pinyin") {
            stages.push(Box::new(PinyinStage));
        }
        if selection.contains("unicode") {
            stages.push(Box::new(UnicodeStage));
        }
        if let Some(c) = converter.filter(|_| selection.contains("convert")) {
            stages.push(Box::new(ConvertStage(c)));
        }
        if selection.contains("punct") && punct != PunctMode::Keep {
            stages.push(Box::new(PunctStage::new(punct)));
        }
        if selection.contains("space") {
            stages.push(Box::new(SpaceStage));
        }
        Pipeline { stages }
    }

    /// The stages, in the order they run.
    pub fn stages(&self) -> impl Iterator<Item = &dyn Stage> {
        self.stages.iter().map(|s| s.as_ref())
    }

    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Runs every stage over `text`.
    pub fn run<'a>(&self, text: &'a str) -> Normalized<'a> {
        self.run_classifying(text, false).0
    }

    /// Like [`Pipeline::run`], and what the text is written in: classified (see
    /// [`crate::classify`]) as it stands before `convert`, repaired and rid of annotations,
    /// or at the end without `convert`. A garbled document is read for what it says.
    pub fn run_and_classify<'a>(&self, text: &'a str) -> (Normalized<'a>, ScriptReport) {
        let (run, script) = self.run_classifying(text, true);
        (run, script.expect("classified"))
    }

    fn run_classifying<'a>(
        &self,
        text: &'a str,
        classifying: bool,
    ) -> (Normalized<'a>, Option<ScriptReport>) {
        let mut current = Cow::Borrowed(text);
        let mut changed_by = Vec::new();
        let mut script = None;
        for stage in &self.stages {
            if classifying && script.is_none() && stage.name() == "convert" {
                script = Some(classify(&current));
            }
            // A stage returns `Owned` only when it changed the text (the `Stage` contract),
            // so no comparison of whole texts is needed here.
            if let Cow::Owned(s) = stage.apply(&current) {
                debug_assert!(
                    s != *current,
                    "{} returned an unchanged text owned",
                    stage.name()
                );
                changed_by.push(stage.name());
                current = Cow::Owned(s);
            }
        }
        if classifying && script.is_none() {
            script = Some(classify(&current));
        }
        let run = Normalized {
            text: current,
            changed_by,
        };
        (run, script)
    }
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("stages", &self.stage_names())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Converter};

    #[test]
    fn selection_parses_and_rejects() {
        let only = StageSelection::only("decode").unwrap();
        assert!(STAGE_NAMES.iter().all(|s| !only.contains(s)));
        let skip = StageSelection::default().skip("convert, punct").unwrap();
        assert!(!skip.contains("convert") && skip.contains("space"));
        let err = StageSelection::only("convert,colour")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("colour") && err.contains("repair, pinyin"),
            "{err}"
        );
        assert!(StageSelection::default().skip("decode").is_err());
    }

    #[test]
    fn run_reports_changing_stages_and_borrows_otherwise() {
        let p = Pipeline::with_selection(
            Some(Converter::new(Config::T2S)),
            &StageSelection::default(),
        );
        let out = p.run("國家");
        assert_eq!(out.text, "国家");
        assert_eq!(out.changed_by, ["convert"]);
        let out = p.run("国家");
        assert!(matches!(out.text, Cow::Borrowed(_)) && out.changed_by.is_empty());
    }
}
