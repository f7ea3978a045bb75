//! Redis's listpack blob (`listpack.c`), as stored in RDB files: a writer that produces the
//! bytes `lpAppend` would (integer-looking strings become integer encodings), and a parser
//! that validates a blob as `lpValidateIntegrity` does in deep mode before anything is used.
//!
//! Layout: total bytes (u32 LE), element count (u16 LE, 65535 = unknown), entries, 0xFF.
//! Entry: encoding + data, then the back-length (the entry's size, 1 to 5 bytes).

use super::Ent;
use crate::protocol::parse_i64;

const HDR: usize = 6;
const EOF: u8 = 0xff;
const NUMELE_UNKNOWN: u16 = u16::MAX;

/// The size of an encoded entry (`lpEncodeBacklen` of `l`).
fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

fn put_backlen(buf: &mut Vec<u8>, l: usize) {
    let l = l as u64;
    match backlen_size(l as usize) {
        1 => buf.push(l as u8),
        2 => buf.extend_from_slice(&[(l >> 7) as u8, (l & 127) as u8 | 128]),
        3 => buf.extend_from_slice(&[
            (l >> 14) as u8,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]),
        4 => buf.extend_from_slice(&[
            (l >> 21) as u8,
            ((l >> 14) & 127) as u8 | 128,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]),
        _ => buf.extend_from_slice(&[
            (l >> 28) as u8,
            ((l >> 21) & 127) as u8 | 128,
            ((l >> 14) & 127) as u8 | 128,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]),
    }
}

/// Bytes `lpAppend(s)` adds to a listpack (encoding, data and back-length).
pub fn entry_size(s: &[u8]) -> usize {
    let l = match parse_i64(s) {
        Some(v) if (0..=127).contains(&v) => 1,
        Some(v) if (-4096..=4095).contains(&v) => 2,
        Some(v) if (-32768..=32767).contains(&v) => 3,
        Some(v) if (-8388608..=8388607).contains(&v) => 4,
        Some(v) if (-2147483648..=2147483647).contains(&v) => 5,
        Some(_) => 9,
        None if s.len() < 64 => 1 + s.len(),
        None if s.len() < 4096 => 2 + s.len(),
        None => 5 + s.len(),
    };
    l + backlen_size(l)
}

