//! Micro-benchmarks of the RESP layer alone (no sockets, no dispatch): request parsing with
//! `uredis::protocol::parse_request` and reply encoding with `uredis::protocol::Reply`.
//!
//! Run: `cargo bench --bench protocol` (add a name filter after `--`, e.g. `-- parse/`).

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use uredis::protocol::{Arg, Limits, Parsed, Reply, parse_request};

/// Encodes one request as a RESP multibulk, as a client library would.
fn multibulk(args: &[&[u8]]) -> Vec<u8> {
    let mut b = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        b.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        b.extend_from_slice(a);
        b.extend_from_slice(b"\r\n");
    }
    b
}

/// Parses every request in `buf`, the way the connection layer walks a read buffer; returns
/// the number of requests found.
fn parse_all(buf: &[u8], args: &mut Vec<Arg>, limits: &Limits) -> usize {
    let mut pos = 0;
    let mut n = 0;
    while pos < buf.len() {
        args.clear();
        match parse_request(&buf[pos..], args, limits) {
            Ok(Parsed::Complete(used)) => {
                pos += used;
                n += 1;
            }
            Ok(Parsed::Incomplete { .. }) | Err(_) => break,
        }
    }
    n
}

/// Benchmarks parsing one request from the start of `input`.
fn parse_one(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, input: &[u8], limits: &Limits) {
    let mut args: Vec<Arg> = Vec::with_capacity(128);
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.bench_function(name, |b| {
        b.iter(|| {
            args.clear();
            let r = parse_request(black_box(input), &mut args, limits);
            black_box(&args);
            black_box(r)
        })
    });
}

fn bench_parse(c: &mut Criterion) {
    let limits = Limits::default();
    let mut args: Vec<Arg> = Vec::with_capacity(128);

    let get = multibulk(&[b"GET", b"key:000000012345"]);
    let set = multibulk(&[
        b"SET",
        b"key:000000012345",
        b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ]);
    let pipeline: Vec<u8> = (0..16)
        .flat_map(|i| {
            let key = format!("key:{i:012}");
            if i % 2 == 0 {
                multibulk(&[b"SET", key.as_bytes(), b"xxx"])
            } else {
                multibulk(&[b"GET", key.as_bytes()])
            }
        })
        .collect();
    let mset_args: Vec<Vec<u8>> = std::iter::once(b"MSET".to_vec())
        .chain((0..50).flat_map(|i| {
            [
                format!("key:{i:012}").into_bytes(),
                format!("value-{i:010}").into_bytes(),
            ]
        }))
        .collect();
    let mset_refs: Vec<&[u8]> = mset_args.iter().map(|a| a.as_slice()).collect();
    let mset = multibulk(&mset_refs);
    let inline = b"SET key:000000012345 xxxxxxxxxxxxxxxx\r\n".to_vec();

    // Sanity: each input is what it claims to be.
    assert_eq!(parse_all(&pipeline, &mut args, &limits), 16);
    args.clear();
    assert!(matches!(
        parse_request(&mset, &mut args, &limits),
        Ok(Parsed::Complete(n)) if n == mset.len()
    ));
    assert_eq!(args.len(), 101);
    args.clear();
    assert!(matches!(
        parse_request(&inline, &mut args, &limits),
        Ok(Parsed::Complete(_))
    ));
    assert_eq!(args.len(), 3);

    let mut g = c.benchmark_group("parse");
    parse_one(&mut g, "get", &get, &limits);
    parse_one(&mut g, "set", &set, &limits);
    parse_one(&mut g, "mset_100_args", &mset, &limits);
    parse_one(&mut g, "inline_set", &inline, &limits);
    g.throughput(Throughput::Elements(16));
    g.bench_function("pipeline_16", |b| {
        b.iter(|| black_box(parse_all(black_box(&pipeline), &mut args, &limits)))
    });
    g.finish();
}

fn bench_reply(c: &mut Criterion) {
    let value = vec![b'x'; 32];
    let items: Vec<Vec<u8>> = (0..100)
        .map(|i| format!("value-{i:010}").into_bytes())
        .collect();
    let mut out = Reply::new();

    let mut g = c.benchmark_group("reply");
    g.bench_function("bulk_32b", |b| {
        b.iter(|| {
            out.buf.clear();
            out.bulk(black_box(&value));
            black_box(out.len())
        })
    });
    g.bench_function("int", |b| {
        b.iter(|| {
            out.buf.clear();
            out.int(black_box(1_234_567_890));
            black_box(out.len())
        })
    });
    g.throughput(Throughput::Elements(100));
    g.bench_function("array_100_bulks", |b| {
        b.iter(|| {
            out.buf.clear();
            out.array(items.len());
            for it in black_box(&items) {
                out.bulk(it);
            }
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_parse, bench_reply);
criterion_main!(benches);
