//! Differential fuzzing against a real redis-server 7.0: a seeded generator produces sequences
//! of commands over a tiny key space (so types collide and WRONGTYPE paths run), with arguments
//! that are often edge cases (wrong arity, non-numbers, huge or negative numbers, inf/nan,
//! empty and binary strings, bad option combinations). Each sequence runs on uredis and on
//! redis-server (both flushed first, active expiry off on both so that only the commands
//! expire keys); every reply must be byte-for-byte identical (after a
//! normalisation for replies that are random or time-dependent by nature), and so must the
//! whole dataset afterwards (TYPE, encoding, a full type-specific read and the TTL class of
//! every key). A divergence is minimised (commands dropped greedily while it persists) and
//! printed as a replayable script.
//!
//! `fuzz_fixed_seed` runs a moderate number of cases in CI; `fuzz_long` (ignored) takes
//! `UREDIS_FUZZ_SEED` and `UREDIS_FUZZ_CASES` from the environment:
//!
//! ```text
//! UREDIS_FUZZ_SEED=7 UREDIS_FUZZ_CASES=20000 cargo test --test fuzz_compat fuzz_long -- --ignored --nocapture
//! ```
//!
//! `FIXED_CORPUS` holds the minimised divergences found so far (each fixed in uredis), replayed
//! by `fuzz_regressions`.

mod common;

use common::{Raw, Server, redis_or_skip, show};

/// xorshift64*: deterministic for a seed, no crate needed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const KEYS: &[&str] = &["a", "b", "c", "d"];
const EDGE: &[&str] = &[
    "",
    "0",
    "-1",
    "1",
    "abc",
    "1.5",
    "-0",
    "inf",
    "-inf",
    "+inf",
    "nan",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "99999999999999999999",
    "1e3",
    " 1",
    "0x10",
    "\x00\u{ff}",
    "x\u{ff}y",
    "(1",
    "[a",
    "-",
    "+",
];
const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "10",
    "-5",
    "x",
    "foo",
    "bar",
    "foobar",
    "3.5",
    "hello world",
    "\x00\x01\u{7f}",
    "12345678901234567890",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "1e5",
    "  2",
    "ohmy",
];
const MEMBERS: &[&str] = &[
    "m1", "m2", "m3", "a", "b", "c", "1", "2", "-3", "10", "", "x y", "\u{ff}",
];
const SMALL: &[&str] = &[
    "0", "1", "2", "3", "-1", "-2", "-3", "5", "10", "-100", "100",
];
/// (No valid offset near 512 MB: SETRANGE/SETBIT there would allocate that much on both.)
const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "7",
    "100",
    "-100",
    "536870912",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "12345",
];
const FLOATS: &[&str] = &[
    "0", "1", "-1", "1.5", "-2.25", "10", "inf", "-inf", "+inf", "nan", "1e308", "1e400", "3.0e2",
    "0.1", "-0", "5", "abc", "",
];
const SCORE_RANGE: &[&str] = &[
    "-inf", "+inf", "inf", "0", "1", "(1", "(0", "2.5", "-1", "(-1", "10", "(10", "nan", "abc",
    "(", "((1", "1e400",
];
const LEX_RANGE: &[&str] = &[
    "-", "+", "[a", "(a", "[m1", "(m2", "[m3", "[", "(", "a", "", "[b",
];
const COUNTS: &[&str] = &["0", "1", "2", "3", "5", "10", "100", "-1", "-5", "abc"];
const IDS: &[&str] = &[
    "0-1",
    "1",
    "1-1",
    "1-2",
    "2-0",
    "2-5",
    "3",
    "5-*",
    "7-0",
    "10",
    "10-2",
    "0-0",
    "abc",
    "18446744073709551615-18446744073709551615",
    "3-18446744073709551615",
    "-1",
];
const RANGE_IDS: &[&str] = &[
    "-", "+", "0", "1", "(1-1", "2", "2-5", "(2-5", "(10", "5", "abc", "(-",
];
const EXPIRES: &[&str] = &[
    "100",
    "1000",
    "100000",
    "-1",
    "0",
    "abc",
    "1.5",
    "9223372036854775807",
    "500",
];
const ABS_TIMES: &[&str] = &["4000000000", "4100000000", "1", "0", "-5", "5000000000"];
const BF_TYPES: &[&str] = &[
    "i8", "u8", "i16", "u16", "i64", "u63", "u64", "i0", "u1", "i1", "i65", "x", "i5", "u31",
];
const BF_OFFS: &[&str] = &[
    "0",
    "1",
    "7",
    "8",
    "#1",
    "#0",
    "100",
    "-1",
    "#-1",
    "abc",
    "4294967296",
];
const BIT_OFFS: &[&str] = &["0", "1", "7", "15", "100", "-1", "abc", "4294967296", "23"];
const LONS: &[&str] = &[
    "13.361389",
    "15.087269",
    "0",
    "-180",
    "180",
    "181",
    "abc",
    "2.35",
];
const LATS: &[&str] = &[
    "38.115556",
    "37.502669",
    "0",
    "85.05112878",
    "86",
    "-85",
    "48.85",
];
const RADII: &[&str] = &["100", "200", "0", "-1", "1000", "abc", "500"];

/// Expands a command template into arguments. Tokens are separated by spaces:
/// `$k` key, `$v` value, `$m` member, `$s` small int, `$i` int, `$f` float, `$r` score range
/// bound, `$l` lex range bound, `$n` count, `$id` stream id, `$ri` stream range id, `$e`
/// relative expire, `$t` absolute time, `$bt` bitfield type, `$bo` bitfield offset, `$bi` bit
/// offset, `$lo`/`$la` longitude/latitude, `$ra` radius, `$x` any edge value;
/// `a|b|c` one of; `?tok` optional (`_` joins a group: `?LIMIT_$s_$n`); `+tok` one to four
/// repetitions of the group.
fn expand(rng: &mut Rng, tpl: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for tok in tpl.split(' ') {
        let (reps, body) = if let Some(b) = tok.strip_prefix('?') {
            (usize::from(rng.chance(40)), b)
        } else if let Some(b) = tok.strip_prefix('+') {
            (1 + rng.below(4), b)
        } else {
            (1, tok)
        };
        if bulk(rng, body, &mut out) {
            continue;
        }
        for _ in 0..reps {
            for part in body.split('_') {
                let alt = if part.contains('|') {
                    let alts: Vec<&str> = part.split('|').collect();
                    alts[rng.below(alts.len())]
                } else {
                    part
                };
                if alt != "!" {
                    out.push(raw_bytes(placeholder(rng, alt)));
                }
            }
        }
    }
    out
}

