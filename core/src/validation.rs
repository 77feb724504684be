//! Field rules shared by every way an incident comes in (the form, an import, a stored record),
//! reported per field and all at once so the analyst fixes everything in one pass.

use std::fmt;

use chrono::{DateTime, Utc};

use super::closing::{Closing, ReasonMismatch};
use super::people::Owner;
use super::vocabulary::IncidentStatus;

/// Upper bounds on what an analyst can type. Sentinel documents only the description's; the
/// others are generous ceilings that stop a runaway paste, not a real analyst.
pub mod limits {
    /// Longer than any title in a real queue, short enough to stay on one screen line or two.
    pub const TITLE_MAX_CHARS: usize = 256;
    /// The portal's own limit.
    pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
    /// Same room as the description: the closing note is often the incident's summary.
    pub const CLOSING_COMMENT_MAX_CHARS: usize = 5_000;
    /// Sentinel's limit for one incident comment.
    pub const COMMENT_MAX_CHARS: usize = 30_000;
    /// Far more tags than fit in a queue cell; beyond this they stop being useful to filter on.
    pub const TAGS_MAX: usize = 50;
    /// A tag is a word or a short phrase.
    pub const TAG_MAX_CHARS: usize = 128;
    /// For each of an owner's name, e-mail and user principal name.
    pub const OWNER_FIELD_MAX_CHARS: usize = 256;
}

/// An input field of an incident, named as the analyst sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The incident's title.
    Title,
    /// The free-text description.
    Description,
    /// The status.
    Status,
    /// The closing classification and reason.
    Classification,
    /// The comment given on closing.
    ClosingComment,
    /// Who owns the incident.
    Owner,
    /// The tags (labels).
    Tags,
    /// A comment on the incident.
    Comment,
    /// The first and last activity times.
    ActivityTimes,
    /// The name of the analyst at this desk.
    AnalystName,
    /// The e-mail of the analyst at this desk.
    AnalystEmail,
}

impl Field {
    /// The field's label on the form, used to start every message about it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "Title",
            Field::Description => "Description",
            Field::Status => "Status",
            Field::Classification => "Classification",
            Field::ClosingComment => "Closing comment",
            Field::Owner => "Owner",
            Field::Tags => "Tags",
            Field::Comment => "Comment",
            Field::ActivityTimes => "Activity times",
            Field::AnalystName => "Your name",
            Field::AnalystEmail => "Your e-mail",
        }
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Empty, or only spaces.
    Required,
    /// Over the limit, counted in characters (not bytes).
    TooLong {
        /// The most allowed.
        max: usize,
        /// How many were given.
        actual: usize,
    },
    /// Status Closed without a classification.
    RequiredWhenClosed,
    /// A classification on an incident that is not closed.
    OnlyWhenClosed,
    /// A reason that belongs to another classification.
    ReasonMismatch(ReasonMismatch),
    /// The tag at this position (counting from 1) is empty after trimming.
    EmptyTag {
        /// Its position in the list, from 1.
        position: usize,
    },
    /// The tag at this position is longer than allowed.
    TagTooLong {
        /// Its position in the list, from 1.
        position: usize,
        /// The most characters allowed.
        max: usize,
    },
    /// More distinct tags than allowed.
    TooManyTags {
        /// The most allowed.
        max: usize,
        /// How many distinct tags were given.
        actual: usize,
    },
    /// An owner with nothing to identify them by.
    OwnerUnidentified,
    /// An e-mail address that cannot be one.
    InvalidEmail,
    /// First activity after last activity.
    FirstAfterLast,
}

/// One field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field at fault.
    pub field: Field,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.field.label();
        match &self.problem {
            Problem::Required => write!(f, "{label} is required"),
            Problem::TooLong { max, actual } => write!(
                f,
                "{label} is {actual} characters long; at most {max} are allowed"
            ),
            Problem::RequiredWhenClosed => write!(f, "{label} is required to close an incident"),
            Problem::OnlyWhenClosed => write!(f, "{label} is only given when the status is Closed"),
            Problem::ReasonMismatch(mismatch) => write!(f, "{label}: {mismatch}"),
            Problem::EmptyTag { position } => write!(f, "{label}: tag {position} is empty"),
            Problem::TagTooLong { position, max } => {
                write!(f, "{label}: tag {position} is longer than {max} characters")
            }
            Problem::TooManyTags { max, actual } => {
                write!(f, "{label}: {actual} tags given; at most {max} are allowed")
            }
            Problem::OwnerUnidentified => {
                write!(
                    f,
                    "{label} needs a name, e-mail, user principal name or object id"
                )
            }
            Problem::InvalidEmail => write!(f, "{label}: the e-mail address is not valid"),
            Problem::FirstAfterLast => {
                write!(f, "{label}: first activity is after last activity")
            }
        }
    }
}

