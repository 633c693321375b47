//! Cutting a stream of CloudTrail JSON into one byte slice per record,
//! without ever holding more than the record being cut.
//!
//! Two layouts, told apart by content:
//! - CloudTrail's log file: one object `{"Records":[{...},{...}]}`. The
//!   framer walks the `Records` array and cuts each element out by
//!   bracket depth (outside strings), so a 10 GB file costs the memory of
//!   its largest record. Each slice is then parsed on its own with
//!   serde_json, so a malformed record is reported and the next is read.
//! - JSON lines: one record per line; a bad line is reported and skipped.
//!
//! Why not serde_json's streaming `Deserializer` over the reader: its
//! `io::Read` path is much slower than parsing a slice, and a single bad
//! record would end the whole file.

use std::borrow::Cow;
use std::io::{self, Read};

use kensa_jsonscan::{KeyHit, ObjectScanner};
use memchr::{memchr, memchr2};

/// Bytes read from the source at a time; also the buffer's starting size.
const CHUNK: usize = 256 * 1024;

/// How records are laid out in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `{"Records":[ ... ]}`
    RecordsObject,
    /// One JSON value per line.
    JsonLines,
}

/// Where a record (or a problem) is in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// 0-based index in the `Records` array.
    Record(u64),
    /// 1-based line number of a JSON-lines file.
    Line(u64),
    /// Byte offset in the (decompressed) stream, for a file whose structure broke.
    Byte(u64),
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Record(i) => write!(f, "record {i}"),
            Position::Line(n) => write!(f, "line {n}"),
            Position::Byte(b) => write!(f, "byte {b}"),
        }
    }
}

/// A stream whose structure is broken: the rest of it cannot be cut into
/// records.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("at byte {offset}: {message}")]
    Syntax { offset: u64, message: String },
}

/// Cuts records out of a reader, one at a time, or out of bytes already
/// in memory without copying them ([`Framer::over`]).
#[derive(Debug)]
pub struct Framer<'a, R> {
    reader: R,
    /// Owned and refilled from `reader`, or the whole input, borrowed.
    buf: Cow<'a, [u8]>,
    /// First byte not yet consumed.
    start: usize,
    /// End of the valid bytes in `buf`.
    end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    layout: Layout,
    state: State,
    /// Records (or lines) seen so far.
    count: u64,
    /// Cuts `{...}` records 64 bytes at a time and spots keys on the way.
    scanner: Option<ObjectScanner>,
    /// What the scanner saw in the last record: its keys (offsets from the
    /// record's start) and whether a `\u` escape occurs. `None` when the
    /// record was cut without it.
    hits: Vec<KeyHit>,
    scanned: Option<bool>,
}

/// One record cut from the stream.
#[derive(Debug)]
pub struct Record<'r> {
    pub position: Position,
    pub bytes: &'r [u8],
    /// The key occurrences and `\u` flag of the framer's scanner, when it
    /// cut this record.
    pub keys: Option<(&'r [KeyHit], bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first element of `Records` (or the first line).
    Start,
    /// Inside the `Records` array, after an element or `[`.
    InArray,
    Done,
}

impl<'a> Framer<'a, io::Empty> {
    /// Frames bytes already in memory (an inflated file): records are
    /// slices of `data`, nothing is copied.
    pub fn over(data: &'a [u8]) -> Result<Self, FrameError> {
        let mut framer = Framer {
            reader: io::empty(),
            buf: Cow::Borrowed(data),
            start: 0,
            end: data.len(),
            base: 0,
            eof: true,
            layout: Layout::JsonLines,
            state: State::Start,
            count: 0,
            scanner: None,
            hits: Vec::new(),
            scanned: None,
        };
        framer.layout = framer.sniff()?;
        Ok(framer)
    }
}

impl<R: Read> Framer<'static, R> {
    /// Reads the start of the stream to decide its layout.
    pub fn new(reader: R) -> Result<Self, FrameError> {
        let mut framer = Framer {
            reader,
            buf: Cow::Owned(vec![0; CHUNK]),
            start: 0,
            end: 0,
            base: 0,
            eof: false,
            layout: Layout::JsonLines,
            state: State::Start,
            count: 0,
            scanner: None,
            hits: Vec::new(),
            scanned: None,
        };
        framer.layout = framer.sniff()?;
        Ok(framer)
    }
}

