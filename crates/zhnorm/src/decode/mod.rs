//! Bytes to text, before any stage runs. Not a stage: stages see `&str` only.
//!
//! Order of evidence: a forced encoding; a byte-order mark; valid UTF-8 without NUL bytes
//! (nearly every file, decoded without copying), unless it is short and reads as no text
//! is written or clearly better as GBK (`停止` in GBK is valid UTF-8, `ֹͣ`); otherwise
//! every plausible reading —
//! UTF-8 with a few bad bytes, UTF-16 of either byte order (chardetng does not detect it),
//! GBK, Big5 and chardetng's own guess — is costed by the language model, and the reading
//! that explains the bytes in the fewest bits wins. Costing whole readings, rather than
//! trusting one detector, is what gets short titles right: a four-character GBK title is
//! cheap as Chinese and expensive as the Korean a statistical detector may guess.
//!
//! Bytes no reading can decode become U+FFFD and are counted, never dropped.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{DecoderResult, Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

mod declaration;

pub use declaration::declaring_utf8;

use crate::error::{Error, ErrorKind};
use crate::model;

/// How a decode should go.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    /// Read the bytes as this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
    /// Undecodable bytes are an error instead of U+FFFD.
    pub strict: bool,
}

/// How the encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detection {
    /// The caller named it.
    Forced,
    /// A byte-order mark said so.
    ByteOrderMark,
    /// The bytes are valid UTF-8.
    ValidUtf8,
    /// The language model preferred it among the plausible readings.
    Detected,
}

/// Decoded text and what was found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The encoding the bytes were read as.
    pub encoding: &'static Encoding,
    pub detection: Detection,
    /// A byte-order mark was present and removed.
    pub had_bom: bool,
    /// Undecodable byte sequences, each replaced by one U+FFFD.
    pub replaced: usize,
}

impl Decoded<'_> {
    /// The encoding's name as people write it: `UTF-8`, `GBK`, `gb18030`, `Big5`, `UTF-16LE`…
    pub fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }
}

/// Looks up an encoding by any WHATWG label (`gbk`, `gb2312`, `big5`, `utf-16le`, `latin1`…)
/// or `utf-16` (little-endian, as Windows writes it).
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, Error> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        Error::new(ErrorKind::UnknownEncoding {
            name: label.to_string(),
        })
    })
}

/// Decodes `bytes` as the forced encoding or the detected one.
pub fn decode<'a>(bytes: &'a [u8], options: &DecodeOptions) -> Result<Decoded<'a>, Error> {
    let (encoding, detection, bom_len) = match options.encoding {
        Some(forced) => {
            let bom = Encoding::for_bom(bytes).filter(|(e, _)| *e == forced);
            (forced, Detection::Forced, bom.map_or(0, |(_, len)| len))
        }
        None => match Encoding::for_bom(bytes) {
            Some((e, len)) => (e, Detection::ByteOrderMark, len),
            None => match plain_utf8(bytes).filter(|text| !may_be_legacy(bytes, text)) {
                Some(text) => {
                    return Ok(Decoded {
                        text: Cow::Borrowed(text),
                        encoding: UTF_8,
                        detection: Detection::ValidUtf8,
                        had_bom: false,
                        replaced: 0,
                    })
                }
                None => (likeliest_reading(bytes), Detection::Detected, 0),
            },
        },
    };
    let body = &bytes[bom_len..];
    if let Some(Ok(text)) = (encoding == UTF_8).then(|| std::str::from_utf8(body)) {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding,
            detection,
            had_bom: bom_len > 0,
            replaced: 0,
        });
    }
    let mut decoder = StreamDecoder::with_encoding(encoding, detection, false, options.strict);
    decoder.consumed = bom_len;
    let mut text = String::new();
    decoder.decode(body, true, &mut text)?;
    Ok(Decoded {
        text: Cow::Owned(text),
        encoding: decoder.encoding(),
        detection,
        had_bom: bom_len > 0,
        replaced: decoder.replaced,
    })
}

