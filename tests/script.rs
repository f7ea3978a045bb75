//! Lua scripting end to end: EVAL/EVALSHA/EVAL_RO/SCRIPT replies compared byte for byte with
//! a real redis-server (conversions both ways in RESP2 and RESP3, errors with script lines,
//! pcall, status/error tables, the sandbox, libraries), applications' scripts (lock release,
//! token bucket), the `redis` crate's `Script` helper, busy scripts with SCRIPT KILL, and what
//! a script propagates (its commands, not itself).

mod common;

use std::time::Duration;

use common::{Server, compat, wait_until};

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn conversions_match_redis() {
    compat(&[
        &["SET", "str", "hello"],
        &["RPUSH", "list", "a", "b", "c"],
        &["HSET", "h", "f", "v"],
        &["SADD", "set", "m"],
        &["ZADD", "z", "1.5", "m"],
        &["EVAL", "return 1", "0"],
        &["EVAL", "return 3.99", "0"],
        &["EVAL", "return -3.99", "0"],
        &["EVAL", "return 'x'", "0"],
        &["EVAL", "return true", "0"],
        &["EVAL", "return false", "0"],
        &["EVAL", "return nil", "0"],
        &["EVAL", "return {}", "0"],
        &["EVAL", "return {1,2,3,'ciao',{1,2}, nil, 3}", "0"],
        &["EVAL", "return {1, {true, false}, 'x'}", "0"],
        &["EVAL", "return {err='MY custom'}", "0"],
        &["EVAL", "return {ok='fine'}", "0"],
        &["EVAL", "return {ok='a\r\nb'}", "0"],
        &["EVAL", "return redis.error_reply('x y')", "0"],
        &["EVAL", "return redis.error_reply('-CODE text')", "0"],
        &["EVAL", "return redis.error_reply('nocode')", "0"],
        &["EVAL", "return redis.status_reply('fine')", "0"],
        &["EVAL", "return redis.call('get', KEYS[1])", "1", "str"],
        &["EVAL", "return redis.call('get', 'missing')", "0"],
        &["EVAL", "return redis.call('lrange', 'list', 0, -1)", "0"],
        &["EVAL", "return redis.call('hgetall', 'h')", "0"],
        &["EVAL", "return redis.call('smembers', 'set')", "0"],
        &["EVAL", "return redis.call('zscore', 'z', 'm')", "0"],
        &["EVAL", "return redis.call('set', 'k', 'v')", "0"],
        &["EVAL", "return redis.call('incr', 'n')", "0"],
        &["EVAL", "return type(redis.call('get', 'missing'))", "0"],
        &["EVAL", "return redis.call('ping')['ok']", "0"],
        &["EVAL", "return redis.call('incrbyfloat', 'f', 1.5)", "0"],
        &["EVAL", "return redis.call('set', 'n2', 1e20)", "0"],
        &["EVAL", "return redis.call('get', 'n2')", "0"],
        &["EVAL", "return redis.call('set', 'n3', 0.1)", "0"],
        &["EVAL", "return redis.call('get', 'n3')", "0"],
        &[
            "EVAL",
            "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}",
            "2",
            "a",
            "b",
            "c",
            "d",
        ],
        &["EVAL", "return #KEYS + #ARGV", "0"],
        &["EVAL", "return redis.sha1hex('')", "0"],
        &["EVAL", "return redis.sha1hex('Pizza & Mandolino')", "0"],
        &["EVAL", "return redis.REDIS_VERSION ~= nil", "0"],
        &["EVAL", "return redis.replicate_commands()", "0"],
        &["EVAL", "return tostring(1/0)", "0"],
        &["EVAL", "return string.format('%d-%s', 5, 'x')", "0"],
        &["EVAL", "return table.concat({1,2,3}, ',')", "0"],
        &["EVAL", "return {math.floor(7.9), math.max(1, 9)}", "0"],
        &["EVAL", "return {math.random(100), math.random(5, 10)}", "0"],
        &["EVAL", "return tostring(math.random())", "0"],
    ]);
}

#[test]
fn resp3_conversions_match_redis() {
    let Some(redis) = common::redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.raw(), redis.raw());
    a.call(&["HELLO", "3"]);
    b.call(&["HELLO", "3"]);
    common::assert_same_replies(
        &mut a,
        &mut b,
        &[
            &["HSET", "h", "f", "v"],
            &["SADD", "set", "m"],
            &["ZADD", "z", "1.5", "m"],
            &["EVAL", "return true", "0"],
            &["EVAL", "return false", "0"],
            &["EVAL", "return nil", "0"],
            &["EVAL", "return {1, 'a'}", "0"],
            &["EVAL", "return redis.call('hgetall', 'h')", "0"],
            &[
                "EVAL",
                "redis.setresp(3); return redis.call('hgetall', 'h')",
                "0",
            ],
            &[
                "EVAL",
                "redis.setresp(3); return redis.call('smembers', 'set')",
                "0",
            ],
            &[
                "EVAL",
                "redis.setresp(3); return redis.call('zscore', 'z', 'm')",
                "0",
            ],
            &[
                "EVAL",
                "redis.setresp(3); return redis.call('get', 'missing')",
                "0",
            ],
            &[
                "EVAL",
                "redis.setresp(3); return type(redis.call('get', 'missing'))",
                "0",
            ],
            &[
                "EVAL",
                "redis.setresp(3); return redis.call('hgetall', 'h').map.f",
                "0",
            ],
            &[
                "EVAL",
                "redis.setresp(3); return redis.call('zscore', 'z', 'm').double",
                "0",
            ],
            &["EVAL", "redis.setresp(3); return true", "0"],
            &["EVAL", "redis.setresp(3); return false", "0"],
            &["EVAL", "return {double=3.14}", "0"],
            &["EVAL", "return {map={a=1}}", "0"],
            &["EVAL", "return {set={a=true}}", "0"],
            &[
                "EVAL",
                "return {big_number='123456789012345678901234567890'}",
                "0",
            ],
            &[
                "EVAL",
                "return {verbatim_string={format='txt', string='hi'}}",
                "0",
            ],
            &["EVAL", "redis.setresp(4)", "0"],
            &["EVAL", "redis.setresp()", "0"],
        ],
    );
    a.call(&["HELLO", "2"]);
    b.call(&["HELLO", "2"]);
    common::assert_same_replies(
        &mut a,
        &mut b,
        &[
            &["EVAL", "return {double=3.14}", "0"],
            &["EVAL", "return {map={a=1}}", "0"],
            &["EVAL", "return {set={a=true}}", "0"],
            &["EVAL", "return {big_number='1234'}", "0"],
            &[
                "EVAL",
                "return {verbatim_string={format='txt', string='hi'}}",
                "0",
            ],
            &["EVAL", "redis.setresp(3); return true", "0"],
            &["EVAL", "redis.setresp(3); return false", "0"],
            &[
                "EVAL",
                "redis.setresp(3); return redis.call('hgetall', 'h')",
                "0",
            ],
        ],
    );
}

