//! Replays the fuzz corpus (`fuzz/corpus/<target>/`, inputs cargo-fuzz found
//! interesting) through the fuzz targets' own checks, so that `cargo test` on stable
//! Rust keeps every one of them passing.

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "{target}: only {} inputs", inputs.len());
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
    }
}

#[test]
fn decode_corpus() {
    replay("decode", checks::decode_bytes);
}

#[test]
fn stages_corpus() {
    replay("stages", checks::each_stage);
}

#[test]
fn pipeline_corpus() {
    replay("pipeline", checks::pipeline);
}
