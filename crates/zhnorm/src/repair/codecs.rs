//! The codecs mojibake is made of: what bytes were wrongly read as, and what they really were.

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{DecoderResult, Encoding, BIG5, GB18030, GBK, WINDOWS_1252};

/// A codec bytes were wrongly read as; reversing it gives the bytes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
pub(crate) fn lost_bytes(misread: Misread, original: Original) -> &'static [u8] {
    match (misread, original) {
        // The five bytes windows-1252 leaves undefined.
        (Misread::Windows1252, _) => &[0x81, 0x8D, 0x8F, 0x90, 0x9D],
        // A double-byte reading loses a lone lead or trail byte: for UTF-8 underneath,
        // a continuation byte.
        (Misread::Gbk | Misread::Big5, Original::Utf8) => &CONTINUATION_BYTES,
        // Big5 loses the lead of a GBK pair whose ASCII trail it has no pair for (and
        // reads the trail on its own); Python's GBK, byte by byte, the bytes of Big5
        // pairs in its user-defined areas (`，` is `A1 41`).
        (Misread::Big5, Original::Gbk) | (Misread::Gbk, Original::Big5) => &LEAD_BYTES,
        _ => &[],
    }
}

/// Whether this reading can have lost `byte` standing before `next` (`None`: not known).
/// Readers lose a byte in two ways. A browser (WHATWG) loses a lead whose trail is not
/// one (and Big5 takes a trail that is not ASCII with it); Python, reading with
/// `errors="replace"` as `requests` does for a page's `.text`, loses every byte it cannot
/// read one at a time, reads on from the next, and has narrower tables. Either way, a
/// byte and the one after it that make a character both readers have (`READ_PAIRS`)
/// were read together, not lost: in the middle of a UTF-8 run read as GBK, that leaves
/// 0x80, the user-defined leads 0xAA–0xAF and a few more, not all sixty-four
/// continuation bytes.
pub(crate) fn may_have_lost(misread: Misread, byte: u8, next: Option<u8>) -> bool {
    let table = match misread {
        Misread::Gbk => READ_PAIRS_GBK,
        Misread::Big5 => READ_PAIRS_BIG5,
        Misread::Windows1252 | Misread::Cp437 => return true,
    };
    next.is_none_or(|next| !both_read(table, [byte, next]))
}

/// Whether `pair` is a character of GBK or Big5 that both readers read (see
/// [`may_have_lost`]).
pub(crate) fn is_a_character(original: Original, pair: [u8; 2]) -> bool {
    match original {
        Original::Gbk => both_read(READ_PAIRS_GBK, pair),
        Original::Big5 => both_read(READ_PAIRS_BIG5, pair),
        Original::Utf8 => false,
    }
}

/// A bit for each pair of bytes both readers read as one character (see `build.rs`).
static READ_PAIRS_GBK: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/read_pairs_gbk.bin"));
static READ_PAIRS_BIG5: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/read_pairs_big5.bin"));

fn both_read(table: &[u8], pair: [u8; 2]) -> bool {
    let i = pair_index(pair);
    table[i / 8] >> (i % 8) & 1 == 1
}

/// Whether this reading loses both bytes of a pair to one U+FFFD: Big5 does so for a GBK
/// pair whose trail is not ASCII and that it has no character for (a trail in 0x80–0xA0:
/// about one GBK character in six).
pub(crate) fn loses_pairs(misread: Misread, original: Original) -> bool {
    (misread, original) == (Misread::Big5, Original::Gbk)
}

/// The GBK characters Big5 reads as one U+FFFD, with their bytes, cheapest first in the
/// language model: what a lost pair may have been.
pub(crate) static GBK_PAIRS_BIG5_LOSES: LazyLock<Vec<(char, [u8; 2])>> = LazyLock::new(|| {
    let big5_loses = |[lead, trail]: [u8; 2]| BIG5_CHARACTERS.pair(lead, trail) == NO_CHARACTER;
    by_cost(characters_of(&GBK_CHARACTERS).filter(|&(_, pair)| pair[1] >= 0x80 && big5_loses(pair)))
});