impl<R: Read> Framer<'_, R> {
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Cuts `{...}` records with `scanner`, which also reports where its
    /// keys are in each record (see [`Record::keys`]).
    pub fn with_scanner(mut self, scanner: Option<&ObjectScanner>) -> Self {
        self.scanner = scanner.cloned();
        self
    }

    /// Total bytes read from the source so far.
    pub fn bytes_read(&self) -> u64 {
        self.base + self.end as u64
    }

    /// The next record and its position; `None` at the end of the stream.
    /// A framing error ends the stream: after it, `next` returns `None`.
    pub fn next_record(&mut self) -> Option<Result<(Position, &[u8]), FrameError>> {
        self.next_scanned()
            .map(|next| next.map(|record| (record.position, record.bytes)))
    }

    /// The next record with what the scanner saw in it.
    pub fn next_scanned(&mut self) -> Option<Result<Record<'_>, FrameError>> {
        if self.state == State::Done {
            return None;
        }
        self.scanned = None;
        let result = match self.layout {
            Layout::JsonLines => self.next_line(),
            Layout::RecordsObject => self.next_element(),
        };
        match result {
            Ok(Some((position, from, to))) => Some(Ok(Record {
                position,
                bytes: &self.buf[from..to],
                keys: self.scanned.map(|unicode| (&self.hits[..], unicode)),
            })),
            Ok(None) => {
                self.state = State::Done;
                None
            }
            Err(e) => {
                self.state = State::Done;
                Some(Err(e))
            }
        }
    }

    /// Makes at least one more byte available after `self.end`, keeping
    /// everything from `self.start`. Returns false at end of stream.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // Only an owned buffer gets here: a borrowed one starts at eof.
        let buf = self.buf.to_mut();
        if self.start > 0 && self.end == buf.len() {
            buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == buf.len() {
            let grown = buf.len() * 2;
            buf.resize(grown, 0);
        }
        loop {
            match self.reader.read(&mut buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Fills until `n` bytes from `at` are available (or the stream ends);
    /// returns where `at` is now, since filling may move the buffer.
    fn ensure(&mut self, at: usize, n: usize) -> io::Result<usize> {
        let offset = at - self.start;
        while self.end - (self.start + offset) < n && self.fill()? {}
        Ok(self.start + offset)
    }

    fn syntax(&self, at: usize, message: impl Into<String>) -> FrameError {
        FrameError::Syntax {
            offset: self.base + at as u64,
            message: message.into(),
        }
    }

    /// The index of the first non-whitespace byte at or after `at`
    /// (refilling as needed), or `None` at end of stream.
    fn skip_ws(&mut self, mut at: usize) -> io::Result<Option<usize>> {
        loop {
            while at < self.end {
                if !self.buf[at].is_ascii_whitespace() {
                    return Ok(Some(at));
                }
                at += 1;
            }
            let offset = at - self.start;
            if !self.fill()? {
                return Ok(None);
            }
            at = self.start + offset;
        }
    }

    /// Decides the layout: an object whose first key is `Records` holding
    /// an array is CloudTrail's file; anything else is read as JSON lines.
    /// Leaves `start` just inside the array for the former.
    fn sniff(&mut self) -> Result<Layout, FrameError> {
        // A UTF-8 byte order mark is not JSON but some tools write one.
        self.start = self.ensure(self.start, 3)?;
        if self.buf[self.start..self.end].starts_with(b"\xEF\xBB\xBF") {
            self.start += 3;
        }
        let Some(open) = self.skip_ws(self.start)? else {
            return Ok(Layout::JsonLines);
        };
        if self.buf[open] != b'{' {
            return Ok(Layout::JsonLines);
        }
        let Some(quote) = self.skip_ws(open + 1)? else {
            return Ok(Layout::JsonLines);
        };
        const KEY: &[u8] = b"\"Records\"";
        let quote = self.ensure(quote, KEY.len())?;
        if !self.buf[quote..self.end].starts_with(KEY) {
            return Ok(Layout::JsonLines);
        }
        let Some(colon) = self.skip_ws(quote + KEY.len())? else {
            return Ok(Layout::JsonLines);
        };
        if self.buf[colon] != b':' {
            return Ok(Layout::JsonLines);
        }
        let Some(bracket) = self.skip_ws(colon + 1)? else {
            return Ok(Layout::JsonLines);
        };
        if self.buf[bracket] != b'[' {
            return Ok(Layout::JsonLines);
        }
        self.start = bracket + 1;
        Ok(Layout::RecordsObject)
    }

    fn next_line(&mut self) -> Result<Option<(Position, usize, usize)>, FrameError> {
        loop {
            let mut scanned = self.start;
            let newline = loop {
                if let Some(i) = memchr(b'\n', &self.buf[scanned..self.end]) {
                    break Some(scanned + i);
                }
                let offset = self.end - self.start;
                if !self.fill()? {
                    break None;
                }
                scanned = self.start + offset;
            };
            let (line_end, next_start) = match newline {
                Some(i) => (i, i + 1),
                None if self.start < self.end => (self.end, self.end),
                None => return Ok(None),
            };
            self.count += 1;
            let from = self.start;
            self.start = next_start;
            let line = &self.buf[from..line_end];
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some((Position::Line(self.count), from, line_end)));
        }
    }

    fn next_element(&mut self) -> Result<Option<(Position, usize, usize)>, FrameError> {
        let Some(at) = self.skip_ws(self.start)? else {
            return Err(self.syntax(self.end, "the file ends inside the Records array"));
        };
        let at = if self.state == State::InArray {
            match self.buf[at] {
                b',' => match self.skip_ws(at + 1)? {
                    Some(next) => next,
                    None => {
                        return Err(self.syntax(self.end, "the file ends inside the Records array"));
                    }
                },
                b']' => return self.finish(at + 1).map(|()| None),
                other => {
                    return Err(self.syntax(
                        at,
                        format!(
                            "expected `,` or `]` after a record, found `{}`",
                            char::from(other).escape_default()
                        ),
                    ));
                }
            }
        } else {
            if self.buf[at] == b']' {
                return self.finish(at + 1).map(|()| None);
            }
            at
        };
        self.state = State::InArray;
        self.start = at;
        let end = self.value_end(at)?;
        let index = self.count;
        self.count += 1;
        let from = self.start;
        self.start = end;
        Ok(Some((Position::Record(index), from, end)))
    }

    /// After the array's `]`: the object's `}` and nothing but whitespace.
    fn finish(&mut self, after_bracket: usize) -> Result<(), FrameError> {
        let Some(brace) = self.skip_ws(after_bracket)? else {
            return Err(self.syntax(self.end, "the file ends before the closing `}`"));
        };
        if self.buf[brace] != b'}' {
            return Err(self.syntax(
                brace,
                "expected `}` after the Records array (CloudTrail files hold only `Records`)",
            ));
        }
        self.start = brace + 1;
        if let Some(extra) = self.skip_ws(self.start)? {
            return Err(self.syntax(extra, "unexpected data after the Records object"));
        }
        Ok(())
    }

    /// The end (exclusive) of the JSON value starting at `at`, found by
    /// bracket depth outside strings. Whether the value is valid JSON is
    /// left to the parser; this only has to agree with it on where valid
    /// values end.
    fn value_end(&mut self, at: usize) -> Result<usize, FrameError> {
        if let Some(scanner) = &self.scanner {
            self.hits.clear();
            // `None`: not an object or array (the slow walk reports it), or
            // the record goes on past the bytes read so far.
            if let Some(end) = scanner.object_end(&self.buf[at..self.end], &mut self.hits) {
                self.scanned = Some(end.unicode_escape);
                return Ok(at + end.end);
            }
        }
        let mut depth: usize = 0;
        let mut in_string = false;
        let mut pos = at;
        loop {
            if pos >= self.end {
                let offset = pos - self.start;
                if !self.fill()? {
                    return Err(self.syntax(self.end, "the file ends inside a record"));
                }
                pos = self.start + offset;
                continue;
            }
            if in_string {
                match memchr2(b'"', b'\\', &self.buf[pos..self.end]) {
                    None => pos = self.end,
                    Some(i) => {
                        let hit = pos + i;
                        if self.buf[hit] == b'"' {
                            in_string = false;
                            pos = hit + 1;
                            if depth == 0 {
                                return Ok(pos);
                            }
                        } else {
                            // Skip the escaped byte, which may be in the next chunk.
                            if hit + 1 >= self.end {
                                let offset = hit - self.start;
                                if !self.fill()? {
                                    return Err(
                                        self.syntax(self.end, "the file ends inside a record")
                                    );
                                }
                                pos = self.start + offset + 2;
                            } else {
                                pos = hit + 2;
                            }
                        }
                    }
                }
                continue;
            }
            match self.buf[pos] {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    if depth == 0 {
                        // A scalar element ended by the array's `]`.
                        return Ok(pos);
                    }
                    depth -= 1;
                    if depth == 0 {
                        return Ok(pos + 1);
                    }
                }
                b',' if depth == 0 => return Ok(pos),
                c if depth == 0 && c.is_ascii_whitespace() => return Ok(pos),
                _ => {}
            }
            pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_all(input: &[u8], chunk: usize) -> (Layout, Vec<(Position, String)>, Option<String>) {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(out.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let streamed = drain(Framer::new(Trickle(input, chunk)).unwrap());
        // The same input in memory, framed without copying, cuts the same records.
        assert_eq!(drain(Framer::over(input).unwrap()), streamed);
        // So does the block scanner, in memory and streamed (where a record
        // that crosses the bytes read so far falls back to the byte walk).
        let scanner = ObjectScanner::new(&["eventName"]).unwrap();
        let scanned = Framer::over(input).unwrap().with_scanner(Some(&scanner));
        assert_eq!(drain(scanned), streamed);
        let scanned = Framer::new(Trickle(input, chunk))
            .unwrap()
            .with_scanner(Some(&scanner));
        assert_eq!(drain(scanned), streamed);
        streamed
    }

    fn drain<R: Read>(
        mut framer: Framer<'_, R>,
    ) -> (Layout, Vec<(Position, String)>, Option<String>) {
        let layout = framer.layout();
        let mut records = Vec::new();
        let mut error = None;
        while let Some(next) = framer.next_record() {
            match next {
                Ok((p, bytes)) => records.push((p, String::from_utf8(bytes.to_vec()).unwrap())),
                Err(e) => error = Some(e.to_string()),
            }
        }
        (layout, records, error)
    }

    #[test]
    fn records_object_is_cut_per_element() {
        let input = br#"  {"Records": [ {"a":"x}\"{","b":[1,{"c":2}]} , {"d":null}
        ]}
        "#;
        for chunk in [1, 2, 3, 7, 4096] {
            let (layout, records, error) = frame_all(input, chunk);
            assert_eq!(layout, Layout::RecordsObject);
            assert_eq!(error, None);
            assert_eq!(
                records,
                vec![
                    (
                        Position::Record(0),
                        r#"{"a":"x}\"{","b":[1,{"c":2}]}"#.to_owned()
                    ),
                    (Position::Record(1), r#"{"d":null}"#.to_owned()),
                ],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn empty_records_array() {
        let (layout, records, error) = frame_all(br#"{"Records":[]}"#, 5);
        assert_eq!(layout, Layout::RecordsObject);
        assert!(records.is_empty());
        assert_eq!(error, None);
    }

    #[test]
    fn truncated_file_is_an_error_after_the_complete_records() {
        let (_, records, error) = frame_all(br#"{"Records":[{"a":1},{"b":"#, 4);
        assert_eq!(
            records,
            vec![(Position::Record(0), r#"{"a":1}"#.to_owned())]
        );
        assert_eq!(
            error.as_deref(),
            Some("at byte 25: the file ends inside a record")
        );
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let (_, records, error) = frame_all(br#"{"Records":[{"a":1}]} x"#, 64);
        assert_eq!(records.len(), 1);
        assert_eq!(
            error.as_deref(),
            Some("at byte 22: unexpected data after the Records object")
        );
    }

    #[test]
    fn json_lines_keep_their_line_numbers_and_skip_blank_lines() {
        let input = b"{\"a\":1}\n\n  \n{\"b\":2}\r\nnot json\n{\"c\":3}";
        for chunk in [1, 3, 4096] {
            let (layout, records, error) = frame_all(input, chunk);
            assert_eq!(layout, Layout::JsonLines);
            assert_eq!(error, None);
            assert_eq!(
                records,
                vec![
                    (Position::Line(1), "{\"a\":1}".to_owned()),
                    (Position::Line(4), "{\"b\":2}\r".to_owned()),
                    (Position::Line(5), "not json".to_owned()),
                    (Position::Line(6), "{\"c\":3}".to_owned()),
                ]
            );
        }
    }

    #[test]
    fn a_record_whose_first_key_is_not_records_is_json_lines() {
        let (layout, records, _) = frame_all(b"{\"eventName\":\"X\"}\n", 2);
        assert_eq!(layout, Layout::JsonLines);
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn empty_input_has_no_records() {
        let (_, records, error) = frame_all(b"", 8);
        assert!(records.is_empty());
        assert_eq!(error, None);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-z{}\\[\\]\",\\\\ \u{3042}]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"]{1,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Cutting a `Records` file and parsing each slice gives exactly
        /// the array serde_json parses from the whole file, however the
        /// reads are split and whatever the whitespace.
        #[test]
        fn framing_agrees_with_serde_json(
            records in prop::collection::vec(json_value(), 0..6),
            pretty in any::<bool>(),
            chunk in 1usize..64,
        ) {
            let file = serde_json::json!({ "Records": records });
            let text = if pretty {
                serde_json::to_string_pretty(&file).unwrap()
            } else {
                serde_json::to_string(&file).unwrap()
            };
            struct Trickle<'a>(&'a [u8], usize);
            impl Read for Trickle<'_> {
                fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                    let n = self.0.len().min(out.len()).min(self.1);
                    out[..n].copy_from_slice(&self.0[..n]);
                    self.0 = &self.0[n..];
                    Ok(n)
                }
            }
            let mut framer = Framer::new(Trickle(text.as_bytes(), chunk)).unwrap();
            prop_assert_eq!(framer.layout(), Layout::RecordsObject);
            let mut parsed = Vec::new();
            while let Some(next) = framer.next_record() {
                let (_, bytes) = next.unwrap();
                parsed.push(serde_json::from_slice::<Value>(bytes).unwrap());
            }
            prop_assert_eq!(parsed, records);
        }
    }
}
