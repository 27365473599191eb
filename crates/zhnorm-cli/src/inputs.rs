//! What the PATH arguments name: files, directory trees walked in name order, standard
//! input; and what a walk leaves out (hidden files, symbolic links) or cannot read.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// One input, or a reason it is not one.
#[derive(Debug)]
pub enum Entry {
    Input(Input),
    Skipped {
        display: String,
        reason: &'static str,
    },
    Failed {
        display: String,
        error: String,
    },
}

#[derive(Debug, Clone)]
pub struct Input {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// How messages name it.
    pub display: String,
    /// Where it goes under `-o DIR`: its path below the directory given, or its name.
    pub relative: PathBuf,
    pub format: Format,
    /// Size on disk (0 for standard input), for scheduling and progress.
    pub size: u64,
}

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// JSONL: each line a JSON record, of which the fields named change.
    Records,
    /// A JSON document, whose string values change.
    Document,
    /// An ASS/SSA subtitle script, the text of whose events changes.
    Subtitles,
    /// A table of cells separated by this byte (CSV, TSV), whose cells' text changes.
    Table(u8),
}

impl Format {
    /// The format `--format` names (one of its values).
    pub fn named(name: &str) -> Format {
        let all = [
            Format::Document,
            Format::Records,
            Format::Subtitles,
            Format::Table(b','),
            Format::Table(b'\t'),
        ];
        all.into_iter()
            .find(|format| format.name() == name)
            .unwrap_or(Format::Text)
    }

    /// Its name, as `--format` and reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Document => "json",
            Format::Records => "jsonl",
            Format::Subtitles => "ass",
            Format::Table(b'\t') => "tsv",
            Format::Table(_) => "csv",
        }
    }

    /// The format a file's name gives (`.gz` and `.zst` looked past).
    fn of(path: &Path) -> Format {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let name = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".zst"))
            .unwrap_or(&name);
        if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            Format::Records
        } else if name.ends_with(".json") {
            Format::Document
        } else if name.ends_with(".ass") || name.ends_with(".ssa") {
            Format::Subtitles
        } else if name.ends_with(".csv") {
            Format::Table(b',')
        } else if name.ends_with(".tsv") {
            Format::Table(b'\t')
        } else {
            Format::Text
        }
    }
}

/// The inputs `paths` name, in order. With `format` (`--format`), standard input and the
/// files named are read in it; otherwise, and in directories, a file's name tells.
pub fn expand(paths: &[PathBuf], format: Option<Format>, follow_links: bool) -> Vec<Entry> {
    let mut entries = Vec::new();
    if paths.is_empty() {
        entries.push(stdin(format));
    }
    for path in paths {
        if path == Path::new("-") {
            entries.push(stdin(format));
        } else if path.is_dir() {
            walk(path, follow_links, &mut entries);
        } else {
            entries.push(Entry::Input(Input {
                path: Some(path.clone()),
                display: path.display().to_string(),
                relative: path.file_name().map_or_else(|| path.clone(), PathBuf::from),
                format: format.unwrap_or_else(|| Format::of(path)),
                size: std::fs::metadata(path).map_or(0, |m| m.len()),
            }));
        }
    }
    entries
}

fn stdin(format: Option<Format>) -> Entry {
    Entry::Input(Input {
        path: None,
        display: "<stdin>".to_string(),
        relative: PathBuf::from("stdin"),
        format: format.unwrap_or(Format::Text),
        size: 0,
    })
}

/// A directory's files are read as their names say: trees mix records with text.
fn walk(root: &Path, follow_links: bool, entries: &mut Vec<Entry>) {
    let mut walker = WalkDir::new(root)
        .follow_links(follow_links)
        .sort_by_file_name()
        .into_iter();
    while let Some(next) = walker.next() {
        let entry = match next {
            Ok(entry) => entry,
            Err(e) => {
                let display = e
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                let error = match e.io_error() {
                    Some(io) => format!("cannot read: {io}"),
                    None => e.to_string(),
                };
                entries.push(Entry::Failed { display, error });
                continue;
            }
        };
        let display = entry.path().display().to_string();
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            entries.push(Entry::Skipped {
                display,
                reason: "hidden",
            });
        } else if entry.path_is_symlink() && !follow_links {
            entries.push(Entry::Skipped {
                display,
                reason: "symbolic link",
            });
        } else if entry.file_type().is_file() {
            entries.push(Entry::Input(Input {
                path: Some(entry.path().to_path_buf()),
                display,
                relative: entry
                    .path()
                    .strip_prefix(root)
                    .map_or_else(|_| entry.path().to_path_buf(), Path::to_path_buf),
                format: Format::of(entry.path()),
                size: entry.metadata().map_or(0, |m| m.len()),
            }));
        } else if !entry.file_type().is_dir() {
            entries.push(Entry::Skipped {
                display,
                reason: "not a regular file",
            });
        }
    }
}
