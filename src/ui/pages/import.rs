//! The Import page: a file from the picker or dropped on the page is read and checked before
//! anything is written; the report says what it holds, **Apply** writes it in one transaction,
//! **Cancel** writes nothing.

use gloo_timers::future::TimeoutFuture;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen_futures::JsFuture;

use super::page::Page;
use crate::core::workspace::{Adoption, Workspace};
use crate::importers::{Format, ImportPlan, PlanContents, Planner};
use crate::route::Route;
use crate::ui::components::ColumnHeads;
use crate::ui::desk::{Desk, IngestTotals, now};
use crate::ui::words::{counted, numbered};

/// Refused records listed in the report: a file of nothing but bad lines must not make the
/// page build hundreds of thousands of rows at once.
const PROBLEMS_SHOWN: usize = 1_000;
/// Bytes of a file read between two looks at the page: a few milliseconds of copying.
const READ_SLICE_BYTES: usize = 1 << 20;
/// Incidents named by number in a sentence of the report; more are counted.
const NUMBERS_NAMED: usize = 10;

/// Where an import stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// No file yet.
    Waiting,
    /// Reading and checking a file: bytes read of its length.
    Reading {
        file: String,
        done: usize,
        total: usize,
    },
    /// Taking the alerts in: how many of how many.
    Applying { done: usize, total: usize },
    /// Read: the report, waiting for Apply or Cancel; for an incident file, what it would do
    /// to the open workspace's incidents.
    Planned {
        file: String,
        plan: ImportPlan,
        adoption: Option<Adoption>,
    },
    /// The file cannot be imported, and why.
    Refused { file: String, reason: String },
    /// Applied: what was taken in.
    Applied(String),
}

/// Imports Sentinel, Log Analytics, Graph and CEF files.
#[component]
pub fn ImportPage() -> impl IntoView {
    let desk = Desk::get();
    let stage = RwSignal::new(Stage::Waiting);
    let cancelled = StoredValue::new(false);
    let read = move |file: web_sys::File| {
        let name = file.name();
        cancelled.set_value(false);
        stage.set(Stage::Reading {
            file: name.clone(),
            done: 0,
            total: file.size() as usize,
        });
        spawn_local(async move {
            let progress = |done, total| {
                stage.set(Stage::Reading {
                    file: name.clone(),
                    done,
                    total,
                })
            };
            let bytes = match read_in_slices(&file, &progress, || cancelled.get_value()).await {
                Some(Ok(bytes)) => bytes,
                Some(Err(())) => {
                    stage.set(Stage::Refused {
                        file: name,
                        reason: "the browser could not read the file".to_owned(),
                    });
                    return;
                }
                None => return,
            };
            let planned = plan_in_slices(&bytes, desk, progress, || cancelled.get_value()).await;
            stage.set(match planned {
                Some(Ok((plan, adoption))) => Stage::Planned {
                    file: name,
                    plan,
                    adoption,
                },
                Some(Err(reason)) => Stage::Refused { file: name, reason },
                None => Stage::Waiting,
            });
        });
    };
    let picked = move |event: ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            read(file);
        }
        // The same file may be picked again after a Cancel.
        input.set_value("");
    };
    let dropped = move |event: ev::DragEvent| {
        event.prevent_default();
        if let Some(file) = event
            .data_transfer()
            .and_then(|transfer| transfer.files())
            .and_then(|files| files.get(0))
        {
            read(file);
        }
    };
    let apply = Callback::new(move |()| {
        // Taken out of the stage rather than copied: a plan can hold 200,000 alerts.
        let taken = stage.try_update(|current| match std::mem::replace(current, Stage::Waiting) {
            Stage::Planned { file, plan, .. } => Some((file, plan)),
            other => {
                *current = other;
                None
            }
        });
        let Some((file, plan)) = taken.flatten() else {
            return;
        };
        cancelled.set_value(false);
        spawn_local(async move {
            let outcome = apply_plan(desk, &file, plan, stage, || cancelled.get_value()).await;
            stage.set(outcome.unwrap_or(Stage::Waiting));
        });
    });
    let cancel = Callback::new(move |()| {
        cancelled.set_value(true);
        stage.set(Stage::Waiting);
    });
    view! {
        <Page heading="Import">
            <p class="lead">
                "Sentinel incidents or alerts (JSON), Log Analytics SecurityAlert rows, Microsoft Graph security alerts or CEF lines. "
                "The format is read from the content; nothing is written until you apply the report."
            </p>
            <div
                class="drop-zone"
                on:dragover=|event: ev::DragEvent| event.prevent_default()
                on:drop=dropped
            >
                <label for="import-file">"Import file"</label>
                <input id="import-file" type="file" on:change=picked />
                <p>"or drop a file here"</p>
            </div>
            <div class="import-report" aria-live="polite">
                {move || stage.with(|stage| report(stage, apply, cancel))}
            </div>
        </Page>
    }
}

