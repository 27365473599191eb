//! Validated settings: the raw arguments turned into built objects, or a clear error.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use zhnorm::decode::{encoding_for_label, DecodeOptions};
use zhnorm::{Config, Converter, Pipeline, Policy, PunctMode, StageSelection};

use crate::cli::Args;
use crate::inputs::Format;

/// Everything a run needs, checked and built once.
pub struct Settings {
    pub pipeline: Pipeline,
    /// The fields of JSONL records to normalize.
    pub jsonl_fields: Vec<String>,
    /// The fields of JSON documents to normalize, when given; every string value if not.
    pub document_fields: Option<Vec<String>>,
    /// `--format`: how standard input and the files named are read, whatever their names.
    pub format: Option<Format>,
    pub decode: DecodeOptions,
    pub quiet: bool,
    pub destination: Destination,
    pub report: Option<PathBuf>,
    /// Whether a summary is printed at the end: for more than one input, a directory, or
    /// results written to disk, unless `--quiet`.
    pub summary: bool,
    pub jobs: usize,
    pub follow_links: bool,
}

/// Where results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    /// A tree mirroring the inputs under this directory.
    Mirror(PathBuf),
    InPlace,
    /// Nothing written: list what would change.
    Check,
    /// Nothing written: a unified diff of what would change, on standard output.
    Diff,
}

impl Destination {
    /// Whether results reach standard output, in input order.
    pub fn is_stdout(&self) -> bool {
        matches!(self, Destination::Stdout | Destination::Diff)
    }
}

impl Settings {
    /// Whether each document's script is wanted: the summary and the report tell it.
    pub fn wants_scripts(&self) -> bool {
        self.summary || self.report.is_some()
    }

    pub fn from_args(args: &Args) -> Result<Settings> {
        let selection = match (&args.only, &args.skip) {
            (Some(only), _) => StageSelection::only(only)?,
            (None, Some(skip)) => StageSelection::default().skip(skip)?,
            (None, None) => StageSelection::default(),
        };
        let converter = match args.convert.trim() {
            "none" => None,
            name => {
                let config: Config = name.parse()?;
                let policy = if args.opencc_exact {
                    Policy::OpenccExact
                } else {
                    Policy::FixedPoint
                };
                let mut builder = Converter::builder(config)
                    .policy(policy)
                    .include_tofu_risk(args.include_tofu_risk);
                for path in &args.dict {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("{}: cannot read dictionary", path.display()))?;
                    builder = builder
                        .user_dict(&text)
                        .with_context(|| path.display().to_string())?;
                }
                Some(builder.build())
            }
        };
        let punct = match &args.punct {
            Some(mode) => mode.parse()?,
            None => PunctMode::for_config(converter.as_ref().map(Converter::config)),
        };
        let destination = if args.check {
            Destination::Check
        } else if args.diff {
            Destination::Diff
        } else if args.in_place {
            Destination::InPlace
        } else if let Some(dir) = &args.output {
            Destination::Mirror(dir.clone())
        } else {
            Destination::Stdout
        };
        let summary = !args.quiet
            && (args.paths.len() > 1
                || args.paths.iter().any(|p| p.is_dir())
                || destination != Destination::Stdout);
        Ok(Settings {
            pipeline: Pipeline::with_options(converter, punct, &selection),
            jsonl_fields: match args.field.is_empty() {
                true => vec!["text".to_string()],
                false => args.field.clone(),
            },
            document_fields: (!args.field.is_empty()).then(|| args.field.clone()),
            format: match (args.jsonl, args.format.as_deref()) {
                (true, _) => Some(Format::Records),
                (false, name) => name.map(Format::named),
            },
            decode: DecodeOptions {
                encoding: args
                    .encoding
                    .as_deref()
                    .map(encoding_for_label)
                    .transpose()?,
                strict: args.strict,
            },
            quiet: args.quiet,
            destination,
            report: args.report.clone(),
            summary,
            jobs: match args.jobs {
                Some(0) => bail!("--jobs must be at least 1"),
                Some(n) => n,
                None => std::thread::available_parallelism().map_or(1, |n| n.get()),
            },
            follow_links: args.follow,
        })
    }
}
