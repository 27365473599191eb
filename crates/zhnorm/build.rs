//! Compiles OpenCC's vendored dictionaries (`data/opencc`) into the library.
//!
//! 1. Checks every vendored file against the sha256 pinned in `data/opencc/SHA256SUMS`.
//! 2. Reads the 16 configs; each step (and the segmentation and normalization passes)
//!    becomes one trie holding all its dictionaries, with OpenCC's group rules reduced to
//!    tiers (see `src/convert/trie_build.rs`). Steps are never merged with each other.
//! 3. Writes every distinct trie into one word blob, and `opencc_tables.rs` describing
//!    which tries each config uses, with and without the tofu-risk dictionaries.
//! 4. Writes the character tables used to tell Simplified from Traditional text.
//! 5. Turns `data/freq/essay.txt` into the language model's character costs and pair filter.
//! 6. Writes the radical table (`data/unicode`) and the Mandarin reading table (`data/pinyin`).
//! 7. Writes the GBK and Big5 tables `repair` reverses and decodes misreadings with.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

#[path = "src/model/pair_hash.rs"]
mod pair_hash;
#[path = "src/pinyin/syllable.rs"]
mod syllable;
#[path = "src/convert/trie_build.rs"]
mod trie_build;
use pair_hash::{pair_hash, BONUS_BITS, FILTER_BITS, MAX_PAIR_BONUS, PAIR_TABLE_BITS};

const CONFIG_NAMES: [&str; 16] = [
    "s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "s2hkp", "hk2sp", "t2tw",
    "tw2t", "t2hk", "hk2t", "t2jp", "jp2t",
];

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    normalization: Vec<Step>,
    segmentation: Option<Segmentation>,
    conversion_chain: Vec<Step>,
}

#[derive(Deserialize)]
struct Segmentation {
    #[serde(rename = "type")]
    kind: String,
    dict: DictNode,
}

#[derive(Deserialize)]
struct Step {
    dict: DictNode,
}

#[derive(Deserialize)]
struct DictNode {
    #[serde(rename = "type")]
    kind: String,
    file: Option<String>,
    #[serde(default)]
    may_output_tofu: bool,
    match_policy: Option<String>,
    #[serde(default)]
    dicts: Vec<DictNode>,
}

