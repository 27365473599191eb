//! ASS/SSA subtitle scripts (`.ass`, `.ssa`): the text of each event is normalized; the
//! rest is the format's. Read as text, the stages broke it: `punct` made the commas that
//! separate an event's fields full-width (`Default,,0,0,0,，你好`), and `convert` renamed
//! the fonts of styles (`微軟正黑體`), which then no longer match an installed font.
//!
//! In an event's text, override blocks (`{\an8}`, `{\fn微軟正黑體}`) and the escapes `\N`,
//! `\n`, `\h` are kept; the runs of text between them are normalized, those of a style
//! as one text, a run a line: the stages see the document, and the lines of a bilingual
//! script, one style for each language, are each read for their own.

use std::collections::HashMap;
use std::ops::Range;

use zhnorm::Pipeline;

use super::Notes;

/// `script` with the text of its events normalized; `None` when nothing changed.
pub fn normalize_script(pipeline: &Pipeline, script: &str, mut notes: Notes) -> Option<String> {
    let runs = text_runs(script);
    // The runs of each style, in the order styles first appear.
    let mut styles: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (k, (style, _)) in runs.iter().enumerate() {
        let group = *styles.entry(style).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(k);
    }
    let mut new_runs: Vec<Option<String>> = vec![None; runs.len()];
    for group in &groups {
        let texts: Vec<&str> = group.iter().map(|&k| &script[runs[k].1.clone()]).collect();
        for (&k, new) in group.iter().zip(notes.run_lines(pipeline, &texts)) {
            new_runs[k] = new;
        }
    }
    let mut out = String::with_capacity(script.len() + script.len() / 8);
    let mut copied = 0;
    for ((_, run), new) in runs.iter().zip(new_runs) {
        // (A run of a changed group may be unchanged itself.)
        if let Some(new) = new.filter(|new| *new != script[run.clone()]) {
            out.push_str(&script[copied..run.start]);
            out.push_str(&new);
            copied = run.end;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&script[copied..]);
    Some(out)
}

/// The runs of text in the events of `script`, in order, each with its event's style and
/// its byte range: between override blocks and escapes, without the blanks at their ends.
fn text_runs(script: &str) -> Vec<(&str, Range<usize>)> {
    let mut runs = Vec::new();
    let mut in_events = false;
    // Which fields of an event are its style and its text: the fourth and the last, the
    // tenth, in ASS's and SSA's own `Format:` lines.
    let (mut style_field, mut text_field) = (3, 9);
    let mut start = 0;
    for line in script.split_inclusive('\n') {
        let line_start = start;
        start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if trimmed.starts_with('[') && trimmed.trim_end().ends_with(']') {
            in_events = trimmed.trim_end().eq_ignore_ascii_case("[events]");
            continue;
        }
        if !in_events {
            continue;
        }
        let Some((kind, fields)) = body.split_once(':') else {
            continue;
        };
        match kind.trim() {
            "Format" => {
                let field = |name: &str| {
                    fields
                        .split(',')
                        .position(|f| f.trim().eq_ignore_ascii_case(name))
                };
                (style_field, text_field) =
                    (field("style").unwrap_or(3), field("text").unwrap_or(9));
            }
            "Dialogue" | "Comment" => {
                let offset = line_start + kind.len() + 1;
                // The text starts past the commas of the fields before it.
                let mut at = 0;
                for _ in 0..text_field {
                    match fields[at..].find(',') {
                        Some(k) => at += k + 1,
                        None => {
                            at = fields.len();
                            break;
                        }
                    }
                }
                let style = fields.split(',').nth(style_field).unwrap_or("").trim();
                let mut ranges = Vec::new();
                split_text(&fields[at..], offset + at, &mut ranges);
                runs.extend(ranges.into_iter().map(|range| (style, range)));
            }
            _ => {}
        }
    }
    runs
}

/// Adds the runs of `text` (an event's text, at `offset` in the script) outside override
/// blocks and escapes to `runs`.
fn split_text(text: &str, offset: usize, runs: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    let mut push = |from: usize, to: usize| {
        let run = &text[from..to];
        let trimmed = run.trim();
        if !trimmed.is_empty() {
            let lead = run.len() - run.trim_start().len();
            runs.push(offset + from + lead..offset + from + lead + trimmed.len());
        }
    };
    while i < bytes.len() {
        let skip = match bytes[i] {
            b'{' => text[i..].find('}').map_or(bytes.len() - i, |k| k + 1),
            b'\\' if matches!(bytes.get(i + 1), Some(b'N' | b'n' | b'h')) => 2,
            _ => {
                i += 1;
                continue;
            }
        };
        push(run_start, i);
        i += skip;
        run_start = i;
    }
    push(run_start, bytes.len());
}

#[cfg(test)]
mod tests {
    use super::super::testing::{notes, pipeline};
    use super::*;

    const SCRIPT: &str = "[Script Info]\r\nTitle: 測試\r\nScriptType: v4.00+\r\n\r\n\
        [V4+ Styles]\r\n\
        Format: Name, Fontname, Fontsize, PrimaryColour, Bold\r\n\
        Style: Default,微軟正黑體,20,&H00FFFFFF,0\r\n\r\n\
        [Events]\r\n\
        Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\r\n\
        Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,你好,世界!\r\n\
        Dialogue: 0,0:00:04.00,0:00:06.00,Default,小明,0,0,0,,{\\an8}這是第二句.\\N{\\fn微軟正黑體}第二行, 對吧?\r\n\
        Comment: 0,0:00:07.00,0:00:08.00,Default,,0,0,0,,註解\r\n";

    #[test]
    fn only_the_text_of_events_changes() {
        let mut stages = Vec::new();
        let got = normalize_script(pipeline(), SCRIPT, notes(&mut stages)).unwrap();
        let want = SCRIPT
            .replace(",,你好,世界!", ",,你好，世界！")
            .replace("這是第二句.\\N", "这是第二句。\\N")
            .replace("}第二行, 對吧?", "}第二行，对吧？")
            .replace(",,註解", ",,注解");
        assert_eq!(got, want);
        assert!(stages.contains(&"convert") && stages.contains(&"punct"));
    }

    #[test]
    fn the_styles_of_a_bilingual_script_are_read_each_for_its_language() {
        let script = "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
            Dialogue: 0,0:00:01.00,0:00:02.00,JP,,0,0,0,,時間がありません。\n\
            Dialogue: 0,0:00:01.00,0:00:02.00,CN,,0,0,0,,我們沒有時間了。\n\
            Dialogue: 0,0:00:03.00,0:00:04.00,JP,,0,0,0,,東京へ行きましょう。\n\
            Dialogue: 0,0:00:03.00,0:00:04.00,CN,,0,0,0,,我們去東京吧。\n";
        // Read as one text, the kana made the whole script Japanese: nothing converted.
        let want = script
            .replace("我們沒有時間了", "我们没有时间了")
            .replace("我們去東京吧", "我们去东京吧");
        assert_eq!(
            normalize_script(pipeline(), script, notes(&mut Vec::new())),
            Some(want)
        );
    }

    #[test]
    fn runs_lie_between_override_blocks_and_escapes() {
        let mut runs = Vec::new();
        split_text("{\\i1}你好{\\i0} 世界\\N再見\\h{unclosed", 100, &mut runs);
        let text = "{\\i1}你好{\\i0} 世界\\N再見\\h{unclosed";
        let got: Vec<&str> = runs
            .iter()
            .map(|r| &text[r.start - 100..r.end - 100])
            .collect();
        assert_eq!(got, ["你好", "世界", "再見"]);
    }
}
