//! JSON: the strings of records (JSONL) and documents (`.json`) are normalized, and
//! nothing else. Read as text, JSON is broken by the stages: `punct` curls the quotes of an
//! array of lines (`"床前明月光，疑是地上霜。",`), `repair` writes a raw quote for
//! `&quot;`.
//!
//! Each string is changed where it stands: keys, numbers, layout and the strings left
//! alone stay byte for byte as written.
//!
//! In a record, only the fields named change: a key, or a dotted path into nested
//! objects (`meta.title`), where an array stands for each of its elements
//! (`conversations.value` reaches the `value` of every turn of a ShareGPT record). What
//! a field names is normalized: a string, or every string inside an array or object
//! (`paragraphs`). In a document, every string that is a value.

use std::borrow::Cow;
use std::ops::Range;

use serde::de::IgnoredAny;
use zhnorm::Pipeline;

use super::Notes;

/// What normalizing one record or document found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The JSON rewritten; `None` when nothing changed (the caller writes it as it was).
    pub text: Option<String>,
    /// Whether some field named led to a string (documents: whether any string is a value).
    pub has_fields: bool,
}

/// JSON that cannot be read: what is wrong, and on which line of the text given (from 1).
#[derive(Debug, Clone)]
pub struct Invalid {
    pub line: usize,
    pub message: String,
}

impl From<serde_json::Error> for Invalid {
    fn from(e: serde_json::Error) -> Invalid {
        Invalid {
            line: e.line().max(1),
            message: format!("invalid JSON: {e}"),
        }
    }
}

/// Normalizes the `fields` of one JSONL line; an error when the line is not a JSON
/// object. A blank line holds no record, and is kept.
pub fn normalize_record(
    pipeline: &Pipeline,
    fields: &[String],
    line: &str,
    notes: Notes,
) -> Result<Normalized, Invalid> {
    if line.trim().is_empty() {
        return Ok(Normalized {
            text: None,
            has_fields: true,
        });
    }
    if !line.trim_start().starts_with('{') {
        return Err(Invalid {
            line: 1,
            message: "not a JSON object".to_string(),
        });
    }
    // (The reading checks the syntax as it goes: the record is read once.)
    let mut reading = Reading::default();
    let normalized = normalize_strings(
        pipeline,
        line,
        &mut reading,
        |path| names(fields, path),
        notes,
    )?;
    reading.finish().map_err(|_| Invalid {
        line: 1,
        message: "invalid JSON: the record ends before its value does".to_string(),
    })?;
    Ok(normalized)
}

/// Whether `path`, the keys to a string, is at or under one of `fields`. A key that holds
/// a dot itself is taken whole.
fn names(fields: &[String], path: &[&str]) -> bool {
    fields.iter().any(|field| {
        path.first() == Some(&field.as_str())
            || field
                .split('.')
                .enumerate()
                .all(|(i, part)| path.get(i) == Some(&part))
    })
}

/// Normalizes every string value of a whole JSON document, or those under `fields` when
/// given (arrays looked through: `[{"text": …}]`); an error, naming the line, when it is
/// not valid JSON. (The CLI reads a document a segment at a time: see
/// [`normalize_document_lines`].)
#[cfg(test)]
pub fn normalize_document(
    pipeline: &Pipeline,
    text: &str,
    fields: Option<&[String]>,
    notes: Notes,
) -> Result<Normalized, Invalid> {
    let mut reading = Reading::default();
    reading.advance(text)?;
    reading.finish().map_err(|message| Invalid {
        line: 1 + memchr::memchr_iter(b'\n', text.as_bytes()).count(),
        message,
    })?;
    normalize_document_lines(pipeline, text, fields, &Reading::default(), notes)
}

/// Normalizes the string values of `lines` (those under `fields` when given), the next
/// whole lines of a JSON document whose reading stood at `from` before them, checking
/// their syntax: a document too large to hold is read a segment at a time.
pub fn normalize_document_lines(
    pipeline: &Pipeline,
    lines: &str,
    fields: Option<&[String]>,
    from: &Reading,
    notes: Notes,
) -> Result<Normalized, Invalid> {
    let mut reading = from.clone();
    match fields {
        Some(fields) => normalize_strings(
            pipeline,
            lines,
            &mut reading,
            |path| names(fields, path),
            notes,
        ),
        None => normalize_strings(pipeline, lines, &mut reading, |_| true, notes),
    }
}

/// Whether the text that starts with `head` is JSON Lines and no JSON document: its first
/// line a record, and more after it (a document is one value).
pub fn starts_records(head: &str) -> bool {
    let mut lines = head.lines().filter(|line| !line.trim().is_empty());
    lines.next().is_some_and(is_records) && lines.next().is_some()
}

