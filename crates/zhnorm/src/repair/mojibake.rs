//! Mojibake: text whose bytes were read in the wrong encoding, up to three times over.
//!
//! A layer of mojibake is a pair of codecs: bytes really in one encoding ([`Original`])
//! were read as another ([`Misread`]). Reversing a layer means encoding the garbled
//! characters back with the wrong codec and decoding them with the right one. Any span
//! that reverses cleanly is a candidate; the language model decides whether the candidate
//! is more plausible than what is there, by a margin that grows as the span gets shorter,
//! and the largest margins for Big5↔GBK, where both readings look like Chinese.
//!
//! Work is span by span: a run of non-ASCII characters (mojibake never turns a UTF-8
//! multibyte sequence into ASCII) is repaired where it reverses and left alone elsewhere.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::LazyLock;

use super::codecs::{self, loses_pairs, lost_bytes, Misread, Original, GBK_PAIRS_BIG5_LOSES};
use crate::chars::{is_han, is_kana};
use crate::convert::{self, Script};
use crate::model;
use crate::pinyin::{self, Reading};

/// How much evidence a layer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    /// The garbled side is Latin, symbols or rare Han; the repaired side is text.
    Normal,
    /// Both sides are Chinese: a Big5 reading of GBK bytes, or the reverse.
    Strong,
}

/// Every layer zhnorm undoes.
const LAYERS: [(Misread, Original, Evidence); 9] = [
    (Misread::Gbk, Original::Utf8, Evidence::Normal),
    (Misread::Windows1252, Original::Utf8, Evidence::Normal),
    (Misread::Big5, Original::Utf8, Evidence::Normal),
    (Misread::Cp437, Original::Utf8, Evidence::Normal),
    (Misread::Windows1252, Original::Gbk, Evidence::Normal),
    (Misread::Cp437, Original::Gbk, Evidence::Normal),
    (Misread::Windows1252, Original::Big5, Evidence::Normal),
    (Misread::Big5, Original::Gbk, Evidence::Strong),
    (Misread::Gbk, Original::Big5, Evidence::Strong),
];

/// Deeper than this, the evidence is too thin to act on.
const MAX_LAYERS: usize = 3;

/// How sure a repair must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// A span on its own evidence.
    Alone,
    /// A span in a text where other spans were garbled the same way, with this layer.
    Confirmed,
    /// A span in a text made of such spans: half its wordy characters or more stood in
    /// spans repaired. The text's bytes went through one wrong codec together, so a span
    /// between them that reads as plain text in the wrong codec is a misreading as much
    /// as they are, and only needs to read better undone (`CD-ROM睿USB`). With the script
    /// the repaired text leans to, if it does: a character of the other script is then
    /// less likely (`由 VNC 麼 RDP` in Simplified text is `或`).
    Established(Option<Script>),
}

/// What a repair must gain, in half bits, for a candidate of `chars` non-ASCII characters.
/// (Big5↔GBK alone asked twice as much until the fourteenth session: halved, it repairs
/// 96% of the lossless lines of either reading, against 87–93%, and changes no more of
/// the 1.4 million clean Debian lines or the 132,000 entries of OpenCC's dictionaries.)
fn margin(evidence: Evidence, strictness: Strictness, chars: usize) -> i64 {
    let chars = chars.max(1) as i64;
    match (evidence, strictness) {
        (Evidence::Normal, Strictness::Alone) => 2 * 6 + 2 * 16 / chars,
        (Evidence::Strong, Strictness::Alone) => 2 * 2 * chars + 2 * 12 + 2 * 24 / chars,
        (Evidence::Normal, Strictness::Confirmed | Strictness::Established(_)) => 2,
        (Evidence::Strong, Strictness::Confirmed) => 2 * 8,
        (Evidence::Strong, Strictness::Established(_)) => 1,
    }
}

/// Whether `c` is something mojibake is made of, so a run holding one is worth a look:
/// Latin-1 and cp1252 symbols, box drawing, Private Use, U+FFFD, or a rare Han character.
pub(crate) fn is_suspect(c: char) -> bool {
    match c as u32 {
        0xA0 => false, // a no-break space is just a space
        0x80..=0x2FF | 0x370..=0x3FF | 0x2020..=0x2022 | 0x2030..=0x203A | 0x20AC | 0x2122 => true,
        0xE000..=0xF8FF | 0xFFFD => true,
        0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000.. => model::char_cost(c) >= RARE_HAN,
        _ => false,
    }
}

/// What [`runs`] and the scan of clean text ask of a character, a byte per BMP character
/// built on first use (one load per character of clean text). Fetched once per scan.
#[derive(Clone, Copy)]
pub(crate) struct Classes(&'static [u8]);

/// [`is_suspect`].
pub(crate) const SUSPECT: u8 = 1;
/// [`is_han`].
const HAN: u8 = 2;
/// [`is_wordy`].
const WORDY: u8 = 4;
/// Makes its run debris: suspect but not Han (the middle dot, Chinese punctuation, aside),
/// or box drawing.
const DEBRIS: u8 = 8;
/// May be followed in its run by an ASCII trail byte: a double-byte reading can lose the
/// lead of a pair before such a character (non-ASCII below U+2E80, or U+FFFD).
const BEFORE_TRAIL: u8 = 16;
/// The GBK reading of a UTF-8 symbol pasted into a GBK page, which gives itself away
/// anywhere: `聽` (see `pasted`).
pub(crate) const PASTED: u8 = 32;
/// One that gives itself away only beside ASCII text: `漏 2010`, `Pok茅mon`.
pub(crate) const PASTED_BY_ASCII: u8 = 64;
/// What a sentinel (`锟斤拷`, `烫烫烫`) starts with: see `sentinels::STARTS`.
pub(crate) const SENTINEL: u8 = 128;

fn classes_of(c: char) -> u8 {
    classes_but_pasted(c) | pasted_classes(super::pasted::place_of(c)) | sentinel_class(c)
}

fn sentinel_class(c: char) -> u8 {
    if super::sentinels::STARTS.contains(&c) {
        SENTINEL
    } else {
        0
    }
}

/// The classes of `c` but [`PASTED`] and [`PASTED_BY_ASCII`].
fn classes_but_pasted(c: char) -> u8 {
    let suspect = is_suspect(c);
    let han = is_han(c);
    let debris = (suspect && !han && c != '·') || ('\u{2500}'..='\u{25A0}').contains(&c);
    let before_trail = !c.is_ascii() && (c < '\u{2E80}' || c == '\u{FFFD}');
    [
        (suspect, SUSPECT),
        (han, HAN),
        (is_wordy(c), WORDY),
        (debris, DEBRIS),
        (before_trail, BEFORE_TRAIL),
    ]
    .into_iter()
    .filter(|&(holds, _)| holds)
    .fold(0, |classes, (_, class)| classes | class)
}

/// The classes (but pasted) of the code points of the blocks that are most of the BMP,
/// set by block: quicker than by the rules, for the class table and the quiet bits alike.
/// Han (all of a kind but for how rare each is), Hangul syllables, Private Use.
fn classes_by_block(u: u32) -> Option<u8> {
    match u {
        0x3400..=0x4DBF | 0x4E00..=0x9FFF => {
            let rare = model::char_cost(char::from_u32(u).expect("Han")) >= RARE_HAN;
            Some(HAN | WORDY | if rare { SUSPECT } else { 0 })
        }
        0xAC00..=0xD7A3 => Some(WORDY),
        0xE000..=0xF8FF => Some(SUSPECT | WORDY | DEBRIS),
        _ => None,
    }
}

/// The class of a pasted symbol's reading that stands at `place`, if it is one.
fn pasted_classes(place: Option<super::pasted::Place>) -> u8 {
    match place {
        Some(super::pasted::Place::Space) => PASTED,
        Some(_) => PASTED_BY_ASCII,
        None => 0,
    }
}

impl Classes {
    pub(crate) fn get() -> Classes {
        // (The pasted readings are set from their list, not looked up for each of the
        // 65,536: building the table was most of the time one short line took.)
        static BMP: LazyLock<Vec<u8>> = LazyLock::new(|| {
            let mut table: Vec<u8> = (0..0x10000u32)
                .map(|u| {
                    classes_by_block(u)
                        .unwrap_or_else(|| char::from_u32(u).map_or(0, classes_but_pasted))
                })
                .collect();
            for (reading, place) in super::pasted::readings() {
                if let Some(classes) = table.get_mut(reading as usize) {
                    *classes |= pasted_classes(Some(place));
                }
            }
            for c in super::sentinels::STARTS {
                table[c as usize] |= SENTINEL;
            }
            table
        });
        Classes(&BMP)
    }

    /// A bit per BMP character, set for those of no class a scan of clean text looks for
    /// ([`SUSPECT`], [`PASTED`], [`PASTED_BY_ASCII`], [`SENTINEL`]): 8 KB, which stays in the nearest
    /// cache where the byte table would not.
    /// (Read from the rules, not from the class table, which a clean text never needs
    /// whole: building it was most of the time one short line took.)
    pub(crate) fn quiet() -> &'static [u64] {
        static QUIET: LazyLock<Vec<u64>> = LazyLock::new(|| {
            let mut bits = vec![0u64; 0x10000 / 64];
            for u in 0..0x10000u32 {
                let quiet = match classes_by_block(u) {
                    Some(classes) => classes & SUSPECT == 0,
                    None => char::from_u32(u).is_none_or(|c| !is_suspect(c)),
                };
                if quiet {
                    bits[u as usize / 64] |= 1 << (u % 64);
                }
            }
            let readings = super::pasted::readings().map(|(reading, _)| reading);
            for c in readings.chain(super::sentinels::STARTS) {
                if let Some(word) = bits.get_mut(c as usize / 64) {
                    *word &= !(1 << (c as u32 % 64));
                }
            }
            bits
        });
        &QUIET
    }

    /// A bit per BMP character, set for plain Han: of classes [`HAN`] and [`WORDY`] and
    /// no other, most of the characters of a run of Chinese.
    fn plain_han() -> &'static [u64] {
        static PLAIN: LazyLock<Vec<u64>> = LazyLock::new(|| Classes::bits(|c| c == HAN | WORDY));
        &PLAIN
    }

    /// A bit per BMP character, set for those of no class: the rest of a run of
    /// Chinese, its marks (`，。、（）`).
    fn of_no_class() -> &'static [u64] {
        static NONE: LazyLock<Vec<u64>> = LazyLock::new(|| Classes::bits(|c| c == 0));
        &NONE
    }

    /// How many three-byte characters at the start of `bytes` (a character boundary) are
    /// plain Han or of no class, and how many of them are Han: the characters of a run of
    /// Chinese that add nothing but their count to what [`runs`] notes.
    #[inline(always)]
    fn count_plain(bytes: &[u8], plain_han: &[u64], of_no_class: &[u64]) -> (usize, usize) {
        let (mut chars, mut han) = (0, 0);
        for ch in bytes.chunks_exact(3) {
            if ch[0] & 0xF0 != 0xE0 {
                break;
            }
            let c = (ch[0] as usize & 0x0F) << 12
                | (ch[1] as usize & 0x3F) << 6
                | (ch[2] as usize & 0x3F);
            let is_han = plain_han[c / 64] >> (c % 64) & 1 == 1;
            if !is_han && of_no_class[c / 64] >> (c % 64) & 1 == 0 {
                break;
            }
            chars += 1;
            han += is_han as usize;
        }
        (chars, han)
    }

    fn bits(wanted: impl Fn(u8) -> bool) -> Vec<u64> {
        let classes = Classes::get();
        let mut bits = vec![0u64; 0x10000 / 64];
        for u in 0..0x10000u32 {
            if wanted(classes.of(u)) {
                bits[u as usize / 64] |= 1 << (u % 64);
            }
        }
        bits
    }

    /// How many three-byte characters at the start of `bytes` (a character boundary)
    /// have their bit set in `bits`: a loop of its own, a bit each, with no bounds
    /// checked byte by byte.
    #[inline(always)]
    pub(crate) fn count_three_byte(bytes: &[u8], bits: &[u64]) -> usize {
        bytes
            .chunks_exact(3)
            .take_while(|ch| {
                let c = (ch[0] as usize & 0x0F) << 12
                    | (ch[1] as usize & 0x3F) << 6
                    | (ch[2] as usize & 0x3F);
                ch[0] & 0xF0 == 0xE0 && bits[c / 64] >> (c % 64) & 1 == 1
            })
            .count()
    }

    /// The classes of a code point.
    #[inline]
    pub(crate) fn of(self, c: u32) -> u8 {
        match self.0.get(c as usize) {
            Some(&classes) => classes,
            None => char::from_u32(c).map_or(0, classes_of),
        }
    }
}

/// The suspect characters of `text` ([`is_suspect`]), by the class table.
fn suspects(text: &str) -> impl Iterator<Item = char> + '_ {
    let classes = Classes::get();
    text.chars()
        .filter(move |&c| classes.of(c as u32) & SUSPECT != 0)
}

/// Han characters at least this costly (half bits) are rare enough to start a look.
const RARE_HAN: u32 = 2 * 18;

/// Indices into [`LAYERS`], outermost first: the layers one span was undone by.
type Chain = Vec<usize>;

/// What one pass of [`repair`] found.
pub(crate) struct Pass {
    /// The text with every repairable span repaired, or `None` when there is none.
    pub(crate) repaired: Option<String>,
    /// Where the text holds the readings of pasted symbols (seen on the way: see
    /// [`runs`]).
    pub(crate) pasted: Vec<usize>,
    /// When nothing was repaired, the spans left garbled (see [`left_garbled`]).
    pub(crate) left: Vec<Range<usize>>,
}

/// The spans of `text`, a text `repair` is done with, that look garbled (see
/// [`looks_garbled`]): the stages after `repair` may make them other mojibake, which a
/// second run would read differently (see `Stage::apply_protecting`).
pub(crate) fn left_garbled(text: &str) -> Vec<Range<usize>> {
    spans_left_garbled(&runs(text).0)
}

fn spans_left_garbled(runs: &[Run]) -> Vec<Range<usize>> {
    runs.iter()
        .filter(|run| run.looks_garbled())
        .map(|run| run.start..run.end)
        .collect()
}

