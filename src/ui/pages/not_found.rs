//! The page for an address Vigil does not know.

use leptos::prelude::*;

use super::page::Page;
use crate::route::Route;

/// Says which address was not found and offers a way back.
#[component]
pub fn NotFoundPage(
    /// The unknown address, shown as text.
    path: String,
) -> impl IntoView {
    view! {
        <Page heading="Page not found">
            <p>"Vigil has no page at " <code>{path}</code> "."</p>
            <p>
                <a href=Route::Overview.href()>"Go to the overview"</a>
            </p>
        </Page>
    }
}
