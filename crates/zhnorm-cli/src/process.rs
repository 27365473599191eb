//! One input, streamed: read (decompressing), decode, cut into segments at line ends,
//! normalize segments in parallel, write them in order to where results go.
//!
//! Memory stays bounded by the segment size times the segments in flight, whatever the
//! file size or line length (JSONL lines, which cannot be cut, excepted).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

use indicatif::ProgressBar;
use rayon::prelude::*;
use zhnorm::decode::{Detection, StreamDecoder};
use zhnorm::stream::Segmenter;
use zhnorm::{classify, ScriptReport};

use crate::compress::{Compression, Encoder};
use crate::formats::{self, json};
use crate::inputs::Format;
use crate::inputs::Input;
use crate::report::{FileReport, Status};
use crate::settings::{Destination, Settings};

/// How many bytes decide the encoding (and whether a file is binary).
const HEAD_LEN: usize = 64 * 1024;
/// Bytes read at a time.
const READ_LEN: usize = 256 * 1024;

/// Writing to standard output failed: the run stops (quietly, for a closed pipe).
#[derive(Debug)]
pub struct OutputError(pub io::Error);

/// Processes `input`, writing to `out` when results go to standard output.
pub fn process(
    settings: &Settings,
    input: &Input,
    out: &mut dyn Write,
    progress: Option<&ProgressBar>,
    notes: bool,
) -> Result<FileReport, OutputError> {
    let mut report = FileReport::new(&input.display);
    // A bug that panics on one input fails that input, not the run over a corpus: the
    // others are still processed and reported. (A file being written is not put in place:
    // its temporary file goes with the unwinding.)
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(settings, input, out, progress, notes, &mut report)
    }));
    let ran = ran.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Failure::Input(format!(
            "internal error, please report it (with the file if you can): {what}"
        )))
    });
    match ran {
        Ok(()) => Ok(report),
        Err(Failure::Output(e)) => Err(OutputError(e)),
        Err(Failure::Input(message)) => Ok(FileReport {
            bytes_read: report.bytes_read,
            ..FileReport::failed(&input.display, message)
        }),
        Err(Failure::Skip(reason)) => Ok(FileReport::skipped(&input.display, reason)),
    }
}

enum Failure {
    Output(io::Error),
    Input(String),
    Skip(&'static str),
}

fn input_error(what: &str) -> impl Fn(io::Error) -> Failure + '_ {
    move |e| Failure::Input(format!("{what}: {e}"))
}

/// Where the normalized text of one input goes.
enum Sink<'a> {
    Stdout(&'a mut dyn Write),
    File {
        encoder: Encoder<BufWriter<tempfile::NamedTempFile>>,
        target: PathBuf,
        /// Replace `target` even when nothing changed (`-o`: the mirror must be whole).
        always: bool,
    },
    Diff {
        out: &'a mut dyn Write,
        path: String,
        header_written: bool,
        old_line: usize,
        new_line: usize,
    },
    Nothing,
}