/// One pass of the stage over `text` (see [`Pass`]), in two rounds. The first repairs
/// spans that are garbled beyond doubt on their own. If any were, the text was garbled by
/// that chain of layers, and the second round tries the same chain on every other span
/// with a small margin: that is what repairs a lone garbled character between digits
/// (`2023Äê` → `2023年`) or in pinyin (`zhÇŽng`).
pub(crate) fn repair(text: &str, memory: &Memory) -> Pass {
    let (runs, pasted) = runs(text);
    let mut fixed: Vec<Option<String>> = vec![None; runs.len()];
    // The chain each run was repaired by in the first pass, when that left it clean.
    let mut clean_by: Vec<Option<usize>> = vec![None; runs.len()];
    // The chains of layers found, each one tried on every span in the second pass, and
    // how many runs each repaired.
    let mut chains: Vec<Chain> = Vec::new();
    let mut votes: Vec<usize> = Vec::new();
    let mut han_before = HanBeforeAnnotation::default();
    let mut befores: Vec<Option<char>> = vec![None; runs.len()];
    let mut line_marks = OpenMarks::default();
    let mut spaced = letter_spaced(text, &runs).peekable();
    for (k, run) in runs.iter().enumerate() {
        memory.next_run();
        befores[k] = han_before.for_run(text, run);
        if let Some(group) = spaced.next_if(|group| group.start == k) {
            if let Some((repaired, chain)) = repair_spaced(text, &runs[group.clone()], memory) {
                let id = chain_id(&mut chains, &mut votes, chain);
                for (j, c) in group.zip(repaired.chars()) {
                    votes[id] += 1;
                    clean_by[j] = Some(id);
                    fixed[j] = Some(c.to_string());
                }
                memory.learn(&repaired);
            }
        }
        if run.looks_garbled() && fixed[k].is_none() {
            let run_text = &text[run.start..run.end];
            let cx = RunContext::of(text, run, memory)
                .after_han(befores[k])
                .with_open(line_marks.before(text, &runs, &fixed, k));
            // A text garbled one way is garbled that way throughout: once a chain has
            // repaired runs of it, a run it leaves plain needs no other layer weighed.
            // (Weighing every layer on every run was most of the time on garbled text.)
            let settled = established(&votes).and_then(|id| {
                let repaired = undo_whole_chain(run_text, &chains[id], cx)?;
                is_plain(&repaired, run_text, &chains[id], cx)
                    .then_some((repaired, chains[id].clone()))
            });
            // Every guess gains on a loss: a run that holds U+FFFD is repaired alone only
            // where the rest of it gains too (`�未知�` is not `形棉花`, nor `(x�í)`
            // `(x來)`; `块�X�@�勇驳u` is `輸出一個簡短的`).
            let alone = || {
                if is_word_of_greek_or_cyrillic(run_text) {
                    return None;
                }
                let (repaired, chain) = repair_run(run_text, cx)?;
                let evidence = (!run.lost
                    || gains_beyond_losses(run_text, &repaired, LAYERS[chain[0]].2))
                    && (reads_as_words(&repaired) || has_utf8_underneath(&chain));
                evidence.then_some((repaired, chain))
            };
            if let Some((repaired, chain)) = settled.or_else(alone) {
                let id = chain_id(&mut chains, &mut votes, chain);
                votes[id] += 1;
                if suspects(&repaired).next().is_none() {
                    clean_by[k] = Some(id);
                }
                if !run_text.contains('\u{FFFD}') {
                    memory.learn(&repaired);
                }
                fixed[k] = Some(repaired);
            }
        }
        let ended = fixed[k].as_deref().unwrap_or(&text[run.start..run.end]);
        han_before.passed(text, run, ended);
    }
    // Document evidence counts only where mojibake is what the text is made of: in a
    // large clean text one garbled span says nothing about the others.
    let wordy = runs.iter().filter(|run| run.wordy).count();
    // A run the reading lost bytes of is garbled too, repaired or not — when something
    // in it besides U+FFFD looks garbled: a byte a bad decoding replaced is no evidence
    // of mojibake (`创建目录“%�s”时出错：%�s` holds none). (Also weighed by
    // characters: one long span garbled beyond doubt among short ones is the text's
    // state, `2023爛03堎21゜ 20:00 郔摽載陔`.)
    let wordy_chars: usize = runs
        .iter()
        .filter(|run| run.wordy)
        .map(|run| run.chars)
        .sum();
    // Runs repaired (or that lost bytes beside other suspect characters), and their
    // characters.
    let garbled = |fixed: &[Option<String>]| {
        (runs.iter().zip(fixed))
            .filter(|(run, f)| f.is_some() || run.lost && run.suspect_beyond_loss)
            .fold((0, 0), |(n, chars), (run, _)| (n + 1, chars + run.chars))
    };
    let (repaired, repaired_chars) = garbled(&fixed);
    // Half the text's wordy characters or more in runs repaired (or that lost bytes): the
    // text is made of mojibake.
    let made_of_mojibake = |fixed: &[Option<String>]| {
        let (_, chars) = garbled(fixed);
        chars > 0 && chars * MADE_OF_SHARE >= wordy_chars
    };
    let made_of_it = made_of_mojibake(&fixed);
    let mut document_chains = chains;
    if document_chains.is_empty() {
        document_chains.extend(layer_of_the_whole(text, &runs, wordy, memory));
    } else if repaired * DOCUMENT_SHARE < wordy && repaired_chars * DOCUMENT_SHARE < wordy_chars {
        document_chains.clear();
    }
    // The chains that repaired most runs are the text's: on each run the cheapest of
    // their repairs is kept, and a chain that repaired fewer is tried only where none of
    // them applies (a GBK page's `¨®` is `ó`, not the cheaper `車` its Big5 reading
    // gives, although one span of the page looked like Big5).
    let most = votes.iter().copied().max().unwrap_or(0);
    let (leading, others): (Vec<usize>, Vec<usize>) =
        (0..document_chains.len()).partition(|&id| votes.get(id).copied().unwrap_or(0) == most);
    let lean_of = |fixed: &[Option<String>]| {
        let repaired: String = fixed.iter().flatten().map(String::as_str).collect();
        script_lean(&repaired)
    };
    let established = |fixed: &[Option<String>]| Strictness::Established(lean_of(fixed));
    // A repair's characters of the other script than the text's count against it.
    let text_lean = lean_of(&fixed);
    let other_script = |c: char| is_of_other_script(c, text_lean);
    let cost_in_text = |repaired: &str| {
        let other = repaired.chars().filter(|&c| other_script(c)).count();
        model::cost(repaired) + other as u32 * OTHER_SCRIPT
    };
    let mut strictness = match made_of_it {
        true => Strictness::Established(text_lean),
        false => Strictness::Confirmed,
    };
    // (Without a chain there is nothing to try, and no run's context to gather.)
    let second_pass = if document_chains.is_empty() {
        &runs[..0]
    } else {
        &runs[..]
    };
    // A second round that leaves the text made of mojibake, counting what it repaired, is
    // followed by a third on the runs still left, as in a text made of it from the start.
    for round in 0..2 {
        let mut line_marks = OpenMarks::default();
        for (k, run) in second_pass.iter().enumerate() {
            memory.next_run();
            if round > 0 && fixed[k].is_some() {
                continue;
            }
            // Nothing is left for the chain that already made this run clean, unless it
            // guessed a lost byte as a character of the other script.
            let guessed_other = run.lost
                && fixed[k]
                    .as_deref()
                    .is_some_and(|f| f.chars().any(other_script));
            // (Most runs of a text garbled one way: no context to gather. The marks left
            // open are read up to the next run that needs them.)
            if !guessed_other && leading.len() == 1 && clean_by[k] == Some(leading[0]) {
                continue;
            }
            let cx = RunContext::of(text, run, memory)
                .after_han(befores[k])
                .with_open(line_marks.before(text, &runs, &fixed, k))
                .leaning(text_lean);
            for (group, strictness) in [(&leading, strictness), (&others, Strictness::Confirmed)] {
                let mut applied = false;
                for &id in group {
                    if clean_by[k] == Some(id) && !guessed_other {
                        applied = true;
                        continue;
                    }
                    let chain = &document_chains[id];
                    let Some(repaired) =
                        apply_chain(&text[run.start..run.end], chain, strictness, cx)
                    else {
                        continue;
                    };
                    applied = true;
                    let better = match &fixed[k] {
                        None => true,
                        // (Only guesses weigh the script: a whole reading of the other
                        // script may be the text's own, `﹞隸輩` against `·刘晋`.)
                        Some(so_far) if run.lost => cost_in_text(&repaired) < cost_in_text(so_far),
                        Some(so_far) => model::cost(&repaired) < model::cost(so_far),
                    };
                    if better {
                        fixed[k] = Some(repaired);
                    }
                }
                if applied {
                    break;
                }
            }
        }
        if second_pass.is_empty() || made_of_it || !made_of_mojibake(&fixed) {
            break;
        }
        strictness = established(&fixed);
    }
    if fixed.iter().all(Option::is_none) {
        return Pass {
            repaired: None,
            left: spans_left_garbled(&runs),
            pasted,
        };
    }
    let edits = runs
        .iter()
        .zip(&fixed)
        .filter_map(|(run, repaired)| Some((run.start, run.end, repaired.as_deref()?)));
    Pass {
        repaired: Some(crate::chars::replace_ranges(text, edits)),
        pasted,
        left: Vec::new(),
    }
}

/// Whether `repaired` is cheaper than `run` by the margin for its characters, each U+FFFD
/// of `run` that `repaired` fills costing what a common character does: what a repair
/// gains beyond filling losses, which a U+FFFD a bad decoding left would gain too.
fn gains_beyond_losses(run: &str, repaired: &str, evidence: Evidence) -> bool {
    let kept = |text: &str| model::cost_of(text.chars().filter(|&c| c != '\u{FFFD}')) as i64;
    let losses = |text: &str| text.chars().filter(|&c| c == '\u{FFFD}').count() as i64;
    let filled = losses(run) - losses(repaired);
    // The margin is for the characters the repair changed: marks it passes over unchanged
    // (`，？锟�` → `，？￀`) would lower it for the piece that did change.
    let same_start = run
        .chars()
        .zip(repaired.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let same_end = (run.chars().rev().zip(repaired.chars().rev()))
        .take_while(|(a, b)| a == b)
        .count();
    let repaired_len = repaired.chars().count();
    let changed_end = repaired_len.saturating_sub(same_end).max(same_start);
    let chars = (repaired.chars().take(changed_end).skip(same_start))
        .filter(|c| !c.is_ascii())
        .count();
    kept(run) + filled * FILLED_LOSS - kept(repaired) >= margin(evidence, Strictness::Alone, chars)
}

/// What a U+FFFD a repair fills counts for in [`gains_beyond_losses`], in half bits: a
/// common character's cost (`的` costs 9, `是` 14, `国` 18; U+FFFD itself 24). More let
/// random U+FFFD in clean text be filled (`�；�magic8` → `；都agic8`).
const FILLED_LOSS: i64 = 2 * 8;

/// The index of `chain` among the chains found so far, added with no vote if new.
fn chain_id(chains: &mut Vec<Chain>, votes: &mut Vec<usize>, chain: Chain) -> usize {
    chains.iter().position(|c| *c == chain).unwrap_or_else(|| {
        chains.push(chain);
        votes.push(0);
        chains.len() - 1
    })
}

/// Letter-spaced words (`眈 壽 陔 恓`, a page's `相 关 新 闻` as Big5 reads its GBK bytes):
/// runs of one character each, two or more, one space apart, that look garbled together.
/// Alone, each is one character with no neighbour to weigh it by; spacing hid the words
/// they make.
fn letter_spaced<'r>(text: &'r str, runs: &'r [Run]) -> impl Iterator<Item = Range<usize>> + 'r {
    let spaced_after = |k: usize| {
        runs.get(k + 1)
            .is_some_and(|next| &text[runs[k].end..next.start] == " " && next.is_letter())
    };
    let mut k = 0;
    std::iter::from_fn(move || {
        while k < runs.len() {
            let start = k;
            k += 1;
            if !runs[start].is_letter() {
                continue;
            }
            while spaced_after(k - 1) {
                k += 1;
            }
            let group = &runs[start..k];
            let foreign = group.iter().any(|run| run.foreign);
            let han = group.iter().map(|run| run.han).sum();
            let rare = group.iter().map(|run| run.rare_han).sum();
            if group.len() >= 2 && looks_garbled(foreign, han, rare) {
                return Some(start..k);
            }
        }
        None
    })
}

/// A group of [`letter_spaced`] runs weighed as the word they spell, joined: the repair,
/// one character per run, and its chain.
fn repair_spaced(text: &str, group: &[Run], memory: &Memory) -> Option<(String, Chain)> {
    let joined: String = group.iter().map(|run| &text[run.start..run.end]).collect();
    let span = group.first()?.start..group.last()?.end;
    let (repaired, chain) = repair_run(&joined, RunContext::around(text, span, memory))?;
    let one_each = repaired.chars().count() == group.len() && !repaired.contains(' ');
    one_each.then_some((repaired, chain))
}

/// When no span is garbled beyond doubt alone, the one layer whose gains over all spans
/// of Latin or box-drawing debris together clear twice the margin for all their
/// characters together: a title of one-character words (`Ïà ¹Ø ÐÂ ÎÅ`) is evidence as a
/// whole. The layer must leave no suspect character of a span it repairs as it was: a
/// real misreading undoes all its debris, while a layer that makes
/// words of two symbols among others (`‘—“中•:—•` read back as GBK gives `憲“中•:棔`) is
/// finding words by chance. Nor may it leave most of the spans as they were: a page of
/// Portuguese is all accented letters, and a few of them read back as GBK make Han
/// (`informações` → `informa珲es`).
fn layer_of_the_whole(text: &str, runs: &[Run], wordy: usize, memory: &Memory) -> Option<Chain> {
    // (Gathered only where there are enough of them: a clean text's few rare characters
    // need no context.)
    let gather = |wanted: fn(&Run) -> bool| -> Vec<(&str, RunContext)> {
        let count = runs.iter().filter(|run| wanted(run)).count();
        if count < 2 || count * DOCUMENT_SHARE < wordy {
            return Vec::new();
        }
        runs.iter()
            .filter(|run| wanted(run))
            .map(|run| (&text[run.start..run.end], RunContext::of(text, run, memory)))
            .collect()
    };
    // Between GBK and Big5 both sides are Han: there the runs that look garbled are
    // weighed together (`眈燊(gu芋n)芢沎`, a heading whose words are too short alone):
    // words, two characters or more, with no byte lost. (A lone character or a lost
    // byte is what the stages after `repair` change the reading of: `猭，` folded for
    // search is `猭,`, whose run is `猭` alone.)
    let debris = gather(|run| run.debris);
    let garbled = gather(|run| run.looks_garbled() && run.chars >= 2 && !run.lost);
    LAYERS
        .iter()
        .enumerate()
        .filter_map(|(i, &layer)| {
            let suspect = match layer.2 {
                Evidence::Normal => &debris,
                Evidence::Strong => &garbled,
            };
            if suspect.len() < 2 || suspect.len() * DOCUMENT_SHARE < wordy {
                return None;
            }
            let (mut gain, mut chars, mut left, mut spans) = (0, 0, false, 0);
            let mut han = false;
            for &(run, cx) in suspect {
                memory.next_run();
                if let Some((repaired, g)) = undo_layer(run, layer, Strictness::Confirmed, cx) {
                    gain += g;
                    chars += repaired.chars().filter(|c| !c.is_ascii()).count();
                    left |= suspects(&repaired).any(|c| run.contains(c));
                    han |= repaired.chars().any(is_han);
                    spans += 1;
                }
            }
            // Evidence as a whole is more than one span: a span alone was judged alone
            // (`‘—` beside an emoji, read back as GBK, is `憲`). A GBK or Big5 text is
            // Chinese: repairs that give no Han are no evidence it was one (a page of
            // Manx, whose `Çh` read back as Big5 is `め` throughout).
            let enough = !left
                && (layer.1 == Original::Utf8 || han)
                && spans >= 2
                && spans * 2 >= suspect.len()
                && gain >= 2 * margin(layer.2, Strictness::Alone, chars)
                && gain >= spans as i64 * MIN_SPAN_GAIN;
            enough.then_some((gain, i))
        })
        .max()
        .map(|(_, i)| vec![i])
}

/// What the spans a layer repairs across a text must gain each, on average, in half bits
/// (see [`layer_of_the_whole`]). A misreading's debris reads back as text far cheaper
/// than it stood: in the evaluation's lines, 23 half bits a span and more. What looks
/// like debris but is not gains little, however often it stands: `25°C` read back as
/// Big5 or GBK in Latin-1 is `25蚓`, 5 half bits cheaper in an English table of
/// temperatures, 16 in a Chinese one, and line after line that added up to enough.
const MIN_SPAN_GAIN: i64 = 2 * 10;

/// A text is garbled as a whole when at least one in this many of its wordy runs is.
const DOCUMENT_SHARE: usize = 3;

/// A text is made of mojibake when at least one in this many of its wordy characters
/// stood in runs repaired (or that lost bytes).
const MADE_OF_SHARE: usize = 2;

/// A character that carries words, not punctuation: wordy runs are where mojibake would
/// show.
fn is_wordy(c: char) -> bool {
    !c.is_ascii()
        && !matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF65}')
}

/// A run that may hold mojibake, and what kinds of character it holds.
struct Run {
    start: usize,
    end: usize,
    /// Holds a character that carries words ([`is_wordy`]).
    wordy: bool,
    /// Holds Latin or box-drawing debris: suspect but not Han (U+FFFD aside), or
    /// U+2500–25A0.
    debris: bool,
    /// Holds a suspect character that is not Han.
    foreign: bool,
    /// Han characters, and how many of them are rare.
    han: usize,
    rare_han: usize,
    /// Holds U+FFFD.
    lost: bool,
    /// Holds a suspect character other than U+FFFD: evidence of mojibake that a byte
    /// lost to a bad decoding alone is not.
    suspect_beyond_loss: bool,
    /// How many characters it holds.
    chars: usize,
}

impl Run {
    /// Whether the run is worth repairing on its own evidence (see [`looks_garbled`]).
    fn looks_garbled(&self) -> bool {
        looks_garbled(self.foreign, self.han, self.rare_han)
    }

    /// Whether the run is one character that carries words, bytes intact: a letter of
    /// a letter-spaced word.
    fn is_letter(&self) -> bool {
        self.chars == 1 && self.wordy && !self.lost
    }
}

/// Whether text looks garbled: a suspect character in it that is not Han, or rare Han
/// dense enough to be a misreading (`鐨勫垵濮嬪寲`). A rare character in a line of Chinese
/// is only that, and weighing every reading of the whole line for it was most of what
/// `repair` spent on clean text.
fn looks_garbled(foreign: bool, han: usize, rare_han: usize) -> bool {
    foreign || (rare_han > 0 && rare_han * RARE_SHARE >= han)
}

/// Han is garbled-looking when at least one in this many is rare.
const RARE_SHARE: usize = 8;

/// The runs that may hold mojibake: non-ASCII characters, with an ASCII character in
/// `@`..`~` kept when it follows a non-Han one, since a double-byte character read as
/// single bytes leaves its trail byte there (`¤@` is Big5's `一`), and so does a pair a
/// double-byte reading could not read (`�S` is GBK's `係` read as Big5). One pass, which also
/// classifies each run's characters: every later question about a run is answered by it.
/// Also where the text holds a pasted symbol's reading that may be restored (those the
/// repair stage's scan for class [`PASTED`] would find).
fn runs(text: &str) -> (Vec<Run>, Vec<usize>) {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut pasted = Vec::new();
    let classes = Classes::get();
    let plain_han = Classes::plain_han();
    let of_no_class = Classes::of_no_class();
    let mut pinyin_words = PinyinWords::default();
    let mut i = crate::chars::skip_ascii(bytes, 0, bytes.len());
    while i < bytes.len() {
        let mut run = Run {
            start: i,
            end: i,
            wordy: false,
            debris: false,
            foreign: false,
            han: 0,
            rare_han: 0,
            lost: false,
            suspect_beyond_loss: false,
            chars: 0,
        };
        loop {
            // Plain Han and marks, in a loop of their own (what the loop below makes of
            // each).
            let (plain, han) = match run.lost {
                false => Classes::count_plain(&bytes[i..], plain_han, of_no_class),
                true => (0, 0),
            };
            if plain > 0 {
                (run.han, run.chars) = (run.han + han, run.chars + plain);
                run.wordy |= han > 0;
                i += 3 * plain;
                match goes_on(bytes, i, false) {
                    Some(true) => continue,
                    _ => break,
                }
            }
            let (code, next) = crate::chars::decode_at(text, i);
            let class = classes.of(code);
            if class & PASTED != 0
                || (class & PASTED_BY_ASCII != 0 && super::is_beside_ascii(text, i, next))
            {
                pasted.push(i);
            }
            let suspect = class & SUSPECT != 0;
            if class & HAN != 0 {
                run.han += 1;
                run.rare_han += suspect as usize;
            } else {
                run.foreign |= suspect;
            }
            run.wordy |= class & WORDY != 0;
            run.debris |= class & DEBRIS != 0 && code != 0xFFFD;
            run.lost |= code == 0xFFFD;
            run.suspect_beyond_loss |= suspect && code != 0xFFFD;
            run.chars += 1;
            i = next;
            // After a byte lost one at a time, the reading is out of step with the pairs
            // until an ASCII byte: a trail read alone follows any character then.
            let trail_may_follow = class & BEFORE_TRAIL != 0 || run.lost && class & HAN != 0;
            if goes_on(bytes, i, trail_may_follow) != Some(true) {
                break;
            }
        }
        run.end = i;
        if run.foreign && run.han == 0 && !run.lost && pinyin_words.spelled_by(text, &run) {
            run.foreign = false;
            run.debris = false;
            run.suspect_beyond_loss = false;
        }
        runs.push(run);
        i = crate::chars::skip_ascii(bytes, i, bytes.len());
    }
    (runs, pasted)
}