#[test]
fn errors_match_redis() {
    compat(&[
        &["SET", "str", "hello"],
        &["EVAL", "return x", "0"],
        &["EVAL", "x = 1", "0"],
        &["EVAL", "local a = 1\nlocal b = 2\nreturn c", "0"],
        &["EVAL", "return redis.call('nosuch')", "0"],
        &["EVAL", "return redis.call('get')", "0"],
        &["EVAL", "return redis.call()", "0"],
        &["EVAL", "return redis.call('get', {})", "0"],
        &["EVAL", "local t = redis.pcall('get'); return t", "0"],
        &["EVAL", "return redis.pcall('incr', 'str')", "0"],
        &["EVAL", "return redis.call('incr', 'str')", "0"],
        &["EVAL", "\n\nredis.call('incr', 'str')", "0"],
        &[
            "EVAL",
            "local ok, e = pcall(redis.call, 'incr', 'str'); return e",
            "0",
        ],
        &[
            "EVAL",
            "return redis.call('incr','k1') + redis.call('set','k1','a')",
            "0",
        ],
        &["EVAL", "error('boom')", "0"],
        &["EVAL", "error({err='MY boom'})", "0"],
        &["EVAL", "local t = nil; return t.x", "0"],
        &["EVAL", "return  (", "0"],
        &["EVAL", "return redis.call('multi')", "0"],
        &["EVAL", "return redis.call('eval', 'return 1', '0')", "0"],
        &["EVAL", "return redis.call('config', 'nosuch')", "0"],
        &["EVAL", "return 1", "2", "a"],
        &["EVAL", "return 1", "-1"],
        &["EVAL", "return 1", "x"],
        &["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"],
        &["EVALSHA", "short", "0"],
        &["EVAL", "return redis.log(redis.LOG_WARNING)", "0"],
        &["EVAL", "return redis.log(99, 'x')", "0"],
        &["EVAL", "return redis.log('a', 'x')", "0"],
        &["EVAL", "return redis.set_repl(99)", "0"],
        &["EVAL", "return redis.sha1hex()", "0"],
        &["EVAL", "return redis.error_reply(1, 2)", "0"],
        &["EVAL", "return redis.status_reply()", "0"],
        &["EVAL", "return math.random(0)", "0"],
        &["EVAL", "return math.random(5, 1)", "0"],
    ]);
}

#[test]
fn sandbox_matches_redis() {
    compat(&[
        &["EVAL", "return os", "0"],
        &["EVAL", "return io", "0"],
        &["EVAL", "return loadfile", "0"],
        &["EVAL", "return dofile", "0"],
        &["EVAL", "return print", "0"],
        &["EVAL", "return require", "0"],
        &["EVAL", "return debug", "0"],
        &["EVAL", "return string.foo", "0"],
        &["EVAL", "string.foo = 1", "0"],
        &["EVAL", "redis.call = nil", "0"],
        &["EVAL", "_G.x = 1", "0"],
        &["EVAL", "return _G.x", "0"],
        &[
            "EVAL",
            "local ok, e = pcall(function() return x end); return e",
            "0",
        ],
        &["EVAL", "return loadstring('return 1 + 1')()", "0"],
        &["EVAL", "return loadstring('return y')()", "0"],
        &["EVAL", "local f = function() return 5 end; return f()", "0"],
        &["EVAL", "return type(coroutine.create)", "0"],
        &[
            "EVAL",
            "return {type(pcall), type(xpcall), type(unpack), type(select)}",
            "0",
        ],
        &["EVAL", "return tonumber('0x10')", "0"],
        &["EVAL", "rawset(string, 'x', 1) return string.x", "1", "k"],
        &["EVAL", "rawset(_G, 'x', 1) return x", "1", "k"],
        &["EVAL", "table.insert(string, 'a')", "1", "k"],
        &["EVAL", "table.insert(KEYS, 'a') return KEYS", "1", "k"],
        &["EVAL", "setmetatable(string, {})", "1", "k"],
        &["EVAL", "setmetatable(_G, {})", "1", "k"],
        &["EVAL", "getmetatable(_G).__index = nil", "1", "k"],
        &["EVAL", "getmetatable('').x = 1 return 1", "1", "k"],
        &[
            "EVAL",
            "return getmetatable('').__index == string",
            "1",
            "k",
        ],
        &[
            "EVAL",
            "return {tostring(getmetatable(string)), type(getmetatable(_G))}",
            "1",
            "k",
        ],
        &["EVAL", "x = 5", "1", "k"],
        &["EVAL", "cjson.foo = 1", "1", "k"],
        &["EVAL", "local c = cjson.new() c.x = 1 return c.x", "1", "k"],
        &[
            "EVAL",
            "local t={} for k,v in pairs(_G) do t[#t+1]=k end table.sort(t) return t",
            "1",
            "k",
        ],
        &["EVAL", "return {type(getfenv), type(setfenv)}", "1", "k"],
        &["EVAL", "return type(newproxy)", "1", "k"],
        &["EVAL", "return __redis__err__handler('x').err", "1", "k"],
        &["EVAL", "__redis__err__handler = nil", "1", "k"],
        &["EVAL", "local f = loadstring('y = 1') return f()", "1", "k"],
        &[
            "EVAL",
            "local t = {} setmetatable(t, {__index=string}) return t.len('abc')",
            "1",
            "k",
        ],
    ]);
}