/// Reads a file's bytes a slice at a time, so that no task copies more than a few megabytes
/// and Cancel is heard between slices; `None` when cancelled.
async fn read_in_slices(
    file: &web_sys::File,
    progress: impl Fn(usize, usize),
    cancelled: impl Fn() -> bool,
) -> Option<Result<Vec<u8>, ()>> {
    let total = file.size() as usize;
    let mut bytes = Vec::with_capacity(total);
    while bytes.len() < total {
        let end = (bytes.len() + READ_SLICE_BYTES).min(total);
        let read = async {
            let slice = file
                .slice_with_f64_and_f64(bytes.len() as f64, end as f64)
                .map_err(drop)?;
            JsFuture::from(slice.array_buffer()).await.map_err(drop)
        };
        let Ok(buffer) = read.await else {
            return Some(Err(()));
        };
        let slice = js_sys::Uint8Array::new(&buffer);
        let from = bytes.len();
        bytes.resize(from + slice.length() as usize, 0);
        slice.copy_to(&mut bytes[from..]);
        progress(bytes.len(), total);
        if cancelled() {
            return None;
        }
        if from == bytes.len() {
            // The file shrank while it was read: keep what there is.
            break;
        }
    }
    Some(Ok(bytes))
}

/// Reads and checks a file a step at a time, with the page kept responsive and Cancel heard
/// between steps; for incidents, also what they would do to the open workspace, so that a
/// clash is reported before Apply rather than by it. `None` when cancelled.
async fn plan_in_slices(
    bytes: &[u8],
    desk: Desk,
    progress: impl Fn(usize, usize),
    cancelled: impl Fn() -> bool,
) -> Option<Result<(ImportPlan, Option<Adoption>), String>> {
    let first_free = desk.workspace().with_untracked(Workspace::next_number);
    let mut planner = match Planner::open(bytes, now(), first_free, &mut Uuid::new_v4) {
        Ok(planner) => planner,
        Err(reason) => return Some(Err(reason)),
    };
    loop {
        match planner.step() {
            Ok(true) => {}
            Ok(false) => return Some(with_adoption(planner.finish(), desk)),
            Err(reason) => return Some(Err(reason)),
        }
        let (done, total) = planner.progress();
        progress(done, total);
        TimeoutFuture::new(0).await;
        if cancelled() {
            return None;
        }
    }
}

/// The plan, with what its incidents would do to the open workspace, or why they cannot be
/// taken in.
fn with_adoption(plan: ImportPlan, desk: Desk) -> Result<(ImportPlan, Option<Adoption>), String> {
    let PlanContents::Incidents(incidents) = &plan.contents else {
        return Ok((plan, None));
    };
    let adoption = desk
        .workspace()
        .with_untracked(|workspace| workspace.plan_adoption(incidents))
        .map_err(|refused| refused.to_string())?;
    Ok((plan, Some(adoption)))
}

