//! The top bar's save status: says "Saving…" while a change is not yet durable, so the analyst
//! knows when closing the tab would lose it (the leave prompt asks then too).

use leptos::prelude::*;

use super::desk::Desk;

/// "Saving…" while any change is being written, and nothing otherwise: a failed save is told
/// by its banner, so this never claims that everything was saved. Its width is kept, so the
/// bar does not move as it comes and goes.
#[component]
pub fn SaveStatus() -> impl IntoView {
    let saving = Desk::get().saving_status();
    view! {
        <p class="save-status" role="status">
            {move || if saving.get() { "Saving…" } else { "" }}
        </p>
    }
}
