//! LZF, as Redis compiles it (`lzf_c.c`, `lzf_d.c` with lzfP.h's HLOG 16, VERY_FAST 1,
//! ULTRA_FAST 0, CHECK_INPUT 1): the compressor is a faithful port so that the compressed
//! bytes are identical to Redis's for the same input. The one difference: Redis builds with
//! INIT_HTAB 0 (the hash table starts as stack garbage, which in practice can only add extra
//! valid back-references into the same input); we start from an empty table.
//!
//! Format: `000LLLLL` + L+1 literal bytes; `LLLooooo oooooooo` back-reference of L+2 bytes at
//! offset o+1; `111ooooo LLLLLLLL oooooooo` back-reference of L+9 bytes.

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

#[inline]
fn frst(p: &[u8], i: usize) -> u32 {
    ((p[i] as u32) << 8) | p[i + 1] as u32
}

#[inline]
fn next(v: u32, p: &[u8], i: usize) -> u32 {
    (v << 8) | p[i + 2] as u32
}

#[inline]
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// Compresses `input` into at most `out_len` bytes; `None` when it does not fit (Redis's
/// `lzf_compress` returning 0).
pub fn compress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let in_len = input.len();
    if in_len == 0 || out_len == 0 {
        return None;
    }
    HTAB.with(|t| {
        let mut t = t.borrow_mut();
        let (htab, base) = &mut *t;
        if htab.is_empty() {
            htab.resize(HSIZE, 0);
        }
        let r = compress_with(input, out_len, htab, *base);
        // Every slot written by this call is now at or below the next base: stale, so the
        // table never needs clearing (256 KB per string otherwise).
        *base += in_len as u64 + 1;
        r
    })
}

thread_local! {
    /// The hash table and the base of its current generation: a slot holding `v > base` means
    /// input position `v - base - 1`; anything else is empty.
    static HTAB: std::cell::RefCell<(Vec<u64>, u64)> = const { std::cell::RefCell::new((Vec::new(), 0)) };
}

fn compress_with(input: &[u8], out_len: usize, htab: &mut [u64], base: u64) -> Option<Vec<u8>> {
    let in_len = input.len();
    // A little slack past `out_len`: the checks below are Redis's, which keep every write
    // inside `out_len`; the slack only guards against a slip turning into a panic.
    let mut out = vec![0u8; out_len + 8];
    let mut ip = 0usize;
    let mut op = 1usize; // start run
    let mut lit = 0usize;
    let mut hval = if in_len >= 2 { frst(input, ip) } else { 0 };
    while ip + 2 < in_len {
        hval = next(hval, input, ip);
        let slot = idx(hval);
        let r = htab[slot].saturating_sub(base) as usize;
        htab[slot] = base + ip as u64 + 1;
        let matched = r != 0 && {
            let r = r - 1;
            r < ip
                && ip - r - 1 < MAX_OFF
                && r > 0
                && input[r + 2] == input[ip + 2]
                && input[r] == input[ip]
                && input[r + 1] == input[ip + 1]
        };
        if matched {
            let r = r - 1;
            let off = ip - r - 1;
            let mut len = 2usize;
            let maxlen = (in_len - ip - len).min(MAX_REF);
            if op + 3 + 1 >= out_len && op - usize::from(lit == 0) + 3 + 1 >= out_len {
                return None;
            }
            out[op - lit - 1] = (lit as u8).wrapping_sub(1); // stop run
            op -= usize::from(lit == 0); // undo run if length is zero
            'scan: {
                if maxlen > 16 {
                    for _ in 0..16 {
                        len += 1;
                        if input[r + len] != input[ip + len] {
                            break 'scan;
                        }
                    }
                }
                loop {
                    len += 1;
                    if !(len < maxlen && input[r + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            len -= 2;
            ip += 1;
            if len < 7 {
                out[op] = ((off >> 8) + (len << 5)) as u8;
                op += 1;
            } else {
                out[op] = ((off >> 8) + (7 << 5)) as u8;
                out[op + 1] = (len - 7) as u8;
                op += 2;
            }
            out[op] = off as u8;
            op += 1;
            lit = 0;
            op += 1; // start run
            ip += len + 1;
            if ip + 2 >= in_len {
                break;
            }
            // VERY_FAST: re-hash the last two positions of the match.
            ip -= 2;
            hval = frst(input, ip);
            hval = next(hval, input, ip);
            htab[idx(hval)] = base + ip as u64 + 1;
            ip += 1;
            hval = next(hval, input, ip);
            htab[idx(hval)] = base + ip as u64 + 1;
            ip += 1;
        } else {
            if op >= out_len {
                return None;
            }
            lit += 1;
            out[op] = input[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8;
                lit = 0;
                op += 1;
            }
        }
    }
    if op + 3 > out_len {
        return None;
    }
    while ip < in_len {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1); // end run
    op -= usize::from(lit == 0);
    if op > out_len {
        return None;
    }
    out.truncate(op);
    Some(out)
}

/// Decompresses `input`, which must expand to exactly `out_len` bytes. The caller bounds
/// `out_len` (see `max_expansion`) before calling, so a hostile length cannot allocate much.
pub fn decompress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            if out.len() + n > out_len || ip + n > input.len() {
                return None;
            }
            out.extend_from_slice(&input[ip..ip + n]);
            ip += n;
        } else {
            let mut len = ctrl >> 5;
            let back = ((ctrl & 0x1f) << 8) + 1;
            if ip >= input.len() {
                return None;
            }
            if len == 7 {
                len += input[ip] as usize;
                ip += 1;
                if ip >= input.len() {
                    return None;
                }
            }
            let back = back + input[ip] as usize;
            ip += 1;
            let n = len + 2;
            if out.len() + n > out_len || back > out.len() {
                return None;
            }
            let start = out.len() - back;
            for i in 0..n {
                let b = out[start + i];
                out.push(b);
            }
        }
    }
    (out.len() == out_len).then_some(out)
}

