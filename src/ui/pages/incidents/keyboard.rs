//! The queue from the keyboard: move between rows, open one, tick it, jump to the search, and
//! a help overlay that lists the keys. Keys typed into a field are the field's, not the queue's.

use std::collections::BTreeSet;

use leptos::ev;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, KeyboardEvent};

use crate::route::Route;
use crate::ui::components::ModalDialog;
use crate::ui::desk::Desk;
use crate::ui::focus::focus;

/// What a key does in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueueKey {
    Next,
    Previous,
    Open,
    Select,
    Search,
    Help,
    Dismiss,
}

/// The keys, in the order the help overlay lists them, with what each does.
const KEYS: [(&str, &str); 7] = [
    ("j or ↓", "Next incident"),
    ("k or ↑", "Previous incident"),
    ("Enter or o", "Open the incident"),
    ("x or Space", "Select or unselect it"),
    ("/", "Search"),
    ("?", "Show or hide this help"),
    ("Esc", "Close the help"),
];

impl QueueKey {
    /// The action of a key, by the event's `key`.
    fn of(key: &str) -> Option<QueueKey> {
        Some(match key {
            "j" | "ArrowDown" => QueueKey::Next,
            "k" | "ArrowUp" => QueueKey::Previous,
            "Enter" | "o" => QueueKey::Open,
            "x" | " " => QueueKey::Select,
            "/" => QueueKey::Search,
            "?" => QueueKey::Help,
            "Escape" => QueueKey::Dismiss,
            _ => return None,
        })
    }
}

/// Whether the key went to a field being typed in (or a button that Enter and Space press).
fn typed_into_a_control(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<HtmlElement>().ok())
        .is_some_and(|element| {
            matches!(
                element.tag_name().as_str(),
                "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "A"
            ) || element.is_content_editable()
        })
}

/// Listens for the queue's keys while the queue is on the page. `order` is the queue's rows
/// in its order (positions into the desk's rows), `active` the position of the highlighted row
/// in that order, and `reveal` scrolls a position into view.
pub fn listen_for_queue_keys(
    order: Memo<Vec<usize>>,
    active: RwSignal<Option<usize>>,
    selected: RwSignal<BTreeSet<u64>>,
    help: RwSignal<bool>,
    reveal: impl Fn(usize) + 'static,
) {
    let desk = Desk::get();
    let number_at = move |position: usize| {
        let index = order.with_untracked(|order| order.get(position).copied())?;
        desk.rows()
            .with_untracked(|rows| rows.get(index).map(|row| row.number))
    };
    let handle = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let Some(key) = QueueKey::of(&event.key()) else {
            return;
        };
        if key != QueueKey::Dismiss && typed_into_a_control(&event) {
            return;
        }
        let count = order.with_untracked(Vec::len);
        let current = active.get_untracked();
        match key {
            QueueKey::Next | QueueKey::Previous if count > 0 => {
                let position = match (key, current) {
                    (QueueKey::Next, Some(at)) => (at + 1).min(count - 1),
                    (QueueKey::Previous, Some(at)) => at.saturating_sub(1),
                    _ => 0,
                };
                active.set(Some(position));
                reveal(position);
            }
            QueueKey::Open => match current.and_then(number_at) {
                Some(number) => {
                    let _ = window()
                        .location()
                        .set_hash(&Route::Incident(number).href());
                }
                None => return,
            },
            QueueKey::Select => match current.and_then(number_at) {
                Some(number) => selected.update(|selected| {
                    if !selected.remove(&number) {
                        selected.insert(number);
                    }
                }),
                None => return,
            },
            QueueKey::Search => focus("queue-search"),
            QueueKey::Help => help.update(|shown| *shown = !*shown),
            QueueKey::Dismiss if help.get_untracked() => help.set(false),
            _ => return,
        }
        event.prevent_default();
    });
    on_cleanup(move || handle.remove());
}

/// The overlay listing the queue's keys.
#[component]
pub fn KeyboardHelp(
    /// Whether it shows; its Close button hides it.
    shown: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <Show when=move || shown.get()>
            <ModalDialog labelled_by="keys-heading" class="keyboard-help" on_cancel=Callback::new(move |()| shown.set(false))>
                <h2 id="keys-heading">"Keyboard"</h2>
                <dl>
                    {KEYS.iter().map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                </dl>
                <button type="button" on:click=move |_| shown.set(false)>"Close"</button>
            </ModalDialog>
        </Show>
    }
}