/// Writes a planned import of `file` through the desk, showing its progress in `stage`;
/// `None` when the desk refused (its banner says why) or the analyst cancelled.
async fn apply_plan(
    desk: Desk,
    file: &str,
    plan: ImportPlan,
    stage: RwSignal<Stage>,
    cancelled: impl Fn() -> bool,
) -> Option<Stage> {
    match plan.contents {
        PlanContents::Workspace(workspace) => {
            let name = desk.catalog().read_untracked().free_name_from(file);
            Some(match desk.import_workspace(&name, *workspace) {
                Ok(()) => {
                    Stage::Applied(format!("Imported as the workspace \"{name}\", now open."))
                }
                Err(refused) => Stage::Refused {
                    file: file.to_owned(),
                    reason: refused.to_string(),
                },
            })
        }
        PlanContents::Alerts { valid, .. } => {
            let total = valid.len();
            let progress = |done| stage.set(Stage::Applying { done, total });
            let totals = desk.ingest_in_slices(valid, progress, cancelled).await?;
            Some(Stage::Applied(alerts_applied(total, totals)))
        }
        PlanContents::Incidents(incidents) => Some(match desk.adopt(incidents)? {
            Ok(adoption) => {
                let written = adoption.written().count();
                let mut summary = match written {
                    0 => "Nothing changed.".to_owned(),
                    _ => format!("{} imported.", counted(written, "incident")),
                };
                for note in adoption_notes(&adoption) {
                    summary.push(' ');
                    summary.push_str(&note);
                }
                Stage::Applied(summary)
            }
            Err(refused) => Stage::Refused {
                file: file.to_owned(),
                reason: refused.to_string(),
            },
        }),
    }
}

/// What the page says once `total` alerts are taken in: what they opened and changed, and
/// how many were already stored as the file has them (all of them: nothing changed).
fn alerts_applied(total: usize, totals: IngestTotals) -> String {
    let (were, them) = if total == 1 {
        ("the alert was", "it")
    } else {
        ("all the alerts were", "them")
    };
    if total > 0 && totals.unchanged == total {
        return format!(
            "Nothing changed: {were} already in this workspace as the file has {them}."
        );
    }
    let already = match totals.unchanged {
        0 => String::new(),
        1 => " 1 of them was already here as the file has it.".to_owned(),
        unchanged => format!(" {unchanged} of them were already here as the file has them."),
    };
    // Where they went: incidents this import opened, and earlier ones it changed.
    let existing = totals.touched.saturating_sub(totals.opened);
    let went: Vec<String> = [
        (totals.opened, "new incident"),
        (existing, "existing incident"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, noun)| counted(count, noun))
    .collect();
    let into = match went.is_empty() {
        true => String::new(),
        false => format!(" into {}", went.join(" and ")),
    };
    format!("{} imported{into}.{already}", counted(total, "alert"))
}

/// What the report says an incident file would write: "3 incidents ready to import: 2 new,
/// 1 replacing its earlier import."
fn adoption_ready(adoption: &Adoption) -> String {
    let written = adoption.written().count();
    if written == 0 {
        return "Nothing to import.".to_owned();
    }
    let (added, replaced) = (adoption.added.len(), adoption.replaced.len());
    let ready = format!("{} ready to import", counted(written, "incident"));
    match (added, replaced) {
        (_, 0) => format!("{ready}."),
        (0, 1) => format!("{ready}: it replaces its earlier import."),
        (0, _) => format!("{ready}: each replaces its earlier import."),
        _ => format!(
            "{ready}: {added} new, {replaced} replacing {} earlier import.",
            if replaced == 1 { "its" } else { "their" }
        ),
    }
}

/// What an incident file leaves alone, and why, in sentences.
fn adoption_notes(adoption: &Adoption) -> Vec<String> {
    let mut notes = Vec::new();
    let unchanged = adoption.unchanged.len();
    if unchanged > 0 {
        let (verb, pronoun) = if unchanged == 1 {
            ("is", "it")
        } else {
            ("are", "them")
        };
        notes.push(format!(
            "{} {verb} already in this workspace as the file has {pronoun}.",
            counted(unchanged, "incident")
        ));
    }
    let kept = adoption.kept.len();
    if kept > 0 {
        let (changed, stays, loses) = if kept == 1 {
            (
                "has changed here since it was",
                "it is kept as it is",
                "the file's copy would lose its",
            )
        } else {
            (
                "have changed here since they were",
                "they are kept as they are",
                "the file's copies would lose their",
            )
        };
        let which = if kept <= NUMBERS_NAMED {
            numbered(&adoption.kept, "incident")
        } else {
            counted(kept, "incident")
        };
        notes.push(format!(
            "{} {changed} imported, so {stays}: {loses} alerts, comments and history.",
            capitalised(&which)
        ));
    }
    notes
}

