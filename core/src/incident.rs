//! The incident: what an analyst triages. Every change goes through a method here, which checks
//! the caller's etag, validates, records who changed what in the activity log and moves the etag
//! on, so two editors can never overwrite each other unnoticed.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, Utc};
use smallvec::{SmallVec, smallvec};
use uuid::Uuid;

use super::alert::{Alert, AlertSummary, AlertTexts};
use super::closing::Closing;
use super::correlation::CORRELATION_ACTOR;
use super::draft::ValidDraft;
use super::people::{Actor, Owner};
use super::text::{trim, with_number};
use super::validation::limits;
use super::validation::{self, ValidationErrors};
use super::vocabulary::{IncidentStatus, LabelType, Severity, Tactics};

/// A tag on an incident, with who set it (Sentinel calls tags labels).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The tag text.
    pub name: String,
    /// An analyst's tag, or one Sentinel set (such as `Redirected`).
    pub label_type: LabelType,
}

impl Label {
    /// A tag typed by an analyst.
    pub fn user(name: impl Into<String>) -> Label {
        Label {
            name: name.into(),
            label_type: LabelType::User,
        }
    }
}

/// The version stamp of an incident. Opaque to callers: compared, never interpreted, because
/// imported incidents carry Sentinel's own etags. Vigil's own are kept as their revision and
/// written out only when read: the core moves an etag in every join and merge of an ingest,
/// and tens of thousands of texts nobody reads cost more than the numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Etag(Stamp);

/// What an etag holds. Vigil's own text (`"vigil-7"`) always reads back as its revision, so two
/// etags are equal exactly when their texts are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Stamp {
    /// One Vigil gave: `"vigil-N"`.
    Revision(u64),
    /// One received in another form, from Sentinel.
    Received(Box<str>),
}

/// What Vigil writes before the revision in its etags.
const VIGIL_PREFIX: &str = "\"vigil-";
/// What Vigil writes after it.
const VIGIL_SUFFIX: &str = "\"";

impl Etag {
    /// An etag as received (from Sentinel or from storage).
    pub fn new(text: impl Into<String>) -> Etag {
        let text = text.into();
        match vigil_revision(&text) {
            Some(revision) => Etag::for_revision(revision),
            None => Etag(Stamp::Received(text.into_boxed_str())),
        }
    }

    /// The etag of an incident Vigil has not changed yet, for one that arrives without any.
    pub fn initial() -> Etag {
        Etag::for_revision(0)
    }

    /// The etag Vigil gives an incident at a revision; distinct for every revision.
    fn for_revision(revision: u64) -> Etag {
        Etag(Stamp::Revision(revision))
    }
}

/// The revision in the text of an etag Vigil wrote, written as Vigil writes it (decimal, no
/// sign, no leading zero), so that reading and writing back give the same text.
fn vigil_revision(text: &str) -> Option<u64> {
    let digits = text
        .strip_prefix(VIGIL_PREFIX)?
        .strip_suffix(VIGIL_SUFFIX)?;
    let canonical = digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    digits.parse().ok()
}

/// The wire text, quotes included.
impl fmt::Display for Etag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Stamp::Revision(revision) => {
                write!(f, "{VIGIL_PREFIX}{revision}{VIGIL_SUFFIX}")
            }
            Stamp::Received(text) => f.write_str(text),
        }
    }
}

/// An analyst's note on an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Stable identity, so a comment can be edited or deleted later.
    pub id: Uuid,
    /// The text, shown as plain text with its line breaks.
    pub message: String,
    /// Who wrote it.
    pub author: Actor,
    /// When it was written.
    pub created: DateTime<Utc>,
    /// When it was last edited.
    pub modified: DateTime<Utc>,
}

/// What an activity-log entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tracked {
    /// The incident came into being.
    Created,
    /// Its title.
    Title,
    /// Its description.
    Description,
    /// Its severity.
    Severity,
    /// Its status.
    Status,
    /// Its closing classification.
    Classification,
    /// Its owner.
    Owner,
    /// Its tags.
    Tags,
    /// A comment was added.
    Comment,
    /// Alerts joined or left (from and to are counts).
    Alerts,
    /// One incident was merged into another (from and to are incident numbers).
    Merged,
    /// An analyst moved an alert between incidents (from and to are incident numbers).
    AlertMoved,
}

impl Tracked {
    /// Every kind of change, so a stored label can be read back.
    pub const ALL: [Tracked; 12] = [
        Tracked::Created,
        Tracked::Title,
        Tracked::Description,
        Tracked::Severity,
        Tracked::Status,
        Tracked::Classification,
        Tracked::Owner,
        Tracked::Tags,
        Tracked::Comment,
        Tracked::Alerts,
        Tracked::Merged,
        Tracked::AlertMoved,
    ];

    /// The kind of change a label names.
    pub fn from_label(label: &str) -> Option<Tracked> {
        Tracked::ALL
            .into_iter()
            .find(|tracked| tracked.label() == label)
    }

    /// How the activity log names it.
    pub fn label(self) -> &'static str {
        match self {
            Tracked::Created => "Incident created",
            Tracked::Title => "Title",
            Tracked::Description => "Description",
            Tracked::Severity => "Severity",
            Tracked::Status => "Status",
            Tracked::Classification => "Classification",
            Tracked::Owner => "Owner",
            Tracked::Tags => "Tags",
            Tracked::Comment => "Comment added",
            Tracked::Alerts => "Alerts",
            Tracked::Merged => "Merged",
            Tracked::AlertMoved => "Alert moved",
        }
    }
}

/// One line of the activity log: who changed what, when, from what to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: Actor,
    /// Which part of the incident.
    pub what: Tracked,
    /// The value before, as the analyst saw it; `None` when there was none.
    pub from: Option<String>,
    /// The value after; `None` when it was cleared.
    pub to: Option<String>,
}

impl ActivityEntry {
    /// How the activity log heads the line: the kind of change, and for a comment whether it
    /// was added, edited or deleted, which what it held before and after tells apart (the
    /// stored kind is one for all three, so records of every schema read alike).
    pub fn headline(&self) -> &'static str {
        match (self.what, &self.from, &self.to) {
            (Tracked::Comment, Some(_), Some(_)) => "Comment edited",
            (Tracked::Comment, Some(_), None) => "Comment deleted",
            (what, _, _) => what.label(),
        }
    }
}

