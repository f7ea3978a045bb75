//! The x87 80-bit `long double` arithmetic INCRBYFLOAT depends on, in software.
//!
//! Redis parses both operands with `strtold`, adds them in extended precision (64-bit
//! significand, 15-bit exponent) and prints the sum with `%.17Lf`, trailing zeros stripped. An
//! `f64` gives different digits (`10.5 + 0.1` must print `10.6`, not `10.59999999999999964`), so
//! the three steps are reproduced exactly here: correctly rounded parsing (decimal and hex,
//! `inf`, subnormals), correctly rounded addition, and exact fixed-point printing with glibc's
//! round-half-even. Values are kept exact as `mant * 2^exp`; a small big-integer type does the
//! wide intermediate work.

use std::cmp::Ordering;

/// Smallest exponent of a unit in the last place (the least subnormal is `2^-16445`).
const MIN_EXP: i64 = -16445;
/// Values at or above `2^16384` are infinite.
const MAX_TOP: i64 = 16383;
/// Longest input Redis's `string2ld` accepts (its buffer is `MAX_LONG_DOUBLE_CHARS`).
const MAX_CHARS: usize = 5 * 1024;

/// A long double: finite values are exactly `(-1)^neg * mant * 2^exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongDouble {
    Finite { neg: bool, mant: u64, exp: i32 },
    Inf { neg: bool },
}

impl LongDouble {
    pub const ZERO: LongDouble = LongDouble::Finite {
        neg: false,
        mant: 0,
        exp: 0,
    };

    /// An integer, exactly (every i64 fits in a 64-bit significand).
    pub fn from_i64(n: i64) -> LongDouble {
        LongDouble::Finite {
            neg: n < 0,
            mant: n.unsigned_abs(),
            exp: 0,
        }
    }

    /// Parses like Redis's `string2ld`: `strtold` must consume the whole argument (so a NUL
    /// byte is an error), no leading space, no NaN, and no finite input that overflows to
    /// infinity or underflows to zero. `inf`/`infinity` are accepted.
    pub fn parse(s: &[u8]) -> Option<LongDouble> {
        if s.is_empty() || s.len() >= MAX_CHARS || memchr::memchr(0, s).is_some() {
            return None;
        }
        if s[0].is_ascii_whitespace() || s[0] == 0x0b {
            return None;
        }
        let (neg, body) = match s[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
            return Some(LongDouble::Inf { neg });
        }
        let v = if body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
            parse_hex(neg, &body[2..])?
        } else {
            parse_dec(neg, body)?
        };
        match v {
            // A finite input that rounds to infinity is ERANGE: rejected.
            LongDouble::Inf { .. } => None,
            LongDouble::Finite { .. } => Some(v),
        }
    }

    /// The sum, or `None` if it is NaN or infinite.
    pub fn checked_add(self, other: LongDouble) -> Option<LongDouble> {
        let (
            LongDouble::Finite {
                neg: an,
                mant: am,
                exp: ae,
            },
            LongDouble::Finite {
                neg: bn,
                mant: bm,
                exp: be,
            },
        ) = (self, other)
        else {
            return None;
        };
        if am == 0 {
            return Some(if bm == 0 {
                LongDouble::Finite {
                    neg: an && bn,
                    mant: 0,
                    exp: 0,
                }
            } else {
                other
            });
        }
        if bm == 0 {
            return Some(self);
        }
        let emin = ae.min(be);
        let mut a = Big::from_u128(am as u128);
        a.shl((ae - emin) as u64);
        let mut b = Big::from_u128(bm as u128);
        b.shl((be - emin) as u64);
        let (neg, sum) = if an == bn {
            a.add(&b);
            (an, a)
        } else {
            match a.cmp(&b) {
                Ordering::Equal => return Some(LongDouble::ZERO),
                Ordering::Greater => {
                    a.sub(&b);
                    (an, a)
                }
                Ordering::Less => {
                    b.sub(&a);
                    (bn, b)
                }
            }
        };
        match round(neg, &sum, emin as i64, false) {
            LongDouble::Inf { .. } => None,
            v => Some(v),
        }
    }

    /// Formats a finite value as Redis's `ld2string(LD_STR_HUMAN)`: `%.17Lf`, trailing zeros
    /// and a trailing point removed, `-0` written `0`.
    pub fn to_human(self) -> String {
        let (neg, mant, exp) = match self {
            LongDouble::Inf { neg } => return if neg { "-inf".into() } else { "inf".into() },
            LongDouble::Finite { neg, mant, exp } => (neg, mant, exp),
        };
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        if exp >= 0 {
            // An integer: no fractional digits survive the stripping.
            let mut n = Big::from_u128(mant as u128);
            n.shl(exp as u64);
            out.push_str(&n.to_decimal());
        } else {
            // |value| < 2^64, so value * 10^17 < 2^121 fits in a u128 before rounding.
            let scaled = mant as u128 * 100_000_000_000_000_000u128;
            let k = (-(exp as i64)) as u32;
            let fixed = if k >= 128 {
                0
            } else {
                let q = scaled >> k;
                let rem = scaled & ((1u128 << k) - 1);
                let half = 1u128 << (k - 1);
                if rem > half || (rem == half && q & 1 == 1) {
                    q + 1
                } else {
                    q
                }
            };
            let digits = format!("{fixed:018}");
            let (int, frac) = digits.split_at(digits.len() - 17);
            out.push_str(int);
            let frac = frac.trim_end_matches('0');
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
        }
        if out == "-0" {
            out.remove(0);
        }
        out
    }
}

