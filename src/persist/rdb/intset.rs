//! Redis's intset blob (`intset.c`): encoding (u32 LE: 2, 4 or 8 bytes per integer), length
//! (u32 LE), then the integers little-endian in strictly ascending order. Validated as
//! `intsetValidateIntegrity` in deep mode.

/// Checks `blob` and returns (width, count, contents).
pub fn parse(blob: &[u8]) -> Result<(usize, usize, &[u8]), &'static str> {
    if blob.len() < 8 {
        return Err("intset shorter than its header");
    }
    let width = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as usize;
    if !matches!(width, 2 | 4 | 8) {
        return Err("intset with an invalid encoding");
    }
    let count = u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]) as usize;
    let data = &blob[8..];
    if count.checked_mul(width) != Some(data.len()) {
        return Err("intset length does not match its size");
    }
    if count == 0 {
        return Err("intset is empty");
    }
    let mut prev: Option<i64> = None;
    for c in data.chunks_exact(width) {
        let v = get(c);
        if prev.is_some_and(|p| v <= p) {
            return Err("intset is not in strictly ascending order");
        }
        prev = Some(v);
    }
    Ok((width, count, data))
}

/// One little-endian integer of 2, 4 or 8 bytes.
pub fn get(c: &[u8]) -> i64 {
    match *c {
        [a, b] => i16::from_le_bytes([a, b]) as i64,
        [a, b, x, y] => i32::from_le_bytes([a, b, x, y]) as i64,
        [a, b, x, y, e, f, g, h] => i64::from_le_bytes([a, b, x, y, e, f, g, h]),
        _ => 0,
    }
}

/// The blob for `count` integers of `width` bytes in `data`.
pub fn build(width: usize, count: usize, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(8 + data.len());
    b.extend_from_slice(&(width as u32).to_le_bytes());
    b.extend_from_slice(&(count as u32).to_le_bytes());
    b.extend_from_slice(data);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates() {
        let ok = build(2, 3, &[1, 0, 2, 0, 0xff, 0x7f]);
        assert_eq!(parse(&ok).map(|(w, n, _)| (w, n)), Ok((2, 3)));
        assert!(parse(&build(2, 2, &[2, 0, 1, 0])).is_err()); // descending
        assert!(parse(&build(2, 2, &[1, 0, 1, 0])).is_err()); // duplicate
        assert!(parse(&build(3, 1, &[1, 0, 0])).is_err()); // width
        assert!(parse(&build(4, 2, &[1, 0, 0, 0])).is_err()); // short
        assert!(parse(&ok[..7]).is_err());
    }
}