#[test]
fn bit_library_matches_redis() {
    compat(&[
        &["EVAL", "return bit.tohex(65535, -4)", "0"],
        &["EVAL", "return bit.tohex(-1)", "0"],
        &["EVAL", "return bit.tohex(255, 2)", "0"],
        &[
            "EVAL",
            "return {bit.band(12, 10), bit.bor(12, 10), bit.bxor(12, 10)}",
            "0",
        ],
        &[
            "EVAL",
            "return {bit.bnot(0), bit.tobit(4294967295), bit.tobit(2147483648)}",
            "0",
        ],
        &[
            "EVAL",
            "return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4)}",
            "0",
        ],
        &[
            "EVAL",
            "return {bit.rol(0x12345678, 12), bit.ror(0x12345678, 12)}",
            "0",
        ],
        &["EVAL", "return bit.bswap(0x12345678)", "0"],
        &["EVAL", "return bit.band()", "0"],
        &["EVAL", "return bit.band(1, 'x')", "0"],
    ]);
}

#[test]
fn script_commands_match_redis() {
    compat(&[
        &["SCRIPT", "LOAD", "return 'loaded'"],
        &[
            "SCRIPT",
            "EXISTS",
            "4bd1e3b4ad2e3ea1e0bd1a6ba9bdd6b6bd3fd6fd",
            "nosuch",
        ],
        &["EVALSHA", "7c7d34ed3c6d7a9dfc4e4ba3c2da2d5b89b9b1ce", "0"],
        &["SCRIPT", "LOAD", "return redis.call('get', KEYS[1])"],
        &["SET", "k", "v"],
        &[
            "EVALSHA",
            "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f",
            "1",
            "k",
        ],
        &[
            "EVALSHA",
            "D3C21D0C2B9CA22F82737626A27BCAF5D288F99F",
            "1",
            "k",
        ],
        &[
            "EVALSHA_RO",
            "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f",
            "1",
            "k",
        ],
        &[
            "SCRIPT",
            "EXISTS",
            "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f",
        ],
        &[
            "SCRIPT",
            "EXISTS",
            "D3C21D0C2B9CA22F82737626A27BCAF5D288F99F",
        ],
        &["SCRIPT", "LOAD", "return ("],
        &["SCRIPT", "FLUSH", "BOGUS"],
        &["SCRIPT", "FLUSH"],
        &[
            "SCRIPT",
            "EXISTS",
            "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f",
        ],
        &[
            "EVALSHA",
            "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f",
            "1",
            "k",
        ],
        &["SCRIPT", "FLUSH", "ASYNC"],
        &["SCRIPT", "FLUSH", "SYNC"],
        &["SCRIPT", "KILL"],
        &["SCRIPT", "NOSUCH"],
        &["SCRIPT", "LOAD"],
        &["EVAL_RO", "return redis.call('get', 'k')", "0"],
        &["EVAL_RO", "return redis.call('set', 'k', 'w')", "0"],
        &["EVAL_RO", "return redis.pcall('del', 'k')", "0"],
        &[
            "EVAL",
            "#!lua flags=no-writes\nreturn redis.call('set','a','b')",
            "0",
        ],
        &[
            "EVAL",
            "#!lua flags=no-writes\nreturn redis.call('get','k')",
            "0",
        ],
        &["EVAL", "#!lua\nreturn redis.call('set','a','b')", "0"],
        &["EVAL_RO", "#!lua\nreturn 1", "0"],
        &["EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"],
        &[
            "EVAL",
            "#!lua flags=allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 2",
            "0",
        ],
        &["EVAL", "#!lua flags=bogus\nreturn 1", "0"],
        &["EVAL", "#!lua name=x\nreturn 1", "0"],
        &["EVAL", "#!python\nreturn 1", "0"],
        &["EVAL", "#!lua", "0"],
        &["EVAL", "#!lua\nreturn x", "0"],
        &["EVAL", "#!lua\n\nerror('on line 3')", "0"],
    ]);
}