/// A step reduced to tiers: `short_circuit` order outside, `union` (longest wins) inside.
type Tiers = Vec<Vec<String>>;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let data = manifest.join("../../data/opencc");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/convert/trie_build.rs");
    println!("cargo:rerun-if-changed=src/model/pair_hash.rs");
    println!("cargo:rerun-if-changed=src/pinyin/syllable.rs");

    verify_pins(&data);
    codec_pair_tables(&out);
    read_pair_tables(&out);
    decode_tables(&out);

    let mut dicts: BTreeMap<String, trie_build::Entries> = BTreeMap::new();
    let mut load = |file: &str| {
        if !dicts.contains_key(file) {
            let path = data.join("dictionary").join(file);
            let text = read(&path);
            let entries = trie_build::parse_text_dict(&text)
                .unwrap_or_else(|(line, e)| panic!("{}:{line}: {e}", path.display()));
            dicts.insert(file.to_string(), entries);
        }
    };

    // Distinct tries, keyed by their tiers.
    let mut tries: Vec<Tiers> = Vec::new();
    let mut trie_id = |tiers: Tiers| -> usize {
        match tries.iter().position(|t| *t == tiers) {
            Some(i) => i,
            None => {
                tries.push(tiers);
                tries.len() - 1
            }
        }
    };

    let mut specs = Vec::new();
    let mut chains: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for name in CONFIG_NAMES {
        let path = data.join("config").join(format!("{name}.json"));
        let config: ConfigFile = serde_json::from_str(&read(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut ids = |node: &DictNode, tofu: bool| -> usize {
            let tiers = tiers_of(node, tofu, &path);
            tiers.iter().flatten().for_each(|f| load(f));
            trie_id(tiers)
        };
        assert!(
            config.normalization.len() <= 1,
            "{name}: one normalization pass expected"
        );
        let norm = config.normalization.first().map(|s| ids(&s.dict, false));
        let seg = config.segmentation.as_ref().map(|s| {
            assert_eq!(s.kind, "mmseg", "{name}: unknown segmentation");
            ids(&s.dict, false)
        });
        let steps: Vec<usize> = config
            .conversion_chain
            .iter()
            .map(|s| ids(&s.dict, false))
            .collect();
        let tofu_steps: Vec<usize> = config
            .conversion_chain
            .iter()
            .map(|s| ids(&s.dict, true))
            .collect();
        chains.push((steps, tofu_steps));
        specs.push((name, norm, seg));
    }

    // One word blob holding every trie.
    let parts: Vec<trie_build::TrieParts> = tries
        .iter()
        .map(|tiers| {
            let tier_dicts: Vec<Vec<&trie_build::Entries>> = tiers
                .iter()
                .map(|t| t.iter().map(|f| &dicts[f]).collect())
                .collect();
            trie_build::build(&tier_dicts).unwrap()
        })
        .collect();
    let mut blob: Vec<u32> = Vec::new();
    let mut ranges = Vec::new();
    for p in &parts {
        let words = trie_build::to_words(p);
        ranges.push((blob.len(), blob.len() + words.len()));
        blob.extend(words);
    }
    let mut spec_code = String::new();
    for ((name, norm, seg), (steps, tofu_steps)) in specs.iter().zip(&chains) {
        writeln!(
            spec_code,
            "    ConfigSpec {{ name: {name:?}, normalization: {norm:?}, segmentation: {seg:?}, \
             steps: &{steps:?}, steps_with_tofu_risk: &{tofu_steps:?} }},"
        )
        .unwrap();
    }
    let mut bytes = Vec::with_capacity(blob.len() * 4);
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() == Ok("big");
    for w in blob {
        bytes.extend(if big_endian {
            w.to_be_bytes()
        } else {
            w.to_le_bytes()
        });
    }
    std::fs::write(out.join("opencc_tries.bin"), bytes).unwrap();

    let mut code = String::new();
    code.push_str("// @generated by build.rs from data/opencc — do not edit.\n");
    writeln!(
        code,
        "pub(crate) static TRIE_RANGES: [(usize, usize); {}] = {ranges:?};",
        ranges.len()
    )
    .unwrap();
    let names: Vec<String> = tries.iter().map(describe).collect();
    writeln!(
        code,
        "pub(crate) static TRIE_NAMES: [&str; {}] = {names:?};",
        names.len()
    )
    .unwrap();
    writeln!(
        code,
        "pub(crate) static CONFIGS: [ConfigSpec; {}] = [\n{spec_code}];",
        CONFIG_NAMES.len()
    )
    .unwrap();
    code.push_str(&script_tables(&dicts));
    std::fs::write(out.join("opencc_tables.rs"), code).unwrap();

    let freq = manifest.join("../../data/freq");
    verify_pins(&freq);
    let context = manifest.join("../../data/context");
    verify_pins(&context);
    language_model(
        &freq,
        &context,
        &dicts["TSCharacters.txt"],
        [&dicts["TWVariants.txt"], &dicts["HKVariants.txt"]],
        &out,
    );

    context_table(&context, &out);

    verify_pins(&manifest.join("../../data/codecs"));

    let unicode = manifest.join("../../data/unicode");
    verify_pins(&unicode);
    std::fs::write(out.join("unicode_tables.rs"), radical_table(&unicode)).unwrap();

    let pinyin = manifest.join("../../data/pinyin");
    verify_pins(&pinyin);
    std::fs::write(out.join("pinyin_tables.rs"), reading_table(&pinyin)).unwrap();
}

/// The Mandarin readings of every character: `SYLLABLES` (numbered, sorted),
/// `READING_CHARS` (sorted code points), and for the character at index `i` the syllable
/// ids `READING_IDS[READING_START[i]..READING_START[i + 1]]`, its `READING_DEFAULTS[i]`
/// `kMandarin` readings first.
fn reading_table(data: &Path) -> String {
    let text = read(&data.join("Unihan_Readings.mandarin.txt"));
    // Per character: its kMandarin readings, then every other reading.
    let mut table: BTreeMap<u32, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fail = |what: &str| panic!("Unihan_Readings.mandarin.txt:{}: {what}", number + 1);
        let mut fields = line.split('\t');
        let (Some(code), Some(field), Some(value)) = (fields.next(), fields.next(), fields.next())
        else {
            fail("three tab-separated fields expected")
        };
        let code = code
            .strip_prefix("U+")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .unwrap_or_else(|| fail("a U+ code point expected"));
        let entry = table.entry(code).or_default();
        let written: Vec<&str> = match field {
            "kMandarin" => value.split(' ').collect(),
            // `xíng(2943) háng(218)`: readings with their counts
            "kHanyuPinlu" => value
                .split(' ')
                .map(|r| r.split('(').next().unwrap())
                .collect(),
            // `20811.060:háng,xìng,xíng`: dictionary positions, then readings
            _ => value
                .split(' ')
                .flat_map(|p| p.rsplit(':').next().unwrap().split(','))
                .collect(),
        };
        for w in written {
            // A few interjections are written with ê, which has no numbered form: left out.
            let Some(s) = syllable::numbered(w) else {
                continue;
            };
            let s = s.as_str().to_string();
            if field == "kMandarin" {
                entry.0.push(s.clone());
            }
            entry.1.insert(s);
        }
    }
    let syllables: BTreeSet<&String> = table.values().flat_map(|(_, all)| all).collect();
    let syllables: Vec<&String> = syllables.into_iter().collect();
    let id = |s: &String| syllables.binary_search(&s).unwrap() as u16;
    let (mut chars, mut starts, mut defaults, mut ids) = (vec![], vec![0u32], vec![], vec![]);
    for (code, (kmandarin, all)) in &table {
        if all.is_empty() {
            continue;
        }
        chars.push(*code);
        ids.extend(kmandarin.iter().map(id));
        ids.extend(all.iter().filter(|s| !kmandarin.contains(s)).map(id));
        starts.push(ids.len() as u32);
        defaults.push(kmandarin.len() as u8);
    }
    let mut code = String::from("// @generated by build.rs from data/pinyin — do not edit.\n");
    let n = chars.len();
    writeln!(
        code,
        "static SYLLABLES: [&str; {}] = {syllables:?};",
        syllables.len()
    )
    .unwrap();
    writeln!(code, "static READING_CHARS: [u32; {n}] = {chars:?};").unwrap();
    writeln!(code, "static READING_START: [u32; {}] = {starts:?};", n + 1).unwrap();
    writeln!(code, "static READING_DEFAULTS: [u8; {n}] = {defaults:?};").unwrap();
    writeln!(code, "static READING_IDS: [u16; {}] = {ids:?};", ids.len()).unwrap();
    code
}

