//! Reply writer: encodes RESP2 or RESP3 into a connection's output buffer.
//!
//! Every reply in the server is produced through these methods, so the choice between RESP2
//! and RESP3 (set per connection by `HELLO`) is made here and nowhere else: a handler says
//! "map of 3" or "null" and the writer emits `%3` or `*6`, `_` or `$-1`.
//!
//! Big values without copying: a reply buffer that goes straight to a connection (`splice`
//! set, see `net::process_input`) takes a refcounted chunk (`bulk_shared`) as a reference in
//! `chunks` instead of copying its bytes; the connection sends it from the stored value with
//! `sendmsg`. Invariant: `chunks` is sorted by offset, every offset is at most `buf.len()`, and
//! a chunk at offset `o` goes between `buf[..o]` and `buf[o..]`. Without `splice` (scripts,
//! nested calls) `bulk_shared` copies, so `buf` alone is the whole reply.

use std::io::Write;

use bytes::Bytes;

/// Bulk strings at least this long are referenced, not copied, when the reply allows it.
pub const SHARED_MIN: usize = 8 * 1024;

#[derive(Debug, Default)]
pub struct Reply {
    pub buf: Vec<u8>,
    pub resp3: bool,
    /// Whether `bulk_shared` may reference chunks instead of copying them.
    pub splice: bool,
    /// Referenced chunks: (offset in `buf` they go before, bytes).
    pub chunks: Vec<(usize, Bytes)>,
    /// Bytes in `chunks`.
    pub chunks_len: usize,
}

impl Reply {
    pub fn new() -> Self {
        Reply {
            buf: Vec::with_capacity(1024),
            ..Default::default()
        }
    }

    /// An empty reply without a preallocated buffer.
    pub fn empty(resp3: bool) -> Self {
        Reply {
            resp3,
            ..Default::default()
        }
    }

    /// Bytes written to `buf` (a position for `truncate`; referenced chunks not counted).
    #[inline]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Bytes of the whole reply, referenced chunks included.
    #[inline]
    pub fn total_len(&self) -> usize {
        self.buf.len() + self.chunks_len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty() && self.chunks.is_empty()
    }

    /// Drops everything written after position `mark` (a `len()` taken earlier), referenced
    /// chunks included.
    pub fn truncate(&mut self, mark: usize) {
        self.buf.truncate(mark);
        while self.chunks.last().is_some_and(|c| c.0 > mark) {
            if let Some((_, b)) = self.chunks.pop() {
                self.chunks_len -= b.len();
            }
        }
    }

    /// A bulk string whose bytes are referenced rather than copied when the reply allows it
    /// and the string is big (`SHARED_MIN`).
    pub fn bulk_shared(&mut self, s: &Bytes) {
        if !self.splice || s.len() < SHARED_MIN {
            return self.bulk(s);
        }
        self.header(b'$', s.len() as i64);
        self.chunks.push((self.buf.len(), s.clone()));
        self.chunks_len += s.len();
        self.buf.extend_from_slice(b"\r\n");
    }

    /// The reply as a sequence of byte chunks in order (the buffer split around the
    /// referenced chunks); leaves `self` empty with the same `resp3`.
    pub fn take_chunks(&mut self) -> Vec<Bytes> {
        let chunks = std::mem::take(&mut self.chunks);
        self.chunks_len = 0;
        let buf = Bytes::from(std::mem::take(&mut self.buf));
        let mut out = Vec::with_capacity(2 * chunks.len() + 1);
        let mut prev = 0;
        for (at, b) in chunks {
            if at > prev {
                out.push(buf.slice(prev..at));
            }
            out.push(b);
            prev = at;
        }
        if prev < buf.len() {
            out.push(buf.slice(prev..));
        }
        out
    }

