//! Conversion throughput on real text (the golden documents, repeated to ~4 MB), loading
//! timed apart from running. For the 37 MB Debian corpora and peers, see `bench/`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zhnorm::{Config, Converter, Policy};

fn corpus(name: &str) -> String {
    let path = format!("{}/../../tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap().repeat(400)
}

fn bench(c: &mut Criterion) {
    let trad = corpus("hk-news.trad.txt");
    let simp = corpus("xinhua.simp.txt");
    let mut group = c.benchmark_group("convert");
    for (config, text) in [
        (Config::T2S, &trad),
        (Config::TW2S, &trad),
        (Config::S2T, &simp),
        (Config::S2TWP, &simp),
    ] {
        for policy in [Policy::OpenccExact, Policy::FixedPoint] {
            let converter = Converter::builder(config).policy(policy).build();
            converter.convert("預熱"); // load the tries outside the timing
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("{config}/{policy:?}"), text.len()),
                text,
                |b, t| b.iter(|| converter.convert(t).len()),
            );
        }
    }
    group.bench_function("load/t2s+s2twp", |b| {
        b.iter(|| {
            (
                Converter::new(Config::T2S).config(),
                Converter::new(Config::S2TWP).config(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
