//! The normalization pipeline: named stages run in a fixed order, each handing the next
//! a borrowed text when it changed nothing.
//!
//! Stage order is `repair`, `pinyin`, `unicode`, `convert`, `punct`, `space`. Decoding
//! bytes to text happens before the pipeline (see [`crate::decode`]) and is not a stage.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

use crate::convert::{classify, is_japanese_or_korean, Converter, ScriptReport};
use crate::error::{Error, ErrorKind};
use crate::pinyin::PinyinStage;
use crate::punct::{PunctMode, PunctStage, SpaceStage, UnicodeStage};
use crate::repair::RepairStage;

/// Every stage name, in the order stages run.
pub const STAGE_NAMES: [&str; 6] = ["repair", "pinyin", "unicode", "convert", "punct", "space"];

/// One concern of normalization.
pub trait Stage: Send + Sync {
    /// The name users give in `--only`/`--skip` and see in reports.
    fn name(&self) -> &'static str;
    /// The text with this stage applied; `Cow::Borrowed` exactly when nothing changed.
    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str>;

    /// [`Stage::apply`], and the byte ranges of its result that the stage left as they are
    /// on doubt (`repair`: what looks like mojibake but read no better any other way).
    /// The pipeline hides such a span from the later stages when what they would make of
    /// it is something this stage would change: a second run must give the text back, and
    /// a garbled span keeps its evidence. Most stages leave nothing on doubt.
    fn apply_protecting<'a>(&self, text: &'a str) -> (Cow<'a, str>, Vec<Range<usize>>) {
        (self.apply(text), Vec::new())
    }

    /// Whether the stage would leave what it leaves on doubt in `text` as it is (see
    /// [`Stage::apply_protecting`]).
    fn settles(&self, text: &str) -> bool {
        matches!(self.apply(text), Cow::Borrowed(_))
    }

    /// [`Stage::apply`] to `piece`, a part of a text that `whole` tells about: what a stage
    /// decides once for a whole text (`convert` and `punct` leave a Japanese or Korean
    /// text alone) is decided as for that text, not for the piece (one kana among four
    /// Han makes a piece Japanese, and the line around it Chinese).
    fn apply_within<'a>(&self, piece: &'a str, _whole: &WholeText) -> Cow<'a, str> {
        self.apply(piece)
    }
}

/// What the stages decide once for a whole text, found when first asked: see
/// [`Stage::apply_within`].
#[derive(Debug)]
pub struct WholeText<'t> {
    text: &'t str,
    japanese_or_korean: OnceCell<bool>,
}

impl<'t> WholeText<'t> {
    /// `text`, of which nothing is decided until a stage asks.
    pub fn new(text: &'t str) -> WholeText<'t> {
        WholeText {
            text,
            japanese_or_korean: OnceCell::new(),
        }
    }

    /// Whether the text is Japanese or Korean, as `convert` and `punct` judge a text.
    pub fn is_japanese_or_korean(&self) -> bool {
        *self
            .japanese_or_korean
            .get_or_init(|| is_japanese_or_korean(self.text))
    }
}

/// The `convert` stage: script conversion with a [`Converter`]. A text that is Japanese
/// or Korean (kana or Hangul at least a quarter as many as its Han, as [`classify`] reads
/// it) is left as it is by the Chinese configs: t2s would make `時間` `时间` in every
/// Japanese document of a mixed corpus, and Korean Hanja Simplified (`大韓民國` →
/// `大韩民国`). t2jp and jp2t, which are for Japanese, and `--opencc-exact`, which
/// promises OpenCC's output whatever the text, convert it.
#[derive(Debug, Clone)]
pub struct ConvertStage(pub Converter);

impl ConvertStage {
    /// Whether this stage leaves a text as it is for being Japanese or Korean.
    fn leaves_as_japanese_or_korean(&self, whole: &WholeText) -> bool {
        use crate::convert::{Config, Policy};
        let for_japanese = matches!(self.0.config(), Config::T2JP | Config::JP2T);
        !for_japanese && self.0.policy() != Policy::OpenccExact && whole.is_japanese_or_korean()
    }
}

impl Stage for ConvertStage {
    fn name(&self) -> &'static str {
        "convert"
    }

    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.apply_within(text, &WholeText::new(text))
    }

    fn apply_within<'a>(&self, piece: &'a str, whole: &WholeText) -> Cow<'a, str> {
        // (Asked only of a text conversion changes: most need no look for kana.)
        match self.0.convert(piece) {
            Cow::Owned(_) if self.leaves_as_japanese_or_korean(whole) => Cow::Borrowed(piece),
            converted => converted,
        }
    }
}

