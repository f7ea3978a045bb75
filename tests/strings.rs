//! The string family end to end: every command, option and error replayed against a real
//! redis-server (`compat`, byte-identical replies), plus expiry effects observed with GET.

mod common;

use std::time::Duration;

use common::{Server, compat, compat_with, wait_until};

fn get(c: &mut redis::Connection, key: &str) -> Option<String> {
    redis::cmd("GET").arg(key).query(c).unwrap()
}

fn q(c: &mut redis::Connection, args: &[&str]) {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    let _: redis::Value = cmd.query(c).unwrap();
}

/// Waits until `key` is gone (expired); false if it is still there after 10 s.
fn expires(c: &mut redis::Connection, key: &str) -> bool {
    wait_until(Duration::from_secs(10), || get(c, key).is_none())
}

#[test]
fn get_set_basics() {
    compat(&[
        &["GET", "k"],
        &["SET", "k", "v"],
        &["GET", "k"],
        &["SET", "k", ""],
        &["GET", "k"],
        &["SET", "k", "123"],
        &["GET", "k"],
        &["SET", "k", "-9223372036854775808"],
        &["GET", "k"],
        &["SET", "k", "99999999999999999999"],
        &["GET", "k"],
        &["SET", "k", "bin\0ary\r\n"],
        &["GET", "k"],
        &["SET", "k"],
        &["GET"],
        &["GET", "a", "b"],
    ]);
}

#[test]
fn set_options() {
    compat(&[
        // NX / XX
        &["SET", "k", "v", "XX"],
        &["GET", "k"],
        &["SET", "k", "v", "NX"],
        &["SET", "k", "w", "NX"],
        &["GET", "k"],
        &["SET", "k", "w", "xx"],
        &["GET", "k"],
        &["SET", "k", "w", "nX", "Nx"],
        &["SET", "k", "w", "XX", "XX"],
        // GET
        &["SET", "k", "x", "GET"],
        &["SET", "new", "x", "GET"],
        &["GET", "new"],
        &["SET", "k", "y", "NX", "GET"],
        &["GET", "k"],
        &["SET", "k2", "y", "NX", "GET"],
        &["SET", "k3", "y", "XX", "GET"],
        &["GET", "k3"],
        &["SET", "k", "z", "GET", "GET", "XX"],
        &["SET", "k", "v", "get", "EX", "100"],
        // expire options accepted
        &["SET", "k", "v", "EX", "100"],
        &["SET", "k", "v", "PX", "100000"],
        &["SET", "k", "v", "EXAT", "32503680000"],
        &["SET", "k", "v", "PXAT", "32503680000000"],
        &["SET", "k", "v", "KEEPTTL"],
        &["SET", "k", "v", "ex", "100", "EX", "200"],
        &["SET", "k", "v", "KEEPTTL", "keepttl"],
        &["SET", "k", "v", "EX", "100", "NX", "GET"],
        &["SET", "k", "v", "EXAT", "9223372036854775"],
        &["SET", "k", "v", "PXAT", "9223372036854775807"],
        &["GET", "k"],
        // conflicts and unknown options
        &["SET", "k", "v", "NX", "XX"],
        &["SET", "k", "v", "XX", "NX"],
        &["SET", "k", "v", "EX", "10", "PX", "10"],
        &["SET", "k", "v", "PX", "10", "EX", "10"],
        &["SET", "k", "v", "EX", "10", "EXAT", "10"],
        &["SET", "k", "v", "PXAT", "10", "EXAT", "10"],
        &["SET", "k", "v", "PX", "10", "PXAT", "10"],
        &["SET", "k", "v", "EX", "10", "KEEPTTL"],
        &["SET", "k", "v", "KEEPTTL", "EX", "10"],
        &["SET", "k", "v", "KEEPTTL", "PXAT", "10"],
        &["SET", "k", "v", "PERSIST"],
        &["SET", "k", "v", "EX"],
        &["SET", "k", "v", "PX"],
        &["SET", "k", "v", "EX", "10", "PX"],
        &["SET", "k", "v", "FOO"],
        &["SET", "k", "v", "NXX"],
        &["SET", "k", "v", "GETT"],
        &["SET", "k", "v", "E"],
        // invalid expire times (error names the command)
        &["SET", "k", "v", "EX", "abc"],
        &["SET", "k", "v", "EX", "1.5"],
        &["SET", "k", "v", "EX", "0"],
        &["SET", "k", "v", "EX", "-1"],
        &["SET", "k", "v", "PX", "0"],
        &["SET", "k", "v", "EXAT", "0"],
        &["SET", "k", "v", "PXAT", "-5"],
        &["SET", "k", "v", "EX", "9223372036854776"],
        &["SET", "k", "v", "EXAT", "9223372036854776"],
        &["SET", "k", "v", "EX", "9223372036854775"],
        &["SET", "k", "v", "PX", "9223372036854775807"],
        &["SET", "k", "v", "EX", "99999999999999999999"],
        // the expire time is checked before GET replies
        &["SET", "k", "v", "GET", "EX", "0"],
        &["GET", "k"],
        // an expire time in the past stores an already expired key
        &["SET", "past", "v", "PXAT", "1"],
        &["GET", "past"],
        &["SET", "past", "v", "EXAT", "1", "GET"],
        &["GET", "past"],
    ]);
}