/// Whether `text`, which is no JSON document, is JSON Lines: its first line a record.
pub fn is_records(text: &str) -> bool {
    text.lines()
        .find(|line| !line.trim().is_empty())
        .is_some_and(|line| {
            line.trim_start().starts_with('{') && serde_json::from_str::<IgnoredAny>(line).is_ok()
        })
}

/// Where the reading of a JSON document stands between two of its lines: the containers
/// open, with the key of the value being read in each object, and what may come next. In
/// JSON no string holds a line end, so a document cut at line ends is cut between tokens,
/// and read a segment at a time its syntax is checked as a whole.
#[derive(Clone, Debug)]
pub struct Reading {
    stack: Vec<Frame<'static>>,
    expect: Expect,
}

impl Default for Reading {
    fn default() -> Reading {
        Reading {
            stack: vec![Frame::Top],
            expect: Expect::Value,
        }
    }
}

impl Reading {
    /// Reads `lines`, the document's next whole lines, checking their syntax.
    pub fn advance(&mut self, lines: &str) -> Result<(), Invalid> {
        let mut stack: Vec<Frame<'_>> = std::mem::take(&mut self.stack);
        let walked = walk(lines, &mut stack, &mut self.expect, |_, _| Ok(()));
        self.stack = stack.into_iter().map(Frame::into_owned).collect();
        walked
    }

    /// Whether nothing but blanks has been read.
    pub fn is_empty(&self) -> bool {
        self.expect == Expect::Value && self.stack.len() == 1
    }

    /// Whether the document's value is complete, as it must be at its end.
    pub fn finish(&self) -> Result<(), String> {
        match self.expect {
            Expect::End => Ok(()),
            _ => Err("invalid JSON: the document ends before its value does".to_string()),
        }
    }
}

/// Where a string is in the JSON around it.
#[derive(Clone, Debug)]
enum Frame<'t> {
    /// In an object: the key of the value being read, `None` while a key is awaited.
    Object(Option<Cow<'t, str>>),
    Array,
    /// Outside any container.
    Top,
}

impl Frame<'_> {
    fn into_owned(self) -> Frame<'static> {
        match self {
            Frame::Object(key) => Frame::Object(key.map(|key| Cow::Owned(key.into_owned()))),
            Frame::Array => Frame::Array,
            Frame::Top => Frame::Top,
        }
    }
}

/// What a JSON text may hold next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// A value: the document's, or after `:`, or after `,` in an array.
    Value,
    /// A value or `]`, after `[`.
    ValueOrClose,
    /// A key or `}`, after `{`.
    KeyOrClose,
    /// A key, after `,` in an object.
    Key,
    Colon,
    /// `,` or the close of the container, after a value in it.
    CommaOrClose,
    /// Nothing but blanks: the document's value is complete.
    End,
}

