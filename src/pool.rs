//! The one worker pool: a list of items, at most `workers` scoped threads working on them, each
//! taking the next item in order when it is free, results in the order of the items. A batch's
//! symbols, a venue's requests and Hyperliquid's accounts all run through [`map`].

use std::sync::Mutex;

/// Runs `work(item)` for every item of `items` on at most `workers` threads at once (at least
/// one, no more than there are items). Items are taken in order, each by the next free worker;
/// the results come back in the order of `items`. A panic in `work` is re-raised once every
/// worker has stopped.
pub fn map<I: Send, T: Send>(items: Vec<I>, workers: usize, work: impl Fn(I) -> T + Sync) -> Vec<T> {
    let n = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, n.max(1)) {
            s.spawn(|| loop {
                let next = queue.lock().expect("queue lock").next();
                let Some((i, item)) = next else { break };
                let r = work(item);
                results.lock().expect("results lock")[i] = Some(r);
            });
        }
    });
    results.into_inner().expect("results lock").into_iter().map(|r| r.expect("every item ran")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_in_item_order_with_at_most_workers_at_once() {
        let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let out = map((0..40).collect(), 3, |i: u64| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::yield_now();
            running.fetch_sub(1, Ordering::SeqCst);
            i * 2
        });
        assert_eq!(out, (0..40).map(|i| i * 2).collect::<Vec<_>>());
        assert!(most.load(Ordering::SeqCst) <= 3, "{}", most.load(Ordering::SeqCst));
    }

    #[test]
    fn items_are_taken_in_order() {
        let taken = Mutex::new(Vec::new());
        map((0..20).collect(), 1, |i: usize| taken.lock().unwrap().push(i));
        assert_eq!(*taken.lock().unwrap(), (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_and_no_workers() {
        assert!(map(Vec::<u8>::new(), 4, |i| i).is_empty());
        assert_eq!(map(vec![1, 2], 0, |i: u8| i + 1), [2, 3], "zero workers still means one");
    }
}
