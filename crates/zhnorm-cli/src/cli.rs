//! The command line as clap sees it: raw arguments, before validation (see `settings.rs`).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Turns messy Chinese text into clean, consistent text.
///
/// Reads each PATH — a file, a directory (walked recursively; hidden files, binary files
/// and symbolic links are skipped and counted), or `-` and none for standard input — and
/// writes the normalized text to standard output in input order, or with -o to a mirror
/// tree, or with --in-place over the originals. `.gz` and `.zst` files are read
/// transparently and written back compressed the same way. Input may be in any common
/// encoding — UTF-8 or UTF-16 with or without a byte-order mark, GBK, GB18030, Big5, and
/// the other encodings browsers know — detected when not given with --encoding; output
/// is always UTF-8. Files are processed in parallel, large ones in parallel segments cut
/// at line ends, in bounded memory.
///
/// Files whose syntax the stages would break are read by their name: JSON (`*.json`: its
/// string values change, keys and layout stay), JSON Lines (`*.jsonl`, `*.ndjson`: the
/// fields --field names), ASS/SSA subtitles (`*.ass`, `*.ssa`: the text of events;
/// fields, styles, fonts and override tags stay) and tables (`*.csv`, `*.tsv`: the text
/// of cells; separators, quoting and a header row stay).
///
/// A summary (files changed, skipped, failed; changes per stage; encodings; scripts) is
/// printed on standard error when a run covers more than one file or writes files;
/// --report writes it per file as JSON.
///
/// Exit status: 0 done; 1 with --check or --diff, when some input would change; 2 when
/// some input failed (each failure is reported on standard error, naming the file and,
/// for JSONL, the line; every other input is still processed) or the arguments are wrong.
/// A closed output pipe (`zhnorm big.txt | head`) counts as success.
#[derive(Debug, Parser)]
#[command(
    name = "zhnorm",
    version,
    max_term_width = 100,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to normalize; `-` or none reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write results under this directory, mirroring the inputs' tree, instead of to
    /// standard output.
    #[arg(short, long, value_name = "DIR", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,

    /// Rewrite each changed file in place: the result goes to a temporary file in the
    /// same directory, which then replaces the original, keeping its permissions. An
    /// interrupted run leaves every original whole.
    #[arg(long)]
    pub in_place: bool,

    /// Change nothing: list the files that would change, and exit 1 if any would.
    #[arg(long, conflicts_with_all = ["output", "in_place", "diff"])]
    pub check: bool,

    /// Change nothing: print a unified diff of what would change, and exit 1 if anything
    /// would.
    #[arg(long, conflicts_with_all = ["output", "in_place"])]
    pub diff: bool,

    /// Write a JSON report of the run, one entry per input, to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Process this many files (and segments of large files) at once. Default: all cores.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Follow symbolic links when walking directories.
    #[arg(long)]
    pub follow: bool,

    /// Read every input in this encoding instead of detecting it (utf-8, utf-16le,
    /// utf-16be, gbk, gb18030, big5, shift_jis, euc-kr, windows-1252, or any WHATWG label).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// Bytes that cannot be decoded fail the input, naming the line, instead of becoming
    /// U+FFFD.
    #[arg(long)]
    pub strict: bool,

    /// No progress bar, summary or notes on what was detected or replaced; errors are
    /// still reported.
    #[arg(long, short)]
    pub quiet: bool,

    /// Script conversion: an OpenCC config (s2t, t2s, s2tw, tw2s, s2twp, tw2sp, s2hk, hk2s,
    /// s2hkp, hk2sp, t2tw, tw2t, t2hk, hk2t, t2jp, jp2t), or `none` for no conversion.
    #[arg(long, value_name = "CONFIG", default_value = "t2s")]
    pub convert: String,

    /// Output byte-identical to OpenCC 1.4.2. By default zhnorm also converts again the
    /// few lines OpenCC leaves half-converted, so that converting twice equals once.
    #[arg(long)]
    pub opencc_exact: bool,

    /// Also use OpenCC's dictionaries marked "may output tofu": rare characters many fonts
    /// lack (蹔→𫏐). Off by default, as in OpenCC's command-line tool.
    #[arg(long)]
    pub include_tofu_risk: bool,

    /// A user dictionary in OpenCC's text format (`source<TAB>target` lines, `#` comments)
    /// whose entries take priority over the built-in ones. Repeatable; earlier files win.
    #[arg(long, value_name = "FILE")]
    pub dict: Vec<PathBuf>,

    /// Punctuation mode: `cjk` (Chinese punctuation in Chinese context, “” quotes), `tw` or
    /// `hk` (the same with 「」 quotes), `search` (fold full-width forms for an index) or
    /// `keep`. Default: `tw`/`hk` when converting to those targets, `cjk` otherwise.
    #[arg(long, value_name = "MODE")]
    pub punct: Option<String>,

    /// Run only these stages (comma list of repair, pinyin, unicode, convert, punct,
    /// space). `--only decode` runs none and prints the decoded text as UTF-8.
    #[arg(long, value_name = "STAGES", conflicts_with = "skip")]
    pub only: Option<String>,

    /// Run every stage except these (comma list).
    #[arg(long, value_name = "STAGES")]
    pub skip: Option<String>,

    /// Read standard input, and every file named, as this format: `text`, `json` (a
    /// document: its string values change), `jsonl` (records: the fields --field names),
    /// `ass` (subtitles: the text of events), `csv` or `tsv` (the text of cells). Without
    /// it, and in directories, a file's name tells (`*.json`, `*.jsonl`, `*.ndjson`,
    /// `*.ass`, `*.ssa`, `*.csv`, `*.tsv`, also `.gz`, `.zst`); anything else is text. In
    /// JSONL, lines that are not JSON objects are reported and passed through unchanged,
    /// and records that hold none of the fields are counted.
    #[arg(long, value_name = "FORMAT", value_parser = ["text", "json", "jsonl", "ass", "csv", "tsv"])]
    pub format: Option<String>,

    /// The same as --format jsonl.
    #[arg(long, conflicts_with = "format")]
    pub jsonl: bool,

    /// A field of JSONL records to normalize: a key, or a dotted path into nested objects
    /// and through arrays (`meta.title`, `conversations.value`). A string is normalized;
    /// an array or object, every string in it. Repeatable. Default: `text`. Given, it
    /// also limits a JSON document to those fields (`[{"text": …}]`: arrays are looked
    /// through); otherwise every string value of a document changes.
    #[arg(long, value_name = "NAME")]
    pub field: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from these definitions.
    Man,
}
