//! Script conversion, identical to OpenCC 1.4.2 over its own dictionaries.
//!
//! A [`Converter`] runs one of OpenCC's 16 configs the way OpenCC does: the
//! compatibility-ideograph normalization pass, then (for two-step configs) max-match
//! segmentation, then each step of the chain over each segment. Every step is its own
//! compiled trie; steps are never fused, because fusing them is how fast converters drift
//! from OpenCC.
//!
//! On top of that exact behaviour ([`Policy::OpenccExact`]) the default policy
//! ([`Policy::FixedPoint`]) adds one guarantee: converting the result again changes
//! nothing. OpenCC's max-match can leave a convertible character behind inside a phrase
//! (`由於單欄` → `由於单栏`, where `於單` is a name); those lines are converted again until
//! they stop changing.

mod engine;
mod script;
mod trie;
#[allow(dead_code)] // shared with build.rs, which uses the parts the library does not
mod trie_build;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use engine::{convert_span, convert_span_with, segment, Lazy, Starters};
pub use script::{classify, Script, ScriptReport};
pub(crate) use script::{has_simplified_form, is_japanese_or_korean, mark_of};
use trie::{decode, Trie, TrieRef};

use crate::chars::{skip_ascii_except, AsciiStops};

use crate::error::{Error, ErrorKind};

/// What `build.rs` generated: where each trie lies in the blob, and which tries each
/// config uses.
struct ConfigSpec {
    name: &'static str,
    normalization: Option<usize>,
    segmentation: Option<usize>,
    steps: &'static [usize],
    steps_with_tofu_risk: &'static [usize],
}

mod tables {
    use super::ConfigSpec;
    include!(concat!(env!("OUT_DIR"), "/opencc_tables.rs"));
}

#[repr(C, align(8))]
struct Aligned<T: ?Sized>(T);

static BLOB: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/opencc_tries.bin"
)));

static TRIES: [OnceLock<Trie>; tables::TRIE_RANGES.len()] =
    [const { OnceLock::new() }; tables::TRIE_RANGES.len()];

fn blob_words() -> &'static [u32] {
    bytemuck::cast_slice(&BLOB.0)
}

/// The embedded trie `id`, parsed (without copying) on first use.
fn builtin_trie(id: usize) -> &'static Trie {
    TRIES[id].get_or_init(|| {
        let words = blob_words();
        let (start, end) = tables::TRIE_RANGES[id];
        Trie::from_words(Cow::Borrowed(&words[start..end]))
            .unwrap_or_else(|e| panic!("embedded trie {}: {e}", tables::TRIE_NAMES[id]))
    })
}

/// One of OpenCC's conversion configs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Config {
    S2T,
    T2S,
    S2TW,
    TW2S,
    S2TWP,
    TW2SP,
    S2HK,
    HK2S,
    S2HKP,
    HK2SP,
    T2TW,
    TW2T,
    T2HK,
    HK2T,
    T2JP,
    JP2T,
}

impl Config {
    /// All configs, in OpenCC's documentation order.
    pub const ALL: [Config; 16] = [
        Config::S2T,
        Config::T2S,
        Config::S2TW,
        Config::TW2S,
        Config::S2TWP,
        Config::TW2SP,
        Config::S2HK,
        Config::HK2S,
        Config::S2HKP,
        Config::HK2SP,
        Config::T2TW,
        Config::TW2T,
        Config::T2HK,
        Config::HK2T,
        Config::T2JP,
        Config::JP2T,
    ];

