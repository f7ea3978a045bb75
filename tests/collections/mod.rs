//! Helpers shared by the collection tests (`hashes`, `sets`).

#![allow(dead_code)]

use crate::common::{Server, redis_or_skip};

/// Runs a command through the `redis` crate and converts its reply.
pub fn q<T: redis::FromRedisValue>(c: &mut redis::Connection, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(c).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// Runs `script` (errors included) on uredis and on a real redis-server and asserts that
/// `rdb_changes_since_last_save` (Redis's dirty counter) moves the same after each command.
pub fn assert_dirty_like_redis(script: &[&[&str]]) {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let dirty = |srv: &Server| -> Vec<i64> {
        let mut c = srv.conn();
        let mut out = vec![];
        for cmd in script {
            // A failed command changes nothing.
            let _: redis::RedisResult<redis::Value> =
                redis::cmd(cmd[0]).arg(&cmd[1..]).query(&mut c);
            let info: String = q(&mut c, &["INFO", "persistence"]);
            let n = info
                .lines()
                .find_map(|l| l.strip_prefix("rdb_changes_since_last_save:"))
                .and_then(|v| v.trim().parse().ok())
                .expect("rdb_changes_since_last_save");
            out.push(n);
        }
        out
    };
    assert_eq!(dirty(&ours), dirty(&redis));
}