/// Many arguments at once, to cross the encoding limits (128 entries and 64 bytes for
/// listpacks, 512 for intsets): `@list` members, `@ints` integers, `@pairs` field-value pairs,
/// `@zpairs` score-member pairs. False for any other token.
fn bulk(rng: &mut Rng, tok: &str, out: &mut Vec<Vec<u8>>) -> bool {
    let n = match tok {
        "@list" | "@pairs" | "@zpairs" => 100 + rng.below(60),
        "@ints" => 500 + rng.below(30),
        _ => return false,
    };
    let base = rng.below(1000);
    for i in 0..n {
        let m = format!("e{}", base + i);
        match tok {
            "@list" => out.push(m.into_bytes()),
            "@ints" => out.push((base + i).to_string().into_bytes()),
            "@pairs" => {
                out.push(m.into_bytes());
                out.push(format!("v{i}").into_bytes());
            }
            _ => {
                out.push(format!("{}", (i * 7) % 50).into_bytes());
                out.push(m.into_bytes());
            }
        }
    }
    true
}

/// `ÿ` (U+00FF) in a pool stands for the single byte 0xFF, so arguments can be invalid UTF-8.
fn raw_bytes(s: String) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        if c == '\u{ff}' {
            out.push(0xff);
        } else {
            let mut b = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
    }
    out
}

fn placeholder(rng: &mut Rng, p: &str) -> String {
    let pool: &[&str] = match p {
        "$k" => KEYS,
        "$v" => VALUES,
        "$m" => MEMBERS,
        "$s" => SMALL,
        "$i" => INTS,
        "$f" => FLOATS,
        "$r" => SCORE_RANGE,
        "$l" => LEX_RANGE,
        "$n" => COUNTS,
        "$id" => IDS,
        "$ri" => RANGE_IDS,
        "$e" => EXPIRES,
        "$t" => ABS_TIMES,
        "$bt" => BF_TYPES,
        "$bo" => BF_OFFS,
        "$bi" => BIT_OFFS,
        "$lo" => LONS,
        "$la" => LATS,
        "$ra" => RADII,
        "$x" => EDGE,
        "$to" => &["0.01", "-1", "abc", "-0.5", ""],
        "$so" => &["0", "1", "5", "100", "-1", "536870912", "4294967296", "abc"],
        "$g" => &["g1", "g2"],
        "$c" => &["c1", "c2"],
        "" => &[""],
        lit => return lit.replace('^', "_"),
    };
    if p != "$k" && rng.chance(4) {
        return rng.pick(EDGE).to_string();
    }
    rng.pick(pool).to_string()
}