/// The characters of GBK's or Big5's pairs (Private Use aside), with their bytes,
/// cheapest first in the language model, that `misread`, reading byte by byte, may have
/// lost whole: those whose lead it could not read with their trail (see
/// [`may_have_lost`]). What a pair lost byte by byte may have been.
pub(crate) fn pairs_lost_byte_by_byte(
    misread: Misread,
    original: Original,
) -> &'static [(char, [u8; 2])] {
    type Pairs = LazyLock<Vec<(char, [u8; 2])>>;
    static GBK_PAIRS: Pairs = LazyLock::new(|| by_cost(characters_of(&GBK_CHARACTERS)));
    static BIG5_PAIRS: Pairs = LazyLock::new(|| by_cost(characters_of(&BIG5_CHARACTERS)));
    static GBK_PAIRS_BIG5_MAY_LOSE: Pairs = LazyLock::new(|| lost_by(Misread::Big5, &GBK_PAIRS));
    static BIG5_PAIRS_GBK_MAY_LOSE: Pairs = LazyLock::new(|| lost_by(Misread::Gbk, &BIG5_PAIRS));
    match (misread, original) {
        (Misread::Big5, Original::Gbk) => &GBK_PAIRS_BIG5_MAY_LOSE,
        (Misread::Gbk, Original::Big5) => &BIG5_PAIRS_GBK_MAY_LOSE,
        (_, Original::Gbk) => &GBK_PAIRS,
        (_, Original::Big5) => &BIG5_PAIRS,
        (_, Original::Utf8) => &[],
    }
}

fn lost_by(misread: Misread, pairs: &[(char, [u8; 2])]) -> Vec<(char, [u8; 2])> {
    let lost = |&&(_, [lead, trail]): &&(char, [u8; 2])| may_have_lost(misread, lead, Some(trail));
    pairs.iter().filter(lost).copied().collect()
}

