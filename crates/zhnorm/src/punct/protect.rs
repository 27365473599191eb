//! What in a line of Chinese text is not prose, so that `punct` leaves its marks alone:
//! inline code, markup tags and character references, URLs, e-mail addresses and paths,
//! and the syntax of the code and file formats Chinese text is kept in — the quotes of a
//! gettext catalogue's strings, a man page's macro arguments, a program's string literals
//! and calls, JSON. A curled quote there breaks the file (`msgstr “错误”` is no longer a
//! catalogue entry), and so does a full-width `；` ending `&gt;`.

use std::ops::Range;

use crate::chars::AsciiSet;

/// What the text a line comes from is, found when a line first needs to know: the
/// quotes of a line that is one quoted string are the string's delimiters in a gettext
/// catalogue (`"只想显示…"` continues a `msgstr`), and a line that starts with `.` is a
/// request in a man page.
pub(super) struct Document<'t> {
    text: &'t str,
    catalogue: Option<bool>,
    man_page: Option<bool>,
    table: Option<Option<u8>>,
    /// The blocks of preformatted text ([`preformatted_blocks`]), whole lines, in order;
    /// found when a line first asks.
    blocks: Option<Vec<Range<usize>>>,
    /// The first block that does not end before the line asked about last.
    next_block: usize,
    /// Where the line being judged starts in `text` (set by the caller for each line).
    pub(super) line_start: usize,
}

impl<'t> Document<'t> {
    pub(super) fn new(text: &'t str) -> Document<'t> {
        Document {
            text,
            catalogue: None,
            man_page: None,
            table: None,
            blocks: None,
            next_block: 0,
            line_start: 0,
        }
    }

    /// Whether the line being judged continues a request line of roff (see
    /// [`continues_request`]).
    fn continues_request(&self) -> bool {
        continues_request(self.text, self.line_start.min(self.text.len()))
    }

    /// Whether the line at `line` (byte offsets, asked in order) is part of a block of
    /// preformatted text, `<pre class="programlisting">` and the like: code, commands and
    /// their output, tables, whose quotes and marks are the program's.
    pub(super) fn in_preformatted(&mut self, line: Range<usize>) -> bool {
        if self.blocks.is_none() {
            // (Only a man page's text is searched for its blocks.)
            let man_page = self.is_man_page();
            self.blocks = Some(preformatted_blocks(self.text, man_page));
        }
        let blocks = self.blocks.as_ref().expect("found");
        while blocks
            .get(self.next_block)
            .is_some_and(|b| b.end <= line.start)
        {
            self.next_block += 1;
        }
        blocks
            .get(self.next_block)
            .is_some_and(|b| b.start < line.end)
    }

    /// A gettext catalogue (`.po`): some line starts with `msgid` or `msgstr`.
    fn is_catalogue(&mut self) -> bool {
        let text = self.text;
        *self
            .catalogue
            .get_or_insert_with(|| starts_some_line(text, "msg", &["id ", "str"]))
    }

    /// The separator of a table of comma- or tab-separated values ([`table_separator`]).
    fn table_separator(&mut self) -> Option<u8> {
        let text = self.text;
        *self.table.get_or_insert_with(|| table_separator(text))
    }

    /// A man page in roff: some line is a section heading (`.SH`, `.Sh` in mdoc).
    fn is_man_page(&mut self) -> bool {
        let text = self.text;
        *self
            .man_page
            .get_or_insert_with(|| starts_some_line(text, ".S", &["H", "h"]))
    }
}

/// The separator of `text` when it is a table of comma-separated values (CSV) or of
/// tab-separated ones (TSV): of its first lines (up to [`TABLE_LINES`] that are not
/// blank), at least three, and nine in ten of them as well as the first (the header),
/// have the same number of separators outside double quotes — two commas at least, or a
/// tab. A CSV's commas and quotes are the table's: `1,张三,"北京, 海淀"` made
/// `1，张三，“北京， 海淀”` is no longer a row of three fields. A TSV's commas are its
/// cells' text, but quotes that wrap a cell are the table's too. (Prose does not keep
/// the same number of commas line after line.)
fn table_separator(text: &str) -> Option<u8> {
    let is_table = |separator: u8, least: usize| {
        let separators = |line: &str| {
            let mut quoted = false;
            line.bytes()
                .filter(|&b| {
                    quoted ^= b == b'"';
                    b == separator && !quoted
                })
                .count()
        };
        let mut lines = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .take(TABLE_LINES);
        let Some(header) = lines.next().map(separators).filter(|&n| n >= least) else {
            return false;
        };
        let (mut rows, mut alike) = (1, 1);
        for line in lines {
            rows += 1;
            alike += (separators(line) == header) as usize;
        }
        rows >= 3 && alike * 10 >= rows * 9
    };
    [(b',', 2), (b'\t', 1)]
        .into_iter()
        .find(|&(separator, least)| is_table(separator, least))
        .map(|(separator, _)| separator)
}

/// Lines [`table_separator`] reads at most.
const TABLE_LINES: usize = 100;

/// In a line of a TSV, the quotes that wrap a cell (`"喜欢, 读书"`) and the doubled quotes
/// inside it, which stand for one (`"他说""好"""`).
fn protect_quoted_cells(chars: &[char], protected: &mut [bool]) {
    let mut start = 0;
    while start <= chars.len() {
        let end = chars[start..]
            .iter()
            .position(|&c| c == '\t')
            .map_or(chars.len(), |k| start + k);
        // (The line's end is no part of its last cell.)
        let mut last = end;
        while last > start && matches!(chars[last - 1], '\n' | '\r') {
            last -= 1;
        }
        let cell = &chars[start..last];
        if cell.len() >= 2 && cell[0] == '"' && cell[cell.len() - 1] == '"' {
            protected[start] = true;
            protected[last - 1] = true;
            let mut k = start + 1;
            while k + 1 < last - 1 {
                if chars[k] == '"' && chars[k + 1] == '"' {
                    protected[k] = true;
                    protected[k + 1] = true;
                    k += 2;
                } else {
                    k += 1;
                }
            }
        }
        start = end + 1;
    }
}

/// Whether the parenthesis at `paren` opens with a string argument, followed by another
/// or by the call's end: not quoted prose (`^A c ("Control-A" 接著 "c")`). The string may
/// have a prefix (Python's `f"共 {n} 个"`, `r'…'`, C++'s `L"…"`), or be in a list or dict
/// (`f(['甲', '乙'])`); or the argument is a call with a string argument
/// (`print(set_cell_size("""…""", n))`, `load({ord('还'): 'hái'})`), to `depth` calls deep.
fn opens_with_string(chars: &[char], paren: usize, depth: u8) -> bool {
    let n = chars.len();
    let mut open = skip_index(chars, paren + 1);
    let prefix = chars[open.min(n)..]
        .iter()
        .take_while(|c| matches!(c, 'f' | 'F' | 'r' | 'R' | 'b' | 'B' | 'u' | 'U' | 'L'))
        .count();
    if prefix <= 2
        && chars
            .get(open + prefix)
            .is_some_and(|&c| c == '"' || c == '\'')
    {
        open += prefix;
    }
    if open < n && matches!(chars[open], '[' | '{') {
        return string_literal_end(chars, open).is_some() || opens_with_call(chars, open, depth);
    }
    opens_with_call(chars, open, depth)
        || open < n
            && matches!(chars[open], '"' | '\'')
            && closing_quote(chars, open).is_some_and(|close| {
                let next = skip_index(chars, close + 1);
                next == n || matches!(chars[next], ',' | ')' | ';' | '+' | '&' | '.' | '\n')
            })
}

/// Calls in calls looked into for a string argument (bounded: a line may be a megabyte of
/// `f(g(h(`).
const CALLS_DEEP: u8 = 2;

/// Whether a call with a string argument opens at `at`, past brackets and blanks (see
/// [`opens_with_string`]).
fn opens_with_call(chars: &[char], at: usize, depth: u8) -> bool {
    let Some(depth) = depth.checked_sub(1) else {
        return false;
    };
    let n = chars.len();
    let open = at
        + chars[at.min(n)..]
            .iter()
            .take_while(|&&c| matches!(c, '[' | '{' | ' ' | '\t'))
            .count();
    let name = ident_len(&chars[open.min(n)..]);
    name > 0 && chars.get(open + name) == Some(&'(') && opens_with_string(chars, open + name, depth)
}

/// Whether `line` (trimmed) is a statement of code that holds a string: ASCII code before
/// its first quote that assigns, calls or returns (`String msg = "你好,世界";`,
/// `const label = '名称:';`, `let items = ["苹果", "香蕉"];`, `return "错误(" + code + ")";`),
/// and `;` at its end. Its quotes, parentheses and semicolon are the language's.
fn is_code_statement(line: &[char]) -> bool {
    // (The end first: most lines that reach here end otherwise.)
    if line.last() != Some(&';') {
        return false;
    }
    let Some(quote) = line.iter().position(|&c| c == '"' || c == '\'') else {
        return false;
    };
    let head = &line[..quote];
    let returns = head.starts_with(&['r', 'e', 't', 'u', 'r', 'n', ' ']);
    head.iter().all(char::is_ascii)
        && head
            .first()
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
        && (returns || head.contains(&'=') || head.contains(&'('))
}

/// Whether `line` (trimmed) is a statement of SQL that holds a string (`INSERT INTO users VALUES
/// (1,'张三','北京');`), or a row of values continuing one (`(2,'李四','上海'),`): what a
/// database dump is made of, whose quotes, parentheses, commas and semicolons would be
/// made Chinese.
fn is_sql(line: &[char]) -> bool {
    const STATEMENTS: [&str; 9] = [
        "INSERT INTO ",
        "REPLACE INTO ",
        "SELECT ",
        "UPDATE ",
        "DELETE FROM ",
        "CREATE TABLE ",
        "ALTER TABLE ",
        "VALUES ",
        "VALUES(",
    ];
    // (The first character first: most lines that reach here start otherwise.)
    let first = line.first().map(char::to_ascii_uppercase);
    if !matches!(
        first,
        Some('I' | 'R' | 'S' | 'U' | 'D' | 'C' | 'A' | 'V' | '(')
    ) || !line.contains(&'\'')
    {
        return false;
    }
    let starts = |s: &str| {
        s.len() <= line.len()
            && s.chars()
                .zip(line)
                .all(|(k, &c)| c.eq_ignore_ascii_case(&k))
    };
    let statement = STATEMENTS.iter().any(|s| starts(s));
    let ends = |tail: [char; 2]| line.ends_with(&tail);
    let row = line.first() == Some(&'(') && (ends([')', ',']) || ends([')', ';']));
    statement || row
}

/// The lines from each opening of a block of preformatted text to the line that closes
/// it (to the end, if none does): in markup, the elements whose content is not prose
/// ([`VERBATIM_ELEMENTS`], tags in either case); in a man page, tables
/// (`.TS` to `.TE`, whose data lines are cells between tbl's separators: `T{`,
/// `T}:IPv4 网络协议:T{`) and examples (`.EX` to `.EE`).
fn preformatted_blocks(text: &str, man_page: bool) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |k| k + 1);
    let line_end =
        |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |k| at + k + 1);
    let mut blocks: Vec<Range<usize>> = Vec::new();
    // The closing tag of each element found last: none after an opening means none after
    // any later one, so that no text is searched to its end twice.
    let mut closes: [Option<Option<usize>>; VERBATIM_ELEMENTS.len()] = Default::default();
    for open in memchr::memchr_iter(b'<', bytes) {
        let Some(element) = verbatim_element_at(bytes, open) else {
            continue;
        };
        if blocks.last().is_some_and(|b| open < b.end) {
            continue;
        }
        let name = VERBATIM_ELEMENTS[element];
        let close = match closes[element] {
            Some(close) if close.is_none_or(|close| close > open) => close,
            _ => memchr::memmem::find_iter(&bytes[open..], b"</")
                .map(|k| open + k)
                .find(|&close| is_tag_named(bytes, close + 2, name)),
        };
        closes[element] = Some(close);
        let start = line_start(open);
        // One left open runs on, if it is markup: a tag that starts its line, outside a
        // man page (`在輸出的 HTML <style> 標籤中` names one).
        let runs_on = !man_page && bytes[start..open].iter().all(u8::is_ascii_whitespace);
        match close {
            Some(close) => blocks.push(start..line_end(close)),
            None if runs_on => blocks.push(start..bytes.len()),
            None => {}
        }
    }
    if man_page {
        for (open, close) in [(".TS", "\n.TE"), (".EX", "\n.EE")] {
            lines_starting(text, open, |at| {
                let end = memchr::memmem::find(&bytes[at..], close.as_bytes())
                    .map_or(bytes.len(), |k| line_end(at + k + 1));
                blocks.push(at..end);
                false
            });
        }
        blocks.sort_unstable_by_key(|b| b.start);
    }
    // (A block that opens inside another is part of it.)
    blocks.dedup_by(|later, earlier| {
        let inside = later.start < earlier.end;
        earlier.end = earlier.end.max(if inside { later.end } else { 0 });
        inside
    });
    blocks
}