/// The command templates, grouped by family (a `#family` line starts a group; a sequence
/// draws most of its commands from one family). `^` stands for `_` in a literal.
const TEMPLATES: &[&str] = &[
    "#strings",
    "SET $k $v ?NX|XX ?GET ?KEEPTTL",
    "SET $k $v EX|PX|EXAT|PXAT $e ?NX|XX ?GET",
    "SETEX|PSETEX $k $e $v",
    "GETEX $k EX|PX|EXAT|PXAT|PERSIST $e",
    "GET $k",
    "GETSET $k $v",
    "GETDEL $k",
    "GETEX $k ?PERSIST",
    "APPEND $k $v",
    "STRLEN $k",
    "SETRANGE $k $so $v",
    "SETRANGE $k $s $v",
    "GETRANGE $k $s|$i $s|$i",
    "SUBSTR $k $s $s",
    "INCR $k",
    "DECR $k",
    "INCRBY $k $i",
    "DECRBY $k $i",
    "INCRBYFLOAT $k $f",
    "MSET +$k_$v",
    "MSETNX +$k_$v",
    "MGET +$k",
    "SETNX $k $v",
    "LCS $k $k ?LEN ?IDX ?MINMATCHLEN_$s ?WITHMATCHLEN",
    "SETBIT $k $bi 0|1|2",
    "GETBIT $k $bi",
    "BITCOUNT $k ?$s_$s_BYTE|BIT|!",
    "BITPOS $k 0|1 ?$s ?$s ?BYTE|BIT",
    "BITFIELD $k +GET_$bt_$bo ?OVERFLOW_WRAP|SAT|FAIL|BAD +SET|INCRBY_$bt_$bo_$i",
    "BITFIELD $k ?OVERFLOW_WRAP|SAT|FAIL +INCRBY_$bt_$bo_$s",
    "BITFIELD^RO $k GET $bt $bo",
    "BITOP AND|OR|XOR|NOT|NOPE $k +$k",
    "#lists",
    "LPUSH $k +$v",
    "RPUSH $k @list",
    "RPUSH $k +$v",
    "LPUSHX|RPUSHX $k +$v",
    "LPOP|RPOP $k ?$n",
    "LRANGE $k $s $s",
    "LINDEX $k $s|$i",
    "LSET $k $s $v",
    "LINSERT $k BEFORE|AFTER|MIDDLE $v $v",
    "LREM $k $s $v",
    "LTRIM $k $s $s",
    "LLEN $k",
    "LPOS $k $v ?RANK_$s ?COUNT_$n ?MAXLEN_$n",
    "LMPOP 1|2|0|-1 $k $k LEFT|RIGHT|UP ?COUNT_$n",
    "LMPOP 1 $k LEFT|RIGHT ?COUNT_$n",
    "LMOVE $k $k LEFT|RIGHT LEFT|RIGHT",
    "BLPOP|BRPOP $k ?$k $to",
    "BLMOVE $k $k LEFT|RIGHT LEFT|RIGHT $to",
    "BRPOPLPUSH $k $k $to",
    "BLMPOP $to 1|2|0 $k $k LEFT|RIGHT ?COUNT_$n",
    "RPOPLPUSH $k $k",
    "#hashes",
    "HSET $k +$m_$v",
    "HSET $k @pairs",
    "HMSET $k +$m_$v",
    "HSETNX $k $m $v",
    "HGET $k $m",
    "HMGET $k +$m",
    "HDEL $k +$m",
    "HLEN $k",
    "HSTRLEN $k $m",
    "HINCRBY $k $m $i",
    "HINCRBYFLOAT $k $m $f",
    "HEXISTS $k $m",
    "HKEYS|HVALS|HGETALL $k",
    "HRANDFIELD $k ?$n",
    "HRANDFIELD $k $n|$s WITHVALUES",
    "#sets",
    "SADD $k +$m",
    "SADD $k @ints",
    "SADD $k @list",
    "SREM $k +$m",
    "SCARD $k",
    "SISMEMBER $k $m",
    "SMISMEMBER $k +$m",
    "SMEMBERS $k",
    "SINTER|SUNION|SDIFF +$k",
    "SINTERSTORE|SUNIONSTORE|SDIFFSTORE $k +$k",
    "SINTERCARD 1|2|3|0 $k $k ?LIMIT_$n",
    "SMOVE $k $k $m",
    "SPOP $k 100000|0|-1",
    "SRANDMEMBER $k ?$n",
    "#sorted sets",
    "ZADD $k ?NX|XX ?GT|LT ?CH ?INCR +$f_$m",
    "ZADD $k +$s_$m",
    "ZADD $k @zpairs",
    "ZINCRBY $k $f $m",
    "ZSCORE $k $m",
    "ZMSCORE $k +$m",
    "ZRANK|ZREVRANK $k $m",
    "ZCARD $k",
    "ZCOUNT $k $r $r",
    "ZLEXCOUNT $k $l $l",
    "ZRANGE $k $s $s ?REV ?WITHSCORES",
    "ZRANGE $k $r $r BYSCORE ?REV ?LIMIT_$s_$n ?WITHSCORES",
    "ZRANGE $k $l $l BYLEX ?REV ?LIMIT_$s_$n",
    "ZRANGEBYSCORE|ZREVRANGEBYSCORE $k $r $r ?WITHSCORES ?LIMIT_$s_$n",
    "ZRANGEBYLEX|ZREVRANGEBYLEX $k $l $l ?LIMIT_$s_$n",
    "ZREVRANGE $k $s $s ?WITHSCORES",
    "ZRANGESTORE $k $k $s $s ?REV",
    "ZRANGESTORE $k $k $r $r BYSCORE ?REV ?LIMIT_$s_$n",
    "ZRANGESTORE $k $k $l $l BYLEX ?REV ?LIMIT_$s_$n",
    "ZREM $k +$m",
    "ZREMRANGEBYRANK $k $s $s",
    "ZREMRANGEBYSCORE $k $r $r",
    "ZREMRANGEBYLEX $k $l $l",
    "ZPOPMIN|ZPOPMAX $k ?$n",
    "ZMPOP 1|2|0 $k $k MIN|MAX ?COUNT_$n",
    "BZPOPMIN|BZPOPMAX $k ?$k $to",
    "BZMPOP $to 1|2 $k $k MIN|MAX ?COUNT_$n",
    "ZUNION|ZINTER 1|2|3 $k $k ?WEIGHTS_$f_$f ?AGGREGATE_SUM|MIN|MAX|AVG ?WITHSCORES",
    "ZDIFF 1|2 $k $k ?WITHSCORES",
    "ZUNIONSTORE|ZINTERSTORE $k 2|1 $k $k ?WEIGHTS_$f_$f ?AGGREGATE_SUM|MIN|MAX",
    "ZDIFFSTORE $k 2 $k $k",
    "ZINTERCARD 2|1 $k $k ?LIMIT_$n",
    "ZRANDMEMBER $k ?$n",
    "ZRANDMEMBER $k $n|$s WITHSCORES",
    "#streams",
    "XADD $k ?NOMKSTREAM ?MAXLEN|MINID_=|~_$n $id +$m_$v",
    "XADD $k $id $m $v",
    "XADD $k $id @pairs",
    "XLEN $k",
    "XRANGE|XREVRANGE $k $ri $ri ?COUNT_$n",
    "XDEL $k +$id",
    "XTRIM $k MAXLEN|MINID ?=|~ $n|$id ?LIMIT_$n",
    "XGROUP CREATE $k $g $|0|1-1|$id ?MKSTREAM ?ENTRIESREAD_$n",
    "XGROUP DESTROY $k $g",
    "XGROUP CREATECONSUMER $k $g $c",
    "XGROUP DELCONSUMER $k $g $c",
    "XGROUP SETID $k $g $|0|$id ?ENTRIESREAD_$n",
    "XREADGROUP GROUP $g $c ?COUNT_$n ?NOACK STREAMS $k >|0|$id",
    "XREAD ?COUNT_$n STREAMS $k ?$k $id|0|$ ?$id",
    "XACK $k $g +$id",
    "XPENDING $k $g",
    "XPENDING $k $g ?IDLE_0 $ri $ri $n ?$c",
    "XCLAIM $k $g $c 0 +$id ?JUSTID ?FORCE ?RETRYCOUNT_$n",
    "XAUTOCLAIM $k $g $c 0 $ri|0 ?COUNT_$n ?JUSTID",
    "XSETID $k $id ?ENTRIESADDED_$n ?MAXDELETEDID_$id",
    "XINFO GROUPS $k",
    "XINFO STREAM $k",
    "XREAD ?COUNT_$n BLOCK $to STREAMS $k $|$id",
    "XREADGROUP GROUP $g $c ?COUNT_$n BLOCK $to STREAMS $k >|0",
    "#keyspace",
    "DEL +$k",
    "UNLINK +$k",
    "EXISTS +$k",
    "TYPE $k",
    "RENAME|RENAMENX $k $k",
    "COPY $k $k ?REPLACE ?DB_0|1|abc",
    "EXPIRE|PEXPIRE $k $e ?NX|XX|GT|LT",
    "EXPIREAT|PEXPIREAT $k $t ?NX|XX|GT|LT",
    "PERSIST $k",
    "TTL|PTTL|EXPIRETIME|PEXPIRETIME $k",
    "OBJECT ENCODING $k",
    "SORT $k ?BY_w*|nosort|$k|h*->f ?LIMIT_$s_$n ?GET_#|w*|h*->f ?ASC|DESC ?ALPHA ?STORE_$k",
    "SORT^RO $k ?BY_w*|nosort ?LIMIT_$s_$n ?GET_# ?ALPHA",
    "TOUCH +$k",
    "DBSIZE",
    "#hyperloglog",
    "PFADD $k +$m",
    "PFADD $k a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8 9",
    "PFCOUNT +$k",
    "PFMERGE $k +$k",
    "#geo",
    "GEOADD $k ?NX|XX ?CH +$lo_$la_$m",
    "GEODIST $k $m $m ?m|km|ft|mi|parsec",
    "GEOPOS $k +$m",
    "GEOHASH $k +$m",
    "GEOSEARCH $k FROMMEMBER $m BYRADIUS $ra km|m|mi ?ASC|DESC ?COUNT_$n_ANY|! ?WITHCOORD ?WITHDIST ?WITHHASH",
    "GEOSEARCH $k FROMLONLAT $lo $la BYBOX $ra $ra km|ft ?ASC|DESC ?COUNT_$n ?WITHCOORD ?WITHDIST",
    "GEOSEARCH $k FROMLONLAT|FROMMEMBER|BYBOX|BYRADIUS $lo $la BYRADIUS|BYBOX|FROMMEMBER $ra km ?ANY",
    "GEOSEARCHSTORE $k $k FROMMEMBER_$m BYRADIUS_$ra_km ?ASC|DESC ?COUNT_$n ?STOREDIST",
    "GEORADIUS $k $lo $la $ra km ?WITHDIST ?WITHCOORD ?COUNT_$n ?ASC|DESC ?STORE_$k",
    "GEORADIUSBYMEMBER $k $m $ra km ?WITHDIST ?COUNT_$n ?ASC|DESC",
];

