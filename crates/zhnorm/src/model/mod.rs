//! A small language model: how many bits a text costs as something people write.
//!
//! The decoder and the `repair` stage use it to choose between readings of the same
//! bytes. Han characters cost what their frequency in RIME's essay word list says
//! (`data/freq`, both scripts), or in running text where that is more (`data/context`:
//! `个`, `中`); a pair of characters earns a bonus as large as the word
//! list (within words) or running text (`data/context/pairs.tsv`, across words) makes the
//! second character likelier after the first; everything
//! else costs by class — Latin letters are cheap, C1 controls and Private Use characters
//! are what mojibake is made of and cost the most. Costs are in half bits.

pub(crate) mod pair_hash;

include!(concat!(env!("OUT_DIR"), "/model_tables.rs"));

/// One byte per character from `HAN_FIRST`: its cost, 255 when the word list lacks it.
static HAN_COSTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model_han_costs.bin"));
/// Within-word character pairs and their bonuses, an open-addressed table of four-byte
/// slots (see `pair_hash`).
static PAIRS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model_pairs.bin"));
/// The Bloom filter in front of `PAIRS` (see `pair_hash`).
static PAIR_FILTER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model_pair_filter.bin"));

/// Two signed bytes per character from `HAN_FIRST`: what it costs more right before, and
/// right after, Latin text (see [`before_latin_cost`]).
static LATIN_CONTEXT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model_context.bin"));

/// A Han character the word list never uses.
const UNSEEN_HAN: u32 = 2 * 28;
/// The most a pair seen inside a word takes off the cost of its second character.
pub(crate) const MAX_PAIR_BONUS: u32 = pair_hash::MAX_PAIR_BONUS;

/// The cost of `c` on its own, in half bits.
pub(crate) fn char_cost(c: char) -> u32 {
    let u = c as u32;
    if let Some(&cost) = u
        .checked_sub(HAN_FIRST)
        .and_then(|i| HAN_COSTS.get(i as usize))
    {
        return if cost == 255 { UNSEEN_HAN } else { cost as u32 };
    }
    2 * match u {
        0x0A | 0x20 => 3,
        0x61..=0x7A => 5, // lower-case letters
        0x09 | 0x0D | 0x30..=0x39 | 0x41..=0x5A => 6,
        0x21 | 0x22 | 0x27..=0x29 | 0x2C..=0x2F | 0x3A | 0x3B | 0x3F => 7,
        0x21..=0x7E => 9,                // `_\^~|{}[]<>@#$%&*+=`
        0x00..=0x1F | 0x7F..=0x9F => 30, // controls: C1 ones are cp1252/Latin-1 debris
        // The no-break space of web pages (`&nbsp;`), and the middle dot.
        0xA0 | 0xB7 => 8,
        0xA0..=0xBF | 0xD7 | 0xF7 => 15, // Latin-1 symbols
        0xC0..=0x24F => 11,              // Latin letters with diacritics, pinyin vowels
        0x201C | 0x201D | 0x2026 => 8,   // double quotes, ellipsis
        // A twentieth to a thirtieth as common as double quotes in Chinese text.
        0x2018 | 0x2019 | 0x2014 => 16,
        0x2000..=0x206F => 15, // other general punctuation (‰ ‹ † …)
        0x3000..=0x303F | 0xFF01..=0xFF5E => return cjk_punct_cost(c),
        0x3040..=0x30FF => 11, // kana
        0xAC00..=0xD7A3 => 15, // Hangul syllables
        0x0370..=0x045F => 14, // Greek, Cyrillic
        // Cyrillic's historic letters and those of minority languages: `Ҥ` (whose UTF-8
        // read as Big5 is `狺`, as in `狺狺`).
        0x0460..=0x052F => 22,
        0x2500..=0x259F => 11, // box drawing and blocks: tables, trees
        0xE000..=0xF8FF | 0xF0000.. => 30, // Private Use: GBK decoded with the browser table
        0xFFFD => 24,
        0x1F000..=0x1FAFF => 14, // emoji
        0x20000..=0x3FFFF | 0xF900..=0xFAFF => {
            match OTHER_COSTS.binary_search_by_key(&c, |e| e.0) {
                Ok(i) => return OTHER_COSTS[i].1 as u32,
                Err(_) => return UNSEEN_HAN,
            }
        }
        _ => 16,
    }
}

