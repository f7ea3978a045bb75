//! CRC-64/Jones as Redis computes it (`crc64.c`): reflected polynomial 0xad93d23594c935a9,
//! initial value 0, no final xor. Check value: "123456789" -> 0xe9c6d914c4b8d9ca.
//!
//! Slicing-by-8 over tables built at compile time; the result is identical to the bit-by-bit
//! definition (and to Redis's `crcspeed` tables).

/// The polynomial, bit-reflected (`0xad93d23594c935a9` reversed).
const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

const fn make_tables() -> [[u64; 256]; 8] {
    let mut t = [[0u64; 256]; 8];
    let mut n = 0;
    while n < 256 {
        let mut crc = n as u64;
        let mut k = 0;
        while k < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY_REFLECTED
            } else {
                crc >> 1
            };
            k += 1;
        }
        t[0][n] = crc;
        n += 1;
    }
    let mut n = 0;
    while n < 256 {
        let mut crc = t[0][n];
        let mut k = 1;
        while k < 8 {
            crc = t[0][(crc & 0xff) as usize] ^ (crc >> 8);
            t[k][n] = crc;
            k += 1;
        }
        n += 1;
    }
    t
}

static TABLES: [[u64; 256]; 8] = make_tables();

/// Continues a CRC over `data` (start with 0).
pub fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let v = crc ^ u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        crc = TABLES[7][(v & 0xff) as usize]
            ^ TABLES[6][((v >> 8) & 0xff) as usize]
            ^ TABLES[5][((v >> 16) & 0xff) as usize]
            ^ TABLES[4][((v >> 24) & 0xff) as usize]
            ^ TABLES[3][((v >> 32) & 0xff) as usize]
            ^ TABLES[2][((v >> 40) & 0xff) as usize]
            ^ TABLES[1][((v >> 48) & 0xff) as usize]
            ^ TABLES[0][(v >> 56) as usize];
    }
    for &b in chunks.remainder() {
        crc = TABLES[0][((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value() {
        assert_eq!(crc64(0, b"123456789"), 0xe9c6d914c4b8d9ca);
        // Redis's crc64 test: the same text in two pieces.
        assert_eq!(crc64(crc64(0, b"1234"), b"56789"), 0xe9c6d914c4b8d9ca);
        let li = b"This is a test of the emergency broadcast system.";
        let mut bitwise = 0u64;
        for &b in li {
            bitwise ^= b as u64;
            for _ in 0..8 {
                bitwise = if bitwise & 1 == 1 {
                    (bitwise >> 1) ^ POLY_REFLECTED
                } else {
                    bitwise >> 1
                };
            }
        }
        assert_eq!(crc64(0, li), bitwise);
    }
}
