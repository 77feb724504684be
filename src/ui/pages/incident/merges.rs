//! The incidents merged into this one: when, how many alerts came, and why, in the core's words
//! for an automatic merge or with the analyst's reason for one by hand.

use leptos::prelude::*;

use crate::ui::desk::Desk;
use crate::ui::time_text::to_the_minute;

/// The merges into incident `number`, oldest first; nothing when there were none.
#[component]
pub fn Merges(number: u64) -> impl IntoView {
    let desk = Desk::get();
    let merges = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.correlation().merges_into(number).to_vec())
    });
    view! {
        <Show when=move || !merges.read().is_empty()>
            <h2>"Merged into this incident"</h2>
            <ul class="merges">
                {move || merges.get().into_iter().map(|record| view! {
                    <li>
                        <time>{to_the_minute(record.at)}</time>
                        " · "
                        {record.to_string()}
                    </li>
                }).collect_view()}
            </ul>
        </Show>
    }
}