/// Reduces a config's dictionary tree to tiers, as OpenCC resolves it: a `short_circuit`
/// group's children are successive tiers; a `union` group (or a lone dictionary) is one
/// tier whose longest match wins, earlier dictionaries breaking ties.
fn tiers_of(node: &DictNode, include_tofu: bool, path: &Path) -> Tiers {
    let leaves_of = |n: &DictNode| -> Vec<String> {
        match n.kind.as_str() {
            "text" => leaf(n, include_tofu).into_iter().collect(),
            "group" if n.match_policy.as_deref() == Some("union") => n
                .dicts
                .iter()
                .filter_map(|c| {
                    assert_eq!(
                        c.kind,
                        "text",
                        "{}: nested group inside a union",
                        path.display()
                    );
                    leaf(c, include_tofu)
                })
                .collect(),
            other => panic!("{}: unsupported dictionary node {other}", path.display()),
        }
    };
    match node.kind.as_str() {
        "group" if node.match_policy.as_deref() != Some("union") => {
            let policy = node.match_policy.as_deref().unwrap_or("short_circuit");
            assert_eq!(
                policy,
                "short_circuit",
                "{}: unknown match policy",
                path.display()
            );
            node.dicts
                .iter()
                .map(leaves_of)
                .filter(|t| !t.is_empty())
                .collect()
        }
        _ => vec![leaves_of(node)],
    }
}

fn leaf(node: &DictNode, include_tofu: bool) -> Option<String> {
    if node.may_output_tofu && !include_tofu {
        return None;
    }
    Some(node.file.clone().expect("a text dictionary names its file"))
}

