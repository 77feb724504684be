//! A workspace's incidents and the counter that numbers them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::correlation::{
    Correlation, CorrelationSettings, PortableCorrelation, SettingsError, Undo,
};
use super::draft::ValidDraft;
use super::incident::Incident;
use super::number_table::{NumberTable, Numbered};
use super::people::{Actor, Owner};
use super::team::Team;
use super::validation;
use super::vocabulary::LabelType;

/// A workspace's incidents by number. Each is boxed: an incident is built boxed, often on the
/// thread that keys alerts, and moved in as a pointer, so that inserting one out of order moves
/// pointers, not incidents.
pub(crate) type IncidentTable = NumberTable<Box<Incident>>;

impl Numbered for Box<Incident> {
    fn number(&self) -> u64 {
        self.number
    }
}

/// The incidents and alerts of one workspace. Numbers come from a counter that only moves
/// forward, so a deleted incident's number is never given to another one. Every alert belongs
/// to exactly one live incident.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Its incidents by number.
    pub(crate) incidents: IncidentTable,
    pub(crate) next_number: u64,
    pub(crate) correlation: Correlation,
    /// What restores the state before the last merge or move; cleared by any other change.
    pub(crate) undo: Option<Undo>,
    /// Its analyst and known owners.
    team: Team,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace {
            incidents: IncidentTable::default(),
            next_number: 1,
            correlation: Correlation::default(),
            undo: None,
            team: Team::default(),
        }
    }
}

impl PartialEq for Workspace {
    /// Equal in everything an analyst can see; a pending undo does not count.
    fn eq(&self, other: &Workspace) -> bool {
        self.incidents == other.incidents
            && self.next_number == other.next_number
            && self.correlation == other.correlation
            && self.team == other.team
    }
}

impl Eq for Workspace {}

/// Why a batch of numbered incidents was refused; nothing of the batch was taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdoptError {
    /// The number already belongs to a different incident, stored or earlier in the batch.
    NumberTaken {
        /// The number both claim.
        number: u64,
    },
    /// The same incident (by id) arrives under a second number.
    IdUnderTwoNumbers {
        /// The incident's id.
        id: Uuid,
        /// The number it already has.
        first: u64,
        /// The other number it came with.
        second: u64,
    },
}

impl fmt::Display for AdoptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdoptError::NumberTaken { number } => write!(
                f,
                "incident number {number} already belongs to another incident in this workspace"
            ),
            AdoptError::IdUnderTwoNumbers { id, first, second } => write!(
                f,
                "incident {id} arrives as number {second} but is already number {first}"
            ),
        }
    }
}

impl std::error::Error for AdoptError {}

/// What an import of numbered incidents does to each, by number: what the report promises
/// and what applying it wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adoption {
    /// Not stored before.
    pub added: Vec<u64>,
    /// Stored, untouched here since an earlier import, and different in the file: replaced.
    pub replaced: Vec<u64>,
    /// Stored exactly as the file has them: nothing to do.
    pub unchanged: Vec<u64>,
    /// Stored and changed here since they were imported: kept, the file's copy left out.
    pub kept: Vec<u64>,
}

impl Adoption {
    /// The incidents applying it writes.
    pub fn written(&self) -> impl Iterator<Item = u64> + '_ {
        self.added.iter().chain(&self.replaced).copied()
    }
}

impl Workspace {
    /// The number the next created incident will get.
    pub fn next_number(&self) -> u64 {
        self.next_number
    }

    /// Creates an incident from a checked draft under the next number; its owner becomes a
    /// known owner.
    pub fn create(
        &mut self,
        id: Uuid,
        draft: ValidDraft,
        by: &Actor,
        at: DateTime<Utc>,
    ) -> &Incident {
        self.undo = None;
        if let Some(owner) = draft.owner() {
            self.team.remember(owner);
        }
        let number = self.next_number;
        self.next_number += 1;
        let incident = Box::new(Incident::create(id, number, draft, by, at));
        self.incidents.insert(incident);
        &self.incidents[&number]
    }

