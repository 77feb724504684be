//! The desk: the open workspace and its storage, in the one place every page reads from. Pages
//! read the desk's signals and call its actions; only the desk talks to the store, and it keeps
//! what is on screen equal to what is stored, or says why not.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use gloo_timers::future::TimeoutFuture;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use uuid::Uuid;

use crate::core::alert::RawAlert;
use crate::core::closing::Closing;
use crate::core::correlation::{Deleted, IngestContext, IngestReport, MoveTarget, Outcome};
use crate::core::draft::{IncidentDraft, ValidDraft};
use crate::core::incident::{Edit, EditError, Incident};
use crate::core::overview::OverviewTable;
use crate::core::people::{Actor, Owner};
use crate::core::queue_index::QueueIndex;
use crate::core::queue_row::QueueRow;
use crate::core::validation::ValidationErrors;
use crate::core::workspace::{AdoptError, Adoption, Workspace};
use crate::demo::demo_workspace;
use crate::store::catalog::{Catalog, DEMO_WORKSPACE, NameError};
use crate::store::idb::{LetGo, StoreError, StoreNotice};
use crate::store::snapshot::{
    Change, SetAside, Write, incident_records_for, queue_chunks_of, records_for, records_of,
};
use crate::store::tabs::TabChannel;
use crate::store::workspace_file::export_workspace;
use crate::store::workspace_store::{
    WorkspaceStore, delete_stored_workspace, forget_draft, load_catalog, load_draft, save_catalog,
    save_draft, stored_catalog,
};

/// How far back tag fields look for tags to suggest.
const RECENT_TAGS_DAYS: i64 = 14;

/// Who the activity log names for an analyst who has not said who they are.
const ANONYMOUS_ANALYST: &str = "Analyst";

/// How long one slice of a large ingest should keep the page busy: well under the 50 ms at
/// which the browser counts a task as long, and what it takes to paint around it.
const SLICE_BUDGET_MS: f64 = 12.0;

/// The size of the next slice, given how long one of `slice` alerts took: scaled towards the
/// budget, never more than doubling at once, at least one alert.
fn next_slice(slice: usize, took_ms: f64) -> usize {
    let scaled = slice as f64 * SLICE_BUDGET_MS / took_ms.max(1.0);
    (scaled as usize).clamp(1, slice * 2)
}

/// Alerts whose records one slice of a large save encodes: a few milliseconds of work.
const ALERTS_PER_ENCODING_SLICE: usize = 200;

/// What a large ingest did, in sum: what the Import page reports once it is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestTotals {
    /// Incidents it opened.
    pub opened: usize,
    /// Incidents it opened or changed.
    pub touched: usize,
    /// Alerts already stored exactly as they came: nothing was done with them.
    pub unchanged: usize,
}

/// Where the open workspace is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The browser's database: the normal case.
    IndexedDb,
    /// localStorage, when IndexedDB cannot be opened: a few megabytes at most.
    LocalStorage,
    /// Neither could be opened: changes last only as long as the tab.
    Memory,
}

impl Backend {
    /// The name the diagnostics view shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::IndexedDb => "IndexedDB",
            Backend::LocalStorage => "localStorage (limited capacity)",
            Backend::Memory => "memory only (not kept)",
        }
    }
}

/// How the open workspace's storage stands: what the banners and the diagnostics view say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageStatus {
    /// The workspace is still being read.
    pub opening: bool,
    /// Opening waits for a tab of an older Vigil to let go of the workspace's database.
    pub blocked: bool,
    /// Why this tab let go of the workspace's database, when it did: nothing more is saved here.
    pub let_go: Option<LetGo>,
    /// Where it is kept.
    pub backend: Backend,
    /// The schema of the newer Vigil that wrote it, when it did: nothing is saved then.
    pub read_only: Option<u32>,
    /// Stored records that could not be read, kept as they were.
    pub set_aside: Vec<SetAside>,
    /// An incident another tab saved first, so this tab's change to it was refused.
    pub conflict: Option<u64>,
    /// The last thing that went wrong, worded for the analyst.
    pub problem: Option<String>,
}

impl Default for StorageStatus {
    fn default() -> Self {
        StorageStatus {
            opening: true,
            blocked: false,
            let_go: None,
            backend: Backend::IndexedDb,
            read_only: None,
            set_aside: Vec::new(),
            conflict: None,
            problem: None,
        }
    }
}

/// One change counted in [`Desk::saving`] from when it is made until its write has finished,
/// however that ends.
struct InFlight(RwSignal<usize>);

