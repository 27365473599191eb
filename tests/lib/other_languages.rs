//! Text in other languages than Chinese, as a mixed corpus holds it
//! (`tests/fixtures/other-languages`): the default pipeline must not make it Chinese.

use std::borrow::Cow;

use zhnorm::{Config, Converter, Pipeline, StageSelection};

use crate::util::{first_difference, read};

const LANGUAGES: [&str; 7] = ["pt_BR", "es", "de", "fr", "vi", "el", "ja"];

fn fixture(language: &str) -> String {
    read(&format!("tests/fixtures/other-languages/{language}.txt"))
}

#[test]
fn japanese_and_other_languages_keep_their_script_and_marks() {
    // `convert` and `punct` leave them alone: the default pipeline gives what it gives
    // without those two stages (`unicode` and `space` still fold full-width digits and
    // no-break spaces). Japanese was converted by t2s (`時間` → `时间`) and its lines of
    // kanji alone given Chinese marks (`結果:` → `結果：`).
    let without = StageSelection::default().skip("convert,punct").unwrap();
    let pipeline = Pipeline::with_selection(Some(Converter::new(Config::T2S)), &without);
    for language in LANGUAGES {
        let text = fixture(language);
        let default = zhnorm::normalize(&text);
        let other = pipeline.run(&text).text;
        assert!(
            default == other,
            "{language}: {}",
            first_difference(&other, &default)
        );
    }
}

#[test]
fn the_configs_for_japanese_convert_japanese() {
    // jp2t makes shinjitai kyujitai (`変更` → `變更`): the user asked for it.
    let text = fixture("ja");
    let jp2t = Pipeline::with_selection(
        Some(Converter::new(Config::JP2T)),
        &StageSelection::only("convert").unwrap(),
    );
    let converted = jp2t.run(&text).text;
    assert!(matches!(converted, Cow::Owned(_)));
    assert!(
        converted.contains("變"),
        "{}",
        first_difference(&text, &converted)
    );
}

#[test]
fn joiners_that_scripts_spell_with_are_kept() {
    // Real messages (Debian 12: at-spi2-core's Persian, Linux-PAM's Sinhala and
    // Malayalam): Persian writes a ZWNJ inside words, Sinhala's yansaya and Malayalam's
    // chillu are a ZWJ after a virama. Scraped Chinese text has no use for either:
    // there both are debris.
    for line in [
        "شرح دسترسی\u{200C}پذیری\n",
        "යෙදුමට පැරණි libpam ඇමතීමට අවශ්\u{200D}යව ඇත\n",
        " %.*s-ല്\u{200D} നിന്നും\n",
    ] {
        assert_eq!(zhnorm::normalize(line), line);
    }
    assert_eq!(
        zhnorm::normalize("新\u{200C}闻\u{200D}推荐 a\u{200C}b\n"),
        "新闻推荐 ab\n"
    );
}

#[test]
fn korean_with_hanja_keeps_its_script_and_marks() {
    // Article 1 of the Constitution of the Republic of Korea (1987), as its official text
    // writes it, with Hanja (legislation, free of copyright under Article 7 of Korea's
    // Copyright Act). t2s made `大韓民國` `大韩民国`, and `punct` gave it Chinese marks.
    let text = "大韓民國은 民主共和國이다.\n\
                大韓民國의 主權은 國民에게 있고, 모든 權力은 國民으로부터 나온다.\n";
    assert_eq!(zhnorm::normalize(text), text);
    // A Korean name glossed in a Chinese line leaves the line Chinese.
    assert_eq!(
        zhnorm::normalize("韩国首都首尔(서울)很漂亮,值得一去.\n"),
        "韩国首都首尔（서울）很漂亮，值得一去。\n"
    );
}
