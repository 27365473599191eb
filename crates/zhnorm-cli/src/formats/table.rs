//! CSV and TSV (`.csv`, `.tsv`): the text of each cell is normalized; separators,
//! quoting and line ends are the format's. Read as text, the stages broke a table whose
//! cells are quoted: `1,"他说""你好"""` became `1，“他说”“你好”""`, one cell of prose.
//!
//! Cells are read as RFC 4180 says (a quoted cell may hold separators, doubled quotes and
//! line breaks; a quote inside an unquoted cell is a character), and written back as they
//! came: a cell quoted stays quoted, one unquoted is quoted only if its new text needs it.
//! A header row (every cell a short name, no number) is left as it is: programs look
//! columns up by those names. Blanks at a cell's ends are kept as they are. Each column
//! is normalized as one text, a cell a line: the stages see a document of like cells, and
//! a column of Japanese beside one of Chinese is told apart (`ja,zh` pairs).

use std::ops::Range;

use zhnorm::Pipeline;

use super::Notes;

/// Bytes of a table normalized at once, at least (cut at a row's end): what is held
/// besides the table and its output stays small.
const CHUNK: usize = 1 << 20;

/// `table` (`separator`: `,` or `\t`; whole rows) with the text of its cells normalized;
/// `None` when nothing changed. `first`: it starts the table, and may start with a header.
pub fn normalize_table(
    pipeline: &Pipeline,
    table: &str,
    separator: u8,
    first: bool,
    mut notes: Notes,
) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while from < table.len() {
        let (rows, end) = cells(table, separator, from, CHUNK);
        let body = match rows.first() {
            Some(_)
                if first && from == 0 && starts_with_header(pipeline, table, &rows, separator) =>
            {
                &rows[1..]
            }
            _ => &rows[..],
        };
        for (span, new) in normalize_cells(pipeline, table, separator, body, &mut notes) {
            if out.is_empty() {
                out.reserve(table.len() + table.len() / 8);
            }
            out.push_str(&table[copied..span.start]);
            out.push_str(&new);
            copied = span.end;
        }
        from = end;
    }
    if out.is_empty() {
        return None;
    }
    out.push_str(&table[copied..]);
    Some(out)
}

/// The cells of `rows` whose text normalizing changes, in order, each with what is to be
/// written in its place (quoted as it must be).
fn normalize_cells(
    pipeline: &Pipeline,
    table: &str,
    separator: u8,
    rows: &[Vec<Cell>],
    notes: &mut Notes,
) -> Vec<(Range<usize>, String)> {
    // The text of each cell, unescaped, by column. (Not a number: most cells of data.)
    let mut texts: Vec<(Range<usize>, String)> = Vec::new();
    let mut columns: Vec<Vec<usize>> = Vec::new();
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            let raw = table[cell.span.clone()].trim_matches([' ', '\t', '"']);
            if raw.is_empty() || raw.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                continue;
            }
            if columns.len() <= column {
                columns.resize_with(column + 1, Vec::new);
            }
            columns[column].push(texts.len());
            texts.push((cell.span.clone(), cell.content(table, separator)));
        }
    }
    // A column is one text: the cells of a table's columns are alike, and its columns
    // may not be (a column of Japanese beside one of Chinese).
    let mut new_texts: Vec<Option<String>> = vec![None; texts.len()];
    for column in &columns {
        let cells: Vec<&str> = column.iter().map(|&k| texts[k].1.as_str()).collect();
        for (&k, new) in column.iter().zip(notes.run_lines(pipeline, &cells)) {
            new_texts[k] = new;
        }
    }
    let mut edits = Vec::new();
    for ((span, old), new) in texts.into_iter().zip(new_texts) {
        let Some(new) = new.filter(|new| *new != old) else {
            continue;
        };
        if separator == b'\t' {
            // (TSV cannot hold them.)
            if !new.contains(['\t', '\n', '\r']) {
                edits.push((span, new));
            }
            continue;
        }
        let quoted = table.as_bytes()[span.start] == b'"';
        let needs_quotes = new
            .bytes()
            .any(|b| b == separator || matches!(b, b'"' | b'\n' | b'\r'));
        let written = match quoted || needs_quotes {
            true => format!("\"{}\"", new.replace('"', "\"\"")),
            false => new,
        };
        edits.push((span, written));
    }
    edits
}

/// Joins segments (cut at line ends) until they end at a CSV row's end, outside quotes,
/// as [`cells`] reads them: a quoted cell may hold line breaks, and a segment cut
/// inside one would split the cell. (A quote inside an unquoted cell is a character.)
pub struct RowJoiner {
    csv: bool,
    held: String,
    /// Inside a quoted cell, at the end of what was held.
    quoted: bool,
}

impl RowJoiner {
    /// A joiner for CSV when `csv`; otherwise (TSV: no quoting) segments pass as they are.
    pub fn new(csv: bool) -> RowJoiner {
        RowJoiner {
            csv,
            held: String::new(),
            quoted: false,
        }
    }

