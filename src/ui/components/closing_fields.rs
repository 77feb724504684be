//! The closing classification: Sentinel's five choices and a comment. The creation form shows
//! these fields when Closed is chosen; the closing dialog of the queue and the incident page
//! holds the same fields.

use leptos::prelude::*;

use super::FieldErrorText;
use crate::core::closing::ClosingChoice;
use crate::core::validation::limits;

/// A classification select and a comment box, with their errors.
#[component]
pub fn ClosingFields(
    /// Prefix of the controls' ids, so two sets on one page stay apart.
    #[prop(into)]
    id_prefix: String,
    /// The choice; `None` until one is made.
    #[prop(into)]
    choice: Signal<Option<ClosingChoice>>,
    /// Hears a new choice.
    on_choice: Callback<Option<ClosingChoice>>,
    /// The closing comment.
    #[prop(into)]
    comment: Signal<String>,
    /// Hears the comment as it is typed.
    on_comment: Callback<String>,
    /// Why the choice is refused (required to close), when it is.
    #[prop(into)]
    choice_error: Signal<Option<String>>,
    /// Why the comment is refused (too long), when it is.
    #[prop(into)]
    comment_error: Signal<Option<String>>,
) -> impl IntoView {
    let select_id = format!("{id_prefix}-classification");
    let comment_id = format!("{id_prefix}-closing-comment");
    let select_error = format!("{select_id}-error");
    let comment_error_id = format!("{comment_id}-error");
    view! {
        <label for=select_id.clone()>"Classification"</label>
        <select
            id=select_id
            aria-describedby=select_error.clone()
            aria-invalid=move || choice_error.read().is_some().to_string()
            prop:value=move || choice.get().map_or("", ClosingChoice::as_str)
            on:change:target=move |event| {
                on_choice.run(ClosingChoice::from_token(&event.target().value()))
            }
        >
            <option value="">"Choose a classification"</option>
            {ClosingChoice::ALL
                .into_iter()
                .map(|option| view! { <option value=option.as_str()>{option.label()}</option> })
                .collect_view()}
        </select>
        <FieldErrorText id=select_error message=choice_error />
        <label for=comment_id.clone()>"Comment"</label>
        <textarea
            id=comment_id
            rows="3"
            aria-describedby=comment_error_id.clone()
            aria-invalid=move || comment_error.read().is_some().to_string()
            prop:value=comment
            on:input:target=move |event| on_comment.run(event.target().value())
        ></textarea>
        <p class="hint">{format!("Optional, at most {} characters.", limits::CLOSING_COMMENT_MAX_CHARS)}</p>
        <FieldErrorText id=comment_error_id message=comment_error />
    }
}