fn describe(tiers: &Tiers) -> String {
    tiers
        .iter()
        .map(|t| {
            t.iter()
                .map(|f| f.trim_end_matches(".txt"))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join(" > ")
}

fn read(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every vendored file must match its pinned sha256, and every pin must have its file.
fn verify_pins(data: &Path) {
    let sums = read(&data.join("SHA256SUMS"));
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (hash, file) = line
            .split_once("  ")
            .expect("SHA256SUMS: `<hash>  <path>` lines");
        let path = data.join(file.trim_start_matches("./"));
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let actual = format!("{:x}", Sha256::digest(&bytes));
        assert_eq!(
            actual,
            hash,
            "{} does not match its pinned sha256",
            path.display()
        );
    }
}

/// Characters that mark a text as Traditional (OpenCC's t2s changes them and s2t does
/// not produce them from anything else) or Simplified (the reverse), and every character
/// t2s changes, as bitsets.
fn script_tables(dicts: &BTreeMap<String, trie_build::Entries>) -> String {
    let map = |file: &str| -> BTreeMap<char, char> {
        dicts[file]
            .iter()
            .filter_map(|(k, v)| Some((k.chars().next()?, v.chars().next()?)))
            .filter(|(k, _)| !k.is_ascii())
            .collect()
    };
    let ts = map("TSCharacters.txt");
    let st = map("STCharacters.txt");
    let changes = |m: &BTreeMap<char, char>, c: char| m.get(&c).is_some_and(|v| *v != c);
    let trad: BTreeSet<char> = ts
        .keys()
        .copied()
        .filter(|&c| changes(&ts, c) && !changes(&st, c))
        .collect();
    let simp: BTreeSet<char> = st
        .keys()
        .copied()
        .filter(|&c| changes(&st, c) && !changes(&ts, c))
        .collect();
    let has_simplified_form: BTreeSet<char> =
        ts.keys().copied().filter(|&c| changes(&ts, c)).collect();
    let mut code = String::new();
    for (name, set) in [
        ("TRADITIONAL_MARKS", &trad),
        ("SIMPLIFIED_MARKS", &simp),
        ("HAS_SIMPLIFIED_FORM", &has_simplified_form),
    ] {
        let words = SCRIPT_LIMIT / 64;
        let mut bits = vec![0u64; words];
        for &c in set.iter().filter(|&&c| (c as usize) < SCRIPT_LIMIT) {
            bits[c as usize / 64] |= 1 << (c as usize % 64);
        }
        writeln!(code, "pub(crate) static {name}: [u64; {words}] = {bits:?};").unwrap();
    }
    code
}

/// First and last code points of the radical blocks (CJK Radicals Supplement, Kangxi
/// Radicals) that the `unicode` stage maps to unified ideographs.
const RADICALS: (u32, u32) = (0x2E80, 0x2FDF);

/// `RADICAL_EQUIVALENTS[c - 0x2E80]`: the unified ideograph for each radical, or `'\0'`.
fn radical_table(data: &Path) -> String {
    let text = read(&data.join("EquivalentUnifiedIdeograph.txt"));
    let mut table = vec!['\0'; (RADICALS.1 - RADICALS.0 + 1) as usize];
    for line in text.lines() {
        let line = line.split('#').next().unwrap().trim();
        let Some((range, target)) = line.split_once(';') else {
            continue;
        };
        let hex = |h: &str| u32::from_str_radix(h.trim(), 16).expect("hex code point");
        let (first, last) = match range.split_once("..") {
            Some((a, b)) => (hex(a), hex(b)),
            None => (hex(range), hex(range)),
        };
        let target = char::from_u32(hex(target)).expect("a character");
        for c in (first..=last).filter(|c| (RADICALS.0..=RADICALS.1).contains(c)) {
            table[(c - RADICALS.0) as usize] = target;
        }
    }
    format!(
        "pub(crate) const RADICAL_FIRST: u32 = {:#X};\npub(crate) static RADICAL_EQUIVALENTS: [char; {}] = {table:?};\n",
        RADICALS.0,
        table.len()
    )
}

/// The script tables cover the BMP and the first supplementary ideograph blocks.
const SCRIPT_LIMIT: usize = 0x3_2000;

/// Han characters whose cost is a dense table; the rest of the model's characters are listed.
const MODEL_HAN: (u32, u32) = (0x3400, 0x9FFF);
/// Pairs seen less often than this are noise in the word list, not evidence.
const PAIR_MIN_WEIGHT: u64 = 10;

/// Writes `model_han_costs.bin` (one byte per character of `MODEL_HAN`: cost in half bits,
/// 255 when unseen), `model_pairs.bin` and `model_pair_filter.bin` (character pairs, from
/// the word list's words and from running text, and a Bloom filter of them) and
/// `model_tables.rs` (costs of seen characters outside `MODEL_HAN`).
fn language_model(
    freq: &Path,
    context: &Path,
    ts: &trie_build::Entries,
    variants: [&trie_build::Entries; 2],
    out: &Path,
) {
    // Each character's first mapping, where it maps to another.
    let first_mapping = |entries: &trie_build::Entries| -> BTreeMap<char, char> {
        entries
            .iter()
            .filter_map(|(k, v)| {
                let mut k = k.chars();
                let (from, to) = (k.next()?, v.chars().next()?);
                (k.next().is_none() && from != to).then_some((from, to))
            })
            .collect()
    };
    let simplified = first_mapping(ts);
    // The list writes OpenCC's standard forms (`爲`, `啓`: 211,329 and 2,141 against 684
    // and 800 for `為`, `啟`); Taiwan and Hong Kong write the variants, which would
    // otherwise look rare in every line of their text.
    let [tw, hk] = variants.map(first_mapping);
    let forms = [&simplified, &tw, &hk];
    let text = read(&freq.join("essay.txt"));
    let mut counts: BTreeMap<char, u64> = BTreeMap::new();
    let mut pairs: BTreeMap<(char, char), u64> = BTreeMap::new();
    for line in text.lines() {
        let (word, weight) = line.split_once('\t').expect("essay.txt: word<TAB>weight");
        let weight: u64 = weight.trim().parse().expect("essay.txt: numeric weight");
        let trad: Vec<char> = word.chars().collect();
        let mut seen: Vec<Vec<char>> = vec![trad.clone()];
        for map in forms {
            let form: Vec<char> = trad.iter().map(|c| *map.get(c).unwrap_or(c)).collect();
            if !seen.contains(&form) {
                seen.push(form);
            }
        }
        for form in &seen {
            for &c in form.iter() {
                *counts.entry(c).or_default() += weight;
            }
            for w in form.windows(2) {
                *pairs.entry((w[0], w[1])).or_default() += weight;
            }
        }
    }
    let total: u64 = counts.values().sum();
    // No seen character costs more than one never seen (`UNSEEN_HAN` in `model`, 2 × 28
    // half bits); words of weight 0 count as unseen.
    counts.retain(|_, n| *n > 0);
    let cost = |n: u64| -> u8 { ((total as f64 / n as f64).log2() * 2.0).round().min(56.0) as u8 };
    let mut dense = vec![255u8; (MODEL_HAN.1 - MODEL_HAN.0 + 1) as usize];
    // The word list's counts are of words, not of running text, where function words
    // and characters that stand alone (`中` in `列表中`, `个`) are far commoner: a
    // character costs the less of the two.
    let running = running_costs(&latin_counts(context));
    let mut others = Vec::new();
    for (&c, &n) in &counts {
        let u = c as u32;
        if (MODEL_HAN.0..=MODEL_HAN.1).contains(&u) {
            let running = running.get(&c).copied().unwrap_or(u8::MAX);
            dense[(u - MODEL_HAN.0) as usize] = cost(n).min(running);
        } else {
            others.push((c, cost(n)));
        }
    }
    // A pair's bonus is what its second character costs less after the first than on
    // its own. Within words, `b` follows `a` 2^pmi times as often as it stands anywhere
    // (`係` after `關`), where pmi is its cost less that of its share of the pairs `a`
    // starts. Text is words and what lies between them: taking `b` after `a` to be half
    // the one and half the other, it is (2^pmi + 1) / 2 times as likely as alone, and the
    // bonus (counted over the half both share) is log2(1 + 2^pmi), at most the cap. A
    // pair rarer in words than its characters alone (`一美`, pmi < 0) earns next to
    // nothing, where a floor gave it as much as `中美`: that made `一` win every lost
    // byte that could also be `中`.
    let mut starting: BTreeMap<char, u64> = BTreeMap::new();
    for (&(a, _), &n) in &pairs {
        *starting.entry(a).or_default() += n;
    }
    let mut table = vec![0u32; 1 << PAIR_TABLE_BITS];
    let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
    let mask = table.len() - 1;
    // log2(1 + 2^pmi) in half bits, pmi in bits: see above.
    let smoothed = |pmi: f64| 2.0 * (1.0 + pmi.exp2()).log2();
    let mut bonuses: BTreeMap<(char, char), f64> = BTreeMap::new();
    for (&(a, b), &n) in pairs.iter().filter(|(_, &n)| n >= PAIR_MIN_WEIGHT) {
        let alone = counts.get(&b).map_or(56.0, |&nb| cost(nb) as f64);
        let after = (starting[&a] as f64 / n as f64).log2() * 2.0;
        bonuses.insert((a, b), smoothed((alone - after) / 2.0));
    }
    // Running text adds the pairs that cross words (`表中`, `是在`), which the word list
    // cannot know; where both know a pair, the larger bonus counts.
    for ((a, b), pmi) in running_pairs(&context.join("pairs.tsv")) {
        let bonus = bonuses.entry((a, b)).or_insert(0.0);
        *bonus = bonus.max(smoothed(pmi));
    }
    let mut kept = 0usize;
    for (&(a, b), &bonus) in &bonuses {
        kept += 1;
        let bonus = bonus.round().min(MAX_PAIR_BONUS as f64) as u32;
        let hash = pair_hash(a, b);
        let mut slot = hash.slot;
        while table[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        table[slot] = hash.fingerprint << BONUS_BITS | bonus;
        filter[hash.filter_word] |= hash.filter_mask;
    }
    assert!(kept * 4 < table.len() * 3, "the pair table is too full");
    std::fs::write(out.join("model_han_costs.bin"), &dense).unwrap();
    let bytes: Vec<u8> = table.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(out.join("model_pairs.bin"), bytes).unwrap();
    let bytes: Vec<u8> = filter.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(out.join("model_pair_filter.bin"), bytes).unwrap();
    let mut code = String::from("// @generated by build.rs from data/freq — do not edit.\n");
    writeln!(
        code,
        "pub(crate) const HAN_FIRST: u32 = {:#X};",
        MODEL_HAN.0
    )
    .unwrap();
    writeln!(code, "/// {kept} pairs are in the table.").unwrap();
    writeln!(
        code,
        "pub(crate) static OTHER_COSTS: [(char, u8); {}] = {others:?};",
        others.len()
    )
    .unwrap();
    std::fs::write(out.join("model_tables.rs"), code).unwrap();
}

/// The counts of `data/context/latin.tsv`: how many Han characters were seen, how many
/// stood right before and right after Latin text; then the same for each character seen
/// at least 50 times.
struct LatinCounts {
    totals: [f64; 3],
    chars: Vec<(char, [f64; 3])>,
}

fn latin_counts(context: &Path) -> LatinCounts {
    let text = read(&context.join("latin.tsv"));
    let mut lines = text.lines();
    let numbers = |fields: &[&str], line: &str| -> [f64; 3] {
        let numbers: Vec<f64> = fields
            .iter()
            .map(|n| n.parse().expect("latin.tsv: counts"))
            .collect();
        numbers
            .try_into()
            .unwrap_or_else(|_| panic!("latin.tsv: three counts: {line:?}"))
    };
    let first = lines.next().expect("latin.tsv: a `# total` line first");
    let fields: Vec<&str> = first.split('\t').collect();
    assert_eq!(fields[0], "# total", "latin.tsv: a `# total` line first");
    let totals = numbers(&fields[1..], first);
    let chars = lines
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let c = fields[0].chars().next().expect("latin.tsv: a character");
            (c, numbers(&fields[1..], line))
        })
        .collect();
    LatinCounts { totals, chars }
}

/// What each Han character `latin.tsv` counts costs by its share of the Han characters of
/// running text, in half bits.
fn running_costs(counts: &LatinCounts) -> BTreeMap<char, u8> {
    let total = counts.totals[0];
    counts
        .chars
        .iter()
        .map(|&(c, [seen, ..])| (c, ((total / seen).log2() * 2.0).round().min(56.0) as u8))
        .collect()
}

/// How many sightings of a pair in running text are taken off its count: a pair seen a
/// few times between rare characters would otherwise look like a strong word.
const RUNNING_PAIR_DISCOUNT: f64 = 2.0;

/// The pairs of Han characters `data/context/pairs.tsv` counts side by side in running
/// text, each with how many times more often (log2, bits) its second character follows
/// its first than chance would have it: `# pairs<TAB>total` first, then a line per
/// character (`char<TAB>as first<TAB>as second`, over all pairs), then a line per pair
/// kept (`ab<TAB>count`).
fn running_pairs(path: &Path) -> Vec<((char, char), f64)> {
    let text = read(path);
    let mut lines = text.lines();
    let total: f64 = lines
        .next()
        .and_then(|l| l.strip_prefix("# pairs\t"))
        .expect("pairs.tsv: a `# pairs` line first")
        .parse()
        .expect("pairs.tsv: a count");
    let mut sides: BTreeMap<char, (f64, f64)> = BTreeMap::new();
    let mut out = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let number = |s: &str| -> f64 { s.parse().expect("pairs.tsv: counts") };
        let chars: Vec<char> = fields[0].chars().collect();
        match (&chars[..], &fields[1..]) {
            ([c], [first, second]) => {
                sides.insert(*c, (number(first), number(second)));
            }
            ([a, b], [n]) => {
                let n = number(n) - RUNNING_PAIR_DISCOUNT;
                let (first, second) = (sides[a].0, sides[b].1);
                out.push(((*a, *b), (n * total / (first * second)).log2()));
            }
            _ => panic!("pairs.tsv: unexpected line {line:?}"),
        }
    }
    out
}

