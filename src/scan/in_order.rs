//! Parallel work whose results are consumed in input order.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

/// Lock a mutex whose holder may have panicked (the data is still consistent for us: results
/// are inserted or removed whole).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Run `work` on every item in parallel and hand the results to `fold` in item order. Workers
/// take the items in order as they become free, and whichever worker finds the next result
/// ready folds it, so the in-order phase B runs alongside the parallel phase A instead of after
/// it.
pub(super) fn in_order<I, T, W, F>(items: Vec<I>, work: W, fold: F)
where
    I: Send,
    T: Send,
    W: Fn(usize, I) -> T + Sync,
    F: FnMut(T) + Send,
{
    let n = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let ready: Mutex<BTreeMap<usize, T>> = Mutex::new(BTreeMap::new());
    let folder: Mutex<(usize, F)> = Mutex::new((0, fold));
    // Fold what is ready, in order. Without `wait`, give up when another worker is folding:
    // it (or the final call) will take what this worker added.
    let drain = |wait: bool| {
        let guard = if wait {
            Some(lock(&folder))
        } else {
            match folder.try_lock() {
                Ok(g) => Some(g),
                Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            }
        };
        let Some(mut g) = guard else { return };
        loop {
            let k = g.0;
            let Some(t) = lock(&ready).remove(&k) else {
                break;
            };
            (g.1)(t);
            g.0 += 1;
        }
    };
    let workers = rayon::current_num_threads().clamp(1, n.max(1));
    rayon::scope(|s| {
        for _ in 0..workers {
            s.spawn(|_| loop {
                // Bind first: the queue's lock is released before the work starts.
                let next = lock(&queue).next();
                let Some((i, item)) = next else { break };
                let t = work(i, item);
                lock(&ready).insert(i, t);
                drain(false);
            });
        }
    });
    drain(true);
}