/// What may come after a value, in the container on top of `stack`.
fn after_value(stack: &[Frame<'_>]) -> Expect {
    match stack.last() {
        Some(Frame::Top) | None => Expect::End,
        _ => Expect::CommaOrClose,
    }
}

/// Reads `json` from where `stack` and `expect` stand, checking its syntax as RFC 8259
/// gives it, and calls `on_value` with each string that is a value (its literal's bytes)
/// and the containers around it.
fn walk<'t>(
    json: &'t str,
    stack: &mut Vec<Frame<'t>>,
    expect: &mut Expect,
    mut on_value: impl FnMut(Range<usize>, &[Frame<'t>]) -> Result<(), Invalid>,
) -> Result<(), Invalid> {
    let bytes = json.as_bytes();
    let invalid = |at: usize, what: &str| Invalid {
        line: 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count(),
        message: format!("invalid JSON: {what}"),
    };
    let mut i = 0;
    while i < bytes.len() {
        let value_here = matches!(*expect, Expect::Value | Expect::ValueOrClose);
        let object_on_top = matches!(stack.last(), Some(Frame::Object(_)));
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'{' if value_here => {
                stack.push(Frame::Object(None));
                *expect = Expect::KeyOrClose;
            }
            b'[' if value_here => {
                stack.push(Frame::Array);
                *expect = Expect::ValueOrClose;
            }
            b'}' if object_on_top
                && matches!(*expect, Expect::KeyOrClose | Expect::CommaOrClose) =>
            {
                stack.pop();
                *expect = after_value(stack);
            }
            b']' if matches!(stack.last(), Some(Frame::Array))
                && matches!(*expect, Expect::ValueOrClose | Expect::CommaOrClose) =>
            {
                stack.pop();
                *expect = after_value(stack);
            }
            b',' if *expect == Expect::CommaOrClose => {
                *expect = match stack.last_mut() {
                    Some(Frame::Object(key)) => {
                        *key = None;
                        Expect::Key
                    }
                    _ => Expect::Value,
                };
            }
            b':' if *expect == Expect::Colon => *expect = Expect::Value,
            b'"' if value_here || matches!(*expect, Expect::Key | Expect::KeyOrClose) => {
                let end = string_end(bytes, i).map_err(|what| invalid(i, what))?;
                if value_here {
                    on_value(i..end, stack)?;
                    *expect = after_value(stack);
                } else {
                    let literal = &json[i..end];
                    let inside = &literal[1..literal.len() - 1];
                    let key = match inside.contains('\\') {
                        true => Cow::Owned(
                            serde_json::from_str(literal)
                                .map_err(|e| invalid(i, &e.to_string()))?,
                        ),
                        false => Cow::Borrowed(inside),
                    };
                    if let Some(Frame::Object(slot)) = stack.last_mut() {
                        *slot = Some(key);
                    }
                    *expect = Expect::Colon;
                }
                i = end;
                continue;
            }
            b'-' | b'0'..=b'9' if value_here => {
                let len = bytes[i..]
                    .iter()
                    .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .unwrap_or(bytes.len() - i);
                if !is_number(&bytes[i..i + len]) {
                    return Err(invalid(i, "a malformed number"));
                }
                *expect = after_value(stack);
                i += len;
                continue;
            }
            b't' | b'f' | b'n' if value_here => {
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|word| bytes[i..].starts_with(word.as_bytes()))
                    .ok_or_else(|| invalid(i, "a word that is not true, false or null"))?;
                *expect = after_value(stack);
                i += word.len();
                continue;
            }
            _ => {
                let found = json[i..].chars().next().unwrap_or('\0');
                return Err(invalid(
                    i,
                    &format!("{found:?} where {} was expected", expect.what()),
                ));
            }
        }
        i += 1;
    }
    Ok(())
}

impl Expect {
    fn what(self) -> &'static str {
        match self {
            Expect::Value => "a value",
            Expect::ValueOrClose => "a value or `]`",
            Expect::KeyOrClose => "a key or `}`",
            Expect::Key => "a key",
            Expect::Colon => "`:`",
            Expect::CommaOrClose => "`,` or a close",
            Expect::End => "nothing more",
        }
    }
}

/// Whether `token` is a JSON number: `-`, digits without a leading zero, a fraction, an
/// exponent.
fn is_number(token: &[u8]) -> bool {
    let digits = |from: usize| {
        token[from..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(token.len() - from)
    };
    let mut i = usize::from(token.first() == Some(&b'-'));
    match digits(i) {
        0 => return false,
        n if n > 1 && token[i] == b'0' => return false,
        n => i += n,
    }
    if token.get(i) == Some(&b'.') {
        match digits(i + 1) {
            0 => return false,
            n => i += 1 + n,
        }
    }
    if matches!(token.get(i), Some(b'e' | b'E')) {
        i += 1 + usize::from(matches!(token.get(i + 1), Some(b'+' | b'-')));
        match digits(i) {
            0 => return false,
            n => i += n,
        }
    }
    i == token.len()
}

/// Where the string literal that opens at `open` ends (past its closing quote), or what is
/// wrong with it: a control character (a line end, above all) or a malformed escape.
fn string_end(bytes: &[u8], open: usize) -> Result<usize, &'static str> {
    let mut i = open + 1;
    loop {
        let Some(k) = memchr::memchr2(b'"', b'\\', &bytes[i..]) else {
            return Err("a string that does not end");
        };
        if bytes[i..i + k].iter().any(|&b| b < 0x20) {
            return Err("a control character or a line end inside a string");
        }
        i += k;
        if bytes[i] == b'"' {
            return Ok(i + 1);
        }
        match bytes.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
            Some(b'u')
                if bytes
                    .get(i + 2..i + 6)
                    .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) =>
            {
                i += 6
            }
            _ => return Err("a malformed escape in a string"),
        }
    }
}

