//! The RESP "facade": request parsing and reply encoding. It knows nothing of commands, the
//! keyspace or connections; it turns bytes into argument spans and replies into bytes.

pub mod parse;
pub mod reply;

pub use parse::{Arg, Limits, Parsed, ProtocolError, parse_i64, parse_request};
pub use reply::Reply;