/// Where the flow collection of a line of YAML opens, when the line is a key and its
/// collection (`  states: [ 中文, 西文 ]`, `key: { a: 1, b: 2 }`) or a list item that is
/// one (`- [ 半角, 全角 ]`), the collection closing at the line's end.
fn yaml_flow_collection(chars: &[char]) -> Option<usize> {
    let first = chars.iter().position(|c| !c.is_whitespace())?;
    let last = chars.iter().rposition(|c| !c.is_whitespace())?;
    let mut at = first;
    if chars[at..].starts_with(&['-', ' ']) {
        at += 2;
    } else {
        let key = ident_len(&chars[at..]);
        if key == 0 || !chars[at + key..].starts_with(&[':', ' ']) {
            return None;
        }
        at += key + 1;
    }
    at += chars[at..].iter().take_while(|&&c| c == ' ').count();
    let open = *chars.get(at)?;
    let close = match open {
        '[' => ']',
        '{' => '}',
        _ => return None,
    };
    (last > at && chars[last] == close).then_some(at)
}

/// Where the line that opens the preformatted element open at line start `at` of `text`
/// starts, if one opened within [`VERBATIM_WINDOW`] bytes before `at` is open there: its
/// closing tag is not before `at`. (Every opening tag counts, wherever it stands in its
/// line.)
pub(super) fn verbatim_open_at(text: &str, at: usize) -> Option<usize> {
    let bytes = &text.as_bytes()[..at];
    let mut from = at.saturating_sub(VERBATIM_WINDOW);
    while let Some(k) = memchr::memchr(b'<', &bytes[from..]) {
        let open = from + k;
        from = open + 1;
        let Some(name) = verbatim_element_at(bytes, open).map(|k| VERBATIM_ELEMENTS[k]) else {
            continue;
        };
        let close = memchr::memmem::find_iter(&bytes[open..], b"</")
            .map(|k| open + k)
            .find(|&close| is_tag_named(bytes, close + 2, name));
        match close {
            Some(close) => from = close + 2,
            None => return Some(memchr::memrchr(b'\n', &bytes[..open]).map_or(0, |k| k + 1)),
        }
    }
    None
}

/// How far back from a Markdown link's destination its label's `[` is looked for.
const LABEL_MAX: usize = 1000;

/// How far before a place [`verbatim_open_at`] looks for an element open there: blocks
/// of code are far shorter, and a markup text has a `<` every few dozen bytes, each of
/// which a search of the whole text would look at again for every place asked about.
const VERBATIM_WINDOW: usize = 64 << 10;

/// Which of [`VERBATIM_ELEMENTS`] the tag opening at `open` (a `<`) of `bytes` opens, if
/// one does.
#[inline]
fn verbatim_element_at(bytes: &[u8], open: usize) -> Option<usize> {
    // (Most tags are others: their first letter tells.)
    let first = bytes.get(open + 1).map_or(0, |b| b | 0x20);
    if !matches!(first, b'p' | b's' | b'x' | b'l') {
        return None;
    }
    VERBATIM_ELEMENTS
        .iter()
        .position(|name| is_tag_named(bytes, open + 1, name))
}

/// The elements of markup whose content is not prose: preformatted text (and its obsolete
/// forms), and a page's scripts and style sheets, whose quotes and semicolons are code.
const VERBATIM_ELEMENTS: [&[u8]; 5] = [b"pre", b"script", b"style", b"xmp", b"listing"];

/// Whether the name of a tag at `at` of `bytes` is `name`, in either case: `<pre>`,
/// `<PRE class=…>`, not `<prefix>`.
fn is_tag_named(bytes: &[u8], at: usize, name: &[u8]) -> bool {
    bytes
        .get(at..at + name.len())
        .is_some_and(|found| found.eq_ignore_ascii_case(name))
        && bytes
            .get(at + name.len())
            .is_some_and(|&b| ends_tag_name(b as char))
}

/// Whether `c` ends the name of a tag: a space before its attributes, or its end.
fn ends_tag_name(c: char) -> bool {
    c.is_ascii_whitespace() || matches!(c, '>' | '/')
}

/// Calls `found` with where each line of `text` that starts with `head` starts, until it
/// returns true; whether it did.
pub(super) fn lines_starting(text: &str, head: &str, mut found: impl FnMut(usize) -> bool) -> bool {
    let bytes = text.as_bytes();
    if bytes.starts_with(head.as_bytes()) && found(0) {
        return true;
    }
    let needle = [b"\n", head.as_bytes()].concat();
    memchr::memmem::find_iter(bytes, &needle).any(|i| found(i + 1))
}

/// Whether the line of `text` starting at `start` continues a request line of roff: the
/// line before it ends in an escaping backslash, and so does every line back to one that
/// starts with `.` or `'` (`.URL http://… \` then `"“古老的 Unix 的檔案館”"`, whose quotes
/// delimit the macro's argument).
fn continues_request(text: &str, start: usize) -> bool {
    if !text.is_char_boundary(start) {
        return false;
    }
    let mut end = start;
    while let Some(before) = text[..end].strip_suffix('\n') {
        let before = before.strip_suffix('\r').unwrap_or(before);
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &before[line_start..];
        let backslashes = line.len() - line.trim_end_matches('\\').len();
        if backslashes % 2 == 0 {
            return false;
        }
        if line.starts_with(['.', '\'']) {
            return true;
        }
        end = line_start;
    }
    false
}

/// Whether some line of `text` starts with `head` followed by one of `tails`.
fn starts_some_line(text: &str, head: &str, tails: &[&str]) -> bool {
    let bytes = text.as_bytes();
    lines_starting(text, head, |at| {
        let rest = &bytes[at + head.len()..];
        tails.iter().any(|t| rest.starts_with(t.as_bytes()))
    })
}

