//! The audit log: JSON Lines, one line per evaluation and per feedback,
//! appended with one `write` of the whole line before the caller gets its
//! answer, so that a crash loses no answered call and tears no line.
//!
//! A line holds no patient data: time, event, hookInstance, the caller's
//! issuer, guideline and case digests and the card codes (or, for a refused
//! record, the error's kind and field).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The open audit log.
#[derive(Debug)]
pub struct AuditLog {
    file: Mutex<File>,
    /// Set when a failed write could not be cut back: every append fails.
    failed: AtomicBool,
    fsync: bool,
    path: PathBuf,
}

/// What opening the log found at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The log was empty or ended with a whole line.
    Whole,
    /// A torn last line (a crash during an older writer's write) was moved to
    /// the named file and cut from the log.
    TornTailMoved(PathBuf, u64),
}

impl AuditLog {
    /// Opens (creates, mode 0600) the log for appending. A last line without
    /// its newline is moved to `<path>.torn-<unix seconds>` and cut, so that
    /// every line of the log stays whole JSON.
    pub fn open(path: &Path, fsync: bool) -> io::Result<(AuditLog, Opened)> {
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        let opened = repair_tail(&mut file, path)?;
        Ok((
            AuditLog {
                file: Mutex::new(file),
                failed: AtomicBool::new(false),
                fsync,
                path: path.to_owned(),
            },
            opened,
        ))
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record: `{"time":…,` + `fields` (a JSON object's members,
    /// without braces) + `}` and a newline, in one write.
    pub fn append(&self, fields: &str) -> io::Result<()> {
        let mut line = String::with_capacity(fields.len() + 48);
        line.push_str("{\"time\":\"");
        line.push_str(&rfc3339_now());
        line.push_str("\",");
        line.push_str(fields);
        line.push_str("}\n");
        if self.failed.load(Ordering::SeqCst) {
            return Err(io::Error::other(
                "the audit log holds a partial line that could not be removed; restart the service",
            ));
        }
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the audit log's lock is poisoned"))?;
        // A write that fails half-way (disk full, I/O error) must not leave
        // a partial line for the next one to join: cut back to where it
        // started. If even that fails, every later append fails, so every
        // call is answered 503 until an operator restarts.
        let start = file.metadata()?.len();
        if let Err(e) = file.write_all(line.as_bytes()) {
            if file.set_len(start).is_err() {
                self.failed.store(true, Ordering::SeqCst);
            }
            return Err(e);
        }
        if self.fsync {
            file.sync_data()?;
        }
        Ok(())
    }

    /// Flushes the log to disk (at shutdown).
    pub fn sync(&self) -> io::Result<()> {
        let file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the audit log's lock is poisoned"))?;
        file.sync_all()
    }
}

fn repair_tail(file: &mut File, path: &Path) -> io::Result<Opened> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(Opened::Whole);
    }
    // Find the last newline, reading backwards in blocks.
    let mut end = len;
    let mut last_newline: Option<u64> = None;
    let mut block = vec![0u8; 64 * 1024];
    while end > 0 && last_newline.is_none() {
        let start = end.saturating_sub(block.len() as u64);
        let n = (end - start) as usize;
        let buf = block
            .get_mut(..n)
            .ok_or_else(|| io::Error::other("block"))?;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(buf)?;
        if start + n as u64 == len && buf.last() == Some(&b'\n') {
            return Ok(Opened::Whole);
        }
        last_newline = buf
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| start + i as u64);
        end = start;
    }
    let keep = last_newline.map_or(0, |i| i + 1);
    let mut torn = Vec::new();
    file.seek(SeekFrom::Start(keep))?;
    file.read_to_end(&mut torn)?;
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".torn-{secs}"));
    let aside = PathBuf::from(aside);
    let mut aside_options = OpenOptions::new();
    aside_options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        aside_options.mode(0o600);
    }
    aside_options.open(&aside)?.write_all(&torn)?;
    file.set_len(keep)?;
    file.sync_all()?;
    Ok(Opened::TornTailMoved(aside, torn.len() as u64))
}

/// Now as RFC 3339 UTC with milliseconds, e.g. `2026-12-03T13:00:00.123Z`.
pub fn rfc3339_now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(d.as_secs(), d.subsec_millis())
}

/// Seconds since the Unix epoch as RFC 3339 UTC with milliseconds.
pub fn rfc3339(secs: u64, millis: u32) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
}

/// `s` as a JSON string literal.
pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_796_302_800, 999), "2026-12-03T13:00:00.999Z");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_that_cannot_be_cut_back_refuses_every_later_one() {
        // /dev/full: every write fails (no space), and it cannot be truncated.
        let (log, _) = AuditLog::open(Path::new("/dev/full"), false).expect("opens");
        assert!(log.append("\"event\":\"x\"").is_err());
        let second = log.append("\"event\":\"y\"").map_err(|e| e.to_string());
        assert!(second.is_err_and(|m| m.contains("partial line")));
    }

    #[test]
    fn appends_whole_lines_and_moves_a_torn_tail_aside() {
        let dir = std::env::temp_dir().join(format!("nettx-audit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("audit.jsonl");
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, "{\"a\":1}\n{\"b\":").expect("write");
        let (log, opened) = AuditLog::open(&path, true).expect("open");
        let Opened::TornTailMoved(aside, 5) = opened else {
            panic!("torn tail not found: {opened:?}")
        };
        assert_eq!(std::fs::read_to_string(&aside).expect("aside"), "{\"b\":");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&aside)
                .expect("aside")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        log.append("\"event\":\"x\"").expect("append");
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for line in lines {
            let v: serde_json::Value = serde_json::from_str(line).expect("whole JSON");
            assert!(v.is_object());
        }
        drop(log);
        let (_, again) = AuditLog::open(&path, false).expect("reopen");
        assert_eq!(again, Opened::Whole);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
