//! A table's heading row: one column heading per label, each scoped to its column so screen
//! readers announce it with every cell.

use leptos::prelude::*;

/// The `<thead>` of a table whose columns are `labels`, in order.
#[component]
pub fn ColumnHeads(
    /// The columns' headings.
    labels: &'static [&'static str],
) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {labels.iter().map(|label| view! { <th scope="col">{*label}</th> }).collect_view()}
            </tr>
        </thead>
    }
}