    /// What taking in incidents that already carry numbers (an import) would do, worked out
    /// without changing anything, so the report can say it before **Apply**. Refused whole if
    /// any number belongs to a different incident, stored or in the same batch, or if one
    /// incident comes under two numbers.
    pub fn plan_adoption(&self, incoming: &[Incident]) -> Result<Adoption, AdoptError> {
        let mut number_of: BTreeMap<Uuid, u64> = self
            .incidents
            .values()
            .map(|incident| (incident.id, incident.number))
            .collect();
        let mut id_of: BTreeMap<u64, Uuid> = self
            .incidents
            .values()
            .map(|incident| (incident.number, incident.id))
            .collect();
        let mut adoption = Adoption::default();
        for incident in incoming {
            let (id, number) = (incident.id, incident.number);
            if *id_of.entry(number).or_insert(id) != id {
                return Err(AdoptError::NumberTaken { number });
            }
            let first = *number_of.entry(id).or_insert(number);
            if first != number {
                return Err(AdoptError::IdUnderTwoNumbers {
                    id,
                    first,
                    second: number,
                });
            }
            let bucket = match self.incidents.get(&number) {
                None => &mut adoption.added,
                Some(stored) if **stored == *incident => &mut adoption.unchanged,
                Some(stored) if stored.holds_work_done_here() => &mut adoption.kept,
                Some(_) => &mut adoption.replaced,
            };
            bucket.push(number);
        }
        Ok(adoption)
    }

    /// Takes in incidents that already carry numbers (an import), all or none, as
    /// [`Workspace::plan_adoption`] says: new ones are added, a stored one untouched since it
    /// was imported is replaced by the file's copy, one changed here since is kept as it is.
    pub fn adopt(&mut self, incoming: Vec<Incident>) -> Result<Adoption, AdoptError> {
        let adoption = self.plan_adoption(&incoming)?;
        self.undo = None;
        let written: BTreeSet<u64> = adoption.written().collect();
        let adopted: Vec<Box<Incident>> = incoming
            .into_iter()
            .filter(|incident| written.contains(&incident.number))
            .map(Box::new)
            .collect();
        if let Some(last) = adopted.iter().map(|incident| incident.number).max() {
            self.next_number = self.next_number.max(last + 1);
        }
        self.incidents.insert_all(adopted);
        Ok(adoption)
    }

    /// The incident with this number.
    pub fn incident(&self, number: u64) -> Option<&Incident> {
        self.incidents.get(&number).map(Box::as_ref)
    }

    /// The incident with this number, to change through its methods.
    pub fn incident_mut(&mut self, number: u64) -> Option<&mut Incident> {
        self.undo = None;
        self.incidents.get_mut(&number).map(Box::as_mut)
    }

    /// A workspace rebuilt from stored parts, after checking they agree: numbers unique and
    /// below the counter, every alert in a live incident that lists it, every listed alert
    /// stored. The first disagreement is named.
    pub fn restore(
        incidents: Vec<Incident>,
        next_number: u64,
        correlation: PortableCorrelation,
    ) -> Result<Workspace, String> {
        let mut by_number = BTreeMap::new();
        for incident in incidents {
            let number = incident.number;
            if number >= next_number {
                return Err(format!(
                    "incident {number} is not below the next number {next_number}"
                ));
            }
            if by_number.insert(number, Box::new(incident)).is_some() {
                return Err(format!("incident {number} is stored twice"));
            }
        }
        for stored in &correlation.alerts {
            let id = &stored.alert.id;
            let incident = by_number.get(&stored.incident).ok_or_else(|| {
                format!(
                    "alert {id} belongs to incident {}, which is not stored",
                    stored.incident
                )
            })?;
            if incident.merged_into.is_some() || !incident.alert_ids.contains(id) {
                return Err(format!(
                    "alert {id} belongs to incident {}, which does not list it",
                    stored.incident
                ));
            }
        }
        let listed: usize = by_number
            .values()
            .map(|incident| incident.alert_ids.len())
            .sum();
        if listed != correlation.alerts.len() {
            return Err(format!(
                "incidents list {listed} alerts but {} are stored",
                correlation.alerts.len()
            ));
        }
        Ok(Workspace {
            incidents: by_number.into_values().collect(),
            next_number,
            correlation: Correlation::from_portable(correlation)?,
            undo: None,
            team: Team::default(),
        })
    }

