//! Streaming gives what one piece gives: decoding real documents piece by piece, with
//! pieces of every size from 1 byte up, yields the same text and the same segments; and
//! normalizing segment by segment yields what the whole document gives. The same holds
//! for generated text, pieces and segment sizes (proptest).

use proptest::prelude::*;
use zhnorm::decode::{decode, DecodeOptions, StreamDecoder};
use zhnorm::stream::Segmenter;
use zhnorm::{Config, Converter, Pipeline, PunctMode, StageSelection};

use crate::util::{read, REAL_DOCUMENTS, SEED_DOCUMENTS};

/// The segments of `bytes` fed `piece` bytes at a time.
fn stream(bytes: &[u8], piece: usize, segmenter: Segmenter) -> Vec<String> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let mut decoder = StreamDecoder::new(head, &DecodeOptions::default());
    let mut segmenter = segmenter;
    let mut segments = Vec::new();
    let mut text = String::new();
    let pieces = bytes
        .chunks(piece)
        .map(|p| (p, false))
        .chain([(&[][..], true)]);
    for (p, last) in pieces {
        decoder.decode(p, last, &mut text).unwrap();
        segmenter.push(&text);
        text.clear();
        while let Some(s) = segmenter.next_segment(last) {
            segments.push(s);
        }
    }
    segments
}

/// Real documents in the encodings they arrive in.
fn encoded_documents() -> Vec<Vec<u8>> {
    let mut docs = Vec::new();
    for path in REAL_DOCUMENTS {
        let text = read(path);
        docs.push(text.as_bytes().to_vec());
        let encoding = if path.contains("trad") || path.contains("zh-tw") {
            encoding_rs::BIG5
        } else {
            encoding_rs::GBK
        };
        docs.push(encoding.encode(&text).0.into_owned());
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        docs.push(utf16);
    }
    docs
}

#[test]
fn any_piece_size_decodes_and_cuts_the_same() {
    for bytes in encoded_documents() {
        let whole = decode(&bytes, &DecodeOptions::default()).unwrap().text;
        // Segments of 64 lines, or fewer where they would pass 16 KiB.
        let reference = stream(&bytes, usize::MAX, Segmenter::with_sizes(64, 16384));
        assert_eq!(reference.concat(), whole);
        // Every size up to 64 bytes, then a spread of larger ones (each run is a full
        // pass over the document).
        let sizes = (1..=64).chain([97, 500, 1024, 4095, 4096, 4097, 65536, 1 << 20]);
        for piece in sizes {
            let got = stream(&bytes, piece, Segmenter::with_sizes(64, 16384));
            assert!(got == reference, "pieces of {piece} bytes cut differently");
        }
    }
}