/// Decodes a stream piece by piece, in the encoding chosen from its first bytes: for input
/// too large to hold, or arriving over time. The text it gives is the same whatever the
/// pieces' sizes.
///
/// ```
/// use zhnorm::decode::{DecodeOptions, StreamDecoder};
///
/// let bytes = "外長王毅".as_bytes();
/// let mut decoder = StreamDecoder::new(bytes, &DecodeOptions::default());
/// let mut text = String::new();
/// for piece in bytes.chunks(1) {
///     decoder.decode(piece, false, &mut text).unwrap();
/// }
/// decoder.decode(&[], true, &mut text).unwrap();
/// assert_eq!(text, "外長王毅");
/// ```
pub struct StreamDecoder {
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    detection: Detection,
    had_bom: bool,
    strict: bool,
    replaced: usize,
    /// Bytes given so far, and newlines written so far (for strict errors).
    consumed: usize,
    newlines: usize,
    /// For GBK: four-byte GB18030 sequences seen, and whether the last piece ended
    /// inside a two-byte sequence.
    four_byte: bool,
    mid_sequence: bool,
}

impl StreamDecoder {
    /// Chooses the encoding from `head`, the stream's first bytes (64 KiB settle it; a
    /// caller should give that many when the stream has them). `head` is not consumed:
    /// give it to [`StreamDecoder::decode`] too.
    pub fn new(head: &[u8], options: &DecodeOptions) -> StreamDecoder {
        let bom = Encoding::for_bom(head);
        let (encoding, detection) = match (options.encoding, bom) {
            (Some(forced), _) => (forced, Detection::Forced),
            (None, Some((e, _))) => (e, Detection::ByteOrderMark),
            // A head shorter than 64 KiB is the whole stream, judged as `decode` judges
            // it; a longer one may end inside a UTF-8 sequence the next piece completes.
            (None, None) if plain_utf8(head).is_some_and(|text| !may_be_legacy(head, text)) => {
                (UTF_8, Detection::ValidUtf8)
            }
            (None, None) if head.len() >= 64 * 1024 && utf8_so_far(head) => {
                (UTF_8, Detection::ValidUtf8)
            }
            (None, None) => (likeliest_reading(head), Detection::Detected),
        };
        let had_bom = bom.is_some_and(|(e, _)| e == encoding);
        StreamDecoder::with_encoding(encoding, detection, had_bom, options.strict)
    }

    /// A decoder for `encoding`, removing its byte-order mark when `had_bom`.
    fn with_encoding(
        encoding: &'static Encoding,
        detection: Detection,
        had_bom: bool,
        strict: bool,
    ) -> StreamDecoder {
        let decoder = if had_bom {
            encoding.new_decoder_with_bom_removal()
        } else {
            encoding.new_decoder_without_bom_handling()
        };
        StreamDecoder {
            decoder,
            encoding,
            detection,
            had_bom,
            strict,
            replaced: 0,
            consumed: 0,
            newlines: 0,
            four_byte: false,
            mid_sequence: false,
        }
    }