/// Which stages to run, from `--only` / `--skip` style lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSelection {
    enabled: [bool; STAGE_NAMES.len()],
}

impl Default for StageSelection {
    fn default() -> Self {
        StageSelection {
            enabled: [true; STAGE_NAMES.len()],
        }
    }
}

impl StageSelection {
    /// Only the listed stages (comma-separated). `decode` names no stage: `only("decode")`
    /// runs none, leaving just the decoding that precedes every pipeline.
    pub fn only(list: &str) -> Result<StageSelection, Error> {
        let mut enabled = [false; STAGE_NAMES.len()];
        for name in parse_list(list, true)? {
            enabled[name] = true;
        }
        Ok(StageSelection { enabled })
    }

    /// Every stage but the listed ones.
    pub fn skip(mut self, list: &str) -> Result<StageSelection, Error> {
        for name in parse_list(list, false)? {
            self.enabled[name] = false;
        }
        Ok(self)
    }

    pub fn contains(&self, stage: &str) -> bool {
        STAGE_NAMES
            .iter()
            .position(|s| *s == stage)
            .is_some_and(|i| self.enabled[i])
    }
}

/// Stage indices named in a comma list; `decode` is allowed (and ignored) where asked.
fn parse_list(list: &str, allow_decode: bool) -> Result<Vec<usize>, Error> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if allow_decode && name == "decode" {
            continue;
        }
        match STAGE_NAMES.iter().position(|s| *s == name) {
            Some(i) => out.push(i),
            None => {
                return Err(Error::new(ErrorKind::UnknownStage {
                    name: name.to_string(),
                }))
            }
        }
    }
    Ok(out)
}

/// A sequence of stages, built once and shared.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

/// What a pipeline run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized<'a> {
    pub text: Cow<'a, str>,
    /// Names of the stages that changed the text, in order.
    pub changed_by: Vec<&'static str>,
}

impl Normalized<'_> {
    /// Takes `text`, what another run made of this one's, and the stages that changed it.
    fn add_changes(&mut self, text: String, changed_by: Vec<&'static str>) {
        for name in changed_by {
            if !self.changed_by.contains(&name) {
                self.changed_by.push(name);
            }
        }
        self.text = Cow::Owned(text);
    }
}

impl Pipeline {
    /// A pipeline of the given stages, run in the order given.
    pub fn new(stages: Vec<Box<dyn Stage>>) -> Pipeline {
        Pipeline { stages }
    }

    /// The default pipeline: every available stage, converting with `converter`
    /// (or not converting, with `None`) and punctuation in the mode that suits its
    /// target, as `selection` allows.
    pub fn with_selection(converter: Option<Converter>, selection: &StageSelection) -> Pipeline {
        let mode = PunctMode::for_config(converter.as_ref().map(Converter::config));
        Pipeline::with_options(converter, mode, selection)
    }

    /// Like [`Pipeline::with_selection`], with the punctuation mode given.
    pub fn with_options(
        converter: Option<Converter>,
        punct: PunctMode,
        selection: &StageSelection,
    ) -> Pipeline {
        let mut stages: Vec<Box<dyn Stage>> = Vec::new();
        if selection.contains("repair") {
            stages.push(Box::new(RepairStage));
        }
        if selection.contains("pinyin") {
            stages.push(Box::new(PinyinStage));
        }
        if selection.contains("unicode") {
            stages.push(Box::new(UnicodeStage));
        }
        if let Some(c) = converter.filter(|_| selection.contains("convert")) {
            stages.push(Box::new(ConvertStage(c)));
        }
        if selection.contains("punct") && punct != PunctMode::Keep {
            stages.push(Box::new(PunctStage::new(punct)));
        }
        if selection.contains("space") {
            stages.push(Box::new(SpaceStage));
        }
        Pipeline { stages }
    }