impl InFlight {
    fn begin(count: RwSignal<usize>) -> InFlight {
        count.update(|count| *count += 1);
        InFlight(count)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // The desk may be gone (its tab closed a page); then nobody is counting.
        let _ = self.0.try_update(|count| *count = count.saturating_sub(1));
    }
}

impl StorageStatus {
    /// A workspace that cannot be kept (its store would not open or be read): the tab works
    /// in memory and says why.
    fn unstored(error: &StoreError) -> StorageStatus {
        if let StoreError::LetGo(why) = *error {
            // The database is there, for a newer Vigil (or was deleted): its banner says so.
            return StorageStatus {
                opening: false,
                let_go: Some(why),
                ..StorageStatus::default()
            };
        }
        StorageStatus {
            opening: false,
            backend: Backend::Memory,
            problem: Some(error.to_string()),
            ..StorageStatus::default()
        }
    }
}

/// The desk of one tab. `Copy`: every field is a handle into the reactive owner that made it.
#[derive(Clone, Copy)]
pub struct Desk {
    catalog: RwSignal<Catalog>,
    workspace: RwSignal<Workspace>,
    /// The queue's rows: the stored ones first, then always those of `workspace`.
    rows: RwSignal<Vec<QueueRow>>,
    /// The rows worked out for the queue's filters, kept here so that it outlives the page.
    queue_index: Memo<QueueIndex>,
    /// What the overview counts of each incident: made when a workspace is shown, then kept
    /// up to date per changed incident, as the rows are.
    overview_table: RwSignal<OverviewTable>,
    status: RwSignal<StorageStatus>,
    store: StoredValue<Option<Rc<WorkspaceStore>>, LocalStorage>,
    channel: StoredValue<Option<TabChannel>, LocalStorage>,
    /// Counts openings, so a slow open that a switch overtook does not land.
    opening: StoredValue<u64>,
    /// Changes made and not yet durable: leaving the page meanwhile would lose them.
    in_flight: RwSignal<usize>,
    /// Workspaces being deleted, each with where its deletion stands.
    deletions: RwSignal<BTreeMap<String, Deletion>>,
}

/// Where the deletion of a workspace stands, for the pages to show and to keep it from being
/// opened meanwhile (an open would wait for the deletion, then find the workspace empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// Under way.
    Going,
    /// Waiting for a tab of an older Vigil, which holds the workspace open and does not let
    /// go; it goes on by itself once that tab closes or reloads.
    Waiting,
}

/// Now, by the browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

impl Desk {
    /// Makes the desk for the current reactive owner, shares it with every component below,
    /// and opens the workspace the catalog says was open last.
    pub fn provide() -> Desk {
        let rows = RwSignal::new(Vec::new());
        let desk = Desk {
            catalog: RwSignal::new(load_catalog()),
            workspace: RwSignal::new(Workspace::default()),
            rows,
            queue_index: Memo::new(move |_| rows.with(|rows| QueueIndex::of(rows))),
            overview_table: RwSignal::new(OverviewTable::default()),
            status: RwSignal::new(StorageStatus::default()),
            store: StoredValue::new_local(None),
            channel: StoredValue::new_local(None),
            opening: StoredValue::new(0),
            in_flight: RwSignal::new(0),
            deletions: RwSignal::new(BTreeMap::new()),
        };
        provide_context(desk);
        desk.open_current();
        desk.ask_before_leaving_unsaved();
        desk
    }

    /// Has the browser ask before the page is left (reloaded, closed, navigated away) while a
    /// change is still being saved, which leaving would lose.
    fn ask_before_leaving_unsaved(self) {
        let listener = window_event_listener(ev::beforeunload, move |event| {
            if self.saving() {
                event.prevent_default();
            }
        });
        on_cleanup(move || listener.remove());
    }

    /// Whether a change is still being saved, which leaving the page now would lose.
    pub fn saving(self) -> bool {
        self.in_flight
            .try_get_untracked()
            .is_some_and(|count| count > 0)
    }

    /// [`Desk::saving`], followed: what the top bar's save status shows. It changes only when
    /// saving starts or ends, not at every change counted in or out meanwhile.
    pub fn saving_status(self) -> Memo<bool> {
        let in_flight = self.in_flight;
        Memo::new(move |_| in_flight.get() > 0)
    }

    /// The desk provided by an ancestor.
    pub fn get() -> Desk {
        expect_context::<Desk>()
    }

    /// The workspaces of this browser profile and the open one.
    pub fn catalog(self) -> ReadSignal<Catalog> {
        self.catalog.read_only()
    }

