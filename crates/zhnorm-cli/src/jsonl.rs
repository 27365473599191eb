//! JSONL: normalize chosen string fields of each object, keep everything else as it was.
//!
//! A field is a key of the record, or a dotted path into nested objects (`meta.title`),
//! where an array stands for each of its elements (`conversations.value` reaches the
//! `value` of every turn of a ShareGPT record). What a field names is normalized: a
//! string, or every string inside an array or object (`paragraphs`); keys, numbers and
//! the rest are kept as written.

use anyhow::{bail, Result};
use indexmap::IndexMap;
use serde_json::value::RawValue;
use zhnorm::{Pipeline, ScriptReport};

/// What normalizing one record found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The record rewritten; `None` when nothing changed (the caller writes the line as
    /// it was).
    pub text: Option<String>,
    /// Whether some field named led to a string.
    pub has_fields: bool,
}

/// Where the strings found go, and what their normalizing is noted in.
struct Normalizer<'a> {
    pipeline: &'a Pipeline,
    /// The stages that changed some string.
    stages: &'a mut Vec<&'static str>,
    /// The script of the strings, as they read before conversion, when wanted.
    script: Option<&'a mut ScriptReport>,
    found: bool,
}

/// Normalizes one JSONL line; an error when the line is not a JSON object. A blank line
/// is kept, and holds no record.
/// The stages that changed a field are added to `stages`; the script of the fields, as
/// they read before conversion, to `script` when given.
pub fn normalize_line(
    pipeline: &Pipeline,
    fields: &[String],
    line: &str,
    stages: &mut Vec<&'static str>,
    script: Option<&mut ScriptReport>,
) -> Result<Record> {
    if line.trim().is_empty() {
        return Ok(Record {
            text: None,
            has_fields: true,
        });
    }
    let record: IndexMap<String, &RawValue> = match serde_json::from_str(line) {
        Ok(record) => record,
        Err(e) if e.classify() == serde_json::error::Category::Data => bail!("not a JSON object"),
        Err(e) => bail!("invalid JSON: {e}"),
    };
    let mut normalizer = Normalizer {
        pipeline,
        stages,
        script,
        found: false,
    };
    // The new value of each key of the record, where one changed.
    let mut changed: Vec<Option<String>> = vec![None; record.len()];
    for field in fields {
        // A key that holds a dot itself is taken whole.
        let (key, rest) = match record.get_full(field.as_str()) {
            Some(_) => (field.as_str(), None),
            None => match field.split_once('.') {
                Some((key, rest)) => (key, Some(rest)),
                None => (field.as_str(), None),
            },
        };
        let Some((index, _, &raw)) = record.get_full(key) else {
            continue;
        };
        let path: Vec<&str> = rest.map_or_else(Vec::new, |rest| rest.split('.').collect());
        let new = match changed[index].as_deref() {
            Some(before) => normalizer.value(serde_json::from_str(before)?, &path)?,
            None => normalizer.value(raw, &path)?,
        };
        if new.is_some() {
            changed[index] = new;
        }
    }
    let text = match changed.iter().any(Option::is_some) {
        true => Some(write_object(&record, &changed)?),
        false => None,
    };
    Ok(Record {
        text,
        has_fields: normalizer.found,
    })
}

/// `object` as compact JSON, with the values `changed` gives in place of its own.
fn write_object(
    object: &IndexMap<String, &RawValue>,
    changed: &[Option<String>],
) -> Result<String> {
    let mut out = String::with_capacity(
        object.values().map(|v| v.get().len()).sum::<usize>()
            + changed.iter().flatten().map(String::len).sum::<usize>()
            + 16,
    );
    out.push('{');
    for (i, ((key, value), new)) in object.iter().zip(changed).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key)?);
        out.push(':');
        out.push_str(new.as_deref().unwrap_or(value.get()));
    }
    out.push('}');
    Ok(out)
}

