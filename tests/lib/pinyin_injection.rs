//! Stage `pinyin` on real text: annotations injected the way the seed page has them are
//! all removed, and the parentheses people write — glosses, drills, surnames, English
//! terms, abbreviations — are kept.
//!
//! The oracle is built here, independently of the library: default readings straight
//! from `data/pinyin` (`kMandarin`), Traditional characters from OpenCC's
//! `TSCharacters`. Injected cases and glosses are made from real sentences of the real
//! documents; run with `--nocapture` for the figures.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use zhnorm::pinyin::remove_injected;

use crate::util::{read, REAL_DOCUMENTS};

/// The seed page, whose every `X(pinyin)` was injected.
const SEED: &str = "tests/golden/pinyin-injected.trad.txt";

struct Oracle {
    /// Every character's `kMandarin` readings, tone-marked.
    default: HashMap<char, Vec<String>>,
    /// Every reading any Unihan field gives.
    all: HashMap<char, BTreeSet<String>>,
    /// Characters OpenCC's t2s changes.
    traditional: BTreeSet<char>,
}

fn oracle() -> Oracle {
    let mut default: HashMap<char, Vec<String>> = HashMap::new();
    let mut all: HashMap<char, BTreeSet<String>> = HashMap::new();
    for line in read("data/pinyin/Unihan_Readings.mandarin.txt").lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [code, field, value] = fields[..] else {
            continue;
        };
        let c = char::from_u32(u32::from_str_radix(&code[2..], 16).unwrap()).unwrap();
        let readings: Vec<String> = match field {
            "kMandarin" => value.split(' ').map(String::from).collect(),
            "kHanyuPinlu" => value
                .split(' ')
                .map(|r| r.split('(').next().unwrap().to_string())
                .collect(),
            _ => value
                .split(' ')
                .flat_map(|p| p.rsplit(':').next().unwrap().split(','))
                .map(String::from)
                .collect(),
        };
        if field == "kMandarin" {
            default.insert(c, readings.clone());
        }
        all.entry(c).or_default().extend(readings);
    }
    let traditional = read("data/opencc/dictionary/TSCharacters.txt")
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(k, v)| {
            let mut k = k.chars();
            let (c, rest) = (k.next()?, k.next());
            let first = v.split(' ').next()?;
            (rest.is_none() && first != c.to_string()).then_some(c)
        })
        .collect();
    Oracle {
        default,
        all,
        traditional,
    }
}

/// A tone-marked syllable in numbered form (`zhǎng` → `zhang3`), written here with no
/// help from the library.
fn tone_number(marked: &str) -> String {
    const MARKS: [(&str, &str); 5] = [
        ("āēīōūǖ", "aeiouü"),
        ("áéíóúǘ", "aeiouü"),
        ("ǎěǐǒǔǚ", "aeiouü"),
        ("àèìòùǜ", "aeiouü"),
        ("", ""),
    ];
    let mut tone = 5;
    let mut plain = String::new();
    for c in marked.chars() {
        match MARKS.iter().position(|(m, _)| m.contains(c)) {
            Some(t) => {
                tone = t + 1;
                let i = MARKS[t].0.chars().position(|m| m == c).unwrap();
                plain.push(MARKS[t].1.chars().nth(i).unwrap());
            }
            None => plain.push(c),
        }
    }
    format!("{}{tone}", plain.replace('ü', "v"))
}

/// A small deterministic generator: the same cases on every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The four ways an annotation is written: ASCII or full-width parentheses, tone marks
/// or tone numbers.
fn write_annotation(reading: &str, style: usize) -> String {
    let syllable = if style & 2 == 0 {
        reading.to_string()
    } else {
        tone_number(reading)
    };
    if style & 1 == 0 {
        format!("({syllable})")
    } else {
        format!("（{syllable}）")
    }
}