/// The characters of `pairs` but Private Use, cheapest first (then by character, then by
/// bytes). Built on the first lost pair of a text: each is sorted as one integer key, which
/// sorts several times faster than a tuple of its parts.
fn by_cost(pairs: impl Iterator<Item = (char, [u8; 2])>) -> Vec<(char, [u8; 2])> {
    let mut keys: Vec<u64> = pairs
        .filter(|&(c, _)| !('\u{E000}'..='\u{F8FF}').contains(&c))
        .map(|(c, pair)| {
            let cost = crate::model::char_cost(c) as u64;
            cost << 40 | (c as u64) << 16 | u16::from_be_bytes(pair) as u64
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|key| {
            let c = char::from_u32((key >> 16) as u32 & 0x1F_FFFF).expect("a character");
            (c, (key as u16).to_be_bytes())
        })
        .collect()
}

/// Where a pair of bytes is in a table of all of them.
fn pair_index([lead, trail]: [u8; 2]) -> usize {
    (lead as usize) << 8 | trail as usize
}

/// The pairs `table`'s encoding reads as one character, and the character, in the order
/// of their bytes.
fn characters_of(table: &'static Decoding) -> impl Iterator<Item = (char, [u8; 2])> {
    // (Two plain loops: the iterator adapters cost more than the lookups.)
    let mut found = Vec::with_capacity(24_000);
    for lead in 0x81..=0xFEu8 {
        for trail in 0x40..=0xFEu8 {
            match table.pair(lead, trail) {
                NO_CHARACTER | ASK_THE_DECODER => {}
                c => found.push((c, [lead, trail])),
            }
        }
    }
    found.into_iter()
}

static LEAD_BYTES: [u8; 126] = bytes_from(0x81);
static CONTINUATION_BYTES: [u8; 64] = bytes_from(0x80);

/// The `N` byte values from `first` up.
const fn bytes_from<const N: usize>(first: u8) -> [u8; N] {
    let mut bytes = [0u8; N];
    let mut i = 0;
    while i < N {
        bytes[i] = first + i as u8;
        i += 1;
    }
    bytes
}

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
        let (mut made, mut all) = (0, 0);
        let mut scratch = Vec::new();
        for c in text.chars().filter(|c| !c.is_ascii()) {
            all += 1;
            // (Arrows, mathematical signs and box drawing are both kinds' work: cp437 has
            // them, and so do GBK's symbol rows, where Big5's `或` is GBK's `┪`.)
            let either = ('\u{2190}'..='\u{25FF}').contains(&c) || c == '€' || c == '\u{FFFD}';
            // So are the marks and signs of the double-byte codecs' symbol rows: Big5
            // reads GBK's quotes `“”` as `※§`, and its `；` as `˙`.
            let mut mark_of_its_own = || {
                double_byte
                    && c < '\u{2E80}'
                    && (!c.is_alphabetic() || ('\u{2B0}'..='\u{2FF}').contains(&c))
                    && {
                        scratch.clear();
                        self.bytes_of(c, &mut scratch) && scratch.len() == 2
                    }
            };
            made += ((c >= '\u{2E80}') == double_byte || either || mark_of_its_own()) as usize;
        }
        // A double-byte reading makes Han above all: a run where under a third of the
        // characters could be its work (Latin-1 letters and symbols, with one `€`) is not
        // a GBK or Big5 reading. (Checking that first spared encoding every such run.)
        if double_byte {
            made * 3 >= all && made > 0
        } else {
            made > 0
        }
    }

    /// Whether this reading has a character for the pair `bytes`.
    pub(crate) fn reads_pair(self, bytes: [u8; 2]) -> bool {
        let encoding = match self {
            Misread::Gbk => GBK,
            Misread::Big5 => BIG5,
            Misread::Windows1252 | Misread::Cp437 => return false,
        };
        encoding
            .decode_without_bom_handling_and_without_replacement(&bytes)
            .is_some()
    }

    /// [`Misread::bytes_of`] for Python's reading, whose Big5 gives 261 pairs another
    /// character than a browser's (`data/codecs/python-big5.tsv`).
    pub(crate) fn bytes_of_as_python(self, c: char, out: &mut Vec<u8>) -> bool {
        match self.python_pair(c) {
            Some(pair) => {
                out.extend_from_slice(&pair);
                true
            }
            None => self.bytes_of(c, out),
        }
    }

    /// The pair Python's reading, and not a browser's, turns into `c`.
    pub(crate) fn python_pair(self, c: char) -> Option<[u8; 2]> {
        static PYTHON_BIG5: LazyLock<Vec<(char, [u8; 2])>> = LazyLock::new(|| {
            let table = include_str!("../../../../data/codecs/python-big5.tsv");
            let mut pairs: Vec<(char, [u8; 2])> = table
                .lines()
                .filter(|line| !line.starts_with('#'))
                .map(|line| {
                    let mut fields = line.split('\t');
                    let pair = u16::from_str_radix(fields.next().expect("bytes"), 16);
                    let c = fields.next().and_then(|c| c.chars().next());
                    (c.expect("a character"), pair.expect("hex").to_be_bytes())
                })
                .collect();
            pairs.sort_unstable();
            pairs
        });
        if self != Misread::Big5 || c < '\u{A0}' {
            return None;
        }
        let i = PYTHON_BIG5.binary_search_by_key(&c, |e| e.0).ok()?;
        Some(PYTHON_BIG5[i].1)
    }

    /// The byte windows-1252 (or Latin-1) reads as `c`, when one does.
    pub(crate) fn windows_1252_byte(c: char) -> Option<u8> {
        match c as u32 {
            0..=0xFF => Some(c as u8),
            _ => WINDOWS_1252_HIGH
                .binary_search_by_key(&c, |e| e.0)
                .ok()
                .map(|i| WINDOWS_1252_HIGH[i].1),
        }
    }

    /// Appends the bytes this reading turned into `c`; false when it never produces `c`.
    pub(crate) fn bytes_of(self, c: char, out: &mut Vec<u8>) -> bool {
        if c.is_ascii() {
            out.push(c as u8);
            return true;
        }
        match self {
            Misread::Windows1252 => match Misread::windows_1252_byte(c) {
                Some(b) => {
                    out.push(b);
                    true
                }
                None => false,
            },
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
            Misread::Gbk => reverse(&GB18030_PAIRS, GB18030, c, out),
            Misread::Big5 => reverse(&BIG5_PAIRS, BIG5, c, out),
        }
    }
}

