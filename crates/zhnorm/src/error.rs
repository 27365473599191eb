//! The library's error type. Expected conditions (an unchanged text, a replacement
//! character) are values, not errors; these are mistakes in what the caller asked for.

use std::fmt;

/// An error from zhnorm's library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A conversion config that does not exist.
    UnknownConfig { name: String },
    /// A stage name that does not exist.
    UnknownStage { name: String },
    /// A punctuation mode that does not exist.
    UnknownPunctMode { name: String },
    /// A user dictionary line that is not `source<TAB>target`.
    BadDictionary { line: usize, message: String },
    /// An encoding name no encoding answers to.
    UnknownEncoding { name: String },
    /// Bytes the encoding cannot decode, at this byte offset and line (1-based), when
    /// decoding strictly.
    Undecodable {
        encoding: &'static str,
        offset: usize,
        line: usize,
    },
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind }
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::UnknownConfig { name } => {
                let names: Vec<&str> = crate::Config::ALL.iter().map(|c| c.name()).collect();
                write!(
                    f,
                    "unknown conversion config `{name}`; expected one of: none, {}",
                    names.join(", ")
                )
            }
            ErrorKind::UnknownStage { name } => {
                write!(
                    f,
                    "unknown stage `{name}`; stages are: {}",
                    crate::pipeline::STAGE_NAMES.join(", ")
                )
            }
            ErrorKind::UnknownPunctMode { name } => {
                write!(
                    f,
                    "unknown punctuation mode `{name}`; modes are: {}",
                    crate::punct::PunctMode::ALL.map(|m| m.name()).join(", ")
                )
            }
            ErrorKind::BadDictionary { line, message } => {
                write!(f, "dictionary line {line}: {message}")
            }
            ErrorKind::UnknownEncoding { name } => write!(
                f,
                "unknown encoding `{name}`; use a name such as utf-8, utf-16le, utf-16be, \
                 gbk, gb18030, big5, shift_jis, euc-kr or windows-1252"
            ),
            ErrorKind::Undecodable {
                encoding,
                offset,
                line,
            } => write!(
                f,
                "bytes that are not valid {encoding} at line {line} (byte offset {offset})"
            ),
        }
    }
}

impl std::error::Error for Error {}
