//! Redis's ziplist blob (`ziplist.c`), which Redis before 7.0 wrote for small lists, hashes and
//! sorted sets. Read only: validated as `ziplistValidateIntegrity` does in deep mode (entry
//! bounds, each entry's prevlen against the previous entry, the tail offset, the count).
//!
//! Layout: zlbytes (u32 LE), zltail (u32 LE), zllen (u16 LE, 65535 = unknown), entries, 0xFF.
//! Entry: prevlen (1 byte, or 0xFE + u32 LE), encoding (strings: 00LLLLLL, 01LLLLLL LLLLLLLL
//! big-endian, 10______ + u32 big-endian; integers: 0xC0 i16, 0xD0 i32, 0xE0 i64, 0xF0 i24,
//! 0xFE i8, 0xF1..0xFD the immediates 0..12), data.

use super::Ent;

const HDR: usize = 10;
const END: u8 = 0xff;

pub fn parse(zl: &[u8]) -> Result<Vec<Ent<'_>>, &'static str> {
    if zl.len() < HDR + 1 {
        return Err("ziplist shorter than its header");
    }
    let bytes = u32::from_le_bytes([zl[0], zl[1], zl[2], zl[3]]) as usize;
    if bytes != zl.len() {
        return Err("ziplist total bytes do not match its length");
    }
    let tail = u32::from_le_bytes([zl[4], zl[5], zl[6], zl[7]]) as usize;
    if tail > bytes - 1 {
        return Err("ziplist tail offset out of range");
    }
    if zl[bytes - 1] != END {
        return Err("ziplist does not end with 0xFF");
    }
    let count_hdr = u16::from_le_bytes([zl[8], zl[9]]);
    let last = bytes - 1;
    let mut out = Vec::new();
    let mut p = HDR;
    let mut prev: Option<usize> = None;
    let mut prev_size = 0usize;
    let get = |a: usize, n: usize| -> Result<&[u8], &'static str> {
        if a + n > last {
            Err("ziplist entry runs past the end")
        } else {
            Ok(&zl[a..a + n])
        }
    };
    while p < last {
        let start = p;
        let (prevlen, pl_size) = if zl[p] < 254 {
            (zl[p] as usize, 1)
        } else if zl[p] == 254 {
            let d = get(p + 1, 4)?;
            (u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize, 5)
        } else {
            return Err("ziplist entry with an invalid prevlen");
        };
        if prevlen != prev_size {
            return Err("ziplist entry prevlen does not match the previous entry");
        }
        p += pl_size;
        let e = get(p, 1)?[0];
        let ent = match e >> 6 {
            0 => {
                let n = (e & 0x3f) as usize;
                let s = get(p + 1, n)?;
                p += 1 + n;
                Ent::Str(s)
            }
            1 => {
                let d = get(p + 1, 1)?;
                let n = (((e & 0x3f) as usize) << 8) | d[0] as usize;
                let s = get(p + 2, n)?;
                p += 2 + n;
                Ent::Str(s)
            }
            2 => {
                let d = get(p + 1, 4)?;
                let n = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as usize;
                let s = get(p + 5, n)?;
                p += 5 + n;
                Ent::Str(s)
            }
            _ => {
                let (n, v) = match e {
                    0xc0 => {
                        let d = get(p + 1, 2)?;
                        (2, i16::from_le_bytes([d[0], d[1]]) as i64)
                    }
                    0xd0 => {
                        let d = get(p + 1, 4)?;
                        (4, i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64)
                    }
                    0xe0 => {
                        let d = get(p + 1, 8)?;
                        let mut a = [0u8; 8];
                        a.copy_from_slice(d);
                        (8, i64::from_le_bytes(a))
                    }
                    0xf0 => {
                        let d = get(p + 1, 3)?;
                        (3, (i32::from_le_bytes([0, d[0], d[1], d[2]]) >> 8) as i64)
                    }
                    0xfe => {
                        let d = get(p + 1, 1)?;
                        (1, d[0] as i8 as i64)
                    }
                    0xf1..=0xfd => (0, (e & 0x0f) as i64 - 1),
                    _ => return Err("ziplist entry with an invalid encoding"),
                };
                p += 1 + n;
                Ent::Int(v)
            }
        };
        out.push(ent);
        prev = Some(start);
        prev_size = p - start;
    }
    if p != last {
        return Err("ziplist entries do not end at its end marker");
    }
    match prev {
        Some(t) if t != tail => return Err("ziplist tail offset does not match its last entry"),
        None if tail != HDR => return Err("ziplist tail offset does not match its last entry"),
        _ => {}
    }
    if count_hdr != u16::MAX && count_hdr as usize != out.len() {
        return Err("ziplist element count does not match its header");
    }
    Ok(out)
}

/// Builds a ziplist, for tests and tools (Redis 7.0 never writes one but reads them from old
/// files).
pub fn build(items: &[Ent]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut prev_size = 0usize;
    let mut tail = HDR;
    for it in items {
        let start = body.len();
        tail = HDR + start;
        if prev_size < 254 {
            body.push(prev_size as u8);
        } else {
            body.push(254);
            body.extend_from_slice(&(prev_size as u32).to_le_bytes());
        }
        match *it {
            Ent::Str(s) => {
                let n = s.len();
                if n < 64 {
                    body.push(n as u8);
                } else if n < 16384 {
                    body.push(0x40 | (n >> 8) as u8);
                    body.push(n as u8);
                } else {
                    body.push(0x80);
                    body.extend_from_slice(&(n as u32).to_be_bytes());
                }
                body.extend_from_slice(s);
            }
            Ent::Int(v) => {
                if (0..=12).contains(&v) {
                    body.push(0xf1 + v as u8);
                } else if i8::try_from(v).is_ok() {
                    body.push(0xfe);
                    body.push(v as u8);
                } else if i16::try_from(v).is_ok() {
                    body.push(0xc0);
                    body.extend_from_slice(&(v as i16).to_le_bytes());
                } else if (-8388608..=8388607).contains(&v) {
                    body.push(0xf0);
                    body.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
                } else if i32::try_from(v).is_ok() {
                    body.push(0xd0);
                    body.extend_from_slice(&(v as i32).to_le_bytes());
                } else {
                    body.push(0xe0);
                    body.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        prev_size = body.len() - start;
    }
    let total = HDR + body.len() + 1;
    let mut zl = Vec::with_capacity(total);
    zl.extend_from_slice(&(total as u32).to_le_bytes());
    zl.extend_from_slice(&(tail as u32).to_le_bytes());
    zl.extend_from_slice(&(items.len().min(65535) as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(END);
    zl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption() {
        let big = vec![b'q'; 300];
        let items = [
            Ent::Str(b"a"),
            Ent::Int(5),
            Ent::Int(-100),
            Ent::Int(1000),
            Ent::Int(100_000),
            Ent::Int(1 << 40),
            Ent::Int(3_000_000_000),
            Ent::Str(&big),
            Ent::Str(b"after a long one"),
        ];
        let zl = build(&items);
        assert_eq!(parse(&zl).expect("valid"), items.to_vec());
        for cut in 0..zl.len() {
            assert!(parse(&zl[..cut]).is_err());
        }
        let mut bad = zl.clone();
        bad[4] ^= 1; // tail
        assert!(parse(&bad).is_err());
        let mut bad = zl;
        bad[8] = 2; // count
        assert!(parse(&bad).is_err());
        assert_eq!(parse(&build(&[])).expect("empty"), vec![]);
    }
}