#[test]
fn applications_scripts_match_redis() {
    // A lock released only by its owner, and a token bucket rate limiter, as applications
    // (redis-py's Lock, rate-limiter libraries) write them.
    const RELEASE: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then \
                           return redis.call('del', KEYS[1]) else return 0 end";
    const BUCKET: &str = "local capacity = tonumber(ARGV[1])\n\
        local rate = tonumber(ARGV[2])\n\
        local now = tonumber(ARGV[3])\n\
        local requested = tonumber(ARGV[4])\n\
        local state = redis.call('hmget', KEYS[1], 'tokens', 'ts')\n\
        local tokens = tonumber(state[1]) or capacity\n\
        local ts = tonumber(state[2]) or now\n\
        tokens = math.min(capacity, tokens + (now - ts) * rate)\n\
        local allowed = 0\n\
        if tokens >= requested then tokens = tokens - requested; allowed = 1 end\n\
        redis.call('hset', KEYS[1], 'tokens', tokens, 'ts', now)\n\
        redis.call('expire', KEYS[1], math.ceil(capacity / rate) * 2)\n\
        return {allowed, tostring(tokens)}";
    compat(&[
        &["SET", "lock", "token-a", "NX", "PX", "30000"],
        &["EVAL", RELEASE, "1", "lock", "token-b"],
        &["GET", "lock"],
        &["EVAL", RELEASE, "1", "lock", "token-a"],
        &["EXISTS", "lock"],
        &["EVAL", BUCKET, "1", "bucket", "3", "1", "1000", "1"],
        &["EVAL", BUCKET, "1", "bucket", "3", "1", "1000", "1"],
        &["EVAL", BUCKET, "1", "bucket", "3", "1", "1000", "1"],
        &["EVAL", BUCKET, "1", "bucket", "3", "1", "1000", "1"],
        &["EVAL", BUCKET, "1", "bucket", "3", "1", "1002", "1"],
        &["HGETALL", "bucket"],
        &["TTL", "bucket"],
    ]);
}

#[test]
fn redis_crate_script_helper() {
    let srv = Server::start(&[]);
    let mut con = srv.conn();
    let script = redis::Script::new(
        "redis.call('set', KEYS[1], ARGV[1]); return redis.call('incrby', KEYS[1], ARGV[2])",
    );
    // First call: EVALSHA fails with NOSCRIPT, the crate loads it and retries.
    let v: i64 = script
        .key("counter")
        .arg(40)
        .arg(2)
        .invoke(&mut con)
        .expect("script runs");
    assert_eq!(v, 42);
    let v: i64 = script
        .key("counter")
        .arg(1)
        .arg(1)
        .invoke(&mut con)
        .expect("cached script runs");
    assert_eq!(v, 2);
    let exists: Vec<bool> = redis::cmd("SCRIPT")
        .arg("EXISTS")
        .arg(script.get_hash())
        .query(&mut con)
        .unwrap();
    assert_eq!(exists, vec![true]);
}

#[test]
fn propagates_effects_not_the_script() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut a = srv.raw();
    a.call(&["DEBUG", "PROPAGATED", "ON"]);
    a.call(&["EVAL", "redis.call('set', 'x', '1')", "0"]);
    a.call(&["EVAL", "redis.call('get', 'x')", "0"]);
    a.call(&[
        "EVAL",
        "redis.call('incr', 'x'); redis.call('select', '1'); redis.call('set', 'y', '2')",
        "0",
    ]);
    a.call(&[
        "EVAL",
        "redis.call('set', 'a', '1'); redis.set_repl(redis.REPL_NONE); redis.call('set', 'b', '2')",
        "0",
    ]);
    let log = s(&a.call(&["DEBUG", "PROPAGATED"]));
    // SELECT changes nothing, so it is not recorded; the commands carry their database.
    assert_eq!(
        log,
        "*6\r\n$9\r\n0 set x 1\r\n$7\r\n0 MULTI\r\n$8\r\n0 incr x\r\n$9\r\n1 set y 2\r\n\
         $6\r\n0 EXEC\r\n$9\r\n0 set a 1\r\n"
    );
    // The caller's database is unchanged by SELECT inside the script.
    assert_eq!(s(&a.call(&["EXISTS", "y"])), ":0\r\n");
}

