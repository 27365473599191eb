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
    /// Lines are JSON records.
    pub jsonl: bool,
    /// Size on disk (0 for standard input), for scheduling and progress.
    pub size: u64,
}

/// Names of files that are JSONL whatever the options.
const JSONL_NAMES: [&str; 6] = [
    ".jsonl",
    ".jsonl.gz",
    ".jsonl.zst",
    ".ndjson",
    ".ndjson.gz",
    ".ndjson.zst",
];

fn is_jsonl_name(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    JSONL_NAMES.iter().any(|ext| name.ends_with(ext))
}

/// The inputs `paths` name, in order; `jsonl` as `--jsonl` says (files named as JSONL are
/// JSONL anyway).
pub fn expand(paths: &[PathBuf], jsonl: bool, follow_links: bool) -> Vec<Entry> {
    let mut entries = Vec::new();
    if paths.is_empty() {
        entries.push(stdin(jsonl));
    }
    for path in paths {
        if path == Path::new("-") {
            entries.push(stdin(jsonl));
        } else if path.is_dir() {
            walk(path, follow_links, &mut entries);
        } else {
            entries.push(Entry::Input(Input {
                path: Some(path.clone()),
                display: path.display().to_string(),
                relative: path.file_name().map_or_else(|| path.clone(), PathBuf::from),
                jsonl: jsonl || is_jsonl_name(path),
                size: std::fs::metadata(path).map_or(0, |m| m.len()),
            }));
        }
    }
    entries
}

fn stdin(jsonl: bool) -> Entry {
    Entry::Input(Input {
        path: None,
        display: "<stdin>".to_string(),
        relative: PathBuf::from("stdin"),
        jsonl,
        size: 0,
    })
}

/// A directory's files are JSONL by their name alone: trees mix records with text.
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
                jsonl: is_jsonl_name(entry.path()),
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