/// Protects the marks that are the syntax of code or of a file format, where the line
/// shows it:
/// - the delimiters of a catalogue's strings and the quotes escaped in them (`msgstr
///   "单击\"确定\"按钮"`, and a line that is one quoted string in a catalogue);
/// - a roff comment's `.\"`; in a man page, every straight double quote of a request
///   line (`.SH "描述"`) and every mark that is an argument of its own there (mdoc's
///   `.Em 类型 .`), and every escaped quote (`\"` opens a comment);
/// - a line of JSON (`{"name": "张三"}`, `"city": "北京",`) or a shell prompt (`$ echo`);
/// - a string assigned to a name at the start of a line (`NAME="中文名"`, `title: "标题"`);
/// - a call with a string argument, whole (`printf("错误: %s\n", msg)`);
/// - a menu item's access key (`打开(&O)`, `比较(_C)`, LibreOffice's `物件(~O)`);
/// - triple quotes (`"""`, `'''`).
fn protect_syntax(
    bytes: &[u8],
    chars: &[char],
    marks: &[usize],
    document: &mut Document,
    protected: &mut [bool],
) {
    let n = chars.len();
    // (Quotes and parentheses are among the `marks`; a backslash is looked for only where
    // an escape would matter.)
    let backslashes = || memchr::memchr(b'\\', bytes).is_some();
    let is_blank = |c: char| c.is_whitespace();
    let first = chars.iter().position(|&c| !is_blank(c)).unwrap_or(n);
    let last = chars.iter().rposition(|&c| !is_blank(c));
    let Some(last) = last else {
        return;
    };
    let rest = &chars[first..=last];
    // A line of JSON or a command at a prompt: all of it.
    let json_key = rest[0] == '"' && {
        let key = ident_len(&rest[1..]);
        key > 0 && rest[1 + key..].starts_with(&['"', ':'])
    };
    let json = rest.starts_with(&['{', '"'])
        || rest.starts_with(&['[', '{'])
        || rest.starts_with(&['[', '"'])
        || json_key
        || string_literal_end(rest, 0).is_some();
    // (A shell's prompt, or Python's: a doctest's line is code, and so is what it prints.)
    let prompt = rest.starts_with(&['$', ' '])
        && rest.get(2).is_some_and(char::is_ascii_alphabetic)
        || rest.starts_with(&['>', '>', '>', ' ']);
    // A statement of code or of SQL, whole (a database dump's rows are data, its marks
    // syntax).
    if json || prompt || is_code_statement(rest) || is_sql(rest) {
        protect(protected, first..last + 1);
        return;
    }
    // Python's and others' triple quotes (`""" 检查内容 """`) delimit strings and doc comments.
    for &i in marks {
        let c = chars[i];
        if matches!(c, '"' | '\'') && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c) {
            protect(protected, i..i + 3);
        }
    }
    // A call with a string argument: from its opening parenthesis to its closing one. A
    // menu item's access key (`打开(&O)`, `比较(_C)`, `物件(~O)`): toolkit syntax.
    let mut past = 0; // the end of the last call protected
    for &i in marks {
        // (Markup protected already: `<a href="x(1)">`.)
        if chars[i] != '(' || protected[i] || i < past {
            continue;
        }
        if i + 3 < n
            && matches!(chars[i + 1], '&' | '_' | '~')
            && chars[i + 2].is_ascii_alphanumeric()
            && chars[i + 3] == ')'
        {
            protect(protected, i..i + 4);
            continue;
        }
        let name_end = if i > 0 && chars[i - 1] == ' ' {
            i - 1
        } else {
            i
        };
        let named = name_end > 0
            && is_ident_char(chars[name_end - 1])
            && chars[..name_end]
                .iter()
                .rev()
                .take_while(|&&c| is_ident_char(c))
                .any(char::is_ascii_alphabetic);
        if named && opens_with_string(chars, i, CALLS_DEEP) {
            past = closing_paren(chars, i).map_or(n, |close| close + 1);
            protect(protected, i..past);
        }
    }
    // A list, set or dict of strings anywhere in the line (a comment's `# output:
    // [['北běi'], ['京jīng']]`, `{'桔子': [['jú']]}`): its quotes, commas and colons are
    // syntax.
    // (Opening quotes only: `"["` quotes a bracket.)
    for i in opening_quotes(chars, marks) {
        if protected[i] {
            continue;
        }
        let brackets = chars[..i]
            .iter()
            .rev()
            .take_while(|&&c| matches!(c, '[' | '{' | ' '))
            .count();
        let open = i - brackets
            + chars[i - brackets..i]
                .iter()
                .take_while(|&&c| c == ' ')
                .count();
        if open < i {
            if let Some(end) = string_literal_end(chars, open) {
                protect(protected, open..end);
            }
        }
    }
    // A roff comment: `.\"` at the start of a line is one anywhere.
    if chars.starts_with(&['.', '\\', '"']) || chars.starts_with(&['\'', '\\', '"']) {
        protect(protected, 0..3);
    }
    // In a man page, a request's quotes delimit its arguments, and a mark that is an
    // argument of its own is a delimiter the macro places (mdoc's `.Em 类型 .`); `\"`
    // opens a comment on any line.
    // (The document is asked only when the line holds what it would protect.)
    let request_syntax = |i: usize| {
        let alone =
            i > 0 && chars[i - 1] == ' ' && chars.get(i + 1).is_none_or(|c| c.is_whitespace());
        chars[i] == '"'
            || alone && matches!(chars[i], '.' | ',' | ':' | ';' | '?' | '!' | '(' | ')')
    };
    // (A request's own `.` is no argument; a line that continues one is all arguments.)
    let continued = !matches!(chars[0], '.' | '\'')
        && memchr::memchr(b'"', bytes).is_some()
        && document.is_man_page()
        && document.continues_request();
    let arguments = usize::from(!continued)..n;
    if matches!(chars[0], '.' | '\'') || continued {
        if arguments.clone().any(request_syntax) && document.is_man_page() {
            arguments
                .filter(|&i| request_syntax(i))
                .for_each(|i| protected[i] = true);
            return;
        }
    } else if backslashes() && document.is_man_page() {
        protect_escaped_quotes(chars, marks, 0..n, protected);
    }
    // A catalogue's keyword and string, or a string that continues one.
    let keyword = ident_len(rest);
    let after_keyword = skip_index(rest, keyword);
    let catalogue_string = (keyword > 3
        && rest[..keyword].starts_with(&['m', 's', 'g'])
        && rest.get(after_keyword) == Some(&'"'))
    .then_some(first + after_keyword)
    .or_else(|| (rest[0] == '"' && document.is_catalogue()).then_some(first));
    if let Some(open) = catalogue_string {
        if last > open && chars[last] == '"' {
            protected[open] = true;
            protected[last] = true;
        }
        // (`\"` is a quote inside the string: `"单击\"确定\"按钮"`.)
        if backslashes() {
            protect_escaped_quotes(chars, marks, open + 1..last, protected);
        }
        return;
    }
    // A string assigned to a name at the start of a line (`NAME="中文名"`, `title: "标题"`).
    let head = skip_index(chars, first + keyword);
    if keyword > 0 && matches!(chars.get(head), Some('=' | ':')) {
        let open = skip_index(chars, head + 1);
        if open < n && matches!(chars[open], '"' | '\'') {
            protect_string(chars, open, protected);
        } else if let Some(end) = string_literal_end(chars, open) {
            protect(protected, open..end);
        }
    }
    // Anywhere in the line, a string given to a name (`name="张三"`, `--title="标题"`) or
    // to a command's option (`git commit -m "修复bug"`): prose puts no quote there.
    // (Opening quotes only: `"hd="` is a name quoted.)
    for i in opening_quotes(chars, marks) {
        if protected[i] {
            continue;
        }
        let assigned = i >= 2 && chars[i - 1] == '=' && is_ident_char(chars[i - 2]);
        if assigned || i >= 1 && chars[i - 1] == ' ' && is_option(&chars[..i - 1]) {
            protect_string(chars, i, protected);
        }
    }
}

/// Where the literal of a list, set or dict of strings that opens at `open` ends: `[` or
/// `{` (more may follow), then a string closed and followed by `,`, `:`, `]` or `}`
/// (`['我', '打']`, `{'桔子': [['jú'], ['zǐ']]}`). The end is past the bracket that
/// closes the first, strings skipped, or the line's end when none does. `None` when no
/// such literal opens there.
fn string_literal_end(chars: &[char], open: usize) -> Option<usize> {
    let n = chars.len();
    let mut quote = open;
    while quote < n && matches!(chars[quote], '[' | '{' | ' ') {
        quote += 1;
    }
    if quote == open
        || !matches!(chars.get(open), Some('[' | '{'))
        || !matches!(chars.get(quote), Some('"' | '\''))
    {
        return None;
    }
    let close = closing_quote(chars, quote)?;
    let next = skip_index(chars, close + 1);
    if !matches!(chars.get(next), Some(',' | ':' | ']' | '}')) {
        return None;
    }
    let mut depth = 0usize;
    let mut i = open;
    while i < n {
        match chars[i] {
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            '"' | '\'' => i = closing_quote(chars, i).unwrap_or(n),
            _ => {}
        }
        i += 1;
    }
    Some(n)
}

/// The quotes among `marks` that open a string: an even number of their kind before them.
fn opening_quotes<'a>(chars: &'a [char], marks: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
    let mut before = [0usize; 2];
    marks.iter().copied().filter(move |&i| {
        let kind = match chars[i] {
            '"' => 0,
            '\'' => 1,
            _ => return false,
        };
        before[kind] += 1;
        before[kind] % 2 == 1
    })
}

/// Protects the quote at `open` and the one that closes it.
fn protect_string(chars: &[char], open: usize, protected: &mut [bool]) {
    protected[open] = true;
    if let Some(close) = closing_quote(chars, open) {
        protected[close] = true;
    }
}

