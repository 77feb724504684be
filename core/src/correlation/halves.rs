//! Work split in two for a large ingest: natively, the positions of a long list are mapped in
//! two halves at once, the second on a second thread, and the results come back in the list's
//! order, as mapping it in order gives them. Wasm has one thread and maps in order.

use std::ops::Range;

/// Maps the positions `0..count` in order. From `second_thread_from` positions on, natively,
/// the second half is mapped on a second thread while this one maps the first (or here too,
/// should the thread not start); a panic there is passed on here.
pub(super) fn map_in_halves<R: Send>(
    count: usize,
    second_thread_from: usize,
    map: impl Fn(usize) -> R + Sync,
) -> Vec<R> {
    let map_range = |range: Range<usize>| range.map(&map);
    #[cfg(not(target_arch = "wasm32"))]
    if count >= second_thread_from.max(2) {
        let middle = count / 2;
        return std::thread::scope(|scope| {
            let second_half = std::thread::Builder::new()
                .name("vigil second half".to_owned())
                .spawn_scoped(scope, || map_range(middle..count).collect::<Vec<R>>());
            let mut mapped: Vec<R> = map_range(0..middle).collect();
            match second_half {
                Ok(second_half) => mapped.extend(
                    second_half
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                ),
                Err(_) => mapped.extend(map_range(middle..count)),
            }
            mapped
        });
    }
    #[cfg(target_arch = "wasm32")]
    let _ = second_thread_from;
    map_range(0..count).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_halves;

    #[test]
    fn the_halves_come_back_in_the_lists_order() {
        let squares: Vec<usize> = (0..1001).map(|position| position * position).collect();
        for second_thread_from in [0, 1000, 1002] {
            let mapped = map_in_halves(1001, second_thread_from, |position| position * position);
            assert_eq!(mapped, squares, "from {second_thread_from}");
        }
        assert_eq!(map_in_halves(1, 0, |position| position + 7), [7]);
        assert!(map_in_halves(0, 0, |position| position).is_empty());
    }
}
