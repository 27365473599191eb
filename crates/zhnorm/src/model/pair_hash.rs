//! Where a character pair lands in the language model's pair table. Shared by `build.rs`,
//! which fills the table, and `model`, which reads it.

/// The table has `1 << PAIR_TABLE_BITS` slots of four bytes: 2 MiB, a little over half
/// full with the few hundred thousand within-word pairs of the word list.
pub const PAIR_TABLE_BITS: u32 = 19;

/// Bits of a slot that hold the pair's bonus (half bits); the rest hold its fingerprint.
pub const BONUS_BITS: u32 = 5;

/// The least a pair seen inside a word takes off its second character's cost, in half
/// bits (`build.rs` applies it).
#[allow(dead_code)]
pub const MIN_PAIR_BONUS: u32 = 2 * 3;

/// The most a pair can take off its second character's cost, in half bits.
pub const MAX_PAIR_BONUS: u32 = (1 << BONUS_BITS) - 1;

/// The pair's first slot, and its fingerprint (never 0, so that an empty slot is 0):
/// multiplicative hashes of both code points.
pub fn slot_and_fingerprint(a: char, b: char) -> (usize, u32) {
    let key = ((a as u64) << 21) | b as u64;
    let slot = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - PAIR_TABLE_BITS);
    let fingerprint = key.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) >> (64 - (32 - BONUS_BITS));
    (slot as usize, (fingerprint as u32).max(1))
}