/// The words of pinyin a text holds, known once each: a page with annotations
/// writes the same syllables again and again.
#[derive(Default)]
struct PinyinWords<'t>(HashMap<&'t str, bool>);

impl<'t> PinyinWords<'t> {
    /// Whether a run is the marked letters of a word of pinyin, with the letters around it
    /// (`(guó)`, `Běijīng`): suspect in Chinese text, but weighing every reading of each
    /// was most of what `repair` spent on a page with annotations. No misreading of UTF-8
    /// makes them among ASCII letters alone, and a word so garbled would be too short to
    /// repair.
    fn spelled_by(&mut self, text: &'t str, run: &Run) -> bool {
        // Letters a word of pinyin is at most (`zhuāngzhuāngzhuāng`).
        const MAX_WORD: usize = 24;
        // (A word's marked letters may stand in runs of their own: `Běijīng` is two.)
        let letter = |c: &char| {
            c.is_ascii_alphabetic() || matches!(c, '\u{C0}'..='\u{24F}' | '\u{300}'..='\u{36F}')
        };
        let before: usize = text[..run.start]
            .chars()
            .rev()
            .take(MAX_WORD)
            .take_while(letter)
            .map(char::len_utf8)
            .sum();
        let after: usize = text[run.end..]
            .chars()
            .take(MAX_WORD)
            .take_while(letter)
            .map(char::len_utf8)
            .sum();
        let word = &text[run.start - before..run.end + after];
        // (A longer word of Latin letters is not pinyin, whatever its ends spell.)
        let whole = !text[..run.start - before]
            .chars()
            .next_back()
            .is_some_and(|c| letter(&c))
            && !text[run.end + after..]
                .chars()
                .next()
                .is_some_and(|c| letter(&c));
        whole
            && word.len() < 3 * MAX_WORD
            && *self
                .0
                .entry(word)
                .or_insert_with(|| pinyin::is_toned_pinyin(word))
    }
}

/// Whether a run goes on at byte `i` (`None` at the end of the text): at a byte that is
/// not ASCII, at an ASCII trail byte where one may follow, and at a control the `space`
/// stage removes (which joins what stands around it).
#[inline(always)]
fn goes_on(bytes: &[u8], i: usize, trail_may_follow: bool) -> Option<bool> {
    let b = *bytes.get(i)?;
    let trail = trail_may_follow && (b'@'..=b'~').contains(&b);
    let removed = matches!(b, 0..=8 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F)
        && bytes.get(i + 1).is_some_and(|&b| b >= 0x80);
    Some(b >= 0x80 || trail || removed)
}

/// One run, on its own evidence. Every layer that gains its margin is followed by
/// further layers two ways — greedily, the layer that gains most next, and by the same
/// layer again while it gains (text encoded twice the same way) — and the path that ends
/// cheapest wins: a double-encoded span first looks like many things, but only one path
/// ends in plain text. When one layer alone leaves nothing suspect, that is the answer,
/// and the paths the other layers open are not followed: following them is most of the
/// work, and the misreadings they start from look garbled themselves.
fn repair_run(run: &str, cx: RunContext) -> Option<(String, Chain)> {
    cx.memory.keeping_fills.set(true);
    let repaired = weigh_every_way(run, cx);
    cx.memory.keeping_fills.set(false);
    repaired
}

/// [`repair_run`], fills kept.
fn weigh_every_way(run: &str, cx: RunContext) -> Option<(String, Chain)> {
    let firsts: Vec<(usize, String)> = LAYERS
        .iter()
        .enumerate()
        .filter_map(|(i, &layer)| Some((i, undo_layer(run, layer, Strictness::Alone, cx)?.0)))
        .collect();
    let plain = firsts
        .iter()
        .filter(|(i, text)| is_plain(text, run, &vec![*i], cx))
        .map(|(i, text)| (model::cost(text), i, text))
        .min_by_key(|(cost, _, _)| *cost);
    // A layer that leaves nothing suspect ends the search, unless the run is part of a
    // word of Latin letters and another layer reads it cheaper as no Han: `BÃ¼yÃ¼` read
    // as UTF-8 is Turkish `Büyü`, whose `ü` is suspect in Chinese text, and as GBK
    // `眉y眉`, where nothing is. Then every path is weighed.
    if let Some((cost, i, text)) = plain {
        let letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
        let in_latin_word = letter(cx.edges.before) || letter(Some(cx.edges.after));
        let cheaper_latin = in_latin_word
            && firsts
                .iter()
                .any(|(_, other)| !reads_as_words(other) && model::cost(other) < cost);
        if !cheaper_latin {
            return Some((text.clone(), vec![*i]));
        }
        return weigh_paths(firsts, cx);
    }
    // A layer that repaired part of the run beyond doubt may leave the rest, shorter
    // spans around lost characters, below their own margins (`籵都ㄛ�省时这些都将`): the
    // run is garbled that way throughout, and the smaller margins of a confirmed layer
    // apply to it, as they do to other runs of a text garbled so.
    let confirmed = firsts
        .iter()
        .filter_map(|&(i, _)| {
            let text = undo_layer(run, LAYERS[i], Strictness::Confirmed, cx)?.0;
            is_plain(&text, run, &vec![i], cx).then_some((text, i))
        })
        .min_by_key(|(text, _)| model::cost(text));
    if let Some((text, i)) = confirmed {
        return Some((text, vec![i]));
    }
    weigh_paths(firsts, cx)
}

/// The cheapest text that a path of layers from one of `firsts` (each a layer's index and
/// the text it left) ends in.
fn weigh_paths(firsts: Vec<(usize, String)>, cx: RunContext) -> Option<(String, Chain)> {
    firsts
        .into_iter()
        .filter_map(|(i, first)| {
            let repeated = undo_layer(&first, LAYERS[i], Strictness::Alone, cx)
                .map(|(second, _)| continue_path(second, vec![i, i], cx));
            let greedy = continue_path(first, vec![i], cx);
            [Some(greedy), repeated]
                .into_iter()
                .flatten()
                .filter(|(text, chain)| ends_in_text(text, chain, cx))
                .map(|(text, chain)| (model::cost(&text), text, chain))
                .min_by_key(|(cost, _, _)| *cost)
        })
        .min_by_key(|(cost, _, _)| *cost)
        .map(|(_, text, chain)| (text, chain))
}

/// Whether `text`, repaired from `run` by `chain`, is plain text: nothing suspect left
/// (U+FFFD a reading left stays where no byte could be recovered; it is not suspect
/// here, but a repair must not add any) and [`ends_in_text`].
fn is_plain(text: &str, run: &str, chain: &Chain, cx: RunContext) -> bool {
    let lost = |text: &str| text.chars().filter(|&c| c == '\u{FFFD}').count();
    !suspects(text).any(|c| c != '\u{FFFD}')
        && lost(text) <= lost(run)
        && ends_in_text(text, chain, cx)
}

/// Whether `run` is a word of Greek or Cyrillic letters cased as words are (`τεστ`,
/// `Το`, `ΤΕΣΤ`): text of that language. cp437 reads a few GBK pairs as Greek letters
/// (`珙彗` as `τεστ`), but a misreading mixes cases and box drawing in; UTF-8 read as GBK
/// or Big5 makes Cyrillic only among Han. (A run may end in an ASCII mark taken for a
/// trail byte: `τεστ\n`.)
fn is_word_of_greek_or_cyrillic(run: &str) -> bool {
    let mut chars = run
        .trim_end_matches(|c: char| c.is_ascii_punctuation())
        .chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let letter = |c: char| matches!(c, '\u{0370}'..='\u{04FF}') && c.is_alphabetic();
    let rest = chars.as_str();
    letter(first)
        && !rest.is_empty()
        && rest.chars().all(letter)
        && (rest.chars().all(char::is_lowercase)
            || first.is_uppercase() && rest.chars().all(char::is_uppercase))
}

/// Whether a repair alone gives words: Han or kana (`¥ì¥¹¥­¥å` is GBK's `レスキュ`). GBK
/// and Big5 make something of almost any pair of bytes, so marks and symbols alone out
/// of them prove nothing (Spanish `¡¡¡H` is Big5's `﹛？` read as cp1252, `¿¿¿Q` GBK's
/// `è≦` read as cp437).
fn reads_as_words(repaired: &str) -> bool {
    repaired.chars().any(|c| is_han(c) || is_kana(c))
}

/// Whether the bottom of `chain` is UTF-8, whose sequences are evidence of their own
/// (`â€œ` is `“`): a repair to it needs no words.
fn has_utf8_underneath(chain: &Chain) -> bool {
    chain.iter().any(|&layer| LAYERS[layer].1 == Original::Utf8)
}

/// The chain that repaired most runs so far, once it has repaired this many and no other
/// chain as many.
fn established(votes: &[usize]) -> Option<usize> {
    let most = *votes.iter().max()?;
    let mut leaders = (0..votes.len()).filter(|&id| votes[id] == most);
    let id = leaders.next()?;
    (most >= ESTABLISHED && leaders.next().is_none()).then_some(id)
}

/// Runs a chain must have repaired before it is tried first on the others.
const ESTABLISHED: usize = 2;

/// A run undone by every layer of `chain`, each gaining its margin on its own; `None`
/// when one does not.
fn undo_whole_chain(run: &str, chain: &Chain, cx: RunContext) -> Option<String> {
    let mut text = undo_layer(run, LAYERS[*chain.first()?], Strictness::Alone, cx)?.0;
    for &i in &chain[1..] {
        text = undo_layer(&text, LAYERS[i], Strictness::Alone, cx)?.0;
    }
    Some(text)
}

/// Whether a path of repairs ended in text: nothing only on the way, no foreign letter
/// against Han out of a double-byte codec (see [`ends_foreign_against_han`]), and, at the
/// deepest a path may go, nothing another layer would undo (a text garbled deeper than
/// that is left as it is, rather than half repaired now and more on a second run).
fn ends_in_text(text: &str, chain: &Chain, cx: RunContext) -> bool {
    !text.chars().any(is_only_on_the_way)
        && !ends_foreign_against_han(text, chain)
        && (chain.len() < MAX_LAYERS
            || suspects(text).next().is_none()
            || LAYERS
                .iter()
                .all(|&layer| undo_layer(text, layer, Strictness::Alone, cx).is_none()))
}

/// Whether a path that ends in GBK or Big5 bytes decoded sets a Greek, Cyrillic or
/// accented letter against Han (`Ф暘簴`, out of the cp1252 bytes of Mac keyboard symbols):
/// those codecs hold such letters, but Chinese text sets them apart. Only at the end of a
/// path: the middle layer of UTF-8 → GBK → cp1252 is GBK mojibake, where they touch.
fn ends_foreign_against_han(text: &str, chain: &Chain) -> bool {
    chain
        .last()
        .is_some_and(|&i| LAYERS[i].1 != Original::Utf8 && has_latin_touching_han(text))
}

/// A path of layers continued greedily, up to [`MAX_LAYERS`], while the text still looks
/// garbled.
fn continue_path(mut text: String, mut chain: Chain, cx: RunContext) -> (String, Chain) {
    while chain.len() < MAX_LAYERS && still_garbled(&text) {
        let next = LAYERS
            .iter()
            .enumerate()
            .filter_map(|(j, &layer)| {
                undo_layer(&text, layer, Strictness::Alone, cx).map(|(t, gain)| (t, gain, j))
            })
            .max_by_key(|(_, gain, _)| *gain);
        let Some((t, _, j)) = next else { break };
        text = t;
        chain.push(j);
    }
    (text, chain)
}

/// Whether a text a layer was undone from still looks garbled ([`looks_garbled`]).
fn still_garbled(text: &str) -> bool {
    let classes = Classes::get();
    let (mut foreign, mut han, mut rare) = (false, 0, 0);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        let class = classes.of(c as u32);
        let suspect = class & SUSPECT != 0;
        if class & HAN != 0 {
            han += 1;
            rare += suspect as usize;
        } else {
            foreign |= suspect;
        }
    }
    looks_garbled(foreign, han, rare)
}

/// A run undone by the text's chain of layers, as far as each layer gains anything.
fn apply_chain(run: &str, chain: &Chain, strictness: Strictness, cx: RunContext) -> Option<String> {
    let mut text: Option<String> = None;
    for &i in chain {
        let current = text.as_deref().unwrap_or(run);
        match undo_layer(current, LAYERS[i], strictness, cx) {
            Some((next, _)) => text = Some(next),
            None => break,
        }
    }
    text.filter(|t| {
        t != run && !t.chars().any(is_only_on_the_way) && !ends_foreign_against_han(t, chain)
    })
}

/// What one character of a run was, as the wrong codec's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Bytes,
    /// U+FFFD standing for a byte the reading lost: one byte, filled by a guess.
    Lost,
    /// A character the wrong codec never produces: repairs stop at it.
    Barrier,
}

/// A run as the bytes the wrong codec read: character `k` came from
/// `bytes[starts[k]..starts[k + 1]]`.
struct Misreading {
    misread: Misread,
    losses: Losses,
    chars: Vec<char>,
    units: Vec<Unit>,
    bytes: Vec<u8>,
    starts: Vec<usize>,
    /// The paired marks its bytes leave open, as far as lost bytes were filled.
    marks: OpenScan,
}

/// What a lost byte is before it is filled: it decodes in no original encoding.
const UNFILLED: u8 = 0xFF;

/// How the reading that garbled a run lost the bytes it could not read (see
/// `codecs::may_have_lost`). Which one it was shows only in how well the run comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Losses {
    /// As a browser reads: Big5 takes a lost lead's trail with it when that is not ASCII.
    Browser,
    /// As Python reads: each U+FFFD is one byte, two in a row a character lost whole.
    ByteByByte,
}

impl Misreading {
    fn of(run: &str, misread: Misread, original: Original, losses: Losses) -> Misreading {
        let chars: Vec<char> = run.chars().collect();
        let mut units = Vec::with_capacity(chars.len());
        let mut bytes = Vec::with_capacity(run.len());
        let mut starts = Vec::with_capacity(chars.len() + 1);
        let may_lose = !lost_bytes(misread, original).is_empty();
        for (k, &c) in chars.iter().enumerate() {
            starts.push(bytes.len());
            units.push(if is_invisible(c) {
                // A zero-width character inside a garbled span is no evidence either way,
                // and must not keep the span from being repaired.
                Unit::Bytes
            } else if c == '\u{FFFD}' && may_lose {
                // A whole pair was lost, unless what follows is the ASCII trail the
                // reading gave back on its own.
                let trail_follows = chars.get(k + 1).is_some_and(|n| ('@'..='~').contains(n));
                if loses_pairs(misread, original) && losses == Losses::Browser && !trail_follows {
                    bytes.push(UNFILLED);
                }
                bytes.push(UNFILLED);
                Unit::Lost
            } else if match losses {
                Losses::Browser => misread.bytes_of(c, &mut bytes),
                Losses::ByteByByte => misread.bytes_of_as_python(c, &mut bytes),
            } {
                Unit::Bytes
            } else {
                Unit::Barrier
            });
        }
        starts.push(bytes.len());
        Misreading {
            misread,
            losses,
            chars,
            units,
            bytes,
            starts,
            marks: OpenScan::default(),
        }
    }

    /// Whether unit `k` is a loss no byte has been filled in yet.
    fn still_lost(&self, k: usize) -> bool {
        self.units[k] == Unit::Lost && self.bytes.get(self.starts[k]) == Some(&UNFILLED)
    }

    /// What unit `j`'s bytes are in the original encoding, when `j` is in `segment` and
    /// they are one character: the neighbour of a lost byte.
    fn char_in(&self, j: usize, segment: &Range<usize>, original: Original) -> Option<char> {
        if !segment.contains(&j) {
            return None;
        }
        let text = original.decode(&self.bytes[self.starts[j]..self.starts[j + 1]])?;
        let mut chars = text.chars();
        chars.next().filter(|_| chars.next().is_none())
    }
}