/// The seed page with its annotations taken out by hand-written rule: every `(…)` of
/// lower-case pinyin letters is one of the 281 injected ones.
fn seed_without_annotations() -> (String, usize) {
    let seed = read(SEED);
    let mut out = String::new();
    let mut removed = 0;
    let mut rest = seed.as_str();
    while let Some(open) = rest.find('(') {
        let inside_end = rest[open..].find(')').map(|i| open + i);
        let is_pinyin = inside_end.is_some_and(|end| {
            let inside = &rest[open + 1..end];
            !inside.is_empty() && inside.chars().all(|c| c.is_lowercase())
        });
        match inside_end {
            Some(end) if is_pinyin => {
                out.push_str(&rest[..open]);
                rest = &rest[end + 1..];
                removed += 1;
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    (out, removed)
}

#[test]
fn the_seed_page_loses_all_281_annotations_and_nothing_else() {
    let (expected, removed) = seed_without_annotations();
    assert_eq!(removed, 281);
    assert_eq!(remove_injected(&read(SEED)), expected);
}

/// Real Traditional lines, without injected annotations.
fn traditional_lines() -> Vec<String> {
    let mut lines: Vec<String> = seed_without_annotations()
        .0
        .lines()
        .map(String::from)
        .collect();
    for doc in [
        "tests/golden/hk-news.trad.txt",
        "tests/fixtures/punct/zh-tw.txt",
    ] {
        lines.extend(read(doc).lines().map(String::from));
    }
    lines
}

/// Sentences (up to and including `。！？`) of `lines`, each with some Han.
fn sentences(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        let mut current = String::new();
        for c in line.chars() {
            current.push(c);
            if matches!(c, '。' | '！' | '？') {
                out.push(std::mem::take(&mut current));
            }
        }
        out.push(current);
    }
    out.retain(|s| s.chars().filter(|&c| zhnorm_is_han(c)).count() >= 4);
    out
}

fn zhnorm_is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// Injected the way the seed page is: some of the Traditional characters of a document,
/// every occurrence, always their default reading, one style per document.
#[test]
fn injected_annotations_are_all_removed() {
    let o = oracle();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let lines = traditional_lines();
    let (mut cases, mut exact, mut annotations) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    // Whole documents of 20 lines, then single sentences with one annotation each.
    for (n, chunk) in lines.chunks(20).enumerate() {
        let style = n % 4;
        let chosen: BTreeMap<char, bool> = chunk
            .iter()
            .flat_map(|l| l.chars())
            .filter(|c| o.traditional.contains(c) && o.default.contains_key(c))
            .map(|c| (c, false))
            .collect();
        let chosen: BTreeSet<char> = chosen.into_keys().filter(|_| rng.below(2) == 0).collect();
        for line in chunk {
            let mut injected = String::new();
            for c in line.chars() {
                injected.push(c);
                if chosen.contains(&c) {
                    injected.push_str(&write_annotation(&o.default[&c][0], style));
                    annotations += 1;
                }
            }
            cases += 1;
            let got = remove_injected(&injected);
            if got == line.as_str() {
                exact += 1;
            } else if failures.len() < 5 {
                failures.push(format!("{injected}\n  → {got}"));
            }
        }
    }
    for (n, sentence) in sentences(&lines).iter().enumerate() {
        let marks: Vec<usize> = sentence
            .char_indices()
            .filter(|(_, c)| o.traditional.contains(c) && o.default.contains_key(c))
            .map(|(i, _)| i)
            .collect();
        if marks.is_empty() {
            continue;
        }
        let at = marks[rng.below(marks.len())];
        let c = sentence[at..].chars().next().unwrap();
        let end = at + c.len_utf8();
        let injected = format!(
            "{}{}{}",
            &sentence[..end],
            write_annotation(&o.default[&c][0], n % 4),
            &sentence[end..]
        );
        cases += 1;
        annotations += 1;
        let got = remove_injected(&injected);
        if got == sentence.as_str() {
            exact += 1;
        } else if failures.len() < 10 {
            failures.push(format!("{injected}\n  → {got}"));
        }
    }
    println!(
        "pinyin: {exact} of {cases} injected cases ({annotations} annotations) exact; failures:\n{}",
        failures.join("\n")
    );
    assert!(cases > 1000 && annotations > 3000, "too few cases built");
    assert_eq!(exact, cases, "every injected annotation must go");
}

/// Glosses people write, made from real sentences of both scripts, and every real
/// document as it is: none may change.
#[test]
fn glosses_and_other_parentheses_are_kept() {
    let o = oracle();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut lines = traditional_lines();
    for doc in [
        "tests/golden/xinhua.simp.txt",
        "tests/fixtures/punct/zh-cn.txt",
    ] {
        lines.extend(read(doc).lines().map(String::from));
    }
    let mut cases: Vec<(&str, String)> = Vec::new();
    for (n, sentence) in sentences(&lines).iter().enumerate() {
        let chars: Vec<(usize, char)> = sentence.char_indices().collect();
        let han: Vec<usize> = (0..chars.len())
            .filter(|&i| o.default.contains_key(&chars[i].1))
            .collect();
        let pick = |rng: &mut Rng| han[rng.below(han.len())];
        let insert_after = |i: usize, what: &str| {
            let end = chars[i].0 + chars[i].1.len_utf8();
            format!("{}{what}{}", &sentence[..end], &sentence[end..])
        };
        // A word glossed whole: `银行(yínháng)`.
        let i = pick(&mut rng);
        if let Some(&(_, next)) = chars.get(i + 1).filter(|(_, c)| o.default.contains_key(c)) {
            let word = format!("{}{}", o.default[&chars[i].1][0], o.default[&next][0]);
            cases.push((
                "word gloss",
                insert_after(i + 1, &write_annotation(&word, n % 4)),
            ));
        }
        // A character glossed with a reading other than its customary one: a surname
        // (`单(shàn)`), a polyphone in context.
        let other_reading = |c: char| o.all[&c].iter().find(|r| !o.default[&c].contains(r));
        let polyphones: Vec<usize> = han
            .iter()
            .copied()
            .filter(|i| other_reading(chars[*i].1).is_some())
            .collect();
        if !polyphones.is_empty() {
            let i = polyphones[rng.below(polyphones.len())];
            let c = chars[i].1;
            let other = other_reading(c).unwrap();
            cases.push((
                "other reading",
                insert_after(i, &write_annotation(other, n % 4)),
            ));
            // A drill: the character and both its readings.
            let drill = format!(
                "{sentence}「{c}」讀{c}{}，也讀{c}{}。",
                write_annotation(&o.default[&c][0], n % 4),
                write_annotation(other, n % 4)
            );
            cases.push(("drill", drill));
        }
        // A rare character of Simplified text glossed with its customary reading.
        if let Some(&i) = han
            .iter()
            .find(|&&i| !o.traditional.contains(&chars[i].1) && rng.below(4) == 0)
        {
            let c = chars[i].1;
            cases.push((
                "gloss, shared character",
                insert_after(i, &write_annotation(&o.default[&c][0], n % 4)),
            ));
        }
    }
    for doc in REAL_DOCUMENTS.iter().filter(|d| **d != SEED) {
        cases.extend(read(doc).lines().map(|l| ("real line", l.to_string())));
    }
    let mut changed: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut examples = Vec::new();
    for (kind, case) in &cases {
        let entry = changed.entry(kind).or_default();
        entry.1 += 1;
        let got = remove_injected(case);
        if got != case.as_str() {
            entry.0 += 1;
            if examples.len() < 10 {
                examples.push(format!("{kind}: {case}\n  → {got}"));
            }
        }
    }
    println!(
        "pinyin negatives changed: {changed:?}\n{}",
        examples.join("\n")
    );
    let total: usize = changed.values().map(|v| v.1).sum();
    let bad: usize = changed.values().map(|v| v.0).sum();
    assert!(total > 3000, "too few negatives built");
    assert_eq!(bad, 0, "a gloss or a real parenthesis was removed");
}
