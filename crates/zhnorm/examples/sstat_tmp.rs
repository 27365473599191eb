use zhnorm::{SpaceStage, Stage};
fn main() {
    let f = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args().nth(2).map_or(1, |s| s.parse().unwrap());
    let text = std::fs::read_to_string(f).unwrap();
    // segments of ~1 MB at line ends, as the pipeline gives them
    let mut segs = Vec::new();
    let mut s = 0;
    while s < text.len() {
        let mut e = (s + (1 << 20)).min(text.len());
        while e < text.len() && text.as_bytes()[e - 1] != b'\n' {
            e += 1;
        }
        segs.push(&text[s..e]);
        s = e;
    }
    let stage = SpaceStage;
    let mut best = f64::MAX;
    for _ in 0..n {
        let t = std::time::Instant::now();
        let total: usize = segs.iter().map(|s| stage.apply(s).len()).sum();
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(total);
    }
    eprintln!("space best {:.1} ms", best * 1e3);
}
