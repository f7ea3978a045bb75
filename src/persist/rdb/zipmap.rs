//! Redis's zipmap blob (`zipmap.c`), written by Redis 2.4 and older for small hashes. Read
//! only, validated as `zipmapValidateIntegrity` does.
//!
//! Layout: zmlen (1 byte, 254 = unknown), then per entry: key length, key, value length, free
//! (1 byte), value, `free` unused bytes; 0xFF at the end. A length is one byte below 254, or
//! 254 followed by a u32 (little-endian).

/// A (field, value) pair.
pub type Pair<'a> = (&'a [u8], &'a [u8]);

/// The (field, value) pairs of `zm`.
pub fn parse(zm: &[u8]) -> Result<Vec<Pair<'_>>, &'static str> {
    if zm.len() < 2 {
        return Err("zipmap shorter than its header");
    }
    let zmlen = zm[0];
    let mut p = 1;
    let mut out = Vec::new();
    let len_at = |p: usize| -> Result<Option<(usize, usize)>, &'static str> {
        match zm.get(p) {
            None => Err("zipmap runs past its end"),
            Some(255) => Ok(None),
            Some(254) => {
                let d = zm.get(p + 1..p + 5).ok_or("zipmap runs past its end")?;
                Ok(Some((
                    u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize,
                    5,
                )))
            }
            Some(&b) => Ok(Some((b as usize, 1))),
        }
    };
    while let Some((klen, ks)) = len_at(p)? {
        p += ks;
        let key = zm.get(p..p + klen).ok_or("zipmap key runs past its end")?;
        p += klen;
        let Some((vlen, vs)) = len_at(p)? else {
            return Err("zipmap ends after a key");
        };
        p += vs;
        let free = *zm.get(p).ok_or("zipmap runs past its end")? as usize;
        p += 1;
        let val = zm
            .get(p..p + vlen)
            .ok_or("zipmap value runs past its end")?;
        p += vlen + free;
        out.push((key, val));
    }
    if p + 1 != zm.len() {
        return Err("zipmap end marker is not at its end");
    }
    if zmlen < 254 && zmlen as usize != out.len() {
        return Err("zipmap element count does not match its header");
    }
    Ok(out)
}

/// Builds a zipmap, for tests and tools (written by Redis 2.4 and older only).
pub fn build(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut zm = vec![pairs.len().min(254) as u8];
    let put = |zm: &mut Vec<u8>, n: usize| {
        if n < 254 {
            zm.push(n as u8);
        } else {
            zm.push(254);
            zm.extend_from_slice(&(n as u32).to_le_bytes());
        }
    };
    for (k, v) in pairs {
        put(&mut zm, k.len());
        zm.extend_from_slice(k);
        put(&mut zm, v.len());
        zm.push(1); // one free byte, as an updated value leaves
        zm.extend_from_slice(v);
        zm.push(0);
    }
    zm.push(255);
    zm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption() {
        let long = vec![b'v'; 300];
        let pairs: Vec<(&[u8], &[u8])> = vec![(b"a", b"1"), (b"field", &long)];
        let zm = build(&pairs);
        assert_eq!(parse(&zm).expect("valid"), pairs);
        for cut in 0..zm.len() {
            assert!(parse(&zm[..cut]).is_err());
        }
    }
}