/// Every problem found in one input, in field order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// Records a problem.
    pub fn push(&mut self, field: Field, problem: Problem) {
        self.0.push(FieldError { field, problem });
    }

    /// All problems, in the order found.
    pub fn all(&self) -> &[FieldError] {
        &self.0
    }

    /// The problems with one field, for showing beside it.
    pub fn for_field(&self, field: Field) -> impl Iterator<Item = &FieldError> {
        self.0.iter().filter(move |error| error.field == field)
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was found, otherwise every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Characters, not bytes: "é" counts once, as an analyst would count it.
fn char_count(text: &str) -> usize {
    text.chars().count()
}

fn check_length(text: &str, field: Field, max: usize, errors: &mut ValidationErrors) {
    let actual = char_count(text);
    if actual > max {
        errors.push(field, Problem::TooLong { max, actual });
    }
}

/// A title: trimmed, required, bounded.
pub fn title(raw: &str, errors: &mut ValidationErrors) -> String {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        errors.push(Field::Title, Problem::Required);
    }
    check_length(trimmed, Field::Title, limits::TITLE_MAX_CHARS, errors);
    trimmed.to_owned()
}

/// The analyst's own name and e-mail: a name is required, an e-mail is optional and must look
/// like one; both bounded as an owner's fields are.
pub fn analyst(name: &str, email: &str, errors: &mut ValidationErrors) -> Owner {
    let analyst = Owner::person(name, email);
    match &analyst.assigned_to {
        None => errors.push(Field::AnalystName, Problem::Required),
        Some(name) => check_length(
            name,
            Field::AnalystName,
            limits::OWNER_FIELD_MAX_CHARS,
            errors,
        ),
    }
    if let Some(email) = &analyst.email {
        check_length(
            email,
            Field::AnalystEmail,
            limits::OWNER_FIELD_MAX_CHARS,
            errors,
        );
        if !looks_like_email(email) {
            errors.push(Field::AnalystEmail, Problem::InvalidEmail);
        }
    }
    analyst
}

/// A description: optional, bounded; kept as typed, since its line breaks and indentation matter.
pub fn description(raw: &str, errors: &mut ValidationErrors) -> String {
    check_length(
        raw,
        Field::Description,
        limits::DESCRIPTION_MAX_CHARS,
        errors,
    );
    raw.to_owned()
}

/// A comment on an incident: required after trimming, bounded.
pub fn comment(raw: &str, errors: &mut ValidationErrors) -> String {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        errors.push(Field::Comment, Problem::Required);
    }
    check_length(trimmed, Field::Comment, limits::COMMENT_MAX_CHARS, errors);
    trimmed.to_owned()
}

/// Tags: each trimmed and non-empty, duplicates (ignoring case) dropped keeping the first
/// spelling, their number and length bounded.
pub fn tags<'a>(
    raw: impl IntoIterator<Item = &'a str>,
    errors: &mut ValidationErrors,
) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    let mut folded_seen: Vec<String> = Vec::new();
    for (index, tag) in raw.into_iter().enumerate() {
        let position = index + 1;
        let trimmed = tag.trim();
        if trimmed.is_empty() {
            errors.push(Field::Tags, Problem::EmptyTag { position });
            continue;
        }
        if char_count(trimmed) > limits::TAG_MAX_CHARS {
            errors.push(
                Field::Tags,
                Problem::TagTooLong {
                    position,
                    max: limits::TAG_MAX_CHARS,
                },
            );
            continue;
        }
        let folded = tag_key(trimmed);
        if !folded_seen.contains(&folded) {
            folded_seen.push(folded);
            kept.push(trimmed.to_owned());
        }
    }
    if kept.len() > limits::TAGS_MAX {
        errors.push(
            Field::Tags,
            Problem::TooManyTags {
                max: limits::TAGS_MAX,
                actual: kept.len(),
            },
        );
    }
    kept
}

