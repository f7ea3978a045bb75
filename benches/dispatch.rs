//! Micro-benchmarks of everything between the parser and the socket: the dispatcher
//! (`uredis::cmd::call`: lookup, arity, handler, reply, statistics) on an in-process `Server`,
//! the keyspace (`Db::set` / `Db::get` on a 1M-key database) and `Dict` growth.
//!
//! Run: `cargo bench --bench dispatch` (add a name filter after `--`, e.g. `-- call/`).
//! The `call/` group needs an io_uring instance (a `Server` owns one, though nothing here
//! submits I/O); it is skipped with a message where io_uring is unavailable.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use uredis::config::Config;
use uredis::keyspace::{Db, Ttl, Value, clock};
use uredis::net::client::Client;
use uredis::protocol::Reply;
use uredis::runtime::Ring;
use uredis::server::Server;
use uredis::types::dict::Dict;

const KEYS: usize = 1_000_000;

fn argv(parts: &[&str]) -> Vec<Bytes> {
    parts
        .iter()
        .map(|p| Bytes::copy_from_slice(p.as_bytes()))
        .collect()
}

fn key(i: usize) -> Vec<u8> {
    format!("key:{i:012}").into_bytes()
}

/// Keys visited in a scattered order, so lookups are not served from one warm cache line.
fn scattered(n: usize) -> impl Iterator<Item = usize> {
    // A full-period LCG step over 0..n would need n to be a power of two; a large odd stride
    // modulo n visits all of 0..n when gcd(stride, n) == 1, which holds for n = 10^k.
    const STRIDE: usize = 7_777_777;
    (0..n).map(move |i| (i * STRIDE) % n)
}

/// A server with no sockets, one client (slab index returned) and `keys` string keys in db 0.
fn server_with_client(keys: usize) -> Option<(Server, usize)> {
    let ring = match Ring::new(64) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dispatch: skipping call/ benchmarks: cannot create an io_uring: {e}");
            return None;
        }
    };
    let mut srv = Server::new(Config::default(), ring);
    let now = clock::update();
    let cid = srv.clients.insert(Client::new(
        1,
        -1,
        "127.0.0.1:40000".into(),
        "127.0.0.1:6379".into(),
        now,
    ));
    for i in 0..keys {
        srv.dbs[0].set(&key(i), Value::string(b"xxx"), Ttl::Clear);
    }
    Some((srv, cid))
}

fn bench_call(c: &mut Criterion) {
    let Some((mut srv, cid)) = server_with_client(100_000) else {
        return;
    };
    let mut out = Reply::new();
    let cases = [
        ("ping", argv(&["PING"])),
        ("get_hit", argv(&["GET", "key:000000054321"])),
        ("get_miss", argv(&["GET", "nosuchkey"])),
        (
            "set",
            argv(&["SET", "key:000000054321", "xxxxxxxxxxxxxxxx"]),
        ),
    ];
    let mut g = c.benchmark_group("call");
    for (name, args) in &cases {
        // Sanity: the command succeeds (no error reply).
        out.buf.clear();
        uredis::cmd::call(&mut srv, &mut out, cid, args);
        assert_ne!(
            out.buf.first(),
            Some(&b'-'),
            "{name}: {:?}",
            String::from_utf8_lossy(&out.buf)
        );
        g.bench_function(*name, |b| {
            b.iter(|| {
                out.buf.clear();
                uredis::cmd::call(&mut srv, &mut out, cid, black_box(args));
                black_box(out.len())
            })
        });
    }
    g.finish();
}

fn bench_keyspace(c: &mut Criterion) {
    clock::update();
    let keys: Vec<Vec<u8>> = scattered(KEYS).map(key).collect();
    let mut db = Db::new(0);
    for k in &keys {
        db.set(k, Value::string(b"xxx"), Ttl::Clear);
    }
    // Let any resize in progress finish, so the figures are for a settled table.
    while db.is_rehashing() {
        db.rehash_cron(std::time::Duration::from_millis(10));
    }
    let mut g = c.benchmark_group("keyspace_1M");
    let mut i = 0usize;
    g.bench_function("get_hit", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(db.get(black_box(&keys[i])).is_some())
        })
    });
    g.bench_function("get_miss", |b| {
        b.iter(|| black_box(db.get(black_box(b"key:nosuchkey")).is_some()))
    });
    g.bench_function("set_overwrite", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(db.set(black_box(&keys[i]), Value::string(b"yyy"), Ttl::Clear))
        })
    });
    g.finish();
}

fn bench_dict_growth(c: &mut Criterion) {
    const N: usize = 100_000;
    let keys: Vec<Vec<u8>> = (0..N).map(key).collect();
    let mut g = c.benchmark_group("dict_grow");
    g.sample_size(20);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("insert_100k_from_empty", |b| {
        b.iter_batched(
            Dict::<u64>::new,
            |mut d| {
                for (n, k) in keys.iter().enumerate() {
                    d.insert(k, n as u64);
                }
                d
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_call, bench_keyspace, bench_dict_growth);
criterion_main!(benches);