/// CJK punctuation and full-width forms, in half bits, on the scale of Han characters:
/// rounded from their counts against Han in the Debian zh-CN and zh-TW documentation
/// (`bench/build-corpus.sh`; `，` and `。` are as common as `的`). A lost byte at the end of a
/// line then comes back as the `。` it was, not the `〼` or ideographic space beside it.
fn cjk_punct_cost(c: char) -> u32 {
    match c {
        '，' | '。' => 10,
        '、' | '：' | '（' | '）' | '「' | '」' => 16,
        '？' | '；' | '《' | '》' | '！' | '『' | '』' => 22,
        '〈' | '〉' | '【' | '】' | '．' | '／' | '－' | '\u{3000}' => 28,
        '０'..='９' | '％' | '～' | '〇' | '〔' | '〕' | '〞' | '〝' => 34,
        '\u{FF01}'..='\u{FF5E}' => 38, // full-width letters and other symbols
        _ => 2 * 20,                   // rare: 〼 〥, Suzhou numerals, tone marks
    }
}

/// What the characters that most often follow an Arabic numeral cost after one, in half
/// bits: units and measure words (`12月`, `3个`). Counted, like [`cjk_punct_cost`], over
/// the 3,513 Han characters that follow a digit in the Debian zh-CN and zh-TW
/// documentation; the word list, which has no digits, cannot tell.
fn after_numeral_cost(c: char) -> u32 {
    match c {
        '年' | '月' => 6,
        '位' => 7,
        '日' => 8,
        '的' | '个' => 9,
        '個' | '中' => 10,
        '到' | '秒' | '版' | '行' => 11,
        '字' | '以' | '和' | '或' => 12,
        '天' | '之' | '次' => 13,
        _ => u32::MAX,
    }
}

/// What `c` adds when a line ends after it, beyond its own cost, in half bits: how much
/// less often a line ends after it than after `。`, once its own cost is counted, in the
/// Debian documentation (zh-CN and zh-TW, 1.4 million lines). 27–31% of full stops end
/// a line, 19–31% of colons, 24% of closing parentheses, but 2.5% of commas, 1.4% of
/// enumeration commas and 0.3% of opening quotes. A mark lost to mojibake at a line's end
/// is chosen with this in view. (Closing quotes, 5% of them, and ellipses, 57%, are left
/// as they cost alone: news headlines end in quotes far more often than manuals do.)
fn before_line_end_cost(c: char) -> u32 {
    match c {
        '“' | '‘' | '（' | '《' | '「' | '『' => 12,
        '」' | '》' => 11,
        '、' => 10,
        '，' => 8,
        '；' | '！' => 3,
        '）' => 2,
        '：' => 1,
        _ => 0,
    }
}

/// What Han character `c` costs more (half bits; less when negative) right before a
/// Latin letter, a digit or a space than elsewhere, counted over the Debian
/// documentation (`data/context`): `或 `, `了 `, `为 ` stand there often, `我 `, `一 `,
/// `不 ` hardly ever.
pub(crate) fn before_latin_cost(c: char) -> i64 {
    latin_context(c, 0)
}

/// The same as [`before_latin_cost`], right after Latin text (`VNC 或`).
pub(crate) fn after_latin_cost(c: char) -> i64 {
    latin_context(c, 1)
}

fn latin_context(c: char, side: usize) -> i64 {
    (c as u32)
        .checked_sub(HAN_FIRST)
        .and_then(|i| LATIN_CONTEXT.get(2 * i as usize + side))
        .map_or(0, |&cost| cost as i8 as i64)
}

/// Variation selectors 15 and 16 right after a symbol that may take them, in half bits.
const PRESENTATION_SELECTOR: u32 = 2;