/// What makes two tags one: the same text, whatever its case and the spaces around it.
pub fn tag_key(tag: &str) -> String {
    tag.trim().to_lowercase()
}

/// An owner: trimmed fields, at least one way to identify them, a plausible e-mail.
pub fn owner(raw: &Owner, errors: &mut ValidationErrors) -> Option<Owner> {
    let owner = raw.trimmed();
    if owner.is_unidentified() {
        errors.push(Field::Owner, Problem::OwnerUnidentified);
        return None;
    }
    for text in [&owner.assigned_to, &owner.email, &owner.user_principal_name]
        .into_iter()
        .flatten()
    {
        check_length(text, Field::Owner, limits::OWNER_FIELD_MAX_CHARS, errors);
    }
    if let Some(email) = &owner.email
        && !looks_like_email(email)
    {
        errors.push(Field::Owner, Problem::InvalidEmail);
    }
    Some(owner)
}

/// The shape every address has (`local@domain`, no spaces); the mail system judges the rest.
fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Status and verdict agree: Closed needs a verdict, anything else has none, and the closing
/// comment is bounded.
pub fn closing(status: IncidentStatus, closing: Option<&Closing>, errors: &mut ValidationErrors) {
    match (status, closing) {
        (IncidentStatus::Closed, None) => {
            errors.push(Field::Classification, Problem::RequiredWhenClosed)
        }
        (IncidentStatus::New | IncidentStatus::Active, Some(_)) => {
            errors.push(Field::Classification, Problem::OnlyWhenClosed)
        }
        _ => {}
    }
    if let Some(closing) = closing {
        check_length(
            closing.comment(),
            Field::ClosingComment,
            limits::CLOSING_COMMENT_MAX_CHARS,
            errors,
        );
    }
}