fn run(
    settings: &Settings,
    input: &Input,
    out: &mut dyn Write,
    progress: Option<&ProgressBar>,
    notes: bool,
    report: &mut FileReport,
) -> Result<(), Failure> {
    let compression = input
        .path
        .as_deref()
        .map_or(Compression::None, Compression::of);
    let raw: Box<dyn Read> = match &input.path {
        Some(path) => Box::new(File::open(path).map_err(input_error("cannot read"))?),
        None => Box::new(io::stdin().lock()),
    };
    let mut counted = Counting {
        inner: raw,
        count: 0,
        progress,
    };
    let mut reader = compression
        .reader(&mut counted)
        .map_err(input_error("cannot decompress"))?;

    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut reader)
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(input_error("cannot read"))?;
    if looks_binary(&head) {
        return Err(Failure::Skip("binary"));
    }
    let mut decoder = StreamDecoder::new(&head, &settings.decode);
    let mut sink = open_sink(settings, input, compression, out)?;
    // Datasets often name their JSON Lines `.json`: a file whose first line is a record,
    // with more after it, is no one document, and is read as records, a segment at a time.
    let format = match input.format {
        Format::Document if json::starts_records(&decoder.encoding().decode(&head).0) => {
            Format::Records
        }
        format => format,
    };
    let mut segmenter = match format {
        Format::Text => Segmenter::new(),
        // (A table's segments are whole rows: see `RowJoiner`.)
        // (A JSON document is cut at line ends, which no JSON string holds: see
        // `json::Reading`.)
        Format::Records | Format::Table(_) | Format::Document => Segmenter::new().whole_lines(),
        // (A subtitle script is read whole: its events' meaning hangs on its sections.)
        Format::Subtitles => Segmenter::with_sizes(usize::MAX, usize::MAX).whole_lines(),
    };
    let mut rows = formats::table::RowJoiner::new(format == Format::Table(b','));
    // Text read from another encoding is written as UTF-8: what it declares must say so.
    // (Not in a diff, which shows what the stages change, nor with `--only decode`, which
    // gives the text exactly as decoded, as iconv would.)
    let redeclare = decoder.encoding() != encoding_rs::UTF_8
        && !matches!(sink, Sink::Diff { .. })
        && settings.pipeline.stages().next().is_some();
    let mut state = State {
        settings,
        input,
        format,
        report,
        script: None,
        line: 0,
        in_line: false,
        changed: false,
        redeclare,
        document: (format == Format::Document).then(json::Reading::default),
    };
    // A batch is normalized in parallel, then written: a few segments a thread, so that
    // one slow segment does not leave the other threads waiting at every batch, and about
    // a megabyte a thread, so that memory stays bounded.
    let threads = rayon::current_num_threads();
    let (batch_len, batch_bytes) = (4 * threads, threads << 20);
    let mut batch: Vec<String> = Vec::with_capacity(batch_len);
    // The head first, then the rest a buffer at a time, decoded straight into the text
    // waiting to be cut into segments.
    let mut head = Some(head);
    let mut buf = Vec::new();
    let mut last = false;
    while !last {
        let bytes = match head.take() {
            Some(head) if !head.is_empty() => {
                buf = head;
                &buf[..]
            }
            _ => {
                buf.resize(READ_LEN, 0);
                let n = read_some(&mut reader, &mut buf).map_err(input_error("cannot read"))?;
                &buf[..n]
            }
        };
        last = bytes.is_empty();
        segmenter
            .append_with(|text| decoder.decode(bytes, last, text))
            .map_err(|e| Failure::Input(e.to_string()))?;
        while let Some(segment) = segmenter.next_segment(last) {
            let Some(segment) = rows.whole(segment) else {
                continue;
            };
            batch.push(segment);
            if batch.len() == batch_len
                || batch.iter().map(String::len).sum::<usize>() >= batch_bytes
            {
                state.flush(&mut batch, &mut sink)?;
            }
        }
    }
    batch.extend(rows.rest());
    state.flush(&mut batch, &mut sink)?;
    // A JSON document must end where its value does (a download cut short does not).
    // (A file of nothing but blanks holds no document to break, and was read as such.)
    let document = state
        .document
        .as_ref()
        .filter(|reading| !reading.is_empty());
    if let Some(Err(message)) = document.map(json::Reading::finish) {
        let line = state.line + usize::from(state.in_line);
        eprintln!("zhnorm: {}:{}: {message}", input.display, line.max(1));
        state.report.malformed_lines += 1;
    }
    let (script, changed, format) = (state.script, state.changed, state.format);
    drop(reader);

    report.bytes_read = counted.count;
    report.encoding = Some(decoder.encoding_name());
    report.format = Some(format.name());
    report.replaced = decoder.replaced();
    report.script = script.map(|s| s.script.name());
    report.status = if changed {
        Status::Changed
    } else {
        Status::Unchanged
    };
    if notes {
        if let Some(note) = decoding_note(&decoder) {
            eprintln!("zhnorm: {}: {note}", input.display);
        }
        // Records of another shape than the fields assume are passed through: say so.
        if report.records_without_fields > 0 {
            let n = report.records_without_fields;
            eprintln!(
                "zhnorm: {}: {n} JSONL record{} held none of the fields named ({}) and {} passed \
                 through unchanged; name {} fields with --field",
                input.display,
                if n == 1 { "" } else { "s" },
                settings.jsonl_fields.join(", "),
                if n == 1 { "was" } else { "were" },
                if n == 1 { "its" } else { "their" },
            );
        }
    }
    finish_sink(sink, changed, input, report)
}