    fn spec(self) -> &'static ConfigSpec {
        let spec = &tables::CONFIGS[self as usize];
        debug_assert_eq!(spec.name, self.name());
        spec
    }

    /// OpenCC's name for the config, e.g. `"t2s"`.
    pub fn name(self) -> &'static str {
        match self {
            Config::S2T => "s2t",
            Config::T2S => "t2s",
            Config::S2TW => "s2tw",
            Config::TW2S => "tw2s",
            Config::S2TWP => "s2twp",
            Config::TW2SP => "tw2sp",
            Config::S2HK => "s2hk",
            Config::HK2S => "hk2s",
            Config::S2HKP => "s2hkp",
            Config::HK2SP => "hk2sp",
            Config::T2TW => "t2tw",
            Config::TW2T => "tw2t",
            Config::T2HK => "t2hk",
            Config::HK2T => "hk2t",
            Config::T2JP => "t2jp",
            Config::JP2T => "jp2t",
        }
    }

    /// The script this config writes: `Simplified` for `*2s*`, `Traditional` otherwise
    /// (Japanese shinjitai counts as neither and reports `NonChinese`).
    pub fn target(self) -> Script {
        match self {
            Config::T2S | Config::TW2S | Config::TW2SP | Config::HK2S | Config::HK2SP => {
                Script::Simplified
            }
            Config::T2JP => Script::NonChinese,
            _ => Script::Traditional,
        }
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Config {
    type Err = Error;

    fn from_str(s: &str) -> Result<Config, Error> {
        let wanted = s.trim().trim_end_matches(".json").to_ascii_lowercase();
        Config::ALL
            .into_iter()
            .find(|c| c.name() == wanted)
            .ok_or_else(|| {
                Error::new(ErrorKind::UnknownConfig {
                    name: s.to_string(),
                })
            })
    }
}

/// How closely to follow OpenCC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// OpenCC 1.4.2's output, and then lines that are not a fixed point of the conversion
    /// are converted again until they are: converting twice equals converting once.
    #[default]
    FixedPoint,
    /// Byte-identical to OpenCC 1.4.2.
    OpenccExact,
}

/// Options for a [`Converter`].
#[derive(Debug, Clone)]
pub struct ConverterBuilder {
    config: Config,
    include_tofu_risk: bool,
    policy: Policy,
    user: Vec<(String, String)>,
}

impl ConverterBuilder {
    /// Also load dictionaries OpenCC marks as possibly outputting "tofu" (characters
    /// fonts often lack, e.g. 蹔→𫏐). Off by default, as in OpenCC's command-line tool;
    /// OpenCC's library turns it on.
    pub fn include_tofu_risk(mut self, yes: bool) -> Self {
        self.include_tofu_risk = yes;
        self
    }

    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Adds user entries, which take priority over every built-in dictionary: where a
    /// source matches (longest first), its target is written as is and converted no
    /// further. Earlier entries win over later duplicates.
    pub fn user_entries<I, K, V>(mut self, entries: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.user.extend(
            entries
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .filter(|(k, _)| !k.is_empty()),
        );
        self
    }

    /// Adds user entries in OpenCC's text format (`source<TAB>target`, `#` comments).
    pub fn user_dict(self, text: &str) -> Result<Self, Error> {
        let entries = trie_build::parse_text_dict(text)
            .map_err(|(line, message)| Error::new(ErrorKind::BadDictionary { line, message }))?;
        Ok(self.user_entries(entries))
    }

    pub fn build(self) -> Converter {
        let spec = self.config.spec();
        let steps = match self.include_tofu_risk {
            true => spec.steps_with_tofu_risk,
            false => spec.steps,
        };
        Converter {
            inner: Arc::new(Inner {
                config: self.config,
                policy: self.policy,
                normalization: spec.normalization.map(builtin_trie),
                segmentation: spec.segmentation.map(builtin_trie),
                steps: steps.iter().map(|&id| builtin_trie(id)).collect(),
                user: (!self.user.is_empty()).then(|| Trie::from_entries(&self.user)),
            }),
        }
    }
}

/// Converts text between Chinese scripts. Cheap to clone and safe to share across threads.
#[derive(Debug, Clone)]
pub struct Converter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    policy: Policy,
    normalization: Option<&'static Trie>,
    segmentation: Option<&'static Trie>,
    steps: Vec<&'static Trie>,
    user: Option<Trie>,
}

/// How many extra passes a line gets to reach a fixed point.
const MAX_FIXED_POINT_PASSES: usize = 4;

impl Converter {
    /// The converter for `config` with default options.
    pub fn new(config: Config) -> Converter {
        Converter::builder(config).build()
    }

    pub fn builder(config: Config) -> ConverterBuilder {
        ConverterBuilder {
            config,
            include_tofu_risk: false,
            policy: Policy::default(),
            user: Vec::new(),
        }
    }

