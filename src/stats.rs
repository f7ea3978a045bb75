//! Server statistics reported by INFO (stats, commandstats, errorstats): plain counters owned
//! by the loop, bumped from `call()`, the connection layer and the cron. Everything here is
//! what CONFIG RESETSTAT resets; figures that survive it (peak memory, expired keys per
//! database) live elsewhere.

use std::collections::HashMap;

/// Per-command counters (INFO commandstats).
#[derive(Debug, Default)]
pub struct CmdStat {
    pub calls: u64,
    pub usec: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Latency histogram (INFO latencystats, LATENCY HISTOGRAM; `crate::ops`), allocated
    /// when the command first completes with `latency-tracking` on.
    pub histogram: Option<Box<crate::ops::hdr::Hdr>>,
}

/// Samples for `instantaneous_*` figures: a ring of per-interval rates, like Redis's
/// STATS_METRIC_SAMPLES.
#[derive(Debug, Default, Clone)]
pub struct Meter {
    samples: [f64; 16],
    idx: usize,
    last_value: u64,
    last_ms: i64,
}

impl Meter {
    /// Records the counter's current value at `now_ms`.
    pub fn sample(&mut self, value: u64, now_ms: i64) {
        if self.last_ms != 0 && now_ms > self.last_ms {
            let rate = (value.saturating_sub(self.last_value)) as f64 * 1000.0
                / (now_ms - self.last_ms) as f64;
            self.samples[self.idx] = rate;
            self.idx = (self.idx + 1) % self.samples.len();
        }
        self.last_value = value;
        self.last_ms = now_ms;
    }

    /// The mean of the samples, per second.
    pub fn rate(&self) -> f64 {
        self.samples.iter().sum::<f64>() / self.samples.len() as f64
    }
}

/// Server-wide counters.
#[derive(Debug, Default)]
pub struct Stats {
    pub total_connections: u64,
    pub rejected_connections: u64,
    pub total_commands: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    pub total_error_replies: u64,
    pub client_query_buffer_limit_disconnections: u64,
    /// Receive completions handled (INFO `total_reads_processed`).
    pub reads_processed: u64,
    /// Send completions handled (INFO `total_writes_processed`).
    pub writes_processed: u64,
    /// Time spent in the cron's active expiry, microseconds
    /// (INFO `expire_cycle_cpu_milliseconds`).
    pub expire_cycle_us: u64,
    /// Keyed by the command's full name; foldhash, as the command table's index (std's
    /// SipHash cost more than the rest of the bookkeeping of a GET).
    pub commands: HashMap<&'static str, CmdStat, foldhash::fast::FixedState>,
    pub errors: HashMap<String, u64>,
    pub ops_meter: Meter,
    pub net_in_meter: Meter,
    pub net_out_meter: Meter,
}

impl Stats {
    /// The counters of one command (by full name, `config|get`).
    #[inline]
    pub fn command(&mut self, name: &'static str) -> &mut CmdStat {
        self.commands.entry(name).or_default()
    }

    /// Counts an error reply by its code (first word), as INFO errorstats shows it.
    pub fn count_error(&mut self, text: &str) {
        self.total_error_replies += 1;
        let code = text.split(' ').next().unwrap_or("ERR");
        if let Some(n) = self.errors.get_mut(code) {
            *n += 1;
        } else if self.errors.len() < 128 {
            // Redis caps distinct error codes at 128 too, so a client can't grow this map.
            self.errors.insert(code.to_string(), 1);
        }
    }

    /// Resets what CONFIG RESETSTAT resets.
    pub fn reset(&mut self) {
        *self = Stats::default();
    }
}