/// Whether `before` ends in a command-line option, a word of its own: `-m`, `--message`.
fn is_option(before: &[char]) -> bool {
    let word = before.iter().rev().take_while(|&&c| c != ' ').count();
    let start = before.len() - word;
    let option = &before[start..];
    let dashes = option.iter().take_while(|&&c| c == '-').count();
    (1..=2).contains(&dashes)
        && option.len() > dashes
        && option[dashes].is_ascii_alphabetic()
        && option[dashes..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == '-')
}

/// How many characters at the start of `chars` make a name of code (ASCII letters,
/// digits, `_`), allowing one index after it (`msgstr[1]`).
fn ident_len(chars: &[char]) -> usize {
    let name = chars.iter().take_while(|&&c| is_ident_char(c)).count();
    if chars.get(name) == Some(&'[') {
        let digits = chars[name + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits > 0 && chars.get(name + 1 + digits) == Some(&']') {
            return name + digits + 2;
        }
    }
    name
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The index of the first character from `i` on that is not a space or tab.
fn skip_index(chars: &[char], i: usize) -> usize {
    i + chars[i.min(chars.len())..]
        .iter()
        .take_while(|&&c| c == ' ' || c == '\t')
        .count()
}

/// Protects the quotes among `marks` in `span` that a backslash escapes, with it: in roff
/// `\"` opens a comment, in a catalogue's string it is a quote of the text.
fn protect_escaped_quotes(
    chars: &[char],
    marks: &[usize],
    span: Range<usize>,
    protected: &mut [bool],
) {
    for &i in marks.iter().filter(|&&i| span.contains(&i)) {
        if matches!(chars[i], '"' | '\'') && escapes(chars, i) {
            protected[i - 1] = true;
            protected[i] = true;
        }
    }
}

/// Whether the quote at `i` is escaped: an odd run of backslashes stands before it.
fn escapes(chars: &[char], i: usize) -> bool {
    chars[..i].iter().rev().take_while(|&&c| c == '\\').count() % 2 == 1
}

/// Where the string literal opened by the quote at `open` closes: the next same quote
/// that no backslash escapes.
fn closing_quote(chars: &[char], open: usize) -> Option<usize> {
    let quote = chars[open];
    // A triple quote closes with three (`chop_cells("""这是…""", 8)`).
    let triple = chars.get(open + 1) == Some(&quote) && chars.get(open + 2) == Some(&quote);
    let mut i = if triple { open + 3 } else { open + 1 };
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote && !triple => return Some(i),
            c if c == quote && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c) => {
                return Some(i + 2)
            }
            _ => i += 1,
        }
    }
    None
}

/// The parenthesis that closes the one at `open`, string literals skipped.
fn closing_paren(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            '"' | '\'' => i = closing_quote(chars, i)?,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Marks characters that belong to inline code, markup tags, character references, URLs,
/// e-mail addresses, paths, and the syntax of code and file formats ([`protect_syntax`]).
/// `protected` is filled, one flag per character of `line`'s `chars`, whose `marks` are
/// where the characters a rule may change stand (`(` and `"` among them); `ticks` is a
/// buffer to reuse. Each kind of span is looked for only where the line's bytes hold its
/// mark.
pub(super) fn protected_spans(
    line: &str,
    ascii: AsciiSet,
    chars: &[char],
    marks: &[usize],
    document: &mut Document,
    protected: &mut Vec<bool>,
    ticks: &mut Vec<usize>,
) {
    let n = chars.len();
    protected.clear();
    protected.resize(n, false);
    let bytes = line.as_bytes();
    // Inline code: from a run of backticks to the next run as long (`` ``'朝阳': [...]`` ``
    // in reStructuredText and Markdown alike), but for a TeX or roff quote, which `''`
    // closes first (`` ``~'' ``: its backticks alone). `ticks` holds each run's start and
    // length.
    ticks.clear();
    let mut k = if ascii.has(b'`') { 0 } else { n };
    while let Some(start) = (k..n).find(|&i| chars[i] == '`') {
        let run = chars[start..].iter().take_while(|&&c| c == '`').count();
        ticks.extend([start, run]);
        k = start + run;
    }
    let runs = ticks.len() / 2;
    let mut a = 0;
    while a < runs {
        let (start, run) = (ticks[2 * a], ticks[2 * a + 1]);
        // (A longer run opens nothing before a blank, nor between a bracket or quote and
        // its closing one, as reStructuredText says: `反向引号 (``) 的用法` names them.)
        let after = chars.get(start + run).copied();
        let mentioned = start > 0
            && matches!(
                (chars[start - 1], after),
                ('(', Some(')'))
                    | ('[', Some(']'))
                    | ('{', Some('}'))
                    | ('<', Some('>'))
                    | ('\'', Some('\''))
                    | ('"', Some('"'))
            );
        if run > 1 && (after.is_none_or(char::is_whitespace) || mentioned) {
            a += 1;
            continue;
        }
        let close = (a + 1..runs).find(|&b| ticks[2 * b + 1] == run);
        let tex_quote = |b: usize| {
            run == 2
                && chars[start + run..ticks[2 * b]]
                    .windows(2)
                    .any(|w| w == ['\'', '\''])
        };
        match close {
            Some(b) if tex_quote(b) => {
                protect(protected, start..start + run);
                protect(protected, ticks[2 * b]..ticks[2 * b] + run);
                a = b + 1;
            }
            Some(b) => {
                protect(protected, start..ticks[2 * b] + run);
                a = b + 1;
            }
            None => a += 1,
        }
    }
    // Markup tags (`<meta content="关键词, 图表">`, `<!ENTITY label "标签">`): their
    // quotes and commas are syntax. A tag left open runs to the end of the line.
    let mut i = if ascii.has(b'<') { 0 } else { n };
    while let Some(lt) = (i..n).find(|&k| chars[k] == '<') {
        // (A name that runs into anything but a space, `>` or `/` is no tag's: `a<b,则`.)
        let opens_tag = match chars.get(lt + 1) {
            Some('!' | '?') => true,
            Some(&c) if c.is_ascii_alphabetic() || c == '/' => {
                let name_end = (lt + 2..n)
                    .find(|&k| !(chars[k].is_ascii_alphanumeric() || matches!(chars[k], '-' | ':')))
                    .unwrap_or(n);
                chars.get(name_end).is_none_or(|&c| ends_tag_name(c))
            }
            _ => false,
        };
        if !opens_tag {
            i = lt + 1;
            continue;
        }
        let end = (lt + 1..n)
            .find(|&k| chars[k] == '>')
            .map_or(n, |gt| gt + 1);
        protect(protected, lt..end);
        i = end;
    }
    // Runs of ASCII that are URLs, addresses or paths.
    let mut i = if may_hold_address(bytes, ascii) { 0 } else { n };
    while i < n {
        // (Tags, most of the ASCII of a markup line, are protected already.)
        if !chars[i].is_ascii_graphic() || protected[i] {
            i += 1;
            continue;
        }
        let start = i;
        let mut marked = false;
        while i < n && chars[i].is_ascii_graphic() {
            marked |= matches!(chars[i], '/' | '@' | '\\' | ':');
            i += 1;
        }
        let run = &chars[start..i];
        let www = run.len() > 4
            && run[..4]
                .iter()
                .map(char::to_ascii_lowercase)
                .eq("www.".chars());
        if !www && !marked {
            continue; // the common case: a word, a number
        }
        let token: String = run.iter().collect();
        let lower = token.to_ascii_lowercase();
        let is_link =
            lower.contains("://") || lower.starts_with("www.") || lower.starts_with("mailto:");
        let is_mail = token.split_once('@').is_some_and(|(local, domain)| {
            let word = |s: &str| s.chars().any(|c| c.is_ascii_alphanumeric());
            let (name, tld) = domain.rsplit_once('.').unwrap_or(("", ""));
            word(local) && word(name) && word(tld)
        });
        let is_path = token.starts_with('/')
            || token.starts_with("~/")
            || token.starts_with("./")
            || token.starts_with("../")
            || token.contains('\\');
        if is_link && has_path(&lower) && !matches!(chars[i - 1], ',' | '.' | ';' | '!' | '?') {
            // An address whose path goes on in Chinese (`https://zh.wikipedia.org/wiki/
            // 臺灣_(消歧義)`): letters and Han are the path's too, up to a blank, a mark of
            // Chinese text, a mark of a sentence before Chinese (`下載頁面,然後`), or a
            // parenthesis the address did not open (`（可以在ftp://…/unix/处获得)格式`).
            let mut open = opened_in(run);
            while i < n {
                let c = chars[i];
                let ends_sentence = matches!(c, ',' | '.' | ';' | '!' | '?')
                    && chars.get(i + 1).is_none_or(|&next| !next.is_ascii());
                let unopened = c == ')' && open <= 0;
                if ends_sentence
                    || unopened
                    || !(c.is_ascii_graphic() || (!c.is_ascii() && c.is_alphanumeric()))
                {
                    break;
                }
                open += (c == '(') as isize - (c == ')') as isize;
                i += 1;
            }
        }
        if is_link || is_mail || is_path {
            // Sentence punctuation at the end of the token is the sentence's, not the URL's
            // (but a parenthesis the address opened is its own: `_(消歧義)`).
            let mut end = i;
            while end > start
                && matches!(
                    chars[end - 1],
                    ',' | '.' | ';' | ':' | '!' | '?' | ')' | '"' | '\''
                )
            {
                if chars[end - 1] == ')' && opened_in(&chars[start..end - 1]) > 0 {
                    break;
                }
                end -= 1;
            }
            // Nor is a mark that closes something before it (`(名称按拼音排序)}\label{…}`:
            // the parenthesis is the caption's, and was left half a pair).
            let mut begin = start;
            while begin < end && matches!(chars[begin], ')' | ']' | '}' | ',' | ';' | '!' | '?') {
                begin += 1;
            }
            protect(protected, begin..end);
        }
    }
    // A Markdown link's or image's destination, `](…)` up to its closing parenthesis: an
    // address, a path or an anchor (`[我们的保证](#我们的保证)`), whose parentheses are
    // the link's. Its title, in quotes, is prose's only in name.
    if ascii.has(b']') && ascii.has(b'(') {
        let mut i = 1;
        while let Some(open) = (i..n).find(|&k| chars[k] == '(' && chars[k - 1] == ']') {
            let mut depth = 0usize;
            let close = (open..n).find(|&k| {
                match chars[k] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            });
            let Some(close) = close else {
                break;
            };
            protect(protected, open..close + 1);
            // An image's `!` before its label (`![示意图](图1.png)`). (Labels are short: a
            // line of a million `]()` is not searched back to its start a million times.)
            let mut depth = 0usize;
            let label = (open.saturating_sub(LABEL_MAX)..open - 1).rev().find(|&k| {
                match chars[k] {
                    ']' => depth += 1,
                    '[' if depth == 0 => return true,
                    '[' => depth -= 1,
                    _ => {}
                }
                false
            });
            if let Some(label) = label.filter(|&k| k > 0 && chars[k - 1] == '!') {
                protected[label - 1] = true;
            }
            i = close + 1;
        }
    }
    // A Markdown table's cells that are one quoted word: values, in an API's table of
    // options (`| cancelText | String | '取消' |`), whose quotes are the program's. (With
    // a space, a quoted cell is prose: `|‘任何文字到 PostScript’|`.)
    if ascii.has(b'|') && bytes.trim_ascii().starts_with(b"|") {
        let pipes: Vec<usize> = (0..n).filter(|&k| chars[k] == '|').collect();
        for cell in pipes.windows(2) {
            let inner = cell[0] + 1..cell[1];
            let Some(first) = inner.clone().find(|&k| chars[k] != ' ') else {
                continue;
            };
            let last = inner.clone().rfind(|&k| chars[k] != ' ').unwrap_or(first);
            let quote = chars[first];
            if last > first
                && matches!(quote, '"' | '\'')
                && chars[last] == quote
                && !chars[first + 1..last]
                    .iter()
                    .any(|&c| c == quote || c == ' ')
            {
                protect(protected, first..last + 1);
            }
        }
    }
    // A YAML flow collection after a key or a list item's dash, to the line's end
    // (`states: [ 中文, 西文 ]` in an input method's schema): its commas and colons are
    // the collection's.
    if ascii.has(b'[') || ascii.has(b'{') {
        if let Some(open) = yaml_flow_collection(chars) {
            let end = chars
                .iter()
                .rposition(|c| !c.is_whitespace())
                .map_or(n, |k| k + 1);
            protect(protected, open..end);
        }
    }
    // GitHub's emoji shortcodes (`:pencil:`, `:+1:`): a colon, a name of lower-case letters,
    // digits, `_`, `+` or `-` with a letter in it, a colon not followed by a letter or digit.
    let mut colons = marks.iter().copied().filter(|&k| chars[k] == ':');
    if let Some(mut open) = colons.next() {
        for close in colons {
            let name = &chars[open + 1..close];
            let is_shortcode = (2..=40).contains(&name.len())
                && name.iter().all(|&c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '+' | '-')
                })
                && name.iter().any(char::is_ascii_lowercase)
                && !chars
                    .get(close + 1)
                    .is_some_and(char::is_ascii_alphanumeric)
                && !(open > 0 && chars[open - 1].is_ascii_alphanumeric());
            if is_shortcode {
                protect(protected, open..close + 1);
            }
            open = close;
        }
    }
    // Character references, which `repair` leaves in markup (`&gt;`, `&#20013;`): their
    // `;` is syntax.
    if ascii.has(b'&') {
        for i in (0..n).filter(|&i| chars[i] == '&') {
            let name = chars[i + 1..]
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == '#')
                .count();
            if name > 0 && chars.get(i + 1 + name) == Some(&';') {
                protect(protected, i..i + name + 2);
            }
        }
    }
    // A table's commas and quotes (see [`table_separator`]).
    if ascii.has(b',') || ascii.has(b'"') {
        match document.table_separator() {
            Some(b',') => {
                for &i in marks.iter().filter(|&&i| matches!(chars[i], ',' | '"')) {
                    protected[i] = true;
                }
            }
            Some(_) if ascii.has(b'"') => protect_quoted_cells(chars, protected),
            _ => {}
        }
    }
    // The keys and paths LaTeX's commands take (`\ref{fig:流程}`, `\cite{wang:2020}`,
    // `\includegraphics{图/流程.png}`): a `：` there names another label or file.
    if ascii.has(b'\\') && ascii.has(b'{') {
        protect_latex_keys(chars, protected);
    }
    // Options given as `key=value` (see [`protect_key_values`]).
    if ascii.has(b'=') && ascii.has(b',') {
        protect_key_values(chars, protected);
    }
    // A translation's list of search terms (see [`protect_term_lists`]).
    if ascii.has(b'=') && ascii.has(b',') {
        protect_term_lists(chars, protected);
    }
    // Lists of keywords each ended by `;` (see [`protect_keyword_lists`]).
    if ascii.has(b';') {
        protect_keyword_lists(chars, marks, protected);
    }
    // MediaWiki's conversion markup (`-{zh-hans:计算机; zh-hant:電腦;}-`), whose `:` and
    // `;` are syntax.
    if ascii.has(b'{') {
        let mut i = 0;
        while let Some(open) = (i + 1..n).find(|&k| chars[k - 1] == '-' && chars[k] == '{') {
            let Some(close) =
                (open + 1..n.saturating_sub(1)).find(|&k| chars[k] == '}' && chars[k + 1] == '-')
            else {
                break;
            };
            protect(protected, open - 1..close + 2);
            i = close + 2;
        }
    }
    // The tag that starts a line of lyrics (LRC: `[ti:月亮代表我的心]`, `[ar:邓丽君]`): its
    // colon is the format's.
    if chars.first() == Some(&'[') && ascii.has(b':') {
        let name = chars[1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if (1..=8).contains(&name) && chars.get(1 + name) == Some(&':') {
            protect(protected, 0..name + 2);
        }
    }
    // Emoticons and kaomoji (`谢谢你:)`, `好开心(^_^)`), whose marks are a face.
    if [b':', b';', b'('].iter().any(|&b| ascii.has(b)) {
        protect_faces(chars, marks, protected);
    }
    // (The quotes and parentheses are among the line's marks.)
    let quotes_or_parens = marks.iter().any(|&i| matches!(chars[i], '"' | '\'' | '('));
    if quotes_or_parens || bytes.first() == Some(&b'.') {
        protect_syntax(bytes, chars, marks, document, protected);
    }
}