/// First activity is not after last activity, when both are known.
pub fn activity_times(
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    errors: &mut ValidationErrors,
) {
    if let (Some(first), Some(last)) = (first, last)
        && first > last
    {
        errors.push(Field::ActivityTimes, Problem::FirstAfterLast);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::closing::ClosingChoice;

    fn problems_of(check: impl FnOnce(&mut ValidationErrors)) -> Vec<String> {
        let mut errors = ValidationErrors::default();
        check(&mut errors);
        errors.all().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_title_is_trimmed() {
        let mut errors = ValidationErrors::default();
        assert_eq!(title("  Phishing wave  ", &mut errors), "Phishing wave");
        assert!(errors.is_empty());
    }

    #[test]
    fn an_empty_or_blank_title_is_required() {
        assert_eq!(problems_of(|e| drop(title("", e))), ["Title is required"]);
        assert_eq!(
            problems_of(|e| drop(title(" \t\n ", e))),
            ["Title is required"]
        );
    }

    #[test]
    fn a_title_over_the_limit_is_refused() {
        let long = "x".repeat(limits::TITLE_MAX_CHARS + 1);
        assert_eq!(
            problems_of(|e| drop(title(&long, e))),
            ["Title is 257 characters long; at most 256 are allowed"]
        );
        assert!(problems_of(|e| drop(title(&long[1..], e))).is_empty());
    }

    #[test]
    fn a_description_is_counted_in_characters_not_bytes() {
        let at_limit = "é".repeat(limits::DESCRIPTION_MAX_CHARS);
        assert!(
            at_limit.len() > limits::DESCRIPTION_MAX_CHARS,
            "multi-byte on purpose"
        );
        assert!(problems_of(|e| drop(description(&at_limit, e))).is_empty());
        let over = format!("{at_limit}🙂");
        assert_eq!(
            problems_of(|e| drop(description(&over, e))),
            ["Description is 5001 characters long; at most 5000 are allowed"]
        );
    }

    #[test]
    fn an_empty_description_is_fine() {
        assert!(problems_of(|e| drop(description("", e))).is_empty());
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated_ignoring_case() {
        let mut errors = ValidationErrors::default();
        let kept = tags(
            [" VIP ", "vip", "Phishing", "PHISHING", "Ünïcode", "ünïcode"],
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(kept, ["VIP", "Phishing", "Ünïcode"]);
    }

    #[test]
    fn an_empty_tag_is_named_by_position() {
        assert_eq!(
            problems_of(|e| drop(tags(["ok", "  "], e))),
            ["Tags: tag 2 is empty"]
        );
    }

    #[test]
    fn a_long_tag_and_too_many_tags_are_refused() {
        let long = "t".repeat(limits::TAG_MAX_CHARS + 1);
        assert_eq!(
            problems_of(|e| drop(tags([long.as_str()], e))),
            ["Tags: tag 1 is longer than 128 characters"]
        );
        let many: Vec<String> = (0..=limits::TAGS_MAX).map(|n| format!("tag-{n}")).collect();
        assert_eq!(
            problems_of(|e| drop(tags(many.iter().map(String::as_str), e))),
            ["Tags: 51 tags given; at most 50 are allowed"]
        );
    }

    #[test]
    fn an_owner_needs_something_to_identify_them() {
        let blank = Owner {
            assigned_to: Some("  ".into()),
            ..Owner::default()
        };
        assert_eq!(
            problems_of(|e| drop(owner(&blank, e))),
            ["Owner needs a name, e-mail, user principal name or object id"]
        );
    }

    #[test]
    fn an_owner_email_must_look_like_one() {
        let bad = Owner {
            email: Some("not an address".into()),
            ..Owner::default()
        };
        assert_eq!(
            problems_of(|e| drop(owner(&bad, e))),
            ["Owner: the e-mail address is not valid"]
        );
        let good = Owner {
            email: Some(" ana@contoso.com ".into()),
            ..Owner::default()
        };
        let mut errors = ValidationErrors::default();
        assert_eq!(
            owner(&good, &mut errors).unwrap().email.as_deref(),
            Some("ana@contoso.com")
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn closed_needs_a_classification_and_only_closed_has_one() {
        assert_eq!(
            problems_of(|e| closing(IncidentStatus::Closed, None, e)),
            ["Classification is required to close an incident"]
        );
        let verdict = Closing::from_choice(ClosingChoice::Undetermined, "");
        assert_eq!(
            problems_of(|e| closing(IncidentStatus::Active, Some(&verdict), e)),
            ["Classification is only given when the status is Closed"]
        );
        assert!(problems_of(|e| closing(IncidentStatus::Closed, Some(&verdict), e)).is_empty());
    }

    #[test]
    fn a_long_closing_comment_is_refused() {
        let verdict = Closing::from_choice(
            ClosingChoice::Undetermined,
            "c".repeat(limits::CLOSING_COMMENT_MAX_CHARS + 1),
        );
        assert_eq!(
            problems_of(|e| closing(IncidentStatus::Closed, Some(&verdict), e)),
            ["Closing comment is 5001 characters long; at most 5000 are allowed"]
        );
    }

    #[test]
    fn a_comment_is_required_and_bounded() {
        assert_eq!(
            problems_of(|e| drop(comment("   ", e))),
            ["Comment is required"]
        );
        let long = "c".repeat(limits::COMMENT_MAX_CHARS + 1);
        assert_eq!(
            problems_of(|e| drop(comment(&long, e))),
            ["Comment is 30001 characters long; at most 30000 are allowed"]
        );
    }

    proptest::proptest! {
        /// Whatever is typed, kept tags are trimmed, non-empty and distinct ignoring case, and
        /// every non-blank typed tag is represented by one of them.
        #[test]
        fn kept_tags_are_clean_and_cover_what_was_typed(typed in proptest::collection::vec("[ aAbBéÉ-]{0,6}", 0..20)) {
            let mut errors = ValidationErrors::default();
            let kept = tags(typed.iter().map(String::as_str), &mut errors);
            let folded: Vec<String> = kept.iter().map(|tag| tag.to_lowercase()).collect();
            for (index, tag) in kept.iter().enumerate() {
                proptest::prop_assert!(!tag.is_empty() && tag.trim() == tag);
                proptest::prop_assert!(!folded[..index].contains(&folded[index]), "{tag} kept twice");
            }
            for tag in typed.iter().map(|tag| tag.trim()).filter(|tag| !tag.is_empty()) {
                proptest::prop_assert!(folded.contains(&tag.to_lowercase()), "{tag} lost");
            }
        }
    }

    #[test]
    fn first_activity_after_last_is_refused() {
        let early = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let late = DateTime::parse_from_rfc3339("2026-01-02T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            problems_of(|e| activity_times(Some(late), Some(early), e)),
            ["Activity times: first activity is after last activity"]
        );
        assert!(problems_of(|e| activity_times(Some(early), Some(late), e)).is_empty());
    }
}
