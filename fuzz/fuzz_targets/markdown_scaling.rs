//! Looks for Markdown whose rendering time grows faster than its size: the input repeated to ~4 KB, then
//! that 4×; fails when the larger takes 10× the CPU time of the smaller (linear is 4×, quadratic 16×),
//! confirmed by a second, longer measurement. Thread CPU time, so a busy machine raises no false alarm.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::config::MarkdownConfig;
use quire::markdown::{render_markdown, Options};
use std::time::Duration;

fn resolve(_: &str) -> Option<String> {
    None
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The fastest of `runs` renders, to shed scheduler noise.
fn cost(text: &str, options: &Options<'_>, runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = thread_cpu_time();
            std::hint::black_box(render_markdown(text, options));
            thread_cpu_time() - start
        })
        .min()
        .unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.is_empty() {
        return;
    }
    let settings = MarkdownConfig { smart_punctuation: true, ..MarkdownConfig::default() };
    let options = Options { settings, resolve: &resolve };
    // The input repeated to about 4 KB, then that 4×: big enough that CPU time is measurable, and a
    // construct left open in the input (a list, a fence, a bracket) spans every copy.
    let small = text.repeat((4 * 1024 / text.len()).max(1));
    let big = small.repeat(4);
    let ratio = |runs| cost(&big, &options, runs).as_secs_f64() / cost(&small, &options, runs).as_secs_f64().max(1e-7);
    if cost(&big, &options, 1) < Duration::from_micros(500) || ratio(3) < 10.0 {
        return;
    }
    // Measure again, more carefully, before calling it superlinear (linear is 4, quadratic 16).
    let confirmed = ratio(7);
    assert!(
        confirmed < 10.0,
        "superlinear: {} bytes vs {} bytes took {confirmed:.1}x the time",
        small.len(),
        big.len()
    );
});
