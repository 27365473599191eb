//! The `repair` stage on real text garbled in code through every class of mojibake the
//! stage claims, and on clean text of every kind it must leave alone.

use std::collections::HashMap;
use std::sync::LazyLock;

use encoding_rs::{Encoding, BIG5, GBK, WINDOWS_1252};
use zhnorm::{RepairStage, Stage};

use crate::util::{read, REAL_DOCUMENTS as DOCUMENTS};

/// Real lines with Han in them, cut to at most 60 characters.
fn lines() -> Vec<String> {
    let mut out = Vec::new();
    for path in DOCUMENTS {
        for line in read(path).lines() {
            let line: String = line.trim().chars().take(60).collect();
            if line.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
                out.push(line);
            }
        }
    }
    out
}

fn utf8(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

fn legacy(text: &str, encoding: &'static Encoding) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

/// Bytes read as a double-byte or web encoding, as a browser would. Bytes the reading
/// cannot decode become U+FFFD: such a case counts as lossy.
fn read_as(bytes: &[u8], encoding: &'static Encoding) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

fn cp437(bytes: &[u8]) -> String {
    oem_cp::decode_string_complete_table(bytes, &oem_cp::code_table::DECODING_TABLE_CP437)
}

/// windows-1252 as Python reads it with `errors="replace"`: its five undefined bytes
/// become U+FFFD.
fn cp1252_python(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x81 | 0x8D | 0x8F | 0x90 | 0x9D => '\u{FFFD}'.to_string(),
            _ => read_as(&[b], WINDOWS_1252),
        })
        .collect()
}

/// Bytes read as Python reads them with `errors="replace"`, as `requests` does for a
/// page's `.text`: one U+FFFD for each byte it cannot read, and reading goes on at the
/// next byte, where a browser takes a lead and a trail it has no character for as one
/// loss. Python's `gbk` has no character for the user-defined areas (the browser's
/// table gives Private Use characters there), nor its `big5` for the Hong Kong rows and
/// the ends of rows A3, C7 and F9; where its `big5` has another character than a
/// browser's (`data/codecs/python-big5.tsv`), that one is read.
fn read_as_python(bytes: &[u8], encoding: &'static Encoding) -> String {
    // (Read once: every line of every Python class is read so.)
    static PYTHON_BIG5: LazyLock<HashMap<[u8; 2], char>> = LazyLock::new(|| {
        read("data/codecs/python-big5.tsv")
            .lines()
            .filter(|line| line.ends_with("\tbig5"))
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                let pair = u16::from_str_radix(fields[0], 16).unwrap().to_be_bytes();
                (pair, fields[1].chars().next().unwrap())
            })
            .collect()
    });
    let python_big5 = &*PYTHON_BIG5;
    let python_has = |lead: u8, trail: u8| {
        if encoding == GBK {
            return (0x81..=0xFE).contains(&lead);
        }
        match lead {
            0xA3 => trail <= 0xBF,
            0xC7 => trail <= 0xFC,
            0xF9 => trail <= 0xD5,
            0xC8 => false,
            _ => (0xA1..=0xF9).contains(&lead),
        }
    };
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b as char);
            i += 1;
            continue;
        }
        let pair = bytes
            .get(i..i + 2)
            .filter(|pair| python_has(pair[0], pair[1]))
            .and_then(|pair| encoding.decode_without_bom_handling_and_without_replacement(pair))
            .and_then(|text| {
                let mut chars = text.chars();
                let c = chars.next()?;
                (chars.next().is_none() && !('\u{E000}'..='\u{F8FF}').contains(&c)).then_some(c)
            });
        let pair = pair.map(|c| match encoding == BIG5 {
            true => python_big5.get(&[b, bytes[i + 1]]).copied().unwrap_or(c),
            false => c,
        });
        match pair {
            Some(c) => {
                out.push(c);
                i += 2;
            }
            None => {
                out.push('\u{FFFD}');
                i += 1;
            }
        }
    }
    out
}

/// A way to garble text: `None` when the text cannot go through it.
type Garble = fn(&str) -> Option<String>;