/// How many sightings a character's share next to Latin text is pulled toward the
/// average by: a character seen 50 times says little on its own.
const CONTEXT_PRIOR: f64 = 20.0;

/// Writes `model_context.bin`: for each character of `MODEL_HAN`, two signed bytes —
/// what it costs more (half bits, negative when less) right before, and right after, a
/// Latin letter, a digit or a space than elsewhere: twice the log2 of how much rarer it
/// stands there than the average character in `data/context/latin.tsv`, smoothed; 0 for
/// characters the counts lack. A dense table: it is read for every guess of a lost byte.
fn context_table(context: &Path, out: &Path) {
    let LatinCounts { totals, chars } = latin_counts(context);
    let mut table = vec![0u8; 2 * (MODEL_HAN.1 - MODEL_HAN.0 + 1) as usize];
    for (c, [seen, before, after]) in chars {
        let c = c as u32;
        if !(MODEL_HAN.0..=MODEL_HAN.1).contains(&c) {
            continue;
        }
        for (side, count) in [before, after].into_iter().enumerate() {
            let share = totals[side + 1] / totals[0];
            let smoothed = (count + CONTEXT_PRIOR * share) / (seen + CONTEXT_PRIOR);
            let cost = (-2.0 * (smoothed / share).log2()).round().clamp(-6.0, 12.0) as i8;
            table[2 * (c - MODEL_HAN.0) as usize + side] = cost as u8;
        }
    }
    std::fs::write(out.join("model_context.bin"), table).unwrap();
}