    /// The workspaces being deleted by this tab, and where each deletion stands.
    pub fn deletions(self) -> ReadSignal<BTreeMap<String, Deletion>> {
        self.deletions.read_only()
    }

    /// The open workspace.
    pub fn workspace(self) -> ReadSignal<Workspace> {
        self.workspace.read_only()
    }

    /// The queue's rows, by number. A large workspace shows them as soon as the stored queue
    /// is read, before the rest (`status().opening`) has loaded.
    pub fn rows(self) -> ReadSignal<Vec<QueueRow>> {
        self.rows.read_only()
    }

    /// Who this desk signs changes as: the analyst, or a placeholder until they say who they
    /// are (reading it in a reactive scope tracks the workspace).
    pub fn actor(self) -> Actor {
        self.workspace
            .with(|workspace| workspace.team().actor(ANONYMOUS_ANALYST))
    }

    /// The owner an owner field's text names: one of the workspace's known owners by name or
    /// e-mail, or a new one; `None` for an empty field.
    pub fn owner_from_typed(self, typed: &str) -> Option<Owner> {
        self.workspace
            .with_untracked(|workspace| Owner::from_typed(typed, &workspace.known_owners()))
    }

    /// The tags used in the workspace over the last two weeks, most used first: what tag
    /// fields suggest. Tracked.
    pub fn recent_tags(self) -> Vec<String> {
        let since = now() - chrono::Duration::days(RECENT_TAGS_DAYS);
        self.workspace
            .with(|workspace| workspace.recent_tags(since))
    }

    /// The queue's rows worked out for sorting and searching, once per change of the rows
    /// rather than once per visit to the queue.
    pub fn queue_index(self) -> Memo<QueueIndex> {
        self.queue_index
    }

    /// What the overview counts of each incident, kept up to date per changed incident rather
    /// than worked out again for each period or visit.
    pub fn overview_table(self) -> ReadSignal<OverviewTable> {
        self.overview_table.read_only()
    }

    /// How its storage stands.
    pub fn status(self) -> ReadSignal<StorageStatus> {
        self.status.read_only()
    }

    /// Opens another workspace of the catalog.
    pub fn switch_to(self, name: &str) {
        let being_deleted = self
            .deletions
            .with_untracked(|deletions| deletions.contains_key(name));
        if being_deleted || self.catalog.read_untracked().current() == name {
            return;
        }
        if self.change_catalog(|catalog| catalog.switch_to(name)) == Some(true) {
            self.remember_catalog();
            self.open_current();
        }
    }

    /// Adds an empty workspace and opens it.
    pub fn create_workspace(self, raw_name: &str) -> Result<(), NameError> {
        self.change_catalog(|catalog| catalog.add(raw_name))
            .expect("the desk outlives its pages")?;
        self.remember_catalog();
        self.open_current();
        Ok(())
    }

    /// Deletes a workspace other than the open one, with everything stored of it (the open
    /// one, or a name the catalog does not list, is left alone). It leaves the catalog only
    /// once its storage is gone, so a failure (the error, for the page to show) leaves it
    /// listed and nothing stored out of sight. Meanwhile [`Desk::deletions`] says where it
    /// stands, and the workspace cannot be opened.
    pub async fn delete_workspace(self, name: &str) -> Result<(), StoreError> {
        let deletable = self
            .catalog
            .with_untracked(|catalog| catalog.removable(name))
            && !self
                .deletions
                .with_untracked(|deletions| deletions.contains_key(name));
        if !deletable {
            return Ok(());
        }
        let in_flight = Rc::new(Cell::new(Some(InFlight::begin(self.in_flight))));
        self.deletions.update(|deletions| {
            deletions.insert(name.to_owned(), Deletion::Going);
        });
        let waiting = name.to_owned();
        let held = Rc::clone(&in_flight);
        let on_blocked = move || {
            // Waiting on another tab, perhaps for good, is not a change this tab could lose.
            held.take();
            let _ = self.deletions.try_update(|deletions| {
                deletions.insert(waiting.clone(), Deletion::Waiting);
            });
        };
        let deleted = delete_stored_workspace(name, on_blocked).await;
        in_flight.take();
        // The desk may be gone by the time another tab lets go (the app was unmounted).
        let _ = self
            .deletions
            .try_update(|deletions| deletions.remove(name));
        deleted?;
        if self.change_catalog(|catalog| catalog.remove(name)) == Some(true) {
            self.remember_catalog();
        }
        Ok(())
    }