/// Every class of mojibake, by name. A case is lossy when some step of its garbling
/// produced U+FFFD (it shows as `ï¿½` after a further layer).
fn classes() -> Vec<(&'static str, Garble)> {
    vec![
        ("utf8 as gbk", |t| Some(read_as(&utf8(t), GBK))),
        ("utf8 as cp1252", |t| Some(read_as(&utf8(t), WINDOWS_1252))),
        ("utf8 as latin1", |t| Some(latin1(&utf8(t)))),
        ("utf8 as big5", |t| Some(read_as(&utf8(t), BIG5))),
        ("utf8 as cp437", |t| Some(cp437(&utf8(t)))),
        ("utf8 as cp1252 twice", |t| {
            let once = read_as(&utf8(t), WINDOWS_1252);
            Some(read_as(&utf8(&once), WINDOWS_1252))
        }),
        ("utf8 as latin1 three times", |t| {
            let once = latin1(&utf8(t));
            Some(latin1(&utf8(&latin1(&utf8(&once)))))
        }),
        ("utf8 as gbk, then as cp1252", |t| {
            let once = read_as(&utf8(t), GBK);
            Some(read_as(&utf8(&once), WINDOWS_1252))
        }),
        ("gbk as latin1", |t| legacy(t, GBK).map(|b| latin1(&b))),
        ("gbk as cp1252", |t| {
            legacy(t, GBK).map(|b| read_as(&b, WINDOWS_1252))
        }),
        ("gbk as cp437", |t| legacy(t, GBK).map(|b| cp437(&b))),
        ("gbk as big5", |t| legacy(t, GBK).map(|b| read_as(&b, BIG5))),
        ("big5 as latin1", |t| legacy(t, BIG5).map(|b| latin1(&b))),
        ("big5 as gbk", |t| legacy(t, BIG5).map(|b| read_as(&b, GBK))),
        ("utf8 as cp1252, undefined bytes lost", |t| {
            Some(cp1252_python(&utf8(t)))
        }),
        // As tools that write `?` for them do (`â€?` for `”`).
        ("utf8 as cp1252, undefined bytes as ?", |t| {
            Some(cp1252_python(&utf8(t)).replace('\u{FFFD}', "?"))
        }),
        ("utf8 as gbk, read by Python", |t| {
            Some(read_as_python(&utf8(t), GBK))
        }),
        ("utf8 as big5, read by Python", |t| {
            Some(read_as_python(&utf8(t), BIG5))
        }),
        ("gbk as big5, read by Python", |t| {
            legacy(t, GBK).map(|b| read_as_python(&b, BIG5))
        }),
        ("big5 as gbk, read by Python", |t| {
            legacy(t, BIG5).map(|b| read_as_python(&b, GBK))
        }),
    ]
}

/// Whether a class is one of Python's readings: they lose a byte where a browser loses
/// none or a pair, and are scored apart.
fn read_by_python(class: &str) -> bool {
    class.ends_with("read by Python")
}

/// What share of the cases `(right, total)` is.
fn share((right, total): (usize, usize)) -> f64 {
    right as f64 / total.max(1) as f64
}

fn is_lossy(garbled: &str) -> bool {
    garbled.contains('\u{FFFD}') || garbled.contains("ï¿½")
}

fn repair(text: &str) -> String {
    RepairStage.apply(text).into_owned()
}

#[test]
fn real_lines_garbled_every_way_are_repaired() {
    let lines = lines();
    // As a browser reads, then as Python does; lossless, lossy: (right, total).
    let mut totals = [[(0, 0); 2]; 2];
    let mut report = Vec::new();
    let mut failures = Vec::new();
    // REPAIR_FAILURES=N shows N failures of each class instead of 2.
    let shown = std::env::var("REPAIR_FAILURES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2);
    for (name, garble) in classes() {
        let mut counts = [(0, 0); 2];
        for line in &lines {
            let Some(garbled) = garble(line) else {
                continue;
            };
            if garbled == *line {
                continue;
            }
            let lossy = (is_lossy(&garbled)
                || garbled.matches('?').count() > line.matches('?').count())
                as usize;
            counts[lossy].1 += 1;
            let got = repair(&garbled);
            if got == *line {
                counts[lossy].0 += 1;
            } else {
                let tag = format!("{name} ({}):", ["lossless", "lossy"][lossy]);
                if failures
                    .iter()
                    .filter(|f: &&String| f.starts_with(&tag))
                    .count()
                    < shown
                {
                    failures.push(format!(
                        "{tag} {garbled:?}\n   got {got:?}\n  want {line:?}"
                    ));
                }
            }
        }
        for (kind, (right, total)) in ["lossless", "lossy"].iter().zip(counts) {
            if total > 0 {
                let share = 100.0 * right as f64 / total as f64;
                report.push(format!(
                    "{name:<38} {kind:<9} {right:>5}/{total:<5} {share:>6.1}%"
                ));
            }
        }
        let totals = &mut totals[read_by_python(name) as usize];
        for k in 0..2 {
            totals[k].0 += counts[k].0;
            totals[k].1 += counts[k].1;
        }
    }
    eprintln!("{}", report.join("\n"));
    for (readers, [lossless, lossy]) in ["as browsers read", "as Python reads"].iter().zip(totals) {
        eprintln!(
            "{readers}: lossless {:.2}% of {}, lossy {:.2}% of {}",
            100.0 * share(lossless),
            lossless.1,
            100.0 * share(lossy),
            lossy.1
        );
    }
    eprintln!("{}", failures.join("\n"));
    let [[lossless, lossy], [python_lossless, python_lossy]] = totals.map(|t| t.map(share));
    // The issue's aims, on the readings of browsers (and cp1252's five lost bytes).
    assert!(lossless >= 0.99, "lossless {:.2}%", 100.0 * lossless);
    assert!(lossy >= 0.55, "lossy {:.2}%", 100.0 * lossy);
    // Python's readings: floors under what is reached, short of the aims (README).
    assert!(
        python_lossless >= PYTHON_LOSSLESS,
        "Python, lossless {:.2}%",
        100.0 * python_lossless
    );
    assert!(
        python_lossy >= PYTHON_LOSSY,
        "Python, lossy {:.2}%",
        100.0 * python_lossy
    );
}

/// The floors for Python's readings: what `repair` reaches less a point.
const PYTHON_LOSSLESS: f64 = 0.94;
const PYTHON_LOSSY: f64 = 0.30;
const PYTHON_WHOLE_DOCUMENTS: f64 = 0.36;

/// What users meet: a whole file garbled one way, repaired as a whole, where the spans
/// garbled beyond doubt lend their evidence to the short ones. Lines holding Han that
/// come back exact, per class, over the real documents.
#[test]
fn whole_documents_garbled_every_way_are_repaired() {
    let mut report = Vec::new();
    // As a browser reads, then as Python does: (right, total).
    let mut totals = [(0, 0); 2];
    for (name, garble) in classes() {
        let (mut class_right, mut class_total) = (0, 0);
        for path in DOCUMENTS {
            // A file in GBK or Big5 holds only what they can encode: the lines they can't
            // (Simplified text in Big5) are left out of its document.
            let text: String = read(path)
                .split_inclusive('\n')
                .filter(|line| garble(line).is_some())
                .collect();
            let garbled = garble(&text).expect("every line goes through");
            let repaired = repair(&garbled);
            assert_eq!(
                repaired.lines().count(),
                text.lines().count(),
                "{name}: {path}"
            );
            // Repaired as far as it goes: a second run changes nothing, however much of
            // the document stayed garbled.
            let again = repair(&repaired);
            if let Some((once, twice)) = repaired.lines().zip(again.lines()).find(|(a, b)| a != b) {
                panic!("{name}: {path}: a second run changes {once:?} into {twice:?}");
            }
            for (got, want) in repaired.lines().zip(text.lines()) {
                if want.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
                    class_total += 1;
                    class_right += (got == want) as usize;
                }
            }
        }
        if class_total > 0 {
            let share = 100.0 * class_right as f64 / class_total as f64;
            report.push(format!(
                "{name:<38} {class_right:>5}/{class_total:<5} {share:>6.1}%"
            ));
        }
        let totals = &mut totals[read_by_python(name) as usize];
        totals.0 += class_right;
        totals.1 += class_total;
    }
    eprintln!("{}", report.join("\n"));
    for (readers, lines) in ["as browsers read", "as Python reads"].iter().zip(totals) {
        let (share, total) = (100.0 * share(lines), lines.1);
        eprintln!("whole documents, {readers}: {share:.2}% of {total} lines");
    }
    let [browsers, python] = totals.map(share);
    assert!(browsers >= 0.86, "whole documents {:.2}%", 100.0 * browsers);
    assert!(
        python >= PYTHON_WHOLE_DOCUMENTS,
        "Python, whole documents {:.2}%",
        100.0 * python
    );
}

