//! Builds the flat, character-keyed trie that one conversion step matches with.
//!
//! Shared by `build.rs` (which compiles OpenCC's dictionaries into the binary) and by the
//! library (which compiles a user's `--dict` at run time), so the two can never disagree.
//! Uses `std` only.
//!
//! One trie holds every dictionary of one OpenCC step. Each key remembers the candidate
//! that OpenCC's group rules would pick for exactly that key: the lowest *tier* (position
//! in a `short_circuit` group), and within a tier the earliest dictionary (a `union`
//! group's tie-break). The matcher then keeps, along one walk, the longest key of the
//! lowest tier seen, which is what OpenCC's nested groups resolve to.

use std::collections::BTreeMap;

/// Number of code points covered by one page of the root table.
pub const PAGE_SIZE: usize = 256;
/// Entries in the page index: one per page of the whole code space.
pub const PAGE_INDEX_LEN: usize = 0x11_0000 / PAGE_SIZE;
/// Words per node: value offset, value length, flags, first child.
pub const NODE_WORDS: usize = 4;

pub const FLAG_HAS_VALUE: u32 = 1 << 8;
/// The value equals the key: emitting it changes nothing.
pub const FLAG_IDENTITY: u32 = 1 << 9;
/// This node or one below it has a value that differs from its key: a walk that cannot
/// reach such a node can never change text.
pub const FLAG_MAY_CHANGE: u32 = 1 << 10;
pub const TIER_MASK: u32 = 0xFF;
pub const CHILD_COUNT_SHIFT: u32 = 11;
/// A trie's flag: some value holds a CJK compatibility ideograph (U+F900–FAFF,
/// U+2F800–2FA1F), so converting text that holds none may write one.
pub const TRIE_VALUES_HOLD_IDEOGRAPH: u32 = 1;

/// One dictionary's entries: `(key, value)` with the value already reduced to OpenCC's
/// default (first) candidate.
pub type Entries = Vec<(String, String)>;

/// The flat arrays of a built trie.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrieParts {
    /// `PAGE_INDEX_LEN` entries: code point page → page number (0 is the empty page).
    pub page_index: Vec<u32>,
    /// `PAGE_SIZE` node ids per page; node id 0 means "no key starts with this character".
    pub pages: Vec<u32>,
    /// `NODE_WORDS` words per node; node 0 is the (unused) root.
    pub nodes: Vec<u32>,
    /// Children of non-root nodes, sorted by character within each node.
    pub child_chars: Vec<u32>,
    pub child_nodes: Vec<u32>,
    /// All values, concatenated.
    pub values: String,
    /// [`TRIE_VALUES_HOLD_IDEOGRAPH`], or 0.
    pub flags: u32,
    /// Longest key, in characters.
    pub max_key_chars: u32,
}

#[derive(Default)]
struct Node {
    children: BTreeMap<char, usize>,
    /// (tier, dictionary order, value)
    candidate: Option<(u8, usize, usize)>,
}

/// Builds one step's trie from its tiers; each tier is a list of dictionaries whose
/// longest match wins (a plain dictionary is a tier of one).
pub fn build(tiers: &[Vec<&Entries>]) -> Result<TrieParts, String> {
    if tiers.len() > TIER_MASK as usize {
        return Err(format!("too many dictionary tiers: {}", tiers.len()));
    }
    let mut arena: Vec<Node> = vec![Node::default()];
    let mut values: Vec<&str> = Vec::new();
    let mut order = 0usize;
    let mut max_key_chars = 0u32;
    for (tier, dicts) in tiers.iter().enumerate() {
        for dict in dicts {
            for (key, value) in dict.iter() {
                if key.is_empty() {
                    continue;
                }
                max_key_chars = max_key_chars.max(key.chars().count() as u32);
                let mut at = 0usize;
                for c in key.chars() {
                    at = match arena[at].children.get(&c) {
                        Some(&next) => next,
                        None => {
                            arena.push(Node::default());
                            let next = arena.len() - 1;
                            arena[at].children.insert(c, next);
                            next
                        }
                    };
                }
                let better = match arena[at].candidate {
                    None => true,
                    Some((t, o, _)) => (tier as u8, order) < (t, o),
                };
                if better {
                    values.push(value);
                    arena[at].candidate = Some((tier as u8, order, values.len() - 1));
                }
            }
            order += 1;
        }
    }
    Ok(flatten(&arena, &values, max_key_chars))
}