/// `[digits][.digits][e[sign]digits]` after the sign, all of it.
fn parse_dec(neg: bool, s: &[u8]) -> Option<LongDouble> {
    let mut i = 0;
    let mut n = Big::zero();
    let mut chunk = 0u32;
    let mut chunk_len = 0u32;
    let mut digits = 0usize; // significant digits, leading zeros skipped
    let mut frac_digits = 0i64;
    let mut seen_digit = false;
    let mut seen_point = false;
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() {
            seen_digit = true;
            if seen_point {
                frac_digits += 1;
            }
            if digits > 0 || c != b'0' {
                digits += 1;
                chunk = chunk * 10 + (c - b'0') as u32;
                chunk_len += 1;
                if chunk_len == 9 {
                    n.mul_small(1_000_000_000);
                    n.add_small(chunk);
                    chunk = 0;
                    chunk_len = 0;
                }
            }
        } else if c == b'.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if chunk_len > 0 {
        n.mul_small(10u32.pow(chunk_len));
        n.add_small(chunk);
    }
    let mut exp10 = 0i64;
    if i < s.len() {
        if s[i] | 0x20 != b'e' {
            return None;
        }
        exp10 = parse_exponent(&s[i + 1..])?;
    }
    if n.is_zero() {
        return Some(LongDouble::Finite {
            neg,
            mant: 0,
            exp: 0,
        });
    }
    let e = exp10 - frac_digits;
    // The value lies in [10^(top-1), 10^top).
    let top = digits as i64 + e;
    if top > 4933 {
        return Some(LongDouble::Inf { neg });
    }
    if top < -4951 {
        return None; // below half the least subnormal: rounds to zero, ERANGE
    }
    let v = if e >= 0 {
        n.mul_pow5(e as u64);
        round(neg, &n, e, false)
    } else {
        // value = n / 5^k * 2^-k: take a quotient with 66+ significant bits and a sticky bit.
        let k = -e;
        let mut d = Big::from_u128(1);
        d.mul_pow5(k as u64);
        let t = n.bits() as i64 - d.bits() as i64 - 66;
        if t > 0 {
            d.shl(t as u64);
        } else {
            n.shl((-t) as u64);
        }
        let (q, inexact) = n.div_small_quotient(&d);
        round(neg, &Big::from_u128(q), t - k, inexact)
    };
    match v {
        LongDouble::Finite { mant: 0, .. } => None, // underflow to zero: ERANGE
        v => Some(v),
    }
}

/// `[hexdigits][.hexdigits][p[sign]digits]` after `0x`, all of it.
fn parse_hex(neg: bool, s: &[u8]) -> Option<LongDouble> {
    let mut i = 0;
    let mut n = Big::zero();
    let mut exp2 = 0i64;
    let mut seen_digit = false;
    let mut seen_point = false;
    while i < s.len() {
        let c = s[i];
        if let Some(d) = (c as char).to_digit(16) {
            seen_digit = true;
            if seen_point {
                exp2 -= 4;
            }
            if !n.is_zero() || d != 0 {
                n.shl(4);
                n.add_small(d);
            }
        } else if c == b'.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        i += 1;
    }
    if !seen_digit {
        return None; // "0x" alone: strtold stops after the 0
    }
    if i < s.len() {
        if s[i] | 0x20 != b'p' {
            return None;
        }
        exp2 = exp2.saturating_add(parse_exponent(&s[i + 1..])?);
    }
    if n.is_zero() {
        return Some(LongDouble::Finite {
            neg,
            mant: 0,
            exp: 0,
        });
    }
    let top = n.bits() as i64 - 1 + exp2;
    if top > MAX_TOP + 1 {
        return Some(LongDouble::Inf { neg });
    }
    if top < MIN_EXP - 2 {
        return None;
    }
    match round(neg, &n, exp2, false) {
        LongDouble::Finite { mant: 0, .. } => None,
        v => Some(v),
    }
}

