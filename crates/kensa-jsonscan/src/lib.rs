//! Where does this JSON object end, and where in it are these keys?
//!
//! `kensa detect` cuts CloudTrail's `{"Records":[...]}` files into records
//! and skips, unparsed, the records no rule can match. Both steps used to
//! walk the text byte by byte and cost several times the decompression of
//! the file. [`ObjectScanner`] does them in one pass over 64-byte blocks,
//! the way simdjson's first stage does: each block becomes bit masks (one
//! bit per byte) of quotes, backslashes, brackets and a few "anchor" bytes;
//! escapes, strings, bracket depth and key positions then follow from a
//! handful of integer operations per block instead of per byte.
//!
//! What it answers, for bytes that start with `{` or `[`:
//! - the end of that value: the bracket, outside strings, that brings the
//!   depth back to zero (`{`/`[` and `}`/`]` are not told apart, which
//!   agrees with a JSON parser on every valid document);
//! - every place where one of the given keys is spelled `"key"`, with
//!   unescaped quotes, before that end (a superset of where the keys occur
//!   as keys: `"key"` as a string value is reported too);
//! - whether any `\u` escape occurs, since a key or value spelled with
//!   `\u` escapes is not found by its plain spelling.
//!
//! It does not validate JSON: that is the parser's job, on the records
//! that may match.
//!
//! The block classifier uses AVX-512BW when the CPU has it (checked at run
//! time), else SSE2 on x86-64, and portable code elsewhere. (An AVX2
//! variant measured 2.5 GB/s against SSE2's 4.5 on cache-resident
//! records: LLVM unpacked its 32-bit masks bit by bit. It was removed.) All of them are
//! tested and fuzzed against [`reference_object_end`], a byte-at-a-time
//! implementation of the same definition.

mod classify;

use classify::{Classifier, Portable};

/// `scan` compiled for the scanner's number of anchor bytes, so that the
/// classifier compares each block with those and no more.
macro_rules! by_anchor_count {
    ($classifier:ty, $scanner:expr, $data:expr, $hits:expr) => {
        match $scanner.anchors.count {
            0 => scan::<$classifier, 0>($scanner, $data, $hits),
            1 => scan::<$classifier, 1>($scanner, $data, $hits),
            2 => scan::<$classifier, 2>($scanner, $data, $hits),
            3 => scan::<$classifier, 3>($scanner, $data, $hits),
            _ => scan::<$classifier, MAX_ANCHORS>($scanner, $data, $hits),
        }
    };
}

/// One occurrence of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHit {
    /// Index of the key in the list given to [`ObjectScanner::new`].
    pub key: usize,
    /// Offset just after the key's closing quote, where `:` should follow.
    pub after: usize,
}

/// The end of a value and what was seen on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectEnd {
    /// Offset just after the closing bracket.
    pub end: usize,
    /// A `\u` escape occurs before the end.
    pub unicode_escape: bool,
}

/// A key the scanner cannot spot by its spelling.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Keys of fewer than four or more than 62 bytes, or with bytes other
    /// than printable ASCII (quotes and backslashes excluded), cannot be
    /// spotted in one or two blocks.
    #[error("key {0:?} cannot be spotted by its spelling")]
    Unsupported(String),
    /// More distinct anchor bytes than a block can be compared against.
    #[error("more than four distinct anchor bytes")]
    TooManyAnchors,
    /// More distinct key lengths than a block can be checked against.
    #[error("more than four distinct key lengths")]
    TooManyLengths,
}

/// The instruction set the block classifier uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Isa {
    /// The fastest one this CPU has.
    pub fn best() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            let available = Isa::available();
            if available.contains(&Isa::Avx512) {
                return Isa::Avx512;
            }
            Isa::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        Isa::Portable
    }

    /// Every one this CPU can run, for differential tests.
    pub fn available() -> Vec<Isa> {
        let mut all = vec![Isa::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            all.push(Isa::Sse2);
            // The AVX-512 variant also counts bits, clears the lowest one,
            // finds the n-th set bit (PDEP) and multiplies carry-less (for
            // string masks) in one instruction each; every AVX-512 CPU has
            // these, but they are checked like the rest.
            if std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("popcnt")
                && std::arch::is_x86_feature_detected!("bmi1")
                && std::arch::is_x86_feature_detected!("bmi2")
                && std::arch::is_x86_feature_detected!("pclmulqdq")
            {
                all.push(Isa::Avx512);
            }
        }
        all
    }
}

