//! `QUIRE_TIMINGS=1`: each stage's wall time, CPU time and memory on stderr, the first thing to read when a
//! build is slow.

use std::time::{Duration, Instant};

/// Stage times and memory (resident, peak; Linux only) on stderr when `QUIRE_TIMINGS` is set: the first
/// thing to read when a build is slow.
pub struct Timer {
    enabled: bool,
    last: std::cell::Cell<(Instant, Duration)>,
}

impl Timer {
    pub fn start() -> Timer {
        let enabled = std::env::var_os("QUIRE_TIMINGS").is_some();
        // Reading the CPU time is a file read: only when the timings are asked for.
        let cpu = if enabled { process_cpu_time() } else { Duration::ZERO };
        Timer { enabled, last: std::cell::Cell::new((Instant::now(), cpu)) }
    }

    /// Prints the wall time since the last lap, the CPU time all threads spent in it (twice the wall time
    /// when both cores of a 2-core machine were busy), and memory.
    pub fn lap(&self, stage: &str) {
        if self.enabled {
            let (now, cpu) = (Instant::now(), process_cpu_time());
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field =
                |name: &str| status.lines().find(|l| l.starts_with(name)).map_or("", |l| l[name.len()..].trim());
            let (now_rss, peak_rss) = (field("VmRSS:"), field("VmHWM:"));
            let (last, last_cpu) = self.last.get();
            let ms = (now - last).as_secs_f64() * 1000.0;
            let cpu_ms = cpu.saturating_sub(last_cpu).as_secs_f64() * 1000.0;
            eprintln!("timing: {stage}: {ms:.1} ms, cpu {cpu_ms:.0} ms (rss {now_rss}, peak {peak_rss})");
            self.last.set((now, cpu));
        }
    }
}

/// User and system time of every thread of the process so far (Linux; zero elsewhere).
fn process_cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields 14 and 15 (utime, stime) in clock ticks, counted after the command name's closing `)`.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}
