//! Runs the settings over every input, writing results in order and counting failures.

use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use anyhow::{Context, Result};
use zhnorm::decode::{decode, Decoded, Detection};

use crate::jsonl;
use crate::settings::Settings;

/// What a run did, for the exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub failed: usize,
}

/// Processes every input; an input that fails is reported and skipped.
pub fn run(settings: &Settings, paths: &[std::path::PathBuf]) -> Result<Outcome> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut outcome = Outcome::default();
    let stdin_only = [std::path::PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    for path in paths {
        if let Err(e) = process(settings, path, &mut out, &mut outcome) {
            if is_broken_pipe(&e) {
                return Ok(outcome);
            }
            eprintln!("zhnorm: {}: {e:#}", display(path));
            outcome.failed += 1;
        }
    }
    match out.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(outcome),
        other => other
            .map(|_| outcome)
            .context("cannot write to standard output"),
    }
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

fn read_input(path: &Path) -> io::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut bytes = Vec::with_capacity(stdin_size_hint() + 1);
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
    }
}

/// The size of stdin when it is a redirected file: growing a buffer chunk by chunk
/// costs more than converting the text.
#[cfg(unix)]
fn stdin_size_hint() -> usize {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .map_or(0, |m| if m.is_file() { m.len() as usize } else { 0 })
}

#[cfg(not(unix))]
fn stdin_size_hint() -> usize {
    0
}

fn process(
    settings: &Settings,
    path: &Path,
    out: &mut impl Write,
    outcome: &mut Outcome,
) -> Result<()> {
    let bytes = read_input(path).context("cannot read")?;
    let decoded = decode(&bytes, &settings.decode)?;
    if !settings.quiet {
        if let Some(note) = decoding_note(&decoded) {
            eprintln!("zhnorm: {}: {note}", display(path));
        }
    }
    let text = decoded.text.as_ref();
    match &settings.jsonl_fields {
        None => out.write_all(settings.pipeline.run(text).text.as_bytes())?,
        Some(fields) => {
            for (number, line) in text.split_inclusive('\n').enumerate() {
                let (body, ending) = match line.strip_suffix('\n') {
                    Some(body) => (body, "\n"),
                    None => (line, ""),
                };
                match jsonl::normalize_line(&settings.pipeline, fields, body) {
                    Ok(Some(new)) => write!(out, "{new}{ending}")?,
                    Ok(None) => out.write_all(line.as_bytes())?,
                    Err(e) => {
                        eprintln!(
                            "zhnorm: {}:{}: {e}; line passed through unchanged",
                            display(path),
                            number + 1
                        );
                        outcome.failed += 1;
                        out.write_all(line.as_bytes())?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// What a user should hear about how an input was decoded: nothing for plain UTF-8.
fn decoding_note(decoded: &Decoded) -> Option<String> {
    let how = match decoded.detection {
        Detection::Forced => "as asked",
        Detection::ByteOrderMark => "by its byte-order mark",
        Detection::ValidUtf8 | Detection::Detected => "detected",
    };
    let plain = decoded.encoding_name() == "UTF-8";
    match (plain, decoded.replaced) {
        (true, 0) => None,
        (_, 0) => Some(format!("read as {} ({how})", decoded.encoding_name())),
        (_, n) => Some(format!(
            "read as {} ({how}); {n} undecodable byte sequence{} replaced by U+FFFD",
            decoded.encoding_name(),
            if n == 1 { "" } else { "s" }
        )),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
