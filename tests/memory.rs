//! Memory accounting of the keyspace, end to end: INFO `used_memory` grows by a sane number of
//! bytes per small key (one small allocation per key plus its bucket slot), falls back after
//! FLUSHALL, and the allocator fields are consistent. Bounds are generous sanity bounds, not
//! performance thresholds: the benchmark (`cargo bench --bench load` with the `memory` test)
//! measures the real figures against Redis.

mod common;

use common::{Raw, Server, encode};

fn info_num(r: &mut Raw, name: &str) -> i64 {
    let reply = r.call(&["INFO", "memory"]);
    let text = String::from_utf8_lossy(&reply);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:"))?.trim().parse().ok())
        .unwrap_or_else(|| panic!("INFO has no integer {name}"))
}

fn info_str(r: &mut Raw, name: &str) -> String {
    let reply = r.call(&["INFO", "memory"]);
    let text = String::from_utf8_lossy(&reply);
    text.lines()
        .find_map(|l| Some(l.strip_prefix(&format!("{name}:"))?.trim().to_string()))
        .unwrap_or_else(|| panic!("INFO has no field {name}"))
}

/// SETs `key:<i>` -> an 8-byte value for `from..to`, pipelined.
fn load(r: &mut Raw, from: u64, to: u64, ttl: bool) {
    const BATCH: u64 = 1000;
    let mut i = from;
    while i < to {
        let end = (i + BATCH).min(to);
        let mut buf = Vec::new();
        for k in i..end {
            let key = format!("key:{k}");
            if ttl {
                buf.extend(encode(&[
                    b"SET",
                    key.as_bytes(),
                    b"value-xx",
                    b"EX",
                    b"1000",
                ]));
            } else {
                buf.extend(encode(&[b"SET", key.as_bytes(), b"value-xx"]));
            }
        }
        r.send(&buf);
        let replies = r.replies((end - i) as usize);
        assert_eq!(replies, b"+OK\r\n".repeat((end - i) as usize));
        i = end;
    }
}

#[test]
fn used_memory_per_small_key_is_sane_and_flushall_returns_it() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let before = info_num(&mut r, "used_memory");
    const N: u64 = 200_000;
    load(&mut r, 0, N, false);
    assert_eq!(r.call(&["DBSIZE"]), format!(":{N}\r\n").into_bytes());
    let after = info_num(&mut r, "used_memory");
    let per_key = (after - before) as f64 / N as f64;
    // key (10 bytes) + value (8) + the node header and bucket slot: well under Redis's ~90.
    assert!(
        (18.0..80.0).contains(&per_key),
        "used_memory grew by {per_key:.1} bytes per key"
    );
    // The values read back, strings as strings.
    assert_eq!(r.call(&["GET", "key:12345"]), b"$8\r\nvalue-xx\r\n");
    assert_eq!(
        r.call(&["OBJECT", "ENCODING", "key:12345"]),
        b"$6\r\nembstr\r\n"
    );

    // Keys with a TTL cost their entry in the expiry table too, and report it.
    load(&mut r, N, N + 1000, true);
    let ttl = r.call(&["TTL", "key:200500"]);
    assert!(
        ttl == b":1000\r\n" || ttl == b":999\r\n",
        "{}",
        String::from_utf8_lossy(&ttl)
    );
    assert!(String::from_utf8_lossy(&r.call(&["INFO", "keyspace"])).contains("expires=1000,"));

    let allocated = info_num(&mut r, "allocator_allocated");
    let active = info_num(&mut r, "allocator_active");
    let resident = info_num(&mut r, "allocator_resident");
    assert!(allocated > 0 && active >= allocated && resident > 0);
    assert!(info_str(&mut r, "mem_allocator").starts_with("mimalloc"));

    assert_eq!(r.call(&["FLUSHALL"]), b"+OK\r\n");
    let flushed = info_num(&mut r, "used_memory");
    assert!(
        flushed < before + (1 << 20),
        "used_memory after FLUSHALL: {flushed}, before loading: {before}"
    );
}

#[test]
fn flushall_async_frees_in_the_background() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let before = info_num(&mut r, "used_memory");
    load(&mut r, 0, 50_000, false);
    assert_eq!(r.call(&["FLUSHALL", "ASYNC"]), b"+OK\r\n");
    assert_eq!(r.call(&["DBSIZE"]), b":0\r\n");
    // The background thread's frees reach the shared counter in batches: wait for them.
    assert!(common::wait_until(
        std::time::Duration::from_secs(10),
        || { info_num(&mut r, "used_memory") < before + (1 << 20) }
    ));
}
