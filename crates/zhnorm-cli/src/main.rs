//! The `zhnorm` command: arguments → validated settings → run → exit code.

mod cli;
mod compress;
mod diff;
mod formats;
mod inputs;
mod process;
mod report;
mod run;
mod settings;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Args, Command};

fn main() -> ExitCode {
    keep_freed_memory();
    let args = Args::parse();
    if let Some(command) = &args.command {
        return generate(command);
    }
    let outcome = settings::Settings::from_args(&args).and_then(|s| run::run(&s, &args.paths));
    match outcome {
        Ok(outcome) if outcome.failed > 0 => ExitCode::from(2),
        Ok(outcome) if outcome.changed > 0 && (args.check || args.diff) => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zhnorm: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Segments of hundreds of kilobytes pass through the stages, each writing its text anew:
/// freed buffers handed back to the system were faulted in again, page by page, for the
/// next segment (nearly a fifth of a corpus run). glibc raises its threshold for keeping freed
/// memory to the size of any block it mapped and then freed, up to 32 MiB (mallopt(3),
/// `M_MMAP_THRESHOLD`): one block of 16 MiB, allocated and freed, sets it without an
/// unsafe call. With any other allocator this is one allocation and one free.
fn keep_freed_memory() {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(16 << 20)));
}

/// `zhnorm completions SHELL`, `zhnorm man`: generated from the argument definitions.
fn generate(command: &Command) -> ExitCode {
    let mut cmd = Args::command();
    let mut out = std::io::stdout();
    let written = match command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut cmd, "zhnorm", &mut out);
            Ok(())
        }
        Command::Man => clap_mangen::Man::new(cmd).render(&mut out),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zhnorm: cannot write to standard output: {e}");
            ExitCode::from(2)
        }
    }
}
