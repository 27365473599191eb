//! Punctuation folded to ASCII the way scraped pages fold it (`王毅表示,中俄關係`), then
//! restored by the `punct` stage, on well-typeset lines of Debian's zh-CN and zh-TW
//! documentation (tests/fixtures/punct, sampled by make.py there).

use zhnorm::{PunctMode, PunctStage, Stage};

fn fixture(name: &str) -> Vec<String> {
    let path = format!(
        "{}/../../tests/fixtures/punct/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

/// What scrapers and width folding do to Chinese punctuation.
fn fold(line: &str) -> String {
    line.replace("……", "...")
        .replace("——", "--")
        .chars()
        .map(|c| match c {
            '，' => ',',
            '。' => '.',
            '？' => '?',
            '！' => '!',
            '：' => ':',
            '；' => ';',
            '（' => '(',
            '）' => ')',
            '“' | '”' | '「' | '」' => '"',
            '‘' | '’' | '『' | '』' => '\'',
            c => c,
        })
        .collect()
}

fn restore_rate(file: &str, mode: PunctMode) -> (usize, usize, Vec<String>) {
    let stage = PunctStage::new(mode);
    let lines = fixture(file);
    let mut failures = Vec::new();
    let mut exact = 0;
    for original in &lines {
        let folded = fold(original);
        // Taiwan and Hong Kong typesetting quotes with 「」『』 (the mode's own choice).
        let original = &match mode {
            PunctMode::Tw | PunctMode::Hk => original
                .chars()
                .map(|c| match c {
                    '“' => '「',
                    '”' => '」',
                    '‘' => '『',
                    '’' => '』',
                    c => c,
                })
                .collect::<String>(),
            _ => original.clone(),
        };
        let restored = stage.apply(&folded);
        if restored == original.as_str() {
            exact += 1;
        } else {
            failures.push(format!("  want {original}\n  got  {restored}"));
        }
    }
    (exact, lines.len(), failures)
}

#[test]
fn folded_punctuation_is_restored_in_cjk_mode() {
    let (exact, total, failures) = restore_rate("zh-cn.txt", PunctMode::Cjk);
    eprintln!("zh-cn, cjk: {exact}/{total} restored exactly");
    assert!(
        exact * 100 >= total * 97,
        "{exact}/{total}\n{}",
        failures.join("\n")
    );
}

#[test]
fn folded_punctuation_is_restored_in_tw_mode() {
    let (exact, total, failures) = restore_rate("zh-tw.txt", PunctMode::Tw);
    eprintln!("zh-tw, tw: {exact}/{total} restored exactly");
    assert!(
        exact * 100 >= total * 95,
        "{exact}/{total}\n{}",
        failures.join("\n")
    );
}

#[test]
fn well_typeset_lines_are_left_alone() {
    for (file, mode) in [("zh-cn.txt", PunctMode::Cjk), ("zh-tw.txt", PunctMode::Tw)] {
        let stage = PunctStage::new(mode);
        for line in fixture(file) {
            assert_eq!(stage.apply(&line), line.as_str(), "{file}");
        }
    }
}
