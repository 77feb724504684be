//! A labelled select over one of the model's enums (severity, status), its options in the
//! model's order and spelled as the API spells them.

use std::fmt::Display;
use std::str::FromStr;

use leptos::prelude::*;

/// A `<select>` of every value of `T`, with its label.
#[component]
pub fn EnumSelect<T>(
    /// The select's id, which its label names.
    id: &'static str,
    /// The label the analyst reads.
    label: &'static str,
    /// Every value, in the order to list them.
    options: &'static [T],
    /// The value chosen.
    #[prop(into)]
    value: Signal<T>,
    /// Hears a new choice.
    on_change: Callback<T>,
) -> impl IntoView
where
    T: Copy + Display + FromStr + Send + Sync + 'static,
{
    view! {
        <label for=id>{label}</label>
        <select
            id=id
            prop:value=move || value.get().to_string()
            on:change:target=move |event| {
                let select = event.target();
                if let Ok(chosen) = select.value().parse::<T>() {
                    on_change.run(chosen);
                }
                // A choice that was refused leaves the value as it was: show that, never the
                // refused one (an accepted choice is the value by now).
                select.set_value(&value.get_untracked().to_string());
            }
        >
            {options
                .iter()
                .map(|option| {
                    let (value, text) = (option.to_string(), option.to_string());
                    view! { <option value=value>{text}</option> }
                })
                .collect_view()}
        </select>
    }
}
