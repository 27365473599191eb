//! JSONL: normalize chosen string fields of each object, keep everything else as it was.

use anyhow::{bail, Result};
use indexmap::IndexMap;
use serde_json::value::RawValue;
use zhnorm::{Pipeline, ScriptReport};

/// Normalizes one JSONL line. `Ok(None)` when nothing changed (the caller writes the line
/// as it was); an error when the line is not a JSON object.
/// The stages that changed a field are added to `stages`; the script of the fields, as
/// they read before conversion, to `script` when given.
pub fn normalize_line(
    pipeline: &Pipeline,
    fields: &[String],
    line: &str,
    stages: &mut Vec<&'static str>,
    mut script: Option<&mut ScriptReport>,
) -> Result<Option<String>> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let object: IndexMap<String, &RawValue> = match serde_json::from_str(line) {
        Ok(object) => object,
        Err(e) if e.classify() == serde_json::error::Category::Data => bail!("not a JSON object"),
        Err(e) => bail!("invalid JSON: {e}"),
    };
    let mut changed: Vec<(usize, String)> = Vec::new();
    for field in fields {
        let Some((index, _, raw)) = object.get_full(field) else {
            continue;
        };
        let Ok(text) = serde_json::from_str::<String>(raw.get()) else {
            continue; // not a string: left alone
        };
        let run = match script.as_deref_mut() {
            Some(total) => {
                let (run, field) = pipeline.run_and_classify(&text);
                *total = total.combine(field);
                run
            }
            None => pipeline.run(&text),
        };
        if let std::borrow::Cow::Owned(new) = run.text {
            changed.push((index, serde_json::to_string(&new)?));
            for stage in run.changed_by {
                if !stages.contains(&stage) {
                    stages.push(stage);
                }
            }
        }
    }
    if changed.is_empty() {
        return Ok(None);
    }
    let mut out = String::with_capacity(line.len() + 16);
    out.push('{');
    for (i, (key, raw)) in object.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key)?);
        out.push(':');
        match changed.iter().find(|(at, _)| *at == i) {
            Some((_, new)) => out.push_str(new),
            None => out.push_str(raw.get()),
        }
    }
    out.push('}');
    Ok(Some(out))
}
