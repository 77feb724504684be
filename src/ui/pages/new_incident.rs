//! The creation form, for events no detector saw: Sentinel's creation panel, field for field.
//! What is typed is kept as a draft (a reload loses nothing); errors show beside their fields
//! all at once and focus moves to the first; leaving with unsaved input asks first.

use leptos::ev;
use leptos::prelude::*;

use super::page::Page;
use crate::core::draft::IncidentDraft;
use crate::core::people::Owner;
use crate::core::validation::{self, Field, ValidationErrors, limits};
use crate::core::vocabulary::{IncidentStatus, Severity};
use crate::route::Route;
use crate::ui::components::{
    AnalystFields, ClosingFields, EnumSelect, FieldErrorText, OwnerSuggestions, TagEditor,
    error_for,
};
use crate::ui::desk::Desk;
use crate::ui::focus::focus;
use crate::ui::leave_guard::LeaveGuard;

/// The first problem `check` finds, worded for the analyst: a field's limit shown as it is
/// reached rather than on Create.
fn first_problem(check: impl FnOnce(&mut ValidationErrors)) -> Option<String> {
    let mut found = ValidationErrors::default();
    check(&mut found);
    found.all().first().map(ToString::to_string)
}

/// The control each field's errors send focus to.
fn control_id(field: Field) -> &'static str {
    match field {
        Field::Title => "incident-title",
        Field::Description => "incident-description",
        Field::Status => "incident-status",
        Field::Classification => "new-classification",
        Field::ClosingComment => "new-closing-comment",
        Field::Owner => "incident-owner",
        Field::Tags => "new-tag",
        Field::Comment | Field::ActivityTimes => "incident-title",
        Field::AnalystName => "analyst-name",
        Field::AnalystEmail => "analyst-email",
    }
}

/// What the last Create did.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Created {
    number: u64,
    closed: bool,
}

/// Opens an incident by hand.
#[component]
pub fn NewIncidentPage() -> impl IntoView {
    let desk = Desk::get();
    let guard = LeaveGuard::get();
    let draft = RwSignal::new(desk.kept_draft().unwrap_or_default());
    let owner_text = RwSignal::new(
        draft
            .read_untracked()
            .owner
            .as_ref()
            .map(Owner::display_name)
            .unwrap_or_default(),
    );
    // Errors show once Create was tried, and then follow the input as it is fixed.
    let attempted = RwSignal::new(false);
    let errors = Signal::derive(move || {
        if attempted.get() {
            draft
                .with(|draft| draft.validate().err())
                .unwrap_or_default()
        } else {
            ValidationErrors::default()
        }
    });
    let created = RwSignal::new(None::<Created>);

    // Every change is kept, and leaving asks while anything is typed.
    Effect::new(move || {
        let draft = draft.read();
        desk.keep_draft(&draft);
        if draft.is_blank() {
            guard.disarm();
        } else {
            guard.arm(
                "Leave the new incident? What you typed will be discarded.",
                move || desk.discard_draft(),
            );
        }
    });
    on_cleanup(move || guard.disarm());

    let error_of = move |field: Field| error_for(errors, field);
    // The description's limit is shown as it is reached, not only on Create.
    let description_chars = move || draft.with(|draft| draft.description.chars().count());
    let description_error = Signal::derive(move || {
        draft.with(|draft| {
            first_problem(|found| {
                validation::description(&draft.description, found);
            })
        })
    });
    // So are the tags' limits, as each tag is added rather than on Create.
    let tags_error = Signal::derive(move || {
        draft.with(|draft| {
            first_problem(|found| {
                validation::tags(draft.tags.iter().map(String::as_str), found);
            })
        })
    });
    let recent_tags = Memo::new(move |_| desk.recent_tags());
    let type_owner = move |text: String| {
        let owner = desk.owner_from_typed(&text);
        owner_text.set(text);
        draft.update(|draft| draft.owner = owner);
    };

    let create = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let checked = draft.read_untracked().validate();
        match checked {
            Err(refused) => {
                attempted.set(true);
                if let Some(first) = refused.all().first() {
                    focus(control_id(first.field));
                }
            }
            Ok(valid) => {
                let closed = valid.is_closed();
                if let Some(number) = desk.create_incident(valid) {
                    attempted.set(false);
                    created.set(Some(Created { number, closed }));
                    owner_text.set(String::new());
                    draft.set(IncidentDraft::default());
                }
            }
        }
    };

    view! {
        <Page heading="New incident">
            <p class="lead">"Open an incident for something no detector raised."</p>
            {move || created.get().map(confirmation)}
            <form class="incident-form" on:submit=create novalidate>
                <label for="incident-title">"Title"</label>
                <input
                    id="incident-title"
                    type="text"
                    aria-required="true"
                    aria-describedby="incident-title-error"
                    aria-invalid=move || error_of(Field::Title).read().is_some().to_string()
                    prop:value=move || draft.read().title.clone()
                    on:input:target=move |event| {
                        draft.update(|draft| draft.title = event.target().value())
                    }
                />
                <FieldErrorText id="incident-title-error" message=error_of(Field::Title) />

                <label for="incident-description">"Description"</label>
                <textarea
                    id="incident-description"
                    rows="5"
                    aria-describedby="incident-description-count incident-description-error"
                    aria-invalid=move || description_error.read().is_some().to_string()
                    prop:value=move || draft.read().description.clone()
                    on:input:target=move |event| {
                        draft.update(|draft| draft.description = event.target().value())
                    }
                ></textarea>
                <p id="incident-description-count" class="hint">
                    {move || {
                        format!("{} / {}", description_chars(), limits::DESCRIPTION_MAX_CHARS)
                    }}
                </p>
                <FieldErrorText id="incident-description-error" message=description_error />

                <EnumSelect
                    id="incident-severity"
                    label="Severity"
                    options=Severity::ALL
                    value=Signal::derive(move || draft.read().severity)
                    on_change=Callback::new(move |severity| draft.update(|draft| draft.severity = severity))
                />
                <EnumSelect
                    id="incident-status"
                    label="Status"
                    options=IncidentStatus::ALL
                    value=Signal::derive(move || draft.read().status)
                    on_change=Callback::new(move |status| draft.update(|draft| draft.status = status))
                />
                <Show when=move || draft.read().status == IncidentStatus::Closed>
                    <ClosingOnCreate draft errors />
                </Show>

                <OwnerField owner_text type_owner=Callback::new(type_owner) error=error_of(Field::Owner) />

                <TagEditor
                    id_prefix="new"
                    tags=Signal::derive(move || draft.read().tags.clone())
                    suggestions=recent_tags
                    on_add=Callback::new(move |typed: String| {
                        draft.update(|draft| {
                            draft.add_tag(&typed);
                        })
                    })
                    on_remove=Callback::new(move |tag: String| {
                        draft.update(|draft| draft.remove_tag(&tag))
                    })
                    error=tags_error
                />

                <div class="actions">
                    <button type="submit">"Create"</button>
                </div>
            </form>
        </Page>
    }
}