/// The run with this layer undone wherever that gains enough, and the total gain.
fn undo_layer(
    run: &str,
    (misread, original, evidence): (Misread, Original, Evidence),
    strictness: Strictness,
    cx: RunContext,
) -> Option<(String, i64)> {
    if !misread.may_have_made(run) {
        return None;
    }
    let layer = (misread, original, evidence);
    // Big5 reading GBK loses a pair a browser's way and a byte Python's way, and Python's
    // Big5 has other characters for a few pairs: where the two differ (a U+FFFD before a
    // character that is not ASCII, or one of those characters), both are weighed. (Before
    // ASCII, a lead Python lost would have had its trail after it, and a U+FFFD before a
    // mark or a space is mostly UTF-8 read as GBK, `浜�:`.) Python reading Big5 as GBK is
    // the only reading that loses bytes.
    let ambiguous = misread == Misread::Big5
        && run
            .chars()
            .zip(run.chars().skip(1).chain(['\n']))
            .any(|(c, next)| {
                (loses_pairs(misread, original) && c == '\u{FFFD}' && !next.is_ascii())
                    || misread.python_pair(c).is_some()
            });
    match (misread, original) {
        // (Browsers' readings first: Python's must gain more to be taken for them.)
        // Once one reader has clearly won on runs of the text, it is the text's reader.
        _ if ambiguous => match cx.memory.reader() {
            Some(losses) => undo_layer_losing(run, layer, losses, strictness, cx),
            None => {
                let browser = undo_layer_losing(run, layer, Losses::Browser, strictness, cx);
                let python = undo_layer_losing(run, layer, Losses::ByteByByte, strictness, cx);
                match (browser, python) {
                    (Some(b), Some(p)) if p.1 > b.1 + PYTHON_MARGIN => {
                        cx.memory.vote(Losses::ByteByByte);
                        Some(p)
                    }
                    (Some(b), Some(p)) if b.1 > p.1 + PYTHON_MARGIN => {
                        cx.memory.vote(Losses::Browser);
                        Some(b)
                    }
                    // Close, the reading whose characters keep to one script wins: the
                    // readers differ on a few characters, the rest says which script
                    // the text is in (`总线、Э、设备` is `桥` as Python reads, `萊` as
                    // a browser does).
                    (Some(b), Some(p)) if other_script_count(&p.0) < other_script_count(&b.0) => {
                        Some(p)
                    }
                    (Some(b), _) => Some(b),
                    (None, p) => p,
                }
            }
        },
        // Python's GBK loses a byte of Big5 before a trail it then reads alone (`�A` is
        // `，`) or before the next character, out of step; a U+FFFD before a space, a
        // digit or a mark (`浜�:`) is UTF-8 read as GBK, and weighing every Big5 byte for
        // it was a tenth of the time spent on such text.
        (Misread::Gbk, Original::Big5) => {
            let mut lost = run.chars().zip(run.chars().skip(1).chain(['\n']));
            let python_lost = lost.clone().any(|(c, next)| c == '\u{FFFD}' && next >= '@');
            let other_lost = lost.any(|(c, next)| c == '\u{FFFD}' && next < '@');
            (python_lost || !other_lost)
                .then(|| undo_layer_losing(run, layer, Losses::ByteByByte, strictness, cx))
                .flatten()
        }
        _ => undo_layer_losing(run, layer, Losses::Browser, strictness, cx),
    }
}

/// What Python's reading of a run must gain beyond a browser's to be taken for it, in
/// half bits.
const PYTHON_MARGIN: i64 = 2 * 2;

/// Runs one reader must have won, and the other none, to be the text's.
const READER_SETTLED: usize = 3;

/// [`undo_layer`], with bytes lost one way.
fn undo_layer_losing(
    run: &str,
    (misread, original, evidence): (Misread, Original, Evidence),
    losses: Losses,
    strictness: Strictness,
    cx: RunContext,
) -> Option<(String, i64)> {
    let mut m = Misreading::of(run, misread, original, losses);
    // Read as UTF-8, bytes with no multi-byte sequence in them give back only the ASCII
    // they are: nothing to gain, unless a lost byte, once filled, makes one.
    if original == Original::Utf8 && !m.units.contains(&Unit::Lost) && !has_utf8_sequence(&m.bytes)
    {
        return None;
    }
    // Segments run between barriers. Each is filled first (filling reads only the bytes
    // before it and its own), then undone.
    let kept = cx.memory.keeping_fills.get() && m.units.contains(&Unit::Lost);
    let key = kept.then(|| (run.to_owned(), misread, original, losses));
    let cached = key
        .as_ref()
        .and_then(|key| cx.memory.fills.borrow().get(key).cloned());
    match cached {
        Some(bytes) => m.bytes = bytes,
        None => {
            let mut i = 0;
            while let Some(segment) = segment_from(&m.units, i) {
                i = segment.end;
                if m.units[segment.start] != Unit::Barrier {
                    fill_lost_bytes(&mut m, segment, (misread, original), cx);
                }
            }
            if let Some(key) = key {
                cx.memory.keep_fill(key, &m.bytes);
            }
        }
    }
    let mut out = String::with_capacity(run.len());
    let mut total = 0;
    let mut i = 0;
    while let Some(segment) = segment_from(&m.units, i) {
        i = segment.end;
        if m.units[segment.start] == Unit::Barrier {
            out.push(m.chars[segment.start]);
            continue;
        }
        total += undo_pieces(
            &m,
            segment,
            original,
            (evidence, strictness),
            [cx.edges.before, Some(cx.edges.after)],
            Some(&mut out),
        );
    }
    (total > 0 && out != run).then_some((out, total))
}

/// The segment of a misreading that starts at unit `i`: a barrier alone, or the units up
/// to the next one.
fn segment_from(units: &[Unit], i: usize) -> Option<Range<usize>> {
    if i >= units.len() {
        return None;
    }
    let end = (i..units.len())
        .find(|&k| units[k] == Unit::Barrier)
        .unwrap_or(units.len());
    Some(i..end.max(i + 1))
}

/// Whether `bytes` hold a well-formed multi-byte UTF-8 sequence anywhere.
fn has_utf8_sequence(bytes: &[u8]) -> bool {
    (0..bytes.len()).any(|i| {
        let len = match bytes[i] {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return false,
        };
        bytes
            .get(i..i + len)
            .is_some_and(|seq| std::str::from_utf8(seq).is_ok())
    })
}

/// How many characters on each side of a lost byte show which byte it was.
const FILL_WINDOW: usize = 6;

/// Fills the lost bytes of a segment with no barrier, left to right, each with the byte
/// that makes the text around it cheapest in the original encoding (bytes that do not
/// decode count as U+FFFD). Margins are not applied here: they judge the repair as a
/// whole afterwards. Only a lost byte next to real ones is worth a guess, and only in a
/// segment that is mostly real bytes: a run of U+FFFD holds nothing to recover.
fn fill_lost_bytes(
    m: &mut Misreading,
    segment: Range<usize>,
    (misread, original): (Misread, Original),
    cx: RunContext,
) {
    let candidates = lost_bytes(misread, original);
    if candidates.is_empty() {
        return;
    }
    let units = &m.units[segment.clone()];
    let lost = units.iter().filter(|&&u| u == Unit::Lost).count();
    // (Lost one at a time, a byte is a unit of its own, and what the byte after it
    // allows makes a guess nearly sure: twice as many may be.)
    let share = match m.losses {
        Losses::ByteByByte if original != Original::Utf8 => MAX_LOST_SHARE / 2,
        _ => MAX_LOST_SHARE,
    };
    if lost == 0 || lost > 2 + units.len() / share {
        return;
    }
    // Decoded once for the segment: the bytes still lost count as neither script.
    let lean = if original == Original::Utf8 {
        let bytes = &m.bytes[m.starts[segment.start]..m.starts[segment.end]];
        script_lean(&String::from_utf8_lossy(bytes))
    } else {
        None
    };
    let mut after_pair = None;
    // The characters of UTF-8 guessed while one after them in their window was still lost,
    // and the bytes guessed in each: they are guessed again once it is filled (`涓�涓�`,
    // `一个`, both lost: `中` wins the first while the second is unknown).
    let mut blind: Vec<(usize, Range<usize>, Vec<usize>)> = Vec::new();
    for k in segment.clone() {
        // (A byte may have been filled together with the one before it, or left lost
        // with it.)
        if !m.still_lost(k) || after_pair == Some(k) {
            continue;
        }
        let near = k.saturating_sub(1).max(segment.start)..(k + 2).min(segment.end);
        if !near.into_iter().any(|j| m.units[j] == Unit::Bytes) {
            continue;
        }
        if m.starts[k + 1] - m.starts[k] == 2 {
            fill_lost_pair(m, k..k + 1, segment.clone(), original, cx);
            continue;
        }
        let byte_by_byte = m.losses == Losses::ByteByByte && original != Original::Utf8;
        if byte_by_byte {
            // Two bytes lost in a row: a character lost whole.
            if k + 1 < segment.end && m.units[k + 1] == Unit::Lost {
                fill_lost_pair(m, k..k + 2, segment.clone(), original, cx);
                after_pair = Some(k + 1);
                continue;
            }
        } else if loses_pairs(misread, original) {
            fill_lost_lead(m, k, segment.clone(), original);
            continue;
        }
        // (Double-byte text read out of step comes back in step within a few
        // characters: a narrower window shows as much, and is decoded for every guess.)
        let reach = if byte_by_byte {
            FILL_WINDOW - 2
        } else {
            FILL_WINDOW
        };
        let from = m.starts[k.saturating_sub(reach).max(segment.start)];
        let to = m.starts[(k + reach + 1).min(segment.end)];
        let at = m.starts[k];
        // No continuation byte makes a character here, or the bytes around are not
        // UTF-8 anyway: every guess is as bad.
        if original == Original::Utf8
            && !(may_complete_utf8(&m.bytes[from..to], at - from)
                && mostly_utf8(&m.bytes[from..to]))
        {
            continue;
        }
        let around = Around::window(&cx, from, to == m.bytes.len(), lean);
        if original == Original::Utf8 {
            let filled = fill_utf8_window(m, at, from..to, (misread, candidates), around, cx);
            if let Some(filled) = filled {
                blind.push((at, from..to, filled));
            }
            continue;
        }
        let (_, rest) = m.bytes.split_at_mut(from);
        let window = &mut rest[..to - from];
        // Lost one at a time, a byte is any the reading could not read before the next.
        let next = window
            .get(at - from + 1)
            .copied()
            .filter(|&b| b != UNFILLED);
        // The window with what stands around it, where it reaches an end of the run
        // (`2023�~` is `2023年`).
        // Only the bytes from the character the guess is in on read differently from one
        // guess to the next: what comes before is decoded and costed once.
        let mut text = String::new();
        let mut before = model::Costing::default();
        around.before.into_iter().for_each(|c| before.push(c));
        let split = original.boundary_before(window, at - from).unwrap_or(0);
        original.lenient_decode_into(&window[..split], &mut text);
        text.chars().for_each(|c| before.push(c));
        // Which byte wins depends on nothing but the bytes from that character on and the
        // state the costing is left in before it: found once per text.
        let prev = (at > from).then(|| window[at - from - 1]);
        let key: ByteFillKey = (
            (misread, original, byte_by_byte),
            before.state(),
            window[split..].to_vec(),
            (at - from - split, prev),
            around.after,
        );
        if let Some(&b) = cx.memory.byte_fills.borrow().get(&key) {
            window[at - from] = b;
            continue;
        }
        let mut cost = |window: &[u8]| {
            original.lenient_decode_into(&window[split..], &mut text);
            let mut costing = before;
            text.chars()
                .chain(around.after)
                .for_each(|c| costing.push(c));
            costing.total
        };
        window[at - from] = {
            let mut best = (cost(window), UNFILLED);
            // A byte that makes a character with neither neighbour is no better than the
            // loss (and each guess decodes the window).
            let makes_one = |pair: Option<[u8; 2]>| {
                pair.is_some_and(|pair| codecs::is_a_character(original, pair))
            };
            for &b in candidates {
                if byte_by_byte
                    && !(codecs::may_have_lost(misread, b, next)
                        && (makes_one(prev.map(|p| [p, b])) || makes_one(next.map(|n| [b, n]))))
                {
                    continue;
                }
                window[at - from] = b;
                let cost = cost(window);
                if cost < best.0 {
                    best = (cost, b);
                }
            }
            best.1
        };
        let mut remembered = cx.memory.byte_fills.borrow_mut();
        if remembered.len() < MAX_REMEMBERED_BYTES {
            remembered.insert(key, window[at - from]);
        }
    }
    for (at, window, guessed) in blind {
        guessed.iter().for_each(|&i| m.bytes[i] = UNFILLED);
        let around = Around::window(&cx, window.start, window.end == m.bytes.len(), lean);
        fill_utf8_window(m, at, window, (misread, candidates), around, cx);
    }
}

/// Fills the lost byte of UTF-8 at `at` (and the lost bytes after it in its character)
/// in the window `span` of the run's bytes (see [`fill_continuations`]). Returns the bytes
/// it filled when some byte after the character in the window was still lost: the guess
/// was made without it.
fn fill_utf8_window(
    m: &mut Misreading,
    at: usize,
    span: Range<usize>,
    lost: (Misread, &[u8]),
    around: Around,
    cx: RunContext,
) -> Option<Vec<usize>> {
    let holes: Vec<usize> = span.clone().filter(|&i| m.bytes[i] == UNFILLED).collect();
    let (run_before, rest) = m.bytes.split_at_mut(span.start);
    let window = &mut rest[..span.len()];
    let before = (&*run_before, &mut m.marks);
    fill_continuations(window, at - span.start, lost, around, before, cx.memory);
    let filled: Vec<usize> = holes
        .iter()
        .copied()
        .filter(|&i| m.bytes[i] != UNFILLED)
        .collect();
    let blind = filled
        .last()
        .is_some_and(|&last| holes.iter().any(|&i| i > last && m.bytes[i] == UNFILLED));
    blind.then_some(filled)
}

/// Fills the lost byte at `at` of the UTF-8 `window`, and the lost bytes right after it
/// in the same character (cp1252 loses `90 8D` of `名` together), with the continuation
/// bytes of `candidates` that make it cheapest (bytes that do not decode counting as
/// U+FFFD), or leaves them [`UNFILLED`] when nothing is cheaper than the loss. `around`
/// is what stands before and after the window, where it reaches an end of its run: the
/// character before a pinyin annotation must be one the syllable is a reading of
/// (`我(zhàn)` is `戰(zhàn)`, and Traditional); `run_before` is the run's bytes before the
/// window, where (or earlier on the line, `around.open`) a bracket or quote a guessed mark
/// may close was opened, and `marks` what was read of them so far. A guess next to Latin
/// text is weighed by how often it stands there (`model::before_latin_cost`). A byte that
/// is not a continuation byte ends any sequence before it, so only the bytes between the
/// nearest such bytes on either side of `at` read differently from one guess to the next:
/// what lies outside is decoded and costed once.
fn fill_continuations(
    window: &mut [u8],
    at: usize,
    (misread, candidates): (Misread, &[u8]),
    around: Around,
    (run_before, marks): (&[u8], &mut OpenScan),
    memory: &Memory,
) {
    let is_continuation = |b: u8| (0x80..=0xBF).contains(&b);
    debug_assert!(candidates.iter().all(|&b| is_continuation(b)));
    let start = (0..at)
        .rev()
        .find(|&i| !is_continuation(window[i]))
        .unwrap_or(0);
    // A character is at most four bytes: lost bytes further on are another one's.
    let end = (at + 1..window.len())
        .find(|&i| !(is_continuation(window[i]) || window[i] == UNFILLED) || i >= start + 4)
        .unwrap_or(window.len());
    let mut holes: Vec<usize> = (at..end)
        .filter(|&i| i == at || window[i] == UNFILLED)
        .collect();
    // The byte after a hole, where it is known: the reading lost the hole's byte before
    // it (see `codecs::may_have_lost`).
    let byte_after = |window: &[u8], hole: usize| match window.get(hole + 1) {
        Some(&UNFILLED) => None,
        Some(&b) => Some(b),
        None => around.after.filter(char::is_ascii).map(|c| c as u8),
    };
    let nexts: Vec<Option<u8>> = holes.iter().map(|&h| byte_after(window, h)).collect();
    let mut before = model::Costing::default();
    around
        .before
        .into_iter()
        .chain(String::from_utf8_lossy(&window[..start]).chars())
        .for_each(|c| before.push(c));
    let mut after: Vec<char> = String::from_utf8_lossy(&window[end..])
        .chars()
        .chain(around.after)
        .collect();
    // From the first character of some script on, what follows costs the same after every
    // guess: it is costed once, here.
    let settled_tail = after
        .iter()
        .position(|&c| model::Costing::settled_by(c).is_some());
    let tail_cost = settled_tail.map_or(0, |k| {
        let mut tail = model::Costing::settled_by(after[k]).expect("a settling character");
        after[k + 1..].iter().for_each(|&c| tail.push(c));
        after.truncate(k + 1);
        tail.total
    });
    // The annotated character is the window's last, when it is the one being guessed.
    let reading = around.reading.filter(|_| end == window.len());
    // The bracket or quote left open before the character, when it may be a paired mark
    // (a three-byte character led by E2, E3 or EF), so that a guess can close it.
    let open = match window[start] {
        0xE2 | 0xE3 | 0xEF => marks.innermost(around.open, [run_before, &window[..start]]),
        _ => None,
    };
    // Everything the guesses are weighed by, but the text's own words and the cost of what
    // stands before and after, which is the same for all of them.
    let key = ChoiceKey {
        misread,
        at: at - start,
        bytes: window[start..end].to_vec(),
        nexts,
        before: before.state(),
        after,
        reading,
        lean: around.lean,
        open,
    };
    let offset = before.total as i64 + tail_cost as i64;
    let words = memory.words.borrow();
    let (prev, next) = (before.last(), key.after.first().copied());
    // The pairs a guess makes with its neighbours that the text itself wrote elsewhere.
    let own_words = |contender: &Contender| {
        let before = prev.is_some_and(|p| words.contains(p, contender.first));
        let after = next.is_some_and(|n| words.contains(contender.last, n));
        before as i64 + after as i64
    };
    // Texts lose the same bytes in the same places again and again: the guesses that can
    // still win in a context are found once per text, and only they are weighed with the
    // words the text has shown by then.
    let choices = memory.choices.borrow();
    let cached = choices
        .get(&key)
        .filter(|choices| choices.usable_at(offset));
    let best = match cached {
        Some(choices) => {
            holes.truncate(choices.holes);
            choose(&choices.contenders, offset, own_words)
        }
        None => {
            drop(choices);
            let choices = weigh_guesses(window, start..end, &holes, &key, candidates, memory);
            holes.truncate(choices.holes);
            let best = choose(&choices.contenders, offset, own_words);
            let mut remembered = memory.choices.borrow_mut();
            if remembered.len() < MAX_REMEMBERED {
                remembered.insert(key, choices.keeping_contenders());
            }
            best
        }
    };
    fill_holes(window, &holes, best);
}

