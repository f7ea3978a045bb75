//! The data structures behind Redis's collection types, one file per type: lists (`list`),
//! hashes (`hash`), sets (`set`) and sorted sets (`zset`). Each owns its compact small encoding
//! and its big one, switches between them at Redis's thresholds (`*-max-listpack-*`,
//! `set-max-intset-entries`), and reports Redis's `OBJECT ENCODING` name. They know nothing of
//! commands or replies: the command families in `family/` drive them.

pub mod cursor;
pub mod dict;
pub mod hash;
pub mod list;
pub mod resize;
pub mod set;
pub mod stream;
pub mod zset;

pub use hash::Hash;
pub use list::List;
pub use set::Set;
pub use stream::Stream;
pub use zset::ZSet;

/// The total of `sizes` (one per item, `n` items) extrapolated from the first `samples` of
/// them: their average times `n`, as Redis's `objectComputeSize` samples aggregates. Exact
/// when `samples >= n`.
pub(crate) fn sampled_sum(n: usize, samples: usize, sizes: impl Iterator<Item = usize>) -> usize {
    let (mut sum, mut taken) = (0usize, 0usize);
    for s in sizes.take(samples.max(1)) {
        sum += s;
        taken += 1;
    }
    if taken == 0 || taken >= n {
        sum
    } else {
        // Widened: sum * n can exceed usize on 32-bit targets.
        ((sum as u128 * n as u128) / taken as u128) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::sampled_sum;

    #[test]
    fn sampling_extrapolates_the_average() {
        let sizes = || [10usize, 20, 30, 40].into_iter();
        assert_eq!(sampled_sum(4, usize::MAX, sizes()), 100);
        assert_eq!(sampled_sum(4, 4, sizes()), 100);
        // The first two average 15: four items are about 60.
        assert_eq!(sampled_sum(4, 2, sizes()), 60);
        // Zero samples are treated as one.
        assert_eq!(sampled_sum(4, 0, sizes()), 40);
        assert_eq!(sampled_sum(0, 5, std::iter::empty()), 0);
    }
}
