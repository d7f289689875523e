//! The binary's memory allocator and the two settings that pay for themselves (each with its paired figures):
//! the only place Quire reaches below the standard library for memory.

// Rendering allocates many small strings and maps on two threads; mimalloc handles that far better than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sets up the allocator before the first large allocation: called first thing in `main`.
pub fn configure() {
    without_huge_pages();
    purge_sooner();
}

/// Transparent huge pages off for this process. mimalloc asks for them, and a 2 MiB page is resident as soon as one
/// byte of it is touched: paired 10k build (dist, 9 rounds, load ~1), peak memory 170.5 MiB with them, 136.9 without,
/// for 5% more time (0.770 s against 0.810 s). 100k builds peaked at 0.97 GiB with them. Failing is harmless.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Freed memory goes back to the system after 100 ms instead of mimalloc v3's 1 s. A 10k build lasts under a
/// second, so with the default it never gives back what each stage frees (the parsed sources, each section's
/// rendered pages) and the next stage takes fresh pages. Paired 10k build (dist, tmpfs, 21 alternated rounds,
/// medians): the default 0.78 s / 138.9 MiB peak, 100 ms 0.77 s / 119.0 MiB, 30 ms 0.79 s / 115.9 MiB (each
/// purge is faulted in again: 15% more page faults than 100 ms); fe86e12, which kept the default, 0.76 s / 124.1.
/// `serve` gains the same between rebuilds.
///
/// mimalloc has no named constant for the option in the Rust bindings, so it is set by its number, after checking
/// that the option under that number has v3's default: a renumbered option is then never set by mistake, and a
/// `MIMALLOC_PURGE_DELAY` the user set is left alone.
fn purge_sooner() {
    use std::os::raw::{c_int, c_long};
    extern "C" {
        fn mi_option_get(option: c_int) -> c_long;
        fn mi_option_set(option: c_int, value: c_long);
    }
    // `mi_option_purge_delay` in mimalloc v3's mimalloc.h (libmimalloc-sys 0.1.49).
    const PURGE_DELAY: c_int = 15;
    const V3_DEFAULT_MS: c_long = 1000;
    const QUIRE_MS: c_long = 100;
    // SAFETY: both take and return plain integers; only the main thread runs yet, as mi_option_set asks.
    unsafe {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() && mi_option_get(PURGE_DELAY) == V3_DEFAULT_MS {
            mi_option_set(PURGE_DELAY, QUIRE_MS);
        }
    }
}
