//! Files whose syntax the stages must not touch: only their text is normalized, piece by
//! piece, and the rest is kept byte for byte. JSON records and documents (`json.rs`), the
//! events of ASS/SSA subtitle scripts (`subtitles.rs`).

pub mod json;
pub mod subtitles;
pub mod table;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod testing;

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

    /// `texts` normalized as one text, each a line without the blanks at its ends (a text
    /// that spans lines goes alone), each `None` where unchanged.
    pub fn run_lines(&mut self, pipeline: &Pipeline, texts: &[&str]) -> Vec<Option<String>> {
        let mut alone: Vec<bool> = texts.iter().map(|t| t.contains(['\n', '\r'])).collect();
        let mut joined = String::new();
        for (text, _) in texts.iter().zip(&alone).filter(|(_, &alone)| !alone) {
            joined.push_str(text.trim());
            joined.push('\n');
        }
        let mut new_texts: Vec<Option<String>> = vec![None; texts.len()];
        if let Some(normalized) = self.run(pipeline, &joined) {
            let lines: Vec<&str> = normalized.split_terminator('\n').collect();
            let together: Vec<usize> = (0..texts.len()).filter(|&k| !alone[k]).collect();
            if lines.len() == together.len() {
                for (k, line) in together.into_iter().zip(lines) {
                    let (lead, trail) = blanks(texts[k]);
                    new_texts[k] = Some(format!("{lead}{line}{trail}"));
                }
            } else {
                // (The stages keep a text's lines; were one ever joined or split, each text
                // goes alone.)
                alone = vec![true; texts.len()];
            }
        }
        for k in (0..texts.len()).filter(|&k| alone[k]) {
            let (lead, trail) = blanks(texts[k]);
            new_texts[k] = self
                .run(pipeline, texts[k].trim())
                .map(|line| format!("{lead}{line}{trail}"));
        }
        new_texts
    }
}

/// The blanks at the start and end of `text`.
fn blanks(text: &str) -> (&str, &str) {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    (&text[..start], &text[end.max(start)..])
}