#[test]
fn clean_text_is_never_touched() {
    let mut changed = Vec::new();
    let negatives = [
        "日本語のテキストです。東京都渋谷区",
        "Zhōngguó rénmín yínháng, nǚ, lǜ, Běijīng",
        "café, Müller, naïve, façade, Ångström, señor, Łódź",
        "emoji 😀👍🏽 ❤️ 🇨🇳 and symbols © ® ™ € £ ¥ § ¶ ° ± × ÷ µ",
        "生僻字：𠀀𪚥龘靐齉 鑫淼犇 㐀",
        "已有替换字符 \u{FFFD} 的文本 \u{FFFD}\u{FFFD}",
        "├── src\n│   └── main.rs\n└── README",
        "“引号”‘单引号’——破折号……省略号·间隔号",
        "Straße, Œuvre, Ætna, Ørsted, Ðaka, Þór",
        "ΑΒΓ αβγ АБВ абв",
        "한국어 텍스트입니다",
        "¿Qué? ¡Sí! «Bonjour» — “Hi”",
        // No-break spaces indenting a headline (not GBK `牋`), quotes around a bullet
        // (not GBK `憰` and `挄`).
        "\u{A0}\u{A0}\u{A0}\u{A0}·王毅:美国成为南海军事化的最大推手",
        "‘•0中中中’•",
        // Legacy dashes between Han, bullets beside them (not cp437's reading of `哪`).
        "他说──这是真的──我相信\n•中 ──中──中\n中 ──中──中",
        // Classical text, rare characters and all (fortunes-zh): `貙貙` is GBK's reading
        // of the UTF-8 of `،،`, `绀緅` of `社j`.
        "淮西有贼五十载，封狼生貙貙生罴。",
        "君子不以绀緅饰。红紫不以为亵服。当暑，袗絺绤，必表而出之。",
        // A reduplicated rare character before its reading (snownlp's pinyin table): not
        // the UTF-8 of the Cyrillic `ҤҤ` read as Big5. Cantonese words before theirs
        // (librime-data-jyutping): not the UTF-8 of `ţÚ`, `ÏÏ` or two combining marks
        // read as GBK.
        "狺狺 yin yin",
        "牛脷\tngau lei\t",
        "脷苔\tlei toi\t",
        "蹧蹋\tzou daap\t",
        "脧脧\tzoe zoe\t",
        // Classical poems (npm's chinese-poetry, 3.2 million lines): rare characters whose
        // bytes, read back, give plane 14's unassigned code points (`螭儻`, `螭妬`,
        // `鞶垂`) or Braille (`猗歟路`).
        "綰蛇縈蚓應無用，拘虎囚螭儻有餘。",
        "蛟螭妬嫉互盤踞，鬼神守護勤呵叱。",
        "檀槽鈎鳳繡鞶垂，玉撥乘閑試一揮。",
        "猗歟路漢州，冠纓早彯彯。",
        // Finnish with zero-width spaces (gnome-user-docs): `äi` is no cp1252 reading of
        // GBK's `鄜` for the cost of the invisible characters before it.
        "jossa se \u{200B}\u{200B}säilyy kunnes tyhjennät roskakorin itse.",
    ];
    for line in lines().iter().map(String::as_str).chain(negatives) {
        let got = repair(line);
        if got != line {
            changed.push(format!("{line:?}\n  → {got:?}"));
        }
    }
    assert!(
        changed.is_empty(),
        "{} clean lines changed:\n{}",
        changed.len(),
        changed.join("\n")
    );
}

