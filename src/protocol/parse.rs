//! RESP request parser: multibulk (`*N\r\n$L\r\n...`) and inline (`PING\r\n`) requests.
//!
//! The parser never copies bulk data. It walks a byte slice and records each argument as a span
//! (start, end) of that slice; the connection layer turns spans into `Bytes` slices of the read
//! buffer once a batch of complete requests has been found. Only inline arguments that contain
//! quotes or escapes are materialised (`Arg::Owned`), because their bytes differ from the input.
//!
//! Contract: `parse_request` returns `Ok(None)` when the input holds no complete request yet
//! (the caller reads more and retries from the same position), `Ok(Some(consumed))` with the
//! arguments pushed to `args`, or `Err(ProtocolError)` with Redis's exact error text, after which
//! the connection must be closed. Limits are enforced before anything is allocated, so a hostile
//! length can never make us reserve memory.

use memchr::memchr;

/// Longest inline request or count line Redis accepts without a newline (PROTO_INLINE_MAX_SIZE).
pub const INLINE_MAX: usize = 64 * 1024;

/// One request argument: a span of the input, or bytes rebuilt from a quoted inline argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Span(usize, usize),
    Owned(Vec<u8>),
}

/// A protocol violation. `message()` is the text after `-ERR `, byte for byte as Redis sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    InvalidMultibulkLength,
    InvalidBulkLength,
    ExpectedDollar(u8),
    UnbalancedQuotes,
    TooBigInline,
    TooBigMbulkCount,
    TooBigBulkCount,
}

impl ProtocolError {
    pub fn message(&self) -> String {
        match self {
            Self::InvalidMultibulkLength => "Protocol error: invalid multibulk length".into(),
            Self::InvalidBulkLength => "Protocol error: invalid bulk length".into(),
            Self::ExpectedDollar(c) => {
                format!("Protocol error: expected '$', got '{}'", *c as char)
            }
            Self::UnbalancedQuotes => "Protocol error: unbalanced quotes in request".into(),
            Self::TooBigInline => "Protocol error: too big inline request".into(),
            Self::TooBigMbulkCount => "Protocol error: too big mbulk count string".into(),
            Self::TooBigBulkCount => "Protocol error: too big bulk count string".into(),
        }
    }
}

/// What the parser needs to know of the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `proto-max-bulk-len`: the longest single argument.
    pub max_bulk_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: 512 * 1024 * 1024,
        }
    }
}

/// Outcome of a parse attempt that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    /// A whole request of this many bytes; its arguments were pushed (possibly none: an empty
    /// inline line or `*0`, which Redis skips silently).
    Complete(usize),
    /// More input is needed. `hint` is the total buffer length that would let parsing make
    /// progress when known (a large bulk argument), so the reader can reserve it in one go.
    /// `consumed` is how many leading bytes already form complete arguments of the pending
    /// request (for a bulk being received: up to the start of its data). Redis would have
    /// moved those out of its query buffer, so only the bytes after them count against
    /// `client-query-buffer-limit`.
    Incomplete { hint: usize, consumed: usize },
}

/// Parses one request from the start of `buf`. On `Complete`, the arguments are appended to
/// `args` (which the caller clears); on `Incomplete`, `args` is left as it was.
pub fn parse_request(
    buf: &[u8],
    args: &mut Vec<Arg>,
    limits: &Limits,
) -> Result<Parsed, ProtocolError> {
    match buf.first() {
        None => Ok(Parsed::Incomplete {
            hint: 0,
            consumed: 0,
        }),
        Some(b'*') => parse_multibulk(buf, args, limits),
        Some(_) => parse_inline(buf, args),
    }
}

/// Finds the `\r` ending a line that starts at `from`; a line is complete once the byte after
/// `\r` is present (Redis skips it without checking it is `\n`).
#[inline]
fn line_end(buf: &[u8], from: usize) -> Option<usize> {
    let cr = from + memchr(b'\r', &buf[from..])?;
    (cr + 1 < buf.len()).then_some(cr)
}

/// Parses a decimal integer the way Redis's `string2ll` does: optional `-`, no `+`, no leading
/// zeros, no spaces, must fit in i64.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else {
        i64::try_from(v).ok()
    }
}