#[test]
fn watch_is_invalidated_by_a_script() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    a.call(&["WATCH", "k"]);
    b.call(&["EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "k"]);
    a.call(&["MULTI"]);
    a.call(&["GET", "k"]);
    assert_eq!(s(&a.call(&["EXEC"])), "*-1\r\n");
}

#[test]
fn busy_script_is_killed_and_others_get_busy() {
    let srv = Server::start(&["--busy-reply-threshold", "50"]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    a.cmd(&[b"EVAL", b"local i = 0 while true do i = i + 1 end", b"0"]);
    // Until the threshold passes the loop is not polled, so b's first reply may take a while;
    // once polled, b gets -BUSY.
    let mut busy = Vec::new();
    assert!(wait_until(Duration::from_secs(20), || {
        busy = b.call(&["PING"]);
        busy.starts_with(b"-BUSY")
    }));
    assert_eq!(
        s(&busy),
        "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
    );
    // FUNCTION KILL does not kill an EVAL (Redis answers with the EVAL busy error).
    assert_eq!(
        s(&b.call(&["FUNCTION", "KILL"])),
        "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
    );
    assert_eq!(s(&b.call(&["SCRIPT", "KILL"])), "+OK\r\n");
    let r = s(&a.read_reply());
    assert!(
        r.starts_with("-ERR Script killed by user with SCRIPT KILL... script: "),
        "{r}"
    );
    assert!(r.ends_with(", on @user_script:1.\r\n"), "{r}");
    assert_eq!(s(&b.call(&["PING"])), "+PONG\r\n");
    assert_eq!(
        s(&b.call(&["SCRIPT", "KILL"])),
        "-NOTBUSY No scripts in execution right now.\r\n"
    );
    // A script that wrote cannot be killed; SHUTDOWN NOSAVE ends the server.
    a.cmd(&[
        b"EVAL",
        b"redis.call('set', 'w', '1') while true do end",
        b"0",
    ]);
    assert!(wait_until(Duration::from_secs(20), || b
        .call(&["PING"])
        .starts_with(b"-BUSY")));
    assert!(
        s(&b.call(&["SCRIPT", "KILL"]))
            .starts_with("-UNKILLABLE Sorry the script already executed write commands")
    );
    b.cmd(&[b"SHUTDOWN", b"NOSAVE"]);
    let mut srv = srv;
    assert!(wait_until(Duration::from_secs(20), || srv
        .child
        .try_wait()
        .ok()
        .flatten()
        .is_some()));
}

#[test]
fn cjson_matches_redis() {
    compat(&[
        &["EVAL", "return cjson.decode('')", "0"],
        &["EVAL", "return cjson.decode('x')", "0"],
        &["EVAL", "return cjson.decode('[1,')", "0"],
        &["EVAL", "return cjson.decode('{1:2}')", "0"],
        &["EVAL", "return cjson.decode('{\"a\" 1}')", "0"],
        &["EVAL", "return cjson.decode('[1 2]')", "0"],
        &["EVAL", "return cjson.decode('1 2')", "0"],
        &["EVAL", "return cjson.decode('\"\\\\q\"')", "0"],
        &["EVAL", "return cjson.decode('\"abc')", "0"],
        &["EVAL", "return cjson.encode({1,2,nil,4})", "0"],
        &["EVAL", "return cjson.encode({[1]=1,[10]=2})", "0"],
        &["EVAL", "return cjson.encode({[1]=1,[20]=2})", "0"],
        &["EVAL", "return cjson.encode(function() end)", "0"],
        &["EVAL", "return cjson.encode({[true]=1})", "0"],
        &["EVAL", "return cjson.encode(0/0)", "0"],
        &[
            "EVAL",
            "return cjson.encode({a='x/y\"\\1', b=1.5, c=1e100, d={}, e=cjson.null, f=true})",
            "0",
        ],
        &[
            "EVAL",
            "return cjson.encode(cjson.decode('{\"a\":[1,2,{\"b\":null}],\"u\":\"\\\\u00e9\\\\ud83d\\\\ude00\"}'))",
            "0",
        ],
        &["EVAL", "return cjson.decode('01')", "0"],
        &["EVAL", "return cjson.decode('-0x10')", "0"],
        &["EVAL", "return {cjson._NAME, cjson._VERSION}", "0"],
        &["EVAL", "return cjson.encode(0.1)", "0"],
        &["EVAL", "return cjson.encode(123456789012345678)", "0"],
        &["EVAL", "return cjson.encode('\\127\\128')", "0"],
        &[
            "EVAL",
            "return cjson.decode('[1.5e3, -2, true, false]')",
            "0",
        ],
        &["EVAL", "return cjson.encode(cjson.decode('[]'))", "0"],
        &["EVAL", "return cjson.encode({[1.5]='x', k={1,{2}}})", "0"],
        &[
            "EVAL",
            "return cjson.decode('{\"a\":{\"b\":[true]}}').a.b[1]",
            "0",
        ],
        &["EVAL", "return cjson.decode('null') == cjson.null", "0"],
        &["EVAL", "return cjson.decode(string.rep('[', 1001))", "0"],
        &[
            "EVAL",
            "local n = 0 for k in pairs(string) do n = n + 1 end return n > 10",
            "0",
        ],
        &[
            "EVAL",
            "return {cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision()}",
            "0",
        ],
        &["EVAL", "return {cjson.encode_sparse_array()}", "0"],
        &[
            "EVAL",
            "return {cjson.encode_keep_buffer(), cjson.encode_invalid_numbers(), cjson.decode_invalid_numbers()}",
            "0",
        ],
        &["EVAL", "return cjson.encode_max_depth(0)", "0"],
        &["EVAL", "return cjson.encode_max_depth('x')", "0"],
        &["EVAL", "return cjson.encode_max_depth(1,2)", "0"],
        &["EVAL", "return cjson.encode_max_depth(nil, nil)", "0"],
        &["EVAL", "return cjson.encode_number_precision(15)", "0"],
        &["EVAL", "return cjson.encode_sparse_array(true, -1)", "0"],
        &["EVAL", "return cjson.encode_sparse_array('maybe')", "0"],
        &["EVAL", "return cjson.encode_sparse_array({})", "0"],
        &[
            "EVAL",
            "local c = cjson.new(); c.encode_invalid_numbers('null'); return c.encode({1/0, 0/0, 1})",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.encode_invalid_numbers(true); return c.encode({1/0, -1/0, 1})",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.encode_number_precision(3); return c.encode({3.14159, 12345678})",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.encode_sparse_array(true); return c.encode({[1]=1,[100]=2})",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.encode_max_depth(2); return c.encode({{{1}}})",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.decode_max_depth(2); return c.decode('[[[1]]]')",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.decode_invalid_numbers(false); return c.decode('[0x10]')",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.decode_invalid_numbers(false); return c.decode('[nan]')",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); c.decode_invalid_numbers(false); return c.decode('[+1]')",
            "0",
        ],
        &["EVAL", "return cjson.decode('[+1, 0x10, -Infinity]')", "0"],
        &[
            "EVAL",
            "local c = cjson.new(); return {c.encode_keep_buffer('off'), c.encode_max_depth(2.9)}",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); return c.encode_keep_buffer('x')",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); return {c.encode_sparse_array(nil, 5, '7')}",
            "0",
        ],
        &[
            "EVAL",
            "local c = cjson.new(); local d = c.new(); return {d.encode_max_depth(), type(c.new)}",
            "0",
        ],
        &[
            "EVAL",
            "cjson.encode_number_precision(4) return cjson.encode(3.14159)",
            "0",
        ],
        &[
            "EVAL",
            "local r = cjson.encode(2.718281) cjson.encode_number_precision(14) return r",
            "0",
        ],
    ]);
}

#[test]
fn cmsgpack_matches_redis() {
    compat(&[
        &[
            "EVAL",
            "return cmsgpack.pack(1, -1, 200, -200, 70000, 2^40, -2^40, 1.5, 0.1, 'abc', string.rep('x', 40), string.rep('y', 300), {1,2}, {a=1}, true, false, nil)",
            "0",
        ],
        &[
            "EVAL",
            "return {cmsgpack.unpack(cmsgpack.pack({1,2,{a='b'}}, 3.5, 'x'))}",
            "0",
        ],
        &[
            "EVAL",
            "local t = cmsgpack.unpack(cmsgpack.pack({a={b={c='d'}}})) return t.a.b.c",
            "0",
        ],
        &["EVAL", "return cmsgpack.pack()", "0"],
        &["EVAL", "return cmsgpack.unpack('\\205')", "0"],
        &["EVAL", "return cmsgpack.unpack('\\193')", "0"],
        &[
            "EVAL",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}",
            "0",
        ],
        &[
            "EVAL",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}",
            "0",
        ],
        &[
            "EVAL",
            "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}",
            "0",
        ],
        &[
            "EVAL",
            "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)}",
            "0",
        ],
        &[
            "EVAL",
            "local t = {} for i = 1, 20 do t[i] = i end return cmsgpack.pack(t)",
            "0",
        ],
        &[
            "EVAL",
            "local t = {} for i = 1, 20 do t['k'..i] = i end return #cmsgpack.pack(t)",
            "0",
        ],
        &["EVAL", "local t = {} t[1] = t return cmsgpack.pack(t)", "0"],
        &["EVAL", "return {cmsgpack._NAME, cmsgpack._VERSION}", "0"],
    ]);
}

