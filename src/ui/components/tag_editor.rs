//! Tags as removable chips, added by Enter or the plus button, with suggestions.

use leptos::ev;
use leptos::prelude::*;

use super::FieldErrorText;

/// Adds and removes tags. Blank and duplicate tags are the caller's to ignore, so the rule
/// lives in the model.
#[component]
pub fn TagEditor(
    /// Prefix of the controls' ids.
    #[prop(into)]
    id_prefix: String,
    /// The tags so far.
    #[prop(into)]
    tags: Signal<Vec<String>>,
    /// Tags to suggest while typing (recently used ones).
    #[prop(into)]
    suggestions: Signal<Vec<String>>,
    /// Takes a typed tag.
    on_add: Callback<String>,
    /// Removes a tag.
    on_remove: Callback<String>,
    /// Why the tags are refused, when they are.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let input_id = format!("{id_prefix}-tag");
    let list_id = format!("{id_prefix}-tag-suggestions");
    let error_id = format!("{id_prefix}-tags-error");
    // The field is cleared whether or not the model took the tag.
    let add = move || on_add.run(typed.try_update(std::mem::take).unwrap_or_default());
    let on_key = move |event: ev::KeyboardEvent| {
        if event.key() == "Enter" {
            event.prevent_default();
            add();
        }
    };
    view! {
        <label for=input_id.clone()>"Tags"</label>
        <div class="tag-entry">
            <input
                id=input_id
                type="text"
                list=list_id.clone()
                aria-describedby=error_id.clone()
                prop:value=typed
                on:input:target=move |event| typed.set(event.target().value())
                on:keydown=on_key
            />
            <button type="button" class="add-tag" aria-label="Add tag" on:click=move |_| add()>
                "+"
            </button>
        </div>
        <datalist id=list_id>
            {move || {
                suggestions
                    .get()
                    .into_iter()
                    .map(|tag| view! { <option value=tag></option> })
                    .collect_view()
            }}
        </datalist>
        <ul class="tag-list">
            {move || {
                tags.get()
                    .into_iter()
                    .map(|tag| {
                        let removed = tag.clone();
                        view! {
                            <li class="tag">
                                <span>{tag.clone()}</span>
                                <button
                                    type="button"
                                    aria-label=format!("Remove tag {tag}")
                                    on:click=move |_| on_remove.run(removed.clone())
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        <FieldErrorText id=error_id message=error />
    }
}
