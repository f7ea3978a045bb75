//! Round trips of every type and encoding through DUMP payloads and whole images, images in
//! the older encodings built by hand, and malformed input.

use super::write::save_len;
use super::*;
use crate::keyspace::{Db, Ttl, Value};
use crate::types::{Hash, List, Set, ZSet, hash, zset};

const HL: hash::Limits = hash::Limits {
    entries: 128,
    value: 64,
};
const ZL: zset::Limits = zset::Limits {
    entries: 128,
    value: 64,
};

pub(crate) fn sample_values() -> Vec<(&'static str, Value)> {
    let mut v = vec![
        ("int", Value::Int(12345)),
        ("bigint", Value::Int(i64::MIN)),
        ("embstr", Value::Str(b"hello world".to_vec())),
        ("raw", Value::Raw(b"appended".to_vec())),
        ("long", Value::Str(b"abcdefghij".repeat(50))),
        ("incompressible", Value::Str((0..=255u8).collect())),
    ];
    let mut small = List::new();
    for s in ["a", "1", "-5", "300", "70000", "hello"] {
        small.push(s.as_bytes(), false, -2);
    }
    v.push(("list-small", Value::List(Box::new(small))));
    let mut big = List::new();
    for i in 0..5000 {
        big.push(format!("element-{i}").as_bytes(), false, -2);
    }
    big.push(&vec![b'z'; 10_000], false, -2);
    v.push(("list-big", Value::List(Box::new(big))));
    let mut h = Hash::new();
    h.set(b"f1", b"v1", HL);
    h.set(b"n", b"42", HL);
    v.push(("hash-listpack", Value::Hash(Box::new(h))));
    let mut h = Hash::new();
    for i in 0..600 {
        h.set(
            format!("field{i}").as_bytes(),
            format!("{i}").as_bytes(),
            HL,
        );
    }
    v.push(("hash-table", Value::Hash(Box::new(h))));
    let mut s = Set::new();
    for n in [1i64, -7, 100_000, 3] {
        s.add(n.to_string().as_bytes(), 512);
    }
    v.push(("set-intset", Value::Set(Box::new(s))));
    let mut s = Set::new();
    s.add(b"x", 512);
    s.add(b"12", 512);
    v.push(("set-small-strings", Value::Set(Box::new(s))));
    let mut s = Set::new();
    for i in 0..1000 {
        s.add(format!("m{i}").as_bytes(), 512);
    }
    v.push(("set-table", Value::Set(Box::new(s))));
    let mut z = ZSet::new_listpack();
    z.insert_checked(b"a", 1.5, ZL);
    z.insert_checked(b"b", 2.0, ZL);
    z.insert_checked(b"c", -0.1, ZL);
    z.insert_checked(b"inf", f64::INFINITY, ZL);
    v.push(("zset-listpack", Value::ZSet(Box::new(z))));
    let mut z = ZSet::new_listpack();
    for i in 0..500 {
        z.insert_checked(format!("m{i}").as_bytes(), i as f64 / 3.0, ZL);
    }
    v.push(("zset-skiplist", Value::ZSet(Box::new(z))));
    v
}

/// A loaded string is `embstr` or `raw` by length only, as in Redis: compare strings by bytes.
fn norm(v: &Value) -> Value {
    match v {
        Value::Raw(s) => Value::Str(s.clone()),
        v => v.clone(),
    }
}

