//! Inputs built to break things: huge, repetitive or hostile. Each must come through the
//! whole default pipeline without a panic, in seconds, and settle: normalizing the
//! output again changes nothing. (Speed is measured in benches, not here.)

use std::borrow::Cow;

use encoding_rs::{GBK, WINDOWS_1252};
use zhnorm::decode::{decode, DecodeOptions};
use zhnorm::{normalize, Config, Converter, Pipeline, RepairStage, Stage, StageSelection};

/// The default pipeline's output, checked to be a fixed point.
fn settled(text: &str) -> String {
    settled_by(text, normalize)
}

/// `run`'s output, checked to be a fixed point.
fn settled_by(text: &str, run: impl for<'a> Fn(&'a str) -> Cow<'a, str>) -> String {
    let once = run(text).into_owned();
    let twice = run(&once);
    if *twice != *once {
        let at = once
            .char_indices()
            .zip(twice.chars())
            .find(|((_, a), b)| a != b)
            .map_or(once.len().min(twice.len()), |((i, _), _)| i);
        let context = |s: &str| {
            s[at.saturating_sub(60)..]
                .chars()
                .take(40)
                .collect::<String>()
        };
        panic!(
            "a second pass changed byte {at}:\n once  {:?}\n twice {:?}",
            context(&once),
            context(&twice)
        );
    }
    once
}

#[test]
fn one_character_repeated() {
    assert_eq!(settled(&"國".repeat(1 << 20)), "国".repeat(1 << 20));
    let latin = "a".repeat(10 << 20);
    assert!(matches!(normalize(&latin), Cow::Borrowed(_)));
    for c in ['(', '"', '.', ' ', '\u{3000}', '\u{200B}', '…', 'ó', '鐨'] {
        settled(&c.to_string().repeat(1 << 18));
    }
}

#[test]
fn ten_megabytes_of_replacement_characters_are_left_alone() {
    let text = "\u{FFFD}".repeat((10 << 20) / 3);
    assert!(matches!(normalize(&text), Cow::Borrowed(_)));
    let lines = format!("{}\n", "中文\u{FFFD}\u{FFFD}。".repeat(20)).repeat(20_000);
    assert!(matches!(normalize(&lines), Cow::Borrowed(_)));
}

#[test]
fn nested_mojibake_is_undone_to_three_layers_and_settles_deeper() {
    let clean = "俄總理米舒斯京：真誠願意進一步強化中俄戰略夥伴關係";
    let simplified = "俄总理米舒斯京：真诚愿意进一步强化中俄战略伙伴关系";
    let latin1 = |t: &str| t.bytes().map(char::from).collect::<String>();
    let cp1252 = |t: &str| {
        WINDOWS_1252
            .decode_without_bom_handling(t.as_bytes())
            .0
            .into_owned()
    };
    let gbk = |t: &str| GBK.decode_without_bom_handling(t.as_bytes()).0.into_owned();
    let three = latin1(&latin1(&latin1(clean)));
    assert_eq!(settled(&three), simplified);
    assert_eq!(settled(&cp1252(&cp1252(clean))), simplified);
    // GBK loses the last byte of `係` here (a lead byte at the end), so only the rest is
    // promised.
    let lossy = settled(&cp1252(&gbk(clean)));
    assert_eq!(lossy.chars().count(), simplified.chars().count());
    assert!(lossy.starts_with("俄总理米舒斯京：真诚愿意进一步强化中俄战略伙伴关"));
    // Deeper than three layers nothing is promised but calm: `repair` settles in one
    // pass. (The whole pipeline may not: what `repair` leaves of a text garbled six
    // times, converted to Simplified, can look garbled in new ways.)
    let mut deep = clean.to_string();
    for _ in 0..6 {
        deep = latin1(&deep);
        settled_by(&deep.repeat(50), |t| RepairStage.apply(t));
        normalize(&deep);
    }
    let mut mixed = clean.to_string();
    for step in 0..6 {
        mixed = if step % 2 == 0 {
            gbk(&mixed)
        } else {
            cp1252(&mixed)
        };
        settled_by(&mixed, |t| RepairStage.apply(t));
        normalize(&mixed);
    }
}

#[test]
fn a_long_run_of_mojibake_without_a_line_break() {
    // A real page with its ASCII taken out, twenty times over: one run of 200 KB of UTF-8
    // read as cp1252 the way Python reads it, the five bytes cp1252 leaves undefined lost
    // (12,000 of them). Each lost byte was once guessed after reading the whole run
    // before it for an open quote, and time grew with the square of the run's length:
    // 1.4 s for this, 8 s for three times as much (0.7 and 2.2 s now).
    let page = include_str!("../fixtures/seeds/004_41a0be0834789df5.txt");
    let text: String = page.chars().filter(|c| !c.is_ascii()).collect::<String>();
    let text = text.repeat(20);
    let garbled: String = WINDOWS_1252
        .decode_without_bom_handling(text.as_bytes())
        .0
        .chars()
        .map(|c| match c {
            '\u{81}' | '\u{8D}' | '\u{8F}' | '\u{90}' | '\u{9D}' => '\u{FFFD}',
            c => c,
        })
        .collect();
    assert!(garbled.matches('\u{FFFD}').count() > 10_000);
    let repaired = settled_by(&garbled, |t| RepairStage.apply(t));
    assert_eq!(repaired.chars().count(), text.chars().count());
    let right = repaired
        .chars()
        .zip(text.chars())
        .filter(|(a, b)| a == b)
        .count();
    assert!(
        right * 100 >= text.chars().count() * 99,
        "{right} of {} characters",
        text.chars().count()
    );
}