/// Writes `codec_pairs_gb18030.bin` and `codec_pairs_big5.bin`: for every BMP code point,
/// the two bytes encoding_rs's encoder writes for it (a big-endian u16, stored
/// little-endian), `0` when it cannot write it, `0xFFFF` when it writes another length;
/// for Big5, also what its decoder alone reads, and `codec_pairs_big5_astral.bin`.
/// The `repair` stage reverses misreadings with them.
fn codec_pair_tables(out: &Path) {
    for (name, encoding) in [
        ("gb18030", encoding_rs::GB18030),
        ("big5", encoding_rs::BIG5),
    ] {
        let mut table = Vec::with_capacity(2 * 0x10000);
        for u in 0..0x10000u32 {
            let entry = match char::from_u32(u).filter(|c| !c.is_ascii()) {
                None => 0,
                Some(c) => {
                    let mut utf8 = [0; 4];
                    let (bytes, _, unmappable) = encoding.encode(c.encode_utf8(&mut utf8));
                    match (&bytes[..], unmappable) {
                        (_, true) => 0,
                        (&[lead, trail], false) => u16::from_be_bytes([lead, trail]),
                        _ => 0xFFFF,
                    }
                }
            };
            table.extend_from_slice(&entry.to_le_bytes());
        }
        if name == "big5" {
            // WHATWG's Big5 encoder leaves out the HKSCS pairs (leads 0x81–0xA0) that its
            // decoder reads, and text misread as Big5 is full of them (`戰` in GBK is
            // `𥐯` in Big5): reversing needs them all, astral ones in a sorted list.
            let mut astral = Vec::new();
            for lead in 0x81..=0xFEu8 {
                for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                    let pair = [lead, trail];
                    let Some(c) = one_character(encoding, pair) else {
                        continue;
                    };
                    let u = c as usize;
                    if u < 0x10000 {
                        if table[2 * u..2 * u + 2] == [0, 0] {
                            table[2 * u..2 * u + 2]
                                .copy_from_slice(&u16::from_be_bytes(pair).to_le_bytes());
                        }
                    } else {
                        astral.push((c as u32, pair));
                    }
                }
            }
            astral.sort_unstable();
            astral.dedup_by_key(|e| e.0);
            let bytes: Vec<u8> = astral
                .iter()
                .flat_map(|(u, pair)| u.to_le_bytes().into_iter().chain(*pair))
                .collect();
            std::fs::write(out.join("codec_pairs_big5_astral.bin"), bytes).unwrap();
        }
        std::fs::write(out.join(format!("codec_pairs_{name}.bin")), table).unwrap();
    }
}