/// Every BMP character's two bytes in a double-byte codec, indexed by code point, from
/// encoding_rs's encoder at build time (so duplicates map the way it maps them): `NONE`
/// when the codec cannot write the character, `OTHER` when it writes another length.
/// Then the astral characters the decoder reads and the encoder does not write (Big5's
/// HKSCS): six bytes each, the code point (u32 little-endian) and the pair, sorted.
struct PairTable(&'static [u8], &'static [u8]);

const NONE: u16 = 0;
/// No pair is `FF FF`: neither codec has 0xFF as a lead or trail byte.
const OTHER: u16 = 0xFFFF;

static GB18030_PAIRS: PairTable = PairTable(
    include_bytes!(concat!(env!("OUT_DIR"), "/codec_pairs_gb18030.bin")),
    &[],
);
static BIG5_PAIRS: PairTable = PairTable(
    include_bytes!(concat!(env!("OUT_DIR"), "/codec_pairs_big5.bin")),
    include_bytes!(concat!(env!("OUT_DIR"), "/codec_pairs_big5_astral.bin")),
);

impl PairTable {
    fn get(&self, c: char) -> Option<u16> {
        let i = 2 * c as usize;
        if let Some(entry) = self.0.get(i..i + 2) {
            return Some(u16::from_le_bytes([entry[0], entry[1]]));
        }
        let (mut low, mut high) = (0, self.1.len() / 6);
        while low < high {
            let mid = (low + high) / 2;
            let e = &self.1[6 * mid..6 * mid + 6];
            match u32::from_le_bytes([e[0], e[1], e[2], e[3]]).cmp(&(c as u32)) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(u16::from_be_bytes([e[4], e[5]])),
            }
        }
        None
    }
}

/// `c`'s bytes in `encoding`: from the table, or the encoder for what it does not hold.
fn reverse(table: &PairTable, encoding: &'static Encoding, c: char, out: &mut Vec<u8>) -> bool {
    match table.get(c) {
        Some(NONE) => false,
        Some(OTHER) | None => encode_char(encoding, c, out),
        Some(pair) => {
            out.extend_from_slice(&pair.to_be_bytes());
            true
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        // Decoded into a small buffer over and over: only where decoding stops matters.
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut buffer = [0u8; 1024];
        let mut read = 0;
        loop {
            let (result, n, _) =
                decoder.decode_to_utf8_without_replacement(&bytes[read..], &mut buffer, true);
            read += n;
            match result {
                DecoderResult::InputEmpty => return bytes.len(),
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(bad, after) => {
                    return read - bad as usize - after as usize
                }
            }
        }
    }

    /// Writes the text `bytes` hold to `text` (cleared first), bytes that do not decode as
    /// U+FFFD.
    pub(crate) fn lenient_decode_into(self, bytes: &[u8], text: &mut String) {
        text.clear();
        let (table, encoding) = match self {
            Original::Utf8 => return text.push_str(&String::from_utf8_lossy(bytes)),
            Original::Gbk => (&GBK_CHARACTERS, GBK),
            Original::Big5 => (&BIG5_CHARACTERS, BIG5),
        };
        if by_table(table, bytes, text).is_none() {
            text.clear();
            text.push_str(&encoding.decode_without_bom_handling(bytes).0);
        }
    }

    /// Where the character that byte `at` of `bytes` (decoded from their start) is part
    /// of begins: the bytes before decode the same whatever byte stands at `at`. `None`
    /// where only the decoder can tell, for UTF-8, and past the end.
    pub(crate) fn boundary_before(self, bytes: &[u8], at: usize) -> Option<usize> {
        let table = match self {
            _ if at >= bytes.len() => return None,
            Original::Utf8 => return None,
            Original::Gbk => &GBK_CHARACTERS,
            Original::Big5 => &BIG5_CHARACTERS,
        };
        let mut i = 0;
        while i < at {
            i += match bytes[i] {
                ..0x80 | 0x80 | 0xFF => 1,
                _ if i + 1 == at => return Some(i),
                lead => match table.pair(lead, bytes[i + 1]) {
                    ASK_THE_DECODER => return None,
                    NO_CHARACTER if bytes[i + 1] < 0x80 => 1,
                    _ => 2,
                },
            };
        }
        Some(at)
    }

    /// The text `bytes` hold, when all of them decode.
    pub(crate) fn decode(self, bytes: &[u8]) -> Option<Cow<'_, str>> {
        let decode = |table: &Decoding, encoding: &'static Encoding| {
            let mut text = String::new();
            match by_table(table, bytes, &mut text) {
                Some(false) => Some(Cow::Owned(text)),
                Some(true) => None,
                None => encoding.decode_without_bom_handling_and_without_replacement(bytes),
            }
        };
        match self {
            Original::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            Original::Gbk => decode(&GBK_CHARACTERS, GBK),
            Original::Big5 => decode(&BIG5_CHARACTERS, BIG5),
        }
    }
}