/// Whether `c` is a symbol that may be shown as text or as emoji (Unicode's emoji
/// variation sequences start with such symbols, pictographs and the marks `©®™`).
fn takes_presentation_selector(c: char) -> bool {
    matches!(c as u32, 0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x2BFF
        | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
}

/// A combining diacritic right after a Latin letter, in half bits: as much as a
/// lower-case letter.
const DIACRITIC_ON_BASE: u32 = 2 * 5;

/// An em dash right after another, in half bits: `——` is one mark.
const SECOND_EM_DASH: u32 = 2;

/// What an opening quote adds before a space, in half bits: almost none stands there.
/// (A comma does: `， ` is common in translated documentation.)
const OPENING_QUOTE_BEFORE_SPACE: u32 = 12;

/// Whether `a` followed by `b` is a pair the model knows: inside some word of the word
/// list, or often side by side in running text.
pub(crate) fn pair_known(a: char, b: char) -> bool {
    pair_bonus(a, b).is_some()
}

/// What `b` costs less after `a` than on its own, in half bits (from how often the word
/// list writes `b` after `a`, against every pair `a` starts, or running text does);
/// `None` when the model does not know the pair.
pub(crate) fn pair_bonus(a: char, b: char) -> Option<u32> {
    let hash = pair_hash::pair_hash(a, b);
    if !in_filter(&hash) {
        return None;
    }
    let mask = (1 << pair_hash::PAIR_TABLE_BITS) - 1;
    let mut slot = hash.slot;
    loop {
        let at = slot * 4;
        let entry = u32::from_le_bytes(PAIRS[at..at + 4].try_into().expect("four bytes"));
        if entry == 0 {
            return None;
        }
        if entry >> pair_hash::BONUS_BITS == hash.fingerprint {
            return Some(entry & ((1 << pair_hash::BONUS_BITS) - 1));
        }
        slot = (slot + 1) & mask;
    }
}

/// Whether `a` then `b` may be a pair the model knows: when not, [`pair_bonus`] is
/// `None` (only the filter in front of the table is read).
pub(crate) fn may_pair(a: char, b: char) -> bool {
    in_filter(&pair_hash::pair_hash(a, b))
}

fn in_filter(hash: &pair_hash::PairHash) -> bool {
    let at = hash.filter_word * 8;
    let word = u64::from_le_bytes(PAIR_FILTER[at..at + 8].try_into().expect("eight bytes"));
    word & hash.filter_mask == hash.filter_mask
}

/// What a change of writing system between two letters costs: real text stays in one
/// script for a while, misread bytes jump between ASCII, Han and Hangul at every pair.
const SCRIPT_SWITCH: u32 = 2 * 3;

/// The cost of `text`, in half bits.
pub(crate) fn cost(text: &str) -> u32 {
    cost_of(text.chars())
}

/// The cost of a sequence of characters, in half bits.
pub(crate) fn cost_of(chars: impl IntoIterator<Item = char>) -> u32 {
    let mut costing = Costing::default();
    chars.into_iter().for_each(|c| costing.push(c));
    costing.total
}

/// The cost of a text built a character at a time: what a character costs depends only
/// on the one before it and on the last script seen, so a text that shares a beginning
/// with another can start from where that beginning left off.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Costing {
    pub(crate) total: u32,
    prev: char,
    prev_script: Script,
}

impl Default for Costing {
    fn default() -> Self {
        Costing {
            total: 0,
            prev: '\0',
            prev_script: Script::Neutral,
        }
    }
}

impl Costing {
    /// The character pushed last, if any.
    pub(crate) fn last(&self) -> Option<char> {
        Some(self.prev).filter(|&c| c != '\0')
    }

    /// The state this costing is in, with nothing counted: what follows costs the same
    /// after any text that leaves it so.
    pub(crate) fn state(self) -> Costing {
        Costing { total: 0, ..self }
    }

    /// The state every text ending in `c` is left in, with nothing counted yet, when `c`
    /// settles it: a character of some script leaves the same state after any text, so
    /// what follows it costs the same whatever came before.
    pub(crate) fn settled_by(c: char) -> Option<Costing> {
        let script = script_of(c);
        (script != Script::Neutral).then_some(Costing {
            total: 0,
            prev: c,
            prev_script: script,
        })
    }