    /// Makes a new workspace holding `workspace` (an imported workspace file), saves it whole
    /// and opens it; the open workspace is untouched. The name is refused as
    /// [`Desk::create_workspace`] refuses it.
    pub fn import_workspace(self, raw_name: &str, workspace: Workspace) -> Result<(), NameError> {
        let name = self.catalog.read_untracked().check_name(raw_name)?;
        let in_flight = InFlight::begin(self.in_flight);
        spawn_local(async move {
            // A workspace of a new name: no other tab holds its database, and this store is
            // dropped once it is written, so there is nothing to hear of other tabs.
            let saved = match WorkspaceStore::open(&name, |_| {}).await {
                Ok(store) => store.replace(records_of(&workspace)).await,
                Err(error) => Err(error),
            };
            drop(in_flight);
            match saved {
                Ok(()) => {
                    // Checked above; a workspace of that name made meanwhile keeps its own.
                    if self
                        .change_catalog(|catalog| catalog.add(&name))
                        .is_some_and(|added| added.is_ok())
                    {
                        self.remember_catalog();
                        self.open_current();
                    }
                }
                Err(error) => self.report(error),
            }
        });
        Ok(())
    }

    /// The open workspace as one JSON file (Sentinel's incident list plus Vigil's sections).
    pub fn export(self) -> String {
        self.workspace.with_untracked(export_workspace)
    }

    /// Applies an edit to the open workspace and saves the incidents it touches (`numbers`,
    /// as they were before the edit) in one transaction. When the save fails, what is shown
    /// goes back to what is stored and the banner says why; when another tab saved one of
    /// them first, the banner offers its version instead. Refused, with a banner, when the
    /// workspace is read-only or still opening.
    pub fn apply<R>(
        self,
        numbers: impl IntoIterator<Item = u64>,
        edit: impl FnOnce(&mut Workspace) -> R,
    ) -> Option<R> {
        let Ok(outcome) =
            self.try_apply(numbers, |workspace| Ok::<_, Infallible>(edit(workspace)))?;
        Some(outcome)
    }

    /// As [`Desk::apply`], for an edit the model may refuse: a refused one changed nothing,
    /// so nothing is written.
    pub fn try_apply<T, E>(
        self,
        numbers: impl IntoIterator<Item = u64>,
        edit: impl FnOnce(&mut Workspace) -> Result<T, E>,
    ) -> Option<Result<T, E>> {
        if !self.writable() {
            return None;
        }
        let change = self
            .workspace
            .with_untracked(|workspace| Change::of(workspace, numbers));
        let outcome = self.workspace.try_update(edit)?;
        if outcome.is_ok() {
            self.commit(change);
        }
        Some(outcome)
    }

    /// Creates an incident from a checked draft under the next number, signed by the analyst,
    /// saves it, and forgets the form's kept draft. Returns its number; `None` when the
    /// workspace cannot be written now (the banner says why).
    pub fn create_incident(self, draft: ValidDraft) -> Option<u64> {
        let next = self.workspace.with_untracked(Workspace::next_number);
        let number = self.apply([next], |workspace| {
            let by = workspace.team().actor(ANONYMOUS_ANALYST);
            workspace.create(Uuid::new_v4(), draft, &by, now()).number
        })?;
        forget_draft(self.catalog.read_untracked().current());
        Some(number)
    }

    /// Closes an incident with a verdict, signed by the analyst, and saves it. `None` when the
    /// workspace cannot be written now (the banner says why); the model's refusal otherwise.
    pub fn close_incident(self, number: u64, closing: Closing) -> Option<Result<(), String>> {
        self.edit_incident(number, |incident, edit| incident.close(edit, closing))
    }

    /// Reopens a closed incident as Active; its verdict is cleared, and the log keeps it.
    pub fn reopen_incident(self, number: u64) -> Option<Result<(), String>> {
        self.edit_incident(number, Incident::reopen)
    }

