//! The texts of LATENCY GRAPH (Redis's sparkline.c renderer, 80 columns, 4 rows, filled) and
//! LATENCY DOCTOR (latency.c's `createLatencyReport`), ported line for line so the wording
//! and layout are Redis's.

use std::fmt::Write as _;

use super::Series;
use crate::server::Server;

/// An argument as C's `%s` prints it: up to the first NUL.
pub fn c_str(b: &[u8]) -> &[u8] {
    &b[..memchr::memchr(0, b).unwrap_or(b.len())]
}

const CHARSET_FILL: &[u8] = b"_o#";
const LABEL_MARGIN_TOP: usize = 1;
const GRAPH_COLS: usize = 80;
const GRAPH_ROWS: usize = 4;

struct Seq {
    values: Vec<f64>,
    labels: Vec<Option<String>>,
    min: f64,
    max: f64,
}

impl Seq {
    fn add(&mut self, v: f64, label: String) {
        if self.values.is_empty() {
            self.min = v;
            self.max = v;
        } else if v < self.min {
            self.min = v;
        } else if v > self.max {
            self.max = v;
        }
        self.values.push(v);
        self.labels.push((!label.is_empty()).then_some(label));
    }

    fn has_labels(&self) -> bool {
        self.labels.iter().any(|l| l.is_some())
    }
}

/// sparklineRenderRange with SPARKLINE_FILL (no log scale).
fn render_range(out: &mut String, seq: &Seq, rows: usize, offset: usize, len: usize) {
    let charset_len = CHARSET_FILL.len() as i64;
    let mut relmax = seq.max - seq.min;
    if relmax == 0.0 {
        relmax = 1.0;
    }
    let steps = charset_len * rows as i64;
    let mut row = 0usize;
    let mut chars = vec![b' '; len];
    let mut again = true;
    while again {
        again = false;
        chars.iter_mut().for_each(|c| *c = b' ');
        for (j, ch) in chars.iter_mut().enumerate() {
            let value = seq.values[j + offset];
            let relval = value - seq.min;
            // C: (int)(relval*steps)/relmax, then the double quotient truncated to int.
            let mut step = (((relval * steps as f64) as i64) as f64 / relmax) as i64;
            step = step.clamp(0, steps - 1);
            if row < rows {
                let charidx = step - ((rows - row - 1) as i64 * charset_len);
                again = true;
                if (0..charset_len).contains(&charidx) {
                    *ch = CHARSET_FILL[charidx as usize];
                } else if charidx >= charset_len {
                    *ch = b'|';
                }
            } else {
                if seq.has_labels() && row - rows < LABEL_MARGIN_TOP {
                    again = true;
                    break;
                }
                if let Some(label) = &seq.labels[j + offset] {
                    let label_char = row - rows - LABEL_MARGIN_TOP;
                    if label.len() > label_char {
                        again = true;
                        *ch = label.as_bytes()[label_char];
                    }
                }
            }
        }
        if again {
            row += 1;
            out.push_str(&String::from_utf8_lossy(&chars));
            out.push('\n');
        }
    }
}

/// LATENCY GRAPH's text for one event, `now` in Unix seconds.
pub fn graph(ts: &Series, now: i64) -> String {
    let mut seq = Seq {
        values: Vec::new(),
        labels: Vec::new(),
        min: 0.0,
        max: 0.0,
    };
    let (mut min, mut max) = (0u64, 0u64);
    for s in ts.ordered() {
        if seq.values.is_empty() {
            min = s.latency;
            max = s.latency;
        } else {
            max = max.max(s.latency);
            min = min.min(s.latency);
        }
        let elapsed = now - s.time;
        let label = if elapsed < 60 {
            format!("{elapsed}s")
        } else if elapsed < 3600 {
            format!("{}m", elapsed / 60)
        } else if elapsed < 3600 * 24 {
            format!("{}h", elapsed / 3600)
        } else {
            format!("{}d", elapsed / (3600 * 24))
        };
        seq.add(s.latency as f64, label);
    }
    let mut g = String::new();
    let _ = writeln!(
        g,
        "{} - high {max} ms, low {min} ms (all time high {} ms)",
        ts.event, ts.max
    );
    g.push_str(&"-".repeat(GRAPH_COLS));
    g.push('\n');
    let mut j = 0;
    while j < seq.values.len() {
        let sublen = (seq.values.len() - j).min(GRAPH_COLS);
        if j != 0 {
            g.push('\n');
        }
        render_range(&mut g, &seq, GRAPH_ROWS, j, sublen);
        j += GRAPH_COLS;
    }
    g
}