fn parse_multibulk(
    buf: &[u8],
    args: &mut Vec<Arg>,
    limits: &Limits,
) -> Result<Parsed, ProtocolError> {
    let Some(cr) = line_end(buf, 1) else {
        if buf.len() > INLINE_MAX {
            return Err(ProtocolError::TooBigMbulkCount);
        }
        return Ok(Parsed::Incomplete {
            hint: 0,
            consumed: 0,
        });
    };
    let count = parse_i64(&buf[1..cr]).ok_or(ProtocolError::InvalidMultibulkLength)?;
    if count > i32::MAX as i64 {
        return Err(ProtocolError::InvalidMultibulkLength);
    }
    let mut pos = cr + 2;
    if count <= 0 {
        return Ok(Parsed::Complete(pos));
    }
    let start_len = args.len();
    // Never trust the count for allocation: reserve a small amount and let the Vec grow.
    args.reserve((count as usize).min(1024));
    for _ in 0..count {
        if pos >= buf.len() {
            args.truncate(start_len);
            return Ok(Parsed::Incomplete {
                hint: 0,
                consumed: pos,
            });
        }
        if buf[pos] != b'$' {
            args.truncate(start_len);
            return Err(ProtocolError::ExpectedDollar(buf[pos]));
        }
        let Some(cr) = line_end(buf, pos + 1) else {
            args.truncate(start_len);
            if buf.len() - pos > INLINE_MAX {
                return Err(ProtocolError::TooBigBulkCount);
            }
            return Ok(Parsed::Incomplete {
                hint: 0,
                consumed: pos,
            });
        };
        let len = match parse_i64(&buf[pos + 1..cr]) {
            Some(l) if l >= 0 && (l as u64) <= limits.max_bulk_len as u64 => l as usize,
            _ => {
                args.truncate(start_len);
                return Err(ProtocolError::InvalidBulkLength);
            }
        };
        let data = cr + 2;
        if buf.len() < data + len + 2 {
            args.truncate(start_len);
            return Ok(Parsed::Incomplete {
                hint: data + len + 2,
                consumed: data,
            });
        }
        args.push(Arg::Span(data, data + len));
        pos = data + len + 2;
    }
    Ok(Parsed::Complete(pos))
}

fn parse_inline(buf: &[u8], args: &mut Vec<Arg>) -> Result<Parsed, ProtocolError> {
    let Some(nl) = memchr(b'\n', buf) else {
        if buf.len() > INLINE_MAX {
            return Err(ProtocolError::TooBigInline);
        }
        return Ok(Parsed::Incomplete {
            hint: 0,
            consumed: 0,
        });
    };
    let mut line_end = nl;
    if nl > 0 && buf[nl - 1] == b'\r' {
        line_end -= 1;
    }
    split_args(&buf[..line_end], args)?;
    Ok(Parsed::Complete(nl + 1))
}

/// Splits a line into arguments with Redis's `sdssplitargs` rules: whitespace separates,
/// `"..."` understands `\n \r \t \b \a \\ \" \xHH`, `'...'` understands `\'`, and a closing quote
/// must be followed by whitespace or the end. Unquoted arguments stay spans of `line`.
pub fn split_args(line: &[u8], args: &mut Vec<Arg>) -> Result<(), ProtocolError> {
    let start_len = args.len();
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return Ok(());
        }
        let start = i;
        let mut owned: Option<Vec<u8>> = None;
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            if in_dq {
                if i >= n {
                    args.truncate(start_len);
                    return Err(ProtocolError::UnbalancedQuotes);
                }
                let c = line[i];
                let out = owned.get_or_insert_with(Vec::new);
                if c == b'\\'
                    && i + 3 < n
                    && line[i + 1] == b'x'
                    && line[i + 2].is_ascii_hexdigit()
                    && line[i + 3].is_ascii_hexdigit()
                {
                    out.push(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                    i += 3;
                } else if c == b'\\' && i + 1 < n {
                    i += 1;
                    out.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        other => other,
                    });
                } else if c == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        args.truncate(start_len);
                        return Err(ProtocolError::UnbalancedQuotes);
                    }
                    i += 1;
                    break;
                } else {
                    out.push(c);
                }
                i += 1;
            } else if in_sq {
                if i >= n {
                    args.truncate(start_len);
                    return Err(ProtocolError::UnbalancedQuotes);
                }
                let c = line[i];
                let out = owned.get_or_insert_with(Vec::new);
                if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    i += 1;
                    out.push(b'\'');
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        args.truncate(start_len);
                        return Err(ProtocolError::UnbalancedQuotes);
                    }
                    i += 1;
                    break;
                } else {
                    out.push(c);
                }
                i += 1;
            } else {
                if i >= n || is_space(line[i]) {
                    break;
                }
                match line[i] {
                    b'"' => {
                        owned.get_or_insert_with(|| line[start..i].to_vec());
                        in_dq = true;
                    }
                    b'\'' => {
                        owned.get_or_insert_with(|| line[start..i].to_vec());
                        in_sq = true;
                    }
                    c => {
                        if let Some(o) = owned.as_mut() {
                            o.push(c);
                        }
                    }
                }
                i += 1;
            }
        }
        args.push(match owned {
            Some(v) => Arg::Owned(v),
            None => Arg::Span(start, i),
        });
    }
}

