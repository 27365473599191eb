#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhnorm_fuzz::checks::each_stage(data));
