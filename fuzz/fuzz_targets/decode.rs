#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhnorm_fuzz::checks::decode_bytes(data));
