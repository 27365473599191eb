//! The `zhnorm` command: arguments → validated settings → run → exit code.

mod cli;
mod jsonl;
mod run;
mod settings;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let outcome = settings::Settings::from_args(&args).and_then(|s| run::run(&s, &args.paths));
    match outcome {
        Ok(outcome) if outcome.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(2),
        Err(e) => {
            eprintln!("zhnorm: {e:#}");
            ExitCode::from(2)
        }
    }
}
