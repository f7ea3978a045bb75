//! The AOF manifest (Redis 7.0's multi-part AOF, `aof.c`): which files make up the append-only
//! file, in order. One line per file, `file <name> seq <n> type <b|h|i>`: at most one base
//! (always first), then history files (to be deleted), then incr files in increasing sequence.
//!
//! Invariants: the manifest on disk is replaced atomically (temp file, fsync, rename, fsync of
//! the directory); a manifest that does not parse is a fatal error with Redis's messages; file
//! names are plain names inside the AOF directory, never paths.

use std::io::Write;
use std::path::Path;

use crate::protocol::{Arg, parse::split_args};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Base,
    History,
    Incr,
}

impl FileType {
    fn letter(self) -> char {
        match self {
            FileType::Base => 'b',
            FileType::History => 'h',
            FileType::Incr => 'i',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofInfo {
    pub name: String,
    pub seq: i64,
    pub kind: FileType,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofInfo>,
    pub history: Vec<AofInfo>,
    pub incr: Vec<AofInfo>,
    pub curr_base_seq: i64,
    pub curr_incr_seq: i64,
}

/// A manifest that does not parse: Redis's reason and, when known, the line.
#[derive(Debug, Clone)]
pub struct ManifestError {
    pub line: Option<(usize, String)>,
    pub reason: &'static str,
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\n*** FATAL AOF MANIFEST FILE ERROR ***\n")?;
        if let Some((n, l)) = &self.line {
            writeln!(f, "Reading the manifest file, at line {n}")?;
            writeln!(f, ">>> '{l}'")?;
        }
        f.write_str(self.reason)
    }
}

const MANIFEST_MAX_LINE: usize = 1024;

/// `appendonly.aof.manifest` for `appendfilename appendonly.aof`.
pub fn manifest_name(filename: &str) -> String {
    format!("{filename}.manifest")
}

/// The temporary incr file written while AOF is being switched on (`temp-<name>.incr`).
pub fn temp_incr_name(filename: &str) -> String {
    format!("temp-{filename}.incr")
}

/// Whether a name needs quoting in the manifest (Redis's `sdsneedsrepr`).
fn needs_repr(s: &str) -> bool {
    s.bytes().any(|c| {
        c == b'\\'
            || c == b'"'
            || c == b'\n'
            || c == b'\r'
            || c == b'\t'
            || c == 0x07
            || c == 0x08
            || !(c.is_ascii_graphic() || c == b' ')
            || c == b' '
    })
}

/// Redis's `sdscatrepr`: a double-quoted, escaped form.
fn repr(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.bytes() {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            c if c.is_ascii_graphic() || c == b' ' => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}

impl Manifest {
    /// Parses a manifest (Redis's `aofLoadManifestFromFile`).
    pub fn parse(text: &[u8]) -> Result<Manifest, ManifestError> {
        let mut am = Manifest::default();
        let mut maxseq = 0i64;
        let mut linenum = 0usize;
        let fail = |line: Option<(usize, String)>, reason| Err(ManifestError { line, reason });
        let mut rest = text;
        if text.is_empty() {
            return fail(None, "Found an empty AOF manifest");
        }
        while !rest.is_empty() {
            let (raw, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..=i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = next;
            linenum += 1;
            if raw.first() == Some(&b'#') {
                continue;
            }
            let shown = String::from_utf8_lossy(raw).trim().to_string();
            if raw.len() > MANIFEST_MAX_LINE || raw.last() != Some(&b'\n') {
                return fail(
                    Some((linenum, shown)),
                    "The AOF manifest file contains too long line",
                );
            }
            let line = raw.trim_ascii();
            if line.is_empty() {
                return fail(Some((linenum, shown)), "Invalid AOF manifest file format");
            }
            let mut spans = Vec::new();
            if split_args(line, &mut spans).is_err() || spans.len() < 6 || spans.len() % 2 != 0 {
                return fail(Some((linenum, shown)), "Invalid AOF manifest file format");
            }
            let args: Vec<Vec<u8>> = spans
                .into_iter()
                .map(|a| match a {
                    Arg::Span(s, e) => line[s..e].to_vec(),
                    Arg::Owned(v) => v,
                })
                .collect();
            let (mut name, mut seq, mut kind) = (None, 0i64, 0u8);
            for pair in args.chunks_exact(2) {
                let v = &pair[1];
                if pair[0].eq_ignore_ascii_case(b"file") {
                    let n = String::from_utf8_lossy(v).into_owned();
                    if n.contains('/') || n.is_empty() {
                        return fail(
                            Some((linenum, shown)),
                            "File can't be a path, just a filename",
                        );
                    }
                    name = Some(n);
                } else if pair[0].eq_ignore_ascii_case(b"seq") {
                    seq = atoll(v);
                } else if pair[0].eq_ignore_ascii_case(b"type") {
                    kind = v.first().copied().unwrap_or(0);
                }
            }
            let (Some(name), true, true) = (name, seq != 0, kind != 0) else {
                return fail(Some((linenum, shown)), "Invalid AOF manifest file format");
            };
            match kind {
                b'b' => {
                    if am.base.is_some() {
                        return fail(
                            Some((linenum, shown)),
                            "Found duplicate base file information",
                        );
                    }
                    am.curr_base_seq = seq;
                    am.base = Some(AofInfo {
                        name,
                        seq,
                        kind: FileType::Base,
                    });
                }
                b'h' => am.history.push(AofInfo {
                    name,
                    seq,
                    kind: FileType::History,
                }),
                b'i' => {
                    if seq <= maxseq {
                        return fail(
                            Some((linenum, shown)),
                            "Found a non-monotonic sequence number",
                        );
                    }
                    maxseq = seq;
                    am.curr_incr_seq = seq;
                    am.incr.push(AofInfo {
                        name,
                        seq,
                        kind: FileType::Incr,
                    });
                }
                _ => return fail(Some((linenum, shown)), "Unknown AOF file type"),
            }
        }
        if linenum == 0 {
            return fail(None, "Found an empty AOF manifest");
        }
        Ok(am)
    }

    /// The manifest text (Redis's `getAofManifestAsString`): base, history, incr.
    pub fn format(&self) -> String {
        let mut s = String::new();
        for ai in self
            .base
            .iter()
            .chain(self.history.iter())
            .chain(self.incr.iter())
        {
            let name = if needs_repr(&ai.name) {
                repr(&ai.name)
            } else {
                ai.name.clone()
            };
            s.push_str(&format!(
                "file {name} seq {} type {}\n",
                ai.seq,
                ai.kind.letter()
            ));
        }
        s
    }

    /// Names a new base file and turns the previous one (if any) into history.
    pub fn new_base(&mut self, filename: &str, rdb_preamble: bool) -> String {
        if let Some(mut old) = self.base.take() {
            old.kind = FileType::History;
            self.history.insert(0, old);
        }
        self.curr_base_seq += 1;
        let name = format!(
            "{filename}.{}.base.{}",
            self.curr_base_seq,
            if rdb_preamble { "rdb" } else { "aof" }
        );
        self.base = Some(AofInfo {
            name: name.clone(),
            seq: self.curr_base_seq,
            kind: FileType::Base,
        });
        name
    }

    /// Names and lists a new incr file.
    pub fn new_incr(&mut self, filename: &str) -> String {
        self.curr_incr_seq += 1;
        let name = format!("{filename}.{}.incr.aof", self.curr_incr_seq);
        self.incr.push(AofInfo {
            name: name.clone(),
            seq: self.curr_incr_seq,
            kind: FileType::Incr,
        });
        name
    }

    /// The last incr file, or a new one.
    pub fn last_incr(&mut self, filename: &str) -> String {
        match self.incr.last() {
            Some(ai) => ai.name.clone(),
            None => self.new_incr(filename),
        }
    }

    /// After a rewrite: every incr file but the one being written (when `keep_last`) becomes
    /// history (Redis's `markRewrittenIncrAofAsHistory`).
    pub fn mark_rewritten_incr_as_history(&mut self, keep_last: bool) {
        let keep = usize::from(keep_last && !self.incr.is_empty());
        let n = self.incr.len() - keep;
        let moved: Vec<AofInfo> = self.incr.drain(..n).collect();
        for mut ai in moved.into_iter().rev() {
            ai.kind = FileType::History;
            self.history.insert(0, ai);
        }
    }

    /// Writes the manifest into `dir` atomically (Redis's `writeAofManifestFile`).
    pub fn persist(&self, dir: &Path, filename: &str) -> std::io::Result<()> {
        let name = manifest_name(filename);
        let tmp = dir.join(format!("temp-{name}"));
        let path = dir.join(&name);
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(self.format().as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            std::fs::File::open(dir)?.sync_all()
        })();
        if let Err(e) = &result {
            tracing::warn!("Can't write the AOF manifest file {name}: {e}");
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// C's `atoll`: leading digits with an optional sign; anything else stops the number.
fn atoll(b: &[u8]) -> i64 {
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let mut n: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        n = n.wrapping_mul(10).wrapping_add((c - b'0') as i64);
    }
    if neg { -n } else { n }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let text = b"file appendonly.aof.2.base.rdb seq 2 type b\n\
                     file appendonly.aof.1.incr.aof seq 1 type h\n\
                     file appendonly.aof.4.incr.aof seq 4 type i\n\
                     file appendonly.aof.5.incr.aof seq 5 type i\n";
        let am = Manifest::parse(text).unwrap();
        assert_eq!(am.curr_base_seq, 2);
        assert_eq!(am.curr_incr_seq, 5);
        assert_eq!(am.format().as_bytes(), &text[..]);
    }

    #[test]
    fn rewrite_bookkeeping() {
        let mut am = Manifest::default();
        assert_eq!(
            am.new_base("appendonly.aof", true),
            "appendonly.aof.1.base.rdb"
        );
        assert_eq!(am.last_incr("appendonly.aof"), "appendonly.aof.1.incr.aof");
        am.new_incr("appendonly.aof");
        let base = am.new_base("appendonly.aof", false);
        assert_eq!(base, "appendonly.aof.2.base.aof");
        am.mark_rewritten_incr_as_history(true);
        assert_eq!(
            am.format(),
            "file appendonly.aof.2.base.aof seq 2 type b\n\
             file appendonly.aof.1.incr.aof seq 1 type h\n\
             file appendonly.aof.1.base.rdb seq 1 type h\n\
             file appendonly.aof.2.incr.aof seq 2 type i\n"
        );
    }

    #[test]
    fn bad_manifests_are_refused_with_redis_reasons() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "Found an empty AOF manifest"),
            (b"file a seq 1\n", "Invalid AOF manifest file format"),
            (
                b"file a/b seq 1 type b\n",
                "File can't be a path, just a filename",
            ),
            (
                b"file a seq 1 type b\nfile b seq 2 type b\n",
                "Found duplicate base file information",
            ),
            (
                b"file a seq 2 type i\nfile b seq 1 type i\n",
                "Found a non-monotonic sequence number",
            ),
            (b"file a seq 1 type x\n", "Unknown AOF file type"),
            (
                b"file a seq 1 type i",
                "The AOF manifest file contains too long line",
            ),
        ];
        for (text, reason) in cases {
            let e = Manifest::parse(text).unwrap_err();
            assert_eq!(e.reason, *reason, "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn quoted_names() {
        let mut am = Manifest::default();
        am.new_base("my file.aof", false);
        let text = am.format();
        assert_eq!(text, "file \"my file.aof.1.base.aof\" seq 1 type b\n");
        assert_eq!(Manifest::parse(text.as_bytes()).unwrap(), am);
    }
}
