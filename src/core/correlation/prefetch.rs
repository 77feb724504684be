//! Asking the processor to start loading memory that will be read soon. Filing an alert reads
//! places in memory its own data points to (the tail of each of its keys' posting lists), which
//! nothing nearby has read; the next alerts are known in advance, so their loads can be
//! started a few alerts early and overlap. A hint only: it never reads the value, cannot fault,
//! and changes no result. Where the target has no such instruction (Wasm), it does nothing.

/// Starts loading the cache line that holds `value`.
#[inline]
#[allow(unsafe_code)]
pub(super) fn prefetch<T: ?Sized>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` is part of SSE, which every x86_64 processor has; it reads nothing
    // the program can see and does not fault, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