/// Sets the `holes` of `window` to `bytes`.
fn fill_holes(window: &mut [u8], holes: &[usize], bytes: [u8; 4]) {
    holes
        .iter()
        .zip(bytes)
        .for_each(|(&hole, b)| window[hole] = b);
}

/// `f` of the characters `bytes` decode to (U+FFFD for each that does not): a few, read
/// into an array on the stack unless they are a run of stray continuation bytes.
fn with_guessed<T>(bytes: &[u8], f: impl FnOnce(&[char]) -> T) -> T {
    let mut few = ['\0'; 8];
    if bytes.len() <= few.len() {
        // Decoded as `String::from_utf8_lossy` would, with nothing allocated.
        let mut n = 0;
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                few[n] = c;
                n += 1;
            }
            if !chunk.invalid().is_empty() {
                few[n] = '\u{FFFD}';
                n += 1;
            }
        }
        f(&few[..n])
    } else {
        f(&String::from_utf8_lossy(bytes).chars().collect::<Vec<_>>())
    }
}

/// How many contexts of lost bytes a text's repair remembers the guesses of (see
/// [`fill_continuations`]; a few hundred bytes each), and the byte found for (see
/// [`fill_lost_bytes`]; a few dozen): real text repeats its contexts early, and text that
/// never does (random characters garbled) must not fill memory with them.
const MAX_REMEMBERED: usize = 4096;
const MAX_REMEMBERED_BYTES: usize = 32768;

/// A character some of whose bytes were lost, in its context: everything its guesses are
/// weighed by but the text's own words (see [`fill_continuations`]).
#[derive(PartialEq, Eq, Hash)]
struct ChoiceKey {
    misread: Misread,
    /// The first lost byte, in `bytes`.
    at: usize,
    /// The character's bytes, its holes unfilled.
    bytes: Vec<u8>,
    /// The byte after each hole, where known.
    nexts: Vec<Option<u8>>,
    /// The costing's state before the character.
    before: model::Costing,
    /// What follows it, up to the first character that settles the costing.
    after: Vec<char>,
    reading: Option<Reading>,
    lean: Option<Script>,
    open: Option<char>,
}

/// The guesses for a character's holes, weighed in one context.
struct Choices {
    /// How many of the holes the guesses fill.
    holes: usize,
    /// The least any guess costs before the text's own words are counted (the loss
    /// itself is one guess), less what stands around it.
    least: i64,
    /// The guesses, the loss first: all of them as weighed, only those whose bound is
    /// within `least` as kept.
    contenders: Vec<Contender>,
}

#[derive(Clone, Copy)]
struct Contender {
    /// `cost` less every bonus the text's words could give it: one for each neighbour
    /// it makes a pair of Han characters with.
    bound: i32,
    cost: i32,
    /// Its place among the guesses, the loss first: of two that cost the same, the
    /// first is taken.
    order: u16,
    /// What it fills the holes with.
    bytes: [u8; 4],
    /// The first and last characters it reads as (one for a whole character), which
    /// make pairs with the neighbours.
    first: char,
    last: char,
}

impl Choices {
    /// Whether the contenders kept can still be chosen from, once what stands around the
    /// character costs `offset`: a guess left out cost more than `least` even with every
    /// bonus, so it cannot win where the best costs that much. (Costs are floored at zero,
    /// where guesses tie and the first is taken: there, all must be weighed again.)
    fn usable_at(&self, offset: i64) -> bool {
        self.least + offset > 0
    }

    /// These choices with only the contenders that can win wherever they are usable.
    fn keeping_contenders(mut self) -> Choices {
        let least = self.least;
        self.contenders.retain(|c| c.bound as i64 <= least);
        self.contenders.shrink_to_fit();
        self
    }
}

/// The bytes of the guess that costs least once `own_words` (how many pairs it makes with
/// the text's own words) are counted, and what stands around costs `offset`; the first of
/// those that cost the same, as weighing every guess in order finds.
fn choose(contenders: &[Contender], offset: i64, own_words: impl Fn(&Contender) -> i64) -> [u8; 4] {
    let cost = |c: &Contender| (c.cost as i64 + offset - own_words(c) * OWN_WORD_BONUS).max(0);
    contenders
        .iter()
        .min_by_key(|c| (cost(c), c.order))
        .map_or([UNFILLED; 4], |c| c.bytes)
}

/// Every guess for the holes of the character at `span` of `window`, weighed in the
/// context `key` gives, without the text's own words.
fn weigh_guesses(
    window: &mut [u8],
    span: Range<usize>,
    holes: &[usize],
    key: &ChoiceKey,
    candidates: &[u8],
    memory: &Memory,
) -> Choices {
    let unfilled = Contender {
        bound: 0,
        cost: 0,
        order: 0,
        bytes: [UNFILLED; 4],
        first: '\0',
        last: '\0',
    };
    // Which bytes the holes may hold depends on the bytes of the character and after it
    // alone: found once per text.
    let guess_key = (key.misread, key.bytes.clone(), key.nexts.clone());
    let cached = memory.guesses.borrow().get(&guess_key).cloned();
    let (kept_holes, combinations) = match cached {
        Some(found) => found,
        None => {
            let lost = (key.misread, candidates);
            let found = guesses(window, span.clone(), holes, &key.nexts, lost);
            let mut remembered = memory.guesses.borrow_mut();
            if remembered.len() < MAX_REMEMBERED {
                remembered.insert(guess_key, found.clone());
            }
            found
        }
    };
    if combinations.is_empty() {
        return Choices {
            holes: 0,
            least: i64::MAX / 4,
            contenders: Vec::new(),
        };
    }
    let holes = &holes[..kept_holes];
    // GBK and Big5 lose the last byte of a character before ASCII: which characters
    // stand before a Latin word, a number or a space is evidence there.
    let is_latin = |c: char| c.is_ascii_alphanumeric() || c == ' ';
    let before_latin = key.after.first().is_some_and(|&c| is_latin(c));
    let after_latin = key.before.last().is_some_and(is_latin);
    let cost = |guessed: &[char]| {
        let mut costing = key.before;
        guessed
            .iter()
            .chain(&key.after)
            .for_each(|&c| costing.push(c));
        let annotated = key.reading.and(guessed.last().copied());
        let misread = key
            .reading
            .is_some_and(|r| !annotated.is_some_and(|c| r.fits(c)));
        // Injected annotations follow Traditional characters (the sites that inject
        // them annotate the characters that have a simplified form): `戰(zhàn)`, not `战`.
        let lean = key.lean.or(annotated.map(|_| Script::Traditional));
        let other_script = guessed.iter().any(|&c| is_of_other_script(c, lean));
        // What the marks around and the Latin text beside the guess add or take off.
        let mut adjustment: i64 = guessed.iter().map(|&c| balance_cost(c, key.open)).sum();
        if before_latin {
            adjustment += guessed.last().map_or(0, |&c| model::before_latin_cost(c));
        }
        if after_latin {
            adjustment += guessed.first().map_or(0, |&c| model::after_latin_cost(c));
        }
        let total = costing.total
            + if misread { NOT_THE_READING } else { 0 }
            + if other_script { OTHER_SCRIPT } else { 0 };
        let cost = total as i64 + adjustment;
        // The pairs of Han characters the guess makes with its neighbours: the text's
        // words can take off a bonus for each. (Within a guess of four bytes at most,
        // two Han characters never stand.)
        let (first, last) = (guessed[0], guessed[guessed.len() - 1]);
        let pairs = (is_han(first) && key.before.last().is_some_and(is_han)) as i64
            + (is_han(last) && key.after.first().copied().is_some_and(is_han)) as i64;
        let bound = cost - pairs * OWN_WORD_BONUS;
        (bound as i32, cost as i32, first, last)
    };
    let contenders: Vec<Contender> = std::iter::once(unfilled)
        .chain(
            combinations
                .iter()
                .zip(1..)
                .map(|(&bytes, order)| Contender {
                    order,
                    bytes,
                    ..unfilled
                }),
        )
        .map(|contender| {
            fill_holes(window, holes, contender.bytes);
            let (bound, cost, first, last) = with_guessed(&window[span.clone()], cost);
            Contender {
                bound,
                cost,
                first,
                last,
                ..contender
            }
        })
        .collect();
    Choices {
        holes: kept_holes,
        least: contenders.iter().map(|c| c.cost as i64).min().unwrap_or(0),
        contenders,
    }
}

/// The bytes to weigh in the `holes` of the character at `span` of `window` (each hole
/// before the byte `nexts` gives): every combination the reading may have lost, or the
/// [`MAX_GUESSES`] whose characters cost least on their own where there are more; and how
/// many of the holes they fill (the first alone where the holes together make too many).
/// Nothing where a hole has no byte to hold.
fn guesses(
    window: &mut [u8],
    span: Range<usize>,
    holes: &[usize],
    nexts: &[Option<u8>],
    (misread, candidates): (Misread, &[u8]),
) -> Guesses {
    let mut choices: Vec<Vec<u8>> = nexts
        .iter()
        .map(|&next| {
            candidates
                .iter()
                .copied()
                .filter(|&b| codecs::may_have_lost(misread, b, next))
                .collect()
        })
        .collect();
    // Five bytes cp1252 lost make 25 guesses for two holes; two continuation bytes a
    // double-byte reading lost before ASCII make 4,096, of which the cheapest characters
    // are weighed (below); three would make too many, and are guessed one at a time.
    let mut holes = holes;
    if choices.iter().map(Vec::len).product::<usize>() > MAX_COMBINATIONS {
        holes = &holes[..1];
        choices.truncate(1);
    }
    if choices.iter().any(Vec::is_empty) {
        return (0, Vec::new());
    }
    // Every combination of choices in the holes, counted like a number whose digits are
    // indices into them; a hole before another makes a pair the reading must have lost.
    let mut combinations: Vec<[u8; 4]> = Vec::with_capacity(choices[0].len());
    let mut digits = vec![0; holes.len()];
    'combinations: loop {
        for ((&hole, &digit), choices) in holes.iter().zip(&digits).zip(&choices) {
            window[hole] = choices[digit];
        }
        let possible = holes.windows(2).all(|pair| {
            pair[1] != pair[0] + 1
                || codecs::may_have_lost(misread, window[pair[0]], Some(window[pair[1]]))
        });
        if possible {
            let mut bytes = [UNFILLED; 4];
            holes
                .iter()
                .zip(&mut bytes)
                .for_each(|(&hole, b)| *b = window[hole]);
            combinations.push(bytes);
        }
        for (digit, choices) in digits.iter_mut().zip(&choices) {
            *digit += 1;
            if *digit < choices.len() {
                continue 'combinations;
            }
            *digit = 0;
        }
        break;
    }
    // Too many to weigh in full: the ones whose characters cost least on their own, those
    // that do not decode left out. (The context moves a character's cost by a few pair
    // bonuses at most: the winner is among them.)
    if combinations.len() > MAX_GUESSES {
        let mut scored: Vec<(u32, [u8; 4])> = combinations
            .into_iter()
            .filter_map(|bytes| {
                holes
                    .iter()
                    .zip(&bytes)
                    .for_each(|(&hole, &b)| window[hole] = b);
                let text = std::str::from_utf8(&window[span.clone()]).ok()?;
                Some((model::cost(text), bytes))
            })
            .collect();
        if scored.len() > MAX_GUESSES {
            scored.select_nth_unstable_by_key(MAX_GUESSES, |(cost, _)| *cost);
            scored.truncate(MAX_GUESSES);
        }
        combinations = scored.into_iter().map(|(_, bytes)| bytes).collect();
    }
    holes.iter().for_each(|&hole| window[hole] = UNFILLED);
    (holes.len(), combinations)
}

/// Fills a pair the reading lost whole with the character that fits best between its
/// neighbours, among the thousands it may have been — only when it fits clearly better
/// than any other: a guess among thousands is otherwise a plausible wrong character,
/// and U+FFFD, which says that something was lost, stays. Candidates come cheapest
/// first, so the search stops where even two pair bonuses could not come near the best.
fn fill_lost_pair(
    m: &mut Misreading,
    lost: Range<usize>,
    segment: Range<usize>,
    original: Original,
    cx: RunContext,
) {
    let k = lost.start;
    // A character lost next to another still lost has one side to be judged by: among
    // thousands of candidates, that picks a plausible wrong one (`�們的` for `簡單的`).
    let is_lost = |j: usize| segment.contains(&j) && m.still_lost(j);
    if k.checked_sub(1).is_some_and(is_lost) || is_lost(lost.end) {
        return;
    }
    let prev = k
        .checked_sub(1)
        .and_then(|j| m.char_in(j, &segment, original));
    let next = m.char_in(lost.end, &segment, original);
    // Lost byte by byte, the pair is one the reading could not read, before a byte it
    // could not read it with either (`codecs::may_have_lost`); a browser's Big5 loses
    // the GBK pairs it has no character for.
    let (misread, byte_by_byte) = (m.misread, m.losses == Losses::ByteByByte);
    // (A zero-width character has no bytes: what follows it is the byte after.)
    let byte_after = if byte_by_byte && lost.end < segment.end {
        m.bytes
            .get(m.starts[lost.end])
            .copied()
            .filter(|&b| b != UNFILLED)
    } else {
        None
    };
    let list: &'static [(char, [u8; 2])] = match byte_by_byte {
        true => codecs::pairs_lost_byte_by_byte(misread, original),
        false => &GBK_PAIRS_BIG5_LOSES,
    };
    let candidate = |&&(_, [_, trail]): &&(char, [u8; 2])| {
        !byte_by_byte || codecs::may_have_lost(misread, trail, byte_after)
    };
    // The last character of a run before a pinyin annotation is one it is a reading of.
    let reading = cx.edges.reading.filter(|_| lost.end == m.chars.len());
    let at = m.starts[k];
    if let Some(reading) = reading {
        if let Some(pair) = best_lost_pair_read(prev, reading, list.iter().filter(candidate)) {
            m.bytes[at..at + 2].copy_from_slice(&pair);
        }
        return;
    }
    // The same neighbours come back often (common characters, and every run is undone
    // several ways): each pair of them is weighed once per text.
    let key = (prev, next, byte_by_byte.then_some((original, byte_after)));
    let fill = *cx
        .memory
        .pairs
        .borrow_mut()
        .entry(key)
        .or_insert_with(|| best_lost_pair(prev, next, list, candidate, cx.memory));
    if let Some(pair) = fill {
        m.bytes[at..at + 2].copy_from_slice(&pair);
    }
}

/// The GBK pair Big5 lost after `prev` and before an annotation that reads `reading`:
/// the cheapest of the characters read so, when it is clearly the cheapest.
fn best_lost_pair_read<'a>(
    prev: Option<char>,
    reading: Reading,
    candidates: impl Iterator<Item = &'a (char, [u8; 2])>,
) -> Option<[u8; 2]> {
    let mut costs: Vec<(u32, [u8; 2])> = candidates
        .filter(|&&(c, _)| reading.fits(c))
        .map(|&(c, pair)| {
            let mut costing = model::Costing::default();
            prev.into_iter().for_each(|p| costing.push(p));
            costing.push(c);
            (costing.total, pair)
        })
        .collect();
    costs.sort_unstable_by_key(|&(cost, _)| cost);
    match costs[..] {
        [(_, pair)] => Some(pair),
        [(best, pair), (runner_up, _), ..] if runner_up >= best + LOST_PAIR_MARGIN => Some(pair),
        _ => None,
    }
}

/// What the repair of one text remembers as it goes: the fill found for a lost pair
/// between two neighbours, and the text's own words — the pairs of Han characters in the
/// runs it repaired with no byte lost. A byte lost in `王毅` is `毅` where the text wrote
/// `王毅` before, not the `母` of the commoner word `王母`.
#[derive(Default)]
pub(crate) struct Memory {
    pairs: RefCell<HashMap<Neighbours, Option<[u8; 2]>>>,
    /// Which characters of a list of candidates for a lost pair (by the list's address)
    /// may make a word with a neighbour, found once per text (see [`best_lost_pair`]).
    partners: RefCell<HashMap<(Side, usize), Vec<u32>>>,
    /// The bytes weighed for the holes of a character lost bytes of (see [`guesses`]),
    /// where there were too many to weigh them all: by reading, the character's bytes
    /// with its holes, and the byte after each hole.
    guesses: RefCell<HashMap<GuessKey, Guesses, PairHashing>>,
    /// The guesses that can win for a character lost bytes of, by context (see
    /// [`fill_continuations`]).
    choices: RefCell<HashMap<ChoiceKey, Choices, PairHashing>>,
    /// The byte found for a byte of a double-byte encoding lost, by context (see
    /// [`fill_lost_bytes`]).
    byte_fills: RefCell<HashMap<ByteFillKey, u8, PairHashing>>,
    words: RefCell<Words>,
    /// The bytes of a run with its lost bytes filled, by run and reading, while one run is
    /// weighed: its layers are undone again and again on the way to an answer (alone,
    /// confirmed, along paths), and filling is most of the work.
    fills: RefCell<HashMap<FillKey, Vec<u8>, PairHashing>>,
    /// How many bytes the fills kept hold, their runs with them.
    fills_held: Cell<usize>,
    /// Whether fills are kept: only while a run is weighed every way (`repair_run`).
    keeping_fills: Cell<bool>,
    /// How often each reader's losses undid a run clearly better than the other's:
    /// a browser's, then Python's.
    readers: Cell<[usize; 2]>,
}

