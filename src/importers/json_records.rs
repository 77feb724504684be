//! The records of a JSON list export, one at a time: a top-level array (Log Analytics rows) or
//! the `value` list of an API page. Only the list's own structure is scanned here (strings,
//! brackets, commas); each record is parsed on its own, so a 50 MB file is read a slice at a
//! time and never held as one document. Structural characters are ASCII and never occur inside
//! a multi-byte UTF-8 sequence, so the scan works on bytes and only records are decoded.

use serde_json::Value;

use super::decode;

/// Where a file's records are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The file is an array of records.
    Array,
    /// The file is an object whose `value` member is the array of records.
    ValueList,
}

/// A reader of a JSON list's records, in order, each parsed when it is reached.
#[derive(Debug, Clone)]
pub struct JsonRecords<'a> {
    bytes: &'a [u8],
    shape: Shape,
    /// The next byte to scan.
    at: usize,
    /// Records read so far.
    read: usize,
    /// Past the list's closing bracket, with what follows it checked.
    finished: bool,
    replaced: bool,
}

/// Why the scan stopped: a byte offset and what was expected there.
type ScanError = (usize, &'static str);

impl<'a> JsonRecords<'a> {
    /// A reader of the records of `bytes` (a byte-order mark skipped), or `None` when the text
    /// is not a list in either shape: a single document, or not JSON at all.
    pub fn open(bytes: &'a [u8]) -> Option<JsonRecords<'a>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let start = skip_space(bytes, 0);
        let (shape, list) = match bytes.get(start)? {
            b'[' => (Shape::Array, start),
            b'{' => (Shape::ValueList, find_value_list(bytes, start + 1)?),
            _ => return None,
        };
        Some(JsonRecords {
            bytes,
            shape,
            at: list + 1,
            read: 0,
            finished: false,
            replaced: false,
        })
    }

    /// Which shape the list has.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The next record with its number (from 1), `None` once the list is read, or an error
    /// naming the line and column where the file stops being JSON.
    pub fn next_record(&mut self) -> Option<Result<(usize, Value), String>> {
        if self.finished {
            return None;
        }
        match self.scan_record() {
            Ok(Some((start, end))) => {
                self.read += 1;
                let decoded = decode(&self.bytes[start..end]);
                self.replaced |= decoded.replaced;
                Some(
                    serde_json::from_str(&decoded.text)
                        .map(|value| (self.read, value))
                        .map_err(|error| {
                            let (line, column) = position(self.bytes, start);
                            let (line, column) = if error.line() == 1 {
                                (line, column + error.column() - 1)
                            } else {
                                (line + error.line() - 1, error.column())
                            };
                            format!(
                                "record {} is not JSON (line {line}, column {column}: {error})",
                                self.read
                            )
                        }),
                )
            }
            Ok(None) => {
                self.finished = true;
                None
            }
            Err((offset, expected)) => {
                self.finished = true;
                let (line, column) = position(self.bytes, offset);
                Some(Err(format!(
                    "the JSON stops at line {line}, column {column}: expected {expected}"
                )))
            }
        }
    }

    /// The byte range of the next record, or `None` past the last one.
    fn scan_record(&mut self) -> Result<Option<(usize, usize)>, ScanError> {
        let bytes = self.bytes;
        let mut at = skip_space(bytes, self.at);
        if self.read > 0 {
            match bytes.get(at) {
                Some(b',') => at = skip_space(bytes, at + 1),
                Some(b']') => return self.finish(at + 1).map(|()| None),
                _ => return Err((at, "a comma or the end of the list")),
            }
        } else if bytes.get(at) == Some(&b']') {
            return self.finish(at + 1).map(|()| None);
        }
        let end = skip_value(bytes, at)?;
        self.at = end;
        Ok(Some((at, end)))
    }

    /// Checks what follows the list: nothing for an array; the page's other members and its
    /// closing brace for a value list.
    fn finish(&mut self, mut at: usize) -> Result<(), ScanError> {
        let bytes = self.bytes;
        if self.shape == Shape::ValueList {
            at = skip_members(bytes, at)?;
        }
        at = skip_space(bytes, at);
        self.at = at;
        if at < bytes.len() {
            return Err((at, "the end of the file"));
        }
        Ok(())
    }

    /// How much of the file is read, in bytes, and how long it is.
    pub fn progress(&self) -> (usize, usize) {
        (self.at.min(self.bytes.len()), self.bytes.len())
    }

    /// Whether some bytes of the records read so far were not UTF-8.
    pub fn replaced(&self) -> bool {
        self.replaced
    }
}

/// The offset of the `[` of the top-level `value` member of an object whose members start at
/// `at`, skipping the members before it; `None` when there is none or it is not an array.
fn find_value_list(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at = skip_space(bytes, at);
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let key_end = skip_string(bytes, at).ok()?;
        let key: String = serde_json::from_slice(&bytes[at..key_end]).ok()?;
        at = skip_space(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(bytes, at + 1);
        if key == "value" {
            return (bytes.get(at) == Some(&b'[')).then_some(at);
        }
        at = skip_space(bytes, skip_value(bytes, at).ok()?);
        if bytes.get(at) != Some(&b',') {
            return None;
        }
        at += 1;
    }
}

/// Skips the members of an object after one already read, through its closing brace.
fn skip_members(bytes: &[u8], mut at: usize) -> Result<usize, ScanError> {
    loop {
        at = skip_space(bytes, at);
        match bytes.get(at) {
            Some(b'}') => return Ok(at + 1),
            Some(b',') => at = skip_space(bytes, at + 1),
            _ => return Err((at, "a comma or the end of the page")),
        }
        if bytes.get(at) != Some(&b'"') {
            return Err((at, "a member name"));
        }
        at = skip_space(bytes, skip_string(bytes, at)?);
        if bytes.get(at) != Some(&b':') {
            return Err((at, "a colon"));
        }
        at = skip_value(bytes, skip_space(bytes, at + 1))?;
    }
}

/// The offset just past the value starting at `at`. Brackets are counted, not matched: the
/// record's own parse checks its insides.
fn skip_value(bytes: &[u8], at: usize) -> Result<usize, ScanError> {
    match bytes.get(at) {
        None => Err((at, "a value")),
        Some(b'"') => skip_string(bytes, at),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut index = at;
            while let Some(&byte) = bytes.get(index) {
                match byte {
                    b'"' => {
                        index = skip_string(bytes, index)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(index + 1);
                        }
                    }
                    _ => {}
                }
                index += 1;
            }
            Err((index, "the rest of the record: the file ends inside it"))
        }
        Some(_) => {
            let length = bytes[at..]
                .iter()
                .position(|byte| matches!(byte, b',' | b']' | b'}') || byte.is_ascii_whitespace())
                .unwrap_or(bytes.len() - at);
            if length == 0 {
                return Err((at, "a value"));
            }
            Ok(at + length)
        }
    }
}

/// The offset just past the string whose opening quote is at `at`.
fn skip_string(bytes: &[u8], at: usize) -> Result<usize, ScanError> {
    let mut index = at + 1;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'"' => return Ok(index + 1),
            b'\\' => index += 2,
            _ => index += 1,
        }
    }
    Err((bytes.len(), "the end of a string: the file ends inside it"))
}

/// The first offset from `at` that is not JSON whitespace.
fn skip_space(bytes: &[u8], at: usize) -> usize {
    at + bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

/// The line and column (from 1, the column in bytes) of an offset, counted only when an error
/// needs them.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |newline| newline + 1);
    let lines = before.iter().filter(|byte| **byte == b'\n').count();
    (lines + 1, offset - line_start + 1)
}
