//! glibc's allocator, tuned for a server whose database work runs on threads
//! that come and go (the blocking pool grows under load and shrinks when idle).

/// Caps glibc's malloc arenas at one per CPU. By default glibc allows eight per
/// CPU and gives a new thread a new arena while it can: each blocking-pool
/// thread started under load then kept a few megabytes of its own, and the
/// soak's resident memory crept up step by step long after warm-up. Call before
/// any thread is started.
#[allow(unsafe_code)] // glibc's tunables have no safe interface.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cpus.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a tunable of the allocator; no thread has
        // been started yet to be allocating meanwhile.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Hands back to the system what start-up freed (building the OpenAPI document,
/// loading the demo plans): glibc keeps it in the heap otherwise, some 14 MB.
#[allow(unsafe_code)] // as above
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
