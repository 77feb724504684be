//! The incident's entities, grouped by kind: each with how many of its alerts name it and the
//! other incidents that name it too, linked; then those that name nothing unique, as the alerts
//! report them.

use leptos::prelude::*;

use crate::core::correlation::IncidentEntity;
use crate::route::Route;
use crate::ui::desk::Desk;
use crate::ui::words::counted;

/// The entities of incident `number`.
#[component]
pub fn Entities(number: u64) -> impl IntoView {
    let desk = Desk::get();
    let entities = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.correlation().entities_of(number))
    });
    let unidentified = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.correlation().unidentified_entities_of(number))
    });
    let groups = move || {
        let mut groups: Vec<(&'static str, Vec<IncidentEntity>)> = Vec::new();
        for entity in entities.get() {
            match groups.last_mut() {
                Some((kind, members)) if *kind == entity.kind.label() => members.push(entity),
                _ => groups.push((entity.kind.label(), vec![entity])),
            }
        }
        groups
    };
    view! {
        <h2>"Entities"</h2>
        <Show
            when=move || !entities.read().is_empty()
            fallback=|| view! { <p>"No entity with a strong identifier."</p> }
        >
            {move || groups().into_iter().map(|(kind, members)| view! {
                <section class="entity-group" aria-label=kind>
                    <h3>{kind}</h3>
                    <ul>
                        {members.into_iter().map(entity_item).collect_view()}
                    </ul>
                </section>
            }).collect_view()}
        </Show>
        <Show when=move || !unidentified.read().is_empty()>
            <section class="entity-group unidentified" aria-label="Not used to correlate">
                <h3>"Not used to correlate"</h3>
                <p class="hint">
                    "These name nothing unique (a private address without its network, a host known only by its system), so they never group alerts."
                </p>
                <ul>
                    {move || unidentified.get().into_iter().map(|(kind, text)| view! {
                        <li class="entity">
                            <span>{kind.label()}</span>
                            " · "
                            <span class="entity-name">{text}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// One entity: its name, its alert count, and its similar incidents.
fn entity_item(entity: IncidentEntity) -> impl IntoView {
    let alerts = counted(entity.alerts, "alert");
    view! {
        <li class="entity">
            <span class="entity-name">{entity.name}</span>
            " · "
            <span>{alerts}</span>
            {(!entity.similar.is_empty()).then(|| view! {
                " · also in "
                {entity.similar.into_iter().map(|number| view! {
                    <a class="similar" href=Route::Incident(number).href()>{format!("#{number}")}</a>
                    " "
                }).collect_view()}
            })}
        </li>
    }
}