    /// Applies one of an incident's own operations, signed by the analyst, and saves it.
    /// `None` when the workspace cannot be written now (the banner says why); the model's
    /// refusal in words otherwise.
    pub fn edit_incident(
        self,
        number: u64,
        operation: impl FnOnce(&mut Incident, Edit<'_>) -> Result<(), EditError>,
    ) -> Option<Result<(), String>> {
        self.try_apply([number], |workspace| edit_in(workspace, number, operation))
    }

    /// The creation form's draft kept for the open workspace, if any.
    pub fn kept_draft(self) -> Option<IncidentDraft> {
        load_draft(self.catalog.read_untracked().current())
    }

    /// Keeps the creation form's draft for the open workspace, so a reload loses nothing.
    pub fn keep_draft(self, draft: &IncidentDraft) {
        if let Err(error) = save_draft(self.catalog.read_untracked().current(), draft) {
            self.report(error);
        }
    }

    /// Forgets the creation form's draft: the analyst chose to leave it.
    pub fn discard_draft(self) {
        forget_draft(self.catalog.read_untracked().current());
    }

    /// Records who the analyst at this desk is, for "Assign to me" and the activity log, and
    /// saves it with the workspace. `None` when the workspace cannot be written now (the banner
    /// says why); the rule each field broke otherwise.
    pub fn set_analyst(self, name: &str, email: &str) -> Option<Result<(), ValidationErrors>> {
        self.try_apply([], |workspace| {
            workspace.team_mut().set_analyst(name, email).map(|_| ())
        })
    }

    /// Takes a large batch of alerts in slices, letting the browser paint and take input
    /// between them, then saves every incident touched in one transaction, as [`Desk::ingest`]
    /// does. Each slice is sized from how long the last one took, so that it lasts about
    /// [`SLICE_BUDGET_MS`] on any machine. `on_progress` hears how many alerts are in; when
    /// `cancelled` answers true between slices, nothing is saved and the stored workspace is
    /// shown again.
    pub async fn ingest_in_slices(
        self,
        alerts: Vec<RawAlert>,
        on_progress: impl Fn(usize),
        cancelled: impl Fn() -> bool,
    ) -> Option<IngestTotals> {
        if !self.writable() {
            return None;
        }
        let mut slice = 100;
        let next_number = self.workspace.with_untracked(Workspace::next_number);
        self.workspace
            .update_untracked(|workspace| workspace.reserve_alerts(alerts.len()));
        let mut report = IngestReport::default();
        let (mut done, mut unchanged) = (0, 0);
        let mut alerts = alerts.into_iter().peekable();
        while alerts.peek().is_some() {
            let batch: Vec<RawAlert> = alerts.by_ref().take(slice).collect();
            done += batch.len();
            let started = js_sys::Date::now();
            let part = self.workspace.try_update(|workspace| {
                workspace.ingest(
                    batch,
                    &mut IngestContext {
                        now: now(),
                        new_id: &mut Uuid::new_v4,
                    },
                )
            })?;
            slice = next_slice(slice, js_sys::Date::now() - started);
            unchanged += part.count(|outcome| matches!(outcome, Outcome::Unchanged { .. }));
            report.absorb(part);
            // Only totals are returned, so each slice's record outcomes are let go as it is
            // taken in rather than 200,000 of them at once at the end.
            report.records.clear();
            on_progress(done);
            TimeoutFuture::new(0).await;
            if cancelled() {
                self.reload();
                return None;
            }
        }
        let change = Change {
            incidents: report.touched.clone(),
            next_number,
        };
        self.commit_in_slices(change).await;
        Some(IngestTotals {
            opened: report.opened.len(),
            touched: report.touched.len(),
            unchanged,
        })
    }

    /// Takes in imported incidents, all or none, as [`Workspace::adopt`] decides for each, and
    /// saves those it writes in one transaction.
    pub fn adopt(self, incidents: Vec<Incident>) -> Option<Result<Adoption, AdoptError>> {
        if !self.writable() {
            return None;
        }
        let numbers: Vec<u64> = incidents.iter().map(|incident| incident.number).collect();
        let mut change = self
            .workspace
            .with_untracked(|workspace| Change::of(workspace, numbers));
        let adopted = self
            .workspace
            .try_update(|workspace| workspace.adopt(incidents))?;
        if let Ok(adoption) = &adopted {
            // Only what the adoption wrote is saved; unchanged and kept incidents are not.
            let written: BTreeSet<u64> = adoption.written().collect();
            change
                .incidents
                .retain(|number, _| written.contains(number));
            if !written.is_empty() {
                self.commit(change);
            }
        }
        Some(adopted)
    }

    /// Whether changes can be made now; when not, the banner says why.
    fn writable(self) -> bool {
        let (opening, read_only, let_go) = {
            let status = self.status.read_untracked();
            (status.opening, status.read_only, status.let_go)
        };
        if opening {
            self.status.update(|status| {
                status.problem = Some(
                    "The workspace is still opening; make your change again once it has loaded."
                        .to_owned(),
                );
            });
            return false;
        }
        if let Some(schema) = read_only {
            self.report(StoreError::ReadOnly { schema });
            return false;
        }
        if let_go.is_some() {
            // Its banner already says that nothing more is saved, and why.
            return false;
        }
        true
    }

    /// Brings the rows of a change's incidents up to date and saves them, telling the other
    /// tabs once saved.
    fn commit(self, change: Change) {
        let write = self
            .workspace
            .with_untracked(|workspace| records_for(workspace, &change));
        self.save(change, write);
    }

    /// As [`Desk::commit`], encoding the records a slice of incidents at a time with the
    /// browser free between slices: a large import touches thousands of incidents. A slice
    /// holds incidents until they hold [`ALERTS_PER_ENCODING_SLICE`] alerts, since encoding
    /// costs by the alert and one incident can hold hundreds.
    async fn commit_in_slices(self, change: Change) {
        // Counted from now: the change is made, and leaving while it is encoded would lose it.
        let _in_flight = InFlight::begin(self.in_flight);
        let slices = self.workspace.with_untracked(|workspace| {
            let mut slices: Vec<Vec<u64>> = Vec::new();
            let mut alerts_in_last = usize::MAX;
            for &number in change.incidents.keys() {
                if alerts_in_last >= ALERTS_PER_ENCODING_SLICE {
                    slices.push(Vec::new());
                    alerts_in_last = 0;
                }
                slices.last_mut().expect("pushed above").push(number);
                alerts_in_last += workspace
                    .incident(number)
                    .map_or(1, |incident| incident.alert_ids.len().max(1));
            }
            slices
        });
        let mut write: Option<Write> = None;
        for slice in slices {
            let part = Change {
                incidents: slice
                    .iter()
                    .map(|number| (*number, change.incidents[number].clone()))
                    .collect(),
                next_number: change.next_number,
            };
            let records = self
                .workspace
                .with_untracked(|workspace| incident_records_for(workspace, &part));
            match &mut write {
                Some(write) => write.absorb(records),
                None => write = Some(records),
            }
            TimeoutFuture::new(0).await;
        }
        let Some(mut write) = write else {
            return;
        };
        // Each queue chunk once, however many parts touched it, one chunk a task.
        for chunk in queue_chunks_of(&change) {
            self.workspace
                .with_untracked(|workspace| write.add_queue(workspace, [chunk]));
            TimeoutFuture::new(0).await;
        }
        self.save(change, write);
    }

    /// Shows the rows of a change's incidents and saves its records in one transaction.
    fn save(self, change: Change, write: Write) {
        let opening = self.opening.get_value();
        // Counted from now, not from when the task first runs.
        let in_flight = InFlight::begin(self.in_flight);
        spawn_local(async move {
            let saved = self.save_now(change, write, in_flight).await;
            if self.opening.try_get_value() != Some(opening) {
                return;
            }
            match saved {
                Ok(()) => {}
                Err(StoreError::Conflict { incident }) => {
                    self.status
                        .update(|status| status.conflict = Some(incident));
                }
                Err(error) => {
                    self.report(error);
                    self.reload();
                }
            }
        });
    }

    /// Shows the rows of a change's incidents, saves its records in one transaction and, once
    /// saved, tells the other tabs; what the store refused otherwise. Without a store (the
    /// workspace lives in memory) there is nothing to wait for. The change stays counted as in
    /// flight until this returns.
    async fn save_now(
        self,
        change: Change,
        write: Write,
        _in_flight: InFlight,
    ) -> Result<(), StoreError> {
        let touched: Vec<u64> = change.incidents.keys().copied().collect();
        self.workspace.with_untracked(|workspace| {
            self.rows
                .update(|rows| refresh_rows(rows, workspace, &touched));
            self.overview_table
                .update(|table| table.refresh(workspace, &touched));
        });
        let Some(store) = self.store.get_value() else {
            return Ok(());
        };
        store.save(write).await?;
        self.channel.with_value(|channel| {
            if let Some(channel) = channel {
                channel.announce(&touched);
            }
        });
        Ok(())
    }

    /// Merges two to five incidents by hand with the analyst's reason, and saves them all in
    /// one transaction. Returns the survivor; the core's refusal in its words otherwise.
    pub fn merge(self, numbers: &[u64], reason: &str) -> Option<Result<u64, String>> {
        self.try_apply(numbers.iter().copied(), |workspace| {
            let by = workspace.team().actor(ANONYMOUS_ANALYST);
            workspace
                .merge_incidents(numbers, reason, &by, now())
                .map_err(|refused| refused.to_string())
        })
    }

    /// Moves an alert to another incident or a new one, saving both. Returns where it is now.
    pub fn move_alert(self, alert_id: &str, target: MoveTarget) -> Option<Result<u64, String>> {
        let (source, destination) = self.workspace.with_untracked(|workspace| {
            let source = workspace.correlation().incident_of(alert_id);
            let destination = match target {
                MoveTarget::Incident(number) => number,
                MoveTarget::NewIncident { .. } => workspace.next_number(),
            };
            (source, destination)
        });
        self.try_apply(source.into_iter().chain([destination]), |workspace| {
            let by = workspace.team().actor(ANONYMOUS_ANALYST);
            workspace
                .move_alert(alert_id, target, &by, now())
                .map_err(|refused| refused.to_string())
        })
    }

    /// Deletes incidents with their alerts, in one transaction; [`Desk::undo`] restores them.
    pub fn delete(self, numbers: &[u64]) -> Option<Deleted> {
        self.apply(numbers.iter().copied(), |workspace| {
            workspace.delete(numbers)
        })
    }

    /// Undoes the workspace's last merge, move or deletion and saves what it restored.
    pub fn undo(self) -> Option<Result<(), String>> {
        let touched = self.workspace.with_untracked(Workspace::undo_touches);
        self.try_apply(touched, |workspace| {
            workspace.undo().map_err(|nothing| nothing.to_string())
        })
    }

    /// Applies one of an incident's own operations to each of `numbers`, each saved in a
    /// transaction of its own, so that one refused (already closed, or saved first by another
    /// tab) does not undo the others. Returns the refused ones with why; the stored version of
    /// those is shown again.
    pub async fn edit_each(
        self,
        numbers: Vec<u64>,
        operation: impl Fn(&mut Incident, Edit<'_>) -> Result<(), EditError>,
    ) -> Vec<(u64, String)> {
        let mut refused = Vec::new();
        let mut stale = false;
        for number in numbers {
            if !self.writable() {
                refused.push((number, "the workspace cannot be changed now".to_owned()));
                continue;
            }
            let change = self
                .workspace
                .with_untracked(|workspace| Change::of(workspace, [number]));
            let edited = self
                .workspace
                .try_update(|workspace| edit_in(workspace, number, &operation));
            if let Some(Err(why)) = edited {
                refused.push((number, why));
                continue;
            }
            let write = self
                .workspace
                .with_untracked(|workspace| records_for(workspace, &change));
            let saved = self
                .save_now(change, write, InFlight::begin(self.in_flight))
                .await;
            if let Err(error) = saved {
                stale = true;
                refused.push((number, error.to_string()));
            }
        }
        if stale {
            self.reload();
        }
        refused
    }

    /// Reads the open workspace again from its store: the fresh version after a conflict, or
    /// what another tab saved.
    pub fn reload(self) {
        let Some(store) = self.store.get_value() else {
            return;
        };
        if self.status.read_untracked().let_go.is_some() {
            // Nothing can be read any more, and the banner says why.
            return;
        }
        let opening = self.opening.get_value();
        spawn_local(async move {
            let loaded = store.load().await;
            if self.opening.try_get_value() != Some(opening) {
                return;
            }
            match loaded {
                Ok(loaded) => {
                    self.show(loaded.workspace);
                    self.status.update(|status| {
                        status.set_aside = loaded.set_aside;
                        status.read_only = loaded.newer_schema;
                        status.conflict = None;
                    });
                }
                Err(error) => self.report(error),
            }
        });
    }

    /// Puts a storage failure on the banner.
    fn report(self, error: StoreError) {
        self.status
            .update(|status| status.problem = Some(error.to_string()));
    }

    /// Forgets the banner's problem once the analyst has read it.
    pub fn dismiss_problem(self) {
        self.status.update(|status| status.problem = None);
    }

    /// Changes the catalog starting from the one stored, so that a workspace another tab added
    /// or deleted since this tab read it is neither dropped nor brought back by this tab's
    /// write; this tab's open workspace stays the open one. `None` once the desk is gone.
    fn change_catalog<T>(self, change: impl FnOnce(&mut Catalog) -> T) -> Option<T> {
        self.catalog.try_update(|catalog| {
            if let Some(mut stored) = stored_catalog()
                && stored.switch_to(catalog.current())
            {
                *catalog = stored;
            }
            change(catalog)
        })
    }

    fn remember_catalog(self) {
        let saved = save_catalog(&self.catalog.read_untracked());
        if let Err(error) = saved {
            self.report(error);
        }
    }

    /// Opens the catalog's current workspace, filling the demo workspace on its first visit.
    fn open_current(self) {
        let opening = self.opening.get_value() + 1;
        self.opening.set_value(opening);
        self.store.set_value(None);
        self.channel.set_value(None);
        self.show(Workspace::default());
        self.status.set(StorageStatus::default());
        let name = self.catalog.read_untracked().current().to_owned();
        spawn_local(async move {
            let current = move || self.opening.try_get_value() == Some(opening);
            let notices = move |notice| {
                if current() {
                    self.status.update(|status| match notice {
                        StoreNotice::Blocked => status.blocked = true,
                        StoreNotice::LetGo(why) => status.let_go = Some(why),
                    });
                }
            };
            let store = match WorkspaceStore::open(&name, notices).await {
                Ok(store) => Rc::new(store),
                Err(error) => {
                    if current() {
                        self.status.set(StorageStatus::unstored(&error));
                    }
                    return;
                }
            };
            // The queue first: a large workspace shows its rows while the rest loads. A queue
            // that cannot be read only means waiting for the rest.
            if let Ok(queue) = store.load_queue().await
                && current()
            {
                self.rows.set(queue.rows);
            }
            let loaded = read_workspace(&name, &store).await;
            if !current() {
                return;
            }
            match loaded {
                Ok((workspace, status)) => {
                    self.show(workspace);
                    // The database may have been let go of while it was being read.
                    let let_go = self.status.read_untracked().let_go;
                    self.status.set(StorageStatus { let_go, ..status });
                }
                Err(error) => {
                    self.rows.set(Vec::new());
                    self.status.set(StorageStatus::unstored(&error));
                    // Nothing is written over a store that could not be read.
                    return;
                }
            }
            self.store.set_value(Some(store));
            // Without a channel the tab still works; it only stops hearing other tabs.
            let channel = TabChannel::open(&name, move |_numbers| self.reload()).ok();
            self.channel.set_value(channel);
        });
    }

    /// Shows a workspace, its queue rows with it.
    fn show(self, workspace: Workspace) {
        self.rows.set(
            workspace
                .incidents()
                .map(|incident| QueueRow::searchable(incident, workspace.correlation()))
                .collect(),
        );
        self.overview_table.set(OverviewTable::of(&workspace));
        self.workspace.set(workspace);
    }
}

/// Applies one of an incident's own operations with its current etag, signed by the analyst;
/// the refusal in words when the model refuses.
fn edit_in(
    workspace: &mut Workspace,
    number: u64,
    operation: impl FnOnce(&mut Incident, Edit<'_>) -> Result<(), EditError>,
) -> Result<(), String> {
    let by = workspace.team().actor(ANONYMOUS_ANALYST);
    let incident = workspace
        .incident_mut(number)
        .ok_or_else(|| format!("incident {number} is not in this workspace"))?;
    let etag = incident.etag.clone();
    let edit = Edit {
        by: &by,
        at: now(),
        etag: &etag,
    };
    operation(incident, edit).map_err(|refused| refused.to_string())
}

/// Brings the rows of these incidents up to date, adding and removing rows as incidents come
/// and go; the rows stay sorted by number.
fn refresh_rows(rows: &mut Vec<QueueRow>, workspace: &Workspace, numbers: &[u64]) {
    for &number in numbers {
        let position = rows.binary_search_by_key(&number, |row| row.number);
        match (position, workspace.incident(number)) {
            (Ok(index), Some(incident)) => {
                rows[index] = QueueRow::searchable(incident, workspace.correlation());
            }
            (Ok(index), None) => {
                rows.remove(index);
            }
            (Err(index), Some(incident)) => {
                rows.insert(
                    index,
                    QueueRow::searchable(incident, workspace.correlation()),
                );
            }
            (Err(_), None) => {}
        }
    }
}

/// Reads a workspace's store; a first visit to the demo workspace fills and saves it.
async fn read_workspace(
    name: &str,
    store: &WorkspaceStore,
) -> Result<(Workspace, StorageStatus), StoreError> {
    let loaded = store.load().await?;
    let mut status = StorageStatus {
        opening: false,
        backend: if store.capacity_limited() {
            Backend::LocalStorage
        } else {
            Backend::IndexedDb
        },
        read_only: loaded.newer_schema,
        set_aside: loaded.set_aside,
        ..StorageStatus::default()
    };
    let workspace = if loaded.fresh && name == DEMO_WORKSPACE {
        let demo = demo_workspace(now());
        if let Err(error) = store.replace(records_of(&demo)).await {
            status.problem = Some(error.to_string());
        }
        demo
    } else {
        loaded.workspace
    };
    Ok((workspace, status))
}
