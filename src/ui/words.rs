//! Counts as pages word them.

/// A count with its noun: "1 incident", "3 alerts".
pub fn counted(how_many: usize, noun: &str) -> String {
    match how_many {
        1 => format!("1 {noun}"),
        _ => format!("{how_many} {noun}s"),
    }
}