/// Builds a listpack entry by entry.
pub struct Writer {
    buf: Vec<u8>,
    count: usize,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            buf: vec![0; HDR],
            count: 0,
        }
    }

    /// Bytes of the finished listpack so far (Redis's `lpBytes`, the node's `sz`).
    pub fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// `lpAppend`: a string, stored as an integer when it is one in canonical form.
    pub fn append(&mut self, s: &[u8]) {
        if let Some(v) = parse_i64(s) {
            return self.append_int(v);
        }
        let start = self.buf.len();
        let n = s.len();
        if n < 64 {
            self.buf.push(0x80 | n as u8);
        } else if n < 4096 {
            self.buf.push(0xe0 | (n >> 8) as u8);
            self.buf.push(n as u8);
        } else {
            self.buf.push(0xf0);
            self.buf.extend_from_slice(&(n as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(s);
        let l = self.buf.len() - start;
        put_backlen(&mut self.buf, l);
        self.count += 1;
    }

    /// `lpAppendInteger`.
    pub fn append_int(&mut self, v: i64) {
        let start = self.buf.len();
        if (0..=127).contains(&v) {
            self.buf.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = if v < 0 { (1 << 13) + v } else { v } as u64;
            self.buf
                .extend_from_slice(&[(u >> 8) as u8 | 0xc0, u as u8]);
        } else if (-32768..=32767).contains(&v) {
            self.buf.push(0xf1);
            self.buf.extend_from_slice(&(v as i16).to_le_bytes());
        } else if (-8388608..=8388607).contains(&v) {
            self.buf.push(0xf2);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if (-2147483648..=2147483647).contains(&v) {
            self.buf.push(0xf3);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes());
        } else {
            self.buf.push(0xf4);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
        let l = self.buf.len() - start;
        put_backlen(&mut self.buf, l);
        self.count += 1;
    }

    /// Reopens a finished listpack (as `finish` returned it) to append more, as `lpAppend` on
    /// it would. Gives the blob back if its header does not know its element count (65535).
    pub fn reopen(mut lp: Vec<u8>) -> Result<Writer, Vec<u8>> {
        if lp.len() < HDR + 1 || lp[lp.len() - 1] != EOF {
            return Err(lp);
        }
        let numele = u16::from_le_bytes([lp[4], lp[5]]);
        if numele == NUMELE_UNKNOWN {
            return Err(lp);
        }
        lp.pop();
        Ok(Writer {
            buf: lp,
            count: numele as usize,
        })
    }

    /// The finished blob.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(EOF);
        let total = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        let numele = self.count.min(NUMELE_UNKNOWN as usize) as u16;
        self.buf[4..6].copy_from_slice(&numele.to_le_bytes());
        self.buf
    }
}

/// Validates `lp` in full and returns its entries.
pub fn parse(lp: &[u8]) -> Result<Vec<Ent<'_>>, &'static str> {
    if lp.len() < HDR + 1 {
        return Err("listpack shorter than its header");
    }
    let total = u32::from_le_bytes([lp[0], lp[1], lp[2], lp[3]]) as usize;
    if total != lp.len() {
        return Err("listpack total bytes do not match its length");
    }
    if lp[lp.len() - 1] != EOF {
        return Err("listpack does not end with 0xFF");
    }
    let numele = u16::from_le_bytes([lp[4], lp[5]]);
    let last = lp.len() - 1;
    let mut out = Vec::new();
    let mut p = HDR;
    while p < last {
        let b = lp[p];
        // (header bytes, data bytes, value)
        let need = |n: usize| -> Result<&[u8], &'static str> {
            lp.get(p + 1..p + 1 + n)
                .filter(|_| p + 1 + n <= last)
                .ok_or("listpack entry runs past the end")
        };
        let (hdr, ent) = if b & 0x80 == 0 {
            (1, Ent::Int((b & 0x7f) as i64))
        } else if b & 0xc0 == 0x80 {
            let n = (b & 0x3f) as usize;
            let d = need(n)?;
            (1, Ent::Str(d))
        } else if b & 0xe0 == 0xc0 {
            let d = need(1)?;
            let u = (((b & 0x1f) as i64) << 8) | d[0] as i64;
            let v = if u >= 1 << 12 { u - (1 << 13) } else { u };
            (2, Ent::Int(v))
        } else if b & 0xf0 == 0xe0 {
            let d = need(1)?;
            let n = (((b & 0x0f) as usize) << 8) | d[0] as usize;
            let s = lp
                .get(p + 2..p + 2 + n)
                .filter(|_| p + 2 + n <= last)
                .ok_or("listpack string runs past the end")?;
            (2, Ent::Str(s))
        } else {
            match b {
                0xf0 => {
                    let d = need(4)?;
                    let n = u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize;
                    let s = lp
                        .get(p + 5..p + 5 + n)
                        .filter(|_| p + 5 + n <= last)
                        .ok_or("listpack string runs past the end")?;
                    (5, Ent::Str(s))
                }
                0xf1 => {
                    let d = need(2)?;
                    (3, Ent::Int(i16::from_le_bytes([d[0], d[1]]) as i64))
                }
                0xf2 => {
                    let d = need(3)?;
                    let v = i32::from_le_bytes([0, d[0], d[1], d[2]]) >> 8;
                    (4, Ent::Int(v as i64))
                }
                0xf3 => {
                    let d = need(4)?;
                    (
                        5,
                        Ent::Int(i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64),
                    )
                }
                0xf4 => {
                    let d = need(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(d);
                    (9, Ent::Int(i64::from_le_bytes(a)))
                }
                _ => return Err("listpack entry with an invalid encoding"),
            }
        };
        let data_len = match ent {
            Ent::Str(s) => s.len(),
            Ent::Int(_) => 0,
        };
        let entry_len = hdr + data_len;
        let bl = backlen_size(entry_len);
        let end = p + entry_len + bl;
        if end > last {
            return Err("listpack entry runs past the end");
        }
        let mut want = Vec::with_capacity(5);
        put_backlen(&mut want, entry_len);
        if lp[p + entry_len..end] != want[..] {
            return Err("listpack entry back-length does not match");
        }
        out.push(ent);
        p = end;
    }
    if numele != NUMELE_UNKNOWN && numele as usize != out.len() {
        return Err("listpack element count does not match its header");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_redis_bytes() {
        // RPUSH l 1 2 3 hello -5 300 70000 in Redis 7.0.15: the node's listpack.
        let mut w = Writer::new();
        for s in ["1", "2", "3", "hello", "-5", "300", "70000"] {
            w.append(s.as_bytes());
        }
        let lp = w.finish();
        let want: &[u8] = b"\x1f\x00\x00\x00\x07\x00\x01\x01\x02\x01\x03\x01\x85hello\x06\xdf\xfb\x02\xc1,\x02\xf2p\x11\x01\x04\xff";
        assert_eq!(lp, want);
        let ents = parse(&lp).expect("valid");
        assert_eq!(ents.len(), 7);
        assert_eq!(ents[3], Ent::Str(b"hello"));
        assert_eq!(ents[4], Ent::Int(-5));
        assert_eq!(ents[6], Ent::Int(70000));
    }

    #[test]
    fn every_encoding_round_trips() {
        let mut w = Writer::new();
        let ints = [
            0i64,
            127,
            128,
            -1,
            -4096,
            4095,
            4096,
            -32768,
            32767,
            -8388608,
            8388607,
            8388608,
            i32::MIN as i64,
            i32::MAX as i64,
            i64::MIN,
            i64::MAX,
        ];
        for &v in &ints {
            w.append_int(v);
        }
        let strs = [
            vec![b'x'; 0],
            vec![b'y'; 63],
            vec![b'z'; 64],
            vec![b'w'; 4095],
            vec![b'v'; 4096],
            vec![b'u'; 20000],
        ];
        for s in &strs {
            w.append(s);
        }
        let lp = w.finish();
        let ents = parse(&lp).expect("valid");
        let mut sz = 7;
        for &v in &ints {
            sz += entry_size(itoa::Buffer::new().format(v).as_bytes());
        }
        for s in &strs {
            sz += entry_size(s);
        }
        assert_eq!(sz, lp.len());
        for (i, &v) in ints.iter().enumerate() {
            assert_eq!(ents[i], Ent::Int(v));
        }
        for (i, s) in strs.iter().enumerate() {
            assert_eq!(ents[ints.len() + i], Ent::Str(s));
        }
    }

    #[test]
    fn corrupt_is_rejected() {
        let mut w = Writer::new();
        w.append(b"hello");
        w.append(b"12");
        let lp = w.finish();
        for cut in 0..lp.len() {
            assert!(parse(&lp[..cut]).is_err());
        }
        let mut bad = lp.clone();
        bad[4] = 3; // count
        assert!(parse(&bad).is_err());
        let mut bad = lp.clone();
        bad[6] = 0x8f; // string length past the end
        assert!(parse(&bad).is_err());
        let mut bad = lp;
        bad[12] = 9; // back-length
        assert!(parse(&bad).is_err());
    }
}