type PairHashing = BuildHasherDefault<PairHasher>;

/// A character some of whose bytes were lost: the reading, its bytes with the holes, and
/// the byte after each hole.
type GuessKey = (Misread, Vec<u8>, Vec<Option<u8>>);

/// How many holes of a character are guessed, and the bytes weighed for them.
type Guesses = (usize, Vec<[u8; 4]>);

/// A lost byte of GBK or Big5: the reading (and whether it lost bytes one at a time),
/// the costing's state before the character the byte is in, the bytes from that character
/// to the end of the window, where the byte is among them and the byte before it, and
/// what follows the window where it ends the run.
type ByteFillKey = (
    (Misread, Original, bool),
    model::Costing,
    Vec<u8>,
    (usize, Option<u8>),
    Option<char>,
);

/// A run, and the reading whose lost bytes were filled in it.
type FillKey = (String, Misread, Original, Losses);

/// The most bytes the fills of one run may hold: a run is weighed along dozens of paths,
/// each with texts of its own, and a run of a megabyte with no line break in it would
/// otherwise keep a hundred megabytes of them.
const MAX_FILLS_HELD: usize = 16 << 20;

/// Pairs of Han characters, and which characters (by their low 16 bits) begin and end
/// one: a guess weighs dozens of characters, and most of them end no pair the text wrote.
/// (Allocated on the first pair: most texts have none to learn.)
#[derive(Default)]
struct Words {
    pairs: HashSet<(char, char), BuildHasherDefault<PairHasher>>,
    firsts: Vec<u64>,
    seconds: Vec<u64>,
}

impl Words {
    fn insert(&mut self, a: char, b: char) {
        if self.firsts.is_empty() {
            self.firsts = vec![0; 1024];
            self.seconds = vec![0; 1024];
        }
        self.pairs.insert((a, b));
        set_bit(&mut self.firsts, a);
        set_bit(&mut self.seconds, b);
    }

    fn contains(&self, a: char, b: char) -> bool {
        has_bit(&self.firsts, a) && has_bit(&self.seconds, b) && self.pairs.contains(&(a, b))
    }
}

fn set_bit(bits: &mut [u64], c: char) {
    let i = c as usize & 0xFFFF;
    bits[i / 64] |= 1 << (i % 64);
}

fn has_bit(bits: &[u64], c: char) -> bool {
    let i = c as usize & 0xFFFF;
    bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

/// A hasher for pairs of characters, one multiplication per character: the standard
/// one, made to resist chosen keys, was an eighth of the time spent on garbled text.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        // (A product's high bits depend on all of the input, its low ones, which pick the
        // bucket, only on the input's low bits: fold the high half in.)
        self.0 ^ self.0 >> 32
    }

    /// Eight bytes at a time: keys hold a run's bytes, hashed at every look-up.
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.write_u64(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(last) ^ (rest.len() as u64) << 56);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl Memory {
    /// The reader of the text, once one has won [`READER_SETTLED`] times and the other
    /// never.
    fn reader(&self) -> Option<Losses> {
        match self.readers.get() {
            [n, 0] if n >= READER_SETTLED => Some(Losses::Browser),
            [0, n] if n >= READER_SETTLED => Some(Losses::ByteByByte),
            _ => None,
        }
    }

    fn vote(&self, losses: Losses) {
        let mut readers = self.readers.get();
        readers[(losses == Losses::ByteByByte) as usize] += 1;
        self.readers.set(readers);
    }

    /// Forgets the fills of the run weighed last: the next one stands in another context.
    fn next_run(&self) {
        let mut fills = self.fills.borrow_mut();
        if !fills.is_empty() {
            fills.clear();
            self.fills_held.set(0);
        }
    }

    /// Keeps the bytes of a run with its lost bytes filled, while the fills kept hold
    /// less than [`MAX_FILLS_HELD`].
    fn keep_fill(&self, key: FillKey, bytes: &[u8]) {
        let held = self.fills_held.get() + key.0.len() + bytes.len();
        if held <= MAX_FILLS_HELD {
            self.fills_held.set(held);
            self.fills.borrow_mut().insert(key, bytes.to_vec());
        }
    }

    /// Remembers the pairs of Han characters of `repaired`.
    fn learn(&self, repaired: &str) {
        let words = &mut *self.words.borrow_mut();
        let mut prev = None;
        for c in repaired.chars() {
            let c = Some(c).filter(|&c| is_han(c));
            if let (Some(a), Some(b)) = (prev, c) {
                words.insert(a, b);
            }
            prev = c;
        }
    }
}

/// What a guess for a lost byte gains (half bits) for making, with a neighbour, a pair of
/// Han characters the text itself wrote elsewhere (see [`Memory`]).
const OWN_WORD_BONUS: i64 = 2 * 8;

/// What undoing a run draws on besides the run: what its text showed so far, and
/// what stands next to it there.
#[derive(Clone, Copy)]
struct RunContext<'a> {
    memory: &'a Memory,
    edges: Edges,
}

/// The characters just outside a run (ASCII, since runs end where ASCII starts): `None`
/// before a run that starts the text, and a line feed after one that ends it. A UTF-8
/// byte lost at a run's edge (GBK and Big5 swallow the last byte of a character before
/// ASCII) is guessed with them in view: `12月`, and `“` is no line's end.
#[derive(Clone, Copy)]
struct Edges {
    before: Option<char>,
    after: char,
    /// The reading a pinyin annotation right after the run gives its last character:
    /// found once per run, for every layer and every lost byte weighed there.
    reading: Option<Reading>,
    /// The paired mark the line left open before the run, as repaired so far
    /// (`列入“實(shí)體清單”`: the quote a lost mark closes was opened two runs back).
    open: Option<char>,
    /// The script the text's repaired runs lean to, once a first pass has read them: a
    /// byte lost in a run too short to lean (`米舒斯京(发)在俄羅斯`) is guessed in it.
    lean: Option<Script>,
}

/// What stands around a window of a run in which a lost byte is guessed, where the
/// window reaches an end of the run.
struct Around {
    before: Option<char>,
    after: Option<char>,
    /// The syllable of a pinyin annotation after the window (`(zhàn)`).
    reading: Option<Reading>,
    /// The paired mark the line left open before the run.
    open: Option<char>,
    /// The script most characters of the run that mark one are in: a guess in the other
    /// (`监` in `必須在審慎監`) is one the model, built mostly from Simplified text, made.
    lean: Option<Script>,
}

impl Around {
    /// What stands around a window of the run from byte `from`, which reaches the run's
    /// end when `at_end`; `lean` is the script the run's own bytes lean to, if any.
    fn window(cx: &RunContext, from: usize, at_end: bool, lean: Option<Script>) -> Around {
        Around {
            before: (from == 0).then_some(cx.edges.before).flatten(),
            after: at_end.then_some(cx.edges.after),
            reading: cx.edges.reading.filter(|_| at_end),
            open: cx.edges.open,
            lean: lean.or(cx.edges.lean),
        }
    }
}

/// Opening marks and the marks that close them.
const PAIRED_MARKS: [(char, char); 6] = [
    ('“', '”'),
    ('‘', '’'),
    ('（', '）'),
    ('《', '》'),
    ('「', '」'),
    ('『', '』'),
];

/// The paired marks the bytes of a run read as UTF-8 leave open, read on from where the
/// last look ended. Lost bytes are filled from left to right, each after the bytes before
/// it are final, so those are read once, not once for every lost byte after them (a run
/// thousands of characters long loses hundreds).
#[derive(Default)]
struct OpenScan {
    /// How many bytes were read, when any were: a character starts there.
    read: Option<usize>,
    open: Vec<char>,
}

impl OpenScan {
    /// The innermost paired mark left open by `first` (open before the run) and the bytes
    /// `parts` hold end to end, which end before a character's first byte. (A look that
    /// ends before the last starts over: a lost byte guessed again.)
    fn innermost(&mut self, first: Option<char>, parts: [&[u8]; 2]) -> Option<char> {
        let end = parts[0].len() + parts[1].len();
        let read = self.read.filter(|&read| read <= end).unwrap_or_else(|| {
            self.open.clear();
            self.open.extend(first);
            0
        });
        // Decoded as one: a mark may straddle the two parts. (A character's first byte
        // ends any sequence before it, so the bytes read before decode the same apart.)
        let split = parts[0].len();
        let stretch: Cow<[u8]> = if read >= split {
            Cow::Borrowed(&parts[1][read - split..])
        } else if parts[1].is_empty() {
            Cow::Borrowed(&parts[0][read..])
        } else {
            Cow::Owned([&parts[0][read..], parts[1]].concat())
        };
        stretch
            .utf8_chunks()
            .flat_map(|chunk| {
                let lost = (!chunk.invalid().is_empty()).then_some('\u{FFFD}');
                chunk.valid().chars().chain(lost)
            })
            .for_each(|c| follow_marks(&mut self.open, c));
        self.read = Some(end);
        self.open.last().copied()
    }
}

/// `open`, the paired marks left open so far, innermost last, once `c` is read.
fn follow_marks(open: &mut Vec<char>, c: char) {
    if !matches!(c, '‘'..='』' | '（' | '）') {
        return;
    }
    if PAIRED_MARKS.iter().any(|&(o, _)| o == c) {
        open.push(c);
    } else if let Some(&(o, _)) = PAIRED_MARKS.iter().find(|&&(_, close)| close == c) {
        if let Some(at) = open.iter().rposition(|&x| x == o) {
            open.truncate(at);
        }
    }
}

/// The paired marks a line has left open, followed run by run as repair goes, and only
/// when a garbled run asks (clean text is not read for them).
#[derive(Default)]
struct OpenMarks {
    open: Vec<char>,
    /// The first run not yet read, and how far line feeds were looked for.
    next: usize,
    end: usize,
}

impl OpenMarks {
    /// The innermost mark left open on its line before run `k`, reading the runs of the
    /// line before it as repaired so far (ASCII between runs holds no paired mark; a line
    /// feed there closes everything, and the runs of earlier lines are not read).
    fn before(
        &mut self,
        text: &str,
        runs: &[Run],
        fixed: &[Option<String>],
        k: usize,
    ) -> Option<char> {
        let start = runs[k].start;
        if let Some(at) = memchr::memrchr(b'\n', &text.as_bytes()[self.end..start]) {
            let line_start = self.end + at + 1;
            self.open.clear();
            self.next = self
                .next
                .max(runs.partition_point(|r| r.start < line_start));
        }
        for j in self.next..k {
            let run = fixed[j]
                .as_deref()
                .unwrap_or(&text[runs[j].start..runs[j].end]);
            run.chars().for_each(|c| follow_marks(&mut self.open, c));
        }
        self.next = self.next.max(k);
        self.end = self.end.max(start);
        self.open.last().copied()
    }
}

/// What a guessed mark costs (half bits) that opens a quote inside the same quote
/// (`“纸面服刑“` for `“纸面服刑”`), and what one that closes the open mark gains. (A
/// closing mark with nothing open before it on its line costs nothing more: what opened
/// it may stand in a run still garbled.)
fn balance_cost(guess: char, open: Option<char>) -> i64 {
    let Some(open) = open else { return 0 };
    if PAIRED_MARKS.contains(&(open, guess)) {
        -CLOSES_THE_OPEN
    } else if guess == open && matches!(guess, '“' | '‘') {
        UNBALANCED
    } else {
        0
    }
}

/// See [`balance_cost`].
const UNBALANCED: i64 = 2 * 6;
const CLOSES_THE_OPEN: i64 = 2 * 4;

/// The reading a pinyin annotation at the start of `rest` gives the character before
/// it, as it stands or, when it is garbled like the run (`(zh脿n)`, through one or two
/// layers), undone: only a syllable in parentheses comes out of that by chance.
fn annotation_reading(rest: &str) -> Option<Reading> {
    if let Some(reading) = pinyin::reading_at_start(rest) {
        return Some(reading);
    }
    let head = &rest.as_bytes()[..rest.len().min(ANNOTATION_BYTES)];
    let close = memchr::memchr(b')', head)?;
    // An annotation no layer garbled is all ASCII (`(1)`, `(AP)`), and was read above.
    if head[..close].is_ascii() {
        return None;
    }
    let mut heads = vec![rest[..=close].to_string()];
    for _ in 0..MAX_LAYERS - 1 {
        let mut undone = Vec::new();
        for head in &heads {
            for &(misread, original, _) in &LAYERS {
                let mut bytes = Vec::with_capacity(head.len());
                if head.chars().all(|c| misread.bytes_of(c, &mut bytes)) {
                    if let Some(text) = original.decode(&bytes).filter(|t| t != head) {
                        if let Some(reading) = pinyin::reading_at_start(&text) {
                            return Some(reading);
                        }
                        undone.push(text.into_owned());
                    }
                }
            }
        }
        heads = undone;
    }
    None
}

/// The most bytes a garbled pinyin annotation takes: `(zhuàng)` read two bytes a
/// character, each shown as up to three.
const ANNOTATION_BYTES: usize = 32;

/// The Han character a run ended with, carried over a pinyin annotation to the run right
/// after it: that run's left neighbour is the character (`計(jì)劃`, where the last byte
/// of `劃` is lost), not the parenthesis.
#[derive(Default)]
struct HanBeforeAnnotation(Option<(usize, char)>);

impl HanBeforeAnnotation {
    /// The character before `run`, when only an annotation (perhaps garbled itself)
    /// stands between them.
    fn for_run(&self, text: &str, run: &Run) -> Option<char> {
        let (end, c) = self.0?;
        let gap = &text[end..run.start];
        (opens_annotation(gap) && gap.ends_with(')')).then_some(c)
    }

    /// Takes note of `run`, which reads `ended` after the first pass. A run inside an
    /// annotation is passed over: a garbled tone-marked vowel reads as Han (`(j矛)`).
    fn passed(&mut self, text: &str, run: &Run, ended: &str) {
        if let Some((end, _)) = self.0 {
            let gap = &text[end..run.start];
            if opens_annotation(gap) && !gap.contains(')') {
                return;
            }
        }
        if let Some(c) = ended.chars().next_back().filter(|&c| is_han(c)) {
            self.0 = Some((run.end, c));
        }
    }
}

/// Whether `gap`, after a run, starts what may be a pinyin annotation.
fn opens_annotation(gap: &str) -> bool {
    gap.len() <= ANNOTATION_BYTES && gap.starts_with('(')
}

