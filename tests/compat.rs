//! Scripted compatibility replay: every `tests/compat/*.txt` script is run against uredis and a
//! real redis-server, and each reply must be byte-for-byte identical. A failure names the
//! script, the line and the command, and shows both replies.
//!
//! Script format:
//! - one command per line, split with the inline-command rules (as redis-cli quotes them):
//!   whitespace separates arguments; `"..."` understands `\n \r \t \b \a \\ \" \xHH`;
//!   `'...'` understands `\'`;
//! - blank lines and lines starting with `#` are ignored, except a header line
//!   `# args: --directive value ...`, which starts both servers with those directives;
//! - `!nocompare <command>` runs the command on both servers but only requires the replies to
//!   have the same RESP type (for replies that differ by nature, such as a client id).
//!
//! Scripts under `tests/compat/pending/` use commands that are not merged yet: they are not
//! run against uredis, only against two redis-servers (like every script), which proves each
//! script is deterministic, i.e. that a difference can only be uredis's.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Server, redis_or_skip, show};
use uredis::protocol::Arg;
use uredis::protocol::parse::split_args;

/// One command of a script.
struct Line {
    /// 1-based line number in the file.
    no: usize,
    text: String,
    args: Vec<Vec<u8>>,
    nocompare: bool,
}

struct Script {
    /// Path relative to the crate, for messages.
    name: String,
    server_args: Vec<String>,
    lines: Vec<Line>,
}

/// Splits `text` with the inline-command rules.
fn split(text: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut spans = Vec::new();
    split_args(text, &mut spans).ok()?;
    Some(
        spans
            .into_iter()
            .map(|a| match a {
                Arg::Span(s, e) => text[s..e].to_vec(),
                Arg::Owned(v) => v,
            })
            .collect(),
    )
}

fn parse_script(name: &str, bytes: &[u8]) -> Result<Script, String> {
    let mut script = Script {
        name: name.to_string(),
        server_args: Vec::new(),
        lines: Vec::new(),
    };
    for (i, raw) in bytes.split(|&c| c == b'\n').enumerate() {
        let no = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = String::from_utf8_lossy(raw).trim().to_string();
        let at = || format!("{name}:{no}: `{text}`");
        if let Some(args) = text.strip_prefix("# args:") {
            let args =
                split(args.as_bytes()).ok_or_else(|| format!("{}: unbalanced quotes", at()))?;
            script
                .server_args
                .extend(args.iter().map(|a| String::from_utf8_lossy(a).into_owned()));
            continue;
        }
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (nocompare, cmd) = match raw.trim_ascii_start().strip_prefix(b"!nocompare ") {
            Some(rest) => (true, rest),
            None if text.starts_with('!') => return Err(format!("{}: unknown directive", at())),
            None => (false, raw),
        };
        let args = split(cmd).ok_or_else(|| format!("{}: unbalanced quotes", at()))?;
        if args.is_empty() {
            return Err(format!("{}: no command", at()));
        }
        script.lines.push(Line {
            no,
            text,
            args,
            nocompare,
        });
    }
    if script.lines.is_empty() {
        return Err(format!("{name}: no commands"));
    }
    Ok(script)
}

fn compat_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat")
}

/// The `*.txt` scripts directly under `dir`, sorted by name. A missing directory (git keeps no
/// empty `pending/`) holds no scripts.
fn load_dir(dir: &Path) -> Vec<Script> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(p)
                .display()
                .to_string();
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{name}: {e}"));
            parse_script(&name, &bytes).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// A connection that reports a closed connection or a timeout as an error, not a panic.
