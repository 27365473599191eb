//! Throughput of the `repair`, `pinyin`, `unicode`, `punct` and `space` stages: on clean,
//! well-typeset text (the common case, which must cost one read-only scan per stage), on
//! text whose punctuation was folded to ASCII (every line rewritten), on text whose
//! UTF-8 was read as GBK and as windows-1252 (every line repaired), and on the seed page
//! with injected pinyin.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhnorm::{PinyinStage, PunctMode, PunctStage, RepairStage, SpaceStage, Stage, UnicodeStage};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/punct/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '，' => ',',
            '。' => '.',
            '：' => ':',
            '；' => ';',
            '（' => '(',
            '）' => ')',
            '“' | '”' => '"',
            c => c,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    // About 4 MB; the no-break spaces of the Debian text are the one thing `space` changes,
    // so they are made plain for the clean case.
    let clean = fixture("zh-cn.txt").replace('\u{A0}', " ").repeat(100);
    let folded = fold(&clean);
    let stages: Vec<Box<dyn Stage>> = vec![
        Box::new(RepairStage),
        Box::new(PinyinStage),
        Box::new(UnicodeStage),
        Box::new(PunctStage::new(PunctMode::Cjk)),
        Box::new(SpaceStage),
    ];
    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(clean.len() as u64));
    group.bench_function("repair+pinyin+unicode+punct+space/clean", |b| {
        b.iter(|| stages.iter().map(|s| s.apply(&clean).len()).sum::<usize>())
    });
    // Issue 4's measure: the three punctuation stages together on text they leave alone.
    group.bench_function("unicode+punct+space/clean", |b| {
        b.iter(|| {
            stages[2..]
                .iter()
                .map(|s| s.apply(&clean).len())
                .sum::<usize>()
        })
    });
    for stage in &stages {
        group.bench_function(format!("{}/clean", stage.name()), |b| {
            b.iter(|| stage.apply(&clean).len())
        });
    }
    let punct = PunctStage::new(PunctMode::Cjk);
    group.throughput(Throughput::Bytes(folded.len() as u64));
    group.bench_function("punct/folded", |b| b.iter(|| punct.apply(&folded).len()));
    let sample = fixture("zh-cn.txt");
    for (name, encoding) in [
        ("gbk", encoding_rs::GBK),
        ("cp1252", encoding_rs::WINDOWS_1252),
    ] {
        let garbled = encoding
            .decode_without_bom_handling(sample.as_bytes())
            .0
            .into_owned();
        group.throughput(Throughput::Bytes(garbled.len() as u64));
        group.bench_function(format!("repair/utf8-read-as-{name}"), |b| {
            b.iter(|| RepairStage.apply(&garbled).len())
        });
    }
    // GBK read as Big5 loses about one character in six whole (one U+FFFD for a pair).
    let gbk = encoding_rs::GBK.encode(&sample).0.into_owned();
    let garbled = encoding_rs::BIG5
        .decode_without_bom_handling(&gbk)
        .0
        .into_owned();
    group.throughput(Throughput::Bytes(garbled.len() as u64));
    group.bench_function("repair/gbk-read-as-big5", |b| {
        b.iter(|| RepairStage.apply(&garbled).len())
    });
    let injected = std::fs::read_to_string(format!(
        "{}/../../tests/golden/pinyin-injected.trad.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .repeat(50);
    group.throughput(Throughput::Bytes(injected.len() as u64));
    group.bench_function("pinyin/injected", |b| {
        b.iter(|| PinyinStage.apply(&injected).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