/// What flushing batches needs and gathers.
struct State<'a> {
    settings: &'a Settings,
    input: &'a Input,
    /// What the input is read as: its format, or JSON Lines for a `.json` file of them.
    format: Format,
    report: &'a mut FileReport,
    script: Option<ScriptReport>,
    /// Lines before the batch, for JSONL messages.
    line: usize,
    /// Whether the text written so far ends inside a line (`line` is before it).
    in_line: bool,
    changed: bool,
    /// The declarations of its encoding the text makes are still to be made to say UTF-8.
    redeclare: bool,
    /// A JSON document's reading after the segments flushed so far; `None` once its
    /// syntax failed, from where the rest is passed through unchanged.
    document: Option<json::Reading>,
}

/// One segment, normalized.
struct SegmentResult {
    /// `None` when nothing changed.
    text: Option<String>,
    stages: Vec<&'static str>,
    script: Option<ScriptReport>,
    /// JSONL: (line within the segment, what is wrong).
    malformed: Vec<(usize, String)>,
    /// JSONL: records that hold none of the fields named.
    without_fields: usize,
}

impl State<'_> {
    fn flush(&mut self, batch: &mut Vec<String>, sink: &mut Sink) -> Result<(), Failure> {
        let settings = self.settings;
        let format = self.format;
        // Segments cut inside a line (lines longer than `stream::SEGMENT_LINE_MAX`) go one at
        // a time: `punct` reads a line whole, at tens of bytes per character, and memory
        // must stay bounded.
        // (Whether a segment starts the text: a table's header row is only there.)
        let first = |k: usize| self.line == 0 && k == 0;
        // A JSON document's segments are read in order first, each from where the last
        // left the reading, and normalized from there in parallel.
        let mut starts: Vec<Start> = vec![Start::Text; batch.len()];
        if format == Format::Document {
            for (k, segment) in batch.iter().enumerate() {
                let Some(reading) = self.document.as_mut() else {
                    starts[k] = Start::PassedThrough;
                    continue;
                };
                let from = reading.clone();
                starts[k] = match reading.advance(segment) {
                    Ok(()) => Start::Document(from),
                    // (A `.json` file of JSON Lines whose first record is too long to tell
                    // by the head.)
                    Err(_) if first(k) && json::is_records(segment) => {
                        self.format = Format::Records;
                        self.document = None;
                        return self.flush(batch, sink);
                    }
                    Err(e) => {
                        self.document = None;
                        Start::Invalid(e)
                    }
                };
            }
        }
        let one = |(k, (segment, start)): (usize, (&String, &Start))| match start {
            Start::Document(from) => normalize_document(settings, segment, from),
            Start::Invalid(e) => SegmentResult::malformed(e.line - 1, e.message.clone()),
            Start::PassedThrough => SegmentResult::passed_through(),
            Start::Text => normalize(settings, segment, format, first(k)),
        };
        let results: Vec<SegmentResult> = if batch.iter().all(|s| s.ends_with(['\n', '\r'])) {
            batch.par_iter().zip(&starts).enumerate().map(one).collect()
        } else {
            batch.iter().zip(&starts).enumerate().map(one).collect()
        };
        let what = match format {
            Format::Document => "the rest of the document",
            _ => "line",
        };
        for (segment, result) in batch.iter().zip(results) {
            for (line, message) in &result.malformed {
                eprintln!(
                    "zhnorm: {}:{}: {message}; {what} passed through unchanged",
                    self.input.display,
                    self.line + line + 1
                );
            }
            self.report.malformed_lines += result.malformed.len();
            self.report.records_without_fields += result.without_fields;
            self.report.add_stages(&result.stages);
            self.script = match (self.script, result.script) {
                (Some(s), Some(segment)) => Some(s.combine(segment)),
                (s, segment) => s.or(segment),
            };
            let new = result.text.as_deref().unwrap_or(segment);
            self.changed |= result.text.is_some();
            // (The declarations are at the start of the text, in its first segment.)
            let redeclared;
            let new = match std::mem::take(&mut self.redeclare) {
                true => {
                    redeclared = zhnorm::decode::declaring_utf8(new);
                    &*redeclared
                }
                false => new,
            };
            self.report.bytes_out += new.len() as u64;
            let old_lines = memchr::memchr_iter(b'\n', segment.as_bytes()).count();
            write_segment(sink, segment, old_lines, new).map_err(|e| match sink {
                Sink::Stdout(_) | Sink::Diff { .. } => Failure::Output(e),
                _ => Failure::Input(format!("cannot write: {e}")),
            })?;
            self.line += old_lines;
            self.in_line = !segment.ends_with('\n');
        }
        batch.clear();
        Ok(())
    }
}