/// Writes `read_pairs_gbk.bin` and `read_pairs_big5.bin`: a bit for each pair of bytes
/// (lead × 256 + trail) that both a browser and Python read as one character that is not
/// Private Use. Python's tables are the narrower: its `gbk` has no user-defined areas
/// (the browser's Private Use characters), its `big5` only leads 0xA1–0xF9, without 0xC8
/// and with rows A3, C7 and F9 ending early. The `repair` stage knows from them which
/// bytes a reading can have lost before a given byte.
fn read_pair_tables(out: &Path) {
    let python_big5_has = |lead: u8, trail: u8| match lead {
        0xA3 => trail <= 0xBF,
        0xC7 => trail <= 0xFC,
        0xF9 => trail <= 0xD5,
        0xC8 => false,
        _ => (0xA1..=0xF9).contains(&lead),
    };
    for (name, encoding) in [("gbk", encoding_rs::GBK), ("big5", encoding_rs::BIG5)] {
        let mut bits = vec![0u8; 0x10000 / 8];
        for lead in 0x80..=0xFFu8 {
            for trail in 0x40..=0xFFu8 {
                if encoding == encoding_rs::BIG5 && !python_big5_has(lead, trail) {
                    continue;
                }
                let c = one_character(encoding, [lead, trail]);
                if c.is_some_and(|c| !('\u{E000}'..='\u{F8FF}').contains(&c)) {
                    let i = (lead as usize) << 8 | trail as usize;
                    bits[i / 8] |= 1 << (i % 8);
                }
            }
        }
        std::fs::write(out.join(format!("read_pairs_{name}.bin")), bits).unwrap();
    }
}