/// What each lead byte and the byte after it decode as in GBK and in Big5: a character,
/// [`NO_CHARACTER`] or [`ASK_THE_DECODER`] (`build.rs` writes the tables with
/// encoding_rs). Repair decodes a few bytes at a time, again and again, as it guesses
/// lost ones: a table lookup per character, where the decoder costs as much as the rest
/// of a guess.
static GBK_CHARACTERS: Decoding = Decoding {
    pairs: include_bytes!(concat!(env!("OUT_DIR"), "/decode_gbk.bin")),
    byte_80: '€',
};
static BIG5_CHARACTERS: Decoding = Decoding {
    pairs: include_bytes!(concat!(env!("OUT_DIR"), "/decode_big5.bin")),
    byte_80: '\u{FFFD}',
};

struct Decoding {
    /// Four bytes for each lead from 0x81 and byte after it.
    pairs: &'static [u8],
    /// What a lone 0x80 is: `€` in GBK.
    byte_80: char,
}

/// A lead and a byte that make no character: U+FFFD, and the second byte is read again
/// when it is ASCII (WHATWG's decoders, GBK's and Big5's alike).
const NO_CHARACTER: char = '\0';
/// Bytes whose reading depends on the bytes after them (GB18030's four-byte sequences)
/// or that make two characters (four pairs of Big5).
const ASK_THE_DECODER: char = '\u{1}';

impl Decoding {
    /// What `lead` (0x81–0xFE) and `byte` decode as.
    fn pair(&self, lead: u8, byte: u8) -> char {
        let at = ((lead - 0x81) as usize * 256 + byte as usize) * 4;
        let entry = u32::from_le_bytes(self.pairs[at..at + 4].try_into().expect("four bytes"));
        char::from_u32(entry).unwrap_or(ASK_THE_DECODER)
    }
}