    pub(crate) fn push(&mut self, c: char) {
        let mut cost = char_cost(c);
        if matches!(c, '\u{FE0E}' | '\u{FE0F}') && takes_presentation_selector(self.prev) {
            // Text or emoji style after a symbol that has both (`🔎︎`): what it is there.
            cost = PRESENTATION_SELECTOR;
        } else if self.prev > '\u{2FFF}' && c > '\u{2FFF}' {
            cost = cost.saturating_sub(pair_bonus(self.prev, c).unwrap_or(0));
        } else if ('\u{300}'..='\u{36F}').contains(&c) && script_of(self.prev) == Script::Latin {
            // A diacritic on the letter before it: text in NFD (`é` as `e` and U+0301,
            // pinyin's `mā` as `a` and U+0304). A letter's worth.
            cost = DIACRITIC_ON_BASE;
        } else if self.prev.is_ascii_digit() {
            cost = cost.min(after_numeral_cost(c));
        } else if (self.prev, c) == ('—', '—') {
            // The Chinese dash is two em dashes: the second costs next to nothing.
            cost = SECOND_EM_DASH;
        } else if c == '\n' {
            cost += before_line_end_cost(self.prev);
        } else if c == ' ' && matches!(self.prev, '“' | '‘') {
            cost += OPENING_QUOTE_BEFORE_SPACE;
        }
        let script = script_of(c);
        if script != Script::Neutral {
            if self.prev_script != Script::Neutral && script != self.prev_script {
                cost += SCRIPT_SWITCH;
            }
            self.prev_script = script;
        }
        self.total += cost;
        self.prev = c;
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Script {
    /// Spaces, punctuation, digits: at home in any script.
    Neutral,
    Latin,
    Han,
    Kana,
    Hangul,
    Other,
}

fn script_of(c: char) -> Script {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F => Script::Latin,
        // (Combining diacritics belong to the letter they sit on.)
        0..=0x7F
        | 0x80..=0xBF
        | 0x300..=0x36F
        | 0x2000..=0x206F
        | 0x3000..=0x303F
        | 0xFF00..=0xFF65 => Script::Neutral,
        0x3040..=0x30FF => Script::Kana,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x2E80..=0x2FDF | 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => Script::Han,
        _ => Script::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_text_is_cheaper_than_mojibake_of_it() {
        // "的初始化" as UTF-8, read as GBK and as cp1252.
        assert!(cost("的初始化") * 2 < cost("鐨勫垵濮嬪寲"));
        assert!(cost("的初始化") * 2 < cost("çš„åˆå§‹åŒ–"));
        assert!(cost("café") < cost("cafÃ©"));
    }

    #[test]
    fn the_table_holds_pairs_from_the_word_list() {
        // build.rs and this module share `pair_hash`; these pairs are words in both scripts.
        for (a, b) in [
            ('中', '國'),
            ('中', '国'),
            ('什', '麼'),
            ('什', '么'),
            ('初', '始'),
        ] {
            assert!(pair_known(a, b), "{a}{b}");
        }
        assert!(!pair_known('鐨', '勫'));
        assert!(pair_bonus('中', '文') >= Some(2 * 3));
        // A pair rarer inside words than its characters alone earns (next to) nothing.
        assert!(pair_bonus('一', '美') < pair_bonus('中', '美'));
        // Graded: after `關`, `係` is likelier than the commoner `信` (a lost byte's two
        // readings, found by the repair tests).
        assert!(cost("關係") < cost("關信") && char_cost('係') > char_cost('信'));
        assert!(char_cost('的') < char_cost('鐨'));
        assert!(char_cost('这') < 2 * 12, "simplified forms are counted");
    }

    #[test]
    fn a_symbol_takes_its_presentation_selector() {
        // A byte lost from `🔎︎` (U+FE0E, text style) leaves 64 candidates of equal cost
        // alone, from U+FE00 on: after the symbol, the selector is what stands there.
        assert!(cost("🔎\u{FE0E}") < cost("🔎\u{FE00}"));
        assert!(cost("©\u{FE0F}") < cost("©\u{FE01}"));
    }
}