    /// Appends the text of `bytes` to `out`; `last` for the final piece (which may be
    /// empty), so that a sequence cut short at the end is counted as undecodable.
    pub fn decode(&mut self, bytes: &[u8], last: bool, out: &mut String) -> Result<(), Error> {
        if self.encoding == GBK && !self.four_byte {
            (self.four_byte, self.mid_sequence) = scan_gb18030(bytes, self.mid_sequence);
        }
        let start_len = out.len();
        let mut pos = 0;
        loop {
            out.reserve(
                self.decoder
                    .max_utf8_buffer_length_without_replacement(bytes.len() - pos)
                    .unwrap_or(bytes.len() - pos + 16)
                    .max(4),
            );
            let (result, read) =
                self.decoder
                    .decode_to_string_without_replacement(&bytes[pos..], out, last);
            pos += read;
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad, after) => {
                    if self.strict {
                        let line = 1
                            + self.newlines
                            + memchr::memchr_iter(b'\n', &out.as_bytes()[start_len..]).count();
                        return Err(Error::new(ErrorKind::Undecodable {
                            encoding: self.encoding.name(),
                            offset: (self.consumed + pos)
                                .saturating_sub(after as usize + bad as usize),
                            line,
                        }));
                    }
                    self.replaced += 1;
                    out.push('\u{FFFD}');
                }
            }
        }
        self.consumed += bytes.len();
        if self.strict {
            self.newlines += memchr::memchr_iter(b'\n', &out.as_bytes()[start_len..]).count();
        }
        Ok(())
    }

    /// The encoding the stream is read as (GB18030 once a four-byte sequence was seen).
    pub fn encoding(&self) -> &'static Encoding {
        if self.four_byte {
            GB18030
        } else {
            self.encoding
        }
    }

    /// The encoding's name as people write it: `UTF-8`, `GBK`, `gb18030`, `Big5`…
    pub fn encoding_name(&self) -> &'static str {
        self.encoding().name()
    }

    pub fn detection(&self) -> Detection {
        self.detection
    }

    /// A byte-order mark was present and removed.
    pub fn had_bom(&self) -> bool {
        self.had_bom
    }

    /// Undecodable byte sequences so far, each replaced by one U+FFFD.
    pub fn replaced(&self) -> usize {
        self.replaced
    }
}

/// Whether `head` is valid UTF-8 without NUL bytes, allowing a character cut off at its
/// end (the head of a longer stream).
fn utf8_so_far(head: &[u8]) -> bool {
    if memchr::memchr(0, head).is_some() {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// Four-byte GB18030 sequences in a piece of GBK bytes, and whether the piece ends inside
/// a two-byte sequence (`mid_sequence`: whether it started inside one).
fn scan_gb18030(bytes: &[u8], mid_sequence: bool) -> (bool, bool) {
    let mut i = usize::from(mid_sequence);
    while i + 1 < bytes.len() {
        match bytes[i] {
            0x81..=0xFE if bytes[i + 1].is_ascii_digit() => return (true, false),
            0x81..=0xFE => i += 2,
            _ => i += 1,
        }
    }
    (false, i < bytes.len() && bytes[i] >= 0x81)
}

/// The encoding `bytes` (without a byte-order mark) are most likely in.
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    match plain_utf8(bytes).filter(|text| !may_be_legacy(bytes, text)) {
        Some(_) => UTF_8,
        None => likeliest_reading(bytes),
    }
}

/// Whether valid UTF-8 with few characters beyond ASCII may be a short GBK or Big5 text
/// whose bytes happen to be valid UTF-8 too (in longer text they never all are): it
/// reads as no text is written, or, in a short file, a legacy reading is clearly cheaper
/// ([`LEGACY_MARGIN`]). Then it is one reading among others. (Not UTF-8 that holds C1
/// controls: that holds Latin-1 mojibake, which `repair` undoes.)
fn may_be_legacy(bytes: &[u8], text: &str) -> bool {
    let mut cut = text.len().min(SAMPLE_LEN);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let sample = &text[..cut];
    let non_ascii = sample
        .bytes()
        .filter(|&b| b >= 0x80)
        .take(SHORT_NON_ASCII)
        .count();
    if non_ascii == 0 || non_ascii >= SHORT_NON_ASCII || sample.contains(is_c1_control) {
        return false;
    }
    if unwritten_in_utf8(sample) > 0 {
        return true;
    }
    bytes.len() <= SHORT_FILE && !has_spanish_marks(sample) && {
        let as_utf8 = reading_cost(UTF_8, bytes);
        let legacy = reading_cost(GBK, bytes).min(reading_cost(BIG5, bytes));
        legacy + LEGACY_MARGIN + 2 * non_ascii as u64 <= as_utf8
    }
}

/// Whether `text` opens exclamations or questions with inverted marks and closes them on
/// the same line (`¡¡¡Hola!!!`, `¿Qué?`): Spanish, though GBK reads `¡` as `隆`, and three
/// of them as a word.
fn has_spanish_marks(text: &str) -> bool {
    let closed = |line: &str, open: char, close: char| {
        line.rfind(open).is_none_or(|at| line[at..].contains(close))
    };
    let mut any = false;
    for line in text.lines().filter(|line| line.contains(['¡', '¿'])) {
        if !(closed(line, '¡', '!') && closed(line, '¿', '?')) {
            return false;
        }
        any = true;
    }
    any
}

fn is_c1_control(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9F}')
}

