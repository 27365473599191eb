//! Properties that hold for any input: no panics, line structure kept, unchanged text
//! borrowed, and the default policy a fixed point (converting twice equals once).

use std::borrow::Cow;

use proptest::prelude::*;
use zhnorm::{Config, Converter};

use crate::golden::golden_cases;

/// Characters that exercise the converters: ASCII, both scripts, phrase starts, residue
/// makers, compatibility ideographs, description characters, astral ideographs.
const POOL: &str = "a1 ,\n\t國国於单單欄栏乾干隆燥著着后後發发髮里裡裏台臺颱檯一乾淨净二三\
    車车專专⿰⿱⿲⿾\u{F900}\u{F91D}\u{2F800}𠀀𫏐蹔說说話话電电腦脑計计算機机網网絡络軟软體体\
    鬱郁麵面雲云餘余钟鐘鍾锺衝冲";

fn text_from_pool() -> impl Strategy<Value = String> {
    let pool: Vec<char> = POOL.chars().collect();
    proptest::collection::vec(proptest::sample::select(pool), 0..40)
        .prop_map(|v| v.into_iter().collect())
}

fn converters() -> Vec<Converter> {
    Config::ALL.into_iter().map(Converter::new).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn default_policy_is_a_fixed_point(text in text_from_pool()) {
        for c in converters() {
            let once = c.convert(&text).into_owned();
            let twice = c.convert(&once);
            prop_assert_eq!(&*twice, &*once, "{} on {:?}", c.config(), text);
        }
    }

    #[test]
    fn never_panics_and_keeps_lines(text in any::<String>()) {
        for c in converters() {
            let out = c.convert(&text);
            prop_assert_eq!(out.matches('\n').count(), text.matches('\n').count());
        }
    }

    #[test]
    fn unchanged_output_is_borrowed(text in text_from_pool()) {
        for c in converters() {
            match c.convert(&text) {
                Cow::Borrowed(b) => prop_assert_eq!(b, text.as_str()),
                Cow::Owned(o) => prop_assert_ne!(o, text.clone()),
            }
        }
    }
}

#[test]
fn real_documents_settle_in_one_conversion() {
    for (input, config, _) in golden_cases() {
        let c = Converter::new(config);
        let once = c.convert(&input).into_owned();
        assert_eq!(c.convert(&once), once, "{config}");
    }
}