    /// The same workspace with this team (restored apart, from the workspace's settings).
    pub fn with_team(self, team: Team) -> Workspace {
        Workspace { team, ..self }
    }

    /// Makes room for `count` more alerts at once: a large import taken in by slices then
    /// never stops to copy its tables as they outgrow their room, which takes the page for
    /// tens of milliseconds each time.
    pub fn reserve_alerts(&mut self, count: usize) {
        self.correlation.reserve(count);
    }

    /// Its analyst and known owners.
    pub fn team(&self) -> &Team {
        &self.team
    }

    /// Its analyst and known owners, to change; no incident changes with them.
    pub fn team_mut(&mut self) -> &mut Team {
        &mut self.team
    }

    /// The analysts' tags of incidents created or changed since `since`, most used first (then
    /// alphabetically), each once whatever its case: what tag fields suggest. Tags Sentinel
    /// sets itself (`Redirected`) are not for analysts to add, so they are not suggested.
    pub fn recent_tags(&self, since: DateTime<Utc>) -> Vec<String> {
        let mut counts: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for incident in self
            .incidents
            .values()
            .filter(|incident| incident.modified >= since)
        {
            let typed = incident
                .labels
                .iter()
                .filter(|label| label.label_type == LabelType::User);
            for label in typed {
                let entry = counts
                    .entry(validation::tag_key(&label.name))
                    .or_insert_with(|| (0, label.name.clone()));
                entry.0 += 1;
            }
        }
        let mut tags: Vec<(usize, String)> = counts.into_values().collect();
        tags.sort_by(|(count_a, a), (count_b, b)| count_b.cmp(count_a).then_with(|| a.cmp(b)));
        tags.into_iter().map(|(_, tag)| tag).collect()
    }

    /// The owners an owner field suggests: the team's, then those of incidents, each principal
    /// once.
    pub fn known_owners(&self) -> Vec<Owner> {
        let mut everyone = self.team.clone();
        for owner in self
            .incidents
            .values()
            .filter_map(|incident| incident.owner.as_ref())
        {
            everyone.remember(owner);
        }
        everyone.owners().to_vec()
    }

    /// The alerts and how they were correlated.
    pub fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    /// Changes the correlation settings for alerts ingested from now on.
    pub fn set_correlation_settings(
        &mut self,
        settings: CorrelationSettings,
    ) -> Result<(), SettingsError> {
        settings.validate()?;
        self.correlation.replace_settings(settings);
        Ok(())
    }

    /// The incidents whose numbers fall in a range, by number: a slice of the queue.
    pub fn incidents_in(&self, numbers: Range<u64>) -> impl Iterator<Item = &Incident> {
        self.incidents.range(numbers).map(Box::as_ref)
    }