/// Up to four distinct bytes compared against every block.
pub(crate) const MAX_ANCHORS: usize = 4;

/// The anchor bytes: the first `count` are used, and `scan` is compiled
/// for that count.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Anchors {
    pub(crate) bytes: [u8; MAX_ANCHORS],
    pub(crate) count: usize,
}

/// Finds object ends and key positions; build once, use on many records.
#[derive(Debug, Clone)]
pub struct ObjectScanner {
    /// Each key with its quotes: `"eventName"`.
    quoted: Vec<Vec<u8>>,
    /// The last eight bytes of each quoted key, as a little-endian word
    /// (keys of four to five bytes are padded in front with zeros and
    /// compared under `tail_masks`).
    tails: Vec<u64>,
    /// The first eight bytes of each quoted key (zero when shorter).
    heads: Vec<u64>,
    tail_masks: Vec<u64>,
    /// The distinct distances from a key's opening quote to its closing
    /// quote (key length plus one): at most four, each under 64, so that
    /// the opening quote is in this block or the one before. Unused places
    /// repeat the first (testing a span twice changes nothing).
    spans: [u32; MAX_ANCHORS],
    /// All ones when the keys have several lengths (so that only
    /// `verify_candidates` tests spans), zero when they have one.
    several_spans: u64,
    anchors: Anchors,
    isa: Isa,
}

/// The longest key spotted: its opening quote is at most 63 bytes before
/// its closing one, so in the same block or the one before.
const MAX_KEY_LEN: usize = 62;

/// Distance from a key's anchor byte to its closing quote: the anchor is
/// the fourth byte from the key's end, so `N` in `"eventName"`.
const ANCHOR_DISTANCE: u32 = 4;

impl ObjectScanner {
    /// A scanner that spots `keys` (may be empty), on the fastest
    /// instruction set this CPU has.
    pub fn new(keys: &[&str]) -> Result<ObjectScanner, KeyError> {
        ObjectScanner::with_isa(keys, Isa::best())
    }