/// One generated command, mutated now and then (an argument replaced by an edge value, the
/// last one dropped, or a junk one appended).
fn gen_command(rng: &mut Rng, focus: usize) -> Vec<Vec<u8>> {
    let families: Vec<&[&str]> = TEMPLATES
        .split(|t| t.starts_with('#'))
        .filter(|f| !f.is_empty())
        .collect();
    let fam = if rng.chance(75) {
        families[focus % families.len()]
    } else {
        families[rng.below(families.len())]
    };
    let tpl = fam[rng.below(fam.len())];
    let mut args = expand(rng, tpl);
    if rng.chance(6) {
        // Chaos: the command's name (and key), then anything from any pool.
        const POOLS: &[&str] = &[
            "$k", "$v", "$m", "$s", "$i", "$f", "$r", "$l", "$n", "$id", "$ri", "$x", "$bt",
        ];
        args.truncate(2);
        for _ in 0..rng.below(7) {
            let p = POOLS[rng.below(POOLS.len())];
            args.push(raw_bytes(placeholder(rng, p)));
        }
    }
    match rng.below(100) {
        0..=5 if args.len() > 1 => {
            let i = 1 + rng.below(args.len() - 1);
            args[i] = raw_bytes(rng.pick(EDGE).to_string());
        }
        6..=8 if args.len() > 1 => {
            args.pop();
        }
        9..=10 => args.push(raw_bytes(rng.pick(EDGE).to_string())),
        _ => {}
    }
    deterministic(&mut args);
    args
}

/// Replaces the timeout at `i` by `short` unless it is `short` or a value that cannot block
/// at all (negative, or not a number).
fn safe_timeout(args: &mut [Vec<u8>], i: usize, short: &str) {
    let Some(t) = args.get(i) else {
        return;
    };
    let ok = t == short.as_bytes()
        || matches!(
            &t[..],
            b"-1" | b"-0.5" | b"abc" | b"" | b"x\xffy" | b"\x00\xff"
        );
    if !ok {
        args[i] = short.as_bytes().to_vec();
    }
}

/// Keeps a generated command deterministic: no expiry short enough to fire during a run
/// (the two servers run the same command some milliseconds apart), and SPOP only with a count
/// that empties the set.
fn deterministic(args: &mut Vec<Vec<u8>>) {
    let name = upper(&args[0]);
    let int_at = |args: &Vec<Vec<u8>>, i: usize| -> Option<i64> {
        std::str::from_utf8(args.get(i)?).ok()?.parse().ok()
    };
    let mut timed: Vec<(usize, i64)> = Vec::new(); // (argument index, minimum safe value)
    match name.as_str() {
        "EXPIRE" | "SETEX" => timed.push((2, 100)),
        "PEXPIRE" | "PSETEX" => timed.push((2, 100_000)),
        "SET" | "GETEX" => {
            for (i, a) in args.iter().enumerate().skip(2) {
                match upper(a).as_str() {
                    "EX" => timed.push((i + 1, 100)),
                    "PX" => timed.push((i + 1, 100_000)),
                    _ => {}
                }
            }
        }
        // Blocking commands: a timeout short enough (never 0 = forever, never long).
        "BLPOP" | "BRPOP" | "BZPOPMIN" | "BZPOPMAX" => {
            let last = args.len() - 1;
            safe_timeout(args, last, "0.01");
        }
        "BLMOVE" => safe_timeout(args, 5, "0.01"),
        "BRPOPLPUSH" => safe_timeout(args, 3, "0.01"),
        "BLMPOP" | "BZMPOP" => safe_timeout(args, 1, "0.01"),
        "XREAD" | "XREADGROUP" => {
            if let Some(i) = args.iter().position(|a| upper(a) == "BLOCK") {
                safe_timeout(args, i + 1, "10");
            }
        }
        "SPOP" => {
            if args.len() == 2 {
                args.push(b"100000".to_vec());
            } else if matches!(int_at(args, 2), Some(n) if n > 0) {
                args[2] = b"100000".to_vec();
            }
        }
        _ => {}
    }
    for (i, min) in timed {
        if matches!(int_at(args, i), Some(n) if n > 0 && n < min) {
            args[i] = min.to_string().into_bytes();
        }
    }
}

fn gen_sequence(rng: &mut Rng, len: usize) -> Vec<Vec<Vec<u8>>> {
    let focus = rng.below(64);
    let resp3 = rng.chance(25);
    let mut seq: Vec<Vec<Vec<u8>>> = (0..len).map(|_| gen_command(rng, focus)).collect();
    if resp3 {
        seq.insert(0, vec![b"HELLO".to_vec(), b"3".to_vec()]);
    }
    seq
}

// ---------------------------------------------------------------------------------------
// RESP values, for the normalisation of random or time-dependent replies.

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum V {
    Simple(u8, Vec<u8>),
    Bulk(Option<Vec<u8>>),
    Arr(Option<Vec<V>>),
}

fn parse(b: &[u8]) -> Option<(V, usize)> {
    let end = b.windows(2).position(|w| w == b"\r\n")?;
    let hdr = &b[1..end];
    let next = end + 2;
    let num = || std::str::from_utf8(hdr).ok()?.parse::<i64>().ok();
    match b[0] {
        b'$' => {
            let n = num()?;
            if n < 0 {
                return Some((V::Bulk(None), next));
            }
            let e = next + n as usize;
            Some((V::Bulk(Some(b.get(next..e)?.to_vec())), e + 2))
        }
        b'*' | b'~' | b'>' | b'%' => {
            let n = num()? * if b[0] == b'%' { 2 } else { 1 };
            if n < 0 {
                return Some((V::Arr(None), next));
            }
            let mut pos = next;
            let mut items = Vec::new();
            for _ in 0..n {
                let (v, used) = parse(&b[pos..])?;
                items.push(v);
                pos += used;
            }
            Some((V::Arr(Some(items)), pos))
        }
        t => Some((V::Simple(t, hdr.to_vec()), next)),
    }
}

