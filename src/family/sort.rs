//! SORT and SORT_RO, as Redis 7.0's `sort.c`: the elements of a list, set or sorted set,
//! sorted numerically or (ALPHA) by bytes, by themselves or by the values of other keys
//! (`BY pattern`, `*` replaced by the element, `->field` reading a hash field), with LIMIT,
//! GET (`#` is the element itself; several GETs give several values per element), ASC/DESC and
//! STORE (the result replaces the destination as a list, or deletes it when empty; event
//! `sortstore`).
//!
//! Invariants kept from Redis: options are parsed before the key is looked up (syntax errors
//! win over WRONGTYPE); a BY pattern without `*` means "do not sort" (native order of a list or
//! sorted set, LIMIT applied on that order; a set is still sorted ALPHA when storing or inside a
//! script so the result is deterministic); numeric ties are broken by comparing the elements'
//! bytes; a value that is not a double fails the whole command after sorting with
//! `One or more scores can't be converted into double`; BY/GET patterns need a user with
//! unrestricted read access to keys.

use std::cmp::Ordering;

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::family::hash::lookup_value;
use crate::keyspace::events::class;
use crate::keyspace::{Ttl, Value};
use crate::types::List;

/// One element to sort: the element, its numeric weight, its ALPHA weight (BY pattern).
struct Item {
    obj: Vec<u8>,
    score: f64,
    cmp: Option<Vec<u8>>,
}

/// Whether the user of the calling client may read every key (Redis's
/// `ACLUserCheckCmdWithUnrestrictedKeyAccess` with `CMD_KEY_ACCESS`).
fn full_key_access(ctx: &Ctx) -> bool {
    let Some(c) = ctx.srv.clients.get(ctx.cid) else {
        return true;
    };
    let Some(user) = ctx.srv.acl.users.get(c.user) else {
        return true;
    };
    user.selectors.iter().any(|s| {
        s.flags & crate::acl::rules::sflag::ALLKEYS != 0
            || s.patterns
                .iter()
                .any(|p| p.flags & crate::acl::rules::READ != 0 && p.pattern.as_slice() == b"*")
    })
}

/// Redis's `lookupKeyByPattern`: `#` is the element itself; otherwise the first `*` is replaced
/// by the element and, with `->field` after it, the hash field is read; a string key's value
/// otherwise. None for a pattern without `*`, a missing key or a key of another type.
fn by_pattern(ctx: &mut Ctx, pattern: &[u8], subst: &[u8]) -> Option<Vec<u8>> {
    if pattern == b"#" {
        return Some(subst.to_vec());
    }
    let star = pattern.iter().position(|&b| b == b'*')?;
    let rest = &pattern[star + 1..];
    let (post, field) = match rest.windows(2).position(|w| w == b"->") {
        Some(f) if f + 2 < rest.len() => (&rest[..f], Some(&rest[f + 2..])),
        _ => (rest, None),
    };
    let mut key = Vec::with_capacity(star + subst.len() + post.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(post);
    let v = lookup_value(ctx.srv, ctx.db, &key, true)?;
    match (field, &*v) {
        (Some(f), Value::Hash(h)) => h.get(f).map(|x| x.to_vec()),
        (Some(_), _) => None,
        (None, Value::Int(n)) => Some(itoa::Buffer::new().format(*n).as_bytes().to_vec()),
        (None, Value::Str(s) | Value::Raw(s)) => Some(s.clone()),
        (None, Value::Shared(s)) => Some(s.to_vec()),
        (None, _) => None,
    }
}

/// C's `strtod` as SORT checks it: the whole string (up to a NUL) must parse, no overflow or
/// underflow, not NaN.
fn strtod(b: &[u8]) -> Option<f64> {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    let c = std::ffi::CString::new(&b[..end]).ok()?;
    let mut eptr: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: `c` is a NUL-terminated string that outlives the call; `eptr` is a valid out
    // pointer; errno is thread-local.
    let (v, ok, erange) = unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtod(c.as_ptr(), &mut eptr);
        (v, *eptr == 0, *libc::__errno_location() == libc::ERANGE)
    };
    (ok && !erange && !v.is_nan()).then_some(v)
}