impl<'a> RunContext<'a> {
    /// This context with `before`, where there is one, as the character before the run.
    fn after_han(mut self, before: Option<char>) -> RunContext<'a> {
        if before.is_some() {
            self.edges.before = before;
        }
        self
    }

    /// This context with `open` as the mark the line left open before the run.
    fn with_open(mut self, open: Option<char>) -> RunContext<'a> {
        self.edges.open = open;
        self
    }

    /// This context with `lean` as the script the text leans to.
    fn leaning(mut self, lean: Option<Script>) -> RunContext<'a> {
        self.edges.lean = lean;
        self
    }

    fn of(text: &str, run: &Run, memory: &'a Memory) -> RunContext<'a> {
        RunContext::around(text, run.start..run.end, memory)
    }

    /// The context of the text at `span`, a run or runs.
    fn around(text: &str, span: Range<usize>, memory: &'a Memory) -> RunContext<'a> {
        let rest = &text[span.end..];
        let edges = Edges {
            before: text[..span.start].chars().next_back(),
            after: rest.chars().next().unwrap_or('\n'),
            reading: rest
                .starts_with('(')
                .then(|| annotation_reading(rest))
                .flatten(),
            open: None,
            lean: None,
        };
        RunContext { memory, edges }
    }
}

/// The characters before and after a lost pair, where there are; for a pair lost byte
/// by byte, what it was in and the byte after it.
type Neighbours = (Option<char>, Option<char>, Option<(Original, Option<u8>)>);

/// The pair lost between `prev` and `next`, among the entries of `list` (cheapest first)
/// that are `candidate`s, when one fits clearly best.
///
/// Most of a list's thousands of characters take no pair bonus from either neighbour, and
/// cost at least their own cost with the neighbours': once that is more than the
/// runner-up's, only the characters that may pair with a neighbour (`memory`'s partners,
/// by the model's pair filter) are weighed. The result is the one weighing every
/// candidate in order gives.
fn best_lost_pair(
    prev: Option<char>,
    next: Option<char>,
    list: &'static [(char, [u8; 2])],
    candidate: impl Fn(&&(char, [u8; 2])) -> bool,
    memory: &Memory,
) -> Option<[u8; 2]> {
    let context = prev.map_or(0, model::char_cost) + next.map_or(0, model::char_cost);
    let mut after_prev = model::Costing::default();
    prev.into_iter().for_each(|p| after_prev.push(p));
    // The least `next` can add: its cost less the largest pair bonus.
    let next_floor = next.map_or(0, |n| {
        model::char_cost(n).saturating_sub(model::MAX_PAIR_BONUS)
    });
    let (mut best, mut runner_up) = ((u32::MAX, [UNFILLED; 2]), u32::MAX);
    // The best, when the runner-up is far enough behind.
    let verdict = |best: (u32, [u8; 2]), runner_up: u32| {
        (runner_up >= best.0.saturating_add(LOST_PAIR_MARGIN)).then_some(best.1)
    };
    // Past a candidate that cannot come within the margin of the best, or below the
    // runner-up, neither can any costlier one.
    let beyond = |c: char, best: u32, runner_up: u32| {
        let floor = (context + model::char_cost(c)).saturating_sub(2 * model::MAX_PAIR_BONUS);
        floor >= best.saturating_add(LOST_PAIR_MARGIN).min(runner_up)
    };
    let weigh = |&(c, pair): &(char, [u8; 2]), best: &mut (u32, [u8; 2]), runner_up: &mut u32| {
        let mut costing = after_prev;
        costing.push(c);
        if costing.total + next_floor >= *runner_up {
            return;
        }
        next.into_iter().for_each(|n| costing.push(n));
        let cost = costing.total;
        if cost < best.0 {
            *runner_up = best.0;
            *best = (cost, pair);
        } else {
            *runner_up = (*runner_up).min(cost);
        }
    };
    // A character of a double-byte pair (never ASCII, a line end or a space) costs at
    // least its cost and its neighbours', less the bonuses of the pairs it makes with them
    // where both are of U+3000 and up — unless it follows a digit or is the second of two
    // em dashes (see `model::Costing::push`).
    let plain = prev.is_none_or(|p| !p.is_ascii_digit() && p != '—') && next != Some('—');
    let unpaired_floor = after_prev.total + next.map_or(0, model::char_cost);
    let mut i = 0;
    while let Some(entry) = list.get(i) {
        if beyond(entry.0, best.0, runner_up) {
            return verdict(best, runner_up);
        }
        if plain && unpaired_floor + model::char_cost(entry.0) >= runner_up {
            break;
        }
        if candidate(&entry) {
            weigh(entry, &mut best, &mut runner_up);
        }
        i += 1;
    }
    if i == list.len() {
        return verdict(best, runner_up);
    }
    // The rest of the list: only the characters that may pair with a neighbour, in order.
    let mut partners = memory.partners.borrow_mut();
    let paired = |c: &char| *c > '\u{2FFF}';
    let sides = [
        prev.filter(paired).map(Side::After),
        next.filter(paired).map(Side::Before),
    ];
    for side in sides.into_iter().flatten() {
        partners
            .entry((side, list.as_ptr() as usize))
            .or_insert_with(|| partners_in(list, side));
    }
    let [after, before] = sides.map(|side| {
        side.and_then(|side| partners.get(&(side, list.as_ptr() as usize)))
            .map_or(&[][..], Vec::as_slice)
    });
    let from = |partners: &[u32]| partners.partition_point(|&j| (j as usize) < i);
    let (mut a, mut b) = (from(after), from(before));
    loop {
        let j = match (after.get(a), before.get(b)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        a += (after.get(a) == Some(&j)) as usize;
        b += (before.get(b) == Some(&j)) as usize;
        let entry = &list[j as usize];
        if beyond(entry.0, best.0, runner_up) {
            break;
        }
        if candidate(&entry) {
            weigh(entry, &mut best, &mut runner_up);
        }
    }
    verdict(best, runner_up)
}

/// A neighbour of a lost pair, on one side.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Side {
    /// The character before: the lost one comes after it.
    After(char),
    /// The character after.
    Before(char),
}

/// The entries of `list` (by index, ascending) that may make a known pair with the
/// neighbour `side`.
fn partners_in(list: &[(char, [u8; 2])], side: Side) -> Vec<u32> {
    let pairs = |c: char| match side {
        Side::After(p) => model::may_pair(p, c),
        Side::Before(n) => model::may_pair(c, n),
    };
    (0..list.len() as u32)
        .filter(|&j| pairs(list[j as usize].0))
        .collect()
}

/// Fills the lead byte of a pair whose ASCII trail the reading gave back on its own
/// (`�S`): only a lead the reading has no pair for with that trail can have been lost,
/// a handful, and the one that fits best between the neighbours wins.
fn fill_lost_lead(m: &mut Misreading, k: usize, segment: Range<usize>, original: Original) {
    if k + 1 >= segment.end || m.units[k + 1] != Unit::Bytes {
        return;
    }
    let Some(&trail) = m.bytes.get(m.starts[k + 1]) else {
        return;
    };
    let prev = k
        .checked_sub(1)
        .and_then(|j| m.char_in(j, &segment, original));
    let next = m.char_in(k + 2, &segment, original);
    let best = lost_bytes(m.misread, original)
        .iter()
        .filter(|&&lead| !m.misread.reads_pair([lead, trail]))
        .filter_map(|&lead| {
            let c = original.decode(&[lead, trail])?.chars().next()?;
            let cost = model::cost_of(prev.into_iter().chain([c]).chain(next));
            Some((cost, lead))
        })
        .min();
    if let Some((_, lead)) = best {
        m.bytes[m.starts[k]] = lead;
    }
}

/// Whether at least three in four of the non-ASCII bytes of `bytes` are in well-formed
/// UTF-8 sequences, lost bytes standing for any continuation byte (a window: sequences
/// cut at either end count as whole).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let is_continuation = |b: u8| (0x80..=0xBF).contains(&b) || b == UNFILLED;
    let (mut valid, mut invalid) = (0, 0);
    let mut i = bytes
        .iter()
        .take(3)
        .take_while(|&&b| is_continuation(b))
        .count();
    while i < bytes.len() {
        let len = match bytes[i] {
            0x00..=0x7F => {
                i += 1;
                continue;
            }
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        let end = (i + len).min(bytes.len());
        let well_formed = len > 0 && bytes[i + 1..end].iter().all(|&b| is_continuation(b));
        if well_formed {
            valid += len;
            i += len;
        } else {
            invalid += 1;
            i += 1;
        }
    }
    invalid * 4 <= valid + invalid
}

/// Whether some continuation byte at `at` completes a well-formed UTF-8 sequence (other
/// lost bytes in it standing for continuation bytes too).
fn may_complete_utf8(bytes: &[u8], at: usize) -> bool {
    let is_continuation = |b: u8| (0x80..=0xBF).contains(&b) || b == UNFILLED;
    let Some(start) = (at.saturating_sub(3)..at)
        .rev()
        .find(|&i| !is_continuation(bytes[i]))
    else {
        return false;
    };
    let len = match bytes[start] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return false,
    };
    if start + len <= at || start + len > bytes.len() {
        return false;
    }
    let mut sequence = [0u8; 4];
    sequence[..len].copy_from_slice(&bytes[start..start + len]);
    [0x80, 0x9F, 0xA0, 0xBF].into_iter().any(|b| {
        for (i, byte) in sequence[..len].iter_mut().enumerate() {
            if start + i == at || bytes[start + i] == UNFILLED {
                *byte = b;
            }
        }
        std::str::from_utf8(&sequence[..len]).is_ok()
    })
}

/// The most combinations of bytes weighed in full for the lost bytes of one character.
const MAX_GUESSES: usize = 125;

/// The most combinations of bytes looked at for the lost bytes of one character, the
/// cheapest [`MAX_GUESSES`] of them weighed in full: two lost continuation bytes.
const MAX_COMBINATIONS: usize = 64 * 64;

/// What a guess for a lost byte costs (half bits) when it makes a character that the
/// pinyin annotation after it is no reading of.
const NOT_THE_READING: u32 = 2 * 16;

/// What a guess for a lost byte costs (half bits) when it makes a character of the
/// other script than the characters around it.
const OTHER_SCRIPT: u32 = 2 * 8;

/// Characters a double-byte codec holds that Chinese text does not use, which a text made
/// of Big5 read as GBK is full of: kana, bopomofo, Hangul, box drawing, and the browser's
/// Private Use characters (`布林肯(オ)` is `(左)`, `termcap┪terminfo` is `或`).
fn is_foreign_to_chinese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3100}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}'
        | '\u{2500}'..='\u{257F}' | '\u{E000}'..='\u{F8FF}')
}

/// Whether `c` marks the other script than `lean`, where a text leans to one.
fn is_of_other_script(c: char, lean: Option<Script>) -> bool {
    lean.is_some_and(|lean| convert::mark_of(c).is_some_and(|mark| mark != lean))
}

/// How many characters of `text` mark the other script than most of its characters do.
fn other_script_count(text: &str) -> usize {
    let report = convert::classify(text);
    report.traditional.min(report.simplified)
}

/// The script most of the characters of `text` that mark one or the other are in, if
/// either.
fn script_lean(text: &str) -> Option<Script> {
    let report = convert::classify(text);
    match report.traditional.cmp(&report.simplified) {
        std::cmp::Ordering::Greater => Some(Script::Traditional),
        std::cmp::Ordering::Less => Some(Script::Simplified),
        std::cmp::Ordering::Equal => None,
    }
}

/// How much cheaper (half bits) the character filling a lost pair must be than any other:
/// two bits, four times as likely. (Four bits left 1,382 characters of the failed lines
/// of the test set lost; none at all filled `人` wherever a common character was lost,
/// `健康人定` for `健康穩定`.)
const LOST_PAIR_MARGIN: u32 = 4;

/// Whether unit `k` is a lost byte the reading gave back the next character for.
fn is_lost_lead(m: &Misreading, k: usize) -> bool {
    m.units[k] == Unit::Lost && m.starts[k + 1] - m.starts[k] == 1
}

/// Lost bytes are guessed only in a segment where at most about one unit in this many
/// is lost.
const MAX_LOST_SHARE: usize = 4;

/// Every maximal piece of `range` that decodes in the original encoding, each kept when
/// it gains its margin; the total gain, and the text with the kept pieces undone appended
/// to `out`.
fn undo_pieces(
    m: &Misreading,
    range: Range<usize>,
    original: Original,
    (evidence, strictness): (Evidence, Strictness),
    [before_run, after_run]: [Option<char>; 2],
    mut out: Option<&mut String>,
) -> i64 {
    let (chars, starts) = (&m.chars, &m.starts);
    let bytes = &m.bytes[..starts[range.end]];
    // In a text made of this mojibake, a character of the other script than the text
    // leans to, or of none Chinese uses, is unlikely (see `Strictness::Established`).
    let (established, lean) = match strictness {
        Strictness::Established(lean) => (true, lean),
        _ => (false, None),
    };
    let unlikely = |c: char| is_of_other_script(c, lean) || established && is_foreign_to_chinese(c);
    let mut total = 0;
    let mut i = range.start;
    while i < range.end {
        let from = starts[i];
        let valid = from + original.valid_up_to(&bytes[from..]);
        // The last character boundary the valid bytes reach, stepping back while it
        // falls inside a character of the original.
        let mut j = i + starts[i..=range.end].partition_point(|&s| s <= valid) - 1;
        let mut piece = None;
        while j > i {
            if let Some(text) = original.decode(&bytes[from..starts[j]]) {
                piece = Some(text);
                break;
            }
            j -= 1;
        }
        let Some(candidate) = piece else {
            if let Some(out) = out.as_deref_mut() {
                out.push(chars[i]);
            }
            i += 1;
            continue;
        };
        // There, too, a piece at an end of its run is weighed with what stands beside the
        // run: `(t角i)` is `(tài)` between the letters of its syllable.
        // A combining mark costs what it does on the character it sits on, always
        // weighed with it (`reÌ\u{81}sume` is `résume`, not `re虧sume`).
        let mark_first = candidate
            .chars()
            .next()
            .is_some_and(unicode_normalization::char::is_combining_mark);
        let char_before = if i == 0 {
            before_run
        } else {
            Some(chars[i - 1])
        };
        let before = char_before.filter(|_| mark_first || established && i == 0);
        let after = after_run.filter(|_| established && j == chars.len());
        let cost = |text: &mut dyn Iterator<Item = char>| {
            let mut costing = model::Costing::default();
            let mut unlikely_count = 0;
            before.into_iter().chain(text).chain(after).for_each(|c| {
                costing.push(c);
                unlikely_count += unlikely(c) as u32;
            });
            (costing.total + unlikely_count * OTHER_SCRIPT) as i64
        };
        // (An invisible character the candidate drops is no gain: `se \u{200B}säilyy` is
        // Finnish, not `se s鄜lyy` for the cost of the zero-width space.)
        let visible = &mut chars[i..j].iter().copied().filter(|&c| !is_invisible(c));
        let gain = cost(visible) - cost(&mut candidate.chars());
        let size = candidate.chars().filter(|c| !c.is_ascii()).count();
        // Between GBK and Big5, ASCII bytes stand alone in both: a reading that makes
        // ASCII out of double-byte characters has cut them in the wrong places. (The
        // ASCII after a lost byte is the trail of the pair the reading could not read.)
        // Lost one at a time, a byte leaves the reading out of step up to the first ASCII
        // byte, which it took for a trail.
        let ascii_made = || {
            let mut out_of_step = false;
            let standing_alone = (i..j)
                .filter(|&k| {
                    if m.units[k] == Unit::Lost {
                        out_of_step = m.losses == Losses::ByteByByte;
                    }
                    let trail = (k > 0 && is_lost_lead(m, k - 1)) || out_of_step;
                    if chars[k].is_ascii() {
                        out_of_step = false;
                    }
                    chars[k].is_ascii() && !trail
                })
                .count();
            original != Original::Utf8
                && matches!(m.misread, Misread::Gbk | Misread::Big5)
                && candidate.bytes().filter(u8::is_ascii).count() != standing_alone
        };
        // A letter a double-byte misreading hid does not stand against the Han beside
        // the piece either (`准则的明确信号` is not `明ȷ信号`: the GBK bytes of `确` are
        // the UTF-8 of `ȷ`); judged alone, a piece would not see that. Nor does an ASCII
        // letter it took for a trail byte end the piece against Han the misreading left
        // alone: the text it garbled would go on garbled after the letter (the GBK bytes
        // of the Analects' `绀緅` are the UTF-8 of `社j`, and `以绀緅饰` is no `以社j饰`).
        let foreign_against_han = || {
            let double_byte = matches!(m.misread, Misread::Gbk | Misread::Big5);
            let han = |k: Option<usize>| k.and_then(|k| chars.get(k)).is_some_and(|&c| is_han(c));
            let last = candidate.chars().next_back();
            double_byte
                && (candidate.chars().next().is_some_and(is_foreign_script)
                    && han(i.checked_sub(1))
                    || last.is_some_and(|c| is_foreign_script(c) || c.is_ascii_alphabetic())
                        && han(Some(j)))
        };
        // Nor does a legacy page read byte by byte (GBK as cp437, cp1252) leave real Han
        // beside the debris: every character of it reads as debris. Between Han, `──` is
        // a dash, not cp437's reading of `哪`.
        let debris_against_han = || {
            let han = |k: Option<usize>| k.and_then(|k| chars.get(k)).is_some_and(|&c| is_han(c));
            original != Original::Utf8
                && matches!(m.misread, Misread::Windows1252 | Misread::Cp437)
                && (han(i.checked_sub(1)) || han(Some(j)))
        };
        // Nor is Han a double-byte misreading of a word of accented Latin letters alone,
        // with no ASCII letter beside it (`牛脷` in a Cantonese dictionary is not `ţÚ`,
        // nor `脧脧` `ÏÏ`): a word's accented letters sit among plain ones.
        let accented_word_alone = || {
            let ascii_letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
            let after = if j == chars.len() {
                after_run
            } else {
                chars.get(j).copied()
            };
            // (A combining mark is part of its letter: `脷苔` is not `Ú̦` either.)
            let latin = |c: char| crate::chars::letter_script(c) == Some(0);
            let mark = unicode_normalization::char::is_combining_mark;
            matches!(m.misread, Misread::Gbk | Misread::Big5)
                && candidate.chars().count() >= 2
                && candidate
                    .chars()
                    .all(|c| !c.is_ascii() && (latin(c) || mark(c)))
                && candidate.chars().any(latin)
                && !ascii_letter(char_before)
                && !ascii_letter(after)
        };
        // A combining mark may sit on an ASCII sign or a letter of an alphabet.
        let after_base = char_before.is_some_and(|c| {
            c.is_ascii_graphic() || c.is_alphabetic() && crate::chars::letter_script(c).is_some()
        });
        // The gain first: on clean text it is what fails, and it is the cheapest test.
        let kept = gain >= margin(evidence, strictness, size)
            && !ascii_made()
            && !foreign_against_han()
            && !debris_against_han()
            && !accented_word_alone()
            && is_plausible(&candidate, m.misread, original, (established, after_base));
        if kept {
            total += gain;
        }
        if let Some(out) = out.as_deref_mut() {
            if kept {
                out.push_str(&candidate);
            } else {
                out.extend(&chars[i..j]);
            }
        }
        i = j;
    }
    total
}

