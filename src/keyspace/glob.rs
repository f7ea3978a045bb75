//! Glob-style matching with Redis's `stringmatchlen` semantics, used by KEYS, SCAN MATCH,
//! CONFIG GET and (later) pub/sub patterns: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`.
//!
//! Faithful to Redis 7.0's `util.c` in its corner cases, because clients can observe them:
//! - a pattern never matches the empty string unless it is empty too (`*` does not match `""`:
//!   KEYS and SCAN special-case the lone `*` before calling this);
//! - in a range `[a-z]` bytes compare as C's signed `char`, so bytes >= 0x80 sort below ASCII;
//! - an unterminated class `[abc` ends at the end of the pattern; `[a-]` takes `]` as the end of
//!   the range, leaving the class open;
//! - `\x` inside a class compares case-sensitively even when matching without case;
//! - case folding is ASCII only (the C locale's `tolower`);
//! - recursion through `*` is capped at 1000 levels, and a failed `*` suffix search stops every
//!   enclosing `*` from retrying (Redis's `skipLongerMatches`), which keeps `*a*a*a*...b`
//!   linear instead of exponential.

/// True if `s` matches `pattern`.
pub fn matches(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, s, nocase, &mut skip_longer, 0)
}

#[inline]
fn eq(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// C's `tolower((int)(char)c)` in the C locale, on a signed char.
#[inline]
fn signed_lower(c: u8, nocase: bool) -> i32 {
    let c = if nocase { c.to_ascii_lowercase() } else { c };
    c as i8 as i32
}

fn match_impl(
    mut p: &[u8],
    mut s: &[u8],
    nocase: bool,
    skip_longer: &mut bool,
    depth: u32,
) -> bool {
    if depth > 1000 {
        return false;
    }
    while let (Some(&pc), Some(&sc)) = (p.first(), s.first()) {
        match pc {
            b'*' => {
                while p.get(1) == Some(&b'*') {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                while !s.is_empty() {
                    if match_impl(&p[1..], s, nocase, skip_longer, depth + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s = &s[1..];
                }
                *skip_longer = true;
                return false;
            }
            b'?' => {}
            b'[' => {
                p = &p[1..];
                let not = p.first() == Some(&b'^');
                if not {
                    p = &p[1..];
                }
                let mut matched = false;
                let mut closed = false;
                while let Some(&c) = p.first() {
                    if c == b'\\' && p.len() >= 2 {
                        p = &p[1..];
                        if p[0] == sc {
                            matched = true;
                        }
                    } else if c == b']' {
                        closed = true;
                        break;
                    } else if p.len() >= 3 && p[1] == b'-' {
                        let mut start = signed_lower(p[0], nocase);
                        let mut end = signed_lower(p[2], nocase);
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        let c = signed_lower(sc, nocase);
                        if c >= start && c <= end {
                            matched = true;
                        }
                        p = &p[2..];
                    } else if eq(c, sc, nocase) {
                        matched = true;
                    }
                    p = &p[1..];
                }
                if matched == not {
                    return false;
                }
                if !closed {
                    // The class ran to the end of the pattern: the whole pattern is used, so
                    // this is a match only if the string is used up too.
                    return s.len() == 1;
                }
            }
            b'\\' if p.len() >= 2 => {
                p = &p[1..];
                if !eq(p[0], sc, nocase) {
                    return false;
                }
            }
            c => {
                if !eq(c, sc, nocase) {
                    return false;
                }
            }
        }
        s = &s[1..];
        p = &p[1..];
        if s.is_empty() {
            while p.first() == Some(&b'*') {
                p = &p[1..];
            }
            break;
        }
    }
    p.is_empty() && s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::matches;

    fn t(p: &str, s: &str) -> bool {
        matches(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn basics() {
        assert!(t("*", "anything"));
        assert!(t("h?llo", "hello"));
        assert!(!t("h?llo", "hllo"));
        assert!(t("h*llo", "heeeello"));
        assert!(t("h*llo", "hllo"));
        assert!(t("h[ae]llo", "hallo"));
        assert!(!t("h[ae]llo", "hillo"));
        assert!(t("h[^e]llo", "hallo"));
        assert!(!t("h[^e]llo", "hello"));
        assert!(t("h[a-b]llo", "hbllo"));
        assert!(t("h[b-a]llo", "hallo"));
        assert!(t("h\\*llo", "h*llo"));
        assert!(!t("h\\*llo", "hallo"));
        assert!(t("a*", "a"));
        assert!(t("*a*", "bab"));
        assert!(!t("*a*", "bbb"));
        assert!(t("user:*:name", "user:42:name"));
        assert!(!t("a", ""));
        assert!(t("", ""));
        assert!(!t("", "a"));
        assert!(!t("a", "ab"));
        assert!(!t("ab", "a"));
        assert!(t("a**", "a"));
        assert!(t("a*b*", "ab"));
    }

    #[test]
    fn empty_string_only_matches_empty_pattern() {
        // Redis's loop runs only while both are non-empty: "*" does not match "".
        assert!(!t("*", ""));
        assert!(!t("**", ""));
        assert!(!t("?", ""));
    }

    #[test]
    fn classes_and_escapes() {
        assert!(t("[\\]]", "]"));
        assert!(t("[\\-]", "-"));
        assert!(t("[a\\]b]", "]"));
        assert!(t("[-a]", "-"));
        assert!(!t("[]", "]"));
        assert!(!t("[]a]", "a"));
        // Unterminated classes run to the end of the pattern.
        assert!(t("[a", "a"));
        assert!(!t("[a", "ab"));
        assert!(!t("x[a", "xb"));
        assert!(t("[^", "z"));
        assert!(!t("[", "["));
        assert!(t("[a\\", "\\"));
        // `[a-]` takes `]` as the range end; the class stays open.
        assert!(t("[a-]", "_"));
        assert!(t("[a-]x", "x"));
        // A lone trailing backslash is a literal.
        assert!(t("a\\", "a\\"));
        assert!(t("\\a", "a"));
        assert!(!t("?\\", "a"));
    }

    #[test]
    fn signed_char_ranges() {
        // C compares chars as signed: 0xff is -1, so [a-\xff] is [\xff-a] and covers 'A'.
        assert!(matches(b"[a-\xff]", b"A", false));
        assert!(!matches(b"[a-\xff]", b"\x80", false));
        assert!(matches(b"[\x80-z]", b"\xc0", false));
        assert!(matches(b"[\x80-z]", b"A", false));
        assert!(matches(b"\xc0", b"\xc0", true));
    }

    #[test]
    fn nocase() {
        assert!(matches(b"HELLO", b"hello", true));
        assert!(matches(b"h[A-Z]llo", b"hello", true));
        assert!(matches(b"h[E]llo", b"hello", true));
        assert!(!matches(b"h[\\E]llo", b"hello", true));
        assert!(matches(b"h\\Ello", b"hello", true));
        assert!(!matches(b"h[A-Z]llo", b"hello", false));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        let p = "*a".repeat(30) + "b";
        let s = "a".repeat(60);
        assert!(!t(&p, &s));
        let deep = "*?".repeat(2000);
        assert!(!t(&deep, &"x".repeat(1000)));
    }
}