/// Everything an incident holds, readable by anyone; only [`Incident`]'s methods change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentData {
    /// Identity that never changes (the ARM resource name).
    pub id: Uuid,
    /// The number analysts quote; sequential per workspace, never reused.
    pub number: u64,
    /// One line saying what happened.
    pub title: String,
    /// Free text; may be empty.
    pub description: String,
    /// How bad it is.
    pub severity: Severity,
    /// Where it is in its life.
    pub status: IncidentStatus,
    /// The verdict; present exactly when the status is Closed.
    pub closing: Option<Closing>,
    /// Who works on it.
    pub owner: Option<Owner>,
    /// Tags, no two equal ignoring case.
    pub labels: Vec<Label>,
    /// When the earliest alert's activity began.
    pub first_activity: Option<DateTime<Utc>>,
    /// When the latest alert's activity ended.
    pub last_activity: Option<DateTime<Utc>>,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub modified: DateTime<Utc>,
    /// The system that raised it, such as `Azure Sentinel` or `Microsoft XDR`; borrowed for
    /// the incidents Vigil opens, which all name it.
    pub provider_name: Cow<'static, str>,
    /// The provider's own id for it.
    pub provider_incident_id: Option<String>,
    /// Products whose alerts it holds.
    pub product_names: AlertTexts,
    /// ATT&CK tactics of its alerts.
    pub tactics: Tactics,
    /// ATT&CK techniques of its alerts, as ids such as `T1566`.
    pub techniques: Vec<String>,
    /// Analytics rules that raised its alerts.
    pub related_rule_ids: Vec<String>,
    /// System alert ids of its alerts.
    pub alert_ids: AlertTexts,
    /// Analysts' notes, oldest first.
    pub comments: Vec<Comment>,
    /// Every change, oldest first.
    pub activity: ActivityLog,
    /// The version stamp a writer must quote.
    pub etag: Etag,
    /// How many changes Vigil has made; drives the next etag.
    pub revision: u64,
    /// The number of the incident this one was merged into, when it was.
    pub merged_into: Option<u64>,
}

/// The provider name Vigil writes on incidents it creates.
pub const VIGIL_PROVIDER: &str = "Vigil";

/// An incident whose data is known to be valid. Reading goes through `Deref` to
/// [`IncidentData`]; there is no `DerefMut`, so the only way to change one is a method that
/// checks, logs and re-stamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident(IncidentData);

impl Deref for Incident {
    type Target = IncidentData;

    fn deref(&self) -> &IncidentData {
        &self.0
    }
}

/// An incident's activity log, its first entry kept inline: an incident the correlation core
/// opens has logged only its creation, so opening one allocates no log (a second entry moves
/// the log to the heap).
pub type ActivityLog = SmallVec<[ActivityEntry; 1]>;

/// Who is making a change, when, and which version of the incident they saw.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    /// The person or component making the change.
    pub by: &'a Actor,
    /// The time of the change (passed in: the core reads no clock).
    pub at: DateTime<Utc>,
    /// The etag of the version the change was made against.
    pub etag: &'a Etag,
}

/// Why a change was refused. A refused change leaves the incident exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// Someone else changed the incident since the caller read it.
    Conflict {
        /// The etag the caller quoted.
        quoted: Etag,
        /// The incident's etag now.
        current: Etag,
    },
    /// The new values break a field rule.
    Invalid(ValidationErrors),
    /// Closed is reached by closing with a classification, not by setting the status.
    ClosingNeedsClassification,
    /// The incident is already closed.
    AlreadyClosed,
    /// Only a closed incident can be reopened.
    NotClosed,
    /// The incident has no comment with this id (deleted meanwhile, perhaps).
    NoSuchComment,
    /// Only its author edits or deletes a comment.
    NotYourComment {
        /// Who wrote it.
        author: String,
    },
    /// It was merged into another incident, which now holds its alerts and tags: only comments
    /// are still taken here.
    Merged {
        /// The incident it was merged into.
        into: u64,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Conflict { .. } => f.write_str(
                "someone else changed this incident since you opened it; reload to see their change",
            ),
            EditError::Invalid(errors) => write!(f, "{errors}"),
            EditError::ClosingNeedsClassification => {
                f.write_str("closing an incident needs a classification")
            }
            EditError::AlreadyClosed => f.write_str("the incident is already closed"),
            EditError::NotClosed => f.write_str("only a closed incident can be reopened"),
            EditError::NoSuchComment => f.write_str("that comment is no longer there"),
            EditError::NotYourComment { author } => {
                write!(f, "only {author}, who wrote the comment, can change it")
            }
            EditError::Merged { into } => write!(
                f,
                "this incident was merged into incident {into}; change that one instead"
            ),
        }
    }
}

impl std::error::Error for EditError {}