    /// The stages, in the order they run.
    pub fn stages(&self) -> impl Iterator<Item = &dyn Stage> {
        self.stages.iter().map(|s| s.as_ref())
    }

    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Runs every stage over `text`.
    pub fn run<'a>(&self, text: &'a str) -> Normalized<'a> {
        self.run_classifying(text, false).0
    }

    /// Like [`Pipeline::run`], and what the text is written in: classified (see
    /// [`crate::classify`]) as it stands before `convert`, repaired and rid of annotations,
    /// or at the end without `convert`. A garbled document is read for what it says.
    pub fn run_and_classify<'a>(&self, text: &'a str) -> (Normalized<'a>, ScriptReport) {
        let (run, script) = self.run_classifying(text, true);
        (run, script.expect("classified"))
    }

    fn run_classifying<'a>(
        &self,
        text: &'a str,
        classifying: bool,
    ) -> (Normalized<'a>, Option<ScriptReport>) {
        let (mut run, script, mut unsettled, mut hid) = self.run_once(text, classifying, None);
        // A text a stage changed but left partly as it was on doubt (`repair`, on a page
        // that stays partly garbled) can read differently once the later stages have
        // changed the rest of it (t2s makes the page around a garbled run Simplified). The
        // stages after it leave their own output as it is: when that stage leaves the
        // result as it is too, so does a second run; otherwise the text goes through
        // again.
        for _ in 0..MAX_RERUNS {
            let Some(k) = unsettled else { break };
            let asked = self.stages[k].apply_protecting(&run.text);
            if let Cow::Borrowed(_) = asked.0 {
                break;
            }
            // (What the first stage made of the text is where the run again starts.)
            let first = (k == 0).then_some(asked);
            let (again, _, still, hid_again) = self.run_once(&run.text, false, first);
            let (Cow::Owned(again), changed_by) = (again.text, again.changed_by) else {
                break;
            };
            run.add_changes(again, changed_by);
            unsettled = still;
            hid = hid_again;
        }
        // Spans hidden from the later stages are hidden with the marks beside them, and
        // whether a line needs hiding is judged from all of it: once the later stages have
        // changed what stood unhidden (`涓氬:,滴:�`, its `,` made `，`), a second run may
        // hide less and change what was hidden (`滴:�`'s `:`). Run again to where a run
        // changes nothing.
        for _ in 0..MAX_RERUNS {
            if !hid {
                break;
            }
            let (again, _, _, hid_again) = self.run_once(&run.text, false, None);
            let (Cow::Owned(again), changed_by) = (again.text, again.changed_by) else {
                break;
            };
            run.add_changes(again, changed_by);
            hid = hid_again;
        }
        (run, script)
    }

    /// One run of the pipeline (see [`Pipeline::run_protecting`]), and the stage, if any,
    /// that changed the text and left some of it on doubt.
    fn run_once<'a>(
        &self,
        text: &'a str,
        classifying: bool,
        first: Option<Applied<'a>>,
    ) -> (Normalized<'a>, Option<ScriptReport>, Option<usize>, bool) {
        self.run_protecting(text, classifying, true, first)
            .unwrap_or_else(|| {
                self.run_protecting(text, classifying, false, None)
                    .expect("run")
            })
    }

    /// The pipeline over `text`, with the spans a stage protects hidden from the stages
    /// after it (when `protecting`), starting from `first` when it is what the first stage
    /// already made of `text`; `None` when a stage lost or doubled a hidden span's
    /// placeholder, which no stage of this crate does.
    fn run_protecting<'a>(
        &self,
        text: &'a str,
        classifying: bool,
        protecting: bool,
        mut first: Option<Applied<'a>>,
    ) -> Option<(Normalized<'a>, Option<ScriptReport>, Option<usize>, bool)> {
        let mut current = Cow::Borrowed(text);
        let mut changed_by = Vec::new();
        let mut script = None;
        let mut hidden = Vec::new();
        let mut hid = false;
        let mut unsettled = None;
        for (k, stage) in self.stages.iter().enumerate() {
            if classifying && script.is_none() && stage.name() == "convert" {
                script = Some(classify(&current));
            }
            let later = &self.stages[k + 1..];
            let (out, doubtful) = if let Some(applied) = first.take() {
                applied
            } else if protecting && !later.is_empty() && hidden.is_empty() {
                stage.apply_protecting(&current)
            } else {
                (stage.apply(&current), Vec::new())
            };
            // A stage returns `Owned` only when it changed the text (the `Stage` contract),
            // so no comparison of whole texts is needed here.
            if let Cow::Owned(s) = out {
                debug_assert!(
                    s != *current,
                    "{} returned an unchanged text owned",
                    stage.name()
                );
                changed_by.push(stage.name());
                current = Cow::Owned(s);
            }
            if changed_by.last() == Some(&stage.name()) && !doubtful.is_empty() {
                unsettled = unsettled.or(Some(k));
            }
            let protected = unsettled_spans(later, stage.as_ref(), &current, &doubtful);
            if !protected.is_empty() && !current.contains(PLACEHOLDER) {
                let (shown, spans) = hide(&current, &protected);
                current = Cow::Owned(shown);
                hidden = spans;
                hid = true;
            }
        }
        if !hidden.is_empty() {
            let restored = restore(&current, &hidden)?;
            // (Hiding is no change: a text no stage changed comes back borrowed.)
            current = match changed_by.is_empty() {
                true => Cow::Borrowed(text),
                false => Cow::Owned(restored),
            };
        }
        if classifying && script.is_none() {
            script = Some(classify(&current));
        }
        let run = Normalized {
            text: current,
            changed_by,
        };
        Some((run, script, unsettled, hid))
    }
}

