use zhnorm::{RepairStage, Stage};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let reps: usize = std::env::args().nth(2).map_or(1, |n| n.parse().unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    let t = std::time::Instant::now();
    let mut changed = false;
    for _ in 0..reps {
        changed = matches!(RepairStage.apply(&text), std::borrow::Cow::Owned(_));
    }
    let e = t.elapsed() / reps as u32;
    eprintln!(
        "{} bytes in {:?}: {:.1} MB/s, changed {}",
        text.len(),
        e,
        text.len() as f64 / e.as_secs_f64() / 1e6,
        changed
    );
}
