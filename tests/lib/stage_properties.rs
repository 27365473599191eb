//! Properties of the `pinyin`, `unicode`, `punct` and `space` stages and of the whole default
//! pipeline, for any input: no panic, idempotence (normalizing twice equals once), and
//! clean text returned borrowed.

use std::borrow::Cow;

use proptest::prelude::*;
use zhnorm::{
    Config, Converter, PinyinStage, Pipeline, PunctMode, PunctStage, SpaceStage, Stage,
    StageSelection, UnicodeStage,
};

/// Characters that exercise the context rules: Han, both kinds of punctuation, digits,
/// Latin, spaces of every kind, quotes, dashes, dots, kana, emoji with ZWJ, radicals,
/// full-width forms, controls. (Changing it changes what the seeds kept in
/// `proptest-regressions` stand for.)
const POOL: &str = "中文国王毅表示关系来源记者常在一二 aZ09,.?!:;()\"'-—…。，、：；？！（）“”‘’「」\
    『』《》·•‧・―─ \u{3000}\u{A0}\u{200B}\u{200D}\u{FEFF}\r\n\t\u{7}テスト👨👩⽇⻔ＡＢ１２ｶﾞ\u{301}`/$_@";

/// The GBK readings of UTF-8 symbols pasted into GBK text (see `repair`), with characters
/// that mark either script, to mix into [`POOL`].
const PASTED: &str = "聽聽漏茅没監說";

/// Mojibake that lost bytes, as browsers and Python read them: UTF-8 read as GBK
/// (`涓�`), Big5 read as GBK out of step (`�骇@猭`), GBK read as Big5 (`塘��燴`), with
/// U+FFFD, the ASCII trails a reading leaves, the ASCII marks `punct` may make
/// full-width (and so part of a run), and clean text around.
const LOST: &str = "\u{FFFD}\u{FFFD}涓鏄閫氬瓧绗骇猭硂琌耕埃塘燴譙戺佴儔μ滴吹ㄊ璜囥ヶ@~AkS中文的作法，。 \n:,.;?!()\"";

fn text_from_pool() -> impl Strategy<Value = String> {
    text_from(POOL, 60)
}

fn text_from(pool: &str, most: usize) -> impl Strategy<Value = String> {
    let pool: Vec<char> = pool.chars().collect();
    proptest::collection::vec(proptest::sample::select(pool), 0..most)
        .prop_map(|v| v.into_iter().collect())
}

/// Pieces of text with and around pinyin annotations, injected and written.
const PINYIN_PIECES: [&str; 16] = [
    "長",
    "(zhǎng)",
    "國",
    "（guó）",
    "(guo2)",
    "行",
    "(háng)",
    "(xíng)",
    "銀",
    "(yín)",
    "中文",
    "(AP)",
    " ",
    "\n",
    "。",
    "(",
];

fn text_with_annotations() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(&PINYIN_PIECES[..]), 0..40)
        .prop_map(|v| v.concat())
}

fn stages() -> Vec<Box<dyn Stage>> {
    let mut stages: Vec<Box<dyn Stage>> = vec![
        Box::new(PinyinStage),
        Box::new(UnicodeStage),
        Box::new(SpaceStage),
    ];
    for mode in [
        PunctMode::Cjk,
        PunctMode::Tw,
        PunctMode::Hk,
        PunctMode::Search,
    ] {
        stages.push(Box::new(PunctStage::new(mode)));
    }
    stages
}

fn pipelines() -> Vec<Pipeline> {
    [None, Some(Config::T2S), Some(Config::S2TWP)]
        .into_iter()
        .map(|c| Pipeline::with_selection(c.map(Converter::new), &StageSelection::default()))
        .chain([Pipeline::with_options(
            None,
            PunctMode::Search,
            &StageSelection::default(),
        )])
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn each_stage_is_idempotent(text in text_from_pool()) {
        for stage in stages() {
            let once = stage.apply(&text).into_owned();
            let twice = stage.apply(&once);
            prop_assert_eq!(&*twice, &*once, "{} on {:?}", stage.name(), text);
            prop_assert!(matches!(twice, Cow::Borrowed(_)), "{} reallocated", stage.name());
        }
    }

    #[test]
    fn pinyin_removal_is_idempotent(text in text_with_annotations()) {
        let once = PinyinStage.apply(&text).into_owned();
        let twice = PinyinStage.apply(&once);
        prop_assert_eq!(&*twice, &*once, "on {:?}", text);
    }

    #[test]
    fn the_pipeline_is_idempotent(text in text_from_pool()) {
        pipelines_settle(&text)?;
    }

    #[test]
    fn the_pipeline_is_idempotent_around_pasted_symbols(text in text_from(&[POOL, PASTED].concat(), 60)) {
        pipelines_settle(&text)?;
    }

    // What `repair` leaves garbled, the later stages leave as it is when what they would
    // make of it reads differently (`Stage::apply_protecting`): without that, t2s made
    // `儔` of `�@猭儔猭骇` `俦`, and a second run read the run as Big5.
    #[test]
    fn the_pipeline_is_idempotent_around_lost_bytes(text in text_from(LOST, 40)) {
        pipelines_settle(&text)?;
    }

    #[test]
    fn no_input_panics(text in any::<String>()) {
        for stage in stages() {
            stage.apply(&text);
        }
        for p in pipelines() {
            p.run(&text);
        }
    }
}