    pub fn config(&self) -> Config {
        self.inner.config
    }

    pub fn policy(&self) -> Policy {
        self.inner.policy
    }

    /// Converts `text`; borrowed when nothing changed.
    pub fn convert<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.convert_with(text, self.inner.policy)
    }

    /// Appends the conversion of `text` to `out`, for callers that reuse a buffer.
    pub fn convert_to(&self, text: &str, out: &mut String) {
        out.push_str(&self.convert(text));
    }

    fn convert_with<'a>(&self, text: &'a str, policy: Policy) -> Cow<'a, str> {
        let holds_ideograph = may_hold_compatibility_ideograph(text);
        let normalized = match self.inner.normalization {
            Some(trie) if holds_ideograph => {
                let mut out = Lazy::new(text.len());
                // A dictionary of single characters (OpenCC's is one) maps character by
                // character where no description sequence keeps characters whole: only
                // the ideographs are visited, not the whole text.
                if trie.keys_are_single_chars() && !may_hold_description_character(text) {
                    map_compatibility_ideographs(&trie.view(), text, &mut out);
                } else {
                    convert_span(&trie.view(), text, 0, text.len(), &mut out);
                }
                out.into_cow(text)
            }
            _ => Cow::Borrowed(text),
        };
        match normalized {
            Cow::Borrowed(text) => self.convert_normalized(text, policy, holds_ideograph),
            Cow::Owned(text) => Cow::Owned(
                self.convert_normalized(&text, policy, holds_ideograph)
                    .into_owned(),
            ),
        }
    }

    /// Converts `text`, normalized already; `holds_ideograph`: the text before
    /// normalization may hold a compatibility ideograph.
    fn convert_normalized<'a>(
        &self,
        text: &'a str,
        policy: Policy,
        holds_ideograph: bool,
    ) -> Cow<'a, str> {
        let inner = &*self.inner;
        // User targets are written as given and never converted again, so a text holding
        // them is not re-checked (a target may contain its own source: 乾隆 → 乾隆帝).
        let policy = if inner.user.is_some() {
            Policy::OpenccExact
        } else {
            policy
        };
        let mut out = Lazy::new(text.len());
        let mut bufs = (String::new(), String::new());
        // With one step and no segmentation, the characters the fixed-point check must
        // look at are noted as they are written (most configs: t2s, s2t, …).
        let one_step = match (inner.steps.as_slice(), inner.segmentation, &inner.user) {
            ([step], None, None) if policy == Policy::FixedPoint => Some(step.view()),
            _ => None,
        };
        let mut starters = Starters::default();
        match (&inner.user, &one_step) {
            (None, Some(step)) => {
                convert_span_with::<true>(step, text, 0, text.len(), &mut out, &mut starters)
            }
            (None, None) => self.convert_range(text, 0, text.len(), &mut out, &mut bufs),
            (Some(user), _) => {
                segment(
                    &user.view(),
                    text,
                    0,
                    text.len(),
                    |start, end, matched| match matched {
                        Some(node) => {
                            let view = user.view();
                            if !view.is_identity(node) {
                                out.replace(text, start, end, view.value(node));
                            }
                        }
                        None => self.convert_range(text, start, end, &mut out, &mut bufs),
                    },
                )
            }
        }
        let converted = out.into_cow(text);
        if policy == Policy::OpenccExact || matches!(converted, Cow::Borrowed(_)) {
            // Unchanged text is OpenCC's own output, and so already settled.
            return converted;
        }
        // A residue comes from a phrase that kept a convertible character (t2s: `由於單欄`
        // → `由於单栏`), from a phrase that forms only in the output (s2t: `八进制表示` →
        // `八進制表示`, where `制表` can match next time), or, in segmented configs, from a
        // later step matching across old segment boundaries. Only lines where some step
        // could still change something are converted again.
        // (The normalization pass joins the check where the output holds a compatibility
        // ideograph: only where the text did, or a value does.)
        let output_holds_ideograph = (holds_ideograph
            || inner
                .steps
                .iter()
                .any(|t| t.values_hold_compatibility_ideograph()))
            && may_hold_compatibility_ideograph(&converted);
        let suspects = match one_step {
            Some(step) if !output_holds_ideograph => {
                let suspects = lines_starting_change(&step, &converted, &starters.offsets);
                debug_assert_eq!(suspects, self.lines_that_may_change(&converted));
                suspects
            }
            _ => self.lines_that_may_change(&converted),
        };
        if suspects.is_empty() {
            return converted;
        }
        Cow::Owned(self.settle_lines(converted.into_owned(), &suspects))
    }

    /// Start offsets of the lines of `text` where some pass of the chain (normalization
    /// included) has, at some position, a key whose value differs from it. Every other
    /// line is a fixed point: each pass, however it segments and matches, leaves it as it
    /// is. The check reads each character once and never builds output, so text without
    /// residues is confirmed settled far faster than by converting it again.
    fn lines_that_may_change(&self, text: &str) -> Vec<usize> {
        let inner = &*self.inner;
        let normalization = inner
            .normalization
            .filter(|_| may_hold_compatibility_ideograph(text));
        let tries: Vec<_> = normalization
            .into_iter()
            .chain(inner.steps.iter().copied())
            .map(Trie::view)
            .collect();
        let ascii_stops = tries
            .iter()
            .filter_map(|t| t.ascii_stops.cloned())
            .reduce(|a, b| a.union(&b));
        let bytes = text.as_bytes();
        // Most configs have one step: its check is then a loop of its own.
        match tries.as_slice() {
            [t] => lines_where(bytes, ascii_stops.as_ref(), |p, c, clen| {
                t.may_change_at(bytes, p, bytes.len(), c, clen)
            }),
            _ => lines_where(bytes, ascii_stops.as_ref(), |p, c, clen| {
                tries
                    .iter()
                    .any(|t| t.may_change_at(bytes, p, bytes.len(), c, clen))
            }),
        }
    }

    /// Segments (when the config does) and runs the chain over each segment.
    fn convert_range(
        &self,
        text: &str,
        start: usize,
        end: usize,
        out: &mut Lazy,
        bufs: &mut (String, String),
    ) {
        match self.inner.segmentation {
            None => self.convert_segment(text, start, end, out, bufs),
            Some(seg) => segment(&seg.view(), text, start, end, |s, e, _| {
                self.convert_segment(text, s, e, out, bufs)
            }),
        }
    }

    /// Runs every step of the chain over one segment, each step on the previous output.
    fn convert_segment(
        &self,
        text: &str,
        start: usize,
        end: usize,
        out: &mut Lazy,
        bufs: &mut (String, String),
    ) {
        let steps = &self.inner.steps;
        let Some((last, earlier)) = steps.split_last() else {
            return;
        };
        if earlier.is_empty() {
            return convert_span(&last.view(), text, start, end, out);
        }
        // `current` is None while the segment is still unchanged in `text`.
        let mut current: Option<String> = None;
        for (i, step) in steps.iter().enumerate() {
            let is_last = i + 1 == steps.len();
            match current.take() {
                None if is_last => {
                    convert_span(&step.view(), text, start, end, out);
                    break;
                }
                None => {
                    let mut scratch = Lazy::reusing(std::mem::take(&mut bufs.0), start);
                    convert_span(&step.view(), text, start, end, &mut scratch);
                    if scratch.changed {
                        scratch.finish(text, end);
                        current = Some(scratch.buf);
                    } else {
                        bufs.0 = scratch.buf;
                    }
                }
                Some(input) => {
                    let mut scratch = Lazy::reusing(std::mem::take(&mut bufs.1), 0);
                    convert_span(&step.view(), &input, 0, input.len(), &mut scratch);
                    if scratch.changed {
                        scratch.finish(&input, input.len());
                        bufs.0 = input;
                        current = Some(scratch.buf);
                    } else {
                        bufs.1 = scratch.buf;
                        current = Some(input);
                    }
                }
            }
        }
        if let Some(result) = current {
            if result != text[start..end] {
                out.replace(text, start, end, &result);
            }
            bufs.0 = result;
        }
    }

    /// Converts the lines starting at `line_starts` again until they stop changing.
    fn settle_lines(&self, mut text: String, line_starts: &[usize]) -> String {
        let mut units: Vec<(usize, usize)> = line_starts
            .iter()
            .map(|&at| settling_unit(&text, at))
            .collect();
        units.dedup();
        let mut fixes: Vec<(usize, usize, String)> = Vec::new();
        let mut covered = 0;
        for (start, end) in units {
            if start < covered {
                continue; // inside a unit already widened over it
            }
            covered = end;
            let mut line = Cow::Borrowed(&text[start..end]);
            for _ in 0..MAX_FIXED_POINT_PASSES {
                match self.convert_with(&line, Policy::OpenccExact) {
                    Cow::Borrowed(_) => break,
                    Cow::Owned(next) if next == *line => break,
                    Cow::Owned(next) => line = Cow::Owned(next),
                }
            }
            if let Cow::Owned(line) = line {
                fixes.push((start, end, line));
            }
        }
        // Most fixes swap characters of the same UTF-8 length (於 → 于): write those in
        // place; any other fix means one rebuild of the text.
        if fixes.iter().all(|(s, e, line)| line.len() == e - s) {
            for (start, end, line) in fixes {
                text.replace_range(start..end, &line);
            }
            return text;
        }
        let mut settled = String::with_capacity(text.len() + text.len() / 64);
        let mut copied = 0;
        for (start, end, line) in fixes {
            settled.push_str(&text[copied..start]);
            settled.push_str(&line);
            copied = end;
        }
        settled.push_str(&text[copied..]);
        settled
    }
}

