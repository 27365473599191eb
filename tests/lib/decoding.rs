//! Decoding real documents written in every encoding the decoder claims, whole and as the
//! short snippets detectors get wrong (titles of a few characters).

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE};
use zhnorm::decode::{decode, DecodeOptions};

use crate::util::{read, REAL_DOCUMENTS as DOCUMENTS};

/// `text` in `encoding`, or `None` when the encoding cannot hold all of it.
fn encode(text: &str, encoding: &'static Encoding) -> Option<Vec<u8>> {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        let le = encoding == UTF_16LE;
        let units = text.encode_utf16();
        return Some(if le {
            units.flat_map(u16::to_le_bytes).collect()
        } else {
            units.flat_map(u16::to_be_bytes).collect()
        });
    }
    let (bytes, _, unmappable) = encoding.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

fn decoded(bytes: &[u8]) -> (String, &'static str) {
    let d = decode(bytes, &DecodeOptions::default()).unwrap();
    let name = d.encoding_name();
    (d.text.into_owned(), name)
}

#[test]
fn whole_documents_in_every_encoding() {
    let mut checked = 0;
    for path in DOCUMENTS {
        let text = read(path);
        for encoding in [GBK, GB18030, BIG5, UTF_16LE, UTF_16BE] {
            let Some(bytes) = encode(&text, encoding) else {
                continue;
            };
            let (got, name) = decoded(&bytes);
            assert!(got == text, "{path} in {}: read as {name}", encoding.name());
            checked += 1;
            if encoding == UTF_16LE || encoding == UTF_16BE {
                let mut with_bom = encode("\u{FEFF}", encoding).unwrap();
                with_bom.extend(&bytes);
                assert_eq!(decoded(&with_bom).0, text, "{path} with BOM");
            }
        }
    }
    // Every document fits UTF-16 and GB18030; the Traditional ones fit Big5.
    assert!(checked >= 13, "only {checked} documents were encodable");
}

#[test]
fn short_snippets_of_real_lines() {
    let (mut total, mut wrong) = (0, Vec::new());
    for path in DOCUMENTS {
        for line in read(path).lines() {
            let chars: Vec<char> = line.trim().chars().collect();
            if chars.iter().filter(|c| *c > &'\u{2FFF}').count() < 2 {
                continue;
            }
            for len in [2, 4, 10] {
                let snippet: String = chars.iter().take(len).collect();
                for encoding in [GBK, BIG5, UTF_16LE, UTF_16BE] {
                    let Some(bytes) = encode(&snippet, encoding) else {
                        continue;
                    };
                    if std::str::from_utf8(&bytes).is_ok_and(|s| !s.contains('\0')) {
                        continue; // ASCII only: every encoding reads it the same
                    }
                    total += 1;
                    let (got, name) = decoded(&bytes);
                    if got != snippet {
                        wrong.push(format!(
                            "{snippet:?} {} read as {name}: {got:?}",
                            encoding.name()
                        ));
                    }
                }
            }
        }
    }
    let share = wrong.len() as f64 / total as f64;
    eprintln!("{} of {total} snippets misread", wrong.len());
    for w in &wrong {
        eprintln!("  {w}");
    }
    assert!(
        share < 0.002,
        "{} of {total} snippets misread, e.g.\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