/// What a stage made of a text, and what it left on doubt there (see
/// [`Stage::apply_protecting`]).
type Applied<'a> = (Cow<'a, str>, Vec<Range<usize>>);

/// Runs of the pipeline after the first, at most, over a text left partly on doubt (see
/// [`Pipeline::run_classifying`]); garbled pages have settled in one.
const MAX_RERUNS: usize = 3;

/// The spans of `doubtful` to hide from the `later` stages: those of each line that the
/// later stages make into something `stage` would change (`靽�蝮賜��`, UTF-8 read as
/// Big5 and left garbled, is other mojibake once t2s makes `賜` `赐`), each with the ASCII marks beside it (made
/// full-width, a mark joins the span to what stands there: `涓氬:涓` becomes `涓氬：涓`).
fn unsettled_spans(
    later: &[Box<dyn Stage>],
    stage: &dyn Stage,
    text: &str,
    doubtful: &[Range<usize>],
) -> Vec<Range<usize>> {
    let is_mark = |c: Option<char>| c.is_some_and(|c| c.is_ascii_punctuation());
    let with_marks = |span: &Range<usize>| {
        let before = is_mark(text[..span.start].chars().next_back()) as usize;
        let after = is_mark(text[span.end..].chars().next()) as usize;
        span.start - before..span.end + after
    };
    let mut hidden = Vec::new();
    let whole = WholeText::new(text);
    let mut rest = doubtful;
    while let Some(first) = rest.first() {
        let start = text[..first.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[first.end..]
            .find('\n')
            .map_or(text.len(), |i| first.end + i);
        let (on_line, after) = rest.split_at(rest.partition_point(|span| span.start < end));
        rest = after;
        // Only a line whose spans the later stages change can read differently for
        // them (a span alone, with its marks and the characters beyond them, is a quick
        // look: the line is read again only then).
        let touched = on_line.iter().any(|span| {
            let marked = with_marks(span);
            let before = text[..marked.start].chars().next_back();
            let after = text[marked.end..].chars().next();
            let piece = &text[marked.start - before.map_or(0, char::len_utf8)
                ..marked.end + after.map_or(0, char::len_utf8)];
            run_stages(later, piece, &whole) != piece
        });
        if !touched {
            continue;
        }
        let line = &text[start..end];
        let made = run_stages(later, line, &whole);
        // (Taken out of its text, a line may read differently whatever the later stages
        // do: only what they change counts.)
        if made != line && !stage.settles(&made) && stage.settles(line) {
            hidden.extend(on_line.iter().map(with_marks));
        }
    }
    hidden
}

/// `text`, a part of `whole`, through `stages`, borrowed when none changes it.
fn run_stages<'t>(stages: &[Box<dyn Stage>], text: &'t str, whole: &WholeText) -> Cow<'t, str> {
    let mut made = Cow::Borrowed(text);
    for stage in stages {
        if let Cow::Owned(changed) = stage.apply_within(&made, whole) {
            made = Cow::Owned(changed);
        }
    }
    made
}

/// What stands for a protected span while the later stages run: a character that no
/// stage changes, removes or takes for Chinese (so a mark after a garbled span is not
/// made full-width as after Han).
const PLACEHOLDER: char = '\u{FFFC}';

