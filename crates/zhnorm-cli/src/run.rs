//! Runs the settings over every input on a pool of `-j` threads: results on standard
//! output stay in input order; files written to disk are processed side by side.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::inputs::{self, Entry, Input};
use crate::process::{process, OutputError};
use crate::report::{self, FileReport, Status, Summary};
use crate::settings::{Destination, Settings};

/// What a run did, for the exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub failed: usize,
    /// Inputs that changed (or, with --check/--diff, would).
    pub changed: usize,
}

/// Files at most this big are read whole into memory when several are processed at once
/// for standard output; larger ones stream on their own.
const SMALL_FILE: u64 = 4 << 20;
/// At most this many bytes of small files are processed at once for standard output.
const GROUP_BYTES: u64 = 32 << 20;

pub fn run(settings: &Settings, paths: &[PathBuf]) -> Result<Outcome> {
    let entries = inputs::expand(paths, settings.format, settings.follow_links);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs)
        .build()
        .context("cannot start worker threads")?;
    let input_count = entries.len();
    let show_summary = settings.summary;
    let progress = progress_bar(settings, &entries);
    let notes = !settings.quiet && input_count == 1;

    let reports = pool.install(|| {
        if settings.destination.is_stdout() {
            in_order(settings, &entries, progress.as_ref(), notes)
        } else {
            Ok(side_by_side(settings, &entries, progress.as_ref(), notes))
        }
    })?;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }

    for r in reports.iter().filter(|r| r.status == Status::Failed) {
        eprintln!(
            "zhnorm: {}: {}",
            r.path,
            r.reason.as_deref().unwrap_or("failed")
        );
    }
    if !show_summary && !settings.quiet {
        // A file named alone and skipped would otherwise leave no trace at all.
        for r in reports.iter().filter(|r| r.status == Status::Skipped) {
            eprintln!(
                "zhnorm: {}: skipped ({})",
                r.path,
                r.reason.as_deref().unwrap_or("not text")
            );
        }
    }
    let summary = Summary::of(&reports);
    let would = matches!(settings.destination, Destination::Check | Destination::Diff);
    if settings.destination == Destination::Check {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        for r in reports.iter().filter(|r| r.status == Status::Changed) {
            if writeln!(out, "{}", r.path).is_err() {
                break;
            }
        }
    }
    if show_summary {
        for line in summary.lines(would) {
            eprintln!("zhnorm: {line}");
        }
    }
    if let Some(path) = &settings.report {
        report::write_json(path, &reports, &summary)?;
    }
    Ok(Outcome {
        failed: summary.failed + summary.malformed_lines,
        changed: summary.changed,
    })
}

/// For standard output: small files a group at a time, in parallel, written in order;
/// large files and standard input one at a time, their segments in parallel.
fn in_order(
    settings: &Settings,
    entries: &[Entry],
    progress: Option<&ProgressBar>,
    notes: bool,
) -> Result<Vec<FileReport>> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut reports = Vec::with_capacity(entries.len());
    let mut i = 0;
    let result = (|| -> Result<(), OutputError> {
        while i < entries.len() {
            let group = small_group(entries, i, settings.jobs);
            if group > 1 {
                let done: Vec<(FileReport, Vec<u8>)> = entries[i..i + group]
                    .par_iter()
                    .map(|entry| {
                        let mut buffer = Vec::new();
                        let report = one(settings, entry, &mut buffer, progress, notes)
                            .expect("writing to memory cannot fail");
                        (report, buffer)
                    })
                    .collect();
                for (report, buffer) in done {
                    out.write_all(&buffer).map_err(OutputError)?;
                    reports.push(report);
                }
            } else {
                reports.push(one(settings, &entries[i], &mut out, progress, notes)?);
            }
            i += group;
        }
        out.flush().map_err(OutputError)
    })();
    match result {
        Ok(()) => Ok(reports),
        // `zhnorm big.txt | head`: the reader has what it wanted.
        Err(OutputError(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(reports),
        Err(OutputError(e)) => Err(e).context("cannot write to standard output"),
    }
}

/// How many entries from `start` to process together: consecutive small files, or 1.
fn small_group(entries: &[Entry], start: usize, jobs: usize) -> usize {
    let mut bytes = 0;
    let mut n = 0;
    for entry in &entries[start..] {
        let small = match entry {
            Entry::Input(Input {
                path: Some(_),
                size,
                ..
            }) => *size <= SMALL_FILE,
            Entry::Input(_) => false,
            _ => true,
        };
        let size = match entry {
            Entry::Input(input) => input.size,
            _ => 0,
        };
        if !small || n == 4 * jobs || (n > 0 && bytes + size > GROUP_BYTES) {
            break;
        }
        bytes += size;
        n += 1;
    }
    n.max(1)
}

/// For files written to disk (or only checked): every input in parallel.
fn side_by_side(
    settings: &Settings,
    entries: &[Entry],
    progress: Option<&ProgressBar>,
    notes: bool,
) -> Vec<FileReport> {
    entries
        .par_iter()
        .map(|entry| {
            one(settings, entry, &mut io::sink(), progress, notes)
                .expect("nothing is written to standard output")
        })
        .collect()
}

fn one(
    settings: &Settings,
    entry: &Entry,
    out: &mut dyn Write,
    progress: Option<&ProgressBar>,
    notes: bool,
) -> Result<FileReport, OutputError> {
    match entry {
        Entry::Input(input) => process(settings, input, out, progress, notes),
        Entry::Skipped { display, reason } => Ok(FileReport::skipped(display, reason)),
        Entry::Failed { display, error } => Ok(FileReport::failed(display, error.clone())),
    }
}

/// A progress bar on standard error, for runs long enough to want one.
fn progress_bar(settings: &Settings, entries: &[Entry]) -> Option<ProgressBar> {
    let total: u64 = entries
        .iter()
        .map(|e| match e {
            Entry::Input(i) => i.size,
            _ => 0,
        })
        .sum();
    let long = total > 64 << 20 || entries.len() > 200;
    if settings.quiet || !long || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .ok()?,
    );
    Some(bar)
}
