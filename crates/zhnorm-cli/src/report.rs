//! What a run did: one report per input, a summary on standard error, and the same as
//! JSON with `--report`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use zhnorm::pipeline::STAGE_NAMES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Changed,
    Unchanged,
    Skipped,
    Failed,
}

/// One input.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub status: Status,
    /// Why it was skipped or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Bytes read from disk (compressed, for `.gz`/`.zst`).
    pub bytes_read: u64,
    /// Bytes of normalized text (uncompressed).
    pub bytes_out: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// How the text was read: `text`, `json`, `jsonl`, `ass`, `csv`, `tsv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// Undecodable byte sequences replaced by U+FFFD.
    pub replaced: usize,
    /// The stages that changed something, in pipeline order.
    pub stages: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<&'static str>,
    /// JSONL lines that were not JSON objects, or a JSON document no reader takes, passed
    /// through unchanged.
    pub malformed_lines: usize,
    /// JSONL records that hold none of the fields named (`--field`), passed through.
    pub records_without_fields: usize,
    /// The file written, for `-o` and `--in-place`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

impl FileReport {
    pub fn new(path: &str) -> FileReport {
        FileReport {
            path: path.to_string(),
            status: Status::Unchanged,
            reason: None,
            bytes_read: 0,
            bytes_out: 0,
            encoding: None,
            format: None,
            replaced: 0,
            stages: Vec::new(),
            script: None,
            malformed_lines: 0,
            records_without_fields: 0,
            output: None,
        }
    }

    pub fn skipped(path: &str, reason: &str) -> FileReport {
        FileReport {
            status: Status::Skipped,
            reason: Some(reason.to_string()),
            ..FileReport::new(path)
        }
    }

    pub fn failed(path: &str, error: String) -> FileReport {
        FileReport {
            status: Status::Failed,
            reason: Some(error),
            ..FileReport::new(path)
        }
    }

    /// Notes `stages` as having changed the text, keeping pipeline order.
    pub fn add_stages(&mut self, stages: &[&'static str]) {
        for s in stages {
            if !self.stages.contains(s) {
                self.stages.push(s);
            }
        }
        self.stages
            .sort_by_key(|s| STAGE_NAMES.iter().position(|n| n == s));
    }
}

/// Totals over a run.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub inputs: usize,
    pub bytes_read: u64,
    pub changed: usize,
    pub unchanged: usize,
    pub skipped: BTreeMap<String, usize>,
    pub failed: usize,
    /// Inputs each stage changed.
    pub stages: BTreeMap<&'static str, usize>,
    pub encodings: BTreeMap<&'static str, usize>,
    pub scripts: BTreeMap<&'static str, usize>,
    pub replaced: usize,
    pub malformed_lines: usize,
    pub records_without_fields: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            s.inputs += 1;
            s.bytes_read += r.bytes_read;
            match r.status {
                Status::Changed => s.changed += 1,
                Status::Unchanged => s.unchanged += 1,
                Status::Failed => s.failed += 1,
                Status::Skipped => {
                    *s.skipped
                        .entry(r.reason.clone().unwrap_or_default())
                        .or_default() += 1
                }
            }
            for stage in &r.stages {
                *s.stages.entry(stage).or_default() += 1;
            }
            if let Some(e) = r.encoding {
                *s.encodings.entry(e).or_default() += 1;
            }
            if let Some(script) = r.script {
                *s.scripts.entry(script).or_default() += 1;
            }
            s.replaced += r.replaced;
            s.malformed_lines += r.malformed_lines;
            s.records_without_fields += r.records_without_fields;
        }
        s
    }

    /// The summary as people read it; `would` for runs that change nothing.
    pub fn lines(&self, would: bool) -> Vec<String> {
        let skipped: usize = self.skipped.values().sum();
        let mut first = format!(
            "{} input{}, {} read: {} {}, {} unchanged, {} skipped",
            self.inputs,
            if self.inputs == 1 { "" } else { "s" },
            human_bytes(self.bytes_read),
            self.changed,
            if would { "would change" } else { "changed" },
            self.unchanged,
            skipped,
        );
        if skipped > 0 {
            first.push_str(&format!(" ({})", list(&self.skipped)));
        }
        first.push_str(&format!(", {} failed", self.failed));
        let mut lines = vec![first];
        if !self.stages.is_empty() {
            let in_order: Vec<String> = STAGE_NAMES
                .iter()
                .filter_map(|n| self.stages.get(n).map(|c| format!("{n} {c}")))
                .collect();
            lines.push(format!("changes by stage: {}", in_order.join(", ")));
        }
        if !self.encodings.is_empty() {
            let mut line = format!("encodings: {}", list(&self.encodings));
            if self.replaced > 0 {
                line.push_str(&format!(
                    "; {} undecodable byte sequences replaced by U+FFFD",
                    self.replaced
                ));
            }
            lines.push(line);
        }
        if !self.scripts.is_empty() {
            lines.push(format!("scripts: {}", list(&self.scripts)));
        }
        if self.malformed_lines > 0 {
            lines.push(format!(
                "{} JSONL lines or JSON documents could not be read as JSON and were passed through unchanged",
                self.malformed_lines
            ));
        }
        if self.records_without_fields > 0 {
            lines.push(format!(
                "{} JSONL records held none of the fields named and were passed through unchanged",
                self.records_without_fields
            ));
        }
        lines
    }
}

fn list<K: std::fmt::Display>(counts: &BTreeMap<K, usize>) -> String {
    counts
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn human_bytes(n: u64) -> String {
    match n {
        0..=9_999 => format!("{n} B"),
        10_000..=9_999_999 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

/// Writes the reports and their summary as JSON.
pub fn write_json(path: &Path, reports: &[FileReport], summary: &Summary) -> Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        summary: &'a Summary,
        files: &'a [FileReport],
    }
    let file = std::fs::File::create(path)
        .with_context(|| format!("{}: cannot write the report", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(
        &mut out,
        &Report {
            summary,
            files: reports,
        },
    )?;
    out.write_all(b"\n")?;
    out.flush()
        .with_context(|| format!("{}: cannot write the report", path.display()))
}
