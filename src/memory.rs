//! Memory a finished stage freed, handed back before the next one allocates its own.
//!
//! The allocator is the binary's choice (src/main.rs), which keeps freed memory for its
//! reuse a while before it gives it back; memory freed on a worker thread stays with that
//! thread. After the aggregation of a national quarter's employment lines, some 200 MB
//! its threads freed were still held while the assessment allocated its own tables, and
//! the run's peak was 571 to 737 MB depending on when the allocator gave them back
//! (CSV 2023Q4, four runs); handed back at the end of the aggregation, 513 to 588 MB.
//! The binary says how ([`on_release`]); the library says when ([`release`]).

use std::sync::OnceLock;

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// How to hand freed memory back: called on every worker thread and on the caller's.
/// Set once, by the binary; without it [`release`] does nothing.
pub fn on_release(f: fn()) {
    let _ = RELEASE.set(f);
}

/// Hands back the memory freed so far, on every thread of the pool and on this one.
pub fn release() {
    if let Some(f) = RELEASE.get() {
        rayon::broadcast(|_| f());
        f();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[test]
    fn every_thread_of_the_pool_and_the_caller_hand_back() {
        super::release(); // no hook yet: nothing called
        assert_eq!(CALLS.load(Ordering::SeqCst), 0);
        super::on_release(|| {
            CALLS.fetch_add(1, Ordering::SeqCst);
        });
        super::release();
        assert_eq!(CALLS.load(Ordering::SeqCst), rayon::current_num_threads() + 1);
    }
}
