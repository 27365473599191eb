//! `--diff`: unified diff hunks of one segment, numbered as lines of the whole file.

use std::io::{self, Write};

use similar::{ChangeTag, TextDiff};

/// Lines of context around each change, as `diff -u` gives.
const CONTEXT: usize = 3;

/// Writes the hunks that turn `old` into `new`; the segment starts after `old_start`
/// lines of the old file and `new_start` lines of the new one.
pub fn write_hunks(
    out: &mut dyn Write,
    old: &str,
    new: &str,
    old_start: usize,
    new_start: usize,
) -> io::Result<()> {
    let diff = TextDiff::from_lines(old, new);
    for group in diff.grouped_ops(CONTEXT) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        writeln!(
            out,
            "@@ -{} +{} @@",
            range(old_start + old_range.start, old_range.len()),
            range(new_start + new_range.start, new_range.len())
        )?;
        for op in &group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let line = change.value();
                write!(out, "{sign}{line}")?;
                if !line.ends_with('\n') {
                    write!(out, "\n\\ No newline at end of file\n")?;
                }
            }
        }
    }
    Ok(())
}

/// `start,len` as unified diffs write it: 1-based, and `start` is the line before an
/// empty range.
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}