#[test]
fn dump_restore_round_trips_every_encoding() {
    for (name, v) in sample_values() {
        for comp in [false, true] {
            let p = dump_value(&v, comp);
            let back = restore_value(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(back, norm(&v), "{name}");
            if name != "raw" {
                assert_eq!(back.encoding(), v.encoding(), "{name}");
            }
            // Re-dumping gives the same bytes (hash tables have their own order).
            if !matches!(name, "hash-table" | "set-table") {
                assert!(dump_value(&back, comp) == p, "{name}: re-dump differs");
            }
        }
    }
}

#[test]
fn string_encodings_are_redis_bytes() {
    // What Redis 7.0.15 answers to DUMP for these values.
    let p = dump_value(&Value::Str(vec![b'a'; 48]), true);
    assert_eq!(
        p,
        b"\x00\xc3\t0\x01aa\xe0#\x00\x01aa\n\x004\xc5\xf2\xcfHl\xd1\x8c".to_vec()
    );
    let mut l = List::new();
    for s in ["1", "2", "3", "hello", "-5", "300", "70000"] {
        l.push(s.as_bytes(), false, -2);
    }
    let p = dump_value(&Value::List(Box::new(l)), true);
    assert_eq!(p, b"\x12\x01\x02\x1f\x1f\x00\x00\x00\x07\x00\x01\x01\x02\x01\x03\x01\x85hello\x06\xdf\xfb\x02\xc1,\x02\xf2p\x11\x01\x04\xff\n\x00\xael\xe9\xa6\x01/\xaf\xbf".to_vec());
    let mut z = ZSet::new_listpack();
    z.insert_checked(b"a", 1.5, ZL);
    z.insert_checked(b"b", 2.0, ZL);
    let p = dump_value(&Value::ZSet(Box::new(z)), true);
    assert_eq!(p, b"\x11\x14\x14\x00\x00\x00\x04\x00\x81a\x02\x831.5\x04\x81b\x02\x02\x01\xff\n\x00\xfa\x02\xb4%\xaf\x18\x87c".to_vec());
}

#[test]
fn bad_payloads_are_refused() {
    let p = dump_value(&Value::Str(b"hello".to_vec()), false);
    assert!(restore_value(&p[..9]).is_err());
    let mut bad = p.clone();
    bad[2] ^= 1;
    assert_eq!(
        restore_value(&bad).map_err(|e| e.message).err().as_deref(),
        Some("DUMP payload version or checksum are wrong")
    );
    // A newer RDB version.
    let mut newer = p[..p.len() - 10].to_vec();
    newer.extend_from_slice(&11u16.to_le_bytes());
    let crc = crc64(0, &newer);
    newer.extend_from_slice(&crc.to_le_bytes());
    assert!(!verify_payload(&newer));
    // Valid footer, garbage body.
    let mut body = vec![kind::HASH_LISTPACK, 5, 1, 2, 3, 4, 5];
    body.extend_from_slice(&10u16.to_le_bytes());
    let crc = crc64(0, &body);
    body.extend_from_slice(&crc.to_le_bytes());
    assert!(verify_payload(&body));
    assert!(restore_value(&body).is_err());
}

fn dbs(n: usize) -> Vec<Db> {
    (0..n).map(Db::new).collect()
}

fn image(d: &[Db], opts: &WriteOptions) -> Vec<u8> {
    let mut out = Vec::new();
    write(d, opts, &mut out).expect("write to a Vec");
    out
}

#[test]
fn whole_image_round_trips() {
    let mut src = dbs(16);
    for (i, (name, v)) in sample_values().into_iter().enumerate() {
        let db = &mut src[i % 3 * 5];
        let ttl = if i % 2 == 0 {
            Ttl::At(4_000_000_000_000 + i as i64)
        } else {
            Ttl::Clear
        };
        db.set(name.as_bytes(), v, ttl);
    }
    let opts = WriteOptions {
        aux: vec![
            ("redis-ver".into(), "7.0.15".into()),
            ("redis-bits".into(), "64".into()),
        ],
        ..WriteOptions::default()
    };
    let img = image(&src, &opts);
    assert!(img.starts_with(b"REDIS0010\xfa\x09redis-ver\x067.0.15\xfa\x0aredis-bits\xc0\x40"));
    let mut dst = dbs(16);
    let sum = load(&img, &mut dst, &LoadOptions::default()).expect("loads");
    assert_eq!(sum.version, 10);
    assert_eq!(sum.keys_loaded, sample_values().len() as u64);
    assert_eq!(sum.consumed, img.len());
    assert_eq!(sum.aux[1], (b"redis-bits".to_vec(), b"64".to_vec()));
    for (a, b) in src.iter().zip(dst.iter()) {
        assert_eq!(a.len(), b.len());
        assert_eq!(a.expires_len(), b.expires_len());
        for (k, e) in a.iter() {
            let got = b.iter().find(|(k2, _)| *k2 == k).map(|(_, e)| e);
            let got = got.expect("key present");
            let (got_v, want) = (got.value.to_value(), e.value.to_value());
            assert_eq!(got_v, norm(&want));
            if !matches!(want, Value::Raw(_)) {
                assert_eq!(got_v.encoding(), want.encoding());
            }
            assert_eq!(got.expire, e.expire);
        }
    }
    // The checksum is checked; a zero checksum is not.
    let mut bad = img.clone();
    let n = bad.len();
    bad[n - 1] ^= 0x40;
    let e = load(&bad, &mut dbs(16), &LoadOptions::default()).expect_err("bad crc");
    assert!(e.message.contains("wrong RDB checksum"), "{e}");
    let plain = image(
        &src,
        &WriteOptions {
            checksum: false,
            compression: false,
            ..WriteOptions::default()
        },
    );
    assert_eq!(plain[plain.len() - 8..], [0; 8]);
    load(&plain, &mut dbs(16), &LoadOptions::default()).expect("loads unchecked");
    // Expired keys are skipped by a master's load.
    let sum = load(
        &img,
        &mut dbs(16),
        &LoadOptions {
            skip_expired: true,
            now_ms: 5_000_000_000_000,
            ..LoadOptions::default()
        },
    )
    .expect("loads");
    assert!(sum.keys_expired > 0);
    assert_eq!(
        sum.keys_loaded + sum.keys_expired,
        sample_values().len() as u64
    );
}

#[test]
fn truncated_images_error_without_panic() {
    let mut src = dbs(1);
    for (name, v) in sample_values().into_iter().take(9) {
        src[0].set(name.as_bytes(), v, Ttl::Clear);
    }
    let img = image(&src, &WriteOptions::default());
    for cut in (0..img.len()).step_by(31) {
        assert!(load(&img[..cut], &mut dbs(1), &LoadOptions::default()).is_err());
    }
}

/// A hand-built image: magic for `ver`, then `body`, EOF and a zero checksum.
fn legacy_image(ver: u16, body: &[u8]) -> Vec<u8> {
    let mut img = format!("REDIS{ver:04}").into_bytes();
    img.extend_from_slice(body);
    img.push(kind::OPCODE_EOF);
    if ver >= 5 {
        img.extend_from_slice(&[0; 8]);
    }
    img
}

fn put_str(b: &mut Vec<u8>, s: &[u8]) {
    save_len(b, s.len() as u64).expect("vec");
    b.extend_from_slice(s);
}

fn load_one(img: &[u8]) -> Result<Value, RdbError> {
    let mut d = dbs(1);
    load(img, &mut d, &LoadOptions::default())?;
    let v = d[0].iter().next().map(|(_, e)| e.value.to_value());
    Ok(v.expect("one key"))
}

#[test]
fn old_encodings_load() {
    use ziplist::build as zl;
    // LIST_ZIPLIST
    let mut b = vec![kind::LIST_ZIPLIST];
    put_str(&mut b, b"l");
    put_str(&mut b, &zl(&[Ent::Str(b"a"), Ent::Int(7), Ent::Int(-300)]));
    let v = load_one(&legacy_image(7, &b)).expect("list ziplist");
    let Value::List(l) = v else { panic!("list") };
    assert_eq!(l.iter().collect::<Vec<_>>(), vec![&b"a"[..], b"7", b"-300"]);
    // LIST_QUICKLIST of two ziplists.
    let mut b = vec![kind::LIST_QUICKLIST];
    put_str(&mut b, b"q");
    b.push(2);
    put_str(&mut b, &zl(&[Ent::Str(b"x"), Ent::Str(b"y")]));
    put_str(&mut b, &zl(&[Ent::Int(1)]));
    let Value::List(l) = load_one(&legacy_image(8, &b)).expect("quicklist") else {
        panic!("list")
    };
    assert_eq!(l.iter().collect::<Vec<_>>(), vec![&b"x"[..], b"y", b"1"]);
    // LIST (linked list), SET (plain), ZSET (string doubles), HASH (plain) with EXPIRETIME (s).
    let mut b = vec![kind::OPCODE_EXPIRETIME];
    b.extend_from_slice(&2_000_000_000i32.to_le_bytes());
    b.push(kind::LIST);
    put_str(&mut b, b"ll");
    b.push(2);
    put_str(&mut b, b"one");
    b.extend_from_slice(&[0xc0, 2]); // int-encoded "2"
    let mut d = dbs(1);
    load(&legacy_image(6, &b), &mut d, &LoadOptions::default()).expect("linked list");
    assert_eq!(d[0].expire_at(b"ll"), Some(2_000_000_000_000));
    let mut b = vec![kind::ZSET];
    put_str(&mut b, b"z");
    b.push(3);
    put_str(&mut b, b"a");
    b.extend_from_slice(b"\x031.5");
    put_str(&mut b, b"b");
    b.push(254); // +inf
    put_str(&mut b, b"c");
    b.push(255); // -inf
    let Value::ZSet(z) = load_one(&legacy_image(6, &b)).expect("zset") else {
        panic!("zset")
    };
    let got: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.to_vec(), s)).collect();
    assert_eq!(
        got,
        vec![
            (b"c".to_vec(), f64::NEG_INFINITY),
            (b"a".to_vec(), 1.5),
            (b"b".to_vec(), f64::INFINITY)
        ]
    );
    assert_eq!(z.encoding(), "listpack");
    // HASH_ZIPMAP
    let mut b = vec![kind::HASH_ZIPMAP];
    put_str(&mut b, b"h");
    put_str(&mut b, &zipmap::build(&[(b"f", b"v"), (b"n", b"1")]));
    let Value::Hash(h) = load_one(&legacy_image(6, &b)).expect("zipmap") else {
        panic!("hash")
    };
    assert_eq!(h.get(b"n"), Some(&b"1"[..]));
    assert_eq!(h.encoding(), "listpack");
    // HASH_ZIPLIST, ZSET_ZIPLIST
    let mut b = vec![kind::HASH_ZIPLIST];
    put_str(&mut b, b"h");
    put_str(&mut b, &zl(&[Ent::Str(b"f"), Ent::Int(5)]));
    let Value::Hash(h) = load_one(&legacy_image(9, &b)).expect("hash ziplist") else {
        panic!("hash")
    };
    assert_eq!(h.get(b"f"), Some(&b"5"[..]));
    let mut b = vec![kind::ZSET_ZIPLIST];
    put_str(&mut b, b"z");
    put_str(
        &mut b,
        &zl(&[
            Ent::Str(b"a"),
            Ent::Int(1),
            Ent::Str(b"b"),
            Ent::Str(b"2.5"),
        ]),
    );
    let Value::ZSet(z) = load_one(&legacy_image(9, &b)).expect("zset ziplist") else {
        panic!("zset")
    };
    assert_eq!(z.score(b"b"), Some(2.5));
    // SET_LISTPACK (Redis 7.2, version 11).
    let mut lp = listpack::Writer::new();
    lp.append(b"1");
    lp.append(b"2");
    let mut b = vec![kind::SET_LISTPACK];
    put_str(&mut b, b"s");
    put_str(&mut b, &lp.finish());
    let Value::Set(s) = load_one(&legacy_image(11, &b)).expect("set listpack") else {
        panic!("set")
    };
    assert_eq!(s.encoding(), "intset");
    assert_eq!(s.len(), 2);
}

