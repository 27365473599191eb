//! The codecs mojibake is made of: what bytes were wrongly read as, and what they really were.

use std::sync::LazyLock;

use encoding_rs::{DecoderResult, Encoding, BIG5, GB18030, GBK, WINDOWS_1252};

/// A codec bytes were wrongly read as; reversing it gives the bytes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Misread {
    /// GBK or GB18030, with the browser table's Private Use characters.
    Gbk,
    Big5,
    /// windows-1252 and Latin-1 together: 0x80–0x9F read either way.
    Windows1252,
    /// The DOS code page zip tools use for file names.
    Cp437,
}

/// What a lost byte may have been: the bytes this reading shows as U+FFFD or drops.
pub(crate) fn lost_bytes(misread: Misread) -> &'static [u8] {
    match misread {
        // The five bytes windows-1252 leaves undefined.
        Misread::Windows1252 => &[0x81, 0x8D, 0x8F, 0x90, 0x9D],
        // A double-byte reading loses a lone lead or trail byte: for UTF-8 underneath,
        // a continuation byte.
        Misread::Gbk | Misread::Big5 => &CONTINUATION_BYTES,
        Misread::Cp437 => &[],
    }
}

static CONTINUATION_BYTES: [u8; 64] = {
    let mut bytes = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        bytes[i] = 0x80 + i as u8;
        i += 1;
    }
    bytes
};

/// windows-1252's characters for bytes 0x80–0x9F, sorted, with their bytes.
static WINDOWS_1252_HIGH: LazyLock<Vec<(char, u8)>> = LazyLock::new(|| {
    let mut table: Vec<(char, u8)> = (0x80u8..0xA0)
        .filter_map(|b| {
            let byte = [b];
            let (text, had_errors) = WINDOWS_1252.decode_without_bom_handling(&byte);
            let c = text.chars().next()?;
            (!had_errors && c as u32 > 0xFF).then_some((c, b))
        })
        .collect();
    table.sort_unstable();
    table
});

impl Misread {
    /// Whether this reading can have produced any of `text`'s non-ASCII characters: a
    /// single-byte reading makes Latin, symbols and box drawing, a double-byte one makes
    /// Han, Private Use, Japanese kana and full-width forms.
    pub(crate) fn may_have_made(self, text: &str) -> bool {
        let double_byte = matches!(self, Misread::Gbk | Misread::Big5);
        text.chars()
            .filter(|c| !c.is_ascii())
            .any(|c| (c >= '\u{2E80}') == double_byte || c == '€' || c == '\u{FFFD}')
    }

    /// Appends the bytes this reading turned into `c`; false when it never produces `c`.
    pub(crate) fn bytes_of(self, c: char, out: &mut Vec<u8>) -> bool {
        if c.is_ascii() {
            out.push(c as u8);
            return true;
        }
        match self {
            Misread::Windows1252 => {
                if (c as u32) < 0x100 {
                    out.push(c as u8);
                    return true;
                }
                match WINDOWS_1252_HIGH.binary_search_by_key(&c, |e| e.0) {
                    Ok(i) => {
                        out.push(WINDOWS_1252_HIGH[i].1);
                        true
                    }
                    Err(_) => false,
                }
            }
            Misread::Cp437 => match oem_cp::code_table::ENCODING_TABLE_CP437.get(&c) {
                Some(&b) => {
                    out.push(b);
                    true
                }
                None => false,
            },
            // The WHATWG GBK decoder reads the single byte 0x80 as `€`.
            Misread::Gbk if c == '€' => {
                out.push(0x80);
                true
            }
            Misread::Gbk => encode_char(GB18030, c, out),
            Misread::Big5 => encode_char(BIG5, c, out),
        }
    }
}

fn encode_char(encoding: &'static Encoding, c: char, out: &mut Vec<u8>) -> bool {
    let mut utf8 = [0u8; 4];
    let mut buf = [0u8; 8];
    let mut encoder = encoding.new_encoder();
    let (result, _, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut buf, true);
    match result {
        encoding_rs::EncoderResult::InputEmpty => {
            out.extend_from_slice(&buf[..written]);
            true
        }
        _ => false,
    }
}

/// The encoding bytes really were in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Original {
    Utf8,
    Gbk,
    Big5,
}

impl Original {
    /// How many leading bytes decode without error.
    pub(crate) fn valid_up_to(self, bytes: &[u8]) -> usize {
        let encoding = match self {
            Original::Utf8 => {
                return match std::str::from_utf8(bytes) {
                    Ok(_) => bytes.len(),
                    Err(e) => e.valid_up_to(),
                }
            }
            Original::Gbk => GBK,
            Original::Big5 => BIG5,
        };
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(bytes.len() * 3 + 4);
        let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
        match result {
            DecoderResult::Malformed(bad, after) => read - bad as usize - after as usize,
            _ => bytes.len(),
        }
    }

    /// The text `bytes` hold, when all of them decode.
    pub(crate) fn decode(self, bytes: &[u8]) -> Option<String> {
        match self {
            Original::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_string),
            Original::Gbk => GBK
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|t| t.into_owned()),
            Original::Big5 => BIG5
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|t| t.into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_reverse_to_the_bytes() {
        let mut out = Vec::new();
        for c in "çš„".chars() {
            assert!(Misread::Windows1252.bytes_of(c, &mut out));
        }
        assert_eq!(out, "的".as_bytes());
        out.clear();
        for c in "鐨勫".chars() {
            assert!(Misread::Gbk.bytes_of(c, &mut out));
        }
        assert_eq!(&out[..3], "的".as_bytes());
        out.clear();
        assert!(Misread::Cp437.bytes_of('τ', &mut out));
        assert!(!Misread::Cp437.bytes_of('中', &mut out));
        assert_eq!(Original::Utf8.valid_up_to(b"ab\xE7\x9A"), 2);
        assert_eq!(Original::Gbk.decode(b"\xd6\xd0").as_deref(), Some("中"));
    }
}