#[test]
fn tables_of_measures_are_left_alone() {
    // `25°C` read back from Latin-1 as Big5 or GBK is `25蚓`, a few half bits cheaper:
    // nothing on one line, but over a table of temperatures, a measure on every line,
    // the gains once added up to a text made of that mojibake.
    let lines = lines();
    for unit in ["°C", "°F", "µm"] {
        let english: Vec<String> = (0..300)
            .map(|k| format!("Day {}: {}{unit}", k % 9 + 1, k * 7 % 41 - 5))
            .collect();
        let chinese: Vec<String> = lines
            .iter()
            .take(300)
            .enumerate()
            .map(|(k, line)| format!("{line} {}{unit}", k * 7 % 41))
            .collect();
        assert_left_alone(unit, &english.join("\n"));
        assert_left_alone(unit, &chinese.join("\n"));
    }
    // LibreOffice's help (the Debian zh-CN corpus), over and over.
    let help = "低于 0℃ 的温度为蓝色，0 到 30 °C 之间的温度为黑色，高于 30 °C 的温度为红色。\n\
                [BLUE][<0]#.0 \"°C\";[RED][>30]#.0 \"°C\";[BLACK]#.0 \"°C\"\n";
    assert_left_alone("help", &help.repeat(100));
}

#[test]
fn real_text_with_bytes_a_bad_decoding_replaced_is_left_alone() {
    // A file with stray invalid bytes decodes to clean text with U+FFFD here and there.
    // A U+FFFD is no evidence of mojibake on its own: lines that each held one or two
    // were "repaired" alone (`�未知�` → `形棉花`), and a text of them counted as made of
    // mojibake (`创建目录“%�s”时出错：%�s` → `“%峥”时出错：%峥`).
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below as u64) as usize
    };
    let damaged: Vec<String> = lines()
        .iter()
        .map(|line| {
            let mut chars: Vec<char> = line.chars().collect();
            for _ in 0..1 + next(3) {
                let at = next(chars.len() + 1);
                chars.insert(at, '\u{FFFD}');
            }
            chars.into_iter().collect()
        })
        .collect();
    let changed: Vec<String> = damaged
        .iter()
        .filter_map(|line| {
            let got = repair(line);
            (got != *line).then(|| format!("{line:?}\n  → {got:?}"))
        })
        .collect();
    assert!(
        changed.is_empty(),
        "{} of {} lines changed:\n{}",
        changed.len(),
        damaged.len(),
        changed.join("\n")
    );
    assert_left_alone("the lines as one text", &damaged.join("\n"));
}

/// Asserts that `repair` gives `text` back as it is.
fn assert_left_alone(what: &str, text: &str) {
    let got = repair(text);
    assert!(
        got == text,
        "{what}: {}",
        crate::util::first_difference(text, &got)
    );
}

#[test]
fn other_languages_are_left_alone() {
    // A page of Portuguese, German or Vietnamese is full of runs of accented letters, the
    // debris mojibake is made of; a few read back as GBK make Han (`çõ` is `珲`), and
    // weighed over the whole text they once passed for the text's misreading:
    // `informações` → `informa珲es`, `Wählen` → `W刪len`. A misreading undoes most of its
    // debris, not a few pieces of it.
    for language in ["pt_BR", "es", "de", "fr", "vi", "el", "gv"] {
        let path = format!("tests/fixtures/other-languages/{language}.txt");
        assert_left_alone(&path, &read(&path));
    }
    // Line by line too, where no document's evidence helps: GBK and Big5 make something
    // of almost any pair of bytes, so marks alone out of them are no repair (`¡¡¡H` is
    // Big5's `﹛？` read as cp1252), and a Greek word cased as words are is Greek (cp437
    // reads `珙彗` as `τεστ`).
    let path = "tests/fixtures/other-languages/catalogue-lines.txt";
    for line in read(path).lines() {
        assert_left_alone(path, line);
    }
    for text in [
        "¡¡¡Hola!!!",
        "¿¿¿Qué???",
        "¡¡¡Gracias!!!",
        "Το τεστ",
        "ΤΕΣΤ",
        "Москва",
    ] {
        assert_left_alone(text, text);
    }
}

#[test]
fn normalized_seed_pages_are_left_alone() {
    // Once punctuation is full-width, a page's lines are long runs of non-ASCII; a list of
    // headlines after middle dots then looked like a document of debris, and common
    // Simplified characters were "repaired" into the letters their GBK bytes spell in
    // UTF-8 (`明确` → `明ȷ`, `携` → `Я`).
    for path in crate::util::SEED_DOCUMENTS {
        let once = zhnorm::normalize(&read(path)).into_owned();
        let again = RepairStage.apply(&once);
        assert!(
            matches!(again, std::borrow::Cow::Borrowed(_)),
            "{path}: {}",
            crate::util::first_difference(&once, &again)
        );
    }
}

