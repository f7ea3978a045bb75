//! A fixed-shape HDR histogram, the one Redis 7.0 keeps per command for INFO latencystats and
//! LATENCY HISTOGRAM: values in nanoseconds from 1 to 1e9, 2 significant figures
//! (hdr_histogram's `hdr_init(1, 1000000000, 2)`: 256 sub-buckets, 23 buckets, 3072 counters).
//! The arithmetic (bucket/sub-bucket indexes, equivalent-value ranges, the percentile lookup and
//! the logarithmic iterator) follows hdr_histogram's definitions so that every figure uses the
//! same equivalence classes Redis reports.
//!
//! Invariant: `total` is the sum of `counts`. Recording is a clamp, a leading-zeros count and
//! two shifts: no allocation (the counters are allocated once, when a command first runs).

/// Smallest and largest recordable value (Redis's LATENCY_HISTOGRAM_MIN/MAX_VALUE).
const MIN_VALUE: i64 = 1;
const MAX_VALUE: i64 = 1_000_000_000;
/// log2 of half the sub-bucket count (256 sub-buckets for 2 significant figures).
const SUB_HALF_MAG: i32 = 7;
const SUB_HALF: i32 = 1 << SUB_HALF_MAG;
const SUB_COUNT: i32 = 2 * SUB_HALF;
/// Sub-bucket mask at unit magnitude 0.
const SUB_MASK: i64 = (SUB_COUNT as i64) - 1;
/// Buckets needed to cover MAX_VALUE: 256 << 22 > 1e9.
const BUCKETS: i32 = 23;
const COUNTS_LEN: usize = ((BUCKETS + 1) * SUB_HALF) as usize;

pub struct Hdr {
    counts: Box<[u64]>,
    total: u64,
}

impl Default for Hdr {
    fn default() -> Self {
        Hdr::new()
    }
}

impl std::fmt::Debug for Hdr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hdr {{ total: {} }}", self.total)
    }
}

fn bucket_index(v: i64) -> i32 {
    let pow2ceiling = 64 - ((v | SUB_MASK) as u64).leading_zeros() as i32;
    pow2ceiling - (SUB_HALF_MAG + 1)
}

fn sub_bucket_index(v: i64, bucket: i32) -> i32 {
    (v >> bucket) as i32
}

fn counts_index_for(v: i64) -> usize {
    let b = bucket_index(v);
    let sb = sub_bucket_index(v, b);
    (((b + 1) << SUB_HALF_MAG) + (sb - SUB_HALF)) as usize
}

fn value_at_index(index: i32) -> i64 {
    let mut b = (index >> SUB_HALF_MAG) - 1;
    let mut sb = (index & (SUB_HALF - 1)) + SUB_HALF;
    if b < 0 {
        sb -= SUB_HALF;
        b = 0;
    }
    (sb as i64) << b
}

/// `(lowest equivalent value, size of the equivalence range)` of `v`.
fn equivalence(v: i64) -> (i64, i64) {
    let b = bucket_index(v);
    let sb = sub_bucket_index(v, b);
    let adjusted = if sb >= SUB_COUNT { b + 1 } else { b };
    ((sb as i64) << b, 1i64 << adjusted)
}

fn lowest_equivalent(v: i64) -> i64 {
    equivalence(v).0
}

fn highest_equivalent(v: i64) -> i64 {
    let (low, size) = equivalence(v);
    low + size - 1
}

impl Hdr {
    pub fn new() -> Hdr {
        Hdr {
            counts: vec![0; COUNTS_LEN].into_boxed_slice(),
            total: 0,
        }
    }

    /// Records one value in nanoseconds, clamped to the tracked range as Redis's
    /// `updateCommandLatencyHistogram` does.
    #[inline]
    pub fn record(&mut self, ns: i64) {
        let v = ns.clamp(MIN_VALUE, MAX_VALUE);
        self.counts[counts_index_for(v)] += 1;
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// hdr_value_at_percentile.
    pub fn value_at_percentile(&self, percentile: f64) -> i64 {
        let requested = percentile.min(100.0);
        let wanted = (((requested / 100.0) * self.total as f64) + 0.5) as i64;
        let wanted = wanted.max(1) as u64;
        let mut seen = 0u64;
        let mut value = 0;
        for (i, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= wanted {
                value = value_at_index(i as i32);
                break;
            }
        }
        if percentile == 0.0 {
            lowest_equivalent(value)
        } else {
            highest_equivalent(value)
        }
    }

    /// The cumulative distribution LATENCY HISTOGRAM reports (Redis's `fillCommandCDF`):
    /// hdr_histogram's logarithmic iteration from 1024 ns in powers of 2, each step as
    /// `(highest equivalent value in µs, cumulative count)`, only steps that add samples.
    pub fn cdf_usec(&self) -> Vec<(i64, u64)> {
        let mut out = Vec::new();
        let mut index: i32 = -1;
        let mut value: i64 = 0;
        let mut highest: i64 = 0;
        let mut cumulative: u64 = 0;
        let mut level: i64 = 1024;
        let mut level_low = lowest_equivalent(level);
        let mut previous = 0u64;
        loop {
            let more = cumulative < self.total
                || (index < COUNTS_LEN as i32 && value_at_index(index + 1) > level_low);
            if !more {
                break;
            }
            // One step of log_iter_next.
            loop {
                if value >= level_low {
                    level = level.saturating_mul(2);
                    level_low = lowest_equivalent(level);
                    break;
                }
                index += 1;
                if index >= COUNTS_LEN as i32 {
                    break;
                }
                cumulative += self.counts[index as usize];
                value = value_at_index(index);
                highest = highest_equivalent(value);
            }
            if cumulative > previous {
                out.push((highest / 1000, cumulative));
            }
            previous = cumulative;
            if index >= COUNTS_LEN as i32 {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalence_classes_match_hdr() {
        // 1 µs recorded as 1000 ns: sub-bucket width 4 at that magnitude.
        assert_eq!(highest_equivalent(1000), 1003);
        assert_eq!(highest_equivalent(1024), 1031);
        assert_eq!(highest_equivalent(255), 255);
        assert_eq!(value_at_index(counts_index_for(6000) as i32), 6000 & !31);
        assert_eq!(COUNTS_LEN, 3072);
        // The largest value fits.
        assert!(counts_index_for(MAX_VALUE) < COUNTS_LEN);
    }

    #[test]
    fn percentiles_and_cdf() {
        let mut h = Hdr::new();
        h.record(1000);
        assert_eq!(h.value_at_percentile(50.0), 1003);
        assert_eq!(h.cdf_usec(), vec![(1, 1)]);
        for _ in 0..99 {
            h.record(6000);
        }
        // p50 = 6.015 µs, as Redis prints for 6 µs calls.
        assert_eq!(h.value_at_percentile(50.0), 6015);
        assert_eq!(h.value_at_percentile(0.0), 1000);
        let cdf = h.cdf_usec();
        assert_eq!(cdf.first(), Some(&(1, 1)));
        assert_eq!(cdf.last().map(|c| c.1), Some(100));
        let mut big = Hdr::new();
        big.record(i64::MAX);
        assert_eq!(big.total(), 1);
        assert!(big.cdf_usec().last().is_some_and(|c| c.1 == 1));
    }
}