/// LaTeX's commands whose argument (the first in braces, after any in brackets) is a key,
/// a label or a path, not text.
const LATEX_KEY_COMMANDS: &[&str] = &[
    "ref",
    "eqref",
    "pageref",
    "autoref",
    "cref",
    "Cref",
    "nameref",
    "label",
    "cite",
    "citep",
    "citet",
    "parencite",
    "textcite",
    "footcite",
    "nocite",
    "input",
    "include",
    "includegraphics",
    "url",
    "href",
    "hyperref",
    "bibliography",
    "bibliographystyle",
    "usepackage",
    "documentclass",
    "begin",
    "end",
];

/// Where the brace that opens at `open` closes, braces nested in it passed over.
fn closing_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    (open..chars.len()).find(|&k| {
        match chars[k] {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        depth == 0
    })
}

/// Protects the key arguments of LaTeX's commands (see [`LATEX_KEY_COMMANDS`]).
fn protect_latex_keys(chars: &[char], protected: &mut [bool]) {
    let n = chars.len();
    let mut i = 0;
    while let Some(slash) = (i..n).find(|&k| chars[k] == '\\') {
        let name_end = (slash + 1..n)
            .find(|&k| !chars[k].is_ascii_alphabetic())
            .unwrap_or(n);
        i = name_end.max(slash + 1);
        let name: String = chars[slash + 1..name_end].iter().collect();
        if !LATEX_KEY_COMMANDS.contains(&name.as_str()) {
            continue;
        }
        // (A starred form, and options in brackets, before the key.)
        let mut k = name_end + usize::from(chars.get(name_end) == Some(&'*'));
        while chars.get(k) == Some(&'[') {
            match (k..n).find(|&j| chars[j] == ']') {
                Some(close) => k = close + 1,
                None => break,
            }
        }
        if chars.get(k) != Some(&'{') {
            continue;
        }
        if let Some(close) = closing_brace(chars, k) {
            protect(protected, k..close + 1);
            i = close + 1;
        }
    }
}