/// Start offsets of the lines of `bytes` (valid UTF-8) holding a character at which
/// `may_change(offset, code point, length)` holds. ASCII other than `ascii_stops` (all of
/// it when `None`) is skipped unread.
fn lines_where(
    bytes: &[u8],
    ascii_stops: Option<&AsciiStops>,
    may_change: impl Fn(usize, u32, usize) -> bool,
) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut p = 0;
    while p < bytes.len() {
        if bytes[p] < 0x80 {
            let q = skip_ascii_except(bytes, p, bytes.len(), ascii_stops);
            if q > p {
                p = q;
                continue;
            }
        }
        let (c, clen) = decode(bytes, p);
        if may_change(p, c, clen) {
            starts.push(memchr::memrchr(b'\n', &bytes[..p]).map_or(0, |i| i + 1));
            p = memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |i| p + i + 1);
            continue;
        }
        p += clen;
    }
    starts
}

/// Start offsets of the lines of `text` where `t` has a key that may change it at one of
/// the offsets `starters` (ascending) notes: [`Converter::lines_that_may_change`] for a
/// one-step chain, looking only where the conversion noted a starter.
fn lines_starting_change(t: &TrieRef, text: &str, starters: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts: Vec<usize> = Vec::new();
    let mut line_end = 0;
    for &p in starters {
        if p < line_end {
            continue; // the line is a suspect already
        }
        let (c, clen) = decode(bytes, p);
        if t.may_change_at(bytes, p, bytes.len(), c, clen) {
            starts.push(memchr::memrchr(b'\n', &bytes[..p]).map_or(0, |i| i + 1));
            line_end = memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |i| p + i + 1);
        }
    }
    starts
}