/// `[sign]digits` to the end of `s`, saturating far beyond any meaningful exponent.
fn parse_exponent(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v = 0i64;
    for &c in digits {
        v = (v * 10 + (c - b'0') as i64).min(1_000_000_000);
    }
    Some(if neg { -v } else { v })
}

/// Rounds `(n + sticky) * 2^exp` to the nearest long double, ties to even, with subnormals and
/// overflow to infinity. `sticky` says a non-zero fraction below `n`'s last bit was dropped;
/// it is only passed with `n` of 66+ bits, so it never decides more than a tie.
fn round(neg: bool, n: &Big, exp: i64, sticky: bool) -> LongDouble {
    if n.is_zero() {
        return LongDouble::Finite {
            neg,
            mant: 0,
            exp: 0,
        };
    }
    let top = n.bits() as i64 - 1 + exp;
    let qexp = (top - 63).max(MIN_EXP);
    let shift = qexp - exp;
    let mut mant;
    let mut qexp = qexp;
    if shift <= 0 {
        debug_assert!(!sticky);
        mant = n.bits_at(0) << (-shift) as u32;
    } else {
        let shift = shift as u64;
        mant = n.bits_at(shift);
        let half = n.bit(shift - 1);
        let rest = sticky || n.any_below(shift - 1);
        if half && (rest || mant & 1 == 1) {
            mant = match mant.checked_add(1) {
                Some(m) => m,
                None => {
                    qexp += 1;
                    1 << 63
                }
            };
        }
    }
    if mant != 0 && 63 - mant.leading_zeros() as i64 + qexp > MAX_TOP {
        return LongDouble::Inf { neg };
    }
    LongDouble::Finite {
        neg,
        mant,
        exp: qexp as i32,
    }
}

