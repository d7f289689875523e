//! How the stages share two cores: the chunk size of parallel loops, and freeing large values off the
//! critical path.

/// The most files one thread works through before the other may take a share of them. Rayon splits a list in
/// halves only as deep as it guesses it needs: at 10k pages one thread was left to render the last ~500 pages
/// alone (40 ms of a 0.55 s build with the other core idle). Small chunks cost nothing next to a page's render.
pub(crate) const PARALLEL_CHUNK: usize = 16;

/// Frees a large part of the model on another thread: the caller's answer does not wait for 10,000 pages'
/// worth of small allocations to be freed, and a process that exits right after never pays for it.
///
/// The thread runs only when a core would otherwise be idle (Linux's `SCHED_IDLE`): freeing the views while the
/// last files were written took 20 ms of CPU from a 0.53 s build on two cores.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the closure (and the value) is dropped here instead.
    let _ = std::thread::Builder::new().name("quire-drop".into()).spawn(move || {
        run_only_when_idle();
        drop(value)
    });
}

/// Lowers the calling thread to the idle scheduling class; failure leaves it as it was.
fn run_only_when_idle() {
    #[cfg(target_os = "linux")]
    // SAFETY: `sched_setscheduler(0, ..)` changes only the calling thread's class; the parameter outlives the call.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        libc::sched_setscheduler(0, libc::SCHED_IDLE, &param);
    }
}