/// Protects the syntax of options given as `key=value`, as LaTeX's packages take them
/// (`\ctexset{chapter/name={第,章}}`, whose `,` parts the name's prefix from its suffix;
/// `listfigurename=插图索引,`): a value in braces, and the `,` after a short value of no
/// blanks or quotes. The key is ASCII (letters, digits, `/`, `-`, `_`), the value follows
/// `=`, in a line of TeX or of an option list.
fn protect_key_values(chars: &[char], protected: &mut [bool]) {
    let n = chars.len();
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_');
    // (In a line of TeX, with a command that takes an argument, or a line of an option
    // list, `key=value,`: not a markup tag's attributes, `class="literal">…`, a man page's
    // prose, `\fBlocking = no\fR，所有的`, nor a translation's, `title = 书签，收藏`.)
    let first = chars.iter().position(|c| !c.is_whitespace()).unwrap_or(n);
    let last = chars.iter().rposition(|c| !c.is_whitespace());
    let key_first = first < n
        && chars[first].is_ascii_alphabetic()
        && last.is_some_and(|k| chars[k] == ',')
        && chars[first..]
            .iter()
            .find(|&&c| !is_key_char(c))
            .is_some_and(|&c| c == '=' || c == ' ');
    let tex = (0..n).filter(|&k| chars[k] == '\\').any(|k| {
        let name = chars[k + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        name >= 2 && matches!(chars.get(k + 1 + name), Some('{' | '['))
    });
    if !(tex || key_first) {
        return;
    }
    for eq in (1..n).filter(|&k| chars[k] == '=') {
        let key_end = (0..eq)
            .rev()
            .find(|&k| chars[k] != ' ')
            .map_or(0, |k| k + 1);
        let key_len = chars[..key_end]
            .iter()
            .rev()
            .take_while(|&&c| is_key_char(c))
            .count();
        if key_len < 2 || !chars[key_end - key_len].is_ascii_alphabetic() {
            continue;
        }
        let Some(value) = (eq + 1..n).find(|&k| chars[k] != ' ') else {
            continue;
        };
        let value_end = if chars[value] == '{' {
            let Some(close) = closing_brace(chars, value) else {
                continue;
            };
            protect(protected, value..close + 1);
            close + 1
        } else {
            let end = (value..n)
                .find(|&k| matches!(chars[k], ',' | '}' | ']') || chars[k].is_whitespace())
                .unwrap_or(n);
            let quoted = chars[value..end]
                .iter()
                .any(|c| matches!(c, '"' | '\'' | '<' | '>' | '(' | ')'));
            if end - value > 24 || quoted {
                continue;
            }
            end
        };
        let after = (value_end..n).find(|&k| chars[k] != ' ');
        if let Some(comma) = after.filter(|&k| chars[k] == ',') {
            protected[comma] = true;
        }
    }
}

/// Protects the commas of a translation's list of search terms, the value of a line
/// `key = value` that is terms of at most 24 characters parted by `, `, some not in English
/// and then the English ones, at least the last (Firefox's `quickactions-cmd-addons3 = 扩展, 主题, 附加组件,
/// extensions, themes, addons, add-ons`, which it splits at each `,`; with `，` no term
/// was found).
fn protect_term_lists(chars: &[char], protected: &mut [bool]) {
    let n = chars.len();
    let first = chars.iter().position(|c| !c.is_whitespace()).unwrap_or(n);
    let key_len = chars[first..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .count();
    let Some(eq) = (first + key_len..n).find(|&k| chars[k] != ' ') else {
        return;
    };
    if key_len == 0 || chars[eq] != '=' {
        return;
    }
    let value = (eq + 1..n).find(|&k| chars[k] != ' ').unwrap_or(n);
    let end = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(n, |k| k + 1);
    if value >= end {
        return;
    }
    let text = &chars[value..end];
    let terms: Vec<&[char]> = text.split(|&c| c == ',').collect();
    let (mut english, mut other) = (0, 0);
    for (k, term) in terms.iter().enumerate() {
        // (Each term after the first follows `, `.)
        let term = match k {
            0 => *term,
            _ => match term.strip_prefix(&[' ']) {
                Some(term) => term,
                None => return,
            },
        };
        let ascii_term = term
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '\''));
        let word = term
            .iter()
            .all(|&c| c.is_alphanumeric() || matches!(c, ' ' | '-'));
        if term.is_empty() || term.len() > 24 || !(ascii_term || word) {
            return;
        }
        english += usize::from(ascii_term);
        other += usize::from(!ascii_term);
    }
    // (Translations add the English terms after their own.)
    let last_english = terms.last().is_some_and(|term| {
        term.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '\''))
    });
    if english >= 1 && other >= 1 && last_english {
        for k in value..end {
            if chars[k] == ',' {
                protected[k] = true;
            }
        }
    }
}

/// Protects the semicolons of lists of keywords, each keyword ended by one, with no blank
/// between (`Text;Editor;文本;编辑器;`): the `Keywords` of a desktop entry, and the
/// catalogues that translate them ("Do NOT translate or localize the semicolons! The list
/// MUST also end with a semicolon!", as GNOME's ask). Made `；`, they leave one keyword
/// (GNOME's zh_TW and zh_HK catalogues held 24 such lists). A list is a whole value, from
/// the start of a line, a value (`=`) or a string to the end of the line or the string:
/// two keywords or more, or one after `=` or `"`; each keyword a word of at most 24
/// letters, digits or Han, `-`, `_`, `.`, `+` or `#`. Prose that ends a clause with `;`
/// goes on after it, or has a blank or a mark in the clause or before it.
fn protect_keyword_lists(chars: &[char], marks: &[usize], protected: &mut [bool]) {
    let is_keyword_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '#');
    let mut done = 0;
    for &semi in marks.iter().filter(|&&k| chars[k] == ';') {
        if semi < done {
            continue;
        }
        // The list's start: back over keywords and their semicolons (not into a list
        // already read: a line of semicolons is read once).
        let start = (done..semi)
            .rev()
            .find(|&k| !(is_keyword_char(chars[k]) || chars[k] == ';'))
            .map_or(done, |k| k + 1);
        // Its end: on over keywords, each ended by `;`.
        let mut end = semi + 1;
        loop {
            let len = chars[end..]
                .iter()
                .take_while(|&&c| is_keyword_char(c))
                .count();
            if len == 0 || chars.get(end + len) != Some(&';') {
                break;
            }
            end += len + 1;
        }
        done = end;
        let list = &chars[start..end];
        let keywords: Vec<&[char]> = list
            .split(|&c| c == ';')
            .take(list.iter().filter(|&&c| c == ';').count())
            .collect();
        let words = keywords
            .iter()
            .all(|k| (1..=24).contains(&k.len()) && k.iter().all(|&c| is_keyword_char(c)));
        // A list is a whole value: from the start of the line, a value or a string (not
        // after a clause of prose, `然后;走了;`) to the end of the line or the string.
        let after_value = start > 0 && matches!(chars[start - 1], '=' | '"');
        let starts_there = after_value || start == 0 || chars[start - 1].is_whitespace();
        let ends_there = chars.get(end).is_none_or(|&c| c == '"')
            || chars[end..].iter().all(|c| c.is_whitespace());
        if words && starts_there && ends_there && (keywords.len() >= 2 || after_value) {
            for k in start..end {
                if chars[k] == ';' {
                    protected[k] = true;
                }
            }
        }
    }
}

/// Protects the emoticons and kaomoji among a line's marks: `:)`, `;-)`, `:'(`, and
/// `:D`, `:P` where no word goes on after them (`注:P型` is a colon); a parenthesis
/// around a face of symbols, `(^_^)`, `(>_<)`, `(T_T)`, `(╯°□°）╯`. Made full-width,
/// they are no longer faces.
fn protect_faces(chars: &[char], marks: &[usize], protected: &mut [bool]) {
    let n = chars.len();
    // How deep in parentheses the line is, read on from one mark to the next (marks come
    // in order): read from the line's start for each, a line of `:-)` took minutes.
    let mut parens = ParenDepth::default();
    for &i in marks {
        match chars[i] {
            ':' | ';' => {
                // (Not after a letter or digit: `8:30`, `A:D`.)
                if i > 0 && chars[i - 1].is_ascii_alphanumeric() {
                    continue;
                }
                let nose = usize::from(matches!(chars.get(i + 1), Some('-' | '\'')));
                let mouth = i + 1 + nose;
                // (No word goes on after a mouth: `说:(这是注释)` opens a parenthesis.)
                let ends = || {
                    chars
                        .get(mouth + 1)
                        .is_none_or(|&c| !(c.is_alphanumeric() || c == '_'))
                };
                let face = match chars.get(mouth) {
                    // (Not one that closes a parenthesis: `(见注:)`.)
                    Some(')') => parens.at(chars, i) == 0,
                    Some('(' | 'D' | 'P' | 'p' | 'O' | 'o') => ends(),
                    _ => false,
                };
                if face {
                    protect(protected, i..mouth + 1);
                }
            }
            '(' => {
                let Some(close) = (i + 1..n.min(i + 2 + MAX_FACE))
                    .find(|&k| matches!(chars[k], ')' | '）'))
                    .filter(|&close| close > i + 1)
                else {
                    continue;
                };
                if is_face(&chars[i + 1..close]) {
                    protected[i] = true;
                    protected[close] = true;
                    protect(protected, i + 1..close);
                }
            }
            _ => {}
        }
    }
}

/// How many parentheses a line has left open before a place in it, read on from the
/// place asked about last.
#[derive(Default)]
struct ParenDepth {
    read: usize,
    depth: usize,
}

