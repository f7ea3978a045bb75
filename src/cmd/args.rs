//! Argument parsing shared by every family: integers and floats with Redis's rules and errors,
//! and case-insensitive option matching.

use super::Error;

/// An integer argument (`string2ll` rules), or `ERR value is not an integer or out of range`.
#[inline]
pub fn parse_int(arg: &[u8]) -> Result<i64, Error> {
    crate::protocol::parse_i64(arg).ok_or(Error::NotInteger)
}

/// A float argument as Redis's `string2ld`/`strtod` checks it: no surrounding spaces, no NaN,
/// `inf`/`-inf`/`+inf` accepted. Errors with `ERR value is not a valid float`.
pub fn parse_f64(arg: &[u8]) -> Result<f64, Error> {
    let s = std::str::from_utf8(arg).map_err(|_| Error::NotFloat)?;
    if s.is_empty() || s.len() > 5000 || s.starts_with(|c: char| c.is_ascii_whitespace())
        || s.ends_with(|c: char| c.is_ascii_whitespace())
    {
        return Err(Error::NotFloat);
    }
    let lower = s.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => {
            // Rust's parser accepts "nan"/"infinity" spellings handled above and rejects hex
            // floats, which strtod accepts; Redis clients never send those.
            if lower.contains("nan") || lower.contains("inf") {
                return Err(Error::NotFloat);
            }
            s.parse::<f64>().map_err(|_| Error::NotFloat)?
        }
    };
    if v.is_nan() {
        return Err(Error::NotFloat);
    }
    Ok(v)
}

/// Case-insensitive comparison of an argument with an option name.
#[inline]
pub fn is(arg: &[u8], name: &str) -> bool {
    arg.eq_ignore_ascii_case(name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        assert_eq!(parse_f64(b"1.5"), Ok(1.5));
        assert_eq!(parse_f64(b"-inf"), Ok(f64::NEG_INFINITY));
        assert!(parse_f64(b"nan").is_err());
        assert!(parse_f64(b" 1").is_err());
        assert!(parse_f64(b"").is_err());
        assert!(parse_f64(b"1e").is_err());
        assert_eq!(parse_f64(b"1e3"), Ok(1000.0));
    }
}