/// A minimal unsigned big integer: little-endian 32-bit limbs, no leading zero limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn zero() -> Big {
        Big(Vec::new())
    }

    fn from_u128(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v != 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big(limbs)
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn bits(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(&top) => self.0.len() as u64 * 32 - top.leading_zeros() as u64,
        }
    }

    fn bit(&self, i: u64) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    /// True if any bit below position `i` is set.
    fn any_below(&self, i: u64) -> bool {
        let whole = (i / 32) as usize;
        if self.0.iter().take(whole).any(|&l| l != 0) {
            return true;
        }
        let part = (i % 32) as u32;
        part > 0
            && self
                .0
                .get(whole)
                .is_some_and(|&l| l & ((1u32 << part) - 1) != 0)
    }

    /// The 64 bits starting at bit `i`.
    fn bits_at(&self, i: u64) -> u64 {
        let mut v = 0u64;
        for k in 0..64 {
            if self.bit(i + k) {
                v |= 1 << k;
            }
        }
        v
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in &mut self.0 {
            let x = *l as u64 * m as u64 + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn add_small(&mut self, a: u32) {
        let mut carry = a as u64;
        for l in &mut self.0 {
            if carry == 0 {
                return;
            }
            let x = *l as u64 + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut k: u64) {
        const POW5_13: u32 = 1_220_703_125;
        while k >= 13 {
            self.mul_small(POW5_13);
            k -= 13;
        }
        self.mul_small(5u32.pow(k as u32));
    }

    fn shl(&mut self, n: u64) {
        if self.is_zero() {
            return;
        }
        let limbs = (n / 32) as usize;
        let bits = (n % 32) as u32;
        if bits > 0 {
            let mut carry = 0u32;
            for l in &mut self.0 {
                let x = *l;
                *l = (x << bits) | carry;
                carry = x >> (32 - bits);
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 {
            self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }

    fn shr1(&mut self) {
        let mut carry = 0u32;
        for l in self.0.iter_mut().rev() {
            let x = *l;
            *l = (x >> 1) | (carry << 31);
            carry = x & 1;
        }
        self.trim();
    }

    fn add(&mut self, o: &Big) {
        if self.0.len() < o.0.len() {
            self.0.resize(o.0.len(), 0);
        }
        let mut carry = 0u64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let x = *l as u64 + *o.0.get(i).unwrap_or(&0) as u64 + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// `self -= o`; requires `self >= o`.
    fn sub(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let mut x = *l as i64 - *o.0.get(i).unwrap_or(&0) as i64 - borrow;
            borrow = 0;
            if x < 0 {
                x += 1 << 32;
                borrow = 1;
            }
            *l = x as u32;
        }
        self.trim();
    }

    fn cmp(&self, o: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }

    /// `(self / d, self % d != 0)` for a quotient known to fit in 70 bits (bitwise long
    /// division: the dividend is consumed).
    fn div_small_quotient(&mut self, d: &Big) -> (u128, bool) {
        const QBITS: u64 = 70;
        let mut shifted = d.clone();
        shifted.shl(QBITS - 1);
        let mut q = 0u128;
        for i in (0..QBITS).rev() {
            if self.cmp(&shifted) != Ordering::Less {
                self.sub(&shifted);
                q |= 1 << i;
            }
            shifted.shr1();
        }
        (q, !self.is_zero())
    }

    fn divmod_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let x = (rem << 32) | *l as u64;
            *l = (x / d as u64) as u32;
            rem = x % d as u64;
        }
        self.trim();
        rem as u32
    }

    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.divmod_small(1_000_000_000));
        }
        let mut s = String::with_capacity(chunks.len() * 9);
        let mut it = chunks.iter().rev();
        if let Some(first) = it.next() {
            s.push_str(&first.to_string());
        }
        for c in it {
            s.push_str(&format!("{c:09}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `INCRBYFLOAT` on `a` by `b`, as Redis replies (checked against glibc's strtold/printf).
    fn incr(a: &str, b: &str) -> String {
        let Some(x) = LongDouble::parse(a.as_bytes()) else {
            return "EVAL".into();
        };
        let Some(y) = LongDouble::parse(b.as_bytes()) else {
            return "EINCR".into();
        };
        match x.checked_add(y) {
            Some(v) => v.to_human(),
            None => "ENAN".into(),
        }
    }

    #[test]
    fn matches_glibc() {
        let cases = [
            ("10.5", "0.1", "10.6"),
            ("0", "0.5", "0.5"),
            ("0", "0.000003814697265625", "0.00000381469726562"),
            ("0", "0x3p-18", "0.00001144409179688"),
            ("1e-4951", "0", "EVAL"),
            ("5.0e3", "1", "5001"),
            ("0x1.8p1", "0", "3"),
            ("0x10", "1", "17"),
            ("1", "inf", "ENAN"),
            ("1", "-inf", "ENAN"),
            ("1", "nan", "EINCR"),
            ("1", "1e4933", "EINCR"),
            (" 1", "1", "EVAL"),
            ("1 ", "1", "EVAL"),
            ("1e", "1", "EVAL"),
            ("0x", "1", "EVAL"),
            (".5", "1.", "1.5"),
            (".", "1", "EVAL"),
            ("-0", "0", "0"),
            ("-1e-30", "0", "0"),
            ("3.0", "-3", "0"),
            ("1.1", "-2.2", "-1.1"),
            (
                "1e308",
                "5001",
                "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048",
            ),
            ("9223372036854775807", "1", "9223372036854775808"),
            ("0.1", "0.2", "0.3"),
            ("1.1897314953572317650e+4932", "1e4932", "ENAN"),
            ("0x1p16383", "0x1p16383", "ENAN"),
            ("3.6451995318824746025e-4951", "0", "0"),
            ("1.8225997659412373012e-4951", "0", "EVAL"),
            ("1", "0x1.8p-64", "1"),
            ("0", "0.000000000000000025", "0.00000000000000002"),
            ("0", "0.000000000000000015", "0.00000000000000002"),
            ("1\0junk", "1", "EVAL"),
            ("1", "\0", "EINCR"),
        ];
        for (a, b, want) in cases {
            assert_eq!(incr(a, b), want, "{a} + {b}");
        }
        let max = incr("1.18973149535723176502e+4932", "0");
        assert!(max.starts_with("118973149535723176502126385303097020516906332229462420044032"));
        assert_eq!(max.len(), 4933);
    }
}
