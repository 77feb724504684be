//! Storage diagnostics: where the open workspace is kept, and every stored record that could not
//! be read, with its key and its text exactly as stored.

use leptos::prelude::*;

use super::page::Page;
use crate::store::records::SCHEMA_VERSION;
use crate::ui::components::ColumnHeads;
use crate::ui::desk::Desk;

/// What an analyst (or whoever supports them) needs to see when storage misbehaves.
#[component]
pub fn DiagnosticsPage() -> impl IntoView {
    let desk = Desk::get();
    let status = desk.status();
    let catalog = desk.catalog();
    view! {
        <Page heading="Storage diagnostics">
            <dl class="facts">
                <dt>"Workspace"</dt>
                <dd>{move || catalog.read().current().to_owned()}</dd>
                <dt>"Kept in"</dt>
                <dd>{move || status.read().backend.as_str()}</dd>
                <dt>"Record schema"</dt>
                <dd>
                    {move || match status.read().read_only {
                        Some(newer) => {
                            format!("{newer}, newer than this Vigil's {SCHEMA_VERSION}: read-only")
                        }
                        None => SCHEMA_VERSION.to_string(),
                    }}
                </dd>
            </dl>
            <h2>"Records set aside"</h2>
            <Show
                when=move || !status.read().set_aside.is_empty()
                fallback=|| view! { <p>"None: every stored record was read."</p> }
            >
                <table class="set-aside">
                    <ColumnHeads labels=&["Store", "Key", "Why", "As stored"] />
                    <tbody>
                        {move || {
                            status
                                .read()
                                .set_aside
                                .iter()
                                .map(|record| {
                                    view! {
                                        <tr>
                                            <td>{record.store.as_str()}</td>
                                            <td>
                                                <code>{record.key.clone()}</code>
                                            </td>
                                            <td>{record.reason.clone()}</td>
                                            <td>
                                                <pre>{record.raw.clone()}</pre>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </Show>
        </Page>
    }
}
