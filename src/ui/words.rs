//! Counts as pages word them.

/// A count with its noun: "1 incident", "3 alerts".
pub fn counted(how_many: usize, noun: &str) -> String {
    match how_many {
        1 => format!("1 {noun}"),
        _ => format!("{how_many} {noun}s"),
    }
}

/// Numbered things named with their numbers: "incident 56", "incidents 56 and 57",
/// "incidents 56, 57 and 58".
pub fn numbered(numbers: &[u64], noun: &str) -> String {
    let texts: Vec<String> = numbers.iter().map(u64::to_string).collect();
    match texts.as_slice() {
        [] => format!("no {noun}s"),
        [one] => format!("{noun} {one}"),
        [rest @ .., last] => format!("{noun}s {} and {last}", rest.join(", ")),
    }
}