const LIB: &str = "#!lua name=mylib\n\
local function my_hset(keys, args)\n\
  local hash = keys[1]\n\
  return redis.call('HSET', hash, '_last_modified_', '1', unpack(args))\n\
end\n\
redis.register_function{function_name='my_hset', callback=my_hset, flags={'allow-oom'}, description='sets'}";

#[test]
fn functions_match_redis() {
    compat(&[
        &["FUNCTION", "LOAD", LIB],
        &["FUNCTION", "LOAD", LIB],
        &["FUNCTION", "LOAD", "REPLACE", LIB],
        &["FUNCTION", "LOAD", "BOGUS", LIB],
        &["FCALL", "my_hset", "1", "h", "f", "v"],
        &["HGETALL", "h"],
        &["FCALL", "nosuch", "0"],
        &["FCALL", "my_hset", "x"],
        &["FCALL", "my_hset", "5", "a"],
        &["FCALL", "my_hset", "-1"],
        &["FCALL_RO", "my_hset", "1", "h", "f", "v"],
        &["FUNCTION", "LIST"],
        &["FUNCTION", "LIST", "WITHCODE"],
        &["FUNCTION", "LIST", "LIBRARYNAME", "my*"],
        &["FUNCTION", "LIST", "LIBRARYNAME", "other"],
        &["FUNCTION", "LIST", "LIBRARYNAME"],
        &["FUNCTION", "LIST", "BOGUS"],
        &["FUNCTION", "STATS"],
        &["FUNCTION", "LOAD", "return 1"],
        &["FUNCTION", "LOAD", "#!lua name=bad"],
        &["FUNCTION", "LOAD", "#!lua\nreturn 1"],
        &["FUNCTION", "LOAD", "#!lua foo=bar\nreturn 1"],
        &["FUNCTION", "LOAD", "#!lua name=a name=b\nreturn 1"],
        &["FUNCTION", "LOAD", "#!lua name=bad-name\nreturn 1"],
        &["FUNCTION", "LOAD", "#!js name=x\nreturn 1"],
        &["FUNCTION", "LOAD", "#!lua name=bad\nreturn 1"],
        &["FUNCTION", "LOAD", "#!lua name=bad\nreturn ("],
        &["FUNCTION", "LOAD", "#!lua name=bad\nerror('x')"],
        &["FUNCTION", "LOAD", "#!lua name=bad\nredis.call('ping')"],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function('f', 1)",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function(1)",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function()",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function{function_name='f'}",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function{callback=function() end}",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function{function_name='f', callback=function() end, flags={'bogus'}}",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function{function_name='f', callback=function() end, foo=1}",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function('f', function() end) redis.register_function('f', function() end)",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=bad\nredis.register_function('bad-name', function() end)",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=x\nredis.register_function('my_hset', function() end)",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=x\nredis.register_function('a', function() return x end)",
        ],
        &["FCALL", "a", "0"],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=y\nredis.register_function{function_name='b', callback=function(k, a) return {k[1], a[1], redis.call('set', k[1], a[1])} end, flags={'no-writes'}}",
        ],
        &["FCALL", "b", "1", "key", "val"],
        &["FCALL_RO", "b", "1", "key", "val"],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=z\nredis.register_function('c', function(k, a) return {#k, #a, KEYS} end)",
        ],
        &["FCALL", "c", "1", "key", "val"],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=w\nredis.register_function('d', function(k, a) return redis.register_function('e', function() end) end)",
        ],
        &["FCALL", "d", "0"],
        &["FUNCTION", "DELETE", "nosuch"],
        &["FUNCTION", "DELETE", "y"],
        &["FCALL", "b", "0"],
        &["FUNCTION", "KILL"],
        &["FUNCTION", "FLUSH", "BOGUS"],
        &["FUNCTION", "FLUSH"],
        &["FUNCTION", "LIST"],
        &["FUNCTION", "RESTORE", "bad"],
        &["FUNCTION", "RESTORE", "x", "bogus"],
        &["FUNCTION", "HELP"],
    ]);
}

