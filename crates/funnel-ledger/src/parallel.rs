//! The one way this workspace spreads work over cores: the parser's chunks,
//! `build`'s runs of entries and its per-deal sorts, the deals `check` looks
//! at, a big file's read, the deal facts, the analyses of a report.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of cores this process may use (1 when unknown). Asked once:
/// on Linux the answer reads cgroup files.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// How many threads `work` units are worth when each thread should have at
/// least `per_thread` of them: 1 below twice that, without asking for the
/// core count (which reads files), so small ledgers never start a thread.
pub fn threads(work: usize, per_thread: usize) -> usize {
    match work / per_thread.max(1) {
        0 | 1 => 1,
        n => n.min(cores()),
    }
}

/// Items per run of [`over_runs`].
pub const RUN: usize = 1 << 16;

/// The fewest entries worth a thread in a pass over a ledger's entries.
pub const ENTRIES_PER_THREAD: usize = 50_000;

/// `f(range)` for consecutive runs of [`RUN`] indices out of `0..len`, on
/// as many threads as they are worth ([`threads`], [`ENTRIES_PER_THREAD`]);
/// the results in order. The way a pass over a big ledger's entries goes.
pub fn over_runs<T: Send>(len: usize, f: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    map_ordered(len.div_ceil(RUN), threads(len, ENTRIES_PER_THREAD), |run| {
        f(run * RUN..((run + 1) * RUN).min(len))
    })
}

/// Like [`over_runs`], giving each run its own `part`: what it writes
/// into, typically its [`RUN`]-long pieces of output vectors allocated
/// once for the whole pass (`chunks_mut(RUN)`), so that a pass writing one
/// value per entry neither collects runs nor copies them into place.
/// `parts` has one item per run.
pub fn over_runs_into<P: Send, T: Send>(
    len: usize,
    parts: Vec<P>,
    f: impl Fn(std::ops::Range<usize>, P) -> T + Sync,
) -> Vec<T> {
    assert_eq!(parts.len(), len.div_ceil(RUN), "one part per run");
    let parts: Vec<std::sync::Mutex<Option<P>>> = parts
        .into_iter()
        .map(|part| std::sync::Mutex::new(Some(part)))
        .collect();
    over_runs(len, |range| {
        let part = parts[range.start / RUN]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .expect("each run is taken once");
        f(range, part)
    })
}

/// `f(0)`, …, `f(n - 1)` on up to `threads` threads, each taking the next
/// index as it becomes free; the results in index order. With one thread
/// (or one item) it runs on the caller's thread. A panic in `f` is raised
/// again here.
pub fn map_ordered<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.min(n);
    if threads <= 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            return done;
                        }
                        done.push((i, f(i)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// Cuts `items` into up to `threads` consecutive parts of equal size (the
/// last may be shorter) and calls `f(i, part)` for each, one thread per
/// part; the results in part order. With one thread it runs on the
/// caller's thread. A panic in `f` is raised again here.
pub fn map_parts_mut<T: Send, R: Send>(
    items: &mut [T],
    threads: usize,
    f: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    if threads <= 1 || items.len() <= 1 {
        return vec![f(0, items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks_mut(size)
            .enumerate()
            .map(|(i, part)| {
                let f = &f;
                scope.spawn(move || f(i, part))
            })
            .collect();
        parts
            .into_iter()
            .map(|p| {
                p.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_index_order() {
        for threads in [1, 2, 3, 8] {
            let squares = map_ordered(100, threads, |i| i * i);
            assert_eq!(squares, (0..100).map(|i| i * i).collect::<Vec<_>>());
        }
        assert!(map_ordered(0, 4, |i| i).is_empty());
    }

    #[test]
    fn runs_cover_the_range_in_order() {
        for len in [0, 1, RUN - 1, RUN, 3 * RUN + 5] {
            let ranges = over_runs(len, |range| range);
            let flat: Vec<usize> = ranges.iter().flat_map(|r| r.clone()).collect();
            assert_eq!(flat, (0..len).collect::<Vec<_>>());
            assert!(ranges.iter().all(|r| r.len() <= RUN));
        }
        assert_eq!(threads(10, 100), 1);
        assert_eq!(threads(199, 100), 1);
        assert_eq!(threads(200, 100), 2.min(cores()));
    }

    #[test]
    fn runs_write_into_their_own_parts() {
        for len in [0, 1, RUN, 2 * RUN + 3] {
            let mut doubled = vec![0usize; len];
            let parts: Vec<&mut [usize]> = doubled.chunks_mut(RUN).collect();
            let sums = over_runs_into(len, parts, |range, part| {
                assert_eq!(part.len(), range.len());
                for (slot, i) in part.iter_mut().zip(range.clone()) {
                    *slot = 2 * i;
                }
                range.sum::<usize>()
            });
            assert_eq!(doubled, (0..len).map(|i| 2 * i).collect::<Vec<_>>());
            assert_eq!(sums.iter().sum::<usize>(), (0..len).sum::<usize>());
        }
    }

    #[test]
    fn parts_cover_the_items_in_order() {
        for threads in [1, 2, 3, 8] {
            let mut items: Vec<usize> = (0..10).collect();
            let firsts = map_parts_mut(&mut items, threads, |i, part| {
                part.iter_mut().for_each(|x| *x *= 2);
                (i, part[0])
            });
            assert_eq!(items, (0..10).map(|x| x * 2).collect::<Vec<_>>());
            assert_eq!(firsts[0], (0, 0));
            assert!(firsts
                .windows(2)
                .all(|w| w[0].0 + 1 == w[1].0 && w[0].1 < w[1].1));
        }
    }
}
