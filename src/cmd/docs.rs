//! What `COMMAND INFO` and `COMMAND DOCS` report about a command beyond our command table:
//! ACL categories, command tips, key specs, and the documentation (summary, since, group,
//! complexity, doc flags, deprecation, history, the argument tree). Arity, flags and legacy key
//! positions are *not* here: they come from the hand-written table in each family.
//!
//! Everything below the `GENERATED` marker is generated from a real redis-server 7.0.15, keyed
//! by command full name and sorted by it. To regenerate (with `redis-server` 7.0.15 on PATH):
//!
//! ```text
//! cargo test --test command -- --ignored regenerate_docs
//! ```
//!
//! The generator (`tests/command.rs`) queries `COMMAND INFO` and `COMMAND DOCS` for a fixed list
//! of names over RESP3 and rewrites the part of this file after the marker; the entries for
//! commands Redis 7.0.15 lacks (`client|no-touch`, `client|setinfo`, both 7.2) are hand-written
//! in the generator following Redis 7.2's command JSON files.

/// One command's data, as Redis 7.0.15 reports it.
#[derive(Debug)]
pub struct Doc {
    /// Lower-case full name (`config|get`).
    pub name: &'static str,
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: Option<&'static str>,
    /// `deprecated`, `syscmd`; reported only when non-empty.
    pub doc_flags: &'static [&'static str],
    pub deprecated_since: Option<&'static str>,
    pub replaced_by: Option<&'static str>,
    /// `(version, change)` pairs.
    pub history: Option<&'static [(&'static str, &'static str)]>,
    pub arguments: Option<&'static [Arg]>,
    /// With their `@`, in Redis's category order (implicit categories included).
    pub acl_categories: &'static [&'static str],
    pub tips: &'static [&'static str],
    pub key_specs: &'static [KeySpec],
}

impl Doc {
    /// A base for struct-update syntax in the generated entries.
    pub const EMPTY: Doc = Doc {
        name: "",
        summary: "",
        since: "",
        group: "",
        complexity: None,
        doc_flags: &[],
        deprecated_since: None,
        replaced_by: None,
        history: None,
        arguments: None,
        acl_categories: &[],
        tips: &[],
        key_specs: &[],
    };
}

/// One node of a command's argument tree (`COMMAND DOCS ... arguments`).
#[derive(Debug)]
pub struct Arg {
    pub name: &'static str,
    /// `string`, `integer`, `double`, `key`, `pattern`, `unix-time`, `pure-token`, `oneof`,
    /// `block`.
    pub kind: &'static str,
    pub key_spec_index: Option<i64>,
    pub token: Option<&'static str>,
    pub summary: Option<&'static str>,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    /// `optional`, `multiple`, `multiple_token`; reported only when non-empty.
    pub flags: &'static [&'static str],
    /// Present for `oneof` and `block` arguments.
    pub arguments: Option<&'static [Arg]>,
}

impl Arg {
    /// A base for struct-update syntax in the generated entries.
    pub const EMPTY: Arg = Arg {
        name: "",
        kind: "",
        key_spec_index: None,
        token: None,
        summary: None,
        since: None,
        deprecated_since: None,
        flags: &[],
        arguments: None,
    };
}

/// A key specification: where a command's keys start and how to find them from there.
#[derive(Debug)]
pub struct KeySpec {
    pub notes: Option<&'static str>,
    /// `RO`, `RW`, `OW`, `RM`, `access`, `update`, `insert`, `delete`, `not_key`,
    /// `incomplete`, `variable_flags`, in Redis's order.
    pub flags: &'static [&'static str],
    pub begin_search: BeginSearch,
    pub find_keys: FindKeys,
}

impl KeySpec {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }
}

#[derive(Debug, Clone, Copy)]
pub enum BeginSearch {
    Unknown,
    /// The first key is at this argument index.
    Index(i64),
    /// The first key follows `keyword`, searched from `startfrom` (negative: from the end,
    /// backwards).
    Keyword {
        keyword: &'static str,
        startfrom: i64,
    },
}

#[derive(Debug, Clone, Copy)]
pub enum FindKeys {
    Unknown,
    /// Keys up to `lastkey` (relative to the first key; negative: from the end), every
    /// `keystep`; with a negative `lastkey`, `limit` > 0 stops after 1/limit of the remaining
    /// arguments.
    Range {
        lastkey: i64,
        keystep: i64,
        limit: i64,
    },
    /// The number of keys is at `keynumidx` (relative to the begin_search result); keys start
    /// `firstkey` after that and come every `keystep`.
    Keynum {
        keynumidx: i64,
        firstkey: i64,
        keystep: i64,
    },
}

/// The entry for `name` (lower-case full name), if we have one.
pub fn get(name: &str) -> Option<&'static Doc> {
    DOCS.binary_search_by(|d| d.name.cmp(name))
        .ok()
        .and_then(|i| DOCS.get(i))
}