#[test]
fn every_code_point_of_the_bmp() {
    let all: String = ('\0'..='\u{FFFF}').collect();
    // Every stage settles on its own, and so does the pipeline, with `repair` and without.
    // (Runs of rare Han that conversion to Simplified makes can read as mojibake of UTF-8:
    // `绀紻绋紽` is the GBK reading of the bytes of `礽D稽F`. The whole pipeline settled
    // only once it ran a text `repair` left partly on doubt again.)
    let no_repair = Pipeline::with_selection(
        Some(Converter::new(Config::T2S)),
        &StageSelection::default().skip("repair").unwrap(),
    );
    let whole = Pipeline::with_selection(
        Some(Converter::new(Config::T2S)),
        &StageSelection::default(),
    );
    settled_by(&all, |t| no_repair.run(t).text);
    settled_by(&all, |t| whole.run(t).text);
    settled_by(&all, |t| RepairStage.apply(t));
    normalize(&all);
    // In lines of 64, so that line-wide analyses see every neighbourhood too.
    let lines: String = all
        .chars()
        .collect::<Vec<_>>()
        .chunks(64)
        .map(|chunk| chunk.iter().collect::<String>() + "\n")
        .collect();
    settled_by(&lines, |t| no_repair.run(t).text);
    settled_by(&lines, |t| whole.run(t).text);
    settled_by(&lines, |t| RepairStage.apply(t));
    // Bytes: valid UTF-8 decodes to itself, BOM or not.
    let decoded = decode(all.as_bytes(), &DecodeOptions::default()).expect("valid UTF-8");
    assert!(decoded.text == all.as_str());
    let with_bom = [b"\xEF\xBB\xBF", all.as_bytes()].concat();
    let decoded = decode(&with_bom, &DecodeOptions::default()).expect("valid UTF-8");
    assert!(decoded.text == all.as_str());
}

#[test]
fn scripts_alternating_every_character() {
    let pieces = [
        "國", "a", "ひ", "中", "1", "說", "한", "й", "(", "é", "。", ",", "臺",
    ];
    let text: String = (0..300_000).map(|i| pieces[i % pieces.len()]).collect();
    let out = settled(&text);
    // A kana and a Hangul for every four Han: the text counts as Japanese or Korean,
    // which t2s leaves alone.
    assert!(out.contains('國') && out.contains('說'));
    let chinese: String = (0..300_000)
        .map(|i| pieces[i % pieces.len()])
        .filter(|&piece| piece != "ひ" && piece != "한")
        .collect();
    let out = settled(&chinese);
    assert!(!out.contains('國') && !out.contains('說'));
    let pairs: String = (0..300_000)
        .map(|i| if i % 2 == 0 { "鐨" } else { "ç" })
        .collect();
    settled(&pairs);
}

#[test]
fn a_ten_megabyte_line_of_parentheses() {
    let half = 5 << 20;
    let parens = "(".repeat(half) + &")".repeat(half);
    assert!(matches!(normalize(&parens), Cow::Borrowed(_)));
    let nested = "中(".repeat(half / 4) + &")".repeat(half / 4);
    settled(&nested);
    // A million injected annotations on one line all go.
    assert_eq!(settled(&"國(guó)".repeat(1 << 20)), "国".repeat(1 << 20));
}

#[test]
fn a_line_of_a_hundred_thousand_emoticons() {
    // Each `:-)` asked whether a parenthesis was open before it by reading the line from
    // its start: a megabyte of them took over a minute.
    let line = "好:-)(^_^)".repeat(100_000);
    assert_eq!(settled(&line), line);
}

#[test]
fn a_megabyte_of_two_character_lines_letter_spaced() {
    // 130,000 lines of two Han characters with a space between: each is a short run that
    // is joined only if the text writes it joined elsewhere (it was looked up by searching
    // the whole text, once per line: eight seconds a megabyte).
    let han: Vec<char> = ('\u{4E00}'..'\u{5A00}').collect();
    let mut lines: Vec<String> = (0..130_000usize)
        .map(|i| format!("{} {}", han[i * 7 % han.len()], han[i * 13 % han.len()]))
        .collect();
    let first = lines[0].replace(' ', "");
    lines.push(format!("{first}是一个词"));
    let text = lines.join("\n") + "\n";
    let out = settled_by(&text, |t| zhnorm::SpaceStage.apply(t));
    let mut out_lines = out.lines();
    assert_eq!(out_lines.next(), Some(first.as_str()));
    assert_eq!(out_lines.next(), Some(lines[1].as_str()));
}