impl Normalizer<'_> {
    /// `raw` with what `path` names in it normalized; `None` when nothing changed.
    fn value(&mut self, raw: &RawValue, path: &[&str]) -> Result<Option<String>> {
        let json = raw.get();
        match (json.as_bytes().first(), path) {
            (Some(b'"'), []) => self.string(json),
            (Some(b'{'), _) => {
                let object: IndexMap<String, &RawValue> = serde_json::from_str(json)?;
                let mut changed: Vec<Option<String>> = Vec::with_capacity(object.len());
                for (key, value) in &object {
                    changed.push(match path {
                        [] => self.value(value, path)?,
                        [first, rest @ ..] if key == first => self.value(value, rest)?,
                        _ => None,
                    });
                }
                match changed.iter().all(Option::is_none) {
                    true => Ok(None),
                    false => Ok(Some(write_object(&object, &changed)?)),
                }
            }
            (Some(b'['), _) => {
                let items: Vec<&RawValue> = serde_json::from_str(json)?;
                let mut changed: Vec<Option<String>> = Vec::with_capacity(items.len());
                for item in &items {
                    changed.push(self.value(item, path)?);
                }
                if changed.iter().all(Option::is_none) {
                    return Ok(None);
                }
                let mut out = String::with_capacity(json.len() + 16);
                out.push('[');
                for (i, (item, new)) in items.iter().zip(&changed).enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(new.as_deref().unwrap_or(item.get()));
                }
                out.push(']');
                Ok(Some(out))
            }
            // A number, a boolean, null, or a string the path goes on past: nothing to do.
            _ => Ok(None),
        }
    }

    /// The JSON string `json` normalized, as JSON; `None` when unchanged.
    fn string(&mut self, json: &str) -> Result<Option<String>> {
        self.found = true;
        let text: String = serde_json::from_str(json)?;
        let run = match self.script.as_deref_mut() {
            Some(total) => {
                let (run, script) = self.pipeline.run_and_classify(&text);
                *total = total.combine(script);
                run
            }
            None => self.pipeline.run(&text),
        };
        let std::borrow::Cow::Owned(new) = run.text else {
            return Ok(None);
        };
        for stage in run.changed_by {
            if !self.stages.contains(&stage) {
                self.stages.push(stage);
            }
        }
        Ok(Some(serde_json::to_string(&new)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(fields: &[&str], line: &str) -> Record {
        let pipeline = Pipeline::with_selection(
            Some(zhnorm::Converter::new(zhnorm::Config::T2S)),
            &zhnorm::StageSelection::default(),
        );
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        normalize_line(&pipeline, &fields, line, &mut Vec::new(), None).unwrap()
    }

    #[test]
    fn a_path_reaches_into_objects_and_through_arrays() {
        let sharegpt = r#"{"id": "a1", "conversations": [{"from": "human", "value": "這是甚麼?"}, {"from": "gpt", "value": "這是測試."}]}"#;
        assert_eq!(
            normalize(&["conversations.value"], sharegpt)
                .text
                .as_deref(),
            Some(
                r#"{"id":"a1","conversations":[{"from":"human","value":"这是甚么？"},{"from":"gpt","value":"这是测试。"}]}"#
            )
        );
        let nested = r#"{"meta":{"title":"國(guó)家","n":1.50}}"#;
        assert_eq!(
            normalize(&["meta.title"], nested).text.as_deref(),
            Some(r#"{"meta":{"title":"国家","n":1.50}}"#)
        );
    }

    #[test]
    fn a_field_that_holds_an_array_or_object_has_every_string_in_it_normalized() {
        let poem = r#"{"title":"靜夜思","paragraphs":["床前明月光,疑是地上霜.","舉頭望明月"],"n":[1,2e3]}"#;
        assert_eq!(
            normalize(&["paragraphs", "n"], poem).text.as_deref(),
            Some(
                r#"{"title":"靜夜思","paragraphs":["床前明月光，疑是地上霜。","举头望明月"],"n":[1,2e3]}"#
            )
        );
        // Keys stay as written.
        let object = r#"{"text":{"國":"國"}}"#;
        assert_eq!(
            normalize(&["text"], object).text.as_deref(),
            Some(r#"{"text":{"國":"国"}}"#)
        );
    }

    #[test]
    fn a_record_without_the_fields_is_told_apart_from_one_already_clean() {
        let clean = normalize(&["text"], r#"{"text":"简体"}"#);
        assert_eq!(
            clean,
            Record {
                text: None,
                has_fields: true
            }
        );
        let other = normalize(&["text"], r#"{"content":"國家","text":3}"#);
        assert_eq!(
            other,
            Record {
                text: None,
                has_fields: false
            }
        );
        // A key that holds a dot is a key, not a path.
        let dotted = normalize(&["a.b"], r#"{"a.b":"國","a":{"b":"國"}}"#);
        assert_eq!(
            dotted.text.as_deref(),
            Some(r#"{"a.b":"国","a":{"b":"國"}}"#)
        );
    }
}