/// A file this short whose bytes are valid UTF-8 is weighed against its legacy readings.
const SHORT_FILE: usize = 4096;

/// How much cheaper a legacy reading of valid UTF-8 must be, in half bits, beyond two
/// for each byte beyond ASCII: `停止` (`ֹͣ` as UTF-8) is 111 cheaper as GBK, `СӋ` (`小計`)
/// 24; of real words, `½` is 6 cheaper as GBK (letters inside words cost what ASCII
/// letters do: see [`inside_words`]).
const LEGACY_MARGIN: u64 = 16;

/// How many times `text` does what no text does but legacy bytes read as UTF-8 do: a
/// combining mark with no letter to combine with (GBK's `停止` read so is `ֹͣ`), two
/// letters of different scripts side by side (`一些系统` is `һЩϵͳ`).
fn unwritten_in_utf8(text: &str) -> usize {
    let is_mark = unicode_normalization::char::is_combining_mark;
    let mut prev = ' ';
    let unbased = text
        .chars()
        .filter(|&c| {
            let unbased = !c.is_ascii() && is_mark(c) && !(prev.is_alphabetic() || is_mark(prev));
            prev = c;
            unbased
        })
        .count();
    unbased + crate::chars::mixed_script_words(text)
}

/// `bytes` as text when they are valid UTF-8 without NUL bytes (which would mean UTF-16).
fn plain_utf8(bytes: &[u8]) -> Option<&str> {
    memchr::memchr(0, bytes)
        .is_none()
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
}

/// The reading of bytes that are not plain UTF-8 that the language model finds cheapest.
fn likeliest_reading(bytes: &[u8]) -> &'static Encoding {
    // Judge on a prefix: a few tens of kilobytes settle it, and a huge file should not be
    // decoded five times. Cut on an even length so UTF-16 keeps its alignment.
    let sample = &bytes[..bytes.len().min(SAMPLE_LEN)];
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(None, Utf8Detection::Allow);
    // chardetng is reliable once it has seen enough non-ASCII text; the model then only
    // weighs its guess against what it cannot detect. On short text the model, which knows
    // Chinese, decides among the Chinese readings too.
    let mut candidates = vec![UTF_8, UTF_16LE, UTF_16BE, guess];
    if sample.iter().filter(|&&b| b >= 0x80).count() < SHORT_NON_ASCII {
        candidates.extend([GBK, BIG5]);
    }
    candidates
        .into_iter()
        .map(|e| (reading_cost(e, sample), e))
        .min_by_key(|&(cost, e)| (cost, e != guess))
        .map_or(UTF_8, |(_, e)| e)
}

const SAMPLE_LEN: usize = 64 * 1024;

/// Below this many non-ASCII bytes a sample is short, and detectors guess.
const SHORT_NON_ASCII: usize = 256;

/// What one undecodable sequence adds to a reading's cost, in half bits: more than any
/// character, so that a reading with errors loses to any clean reading of similar cost.
const ERROR_COST: u64 = 2 * 40;

/// The cost, in half bits, of reading `sample` as `encoding`.
fn reading_cost(encoding: &'static Encoding, sample: &[u8]) -> u64 {
    let (text, had_errors) = encoding.decode_without_bom_handling(sample);
    let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    let mut errors = text
        .chars()
        .filter(|&c| (had_errors && c == '\u{FFFD}') || is_never_written(c, utf16))
        .count() as u64;
    let mut cost = model::cost(&text) as u64;
    if encoding == UTF_8 {
        errors += unwritten_in_utf8(&text) as u64;
        // (Not in a single-byte reading, where a legacy page's bytes make words of
        // accented letters.)
        cost = cost.saturating_sub(inside_words(&text));
    }
    // A sample cut in the middle of a character costs one error for every reading alike.
    cost + errors * ERROR_COST
}

