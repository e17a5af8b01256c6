//! Work split over the machine's cores, for batches: plain Rust, run with the
//! interpreter released.

use nettx::{Case, Evaluation};
use std::ops::Range;

/// Fewest rows worth a thread of their own (starting a thread costs about as
/// much as evaluating a few hundred cases).
pub(crate) const MIN_ROWS_PER_THREAD: usize = 4096;

/// Most threads a batch uses.
const MAX_THREADS: usize = 8;

/// How many threads to use for `n` rows: one per core, at most
/// [`MAX_THREADS`], and none with fewer than [`MIN_ROWS_PER_THREAD`] rows.
pub(crate) fn threads_for(n: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores
        .min(MAX_THREADS)
        .min(n.div_ceil(MIN_ROWS_PER_THREAD))
        .max(1)
}

/// Splits `0..n` into contiguous ranges, one per thread, runs `f` on each
/// (the first on the calling thread) and returns the results in range order.
pub(crate) fn par_ranges<R: Send>(n: usize, f: impl Fn(Range<usize>) -> R + Sync) -> Vec<R> {
    let threads = threads_for(n);
    let chunk = n.div_ceil(threads).max(1);
    let ranges: Vec<Range<usize>> = (0..threads)
        .map(|t| (t * chunk).min(n)..((t + 1) * chunk).min(n))
        .collect();
    if ranges.len() <= 1 {
        return vec![f(0..n)];
    }
    par_map(ranges, f)
}

/// Runs `f` on each item, one thread per item (the first on the calling
/// thread), and returns the results in item order.
pub(crate) fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let f = &f;
    std::thread::scope(|scope| {
        let mut items = items.into_iter();
        let first = items.next();
        let handles: Vec<_> = items.map(|item| scope.spawn(move || f(item))).collect();
        let mut results = Vec::with_capacity(handles.len() + 1);
        results.extend(first.map(f));
        for h in handles {
            match h.join() {
                Ok(r) => results.push(r),
                // A panic in a worker goes on in the caller, where the
                // binding turns it into a Python exception.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        results
    })
}

/// Evaluates every case, in order, on all cores.
pub(crate) fn evaluate_all(cases: &[Case]) -> Vec<Evaluation> {
    let parts = par_ranges(cases.len(), |range| {
        cases
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(nettx::evaluate)
            .collect::<Vec<_>>()
    });
    let mut out = Vec::with_capacity(cases.len());
    for part in parts {
        out.extend(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nettx::Site;

    #[test]
    fn ranges_cover_every_row_once_in_order() {
        for n in [0, 1, 5, MIN_ROWS_PER_THREAD, 3 * MIN_ROWS_PER_THREAD + 7] {
            let parts = par_ranges(n, |r| r.collect::<Vec<_>>());
            let all: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn threads_are_used_only_for_large_batches() {
        assert_eq!(threads_for(0), 1);
        assert_eq!(threads_for(10), 1);
        assert!(threads_for(1_000_000) >= 1);
        assert!(threads_for(1_000_000) <= MAX_THREADS);
    }

    #[test]
    fn evaluate_all_matches_one_by_one() {
        let cases: Vec<Case> = (0..3 * MIN_ROWS_PER_THREAD)
            .map(|i| {
                let site = Site::ALL[i % Site::ALL.len()];
                Case::builder(site)
                    .metastatic((i % 3 == 0).then_some(i % 2 == 0))
                    .carcinoid_syndrome((i % 5 == 0).then_some(true))
                    .build()
                    .map_err(|e| e.to_json())
            })
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(cases.len(), 3 * MIN_ROWS_PER_THREAD);
        let all = evaluate_all(&cases);
        assert_eq!(all.len(), cases.len());
        for (case, ev) in cases.iter().zip(&all) {
            assert_eq!(&nettx::evaluate(case), ev);
        }
    }
}