/// Real, well-typeset documents come back from `unicode`, `punct` and `space` as they
/// were, borrowed.
#[test]
fn clean_real_text_is_returned_borrowed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/punct/");
    for (file, mode) in [("zh-cn.txt", PunctMode::Cjk), ("zh-tw.txt", PunctMode::Hk)] {
        let text = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
        let text = match mode {
            PunctMode::Hk => text.replace('“', "「").replace('”', "」"),
            _ => text,
        };
        let clean: Vec<Box<dyn Stage>> = vec![
            Box::new(UnicodeStage),
            Box::new(PunctStage::new(mode)),
            Box::new(SpaceStage),
        ];
        for stage in clean {
            let out = stage.apply(&text);
            if stage.name() == "space" {
                // The changes clean text gets: no-break spaces become spaces, and the
                // spaces typed beside full-width marks go (`， 等到`, `节 “文件系统”`).
                let text = text.replace('\u{A0}', " ");
                assert_eq!(out.replace(' ', ""), text.replace(' ', ""), "{file}");
                // Each space removed stood beside such a mark.
                let tight = |c: Option<&char>| {
                    c.is_some_and(|c| "，。、；：？！（）《》「」『』“”".contains(*c))
                };
                let mut removed = 0;
                for (a, b) in text.lines().zip(out.lines()).filter(|(a, b)| a != b) {
                    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                    let mut j = 0;
                    for (i, &c) in a.iter().enumerate() {
                        if b.get(j) == Some(&c) {
                            j += 1;
                            continue;
                        }
                        let before = a[..i].iter().rev().find(|&&c| c != ' ');
                        let after = a[i + 1..].iter().find(|&&c| c != ' ');
                        assert!(c == ' ' && (tight(before) || tight(after)), "{file}: {a:?}");
                        removed += 1;
                    }
                }
                assert!(removed > 0, "{file}");
            } else {
                assert!(
                    matches!(out, Cow::Borrowed(_)),
                    "{} changed {file}",
                    stage.name()
                );
            }
        }
    }
}

/// Texts the property tests found, kept as they were found (a seed in
/// `proptest-regressions` stands for another text once a pool changes).
#[test]
fn texts_once_found_not_idempotent_are() {
    for text in [
        "聽\r・",
        "国聽常監⻔",
        "１掳—",
        "聽・中中中",
        "中中\u{200b}漏掳—\u{7}“",
        "\'•0中中中\'•",
        "aa茅\u{ff9e}",
        "‘—👨,中─。`─·",
        "1\u{3000}脳\u{3000}2",
        // (Read back from Big5 as UTF-8, `駭吹佴` is U+D4D35 and an Arabic digit.)
        "骇吹佴",
        // Left garbled by `repair`, and changed by a later stage into what a second run
        // repairs: a character converted (`儔` → `俦`, `绗` → `絎`), a mark made
        // full-width and so joined to the run, or folded for `search`.
        "\u{FFFD}@猭儔猭骇",
        "鏄ㄊ绗",
        "涓氬:",
        "涓氬:涓",
        "\u{FFFD}燴\u{FFFD}:涓ヶ",
        "\u{FFFD}@猭猭，",
        // Folded for search, `猭，` is `猭,`, whose run is `猭` alone: weighed with the one
        // on the next line, it read as Big5 once the fold made it a run of its own.
        "\u{FFFD}A:猭，\n猭",
        // Hidden with the marks beside them while `punct` ran, `涓氬` and `�` kept `:`;
        // once `,` was made `，`, the line needed hiding no more, and a second run made
        // the `:` before `�` full-width. The pipeline runs again to where nothing changes.
        "涓氬:,滴:\u{FFFD}",
        // `聽` before a tab that ends the line is no field of a table: `space` removes the
        // tab, and a second run would read `聽` alone as a no-break space.
        "聽\t",
        // A span left garbled, looked at alone with its neighbours, read as Japanese (one
        // kana among four Han), so `convert` seemed to leave it; in its line, Chinese, it
        // made `燴` `烩`, and a second run repaired what was left (`ヶ戺戺` → `球舒舒`).
        "猭燴ヶ戺戺A瓧",
    ] {
        pipelines_settle(text).unwrap();
    }
}

/// Every pipeline, run on its own output, gives it back.
fn pipelines_settle(text: &str) -> Result<(), TestCaseError> {
    for p in pipelines() {
        let once = p.run(text).text.into_owned();
        let twice = p.run(&once);
        prop_assert_eq!(&*twice.text, &*once, "{:?} on {:?}", p, text);
    }
    Ok(())
}