/// One segment normalized; `first`: it starts the text.
fn normalize(settings: &Settings, segment: &str, format: Format, first: bool) -> SegmentResult {
    // The script is read only where a summary or report will show it; in JSON, of the
    // strings normalized, as each reads after `repair`.
    let mut script = settings.wants_scripts().then(|| classify(""));
    let mut stages = Vec::new();
    match format {
        Format::Text => {
            let (run, script) = match script {
                Some(_) => {
                    let (run, script) = settings.pipeline.run_and_classify(segment);
                    (run, Some(script))
                }
                None => (settings.pipeline.run(segment), None),
            };
            SegmentResult {
                text: match run.text {
                    Cow::Owned(s) => Some(s),
                    Cow::Borrowed(_) => None,
                },
                stages: run.changed_by,
                script,
                malformed: Vec::new(),
                without_fields: 0,
            }
        }
        // (A document's segments come with their reading, `Start::Document`: a segment
        // alone is a document from its start.)
        Format::Document => normalize_document(settings, segment, &json::Reading::default()),
        Format::Records => normalize_records(settings, segment, script, stages),
        Format::Subtitles | Format::Table(_) => {
            let notes = formats::Notes {
                stages: &mut stages,
                script: script.as_mut(),
            };
            let pipeline = &settings.pipeline;
            let text = match format {
                Format::Table(separator) => {
                    formats::table::normalize_table(pipeline, segment, separator, first, notes)
                }
                _ => formats::subtitles::normalize_script(pipeline, segment, notes),
            };
            SegmentResult {
                text,
                stages,
                script,
                malformed: Vec::new(),
                without_fields: 0,
            }
        }
    }
}

/// Where a segment's normalizing starts (see `State::flush`).
#[derive(Clone)]
enum Start {
    /// Any format but a JSON document: where the segment is.
    Text,
    /// Lines of a JSON document, whose reading stood here before them.
    Document(json::Reading),
    /// Lines of a JSON document whose syntax fails in them.
    Invalid(json::Invalid),
    /// Lines of a JSON document after the line where its syntax failed.
    PassedThrough,
}

/// [`normalize`] of lines of a JSON document, whose reading stood at `from` before them.
fn normalize_document(settings: &Settings, segment: &str, from: &json::Reading) -> SegmentResult {
    let mut script = settings.wants_scripts().then(|| classify(""));
    let mut stages = Vec::new();
    let found = json::normalize_document_lines(
        &settings.pipeline,
        segment,
        settings.document_fields.as_deref(),
        from,
        formats::Notes {
            stages: &mut stages,
            script: script.as_mut(),
        },
    );
    match found {
        Ok(document) => SegmentResult {
            text: document.text,
            stages,
            script,
            malformed: Vec::new(),
            without_fields: 0,
        },
        Err(e) => SegmentResult::malformed(e.line - 1, e.message),
    }
}

