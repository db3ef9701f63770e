//! Scoped threads: codegen's independent steps run on both cores.

/// Joins a scoped thread, passing a panic on as it was.
pub fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}
