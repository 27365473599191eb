//! What every format promises, on inputs generated at random: no panic, the syntax read
//! back the same (JSON of the same shape, a table of the same rows and cells, a script of
//! the same lines), and normalizing twice the same as once.

use proptest::prelude::*;

use super::testing::{notes, pipeline};
use super::{json, subtitles, table};

/// Text of cells and strings: Chinese, its marks and ASCII's, the syntax of the formats.
fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "國家",
        "你好",
        "測試",
        "的",
        "Linux",
        "2024",
        " ",
        ",",
        ".",
        "\"",
        "'",
        ":",
        "?",
        "(",
        ")",
        "，",
        "。",
        "“",
        "”",
        "\n",
        "\r\n",
        "\t",
        "{",
        "}",
        "\\N",
        "&amp;",
        "&quot;",
        "鐨勬",
        "\\",
        "[ti:",
        "]",
        "=",
        "中(zhōng)",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|p| p.concat())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        text().prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Pieces of JSON, valid and not, that a document may be put together from.
fn json_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "\t",
        "\"a\"",
        "\"國\"",
        "\"\\u570b\"",
        "\"\\n\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\t\"",
        "\"",
        "\\",
        "0",
        "-1",
        "01",
        "1.5",
        "1.",
        ".5",
        "2e3",
        "2E+3",
        "1e",
        "-",
        "-0",
        "true",
        "false",
        "null",
        "nul",
        "tru",
        "x",
        "\u{3000}",
        "\"\\ud800\"",
        "\"\\ud83d\\ude00\"",
    ])
}

/// The shape of a JSON value: keys and kinds, not strings' text.
fn shape(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::String(_) => "string".into(),
        serde_json::Value::Array(items) => items.iter().map(shape).collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), shape(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_json_document_keeps_its_shape_and_settles(value in json_value(), pretty in any::<bool>()) {
        let written = match pretty {
            true => serde_json::to_string_pretty(&value).unwrap(),
            false => serde_json::to_string(&value).unwrap(),
        };
        let once = json::normalize_document(pipeline(), &written, None, notes(&mut Vec::new()))
            .unwrap()
            .text
            .unwrap_or(written);
        let read: serde_json::Value = serde_json::from_str(&once).unwrap();
        prop_assert_eq!(shape(&read), shape(&value));
        let twice = json::normalize_document(pipeline(), &once, None, notes(&mut Vec::new())).unwrap();
        prop_assert_eq!(twice.text, None);
    }

    #[test]
    fn a_json_document_read_a_few_lines_at_a_time_is_normalized_as_whole(
        value in json_value(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let written = serde_json::to_string_pretty(&value).unwrap() + "\n";
        let whole = json::normalize_document(pipeline(), &written, None, notes(&mut Vec::new()))
            .unwrap()
            .text
            .unwrap_or_else(|| written.clone());
        // Cut after some of its line ends, as the CLI cuts it into segments.
        let ends: Vec<usize> = written.match_indices('\n').map(|(i, _)| i + 1).collect();
        let mut at: Vec<usize> = cuts.iter().map(|c| ends[c.index(ends.len())]).collect();
        at.sort_unstable();
        at.dedup();
        let mut reading = json::Reading::default();
        let mut pieces = String::new();
        let mut from = 0;
        for to in at.into_iter().chain([written.len()]).filter(|&to| to > 0) {
            if to <= from {
                continue;
            }
            let lines = &written[from..to];
            let start = reading.clone();
            reading.advance(lines).unwrap();
            let done = json::normalize_document_lines(pipeline(), lines, None, &start, notes(&mut Vec::new())).unwrap();
            pieces.push_str(done.text.as_deref().unwrap_or(lines));
            from = to;
        }
        prop_assert!(reading.finish().is_ok());
        prop_assert_eq!(pieces, whole);
    }

    /// The reading that checks a document's syntax, a segment at a time, takes what
    /// serde_json takes (nesting within serde_json's limit of 128).
    #[test]
    fn a_documents_syntax_is_checked_as_serde_json_checks_it(
        pieces in prop::collection::vec(json_piece(), 0..14),
        value in json_value(),
        edit in (any::<prop::sample::Index>(), 0..3usize, json_piece()),
    ) {
        // Pieces put together at random (mostly invalid), or a valid document with one
        // piece inserted, one byte dropped or nothing changed.
        let (at, kind, piece) = edit;
        let mut text = serde_json::to_string_pretty(&value).unwrap();
        let at = at.index(text.len() + 1);
        let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        match kind {
            0 => text.insert_str(at, piece),
            1 if at < text.len() && text.as_bytes()[at].is_ascii() => {
                text.remove(at);
            }
            _ => {}
        }
        if pieces.len() % 2 == 1 {
            text = pieces.concat();
        }
        let mut reading = json::Reading::default();
        let ours = reading.advance(&text).is_ok() && reading.finish().is_ok();
        let theirs = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
        prop_assert_eq!(ours, theirs, "{:?}", text);
    }

    #[test]
    fn a_table_keeps_its_rows_and_cells_and_settles(
        rows in prop::collection::vec(prop::collection::vec(text(), 1..4), 1..6),
        tabs in any::<bool>(),
    ) {
        let separator = if tabs { b'\t' } else { b',' };
        // Written as a writer would: CSV quotes what needs it; TSV's cells hold no tab or
        // line break.
        let cell = |c: &String| match tabs {
            true => c.replace(['\t', '\n', '\r'], " "),
            false if c.contains([',', '"', '\n', '\r']) => format!("\"{}\"", c.replace('"', "\"\"")),
            false => c.clone(),
        };
        let written: String = rows
            .iter()
            .map(|row| row.iter().map(cell).collect::<Vec<_>>().join(if tabs { "\t" } else { "," }) + "\n")
            .collect();
        let once = table::normalize_table(pipeline(), &written, separator, true, notes(&mut Vec::new()))
            .unwrap_or_else(|| written.clone());
        let counts = |t: &str| table::row_lengths(t, separator);
        prop_assert_eq!(counts(&once), counts(&written));
        let twice = table::normalize_table(pipeline(), &once, separator, true, notes(&mut Vec::new()));
        prop_assert_eq!(twice, None);
    }

    #[test]
    fn a_subtitle_script_keeps_its_lines_and_settles(events in prop::collection::vec(text(), 0..6)) {
        let mut script = String::from("[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
        for text in &events {
            let text = text.replace(['\n', '\r'], " ");
            script.push_str(&format!("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{text}\n"));
        }
        let once = subtitles::normalize_script(pipeline(), &script, notes(&mut Vec::new()))
            .unwrap_or_else(|| script.clone());
        prop_assert_eq!(once.lines().count(), script.lines().count());
        for line in once.lines().skip(2) {
            prop_assert!(line.starts_with("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,"), "{}", line);
        }
        let twice = subtitles::normalize_script(pipeline(), &once, notes(&mut Vec::new()));
        prop_assert_eq!(twice, None);
    }

    #[test]
    fn arbitrary_text_in_any_format_does_not_panic(text in any::<String>()) {
        let _ = json::normalize_document(pipeline(), &text, None, notes(&mut Vec::new()));
        let _ = json::normalize_record(pipeline(), &["text".to_string(), "a.b".to_string()], &text, notes(&mut Vec::new()));
        let _ = subtitles::normalize_script(pipeline(), &format!("[Events]\n{text}"), notes(&mut Vec::new()));
        let _ = table::normalize_table(pipeline(), &text, b',', true, notes(&mut Vec::new()));
        let _ = table::normalize_table(pipeline(), &text, b'\t', true, notes(&mut Vec::new()));
    }
}