fn sort_generic(ctx: &mut Ctx, argv: &[Bytes], readonly: bool) -> CmdResult {
    let mut desc = false;
    let mut alpha = false;
    let (mut limit_start, mut limit_count) = (0i64, -1i64);
    let mut dontsort = false;
    let mut sortby: Option<&[u8]> = None;
    let mut storekey: Option<&Bytes> = None;
    let mut gets: Vec<&[u8]> = vec![];
    let full = full_key_access(ctx);
    let mut j = 2;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = &argv[j];
        if is(a, "asc") {
            desc = false;
        } else if is(a, "desc") {
            desc = true;
        } else if is(a, "alpha") {
            alpha = true;
        } else if is(a, "limit") && left >= 2 {
            limit_start = parse_int(&argv[j + 1])?;
            limit_count = parse_int(&argv[j + 2])?;
            j += 2;
        } else if !readonly && is(a, "store") && left >= 1 {
            storekey = Some(&argv[j + 1]);
            j += 1;
        } else if is(a, "by") && left >= 1 {
            sortby = Some(&argv[j + 1]);
            if !argv[j + 1].contains(&b'*') {
                dontsort = true;
            } else if !full {
                return Err(Error::Msg(
                    "ERR BY option of SORT denied due to insufficient ACL permissions.",
                ));
            }
            j += 1;
        } else if is(a, "get") && left >= 1 {
            if !full {
                return Err(Error::Msg(
                    "ERR GET option of SORT denied due to insufficient ACL permissions.",
                ));
            }
            gets.push(&argv[j + 1]);
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }

    // Copy the elements out (the pattern lookups need the keyspace).
    enum Kind {
        List,
        Set,
        ZSet,
    }
    let (kind, len) = match lookup_value(ctx.srv, ctx.db, &argv[1], true) {
        None => (Kind::List, 0usize),
        Some(Value::List(l)) => (Kind::List, l.len()),
        Some(Value::Set(s)) => (Kind::Set, s.len()),
        Some(Value::ZSet(z)) => (Kind::ZSet, z.len()),
        Some(_) => return Err(Error::WrongType),
    };
    if dontsort && matches!(kind, Kind::Set) && (storekey.is_some() || in_script(ctx)) {
        dontsort = false;
        alpha = true;
        sortby = None;
    }
    // Redis destructively converts a listpack sorted set to a skiplist for SORT.
    if let Some(Value::ZSet(z)) = ctx.srv.dbs[ctx.db]
        .get_mut_no_touch(&argv[1])
        .map(|e| &mut *e.value)
    {
        z.convert_to_skiplist();
    }
    let vlen = len as i64;
    let mut start = limit_start.max(0).min(vlen);
    let limit_count = limit_count.max(-1).min(vlen);
    let mut end = if limit_count < 0 {
        vlen - 1
    } else {
        start + limit_count - 1
    };
    if start >= vlen {
        start = vlen - 1;
        end = vlen - 2;
    }
    if end >= vlen {
        end = vlen - 1;
    }
    let ranged = dontsort && !matches!(kind, Kind::Set);
    let mut objs: Vec<Vec<u8>> = Vec::new();
    match ctx.srv.dbs[ctx.db]
        .get_mut_no_touch(&argv[1])
        .map(|e| &*e.value)
    {
        Some(Value::List(l)) => {
            if ranged {
                if end >= start {
                    let n = (end - start + 1) as usize;
                    if desc {
                        let from = len - 1 - start as usize;
                        objs.extend(l.iter_rev_from(from).take(n).map(|v| v.to_vec()));
                    } else {
                        objs.extend(l.iter_from(start as usize).take(n).map(|v| v.to_vec()));
                    }
                }
            } else {
                objs.extend(l.iter().map(|v| v.to_vec()));
            }
        }
        Some(Value::Set(s)) => objs.extend(s.iter().map(|m| m.to_vec())),
        Some(Value::ZSet(z)) => {
            if ranged {
                if end >= start {
                    let n = (end - start + 1) as usize;
                    let from = if desc {
                        len - 1 - start as usize
                    } else {
                        start as usize
                    };
                    z.visit(from, n, desc, &mut |m, _| objs.push(m.to_vec()));
                }
            } else {
                z.visit(0, len, false, &mut |m, _| objs.push(m.to_vec()));
            }
        }
        _ => {}
    }
    if ranged && end >= start {
        end -= start;
        start = 0;
    }
    let mut items: Vec<Item> = objs
        .into_iter()
        .map(|obj| Item {
            obj,
            score: 0.0,
            cmp: None,
        })
        .collect();

    let mut conversion_error = false;
    if !dontsort {
        for it in &mut items {
            let byval = match sortby {
                Some(p) => match by_pattern(ctx, p, &it.obj) {
                    Some(v) => v,
                    None => continue,
                },
                None => {
                    if !alpha {
                        match strtod(&it.obj) {
                            Some(v) => it.score = v,
                            None => conversion_error = true,
                        }
                    }
                    continue;
                }
            };
            if alpha {
                it.cmp = Some(byval);
            } else {
                match strtod(&byval) {
                    Some(v) => it.score = v,
                    None => conversion_error = true,
                }
            }
        }
        let bypattern = sortby.is_some();
        let compare = |a: &Item, b: &Item| {
            let cmp = if !alpha {
                a.score
                    .partial_cmp(&b.score)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.obj.cmp(&b.obj))
            } else if bypattern {
                match (&a.cmp, &b.cmp) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, _) => std::cmp::Ordering::Less,
                    (_, None) => std::cmp::Ordering::Greater,
                }
            } else {
                a.obj.cmp(&b.obj)
            };
            if desc { cmp.reverse() } else { cmp }
        };
        // As Redis: with BY and a LIMIT that leaves part out, its partial quicksort (whose
        // order of equal elements is its own), else qsort (glibc's merge sort: stable).
        if bypattern && (start != 0 || end != items.len() as i64 - 1) {
            pqsort(&mut items, &compare, start, end);
        } else {
            items.sort_by(compare);
        }
    }

    if conversion_error {
        return Err(Error::Msg(
            "ERR One or more scores can't be converted into double",
        ));
    }
    let range: &[Item] = if end >= start {
        &items[start as usize..=end as usize]
    } else {
        &[]
    };
    let outputlen = if gets.is_empty() {
        range.len()
    } else {
        gets.len() * range.len()
    };
    match storekey {
        None => {
            // Look everything up first: the reply is written in one go.
            let mut vals: Vec<Option<Vec<u8>>> = Vec::with_capacity(outputlen);
            for it in range {
                if gets.is_empty() {
                    vals.push(Some(it.obj.clone()));
                }
                for g in &gets {
                    vals.push(by_pattern(ctx, g, &it.obj));
                }
            }
            ctx.out.array(vals.len());
            for v in vals {
                match v {
                    Some(v) => ctx.out.bulk(&v),
                    None => ctx.out.null(),
                }
            }
        }
        Some(dst) => {
            let fill = ctx.srv.config.list_max_listpack_size;
            let mut l = List::new();
            for it in range {
                if gets.is_empty() {
                    l.push(&it.obj, false, fill);
                }
                for g in &gets {
                    let v = by_pattern(ctx, g, &it.obj).unwrap_or_default();
                    l.push(&v, false, fill);
                }
            }
            if outputlen > 0 {
                ctx.db().set(dst, Value::List(Box::new(l)), Ttl::Clear);
                ctx.changed(class::LIST, "sortstore", dst);
                ctx.dirty(outputlen as u64);
            } else if ctx.db().delete(dst) {
                ctx.changed(class::GENERIC, "del", dst);
                ctx.dirty(1);
            }
            ctx.out.int(outputlen as i64);
        }
    }
    Ok(())
}