    /// `segment`, with what was held before it, once it ends a row; `None` while not.
    pub fn whole(&mut self, segment: String) -> Option<String> {
        if !self.csv {
            return Some(segment);
        }
        self.quoted = ends_quoted(segment.as_bytes(), self.quoted);
        if self.held.is_empty() && !self.quoted {
            return Some(segment);
        }
        self.held.push_str(&segment);
        (!self.quoted).then(|| std::mem::take(&mut self.held))
    }

    /// What is held at the end of the text (a quote never closed).
    pub fn rest(&mut self) -> Option<String> {
        Some(std::mem::take(&mut self.held)).filter(|held| !held.is_empty())
    }
}

/// Whether CSV `bytes` (starting a cell, inside quotes when `quoted`) end inside a quoted
/// cell. A doubled quote inside one is a quote of the text.
fn ends_quoted(bytes: &[u8], mut quoted: bool) -> bool {
    let mut cell_start = !quoted;
    let mut i = 0;
    while i < bytes.len() {
        if quoted {
            match memchr::memchr(b'"', &bytes[i..]) {
                Some(k) if bytes.get(i + k + 1) == Some(&b'"') => i += k + 2,
                Some(k) => {
                    quoted = false;
                    i += k + 1;
                }
                None => return true,
            }
            continue;
        }
        if cell_start && bytes[i] == b'"' {
            (quoted, cell_start) = (true, false);
            i += 1;
            continue;
        }
        match memchr::memchr3(b',', b'\n', b'\r', &bytes[i..]) {
            Some(k) => {
                cell_start = true;
                i += k + 1;
            }
            None => return false,
        }
    }
    quoted
}

/// One cell: where it is in the table, quotes included.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    span: Range<usize>,
}

impl Cell {
    /// The cell's text: unquoted, its doubled quotes single (CSV).
    fn content(&self, table: &str, separator: u8) -> String {
        let raw = &table[self.span.clone()];
        match raw.strip_prefix('"').filter(|_| separator != b'\t') {
            Some(inner) => inner
                .strip_suffix('"')
                .unwrap_or(inner)
                .replace("\"\"", "\""),
            None => raw.to_string(),
        }
    }
}

/// The rows of `table` from `from` (a row's start), each its cells, until a row ends
/// `at_least` bytes on; and where the next row starts.
fn cells(table: &str, separator: u8, from: usize, at_least: usize) -> (Vec<Vec<Cell>>, usize) {
    let bytes = table.as_bytes();
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut i = from;
    while i < bytes.len() && (i - from < at_least || !row.is_empty()) {
        // A cell starts at `i`.
        let start = i;
        // (TSV has no quoting: its quotes are characters.)
        if bytes[i] == b'"' && separator != b'\t' {
            // Quoted: to the quote not doubled; a quote never closed takes the rest.
            i += 1;
            loop {
                match memchr::memchr(b'"', &bytes[i..]) {
                    Some(k) if bytes.get(i + k + 1) == Some(&b'"') => i += k + 2,
                    Some(k) => {
                        i += k + 1;
                        break;
                    }
                    None => {
                        i = bytes.len();
                        break;
                    }
                }
            }
            // (Text after the closing quote belongs to the cell, as readers take it.)
            i += bytes[i..]
                .iter()
                .take_while(|&&b| b != separator && b != b'\n' && b != b'\r')
                .count();
        } else {
            i += bytes[i..]
                .iter()
                .take_while(|&&b| b != separator && b != b'\n' && b != b'\r')
                .count();
        }
        row.push(Cell { span: start..i });
        match bytes.get(i) {
            Some(&b) if b == separator => {
                i += 1;
                if i == bytes.len() {
                    row.push(Cell { span: i..i });
                }
            }
            Some(b'\r' | b'\n') => {
                i += if bytes[i..].starts_with(b"\r\n") {
                    2
                } else {
                    1
                };
                rows.push(std::mem::take(&mut row));
            }
            _ => {}
        }
    }
    if !row.is_empty() {
        rows.push(row);
    }
    (rows, i)
}

/// How many cells each row of `table` has (for tests of what a table keeps).
#[cfg(test)]
pub fn row_lengths(table: &str, separator: u8) -> Vec<usize> {
    let (rows, _) = cells(table, separator, 0, usize::MAX);
    rows.iter().map(Vec::len).collect()
}

/// Whether the first of `rows` names columns: it looks like names, and the rows after it,
/// normalized, do not all look so. (A word list, `國家,country` on every line, has no
/// header: read as one, its first word was left unconverted.) A table of one row may be a
/// header alone. (The rows after are judged as normalizing leaves them, as a second run
/// sees them: `&amp;` has a `;`, `&` none.)
fn starts_with_header(pipeline: &Pipeline, table: &str, rows: &[Vec<Cell>], separator: u8) -> bool {
    let names = |row: &[Cell], normalize: bool| {
        row.len() >= 2
            && row.iter().all(|cell| {
                let text = cell.content(table, separator);
                match normalize {
                    true => is_name(&pipeline.run(text.trim()).text),
                    false => is_name(&text),
                }
            })
    };
    let data = &rows[1..rows.len().min(1 + HEADER_EVIDENCE_ROWS)];
    names(&rows[0], false) && (data.is_empty() || !data.iter().all(|row| names(row, true)))
}

