//! Asking the processor to start loading memory that will be read soon. Checking a record reads
//! the text of its id, keying an alert the table entry of each entity seen before, and filing it
//! the tail of each of its keys' posting lists: places its own data points to, which nothing
//! nearby has read. The next ones are known in advance, so their loads can be started a few
//! records early and overlap. A hint only: it never reads the value, cannot fault, and changes
//! no result. Where the target has no such instruction (Wasm), it does nothing.

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