#[test]
fn conversions_at_load_follow_the_limits() {
    let mut h = Hash::new();
    for i in 0..10 {
        h.set(format!("f{i}").as_bytes(), b"v", HL);
    }
    let p = dump_value(&Value::Hash(Box::new(h)), false);
    let opts = LoadOptions {
        hash_max_listpack_entries: 5,
        ..LoadOptions::default()
    };
    let v = restore_value_with(&p, &opts).expect("restores");
    assert_eq!(v.encoding(), "hashtable");
    let mut s = Set::new();
    for i in 0..10 {
        s.add(i.to_string().as_bytes(), 512);
    }
    let p = dump_value(&Value::Set(Box::new(s)), false);
    let opts = LoadOptions {
        set_max_intset_entries: 5,
        ..LoadOptions::default()
    };
    assert_eq!(
        restore_value_with(&p, &opts).expect("ok").encoding(),
        "hashtable"
    );
}

#[test]
fn unsupported_types_name_the_key() {
    let mut b = vec![kind::STREAM_LISTPACKS_2];
    put_str(&mut b, b"mystream");
    b.extend_from_slice(&[1, 3]); // one node whose key is not 16 bytes
    let e = load_one(&legacy_image(10, &b)).expect_err("stream");
    assert!(e.message.contains("key 'mystream'"), "{e}");
    let mut b = vec![kind::MODULE_2];
    put_str(&mut b, b"mod");
    b.push(0x10);
    let e = load_one(&legacy_image(10, &b)).expect_err("module");
    assert!(
        e.message.contains("module data") && e.message.contains("'mod'"),
        "{e}"
    );
    let mut b = vec![kind::OPCODE_MODULE_AUX];
    b.push(0x10);
    let e = load_one(&legacy_image(10, &b)).expect_err("module aux");
    assert!(e.message.contains("AUX module data"), "{e}");
    // Functions are handed to the caller.
    let mut b = vec![kind::OPCODE_FUNCTION2];
    put_str(&mut b, b"#!lua name=lib\n");
    let e = load(&legacy_image(10, &b), &mut dbs(1), &LoadOptions::default()).expect_err("fn");
    assert!(e.message.contains("FUNCTION2 '#!lua name=lib'"), "{e}");
    let keep = LoadOptions {
        keep_functions: true,
        ..LoadOptions::default()
    };
    let sum = load(&legacy_image(10, &b), &mut dbs(1), &keep).expect("ok");
    assert_eq!(sum.functions, vec![b"#!lua name=lib\n".to_vec()]);
}