fn flatten(arena: &[Node], values: &[&str], max_key_chars: u32) -> TrieParts {
    // Breadth-first numbering keeps each node's children contiguous.
    let mut ids = vec![0u32; arena.len()];
    let mut queue = vec![0usize];
    let mut next_id = 1u32;
    let mut head = 0;
    while head < queue.len() {
        let at = queue[head];
        head += 1;
        for &child in arena[at].children.values() {
            ids[child] = next_id;
            next_id += 1;
            queue.push(child);
        }
    }
    let mut parts = TrieParts {
        page_index: vec![0; PAGE_INDEX_LEN],
        pages: vec![0; PAGE_SIZE], // page 0: empty
        nodes: vec![0; NODE_WORDS * next_id as usize],
        max_key_chars,
        ..TrieParts::default()
    };
    // Root children go into the paged table.
    for (&c, &child) in &arena[0].children {
        let page = c as usize / PAGE_SIZE;
        if parts.page_index[page] == 0 {
            parts.page_index[page] = (parts.pages.len() / PAGE_SIZE) as u32;
            parts.pages.extend(std::iter::repeat_n(0, PAGE_SIZE));
        }
        let slot = parts.page_index[page] as usize * PAGE_SIZE + c as usize % PAGE_SIZE;
        parts.pages[slot] = ids[child];
    }
    let mut key_of: Vec<String> = vec![String::new(); arena.len()];
    for &at in &queue {
        for (&c, &child) in &arena[at].children {
            let mut key = key_of[at].clone();
            key.push(c);
            key_of[child] = key;
        }
    }
    // Children come after their parent in `queue`, so a backward sweep sees them first.
    let mut may_change = vec![false; arena.len()];
    for &at in queue.iter().rev() {
        let own = arena[at]
            .candidate
            .is_some_and(|(_, _, v)| values[v] != key_of[at]);
        may_change[at] = own || arena[at].children.values().any(|&c| may_change[c]);
    }
    for &at in &queue[1..] {
        let id = ids[at] as usize;
        let node = &arena[at];
        let mut flags = 0u32;
        let (mut off, mut len) = (0u32, 0u32);
        if let Some((tier, _, v)) = node.candidate {
            let value = values[v];
            off = parts.values.len() as u32;
            len = value.len() as u32;
            parts.values.push_str(value);
            flags |= FLAG_HAS_VALUE | tier as u32;
            if value == key_of[at] {
                flags |= FLAG_IDENTITY;
            }
        }
        if may_change[at] {
            flags |= FLAG_MAY_CHANGE;
        }
        flags |= (node.children.len() as u32) << CHILD_COUNT_SHIFT;
        let first_child = parts.child_chars.len() as u32;
        for (&c, &child) in &node.children {
            parts.child_chars.push(c as u32);
            parts.child_nodes.push(ids[child]);
        }
        parts.nodes[id * NODE_WORDS..(id + 1) * NODE_WORDS].copy_from_slice(&[
            off,
            len,
            flags,
            first_child,
        ]);
    }
    let ideograph = |c: char| matches!(c, '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}');
    if parts.values.chars().any(ideograph) {
        parts.flags |= TRIE_VALUES_HOLD_IDEOGRAPH;
    }
    parts
}

/// Parses OpenCC's text dictionary format: `key<TAB>value[ value…]`, `#` comments.
/// Returns the entries with OpenCC's default (first) value, or the first bad line.
pub fn parse_text_dict(text: &str) -> Result<Entries, (usize, String)> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, values)) = line.split_once('\t') else {
            return Err((i + 1, "expected `source<TAB>target`".to_string()));
        };
        let value = values.split(' ').find(|v| !v.is_empty());
        match (key.is_empty(), value) {
            (false, Some(value)) => entries.push((key.to_string(), value.to_string())),
            _ => return Err((i + 1, "empty source or target".to_string())),
        }
    }
    Ok(entries)
}

/// Serializes parts into one native-endian word stream (for `include_bytes!`).
pub fn to_words(parts: &TrieParts) -> Vec<u32> {
    let seconds = second_steps(parts);
    let sections: [&[u32]; 6] = [
        &parts.page_index,
        &parts.pages,
        &parts.nodes,
        &parts.child_chars,
        &parts.child_nodes,
        &seconds,
    ];
    let mut words = vec![
        0x5A48_4E54, // "ZHNT"
        parts.flags,
        parts.max_key_chars,
        parts.values.len() as u32,
    ];
    words.extend(sections.iter().map(|s| s.len() as u32));
    for s in sections {
        words.extend_from_slice(s);
    }
    let mut bytes = parts.values.as_bytes().to_vec();
    bytes.resize(bytes.len().div_ceil(4) * 4, 0);
    words.extend(
        bytes
            .chunks(4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]])),
    );
    words
}

/// Every edge from a key's first character to its second, hashed (open addressing, a
/// power of two of slots at most two-thirds full): `SECOND_WORDS` words a slot, the first
/// character, the second and the node, which is 0 in an empty slot. The matcher's first
/// step takes one probe or two here, where the children of a character that starts
/// hundreds of keys (`中`) take a chain of loads to search.
pub fn second_steps(parts: &TrieParts) -> Vec<u32> {
    let mut edges: Vec<[u32; SECOND_WORDS]> = Vec::new();
    for (page, &slot) in parts.page_index.iter().enumerate() {
        if slot == 0 {
            continue;
        }
        let nodes = &parts.pages[slot as usize * PAGE_SIZE..][..PAGE_SIZE];
        for (i, &node) in nodes.iter().enumerate().filter(|(_, &n)| n != 0) {
            let first = (page * PAGE_SIZE + i) as u32;
            let w = &parts.nodes[node as usize * NODE_WORDS..][..NODE_WORDS];
            let (from, count) = (w[3] as usize, (w[2] >> CHILD_COUNT_SHIFT) as usize);
            for k in from..from + count {
                edges.push([first, parts.child_chars[k], parts.child_nodes[k]]);
            }
        }
    }
    let slots = (edges.len() * 3 / 2 + 1).next_power_of_two().max(2);
    let mut table = vec![0u32; slots * SECOND_WORDS];
    for edge in edges {
        let mut at = second_slot(edge[0], edge[1], slots);
        while table[at * SECOND_WORDS + 2] != 0 {
            at = (at + 1) & (slots - 1);
        }
        table[at * SECOND_WORDS..][..SECOND_WORDS].copy_from_slice(&edge);
    }
    table
}

/// Words per slot of [`second_steps`].
pub const SECOND_WORDS: usize = 3;

/// The slot, of `slots` (a power of two), where the probe for `first second` starts.
#[inline(always)]
pub fn second_slot(first: u32, second: u32, slots: usize) -> usize {
    let key = (first as u64) << 21 | second as u64;
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & (slots - 1)
}