/// Rows after the first that [`starts_with_header`] compares it with.
const HEADER_EVIDENCE_ROWS: usize = 20;

/// Whether a cell's `text` may name a column: short, without a digit or a sentence's mark
/// (a full stop ends Chinese that has one, not `No.`).
fn is_name(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.chars().count() <= 32
        && !text.contains(|c: char| c.is_ascii_digit() || "，。！？；、,;!?".contains(c))
        && (!text.ends_with('.') || text.is_ascii())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{notes, pipeline};
    use super::*;

    fn normalize(table: &str, separator: u8) -> Option<String> {
        normalize_table(pipeline(), table, separator, true, notes(&mut Vec::new()))
    }

    #[test]
    fn a_first_row_is_a_header_only_where_the_rows_after_it_differ() {
        // Names over data with numbers or sentences: a header, kept.
        let named = "名稱,說明\n臺北,位於臺灣北部。\n";
        assert_eq!(
            normalize(named, b',').as_deref(),
            Some("名稱,說明\n台北,位于台湾北部。\n")
        );
        // A word list: every row looks like names, so the first is a word like the rest.
        let words = "國家,country\n學習,study\n體育,sports\n";
        assert_eq!(
            normalize(words, b',').as_deref(),
            Some("国家,country\n学习,study\n体育,sports\n")
        );
        // One row alone may be a header.
        assert_eq!(normalize("名稱,簡稱\n", b','), None);
    }

    #[test]
    fn cells_change_and_the_format_stays() {
        let table = "id,text,評論\r\n1,\"他说\"\"你好\"\"然后走了\",好\r\n\
                     2,\"第一行,第二句.還有\",  國家 \r\n3,\"多行\n第二行.\",\r\n";
        // (A cell's quotes are prose's: curled, and no longer doubled.)
        let want = "id,text,評論\r\n1,\"他说“你好”然后走了\",好\r\n\
                    2,\"第一行，第二句。还有\",  国家 \r\n3,\"多行\n第二行。\",\r\n";
        assert_eq!(normalize(table, b',').as_deref(), Some(want));
        // A quote inside an unquoted cell is a character: prose's, curled.
        assert_eq!(
            normalize("1,他說\"好\"\n2,臺灣\n", b',').as_deref(),
            Some("1,他说“好”\n2,台湾\n")
        );
    }

    #[test]
    fn each_column_is_read_for_its_own_language() {
        // Read as one text, the kana decided for the whole table: the Chinese column
        // was left as Japanese.
        let pairs = "ja\tzh\n時間がありません。\t我們沒有時間。\n東京は大きい都市です。\t東京是個大城市。\n";
        assert_eq!(
            normalize(pairs, b'\t').as_deref(),
            Some("ja\tzh\n時間がありません。\t我们没有时间。\n東京は大きい都市です。\t东京是个大城市。\n")
        );
    }

    #[test]
    fn tab_separated_cells_too_whose_quotes_are_characters() {
        let table = "詞\t解釋\n蘋果\t一種水果,很甜.\n\"引號\"開頭\t\"全\"\n";
        assert_eq!(
            normalize(table, b'\t').as_deref(),
            Some("詞\t解釋\n苹果\t一种水果，很甜。\n“引号”开头\t“全”\n")
        );
    }

    #[test]
    fn the_cells_of_a_table_are_read_as_rfc_4180_says() {
        let table = "a,\"b,\"\"c\"\"\",d\n\"multi\nline\",\n\"open";
        let (rows, end) = cells(table, b',', 0, usize::MAX);
        assert_eq!(end, table.len());
        // Read a few bytes at a time, rows come whole and the same.
        let (mut pieces, mut from) = (Vec::new(), 0);
        while from < table.len() {
            let (rows, end) = cells(table, b',', from, 3);
            pieces.extend(rows);
            from = end;
        }
        assert_eq!(pieces, rows);
        let texts: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| c.content(table, b',')).collect())
            .collect();
        assert_eq!(
            texts,
            [
                vec!["a", "b,\"c\"", "d"],
                vec!["multi\nline", ""],
                vec!["open"]
            ]
        );
    }

    #[test]
    fn a_csv_segment_ends_inside_a_quoted_cell_as_the_table_reads_it() {
        for (bytes, quoted, ends) in [
            (&b"1,\"a\nb\",c\n"[..], false, false),
            (b"1,\"a\n", false, true),
            (b"b\",c\n", true, false),
            (b"b\"\"\n", true, true), // a doubled quote is text
            (b"1,\xe4\xbb\x96\"x\n", false, false), // a quote inside an unquoted cell too
            (b"1,\"a\" \"b\n", false, false), // and after a cell's closing quote
            (b"\"\"\n", false, false),
        ] {
            assert_eq!(
                ends_quoted(bytes, quoted),
                ends,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