#[test]
fn segments_normalize_as_the_whole_does() {
    // A document no longer than a segment is one segment: the whole pipeline sees it all.
    for path in REAL_DOCUMENTS {
        let text = read(path);
        let segments = stream(text.as_bytes(), 7, Segmenter::new());
        assert_eq!(segments, vec![text.clone()], "{path}");
    }
    // Cut small at line ends, the stages that look at nothing beyond a line give the same
    // result segment by segment: no phrase or annotation spans a line end. (`repair` and
    // `space` weigh evidence from the whole segment, which is why segments are large.)
    let local = StageSelection::only("pinyin,unicode,convert").unwrap();
    let pipeline = Pipeline::with_selection(Some(Converter::new(Config::T2S)), &local);
    let mut compared = 0;
    for path in REAL_DOCUMENTS {
        let text = read(path);
        let longest_line = text.split('\n').map(str::len).max().unwrap_or(0);
        for lines in [1, 16, 200] {
            // (Bound so that no line is cut inside.)
            let max = 2 * (longest_line + 1);
            let pieces: String = stream(text.as_bytes(), 1000, Segmenter::with_sizes(lines, max))
                .iter()
                .map(|s| pipeline.run(s).text.into_owned())
                .collect();
            assert_eq!(
                pieces,
                pipeline.run(&text).text,
                "{path}, segments of {lines} lines"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 3 * REAL_DOCUMENTS.len());
}

/// A segment never ends inside a block of code: the lines after a cut would be prose to
/// `punct` there, and the fence that closes the block would open one. Segments of 16
/// lines, whose 16th line end falls inside a fenced block, then inside a `<pre>`.
#[test]
fn a_block_of_code_across_a_cut_stays_code() {
    let prose: Vec<String> = read(REAL_DOCUMENTS[0])
        .lines()
        .filter(|line| line.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
        .take(40)
        .map(|line| line.to_string() + "\n")
        .collect();
    let code = "注释: 这是 \"代码\" 里的文字, 不要改.\n";
    let mut text = prose[..14].concat();
    text += &format!("```\n{}```\n", code.repeat(5));
    text += &prose[14..26].concat();
    text += &format!("<pre>\n{}</pre>\n", code.repeat(5));
    text += &prose[26..].concat();
    let pipeline = Pipeline::with_selection(
        Some(Converter::new(Config::T2S)),
        &StageSelection::default(),
    );
    let segments = stream(text.as_bytes(), 100, Segmenter::with_sizes(16, 1 << 20));
    assert!(segments.len() >= 3);
    let pieces: String = segments
        .iter()
        .map(|s| pipeline.run(s).text.into_owned())
        .collect();
    assert_eq!(pieces.matches(code).count(), 10, "{pieces}");
    assert_eq!(pieces, pipeline.run(&text).text);
}

/// Normalizing a document segment by segment, then its output the same way, changes
/// nothing the second time: the output is cut between the same lines, so every stage sees
/// the same evidence (the whole pipeline, `search` mode too, on segments of 16 lines).
#[test]
fn segment_by_segment_twice_is_once() {
    let all = StageSelection::default();
    let default = Pipeline::with_selection(Some(Converter::new(Config::T2S)), &all);
    let search = Pipeline::with_options(Some(Converter::new(Config::T2S)), PunctMode::Search, &all);
    for path in REAL_DOCUMENTS.iter().chain(&SEED_DOCUMENTS) {
        let text = read(path);
        for pipeline in [&default, &search] {
            let run = |text: &str| -> String {
                stream(text.as_bytes(), 4096, Segmenter::with_sizes(16, 1 << 20))
                    .iter()
                    .map(|s| pipeline.run(s).text.into_owned())
                    .collect()
            };
            let once = run(&text);
            assert_eq!(run(&once), once, "{path}");
        }
    }
}

/// Text that streams in interesting ways: multi-byte characters to cut through, line
/// ends of every kind, long lines, phrases and annotations a cut must not split.
fn streamable_text() -> impl Strategy<Value = String> {
    let pool = prop::sample::select(vec![
        "中",
        "國",
        "外長(zhǎng)",
        "\n",
        "\r\n",
        "\r",
        " ",
        "a",
        "𠀀",
        "é",
        "“",
        "，",
        "。",
        "發展",
        "由於單欄",
        "\u{FEFF}",
        "\u{FFFD}",
        "ÃÂ¤",
        "涓枃",
        "新 闻",
        "聽",
        "漏 2010",
        "Pok茅mon",
        // Blocks of code, which no cut falls inside.
        "\n```\n",
        "<pre>",
        "</pre>\n",
    ]);
    prop::collection::vec(pool, 0..120).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Decoding in pieces of any size, in any encoding, and cutting into segments of any
    /// size, gives back exactly the decoded whole; and stages that look at one line at a
    /// time give the same result segment by segment as on the whole.
    #[test]
    fn streaming_equals_one_piece(
        text in streamable_text(),
        piece in 1usize..40,
        min in 1usize..64,
        encoding in 0usize..3,
    ) {
        let bytes = match encoding {
            0 => text.as_bytes().to_vec(),
            1 => encoding_rs::GB18030.encode(&text).0.into_owned(),
            _ => {
                let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
                utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                utf16
            }
        };
        let whole = decode(&bytes, &DecodeOptions::default()).unwrap().text;
        let segments = stream(&bytes, piece, Segmenter::with_sizes(min, min * 4));
        prop_assert_eq!(segments.concat(), whole.as_ref());
        // Cut where one piece is cut: the cuts depend on the text alone.
        let at_once = stream(&bytes, usize::MAX, Segmenter::with_sizes(min, min * 4));
        prop_assert_eq!(&segments, &at_once);
        // Cut at line ends only, stages that look at one line at a time (`pinyin` weighs
        // the annotations of a whole segment) give what the whole gives.
        let local = StageSelection::only("unicode,convert").unwrap();
        let pipeline = Pipeline::with_selection(Some(Converter::new(Config::T2S)), &local);
        let longest_line = whole.split('\n').map(str::len).max().unwrap_or(0);
        let by_line = stream(&bytes, piece, Segmenter::with_sizes(min, 2 * (longest_line + 1)));
        let pieces: String = by_line.iter().map(|s| pipeline.run(s).text.into_owned()).collect();
        prop_assert_eq!(pieces, pipeline.run(&whole).text.into_owned());
    }
}
