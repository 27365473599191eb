//! Where a character pair lands in the language model's pair table. Shared by `build.rs`,
//! which fills the table, and `model`, which reads it.

/// The table has `1 << PAIR_TABLE_BITS` slots of four bytes: 2 MiB, a little over half
/// full with the few hundred thousand pairs of the word list and of running text.
pub const PAIR_TABLE_BITS: u32 = 19;

/// Bits of a slot that hold the pair's bonus (half bits); the rest hold its fingerprint.
pub const BONUS_BITS: u32 = 5;

/// The most a pair can take off its second character's cost, in half bits.
pub const MAX_PAIR_BONUS: u32 = 2 * 10;

/// A Bloom filter of `1 << FILTER_BITS` bits (512 KiB) in front of the table: most pairs
/// a repair weighs are not words, and the filter, small enough to stay in cache, turns
/// all but about 2% of them away before the table is read.
pub const FILTER_BITS: u32 = 22;

/// Where a pair is looked for: its two bits in the filter, which share one 64-bit word (so
/// that a pair the filter turns away costs one cache line), its first slot in the table,
/// and its fingerprint there (never 0, so that an empty slot is 0). Multiplicative hashes
/// of both code points.
pub struct PairHash {
    pub filter_word: usize,
    pub filter_mask: u64,
    pub slot: usize,
    pub fingerprint: u32,
}

pub fn pair_hash(a: char, b: char) -> PairHash {
    let key = ((a as u64) << 21) | b as u64;
    let first = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let second = key.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    PairHash {
        filter_word: (second >> (64 - (FILTER_BITS - 6))) as usize,
        filter_mask: (1 << ((second >> 32) & 63)) | (1 << ((second >> 38) & 63)),
        slot: (first >> (64 - PAIR_TABLE_BITS)) as usize,
        fingerprint: ((second as u32) >> BONUS_BITS).max(1),
    }
}