/// Whether `text` may hold a CJK compatibility ideograph (U+F900–U+FAFF or
/// U+2F800–U+2FA1F), the only characters the normalization pass changes.
fn may_hold_compatibility_ideograph(text: &str) -> bool {
    compatibility_ideograph_leads(text.as_bytes())
        .next()
        .is_some()
}

/// Where the characters of `bytes` that may be compatibility ideographs start.
fn compatibility_ideograph_leads(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(0xEF, 0xF0, bytes).filter(|&i| match bytes[i] {
        0xEF => matches!(bytes.get(i + 1), Some(0xA4..=0xAB)),
        _ => bytes.get(i + 1) == Some(&0xAF) && matches!(bytes.get(i + 2), Some(0xA0..=0xA8)),
    })
}

/// The normalization pass of a dictionary of single characters over `text`, which holds
/// no description character: each compatibility ideograph alone, as `convert_span`
/// would match it.
fn map_compatibility_ideographs(t: &TrieRef, text: &str, out: &mut Lazy) {
    let bytes = text.as_bytes();
    for p in compatibility_ideograph_leads(bytes) {
        let (c, clen) = decode(bytes, p);
        let first = t.root(c);
        if first == 0 {
            continue;
        }
        if let Some(m) = t.longest(bytes, p, bytes.len(), (c, first), clen) {
            if !t.is_identity(m.node) {
                out.replace(text, p, p + m.len, t.value(m.node));
            }
        }
    }
}

