//! Helpers shared by the library's integration tests.

use std::path::PathBuf;

/// Real documents nobody here wrote: two scraped news pages (Traditional), one
/// (Simplified), and 400 lines each of Debian's zh-CN and zh-TW documentation.
pub const REAL_DOCUMENTS: [&str; 5] = [
    "tests/golden/hk-news.trad.txt",
    "tests/golden/pinyin-injected.trad.txt",
    "tests/golden/xinhua.simp.txt",
    "tests/fixtures/punct/zh-cn.txt",
    "tests/fixtures/punct/zh-tw.txt",
];

/// The five seed documents this project started from (`../shared/seeds/`): scraped news
/// pages with folded punctuation, injected pinyin, letter-spacing. Three of them are the
/// golden inputs; the other two are kept under `tests/fixtures/seeds/`.
pub const SEED_DOCUMENTS: [&str; 5] = [
    "tests/fixtures/seeds/000_c3633c37de587506.txt",
    "tests/golden/pinyin-injected.trad.txt",
    "tests/golden/xinhua.simp.txt",
    "tests/golden/hk-news.trad.txt",
    "tests/fixtures/seeds/004_41a0be0834789df5.txt",
];

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads a file under the repository root.
pub fn read(path: &str) -> String {
    let full = repo().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// OpenCC's test file has trailing commas, which strict JSON rejects; drop them.
pub fn lenient_json(text: &str) -> serde_json::Value {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            (escaped, in_string) = (c == '\\' && !escaped, c != '"' || escaped);
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    serde_json::from_str(&out).expect("testcases.json parses once trailing commas are gone")
}

/// A readable report of where two texts first differ.
pub fn first_difference(expected: &str, actual: &str) -> String {
    let at = expected
        .chars()
        .zip(actual.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let show = |s: &str| {
        s.chars()
            .skip(at.saturating_sub(8))
            .take(24)
            .collect::<String>()
    };
    format!(
        "first difference at char {at}:\n  expected …{}\n  actual   …{}",
        show(expected),
        show(actual)
    )
}