#[test]
fn function_dump_restore_and_rdb() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut con = srv.conn();
    let load = |con: &mut redis::Connection, code: &str| -> redis::RedisResult<String> {
        redis::cmd("FUNCTION").arg("LOAD").arg(code).query(con)
    };
    assert_eq!(load(&mut con, LIB).unwrap(), "mylib");
    let dump: Vec<u8> = redis::cmd("FUNCTION").arg("DUMP").query(&mut con).unwrap();
    // The payload is Redis's: a real redis-server restores it.
    if let Some(redis_srv) = common::redis_or_skip(&[]) {
        let mut rc = redis_srv.conn();
        let ok: String = redis::cmd("FUNCTION")
            .arg("RESTORE")
            .arg(&dump)
            .query(&mut rc)
            .unwrap();
        assert_eq!(ok, "OK");
        let theirs: Vec<u8> = redis::cmd("FUNCTION").arg("DUMP").query(&mut rc).unwrap();
        assert_eq!(theirs, dump);
    }
    // APPEND collides, REPLACE and FLUSH succeed.
    let err = redis::cmd("FUNCTION")
        .arg("RESTORE")
        .arg(&dump)
        .query::<String>(&mut con)
        .unwrap_err();
    assert!(
        err.to_string().contains("Library mylib already exists"),
        "{err}"
    );
    for policy in ["REPLACE", "FLUSH"] {
        let ok: String = redis::cmd("FUNCTION")
            .arg("RESTORE")
            .arg(&dump)
            .arg(policy)
            .query(&mut con)
            .unwrap();
        assert_eq!(ok, "OK");
    }
    // The libraries survive a save and reload, and a restart from the RDB file.
    let ok: String = redis::cmd("DEBUG").arg("RELOAD").query(&mut con).unwrap();
    assert_eq!(ok, "OK");
    let n: i64 = redis::cmd("FCALL")
        .arg("my_hset")
        .arg(1)
        .arg("h")
        .arg("f")
        .arg("v")
        .query(&mut con)
        .unwrap();
    assert_eq!(n, 2);
    let _: String = redis::cmd("SAVE").query(&mut con).unwrap();
    // (A stopped test server removes its directory: keep the file elsewhere.)
    let keep = std::env::temp_dir().join(format!("uredis-fn-rdb-{}", std::process::id()));
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(srv.dir.join("dump.rdb"), keep.join("dump.rdb")).unwrap();
    drop(con);
    drop(srv);
    let dir = keep.display().to_string();
    let srv = Server::start(&["--dir", &dir]);
    let mut con = srv.conn();
    let list: Vec<redis::Value> = redis::cmd("FUNCTION").arg("LIST").query(&mut con).unwrap();
    assert_eq!(list.len(), 1);
    let n: i64 = redis::cmd("FCALL")
        .arg("my_hset")
        .arg(1)
        .arg("h2")
        .arg("f")
        .arg("v")
        .query(&mut con)
        .unwrap();
    assert_eq!(n, 2);
    drop(srv);
    let _ = std::fs::remove_dir_all(&keep);
}