/// The classification and comment a Closed incident is created with, kept in the draft.
#[component]
fn ClosingOnCreate(
    draft: RwSignal<IncidentDraft>,
    errors: Signal<ValidationErrors>,
) -> impl IntoView {
    let error_of = move |field: Field| error_for(errors, field);
    view! {
        <fieldset class="closing">
            <legend>"Closing"</legend>
            <ClosingFields
                id_prefix="new"
                choice=Signal::derive(move || draft.read().closing)
                on_choice=Callback::new(move |choice| draft.update(|draft| draft.closing = choice))
                comment=Signal::derive(move || draft.read().closing_comment.clone())
                on_comment=Callback::new(move |comment| {
                    draft.update(|draft| draft.closing_comment = comment)
                })
                choice_error=error_of(Field::Classification)
                comment_error=error_of(Field::ClosingComment)
            />
        </fieldset>
    }
}

/// The owner: typed with suggestions from the workspace's known owners, or **Assign to me**,
/// which asks the analyst who they are the first time.
#[component]
fn OwnerField(
    owner_text: RwSignal<String>,
    type_owner: Callback<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let desk = Desk::get();
    let asking = RwSignal::new(false);
    let (name, email) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let who_errors = RwSignal::new(ValidationErrors::default());
    let assign_to_me = move |_| {
        let analyst = desk
            .workspace()
            .with_untracked(|workspace| workspace.team().analyst().cloned());
        match analyst {
            Some(analyst) => type_owner.run(analyst.display_name()),
            None => asking.set(true),
        }
    };
    let save_and_assign =
        move |_| match desk.set_analyst(&name.get_untracked(), &email.get_untracked()) {
            Some(Ok(())) => {
                asking.set(false);
                who_errors.set(ValidationErrors::default());
                type_owner.run(name.get_untracked().trim().to_owned());
            }
            Some(Err(refused)) => who_errors.set(refused),
            None => {}
        };
    view! {
        <label for="incident-owner">"Owner"</label>
        <div class="owner-entry">
            <input
                id="incident-owner"
                type="text"
                list="owner-suggestions"
                aria-describedby="incident-owner-error"
                aria-invalid=move || error.read().is_some().to_string()
                prop:value=owner_text
                on:input:target=move |event| type_owner.run(event.target().value())
            />
            <button type="button" on:click=assign_to_me>"Assign to me"</button>
        </div>
        <OwnerSuggestions id="owner-suggestions" />
        <FieldErrorText id="incident-owner-error" message=error />
        <Show when=move || asking.get()>
            <div class="who-are-you" role="group" aria-labelledby="who-are-you">
                <p id="who-are-you">"Who are you? Asked once; this workspace keeps it."</p>
                <AnalystFields name email errors=who_errors />
                <button type="button" on:click=save_and_assign>"Save and assign to me"</button>
            </div>
        </Show>
    }
}

/// What Create did, with a link to the incident; one created Closed is hidden by the queue's
/// default filter, exactly as in Sentinel, and the message says so.
fn confirmation(created: Created) -> impl IntoView {
    let link = Route::Incident(created.number).href();
    view! {
        <div class="banner created" role="status">
            <p>
                {format!("Incident {} created. ", created.number)}
                <a href=link>{format!("Open incident {}", created.number)}</a>
            </p>
            {created.closed.then(|| view! {
                <p>
                    "It was created Closed, so the incident queue's default filter (New and Active) does not show it; choose Closed in the status filter to see it there."
                </p>
            })}
        </div>
    }
}