impl SegmentResult {
    /// A segment passed through unchanged: what is wrong on its line `line` (from 0).
    fn malformed(line: usize, message: String) -> SegmentResult {
        SegmentResult {
            malformed: vec![(line, message)],
            ..SegmentResult::passed_through()
        }
    }

    /// A segment passed through unchanged (in a JSON document, after the one that was
    /// malformed).
    fn passed_through() -> SegmentResult {
        SegmentResult {
            text: None,
            stages: Vec::new(),
            script: None,
            malformed: Vec::new(),
            without_fields: 0,
        }
    }
}

/// [`normalize`] of JSONL.
fn normalize_records(
    settings: &Settings,
    segment: &str,
    mut script: Option<ScriptReport>,
    mut stages: Vec<&'static str>,
) -> SegmentResult {
    let mut out = String::new();
    let mut changed = false;
    let mut malformed = Vec::new();
    let mut without_fields = 0;
    for (number, line) in segment.split_inclusive('\n').enumerate() {
        let (body, ending) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let found = json::normalize_record(
            &settings.pipeline,
            &settings.jsonl_fields,
            body,
            formats::Notes {
                stages: &mut stages,
                script: script.as_mut(),
            },
        );
        match found {
            Ok(record) => {
                without_fields += usize::from(!record.has_fields);
                match record.text {
                    Some(new) => {
                        changed = true;
                        out.push_str(&new);
                        out.push_str(ending);
                    }
                    None => out.push_str(line),
                }
            }
            Err(e) => {
                malformed.push((number, e.message));
                out.push_str(line);
            }
        }
    }
    SegmentResult {
        text: changed.then_some(out),
        stages,
        script,
        malformed,
        without_fields,
    }
}

/// Writes one segment's result; `old_lines`: the newlines in `old`, counted once.
fn write_segment(sink: &mut Sink, old: &str, old_lines: usize, new: &str) -> io::Result<()> {
    match sink {
        Sink::Stdout(out) => out.write_all(new.as_bytes()),
        Sink::File { encoder, .. } => encoder.write_all(new.as_bytes()),
        Sink::Diff {
            out,
            path,
            header_written,
            old_line,
            new_line,
        } => {
            if old != new {
                if !*header_written {
                    write!(out, "--- a/{path}\n+++ b/{path}\n")?;
                    *header_written = true;
                }
                crate::diff::write_hunks(out, old, new, *old_line, *new_line)?;
            }
            *old_line += old_lines;
            *new_line += new.matches('\n').count();
            Ok(())
        }
        Sink::Nothing => Ok(()),
    }
}

fn open_sink<'a>(
    settings: &Settings,
    input: &Input,
    compression: Compression,
    out: &'a mut dyn Write,
) -> Result<Sink<'a>, Failure> {
    let (target, always) = match (&settings.destination, &input.path) {
        (Destination::Stdout, _) => return Ok(Sink::Stdout(out)),
        (Destination::Check, _) => return Ok(Sink::Nothing),
        (Destination::Diff, _) => {
            return Ok(Sink::Diff {
                out,
                path: input.display.clone(),
                header_written: false,
                old_line: 0,
                new_line: 0,
            })
        }
        (Destination::InPlace, Some(path)) => (path.clone(), false),
        (Destination::Mirror(dir), Some(_)) => (dir.join(&input.relative), true),
        (_, None) => {
            return Err(Failure::Input(
                "-o and --in-place write files; standard input has none".to_string(),
            ))
        }
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(input_error(&format!("cannot create {}", dir.display())))?;
    // Hidden, so that a run interrupted before the rename leaves nothing a later walk
    // would take for input.
    let temp = tempfile::Builder::new()
        .prefix(".zhnorm-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(input_error(&format!(
            "cannot create a temporary file in {}",
            dir.display()
        )))?;
    let encoder = compression
        .writer(BufWriter::with_capacity(1 << 16, temp))
        .map_err(input_error("cannot compress"))?;
    Ok(Sink::File {
        encoder,
        target,
        always,
    })
}

