//! The Mandarin readings of a character, from Unihan (`data/pinyin`), compiled by
//! `build.rs` into sorted tables.

use super::syllable::Syllable;

include!(concat!(env!("OUT_DIR"), "/pinyin_tables.rs"));

/// A syllable of the reading table, by its index in `SYLLABLES`.
pub(crate) type SyllableId = u16;

/// The id of `syllable`, if any character is read so.
pub(crate) fn syllable_id(syllable: &Syllable) -> Option<SyllableId> {
    SYLLABLES
        .binary_search(&syllable.as_str())
        .ok()
        .map(|i| i as SyllableId)
}

/// How `syllable` relates to the readings of `c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Not a reading of `c` (or `c` has none in the table).
    None,
    /// A reading some dictionary gives.
    Reading,
    /// Its customary reading (`kMandarin`), the one a machine annotating text picks.
    Default,
}

pub(crate) fn fit(c: char, syllable: SyllableId) -> Fit {
    let Ok(i) = READING_CHARS.binary_search(&(c as u32)) else {
        return Fit::None;
    };
    let ids = &READING_IDS[READING_START[i] as usize..READING_START[i + 1] as usize];
    match ids.iter().position(|&s| s == syllable) {
        Some(at) if at < READING_DEFAULTS[i] as usize => Fit::Default,
        Some(_) => Fit::Reading,
        None => Fit::None,
    }
}