    /// Every incident, by number.
    pub fn incidents(&self) -> impl Iterator<Item = &Incident> {
        self.incidents.values().map(Box::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::IncidentDraft;
    use crate::incident::{ActivityLog, Edit, IncidentData};
    use proptest::prelude::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T08:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn recent_tags_are_those_of_the_last_incidents_most_used_first_each_once() {
        let mut workspace = Workspace::default();
        let analyst = Actor::named("Ana Silva");
        let tagged = |title: &str, tags: &[&str]| {
            IncidentDraft {
                title: title.into(),
                tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
                ..IncidentDraft::default()
            }
            .validate()
            .unwrap()
        };
        let old = at() - chrono::Duration::days(20);
        workspace.create(
            Uuid::from_u128(1),
            tagged("Old", &["legacy"]),
            &analyst,
            old,
        );
        workspace.create(
            Uuid::from_u128(2),
            tagged("A", &["sms", "Phishing"]),
            &analyst,
            at(),
        );
        workspace.create(
            Uuid::from_u128(3),
            tagged("B", &["phishing"]),
            &analyst,
            at(),
        );
        // Merged away, B also carries Sentinel's Redirected, which is not suggested.
        workspace
            .incident_mut(3)
            .unwrap()
            .redirect_into(2, &analyst, at());
        assert_eq!(
            workspace.recent_tags(at() - chrono::Duration::days(14)),
            ["Phishing", "sms"]
        );
        assert!(Workspace::default().recent_tags(at()).is_empty());
    }

    #[test]
    fn known_owners_come_from_the_team_and_the_incidents_each_once() {
        let mut workspace = Workspace::default();
        workspace
            .team_mut()
            .set_analyst("Ana Silva", "ana@contoso.com")
            .unwrap();
        let owned = IncidentDraft {
            title: "Owned".into(),
            owner: Some(Owner::person("Bo Chen", "bo@contoso.com")),
            ..IncidentDraft::default()
        };
        let analyst = Actor::named("Ana Silva");
        for (id, draft) in [(1, owned.clone()), (2, owned)] {
            workspace.create(
                Uuid::from_u128(id),
                draft.validate().unwrap(),
                &analyst,
                at(),
            );
        }
        let names: Vec<String> = workspace
            .known_owners()
            .iter()
            .map(Owner::display_name)
            .collect();
        assert_eq!(names, ["Ana Silva", "Bo Chen"]);
    }

    fn draft(title: &str) -> ValidDraft {
        IncidentDraft {
            title: title.into(),
            ..IncidentDraft::default()
        }
        .validate()
        .unwrap()
    }

    fn create(workspace: &mut Workspace, title: &str) -> u64 {
        workspace
            .create(Uuid::new_v4(), draft(title), &Actor::named("test"), at())
            .number
    }

    #[test]
    fn numbers_are_sequential_from_one() {
        let mut workspace = Workspace::default();
        assert_eq!(create(&mut workspace, "a"), 1);
        assert_eq!(create(&mut workspace, "b"), 2);
    }

    #[test]
    fn a_deleted_number_is_never_given_again() {
        let mut workspace = Workspace::default();
        create(&mut workspace, "a");
        let last = create(&mut workspace, "b");
        assert_eq!(workspace.delete(&[last]).incidents, [last]);
        assert_eq!(create(&mut workspace, "c"), 3);
        assert!(workspace.incident(2).is_none());
    }

    #[test]
    fn adopting_numbered_incidents_moves_the_counter_past_them() {
        let mut workspace = Workspace::default();
        let imported = Incident::create(
            Uuid::new_v4(),
            3177,
            draft("imported"),
            &Actor::named("import"),
            at(),
        );
        workspace.adopt(vec![imported]).unwrap();
        assert_eq!(create(&mut workspace, "next"), 3178);
    }

    #[test]
    fn adopting_a_taken_number_refuses_the_whole_batch() {
        let mut workspace = Workspace::default();
        create(&mut workspace, "existing");
        let before = workspace.clone();
        let batch = vec![
            Incident::create(
                Uuid::new_v4(),
                50,
                draft("fine"),
                &Actor::named("import"),
                at(),
            ),
            Incident::create(
                Uuid::new_v4(),
                1,
                draft("clash"),
                &Actor::named("import"),
                at(),
            ),
        ];
        assert_eq!(
            workspace.adopt(batch),
            Err(AdoptError::NumberTaken { number: 1 })
        );
        assert_eq!(workspace, before);
    }

    #[test]
    fn two_incidents_of_one_batch_cannot_share_a_number() {
        let mut workspace = Workspace::default();
        let batch = vec![
            Incident::create(
                Uuid::new_v4(),
                9,
                draft("first"),
                &Actor::named("import"),
                at(),
            ),
            Incident::create(
                Uuid::new_v4(),
                9,
                draft("second"),
                &Actor::named("import"),
                at(),
            ),
        ];
        assert_eq!(
            workspace.adopt(batch),
            Err(AdoptError::NumberTaken { number: 9 })
        );
        assert_eq!(workspace.incidents().count(), 0);
    }

    #[test]
    fn one_incident_under_two_numbers_is_refused() {
        let mut workspace = Workspace::default();
        let id = Uuid::new_v4();
        workspace
            .adopt(vec![Incident::create(
                id,
                4,
                draft("kept"),
                &Actor::named("import"),
                at(),
            )])
            .unwrap();
        let before = workspace.clone();
        let again = Incident::create(id, 5, draft("again"), &Actor::named("import"), at());
        assert_eq!(
            workspace.adopt(vec![again]),
            Err(AdoptError::IdUnderTwoNumbers {
                id,
                first: 4,
                second: 5
            })
        );
        assert_eq!(workspace, before);
    }

    #[test]
    fn adopting_the_same_incident_again_replaces_it() {
        let mut workspace = Workspace::default();
        let (first, newer) = (imported(4, "first"), imported(4, "newer"));
        workspace.adopt(vec![first]).unwrap();
        let adoption = workspace.adopt(vec![newer]).unwrap();
        assert_eq!(adoption.replaced, [4]);
        assert_eq!(workspace.incident(4).unwrap().title, "newer");
        assert_eq!(workspace.incidents().count(), 1);
    }

    /// An incident as an import reads it: no alerts, comments or log of its own.
    fn imported(number: u64, title: &str) -> Incident {
        let id = Uuid::from_u128(u128::from(number));
        let created = Incident::create(id, number, draft(title), &Actor::named("import"), at());
        Incident::from_data(IncidentData {
            activity: ActivityLog::new(),
            ..(*created).clone()
        })
        .unwrap()
    }

    #[test]
    fn the_same_file_again_changes_nothing_and_says_so() {
        let mut workspace = Workspace::default();
        let file = vec![imported(7, "seven"), imported(8, "eight")];
        assert_eq!(workspace.adopt(file.clone()).unwrap().added, [7, 8]);
        let before = workspace.clone();
        let again = workspace.adopt(file).unwrap();
        assert_eq!(again.unchanged, [7, 8]);
        assert_eq!(again.written().count(), 0);
        assert_eq!(workspace, before);
    }

    #[test]
    fn an_incident_commented_here_is_kept_when_a_file_brings_it_again() {
        let mut workspace = Workspace::default();
        workspace.adopt(vec![imported(7, "seven")]).unwrap();
        let analyst = Actor::named("Ana Silva");
        let incident = workspace.incident_mut(7).unwrap();
        let etag = incident.etag.clone();
        let edit = Edit {
            by: &analyst,
            at: at(),
            etag: &etag,
        };
        incident
            .comment(edit, Uuid::nil(), "called the user")
            .unwrap();
        let commented = workspace.clone();
        let adoption = workspace
            .adopt(vec![
                imported(7, "seven, as Sentinel has it"),
                imported(9, "nine"),
            ])
            .unwrap();
        assert_eq!((adoption.kept, adoption.added), (vec![7], vec![9]));
        assert_eq!(workspace.incident(7), commented.incident(7));
    }

    #[test]
    fn planning_an_adoption_changes_nothing_and_foretells_it() {
        let mut workspace = Workspace::default();
        workspace.adopt(vec![imported(7, "seven")]).unwrap();
        let before = workspace.clone();
        let file = vec![imported(7, "seven, renamed"), imported(9, "nine")];
        let plan = workspace.plan_adoption(&file).unwrap();
        assert_eq!(workspace, before);
        assert_eq!(workspace.adopt(file), Ok(plan));
        let clash = Incident::create(Uuid::new_v4(), 9, draft("other"), &Actor::named("x"), at());
        assert_eq!(
            workspace.plan_adoption(&[clash]),
            Err(AdoptError::NumberTaken { number: 9 })
        );
    }

    proptest! {
        /// Whatever mix of creations and deletions happens, no number is handed out twice.
        #[test]
        fn numbers_are_never_reused(steps in proptest::collection::vec(any::<Option<u8>>(), 1..60)) {
            let mut workspace = Workspace::default();
            let mut handed_out = Vec::new();
            for step in steps {
                match step {
                    None => handed_out.push(create(&mut workspace, "x")),
                    Some(pick) => {
                        if !handed_out.is_empty() {
                            let number = handed_out[usize::from(pick) % handed_out.len()];
                            workspace.delete(&[number]);
                        }
                    }
                }
            }
            let mut distinct = handed_out.clone();
            distinct.dedup();
            prop_assert_eq!(distinct, handed_out);
        }
    }
}
