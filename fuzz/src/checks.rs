//! The invariants the fuzz targets check, shared with `tests/lib/fuzz_replay.rs`, which
//! replays the corpus on stable Rust in `cargo test`. Each function panics when an
//! invariant fails; a panic inside zhnorm fails the same way.

use zhnorm::decode::{decode, DecodeOptions, StreamDecoder};
use zhnorm::stream::Segmenter;
use zhnorm::{
    normalize, Config, Converter, PinyinStage, Pipeline, PunctMode, PunctStage, RepairStage,
    SpaceStage, Stage, StageSelection, UnicodeStage,
};

/// Bytes decode without a panic, to the same text whole or fed in pieces of any size.
pub fn decode_bytes(data: &[u8]) {
    let options = DecodeOptions::default();
    let Ok(whole) = decode(data, &options) else {
        return;
    };
    let piece = 1 + data.first().copied().unwrap_or(0) as usize % 17;
    let head = &data[..data.len().min(64 * 1024)];
    let mut decoder = StreamDecoder::new(head, &options);
    let mut streamed = String::new();
    for chunk in data.chunks(piece) {
        decoder.decode(chunk, false, &mut streamed).unwrap();
    }
    decoder.decode(&[], true, &mut streamed).unwrap();
    assert_eq!(streamed, whole.text, "pieces of {piece} bytes");
}

/// Every stage, alone: no panic, and applying it twice gives what once gives.
pub fn each_stage(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let stages: [Box<dyn Stage>; 8] = [
        Box::new(RepairStage),
        Box::new(PinyinStage),
        Box::new(UnicodeStage),
        Box::new(zhnorm::pipeline::ConvertStage(Converter::new(Config::T2S))),
        Box::new(PunctStage::new(PunctMode::Cjk)),
        Box::new(PunctStage::new(PunctMode::Tw)),
        Box::new(PunctStage::new(PunctMode::Search)),
        Box::new(SpaceStage),
    ];
    for stage in &stages {
        let once = stage.apply(&text);
        let twice = stage.apply(&once);
        assert_eq!(twice, once, "{} is not idempotent", stage.name());
    }
}

/// The default pipeline: no panic, and idempotent without `repair` (with it, what
/// conversion makes of rare characters can read as mojibake on a second run: see
/// `tests/lib/pathological.rs`). Segments are cut where the text says, however it
/// arrives, and the stages that look no further than a line give the same result
/// segment by segment as on the whole.
pub fn pipeline(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    normalize(&text);
    let t2s = || Some(Converter::new(Config::T2S));
    let no_repair =
        Pipeline::with_selection(t2s(), &StageSelection::default().skip("repair").unwrap());
    let once = no_repair.run(&text).text;
    let twice = no_repair.run(&once).text;
    assert_eq!(twice, once, "the pipeline is not idempotent");

    let piece = 1 + data.first().copied().unwrap_or(0) as usize % 13;
    let segments = |piece: usize| {
        let mut segmenter = Segmenter::with_sizes(8, 32);
        let mut out = Vec::new();
        let mut end = 0;
        while end < text.len() {
            let mut next = (end + piece).min(text.len());
            while !text.is_char_boundary(next) {
                next += 1;
            }
            segmenter.push(&text[end..next]);
            end = next;
            while let Some(s) = segmenter.next_segment(false) {
                out.push(s);
            }
        }
        while let Some(s) = segmenter.next_segment(true) {
            out.push(s);
        }
        out
    };
    let cut = segments(text.len().max(1));
    assert_eq!(
        segments(piece),
        cut,
        "pieces of {piece} bytes cut differently"
    );
    assert_eq!(cut.concat(), text);
    let local = Pipeline::with_selection(
        t2s(),
        &StageSelection::only("pinyin,unicode,convert").unwrap(),
    );
    if !text.contains('\r')
        && cut
            .iter()
            .all(|s| s.ends_with('\n') || s.len() == text.len())
    {
        let pieces: String = cut.iter().map(|s| local.run(s).text.into_owned()).collect();
        assert_eq!(
            pieces,
            local.run(&text).text,
            "segments differ from the whole"
        );
    }
}