/// `json` (the lines that follow where `reading` stands) with each string value whose
/// path of keys `selected` accepts normalized in place.
fn normalize_strings(
    pipeline: &Pipeline,
    json: &str,
    reading: &mut Reading,
    selected: impl Fn(&[&str]) -> bool,
    mut notes: Notes,
) -> Result<Normalized, Invalid> {
    let mut stack: Vec<Frame<'_>> = std::mem::take(&mut reading.stack);
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut found = false;
    walk(json, &mut stack, &mut reading.expect, |literal, stack| {
        let path: Vec<&str> = stack
            .iter()
            .filter_map(|frame| match frame {
                Frame::Object(Some(key)) => Some(key.as_ref()),
                _ => None,
            })
            .collect();
        if !selected(&path) {
            return Ok(());
        }
        found = true;
        let text: String = serde_json::from_str(&json[literal.clone()])?;
        if let Some(new) = notes.run(pipeline, &text) {
            let out = out.get_or_insert_with(|| String::with_capacity(json.len() + 16));
            out.push_str(&json[copied..literal.start]);
            out.push_str(&serde_json::to_string(&new)?);
            copied = literal.end;
        }
        Ok(())
    })?;
    reading.stack = stack.into_iter().map(Frame::into_owned).collect();
    let text = out.map(|mut out| {
        out.push_str(&json[copied..]);
        out
    });
    Ok(Normalized {
        text,
        has_fields: found,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{notes, pipeline};
    use super::*;

    fn record(fields: &[&str], line: &str) -> Normalized {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        normalize_record(pipeline(), &fields, line, notes(&mut Vec::new())).unwrap()
    }

    #[test]
    fn a_path_reaches_into_objects_and_through_arrays() {
        let sharegpt = r#"{"id": "a1", "conversations": [{"from": "human", "value": "這是甚麼?"}, {"from": "gpt", "value": "這是測試."}]}"#;
        assert_eq!(
            record(&["conversations.value"], sharegpt).text.as_deref(),
            Some(
                r#"{"id": "a1", "conversations": [{"from": "human", "value": "这是甚么？"}, {"from": "gpt", "value": "这是测试。"}]}"#
            )
        );
        let nested = r#"{"meta":{"title":"國(guó)家","n":1.50}}"#;
        assert_eq!(
            record(&["meta.title"], nested).text.as_deref(),
            Some(r#"{"meta":{"title":"国家","n":1.50}}"#)
        );
    }

    #[test]
    fn a_field_that_holds_an_array_or_object_has_every_string_in_it_normalized() {
        let poem = r#"{"title":"靜夜思","paragraphs":["床前明月光,疑是地上霜.","舉頭望明月"],"n":[1,2e3]}"#;
        assert_eq!(
            record(&["paragraphs", "n"], poem).text.as_deref(),
            Some(
                r#"{"title":"靜夜思","paragraphs":["床前明月光，疑是地上霜。","举头望明月"],"n":[1,2e3]}"#
            )
        );
        // Keys stay as written, escapes too where nothing changed.
        let object = r#"{"text":{"國":"國","b":"\u570b\\","c":"\u4e2d"}}"#;
        assert_eq!(
            record(&["text"], object).text.as_deref(),
            Some(r#"{"text":{"國":"国","b":"国\\","c":"\u4e2d"}}"#)
        );
    }

    #[test]
    fn a_record_without_the_fields_is_told_apart_from_one_already_clean() {
        let clean = record(&["text"], r#"{"text":"简体"}"#);
        assert_eq!(
            clean,
            Normalized {
                text: None,
                has_fields: true
            }
        );
        let other = record(&["text"], r#"{"content":"國家","text":3}"#);
        assert_eq!(
            other,
            Normalized {
                text: None,
                has_fields: false
            }
        );
        // A key that holds a dot is a key, not a path.
        let dotted = record(&["a.b"], r#"{"a.b":"國","a":{"b":"國"},"c":"國"}"#);
        assert_eq!(
            dotted.text.as_deref(),
            Some(r#"{"a.b":"国","a":{"b":"国"},"c":"國"}"#)
        );
    }

    #[test]
    fn a_document_keeps_its_layout_and_keys() {
        // chinese-poetry's layout: read as text, its lines became `“寒郊…。”，`.
        let poems = "[\n    {\n        \"author\": \"釋契嵩\",\n        \"paragraphs\": [\n            \
                     \"寒郊纔喜歲華新，景物陰陰又一旬。\",\n            \"雲带天低垂壓野。\"\n        ],\n        \
                     \"作者\": 1\n    }\n]\n";
        let want = "[\n    {\n        \"author\": \"释契嵩\",\n        \"paragraphs\": [\n            \
                    \"寒郊才喜岁华新，景物阴阴又一旬。\",\n            \"云带天低垂压野。\"\n        ],\n        \
                    \"作者\": 1\n    }\n]\n";
        let got = normalize_document(pipeline(), poems, None, notes(&mut Vec::new())).unwrap();
        assert_eq!(got.text.as_deref(), Some(want));
        let invalid =
            normalize_document(pipeline(), "[\"a\",\n", None, notes(&mut Vec::new())).unwrap_err();
        assert_eq!(invalid.line, 2, "{}", invalid.message);
    }
}