/// What the Chinese model overcharges for the letters of European alphabets that go on
/// a word of their own alphabet (`Седилла`, `Ελλάδα`, `Müller`): each costs what an ASCII
/// letter does. Russian or Greek text would otherwise read cheaper as GBK, whose reading
/// of Cyrillic is common Han among rare (`Седилла` is `小械写懈谢谢邪`).
fn inside_words(text: &str) -> u64 {
    // (Latin with Latin-1 and Extended-A, Greek, basic Cyrillic: not the rarer letters
    // that GBK's readings of Chinese give, `СӋ` for `小計`.)
    let alphabet = |c: char| match c {
        'A'..='Z' | 'a'..='z' | 'À'..='ÿ' | '\u{100}'..='\u{17F}' if c != '×' && c != '÷' => 1,
        '\u{386}'..='\u{3CE}' => 2,
        '\u{400}'..='\u{45F}' => 3,
        _ => 0,
    };
    let letter_cost = model::char_cost('a');
    let mut prev = 0;
    let mut discount = 0;
    for c in text.chars() {
        let now = alphabet(c);
        if now != 0 && now == prev && !c.is_ascii() {
            discount += u64::from(model::char_cost(c).saturating_sub(letter_cost));
        }
        prev = now;
    }
    discount
}

/// Whether `c` is a character no text is written in, read from bytes that were not meant
/// so: the planes Unicode has not assigned (`在演` in GBK read as UTF-16 is U+C51D1) and,
/// in a UTF-16 reading, whose code units any two bytes make, the scripts and forms
/// Chinese text never holds (South and Central Asian scripts, Yi, Arabic presentation
/// forms, Private Use). Each counts as an undecodable sequence.
fn is_never_written(c: char, utf16: bool) -> bool {
    let u = c as u32;
    matches!(u, 0x32400..=0xDFFFF | 0xF0000..)
        || utf16
            && matches!(u, 0x0800..=0x0DFF | 0x0F00..=0x10FF | 0x1200..=0x1DFF
                | 0xA000..=0xABFF | 0xE000..=0xF8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(bytes: &[u8]) -> (&'static str, String) {
        let d = decode(bytes, &DecodeOptions::default()).unwrap();
        (d.encoding_name(), d.text.into_owned())
    }

    #[test]
    fn strips_bom_and_counts_bad_bytes() {
        let d = decode("\u{FEFF}國".as_bytes(), &DecodeOptions::default()).unwrap();
        assert_eq!((d.text.as_ref(), d.had_bom), ("國", true));
        let d = decode(
            "中文中文中文\n第二行 \u{1}".as_bytes(),
            &DecodeOptions::default(),
        )
        .unwrap();
        assert!(matches!(d.text, Cow::Borrowed(_)));
        let mut bad = "中文中文中文中文中文\n第二行".as_bytes().to_vec();
        bad.insert(bad.len() - 3, 0xFF);
        let d = decode(&bad, &DecodeOptions::default()).unwrap();
        assert_eq!((d.encoding_name(), d.replaced), ("UTF-8", 1));
        assert_eq!(d.text, "中文中文中文中文中文\n第二\u{FFFD}行");
        // A lone high byte in ASCII reads best as windows-1252 (`café` in Latin-1), so
        // strictness is shown with UTF-8 forced.
        let strict = DecodeOptions {
            strict: true,
            encoding: Some(UTF_8),
        };
        let err = decode(b"ok\nstill ok\nbad \xFF here", &strict).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::Undecodable {
                encoding: "UTF-8",
                offset: 16,
                line: 3
            }
        );
    }

    #[test]
    fn short_legacy_titles_and_bomless_utf16() {
        for title in [
            "中文标题",
            "关于我们",
            "新闻",
            "第一章 总则",
            "國際新聞",
            "說明",
        ] {
            let (gbk, _, _) = GBK.encode(title);
            if std::str::from_utf8(&gbk).is_err() && title.chars().all(|c| c as u32 <= 0x9FFF) {
                let expect = if GBK.decode_without_bom_handling(&gbk).0 == title {
                    title
                } else {
                    continue;
                };
                assert_eq!(detected(&gbk).1, expect, "GBK {title}");
            }
            let (big5, _, had_errors) = BIG5.encode(title);
            if !had_errors {
                assert_eq!(detected(&big5).1, title, "Big5 {title}");
            }
            let le: Vec<u8> = title.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let be: Vec<u8> = title.encode_utf16().flat_map(u16::to_be_bytes).collect();
            assert_eq!(detected(&le), ("UTF-16LE", title.to_string()));
            assert_eq!(detected(&be), ("UTF-16BE", title.to_string()));
        }
    }

    #[test]
    fn readings_in_scripts_no_text_is_written_in_lose() {
        // `在演` in GBK, read as UTF-16LE, is one character of an unassigned plane.
        let (gbk, _, _) = GBK.encode("在演");
        assert_eq!(detected(&gbk), ("GBK", "在演".to_string()));
        // A GBK line with a UTF-8 quote pasted in reads as UTF-16LE in Arabic presentation
        // forms, Gujarati and Hangul; as GBK it has one undecodable sequence.
        let mut line = GBK.encode("他说：").0.into_owned();
        line.extend("“".as_bytes());
        line.extend(GBK.encode("我们会继续努力").0.iter());
        line.extend("”".as_bytes());
        line.extend(GBK.encode("。版权所有").0.iter());
        line.extend("—".as_bytes());
        line.extend(GBK.encode("新华社").0.iter());
        assert_eq!(detected(&line).0, "GBK");
    }

    #[test]
    fn short_gbk_whose_bytes_are_valid_utf8_is_gbk() {
        // Titles of real pages (Debian's LibreOffice help), whose GBK bytes read as UTF-8
        // give marks with no letter (`ֹͣ`), words of two scripts, or costly letters.
        for title in [
            "<title>停止</title>\n",
            "<title>筛选</title>\n",
            "<title>水平</title>\n",
            "<title>全选</title>\n",
            "<strong>摘要</strong>\n",
            "<title>Java 平台支援</title>\n",
        ] {
            let (gbk, _, _) = GBK.encode(title);
            assert!(std::str::from_utf8(&gbk).is_ok(), "{title}");
            assert_eq!(detected(&gbk).1, title);
        }
        // Real UTF-8 of the scripts those readings give stays UTF-8, and so does UTF-8
        // that holds Latin-1 mojibake (C1 controls), which `repair` undoes.
        for text in [
            "café\n",
            "Müller\n",
            "a\u{301}\n",
            "zhǎng\n",
            "Ελλάδα\n",
            "Москва\n",
            // (Real messages, GTK's Mongolian and GnuTLS's Ukrainian, that read as GBK
            // before letters inside words were charged as ASCII letters are.)
            "Седилла\n",
            "%s\\t\\tПризначення ключа (%s):\\n\n",
            "1½ cups\n",
            "Tchaikovsky (Чайковский)\n",
            "שלום\n",
            "¡¡¡Hola!!!\n",
            "¡¡¡Gracias!!! ¿¿Qué??\n",
            "å\u{88}\u{9d}å§\u{8b}å\u{8c}\u{96}\n",
        ] {
            assert_eq!(detected(text.as_bytes()), ("UTF-8", text.to_string()));
        }
    }

    #[test]
    fn forced_encoding_and_four_byte_gb18030() {
        let forced = DecodeOptions {
            encoding: Some(encoding_for_label("big5").unwrap()),
            strict: false,
        };
        let (bytes, _, _) = BIG5.encode("資訊");
        assert_eq!(decode(&bytes, &forced).unwrap().text, "資訊");
        let (bytes, _, _) = GB18030.encode("中文 𠀀 ∮");
        let d = decode(&bytes, &DecodeOptions::default()).unwrap();
        assert_eq!(
            (d.encoding_name(), d.text.as_ref()),
            ("gb18030", "中文 𠀀 ∮")
        );
        assert!(encoding_for_label("klingon").is_err());
    }
}