// ---- GENERATED: everything below is written by `regenerate_docs` in tests/command.rs ----
pub static DOCS: &[Doc] = &[
    Doc {
        name: "acl",
        summary: "A container for Access List Control commands ",
        since: "6.0.0",
        group: "server",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|cat",
        summary: "List the ACL categories or the commands inside a category",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(1) since the categories and commands are a fixed set."),
        arguments: Some(&[Arg {
            name: "categoryname",
            kind: "string",
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|deluser",
        summary: "Remove the specified ACL users and the associated rules",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(1) amortized time considering the typical user."),
        arguments: Some(&[Arg {
            name: "username",
            kind: "string",
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|dryrun",
        summary: "Returns whether the user can execute the given command without executing the command.",
        since: "7.0.0",
        group: "server",
        complexity: Some("O(1)."),
        arguments: Some(&[
            Arg {
                name: "username",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "command",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|genpass",
        summary: "Generate a pseudorandom secure password to use for ACL users",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "bits",
            kind: "integer",
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|getuser",
        summary: "Get the rules for a specific ACL user",
        since: "6.0.0",
        group: "server",
        complexity: Some(
            "O(N). Where N is the number of password, command and pattern rules that the user has.",
        ),
        history: Some(&[
            ("6.2.0", "Added Pub/Sub channel patterns."),
            (
                "7.0.0",
                "Added selectors and changed the format of key and channel patterns from a list to their rule representation.",
            ),
        ]),
        arguments: Some(&[Arg {
            name: "username",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|help",
        summary: "Show helpful text about the different subcommands",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|list",
        summary: "List the current ACL rules in ACL config file format",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(N). Where N is the number of configured users."),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|load",
        summary: "Reload the ACLs from the configured ACL file",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(N). Where N is the number of configured users."),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|log",
        summary: "List latest events denied because of ACLs in place",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(N) with N being the number of entries shown."),
        arguments: Some(&[Arg {
            name: "operation",
            kind: "oneof",
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "count",
                    kind: "integer",
                    ..Arg::EMPTY
                },
                Arg {
                    name: "reset",
                    kind: "pure-token",
                    token: Some("RESET"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|save",
        summary: "Save the current ACL rules in the configured ACL file",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(N). Where N is the number of configured users."),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|setuser",
        summary: "Modify or create the rules for a specific ACL user",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(N). Where N is the number of rules provided."),
        history: Some(&[
            ("6.2.0", "Added Pub/Sub channel patterns."),
            ("7.0.0", "Added selectors and key based permissions."),
        ]),
        arguments: Some(&[
            Arg {
                name: "username",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "rule",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|users",
        summary: "List the username of all the configured ACL rules",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(N). Where N is the number of configured users."),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "acl|whoami",
        summary: "Return the name of the user associated to the current connection",
        since: "6.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "append",
        summary: "Append a value to a key",
        since: "2.0.0",
        group: "string",
        complexity: Some(
            "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "asking",
        summary: "Sent by cluster clients after an -ASK redirect",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "auth",
        summary: "Authenticate to the server",
        since: "1.0.0",
        group: "connection",
        complexity: Some("O(N) where N is the number of passwords defined for the user"),
        history: Some(&[("6.0.0", "Added ACL style (username and password).")]),
        arguments: Some(&[
            Arg {
                name: "username",
                kind: "string",
                since: Some("6.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "password",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "bgrewriteaof",
        summary: "Asynchronously rewrite the append-only file",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "bgsave",
        summary: "Asynchronously save the dataset to disk",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(1)"),
        history: Some(&[("3.2.2", "Added the `SCHEDULE` option.")]),
        arguments: Some(&[Arg {
            name: "schedule",
            kind: "pure-token",
            token: Some("SCHEDULE"),
            since: Some("3.2.2"),
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "bitcount",
        summary: "Count set bits in a string",
        since: "2.6.0",
        group: "bitmap",
        complexity: Some("O(N)"),
        history: Some(&[("7.0.0", "Added the `BYTE|BIT` option.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "index",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "start",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "end",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "index_unit",
                        kind: "oneof",
                        since: Some("7.0.0"),
                        flags: &["optional"],
                        arguments: Some(&[
                            Arg {
                                name: "byte",
                                kind: "pure-token",
                                token: Some("BYTE"),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "bit",
                                kind: "pure-token",
                                token: Some("BIT"),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@bitmap", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "bitfield",
        summary: "Perform arbitrary bitfield integer operations on strings",
        since: "3.2.0",
        group: "bitmap",
        complexity: Some("O(1) for each subcommand specified"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "operation",
                kind: "oneof",
                flags: &["optional", "multiple"],
                arguments: Some(&[
                    Arg {
                        name: "encoding_offset",
                        kind: "block",
                        token: Some("GET"),
                        arguments: Some(&[
                            Arg {
                                name: "encoding",
                                kind: "string",
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "offset",
                                kind: "integer",
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "write",
                        kind: "block",
                        arguments: Some(&[
                            Arg {
                                name: "wrap_sat_fail",
                                kind: "oneof",
                                token: Some("OVERFLOW"),
                                flags: &["optional"],
                                arguments: Some(&[
                                    Arg {
                                        name: "wrap",
                                        kind: "pure-token",
                                        token: Some("WRAP"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "sat",
                                        kind: "pure-token",
                                        token: Some("SAT"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "fail",
                                        kind: "pure-token",
                                        token: Some("FAIL"),
                                        ..Arg::EMPTY
                                    },
                                ]),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "write_operation",
                                kind: "oneof",
                                arguments: Some(&[
                                    Arg {
                                        name: "encoding_offset_value",
                                        kind: "block",
                                        token: Some("SET"),
                                        arguments: Some(&[
                                            Arg {
                                                name: "encoding",
                                                kind: "string",
                                                ..Arg::EMPTY
                                            },
                                            Arg {
                                                name: "offset",
                                                kind: "integer",
                                                ..Arg::EMPTY
                                            },
                                            Arg {
                                                name: "value",
                                                kind: "integer",
                                                ..Arg::EMPTY
                                            },
                                        ]),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "encoding_offset_increment",
                                        kind: "block",
                                        token: Some("INCRBY"),
                                        arguments: Some(&[
                                            Arg {
                                                name: "encoding",
                                                kind: "string",
                                                ..Arg::EMPTY
                                            },
                                            Arg {
                                                name: "offset",
                                                kind: "integer",
                                                ..Arg::EMPTY
                                            },
                                            Arg {
                                                name: "increment",
                                                kind: "integer",
                                                ..Arg::EMPTY
                                            },
                                        ]),
                                        ..Arg::EMPTY
                                    },
                                ]),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@bitmap", "@slow"],
        key_specs: &[KeySpec {
            notes: Some("This command allows both access and modification of the key"),
            flags: &["RW", "access", "update", "variable_flags"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "bitfield_ro",
        summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
        since: "6.0.0",
        group: "bitmap",
        complexity: Some("O(1) for each subcommand specified"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "encoding_offset",
                kind: "block",
                token: Some("GET"),
                flags: &["optional", "multiple", "multiple_token"],
                arguments: Some(&[
                    Arg {
                        name: "encoding",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@bitmap", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "bitop",
        summary: "Perform bitwise operations between strings",
        since: "2.6.0",
        group: "bitmap",
        complexity: Some("O(N)"),
        arguments: Some(&[
            Arg {
                name: "operation",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "destkey",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@bitmap", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(3),
                find_keys: FindKeys::Range {
                    lastkey: -1,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "bitpos",
        summary: "Find first bit set or clear in a string",
        since: "2.8.7",
        group: "bitmap",
        complexity: Some("O(N)"),
        history: Some(&[("7.0.0", "Added the `BYTE|BIT` option.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "bit",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "index",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "start",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "end_index",
                        kind: "block",
                        flags: &["optional"],
                        arguments: Some(&[
                            Arg {
                                name: "end",
                                kind: "integer",
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "index_unit",
                                kind: "oneof",
                                since: Some("7.0.0"),
                                flags: &["optional"],
                                arguments: Some(&[
                                    Arg {
                                        name: "byte",
                                        kind: "pure-token",
                                        token: Some("BYTE"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "bit",
                                        kind: "pure-token",
                                        token: Some("BIT"),
                                        ..Arg::EMPTY
                                    },
                                ]),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@bitmap", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "blmove",
        summary: "Pop an element from a list, push it to another list and return it; or block until one is available",
        since: "6.2.0",
        group: "list",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "source",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
            Arg {
                name: "wherefrom",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "left",
                        kind: "pure-token",
                        token: Some("LEFT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "right",
                        kind: "pure-token",
                        token: Some("RIGHT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "whereto",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "left",
                        kind: "pure-token",
                        token: Some("LEFT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "right",
                        kind: "pure-token",
                        token: Some("RIGHT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow", "@blocking"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "blmpop",
        summary: "Pop elements from a list, or block until one is available",
        since: "7.0.0",
        group: "list",
        complexity: Some(
            "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        ),
        arguments: Some(&[
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "where",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "left",
                        kind: "pure-token",
                        token: Some("LEFT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "right",
                        kind: "pure-token",
                        token: Some("RIGHT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "blpop",
        summary: "Remove and get the first element in a list, or block until one is available",
        since: "2.0.0",
        group: "list",
        complexity: Some("O(N) where N is the number of provided keys."),
        history: Some(&[(
            "6.0.0",
            "`timeout` is interpreted as a double instead of an integer.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -2,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "brpop",
        summary: "Remove and get the last element in a list, or block until one is available",
        since: "2.0.0",
        group: "list",
        complexity: Some("O(N) where N is the number of provided keys."),
        history: Some(&[(
            "6.0.0",
            "`timeout` is interpreted as a double instead of an integer.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -2,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "brpoplpush",
        summary: "Pop an element from a list, push it to another list and return it; or block until one is available",
        since: "2.2.0",
        group: "list",
        complexity: Some("O(1)"),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`BLMOVE` with the `RIGHT` and `LEFT` arguments"),
        doc_flags: &["deprecated"],
        history: Some(&[(
            "6.0.0",
            "`timeout` is interpreted as a double instead of an integer.",
        )]),
        arguments: Some(&[
            Arg {
                name: "source",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow", "@blocking"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "bzmpop",
        summary: "Remove and return members with scores in a sorted set or block until one is available",
        since: "7.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
        ),
        arguments: Some(&[
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "where",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "min",
                        kind: "pure-token",
                        token: Some("MIN"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "max",
                        kind: "pure-token",
                        token: Some("MAX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "bzpopmax",
        summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
        since: "5.0.0",
        group: "sorted-set",
        complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
        history: Some(&[(
            "6.0.0",
            "`timeout` is interpreted as a double instead of an integer.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@fast", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -2,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "bzpopmin",
        summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
        since: "5.0.0",
        group: "sorted-set",
        complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
        history: Some(&[(
            "6.0.0",
            "`timeout` is interpreted as a double instead of an integer.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@fast", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -2,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "client",
        summary: "A container for client connection commands",
        since: "2.4.0",
        group: "connection",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|caching",
        summary: "Instruct the server about tracking or not keys in the next request",
        since: "6.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "mode",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "yes",
                    kind: "pure-token",
                    token: Some("YES"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "no",
                    kind: "pure-token",
                    token: Some("NO"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|getname",
        summary: "Get the current connection name",
        since: "2.6.9",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|getredir",
        summary: "Get tracking notifications redirection client ID if any",
        since: "6.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|id",
        summary: "Returns the client ID for the current connection",
        since: "5.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|info",
        summary: "Returns information about the current client connection.",
        since: "6.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|kill",
        summary: "Kill the connection of a client",
        since: "2.4.0",
        group: "connection",
        complexity: Some("O(N) where N is the number of client connections"),
        history: Some(&[
            ("2.8.12", "Added new filter format."),
            ("2.8.12", "`ID` option."),
            ("3.2.0", "Added `master` type in for `TYPE` option."),
            (
                "5.0.0",
                "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
            ),
            ("6.2.0", "`LADDR` option."),
        ]),
        arguments: Some(&[Arg {
            name: "filter",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "ip:port",
                    kind: "string",
                    deprecated_since: Some("2.8.12"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "new-format",
                    kind: "oneof",
                    flags: &["multiple"],
                    arguments: Some(&[
                        Arg {
                            name: "client-id",
                            kind: "integer",
                            token: Some("ID"),
                            since: Some("2.8.12"),
                            flags: &["optional"],
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "normal_master_slave_pubsub",
                            kind: "oneof",
                            token: Some("TYPE"),
                            since: Some("2.8.12"),
                            flags: &["optional"],
                            arguments: Some(&[
                                Arg {
                                    name: "normal",
                                    kind: "pure-token",
                                    token: Some("NORMAL"),
                                    ..Arg::EMPTY
                                },
                                Arg {
                                    name: "master",
                                    kind: "pure-token",
                                    token: Some("MASTER"),
                                    since: Some("3.2.0"),
                                    ..Arg::EMPTY
                                },
                                Arg {
                                    name: "slave",
                                    kind: "pure-token",
                                    token: Some("SLAVE"),
                                    ..Arg::EMPTY
                                },
                                Arg {
                                    name: "replica",
                                    kind: "pure-token",
                                    token: Some("REPLICA"),
                                    since: Some("5.0.0"),
                                    ..Arg::EMPTY
                                },
                                Arg {
                                    name: "pubsub",
                                    kind: "pure-token",
                                    token: Some("PUBSUB"),
                                    ..Arg::EMPTY
                                },
                            ]),
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "username",
                            kind: "string",
                            token: Some("USER"),
                            flags: &["optional"],
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "ip:port",
                            kind: "string",
                            token: Some("ADDR"),
                            flags: &["optional"],
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "ip:port",
                            kind: "string",
                            token: Some("LADDR"),
                            since: Some("6.2.0"),
                            flags: &["optional"],
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "yes/no",
                            kind: "string",
                            token: Some("SKIPME"),
                            flags: &["optional"],
                            ..Arg::EMPTY
                        },
                    ]),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|list",
        summary: "Get the list of client connections",
        since: "2.4.0",
        group: "connection",
        complexity: Some("O(N) where N is the number of client connections"),
        history: Some(&[
            ("2.8.12", "Added unique client `id` field."),
            ("5.0.0", "Added optional `TYPE` filter."),
            ("6.0.0", "Added `user` field."),
            (
                "6.2.0",
                "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
            ),
            (
                "7.0.0",
                "Added `resp`, `multi-mem`, `rbs` and `rbp` fields.",
            ),
            ("7.0.3", "Added `ssub` field."),
        ]),
        arguments: Some(&[
            Arg {
                name: "normal_master_replica_pubsub",
                kind: "oneof",
                token: Some("TYPE"),
                since: Some("5.0.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "normal",
                        kind: "pure-token",
                        token: Some("NORMAL"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "master",
                        kind: "pure-token",
                        token: Some("MASTER"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "replica",
                        kind: "pure-token",
                        token: Some("REPLICA"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "pubsub",
                        kind: "pure-token",
                        token: Some("PUBSUB"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "id",
                kind: "block",
                token: Some("ID"),
                since: Some("6.2.0"),
                flags: &["optional"],
                arguments: Some(&[Arg {
                    name: "client-id",
                    kind: "integer",
                    flags: &["multiple"],
                    ..Arg::EMPTY
                }]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|no-evict",
        summary: "Set client eviction mode for the current connection",
        since: "7.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "enabled",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "on",
                    kind: "pure-token",
                    token: Some("ON"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "off",
                    kind: "pure-token",
                    token: Some("OFF"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|no-touch",
        summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        since: "7.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "enabled",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "on",
                    kind: "pure-token",
                    token: Some("ON"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "off",
                    kind: "pure-token",
                    token: Some("OFF"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|pause",
        summary: "Stop processing commands from clients for some time",
        since: "2.9.50",
        group: "connection",
        complexity: Some("O(1)"),
        history: Some(&[(
            "6.2.0",
            "`CLIENT PAUSE WRITE` mode added along with the `mode` option.",
        )]),
        arguments: Some(&[
            Arg {
                name: "timeout",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "mode",
                kind: "oneof",
                since: Some("6.2.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "write",
                        kind: "pure-token",
                        token: Some("WRITE"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "all",
                        kind: "pure-token",
                        token: Some("ALL"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|reply",
        summary: "Instruct the server whether to reply to commands",
        since: "3.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "on_off_skip",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "on",
                    kind: "pure-token",
                    token: Some("ON"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "off",
                    kind: "pure-token",
                    token: Some("OFF"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "skip",
                    kind: "pure-token",
                    token: Some("SKIP"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|setinfo",
        summary: "Sets information specific to the client or connection.",
        since: "7.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "attr",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "libname",
                    kind: "string",
                    token: Some("lib-name"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "libver",
                    kind: "string",
                    token: Some("lib-ver"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|setname",
        summary: "Set the current connection name",
        since: "2.6.9",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "connection-name",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|tracking",
        summary: "Enable or disable server assisted client side caching support",
        since: "6.0.0",
        group: "connection",
        complexity: Some("O(1). Some options may introduce additional complexity."),
        arguments: Some(&[
            Arg {
                name: "status",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "on",
                        kind: "pure-token",
                        token: Some("ON"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "off",
                        kind: "pure-token",
                        token: Some("OFF"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "client-id",
                kind: "integer",
                token: Some("REDIRECT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "prefix",
                kind: "string",
                token: Some("PREFIX"),
                flags: &["optional", "multiple", "multiple_token"],
                ..Arg::EMPTY
            },
            Arg {
                name: "bcast",
                kind: "pure-token",
                token: Some("BCAST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "optin",
                kind: "pure-token",
                token: Some("OPTIN"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "optout",
                kind: "pure-token",
                token: Some("OPTOUT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "noloop",
                kind: "pure-token",
                token: Some("NOLOOP"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|trackinginfo",
        summary: "Return information about server assisted client side caching for the current connection",
        since: "6.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|unblock",
        summary: "Unblock a client blocked in a blocking command from a different connection",
        since: "5.0.0",
        group: "connection",
        complexity: Some("O(log N) where N is the number of client connections"),
        arguments: Some(&[
            Arg {
                name: "client-id",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout_error",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "timeout",
                        kind: "pure-token",
                        token: Some("TIMEOUT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "error",
                        kind: "pure-token",
                        token: Some("ERROR"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "client|unpause",
        summary: "Resume processing of clients that were paused",
        since: "6.2.0",
        group: "connection",
        complexity: Some("O(N) Where N is the number of paused clients"),
        acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster",
        summary: "A container for cluster commands",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|addslots",
        summary: "Assign new hash slots to receiving node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the total number of hash slot arguments"),
        arguments: Some(&[Arg {
            name: "slot",
            kind: "integer",
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|addslotsrange",
        summary: "Assign new hash slots to receiving node",
        since: "7.0.0",
        group: "cluster",
        complexity: Some(
            "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
        ),
        arguments: Some(&[Arg {
            name: "start-slot_end-slot",
            kind: "block",
            flags: &["multiple"],
            arguments: Some(&[
                Arg {
                    name: "start-slot",
                    kind: "integer",
                    ..Arg::EMPTY
                },
                Arg {
                    name: "end-slot",
                    kind: "integer",
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|bumpepoch",
        summary: "Advance the cluster config epoch",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|count-failure-reports",
        summary: "Return the number of failure reports active for a given node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the number of failure reports"),
        arguments: Some(&[Arg {
            name: "node-id",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|countkeysinslot",
        summary: "Return the number of local keys in the specified hash slot",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "slot",
            kind: "integer",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|delslots",
        summary: "Set hash slots as unbound in receiving node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the total number of hash slot arguments"),
        arguments: Some(&[Arg {
            name: "slot",
            kind: "integer",
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|delslotsrange",
        summary: "Set hash slots as unbound in receiving node",
        since: "7.0.0",
        group: "cluster",
        complexity: Some(
            "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
        ),
        arguments: Some(&[Arg {
            name: "start-slot_end-slot",
            kind: "block",
            flags: &["multiple"],
            arguments: Some(&[
                Arg {
                    name: "start-slot",
                    kind: "integer",
                    ..Arg::EMPTY
                },
                Arg {
                    name: "end-slot",
                    kind: "integer",
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|failover",
        summary: "Forces a replica to perform a manual failover of its master.",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "options",
            kind: "oneof",
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "force",
                    kind: "pure-token",
                    token: Some("FORCE"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "takeover",
                    kind: "pure-token",
                    token: Some("TAKEOVER"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|flushslots",
        summary: "Delete a node's own slots information",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|forget",
        summary: "Remove a node from the nodes table",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "node-id",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|getkeysinslot",
        summary: "Return local key names in the specified hash slot",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(log(N)) where N is the number of requested keys"),
        arguments: Some(&[
            Arg {
                name: "slot",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|info",
        summary: "Provides info about Redis Cluster node state",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|keyslot",
        summary: "Returns the hash slot of the specified key",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the number of bytes in the key"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|links",
        summary: "Returns a list of all TCP links to and from peer nodes in cluster",
        since: "7.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the total number of Cluster nodes"),
        acl_categories: &["@slow"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|meet",
        summary: "Force a node cluster to handshake with another node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        history: Some(&[("4.0.0", "Added the optional `cluster_bus_port` argument.")]),
        arguments: Some(&[
            Arg {
                name: "ip",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "port",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "cluster_bus_port",
                kind: "integer",
                since: Some("4.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|myid",
        summary: "Return the node id",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|nodes",
        summary: "Get Cluster config for the node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the total number of Cluster nodes"),
        acl_categories: &["@slow"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|replicas",
        summary: "List replica nodes of the specified master node",
        since: "5.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "node-id",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|replicate",
        summary: "Reconfigure a node as a replica of the specified master node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "node-id",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|reset",
        summary: "Reset a Redis Cluster node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some(
            "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.",
        ),
        arguments: Some(&[Arg {
            name: "hard_soft",
            kind: "oneof",
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "hard",
                    kind: "pure-token",
                    token: Some("HARD"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "soft",
                    kind: "pure-token",
                    token: Some("SOFT"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|saveconfig",
        summary: "Forces the node to save cluster state on disk",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|set-config-epoch",
        summary: "Set the configuration epoch in a new node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "config-epoch",
            kind: "integer",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|setslot",
        summary: "Bind a hash slot to a specific node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "slot",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "subcommand",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "node-id",
                        kind: "string",
                        token: Some("IMPORTING"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "node-id",
                        kind: "string",
                        token: Some("MIGRATING"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "node-id",
                        kind: "string",
                        token: Some("NODE"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "stable",
                        kind: "pure-token",
                        token: Some("STABLE"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|shards",
        summary: "Get array of cluster slots to node mappings",
        since: "7.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the total number of cluster nodes"),
        acl_categories: &["@slow"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|slaves",
        summary: "List replica nodes of the specified master node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        deprecated_since: Some("5.0.0"),
        replaced_by: Some("`CLUSTER REPLICAS`"),
        doc_flags: &["deprecated"],
        arguments: Some(&[Arg {
            name: "node-id",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "cluster|slots",
        summary: "Get array of Cluster slot to node mappings",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(N) where N is the total number of Cluster nodes"),
        deprecated_since: Some("7.0.0"),
        replaced_by: Some("`CLUSTER SHARDS`"),
        doc_flags: &["deprecated"],
        history: Some(&[
            ("4.0.0", "Added node IDs."),
            ("7.0.0", "Added additional networking metadata field."),
        ]),
        acl_categories: &["@slow"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command",
        summary: "Get array of Redis command details",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(N) where N is the total number of Redis commands"),
        acl_categories: &["@slow", "@connection"],
        tips: &["nondeterministic_output_order"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command|count",
        summary: "Get total number of Redis commands",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command|docs",
        summary: "Get array of specific Redis command documentation",
        since: "7.0.0",
        group: "server",
        complexity: Some("O(N) where N is the number of commands to look up"),
        arguments: Some(&[Arg {
            name: "command-name",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        tips: &["nondeterministic_output_order"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command|getkeys",
        summary: "Extract keys given a full Redis command",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(N) where N is the number of arguments to the command"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command|getkeysandflags",
        summary: "Extract keys and access flags given a full Redis command",
        since: "7.0.0",
        group: "server",
        complexity: Some("O(N) where N is the number of arguments to the command"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command|info",
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(N) where N is the number of commands to look up"),
        history: Some(&[(
            "7.0.0",
            "Allowed to be called with no argument to get info on all commands.",
        )]),
        arguments: Some(&[Arg {
            name: "command-name",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        tips: &["nondeterministic_output_order"],
        ..Doc::EMPTY
    },
    Doc {
        name: "command|list",
        summary: "Get an array of Redis command names",
        since: "7.0.0",
        group: "server",
        complexity: Some("O(N) where N is the total number of Redis commands"),
        arguments: Some(&[Arg {
            name: "filterby",
            kind: "oneof",
            token: Some("FILTERBY"),
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "module-name",
                    kind: "string",
                    token: Some("MODULE"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "category",
                    kind: "string",
                    token: Some("ACLCAT"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "pattern",
                    kind: "pattern",
                    token: Some("PATTERN"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        tips: &["nondeterministic_output_order"],
        ..Doc::EMPTY
    },
    Doc {
        name: "config",
        summary: "A container for server configuration commands",
        since: "2.0.0",
        group: "server",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "config|get",
        summary: "Get the values of configuration parameters",
        since: "2.0.0",
        group: "server",
        complexity: Some("O(N) when N is the number of configuration parameters provided"),
        history: Some(&[(
            "7.0.0",
            "Added the ability to pass multiple pattern parameters in one call",
        )]),
        arguments: Some(&[Arg {
            name: "parameter",
            kind: "block",
            flags: &["multiple"],
            arguments: Some(&[Arg {
                name: "parameter",
                kind: "string",
                ..Arg::EMPTY
            }]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "config|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "config|resetstat",
        summary: "Reset the stats returned by INFO",
        since: "2.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "config|rewrite",
        summary: "Rewrite the configuration file with the in memory configuration",
        since: "2.8.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "config|set",
        summary: "Set configuration parameters to the given values",
        since: "2.0.0",
        group: "server",
        complexity: Some("O(N) when N is the number of configuration parameters provided"),
        history: Some(&[(
            "7.0.0",
            "Added the ability to set multiple parameters in one call.",
        )]),
        arguments: Some(&[Arg {
            name: "parameter_value",
            kind: "block",
            flags: &["multiple"],
            arguments: Some(&[
                Arg {
                    name: "parameter",
                    kind: "string",
                    ..Arg::EMPTY
                },
                Arg {
                    name: "value",
                    kind: "string",
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "copy",
        summary: "Copy a key",
        since: "6.2.0",
        group: "generic",
        complexity: Some(
            "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
        ),
        arguments: Some(&[
            Arg {
                name: "source",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination-db",
                kind: "integer",
                token: Some("DB"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "replace",
                kind: "pure-token",
                token: Some("REPLACE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "dbsize",
        summary: "Return the number of keys in the selected database",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@keyspace", "@read", "@fast"],
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        ..Doc::EMPTY
    },
    Doc {
        name: "debug",
        summary: "A container for debugging commands",
        since: "1.0.0",
        group: "server",
        complexity: Some("Depends on subcommand."),
        doc_flags: &["syscmd"],
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "decr",
        summary: "Decrement the integer value of a key by one",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "decrby",
        summary: "Decrement the integer value of a key by the given number",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "decrement",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "del",
        summary: "Delete a key",
        since: "1.0.0",
        group: "generic",
        complexity: Some(
            "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
        ),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@write", "@slow"],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RM", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "discard",
        summary: "Discard all commands issued after MULTI",
        since: "2.0.0",
        group: "transactions",
        complexity: Some("O(N), when N is the number of queued commands"),
        acl_categories: &["@fast", "@transaction"],
        ..Doc::EMPTY
    },
    Doc {
        name: "dump",
        summary: "Return a serialized version of the value stored at the specified key.",
        since: "2.6.0",
        group: "generic",
        complexity: Some(
            "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
        ),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "echo",
        summary: "Echo the given string",
        since: "1.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "message",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "eval",
        summary: "Execute a Lua script server side",
        since: "2.6.0",
        group: "scripting",
        complexity: Some("Depends on the script that is executed."),
        arguments: Some(&[
            Arg {
                name: "script",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@scripting"],
        key_specs: &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
            ),
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "eval_ro",
        summary: "Execute a read-only Lua script server side",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("Depends on the script that is executed."),
        arguments: Some(&[
            Arg {
                name: "script",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@scripting"],
        key_specs: &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
            ),
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "evalsha",
        summary: "Execute a Lua script server side",
        since: "2.6.0",
        group: "scripting",
        complexity: Some("Depends on the script that is executed."),
        arguments: Some(&[
            Arg {
                name: "sha1",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@scripting"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "evalsha_ro",
        summary: "Execute a read-only Lua script server side",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("Depends on the script that is executed."),
        arguments: Some(&[
            Arg {
                name: "sha1",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@scripting"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "exec",
        summary: "Execute all commands issued after MULTI",
        since: "1.2.0",
        group: "transactions",
        complexity: Some("Depends on commands in the transaction"),
        acl_categories: &["@slow", "@transaction"],
        ..Doc::EMPTY
    },
    Doc {
        name: "exists",
        summary: "Determine if a key exists",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(N) where N is the number of keys to check."),
        history: Some(&[("3.0.3", "Accepts multiple `key` arguments.")]),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@fast"],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "expire",
        summary: "Set a key's time to live in seconds",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        history: Some(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "seconds",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "condition",
                kind: "oneof",
                since: Some("7.0.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nx",
                        kind: "pure-token",
                        token: Some("NX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "xx",
                        kind: "pure-token",
                        token: Some("XX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "gt",
                        kind: "pure-token",
                        token: Some("GT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "lt",
                        kind: "pure-token",
                        token: Some("LT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "expireat",
        summary: "Set the expiration for a key as a UNIX timestamp",
        since: "1.2.0",
        group: "generic",
        complexity: Some("O(1)"),
        history: Some(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "unix-time-seconds",
                kind: "unix-time",
                ..Arg::EMPTY
            },
            Arg {
                name: "condition",
                kind: "oneof",
                since: Some("7.0.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nx",
                        kind: "pure-token",
                        token: Some("NX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "xx",
                        kind: "pure-token",
                        token: Some("XX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "gt",
                        kind: "pure-token",
                        token: Some("GT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "lt",
                        kind: "pure-token",
                        token: Some("LT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "expiretime",
        summary: "Get the expiration Unix timestamp for a key",
        since: "7.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "failover",
        summary: "Start a coordinated failover between this server and one of its replicas.",
        since: "6.2.0",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "target",
                kind: "block",
                token: Some("TO"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "host",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "port",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "force",
                        kind: "pure-token",
                        token: Some("FORCE"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "abort",
                kind: "pure-token",
                token: Some("ABORT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "milliseconds",
                kind: "integer",
                token: Some("TIMEOUT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "fcall",
        summary: "Invoke a function",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("Depends on the function that is executed."),
        arguments: Some(&[
            Arg {
                name: "function",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@scripting"],
        key_specs: &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
            ),
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "fcall_ro",
        summary: "Invoke a read-only function",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("Depends on the function that is executed."),
        arguments: Some(&[
            Arg {
                name: "function",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@scripting"],
        key_specs: &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
            ),
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "flushall",
        summary: "Remove all keys from all databases",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(N) where N is the total number of keys in all databases"),
        history: Some(&[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ]),
        arguments: Some(&[Arg {
            name: "async",
            kind: "oneof",
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "async",
                    kind: "pure-token",
                    token: Some("ASYNC"),
                    since: Some("4.0.0"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "sync",
                    kind: "pure-token",
                    token: Some("SYNC"),
                    since: Some("6.2.0"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "flushdb",
        summary: "Remove all keys from the current database",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(N) where N is the number of keys in the selected database"),
        history: Some(&[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ]),
        arguments: Some(&[Arg {
            name: "async",
            kind: "oneof",
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "async",
                    kind: "pure-token",
                    token: Some("ASYNC"),
                    since: Some("4.0.0"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "sync",
                    kind: "pure-token",
                    token: Some("SYNC"),
                    since: Some("6.2.0"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function",
        summary: "A container for function commands",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|delete",
        summary: "Delete a function by name",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "library-name",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@write", "@slow", "@scripting"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|dump",
        summary: "Dump all functions into a serialized binary payload",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(N) where N is the number of functions"),
        acl_categories: &["@slow", "@scripting"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|flush",
        summary: "Deleting all functions",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(N) where N is the number of functions deleted"),
        arguments: Some(&[Arg {
            name: "async",
            kind: "oneof",
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "async",
                    kind: "pure-token",
                    token: Some("ASYNC"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "sync",
                    kind: "pure-token",
                    token: Some("SYNC"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@write", "@slow", "@scripting"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|help",
        summary: "Show helpful text about the different subcommands",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@scripting"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|kill",
        summary: "Kill the function currently in execution.",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@scripting"],
        tips: &["request_policy:all_shards", "response_policy:one_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|list",
        summary: "List information about all the functions",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(N) where N is the number of functions"),
        arguments: Some(&[
            Arg {
                name: "library-name-pattern",
                kind: "string",
                token: Some("LIBRARYNAME"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withcode",
                kind: "pure-token",
                token: Some("WITHCODE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@scripting"],
        tips: &["nondeterministic_output_order"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|load",
        summary: "Create a function with the given arguments (name, code, description)",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(1) (considering compilation time is redundant)"),
        arguments: Some(&[
            Arg {
                name: "replace",
                kind: "pure-token",
                token: Some("REPLACE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "function-code",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@slow", "@scripting"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|restore",
        summary: "Restore all the functions on the given payload",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(N) where N is the number of functions on the payload"),
        arguments: Some(&[
            Arg {
                name: "serialized-value",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "policy",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "flush",
                        kind: "pure-token",
                        token: Some("FLUSH"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "append",
                        kind: "pure-token",
                        token: Some("APPEND"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "replace",
                        kind: "pure-token",
                        token: Some("REPLACE"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@slow", "@scripting"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "function|stats",
        summary: "Return information about the function currently running (name, description, duration)",
        since: "7.0.0",
        group: "scripting",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@scripting"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "geoadd",
        summary: "Add one or more geospatial items in the geospatial index represented using a sorted set",
        since: "3.2.0",
        group: "geo",
        complexity: Some(
            "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        ),
        history: Some(&[("6.2.0", "Added the `CH`, `NX` and `XX` options.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "condition",
                kind: "oneof",
                since: Some("6.2.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nx",
                        kind: "pure-token",
                        token: Some("NX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "xx",
                        kind: "pure-token",
                        token: Some("XX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "change",
                kind: "pure-token",
                token: Some("CH"),
                since: Some("6.2.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "longitude_latitude_member",
                kind: "block",
                flags: &["multiple"],
                arguments: Some(&[
                    Arg {
                        name: "longitude",
                        kind: "double",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "latitude",
                        kind: "double",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "member",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@geo", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "geodist",
        summary: "Returns the distance between two members of a geospatial index",
        since: "3.2.0",
        group: "geo",
        complexity: Some("O(log(N))"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member1",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "member2",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "unit",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "m",
                        kind: "pure-token",
                        token: Some("M"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "km",
                        kind: "pure-token",
                        token: Some("KM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "ft",
                        kind: "pure-token",
                        token: Some("FT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "mi",
                        kind: "pure-token",
                        token: Some("MI"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@geo", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "geohash",
        summary: "Returns members of a geospatial index as standard geohash strings",
        since: "3.2.0",
        group: "geo",
        complexity: Some(
            "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@geo", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "geopos",
        summary: "Returns longitude and latitude of members of a geospatial index",
        since: "3.2.0",
        group: "geo",
        complexity: Some("O(N) where N is the number of members requested."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@geo", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "georadius",
        summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
        since: "3.2.0",
        group: "geo",
        complexity: Some(
            "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"),
        doc_flags: &["deprecated"],
        history: Some(&[
            ("6.2.0", "Added the `ANY` option for `COUNT`."),
            ("7.0.0", "Added support for uppercase unit names."),
        ]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "longitude",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "latitude",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "radius",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "unit",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "m",
                        kind: "pure-token",
                        token: Some("M"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "km",
                        kind: "pure-token",
                        token: Some("KM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "ft",
                        kind: "pure-token",
                        token: Some("FT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "mi",
                        kind: "pure-token",
                        token: Some("MI"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withcoord",
                kind: "pure-token",
                token: Some("WITHCOORD"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withdist",
                kind: "pure-token",
                token: Some("WITHDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withhash",
                kind: "pure-token",
                token: Some("WITHHASH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("COUNT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "any",
                        kind: "pure-token",
                        token: Some("ANY"),
                        since: Some("6.2.0"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                token: Some("STORE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(2),
                token: Some("STOREDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@geo", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Keyword {
                    keyword: "STORE",
                    startfrom: 6,
                },
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Keyword {
                    keyword: "STOREDIST",
                    startfrom: 6,
                },
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "georadius_ro",
        summary: "A read-only variant for GEORADIUS",
        since: "3.2.10",
        group: "geo",
        complexity: Some(
            "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`GEOSEARCH` with the `BYRADIUS` argument"),
        doc_flags: &["deprecated"],
        history: Some(&[("6.2.0", "Added the `ANY` option for `COUNT`.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "longitude",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "latitude",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "radius",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "unit",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "m",
                        kind: "pure-token",
                        token: Some("M"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "km",
                        kind: "pure-token",
                        token: Some("KM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "ft",
                        kind: "pure-token",
                        token: Some("FT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "mi",
                        kind: "pure-token",
                        token: Some("MI"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withcoord",
                kind: "pure-token",
                token: Some("WITHCOORD"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withdist",
                kind: "pure-token",
                token: Some("WITHDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withhash",
                kind: "pure-token",
                token: Some("WITHHASH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("COUNT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "any",
                        kind: "pure-token",
                        token: Some("ANY"),
                        since: Some("6.2.0"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@geo", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "georadiusbymember",
        summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
        since: "3.2.0",
        group: "geo",
        complexity: Some(
            "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some(
            "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
        ),
        doc_flags: &["deprecated"],
        history: Some(&[("7.0.0", "Added support for uppercase unit names.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "radius",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "unit",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "m",
                        kind: "pure-token",
                        token: Some("M"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "km",
                        kind: "pure-token",
                        token: Some("KM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "ft",
                        kind: "pure-token",
                        token: Some("FT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "mi",
                        kind: "pure-token",
                        token: Some("MI"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withcoord",
                kind: "pure-token",
                token: Some("WITHCOORD"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withdist",
                kind: "pure-token",
                token: Some("WITHDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withhash",
                kind: "pure-token",
                token: Some("WITHHASH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("COUNT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "any",
                        kind: "pure-token",
                        token: Some("ANY"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                token: Some("STORE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(2),
                token: Some("STOREDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@geo", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Keyword {
                    keyword: "STORE",
                    startfrom: 5,
                },
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Keyword {
                    keyword: "STOREDIST",
                    startfrom: 5,
                },
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "georadiusbymember_ro",
        summary: "A read-only variant for GEORADIUSBYMEMBER",
        since: "3.2.10",
        group: "geo",
        complexity: Some(
            "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "radius",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "unit",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "m",
                        kind: "pure-token",
                        token: Some("M"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "km",
                        kind: "pure-token",
                        token: Some("KM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "ft",
                        kind: "pure-token",
                        token: Some("FT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "mi",
                        kind: "pure-token",
                        token: Some("MI"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withcoord",
                kind: "pure-token",
                token: Some("WITHCOORD"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withdist",
                kind: "pure-token",
                token: Some("WITHDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withhash",
                kind: "pure-token",
                token: Some("WITHHASH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("COUNT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "any",
                        kind: "pure-token",
                        token: Some("ANY"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@geo", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "geosearch",
        summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
        since: "6.2.0",
        group: "geo",
        complexity: Some(
            "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
        ),
        history: Some(&[("7.0.0", "Added support for uppercase unit names.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "from",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "member",
                        kind: "string",
                        token: Some("FROMMEMBER"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "longitude_latitude",
                        kind: "block",
                        token: Some("FROMLONLAT"),
                        arguments: Some(&[
                            Arg {
                                name: "longitude",
                                kind: "double",
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "latitude",
                                kind: "double",
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "by",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "circle",
                        kind: "block",
                        arguments: Some(&[
                            Arg {
                                name: "radius",
                                kind: "double",
                                token: Some("BYRADIUS"),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "unit",
                                kind: "oneof",
                                arguments: Some(&[
                                    Arg {
                                        name: "m",
                                        kind: "pure-token",
                                        token: Some("M"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "km",
                                        kind: "pure-token",
                                        token: Some("KM"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "ft",
                                        kind: "pure-token",
                                        token: Some("FT"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "mi",
                                        kind: "pure-token",
                                        token: Some("MI"),
                                        ..Arg::EMPTY
                                    },
                                ]),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "box",
                        kind: "block",
                        arguments: Some(&[
                            Arg {
                                name: "width",
                                kind: "double",
                                token: Some("BYBOX"),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "height",
                                kind: "double",
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "unit",
                                kind: "oneof",
                                arguments: Some(&[
                                    Arg {
                                        name: "m",
                                        kind: "pure-token",
                                        token: Some("M"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "km",
                                        kind: "pure-token",
                                        token: Some("KM"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "ft",
                                        kind: "pure-token",
                                        token: Some("FT"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "mi",
                                        kind: "pure-token",
                                        token: Some("MI"),
                                        ..Arg::EMPTY
                                    },
                                ]),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("COUNT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "any",
                        kind: "pure-token",
                        token: Some("ANY"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withcoord",
                kind: "pure-token",
                token: Some("WITHCOORD"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withdist",
                kind: "pure-token",
                token: Some("WITHDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withhash",
                kind: "pure-token",
                token: Some("WITHHASH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@geo", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "geosearchstore",
        summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
        since: "6.2.0",
        group: "geo",
        complexity: Some(
            "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
        ),
        history: Some(&[("7.0.0", "Added support for uppercase unit names.")]),
        arguments: Some(&[
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "source",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
            Arg {
                name: "from",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "member",
                        kind: "string",
                        token: Some("FROMMEMBER"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "longitude_latitude",
                        kind: "block",
                        token: Some("FROMLONLAT"),
                        arguments: Some(&[
                            Arg {
                                name: "longitude",
                                kind: "double",
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "latitude",
                                kind: "double",
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "by",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "circle",
                        kind: "block",
                        arguments: Some(&[
                            Arg {
                                name: "radius",
                                kind: "double",
                                token: Some("BYRADIUS"),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "unit",
                                kind: "oneof",
                                arguments: Some(&[
                                    Arg {
                                        name: "m",
                                        kind: "pure-token",
                                        token: Some("M"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "km",
                                        kind: "pure-token",
                                        token: Some("KM"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "ft",
                                        kind: "pure-token",
                                        token: Some("FT"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "mi",
                                        kind: "pure-token",
                                        token: Some("MI"),
                                        ..Arg::EMPTY
                                    },
                                ]),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "box",
                        kind: "block",
                        arguments: Some(&[
                            Arg {
                                name: "width",
                                kind: "double",
                                token: Some("BYBOX"),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "height",
                                kind: "double",
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "unit",
                                kind: "oneof",
                                arguments: Some(&[
                                    Arg {
                                        name: "m",
                                        kind: "pure-token",
                                        token: Some("M"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "km",
                                        kind: "pure-token",
                                        token: Some("KM"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "ft",
                                        kind: "pure-token",
                                        token: Some("FT"),
                                        ..Arg::EMPTY
                                    },
                                    Arg {
                                        name: "mi",
                                        kind: "pure-token",
                                        token: Some("MI"),
                                        ..Arg::EMPTY
                                    },
                                ]),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("COUNT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "any",
                        kind: "pure-token",
                        token: Some("ANY"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "storedist",
                kind: "pure-token",
                token: Some("STOREDIST"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@geo", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "get",
        summary: "Get the value of a key",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "getbit",
        summary: "Returns the bit value at offset in the string value stored at key",
        since: "2.2.0",
        group: "bitmap",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "offset",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@bitmap", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "getdel",
        summary: "Get the value of a key and delete the key",
        since: "6.2.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "getex",
        summary: "Get the value of a key and optionally set its expiration",
        since: "6.2.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "expiration",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "seconds",
                        kind: "integer",
                        token: Some("EX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "milliseconds",
                        kind: "integer",
                        token: Some("PX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "unix-time-seconds",
                        kind: "unix-time",
                        token: Some("EXAT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "unix-time-milliseconds",
                        kind: "unix-time",
                        token: Some("PXAT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "persist",
                        kind: "pure-token",
                        token: Some("PERSIST"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: Some("RW and UPDATE because it changes the TTL"),
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "getrange",
        summary: "Get a substring of the string stored at a key",
        since: "2.4.0",
        group: "string",
        complexity: Some(
            "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "end",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@string", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "getset",
        summary: "Set the string value of a key and return its old value",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`SET` with the `!GET` argument"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hdel",
        summary: "Delete one or more hash fields",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(N) where N is the number of fields to be removed."),
        history: Some(&[("2.4.0", "Accepts multiple `field` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hello",
        summary: "Handshake with Redis",
        since: "6.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        history: Some(&[(
            "6.2.0",
            "`protover` made optional; when called without arguments the command reports the current connection's context.",
        )]),
        arguments: Some(&[Arg {
            name: "arguments",
            kind: "block",
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "protover",
                    kind: "integer",
                    ..Arg::EMPTY
                },
                Arg {
                    name: "username_password",
                    kind: "block",
                    token: Some("AUTH"),
                    flags: &["optional"],
                    arguments: Some(&[
                        Arg {
                            name: "username",
                            kind: "string",
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "password",
                            kind: "string",
                            ..Arg::EMPTY
                        },
                    ]),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "clientname",
                    kind: "string",
                    token: Some("SETNAME"),
                    flags: &["optional"],
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "hexists",
        summary: "Determine if a hash field exists",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hget",
        summary: "Get the value of a hash field",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hgetall",
        summary: "Get all the fields and values in a hash",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(N) where N is the size of the hash."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@hash", "@slow"],
        tips: &["nondeterministic_output_order"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hincrby",
        summary: "Increment the integer value of a hash field by the given number",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "increment",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hincrbyfloat",
        summary: "Increment the float value of a hash field by the given amount",
        since: "2.6.0",
        group: "hash",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "increment",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hkeys",
        summary: "Get all the fields in a hash",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(N) where N is the size of the hash."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@hash", "@slow"],
        tips: &["nondeterministic_output_order"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hlen",
        summary: "Get the number of fields in a hash",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hmget",
        summary: "Get the values of all the given hash fields",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(N) where N is the number of fields being requested."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hmset",
        summary: "Set multiple hash fields to multiple values",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(N) where N is the number of fields being set."),
        deprecated_since: Some("4.0.0"),
        replaced_by: Some("`HSET` with multiple field-value pairs"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field_value",
                kind: "block",
                flags: &["multiple"],
                arguments: Some(&[
                    Arg {
                        name: "field",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "value",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hrandfield",
        summary: "Get one or multiple random fields from a hash",
        since: "6.2.0",
        group: "hash",
        complexity: Some("O(N) where N is the number of fields returned"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "options",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "withvalues",
                        kind: "pure-token",
                        token: Some("WITHVALUES"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@hash", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hscan",
        summary: "Incrementally iterate hash fields and associated values",
        since: "2.8.0",
        group: "hash",
        complexity: Some(
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "cursor",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                token: Some("MATCH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@hash", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hset",
        summary: "Set the string value of a hash field",
        since: "2.0.0",
        group: "hash",
        complexity: Some(
            "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
        ),
        history: Some(&[("4.0.0", "Accepts multiple `field` and `value` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field_value",
                kind: "block",
                flags: &["multiple"],
                arguments: Some(&[
                    Arg {
                        name: "field",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "value",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hsetnx",
        summary: "Set the value of a hash field, only if the field does not exist",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hstrlen",
        summary: "Get the length of the value of a hash field",
        since: "3.2.0",
        group: "hash",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "field",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@hash", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "hvals",
        summary: "Get all the values in a hash",
        since: "2.0.0",
        group: "hash",
        complexity: Some("O(N) where N is the size of the hash."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@hash", "@slow"],
        tips: &["nondeterministic_output_order"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "incr",
        summary: "Increment the integer value of a key by one",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "incrby",
        summary: "Increment the integer value of a key by the given amount",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "increment",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "incrbyfloat",
        summary: "Increment the float value of a key by the given amount",
        since: "2.6.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "increment",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "info",
        summary: "Get information and statistics about the server",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(1)"),
        history: Some(&[(
            "7.0.0",
            "Added support for taking multiple section arguments.",
        )]),
        arguments: Some(&[Arg {
            name: "section",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@dangerous"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "keys",
        summary: "Find all keys matching the given pattern",
        since: "1.0.0",
        group: "generic",
        complexity: Some(
            "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
        ),
        arguments: Some(&[Arg {
            name: "pattern",
            kind: "pattern",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@slow", "@dangerous"],
        tips: &["request_policy:all_shards", "nondeterministic_output_order"],
        ..Doc::EMPTY
    },
    Doc {
        name: "lastsave",
        summary: "Get the UNIX time stamp of the last successful save to disk",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@fast", "@dangerous"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency",
        summary: "A container for latency diagnostics commands",
        since: "2.8.13",
        group: "server",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency|doctor",
        summary: "Return a human readable latency analysis report.",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency|graph",
        summary: "Return a latency graph for the event.",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "event",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency|help",
        summary: "Show helpful text about the different subcommands.",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency|histogram",
        summary: "Return the cumulative distribution of latencies of a subset of commands or all.",
        since: "7.0.0",
        group: "server",
        complexity: Some(
            "O(N) where N is the number of commands with latency information being retrieved.",
        ),
        arguments: Some(&[Arg {
            name: "command",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency|history",
        summary: "Return timestamp-latency samples for the event.",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "event",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency|latest",
        summary: "Return the latest latency samples for all events.",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "latency|reset",
        summary: "Reset latency data for one or more events.",
        since: "2.8.13",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "event",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "lcs",
        summary: "Find longest common substring",
        since: "7.0.0",
        group: "string",
        complexity: Some("O(N*M) where N and M are the lengths of s1 and s2, respectively"),
        arguments: Some(&[
            Arg {
                name: "key1",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "key2",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "len",
                kind: "pure-token",
                token: Some("LEN"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "idx",
                kind: "pure-token",
                token: Some("IDX"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "len",
                kind: "integer",
                token: Some("MINMATCHLEN"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withmatchlen",
                kind: "pure-token",
                token: Some("WITHMATCHLEN"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@string", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lindex",
        summary: "Get an element from a list by its index",
        since: "1.0.0",
        group: "list",
        complexity: Some(
            "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "index",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "linsert",
        summary: "Insert an element before or after another element in a list",
        since: "2.2.0",
        group: "list",
        complexity: Some(
            "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "where",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "before",
                        kind: "pure-token",
                        token: Some("BEFORE"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "after",
                        kind: "pure-token",
                        token: Some("AFTER"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "pivot",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "llen",
        summary: "Get the length of a list",
        since: "1.0.0",
        group: "list",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@list", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lmove",
        summary: "Pop an element from a list, push it to another list and return it",
        since: "6.2.0",
        group: "list",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "source",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
            Arg {
                name: "wherefrom",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "left",
                        kind: "pure-token",
                        token: Some("LEFT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "right",
                        kind: "pure-token",
                        token: Some("RIGHT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "whereto",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "left",
                        kind: "pure-token",
                        token: Some("LEFT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "right",
                        kind: "pure-token",
                        token: Some("RIGHT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "lmpop",
        summary: "Pop elements from a list",
        since: "7.0.0",
        group: "list",
        complexity: Some(
            "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        ),
        arguments: Some(&[
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "where",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "left",
                        kind: "pure-token",
                        token: Some("LEFT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "right",
                        kind: "pure-token",
                        token: Some("RIGHT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lolwut",
        summary: "Display some computer art and the Redis version",
        since: "5.0.0",
        group: "server",
        arguments: Some(&[Arg {
            name: "version",
            kind: "integer",
            token: Some("VERSION"),
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@fast"],
        ..Doc::EMPTY
    },
    Doc {
        name: "lpop",
        summary: "Remove and get the first elements in a list",
        since: "1.0.0",
        group: "list",
        complexity: Some("O(N) where N is the number of elements returned"),
        history: Some(&[("6.2.0", "Added the `count` argument.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                since: Some("6.2.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lpos",
        summary: "Return the index of matching elements on a list",
        since: "6.0.6",
        group: "list",
        complexity: Some(
            "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "rank",
                kind: "integer",
                token: Some("RANK"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "num-matches",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "len",
                kind: "integer",
                token: Some("MAXLEN"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lpush",
        summary: "Prepend one or multiple elements to a list",
        since: "1.0.0",
        group: "list",
        complexity: Some(
            "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        ),
        history: Some(&[("2.4.0", "Accepts multiple `element` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lpushx",
        summary: "Prepend an element to a list, only if the list exists",
        since: "2.2.0",
        group: "list",
        complexity: Some(
            "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        ),
        history: Some(&[("4.0.0", "Accepts multiple `element` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lrange",
        summary: "Get a range of elements from a list",
        since: "1.0.0",
        group: "list",
        complexity: Some(
            "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "stop",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lrem",
        summary: "Remove elements from a list",
        since: "1.0.0",
        group: "list",
        complexity: Some(
            "O(N+M) where N is the length of the list and M is the number of elements removed.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "lset",
        summary: "Set the value of an element in a list by its index",
        since: "1.0.0",
        group: "list",
        complexity: Some(
            "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "index",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "ltrim",
        summary: "Trim a list to the specified range",
        since: "1.0.0",
        group: "list",
        complexity: Some("O(N) where N is the number of elements to be removed by the operation."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "stop",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "memory",
        summary: "A container for memory diagnostics commands",
        since: "4.0.0",
        group: "server",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "memory|doctor",
        summary: "Outputs memory problems report",
        since: "4.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "memory|help",
        summary: "Show helpful text about the different subcommands",
        since: "4.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "memory|malloc-stats",
        summary: "Show allocator internal stats",
        since: "4.0.0",
        group: "server",
        complexity: Some("Depends on how much memory is allocated, could be slow"),
        acl_categories: &["@slow"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "memory|purge",
        summary: "Ask the allocator to release memory",
        since: "4.0.0",
        group: "server",
        complexity: Some("Depends on how much memory is allocated, could be slow"),
        acl_categories: &["@slow"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "memory|stats",
        summary: "Show memory usage details",
        since: "4.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "memory|usage",
        summary: "Estimate the memory usage of a key",
        since: "4.0.0",
        group: "server",
        complexity: Some("O(N) where N is the number of samples."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("SAMPLES"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "mget",
        summary: "Get the values of all the given keys",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(N) where N is the number of keys to retrieve."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@string", "@fast"],
        tips: &["request_policy:multi_shard"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "migrate",
        summary: "Atomically transfer a key from a Redis instance to another one.",
        since: "2.6.0",
        group: "generic",
        complexity: Some(
            "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
        ),
        history: Some(&[
            ("3.0.0", "Added the `COPY` and `REPLACE` options."),
            ("3.0.6", "Added the `KEYS` option."),
            ("4.0.7", "Added the `AUTH` option."),
            ("6.0.0", "Added the `AUTH2` option."),
        ]),
        arguments: Some(&[
            Arg {
                name: "host",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "port",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key_or_empty_string",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "key",
                        kind: "key",
                        key_spec_index: Some(0),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "empty_string",
                        kind: "pure-token",
                        token: Some(""),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination-db",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "copy",
                kind: "pure-token",
                token: Some("COPY"),
                since: Some("3.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "replace",
                kind: "pure-token",
                token: Some("REPLACE"),
                since: Some("3.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "authentication",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "password",
                        kind: "string",
                        token: Some("AUTH"),
                        since: Some("4.0.7"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "username_password",
                        kind: "block",
                        token: Some("AUTH2"),
                        since: Some("6.0.0"),
                        flags: &["optional"],
                        arguments: Some(&[
                            Arg {
                                name: "username",
                                kind: "string",
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "password",
                                kind: "string",
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                token: Some("KEYS"),
                since: Some("3.0.6"),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
        tips: &["nondeterministic_output"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(3),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete", "incomplete"],
                begin_search: BeginSearch::Keyword {
                    keyword: "KEYS",
                    startfrom: -2,
                },
                find_keys: FindKeys::Range {
                    lastkey: -1,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "module",
        summary: "A container for module commands",
        since: "4.0.0",
        group: "server",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "module|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "module|list",
        summary: "List all modules loaded by the server",
        since: "4.0.0",
        group: "server",
        complexity: Some("O(N) where N is the number of loaded modules."),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["nondeterministic_output_order"],
        ..Doc::EMPTY
    },
    Doc {
        name: "module|load",
        summary: "Load a module",
        since: "4.0.0",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "path",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "arg",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "module|loadex",
        summary: "Load a module with extended parameters",
        since: "7.0.0",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "path",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "configs",
                kind: "block",
                token: Some("CONFIG"),
                flags: &["optional", "multiple", "multiple_token"],
                arguments: Some(&[
                    Arg {
                        name: "name",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "value",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "args",
                kind: "block",
                token: Some("ARGS"),
                flags: &["optional", "multiple"],
                arguments: Some(&[Arg {
                    name: "arg",
                    kind: "string",
                    ..Arg::EMPTY
                }]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "module|unload",
        summary: "Unload a module",
        since: "4.0.0",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "name",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "monitor",
        summary: "Listen for all requests received by the server in real time",
        since: "1.0.0",
        group: "server",
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "move",
        summary: "Move a key to another database",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "db",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "mset",
        summary: "Set multiple keys to multiple values",
        since: "1.0.1",
        group: "string",
        complexity: Some("O(N) where N is the number of keys to set."),
        arguments: Some(&[Arg {
            name: "key_value",
            kind: "block",
            flags: &["multiple"],
            arguments: Some(&[
                Arg {
                    name: "key",
                    kind: "key",
                    key_spec_index: Some(0),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "value",
                    kind: "string",
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@write", "@string", "@slow"],
        tips: &[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 2,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "msetnx",
        summary: "Set multiple keys to multiple values, only if none of the keys exist",
        since: "1.0.1",
        group: "string",
        complexity: Some("O(N) where N is the number of keys to set."),
        arguments: Some(&[Arg {
            name: "key_value",
            kind: "block",
            flags: &["multiple"],
            arguments: Some(&[
                Arg {
                    name: "key",
                    kind: "key",
                    key_spec_index: Some(0),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "value",
                    kind: "string",
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@write", "@string", "@slow"],
        tips: &["request_policy:multi_shard", "response_policy:agg_min"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 2,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "multi",
        summary: "Mark the start of a transaction block",
        since: "1.2.0",
        group: "transactions",
        complexity: Some("O(1)"),
        acl_categories: &["@fast", "@transaction"],
        ..Doc::EMPTY
    },
    Doc {
        name: "object",
        summary: "A container for object introspection commands",
        since: "2.2.3",
        group: "generic",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "object|encoding",
        summary: "Inspect the internal encoding of a Redis object",
        since: "2.2.3",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "object|freq",
        summary: "Get the logarithmic access frequency counter of a Redis object",
        since: "4.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "object|help",
        summary: "Show helpful text about the different subcommands",
        since: "6.2.0",
        group: "generic",
        complexity: Some("O(1)"),
        acl_categories: &["@keyspace", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "object|idletime",
        summary: "Get the time since a Redis object was last accessed",
        since: "2.2.3",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "object|refcount",
        summary: "Get the number of references to the value of the key",
        since: "2.2.3",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "persist",
        summary: "Remove the expiration from a key",
        since: "2.2.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "pexpire",
        summary: "Set a key's time to live in milliseconds",
        since: "2.6.0",
        group: "generic",
        complexity: Some("O(1)"),
        history: Some(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "milliseconds",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "condition",
                kind: "oneof",
                since: Some("7.0.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nx",
                        kind: "pure-token",
                        token: Some("NX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "xx",
                        kind: "pure-token",
                        token: Some("XX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "gt",
                        kind: "pure-token",
                        token: Some("GT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "lt",
                        kind: "pure-token",
                        token: Some("LT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "pexpireat",
        summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
        since: "2.6.0",
        group: "generic",
        complexity: Some("O(1)"),
        history: Some(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "unix-time-milliseconds",
                kind: "unix-time",
                ..Arg::EMPTY
            },
            Arg {
                name: "condition",
                kind: "oneof",
                since: Some("7.0.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nx",
                        kind: "pure-token",
                        token: Some("NX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "xx",
                        kind: "pure-token",
                        token: Some("XX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "gt",
                        kind: "pure-token",
                        token: Some("GT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "lt",
                        kind: "pure-token",
                        token: Some("LT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "pexpiretime",
        summary: "Get the expiration Unix timestamp for a key in milliseconds",
        since: "7.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "pfadd",
        summary: "Adds the specified elements to the specified HyperLogLog.",
        since: "2.8.9",
        group: "hyperloglog",
        complexity: Some("O(1) to add every element."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hyperloglog", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "pfcount",
        summary: "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
        since: "2.8.9",
        group: "hyperloglog",
        complexity: Some(
            "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
        ),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@hyperloglog", "@slow"],
        key_specs: &[KeySpec {
            notes: Some(
                "RW because it may change the internal representation of the key, and propagate to replicas",
            ),
            flags: &["RW", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "pfdebug",
        summary: "Internal commands for debugging HyperLogLog values",
        since: "2.8.9",
        group: "hyperloglog",
        complexity: Some("N/A"),
        doc_flags: &["syscmd"],
        arguments: Some(&[
            Arg {
                name: "subcommand",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hyperloglog", "@admin", "@slow", "@dangerous"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "pfmerge",
        summary: "Merge N different HyperLogLogs into a single one.",
        since: "2.8.9",
        group: "hyperloglog",
        complexity: Some("O(N) to merge N HyperLogLogs, but with high constant times."),
        arguments: Some(&[
            Arg {
                name: "destkey",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "sourcekey",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@hyperloglog", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "insert"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: -1,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "pfselftest",
        summary: "An internal command for testing HyperLogLog values",
        since: "2.8.9",
        group: "hyperloglog",
        complexity: Some("N/A"),
        doc_flags: &["syscmd"],
        acl_categories: &["@hyperloglog", "@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "ping",
        summary: "Ping the server",
        since: "1.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "message",
            kind: "string",
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@fast", "@connection"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "psetex",
        summary: "Set the value and expiration in milliseconds of a key",
        since: "2.6.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "milliseconds",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "psubscribe",
        summary: "Listen for messages published to channels matching the given patterns",
        since: "2.0.0",
        group: "pubsub",
        complexity: Some(
            "O(N) where N is the number of patterns the client is already subscribed to.",
        ),
        arguments: Some(&[Arg {
            name: "pattern",
            kind: "block",
            flags: &["multiple"],
            arguments: Some(&[Arg {
                name: "pattern",
                kind: "pattern",
                ..Arg::EMPTY
            }]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "psync",
        summary: "Internal command used for replication",
        since: "2.8.0",
        group: "server",
        arguments: Some(&[
            Arg {
                name: "replicationid",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "offset",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pttl",
        summary: "Get the time to live for a key in milliseconds",
        since: "2.6.0",
        group: "generic",
        complexity: Some("O(1)"),
        history: Some(&[("2.8.0", "Added the -2 reply.")]),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@fast"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "publish",
        summary: "Post a message to a channel",
        since: "2.0.0",
        group: "pubsub",
        complexity: Some(
            "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
        ),
        arguments: Some(&[
            Arg {
                name: "channel",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "message",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@pubsub", "@fast"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pubsub",
        summary: "A container for Pub/Sub commands",
        since: "2.8.0",
        group: "pubsub",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pubsub|channels",
        summary: "List active channels",
        since: "2.8.0",
        group: "pubsub",
        complexity: Some(
            "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        ),
        arguments: Some(&[Arg {
            name: "pattern",
            kind: "pattern",
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pubsub|help",
        summary: "Show helpful text about the different subcommands",
        since: "6.2.0",
        group: "pubsub",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pubsub|numpat",
        summary: "Get the count of unique patterns pattern subscriptions",
        since: "2.8.0",
        group: "pubsub",
        complexity: Some("O(1)"),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pubsub|numsub",
        summary: "Get the count of subscribers for channels",
        since: "2.8.0",
        group: "pubsub",
        complexity: Some(
            "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        ),
        arguments: Some(&[Arg {
            name: "channel",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pubsub|shardchannels",
        summary: "List active shard channels",
        since: "7.0.0",
        group: "pubsub",
        complexity: Some(
            "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
        ),
        arguments: Some(&[Arg {
            name: "pattern",
            kind: "pattern",
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "pubsub|shardnumsub",
        summary: "Get the count of subscribers for shard channels",
        since: "7.0.0",
        group: "pubsub",
        complexity: Some(
            "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        ),
        arguments: Some(&[Arg {
            name: "shardchannel",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "punsubscribe",
        summary: "Stop listening for messages posted to channels matching the given patterns",
        since: "2.0.0",
        group: "pubsub",
        complexity: Some(
            "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
        ),
        arguments: Some(&[Arg {
            name: "pattern",
            kind: "pattern",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "quit",
        summary: "Close the connection",
        since: "1.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "randomkey",
        summary: "Return a random key from the keyspace",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        acl_categories: &["@keyspace", "@read", "@slow"],
        tips: &["request_policy:all_shards", "nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "readonly",
        summary: "Enables read queries for a connection to a cluster replica node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "readwrite",
        summary: "Disables read queries for a connection to a cluster replica node",
        since: "3.0.0",
        group: "cluster",
        complexity: Some("O(1)"),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "rename",
        summary: "Rename a key",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "newkey",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "renamenx",
        summary: "Rename a key, only if the new key does not exist",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        history: Some(&[(
            "3.2.0",
            "The command no longer returns an error when source and destination names are the same.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "newkey",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "insert"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "replconf",
        summary: "An internal command for configuring the replication stream",
        since: "3.0.0",
        group: "server",
        complexity: Some("O(1)"),
        doc_flags: &["syscmd"],
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "replicaof",
        summary: "Make the server a replica of another instance, or promote it as master.",
        since: "5.0.0",
        group: "server",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "args",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "host-port",
                    kind: "block",
                    arguments: Some(&[
                        Arg {
                            name: "host",
                            kind: "string",
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "port",
                            kind: "integer",
                            ..Arg::EMPTY
                        },
                    ]),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "no-one",
                    kind: "block",
                    arguments: Some(&[
                        Arg {
                            name: "no",
                            kind: "pure-token",
                            token: Some("NO"),
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "one",
                            kind: "pure-token",
                            token: Some("ONE"),
                            ..Arg::EMPTY
                        },
                    ]),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "reset",
        summary: "Reset the connection",
        since: "6.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "restore",
        summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
        since: "2.6.0",
        group: "generic",
        complexity: Some(
            "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
        ),
        history: Some(&[
            ("3.0.0", "Added the `REPLACE` modifier."),
            ("5.0.0", "Added the `ABSTTL` modifier."),
            ("5.0.0", "Added the `IDLETIME` and `FREQ` options."),
        ]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "ttl",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "serialized-value",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "replace",
                kind: "pure-token",
                token: Some("REPLACE"),
                since: Some("3.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "absttl",
                kind: "pure-token",
                token: Some("ABSTTL"),
                since: Some("5.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "seconds",
                kind: "integer",
                token: Some("IDLETIME"),
                since: Some("5.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "frequency",
                kind: "integer",
                token: Some("FREQ"),
                since: Some("5.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "restore-asking",
        summary: "An internal command for migrating keys in a cluster",
        since: "3.0.0",
        group: "server",
        complexity: Some(
            "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
        ),
        doc_flags: &["syscmd"],
        history: Some(&[
            ("3.0.0", "Added the `REPLACE` modifier."),
            ("5.0.0", "Added the `ABSTTL` modifier."),
            ("5.0.0", "Added the `IDLETIME` and `FREQ` options."),
        ]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "ttl",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "serialized-value",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "replace",
                kind: "pure-token",
                token: Some("REPLACE"),
                since: Some("3.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "absttl",
                kind: "pure-token",
                token: Some("ABSTTL"),
                since: Some("5.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "seconds",
                kind: "integer",
                token: Some("IDLETIME"),
                since: Some("5.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "frequency",
                kind: "integer",
                token: Some("FREQ"),
                since: Some("5.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "role",
        summary: "Return the role of the instance in the context of replication",
        since: "2.8.12",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@fast", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "rpop",
        summary: "Remove and get the last elements in a list",
        since: "1.0.0",
        group: "list",
        complexity: Some("O(N) where N is the number of elements returned"),
        history: Some(&[("6.2.0", "Added the `count` argument.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                since: Some("6.2.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "rpoplpush",
        summary: "Remove the last element in a list, prepend it to another list and return it",
        since: "1.2.0",
        group: "list",
        complexity: Some("O(1)"),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`LMOVE` with the `RIGHT` and `LEFT` arguments"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "source",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "rpush",
        summary: "Append one or multiple elements to a list",
        since: "1.0.0",
        group: "list",
        complexity: Some(
            "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        ),
        history: Some(&[("2.4.0", "Accepts multiple `element` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "rpushx",
        summary: "Append an element to a list, only if the list exists",
        since: "2.2.0",
        group: "list",
        complexity: Some(
            "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        ),
        history: Some(&[("4.0.0", "Accepts multiple `element` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "element",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@list", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "sadd",
        summary: "Add one or more members to a set",
        since: "1.0.0",
        group: "set",
        complexity: Some(
            "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        ),
        history: Some(&[("2.4.0", "Accepts multiple `member` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@set", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "save",
        summary: "Synchronously save the dataset to disk",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(N) where N is the total number of keys in all databases"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "scan",
        summary: "Incrementally iterate the keys space",
        since: "2.8.0",
        group: "generic",
        complexity: Some(
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
        ),
        history: Some(&[("6.0.0", "Added the `TYPE` subcommand.")]),
        arguments: Some(&[
            Arg {
                name: "cursor",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                token: Some("MATCH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "type",
                kind: "string",
                token: Some("TYPE"),
                since: Some("6.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@read", "@slow"],
        tips: &["nondeterministic_output", "request_policy:special"],
        ..Doc::EMPTY
    },
    Doc {
        name: "scard",
        summary: "Get the number of members in a set",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@set", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "script",
        summary: "A container for Lua scripts management commands",
        since: "2.6.0",
        group: "scripting",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "script|debug",
        summary: "Set the debug mode for executed scripts.",
        since: "3.2.0",
        group: "scripting",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "mode",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "yes",
                    kind: "pure-token",
                    token: Some("YES"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "sync",
                    kind: "pure-token",
                    token: Some("SYNC"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "no",
                    kind: "pure-token",
                    token: Some("NO"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@scripting"],
        ..Doc::EMPTY
    },
    Doc {
        name: "script|exists",
        summary: "Check existence of scripts in the script cache.",
        since: "2.6.0",
        group: "scripting",
        complexity: Some(
            "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
        ),
        arguments: Some(&[Arg {
            name: "sha1",
            kind: "string",
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@scripting"],
        tips: &[
            "request_policy:all_shards",
            "response_policy:agg_logical_and",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "script|flush",
        summary: "Remove all the scripts from the script cache.",
        since: "2.6.0",
        group: "scripting",
        complexity: Some("O(N) with N being the number of scripts in cache"),
        history: Some(&[(
            "6.2.0",
            "Added the `ASYNC` and `SYNC` flushing mode modifiers.",
        )]),
        arguments: Some(&[Arg {
            name: "async",
            kind: "oneof",
            since: Some("6.2.0"),
            flags: &["optional"],
            arguments: Some(&[
                Arg {
                    name: "async",
                    kind: "pure-token",
                    token: Some("ASYNC"),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "sync",
                    kind: "pure-token",
                    token: Some("SYNC"),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@scripting"],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "script|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "scripting",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@scripting"],
        ..Doc::EMPTY
    },
    Doc {
        name: "script|kill",
        summary: "Kill the script currently in execution.",
        since: "2.6.0",
        group: "scripting",
        complexity: Some("O(1)"),
        acl_categories: &["@slow", "@scripting"],
        tips: &["request_policy:all_shards", "response_policy:one_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "script|load",
        summary: "Load the specified Lua script into the script cache.",
        since: "2.6.0",
        group: "scripting",
        complexity: Some("O(N) with N being the length in bytes of the script body."),
        arguments: Some(&[Arg {
            name: "script",
            kind: "string",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@scripting"],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "sdiff",
        summary: "Subtract multiple sets",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(N) where N is the total number of elements in all given sets."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@set", "@slow"],
        tips: &["nondeterministic_output_order"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "sdiffstore",
        summary: "Subtract multiple sets and store the resulting set in a key",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(N) where N is the total number of elements in all given sets."),
        arguments: Some(&[
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@set", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: -1,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "select",
        summary: "Change the selected database for the current connection",
        since: "1.0.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "index",
            kind: "integer",
            ..Arg::EMPTY
        }]),
        acl_categories: &["@fast", "@connection"],
        ..Doc::EMPTY
    },
    Doc {
        name: "set",
        summary: "Set the string value of a key",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        history: Some(&[
            ("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."),
            ("6.0.0", "Added the `KEEPTTL` option."),
            ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."),
            (
                "7.0.0",
                "Allowed the `NX` and `GET` options to be used together.",
            ),
        ]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "condition",
                kind: "oneof",
                since: Some("2.6.12"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nx",
                        kind: "pure-token",
                        token: Some("NX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "xx",
                        kind: "pure-token",
                        token: Some("XX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "get",
                kind: "pure-token",
                token: Some("GET"),
                since: Some("6.2.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "expiration",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "seconds",
                        kind: "integer",
                        token: Some("EX"),
                        since: Some("2.6.12"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "milliseconds",
                        kind: "integer",
                        token: Some("PX"),
                        since: Some("2.6.12"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "unix-time-seconds",
                        kind: "unix-time",
                        token: Some("EXAT"),
                        since: Some("6.2.0"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "unix-time-milliseconds",
                        kind: "unix-time",
                        token: Some("PXAT"),
                        since: Some("6.2.0"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "keepttl",
                        kind: "pure-token",
                        token: Some("KEEPTTL"),
                        since: Some("6.0.0"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@slow"],
        key_specs: &[KeySpec {
            notes: Some("RW and ACCESS due to the optional `GET` argument"),
            flags: &["RW", "access", "update", "variable_flags"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "setbit",
        summary: "Sets or clears the bit at offset in the string value stored at key",
        since: "2.2.0",
        group: "bitmap",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "offset",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@bitmap", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "setex",
        summary: "Set the value and expiration of a key",
        since: "2.0.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "seconds",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "setnx",
        summary: "Set the value of a key, only if the key does not exist",
        since: "1.0.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "insert"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "setrange",
        summary: "Overwrite part of a string at key starting at the specified offset",
        since: "2.2.0",
        group: "string",
        complexity: Some(
            "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "offset",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "value",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@string", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "shutdown",
        summary: "Synchronously save the dataset to disk and then shut down the server",
        since: "1.0.0",
        group: "server",
        complexity: Some(
            "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        ),
        history: Some(&[("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")]),
        arguments: Some(&[
            Arg {
                name: "nosave_save",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nosave",
                        kind: "pure-token",
                        token: Some("NOSAVE"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "save",
                        kind: "pure-token",
                        token: Some("SAVE"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "now",
                kind: "pure-token",
                token: Some("NOW"),
                since: Some("7.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "force",
                kind: "pure-token",
                token: Some("FORCE"),
                since: Some("7.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "abort",
                kind: "pure-token",
                token: Some("ABORT"),
                since: Some("7.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "sinter",
        summary: "Intersect multiple sets",
        since: "1.0.0",
        group: "set",
        complexity: Some(
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        ),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@set", "@slow"],
        tips: &["nondeterministic_output_order"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "sintercard",
        summary: "Intersect multiple sets and return the cardinality of the result",
        since: "7.0.0",
        group: "set",
        complexity: Some(
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        ),
        arguments: Some(&[
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "limit",
                kind: "integer",
                token: Some("LIMIT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@set", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "sinterstore",
        summary: "Intersect multiple sets and store the resulting set in a key",
        since: "1.0.0",
        group: "set",
        complexity: Some(
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        ),
        arguments: Some(&[
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@set", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: -1,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "sismember",
        summary: "Determine if a given value is a member of a set",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@set", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "slaveof",
        summary: "Make the server a replica of another instance, or promote it as master.",
        since: "1.0.0",
        group: "server",
        complexity: Some("O(1)"),
        deprecated_since: Some("5.0.0"),
        replaced_by: Some("`REPLICAOF`"),
        doc_flags: &["deprecated"],
        arguments: Some(&[Arg {
            name: "args",
            kind: "oneof",
            arguments: Some(&[
                Arg {
                    name: "host-port",
                    kind: "block",
                    arguments: Some(&[
                        Arg {
                            name: "host",
                            kind: "string",
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "port",
                            kind: "integer",
                            ..Arg::EMPTY
                        },
                    ]),
                    ..Arg::EMPTY
                },
                Arg {
                    name: "no-one",
                    kind: "block",
                    arguments: Some(&[
                        Arg {
                            name: "no",
                            kind: "pure-token",
                            token: Some("NO"),
                            ..Arg::EMPTY
                        },
                        Arg {
                            name: "one",
                            kind: "pure-token",
                            token: Some("ONE"),
                            ..Arg::EMPTY
                        },
                    ]),
                    ..Arg::EMPTY
                },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "slowlog",
        summary: "A container for slow log commands",
        since: "2.2.12",
        group: "server",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "slowlog|get",
        summary: "Get the slow log's entries",
        since: "2.2.12",
        group: "server",
        complexity: Some("O(N) where N is the number of entries returned"),
        history: Some(&[(
            "4.0.0",
            "Added client IP address, port and name to the reply.",
        )]),
        arguments: Some(&[Arg {
            name: "count",
            kind: "integer",
            flags: &["optional"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["request_policy:all_nodes", "nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "slowlog|help",
        summary: "Show helpful text about the different subcommands",
        since: "6.2.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "slowlog|len",
        summary: "Get the slow log's length",
        since: "2.2.12",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &[
            "request_policy:all_nodes",
            "response_policy:agg_sum",
            "nondeterministic_output",
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "slowlog|reset",
        summary: "Clear all entries from the slow log",
        since: "2.2.12",
        group: "server",
        complexity: Some("O(N) where N is the number of entries in the slowlog"),
        acl_categories: &["@admin", "@slow", "@dangerous"],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        ..Doc::EMPTY
    },
    Doc {
        name: "smembers",
        summary: "Get all the members in a set",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(N) where N is the set cardinality."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@set", "@slow"],
        tips: &["nondeterministic_output_order"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "smismember",
        summary: "Returns the membership associated with the given elements for a set",
        since: "6.2.0",
        group: "set",
        complexity: Some("O(N) where N is the number of elements being checked for membership"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@set", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "smove",
        summary: "Move a member from one set to another",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "source",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@set", "@fast"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "sort",
        summary: "Sort the elements in a list, set or sorted set",
        since: "1.0.0",
        group: "generic",
        complexity: Some(
            "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                key_spec_index: Some(1),
                token: Some("BY"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                key_spec_index: Some(1),
                token: Some("GET"),
                flags: &["optional", "multiple", "multiple_token"],
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "sorting",
                kind: "pure-token",
                token: Some("ALPHA"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(2),
                token: Some("STORE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &[
            "@write",
            "@set",
            "@sortedset",
            "@list",
            "@slow",
            "@dangerous",
        ],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: Some(
                    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
                ),
                flags: &["RO", "access"],
                begin_search: BeginSearch::Unknown,
                find_keys: FindKeys::Unknown,
            },
            KeySpec {
                notes: Some(
                    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
                ),
                flags: &["OW", "update"],
                begin_search: BeginSearch::Unknown,
                find_keys: FindKeys::Unknown,
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "sort_ro",
        summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
        since: "7.0.0",
        group: "generic",
        complexity: Some(
            "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                key_spec_index: Some(1),
                token: Some("BY"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                key_spec_index: Some(1),
                token: Some("GET"),
                flags: &["optional", "multiple", "multiple_token"],
                ..Arg::EMPTY
            },
            Arg {
                name: "order",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "asc",
                        kind: "pure-token",
                        token: Some("ASC"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "desc",
                        kind: "pure-token",
                        token: Some("DESC"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "sorting",
                kind: "pure-token",
                token: Some("ALPHA"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &[
            "@read",
            "@set",
            "@sortedset",
            "@list",
            "@slow",
            "@dangerous",
        ],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: Some(
                    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
                ),
                flags: &["RO", "access"],
                begin_search: BeginSearch::Unknown,
                find_keys: FindKeys::Unknown,
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "spop",
        summary: "Remove and return one or multiple random members from a set",
        since: "1.0.0",
        group: "set",
        complexity: Some(
            "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
        ),
        history: Some(&[("3.2.0", "Added the `count` argument.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                since: Some("3.2.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@set", "@fast"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "spublish",
        summary: "Post a message to a shard channel",
        since: "7.0.0",
        group: "pubsub",
        complexity: Some(
            "O(N) where N is the number of clients subscribed to the receiving shard channel.",
        ),
        arguments: Some(&[
            Arg {
                name: "shardchannel",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "message",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@pubsub", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["not_key"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "srandmember",
        summary: "Get one or multiple random members from a set",
        since: "1.0.0",
        group: "set",
        complexity: Some(
            "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
        ),
        history: Some(&[("2.6.0", "Added the optional `count` argument.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                since: Some("2.6.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@set", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "srem",
        summary: "Remove one or more members from a set",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(N) where N is the number of members to be removed."),
        history: Some(&[("2.4.0", "Accepts multiple `member` arguments.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@set", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "sscan",
        summary: "Incrementally iterate Set elements",
        since: "2.8.0",
        group: "set",
        complexity: Some(
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "cursor",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                token: Some("MATCH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@set", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "ssubscribe",
        summary: "Listen for messages published to the given shard channels",
        since: "7.0.0",
        group: "pubsub",
        complexity: Some("O(N) where N is the number of shard channels to subscribe to."),
        arguments: Some(&[Arg {
            name: "shardchannel",
            kind: "string",
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["not_key"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "strlen",
        summary: "Get the length of the value stored in a key",
        since: "2.2.0",
        group: "string",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@string", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "subscribe",
        summary: "Listen for messages published to the given channels",
        since: "2.0.0",
        group: "pubsub",
        complexity: Some("O(N) where N is the number of channels to subscribe to."),
        arguments: Some(&[Arg {
            name: "channel",
            kind: "string",
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "substr",
        summary: "Get a substring of the string stored at a key",
        since: "1.0.0",
        group: "string",
        complexity: Some(
            "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        ),
        deprecated_since: Some("2.0.0"),
        replaced_by: Some("`GETRANGE`"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "end",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@string", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "sunion",
        summary: "Add multiple sets",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(N) where N is the total number of elements in all given sets."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@set", "@slow"],
        tips: &["nondeterministic_output_order"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "sunionstore",
        summary: "Add multiple sets and store the resulting set in a key",
        since: "1.0.0",
        group: "set",
        complexity: Some("O(N) where N is the total number of elements in all given sets."),
        arguments: Some(&[
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@set", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: -1,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "sunsubscribe",
        summary: "Stop listening for messages posted to the given shard channels",
        since: "7.0.0",
        group: "pubsub",
        complexity: Some(
            "O(N) where N is the number of clients already subscribed to a shard channel.",
        ),
        arguments: Some(&[Arg {
            name: "shardchannel",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["not_key"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "swapdb",
        summary: "Swaps two Redis databases",
        since: "4.0.0",
        group: "server",
        complexity: Some(
            "O(N) where N is the count of clients watching or blocking on keys from both databases.",
        ),
        arguments: Some(&[
            Arg {
                name: "index1",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "index2",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@keyspace", "@write", "@fast", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "sync",
        summary: "Internal command used for replication",
        since: "1.0.0",
        group: "server",
        acl_categories: &["@admin", "@slow", "@dangerous"],
        ..Doc::EMPTY
    },
    Doc {
        name: "time",
        summary: "Return the current server time",
        since: "2.6.0",
        group: "server",
        complexity: Some("O(1)"),
        acl_categories: &["@fast"],
        tips: &["nondeterministic_output"],
        ..Doc::EMPTY
    },
    Doc {
        name: "touch",
        summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.",
        since: "3.2.1",
        group: "generic",
        complexity: Some("O(N) where N is the number of keys that will be touched."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@fast"],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "ttl",
        summary: "Get the time to live for a key in seconds",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        history: Some(&[("2.8.0", "Added the -2 reply.")]),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@fast"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "type",
        summary: "Determine the type stored at key",
        since: "1.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@read", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "unlink",
        summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
        since: "4.0.0",
        group: "generic",
        complexity: Some(
            "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
        ),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@keyspace", "@write", "@fast"],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RM", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "unsubscribe",
        summary: "Stop listening for messages posted to the given channels",
        since: "2.0.0",
        group: "pubsub",
        complexity: Some("O(N) where N is the number of clients already subscribed to a channel."),
        arguments: Some(&[Arg {
            name: "channel",
            kind: "string",
            flags: &["optional", "multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@pubsub", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "unwatch",
        summary: "Forget about all watched keys",
        since: "2.2.0",
        group: "transactions",
        complexity: Some("O(1)"),
        acl_categories: &["@fast", "@transaction"],
        ..Doc::EMPTY
    },
    Doc {
        name: "wait",
        summary: "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
        since: "3.0.0",
        group: "generic",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "numreplicas",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "timeout",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@slow", "@connection"],
        tips: &["request_policy:all_shards", "response_policy:agg_min"],
        ..Doc::EMPTY
    },
    Doc {
        name: "watch",
        summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
        since: "2.2.0",
        group: "transactions",
        complexity: Some("O(1) for every key."),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            flags: &["multiple"],
            ..Arg::EMPTY
        }]),
        acl_categories: &["@fast", "@transaction"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xack",
        summary: "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1) for each message ID processed."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "group",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "id",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xadd",
        summary: "Appends a new entry to a stream",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
        ),
        history: Some(&[
            (
                "6.2.0",
                "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.",
            ),
            ("7.0.0", "Added support for the `<ms>-*` explicit ID form."),
        ]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "nomkstream",
                kind: "pure-token",
                token: Some("NOMKSTREAM"),
                since: Some("6.2.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "trim",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "strategy",
                        kind: "oneof",
                        arguments: Some(&[
                            Arg {
                                name: "maxlen",
                                kind: "pure-token",
                                token: Some("MAXLEN"),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "minid",
                                kind: "pure-token",
                                token: Some("MINID"),
                                since: Some("6.2.0"),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "operator",
                        kind: "oneof",
                        flags: &["optional"],
                        arguments: Some(&[
                            Arg {
                                name: "equal",
                                kind: "pure-token",
                                token: Some("="),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "approximately",
                                kind: "pure-token",
                                token: Some("~"),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "threshold",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("LIMIT"),
                        since: Some("6.2.0"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "id_or_auto",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "auto_id",
                        kind: "pure-token",
                        token: Some("*"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "id",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "field_value",
                kind: "block",
                flags: &["multiple"],
                arguments: Some(&[
                    Arg {
                        name: "field",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "value",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@fast"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: Some("UPDATE instead of INSERT because of the optional trimming feature"),
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xautoclaim",
        summary: "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.",
        since: "6.2.0",
        group: "stream",
        complexity: Some("O(1) if COUNT is small."),
        history: Some(&[(
            "7.0.0",
            "Added an element to the reply array, containing deleted entries the command cleared from the PEL",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "group",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "consumer",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "min-idle-time",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "justid",
                kind: "pure-token",
                token: Some("JUSTID"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@fast"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xclaim",
        summary: "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(log N) with N being the number of messages in the PEL of the consumer group.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "group",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "consumer",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "min-idle-time",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "id",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "ms",
                kind: "integer",
                token: Some("IDLE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "unix-time-milliseconds",
                kind: "unix-time",
                token: Some("TIME"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("RETRYCOUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "force",
                kind: "pure-token",
                token: Some("FORCE"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "justid",
                kind: "pure-token",
                token: Some("JUSTID"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "id",
                kind: "string",
                token: Some("LASTID"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@fast"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xdel",
        summary: "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(1) for each single item to delete in the stream, regardless of the stream size.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "id",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xgroup",
        summary: "A container for consumer groups commands",
        since: "5.0.0",
        group: "stream",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "xgroup|create",
        summary: "Create a consumer group.",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        history: Some(&[("7.0.0", "Added the `entries_read` named argument.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "groupname",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "id",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "id",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "new_id",
                        kind: "pure-token",
                        token: Some("$"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "mkstream",
                kind: "pure-token",
                token: Some("MKSTREAM"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "entries_read",
                kind: "integer",
                token: Some("ENTRIESREAD"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xgroup|createconsumer",
        summary: "Create a consumer in a consumer group.",
        since: "6.2.0",
        group: "stream",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "groupname",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "consumername",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xgroup|delconsumer",
        summary: "Delete a consumer from a consumer group.",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "groupname",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "consumername",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xgroup|destroy",
        summary: "Destroy a consumer group.",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "groupname",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xgroup|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        acl_categories: &["@stream", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "xgroup|setid",
        summary: "Set a consumer group to an arbitrary last delivered ID value.",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        history: Some(&[("7.0.0", "Added the optional `entries_read` argument.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "groupname",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "id",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "id",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "new_id",
                        kind: "pure-token",
                        token: Some("$"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "entries_read",
                kind: "integer",
                token: Some("ENTRIESREAD"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xinfo",
        summary: "A container for stream introspection commands",
        since: "5.0.0",
        group: "stream",
        complexity: Some("Depends on subcommand."),
        acl_categories: &["@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "xinfo|consumers",
        summary: "List the consumers in a consumer group",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "groupname",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@stream", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xinfo|groups",
        summary: "List the consumer groups of a stream",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        history: Some(&[("7.0.0", "Added the `entries-read` and `lag` fields")]),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xinfo|help",
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        acl_categories: &["@stream", "@slow"],
        ..Doc::EMPTY
    },
    Doc {
        name: "xinfo|stream",
        summary: "Get information about a stream",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        history: Some(&[
            ("6.0.0", "Added the `FULL` modifier."),
            (
                "7.0.0",
                "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields",
            ),
        ]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "full",
                kind: "block",
                token: Some("FULL"),
                flags: &["optional"],
                arguments: Some(&[Arg {
                    name: "count",
                    kind: "integer",
                    token: Some("COUNT"),
                    flags: &["optional"],
                    ..Arg::EMPTY
                }]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(2),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xlen",
        summary: "Return the number of entries in a stream",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@stream", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xpending",
        summary: "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
        ),
        history: Some(&[(
            "6.2.0",
            "Added the `IDLE` option and exclusive range intervals.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "group",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "filters",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "min-idle-time",
                        kind: "integer",
                        token: Some("IDLE"),
                        since: Some("6.2.0"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "start",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "end",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "consumer",
                        kind: "string",
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@stream", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xrange",
        summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        ),
        history: Some(&[("6.2.0", "Added exclusive ranges.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "end",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xread",
        summary: "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
        ),
        arguments: Some(&[
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "milliseconds",
                kind: "integer",
                token: Some("BLOCK"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "streams",
                kind: "block",
                token: Some("STREAMS"),
                arguments: Some(&[
                    Arg {
                        name: "key",
                        kind: "key",
                        key_spec_index: Some(0),
                        flags: &["multiple"],
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "id",
                        kind: "string",
                        flags: &["multiple"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@stream", "@slow", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Keyword {
                keyword: "STREAMS",
                startfrom: 1,
            },
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 2,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xreadgroup",
        summary: "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
        ),
        arguments: Some(&[
            Arg {
                name: "group_consumer",
                kind: "block",
                token: Some("GROUP"),
                arguments: Some(&[
                    Arg {
                        name: "group",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "consumer",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "milliseconds",
                kind: "integer",
                token: Some("BLOCK"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "noack",
                kind: "pure-token",
                token: Some("NOACK"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "streams",
                kind: "block",
                token: Some("STREAMS"),
                arguments: Some(&[
                    Arg {
                        name: "key",
                        kind: "key",
                        key_spec_index: Some(0),
                        flags: &["multiple"],
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "id",
                        kind: "string",
                        flags: &["multiple"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@slow", "@blocking"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Keyword {
                keyword: "STREAMS",
                startfrom: 4,
            },
            find_keys: FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 2,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xrevrange",
        summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        ),
        history: Some(&[("6.2.0", "Added exclusive ranges.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "end",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@stream", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xsetid",
        summary: "An internal command for replicating stream values",
        since: "5.0.0",
        group: "stream",
        complexity: Some("O(1)"),
        history: Some(&[(
            "7.0.0",
            "Added the `entries_added` and `max_deleted_entry_id` arguments.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "last-id",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "entries_added",
                kind: "integer",
                token: Some("ENTRIESADDED"),
                since: Some("7.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "max_deleted_entry_id",
                kind: "string",
                token: Some("MAXDELETEDID"),
                since: Some("7.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "xtrim",
        summary: "Trims the stream to (approximately if '~' is passed) a certain size",
        since: "5.0.0",
        group: "stream",
        complexity: Some(
            "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
        ),
        history: Some(&[(
            "6.2.0",
            "Added the `MINID` trimming strategy and the `LIMIT` option.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "trim",
                kind: "block",
                arguments: Some(&[
                    Arg {
                        name: "strategy",
                        kind: "oneof",
                        arguments: Some(&[
                            Arg {
                                name: "maxlen",
                                kind: "pure-token",
                                token: Some("MAXLEN"),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "minid",
                                kind: "pure-token",
                                token: Some("MINID"),
                                since: Some("6.2.0"),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "operator",
                        kind: "oneof",
                        flags: &["optional"],
                        arguments: Some(&[
                            Arg {
                                name: "equal",
                                kind: "pure-token",
                                token: Some("="),
                                ..Arg::EMPTY
                            },
                            Arg {
                                name: "approximately",
                                kind: "pure-token",
                                token: Some("~"),
                                ..Arg::EMPTY
                            },
                        ]),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "threshold",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        token: Some("LIMIT"),
                        since: Some("6.2.0"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@stream", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zadd",
        summary: "Add one or more members to a sorted set, or update its score if it already exists",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        ),
        history: Some(&[
            ("2.4.0", "Accepts multiple elements."),
            ("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."),
            ("6.2.0", "Added the `GT` and `LT` options."),
        ]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "condition",
                kind: "oneof",
                since: Some("3.0.2"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "nx",
                        kind: "pure-token",
                        token: Some("NX"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "xx",
                        kind: "pure-token",
                        token: Some("XX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "comparison",
                kind: "oneof",
                since: Some("6.2.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "gt",
                        kind: "pure-token",
                        token: Some("GT"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "lt",
                        kind: "pure-token",
                        token: Some("LT"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "change",
                kind: "pure-token",
                token: Some("CH"),
                since: Some("3.0.2"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "increment",
                kind: "pure-token",
                token: Some("INCR"),
                since: Some("3.0.2"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "score_member",
                kind: "block",
                flags: &["multiple"],
                arguments: Some(&[
                    Arg {
                        name: "score",
                        kind: "double",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "member",
                        kind: "string",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zcard",
        summary: "Get the number of members in a sorted set",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "key",
            kind: "key",
            key_spec_index: Some(0),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@read", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zcount",
        summary: "Count the members in a sorted set with scores within the given values",
        since: "2.0.0",
        group: "sorted-set",
        complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zdiff",
        summary: "Subtract multiple sorted sets",
        since: "6.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
        ),
        arguments: Some(&[
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "withscores",
                kind: "pure-token",
                token: Some("WITHSCORES"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zdiffstore",
        summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
        since: "6.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
        ),
        arguments: Some(&[
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Keynum {
                    keynumidx: 0,
                    firstkey: 1,
                    keystep: 1,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "zincrby",
        summary: "Increment the score of a member in a sorted set",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some("O(log(N)) where N is the number of elements in the sorted set."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "increment",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zinter",
        summary: "Intersect multiple sorted sets",
        since: "6.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
        ),
        arguments: Some(&[
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "weight",
                kind: "integer",
                token: Some("WEIGHTS"),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "aggregate",
                kind: "oneof",
                token: Some("AGGREGATE"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "sum",
                        kind: "pure-token",
                        token: Some("SUM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "min",
                        kind: "pure-token",
                        token: Some("MIN"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "max",
                        kind: "pure-token",
                        token: Some("MAX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withscores",
                kind: "pure-token",
                token: Some("WITHSCORES"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zintercard",
        summary: "Intersect multiple sorted sets and return the cardinality of the result",
        since: "7.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
        ),
        arguments: Some(&[
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "limit",
                kind: "integer",
                token: Some("LIMIT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zinterstore",
        summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
        since: "2.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
        ),
        arguments: Some(&[
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "weight",
                kind: "integer",
                token: Some("WEIGHTS"),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "aggregate",
                kind: "oneof",
                token: Some("AGGREGATE"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "sum",
                        kind: "pure-token",
                        token: Some("SUM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "min",
                        kind: "pure-token",
                        token: Some("MIN"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "max",
                        kind: "pure-token",
                        token: Some("MAX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Keynum {
                    keynumidx: 0,
                    firstkey: 1,
                    keystep: 1,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "zlexcount",
        summary: "Count the number of members in a sorted set between a given lexicographical range",
        since: "2.8.9",
        group: "sorted-set",
        complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zmpop",
        summary: "Remove and return members with scores in a sorted set",
        since: "7.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
        ),
        arguments: Some(&[
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "where",
                kind: "oneof",
                arguments: Some(&[
                    Arg {
                        name: "min",
                        kind: "pure-token",
                        token: Some("MIN"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "max",
                        kind: "pure-token",
                        token: Some("MAX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zmscore",
        summary: "Get the score associated with the given members in a sorted set",
        since: "6.2.0",
        group: "sorted-set",
        complexity: Some("O(N) where N is the number of members being requested."),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zpopmax",
        summary: "Remove and return members with the highest scores in a sorted set",
        since: "5.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zpopmin",
        summary: "Remove and return members with the lowest scores in a sorted set",
        since: "5.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrandmember",
        summary: "Get one or multiple random elements from a sorted set",
        since: "6.2.0",
        group: "sorted-set",
        complexity: Some("O(N) where N is the number of elements returned"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "options",
                kind: "block",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "withscores",
                        kind: "pure-token",
                        token: Some("WITHSCORES"),
                        flags: &["optional"],
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrange",
        summary: "Return a range of members in a sorted set",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        ),
        history: Some(&[(
            "6.2.0",
            "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.",
        )]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "stop",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "sortby",
                kind: "oneof",
                since: Some("6.2.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "byscore",
                        kind: "pure-token",
                        token: Some("BYSCORE"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "bylex",
                        kind: "pure-token",
                        token: Some("BYLEX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "rev",
                kind: "pure-token",
                token: Some("REV"),
                since: Some("6.2.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                since: Some("6.2.0"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withscores",
                kind: "pure-token",
                token: Some("WITHSCORES"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrangebylex",
        summary: "Return a range of members in a sorted set, by lexicographical range",
        since: "2.8.9",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`ZRANGE` with the `BYLEX` argument"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrangebyscore",
        summary: "Return a range of members in a sorted set, by score",
        since: "1.0.5",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`ZRANGE` with the `BYSCORE` argument"),
        doc_flags: &["deprecated"],
        history: Some(&[("2.0.0", "Added the `WITHSCORES` modifier.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "withscores",
                kind: "pure-token",
                token: Some("WITHSCORES"),
                since: Some("2.0.0"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrangestore",
        summary: "Store a range of members from sorted set into another key",
        since: "6.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
        ),
        arguments: Some(&[
            Arg {
                name: "dst",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "src",
                kind: "key",
                key_spec_index: Some(1),
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "sortby",
                kind: "oneof",
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "byscore",
                        kind: "pure-token",
                        token: Some("BYSCORE"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "bylex",
                        kind: "pure-token",
                        token: Some("BYLEX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "rev",
                kind: "pure-token",
                token: Some("REV"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
        ],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrank",
        summary: "Determine the index of a member in a sorted set",
        since: "2.0.0",
        group: "sorted-set",
        complexity: Some("O(log(N))"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrem",
        summary: "Remove one or more members from a sorted set",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
        ),
        history: Some(&[("2.4.0", "Accepts multiple elements.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                flags: &["multiple"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zremrangebylex",
        summary: "Remove all members in a sorted set between the given lexicographical range",
        since: "2.8.9",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zremrangebyrank",
        summary: "Remove all members in a sorted set within the given indexes",
        since: "2.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "stop",
                kind: "integer",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zremrangebyscore",
        summary: "Remove all members in a sorted set within the given scores",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "double",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrevrange",
        summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`ZRANGE` with the `REV` argument"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "start",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "stop",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "withscores",
                kind: "pure-token",
                token: Some("WITHSCORES"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrevrangebylex",
        summary: "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
        since: "2.8.9",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`ZRANGE` with the `REV` and `BYLEX` arguments"),
        doc_flags: &["deprecated"],
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "string",
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrevrangebyscore",
        summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low",
        since: "2.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ),
        deprecated_since: Some("6.2.0"),
        replaced_by: Some("`ZRANGE` with the `REV` and `BYSCORE` arguments"),
        doc_flags: &["deprecated"],
        history: Some(&[("2.1.6", "`min` and `max` can be exclusive.")]),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "max",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "min",
                kind: "double",
                ..Arg::EMPTY
            },
            Arg {
                name: "withscores",
                kind: "pure-token",
                token: Some("WITHSCORES"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "offset_count",
                kind: "block",
                token: Some("LIMIT"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "offset",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "count",
                        kind: "integer",
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zrevrank",
        summary: "Determine the index of a member in a sorted set, with scores ordered from high to low",
        since: "2.0.0",
        group: "sorted-set",
        complexity: Some("O(log(N))"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zscan",
        summary: "Incrementally iterate sorted sets elements and associated scores",
        since: "2.8.0",
        group: "sorted-set",
        complexity: Some(
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        ),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "cursor",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "pattern",
                kind: "pattern",
                token: Some("MATCH"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
            Arg {
                name: "count",
                kind: "integer",
                token: Some("COUNT"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        tips: &["nondeterministic_output"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zscore",
        summary: "Get the score associated with the given member in a sorted set",
        since: "1.2.0",
        group: "sorted-set",
        complexity: Some("O(1)"),
        arguments: Some(&[
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "member",
                kind: "string",
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@fast"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Range {
                lastkey: 0,
                keystep: 1,
                limit: 0,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zunion",
        summary: "Add multiple sorted sets",
        since: "6.2.0",
        group: "sorted-set",
        complexity: Some(
            "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
        ),
        arguments: Some(&[
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(0),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "weight",
                kind: "integer",
                token: Some("WEIGHTS"),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "aggregate",
                kind: "oneof",
                token: Some("AGGREGATE"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "sum",
                        kind: "pure-token",
                        token: Some("SUM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "min",
                        kind: "pure-token",
                        token: Some("MIN"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "max",
                        kind: "pure-token",
                        token: Some("MAX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
            Arg {
                name: "withscores",
                kind: "pure-token",
                token: Some("WITHSCORES"),
                flags: &["optional"],
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@read", "@sortedset", "@slow"],
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        ..Doc::EMPTY
    },
    Doc {
        name: "zunionstore",
        summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
        since: "2.0.0",
        group: "sorted-set",
        complexity: Some(
            "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
        ),
        arguments: Some(&[
            Arg {
                name: "destination",
                kind: "key",
                key_spec_index: Some(0),
                ..Arg::EMPTY
            },
            Arg {
                name: "numkeys",
                kind: "integer",
                ..Arg::EMPTY
            },
            Arg {
                name: "key",
                kind: "key",
                key_spec_index: Some(1),
                flags: &["multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "weight",
                kind: "integer",
                token: Some("WEIGHTS"),
                flags: &["optional", "multiple"],
                ..Arg::EMPTY
            },
            Arg {
                name: "aggregate",
                kind: "oneof",
                token: Some("AGGREGATE"),
                flags: &["optional"],
                arguments: Some(&[
                    Arg {
                        name: "sum",
                        kind: "pure-token",
                        token: Some("SUM"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "min",
                        kind: "pure-token",
                        token: Some("MIN"),
                        ..Arg::EMPTY
                    },
                    Arg {
                        name: "max",
                        kind: "pure-token",
                        token: Some("MAX"),
                        ..Arg::EMPTY
                    },
                ]),
                ..Arg::EMPTY
            },
        ]),
        acl_categories: &["@write", "@sortedset", "@slow"],
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(2),
                find_keys: FindKeys::Keynum {
                    keynumidx: 0,
                    firstkey: 1,
                    keystep: 1,
                },
            },
        ],
        ..Doc::EMPTY
    },
];
