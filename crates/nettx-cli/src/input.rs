//! Reading documents (cases, or FHIR records) from a stream: one JSON
//! document (pretty-printed or not), or JSON Lines, without holding more than
//! one document in memory.
//!
//! If the first non-empty line is a complete JSON value, the input is JSON
//! Lines. Otherwise up to the document limit ([`nettx::MAX_CASE_JSON_BYTES`]
//! for a case, [`nettx_fhir::MAX_RECORD_JSON_BYTES`] for a record) is read: if
//! that is the whole input and it is one JSON object, it is one document;
//! otherwise the input is read again as JSON Lines (each line then reports its
//! own error).

use nettx::{Error, ErrorKind};
use serde::de::IgnoredAny;
use std::io::{self, BufRead, Chain, Cursor, Read};

/// One document read from the input, with the line it starts on.
pub struct Document<T> {
    /// 1-based line number where the document starts.
    pub line: usize,
    /// What the caller made of it, or why it is invalid.
    pub result: Result<T, Error>,
}

/// What a document is: its size limit and how messages name it.
#[derive(Clone, Copy)]
pub struct Kind {
    /// Most bytes of JSON one document may have.
    pub limit: usize,
    /// `case` or `record`.
    pub noun: &'static str,
}

/// A case: at most [`nettx::MAX_CASE_JSON_BYTES`].
pub const CASE: Kind = Kind {
    limit: nettx::MAX_CASE_JSON_BYTES,
    noun: "case",
};

/// A FHIR record: at most [`nettx_fhir::MAX_RECORD_JSON_BYTES`].
pub const RECORD: Kind = Kind {
    limit: nettx_fhir::MAX_RECORD_JSON_BYTES,
    noun: "record",
};

enum Mode {
    Start,
    Lines,
    Done,
}

/// Splits an input stream into cases.
pub struct Reader<R> {
    kind: Kind,
    inner: Option<Chain<Cursor<Vec<u8>>, R>>,
    mode: Mode,
    line: usize,
    buf: Vec<u8>,
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

fn is_json_value(bytes: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

/// Reads one line (without its `\n`) into `buf`, keeping at most `limit`
/// bytes. Returns `None` at the end of input, else whether the line was longer
/// than `limit` (then `buf` is empty and the rest of the line was skipped).
fn read_line<R: BufRead>(r: &mut R, buf: &mut Vec<u8>, limit: usize) -> io::Result<Option<bool>> {
    buf.clear();
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let available = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(read_any.then_some(too_long));
        }
        read_any = true;
        let (chunk, used, ended) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (available.get(..i).unwrap_or_default(), i + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long {
            if buf.len() + chunk.len() > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        r.consume(used);
        if ended {
            return Ok(Some(too_long));
        }
    }
}

impl<R: BufRead> Reader<R> {
    /// A reader of documents of `kind` over `input`.
    pub fn new(input: R, kind: Kind) -> Self {
        Reader {
            kind,
            inner: Some(Cursor::new(Vec::new()).chain(input)),
            mode: Mode::Start,
            line: 0,
            buf: Vec::with_capacity(4096),
        }
    }

    /// The next non-empty line: its number, and whether it was too long.
    fn next_line(&mut self) -> io::Result<Option<(usize, bool)>> {
        let Some(inner) = self.inner.as_mut() else {
            return Ok(None);
        };
        // One more byte than a document may have, plus a possible '\r'.
        while let Some(too_long) = read_line(inner, &mut self.buf, self.kind.limit + 1)? {
            self.line += 1;
            if too_long || !trim(&self.buf).is_empty() {
                return Ok(Some((self.line, too_long)));
            }
        }
        Ok(None)
    }

    fn line_document<T>(
        &self,
        line: usize,
        too_long: bool,
        read: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> Document<T> {
        let result = if too_long {
            let (limit, noun) = (self.kind.limit, self.kind.noun);
            Err(Error::new(
                ErrorKind::Parse,
                None,
                format!("line {line} is longer than {limit} bytes; a {noun} may be at most {limit} bytes of JSON"),
            ))
        } else {
            let bytes = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
            read(bytes)
        };
        Document { line, result }
    }

    /// The next document, made into a `T` by `read`, or `None` at the end of
    /// the input.
    pub fn next_document<T>(
        &mut self,
        read: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> io::Result<Option<Document<T>>> {
        match self.mode {
            Mode::Done => Ok(None),
            Mode::Lines => Ok(self
                .next_line()?
                .map(|(line, too_long)| self.line_document(line, too_long, read))),
            Mode::Start => {
                let Some((line, too_long)) = self.next_line()? else {
                    self.mode = Mode::Done;
                    return Ok(None);
                };
                if too_long || is_json_value(trim(&self.buf)) {
                    self.mode = Mode::Lines;
                    return Ok(Some(self.line_document(line, too_long, read)));
                }
                self.start_multiline(line, read)
            }
        }
    }

    /// The first line is not a complete value: try the whole input as one
    /// pretty-printed document, else go back and read it as JSON Lines.
    fn start_multiline<T>(
        &mut self,
        first_line: usize,
        read: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> io::Result<Option<Document<T>>> {
        let Some(inner) = self.inner.take() else {
            return Ok(None);
        };
        let (_, mut rest) = inner.into_inner();
        // Everything read so far: the skipped blank lines do not matter, so
        // start the document at the first non-empty line.
        let mut whole = std::mem::take(&mut self.buf);
        whole.push(b'\n');
        let budget = (self.kind.limit + 1).saturating_sub(whole.len()) as u64;
        (&mut rest).take(budget).read_to_end(&mut whole)?;
        let at_end = rest.fill_buf()?.is_empty();
        let doc = trim(&whole);
        if at_end
            && doc.len() <= self.kind.limit
            && doc.first() == Some(&b'{')
            && is_json_value(doc)
        {
            self.mode = Mode::Done;
            return Ok(Some(Document {
                line: first_line,
                result: read(doc),
            }));
        }
        // Not one document: read everything again, line by line.
        self.mode = Mode::Lines;
        self.line = first_line - 1;
        self.inner = Some(Cursor::new(whole).chain(rest));
        Ok(self
            .next_line()?
            .map(|(line, too_long)| self.line_document(line, too_long, read)))
    }
}
