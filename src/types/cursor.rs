//! Redis's SCAN cursor walk (`dictScan`), shared by every chained incremental hash table
//! (`keyspace::table`, `types::dict`, the sorted sets' member index).
//!
//! The cursor counts in bit-reversed order over the high bits, so a bucket visited at one
//! table size maps onto buckets not yet visited at any other size: an entry present for the
//! whole scan is returned at least once across growth, shrinking and rehashing. While a
//! rehash is in progress both tables are visited: the bucket of the smaller one under the
//! cursor, then every bucket of the larger one that expands it.

/// Visits the buckets under `cursor` as `visit(table, bucket)` (table 0 or 1) and returns the
/// next cursor (0: the scan is complete). `sizes` are the bucket counts (powers of two) of
/// table 0 and, while rehashing, of table 1.
pub fn step(
    cursor: u64,
    sizes: (usize, Option<usize>),
    mut visit: impl FnMut(usize, usize),
) -> u64 {
    let mut v = cursor;
    match sizes {
        (n0, None) => {
            let m0 = n0 as u64 - 1;
            visit(0, (v & m0) as usize);
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
        }
        (n0, Some(n1)) => {
            let (small, large) = if n0 <= n1 {
                ((0, n0), (1, n1))
            } else {
                ((1, n1), (0, n0))
            };
            let m0 = small.1 as u64 - 1;
            let m1 = large.1 as u64 - 1;
            visit(small.0, (v & m0) as usize);
            loop {
                visit(large.0, (v & m1) as usize);
                v |= !m1;
                v = v.reverse_bits().wrapping_add(1).reverse_bits();
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
        }
    }
    v
}