fn in_script(ctx: &Ctx) -> bool {
    ctx.srv.scripting.run.is_some()
}

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
/// [STORE destination]
fn cmd_sort(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sort_generic(ctx, argv, false)
}

/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
fn cmd_sort_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sort_generic(ctx, argv, true)
}

/// Redis's `sortGetKeys`: the sorted key, and the destination of the last STORE.
pub(crate) fn sort_get_keys(argv: &[Bytes]) -> Vec<usize> {
    let mut out = vec![1];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let a = &argv[i];
        if is(a, "limit") {
            i += 2;
        } else if is(a, "get") || is(a, "by") {
            i += 1;
        } else if is(a, "store") && i + 1 < argv.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    out.extend(store);
    out
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "sort",
        -2,
        WRITE | DENYOOM | MOVABLE_KEYS,
        keys(1, 1, 1),
        cmd_sort,
    ),
    Command::new(
        "sort_ro",
        -2,
        READONLY | MOVABLE_KEYS,
        keys(1, 1, 1),
        cmd_sort_ro,
    ),
];

/// Redis's `pqsort` (pqsort.c): Bentley & McIlroy's quicksort that only descends into parts
/// overlapping the ranks `lrange..=rrange`, kept step for step so that equal elements end in
/// the same order as in Redis.
fn pqsort<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering, lrange: i64, rrange: i64) {
    let n = v.len();
    pqsort_part(v, 0, n, cmp, (lrange, rrange));
}