/// Characters a path of repairs may pass through but must not end in: what Latin-1
/// made of bytes 0x80–0x9F, and what the browser's GBK table made of user-defined pairs.
/// So are characters Chinese text does not use (Hangul, Bopomofo, radicals, strokes, Yi),
/// which GBK's tables hold and a misreading of UTF-8 produces, and the scripts and
/// symbols that the bytes of rare Han give when read as UTF-8 (`獽獾` → `K⵫`): those of
/// South and Central Asia, Africa and the Americas from U+0800, supplemental
/// mathematics, Tifinagh, Glagolitic; and the planes Unicode has not assigned or left
/// private (`駭吹佴` read back from Big5 as UTF-8 is U+D4D35 and an Arabic digit), plane
/// 14 but its tags and variation selectors (`螭儻` is U+E40EF), and Braille but its blank
/// (`猗歟路` is `⢚e·`).
fn is_only_on_the_way(c: char) -> bool {
    matches!(c as u32, 0x80..=0x9F | 0xE000..=0xF8FF | 0x0800..=0x1DFF | 0x2801..=0x28FF
        | 0x2A00..=0x2DFF | 0x2E80..=0x2FDF | 0x3100..=0x318F | 0x31A0..=0x31EF
        | 0xA000..=0xABFF | 0xAC00..=0xD7FF | 0x32400..=0xE0000 | 0xE0080..=0xE00FF
        | 0xE01F0..)
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Repairs never produce C0 controls. Where bytes were GBK or Big5 underneath, every Han
/// character must be one the word list knows well: legacy Chinese text is made of common
/// characters, while a Latin word read as GBK (`çèéê` → `噴倛`) gives rare ones. Nor do
/// they set an accented Latin letter against Han (see [`has_latin_touching_han`]). Two
/// Han or more out of a legacy codec hold a pair of the word list, unless the text is
/// made of this mojibake (`established`): a name holds none (`勞榮枝`). (See
/// [`is_only_on_the_way`] for what a path may not end in.)
fn is_plausible(
    candidate: &str,
    misread: Misread,
    original: Original,
    (established, after_base): (bool, bool),
) -> bool {
    let double_byte = matches!(misread, Misread::Gbk | Misread::Big5);
    // (Marks with no letter or sign to sit on, `after_base`, are no text: `蹧蹋` at a
    // line's start is not the UTF-8 of U+0323 and U+06DB read as GBK; `$̶6̶3̶` is a
    // price crossed out.)
    let marks_alone = candidate
        .chars()
        .all(unicode_normalization::char::is_combining_mark);
    (!marks_alone || after_base)
        && (original == Original::Utf8 || established || has_some_known_pair(candidate))
        && !(double_byte && has_latin_touching_han(candidate))
        && crate::chars::mixed_script_words(candidate) == 0
        && !candidate.chars().any(|c| {
            (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r'))
                || (original != Original::Utf8
                    && is_han(c)
                    && model::char_cost(c) >= LEGACY_RARE_HAN)
        })
}

/// A Latin letter with a diacritic right next to a Han character (`決Ê`): Chinese text
/// sets Latin words apart, while the bytes of rare Han read as UTF-8 give such pairs.
/// (Only for what a double-byte misreading hid: GBK's own pinyin letters sit next to
/// Han in the middle layer of UTF-8 → GBK → cp1252.)
fn has_latin_touching_han(candidate: &str) -> bool {
    let mut prev = ' ';
    candidate.chars().any(|c| {
        let touching =
            (is_foreign_script(prev) && is_han(c)) || (is_han(prev) && is_foreign_script(c));
        prev = c;
        touching
    })
}

/// A character of another script than Han's, from two-byte UTF-8: a letter of Latin with
/// diacritics or IPA, or any letter, combining mark or punctuation of Greek, Cyrillic,
/// Armenian, Hebrew, Arabic and the others past Latin: Chinese text sets words of them
/// apart from Han, with a space or a mark. (GBK's bytes read as UTF-8 give them: `扩չ`,
/// `词֮`; the rare `貙` is GBK's `D8 8C`, UTF-8's Arabic comma, and `封狼生貙貙生罴` is no
/// `封狼生،،生罴`.)
fn is_foreign_script(c: char) -> bool {
    match c as u32 {
        0xC0..=0x2AF | 0x300..=0x36F => {
            c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c)
        }
        0x370..=0x7FF => !c.is_whitespace(),
        _ => false,
    }
}

/// Two Han characters or more in a row, none of whose pairs the word list knows, are
/// not Chinese: `噴倛墝嫇敄` is a Latin word read as Big5, `漳周` Estonian `ÕÄÖÜ` read as
/// GBK. (Two since the twenty-second session: of 6,000 real messages each garbled alone
/// as GBK read as cp1252, 2 are no longer repaired, `仅被` among them.)
fn has_some_known_pair(candidate: &str) -> bool {
    let mut han_run = 0;
    let mut longest = 0;
    let mut prev = '\0';
    for c in candidate.chars() {
        if !is_han(c) {
            han_run = 0;
            continue;
        }
        if han_run > 0 && model::pair_known(prev, c) {
            return true;
        }
        han_run += 1;
        longest = longest.max(han_run);
        prev = c;
    }
    longest < 2
}

/// Han characters this costly (half bits) are too rare to be what GBK or Big5 held.
const LEGACY_RARE_HAN: u32 = 2 * 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quiet_bits_are_the_characters_of_no_class_a_clean_scan_looks_for() {
        let (classes, quiet) = (Classes::get(), Classes::quiet());
        for u in 0..0x10000u32 {
            let is_quiet = quiet[u as usize / 64] >> (u % 64) & 1 == 1;
            let of_no_class = classes.of(u) & (SUSPECT | PASTED | PASTED_BY_ASCII | SENTINEL) == 0;
            assert_eq!(is_quiet, of_no_class, "U+{u:04X}");
        }
    }

    #[test]
    fn the_class_table_holds_each_characters_classes() {
        // The table sets the Han, Hangul and Private Use blocks by block, faster than by
        // the rules: it must agree with them.
        let classes = Classes::get();
        let mut pasted: HashMap<char, u8> = HashMap::new();
        for (reading, place) in super::super::pasted::readings() {
            *pasted.entry(reading).or_default() |= pasted_classes(Some(place));
        }
        for u in 0..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let want =
                classes_but_pasted(c) | pasted.get(&c).copied().unwrap_or(0) | sentinel_class(c);
            assert_eq!(classes.of(u), want, "U+{u:04X}");
        }
    }

    #[test]
    fn a_lost_pair_is_found_as_weighing_every_candidate_finds_it() {
        // The weighing as it was: every candidate in order, up to the first that cannot
        // come within the margin of the best, or below the runner-up, each left out as
        // soon as it cannot come below the runner-up.
        let every = |prev: Option<char>, next: Option<char>, list: &[(char, [u8; 2])]| {
            let context = prev.map_or(0, model::char_cost) + next.map_or(0, model::char_cost);
            let (mut best, mut runner_up) = ((u32::MAX, [UNFILLED; 2]), u32::MAX);
            for &(c, pair) in list {
                let floor =
                    (context + model::char_cost(c)).saturating_sub(2 * model::MAX_PAIR_BONUS);
                if floor >= best.0.saturating_add(LOST_PAIR_MARGIN).min(runner_up) {
                    break;
                }
                let mut costing = model::Costing::default();
                prev.into_iter().chain([c]).for_each(|c| costing.push(c));
                let next_floor = next.map_or(0, |n| {
                    model::char_cost(n).saturating_sub(model::MAX_PAIR_BONUS)
                });
                if costing.total + next_floor >= runner_up {
                    continue;
                }
                next.into_iter().for_each(|n| costing.push(n));
                if costing.total < best.0 {
                    runner_up = best.0;
                    best = (costing.total, pair);
                } else {
                    runner_up = runner_up.min(costing.total);
                }
            }
            (runner_up >= best.0.saturating_add(LOST_PAIR_MARGIN)).then_some(best.1)
        };
        let memory = Memory::default();
        // Neighbours of every kind the rules treat apart: Han, marks, digits, dashes,
        // Latin, line ends, none.
        let text = "中國的人民政府在北京召開會議，「新聞」發佈：2023年版本—— 由於 A\n";
        let neighbours: Vec<Option<char>> = text.chars().map(Some).chain([None]).collect();
        let lists = [
            &GBK_PAIRS_BIG5_LOSES[..],
            codecs::pairs_lost_byte_by_byte(Misread::Gbk, Original::Big5),
        ];
        for list in lists {
            for &prev in &neighbours {
                for &next in &neighbours {
                    assert_eq!(
                        best_lost_pair(prev, next, list, |_| true, &memory),
                        every(prev, next, list),
                        "{prev:?} {next:?}"
                    );
                }
            }
        }
    }

    fn repair(text: &str) -> Option<String> {
        super::repair(text, &Memory::default()).repaired
    }

    #[test]
    fn a_lost_continuation_byte_is_chosen_as_costing_the_whole_window_would() {
        // Every continuation byte of a real line knocked out in turn, with another lost
        // byte and a cut sequence in some windows: the guess costed around the sequence
        // is the guess costed over the whole window. (Not in the marks, led by E2, E3 or
        // EF: a guess there also weighs the brackets and quotes left open, which the
        // model alone does not. A guess next to a digit or a space also weighs how often
        // its character stands by Latin text, which the model alone does not either: in
        // this line, `年` after `2023` and `日` before ` 最` come out the same anyway.)
        let line = "王毅表示，“中俄关系”保持着高水平……2023年03月21日 最后更新";
        let bytes = line.as_bytes();
        let lead = |i: usize| {
            (0..=i)
                .rev()
                .map(|j| bytes[j])
                .find(|&b| !(0x80..=0xBF).contains(&b))
        };
        for at in (0..bytes.len())
            .filter(|&i| (0x80..=0xBF).contains(&bytes[i]))
            .filter(|&i| !matches!(lead(i), Some(0xE2 | 0xE3 | 0xEF)))
        {
            for (from, to) in [
                (0, bytes.len()),
                (at.saturating_sub(7), (at + 9).min(bytes.len())),
            ] {
                let mut window = bytes[from..to].to_vec();
                window[at - from] = UNFILLED;
                if let Some(other) = (at - from + 5..window.len()).find(|&i| window[i] >= 0x80) {
                    window[other] = UNFILLED;
                }
                let mut brute = (model::cost(&String::from_utf8_lossy(&window)), UNFILLED);
                for b in 0x80..=0xBF {
                    window[at - from] = b;
                    let cost = model::cost(&String::from_utf8_lossy(&window));
                    if cost < brute.0 {
                        brute = (cost, b);
                    }
                }
                window[at - from] = UNFILLED;
                let candidates: Vec<u8> = (0x80..=0xBF).collect();
                let around = Around {
                    before: None,
                    after: None,
                    reading: None,
                    lean: None,
                    open: None,
                };
                // (A single-byte reading: every candidate may have been lost anywhere.)
                fill_continuations(
                    &mut window,
                    at - from,
                    (Misread::Windows1252, &candidates),
                    around,
                    (&[], &mut OpenScan::default()),
                    &Memory::default(),
                );
                assert_eq!(
                    window[at - from],
                    brute.1,
                    "byte {at} of {line:?}, window {from}..{to}"
                );
            }
        }
    }

    #[test]
    fn pinyin_is_not_taken_for_debris() {
        // The marked vowels are suspect, but among ASCII letters they spell syllables.
        assert_eq!(
            left_garbled("外長(zhǎng)、國(guó)、Běijīng"),
            Vec::<Range<usize>>::new()
        );
        // Not a word of pinyin: weighed, and left as it was.
        assert_eq!(left_garbled("外長(zhǎx)"), vec![9..12]);
    }

    #[test]
    fn garbled_spans_are_repaired_and_the_rest_kept() {
        assert_eq!(
            repair("NumLock çš„ 初始").as_deref(),
            Some("NumLock 的 初始")
        );
        assert_eq!(repair("鐨勫垵濮嬪寲").as_deref(), Some("的初始化"));
        assert_eq!(repair("café Müller naïve"), None);
        assert_eq!(repair("中文测试，鑫淼犇"), None);
        assert_eq!(repair("├── 目录 ──中"), None);
    }

    #[test]
    fn a_byte_lost_at_the_end_of_a_line_comes_back_as_common_punctuation() {
        // UTF-8 read as GBK loses the last byte of `。` to the newline after it; the
        // candidates are U+3000–303F, and `。` is the one Chinese text ends lines with.
        for line in [
            "都将重置为它们在函数执行前的值。\n",
            "開啟了面向未來的「舊金山願景」。\n",
        ] {
            let (garbled, _, lossy) = encoding_rs::GBK.decode(line.as_bytes());
            assert!(lossy, "{garbled}");
            assert_eq!(repair(&garbled).as_deref(), Some(line));
        }
    }

    #[test]
    fn a_byte_lost_at_the_edge_of_a_run_is_guessed_with_what_stands_outside_it() {
        // The last byte of `”` is lost to the space or line end after it: an opening
        // quote almost never stands there. The last byte of `月` is lost to the digit
        // after it, and the digits before it call for a unit, not the commoner `有`.
        for line in [
            "这是一个“中俄关系” 的问题\n",
            "他说这是一个“中俄关系”\n",
            "最后更新于2023年03月21日\n",
        ] {
            let (garbled, _, lossy) = encoding_rs::GBK.decode(line.as_bytes());
            assert!(lossy, "{garbled}");
            assert_eq!(repair(&garbled).as_deref(), Some(line), "{garbled}");
        }
    }

    #[test]
    fn taiwan_forms_do_not_look_rare() {
        // The word list writes OpenCC's standard `爲` `啓` `裏` `衆`; Taiwan writes `為` `啟`
        // `裡` `眾`, learned from OpenCC's variant tables. Were they rare, every line of
        // Taiwan text would be weighed as mojibake.
        for word in ["為", "因為", "開啟", "裡面", "眾多"] {
            assert!(
                runs(word).0.iter().all(|run| !run.looks_garbled()),
                "{word}"
            );
        }
        for (standard, taiwan) in [('爲', '為'), ('啓', '啟'), ('裏', '裡'), ('衆', '眾')] {
            assert!(
                model::char_cost(taiwan) <= model::char_cost(standard) + 2,
                "{taiwan} costs {} against {standard}'s {}",
                model::char_cost(taiwan),
                model::char_cost(standard)
            );
        }
    }

    #[test]
    fn gbk_read_as_big5_is_repaired_around_what_big5_lost() {
        // Big5 has no pair for the GBK bytes of `聯` or `穩`: one U+FFFD for both bytes.
        // Between `俄羅斯` and `邦`, `聯` fits far better than any of the thousands of
        // characters it could be, and is filled in; between `關係` and `定`, nothing fits
        // clearly best, and U+FFFD stays. Nor is a character filled in next to one still
        // lost (`個簡單`): with one neighbour, `們` would win before `的`. The rest is
        // repaired either way.
        for (line, repaired) in [
            ("俄羅斯聯邦政府大樓", "俄羅斯聯邦政府大樓"),
            ("保持中俄關係穩定發展", "保持中俄關係\u{FFFD}定發展"),
            ("這是一個簡單的例子", "這是一\u{FFFD}\u{FFFD}\u{FFFD}的例子"),
        ] {
            let gbk = encoding_rs::GBK.encode(line).0.into_owned();
            let (garbled, _, lossy) = encoding_rs::BIG5.decode(&gbk);
            assert!(lossy, "{garbled}");
            assert_eq!(repair(&garbled).as_deref(), Some(repaired));
        }
    }

    #[test]
    fn a_run_repaired_in_part_beyond_doubt_is_repaired_throughout() {
        // Read as Big5, `缺` is lost, and `通常，` before it is too short a span to clear
        // the margin Big5 and GBK demand alone; the rest of the run does, by far, and
        // `通常，` is repaired with it (the whole line was left garbled). `缺` comes back
        // too: before `省`, it fits far better than any other character.
        let gbk = encoding_rs::GBK
            .encode("通常，缺省时这些都将工作得很好，")
            .0
            .into_owned();
        let (garbled, _, _) = encoding_rs::BIG5.decode(&gbk);
        assert_eq!(
            repair(&garbled).as_deref(),
            Some("通常，缺省时这些都将工作得很好，")
        );
    }

    #[test]
    fn a_pair_big5_lost_before_an_annotation_is_one_read_so() {
        // `國` (GBK 87 F8) is lost whole before `(guó)`, itself garbled as `(gu車)`: of the
        // characters Big5 loses, `國` is the one read `guó`. (The one-character run `車`
        // is too little evidence on its own, and stays.)
        let gbk = encoding_rs::GBK.encode("依法治國(guó) -").0.into_owned();
        let (garbled, _, _) = encoding_rs::BIG5.decode(&gbk);
        assert!(garbled.contains('\u{FFFD}'), "{garbled}");
        assert!(repair(&garbled).unwrap().starts_with("依法治國("));
    }

    #[test]
    fn a_lead_byte_big5_lost_before_an_ascii_trail_is_found() {
        // `係` is GBK 82 53; Big5 has no such pair and reads `�S`. Only a handful of
        // leads are unread before `S`, and `關係` is a word.
        let gbk = encoding_rs::GBK.encode("中俄戰略夥伴關係").0.into_owned();
        let (garbled, _, _) = encoding_rs::BIG5.decode(&gbk);
        assert!(garbled.ends_with("\u{FFFD}S"), "{garbled}");
        assert_eq!(repair(&garbled).as_deref(), Some("中俄戰略夥伴關係"));
    }

    #[test]
    fn lost_bytes_are_guessed_only_where_utf8_can_be() {
        // E5 ?? B3 is a character for any continuation byte; after F5 nothing is.
        assert!(may_complete_utf8(&[0xE5, UNFILLED, 0xB3], 1));
        assert!(!may_complete_utf8(&[0xF5, UNFILLED, 0xB3], 1));
        assert!(mostly_utf8("的初始化".as_bytes()));
        assert!(mostly_utf8(&[0x9A, 0x84, 0xE5, UNFILLED, 0xB3, 0xE7]));
        assert!(!mostly_utf8(&encoding_rs::GBK.encode("的初始化").0));
    }

    #[test]
    fn mac_keyboard_symbols_are_not_gbk() {
        // Their cp1252 bytes read as GBK are `Ф暘簴`: a Cyrillic letter against Han.
        let line = "HashStr(\"œ∑¡™£¢∞§¶•ªº–≠œ∑´®†¥¨ˆøπ‘åß∂ƒ©˙∆˚¬\", \"MD5\")";
        assert_eq!(repair(line), None);
    }
}
