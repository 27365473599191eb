//! Integration tests of the zhnorm library. Each module is one concern.

mod decoding;
mod file_syntax;
mod fuzz_replay;
mod golden;
mod idempotence;
mod opencc_conformance;
mod other_languages;
mod pathological;
mod pinyin_injection;
mod properties;
mod punct_restore;
mod repair_mojibake;
mod stage_properties;
mod streaming;
mod util;