    #[inline]
    fn header(&mut self, prefix: u8, n: i64) {
        let mut b = itoa::Buffer::new();
        let s = b.format(n).as_bytes();
        self.buf.reserve(s.len() + 3);
        self.buf.push(prefix);
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// `+OK`
    #[inline]
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// A status reply; `s` must not contain CR or LF.
    pub fn simple(&mut self, s: &[u8]) {
        self.buf.reserve(s.len() + 3);
        self.buf.push(b'+');
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error reply; `s` is the full text including its code (`ERR ...`, `WRONGTYPE ...`).
    /// CR and LF are replaced by spaces, as Redis does, so a reply can never be split.
    pub fn error(&mut self, s: &[u8]) {
        self.buf.reserve(s.len() + 3);
        self.buf.push(b'-');
        self.buf.extend(
            s.iter()
                .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }),
        );
        self.buf.extend_from_slice(b"\r\n");
    }

    #[inline]
    pub fn int(&mut self, n: i64) {
        self.header(b':', n);
    }

    #[inline]
    pub fn bulk(&mut self, s: &[u8]) {
        self.header(b'$', s.len() as i64);
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An integer sent as a bulk string (`GET` of an int-encoded value).
    pub fn bulk_int(&mut self, n: i64) {
        let mut b = itoa::Buffer::new();
        let s = b.format(n);
        self.bulk(s.as_bytes());
    }

    /// Null bulk string: `$-1` in RESP2, `_` in RESP3.
    #[inline]
    pub fn null(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"$-1\r\n");
        }
    }

    /// Null array: `*-1` in RESP2, `_` in RESP3.
    pub fn null_array(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"*-1\r\n");
        }
    }

    #[inline]
    pub fn array(&mut self, n: usize) {
        self.header(b'*', n as i64);
    }

    /// A map of `n` pairs: `%n` in RESP3, a flat array of `2n` in RESP2.
    pub fn map(&mut self, n: usize) {
        if self.resp3 {
            self.header(b'%', n as i64);
        } else {
            self.header(b'*', 2 * n as i64);
        }
    }

    /// A set: `~n` in RESP3, an array in RESP2.
    pub fn set(&mut self, n: usize) {
        self.header(if self.resp3 { b'~' } else { b'*' }, n as i64);
    }

    /// An out-of-band push frame: `>n` in RESP3, an array in RESP2.
    pub fn push(&mut self, n: usize) {
        self.header(if self.resp3 { b'>' } else { b'*' }, n as i64);
    }

    /// A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    pub fn boolean(&mut self, b: bool) {
        if self.resp3 {
            self.buf
                .extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.int(b as i64);
        }
    }

    /// A double: `,` in RESP3, a bulk string in RESP2, formatted like Redis's `%.17g`.
    pub fn double(&mut self, d: f64) {
        let s = format_double(d);
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s.as_bytes());
        }
    }

    /// Verbatim text (`INFO`, `CLIENT LIST`): `=len\r\ntxt:...` in RESP3, bulk in RESP2.
    pub fn verbatim(&mut self, s: &[u8]) {
        if self.resp3 {
            self.header(b'=', s.len() as i64 + 4);
            self.buf.extend_from_slice(b"txt:");
            self.buf.extend_from_slice(s);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s);
        }
    }

    /// Appends pre-encoded RESP (used for shared, pre-serialised frames).
    pub fn raw(&mut self, s: &[u8]) {
        self.buf.extend_from_slice(s);
    }

    /// Writes a length header whose value is only known later; returns a token for `patch_len`.
    /// The placeholder is padded so patching never moves the bytes that follow.
    pub fn deferred_array(&mut self) -> usize {
        let at = self.buf.len();
        self.buf.extend_from_slice(b"*                    \r\n");
        at
    }

    /// Fills in a header written by `deferred_array`, shifting the payload left.
    pub fn patch_array(&mut self, at: usize, n: usize) {
        let mut hdr = Vec::with_capacity(24);
        let _ = write!(hdr, "*{n}\r\n");
        let placeholder = 23;
        let shift = placeholder - hdr.len();
        self.buf.splice(at..at + placeholder, hdr);
        for c in self.chunks.iter_mut().filter(|c| c.0 > at) {
            c.0 -= shift;
        }
    }
}

