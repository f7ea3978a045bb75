//! Command families, one file per group of Redis commands. Each file documents its commands,
//! implements them as `cmd_<name>` handlers, and ends with its registration table `COMMANDS`.

pub mod acl;
pub mod bitmap;
pub mod cluster;
pub mod command;
pub mod connection;
pub mod dump;
pub mod geo;
pub mod hash;
pub mod hll;
pub mod keys;
pub mod list;
pub mod memory;
pub mod migrate;
pub mod multi;
pub mod ops;
pub mod pubsub;
pub mod script;
pub mod server;
pub mod set;
pub mod sort;
pub mod stream;
pub mod string;
pub mod zset;

use crate::cmd::Command;

/// Every family's table; `cmd::table::all()` joins them.
pub static TABLES: &[&[Command]] = &[
    connection::COMMANDS,
    string::COMMANDS,
    bitmap::COMMANDS,
    keys::COMMANDS,
    server::COMMANDS,
    command::COMMANDS,
    multi::COMMANDS,
    ops::COMMANDS,
    list::COMMANDS,
    hash::COMMANDS,
    set::COMMANDS,
    sort::COMMANDS,
    zset::COMMANDS,
    geo::COMMANDS,
    pubsub::COMMANDS,
    dump::COMMANDS,
    acl::COMMANDS,
    script::COMMANDS,
    stream::COMMANDS,
    hll::COMMANDS,
    memory::COMMANDS,
    crate::repl::COMMANDS,
    // Cluster/module commands as a non-cluster Redis (surface helper).
    cluster::COMMANDS,
    migrate::COMMANDS,
];