#[test]
fn function_kill_and_busy_function() {
    let srv = Server::start(&["--busy-reply-threshold", "50"]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    b.call(&[
        "FUNCTION",
        "LOAD",
        "#!lua name=spin\nredis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}",
    ]);
    a.cmd(&[b"FCALL", b"spin", b"0"]);
    let mut busy = Vec::new();
    assert!(wait_until(Duration::from_secs(20), || {
        busy = b.call(&["PING"]);
        busy.starts_with(b"-BUSY")
    }));
    assert_eq!(
        s(&busy),
        "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n"
    );
    let stats = s(&b.call(&["FUNCTION", "STATS"]));
    assert!(
        stats.contains("$4\r\nspin\r\n") && stats.contains("$5\r\nFCALL\r\n"),
        "{stats}"
    );
    assert!(s(&b.call(&["SCRIPT", "KILL"])).starts_with("-BUSY"));
    assert_eq!(s(&b.call(&["FUNCTION", "KILL"])), "+OK\r\n");
    let r = s(&a.read_reply());
    assert_eq!(
        r,
        "-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n"
    );
}

#[test]
fn struct_matches_redis() {
    let cases = [
        "struct.pack('>I2', 258)",
        "struct.pack('<i', -2)",
        "struct.pack('bBhHlLi3', -1, 255, -300, 65535, -5, 7, 70000)",
        "struct.pack('s', 'ab')",
        "struct.pack('c3', 'abcdef')",
        "struct.pack('c0', 'xyz')",
        "struct.pack('!4 b i', 1, 2)",
        "struct.pack('!b d', 1, 2)",
        "struct.pack('d', 1.5)",
        "struct.pack('>f', 0.5)",
        "struct.pack('xb', 3)",
        "{struct.unpack('>I2', 'AB')}",
        "{struct.unpack('<h', '\\255\\255')}",
        "{struct.unpack('bc0', '\\003abcd')}",
        "{struct.unpack('s', 'ab\\0cd')}",
        "{struct.unpack('s', 'ab')}",
        "{struct.unpack('i', 'a')}",
        "{struct.unpack('c0', 'a')}",
        "struct.size('i4h!8d')",
        "struct.size('s')",
        "struct.size('c0')",
        "struct.pack('q', 1)",
        "struct.pack('i40', 1)",
        "struct.pack('i', 'x')",
        "struct.pack('i')",
        "struct.pack('c5', 'ab')",
        "struct.pack('!3i', 1)",
        "{struct.unpack('>d', struct.pack('>d', 3.25))}",
        "{struct.unpack('i2', 'abcd', 3)}",
        "{struct.unpack('<i8', struct.pack('<i8', -7))}",
        "{struct.unpack('>I3', '\\1\\2\\3')}",
    ];
    let script: Vec<Vec<String>> = cases
        .iter()
        .map(|c| vec!["EVAL".to_string(), format!("return {c}"), "0".to_string()])
        .collect();
    let refs: Vec<Vec<&str>> = script
        .iter()
        .map(|c| c.iter().map(|s| s.as_str()).collect())
        .collect();
    let cmds: Vec<&[&str]> = refs.iter().map(|c| c.as_slice()).collect();
    compat(&cmds);
}

#[test]
fn caller_disconnecting_during_a_busy_script() {
    let srv = Server::start(&["--busy-reply-threshold", "50"]);
    let mut b = srv.raw();
    {
        let mut a = srv.raw();
        a.cmd(&[b"EVAL", b"while true do end", b"0"]);
        assert!(wait_until(Duration::from_secs(20), || b
            .call(&["PING"])
            .starts_with(b"-BUSY")));
        // `a` disconnects while its script runs; new clients connect meanwhile.
    }
    let mut c = srv.raw();
    assert!(s(&c.call(&["PING"])).starts_with("-BUSY"));
    assert_eq!(s(&b.call(&["SCRIPT", "KILL"])), "+OK\r\n");
    assert!(wait_until(Duration::from_secs(20), || b.call(&["PING"])
        == b"+PONG\r\n"));
    assert_eq!(s(&c.call(&["SET", "k", "v"])), "+OK\r\n");
    let list = s(&b.call(&["CLIENT", "LIST"]));
    assert_eq!(list.matches("id=").count(), 2, "{list}");
}

#[test]
fn scripts_in_transactions_and_keyspace_events_match_redis() {
    compat(&[
        &["MULTI"],
        &["EVAL", "return redis.call('incr', 'c')", "0"],
        &["EVAL", "return redis.call('incr', 'c')", "0"],
        &["EVAL", "return redis.call('nosuch')", "0"],
        &["EXEC"],
        &["EVAL", "return redis.call('select', '3')", "0"],
        &[
            "EVAL",
            "redis.call('select', '2'); redis.call('set', 'in2', 'x'); return redis.call('dbsize')",
            "0",
        ],
        &["EXISTS", "in2"],
        &["SELECT", "2"],
        &["GET", "in2"],
    ]);
    // Keyspace notifications of commands run by a script reach subscribers.
    let srv = Server::start(&["--notify-keyspace-events", "KEA"]);
    let mut sub = srv.raw();
    let mut a = srv.raw();
    sub.call(&["SUBSCRIBE", "__keyevent@0__:set"]);
    a.call(&["EVAL", "return redis.call('set', 'k', 'v')", "0"]);
    assert_eq!(
        s(&sub.read_reply()),
        "*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n"
    );
}

/// EVAL scripts and function libraries run in separate Lua states, and SCRIPT FLUSH starts a
/// fresh one for EVAL, as Redis: a library setting changed by a script (cjson's precision)
/// is seen neither by functions nor after SCRIPT FLUSH.
#[test]
fn eval_and_functions_have_separate_lua_states() {
    compat(&[
        &["EVAL", "cjson.encode_number_precision(4)", "0"],
        &["EVAL", "return cjson.encode(3.14159)", "0"],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=lib\nredis.register_function('f', function() return cjson.encode(3.14159) end)\nredis.register_function('g', function() cjson.encode_number_precision(2) return 1 end)",
        ],
        &["FCALL", "f", "0"],
        &["FCALL", "g", "0"],
        &["FCALL", "f", "0"],
        &["EVAL", "return cjson.encode(3.14159)", "0"],
        &["SCRIPT", "FLUSH"],
        &["EVAL", "return cjson.encode(3.14159)", "0"],
        &["FCALL", "f", "0"],
        &["FUNCTION", "FLUSH"],
    ]);
}

/// Function libraries run in the functions' Lua state with Redis's read-only tables: the load
/// API while loading, the protected globals afterwards; nothing can be kept or changed.
#[test]
fn function_sandbox_matches_redis() {
    compat(&[
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=lib\nlocal x = 1\nredis.register_function('f', function() return x end)\nredis.register_function('g', function() y = 1 end)\nredis.register_function('h', function() rawset(string, 'z', 1) end)\nredis.register_function('i', function(keys, args) return {type(KEYS), #keys} end)",
        ],
        &["FCALL", "f", "0"],
        &["FCALL", "g", "0"],
        &["FCALL", "h", "0"],
        &["FCALL", "i", "1", "a"],
        &["FUNCTION", "LOAD", "#!lua name=lib2\nx = 1"],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=lib3\nreturn string.len('a')",
        ],
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=lib4\nlocal t = getmetatable(_G) return 1",
        ],
        &["FUNCTION", "LOAD", "#!lua name=lib5\nrawset(redis, 'x', 1)"],
        &["FUNCTION", "LOAD", "#!lua name=lib6\nredis.x = 1"],
        &["FUNCTION", "FLUSH"],
    ]);
}
