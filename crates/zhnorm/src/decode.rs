//! Bytes to text, before any stage runs. Not a stage: stages see `&str` only.
//!
//! This version reads UTF-8, with or without a byte-order mark.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind};

/// Decoded text and what was found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The encoding the bytes were read as (WHATWG name).
    pub encoding: &'static str,
    /// A byte-order mark was present and removed.
    pub had_bom: bool,
}

/// Decodes UTF-8, dropping a leading byte-order mark. Invalid bytes are an error that
/// says where they are.
pub fn decode_utf8(bytes: &[u8]) -> Result<Decoded<'_>, Error> {
    let (body, had_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
            had_bom,
        }),
        Err(e) => {
            let offset = e.valid_up_to() + had_bom as usize * 3;
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..offset]).count();
            Err(Error::new(ErrorKind::InvalidUtf8 { offset, line }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_reports_bad_bytes() {
        let d = decode_utf8("\u{FEFF}國".as_bytes()).unwrap();
        assert_eq!((d.text.as_ref(), d.had_bom), ("國", true));
        let err = decode_utf8(b"ok\nstill ok\nbad \xFF here").unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::InvalidUtf8 {
                offset: 16,
                line: 3
            }
        );
    }
}