/// Formats a double as Redis's `%.17g`, with `inf`/`-inf`/`nan` spelled as Redis spells them.
pub fn format_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d.is_nan() {
        return "nan".into();
    }
    format_g(d, 17)
}

/// C's `%.{prec}g`.
pub fn format_g(d: f64, prec: usize) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let prec = prec.max(1);
    let e = format!("{:.*e}", prec - 1, d);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= prec as i32 {
        let mant = trim_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, d)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Appends `argv` as a RESP array of bulk strings: how commands travel to replicas and into the
/// AOF (Redis's `catAppendOnlyGenericCommand` / `feedReplicationBuffer`).
pub fn encode_command(buf: &mut Vec<u8>, argv: &[bytes::Bytes]) {
    let mut b = itoa::Buffer::new();
    buf.push(b'*');
    buf.extend_from_slice(b.format(argv.len()).as_bytes());
    buf.extend_from_slice(b"\r\n");
    for a in argv {
        buf.push(b'$');
        buf.extend_from_slice(b.format(a.len()).as_bytes());
        buf.extend_from_slice(b"\r\n");
        buf.extend_from_slice(a);
        buf.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp2_and_resp3() {
        let mut r = Reply::new();
        r.map(2);
        r.null();
        r.double(1.5);
        assert_eq!(r.buf, b"*4\r\n$-1\r\n$3\r\n1.5\r\n");
        let mut r = Reply::new();
        r.resp3 = true;
        r.map(2);
        r.null();
        r.double(1.5);
        assert_eq!(r.buf, b"%2\r\n_\r\n,1.5\r\n");
    }

    #[test]
    fn shared_chunks_are_referenced_in_order() {
        let big = Bytes::from(vec![b'x'; SHARED_MIN]);
        // Without splice: copied.
        let mut r = Reply::new();
        r.bulk_shared(&big);
        assert!(r.chunks.is_empty());
        assert_eq!(r.buf.len(), SHARED_MIN + 9);
        // With splice: referenced, and the pieces come back in order.
        let mut r = Reply::new();
        r.splice = true;
        let at = r.deferred_array();
        r.int(1);
        r.bulk_shared(&big);
        r.int(2);
        assert_eq!(r.total_len(), r.buf.len() + SHARED_MIN);
        r.patch_array(at, 2);
        let pieces = r.take_chunks();
        assert!(r.is_empty());
        assert_eq!(pieces.len(), 3);
        assert_eq!(&pieces[0][..], b"*2\r\n:1\r\n$8192\r\n");
        assert_eq!(pieces[1].as_ptr(), big.as_ptr());
        assert_eq!(&pieces[2][..], b"\r\n:2\r\n");
        // Truncating to a mark drops the chunks written after it.
        let mut r = Reply::new();
        r.splice = true;
        r.int(1);
        let m = r.len();
        r.bulk_shared(&big);
        r.truncate(m);
        assert!(r.chunks.is_empty() && r.chunks_len == 0);
        assert_eq!(r.buf, b":1\r\n");
    }

    #[test]
    fn deferred() {
        let mut r = Reply::new();
        let at = r.deferred_array();
        r.int(1);
        r.patch_array(at, 1);
        assert_eq!(r.buf, b"*1\r\n:1\r\n");
    }

    #[test]
    fn g_format() {
        assert_eq!(format_double(3.0), "3");
        assert_eq!(format_double(0.1), "0.10000000000000001");
        assert_eq!(format_double(1e20), "1e+20");
        assert_eq!(format_double(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(format_double(f64::INFINITY), "inf");
        assert_eq!(format_g(123456.0, 17), "123456");
    }
}