/// `text` with each of `spans` (in order; two that share a mark are one) replaced by
/// [`PLACEHOLDER`], and the spans' text.
fn hide(text: &str, spans: &[Range<usize>]) -> (String, Vec<String>) {
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => merged.push(span.clone()),
        }
    }
    let mut shown = String::with_capacity(text.len());
    let mut at = 0;
    for span in &merged {
        shown.push_str(&text[at..span.start]);
        shown.push(PLACEHOLDER);
        at = span.end;
    }
    shown.push_str(&text[at..]);
    let hidden = merged
        .into_iter()
        .map(|span| text[span].to_string())
        .collect();
    (shown, hidden)
}

/// `text` with its placeholders given back the spans they stand for; `None` when there
/// are not as many placeholders as spans.
fn restore(text: &str, hidden: &[String]) -> Option<String> {
    let mut pieces = text.split(PLACEHOLDER);
    let mut restored =
        String::with_capacity(text.len() + hidden.iter().map(String::len).sum::<usize>());
    restored.push_str(pieces.next()?);
    let mut spans = hidden.iter();
    for piece in pieces {
        restored.push_str(spans.next()?);
        restored.push_str(piece);
    }
    spans.next().is_none().then_some(restored)
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("stages", &self.stage_names())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Converter};

    #[test]
    fn selection_parses_and_rejects() {
        let only = StageSelection::only("decode").unwrap();
        assert!(STAGE_NAMES.iter().all(|s| !only.contains(s)));
        let skip = StageSelection::default().skip("convert, punct").unwrap();
        assert!(!skip.contains("convert") && skip.contains("space"));
        let err = StageSelection::only("convert,colour")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("colour") && err.contains("repair, pinyin"),
            "{err}"
        );
        assert!(StageSelection::default().skip("decode").is_err());
    }

    #[test]
    fn garbled_text_repair_left_is_hidden_from_later_stages_only_where_it_must_be() {
        let pipeline = |config: Option<Config>| {
            Pipeline::with_selection(config.map(Converter::new), &StageSelection::default())
        };
        let t2s = pipeline(Some(Config::T2S));
        // What a second run would read as mojibake: t2s would make `絞` `绞` and `憒` `愦`
        // (UTF-8 read as Big5 by Python), and then `銝�` reads as `一`; s2twp `绗` `絎`;
        // `punct` would make the colon full-width, joining two runs.
        for (p, garbled) in [
            (&t2s, "������蝡�蝭���喟絞銝�憒�銝�摰�蝢抬��"),
            (&pipeline(Some(Config::S2TWP)), "鏄ㄊ绗"),
            (&pipeline(None), "涓氬:涓"),
        ] {
            let once = p.run(garbled);
            assert_eq!(once.text, garbled);
            assert!(matches!(once.text, Cow::Borrowed(_)));
        }
        // Clean text with rare characters or a U+FFFD is converted as any other.
        assert_eq!(t2s.run("出資料佇列;").text, "出资料伫列；");
        assert_eq!(t2s.run("國家\u{FFFD}說明").text, "国家\u{FFFD}说明");
        // Beside a garbled span the rest of the line goes through every stage; here the
        // span, converted too, reads no differently (so nothing is hidden).
        let once = t2s.run("關係:猭儔猭骇 國家,說明").text;
        assert_eq!(once, "关系：猭俦猭骇 国家，说明");
        assert_eq!(t2s.run(&once).text, once);
    }

    #[test]
    fn hidden_spans_come_back_in_order() {
        let text = "ab:cd,ef";
        let (shown, hidden) = hide(text, &[0..3, 2..4, 6..7]);
        assert_eq!(shown, "\u{FFFC}d,\u{FFFC}f");
        assert_eq!(restore(&shown, &hidden).as_deref(), Some(text));
        assert_eq!(restore("\u{FFFC}", &hidden), None);
    }

    #[test]
    fn run_reports_changing_stages_and_borrows_otherwise() {
        let p = Pipeline::with_selection(
            Some(Converter::new(Config::T2S)),
            &StageSelection::default(),
        );
        let out = p.run("國家");
        assert_eq!(out.text, "国家");
        assert_eq!(out.changed_by, ["convert"]);
        let out = p.run("国家");
        assert!(matches!(out.text, Cow::Borrowed(_)) && out.changed_by.is_empty());
    }
}