fn int_class(v: &V) -> V {
    match v {
        V::Simple(b':', n) => {
            let n: i64 = std::str::from_utf8(n)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            V::Simple(
                b':',
                if n >= 0 {
                    b"positive".to_vec()
                } else {
                    n.to_string().into_bytes()
                },
            )
        }
        other => other.clone(),
    }
}

fn upper(a: &[u8]) -> String {
    String::from_utf8_lossy(a).to_ascii_uppercase()
}

/// The reply as compared: raw bytes for most commands; a normalised form for commands whose
/// reply is random (sizes, sorted elements when the result set is deterministic) or
/// time-dependent (TTL classes, idle times), or unordered (set members, hash fields).
fn normalise(cmd: &[Vec<u8>], raw: &[u8]) -> String {
    let name = upper(&cmd[0]);
    let Some((v, _)) = parse(raw) else {
        return show(raw, 4000);
    };
    if matches!(v, V::Simple(b'-', _)) {
        return show(raw, 4000);
    }
    let sorted = |v: &V| match v {
        V::Arr(Some(items)) => {
            let mut items = items.clone();
            items.sort();
            V::Arr(Some(items))
        }
        other => other.clone(),
    };
    let sorted_pairs = |v: &V| match v {
        V::Arr(Some(items)) if items.iter().all(|i| matches!(i, V::Arr(_))) => sorted(v),
        V::Arr(Some(items)) => {
            let mut pairs: Vec<Vec<V>> = items.chunks(2).map(|c| c.to_vec()).collect();
            pairs.sort();
            V::Arr(Some(pairs.concat()))
        }
        other => other.clone(),
    };
    let out = match name.as_str() {
        "TTL" | "PTTL" | "EXPIRETIME" | "PEXPIRETIME" => int_class(&v),
        // A relative expiry compared (GT/LT) with one set from the same relative time in the
        // same millisecond is equal, a millisecond later greater: timing, not semantics.
        "EXPIRE" | "PEXPIRE"
            if cmd
                .iter()
                .skip(3)
                .any(|a| matches!(upper(a).as_str(), "GT" | "LT"))
                && matches!(v, V::Simple(b':', _)) =>
        {
            V::Simple(b':', b"0 or 1".to_vec())
        }
        // Server name, version and client id differ by nature.
        "HELLO" => V::Simple(b'#', b"hello".to_vec()),
        "SMEMBERS" | "SINTER" | "SUNION" | "SDIFF" | "HKEYS" | "HVALS" => sorted(&v),
        "HGETALL" => sorted_pairs(&v),
        "SPOP" | "SRANDMEMBER" | "HRANDFIELD" | "ZRANDMEMBER" => {
            let count: Option<i64> = cmd
                .get(2)
                .and_then(|c| std::str::from_utf8(c).ok())
                .and_then(|c| c.parse().ok());
            // Elements returned (a RESP2 WITHSCORES/WITHVALUES reply is flat).
            let with = cmd.len() > 3;
            let elements = |items: &Vec<V>| {
                let flat = with && !items.iter().all(|i| matches!(i, V::Arr(_)));
                if flat { items.len() / 2 } else { items.len() }
            };
            match (&v, count) {
                // A positive count above the size: every element, in a random order.
                (V::Arr(Some(items)), Some(n)) if n > 0 && (elements(items) as i64) < n => {
                    if with {
                        sorted_pairs(&v)
                    } else {
                        sorted(&v)
                    }
                }
                (V::Arr(Some(items)), _) => V::Arr(Some(vec![V::Simple(
                    b'#',
                    format!("{} random elements", items.len()).into_bytes(),
                )])),
                (V::Bulk(Some(_)), _) => V::Bulk(Some(b"<random element>".to_vec())),
                _ => v.clone(),
            }
        }
        // BY without a `*` means no sorting: a set then comes in its hash-table order.
        "SORT" | "SORT_RO"
            if cmd
                .windows(2)
                .any(|w| upper(&w[0]) == "BY" && !w[1].contains(&b'*'))
                && !cmd.iter().any(|a| upper(a) == "STORE") =>
        {
            if cmd.iter().any(|a| upper(a) == "LIMIT") {
                match &v {
                    V::Arr(Some(items)) => V::Arr(Some(vec![V::Simple(
                        b'#',
                        format!("{} elements", items.len()).into_bytes(),
                    )])),
                    o => o.clone(),
                }
            } else {
                sorted(&v)
            }
        }
        // The extended form holds idle times: keep id, consumer and delivery count.
        "XPENDING" if cmd.len() > 3 => match &v {
            V::Arr(Some(items)) => V::Arr(Some(
                items
                    .iter()
                    .map(|e| match e {
                        V::Arr(Some(f)) if f.len() == 4 => {
                            V::Arr(Some(vec![f[0].clone(), f[1].clone(), f[3].clone()]))
                        }
                        o => o.clone(),
                    })
                    .collect(),
            )),
            o => o.clone(),
        },
        _ => return show(raw, 4000),
    };
    // The first byte keeps the RESP type (array, set, map) of a normalised reply.
    format!("{}{out:?}", raw[0] as char)
}

// ---------------------------------------------------------------------------------------
// Connections and the runner.

/// Both servers' settings: DEBUG (to turn active expiry off) from local connections.
const ARGS: &[&str] = &["--enable-debug-command", "local"];

struct Pair {
    ours: Server,
    redis: Server,
    a: Raw,
    b: Raw,
}

impl Pair {
    fn start() -> Option<Pair> {
        let redis = redis_or_skip(ARGS)?;
        let ours = Server::start(ARGS);
        let a = Raw::connect(("127.0.0.1", ours.port));
        let b = Raw::connect(("127.0.0.1", redis.port));
        let mut p = Pair { ours, redis, a, b };
        p.no_active_expiry();
        Some(p)
    }

    /// Keys whose time has passed are then deleted only lazily, by the commands that look
    /// them up: deterministic, and a difference in which commands do shows.
    fn no_active_expiry(&mut self) {
        for c in [&mut self.a, &mut self.b] {
            let r = c.try_cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
            assert_eq!(r, Ok(b"+OK\r\n".to_vec()), "DEBUG SET-ACTIVE-EXPIRE 0");
        }
    }

    /// Fresh servers (after a crash or hang of uredis).
    fn restart(&mut self) {
        let ours = Server::start(ARGS);
        self.a = Raw::connect(("127.0.0.1", ours.port));
        self.ours = ours;
        let redis = Server::start_redis(ARGS).expect("redis-server restarts");
        self.b = Raw::connect(("127.0.0.1", redis.port));
        self.redis = redis;
        self.no_active_expiry();
    }