/// The most bytes `clen` compressed bytes can expand to (a 3-byte back-reference gives 264).
pub fn max_expansion(clen: usize) -> usize {
    clen.saturating_mul(88).saturating_add(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut seed = 7u64;
        let mut samples: Vec<Vec<u8>> = vec![
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_vec(),
            b"hello hello hello hello hello hello world".to_vec(),
            vec![b'x'; 100_000],
        ];
        for n in [21usize, 50, 300, 5000, 70_000] {
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // A small alphabet: compressible but not trivially.
                v.push(b'a' + ((seed >> 60) as u8 % 6));
            }
            samples.push(v);
        }
        for (i, s) in samples.iter().enumerate() {
            match compress(s, s.len() - 4) {
                Some(c) => {
                    assert!(c.len() <= s.len() - 4);
                    assert_eq!(decompress(&c, s.len()).as_deref(), Some(&s[..]));
                }
                None => assert!(i >= 3 && s.len() < 300, "sample {i} should compress"),
            }
        }
    }

    #[test]
    fn any_budget_is_respected() {
        // Random inputs over alphabets of 1 to 256 symbols, every output budget around the
        // input size: the output fits the budget and decompresses back.
        let mut seed = 99u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..300 {
            let n = 3 + (rnd() % 700) as usize;
            let alphabet = 1 + rnd() % 256;
            let s: Vec<u8> = (0..n).map(|_| (rnd() % alphabet) as u8).collect();
            for budget in [1, n / 2, n.saturating_sub(4).max(1), n, n + 40] {
                if let Some(c) = compress(&s, budget) {
                    assert!(c.len() <= budget, "round {round}");
                    assert_eq!(decompress(&c, n).as_deref(), Some(&s[..]), "round {round}");
                }
            }
        }
    }

    #[test]
    fn incompressible_is_refused() {
        let s: Vec<u8> = (0..=255u8).collect();
        assert_eq!(compress(&s, s.len() - 4), None);
    }

    #[test]
    fn known_bytes() {
        // What Redis 7.0 writes for SET k aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (48 a's):
        // "aa", a back-reference of 44 bytes at offset 1, "aa" (from `DUMP k` in 7.0.15).
        let c = compress(&[b'a'; 48], 44).expect("compresses");
        assert_eq!(
            c,
            vec![0x01, b'a', b'a', 0xe0, 0x23, 0x00, 0x01, b'a', b'a']
        );
        assert_eq!(decompress(&c, 48).as_deref(), Some(&[b'a'; 48][..]));
    }

    #[test]
    fn malformed_is_rejected() {
        assert_eq!(decompress(&[0x05, b'a'], 6), None); // literal past the end
        assert_eq!(decompress(&[0x20, 0x00], 3), None); // back-reference before the start
        assert_eq!(decompress(&[0x00, b'a'], 2), None); // too short
        assert_eq!(decompress(&[0x00, b'a', 0xe0], 10), None); // truncated reference
    }
}