    /// The same on a given instruction set, which must be one of
    /// [`Isa::available`]; any other falls back to portable code.
    pub fn with_isa(keys: &[&str], isa: Isa) -> Result<ObjectScanner, KeyError> {
        let isa = if Isa::available().contains(&isa) {
            isa
        } else {
            Isa::Portable
        };
        let mut anchors = Anchors::default();
        let mut quoted = Vec::with_capacity(keys.len());
        for key in keys {
            let bytes = key.as_bytes();
            let spellable = bytes.len() >= ANCHOR_DISTANCE as usize
                && bytes.len() <= MAX_KEY_LEN
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\'));
            if !spellable {
                return Err(KeyError::Unsupported((*key).to_owned()));
            }
            let anchor = bytes[bytes.len() - ANCHOR_DISTANCE as usize];
            if !anchors.bytes[..anchors.count].contains(&anchor) {
                if anchors.count == MAX_ANCHORS {
                    return Err(KeyError::TooManyAnchors);
                }
                anchors.bytes[anchors.count] = anchor;
                anchors.count += 1;
            }
            let mut q = Vec::with_capacity(bytes.len() + 2);
            q.push(b'"');
            q.extend_from_slice(bytes);
            q.push(b'"');
            quoted.push(q);
        }
        let heads = quoted
            .iter()
            .map(|q| match q.get(..8) {
                Some(head) => {
                    let mut word = [0u8; 8];
                    word.copy_from_slice(head);
                    u64::from_le_bytes(word)
                }
                None => 0,
            })
            .collect();
        let (tails, tail_masks) = quoted
            .iter()
            .map(|q| {
                let take = q.len().min(8);
                let mut word = [0u8; 8];
                word[8 - take..].copy_from_slice(&q[q.len() - take..]);
                let mask = if take == 8 {
                    u64::MAX
                } else {
                    u64::MAX << (8 * (8 - take))
                };
                (u64::from_le_bytes(word), mask)
            })
            .unzip();
        let mut spans: Vec<u32> = Vec::new();
        for q in &quoted {
            let span = (q.len() - 1) as u32;
            if !spans.contains(&span) {
                spans.push(span);
            }
        }
        if spans.len() > MAX_ANCHORS {
            return Err(KeyError::TooManyLengths);
        }
        let several_spans = if spans.len() > 1 { u64::MAX } else { 0 };
        let first = spans.first().copied().unwrap_or(1);
        let mut fixed_spans = [first; MAX_ANCHORS];
        fixed_spans[..spans.len()].copy_from_slice(&spans);
        Ok(ObjectScanner {
            quoted,
            tails,
            heads,
            tail_masks,
            spans: fixed_spans,
            several_spans,
            anchors,
            isa,
        })
    }

    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// The end of the object or array `data` starts with, and the key
    /// occurrences before it (appended to `hits`, in order). `None` when
    /// `data` does not start with `{` or `[`, or ends first; `hits` may
    /// then hold some occurrences.
    #[allow(unsafe_code)]
    pub fn object_end(&self, data: &[u8], hits: &mut Vec<KeyHit>) -> Option<ObjectEnd> {
        match self.isa {
            Isa::Portable => by_anchor_count!(Portable, self, data, hits),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `with_isa` keeps an x86 instruction set only when
            // `Isa::available` saw the CPU support it.
            Isa::Sse2 => unsafe { scan_sse2(self, data, hits) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            Isa::Avx512 => unsafe { scan_avx512(self, data, hits) },
        }
    }

    /// Records the keys whose closing quotes are among `candidates`, bits
    /// of the block at `block` (closing quotes with an anchor byte four
    /// places before them), given the unescaped quotes of that block and
    /// the one before.
    #[inline(never)]
    fn verify_candidates(
        &self,
        data: &[u8],
        block: usize,
        mut candidates: u64,
        quotes_before: u64,
        quotes: u64,
        hits: &mut Vec<KeyHit>,
    ) {
        // Keep closing quotes with an unescaped quote one key length
        // before them: `"userName"` is not a candidate for `"eventName"`
        // even though both end in `Name"`.
        let mut opened = 0;
        for &span in &self.spans {
            opened |= (quotes << span) | (quotes_before >> (64 - span));
        }
        candidates &= opened;
        while candidates != 0 {
            let bit = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            self.verify(data, block, bit, [quotes_before, quotes], hits);
        }
    }

    /// Records the keys whose closing quote is bit `bit` of the block at
    /// `block`, given the unescaped quotes of that block and the one before.
    #[inline]
    fn verify(
        &self,
        data: &[u8],
        block: usize,
        bit: usize,
        [quotes_before, quotes]: [u64; 2],
        hits: &mut Vec<KeyHit>,
    ) {
        let quote = block + bit;
        // The eight bytes ending at the quote, as one word, compared with
        // each key's last eight: most candidates (`"userName"` for
        // `"eventName"`) differ there, without a byte loop.
        let word = match quote.checked_sub(7).and_then(|from| data.get(from..=quote)) {
            Some(bytes) => {
                let mut word = [0u8; 8];
                word.copy_from_slice(bytes);
                u64::from_le_bytes(word)
            }
            None => {
                let mut word = [0u8; 8];
                let from = quote.saturating_sub(7);
                word[8 - (quote + 1 - from)..].copy_from_slice(&data[from..=quote]);
                u64::from_le_bytes(word)
            }
        };
        for (key, spelled) in self.quoted.iter().enumerate() {
            if word & self.tail_masks[key] != self.tails[key] {
                continue;
            }
            let len = spelled.len();
            if quote + 1 < len {
                continue;
            }
            // The opening quote must be a quote, not an escaped one.
            let span = len - 1;
            let opening_is_quote = if bit >= span {
                (quotes >> (bit - span)) & 1 == 1
            } else {
                (quotes_before >> (64 + bit - span)) & 1 == 1
            };
            if !opening_is_quote {
                continue;
            }
            // The last eight bytes matched; up to sixteen, the first eight
            // (overlapping them) finish the comparison as one more word.
            let start = quote + 1 - len;
            let matches = if len <= 8 {
                true
            } else if len <= 16 {
                let mut head = [0u8; 8];
                head.copy_from_slice(&data[start..start + 8]);
                u64::from_le_bytes(head) == self.heads[key]
            } else {
                data[start..=quote] == spelled[..]
            };
            if matches {
                hits.push(KeyHit {
                    key,
                    after: quote + 1,
                });
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn scan_sse2(scanner: &ObjectScanner, data: &[u8], hits: &mut Vec<KeyHit>) -> Option<ObjectEnd> {
    by_anchor_count!(classify::Sse2, scanner, data, hits)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,popcnt,bmi1,bmi2,pclmulqdq")]
fn scan_avx512(scanner: &ObjectScanner, data: &[u8], hits: &mut Vec<KeyHit>) -> Option<ObjectEnd> {
    by_anchor_count!(classify::Avx512, scanner, data, hits)
}

/// A running parity: bit i is the XOR of bits 0..=i of `x`. Applied
/// to unescaped quotes, it marks the bytes inside strings (opening quote
/// included, closing quote excluded).
#[inline(always)]
pub(crate) fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The bytes escaped by a backslash. A backslash escapes the byte after
/// it, unless it is itself escaped; `carry` says the block's first byte is
/// escaped by the previous block's last backslash, and the same is
/// returned, with the mask, for the next block. Backslashes are rare
/// enough in CloudTrail that a loop over them beats the branch-free carry
/// arithmetic in clarity and costs nothing measurable. Out of line, by
/// value: the block loop's state stays in registers.
#[inline(never)]
#[cold]
fn escaped_bytes(backslash: u64, carry: bool) -> (u64, bool) {
    let mut escaped = 0;
    let mut escapes = backslash;
    if carry {
        escaped |= 1;
        escapes &= !1;
    }
    let mut carry_out = false;
    while escapes != 0 {
        let i = escapes.trailing_zeros();
        escapes &= escapes - 1;
        if i == 63 {
            carry_out = true;
        } else {
            escaped |= 1 << (i + 1);
            // An escaped backslash escapes nothing.
            escapes &= !(1 << (i + 1));
        }
    }
    (escaped, carry_out)
}

/// What the block loop carries from one block to the next.
#[derive(Debug, Default)]
struct Carry {
    /// Open brackets not yet closed, outside strings.
    depth: u64,
    /// All ones when the previous block ended inside a string.
    in_string: u64,
    /// The previous block ended with a backslash that escapes this
    /// block's first byte.
    escape: bool,
    /// Anchors in the previous block's last four bytes, as bits 0..=3 of
    /// this block's candidate closing quotes.
    anchors: u64,
    /// The previous block's unescaped quotes, for opening quotes of keys
    /// that start there.
    quotes: u64,
    /// A `\u` escape was seen.
    unicode_escape: bool,
}

#[inline(always)]
fn scan<C: Classifier, const N: usize>(
    scanner: &ObjectScanner,
    data: &[u8],
    hits: &mut Vec<KeyHit>,
) -> Option<ObjectEnd> {
    if !matches!(data.first(), Some(b'{' | b'[')) {
        return None;
    }
    // The depth starts at one, after the opening bracket, so that the
    // first block (which rarely closes anything) does not walk; that
    // block drops the bracket (bit 0) from its openings. It is taken out
    // of the loop so that the loop does not carry the difference.
    let mut carry = Carry {
        depth: 1,
        ..Carry::default()
    };
    let mut first_open = 1;
    let mut pos = 0;
    if let Some(block) = data.first_chunk::<64>() {
        if let Some(end) = block_step::<C, N>(scanner, data, 0, block, first_open, &mut carry, hits)
        {
            return Some(end);
        }
        first_open = 0;
        pos = 64;
    }
    // One index, and the block taken at it, so that the loop carries no
    // more than that (not an iterator's pointer and count beside it).
    while let Some(block) = data.get(pos..).and_then(<[u8]>::first_chunk::<64>) {
        if let Some(end) = block_step::<C, N>(scanner, data, pos, block, 0, &mut carry, hits) {
            return Some(end);
        }
        pos += 64;
    }
    let rest = &data[pos.min(data.len())..];
    if rest.is_empty() {
        return None;
    }
    // The last partial block, padded with spaces, which mean nothing here.
    let mut tail = [b' '; 64];
    tail[..rest.len()].copy_from_slice(rest);
    block_step::<C, N>(scanner, data, pos, &tail, first_open, &mut carry, hits)
}

/// One 64-byte block at `pos`: the object's end if it is in the block.
/// `first_open` is bit 0 in the first block (its opening bracket, already
/// in the depth) and zero after. Kept small so that the loop's state
/// stays in registers; the rare work (escapes, a bracket walk, key
/// candidates, the block where the object ends) is in functions of its
/// own.
#[inline(always)]
fn block_step<C: Classifier, const N: usize>(
    scanner: &ObjectScanner,
    data: &[u8],
    pos: usize,
    block: &[u8; 64],
    first_open: u64,
    carry: &mut Carry,
    hits: &mut Vec<KeyHit>,
) -> Option<ObjectEnd> {
    let masks = C::classify::<N>(block, &scanner.anchors);
    let escaped = if masks.backslash == 0 && !carry.escape {
        0
    } else {
        let (escaped, escape) = escaped_bytes(masks.backslash, carry.escape);
        carry.escape = escape;
        escaped
    };
    let quotes = masks.quote & !escaped;
    let inside = C::prefix_xor(quotes) ^ carry.in_string;
    carry.in_string = ((inside as i64) >> 63) as u64;
    let open = masks.open & !inside & !escaped & !first_open;
    let close = masks.close & !inside & !escaped;
    // With one key length, a candidate also needs an unescaped quote one
    // key length before it; this keeps `"userName"` from costing a branch
    // when the key is `"eventName"`. With several, `verify_candidates`
    // tests each. Without keys there are no anchors, so no candidates.
    let span = scanner.spans[0];
    let opened = (quotes << span) | (carry.quotes >> (64 - span)) | scanner.several_spans;
    let candidates = quotes & ((masks.anchor << ANCHOR_DISTANCE) | carry.anchors) & opened;
    carry.anchors = masks.anchor >> (64 - ANCHOR_DISTANCE);
    let quotes_before = carry.quotes;
    carry.quotes = quotes;

    // The depth (at least one until the end) can only come back to zero
    // in this block if it has at least as many closing brackets as the
    // depth it starts at, and then not before the depth-th of them. If no
    // opening bracket comes before that one, it is the end; if some do,
    // as many more closing brackets must follow. Only then are the
    // brackets followed one by one.
    let closes = u64::from(close.count_ones());
    let end = if closes < carry.depth {
        None
    } else {
        let nth = C::nth_set_bit(close, carry.depth);
        let opens_before = u64::from((open & ((1 << nth) - 1)).count_ones());
        if opens_before == 0 {
            Some(nth)
        } else if closes >= carry.depth + opens_before {
            walk_brackets(open, close, carry.depth)
        } else {
            None
        }
    };
    if let Some(end) = end {
        let seen = Seen {
            escaped,
            candidates,
            quotes_before,
            quotes,
            unicode_escape: carry.unicode_escape,
        };
        return Some(scanner.object_ends(data, pos, block, end, seen, hits));
    }
    // The depth stayed above zero throughout, so it moved by the count.
    carry.depth = carry.depth + u64::from(open.count_ones()) - closes;
    if escaped != 0 && !carry.unicode_escape {
        carry.unicode_escape = has_unicode_escape(block, escaped);
    }
    if candidates != 0 {
        scanner.verify_candidates(data, pos, candidates, quotes_before, quotes, hits);
    }
    None
}

/// What the block where the object ends found before the end is cut off.
#[derive(Debug, Clone, Copy)]
struct Seen {
    escaped: u64,
    candidates: u64,
    /// The unescaped quotes of the block before and of this one.
    quotes_before: u64,
    quotes: u64,
    /// A `\u` escape was seen in an earlier block.
    unicode_escape: bool,
}

impl ObjectScanner {
    /// The block at `pos` closes the object at bit `end`: what it saw up to
    /// there counts, nothing after. Once per object, so out of line.
    #[inline(never)]
    fn object_ends(
        &self,
        data: &[u8],
        pos: usize,
        block: &[u8; 64],
        end: u32,
        seen: Seen,
        hits: &mut Vec<KeyHit>,
    ) -> ObjectEnd {
        let within = u64::MAX >> (63 - end);
        let unicode_escape = seen.unicode_escape
            || (seen.escaped & within != 0 && has_unicode_escape(block, seen.escaped & within));
        if seen.candidates & within != 0 {
            let candidates = seen.candidates & within;
            self.verify_candidates(data, pos, candidates, seen.quotes_before, seen.quotes, hits);
        }
        ObjectEnd {
            end: pos + end as usize + 1,
            unicode_escape,
        }
    }
}

/// Follows the block's brackets in order from `depth`: the bit where the
/// depth comes back to zero, if it does. Arguments and result by value,
/// so that the block loop's state stays in registers.
#[inline(never)]
fn walk_brackets(open: u64, close: u64, depth: u64) -> Option<u32> {
    let mut brackets = open | close;
    let mut level = depth;
    while brackets != 0 {
        let i = brackets.trailing_zeros();
        brackets &= brackets - 1;
        // +1 for an opening bracket, -1 for a closing one, without a
        // branch the predictor would miss half the time.
        let opening = (open >> i) & 1;
        level = level + opening + opening - 1;
        if level == 0 {
            return Some(i);
        }
    }
    None
}

/// Whether any of the `escaped` bytes of `block` is the `u` of a `\u`.
#[inline(never)]
#[cold]
fn has_unicode_escape(block: &[u8; 64], mut escaped: u64) -> bool {
    while escaped != 0 {
        if block[escaped.trailing_zeros() as usize] == b'u' {
            return true;
        }
        escaped &= escaped - 1;
    }
    false
}

/// The same answers as [`ObjectScanner::object_end`], one byte at a time:
/// the definition the block scanner is tested against.
pub fn reference_object_end(
    keys: &[&str],
    data: &[u8],
    hits: &mut Vec<KeyHit>,
) -> Option<ObjectEnd> {
    if !matches!(data.first(), Some(b'{' | b'[')) {
        return None;
    }
    let mut depth = 0u64;
    let mut in_string = false;
    let mut escaped = false;
    let mut unicode_escape = false;
    let mut quotes = Vec::new();
    for (i, &byte) in data.iter().enumerate() {
        if escaped {
            escaped = false;
            unicode_escape |= byte == b'u';
            continue;
        }
        match byte {
            b'\\' => escaped = true,
            b'"' => {
                in_string = !in_string;
                quotes.push(i);
                for (key, name) in keys.iter().enumerate() {
                    let len = name.len() + 2;
                    if i + 1 >= len
                        && quotes.binary_search(&(i + 1 - len)).is_ok()
                        && &data[i + 2 - len..i] == name.as_bytes()
                    {
                        hits.push(KeyHit { key, after: i + 1 });
                    }
                }
            }
            b'{' | b'[' if !in_string => depth += 1,
            b'}' | b']' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(ObjectEnd {
                        end: i + 1,
                        unicode_escape,
                    });
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests;
