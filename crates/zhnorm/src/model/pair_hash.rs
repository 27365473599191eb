//! Where a character pair lands in the language model's pair filter. Shared by `build.rs`,
//! which fills the filter, and `model`, which reads it.

/// The filter has `1 << PAIR_FILTER_BITS` bits: 512 KiB, about 1% false positives for the
/// few hundred thousand pairs it holds.
pub const PAIR_FILTER_BITS: u32 = 22;

/// The three filter bits of the pair `a`, `b`: multiplicative hashes of both code points.
pub fn pair_bits(a: char, b: char) -> [usize; 3] {
    let key = ((a as u64) << 21) | b as u64;
    [
        0x9E37_79B9_7F4A_7C15u64,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
    ]
    .map(|m| (key.wrapping_mul(m) >> (64 - PAIR_FILTER_BITS)) as usize)
}