#[test]
fn hostile_lengths_do_not_allocate() {
    // A string claiming 4 GB, an LZF string claiming a huge expansion, a list of 2^60 items.
    for body in [
        vec![kind::STRING, 1, b'k', 0x80, 0xff, 0xff, 0xff, 0xff],
        vec![
            kind::STRING,
            1,
            b'k',
            0xc3,
            2,
            0x81,
            0,
            0,
            0,
            0x10,
            0,
            0,
            0,
            0,
            0,
            0,
        ],
        vec![kind::LIST, 1, b'k', 0x81, 0x10, 0, 0, 0, 0, 0, 0, 0, 1],
        vec![kind::SET_INTSET, 1, b'k', 5, 2, 0, 0, 0, 2, 0, 0, 0],
    ] {
        let img = legacy_image(10, &body);
        assert!(load(&img, &mut dbs(1), &LoadOptions::default()).is_err());
    }
    // Empty collections are skipped, as Redis does.
    let img = legacy_image(10, &[kind::LIST, 1, b'k', 0]);
    let sum = load(&img, &mut dbs(1), &LoadOptions::default()).expect("ok");
    assert_eq!((sum.keys_loaded, sum.empty_keys_skipped), (0, 1));
}

#[test]
fn idle_times_are_written_and_loaded() {
    let mut src = dbs(1);
    src[0].set(b"k", Value::Int(1), Ttl::Clear);
    let img = image(
        &src,
        &WriteOptions {
            save_lru: true,
            ..WriteOptions::default()
        },
    );
    // SELECTDB 0, RESIZEDB 1 0, IDLE <secs>, STRING "k" 1
    let at = img
        .windows(3)
        .position(|w| w == [kind::OPCODE_RESIZEDB, 1, 0])
        .expect("resizedb");
    assert_eq!(img[at + 3], kind::OPCODE_IDLE);
    // An idle time read back gives that much idleness.
    let mut body = vec![kind::OPCODE_IDLE, 0x40 | 0x01, 0x2c, kind::STRING]; // 300 s
    body.extend_from_slice(&[1, b'k', 1, b'v']);
    let mut d = dbs(1);
    load(&legacy_image(10, &body), &mut d, &LoadOptions::default()).expect("loads");
    let lru = d[0].iter().next().map(|(_, e)| e.lru).expect("key");
    // Other tests move the shared clock: allow for a second or two.
    let idle = crate::keyspace::clock::idle_secs(lru);
    assert!((300..=302).contains(&idle), "{idle}");
}

