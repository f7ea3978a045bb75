//! Pub/Sub delivery (placeholder until the pub/sub work lands): the server-wide registry of
//! channel and pattern subscribers, and `publish`, which appends a message to each
//! subscriber's reply buffer.

use crate::protocol::Reply;
use crate::server::Server;

/// Server-wide subscriptions.
#[derive(Default)]
pub struct PubSub {}

/// One client's subscriptions.
#[derive(Default, Debug)]
pub struct ClientSubs {}

impl ClientSubs {
    /// Channels + patterns + shard channels subscribed.
    pub fn count(&self) -> usize {
        0
    }
}

/// Delivers `message` on `channel` to every subscriber; returns how many received it. `cur`
/// is the running client and the reply buffer its replies currently go to.
pub fn publish(
    srv: &mut Server,
    cur: Option<(usize, &mut Reply)>,
    channel: &[u8],
    message: &[u8],
) -> usize {
    let _ = (srv, cur, channel, message);
    0
}

/// Removes a disconnecting client from every channel and pattern.
pub fn on_client_gone(srv: &mut Server, cid: usize) {
    let _ = (srv, cid);
}
