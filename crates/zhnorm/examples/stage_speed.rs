//! Where the default pipeline spends its time on a real file: each stage timed on the
//! text it really receives (the previous stages' output), segment by segment as the CLI
//! cuts it, best of three runs.
//!
//! cargo run --release -p zhnorm --example stage_speed -- FILE

use std::time::{Duration, Instant};

use zhnorm::stream::Segmenter;
use zhnorm::{Config, Converter, Pipeline, StageSelection};

fn main() {
    let path = std::env::args().nth(1).expect("usage: stage_speed FILE");
    let text = std::fs::read_to_string(&path).expect("a UTF-8 file");
    // Fed in pieces, as the CLI reads a file.
    let mut segmenter = Segmenter::new();
    let mut segments = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let mut cut = rest.len().min(1 << 16);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        segmenter.push(&rest[..cut]);
        rest = &rest[cut..];
        segments.extend(std::iter::from_fn(|| segmenter.next_segment(false)));
    }
    segments.extend(std::iter::from_fn(|| segmenter.next_segment(true)));
    let mb = text.len() as f64 / 1e6;

    let pipeline = Pipeline::with_selection(
        Some(Converter::new(Config::T2S)),
        &StageSelection::default(),
    );
    let names = pipeline.stage_names();
    let mut best = vec![Duration::MAX; names.len()];
    let mut whole = Duration::MAX;
    for _ in 0..3 {
        let mut spent = vec![Duration::ZERO; names.len()];
        let started = Instant::now();
        for segment in &segments {
            let mut current = std::borrow::Cow::Borrowed(segment.as_str());
            for (k, stage) in pipeline.stages().enumerate() {
                let t = Instant::now();
                let out = stage.apply(&current);
                spent[k] += t.elapsed();
                if let std::borrow::Cow::Owned(s) = out {
                    current = std::borrow::Cow::Owned(s);
                }
            }
        }
        whole = whole.min(started.elapsed());
        for (b, s) in best.iter_mut().zip(spent) {
            *b = (*b).min(s);
        }
    }
    println!("{path}: {mb:.1} MB in {} segments", segments.len());
    for (name, d) in names.iter().zip(&best) {
        println!(
            "{name:>8} {:>8.1} ms {:>8.0} MB/s",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64()
        );
    }
    println!(
        "{:>8} {:>8.1} ms {:>8.0} MB/s",
        "all",
        whole.as_secs_f64() * 1e3,
        mb / whole.as_secs_f64()
    );
}