/// pqsort.c's `med3`: the index of the median of three.
fn med3<T>(v: &[T], cmp: &dyn Fn(&T, &T) -> Ordering, a: usize, b: usize, c: usize) -> usize {
    if cmp(&v[a], &v[b]) == Ordering::Less {
        if cmp(&v[b], &v[c]) == Ordering::Less {
            b
        } else if cmp(&v[a], &v[c]) == Ordering::Less {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) == Ordering::Greater {
        b
    } else if cmp(&v[a], &v[c]) == Ordering::Less {
        a
    } else {
        c
    }
}

/// pqsort.c's `_pqsort` on `v[a..a+n]` (indices instead of byte pointers).
fn pqsort_part<T>(
    v: &mut [T],
    mut a: usize,
    mut n: usize,
    cmp: &dyn Fn(&T, &T) -> Ordering,
    (lrange, rrange): (i64, i64),
) {
    // Whether `lo..lo+len` lies wholly before or after the wanted ranks.
    let outside = |lo: usize, len: usize| {
        let (lo, hi) = (lo as i64, (lo + len) as i64);
        (lrange < lo && rrange < lo) || (lrange >= hi && rrange >= hi)
    };
    let vecswap = |v: &mut [T], x: usize, y: usize, k: usize| {
        for i in 0..k {
            v.swap(x + i, y + i);
        }
    };
    loop {
        if n < 7 {
            for pm in a + 1..a + n {
                let mut pl = pm;
                while pl > a && cmp(&v[pl - 1], &v[pl]) == Ordering::Greater {
                    v.swap(pl, pl - 1);
                    pl -= 1;
                }
            }
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, cmp, pl, pl + d, pl + 2 * d);
                pm = med3(v, cmp, pm - d, pm, pm + d);
                pn = med3(v, cmp, pn - 2 * d, pn - d, pn);
            }
            pm = med3(v, cmp, pl, pm, pn);
        }
        v.swap(a, pm);
        let (mut pa, mut pb) = (a + 1, a + 1);
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                let c = cmp(&v[pb], &v[a]);
                if c == Ordering::Greater {
                    break;
                }
                if c == Ordering::Equal {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let c = cmp(&v[pc], &v[a]);
                if c == Ordering::Less {
                    break;
                }
                if c == Ordering::Equal {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = (pa - a).min(pb - pa);
        vecswap(v, a, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        vecswap(v, pb, pn - r, r);
        let r = pb - pa;
        if r > 1 && !outside(a, r) {
            pqsort_part(v, a, r, cmp, (lrange, rrange));
        }
        let r = pd - pc;
        if r > 1 {
            a = pn - r;
            n = r;
            if !outside(a, n) {
                continue;
            }
        }
        return;
    }
}
