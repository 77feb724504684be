//! An incident as an analyst types it on the creation form, before it is checked.

use super::closing::{Closing, ClosingChoice};
use super::people::Owner;
use super::validation::{self, ValidationErrors};
use super::vocabulary::{IncidentStatus, Severity};

/// The creation form's fields, exactly as typed. Defaults are the portal's: Medium, New.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentDraft {
    /// Required; trimmed.
    pub title: String,
    /// Optional; bounded.
    pub description: String,
    /// Defaults to Medium.
    pub severity: Severity,
    /// Defaults to New.
    pub status: IncidentStatus,
    /// The closing choice; required when the status is Closed, ignored otherwise.
    pub closing: Option<ClosingChoice>,
    /// The closing comment; used only when the status is Closed.
    pub closing_comment: String,
    /// Optional owner.
    pub owner: Option<Owner>,
    /// Tags as typed.
    pub tags: Vec<String>,
}

/// A draft that passed every rule, with its text normalised; only [`IncidentDraft::validate`]
/// makes one, so an incident is never created from unchecked input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDraft {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) severity: Severity,
    pub(super) status: IncidentStatus,
    pub(super) closing: Option<Closing>,
    pub(super) owner: Option<Owner>,
    pub(super) tags: Vec<String>,
}

impl ValidDraft {
    /// Who will own the incident.
    pub fn owner(&self) -> Option<&Owner> {
        self.owner.as_ref()
    }

    /// Whether it will be created closed, and so hidden by the queue's default filter.
    pub fn is_closed(&self) -> bool {
        self.status == IncidentStatus::Closed
    }
}

impl IncidentDraft {
    /// Adds a tag as typed, trimmed; nothing when it is blank or already there in any case.
    /// Returns whether it was added.
    pub fn add_tag(&mut self, typed: &str) -> bool {
        let tag = typed.trim();
        let key = validation::tag_key(tag);
        if tag.is_empty()
            || self
                .tags
                .iter()
                .any(|known| validation::tag_key(known) == key)
        {
            return false;
        }
        self.tags.push(tag.to_owned());
        true
    }

    /// Removes a tag.
    pub fn remove_tag(&mut self, tag: &str) {
        self.tags.retain(|known| known != tag);
    }

    /// Whether the analyst has typed or chosen anything: leaving the form would lose it.
    pub fn is_blank(&self) -> bool {
        *self == IncidentDraft::default()
    }

    /// Checks every field and reports every problem at once, in the form's order.
    pub fn validate(&self) -> Result<ValidDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = validation::title(&self.title, &mut errors);
        let description = validation::description(&self.description, &mut errors);
        // The classification controls only exist while Closed is chosen; a choice left over from
        // before the status was changed back is not part of what the analyst submits.
        let closing = (self.status == IncidentStatus::Closed)
            .then_some(self.closing)
            .flatten()
            .map(|choice| Closing::from_choice(choice, self.closing_comment.trim()));
        validation::closing(self.status, closing.as_ref(), &mut errors);
        let owner = match &self.owner {
            Some(owner) => validation::owner(owner, &mut errors),
            None => None,
        };
        let tags = validation::tags(self.tags.iter().map(String::as_str), &mut errors);
        errors.into_result(ValidDraft {
            title,
            description,
            severity: self.severity,
            status: self.status,
            closing,
            owner,
            tags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::{Field, Problem};

    #[test]
    fn every_problem_is_reported_at_once() {
        let draft = IncidentDraft {
            title: "   ".into(),
            description: "d".repeat(5_001),
            status: IncidentStatus::Closed,
            tags: vec!["".into()],
            ..IncidentDraft::default()
        };
        let errors = draft.validate().unwrap_err();
        let fields: Vec<Field> = errors.all().iter().map(|error| error.field).collect();
        assert_eq!(
            fields,
            [
                Field::Title,
                Field::Description,
                Field::Classification,
                Field::Tags
            ]
        );
        assert_eq!(
            errors
                .for_field(Field::Classification)
                .next()
                .unwrap()
                .problem,
            Problem::RequiredWhenClosed
        );
    }

    #[test]
    fn tags_are_added_trimmed_once_whatever_their_case_and_removed_one_by_one() {
        let mut draft = IncidentDraft::default();
        assert!(draft.is_blank());
        assert!(draft.add_tag("  Phishing "));
        assert!(!draft.add_tag("PHISHING"));
        assert!(!draft.add_tag("   "));
        assert!(draft.add_tag("sms"));
        assert_eq!(draft.tags, ["Phishing", "sms"]);
        assert!(!draft.is_blank());
        draft.remove_tag("Phishing");
        assert_eq!(draft.tags, ["sms"]);
    }

    #[test]
    fn a_minimal_draft_takes_the_portal_defaults() {
        let valid = IncidentDraft {
            title: "Suspicious visitor at reception".into(),
            ..IncidentDraft::default()
        }
        .validate()
        .unwrap();
        assert_eq!(valid.severity, Severity::Medium);
        assert_eq!(valid.status, IncidentStatus::New);
        assert_eq!(valid.closing, None);
    }

    #[test]
    fn a_closing_choice_left_over_from_closed_is_dropped_when_the_status_changes_back() {
        let valid = IncidentDraft {
            title: "SMS phishing wave".into(),
            status: IncidentStatus::Active,
            closing: Some(ClosingChoice::Undetermined),
            ..IncidentDraft::default()
        }
        .validate()
        .unwrap();
        assert_eq!(valid.closing, None);
    }

    #[test]
    fn each_closing_choice_closes_a_draft() {
        for choice in ClosingChoice::ALL {
            let valid = IncidentDraft {
                title: "Hunt finding".into(),
                status: IncidentStatus::Closed,
                closing: Some(choice),
                closing_comment: "  checked with the user  ".into(),
                ..IncidentDraft::default()
            }
            .validate()
            .unwrap();
            let closing = valid.closing.unwrap();
            assert_eq!(closing.choice(), Some(choice));
            assert_eq!(closing.comment(), "checked with the user");
        }
    }
}