#[test]
fn opencc_dictionary_entries_are_left_alone() {
    // 132,000 words and characters nobody here wrote, both scripts, Taiwan, Hong Kong and
    // Japanese forms, many of them rare: each dictionary is one document of one entry per
    // line, as a user running zhnorm over the file would give it. (A rule that weighed a
    // whole text's rare Han together as Big5 mojibake changed 361 of them.) Known
    // exception: a line holding only `聽`, in a text that does not lean Traditional, is
    // taken for a no-break space pasted as UTF-8 into GBK (`pasted.rs`). (`脩脡`, two rare
    // characters alone on a line, was taken for `ÑÉ` read as GBK until the twenty-eighth
    // session: a word of accented letters alone is no reading of Han.)
    let dir = format!(
        "{}/../../data/opencc/dictionary",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    let mut entries = 0;
    for path in paths {
        let text: String = std::fs::read_to_string(&path)
            .unwrap()
            .split(['\t', ' ', '\n'])
            .filter(|entry| !entry.is_empty())
            .flat_map(|entry| [entry, "\n"])
            .collect();
        entries += text.lines().count();
        let repaired = repair(&text);
        let changed: Vec<&str> = text
            .lines()
            .zip(repaired.lines())
            .filter(|(before, after)| before != after)
            .map(|(before, _)| before)
            .filter(|before| *before != "聽")
            .collect();
        assert!(changed.is_empty(), "{}: {changed:?}", path.display());
        assert_eq!(text.lines().count(), repaired.lines().count());
    }
    assert!(entries > 130_000, "{entries} entries");
}

#[test]
fn a_file_is_repaired_by_its_own_chain_of_layers() {
    // The injected-pinyin page in GBK read as Latin-1: one span of it also reads as Big5,
    // and Big5 makes `車` of the `¨®` that is GBK's `ó`, more cheaply. The page's chain,
    // GBK, is the one that counts on every span it applies to.
    let text: String = read("tests/golden/pinyin-injected.trad.txt")
        .split_inclusive('\n')
        .filter(|line| legacy(line, GBK).is_some())
        .collect();
    let repaired = repair(&latin1(&legacy(&text, GBK).unwrap()));
    assert!(!repaired.contains("(gu車)"));
    assert_eq!(
        repaired.matches("(guó)").count(),
        text.matches("(guó)").count()
    );
}

#[test]
fn a_lost_byte_is_guessed_with_the_annotation_after_it_in_view() {
    // GBK reads the last byte of `戰` before `(` as nothing; of the characters the two
    // bytes left can start, `我` is the commonest, but `(zhàn)` is no reading of it. The
    // annotation is garbled too, and undone to be read.
    for line in ["扶貧攻堅戰(zhàn) -", "美國(guó)已解除這項對(duì)華出口禁令"]
    {
        assert_eq!(repair(&read_as(&utf8(line), GBK)), line);
    }
}

#[test]
fn a_line_made_of_mojibake_repairs_its_lone_spans_too() {
    // GBK read as Big5: the long runs are repaired on their own evidence; the lone
    // characters between Latin words or digits (`睿` for `和`, `麼` for `或`, `爛` for `年`,
    // `角` for `à` inside a syllable) read as plain Big5 and cost little more than what
    // they were, but a line made of this mojibake went through the wrong codec whole.
    // (Debian's zh-CN documentation and a news page's headlines.)
    let lines = [
        "某些设备出现问题，例如CD-ROM和USB记忆棒，你需要使这个用户成为相关",
        "对于使用 Wayland 协议的应用，由 VNC 或 RDP 来支持从一个远程主机上",
        "文本编码系统 UTF-8 将 Unicode 码点适配到一个合理的 8 位数据流，并",
        "2023年03月21日 20:00 最後更新:23:33",
        "莫迪表態(tài):金磚是重要平臺(tái)",
        // Marks between spaces and ASCII: Big5 reads GBK's `“”` as `※§` and its `；` as
        // `˙`, symbols no Han beside them gives away.
        "” 上按下 “[” 来陈列无用的软件包，按下 “-” 将它们移除。",
        "如果你要建立原始硬盘的一个硬盘分区的映像，你需要使用 “/dev/hda1”",
        "在输入文件的拷贝中插入 CMD；",
    ];
    for line in lines {
        let garbled = read_as(&legacy(line, GBK).unwrap(), BIG5);
        assert!(!garbled.contains('\u{FFFD}'), "{garbled}");
        assert_eq!(repair(&garbled), line, "{garbled}");
    }
    // Big5 read as GBK: `左` reads as the kana `オ`, which Chinese text does not use.
    let line = "習近平(右)和在人民大會堂會見美國國務卿布林肯(左)。AP圖片";
    let garbled = read_as(&legacy(line, BIG5).unwrap(), GBK);
    assert!(garbled.contains("(オ)"), "{garbled}");
    assert_eq!(repair(&garbled), line);
    // GBK read as Latin-1: a name (`勞榮枝`) holds no pair of the word list, which a span
    // of three or more Han characters out of a legacy codec must alone; the rest of the
    // line, repaired in the second round, shows the line to be made of this mojibake.
    let line = "檢方:勞榮枝當(dāng)庭拒不認(rèn)罪,主觀惡性極深";
    let garbled = latin1(&legacy(line, GBK).unwrap());
    assert_eq!(repair(&garbled), line, "{garbled}");
    // A text of Traditional Chinese with one such character in it stays as it is.
    for line in ["什麼是 RDP 或 VNC", "使用 Unicode 的蔚藍"] {
        assert_eq!(repair(line), line);
    }
}

#[test]
fn letter_spaced_words_are_weighed_as_the_word_they_spell() {
    // Navigation titles of the seed pages, letter-spaced, GBK read as Big5 and Big5 read
    // as GBK. One character at a time, no span gains what a lone character must; joined,
    // `相关新闻` is a word and `眈壽陔恓` is not.
    for line in ["相 关 新 闻", "最 新 图 片", "新 闻 推 荐"] {
        let garbled = read_as(&legacy(line, GBK).unwrap(), BIG5);
        assert_ne!(garbled, line);
        assert_eq!(repair(&garbled), line, "{garbled}");
    }
    for line in ["你 或 有 興 趣 的 文 章", "博 客"] {
        let garbled = read_as(&legacy(line, BIG5).unwrap(), GBK);
        assert_eq!(repair(&garbled), line, "{garbled}");
    }
    // Clean letter-spaced text, rare characters and all, stays as it is.
    for line in ["新 闻 推 荐", "相 關 新 聞", "龘 靐 齉 爩", "囍 鱻 犇 猋"] {
        assert_eq!(repair(line), line);
    }
}

#[test]
fn short_runs_garbled_alike_are_weighed_together() {
    // A heading of the pinyin seed, GBK read as Big5: `眈燊` and `芢沎` each fall just
    // short of what two characters must gain alone, and the annotation between them
    // (`gu芋n`) gains little; together they are `相關` and `推薦`.
    let line = "相關(guān)推薦 -";
    let garbled = read_as(&legacy(line, GBK).unwrap(), BIG5);
    assert_eq!(garbled, "眈燊(gu芋n)芢沎 -");
    assert_eq!(repair(&garbled), line);
    // Clean short runs of rare characters stay, however many.
    for line in [
        "龘靐(dá)齉爩 -",
        "囍鱻 犇猋 -",
        "淮西有贼五十载，封狼生貙貙生罴。",
    ] {
        assert_eq!(repair(line), line);
    }
}

#[test]
fn mojibake_of_other_scripts_is_never_made_han() {
    // From ftfy's test cases (tweets): UTF-8 read as cp1252. Read as GBK, `Ã¼` is `眉` and
    // `Ä±` `覺`, which the Chinese model likes better than suspect Latin letters; but the
    // UTF-8 reading costs less (`Büy眉` was the output).
    let turkish = "Beta Haber: HÄ±rsÄ±zÄ± BÃ¼yÃ¼ Korkuttu";
    assert_eq!(repair(turkish), "Beta Haber: Hırsızı Büyü Korkuttu");
    // Combining marks on the letter before them: pinyin and French written decomposed,
    // as macOS writes file names, read by Python's cp1252 (U+0301 is CC 81, and 81 is
    // lost; CC 81 is GBK's `虧`).
    for text in [
        "pinyin ma\u{304} ma\u{301}",
        "re\u{301}sume\u{301}",
        "中文 e\u{301} 测试",
    ] {
        let garbled = cp1252_python(&utf8(text));
        assert_eq!(repair(&garbled), text, "{garbled}");
    }
}

#[test]
fn the_reader_whose_characters_keep_to_one_script_wins_a_close_call() {
    // GBK's `桥` (C7 C5) read by Python's Big5 is `Э`, which a browser's Big5 has for C8
    // 52, GBK's `萊`: the rest of the line is Simplified.
    let line = "以树形方式显示包含所有总线、桥、设备和它们的连接的图表。";
    let garbled = read_as_python(&legacy(line, GBK).unwrap(), BIG5);
    assert!(garbled.contains("﹜Э﹜"), "{garbled}");
    assert_eq!(repair(&garbled), line);
}

#[test]
fn big5_read_as_gbk_box_drawing_is_a_character_of_the_text() {
    // Big5's `或` (A9 CE) is GBK's box-drawing `┪`: in a line made of Big5 read as GBK,
    // it stands between Latin words as the other characters do.
    let line = "，只有這個模式會受到影響；下次 read 或 write 操作還將分配一個新的緩衝。函式";
    let garbled = read_as(&legacy(line, BIG5).unwrap(), GBK);
    assert!(garbled.contains(" ┪ "), "{garbled}");
    assert_eq!(repair(&garbled), line);
    // Box drawing in clean text stays.
    for line in ["├── 目录", "read ┪ write", "表格 ┌─┐"] {
        assert_eq!(repair(line), line);
    }
}

#[test]
fn a_byte_lost_in_a_short_run_is_guessed_in_the_script_of_the_text() {
    // Debian's zh-CN documentation, read by Python's GBK: `数` (E6 95 B0) loses B0 before
    // a space, and its run holds nothing else that leans to a script. The model, which
    // counts both scripts, guessed `數`; the rest of the text is Simplified.
    let text = "* 账号失效的时间，其表示从 1970 年 1 月 1 日起的天数\n\
                前 4 种类型的文件是所有相关的 APT 命令共享的，并且可以通过\n";
    let garbled = read_as_python(&utf8(text), GBK);
    assert!(garbled.contains('\u{FFFD}'), "{garbled}");
    assert_eq!(repair(&garbled), text);
}

#[test]
fn lost_bytes_of_one_character_are_guessed_together() {
    // cp1252 loses both `90` and `8D` of `名` (E5 90 8D), and `8F 90` of `提`: guessed one
    // at a time, the first guess saw only an undecodable byte after it, and `名` came
    // back as `偏`.
    for line in ["用户名和密码", "提示信息"] {
        let garbled = cp1252_python(&utf8(line));
        assert!(garbled.contains("\u{FFFD}\u{FFFD}"));
        assert_eq!(repair(&garbled), line);
    }
}

#[test]
fn bytes_python_lost_one_at_a_time_come_back() {
    // UTF-8 read by Python's GBK: `个` (E4 B8 AA) loses AA before the next character's
    // lead, which only a user-defined pair makes; of the 64 continuation bytes, few can
    // have been lost there, and `一` (E4 B8 80) is not taken for `个`. `。` (E3 80 82)
    // loses both 80 and 82, guessed together.
    repaired_from_python_gbk(&[
        "是指系统在第一个 IDE 硬盘上的第一个分区。",
        "配合定义一个认可或拒绝上传的目录。",
        "为添加的路由指定网络掩码。",
    ]);
    // Big5 read by Python's GBK: `的` (AA BA) loses AA, and the reading is out of step
    // up to the ASCII byte it took for a trail (`�骇@猭` is `的作法`); GBK read by its Big5.
    let lines = ["這已是較好的作法，除了", "此模組沒有可選項，不過"];
    for line in lines {
        let garbled = read_as_python(&legacy(line, BIG5).unwrap(), GBK);
        assert!(garbled.contains('\u{FFFD}'), "{garbled}");
        assert_eq!(repair(&garbled), line);
    }
}

#[test]
fn characters_lost_side_by_side_are_guessed_with_each_other() {
    // Python's GBK loses the last byte of `一` (E4 B8 80) and of `个` (E4 B8 AA) in `一个`:
    // guessed one after the other, the first, blind to the second, is `中`; guessed again
    // once the second is, it is `一`, and the second `个`.
    let lines = [
        "读入一个字符，point 移动到这个字符上一次出现的地方。",
        "也可以用一个列表片段来仅选择你需要的元素：",
    ];
    for line in lines {
        assert!(read_as_python(&utf8(line), GBK).contains("涓\u{FFFD}涓\u{FFFD}"));
    }
    repaired_from_python_gbk(&lines);
}

/// Each line, read as GBK with bytes lost (as Python reads UTF-8 so), comes back.
fn repaired_from_python_gbk(lines: &[&str]) {
    for line in lines {
        let garbled = read_as_python(&utf8(line), GBK);
        assert!(garbled.contains('\u{FFFD}'), "{garbled}");
        assert_eq!(repair(&garbled), *line);
    }
}

#[test]
fn a_guessed_character_keeps_to_the_script_around_it() {
    // GBK lost the last byte of `情`; the likeliest character the two left can start is
    // `惡`, a Traditional one, among Simplified characters (`环`, `馈`, `问`).
    let line = "·景丹深入清水督查中央环保督察反馈问题整改情";
    let garbled = read_as(&utf8(line), GBK);
    assert!(garbled.contains('\u{FFFD}'));
    assert_eq!(repair(&garbled), line);
}

#[test]
fn a_lost_byte_is_guessed_as_the_text_wrote_the_word_before() {
    // GBK lost the last byte of the second `毅`: the model alone prefers the commoner word
    // `王母`, but the text wrote `王毅` a few runs before. (A seed page's headlines.)
    let line = "·王毅:美国成为南海军事化的最大推手和损害南海和平的·王毅:疫苗不应被任何国家所垄断";
    let garbled = read_as(&utf8(line), GBK);
    assert!(garbled.contains("姣\u{FFFD}:"), "{garbled}");
    repaired_from_lossy_gbk(&[line]);
}

/// Each line, read as GBK with bytes lost (as a browser reads UTF-8 so), comes back.
fn repaired_from_lossy_gbk(lines: &[&str]) {
    for line in lines {
        let garbled = read_as(&utf8(line), GBK);
        assert!(garbled.contains('\u{FFFD}'), "{garbled}");
        assert_eq!(repair(&garbled), *line);
    }
}

#[test]
fn a_lost_mark_closes_what_the_line_opened() {
    // GBK lost the last byte of `”` and of `）`: `“` and `，`, the commoner marks the same
    // bytes start, would leave a quote inside its own quote and a parenthesis open.
    repaired_from_lossy_gbk(&["·“纸面服刑”15年案件背后", "隐藏大多数错误信息（默认行为）"]);
}

#[test]
fn a_lost_mark_closes_what_earlier_runs_opened() {
    // GBK lost the last byte of `”`. The `“` it closes stands two runs back, across
    // ASCII (an annotation, a colon), or split between a window's start and the bytes
    // before it; either way `“`, the commoner mark, would open a quote inside a quote.
    repaired_from_lossy_gbk(&[
        "美將58家中企列入“實(shí)體清單”,外交部:堅(jiān)決反對(duì)",
        "羅冠聰向英國(guó)申請(qǐng)“政治庇護(hù)”,外交部回應(yīng)",
        "·新“职业”:一部手机开“小铺”",
    ]);
}

#[test]
fn a_character_lost_before_an_annotation_is_traditional() {
    // Sites that inject pinyin annotate characters that have a simplified form: with
    // nothing around to say which script the line is in, `战` and `联`, which read the
    // same, are not what the annotation followed.
    repaired_from_lossy_gbk(&[
        "2020-12-22 20:44 新冠肺炎抗疫戰(zhàn) -",
        "中俄組織實(shí)施第二次聯(lián)合空中戰(zhàn)略巡航",
    ]);
}

#[test]
fn a_character_lost_next_to_latin_text_is_one_that_stands_there() {
    // GBK loses the last byte of a character before ASCII. `我` and `一`, which the same
    // bytes start and which are commoner, hardly ever stand before a Latin word or a
    // number in Chinese text; `或` and `为` often do (`data/context`).
    repaired_from_lossy_gbk(&[
        "要从历史列表中找到其他匹配的条目，适当地键入 Ctrl-S 或 Ctrl-R。",
        "设置启动块数值（也就是内存虚拟磁盘从软盘的多少偏移量位置开始）为 N。",
        "如果指定了 case-indepentent 忽略大小写的匹配，效果是字母表中的大小写区别似乎都消失了。",
    ]);
}

#[test]
fn a_lost_byte_after_an_annotation_is_guessed_with_the_character_before_it() {
    // GBK lost the last byte of `劃`, which follows `計(jì)`: the pair that tells `劃` from
    // `力` is `計劃`, across the annotation (itself garbled, `(j矛)`, with a vowel that
    // reads as Han).
    let line = "延續(xù)普惠小微企業(yè)貸款幫扶計(jì)劃";
    let garbled = read_as(&utf8(line), GBK);
    assert!(garbled.ends_with('\u{FFFD}'), "{garbled}");
    assert_eq!(repair(&garbled), line);
}

/// `text` as a GBK page holds it when its template or editor wrote the characters of
/// `pasted` as UTF-8 and the rest as GBK, read back as GBK.
fn gbk_with_pasted_utf8(text: &str, pasted: &[char]) -> String {
    let mut bytes = Vec::new();
    for c in text.chars() {
        let mut buf = [0; 4];
        let c = c.encode_utf8(&mut buf);
        if pasted.contains(&c.chars().next().unwrap()) {
            bytes.extend(c.as_bytes());
        } else {
            bytes.extend(legacy(c, GBK).expect("GBK holds the text"));
        }
    }
    read_as(&bytes, GBK)
}

#[test]
fn symbols_pasted_as_utf8_into_gbk_text_are_restored() {
    const SYMBOLS: [char; 8] = ['\u{A0}', '©', '®', '°', '±', '×', 'é', 'ü'];
    // Real Simplified lines, with no-break spaces where pages put them: four to indent a
    // paragraph, one for the first space of the line.
    let mut cases: Vec<String> = Vec::new();
    for line in lines() {
        let report = zhnorm::classify(&line);
        if report.simplified <= report.traditional || legacy(&line, GBK).is_none() {
            continue;
        }
        cases.push(format!("\u{A0}\u{A0}\u{A0}\u{A0}{line}"));
        if line.contains(' ') {
            cases.push(line.replacen(' ', "\u{A0}", 1));
        }
    }
    assert!(cases.len() > 300, "{} cases", cases.len());
    cases.extend(
        [
            "Copyright © 2004-2020 新华网 版权所有",
            "版权所有 © 2019 北京市人民政府",
            "© 2021 腾讯公司 保留所有权利",
            "Intel® Core i7 处理器，Windows® 11 家庭版",
            "今天最高气温 25°C，最低气温 -3°C",
            "北纬 39°54′，东经 116°23′",
            "屏幕分辨率为 1920×1080，像素密度 3 × 3",
            "测量误差为 ±0.5%，温度 ±2°C",
            "宝可梦（Pokémon）是任天堂的游戏，café 是咖啡馆",
            "德国球员 Müller 和葡萄牙教练 José 都来了",
        ]
        .map(String::from),
    );
    let mut wrong = Vec::new();
    for case in &cases {
        let garbled = gbk_with_pasted_utf8(case, &SYMBOLS);
        assert_ne!(&garbled, case, "the case holds a pasted symbol");
        let got = repair(&garbled);
        if &got != case {
            wrong.push(format!("{garbled:?}\n   got {got:?}\n  want {case:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn readings_of_pasted_symbols_stay_where_chinese_puts_them() {
    // The same characters where Chinese writes them: in Traditional text `聽` is to
    // listen (these lines are from the Debian zh-TW manual pages), and the other readings
    // are common words.
    for line in [
        "使得 \\fBsvnserve\\fP 在以守護程序方式執行時監聽 \\fIport\\fP 埠。",
        "但是聲音質量會下降(至少使用11kHz 取樣率時會很難聽).",
        "監聽 socket 單元",
        " 聽起來不錯",
        "我们都聽说了",
        "繁体字“聽”的简体是“听”",
        "遗漏 2010 年的数据，渗漏 3 处",
        "iPhone没Android好用，Tom猫 很可爱",
        "这样OK么？Linux每 3 天更新",
        "去庐山旅游，2 脑袋",
        "卤水 5 斤，漏洞 CVE-2020-1234，鸭卤3只",
        "日本の聽覚",
        // (Code in opencc-fmmseg's README: a line that leans neither way.)
        r#"    assert_eq!(cc.normalize_unicode_compat("聼"), "聽");"#,
        // A table of conversions (jionlp's `tra2sim_char.txt`): alone in its field.
        "听\t聽",
        "聽\t听",
        // Classical poems transcribed in both scripts (npm's chinese-poetry): no GBK
        // page's Simplified text.
        "却算去里年，十聽秋鴻唳。",
        "晚凉容縱棹，聽我采菱歌。",
    ] {
        assert_eq!(repair(line), line);
    }
}