    fn reset(&mut self) {
        for c in [&mut self.a, &mut self.b] {
            let _ = c.try_cmd(&["HELLO", "2"]);
            let _ = c.try_cmd(&["SELECT", "0"]);
            let _ = c.try_cmd(&["FLUSHALL"]);
        }
    }
}

/// A difference found by running a sequence.
#[derive(Debug)]
enum Diff {
    Reply {
        at: usize,
        ours: String,
        redis: String,
    },
    Broken {
        at: usize,
        why: String,
    },
    Data {
        ours: String,
        redis: String,
    },
}

impl Diff {
    fn same_kind(&self, other: &Diff) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// Every key's type, encoding, TTL class and full contents, in a canonical form.
fn dataset(c: &mut Raw) -> Result<String, String> {
    let mut out = String::new();
    for db in ["0", "1"] {
        c.try_cmd(&["SELECT", db])?;
        for k in KEYS {
            let t = c.try_cmd(&["TYPE", k])?;
            let t = String::from_utf8_lossy(&t)
                .trim()
                .trim_start_matches('+')
                .to_string();
            if t == "none" {
                continue;
            }
            let read: Vec<Vec<&str>> = match t.as_str() {
                "string" => vec![vec!["GET", k], vec!["STRLEN", k]],
                "list" => vec![vec!["LRANGE", k, "0", "-1"]],
                "set" => vec![vec!["SMEMBERS", k], vec!["SCARD", k]],
                "hash" => vec![vec!["HGETALL", k], vec!["HLEN", k]],
                "zset" => vec![vec!["ZRANGE", k, "0", "-1", "WITHSCORES"], vec!["ZCARD", k]],
                "stream" => vec![
                    vec!["XRANGE", k, "-", "+"],
                    vec!["XINFO", "GROUPS", k],
                    vec!["XPENDING", k, "g1"],
                    vec!["XPENDING", k, "g2"],
                    vec!["XPENDING", k, "g1", "-", "+", "100"],
                ],
                _ => vec![],
            };
            out.push_str(&format!("db{db} {k} {t}"));
            for r in read
                .into_iter()
                .chain([vec!["OBJECT", "ENCODING", k], vec!["TTL", k]])
            {
                let cmd: Vec<Vec<u8>> = r.iter().map(|s| s.as_bytes().to_vec()).collect();
                let reply = c.try_call(&cmd)?;
                out.push_str(&format!(
                    "\n  {} -> {}",
                    r.join(" "),
                    normalise(&cmd, &reply)
                ));
            }
            out.push('\n');
        }
    }
    c.try_cmd(&["SELECT", "0"])?;
    Ok(out)
}

/// SORT ... BY <pattern> ALPHA of a set or sorted set: the patterns never resolve here, so
/// every element ties and Redis's (unstable) sort leaves them in the order it loaded them,
/// hash-table order for both, which is not part of the specification. Such commands are skipped on both servers.
fn unordered_sort(redis: &mut Raw, cmd: &[Vec<u8>]) -> bool {
    let name = upper(&cmd[0]);
    if !(name == "SORT" || name == "SORT_RO") || cmd.len() < 2 {
        return false;
    }
    let by_pattern = cmd
        .windows(2)
        .any(|w| upper(&w[0]) == "BY" && w[1].contains(&b'*'));
    let alpha = cmd.iter().any(|a| upper(a) == "ALPHA");
    if !(by_pattern && alpha) {
        return false;
    }
    let key: &[u8] = &cmd[1];
    matches!(redis.try_call(&[b"TYPE".to_vec(), key.to_vec()]), Ok(t) if t == b"+set\r\n" || t == b"+zset\r\n")
}

/// A GEO search of a sorted set where several members share a score: they are at the same
/// point, so at the same distance, and Redis's (unstable) qsort orders such ties as it
/// happens to (COUNT then even picks among them). Such commands are skipped on both servers.
fn geo_ties(redis: &mut Raw, cmd: &[Vec<u8>]) -> bool {
    let name = upper(&cmd[0]);
    let key = match name.as_str() {
        "GEOSEARCH"
        | "GEORADIUS"
        | "GEORADIUSBYMEMBER"
        | "GEORADIUS_RO"
        | "GEORADIUSBYMEMBER_RO" => cmd.get(1),
        "GEOSEARCHSTORE" => cmd.get(2),
        _ => return false,
    };
    let Some(key) = key else {
        return false;
    };
    let Ok(raw) = redis.try_call(&[
        b"ZRANGE".to_vec(),
        key.clone(),
        b"0".to_vec(),
        b"-1".to_vec(),
        b"WITHSCORES".to_vec(),
    ]) else {
        return false;
    };
    let Some((V::Arr(Some(items)), _)) = parse(&raw) else {
        return false;
    };
    // RESP2: member, score, ...; RESP3: [member, score] pairs.
    let mut scores: Vec<&V> = if items.iter().all(|i| matches!(i, V::Arr(_))) {
        items
            .iter()
            .filter_map(|i| match i {
                V::Arr(Some(p)) => p.get(1),
                _ => None,
            })
            .collect()
    } else {
        items.iter().skip(1).step_by(2).collect()
    };
    let n = scores.len();
    scores.sort();
    scores.dedup();
    scores.len() != n
}

/// A lex range over a skiplist-encoded sorted set whose scores differ: Redis documents the
/// result as unspecified, and its skiplist search for the range start can depend on the random
/// node levels. Such commands are skipped on both servers (a listpack is scanned linearly,
/// which is deterministic and compared). A difference first found here is fixed and kept as a
/// level-independent case in tests/zsets.rs (`zremrangebylex_on_a_mixed_score_skiplist_
/// matches_redis`: ZREMRANGEBYLEX on a skiplist has no "anything in range?" early exit).
fn lex_unspecified(redis: &mut Raw, cmd: &[Vec<u8>]) -> bool {
    let name = upper(&cmd[0]);
    let bylex = cmd.iter().any(|a| upper(a) == "BYLEX");
    let key = match name.as_str() {
        "ZRANGEBYLEX" | "ZREVRANGEBYLEX" | "ZLEXCOUNT" | "ZREMRANGEBYLEX" => cmd.get(1),
        "ZRANGE" if bylex => cmd.get(1),
        "ZRANGESTORE" if bylex => cmd.get(2),
        _ => return false,
    };
    let Some(key) = key else {
        return false;
    };
    let mut q = |args: &[&[u8]]| {
        redis
            .try_call(&args.iter().map(|a| a.to_vec()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    if q(&[b"OBJECT", b"ENCODING", key]) != b"$8\r\nskiplist\r\n" {
        return false;
    }
    let first = q(&[b"ZRANGE", key, b"0", b"0", b"WITHSCORES"]);
    let last = q(&[b"ZRANGE", key, b"-1", b"-1", b"WITHSCORES"]);
    let score = |r: &[u8]| match parse(r) {
        // RESP2: [member, score]; RESP3: [[member, score]].
        Some((V::Arr(Some(items)), _)) => match items.last() {
            Some(V::Arr(Some(pair))) => format!("{:?}", pair.last()),
            other => format!("{other:?}"),
        },
        _ => String::new(),
    };
    score(&first) != score(&last)
}

/// Runs `seq` on both (flushed) servers; the first difference, if any.
fn run(p: &mut Pair, seq: &[Vec<Vec<u8>>]) -> Option<Diff> {
    p.reset();
    for (at, cmd) in seq.iter().enumerate() {
        if unordered_sort(&mut p.b, cmd)
            || geo_ties(&mut p.b, cmd)
            || lex_unspecified(&mut p.b, cmd)
        {
            continue;
        }
        if matches!(upper(&cmd[0]).as_str(), "SORT" | "SORT_RO") {
            // Redis's numeric SORT tests a stale errno (`errno == ERANGE` after strtod without
            // clearing it), so an earlier overflowing strtod anywhere makes it fail with "One
            // or more scores can't be converted into double". A float parse that clears
            // errno (string2ld) and changes nothing resets it.
            let _ = p.b.try_cmd(&["HINCRBYFLOAT", "errno-reset", "f", "nan"]);
        }
        let ra = p.a.try_call(cmd);
        let rb = p.b.try_call(cmd);
        match (ra, rb) {
            (Ok(ra), Ok(rb)) => {
                let (na, nb) = (normalise(cmd, &ra), normalise(cmd, &rb));
                if std::env::var_os("UREDIS_FUZZ_VERBOSE").is_some() {
                    eprintln!(
                        "{} -> {}",
                        script(std::slice::from_ref(cmd)),
                        show(&ra, 200)
                    );
                }
                if na != nb {
                    return Some(Diff::Reply {
                        at,
                        ours: na,
                        redis: nb,
                    });
                }
            }
            (Err(why), _) => {
                p.restart();
                return Some(Diff::Broken { at, why });
            }
            (Ok(_), Err(why)) => {
                p.restart();
                panic!(
                    "redis-server itself failed on {}: {why}",
                    script(&seq[..=at])
                );
            }
        }
    }
    match (dataset(&mut p.a), dataset(&mut p.b)) {
        (Ok(a), Ok(b)) if a == b => None,
        (Ok(ours), Ok(redis)) => Some(Diff::Data { ours, redis }),
        (Err(why), _) | (_, Err(why)) => {
            p.restart();
            Some(Diff::Broken { at: seq.len(), why })
        }
    }
}

/// Drops commands while a difference of the same kind persists.
fn minimise(p: &mut Pair, mut seq: Vec<Vec<Vec<u8>>>, first: &Diff) -> Vec<Vec<Vec<u8>>> {
    if let Diff::Reply { at, .. } | Diff::Broken { at, .. } = first {
        seq.truncate(at + 1);
    }
    let mut i = seq.len();
    while i > 0 {
        i -= 1;
        let mut trial = seq.clone();
        trial.remove(i);
        if trial.is_empty() {
            continue;
        }
        if let Some(d) = run(p, &trial)
            && d.same_kind(first)
        {
            if let Diff::Reply { at, .. } | Diff::Broken { at, .. } = d {
                trial.truncate(at + 1);
            }
            seq = trial;
            i = i.min(seq.len());
        }
    }
    seq
}

/// A sequence as a script in the `tests/compat/*.txt` syntax.
fn script(seq: &[Vec<Vec<u8>>]) -> String {
    seq.iter()
        .map(|cmd| {
            cmd.iter()
                .map(|a| {
                    let plain = !a.is_empty()
                        && a.iter().all(|&c| {
                            c.is_ascii_graphic() && c != b'"' && c != b'\'' && c != b'\\'
                        });
                    if plain {
                        String::from_utf8_lossy(a).into_owned()
                    } else {
                        let mut s = String::from("\"");
                        for &c in a {
                            match c {
                                b'"' => s.push_str("\\\""),
                                b'\\' => s.push_str("\\\\"),
                                b' '..=b'~' => s.push(c as char),
                                _ => s.push_str(&format!("\\x{c:02x}")),
                            }
                        }
                        s.push('"');
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `cases` sequences from `seed`; returns the minimised divergences as reports.
fn fuzz(seed: u64, cases: usize) -> Vec<String> {
    let Some(mut p) = Pair::start() else {
        return Vec::new();
    };
    let mut found: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for case in 0..cases {
        let mut rng = Rng::new(seed.wrapping_add(case as u64));
        let len = 5 + rng.below(40);
        let seq = gen_sequence(&mut rng, len);
        if let Some(d) = run(&mut p, &seq) {
            let min = minimise(&mut p, seq, &d);
            let again = run(&mut p, &min);
            let sig = match &again {
                Some(Diff::Reply { at, .. }) | Some(Diff::Broken { at, .. }) => {
                    min.get(*at).map(|c| upper(&c[0])).unwrap_or_default()
                }
                _ => format!(
                    "data after {}",
                    min.last().map(|c| upper(&c[0])).unwrap_or_default()
                ),
            };
            let text = script(&min);
            // One report per command and kind of reply (the error text, or "reply").
            let what = match &again {
                Some(Diff::Reply { ours, .. }) if ours.starts_with('-') => ours.clone(),
                Some(Diff::Reply { .. }) => "reply".into(),
                _ => String::new(),
            };
            if seen.insert(format!("{sig} {what}")) {
                let report = format!(
                    "case {case} (seed {}), first command differing: {sig}\n--- script:\n{text}\n--- difference:\n{}\n",
                    seed.wrapping_add(case as u64),
                    match again {
                        Some(Diff::Reply { ours, redis, .. }) =>
                            format!("uredis: {ours}\nredis:  {redis}"),
                        Some(Diff::Data { ours, redis }) =>
                            format!("uredis data:\n{ours}\nredis data:\n{redis}"),
                        Some(Diff::Broken { why, .. }) => format!("uredis BROKE: {why}"),
                        None => format!("(not reproducible after minimising) {d:?}"),
                    }
                );
                eprintln!("{report}");
                found.push(report);
            }
        }
    }
    found
}

#[test]
fn fuzz_fixed_seed() {
    let found = fuzz(0x5eed_0001, 300);
    assert!(
        found.is_empty(),
        "{} divergences:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
#[ignore]
fn fuzz_long() {
    let seed = std::env::var("UREDIS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let cases = std::env::var("UREDIS_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5000);
    let found = fuzz(seed, cases);
    assert!(
        found.is_empty(),
        "{} divergences:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Minimised divergences found by the fuzzer, replayed as fixed scripts (`\u{ff}` is the byte
/// 0xFF, as in the generator's pools).
const FIXED_CORPUS: &[&[&[&str]]] = &[
    // Stream ids parse as string2ull: strtoull's leading blanks, sign and zeros.
    &[&["XADD", "c", " 1", "f", "v"]],
    &[
        &["XADD", "c", "+2-007", "f", "v"],
        &["XADD", "c", "3- -1", "f", "v"],
    ],
    &[
        &["XADD", "c", "-0", "f", "v"],
        &["XADD", "c", "1--1", "f", "v"],
    ],
    &[
        &["XADD", "c", "1-1", "f", "v"],
        &["XRANGE", "c", "(1-1", " 1", "COUNT", "0"],
    ],
    &[&[
        "XSETID",
        "a",
        "7-0",
        "ENTRIESADDED",
        "1",
        "MAXDELETEDID",
        " 1",
    ]],
    // NOGROUP prints key and group as C strings (up to a NUL).
    &[&["XCLAIM", "\0x", "g1", "c1", "0", "2-0", "FORCE"]],
    &[&["XADD", "c", "1", "f", "v"], &["XPENDING", "c", "g\0x"]],
    &[
        &["XADD", "c", "1", "f", "v"],
        &["XGROUP", "SETID", "c", "g\0x", "0"],
    ],
    // A byte range starting past the end (up to i64::MAX) is empty (uredis exited on it).
    &[
        &["SETNX", "b", "foo"],
        &["BITCOUNT", "b", "9223372036854775807", "100"],
        &["BITCOUNT", "b", "9223372036854775807", "-1", "BYTE"],
        &["BITCOUNT", "b", "9223372036854775807", "100", "BIT"],
        &["BITPOS", "b", "1", "9223372036854775807"],
        &["BITPOS", "b", "0", "9223372036854775807", "-1"],
        &["BITPOS", "b", "1", "9223372036854775807", "100", "BIT"],
        &["BITCOUNT", "b", "4611686018427387904", "-1"],
    ],
    // Arguments in error texts are bytes as sent (not UTF-8 replaced), up to a NUL.
    &[&["XAUTOCLAIM", "x\u{ff}y", "g1", "c2", "0", "0", "JUSTID"]],
    &[
        &["XADD", "b", "1", "f", "v"],
        &["XPENDING", "b", "x\u{ff}y", "(10", "5", "2"],
    ],
    &[
        &["XADD", "b", "1", "f", "v"],
        &["XGROUP", "CREATECONSUMER", "b", "x\u{ff}\0y", "c"],
    ],
    &[
        &["XADD", "b", "1", "f", "v"],
        &["XGROUP", "CREATE", "b", "g", "0"],
        &["XCLAIM", "b", "g", "c", "0", "1", "x\u{ff}y"],
    ],
    &[&["XGROUP", "x\u{ff}y\0z"], &["XINFO", "\u{ff}"]],
    &[&["PFADD", "h", "a"], &["PFDEBUG", "x\u{ff}y\0z", "h"]],
    &[
        &["SLOWLOG", "GeT", "1", "2"],
        &["PUBSUB", "channels", "a", "b"],
        &["XGROUP", "x\u{ff}y\0z", "k"],
        &["XINFO", "STREAM"],
    ],
    &[
        &["EXPIREAT", "a", "1", "LT", "x\u{ff}y"],
        &["EXPIRE", "a", "1", "\u{ff}\0x"],
    ],
    // XAUTOCLAIM looks its key up before parsing (a logically expired key is deleted).
    &[
        &["SET", "a", "x", "EXAT", "100"],
        &[
            "XAUTOCLAIM",
            "a",
            "g2",
            "c1",
            "0",
            "0",
            "COUNT",
            "0",
            "JUSTID",
        ],
        &["DBSIZE"],
    ],
    // An explicit maximum id in XREADGROUP is ">" (Redis encodes ">" so).
    &[
        &[
            "XGROUP",
            "CREATE",
            "c",
            "g1",
            "1-1",
            "MKSTREAM",
            "ENTRIESREAD",
            "3",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "g1",
            "c2",
            "STREAMS",
            "c",
            "18446744073709551615-18446744073709551615",
        ],
        &["XADD", "c", "5", "f", "v"],
        &[
            "XREADGROUP",
            "GROUP",
            "g1",
            "c2",
            "STREAMS",
            "c",
            "18446744073709551615-18446744073709551615",
        ],
        &["XREADGROUP", "GROUP", "g1", "c2", "STREAMS", "c", "0"],
    ],
    // A sparse HLL whose value run passes the last register is corrupt (BITOP OR of two
    // sparse HLLs makes one): PFMERGE and the dense conversion refuse it as the reference
    // binary does.
    &[
        &["PFMERGE", "d", "b"],
        &["PFADD", "c", "c", "b", "c", "2"],
        &["BITOP", "OR", "b", "a", "a", "d", "c"],
        &["PFMERGE", "b", "b"],
        &["PFMERGE", "a", "b"],
        &["PFDEBUG", "TODENSE", "b"],
        &["PFCOUNT", "b"],
    ],
    // SORT converts a listpack sorted set to a skiplist.
    &[
        &["ZADD", "d", "10", "1"],
        &["SORT_RO", "d", "BY", "w*", "LIMIT", "-100", "2", "ALPHA"],
    ],
    &[
        &["ZADD", "d", "1", "a", "2", "b"],
        &["SORT", "d", "ALPHA"],
        &["OBJECT", "ENCODING", "d"],
    ],
];

#[test]
fn fuzz_regressions() {
    let Some(mut p) = Pair::start() else {
        return;
    };
    for (n, script_) in FIXED_CORPUS.iter().enumerate() {
        let seq: Vec<Vec<Vec<u8>>> = script_
            .iter()
            .map(|c| c.iter().map(|a| raw_bytes(a.to_string())).collect())
            .collect();
        if let Some(d) = run(&mut p, &seq) {
            panic!("corpus entry {n}:\n{}\n{d:?}", script(&seq));
        }
    }
}