/// The text with its first letter in upper case, to open a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A progress bar with its counts in words, and the button that stops the work.
fn progress_view(label: String, done: usize, total: usize, cancel: Callback<()>) -> AnyView {
    view! {
        <label for="import-progress">{label}</label>
        <progress id="import-progress" max=total.max(1) value=done></progress>
        <div class="actions">
            <button type="button" on:click=move |_| cancel.run(())>"Cancel"</button>
        </div>
    }
    .into_any()
}

/// What the page shows for a stage, read in place (a planned stage holds every alert of the
/// file); `apply` writes a planned import, `cancel` stops or drops it.
fn report(stage: &Stage, apply: Callback<()>, cancel: Callback<()>) -> AnyView {
    match stage {
        Stage::Waiting => ().into_any(),
        Stage::Reading { file, done, total } => progress_view(
            format!("Reading {file}: {} of {} KB", done / 1024, total / 1024),
            *done,
            *total,
            cancel,
        ),
        Stage::Applying { done, total } => progress_view(
            format!("Taking in the alerts: {done} of {total}"),
            *done,
            *total,
            cancel,
        ),
        Stage::Refused { file, reason } => view! {
            <p class="field-error" role="alert">{format!("{file} cannot be imported: {reason}.")}</p>
        }
        .into_any(),
        Stage::Applied(summary) => view! {
            <p role="status">{summary.clone()}</p>
            <p>
                <a href=Route::Incidents.href()>"Go to the incidents"</a>
            </p>
        }
        .into_any(),
        Stage::Planned { file, plan, adoption } => {
            let notes = adoption.as_ref().map(adoption_notes).unwrap_or_default();
            let writes = adoption.as_ref().is_none_or(|adoption| adoption.written().next().is_some());
            let (ready, all_problems) = match &plan.contents {
                PlanContents::Alerts { valid, problems } => {
                    (format!("{} ready to import.", counted(valid.len(), "alert")), problems.as_slice())
                }
                PlanContents::Incidents(_) => (
                    adoption.as_ref().map(adoption_ready).unwrap_or_default(),
                    &[][..],
                ),
                PlanContents::Workspace(workspace) => (
                    format!(
                        "A whole workspace of {} and {}, to import as a new workspace.",
                        counted(workspace.incidents().count(), "incident"),
                        counted(workspace.correlation().alerts().count(), "alert")
                    ),
                    &[][..],
                ),
            };
            let refused = all_problems.len();
            // A CEF file is numbered by line, a JSON list by its records' positions.
            let (unit, heads): (&str, &'static [&'static str]) = match plan.format {
                Format::Cef => ("line", &["Line", "Why"]),
                _ => ("record", &["Record", "Why"]),
            };
            let problems: Vec<_> = all_problems.iter().take(PROBLEMS_SHOWN).cloned().collect();
            let (file, format, replaced) =
                (file.clone(), plan.format.as_str(), plan.replaced_characters);
            view! {
                <h2>"Report"</h2>
                <p>{format!("{file}: {format}")}</p>
                {replaced
                    .then(|| {
                        view! {
                            <p class="banner warning">
                                "Some bytes of the file are not UTF-8; they were replaced with \u{FFFD}. Check names and texts after importing."
                            </p>
                        }
                    })}
                <p class="ready">{ready}</p>
                {notes.into_iter().map(|note| view! { <p class="left-alone">{note}</p> }).collect_view()}
                {(refused > 0).then(|| view! {
                    <p class="refused">{format!("{} cannot be imported:", counted(refused, unit))}</p>
                    <table class="set-aside">
                        <ColumnHeads labels=heads />
                        <tbody>
                            {problems
                                .into_iter()
                                .map(|problem| {
                                    view! {
                                        <tr>
                                            <td>{problem.record}</td>
                                            <td>{problem.reason}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    {(refused > PROBLEMS_SHOWN).then(|| view! {
                        <p class="refused">
                            {format!("…and {} more, not listed.", refused - PROBLEMS_SHOWN)}
                        </p>
                    })}
                })}
                <div class="actions">
                    {writes.then(|| view! {
                        <button type="button" on:click=move |_| apply.run(())>"Apply"</button>
                    })}
                    <button type="button" on:click=move |_| cancel.run(())>
                        {if writes { "Cancel" } else { "Close" }}
                    </button>
                </div>
            }
            .into_any()
        }
    }
}