fn joined_tags(labels: &[Label]) -> Option<String> {
    (!labels.is_empty()).then(|| {
        labels
            .iter()
            .map(|label| label.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// One logged change: what, from, to.
type Change = (Tracked, Option<String>, Option<String>);

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

impl Incident {
    /// A new incident from a validated draft, as an analyst creates one by hand.
    pub fn create(
        id: Uuid,
        number: u64,
        draft: ValidDraft,
        by: &Actor,
        at: DateTime<Utc>,
    ) -> Incident {
        let ValidDraft {
            title,
            description,
            severity,
            status,
            closing,
            owner,
            tags,
        } = draft;
        let activity = smallvec![ActivityEntry {
            at,
            by: by.clone(),
            what: Tracked::Created,
            from: None,
            to: Some(title.clone()),
        }];
        Incident(IncidentData {
            id,
            number,
            title,
            description,
            severity,
            status,
            closing,
            owner,
            labels: tags.into_iter().map(Label::user).collect(),
            first_activity: None,
            last_activity: None,
            created: at,
            modified: at,
            provider_name: Cow::Borrowed(VIGIL_PROVIDER),
            provider_incident_id: None,
            product_names: AlertTexts::new(),
            tactics: Tactics::new(),
            techniques: Vec::new(),
            related_rule_ids: Vec::new(),
            alert_ids: AlertTexts::new(),
            comments: Vec::new(),
            activity,
            etag: Etag::for_revision(0),
            revision: 0,
            merged_into: None,
        })
    }

    /// An incident from data that came from outside (an import, a stored record): the same field
    /// rules as the form apply, and text fields come back normalised (trimmed, de-duplicated).
    pub fn from_data(mut data: IncidentData) -> Result<Incident, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        data.title = validation::title(&data.title, &mut errors);
        data.description = validation::description(&data.description, &mut errors);
        // Defender closes a merged incident without a verdict; that is its only verdict-less close.
        let redirected = data.merged_into.is_some() && data.closing.is_none();
        if !(redirected && data.status == IncidentStatus::Closed) {
            validation::closing(data.status, data.closing.as_ref(), &mut errors);
        }
        data.owner = match &data.owner {
            Some(owner) => validation::owner(owner, &mut errors),
            None => None,
        };
        let names = validation::tags(
            data.labels.iter().map(|label| label.name.as_str()),
            &mut errors,
        );
        data.labels = names
            .into_iter()
            .map(|name| {
                let label_type = data
                    .labels
                    .iter()
                    .find(|label| label.name.trim() == name)
                    .map_or(LabelType::User, |label| label.label_type);
                Label { name, label_type }
            })
            .collect();
        validation::activity_times(data.first_activity, data.last_activity, &mut errors);
        errors.into_result(Incident(data))
    }

    /// Gives up the checked wrapper, for storage and export.
    pub fn into_data(self) -> IncidentData {
        self.0
    }

    /// Runs `change` on a copy after checking the etag, then stamps and keeps it. A change that
    /// returns an error, or changes nothing, leaves the incident untouched; so does any change
    /// but a comment to an incident merged away.
    fn apply(
        &mut self,
        edit: Edit<'_>,
        change: impl FnOnce(&mut IncidentData) -> Result<Vec<Change>, EditError>,
    ) -> Result<(), EditError> {
        if edit.etag != &self.0.etag {
            return Err(EditError::Conflict {
                quoted: edit.etag.clone(),
                current: self.0.etag.clone(),
            });
        }
        let mut next = self.0.clone();
        let changes = change(&mut next)?;
        if let Some(into) = self.0.merged_into
            && changes.iter().any(|(what, _, _)| *what != Tracked::Comment)
        {
            return Err(EditError::Merged { into });
        }
        if changes.iter().any(|(_, from, to)| from != to) {
            self.0 = next;
            self.stamp(edit.by, edit.at, changes);
        }
        Ok(())
    }

    /// Logs the changes that changed something, stamps the time and moves the etag; nothing
    /// happens when every change is to the same value.
    fn stamp(&mut self, by: &Actor, at: DateTime<Utc>, changes: Vec<Change>) -> bool {
        let before = self.0.activity.len();
        self.0
            .activity
            .extend(changes.into_iter().filter(|(_, from, to)| from != to).map(
                |(what, from, to)| ActivityEntry {
                    at,
                    by: by.clone(),
                    what,
                    from,
                    to,
                },
            ));
        let logged = self.0.activity.len() > before;
        if logged {
            self.bump(at);
        }
        logged
    }

    /// Whether it holds what only Vigil has (alerts, comments, a change made here), which a
    /// copy read from a Sentinel file would lose if it replaced this one.
    pub fn holds_work_done_here(&self) -> bool {
        self.0.revision > 0
            || !self.0.alert_ids.is_empty()
            || !self.0.comments.is_empty()
            || !self.0.activity.is_empty()
    }

    /// Marks a new version: modified now, next revision, new etag.
    fn bump(&mut self, at: DateTime<Utc>) {
        self.0.modified = at;
        self.0.revision += 1;
        self.0.etag = Etag::for_revision(self.0.revision);
    }

    /// Renames the incident.
    pub fn set_title(&mut self, edit: Edit<'_>, raw: &str) -> Result<(), EditError> {
        let mut errors = ValidationErrors::default();
        let title = validation::title(raw, &mut errors);
        if !errors.is_empty() {
            return Err(EditError::Invalid(errors));
        }
        self.apply(edit, |data| {
            let from = std::mem::replace(&mut data.title, title.clone());
            Ok(vec![(Tracked::Title, Some(from), Some(title))])
        })
    }

    /// Rewrites the description.
    pub fn set_description(&mut self, edit: Edit<'_>, raw: &str) -> Result<(), EditError> {
        let mut errors = ValidationErrors::default();
        let description = validation::description(raw, &mut errors);
        if !errors.is_empty() {
            return Err(EditError::Invalid(errors));
        }
        self.apply(edit, |data| {
            let from = std::mem::replace(&mut data.description, description.clone());
            Ok(vec![(
                Tracked::Description,
                non_empty(&from),
                non_empty(&description),
            )])
        })
    }

    /// Changes the severity.
    pub fn set_severity(&mut self, edit: Edit<'_>, severity: Severity) -> Result<(), EditError> {
        self.apply(edit, |data| {
            let from = std::mem::replace(&mut data.severity, severity);
            Ok(vec![(
                Tracked::Severity,
                Some(from.to_string()),
                Some(severity.to_string()),
            )])
        })
    }

    /// Moves between New and Active; from Closed this reopens. Closing goes through
    /// [`Incident::close`], which takes the classification.
    pub fn set_status(&mut self, edit: Edit<'_>, status: IncidentStatus) -> Result<(), EditError> {
        if status == IncidentStatus::Closed {
            return Err(EditError::ClosingNeedsClassification);
        }
        self.apply(edit, |data| {
            let from = std::mem::replace(&mut data.status, status);
            let cleared = data.closing.take().map(|closing| closing.logged());
            Ok(vec![
                (
                    Tracked::Status,
                    Some(from.to_string()),
                    Some(status.to_string()),
                ),
                (Tracked::Classification, cleared, None),
            ])
        })
    }

    /// Closes with a verdict.
    pub fn close(&mut self, edit: Edit<'_>, closing: Closing) -> Result<(), EditError> {
        if self.status == IncidentStatus::Closed {
            return Err(EditError::AlreadyClosed);
        }
        let mut errors = ValidationErrors::default();
        validation::closing(IncidentStatus::Closed, Some(&closing), &mut errors);
        if !errors.is_empty() {
            return Err(EditError::Invalid(errors));
        }
        self.apply(edit, |data| {
            let from = std::mem::replace(&mut data.status, IncidentStatus::Closed);
            let to = closing.logged();
            data.closing = Some(closing);
            Ok(vec![
                (
                    Tracked::Status,
                    Some(from.to_string()),
                    Some(IncidentStatus::Closed.to_string()),
                ),
                (Tracked::Classification, None, Some(to)),
            ])
        })
    }

    /// Reopens a closed incident as Active; the verdict is cleared here and kept in the log.
    pub fn reopen(&mut self, edit: Edit<'_>) -> Result<(), EditError> {
        if self.status != IncidentStatus::Closed {
            return Err(EditError::NotClosed);
        }
        self.set_status(edit, IncidentStatus::Active)
    }

    /// Assigns the incident, or unassigns it with `None`.
    pub fn set_owner(&mut self, edit: Edit<'_>, owner: Option<Owner>) -> Result<(), EditError> {
        let owner = match owner {
            Some(owner) => {
                let mut errors = ValidationErrors::default();
                let owner = validation::owner(&owner, &mut errors);
                if !errors.is_empty() {
                    return Err(EditError::Invalid(errors));
                }
                owner
            }
            None => None,
        };
        self.apply(edit, |data| {
            let from = std::mem::replace(&mut data.owner, owner.clone());
            Ok(vec![(
                Tracked::Owner,
                from.map(|owner| owner.display_name()),
                owner.map(|owner| owner.display_name()),
            )])
        })
    }

    /// Replaces the analyst-set tags; tags Sentinel set itself (such as `Redirected`) stay.
    pub fn set_tags(&mut self, edit: Edit<'_>, tags: &[String]) -> Result<(), EditError> {
        self.apply(edit, |data| {
            let automatic: Vec<Label> = data
                .labels
                .iter()
                .filter(|label| label.label_type == LabelType::AutoAssigned)
                .cloned()
                .collect();
            let mut errors = ValidationErrors::default();
            // Automatic tags go first so a typed tag equal to one of them (ignoring case) is the
            // duplicate that is dropped; they are valid and distinct already, so they all survive.
            let names = validation::tags(
                automatic
                    .iter()
                    .map(|label| label.name.as_str())
                    .chain(tags.iter().map(String::as_str)),
                &mut errors,
            );
            if !errors.is_empty() {
                return Err(EditError::Invalid(errors));
            }
            let typed = names.into_iter().skip(automatic.len()).map(Label::user);
            let from = joined_tags(&data.labels);
            data.labels = automatic.into_iter().chain(typed).collect();
            Ok(vec![(Tracked::Tags, from, joined_tags(&data.labels))])
        })
    }

    /// Adds tags to those the analyst set, as the queue's bulk action does; a tag it has
    /// already (ignoring case) is not added twice.
    pub fn add_tags(&mut self, edit: Edit<'_>, tags: &[String]) -> Result<(), EditError> {
        let mut all = self.tag_names(LabelType::User);
        all.extend(tags.iter().cloned());
        self.set_tags(edit, &all)
    }

    /// When it was (last) closed, while it is closed: a reopened one counts from its latest
    /// closing, and one still open has none. What the overview counts as closed in a period and
    /// the queue's "closed within" read. A merged incident was closed by the merge, not by a
    /// verdict, so it has none.
    pub fn last_closed(&self) -> Option<DateTime<Utc>> {
        if self.status != IncidentStatus::Closed || self.merged_into.is_some() {
            return None;
        }
        let closing = self.activity.iter().rev().find(|entry| {
            entry.what == Tracked::Status
                && entry.to.as_deref() == Some(IncidentStatus::Closed.as_str())
        });
        Some(closing.map_or(self.created, |entry| entry.at))
    }

    /// The names of its tags of one kind: the analyst's own, or those Sentinel set itself.
    pub fn tag_names(&self, kind: LabelType) -> Vec<String> {
        self.labels
            .iter()
            .filter(|label| label.label_type == kind)
            .map(|label| label.name.clone())
            .collect()
    }

    /// Adds a comment.
    pub fn comment(&mut self, edit: Edit<'_>, id: Uuid, raw: &str) -> Result<(), EditError> {
        let mut errors = ValidationErrors::default();
        let message = validation::comment(raw, &mut errors);
        if !errors.is_empty() {
            return Err(EditError::Invalid(errors));
        }
        self.apply(edit, |data| {
            data.comments.push(Comment {
                id,
                message: message.clone(),
                author: edit.by.clone(),
                created: edit.at,
                modified: edit.at,
            });
            Ok(vec![(Tracked::Comment, None, Some(message))])
        })
    }

    /// Rewrites one of the analyst's own comments; the log keeps what it said.
    pub fn edit_comment(&mut self, edit: Edit<'_>, id: Uuid, raw: &str) -> Result<(), EditError> {
        let mut errors = ValidationErrors::default();
        let message = validation::comment(raw, &mut errors);
        if !errors.is_empty() {
            return Err(EditError::Invalid(errors));
        }
        self.apply(edit, |data| {
            let comment = own_comment(data, id, edit.by)?;
            let from = std::mem::replace(&mut comment.message, message.clone());
            comment.modified = edit.at;
            Ok(vec![(Tracked::Comment, Some(from), Some(message))])
        })
    }

    /// Deletes one of the analyst's own comments; the log keeps what it said.
    pub fn delete_comment(&mut self, edit: Edit<'_>, id: Uuid) -> Result<(), EditError> {
        self.apply(edit, |data| {
            let from = own_comment(data, id, edit.by)?.message.clone();
            data.comments.retain(|comment| comment.id != id);
            Ok(vec![(Tracked::Comment, Some(from), None)])
        })
    }
}

/// The comment `id` of `data`, when `by` wrote it.
fn own_comment<'a>(
    data: &'a mut IncidentData,
    id: Uuid,
    by: &Actor,
) -> Result<&'a mut Comment, EditError> {
    let comment = data
        .comments
        .iter_mut()
        .find(|comment| comment.id == id)
        .ok_or(EditError::NoSuchComment)?;
    if comment.author != *by {
        return Err(EditError::NotYourComment {
            author: comment.author.name.to_string(),
        });
    }
    Ok(comment)
}

/// `text` cut to at most `max` characters, so a long alert name still makes a valid title.
fn clip(text: &str, max: usize) -> String {
    let text = trim(text);
    if text.len() <= max {
        // No more bytes than the limit, so no more characters either.
        return text.to_owned();
    }
    let end = text
        .char_indices()
        .nth(max)
        .map_or(text.len(), |(index, _)| index);
    text[..end].trim_end().to_owned()
}

/// The incident an alert would open, built before anyone knows whether it will: natively, the
/// thread that keys a large batch builds one beside each new alert, off the thread that places
/// them, and placing numbers the ones it opens (a move to a new incident builds and numbers one
/// at once). It has no id or number yet, so it cannot be stored as it is.
#[derive(Debug)]
pub(crate) struct Opening(Box<Incident>);

impl Opening {
    /// Everything the incident takes from its alert, opened by `by` at `at`.
    pub(crate) fn for_alert(alert: &Alert, by: &Actor, at: DateTime<Utc>) -> Opening {
        let title = clip(alert.title(), limits::TITLE_MAX_CHARS);
        let summary = AlertSummary::of([alert]);
        let mut incident = Incident(IncidentData {
            id: Uuid::nil(),
            number: 0,
            title: title.clone(),
            description: clip(&alert.details.description, limits::DESCRIPTION_MAX_CHARS),
            severity: alert.details.severity,
            status: IncidentStatus::New,
            closing: None,
            owner: None,
            labels: Vec::new(),
            first_activity: None,
            last_activity: None,
            created: at,
            modified: at,
            provider_name: Cow::Borrowed(VIGIL_PROVIDER),
            provider_incident_id: None,
            product_names: AlertTexts::new(),
            tactics: Tactics::new(),
            techniques: Vec::new(),
            related_rule_ids: Vec::new(),
            alert_ids: AlertTexts::new(),
            comments: Vec::new(),
            activity: smallvec![ActivityEntry {
                at,
                by: by.clone(),
                what: Tracked::Created,
                from: None,
                to: Some(title),
            }],
            etag: Etag::for_revision(0),
            revision: 0,
            merged_into: None,
        });
        incident.put_summary(summary);
        Opening(Box::new(incident))
    }

    /// The incident, with its id and number: ready to be stored.
    pub(crate) fn numbered(self, id: Uuid, number: u64) -> Box<Incident> {
        let mut incident = self.0;
        incident.0.id = id;
        incident.0.number = number;
        incident
    }
}

/// The changes the correlation core makes. They quote no etag: they happen inside one workspace
/// operation, and they move the etag so that an analyst's later write against the older version
/// is refused as a conflict. Each is logged under whoever made it.
impl Incident {
    /// Whether anyone but `system` ever changed it: such an incident keeps its alerts when the
    /// core regroups late alerts around it.
    pub(crate) fn touched_by_other_than(&self, system: &Actor) -> bool {
        self.activity.iter().any(|entry| entry.by != *system)
    }

    /// Brings what it shows of its alerts up to date, logged as `by`'s change. The severity
    /// follows the highest alert unless an analyst has set it.
    pub(crate) fn show_alerts(&mut self, summary: AlertSummary, by: &Actor, at: DateTime<Utc>) {
        let severity_pinned = self
            .activity
            .iter()
            .any(|entry| entry.what == Tracked::Severity && *entry.by.name != *CORRELATION_ACTOR);
        let mut changes = Vec::new();
        if self.alert_ids.len() != summary.ids.len() {
            changes.push((
                Tracked::Alerts,
                Some(count(self.alert_ids.len())),
                Some(count(summary.ids.len())),
            ));
        }
        if let Some(severity) = summary
            .severity
            .filter(|severity| !severity_pinned && *severity != self.severity)
        {
            changes.push((
                Tracked::Severity,
                Some(self.severity.as_str().to_owned()),
                Some(severity.as_str().to_owned()),
            ));
            self.0.severity = severity;
        }
        let data = &self.0;
        let changed = data.alert_ids != summary.ids
            || summary
                .first_activity
                .is_some_and(|first| data.first_activity != Some(first))
            || summary
                .last_activity
                .is_some_and(|last| data.last_activity != Some(last))
            || data.product_names != summary.product_names
            || data.tactics != summary.tactics
            || data.techniques != summary.techniques
            || data.related_rule_ids != summary.rule_ids;
        self.put_summary(summary);
        if !self.stamp(by, at, changes) && changed {
            self.bump(at);
        }
    }

    /// Shows the alerts the ingest that opened the incident gave it, as it ends: its creation
    /// takes them all in, so nothing is logged beside the creation and the etag stays.
    pub(crate) fn show_alerts_from_creation(&mut self, summary: AlertSummary) {
        if let Some(severity) = summary.severity {
            self.0.severity = severity;
        }
        self.put_summary(summary);
    }

    /// Takes in, as part of its creation, one more alert of the ingest that opens it, which sorts
    /// after all its alerts: its summary grows by that alert, where showing the ingest's alerts
    /// at its end ([`Incident::show_alerts_from_creation`]) would read them all again.
    pub(crate) fn take_in_alert_from_creation(&mut self, alert: &Alert) {
        let summary = self.take_summary().with(alert);
        self.show_alerts_from_creation(summary);
    }

    /// Takes in, as part of its creation, the alerts of another incident the same ingest opened
    /// and merged into it, from what that one showed of them (`absorbed_shown`, which
    /// [`Incident::redirect_into`] gave back), as [`AlertSummary::merged`] interleaves them:
    /// showing the ingest's alerts at its end would read them all again.
    pub(crate) fn take_in_merged_from_creation(
        &mut self,
        absorbed_shown: AlertSummary,
        from_self: &[bool],
        first_named_at: [&[usize]; 2],
    ) {
        let summary = self
            .take_summary()
            .merged(absorbed_shown, from_self, first_named_at);
        self.show_alerts_from_creation(summary);
    }

    /// What it shows of its alerts, moved out to be grown and put back ([`Incident::put_summary`]
    /// is the inverse); its severity is its alerts' while nobody has set it.
    fn take_summary(&mut self) -> AlertSummary {
        let data = &mut self.0;
        AlertSummary {
            ids: std::mem::take(&mut data.alert_ids),
            first_activity: data.first_activity,
            last_activity: data.last_activity,
            severity: Some(data.severity),
            product_names: std::mem::take(&mut data.product_names),
            tactics: std::mem::take(&mut data.tactics),
            techniques: std::mem::take(&mut data.techniques),
            rule_ids: std::mem::take(&mut data.related_rule_ids),
        }
    }

    fn put_summary(&mut self, summary: AlertSummary) {
        let data = &mut self.0;
        data.alert_ids = summary.ids;
        data.first_activity = summary.first_activity.or(data.first_activity);
        data.last_activity = summary.last_activity.or(data.last_activity);
        data.product_names = summary.product_names;
        data.tactics = summary.tactics;
        data.techniques = summary.techniques;
        data.related_rule_ids = summary.rule_ids;
    }

    /// Takes in what moves with a merged incident besides its alerts: its tags (up to the tag
    /// limit). The alerts themselves follow through [`Incident::show_alerts`].
    pub(crate) fn merge_in(
        &mut self,
        absorbed: u64,
        absorbed_labels: &[Label],
        by: &Actor,
        at: DateTime<Utc>,
    ) {
        let mut changes = vec![(
            Tracked::Merged,
            Some(reference(absorbed)),
            Some(reference(self.number)),
        )];
        let tags_before = joined_tags(&self.labels);
        for label in absorbed_labels {
            let known = self
                .0
                .labels
                .iter()
                .any(|mine| mine.name.to_lowercase() == label.name.to_lowercase());
            if !known && label.name != REDIRECTED && self.0.labels.len() < limits::TAGS_MAX {
                self.0.labels.push(label.clone());
            }
        }
        changes.push((Tracked::Tags, tags_before, joined_tags(&self.labels)));
        self.stamp(by, at, changes);
    }

    /// Closes it as merged into `survivor`, the way Defender XDR does: status Closed with no
    /// verdict, the `Redirected` label, no alerts. Comments and the activity log stay. Returns
    /// what it showed of its alerts, which now belong to the survivor.
    pub(crate) fn redirect_into(
        &mut self,
        survivor: u64,
        by: &Actor,
        at: DateTime<Utc>,
    ) -> AlertSummary {
        let shown = self.take_summary();
        let data = &mut self.0;
        let status_before = std::mem::replace(&mut data.status, IncidentStatus::Closed);
        let verdict_before = data.closing.take().map(|closing| closing.logged());
        data.merged_into = Some(survivor);
        if !data.labels.iter().any(|label| label.name == REDIRECTED) {
            data.labels.push(Label {
                name: REDIRECTED.to_owned(),
                label_type: LabelType::AutoAssigned,
            });
        }
        let number = data.number;
        self.stamp(
            by,
            at,
            vec![
                (
                    Tracked::Status,
                    Some(status_before.as_str().to_owned()),
                    Some(IncidentStatus::Closed.as_str().to_owned()),
                ),
                (Tracked::Classification, verdict_before, None),
                (
                    Tracked::Merged,
                    Some(reference(number)),
                    Some(reference(survivor)),
                ),
                (
                    Tracked::Alerts,
                    Some(count(shown.ids.len())),
                    Some("0".to_owned()),
                ),
            ],
        );
        shown
    }

    /// Reopens a closed incident because a matching alert arrived and its source's grouping
    /// says to reopen rather than open a new incident.
    pub(crate) fn reopen_for_alert(&mut self, by: &Actor, at: DateTime<Utc>) {
        let data = &mut self.0;
        let from = std::mem::replace(&mut data.status, IncidentStatus::Active);
        let cleared = data.closing.take().map(|closing| closing.logged());
        self.stamp(
            by,
            at,
            vec![
                (
                    Tracked::Status,
                    Some(from.as_str().to_owned()),
                    Some(IncidentStatus::Active.as_str().to_owned()),
                ),
                (Tracked::Classification, cleared, None),
            ],
        );
    }

    /// Logs that an analyst moved an alert from incident `from` to incident `to`.
    pub(crate) fn log_move(&mut self, from: u64, to: u64, by: &Actor, at: DateTime<Utc>) {
        self.stamp(
            by,
            at,
            vec![(
                Tracked::AlertMoved,
                Some(reference(from)),
                Some(reference(to)),
            )],
        );
    }
}

/// How the log and the undo descriptions name an incident: `#42`.
pub(crate) fn reference(number: u64) -> String {
    with_number("#", number, "")
}

/// How the log gives a number of alerts.
fn count(alerts: usize) -> String {
    with_number("", alerts as u64, "")
}

/// The label Defender XDR puts on an incident that was merged into another.
pub const REDIRECTED: &str = "Redirected";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::closing::ClosingChoice;
    use crate::draft::IncidentDraft;
    use crate::validation::{Field, Problem};

    fn at(hour: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2026-11-20T{hour:02}:00:00Z"))
            .unwrap()
            .to_utc()
    }

    fn analyst() -> Actor {
        Actor {
            name: "Ana Silva".into(),
            email: Some("ana@contoso.com".into()),
        }
    }

    fn incident() -> Incident {
        let draft = IncidentDraft {
            title: "Suspicious sign-in".into(),
            tags: vec!["VIP".into()],
            ..IncidentDraft::default()
        }
        .validate()
        .unwrap();
        Incident::create(Uuid::nil(), 7, draft, &analyst(), at(8))
    }

    fn edit<'a>(actor: &'a Actor, incident: &'a Incident, hour: u32) -> Edit<'a> {
        Edit {
            by: actor,
            at: at(hour),
            etag: &incident.etag,
        }
    }

    #[test]
    fn etags_vigil_wrote_read_back_equal_whatever_the_revision() {
        // Stored incidents carry the etag as text; the shared first one must equal it.
        assert_eq!(Etag::initial(), Etag::new("\"vigil-0\""));
        assert_eq!(Etag::for_revision(7), Etag::new("\"vigil-7\""));
        assert_ne!(Etag::initial(), Etag::for_revision(1));
        assert_eq!(Etag::for_revision(7).to_string(), "\"vigil-7\"");
    }

    #[test]
    fn etags_in_other_forms_are_kept_as_received() {
        for text in [
            "\"0300bf09-0000-0000-0000-5c37296e0000\"",
            "\"vigil-07\"",
            "\"vigil-+7\"",
            "\"vigil-\"",
            "\"vigil-18446744073709551616\"",
            "vigil-7",
        ] {
            let etag = Etag::new(text);
            assert_eq!(etag.to_string(), text);
            assert_ne!(etag, Etag::for_revision(7));
        }
    }

    /// Texts that are Vigil's etags, nearly so, or anything else.
    fn etag_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "\"vigil-[0-9+-]{0,21}\"?",
            any::<u64>().prop_map(|revision| Etag::for_revision(revision).to_string()),
            ".{0,12}",
        ]
    }

    proptest::proptest! {
        /// An etag is written back as it was read, and two are equal exactly when their texts
        /// are: a tab comparing the stored text with the one it holds sees no false conflict.
        #[test]
        fn etags_read_back_as_their_texts(a in etag_text(), b in etag_text()) {
            let (first, second) = (Etag::new(a.clone()), Etag::new(b.clone()));
            proptest::prop_assert_eq!(first.to_string(), a.clone());
            proptest::prop_assert_eq!(first == second, a == b);
        }
    }

    #[test]
    fn creation_is_logged_and_stamped() {
        let incident = incident();
        assert_eq!(incident.number, 7);
        assert_eq!(incident.provider_name, VIGIL_PROVIDER);
        assert_eq!(incident.labels, [Label::user("VIP")]);
        assert_eq!(incident.activity.len(), 1);
        assert_eq!(incident.activity[0].what, Tracked::Created);
        assert_eq!(incident.created, at(8));
    }

    #[test]
    fn a_change_logs_who_when_what_from_and_to_and_moves_the_etag() {
        let mut incident = incident();
        let before = incident.etag.clone();
        let actor = analyst();
        let etag = incident.etag.clone();
        incident
            .set_severity(
                Edit {
                    by: &actor,
                    at: at(9),
                    etag: &etag,
                },
                Severity::High,
            )
            .unwrap();
        assert_eq!(incident.severity, Severity::High);
        assert_ne!(incident.etag, before);
        assert_eq!(incident.modified, at(9));
        assert_eq!(
            incident.activity.last().unwrap(),
            &ActivityEntry {
                at: at(9),
                by: actor,
                what: Tracked::Severity,
                from: Some("Medium".into()),
                to: Some("High".into()),
            }
        );
    }

    #[test]
    fn a_stale_etag_is_a_conflict_and_changes_nothing() {
        let mut incident = incident();
        let actor = analyst();
        let stale = incident.etag.clone();
        incident
            .set_severity(
                Edit {
                    by: &actor,
                    at: at(9),
                    etag: &stale,
                },
                Severity::Low,
            )
            .unwrap();
        let after_first = incident.clone();
        let error = incident
            .set_title(
                Edit {
                    by: &actor,
                    at: at(10),
                    etag: &stale,
                },
                "Other title",
            )
            .unwrap_err();
        assert!(matches!(error, EditError::Conflict { .. }));
        assert_eq!(incident, after_first);
    }

    #[test]
    fn a_change_to_the_same_value_records_nothing() {
        let mut incident = incident();
        let before = incident.clone();
        let actor = analyst();
        let edit = edit(&actor, &before, 9);
        incident.set_severity(edit, Severity::Medium).unwrap();
        incident.set_title(edit, "  Suspicious sign-in ").unwrap();
        assert_eq!(incident, before);
    }

    #[test]
    fn an_invalid_title_is_refused_with_the_field_named() {
        let mut incident = incident();
        let before = incident.clone();
        let actor = analyst();
        let error = incident
            .set_title(edit(&actor, &before, 9), "  ")
            .unwrap_err();
        let EditError::Invalid(errors) = error else {
            panic!("expected a validation error, got {error:?}");
        };
        assert_eq!(errors.all()[0].field, Field::Title);
        assert_eq!(incident, before);
    }

    #[test]
    fn closing_requires_a_classification_and_reopening_keeps_it_in_the_log() {
        let mut incident = incident();
        let actor = analyst();
        let snapshot = incident.clone();
        assert_eq!(
            incident.set_status(edit(&actor, &snapshot, 9), IncidentStatus::Closed),
            Err(EditError::ClosingNeedsClassification)
        );
        let verdict =
            Closing::from_choice(ClosingChoice::TruePositiveSuspiciousActivity, "contained");
        incident
            .close(edit(&actor, &snapshot, 9), verdict.clone())
            .unwrap();
        assert_eq!(incident.status, IncidentStatus::Closed);
        assert_eq!(incident.closing.as_ref(), Some(&verdict));

        let closed = incident.clone();
        assert_eq!(
            incident.close(edit(&actor, &closed, 10), verdict),
            Err(EditError::AlreadyClosed)
        );
        incident.reopen(edit(&actor, &closed, 10)).unwrap();
        assert_eq!(incident.status, IncidentStatus::Active);
        assert_eq!(incident.closing, None);
        let cleared = incident.activity.last().unwrap();
        assert_eq!(cleared.what, Tracked::Classification);
        assert_eq!(
            cleared.from.as_deref(),
            Some("True positive - suspicious activity: contained"),
            "the log keeps the verdict reopening cleared, comment and all"
        );
        assert_eq!(cleared.to, None);

        let open = incident.clone();
        assert_eq!(
            incident.reopen(edit(&actor, &open, 11)),
            Err(EditError::NotClosed)
        );
    }

    #[test]
    fn a_closing_comment_over_the_limit_is_refused() {
        let mut incident = incident();
        let before = incident.clone();
        let actor = analyst();
        let verdict = Closing::from_choice(ClosingChoice::Undetermined, "x".repeat(5_001));
        let error = incident
            .close(edit(&actor, &before, 9), verdict)
            .unwrap_err();
        assert!(matches!(error, EditError::Invalid(_)));
        assert_eq!(incident, before);
    }

    #[test]
    fn owners_are_assigned_validated_and_cleared() {
        let mut incident = incident();
        let actor = analyst();
        let snapshot = incident.clone();
        incident
            .set_owner(
                edit(&actor, &snapshot, 9),
                Some(Owner::person("Ana Silva", "ana@contoso.com")),
            )
            .unwrap();
        assert_eq!(incident.owner.as_ref().unwrap().display_name(), "Ana Silva");

        let assigned = incident.clone();
        let bad = Owner {
            email: Some("ana at contoso".into()),
            ..Owner::default()
        };
        assert!(matches!(
            incident.set_owner(edit(&actor, &assigned, 10), Some(bad)),
            Err(EditError::Invalid(_))
        ));
        assert_eq!(incident, assigned);

        incident
            .set_owner(edit(&actor, &assigned, 10), None)
            .unwrap();
        assert_eq!(incident.owner, None);
        let entry = incident.activity.last().unwrap();
        assert_eq!(
            (entry.from.as_deref(), entry.to.as_deref()),
            (Some("Ana Silva"), None)
        );
    }

    #[test]
    fn tags_are_replaced_but_automatic_labels_stay() {
        let mut data = incident().into_data();
        data.labels.push(Label {
            name: "Redirected".into(),
            label_type: LabelType::AutoAssigned,
        });
        let mut incident = Incident::from_data(data).unwrap();
        let actor = analyst();
        let snapshot = incident.clone();
        incident
            .set_tags(
                edit(&actor, &snapshot, 9),
                &["phishing".into(), "PHISHING".into(), "redirected".into()],
            )
            .unwrap();
        let names: Vec<(&str, LabelType)> = incident
            .labels
            .iter()
            .map(|label| (label.name.as_str(), label.label_type))
            .collect();
        assert_eq!(
            names,
            [
                ("Redirected", LabelType::AutoAssigned),
                ("phishing", LabelType::User)
            ]
        );

        let tagged = incident.clone();
        let error = incident
            .set_tags(edit(&actor, &tagged, 10), &[" ".into()])
            .unwrap_err();
        let EditError::Invalid(errors) = error else {
            panic!("expected a validation error");
        };
        assert_eq!(errors.all()[0].problem, Problem::EmptyTag { position: 2 });
        assert_eq!(incident, tagged);
    }

    #[test]
    fn comments_are_kept_trimmed_with_their_author() {
        let mut incident = incident();
        let actor = analyst();
        let snapshot = incident.clone();
        incident
            .comment(
                edit(&actor, &snapshot, 9),
                Uuid::nil(),
                "  Called the user.\nConfirmed.  ",
            )
            .unwrap();
        assert_eq!(incident.comments.len(), 1);
        assert_eq!(incident.comments[0].message, "Called the user.\nConfirmed.");
        assert_eq!(incident.comments[0].author, actor);
        assert_eq!(incident.activity.last().unwrap().what, Tracked::Comment);

        let commented = incident.clone();
        assert!(matches!(
            incident.comment(edit(&actor, &commented, 10), Uuid::nil(), " \n "),
            Err(EditError::Invalid(_))
        ));
        assert_eq!(incident, commented);
    }

    #[test]
    fn added_tags_join_the_analysts_own_once_each() {
        let mut incident = incident();
        let actor = analyst();
        let snapshot = incident.clone();
        incident
            .add_tags(
                edit(&actor, &snapshot, 9),
                &["vip".into(), "Phishing".into()],
            )
            .unwrap();
        assert_eq!(
            incident.labels,
            [Label::user("VIP"), Label::user("Phishing")]
        );
    }

    #[test]
    fn only_its_author_edits_or_deletes_a_comment_and_the_log_keeps_what_it_said() {
        let mut incident = incident();
        let ana = analyst();
        let ben = Actor::named("Ben Okafor");
        let id = Uuid::from_u128(1);
        let fresh = incident.clone();
        incident
            .comment(edit(&ana, &fresh, 9), id, "Host isolated.")
            .unwrap();

        let commented = incident.clone();
        assert_eq!(
            incident.edit_comment(edit(&ben, &commented, 10), id, "Not isolated."),
            Err(EditError::NotYourComment {
                author: "Ana Silva".into()
            })
        );
        assert_eq!(
            incident.delete_comment(edit(&ben, &commented, 10), id),
            Err(EditError::NotYourComment {
                author: "Ana Silva".into()
            })
        );
        assert_eq!(
            incident.delete_comment(edit(&ana, &commented, 10), Uuid::from_u128(2)),
            Err(EditError::NoSuchComment)
        );
        assert_eq!(incident, commented);

        incident
            .edit_comment(edit(&ana, &commented, 11), id, " Host isolated at 11:00. ")
            .unwrap();
        assert_eq!(incident.comments[0].message, "Host isolated at 11:00.");
        assert_eq!(incident.comments[0].created, at(9));
        assert_eq!(incident.comments[0].modified, at(11));
        let entry = incident.activity.last().unwrap();
        assert_eq!(entry.from.as_deref(), Some("Host isolated."));
        assert_eq!(entry.headline(), "Comment edited");

        let edited = incident.clone();
        incident
            .delete_comment(edit(&ana, &edited, 12), id)
            .unwrap();
        assert!(incident.comments.is_empty());
        let entry = incident.activity.last().unwrap();
        assert_eq!(
            (entry.what, entry.from.as_deref(), entry.to.as_deref()),
            (Tracked::Comment, Some("Host isolated at 11:00."), None)
        );
        assert_eq!(entry.headline(), "Comment deleted");
        assert_eq!(incident.activity[1].headline(), "Comment added");
    }

    #[test]
    fn every_successful_change_gives_a_new_etag() {
        let mut incident = incident();
        let actor = analyst();
        let mut seen = vec![incident.etag.clone()];
        for (hour, severity) in [
            (9, Severity::High),
            (10, Severity::Low),
            (11, Severity::High),
        ] {
            let snapshot = incident.clone();
            incident
                .set_severity(edit(&actor, &snapshot, hour), severity)
                .unwrap();
            assert!(
                !seen.contains(&incident.etag),
                "etag {} reused",
                incident.etag
            );
            seen.push(incident.etag.clone());
        }
    }

    #[test]
    fn data_from_outside_is_normalised_or_refused_per_field() {
        let mut data = incident().into_data();
        data.title = "  Imported  ".into();
        data.labels = vec![Label::user(" a "), Label::user("A")];
        let incident = Incident::from_data(data.clone()).unwrap();
        assert_eq!(incident.title, "Imported");
        assert_eq!(incident.labels, [Label::user("a")]);

        data.title = String::new();
        data.status = IncidentStatus::Closed;
        let errors = Incident::from_data(data).unwrap_err();
        let fields: Vec<Field> = errors.all().iter().map(|error| error.field).collect();
        assert_eq!(fields, [Field::Title, Field::Classification]);
    }
}