#[test]
fn setnx_setex_psetex_getset_getdel() {
    compat(&[
        &["SETNX", "k", "1"],
        &["SETNX", "k", "2"],
        &["GET", "k"],
        &["SETNX", "k"],
        &["SETEX", "k", "100", "v"],
        &["GET", "k"],
        &["SETEX", "k", "0", "v"],
        &["SETEX", "k", "-10", "v"],
        &["SETEX", "k", "abc", "v"],
        &["SETEX", "k", "9223372036854776", "v"],
        &["SETEX", "k", "100"],
        &["PSETEX", "k", "100000", "w"],
        &["GET", "k"],
        &["PSETEX", "k", "0", "w"],
        &["PSETEX", "k", "9223372036854775807", "w"],
        &["PSETEX", "k", "1x", "w"],
        &["GETSET", "k", "x"],
        &["GETSET", "k", "123"],
        &["GETSET", "nope", "y"],
        &["GET", "nope"],
        &["GETSET", "k"],
        &["GETDEL", "k"],
        &["GETDEL", "k"],
        &["GET", "k"],
        &["GETDEL", "nope"],
        &["DBSIZE"],
        &["GETDEL", "a", "b"],
    ]);
}

#[test]
fn getex() {
    compat(&[
        &["GETEX", "k"],
        &["GETEX", "k", "EX", "abc"],
        &["GETEX", "k", "EX", "0"],
        &["SET", "k", "v"],
        &["GETEX", "k"],
        &["GETEX", "k", "EX", "100"],
        &["GETEX", "k", "PX", "100000"],
        &["GETEX", "k", "EXAT", "32503680000"],
        &["GETEX", "k", "PXAT", "32503680000000"],
        &["GETEX", "k", "PERSIST"],
        &["GETEX", "k", "persist", "PERSIST"],
        &["GETEX", "k", "ex", "10", "EX", "20"],
        &["GETEX", "k", "EX", "0"],
        &["GETEX", "k", "EX", "-1"],
        &["GETEX", "k", "PX", "0"],
        &["GETEX", "k", "EXAT", "0"],
        &["GETEX", "k", "EX", "abc"],
        &["GETEX", "k", "EX", "9223372036854776"],
        &["GETEX", "k", "PX", "9223372036854775807"],
        &["GETEX", "k", "EX"],
        &["GETEX", "k", "EX", "10", "PX", "10"],
        &["GETEX", "k", "EX", "10", "PERSIST"],
        &["GETEX", "k", "PERSIST", "EX", "10"],
        &["GETEX", "k", "KEEPTTL"],
        &["GETEX", "k", "NX"],
        &["GETEX", "k", "XX"],
        &["GETEX", "k", "GET"],
        &["GETEX", "k", "FOO"],
        &["GET", "k"],
        &["SET", "n", "42"],
        &["GETEX", "n", "EX", "100"],
        // an absolute time in the past deletes the key at once
        &["GETEX", "n", "PXAT", "1"],
        &["GET", "n"],
        &["SET", "n", "42"],
        &["GETEX", "n", "EXAT", "1"],
        &["DBSIZE"],
        &["GETEX"],
    ]);
}

#[test]
fn mget_mset_msetnx() {
    compat(&[
        &["MGET", "a", "b"],
        &["MSET", "a", "1", "b", "two", "c", "3"],
        &["MGET", "a", "b", "nope", "c", "a"],
        &["MSET", "a", "x", "a", "y"],
        &["GET", "a"],
        &["MSET", "a"],
        &["MSET", "a", "1", "b"],
        &["MSETNX", "a", "1", "b"],
        &["MSETNX", "a", "1", "z", "2"],
        &["GET", "z"],
        &["MSETNX", "y", "1", "z", "2"],
        &["MGET", "y", "z"],
        &["MSETNX", "w", "1", "w", "2"],
        &["GET", "w"],
        &["MSETNX"],
        &["MGET"],
        &["DBSIZE"],
    ]);
}