#[inline]
fn is_space(c: u8) -> bool {
    // isspace() in the C locale: space, \t, \n, \v, \f, \r
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(buf: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, ProtocolError> {
        let limits = Limits::default();
        let mut out = Vec::new();
        let mut pos = 0;
        let mut args = Vec::new();
        loop {
            args.clear();
            match parse_request(&buf[pos..], &mut args, &limits)? {
                Parsed::Complete(n) => {
                    let base = pos;
                    out.push(
                        args.iter()
                            .map(|a| match a {
                                Arg::Span(s, e) => buf[base + s..base + e].to_vec(),
                                Arg::Owned(v) => v.clone(),
                            })
                            .collect(),
                    );
                    pos += n;
                }
                Parsed::Incomplete { .. } => return Ok(out),
            }
        }
    }

    fn strs(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn multibulk_and_pipeline() {
        let got = parse_all(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n").unwrap();
        assert_eq!(got, vec![strs(&["GET", "k"]), strs(&["PING"])]);
    }

    #[test]
    fn split_at_every_byte() {
        let req = b"*3\r\n$3\r\nSET\r\n$3\r\nk\0y\r\n$5\r\nv\r\nal\r\nPING \"a b\" 'c'\r\n";
        let whole = parse_all(req).unwrap();
        assert_eq!(whole.len(), 2);
        for cut in 0..req.len() {
            let first = parse_all(&req[..cut]).unwrap();
            // Whatever parsed from a prefix must be a prefix of the whole parse.
            assert!(first.len() <= whole.len());
            assert_eq!(&whole[..first.len()], &first[..]);
        }
        assert_eq!(whole[1], strs(&["PING", "a b", "c"]));
    }

    #[test]
    fn errors() {
        let l = Limits::default();
        let mut a = Vec::new();
        assert_eq!(
            parse_request(b"*x\r\n", &mut a, &l),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            parse_request(b"*1\r\n$-1\r\n", &mut a, &l),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            parse_request(b"*1\r\nx\r\n", &mut a, &l),
            Err(ProtocolError::ExpectedDollar(b'x'))
        );
        assert_eq!(
            parse_request(b"*1\r\n$999999999999\r\n", &mut a, &l),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            parse_request(b"SET \"a\r\n", &mut a, &l),
            Err(ProtocolError::UnbalancedQuotes)
        );
        assert_eq!(
            parse_request(b"SET \"a\"b\r\n", &mut a, &l),
            Err(ProtocolError::UnbalancedQuotes)
        );
        let big = vec![b'a'; INLINE_MAX + 1];
        assert_eq!(
            parse_request(&big, &mut a, &l),
            Err(ProtocolError::TooBigInline)
        );
    }

    #[test]
    fn inline_quotes_and_escapes() {
        let got = parse_all(b"set \"a\\x41\\n\" 'it\\'s'\r\n\r\n").unwrap();
        assert_eq!(
            got[0],
            vec![b"set".to_vec(), b"aA\n".to_vec(), b"it's".to_vec()]
        );
        assert!(got[1].is_empty());
    }

    #[test]
    fn incomplete_reports_the_complete_arguments_it_has() {
        let l = Limits::default();
        let mut a = Vec::new();
        let inc = |buf: &[u8], a: &mut Vec<Arg>| match parse_request(buf, a, &l) {
            Ok(Parsed::Incomplete { hint, consumed }) => (hint, consumed),
            other => panic!("{other:?}"),
        };
        assert_eq!(inc(b"*3\r\n$3\r", &mut a), (0, 4));
        assert_eq!(inc(b"*3\r", &mut a), (0, 0));
        assert_eq!(inc(b"*3\r\n$3\r\nSET\r\n", &mut a), (0, 13));
        assert_eq!(inc(b"*3\r\n$3\r\nSET\r\n$1", &mut a), (0, 13));
        assert_eq!(inc(b"*3\r\n$3\r\nSET\r\n$5\r\nab", &mut a), (24, 17));
        assert_eq!(inc(b"SET k", &mut a), (0, 0));
        assert!(a.is_empty());
    }

    #[test]
    fn string2ll_rules() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"01"), None);
        assert_eq!(parse_i64(b"+1"), None);
        assert_eq!(parse_i64(b"-0"), None);
        assert_eq!(parse_i64(b""), None);
    }
}
