//! Looks for Markdown whose rendering time grows faster than its size: renders the input once and
//! repeated 4× (back to back, so a construct left open spans the copies), and fails when the CPU time of the larger input is more than
//! 40× that of the smaller one (linear is 4×, quadratic 16×), once it is long enough to measure.
//! Thread CPU time, not wall time, so a busy machine does not raise false alarms.
#![no_main]

use libfuzzer_sys::fuzz_target;
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

fn cost(text: &str, options: &Options<'_>) -> Duration {
    // The fastest of three runs, to shed scheduler noise.
    (0..3)
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
    let options = Options {
        smart_punctuation: true,
        highlight_code: false,
        render_raw_html: true,
        external_links_target_blank: false,
        external_links_no_follow: false,
        external_links_no_referrer: false,
        resolve: &resolve,
    };
    let big = text.repeat(4);
    let small_cost = cost(text, &options);
    let big_cost = cost(&big, &options);
    if big_cost < Duration::from_millis(20) {
        return; // too short to measure reliably
    }
    let ratio = big_cost.as_secs_f64() / small_cost.as_secs_f64().max(1e-6);
    assert!(
        ratio < 40.0,
        "superlinear: {} bytes took {small_cost:?}, 4x ({} bytes) took {big_cost:?} (ratio {ratio:.1})",
        text.len(),
        big.len()
    );
});
