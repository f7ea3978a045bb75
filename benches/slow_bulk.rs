//! Memory held by slow senders of big arguments: N connections each announce a big bulk
//! (`SET k <$500000000>`, under proto-max-bulk-len) and send only part of it, then stop. How
//! many bytes of server RSS does each connection cost, for what it actually sent?
//!
//! For uredis and then a real `redis-server` (each alone, free port on 127.0.0.1, `--save ''`)
//! and each amount sent (0, 16 KB, 64 KB, 256 KB): RSS growth over the N connections / N.
//! A server that sizes its read buffer by the announced length, not by what arrived, or that
//! leaves regrown halves in the allocator, shows here.
//!
//! Run: `cargo bench --bench slow_bulk`. Options are env variables:
//!   UREDIS_SLOW_CONNS=1000        connections per case
//!   UREDIS_SLOW_SENT=0,16384,65536,262144   bytes of the bulk sent per connection
//!   REDIS_SERVER                  path of redis-server (default: from PATH)

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

mod common;
use common::{Server, env_u64, runs};

fn per_connection_kb(srv: &Server, conns: usize, sent: usize) -> Option<f64> {
    let before = srv.rss_mib()?;
    let mut head = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$500000000\r\n".to_vec();
    head.resize(head.len() + sent, b'x');
    let mut held = Vec::with_capacity(conns);
    for _ in 0..conns {
        let mut s = TcpStream::connect(("127.0.0.1", srv.port)).ok()?;
        s.write_all(&head).ok()?;
        held.push(s);
    }
    // Let the server read everything that was sent (no reply is due).
    std::thread::sleep(Duration::from_millis(1500));
    let after = srv.rss_mib()?;
    Some((after - before) * 1024.0 / conns as f64)
}

fn main() {
    let conns = env_u64("UREDIS_SLOW_CONNS", 1000) as usize;
    let sent: Vec<usize> = std::env::var("UREDIS_SLOW_SENT")
        .unwrap_or_else(|_| "0,16384,65536,262144".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let redis_bin = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let ours = env!("CARGO_BIN_EXE_uredis-server");
    println!("slow big-bulk senders: {conns} connections, KB of RSS per connection");
    println!("| sent per connection | uredis | redis | ratio |");
    println!("|---|---|---|---|");
    for &n in &sent {
        let mut row = Vec::new();
        for (name, bin) in [("uredis", ours), ("redis", redis_bin.as_str())] {
            if !runs(bin) {
                row.push(None);
                continue;
            }
            let kb = Server::start(name, bin)
                .ok()
                .and_then(|srv| per_connection_kb(&srv, conns, n));
            row.push(kb);
        }
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let ratio = match (row[0], row[1]) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".into(),
        };
        println!(
            "| {} KB | {} | {} | {ratio} |",
            n / 1024,
            fmt(row[0]),
            fmt(row[1])
        );
    }
}