/// Runs `script` on both servers, comparing every reply.
fn replay(
    script: &Script,
    (na, a): (&str, &Server),
    (nb, b): (&str, &Server),
) -> Result<(), String> {
    let (mut ca, mut cb) = (a.raw(), b.raw());
    for c in [&ca, &cb] {
        c.s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    }
    for line in &script.lines {
        let at = format!("{}:{}: `{}`", script.name, line.no, line.text);
        let ra = ca
            .try_call(&line.args)
            .map_err(|e| format!("{at}: {na}: {e}"))?;
        let rb = cb
            .try_call(&line.args)
            .map_err(|e| format!("{at}: {nb}: {e}"))?;
        let same = if line.nocompare {
            ra.first() == rb.first()
        } else {
            ra == rb
        };
        if !same {
            return Err(format!(
                "{at}: replies differ\n  {na:>12}: {}\n  {nb:>12}: {}",
                show(&ra, 500),
                show(&rb, 500)
            ));
        }
    }
    // Replies read one per command lag behind when commands also push messages (a client
    // subscribed to its own keyspace events): drain both streams up to a final marker PING so
    // every frame sent is compared.
    let marker = b"__compat_end_of_script__".to_vec();
    let ping = [b"PING".to_vec(), marker.clone()];
    let (mut ra, mut rb) = (ca.try_call(&ping), cb.try_call(&ping));
    let at = format!("{}: after the last command", script.name);
    loop {
        if ra.is_err() && rb.is_err() {
            // Both closed the connection (the script ended with QUIT): nothing pending.
            return Ok(());
        }
        let (fa, fb) = (
            ra.clone().map_err(|e| format!("{at}: {na}: {e}"))?,
            rb.clone().map_err(|e| format!("{at}: {nb}: {e}"))?,
        );
        if fa != fb {
            return Err(format!(
                "{at}: pending frames differ\n  {na:>12}: {}\n  {nb:>12}: {}",
                show(&fa, 500),
                show(&fb, 500)
            ));
        }
        if fa.windows(marker.len()).any(|w| w == &marker[..]) {
            return Ok(());
        }
        (ra, rb) = (ca.try_reply(), cb.try_reply());
    }
}

fn args_of(script: &Script) -> Vec<&str> {
    script.server_args.iter().map(|s| s.as_str()).collect()
}

#[test]
fn scripts_match_redis() {
    let scripts = load_dir(&compat_dir());
    assert!(!scripts.is_empty(), "no scripts in tests/compat");
    let mut failures = Vec::new();
    for script in &scripts {
        let extra = args_of(script);
        let Some(redis) = redis_or_skip(&extra) else {
            return;
        };
        let ours = Server::start(&extra);
        if let Err(e) = replay(script, ("uredis", &ours), ("redis-server", &redis)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n\n"));
}

/// Every script, pending ones included, gives identical replies on two redis-servers: the
/// scripts are deterministic, so any difference with uredis is a real one.
#[test]
fn scripts_are_deterministic_on_redis() {
    let mut scripts = load_dir(&compat_dir());
    scripts.extend(load_dir(&compat_dir().join("pending")));
    let mut failures = Vec::new();
    for script in &scripts {
        let extra = args_of(script);
        let (Some(r1), Some(r2)) = (redis_or_skip(&extra), redis_or_skip(&extra)) else {
            return;
        };
        if let Err(e) = replay(script, ("redis-server", &r1), ("redis-server", &r2)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n\n"));
}

#[test]
fn script_format() {
    let s = parse_script(
        "t.txt",
        b"# args: --hz 100 --save \"\"\n\n  # comment\nSET \"a b\" 'it\\'s'\r\n!nocompare HELLO 3\nGET \"\\x00\"\n",
    )
    .unwrap();
    assert_eq!(s.server_args, ["--hz", "100", "--save", ""]);
    let got: Vec<(usize, Vec<Vec<u8>>, bool)> = s
        .lines
        .iter()
        .map(|l| (l.no, l.args.clone(), l.nocompare))
        .collect();
    let v = |x: &[&[u8]]| x.iter().map(|a| a.to_vec()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            (4, v(&[b"SET", b"a b", b"it's"]), false),
            (5, v(&[b"HELLO", b"3"]), true),
            (6, v(&[b"GET", b"\0"]), false),
        ]
    );
    let e = parse_script("t.txt", b"PING\n\nSET \"a\n").err().unwrap();
    assert!(e.starts_with("t.txt:3: `SET \"a`"), "{e}");
    let e = parse_script("t.txt", b"!sorted KEYS *\n").err().unwrap();
    assert!(e.contains("unknown directive"), "{e}");
    assert!(parse_script("t.txt", b"# nothing\n").is_err());
}