/// Puts the temporary file in place, with the original's permissions, when there is
/// something to write.
fn finish_sink(
    sink: Sink,
    changed: bool,
    input: &Input,
    report: &mut FileReport,
) -> Result<(), Failure> {
    let Sink::File {
        encoder,
        target,
        always,
    } = sink
    else {
        return Ok(());
    };
    if !changed && !always {
        return Ok(()); // the temporary file is removed on drop
    }
    let write_error = input_error("cannot write");
    let temp = encoder
        .finish()
        .map_err(&write_error)?
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?;
    temp.as_file().sync_all().map_err(&write_error)?;
    if let Some(source) = &input.path {
        if let Ok(meta) = std::fs::metadata(source) {
            temp.as_file()
                .set_permissions(meta.permissions())
                .map_err(&write_error)?;
        }
    }
    temp.persist(&target)
        .map_err(|e| Failure::Input(format!("cannot replace {}: {}", target.display(), e.error)))?;
    report.output = Some(target.display().to_string());
    Ok(())
}

/// Reads until `buf` is full or the input ends: pieces then never depend on how the
/// reader hands out bytes.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Binary files are skipped: NUL bytes that UTF-16 does not explain, or many control
/// characters.
fn looks_binary(head: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(head).is_some() {
        return false;
    }
    if memchr::memchr(0, head).is_some() {
        return !looks_like_utf16(head);
    }
    let controls = head
        .iter()
        .filter(|&&b| is_binary_control(b as u32))
        .count();
    controls * 10 > head.len()
}

fn is_binary_control(c: u32) -> bool {
    c < 0x20 && !matches!(c, 0x09 | 0x0A | 0x0D | 0x0C | 0x1B)
}

/// Text in UTF-16 without a byte-order mark: most of its NUL bytes (the high bytes of
/// ASCII) fall on one side of the pairs, which says the byte order (the rest are low
/// bytes of characters such as `一`, U+4E00), and it decodes without controls or errors.
fn looks_like_utf16(head: &[u8]) -> bool {
    let [even, odd] = memchr::memchr_iter(0, head).fold([0, 0], |mut sides, i| {
        sides[i % 2] += 1;
        sides
    });
    let encoding = match odd >= even {
        true => encoding_rs::UTF_16LE,
        false => encoding_rs::UTF_16BE,
    };
    // (Not the last piece: a character the head cuts in two is no error.)
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(decoder.max_utf8_buffer_length(head.len()).unwrap_or(0));
    let (_, _, errors) = decoder.decode_to_string(head, &mut text, false);
    !errors && !text.chars().any(|c| is_binary_control(c as u32))
}

/// What a user should hear about how an input was decoded: nothing for plain UTF-8.
fn decoding_note(decoder: &StreamDecoder) -> Option<String> {
    let how = match decoder.detection() {
        Detection::Forced => "as asked",
        Detection::ByteOrderMark => "by its byte-order mark",
        Detection::ValidUtf8 | Detection::Detected => "detected",
    };
    let plain = decoder.encoding_name() == "UTF-8";
    match (plain, decoder.replaced()) {
        (true, 0) => None,
        (_, 0) => Some(format!("read as {} ({how})", decoder.encoding_name())),
        (_, n) => Some(format!(
            "read as {} ({how}); {n} undecodable byte sequence{} replaced by U+FFFD",
            decoder.encoding_name(),
            if n == 1 { "" } else { "s" }
        )),
    }
}

/// Counts the bytes read from disk, and moves the progress bar.
struct Counting<'a, R> {
    inner: R,
    count: u64,
    progress: Option<&'a ProgressBar>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if let Some(p) = self.progress {
            p.inc(n as u64);
        }
        Ok(n)
    }
}
