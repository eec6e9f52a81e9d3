//! The allocator's one setting that depends on the phase of a run.
//!
//! mimalloc keeps freed memory for a while (10 ms; 100 ms in its arenas)
//! before it gives it back to the system, in case it is asked for again.
//! Loading a big ledger frees the parse's temporaries just before the
//! model's largest part is built, so that delay put ~8 MB on the peak of
//! `funnel check` (a terse million entries: 146.6 → 138.9 MiB with
//! immediate purging), for no measured cost in its time. The analyses
//! after it free and allocate again and again: immediate purging there
//! made `funnel report` ~50 ms slower on the same ledger (pages given back
//! and faulted in again). So: purged at once while loading, as usual
//! afterwards (docs/performance.md, eleventh pass). A setting of this
//! process only: plugins it starts are not affected.

/// `mi_option_purge_delay` in mimalloc 2's `mimalloc.h`.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Runs `load` with freed memory given back to the system at once, then
/// restores the delay it had (the default, or `MIMALLOC_PURGE_DELAY`).
#[allow(unsafe_code)]
pub fn while_loading<T>(load: impl FnOnce() -> T) -> T {
    // SAFETY: `mi_option_get` and `mi_option_set` read and store an
    // option's value (atomically); any option index and value are
    // allowed, and the purge delay is read each time freed memory may be
    // purged.
    let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    let loaded = load();
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, before) };
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option's number is mimalloc 2's `mi_option_purge_delay`: its
    /// documented default is 10 (ms), and `while_loading` sets 0 and puts
    /// back what it found.
    #[test]
    #[allow(unsafe_code)]
    fn purges_at_once_while_loading_only() {
        // SAFETY: reading an option's value.
        let get = || unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(), 10);
        }
        let before = get();
        assert_eq!(while_loading(get), 0);
        assert_eq!(get(), before);
    }
}