/// Writes `bytes` decoded with `table` (see [`GBK_CHARACTERS`]) to `text` as the
/// encoding's decoder decodes them, U+FFFD for bytes that make no character, and tells
/// whether some did not; `None` where only the decoder can tell (`text` then holds part
/// of them).
fn by_table(table: &Decoding, bytes: &[u8], text: &mut String) -> Option<bool> {
    // (At most three bytes of UTF-8 for each byte: U+FFFD for one lost.)
    text.reserve(bytes.len() * 3);
    let mut malformed = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (c, len) = match (b, bytes.get(i + 1)) {
            (..0x80, _) => (b as char, 1),
            (0x80, _) => (table.byte_80, 1),
            (0xFF, _) | (_, None) => ('\u{FFFD}', 1),
            (lead, Some(&next)) => match table.pair(lead, next) {
                ASK_THE_DECODER => return None,
                NO_CHARACTER if next < 0x80 => ('\u{FFFD}', 1),
                NO_CHARACTER => ('\u{FFFD}', 2),
                c => (c, 2),
            },
        };
        malformed |= c == '\u{FFFD}';
        text.push(c);
        i += len;
    }
    Some(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pair_tables_decode_as_the_decoders_do() {
        // Bytes of every kind a guess leaves in a window: ASCII (digits too), leads,
        // trails, 0x80 and the unfilled 0xFF, in random strings of up to 12.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (encoding, table, original) in [
            (GBK, &GBK_CHARACTERS, Original::Gbk),
            (BIG5, &BIG5_CHARACTERS, Original::Big5),
        ] {
            let mut asked = 0;
            for _ in 0..200_000 {
                let len = (next() % 13) as usize;
                let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let name = encoding.name();
                let mut text = String::new();
                original.lenient_decode_into(&bytes, &mut text);
                assert_eq!(
                    text,
                    encoding.decode_without_bom_handling(&bytes).0,
                    "{name} {bytes:02X?}"
                );
                assert_eq!(
                    original.decode(&bytes),
                    encoding.decode_without_bom_handling_and_without_replacement(&bytes),
                    "{name} {bytes:02X?}"
                );
                asked += by_table(table, &bytes, &mut String::new()).is_none() as usize;
                // Whatever byte stands at `at`, the text splits where `boundary_before` says.
                let at = (next() % 13) as usize;
                let Some(split) = original.boundary_before(&bytes, at) else {
                    continue;
                };
                let mut bytes = bytes;
                for byte in [b'A', 0x80, 0xA1, 0xFF, (next() % 256) as u8] {
                    bytes[at] = byte;
                    let whole = encoding.decode_without_bom_handling(&bytes).0;
                    let (head, tail) = bytes.split_at(split);
                    let parts = [head, tail].map(|b| encoding.decode_without_bom_handling(b).0);
                    assert_eq!(whole, parts.concat(), "{name} {bytes:02X?} at {at}");
                }
            }
            assert!(
                asked < 20_000,
                "{}: the decoder was asked {asked} times",
                encoding.name()
            );
        }
    }

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

    #[test]
    fn pairs_decoded_at_once_read_as_each_alone() {
        for (encoding, table) in [(GBK, &GBK_CHARACTERS), (BIG5, &BIG5_CHARACTERS)] {
            let alone: Vec<(char, [u8; 2])> = (0x81..=0xFEu8)
                .flat_map(|lead| (0x40..=0xFEu8).map(move |t| [lead, t]))
                .filter_map(|pair| {
                    let text =
                        encoding.decode_without_bom_handling_and_without_replacement(&pair)?;
                    let mut chars = text.chars();
                    let (Some(c), None) = (chars.next(), chars.next()) else {
                        return None;
                    };
                    Some((c, pair))
                })
                .collect();
            assert_eq!(characters_of(table).collect::<Vec<_>>(), alone);
        }
    }

    #[test]
    fn a_byte_read_with_the_next_was_not_lost() {
        // `B8 E4` is a GB2312 character: a reading did not lose B8 before E4.
        assert!(!may_have_lost(Misread::Gbk, 0xB8, Some(0xE4)));
        // `AA E4` is in GBK's user-defined area, which Python cannot read; 0x80 leads
        // nothing; before a space every lead is lost; with nothing known, anything may be.
        assert!(may_have_lost(Misread::Gbk, 0xAA, Some(0xE4)));
        assert!(may_have_lost(Misread::Gbk, 0x80, Some(0xE4)));
        assert!(may_have_lost(Misread::Gbk, 0xB8, Some(b' ')));
        assert!(may_have_lost(Misread::Gbk, 0xB8, None));
        // Python's Big5 has no row C8; `A4 40` (`一`) both read.
        assert!(may_have_lost(Misread::Big5, 0xC8, Some(0xA4)));
        assert!(!may_have_lost(Misread::Big5, 0xA4, Some(0x40)));
        let mut out = Vec::new();
        assert!(Misread::Big5.bytes_of_as_python('ヾ', &mut out));
        assert_eq!(out, [0xC6, 0xA1]);
    }

    #[test]
    fn the_built_tables_reverse_as_the_encoders_do() {
        for (misread, encoding) in [(Misread::Gbk, GB18030), (Misread::Big5, BIG5)] {
            for c in ('\u{80}'..='\u{FFFF}').filter(|&c| c != '€') {
                let (mut table, mut encoder) = (Vec::new(), Vec::new());
                let known = misread.bytes_of(c, &mut table);
                if encode_char(encoding, c, &mut encoder) {
                    assert_eq!(table, encoder, "{c:?}");
                } else if known {
                    // What only the decoder reads (Big5's HKSCS pairs) reverses to it.
                    let text = encoding.decode_without_bom_handling(&table).0;
                    assert_eq!(text.chars().collect::<Vec<_>>(), [c], "{c:?}");
                }
            }
        }
        // HKSCS, astral: `戰` in GBK is `𥐯` in Big5.
        let mut out = Vec::new();
        assert!(Misread::Big5.bytes_of('𥐯', &mut out));
        assert_eq!(out, encoding_rs::GBK.encode("戰").0.as_ref());
    }
}