/// The line around byte `at`, widened across line breaks that an ideographic description
/// sequence may span (only one can carry a match over a newline).
fn settling_unit(text: &str, at: usize) -> (usize, usize) {
    let line_start = |i: usize| text[..i].rfind('\n').map_or(0, |n| n + 1);
    let line_end = |i: usize| text[i..].find('\n').map_or(text.len(), |n| i + n);
    let (mut start, mut end) = (line_start(at), line_end(at));
    while start > 0 && may_hold_description_character(&text[line_start(start - 1)..start]) {
        start = line_start(start - 1);
    }
    while end < text.len() && may_hold_description_character(&text[line_start(end)..end]) {
        end = line_end(end + 1);
    }
    (start, end)
}

/// Whether `text` may hold an ideographic description character (U+2FF0–U+2FFF).
fn may_hold_description_character(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"\xE2\xBF")
        .any(|i| text.as_bytes().get(i + 2) >= Some(&0xB0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(config: Config) -> Converter {
        Converter::builder(config)
            .policy(Policy::OpenccExact)
            .include_tofu_risk(true)
            .build()
    }

    #[test]
    fn every_embedded_trie_loads() {
        for id in 0..tables::TRIE_RANGES.len() {
            builtin_trie(id);
        }
    }

    #[test]
    fn unchanged_text_is_borrowed() {
        let c = Converter::new(Config::T2S);
        assert!(matches!(
            c.convert("plain ASCII, 简体中文。"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn keys_that_begin_with_ascii_match_inside_ascii_runs() {
        // Expected: OpenCC 1.4.2. Taiwan's phrase tables hold keys that start with ASCII
        // (`A型肝炎`, `SQL注入`), so an ASCII run is skipped only up to the next byte that
        // may begin one.
        for policy in [Policy::OpenccExact, Policy::FixedPoint] {
            let tw2sp = Converter::builder(Config::TW2SP).policy(policy).build();
            assert_eq!(tw2sp.convert("得了A型肝炎和B肝"), "得了甲型肝炎和乙肝");
            assert_eq!(tw2sp.convert("XA肝 CCC肝"), "X甲肝 CC丙肝");
            let s2twp = Converter::builder(Config::S2TWP).policy(policy).build();
            assert_eq!(s2twp.convert("SQL注入攻击, PN结"), "SQL隱碼攻擊, PN接面");
            // A byte that begins keys but no key here (`S` before `P`, a lone `P`) is
            // passed over as text.
            let s2t = Converter::builder(Config::S2T).policy(policy).build();
            assert_eq!(
                s2t.convert("SP后 SQL注入攻击 P结, PN结 S"),
                "SP後 SQL注入攻擊 P結, PN結 S"
            );
            assert_eq!(s2t.convert("SSSQL注入 PPN结发"), "SSSQL注入 PPN結發");
        }
        let tw2sp = Converter::new(Config::TW2SP);
        assert_eq!(tw2sp.lines_that_may_change("ok\nXA肝\nA"), [3]);
    }

    #[test]
    fn ideographic_description_sequences_stay_whole() {
        let c = exact(Config::T2S);
        assert_eq!(c.convert("⿰車專 車專"), "⿰車專 车专");
        assert_eq!(c.convert("⿰車"), "⿰车");
        assert_eq!(c.convert("⿰⿰車"), "⿰⿰车");
        let deep = format!("{}{}", "⿰".repeat(16), "車".repeat(17));
        let kept = format!("⿰{}{}车", "⿰".repeat(15), "車".repeat(16));
        assert_eq!(c.convert(&deep), kept);
        assert_eq!(exact(Config::S2T).convert("⿰一干二净"), "⿰一干二淨");
    }

    #[test]
    fn compatibility_ideographs_are_normalized_first() {
        let c = exact(Config::T2S);
        assert_eq!(c.convert("\u{F900}車"), "岂车");
        assert_eq!(c.convert("⿰\u{F900}車"), "⿰\u{F900}車");
        assert_eq!(c.convert("\u{2F800}"), "丽");
    }

    #[test]
    fn the_normalization_map_equals_the_full_pass() {
        // Every compatibility ideograph, alone, between Han and ASCII, and in a row: the
        // character map gives what the max-match pass gives.
        let trie = Converter::new(Config::T2S)
            .inner
            .normalization
            .expect("t2s normalizes");
        assert!(trie.keys_are_single_chars(), "the fast path is taken");
        let t = trie.view();
        let text: String = ('\u{F900}'..='\u{FAFF}')
            .chain('\u{2F800}'..='\u{2FA1F}')
            .flat_map(|c| [c, '車', c, c, 'a'])
            .collect();
        let (mut mapped, mut full) = (Lazy::new(text.len()), Lazy::new(text.len()));
        map_compatibility_ideographs(&t, &text, &mut mapped);
        convert_span(&t, &text, 0, text.len(), &mut full);
        assert_eq!(mapped.into_cow(&text), full.into_cow(&text));
    }

    #[test]
    fn fixed_point_policy_reconverts_residues() {
        let exact = Converter::builder(Config::T2S)
            .policy(Policy::OpenccExact)
            .build();
        assert_eq!(exact.convert("由於單欄"), "由於单栏");
        let settled = Converter::new(Config::T2S);
        assert_eq!(settled.convert("由於單欄"), "由于单栏");
        assert_eq!(
            settled.convert("第一行\n由於單欄\n第三行"),
            "第一行\n由于单栏\n第三行"
        );
    }

    /// The cheap check must never call a line settled that an exact pass would change.
    #[test]
    fn lines_not_suspected_are_fixed_points() {
        let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/golden/");
        let docs: Vec<String> = [
            "hk-news.trad.txt",
            "xinhua.simp.txt",
            "pinyin-injected.trad.txt",
        ]
        .iter()
        .map(|f| std::fs::read_to_string(format!("{golden}{f}")).unwrap())
        .collect();
        for config in Config::ALL {
            let c = exact(config);
            for doc in &docs {
                let once = c.convert(doc);
                let suspects = c.lines_that_may_change(&once);
                let again = c.convert(&once);
                let mut at = 0;
                for (line, line_again) in once.split('\n').zip(again.split('\n')) {
                    if line != line_again {
                        assert!(suspects.contains(&at), "{config}: {line} -> {line_again}");
                    }
                    at += line.len() + 1;
                }
            }
        }
        // And it is not a blanket "maybe": a settled simplified text raises no suspicion.
        let c = exact(Config::T2S);
        assert!(c
            .lines_that_may_change("由于单栏。他们在公园里散步。")
            .is_empty());
        assert_eq!(c.lines_that_may_change("一\n由於单栏\n三"), vec![4]);
    }

    #[test]
    fn tofu_risk_dictionary_is_opt_in() {
        assert_eq!(Converter::new(Config::T2S).convert("蹔"), "蹔");
        assert_eq!(exact(Config::T2S).convert("蹔"), "𫏐");
    }

    #[test]
    fn user_entries_take_priority() {
        let c = Converter::builder(Config::T2S)
            .user_dict("# mine\n乾隆\t乾隆帝\n著\t着\n")
            .unwrap()
            .build();
        assert_eq!(c.convert("乾隆著書"), "乾隆帝着书");
        let err = Converter::builder(Config::T2S)
            .user_dict("no tab here\n")
            .unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn config_names_round_trip() {
        for c in Config::ALL {
            assert_eq!(c.name().parse::<Config>().unwrap(), c);
            assert_eq!(c.spec().name, c.name());
        }
        let err = "x2y".parse::<Config>().unwrap_err().to_string();
        assert!(err.contains("t2s") && err.contains("x2y"), "{err}");
    }
}
