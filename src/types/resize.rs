//! Redis's hash-table resize policy (`dict_can_resize`, `updateDictResizePolicy`).
//!
//! While a fork child (BGSAVE, AOF rewrite, a replication sync) runs, the loop and the child
//! share their pages copy-on-write: growing a table or moving its buckets rewrites a link in
//! every node it touches, so nearly the whole keyspace would be copied. While `avoid` is on,
//! tables grow only when more than `FORCE_RATIO` times overloaded, do not shrink, and a resize
//! already in progress moves buckets only when its two arrays differ by that ratio, as Redis's
//! `DICT_RESIZE_AVOID`. `persist::child` switches it on at fork and off when the child is
//! reaped; `keyspace::table` and `types::dict` obey it.

use std::cell::Cell;

/// Redis's `dict_force_resize_ratio`.
pub const FORCE_RATIO: usize = 5;

thread_local! {
    /// Per thread: the loop thread owns the tables and the children (and each unit test
    /// thread its own).
    static AVOID: Cell<bool> = const { Cell::new(false) };
}

/// Turns the avoid policy on (a child runs) or off, for this thread's tables.
pub fn set_avoid(on: bool) {
    AVOID.with(|a| a.set(on));
}

/// Whether tables should avoid resizing now.
#[inline]
pub fn avoid() -> bool {
    AVOID.with(|a| a.get())
}

/// Whether a table of `size` buckets holding `used` entries grows now.
#[inline]
pub fn may_grow(used: usize, size: usize) -> bool {
    used >= size && (!avoid() || used / size > FORCE_RATIO)
}

/// Whether a table may start shrinking now.
#[inline]
pub fn may_shrink() -> bool {
    !avoid()
}

/// Whether a resize from `from` to `to` buckets may move buckets now.
#[inline]
pub fn may_rehash(from: usize, to: usize) -> bool {
    !avoid() || from.max(to) / from.min(to).max(1) >= FORCE_RATIO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avoid_allows_only_overloaded_tables() {
        assert!(may_grow(4, 4) && may_shrink() && may_rehash(4, 8));
        set_avoid(true);
        let (grow_at_load, grow_over, shrink) = (may_grow(4, 4), may_grow(24, 4), may_shrink());
        let (double, fivefold, shrink_fivefold) =
            (may_rehash(4, 8), may_rehash(4, 32), may_rehash(64, 8));
        set_avoid(false);
        assert!(!grow_at_load && grow_over && !shrink);
        assert!(!double && fivefold && shrink_fivefold);
    }
}
