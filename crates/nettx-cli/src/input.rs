//! Reading cases from a stream: one JSON document (pretty-printed or not), or
//! JSON Lines, without holding more than one case in memory.
//!
//! If the first non-empty line is a complete JSON value, the input is JSON
//! Lines. Otherwise up to [`nettx::MAX_CASE_JSON_BYTES`] bytes are read: if
//! that is the whole input and it is one JSON object, it is one case;
//! otherwise the input is read again as JSON Lines (each line then reports its
//! own error).

use nettx::{Error, ErrorKind, Evaluation, MAX_CASE_JSON_BYTES};
use serde::de::IgnoredAny;
use std::io::{self, BufRead, Chain, Cursor, Read};

/// One case read from the input, with the line it starts on.
pub struct Document {
    /// 1-based line number where the case starts.
    pub line: usize,
    /// The evaluation, or why the case is invalid.
    pub result: Result<Evaluation, Error>,
}

enum Mode {
    Start,
    Lines,
    Done,
}

/// Splits an input stream into cases.
pub struct Reader<R> {
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

fn evaluate(bytes: &[u8]) -> Result<Evaluation, Error> {
    nettx::case_from_json_bytes(bytes).map(|case| nettx::evaluate(&case))
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
    /// A reader over `input`.
    pub fn new(input: R) -> Self {
        Reader {
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
        // One more byte than a case may have, plus a possible '\r'.
        while let Some(too_long) = read_line(inner, &mut self.buf, MAX_CASE_JSON_BYTES + 1)? {
            self.line += 1;
            if too_long || !trim(&self.buf).is_empty() {
                return Ok(Some((self.line, too_long)));
            }
        }
        Ok(None)
    }

    fn line_document(&self, line: usize, too_long: bool) -> Document {
        let result = if too_long {
            Err(Error::new(
                ErrorKind::Parse,
                None,
                format!("line {line} is longer than {MAX_CASE_JSON_BYTES} bytes; a case may be at most {MAX_CASE_JSON_BYTES} bytes of JSON"),
            ))
        } else {
            let bytes = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
            evaluate(bytes)
        };
        Document { line, result }
    }

    /// The next case, or `None` at the end of the input.
    pub fn next_document(&mut self) -> io::Result<Option<Document>> {
        match self.mode {
            Mode::Done => Ok(None),
            Mode::Lines => Ok(self
                .next_line()?
                .map(|(line, too_long)| self.line_document(line, too_long))),
            Mode::Start => {
                let Some((line, too_long)) = self.next_line()? else {
                    self.mode = Mode::Done;
                    return Ok(None);
                };
                if too_long || is_json_value(trim(&self.buf)) {
                    self.mode = Mode::Lines;
                    return Ok(Some(self.line_document(line, too_long)));
                }
                self.start_multiline(line)
            }
        }
    }

    /// The first line is not a complete value: try the whole input as one
    /// pretty-printed document, else go back and read it as JSON Lines.
    fn start_multiline(&mut self, first_line: usize) -> io::Result<Option<Document>> {
        let Some(inner) = self.inner.take() else {
            return Ok(None);
        };
        let (_, mut rest) = inner.into_inner();
        // Everything read so far: the skipped blank lines do not matter, so
        // start the document at the first non-empty line.
        let mut whole = std::mem::take(&mut self.buf);
        whole.push(b'\n');
        let budget = (MAX_CASE_JSON_BYTES + 1).saturating_sub(whole.len()) as u64;
        (&mut rest).take(budget).read_to_end(&mut whole)?;
        let at_end = rest.fill_buf()?.is_empty();
        let doc = trim(&whole);
        if at_end
            && doc.len() <= MAX_CASE_JSON_BYTES
            && doc.first() == Some(&b'{')
            && is_json_value(doc)
        {
            self.mode = Mode::Done;
            return Ok(Some(Document {
                line: first_line,
                result: evaluate(doc),
            }));
        }
        // Not one document: read everything again, line by line.
        self.mode = Mode::Lines;
        self.line = first_line - 1;
        self.inner = Some(Cursor::new(whole).chain(rest));
        Ok(self
            .next_line()?
            .map(|(line, too_long)| self.line_document(line, too_long)))
    }
}