impl ParenDepth {
    /// The depth at character `i` of `chars`, at or after the place asked about last.
    fn at(&mut self, chars: &[char], i: usize) -> usize {
        debug_assert!(i >= self.read, "asked in order");
        for &c in &chars[self.read.min(i)..i] {
            match c {
                '(' | '（' => self.depth += 1,
                ')' | '）' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        self.read = self.read.max(i);
        self.depth
    }
}

/// Characters a kaomoji is at most, between its parentheses.
const MAX_FACE: usize = 12;

/// Whether `inner`, between parentheses, is a face: eyes and mouths of symbols (`^_^`,
/// `>_<`, `╯°□°`, `´・ω・｀`), two features at least; letters only for eyes, two at most
/// (`T_T`, `o_O`); no Han, digits, other words or spaces.
fn is_face(inner: &[char]) -> bool {
    // (Most parentheses hold words: the first character tells.)
    if !inner
        .first()
        .is_some_and(|&c| is_face_symbol(c) || is_eye_letter(c))
    {
        return false;
    }
    let (mut symbols, mut eyes) = (0, 0);
    for &c in inner {
        if is_face_symbol(c) {
            symbols += 1;
        } else if is_eye_letter(c) {
            eyes += 1;
        } else if c.is_alphanumeric() || c.is_whitespace() || c == ',' {
            return false;
        }
    }
    symbols >= 1 && symbols + eyes >= 2 && eyes <= 2
}

/// The symbols faces are drawn with.
fn is_face_symbol(c: char) -> bool {
    matches!(
        c,
        '^' | '_'
            | '°'
            | '´'
            | '`'
            | '｀'
            | '∀'
            | 'ω'
            | '▽'
            | '□'
            | 'Д'
            | '・'
            | ';'
            | '*'
            | '>'
            | '<'
            | '~'
            | '‿'
            | '◕'
            | '︶'
            | '≧'
            | '≦'
            | '﹏'
            | '╥'
            | '╯'
            | '╰'
            | 'ｰ'
            | '−'
    )
}

/// Letters that are eyes in a face (`T_T`, `o_O`, `x_x`).
fn is_eye_letter(c: char) -> bool {
    matches!(c, 'T' | 'o' | 'O' | 'x' | 'X' | 'u' | 'U' | 'v')
}

/// Marks the characters of `span` protected.
/// How many more parentheses `token` opens than it closes. (Not counting a roff escape's:
/// `\*(R"`, `\f(CW`, `\(em` open nothing.)
fn opened_in(token: &[char]) -> isize {
    let mut open = 0;
    for (k, &c) in token.iter().enumerate() {
        let escaped = (k >= 1 && token[k - 1] == '\\')
            || (k >= 2
                && token[k - 2] == '\\'
                && matches!(token[k - 1], '*' | 'f' | 'n' | 's' | 'F' | 'm'));
        match c {
            '(' if !escaped => open += 1,
            ')' => open -= 1,
            _ => {}
        }
    }
    open
}

/// Whether the address `url` (lower case) has a path: a `/` after its host.
fn has_path(url: &str) -> bool {
    let host_on = url.find("://").map_or(0, |k| k + 3);
    url[host_on..].contains('/')
}

fn protect(protected: &mut [bool], span: Range<usize>) {
    protected[span].iter_mut().for_each(|p| *p = true);
}

/// Whether a line may hold a URL, an e-mail address or a path: a `/ @ \\ :`, or `www.`.
fn may_hold_address(bytes: &[u8], ascii: AsciiSet) -> bool {
    b"/@\\:".iter().any(|&b| ascii.has(b))
        || ascii.has(b'.')
            && memchr::memchr_iter(b'.', bytes)
                .any(|i| i >= 3 && bytes[i - 3..i].eq_ignore_ascii_case(b"www"))
}

#[cfg(test)]
mod tests {
    use crate::pipeline::Stage;
    use crate::punct::{PunctMode, PunctStage};

    fn cjk(s: &str) -> String {
        PunctStage::new(PunctMode::Cjk).apply(s).into_owned()
    }

    #[test]
    fn the_syntax_of_code_and_file_formats_is_kept() {
        for kept in [
            "msgstr \"错误\"",
            "msgstr[0] \"文件\"",
            "msgstr \"单击\\\"确定\\\"按钮\"",
            "msgstr \"比较(_C)\"",
            "msgstr \"打开(&O)...\"",
            "Yes = 是(&Y)",
            "<p>优先级：需要 &gt; 重要 &#x4E2D; 标准</p>",
            "fName = FileOpenDialog (\"请选择文件\")",
            "printf(\"错误: %s\\n\", msg);",
            "print index('諄諄教誨', '彖帢'); # -1",
            "=LEFTB(\"中国\";2)",
            "{\"name\": \"张三\", \"city\": \"北京\"}",
            "  \"city\": \"北京\",",
            "$ echo \"你好,世界\"",
            "NAME=\"中文名\"",
            "title: \"标题\"",
            "sText = InputBox (\"请输入一字句： \",\"亲爱的使用者\")",
            ".\\\" 注释\n",
        ] {
            assert_eq!(cjk(kept), kept);
        }
        // Inside a catalogue string, the text is prose.
        assert_eq!(
            cjk("msgstr \"单击\\\"确定\\\"按钮,然后\""),
            "msgstr \"单击\\\"确定\\\"按钮，然后\""
        );
        assert_eq!(cjk("msgstr \"日期(固定)\""), "msgstr \"日期（固定）\"");
    }

    #[test]
    fn a_table_of_comma_separated_values_keeps_its_commas_and_quotes() {
        let table = "编号,姓名,城市,备注\n1,张三,北京,\"喜欢读书, 也喜欢跑步\"\n\
                     2,李四,上海,价格:3.5元\n3,王五,\"广州, 天河\",备注(无)\n";
        // The table's syntax stays; the text in its cells is still Chinese text.
        assert_eq!(
            cjk(table),
            "编号,姓名,城市,备注\n1,张三,北京,\"喜欢读书, 也喜欢跑步\"\n\
             2,李四,上海,价格：3.5元\n3,王五,\"广州, 天河\",备注（无）\n"
        );
        // Prose does not keep the same number of commas line after line.
        let prose = "王毅表示,中俄关系良好,双方合作,成果丰硕\n他说,今年以来\n\
                     两国经济社会生活正在有序恢复,合作不断\n";
        assert_eq!(
            cjk(prose),
            "王毅表示，中俄关系良好，双方合作，成果丰硕\n他说，今年以来\n\
             两国经济社会生活正在有序恢复，合作不断\n"
        );
    }

    #[test]
    fn lyrics_keep_their_tags() {
        let lrc = "[ti:月亮代表我的心]\n[ar:邓丽君]\n[00:12.34]你问我爱你有多深,\n";
        assert_eq!(
            cjk(lrc),
            "[ti:月亮代表我的心]\n[ar:邓丽君]\n[00:12.34]你问我爱你有多深，\n"
        );
    }

    #[test]
    fn latex_keys_and_paths_keep_their_marks() {
        for line in [
            "\\label{fig:流程}",
            "\\cite[第3页]{wang:2020,li:2021}",
            "\\includegraphics[width=0.5\\textwidth]{图片/流程:一.png}",
            "\\href{https://例子.com/a,b}{网站}",
        ] {
            assert_eq!(cjk(line), line);
        }
        // ctex's options: `{第,章}` is a prefix and a suffix, `,` ends a value.
        for line in [
            "\\ctexset{chapter/name={第,章},number=\\chinese{chapter}}",
            "\\CTEXsetup[name={第,章},number={\\arabic{chapter}}]{chapter}",
            "    listfigurename=插图索引,",
        ] {
            assert_eq!(cjk(line), line);
        }
        // Not a translation's prose (`title = 书签，收藏`), nor a markup tag's attributes.
        assert_eq!(cjk("title = 书签,收藏"), "title = 书签，收藏");
        // Around them, and in the text a command sets, marks are prose's.
        assert_eq!(
            cjk("见图~\\ref{fig:流程},其中\\textbf{注意:这个}"),
            "见图~\\ref{fig:流程}，其中\\textbf{注意：这个}"
        );
    }

    #[test]
    fn search_term_lists_keep_their_commas() {
        // Firefox's zh-CN and zh-TW translations: its quick actions split them at `,`.
        for line in [
            "quickactions-cmd-addons3 = 扩展, 主题, 附加组件, extensions, themes, addons, add-ons",
            "quickactions-cmd-help = 帮助, 支持, help, support",
            "quickactions-cmd-library = 我的足迹, 足迹, library",
            "quickactions-cmd-print = 打印, print",
            "autofill-card-search-term-credit-cards = 信用卡, 信用, 卡片, credit cards, credit",
        ] {
            assert_eq!(cjk(line), line);
        }
        // A translation's prose, or a list of Chinese alone, is prose.
        assert_eq!(
            cjk("title = 书签, 收藏, 历史"),
            "title = 书签， 收藏， 历史"
        );
        assert_eq!(
            cjk("about = 这是一个浏览器, 很好用, 也很快"),
            "about = 这是一个浏览器， 很好用， 也很快"
        );
        assert_eq!(
            cjk("about = 支持 Linux, macOS, Windows 等系统"),
            "about = 支持 Linux, macOS, Windows 等系统"
        );
    }

    #[test]
    fn keyword_lists_keep_their_semicolons() {
        // GNOME's catalogues (gedit, Settings) and desktop entries: a `；` made the list one
        // keyword.
        for line in [
            "msgstr \"Text;Editor;Plaintext;Write;gedit;文本;文字;编辑器;纯文本;编写;\"",
            "msgstr \"Thunderbolt;privacy;隐私;\"",
            "Keywords[zh_CN]=文件夹;管理器;",
            "Keywords[zh_CN]=文件夹;",
            "msgstr \"首选项;\"",
        ] {
            assert_eq!(cjk(line), line);
        }
        // Prose goes on after its `;`, or holds a blank or a mark in the clause.
        assert_eq!(cjk("存取与整理档案;管理"), "存取与整理档案；管理");
        assert_eq!(cjk("第一;第二;然后"), "第一；第二；然后");
        assert_eq!(cjk("他说了很多话,然后;走了;"), "他说了很多话，然后；走了；");
        assert_eq!(
            cjk("Comment[zh_CN]=存取与整理档案;管理"),
            "Comment[zh_CN]=存取与整理档案；管理"
        );
    }

    #[test]
    fn mediawiki_conversion_markup_keeps_its_syntax() {
        let line = "-{zh-hans:计算机; zh-hant:電腦;}-";
        assert_eq!(cjk(line), line);
        assert_eq!(
            cjk("他说:-{H|zh-cn:软件; zh-tw:軟體;}-很好."),
            "他说：-{H|zh-cn:软件; zh-tw:軟體;}-很好。"
        );
    }

    #[test]
    fn strings_given_to_names_and_options_keep_their_quotes() {
        for line in [
            "使用 git commit -m \"修复bug\" 提交",
            "配置项 name=\"张三\" 表示姓名",
            "运行 mytool --title=\"标题\" 即可",
        ] {
            assert_eq!(cjk(line), line);
        }
        // A quote that closes a quoted name ending in `=` opens nothing (the Debian
        // manuals' `"hd="` had become `“hd="`); a number is no option.
        for line in [
            "非驱动器选项使用前缀 \"hd=\" 来指定。",
            "在initrd内部， 也可以将 systemd 用作init程序（由\"rdinit=\"内核引导选项指定）。",
        ] {
            assert_eq!(cjk(line), line);
        }
        assert_eq!(cjk("范围 -5 \"数值\""), "范围 -5 “数值”");
    }

    #[test]
    fn emoticons_and_kaomoji_keep_their_marks() {
        // Lines of the Debian corpora (Thunderbird's and the Linux HOWTOs' translations)
        // and faces as forums write them.
        for line in [
            "message3 = 我在试用 Thunderbird！;-)",
            "当然，一段时间以后这类资讯可能就比较讨厌了:-)",
            "谢谢你:) 明天见",
            "难过:(",
            "哈哈哈:D",
            "今天好开心(^_^)",
            "呜呜(T_T)",
            "(>_<)好痛",
            "我生气了(╯°□°）╯︵ ┻━┻",
            "msgstr \"物件(~O)\"",
        ] {
            assert_eq!(cjk(line), line);
        }
        // A colon before a parenthesis or a letter that goes on is a colon.
        assert_eq!(cjk("他说:(这是注释)"), "他说：（这是注释）");
        assert_eq!(cjk("注:P型半导体"), "注：P型半导体");
        assert_eq!(cjk("（见注:)"), "（见注：）");
        assert_eq!(cjk("(一)总则,见(1)"), "（一）总则，见（1）");
    }

    #[test]
    fn a_table_of_tab_separated_values_keeps_the_quotes_that_wrap_cells() {
        // Quotes that wrap a cell, and the doubled quotes inside it, are the table's;
        // commas and quotes inside a cell's text are text (a corpus of sentence pairs).
        let table = "编号\t姓名\t备注\n1\t张三\t\"喜欢, 读书\"\n2\t李四\t他说:\"好\"\n\
                     3\t王五\t\"他说\"\"好\"\"\"\n";
        assert_eq!(
            cjk(table),
            "编号\t姓名\t备注\n1\t张三\t\"喜欢， 读书\"\n2\t李四\t他说：“好”\n\
             3\t王五\t\"他说\"\"好\"\"\"\n"
        );
    }

    #[test]
    fn statements_of_code_that_hold_a_string_are_kept_whole() {
        let code = "String msg = \"你好,世界\";\nconst label = '名称:';\n\
                    let items = [\"苹果\", \"香蕉\"];\n    return \"错误(\" + code + \")\";\n\
                    print(f\"共 {n} 个文件,耗时 {t:.2f} 秒\")\n";
        assert_eq!(cjk(code), code);
        // A triple-quoted argument, a call in a call (rich's `cells.py`).
        let calls = "    for line in chop_cells(\"\"\"这是测试。面对模棱两可的想法，拒绝猜测。\"\"\", 8):\n\
                     print(set_cell_size(\"\"\"这是测试。\"\"\", n) + \"|\")\n";
        assert_eq!(cjk(calls), calls);
        // A dict whose key is a call, and calls two deep (pypinyin's README); the comment
        // after them is prose.
        let deeper = "    >> load_single_dict({ord('还'): 'hái,huán'})  # 调整拼音\n\
                      print(set_cell_size(wrap(\"这是测试,对吗\"), 8))  # 测试(完)\n";
        assert_eq!(cjk(deeper), deeper.replace("测试(完)", "测试（完）"));
        // Their comments are prose.
        assert_eq!(
            cjk("// 这是注释,说明用法.\n# 配置项(可选)\n"),
            "// 这是注释，说明用法。\n# 配置项（可选）\n"
        );
    }

    #[test]
    fn statements_of_sql_are_kept_whole() {
        let dump = "INSERT INTO users VALUES (1,'张三','北京');\n\
                    INSERT INTO users VALUES\n(2,'李四','上海, 浦东'),\n(3,'王五','广州');\n\
                    SELECT * FROM users WHERE city='北京';\n";
        assert_eq!(cjk(dump), dump);
        // Prose about SQL is prose.
        assert_eq!(
            cjk("SELECT 语句用于从表中选取数据,很常用.\n"),
            "SELECT 语句用于从表中选取数据，很常用。\n"
        );
    }

    #[test]
    fn a_document_tells_a_catalogue_string_and_a_man_page_request_from_prose() {
        let catalogue = "msgid \"\"\nmsgstr \"\"\n\"只想显示最高值?\"\n";
        assert_eq!(
            cjk(catalogue),
            "msgid \"\"\nmsgstr \"\"\n\"只想显示最高值？\"\n"
        );
        assert_eq!(cjk("\"只想显示最高值?\"\n"), "“只想显示最高值？”\n");
        let page = ".TH GROUP 5\n.SH \"描述(DESCRIPTION)\"\n.Em 类型 .\n他说\"好\".\n";
        assert_eq!(
            cjk(page),
            ".TH GROUP 5\n.SH \"描述（DESCRIPTION）\"\n.Em 类型 .\n他说“好”。\n"
        );
        // A page shows its headings; a line alone that starts with a dot is no request.
        assert_eq!(cjk(".B \"选项\"\n"), ".B “选项”\n");
        // A request goes on after a backslash that ends its line (groff's man pages:
        // `.URL … \`); the line after that one is prose again.
        let continued = ".TH GROFF 7\n.SH \"参见\"\n.URL http://\\:www.tuhs.org/ \\\n     \
                         \"“古老的 Unix 的档案馆”\"\n他说\"好\".\n";
        assert_eq!(
            cjk(continued),
            continued.replace("他说\"好\".", "他说“好”。")
        );
        let not_escaped = ".TH X 1\n.SH \"参见\"\n.B a\\\\\n他说\"好\".\n";
        assert_eq!(
            cjk(not_escaped),
            not_escaped.replace("他说\"好\".", "他说“好”。")
        );
    }

    #[test]
    fn preformatted_markup_is_code() {
        let page =
            "<p>说明:这是代码</p>\n<pre class=\"programlisting\">\nMsgBox \"日期为 \" &amp; Date\n\
                    REM 含义: 应替换\n</pre>\n<p>注意:它</p>\n";
        let kept = |s: &str| s.replace("说明:", "说明：").replace("注意:", "注意：");
        assert_eq!(cjk(page), kept(page));
        assert_eq!(
            cjk("<pre>含义: 替换\n"),
            "<pre>含义: 替换\n",
            "a block left open runs on"
        );
        // A man page's table: tbl separates its cells with the marks `tab()` names.
        let table = ".SH 描述\n.TS\ntab(:);\nl l.\nT}:IPv4 网络协议:T{\n.TE\n注意:它\n";
        assert_eq!(cjk(table), table.replace("注意:", "注意："));
        assert_eq!(cjk("<prefix>含义: 替换\n"), "<prefix>含义： 替换\n");
        // Tags in either case; a page's scripts and style sheets are code too.
        let page = "<P>说明:这是代码</P>\n<PRE>\n含义: 替换 \"文件\"\n</PRE>\n<script>\n\
                    var s = \"欢迎,请登录\";\n</script>\n<style>\nbody { font-family: \"宋体\"; }\n\
                    </style>\n<p>注意:它</p>\n";
        assert_eq!(cjk(page), kept(page));
        // Prose that names an element opens none.
        assert_eq!(
            cjk(".SH 描述\n在输出的 HTML <style> 标签中包含 FILE 的内容.\n注意:它\n"),
            ".SH 描述\n在输出的 HTML <style> 标签中包含 FILE 的内容。\n注意：它\n"
        );
        assert_eq!(
            cjk("在 <pre> 标签中.\n注意:它\n"),
            "在 <pre> 标签中。\n注意：它\n"
        );
        assert_eq!(
            cjk("    \"\"\" 检查 PYTHON_PATH 内容 \"\"\"\n"),
            "    \"\"\" 检查 PYTHON_PATH 内容 \"\"\"\n"
        );
    }

    #[test]
    fn a_less_than_sign_in_prose_opens_no_tag() {
        assert_eq!(cjk("如果 a<b,则返回:真\n"), "如果 a<b，则返回：真\n");
        // A tag left open still runs to the end of its line.
        assert_eq!(
            cjk("<meta content=\"关键词, 图表\"\n"),
            "<meta content=\"关键词, 图表\"\n"
        );
        assert_eq!(cjk("<br/>你好,世界\n"), "<br/>你好，世界\n");
    }

    #[test]
    fn quoted_prose_that_looks_a_little_like_code_is_still_prose() {
        assert_eq!(
            cjk("使用 ^A c (\"Control-A\" 接著 \"c\")在 screen 中"),
            "使用 ^A c (“Control-A” 接著 “c”)在 screen 中"
        );
        assert_eq!(cjk("他说\"你好\"."), "他说“你好”。");
        // A name's `=` inside quotes closes them: `"root="` is quoted, not assigned.
        assert_eq!(
            cjk("核心检查引数是否为 \"root=\"、\"ro\"、\"rw\""),
            "核心检查引数是否为 \"root=\"、“ro”、“rw”"
        );
    }
}