#[test]
fn append_strlen() {
    compat(&[
        &["STRLEN", "k"],
        &["APPEND", "k", "hello"],
        &["APPEND", "k", " world"],
        &["GET", "k"],
        &["STRLEN", "k"],
        &["APPEND", "k", ""],
        &["APPEND", "empty", ""],
        &["GET", "empty"],
        &["STRLEN", "empty"],
        &["SET", "n", "-12345"],
        &["STRLEN", "n"],
        &["APPEND", "n", "6"],
        &["GET", "n"],
        &["INCR", "n"],
        &["APPEND", "m", "100"],
        &["INCR", "m"],
        &["APPEND", "bin", "a\0b"],
        &["STRLEN", "bin"],
        &["APPEND", "k"],
        &["STRLEN"],
    ]);
}

#[test]
fn getrange_substr() {
    let mut script: Vec<Vec<String>> = vec![
        vec!["GETRANGE".into(), "nope".into(), "0".into(), "-1".into()],
        vec!["SET".into(), "s".into(), "Hello World".into()],
        vec!["SET".into(), "n".into(), "1234567".into()],
        vec!["SET".into(), "e".into(), "".into()],
    ];
    let ranges = [
        ("0", "-1"),
        ("0", "0"),
        ("0", "4"),
        ("-5", "-1"),
        ("-1", "-5"),
        ("5", "3"),
        ("-100", "100"),
        ("100", "200"),
        ("-100", "-50"),
        ("3", "-100"),
        ("-3", "2"),
        ("0", "9223372036854775807"),
        ("-9223372036854775808", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775807", "-9223372036854775808"),
    ];
    for key in ["s", "n", "e", "nope"] {
        for (a, b) in ranges {
            for cmd in ["GETRANGE", "SUBSTR"] {
                script.push(vec![cmd.into(), key.into(), a.into(), b.into()]);
            }
        }
    }
    script.extend([
        vec!["GETRANGE".into(), "s".into(), "a".into(), "1".into()],
        vec!["GETRANGE".into(), "s".into(), "0".into(), "1.5".into()],
        vec!["GETRANGE".into(), "nope".into(), "x".into(), "1".into()],
        vec!["GETRANGE".into(), "s".into(), "0".into()],
        vec!["SUBSTR".into(), "s".into()],
    ]);
    let refs: Vec<Vec<&str>> = script
        .iter()
        .map(|c| c.iter().map(String::as_str).collect())
        .collect();
    let cmds: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    compat(&cmds);
}

#[test]
fn setrange() {
    compat(&[
        &["SETRANGE", "k", "0", ""],
        &["SETRANGE", "k", "100", ""],
        &["GET", "k"],
        &["SETRANGE", "k", "5", "abc"],
        &["GET", "k"],
        &["STRLEN", "k"],
        &["SETRANGE", "k", "0", "xyz"],
        &["GET", "k"],
        &["SETRANGE", "k", "6", "long tail"],
        &["GET", "k"],
        &["SETRANGE", "k", "0", ""],
        &["SETRANGE", "k", "1000", ""],
        &["SET", "n", "12345"],
        &["SETRANGE", "n", "1", "9"],
        &["GET", "n"],
        &["INCR", "n"],
        &["SETRANGE", "n", "0", ""],
        &["SETRANGE", "k", "-1", "x"],
        &["SETRANGE", "nope", "-1", ""],
        &["SETRANGE", "k", "abc", "x"],
        &["SETRANGE", "k", "9223372036854775807", "x"],
        &["SETRANGE", "k", "9223372036854775808", "x"],
        &["SETRANGE", "k", "536870912", "x"],
        &["SETRANGE", "nope", "536870912", "x"],
        &["SETRANGE", "nope", "536870912", ""],
        &["SETRANGE", "k", "536870912", ""],
        &["SETRANGE", "k", "0"],
    ]);
}

/// proto-max-bulk-len bounds SETRANGE and APPEND (1mb is the smallest value Redis accepts).
#[test]
fn string_size_limit() {
    compat_with(
        &["--proto-max-bulk-len", "1mb"],
        &[
            &["SETRANGE", "k", "1048576", "x"],
            &["SETRANGE", "k", "1048575", "xy"],
            &["SETRANGE", "k", "1048575", "x"],
            &["STRLEN", "k"],
            &["APPEND", "k", "y"],
            &["APPEND", "k", ""],
            &["SETRANGE", "k", "1048575", "z"],
            &["SETRANGE", "k", "1048576", ""],
            &["GETRANGE", "k", "-1", "-1"],
            &["STRLEN", "k"],
        ],
    );
}

#[test]
fn incr_decr() {
    compat(&[
        &["INCR", "n"],
        &["INCR", "n"],
        &["DECR", "n"],
        &["DECR", "m"],
        &["INCRBY", "n", "100"],
        &["INCRBY", "n", "-200"],
        &["DECRBY", "n", "-50"],
        &["DECRBY", "n", "7"],
        &["GET", "n"],
        &["INCRBY", "n", "abc"],
        &["INCRBY", "n", "1.5"],
        &["INCRBY", "n", "9223372036854775808"],
        &["DECRBY", "n", "-9223372036854775808"],
        &["DECRBY", "n", "9223372036854775807"],
        &["SET", "max", "9223372036854775807"],
        &["INCR", "max"],
        &["INCRBY", "max", "0"],
        &["DECRBY", "max", "-1"],
        &["GET", "max"],
        &["SET", "min", "-9223372036854775808"],
        &["DECR", "min"],
        &["INCRBY", "min", "-1"],
        &["INCR", "min"],
        &["INCRBY", "min", "9223372036854775807"],
        &["INCRBY", "min", "9223372036854775807"],
        &["SET", "s", "abc"],
        &["INCR", "s"],
        &["DECR", "s"],
        &["SET", "s", " 1"],
        &["INCR", "s"],
        &["SET", "s", "1 "],
        &["INCR", "s"],
        &["SET", "s", "01"],
        &["INCR", "s"],
        &["SET", "s", "+1"],
        &["INCR", "s"],
        &["SET", "s", "-0"],
        &["INCR", "s"],
        &["SET", "s", "1e3"],
        &["INCR", "s"],
        &["SET", "s", ""],
        &["INCR", "s"],
        &["SET", "s", "9223372036854775808"],
        &["INCR", "s"],
        &["SET", "s", "5"],
        &["APPEND", "s", "0"],
        &["INCR", "s"],
        &["GET", "s"],
        &["INCR"],
        &["INCRBY", "n"],
        &["DECRBY", "n", "1", "2"],
    ]);
}

#[test]
fn incrbyfloat() {
    compat(&[
        &["INCRBYFLOAT", "f", "0.1"],
        &["INCRBYFLOAT", "f", "0.2"],
        &["SET", "f", "10.5"],
        &["INCRBYFLOAT", "f", "0.1"],
        &["INCRBYFLOAT", "f", "-5.0e3"],
        &["INCRBYFLOAT", "f", "5.0E3"],
        &["INCRBYFLOAT", "f", "1e-20"],
        &["INCRBYFLOAT", "f", "-10.6"],
        &["INCRBYFLOAT", "f", "-1e-30"],
        &["SET", "f", "5.0e3"],
        &["INCRBYFLOAT", "f", "1"],
        &["SET", "f", "17"],
        &["INCRBYFLOAT", "f", "1"],
        &["INCRBYFLOAT", "f", "-18"],
        &["INCRBYFLOAT", "f", "3.0000000000000000001"],
        &["INCRBYFLOAT", "f", "0x10"],
        &["INCRBYFLOAT", "f", "0x1.8p1"],
        &["INCRBYFLOAT", "f", ".5"],
        &["INCRBYFLOAT", "f", "5."],
        &["INCRBYFLOAT", "f", "+2"],
        &["INCRBYFLOAT", "f", "1e308"],
        &["INCRBYFLOAT", "f", "1e400"],
        &["INCRBYFLOAT", "f", "-1e400"],
        &["SET", "f", "9223372036854775807"],
        &["INCRBYFLOAT", "f", "1"],
        &["SET", "f", "1.18973149535723176502e+4932"],
        &["INCRBYFLOAT", "f", "0"],
        &["INCRBYFLOAT", "f", "1e4932"],
        &["INCRBYFLOAT", "f", "1e4933"],
        &["INCRBYFLOAT", "f", "1e-4950"],
        &["INCRBYFLOAT", "f", "1e-4952"],
        &["SET", "f", "1"],
        &["INCRBYFLOAT", "f", "1e-4950"],
        &["INCRBYFLOAT", "f", "0.000000000000000025"],
        &["INCRBYFLOAT", "f", "0.000000000000000015"],
        // errors
        &["INCRBYFLOAT", "f", "inf"],
        &["INCRBYFLOAT", "f", "-inf"],
        &["INCRBYFLOAT", "f", "+Infinity"],
        &["INCRBYFLOAT", "f", "nan"],
        &["INCRBYFLOAT", "f", "abc"],
        &["INCRBYFLOAT", "f", ""],
        &["INCRBYFLOAT", "f", " 1"],
        &["INCRBYFLOAT", "f", "1 "],
        &["INCRBYFLOAT", "f", "1e"],
        &["INCRBYFLOAT", "f", "0x"],
        &["INCRBYFLOAT", "f", "--1"],
        &["INCRBYFLOAT", "f", "1\0junk"],
        &["SET", "inf", "inf"],
        &["INCRBYFLOAT", "inf", "1"],
        &["INCRBYFLOAT", "inf", "-inf"],
        &["SET", "s", "abc"],
        &["INCRBYFLOAT", "s", "1"],
        &["INCRBYFLOAT", "s", "abc"],
        &["INCRBYFLOAT", "nope", "abc"],
        &["SET", "s", "2\0x"],
        &["INCRBYFLOAT", "s", "1"],
        &["SET", "s", "  2"],
        &["INCRBYFLOAT", "s", "1"],
        &["INCRBYFLOAT", "f"],
        &["GET", "f"],
    ]);
}

#[test]
fn lcs() {
    let long_a = "a".repeat(600);
    let long_b = "b".repeat(600);
    let rna1 = "CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTGACCGAAAGGTAAGATGGAGAGCCTTGTCCCTGGTTTCAACGAGAAAACACACGTCCAACTCAGTTTGCCTGTTTTACAGGTTCGCGACGTGCTCGTACGTGGCTTTGGAGACTCCGTGGAGGAGGTCTTATCAGAGGCACGTCAACATCTTAAAGATGGCACTTGTGGCTTAGTAGAAGTTGAAAAAGGCGTTTTGCCTCAACTTGAACAGCCCTATGTGTTCATCAAACGTTCGGATGCTCGAACTGCACCTCATGGTCATGTTATGGTTGAGCTGGTAGCAGAACTCGAAGGCATTCAGTACGGTCGTAGTGGTGAGACACTTGGTGTCCTTGTCCCTCATGTGGGCGAAATACCAGTGGCTTACCGCAAGGTTCTTCTTCGTAAGAACGGTAATAAAGGAGCTGGTGGCCATAGTTACGGCGCCGATCTAAAGTCATTTGACTTAGGCGACGAGCTTGGCACTGATCCTTATGAAGATTTTCAAGAAAACTGGAACACTAAACATAGCAGTGGTGTTACCCGTGAACTCATGCGTGAGCTTAACGGAGGGGCATACACTCGCTATGTCGATAACAACTTCTGTGGCCCTGATGGCTACCCTCTTGAGTGCATTAAAGACCTTCTAGCACGTGCTGGTAAAGCTTCATGCACTTTGTCCGAACAACTGGACTTTATTGACACTAAGAGGGGTGTATACTGCTGCCGTGAACATGAGCATGAAATTGCTTGGTACACGGAACGTTCTGAAAAGAGCTATGAATTGCAGACACCTTTTGAAATTAAATTGGCAAAGAAATTTGACACCTTCAATGGGGAATGTCCAAATTTTGTATTTCCCTTAAATTCCATAATCAAGACTATTCAACCAAGGGTTGAAAAGAAAAAGCTTGATGGCTTTATGGGTAGAATTCGATCTGTCTATCCAGTTGCGTCACCAAATGAATGCAACCAAATGTGCCTTTCAACTCTCATGAAGTGTGATCATTGTGGTGAAACTTCATGGCAGACGGGCGATTTTGTTAAAGCCACTTGCGAATTTTGTGGCACTGAGAATTTGACTAAAGAAGGTGCCACTACTTGTGGTTACTTACCCCAAAATGCTGTTGTTAAAATTTATTGTCCAGCATGTCACAATTCAGAAGTAGGACCTGAGCATAGTCTTGCCGAATACCATAATGAATCTGGCTTGAAAACCATTCTTCGTAAGGGTGGTCGCACTATTGCCTTTGGAGGCTGTGTGTTCTCTTATGTTGGTTGCCATAACAAGTGTGCCTATTGGGTTCCACGTGCTAGCGCTAACATAGGTTGTAACCATACAGGTGTTGTTGGAGAAGGTTCCGAAGGTCTTAATGACAACCTTCTTGAAATACTCCAAAAAGAGAAAGTCAACATCAATATTGTTGGTGACTTTAAACTTAATGAAGAGATCGCCATTATTTTGGCATCTTTTTCTGCTTCCACAAGTGCTTTTGTGGAAACTGTGAAAGGTTTGGATTATAAAGCATTCAAACAAATTGTTGAATCCTGCGGTAATTTTAAAGTTACAAAAGGAAAAGCTAAAAAAGGTGCCTGGAATATTGGTGAACAGAAATCAATACTGAGTCCTCTTTATGCATTTGCATCAGAGGCTGCTCGTGTTGTACGATCAATTTTCTCCCGCACTCTTGAAACTGCTCAAAATTCTGTGCGTGTTTTACAGAAGGCCGCTATAACAATACTAGATGGAATTTCACAGTATTCACTGAGACTCATTGATGCTATGATGTTCACATCTGATTTGGCTACTAACAATCTAGTTGTAATGGCCTACATTACAGGTGGTGTTGTTCAGTTGACTTCGCAGTGGCTAACTAACATCTTTGGCACTGTTTATGAAAAACTCAAACCCGTCCTTGATTGGCTTGAAGAGAAGTTTAAGGAAGGTGTAGAGTTTCTTAGAGACGGTTGGGAAATTGTTAAATTTATCTCAACCTGTGCTTGTGAAATTGTCGGTGGACAAATTGTCACCTGTGCAAAGGAAATTAAGGAGAGTGTTCAGACATTCTTTAAGCTTGTAAATAAATTTTTGGCTTTGTGTGCTGACTCTATCATTATTGGTGGAGCTAAACTTAAAGCCTTGAATTTAGGTGAAACATTTGTCACGCACTCAAAGGGATTGTACAGAAAGTGTGTTAAATCCAGAGAAGAAACTGGCCTACTCATGCCTCTAAAAGCCCCAAAAGAAATTATCTTCTTAGAGGGAGAAACACTTCCCACAGAAGTGTTAACAGAGGAAGTTGTCTTGAAAACTGGTGATTTACAACCATTAGAACAACCTACTAGTGAAGCTGTTGAAGCTCCATTGGTTGGTACACCAGTTTGTATTAACGGGCTTATGTTGCTCGAAATCAAAGACACAGAAAAGTACTGTGCCCTTGCACCTAATATGATGGTAACAAACAATACCTTCACACTCAAAGGCGG";
    let rna2 = "ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT";
    compat(&[
        &["LCS", "a", "b"],
        &["LCS", "a", "b", "LEN"],
        &["LCS", "a", "b", "IDX"],
        &["SET", "a", "ohmytext"],
        &["SET", "b", "mynewtext"],
        &["LCS", "a", "b"],
        &["LCS", "a", "b", "len"],
        &["LCS", "a", "b", "IDX"],
        &["LCS", "a", "b", "IDX", "WITHMATCHLEN"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "-5", "WITHMATCHLEN"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "100"],
        &["LCS", "a", "b", "MINMATCHLEN", "2"],
        &["LCS", "a", "b", "WITHMATCHLEN"],
        &["LCS", "a", "b", "LEN", "WITHMATCHLEN"],
        &["LCS", "b", "a", "IDX", "WITHMATCHLEN"],
        &["LCS", "a", "a", "IDX", "WITHMATCHLEN"],
        &["LCS", "a", "nope"],
        &["LCS", "nope", "a", "IDX"],
        &["LCS", "a", "b", "LEN", "IDX"],
        &["LCS", "a", "b", "IDX", "LEN"],
        &["LCS", "a", "b", "MINMATCHLEN"],
        &["LCS", "a", "b", "MINMATCHLEN", "x"],
        &["LCS", "a", "b", "FOO"],
        &["SET", "n1", "1234567"],
        &["SET", "n2", "-2468"],
        &["LCS", "n1", "n2"],
        &["LCS", "n1", "n2", "IDX", "WITHMATCHLEN"],
        &["SET", "rna1", rna1],
        &["SET", "rna2", rna2],
        &["LCS", "rna1", "rna2", "LEN"],
        &["LCS", "rna1", "rna2"],
        &[
            "LCS",
            "rna1",
            "rna2",
            "IDX",
            "MINMATCHLEN",
            "5",
            "WITHMATCHLEN",
        ],
        &["LCS", "rna2", "rna1", "IDX"],
        &["SET", "la", &long_a],
        &["SET", "lb", &long_b],
        &["LCS", "la", "lb", "LEN"],
        &["LCS", "a"],
    ]);
    // The DP table (601 * 601 * 4 bytes) is bounded by proto-max-bulk-len.
    compat_with(
        &["--proto-max-bulk-len", "1mb"],
        &[
            &["SET", "la", &long_a],
            &["SET", "lb", &long_b],
            &["LCS", "la", "lb", "LEN"],
            &["LCS", "la", "nope", "LEN"],
        ],
    );
}

#[test]
fn case_insensitive_names() {
    compat(&[
        &["set", "k", "1", "ex", "100"],
        &["Get", "k"],
        &["incrBY", "k", "5"],
        &["GetRange", "k", "0", "-1"],
        &["mGeT", "k"],
    ]);
}

#[test]
fn expiry_via_options() {
    let srv = Server::start(&["--hz", "100"]);
    let mut c = srv.conn();
    for args in [
        &["SET", "k1", "v", "PX", "100"][..],
        &["SET", "k2", "v", "EX", "1"],
        &["SETEX", "k3", "1", "v"],
        &["PSETEX", "k4", "100", "v"],
        &["SET", "k5", "v"],
    ] {
        q(&mut c, args);
    }
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 150;
    q(&mut c, &["SET", "k6", "v", "PXAT", &at.to_string()]);
    let r: Option<String> = redis::cmd("GETEX")
        .arg("k5")
        .arg("PX")
        .arg(100)
        .query(&mut c)
        .unwrap();
    assert_eq!(r.as_deref(), Some("v"));
    for k in ["k1", "k2", "k3", "k4", "k5", "k6"] {
        assert!(expires(&mut c, k), "{k} should expire");
    }
    // Already in the past: gone at once.
    q(&mut c, &["SET", "p", "v", "PXAT", "1"]);
    assert_eq!(get(&mut c, "p"), None);
    q(&mut c, &["SET", "p", "v", "EXAT", "1"]);
    assert_eq!(get(&mut c, "p"), None);
}

/// Sets `key` to 12345 with a TTL, then runs `modify`; if `proof` is given, retries with a
/// longer TTL until `modify`'s reply (== `proof`) shows the key still existed when it ran, so
/// a slow machine can't turn the test into a test of something else. Returns the TTL used.
fn set_with_ttl_then(c: &mut common::Raw, key: &str, modify: &[&str], proof: Option<&str>) -> u64 {
    let mut ttl = 300u64;
    loop {
        c.call(&["SET", key, "12345", "PX", &ttl.to_string()]);
        let reply = c.call(modify);
        match proof {
            Some(p) if reply != p.as_bytes() => {
                let got = String::from_utf8_lossy(&reply);
                assert!(ttl < 60_000, "{modify:?} replied {got:?}");
                ttl *= 2;
            }
            _ => return ttl,
        }
    }
}

#[test]
fn ttl_kept_or_cleared() {
    let srv = Server::start(&["--hz", "100"]);
    let mut c = srv.conn();
    let mut raw = srv.raw();
    // Kept: KEEPTTL and the commands that modify a value in place.
    let kept: &[(&str, &[&str], &str)] = &[
        ("a", &["SET", "a", "w", "KEEPTTL", "GET"], "$5\r\n12345\r\n"),
        ("b", &["APPEND", "b", "x"], ":6\r\n"),
        ("c", &["SETRANGE", "c", "0", "x"], ":5\r\n"),
        ("d", &["INCR", "d"], ":12346\r\n"),
        ("e", &["INCRBYFLOAT", "e", "1.5"], "$7\r\n12346.5\r\n"),
        ("f", &["DECRBY", "f", "3"], ":12342\r\n"),
    ];
    for (k, modify, proof) in kept {
        set_with_ttl_then(&mut raw, k, modify, Some(proof));
        assert!(expires(&mut c, k), "{modify:?} should keep the TTL");
    }
    // Cleared: SET, GETSET, MSET, SET XX, GETEX PERSIST. Once the TTL has passed (counted
    // from before the change) the key must still be there.
    let cleared: &[(&str, &[&str], Option<&str>)] = &[
        ("g", &["SET", "g", "w"], None),
        ("h", &["GETSET", "h", "w"], None),
        ("i", &["MSET", "i", "w"], None),
        ("j", &["GETEX", "j", "PERSIST"], Some("$5\r\n12345\r\n")),
        (
            "l",
            &["SET", "l", "w", "XX", "GET"],
            Some("$5\r\n12345\r\n"),
        ),
    ];
    for (k, modify, proof) in cleared {
        let ttl = set_with_ttl_then(&mut raw, k, modify, *proof);
        std::thread::sleep(Duration::from_millis(ttl + 200));
        assert!(get(&mut c, k).is_some(), "{modify:?} should clear the TTL");
    }
}

/// Lines that need TTL/PTTL/OBJECT/TYPE/EXISTS from the keys family, merged later.
#[test]

fn strings_with_key_commands() {
    compat(&[
        // TTL set, kept or cleared
        &["SET", "k", "v", "EX", "100"],
        &["TTL", "k"],
        &["SET", "k", "w", "KEEPTTL"],
        &["TTL", "k"],
        &["APPEND", "k", "x"],
        &["TTL", "k"],
        &["SETRANGE", "k", "0", "y"],
        &["TTL", "k"],
        &["SET", "k", "w"],
        &["TTL", "k"],
        &["SETEX", "k", "100", "1"],
        &["INCR", "k"],
        &["TTL", "k"],
        &["INCRBYFLOAT", "k", "0.5"],
        &["TTL", "k"],
        &["GETSET", "k", "z"],
        &["TTL", "k"],
        &["PSETEX", "k", "100000", "1"],
        &["TTL", "k"],
        &["MSET", "k", "2"],
        &["TTL", "k"],
        &["GETEX", "k", "EX", "50"],
        &["TTL", "k"],
        &["GETEX", "k"],
        &["TTL", "k"],
        &["GETEX", "k", "PERSIST"],
        &["TTL", "k"],
        &["SET", "k", "v", "XX", "EX", "100"],
        &["SET", "k", "v", "NX", "EX", "200"],
        &["TTL", "k"],
        &["SET", "k", "v", "PX", "100000", "GET"],
        &["TTL", "k"],
        &["SET", "past", "v", "PXAT", "1"],
        &["EXISTS", "past"],
        &["TTL", "past"],
        &["TYPE", "k"],
        // encodings
        &["SET", "e", "123"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "-9223372036854775808"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "9223372036854775808"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "0123"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "abc"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "12345678901234567890123456789012345678901234"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "123456789012345678901234567890123456789012345"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "ab"],
        &["APPEND", "e", "c"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "e", "12"],
        &["APPEND", "e", ""],
        &["OBJECT", "ENCODING", "e"],
        &["INCR", "e"],
        &["OBJECT", "ENCODING", "e"],
        &["INCRBYFLOAT", "e", "1"],
        &["OBJECT", "ENCODING", "e"],
        &["GET", "e"],
        &["SETRANGE", "e", "0", "9"],
        &["OBJECT", "ENCODING", "e"],
        &["SETRANGE", "new", "3", "x"],
        &["OBJECT", "ENCODING", "new"],
        &["APPEND", "new2", "77"],
        &["OBJECT", "ENCODING", "new2"],
        &["GETSET", "new2", "x"],
        &["OBJECT", "ENCODING", "new2"],
        &["MSET", "m1", "1", "m2", "x"],
        &["OBJECT", "ENCODING", "m1"],
        &["OBJECT", "ENCODING", "m2"],
        &["SETNX", "m3", "5"],
        &["OBJECT", "ENCODING", "m3"],
    ]);
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    q(&mut c, &["SET", "k", "v", "PX", "5000"]);
    let pttl: i64 = redis::cmd("PTTL").arg("k").query(&mut c).unwrap();
    assert!(pttl > 0 && pttl <= 5000, "{pttl}");
    q(&mut c, &["SET", "k", "v", "KEEPTTL"]);
    let pttl: i64 = redis::cmd("PTTL").arg("k").query(&mut c).unwrap();
    assert!(pttl > 0 && pttl <= 5000, "{pttl}");
}

/// RESP3 reply shapes (nulls, LCS IDX map). Replayed by hand because HELLO's own reply
/// (server id, version) differs between the servers.
#[test]

fn strings_resp3() {
    let Some(redis) = Server::start_redis(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let mut a = ours.raw();
    let mut b = redis.raw();
    a.call(&["HELLO", "3"]);
    b.call(&["HELLO", "3"]);
    let script: &[&[&str]] = &[
        &["GET", "nope"],
        &["SET", "a", "ohmytext"],
        &["SET", "b", "mynewtext"],
        &["SET", "a", "x", "NX"],
        &["SET", "a", "ohmytext", "XX", "GET"],
        &["SET", "c", "x", "XX", "GET"],
        &["MGET", "a", "nope", "b"],
        &["GETEX", "nope"],
        &["GETDEL", "nope"],
        &["GETSET", "nope", "1"],
        &["LCS", "a", "b"],
        &["LCS", "a", "b", "LEN"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
        &["LCS", "a", "b", "IDX"],
        &["LCS", "nope", "b", "IDX"],
        &["INCRBYFLOAT", "f", "1.5"],
    ];
    common::assert_same_replies(&mut a, &mut b, script);
}