/// A writer that records its biggest single write.
struct Spy {
    total: usize,
    biggest: usize,
}

impl std::io::Write for Spy {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.total += b.len();
        self.biggest = self.biggest.max(b.len());
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn writing_streams_in_small_pieces() {
    let mut src = dbs(1);
    for i in 0..20_000 {
        src[0].set(format!("key:{i}").as_bytes(), Value::Int(i), Ttl::Clear);
    }
    let mut spy = Spy {
        total: 0,
        biggest: 0,
    };
    write(&src, &WriteOptions::default(), &mut spy).expect("write");
    assert!(spy.total > 200_000, "{}", spy.total);
    assert!(spy.biggest <= 64 * 1024, "{}", spy.biggest);
}

#[test]
fn duplicates_are_refused() {
    let mut lp = listpack::Writer::new();
    for s in ["f", "1", "f", "2"] {
        lp.append(s.as_bytes());
    }
    let lp = lp.finish();
    for t in [kind::HASH_LISTPACK, kind::ZSET_LISTPACK] {
        let mut b = vec![t];
        put_str(&mut b, b"k");
        put_str(&mut b, &lp);
        let e = load_one(&legacy_image(10, &b)).expect_err("duplicate");
        assert!(e.message.contains("duplicate"), "{e}");
    }
    let mut b = vec![kind::HASH];
    put_str(&mut b, b"k");
    b.push(2);
    for s in ["f", "1", "f", "2"] {
        put_str(&mut b, s.as_bytes());
    }
    assert!(load_one(&legacy_image(10, &b)).is_err());
    let mut b = vec![kind::SET];
    put_str(&mut b, b"k");
    b.push(2);
    put_str(&mut b, b"7");
    put_str(&mut b, b"7");
    assert!(load_one(&legacy_image(10, &b)).is_err());
    // The same key twice in one database.
    let mut b = Vec::new();
    for _ in 0..2 {
        b.push(kind::STRING);
        put_str(&mut b, b"k");
        put_str(&mut b, b"v");
    }
    let e = load_one(&legacy_image(10, &b)).expect_err("duplicate key");
    assert!(e.message.contains("duplicated key 'k'"), "{e}");
}

#[test]
fn resizedb_sizes_the_tables_within_what_the_input_can_hold() {
    // An honest RESIZEDB sizes both tables before the keys arrive.
    let mut src = dbs(1);
    for i in 0..1000 {
        src[0].set(format!("k{i}").as_bytes(), Value::Int(i), Ttl::Clear);
    }
    let mut d = dbs(1);
    let img = image(&src, &WriteOptions::default());
    let at = img
        .windows(2)
        .position(|w| w[0] == kind::OPCODE_RESIZEDB && w[1] == 0x40 | 0x03)
        .expect("resizedb 1000");
    assert_eq!(img[at + 2], 0xe8);
    load(&img, &mut d, &LoadOptions::default()).expect("loads");
    assert_eq!(d[0].len(), 1000);
    assert_eq!(d[0].buckets(), 1024, "no resize while loading");
    // A hostile RESIZEDB of 2^60 keys and expires allocates only what the rest of the file
    // could justify, and the file still loads.
    let mut body = vec![kind::OPCODE_RESIZEDB, 0x81];
    body.extend_from_slice(&(1u64 << 60).to_be_bytes());
    body.push(0x81);
    body.extend_from_slice(&(1u64 << 60).to_be_bytes());
    body.extend_from_slice(&[kind::STRING, 1, b'k', 1, b'v']);
    let mut d = dbs(1);
    load(&legacy_image(10, &body), &mut d, &LoadOptions::default()).expect("loads");
    assert_eq!(d[0].len(), 1);
    assert!(d[0].buckets() <= 16, "{}", d[0].buckets());
}

/// Keys are inserted through a short queue (`load::Pipe`): what a key-by-key load would do
/// must still hold: duplicates anywhere are found, an earlier duplicate is reported before a
/// later corruption, keys of different databases stay apart, expiries land with their keys,
/// and `allow_dup` lets the later value win.
#[test]
fn queued_insertion_keeps_key_by_key_semantics() {
    let rec = |b: &mut Vec<u8>, k: &[u8], v: &[u8]| {
        b.push(kind::STRING);
        put_str(b, k);
        put_str(b, v);
    };
    // 100 keys, key 3 again as the 60th record, then more keys.
    let mut b = Vec::new();
    for i in 0..100 {
        let k = format!("k{}", if i == 60 { 3 } else { i });
        rec(&mut b, k.as_bytes(), format!("v{i}").as_bytes());
    }
    let e =
        load(&legacy_image(10, &b), &mut dbs(1), &LoadOptions::default()).expect_err("duplicate");
    assert!(e.message.contains("duplicated key 'k3' in DB 0"), "{e}");
    // Followed closely by garbage: the duplicate comes first in the file, it is reported.
    let mut bad = b.clone();
    bad.truncate(bad.len() - 200);
    bad.push(kind::STRING);
    bad.push(0xC3); // an LZF string with nothing after it
    let e = load(
        &legacy_image(10, &bad),
        &mut dbs(1),
        &LoadOptions::default(),
    )
    .expect_err("duplicate");
    assert!(e.message.contains("duplicated key 'k3'"), "{e}");
    // MERGE: the later value replaces the earlier one.
    let mut d = dbs(1);
    let opts = LoadOptions {
        allow_dup: true,
        ..LoadOptions::default()
    };
    let sum = load(&legacy_image(10, &b), &mut d, &opts).expect("loads with allow_dup");
    assert_eq!(sum.keys_loaded, 100);
    assert_eq!(d[0].len(), 99);
    let v = d[0].get(b"k3").map(|v| v.to_value());
    assert!(matches!(v, Some(Value::Str(ref s)) if s == b"v60"), "{v:?}");
    // The same names in two databases, with expiries on some, all loaded where they belong.
    let mut b = Vec::new();
    for db in 0..2u8 {
        b.extend_from_slice(&[kind::OPCODE_SELECTDB, db]);
        for i in 0..50u64 {
            if i % 7 == 0 {
                b.push(kind::OPCODE_EXPIRETIME_MS);
                b.extend_from_slice(&(4_000_000_000_000u64 + i).to_le_bytes());
            }
            let v = format!("{db}:{i}");
            rec(&mut b, format!("k{i}").as_bytes(), v.as_bytes());
        }
    }
    let mut d = dbs(2);
    load(&legacy_image(10, &b), &mut d, &LoadOptions::default()).expect("loads");
    for (db, dbx) in d.iter_mut().enumerate() {
        assert_eq!(dbx.len(), 50);
        assert_eq!(dbx.expires_len(), 8);
        assert_eq!(dbx.expire_at(b"k14"), Some(4_000_000_000_014));
        assert_eq!(dbx.expire_at(b"k15"), Some(0), "no expiry");
        let v = dbx.get(b"k15").map(|v| v.to_value());
        let want = format!("{db}:15").into_bytes();
        assert!(matches!(v, Some(Value::Str(ref s)) if *s == want), "{v:?}");
    }
}
