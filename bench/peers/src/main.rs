//! One binary, every Rust peer, same input: `zhnorm-peers MODE TOOL CONFIG FILE`.
//!
//! MODE `inproc` loads the converter (timed apart), then converts the whole file in memory
//! five times and prints the best run as MB/s. MODE `cli` behaves like a command-line tool
//! (read file, convert, write stdout) so that a whole process can be timed from outside.
//! TOOL is `zhnorm` (default policy), `zhnorm-exact`, `zhconv`, `fmmseg` or `autocorrect`
//! (punctuation and spacing only); CONFIG is `t2s` or `s2t`.

use std::io::Write;
use std::time::{Duration, Instant};

type Convert = Box<dyn Fn(&str) -> String>;

fn converter(tool: &str, config: &str) -> Convert {
    match tool {
        "zhnorm" | "zhnorm-exact" => {
            let policy = if tool == "zhnorm" {
                zhnorm::Policy::FixedPoint
            } else {
                zhnorm::Policy::OpenccExact
            };
            let c = zhnorm::Converter::builder(config.parse().expect("config"))
                .policy(policy)
                .build();
            Box::new(move |t| c.convert(t).into_owned())
        }
        "zhconv" => {
            let target = match config {
                "t2s" => zhconv::Variant::ZhHans,
                "s2t" => zhconv::Variant::ZhHant,
                _ => panic!("zhconv: only t2s and s2t"),
            };
            let c = zhconv::get_builtin_converter(target);
            Box::new(move |t| c.convert(t))
        }
        "fmmseg" => {
            let mut c = opencc_fmmseg::OpenCC::new();
            c.set_parallel(false); // single thread, like every other row
            let config = config.to_string();
            Box::new(move |t| c.convert(t, &config, false))
        }
        // Punctuation and spacing between CJK and Latin text; no conversion (CONFIG ignored).
        "autocorrect" => Box::new(autocorrect::format),
        _ => panic!("unknown tool {tool}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, tool, config, file] = &args[..] else {
        eprintln!("usage: zhnorm-peers inproc|cli TOOL CONFIG FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(file).expect("read input");
    match mode.as_str() {
        "cli" => {
            let out = converter(tool, config)(&text);
            std::io::stdout().lock().write_all(out.as_bytes()).unwrap();
        }
        "inproc" => {
            let start = Instant::now();
            let convert = converter(tool, config);
            convert("預熱"); // builds lazily loaded tables
            let load = start.elapsed();
            let mut best = Duration::MAX;
            for _ in 0..5 {
                let start = Instant::now();
                std::hint::black_box(convert(std::hint::black_box(&text)));
                best = best.min(start.elapsed());
            }
            let mbs = text.len() as f64 / 1e6 / best.as_secs_f64();
            println!("{tool}\t{config}\t{mbs:.0}\t{:.1}", load.as_secs_f64() * 1e3);
        }
        _ => panic!("unknown mode {mode}"),
    }
}