/// Writes `decode_gbk.bin` and `decode_big5.bin`: for each lead byte 0x81–0xFE and each
/// byte after it (index `(lead - 0x81) * 256 + byte`), a little-endian u32: the character
/// the two are, `0` when they make none (the decoder writes U+FFFD and reads the second
/// byte again when it is ASCII), `1` when what they are depends on more bytes (GB18030's
/// four-byte sequences) or is two characters (four pairs of Big5). The `repair` stage
/// decodes the bytes it guesses with them.
fn decode_tables(out: &Path) {
    for (name, encoding) in [("gbk", encoding_rs::GBK), ("big5", encoding_rs::BIG5)] {
        let mut table = Vec::with_capacity(126 * 256 * 4);
        for lead in 0x81..=0xFEu8 {
            for byte in 0..=0xFFu8 {
                let pair = [lead, byte];
                let decoded = encoding.decode_without_bom_handling_and_without_replacement(&pair);
                let mut chars = decoded.as_deref().unwrap_or("").chars();
                let entry = match (chars.next(), chars.next()) {
                    _ if encoding == encoding_rs::GBK && byte.is_ascii_digit() => 1,
                    (Some(c), None) => c as u32,
                    (Some(_), Some(_)) => 1,
                    (None, _) => 0,
                };
                table.extend_from_slice(&u32::to_le_bytes(entry));
            }
        }
        std::fs::write(out.join(format!("decode_{name}.bin")), table).unwrap();
    }
}

/// The one character `encoding` reads `pair` as, if it reads it as one.
fn one_character(encoding: &'static encoding_rs::Encoding, pair: [u8; 2]) -> Option<char> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(&pair)?;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}