/// analyzeLatencyForEvent: (samples, avg, mad, period).
fn analyze(ts: &Series, now: i64) -> (u64, u64, u64, i64) {
    let mut samples = 0u64;
    let mut sum = 0u64;
    let mut period = 0i64;
    for s in ts.samples.iter().filter(|s| s.time != 0) {
        samples += 1;
        sum += s.latency;
        if period == 0 || s.time < period {
            period = s.time;
        }
    }
    let avg = sum.checked_div(samples).unwrap_or(0);
    if samples > 0 {
        period = now - period;
        if period == 0 {
            period = 1;
        }
    }
    let mut dev = 0u64;
    for s in ts.samples.iter().filter(|s| s.time != 0) {
        dev += (avg as i64 - s.latency as i64).unsigned_abs();
    }
    let mad = dev.checked_div(samples).unwrap_or(0);
    (samples, avg, mad, period)
}

/// AnonHugePages of this process, in kB (Redis's THPGetAnonHugePagesSize).
fn anon_huge_pages() -> u64 {
    let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") else {
        return 0;
    };
    smaps
        .lines()
        .filter_map(|l| l.strip_prefix("AnonHugePages:"))
        .filter_map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .sum()
}

/// LATENCY DOCTOR's report.
pub fn doctor(srv: &Server) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let threshold = srv.config.latency_monitor_threshold;
    let mut report = String::new();
    if srv.ops.events.is_empty() && threshold == 0 {
        report.push_str("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
        return report;
    }
    #[derive(Default)]
    struct Advise {
        better_vm: bool,
        slowlog_enabled: bool,
        slowlog_tuning: bool,
        slowlog_inspect: bool,
        disk_contention: bool,
        scheduler: bool,
        data_writeback: bool,
        no_appendfsync: bool,
        local_disk: bool,
        ssd: bool,
        write_load_info: bool,
        hz: bool,
        large_objects: bool,
        mass_eviction: bool,
        relax_fsync_policy: bool,
        disable_thp: bool,
    }
    let mut a = Advise::default();
    let mut advices = 0;
    let mut eventnum = 0;
    for ts in &srv.ops.events {
        eventnum += 1;
        if eventnum == 1 {
            report.push_str("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        }
        let (samples, avg, mad, period) = analyze(ts, now);
        let _ = write!(
            report,
            "{eventnum}. {}: {samples} latency spikes (average {avg}ms, mean deviation {mad}ms, period {:.2} sec). Worst all time event {}ms.",
            ts.event,
            period as f64 / samples as f64,
            ts.max
        );
        match ts.event {
            "fork" => {
                let usec = srv.children.stats.latest_fork_usec.max(1);
                let rate = crate::alloc::used_memory() as f64 * 1_000_000.0
                    / usec as f64
                    / (1024.0 * 1024.0 * 1024.0);
                let quality = if rate < 10.0 {
                    a.better_vm = true;
                    advices += 1;
                    "terrible"
                } else if rate < 25.0 {
                    a.better_vm = true;
                    advices += 1;
                    "poor"
                } else if rate < 100.0 {
                    "good"
                } else {
                    "excellent"
                };
                let _ = write!(report, " Fork rate is {rate:.2} GB/sec ({quality}).");
            }
            "command" => {
                let slower = srv.config.slowlog_log_slower_than;
                if slower < 0 {
                    a.slowlog_enabled = true;
                    advices += 1;
                } else if (slower / 1000) as u64 > threshold {
                    a.slowlog_tuning = true;
                    advices += 1;
                }
                a.slowlog_inspect = true;
                a.large_objects = true;
                advices += 2;
            }
            "fast-command" => {
                a.scheduler = true;
                advices += 1;
            }
            "aof-write-pending-fsync" => {
                a.local_disk = true;
                a.disk_contention = true;
                a.ssd = true;
                a.data_writeback = true;
                advices += 4;
            }
            "aof-write-active-child" => {
                a.no_appendfsync = true;
                a.data_writeback = true;
                a.ssd = true;
                advices += 3;
            }
            "aof-write-alone" => {
                a.local_disk = true;
                a.data_writeback = true;
                a.ssd = true;
                advices += 3;
            }
            "aof-fsync-always" => {
                a.relax_fsync_policy = true;
                advices += 1;
            }
            "aof-fstat" | "rdb-unlink-temp-file" => {
                a.disk_contention = true;
                a.local_disk = true;
                advices += 2;
            }
            "aof-rewrite-diff-write" | "aof-rename" => {
                a.write_load_info = true;
                a.data_writeback = true;
                a.ssd = true;
                a.local_disk = true;
                advices += 4;
            }
            "expire-cycle" => {
                a.hz = true;
                a.large_objects = true;
                advices += 2;
            }
            "eviction-del" => {
                a.large_objects = true;
                advices += 1;
            }
            "eviction-cycle" => {
                a.mass_eviction = true;
                advices += 1;
            }
            _ => {}
        }
        report.push('\n');
    }
    if anon_huge_pages() > 0 {
        a.disable_thp = true;
        advices += 1;
    }
    if eventnum == 0 && advices == 0 {
        report.push_str("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
    } else if eventnum > 0 && advices == 0 {
        report.push_str("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n");
    } else {
        report.push_str("\nI have a few advices for you:\n\n");
        if a.better_vm {
            report.push_str("- If you are using a virtual machine, consider upgrading it with a faster one using a hypervisior that provides less latency during fork() calls. Xen is known to have poor fork() performance. Even in the context of the same VM provider, certain kinds of instances can execute fork faster than others.\n");
        }
        if a.slowlog_enabled {
            let _ = writeln!(
                report,
                "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.",
                threshold * 1000
            );
        }
        if a.slowlog_tuning {
            let _ = writeln!(
                report,
                "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {}'.",
                threshold * 1000
            );
        }
        if a.slowlog_inspect {
            report.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
        }
        if a.scheduler {
            report.push_str("- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n  1) Lower the system load.\n  2) Use a computer / VM just for Redis if you are running other software in the same system.\n  3) Check if you have a \"noisy neighbour\" problem.\n  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n");
        }
        if a.local_disk {
            report.push_str("- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n");
        }
        if a.ssd {
            report.push_str("- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n");
        }
        if a.data_writeback {
            report.push_str("- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n");
        }
        if a.disk_contention {
            report.push_str("- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n");
        }
        if a.no_appendfsync {
            report.push_str("- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n");
        }
        if a.relax_fsync_policy && srv.config.get("appendfsync") == Some("always") {
            report.push_str("- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n");
        }
        if a.write_load_info {
            report.push_str("- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n");
        }
        if a.hz && srv.config.hz < 100 {
            report.push_str("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
        }
        if a.large_objects {
            report.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
        }
        if a.mass_eviction {
            report.push_str("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n");
        }
        if a.disable_thp {
            report.push_str("- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n");
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{LATENCY_TS_LEN, Sample};

    #[test]
    fn graph_layout() {
        let mut ts = Series {
            event: "command",
            idx: 0,
            max: 0,
            samples: [Sample::default(); LATENCY_TS_LEN],
        };
        for (i, l) in [10u64, 20, 40].iter().enumerate() {
            ts.samples[i] = Sample {
                time: 1000 + i as i64,
                latency: *l,
            };
            ts.idx = i + 1;
            ts.max = *l;
        }
        let g = graph(&ts, 1002);
        let lines: Vec<&str> = g.lines().collect();
        assert_eq!(
            lines[0],
            "command - high 40 ms, low 10 ms (all time high 40 ms)"
        );
        assert_eq!(lines[1].len(), 80);
        // 4 rows of bars, one blank margin row, then labels read downwards.
        assert_eq!(
            &lines[2..],
            &["  #", "  |", " o|", "_||", "   ", "210", "sss"]
        );
    }
}
