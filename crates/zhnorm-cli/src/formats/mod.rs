//! Files whose syntax the stages must not touch: only their text is normalized, piece by
//! piece, and the rest is kept byte for byte. JSON records and documents (`json.rs`), the
//! events of ASS/SSA subtitle scripts (`subtitles.rs`).

pub mod json;
pub mod subtitles;
pub mod table;

#[cfg(test)]
mod properties;

use std::borrow::Cow;

use zhnorm::{Pipeline, ScriptReport};

/// Where normalizing pieces of text is noted.
pub struct Notes<'a> {
    /// The stages that changed some piece are added here.
    pub stages: &'a mut Vec<&'static str>,
    /// The script of the pieces, as they read before conversion, when wanted.
    pub script: Option<&'a mut ScriptReport>,
}

impl Notes<'_> {
    /// `text` normalized by `pipeline`, noted; `None` when unchanged.
    fn run(&mut self, pipeline: &Pipeline, text: &str) -> Option<String> {
        let run = match self.script.as_deref_mut() {
            Some(total) => {
                let (run, script) = pipeline.run_and_classify(text);
                *total = total.combine(script);
                run
            }
            None => pipeline.run(text),
        };
        let Cow::Owned(new) = run.text else {
            return None;
        };
        for stage in run.changed_by {
            if !self.stages.contains(&stage) {
                self.stages.push(stage);
            }
        }
        Some(new)
    }
}
