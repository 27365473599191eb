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
#[derive(Debug)]
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
    serde_json::from_str::<IgnoredAny>(line)?;
    if !line.trim_start().starts_with('{') {
        return Err(Invalid {
            line: 1,
            message: "not a JSON object".to_string(),
        });
    }
    normalize_strings(pipeline, line, |path| names(fields, path), notes)
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

/// Normalizes every string value of a JSON document, or those under `fields` when given
/// (arrays looked through: `[{"text": …}]`); an error, naming the line, when it is not
/// valid JSON.
pub fn normalize_document(
    pipeline: &Pipeline,
    text: &str,
    fields: Option<&[String]>,
    notes: Notes,
) -> Result<Normalized, Invalid> {
    serde_json::from_str::<IgnoredAny>(text)?;
    match fields {
        Some(fields) => normalize_strings(pipeline, text, |path| names(fields, path), notes),
        None => normalize_strings(pipeline, text, |_| true, notes),
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

/// Where a string is in the JSON around it.
enum Frame<'t> {
    /// In an object: the key of the value being read, `None` while a key is awaited.
    Object(Option<Cow<'t, str>>),
    Array,
    /// Outside any container (a document that is one string).
    Top,
}

/// `json` (valid JSON) with each string value whose path of keys `selected` accepts
/// normalized in place.
fn normalize_strings(
    pipeline: &Pipeline,
    json: &str,
    selected: impl Fn(&[&str]) -> bool,
    mut notes: Notes,
) -> Result<Normalized, Invalid> {
    let bytes = json.as_bytes();
    let mut stack: Vec<Frame<'_>> = vec![Frame::Top];
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut found = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = None;
                }
            }
            b'"' => {
                let end = string_end(bytes, i);
                let literal = &json[i..end];
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    let inside = &literal[1..literal.len() - 1];
                    *key = Some(match inside.contains('\\') {
                        true => Cow::Owned(serde_json::from_str(literal)?),
                        false => Cow::Borrowed(inside),
                    });
                    i = end;
                    continue;
                }
                let path: Vec<&str> = stack
                    .iter()
                    .filter_map(|frame| match frame {
                        Frame::Object(Some(key)) => Some(key.as_ref()),
                        _ => None,
                    })
                    .collect();
                if selected(&path) {
                    found = true;
                    let text: String = serde_json::from_str(literal)?;
                    if let Some(new) = notes.run(pipeline, &text) {
                        let out = out.get_or_insert_with(|| String::with_capacity(json.len() + 16));
                        out.push_str(&json[copied..i]);
                        out.push_str(&serde_json::to_string(&new)?);
                        copied = end;
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let text = out.map(|mut out| {
        out.push_str(&json[copied..]);
        out
    });
    Ok(Normalized {
        text,
        has_fields: found,
    })
}

/// Where the string literal that opens at `open` ends (past its closing quote), in valid
/// JSON.
fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while let Some(k) = memchr::memchr2(b'"', b'\\', &bytes[i..]) {
        if bytes[i + k] == b'"' {
            return i + k + 1;
        }
        i += k + 2; // past the escape and the character it escapes
    }
    bytes.len()
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
