//! The command line as clap sees it: raw arguments, before validation (see `settings.rs`).

use std::path::PathBuf;

use clap::Parser;

/// Turns messy Chinese text into clean, consistent text.
///
/// Reads each PATH (or standard input, for none or `-`) and writes the normalized text to
/// standard output, in order, keeping the line structure (lines end in LF after the
/// `space` stage). Input may be in any common encoding — UTF-8 or UTF-16 with or without
/// a byte-order mark, GBK, GB18030, Big5, and the other encodings browsers know — and is
/// detected when not given with --encoding; output is always UTF-8. An input not read as
/// plain UTF-8, or with bytes that could not be decoded, is reported on standard error.
///
/// Exit status: 0 when every input was processed; 2 when some input failed (each failure
/// is reported on standard error, naming the file, and the other inputs are still
/// processed) or the arguments are wrong. A closed output pipe counts as success.
#[derive(Debug, Parser)]
#[command(name = "zhnorm", version, max_term_width = 100)]
pub struct Args {
    /// Files to normalize; `-` or none reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read every input in this encoding instead of detecting it (utf-8, utf-16le,
    /// utf-16be, gbk, gb18030, big5, shift_jis, euc-kr, windows-1252, or any WHATWG label).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// Bytes that cannot be decoded fail the input, naming the line, instead of becoming
    /// U+FFFD.
    #[arg(long)]
    pub strict: bool,

    /// Do not report what was detected or replaced; errors are still reported.
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

    /// Treat each input line as a JSON object and normalize only its string fields named
    /// by --field; every other field, and key order, is kept. Lines that are not JSON
    /// objects are reported and passed through unchanged.
    #[arg(long)]
    pub jsonl: bool,

    /// With --jsonl: a field to normalize. Repeatable.
    #[arg(long, value_name = "NAME", default_value = "text", requires = "jsonl")]
    pub field: Vec<String>,
}
