//! The incident's comments, oldest first, as plain text with their line breaks; the analyst
//! adds comments and edits or deletes their own.

use leptos::prelude::*;
use uuid::Uuid;

use super::Report;
use crate::core::incident::Comment;
use crate::ui::components::ConfirmDialog;
use crate::ui::desk::Desk;
use crate::ui::time_text::to_the_minute;

/// The comments of incident `number`, and the box to add one.
#[component]
pub fn Comments(
    number: u64,
    #[prop(into)] comments: Signal<Vec<Comment>>,
    report: Report,
) -> impl IntoView {
    let desk = Desk::get();
    let typed = RwSignal::new(String::new());
    let add = move |_| {
        let message = typed.get_untracked();
        let added = desk.edit_incident(number, |incident, edit| {
            incident.comment(edit, Uuid::new_v4(), &message)
        });
        if matches!(added, Some(Ok(()))) {
            typed.set(String::new());
        }
        report.run(added);
    };
    view! {
        <h2>"Comments"</h2>
        <ol class="comments">
            {move || {
                comments
                    .get()
                    .into_iter()
                    .map(|comment| view! { <CommentItem number comment report /> })
                    .collect_view()
            }}
        </ol>
        <label for="new-comment">"Comment"</label>
        <textarea
            id="new-comment"
            prop:value=typed
            on:input:target=move |event| typed.set(event.target().value())
        ></textarea>
        <button type="button" on:click=add>"Add comment"</button>
    }
}

/// One comment; its author's own can be edited and deleted.
#[component]
fn CommentItem(number: u64, comment: Comment, report: Report) -> impl IntoView {
    let desk = Desk::get();
    let author = comment.author.clone();
    // Tracked: the analyst may say who they are while the page is open.
    let own = move || author == desk.actor();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(comment.message.clone());
    let id = comment.id;
    let save = move |_| {
        let message = draft.get_untracked();
        let saved = desk.edit_incident(number, |incident, edit| {
            incident.edit_comment(edit, id, &message)
        });
        if matches!(saved, Some(Ok(()))) {
            editing.set(false);
        }
        report.run(saved);
    };
    // A comment cannot be brought back, so deleting one asks first.
    let deleting = RwSignal::new(false);
    let delete = move |()| {
        deleting.set(false);
        report.run(desk.edit_incident(number, |incident, edit| incident.delete_comment(edit, id)));
    };
    let edited = (comment.modified != comment.created)
        .then(|| format!(" (edited {})", to_the_minute(comment.modified)));
    let editor_id = format!("comment-{id}");
    let message = comment.message.clone();
    view! {
        <li class="comment">
            <p class="comment-meta">
                {format!("{} · {}", comment.author.name, to_the_minute(comment.created))}
                {edited}
            </p>
            <Show
                when=move || editing.get()
                fallback=move || view! { <p class="multiline comment-text">{message.clone()}</p> }
            >
                <label for=editor_id.clone()>"Edit comment"</label>
                <textarea
                    id=editor_id.clone()
                    prop:value=draft
                    on:input:target=move |event| draft.set(event.target().value())
                ></textarea>
                <button type="button" on:click=save>"Save comment"</button>
            </Show>
            {move || own().then(|| view! {
                <div class="comment-actions">
                    <button type="button" on:click=move |_| editing.update(|on| *on = !*on)>
                        {move || if editing.get() { "Cancel edit" } else { "Edit" }}
                    </button>
                    <button type="button" on:click=move |_| deleting.set(true)>"Delete"</button>
                </div>
            })}
            <Show when=move || deleting.get()>
                <ConfirmDialog
                    heading="Delete this comment?".to_owned()
                    detail="It goes for good; the activity log keeps its text."
                    action="Delete comment"
                    on_confirm=Callback::new(delete)
                    on_cancel=Callback::new(move |()| deleting.set(false))
                />
            </Show>
        </li>
    }
}
