//! How an incident was closed: the classification, its reason and the analyst's comment.

use std::fmt;

use super::vocabulary::{Classification, ClassificationReason};

/// The five choices of Sentinel's closing dialog, in the order it lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClosingChoice {
    /// The alerts caught a real attack.
    TruePositiveSuspiciousActivity,
    /// Real activity, but sanctioned (a penetration test, an admin at work).
    BenignPositiveSuspiciousButExpected,
    /// The detection logic fired on something it should not have.
    FalsePositiveIncorrectAlertLogic,
    /// The detection was fed wrong data.
    FalsePositiveInaccurateData,
    /// Not enough evidence either way.
    Undetermined,
}

impl ClosingChoice {
    /// Every choice, in the dialog's order.
    pub const ALL: [ClosingChoice; 5] = [
        ClosingChoice::TruePositiveSuspiciousActivity,
        ClosingChoice::BenignPositiveSuspiciousButExpected,
        ClosingChoice::FalsePositiveIncorrectAlertLogic,
        ClosingChoice::FalsePositiveInaccurateData,
        ClosingChoice::Undetermined,
    ];

    /// The words the portal shows for this choice.
    pub fn label(self) -> &'static str {
        match self {
            ClosingChoice::TruePositiveSuspiciousActivity => "True positive - suspicious activity",
            ClosingChoice::BenignPositiveSuspiciousButExpected => {
                "Benign positive - suspicious but expected"
            }
            ClosingChoice::FalsePositiveIncorrectAlertLogic => {
                "False positive - incorrect alert logic"
            }
            ClosingChoice::FalsePositiveInaccurateData => "False positive - inaccurate data",
            ClosingChoice::Undetermined => "Undetermined",
        }
    }

    /// A stable token for form controls and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            ClosingChoice::TruePositiveSuspiciousActivity => "true-positive",
            ClosingChoice::BenignPositiveSuspiciousButExpected => "benign-positive",
            ClosingChoice::FalsePositiveIncorrectAlertLogic => "false-positive-logic",
            ClosingChoice::FalsePositiveInaccurateData => "false-positive-data",
            ClosingChoice::Undetermined => "undetermined",
        }
    }

    /// Reads a token written by [`ClosingChoice::as_str`].
    pub fn from_token(token: &str) -> Option<ClosingChoice> {
        ClosingChoice::ALL
            .into_iter()
            .find(|choice| choice.as_str() == token)
    }

    /// The classification and reason this choice writes to the wire.
    pub fn verdict(self) -> (Classification, Option<ClassificationReason>) {
        match self {
            ClosingChoice::TruePositiveSuspiciousActivity => (
                Classification::TruePositive,
                Some(ClassificationReason::SuspiciousActivity),
            ),
            ClosingChoice::BenignPositiveSuspiciousButExpected => (
                Classification::BenignPositive,
                Some(ClassificationReason::SuspiciousButExpected),
            ),
            ClosingChoice::FalsePositiveIncorrectAlertLogic => (
                Classification::FalsePositive,
                Some(ClassificationReason::IncorrectAlertLogic),
            ),
            ClosingChoice::FalsePositiveInaccurateData => (
                Classification::FalsePositive,
                Some(ClassificationReason::InaccurateData),
            ),
            ClosingChoice::Undetermined => (Classification::Undetermined, None),
        }
    }
}

/// A reason given with a classification it does not belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonMismatch {
    /// The classification given.
    pub classification: Classification,
    /// The reason given with it.
    pub reason: ClassificationReason,
}

impl fmt::Display for ReasonMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "reason {} belongs to {}, not to {}",
            self.reason,
            self.reason.classification(),
            self.classification
        )
    }
}

/// The verdict on a closed incident. Sentinel's API lets the reason be omitted, so an imported
/// verdict may carry none; one built from the dialog always carries the choice's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    classification: Classification,
    reason: Option<ClassificationReason>,
    comment: String,
}

impl Closing {
    /// A verdict from the closing dialog.
    pub fn from_choice(choice: ClosingChoice, comment: impl Into<String>) -> Closing {
        let (classification, reason) = choice.verdict();
        Closing {
            classification,
            reason,
            comment: comment.into(),
        }
    }

    /// A verdict as the API spells it; refused when the reason belongs to another classification.
    pub fn new(
        classification: Classification,
        reason: Option<ClassificationReason>,
        comment: impl Into<String>,
    ) -> Result<Closing, ReasonMismatch> {
        if let Some(reason) = reason
            && reason.classification() != classification
        {
            return Err(ReasonMismatch {
                classification,
                reason,
            });
        }
        Ok(Closing {
            classification,
            reason,
            comment: comment.into(),
        })
    }

    /// The verdict.
    pub fn classification(&self) -> Classification {
        self.classification
    }

    /// Why, when given.
    pub fn reason(&self) -> Option<ClassificationReason> {
        self.reason
    }

    /// The analyst's words on closing; empty when none were given.
    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// The dialog choice this verdict matches, if any (an imported verdict may match none).
    pub fn choice(&self) -> Option<ClosingChoice> {
        ClosingChoice::ALL
            .into_iter()
            .find(|choice| choice.verdict() == (self.classification, self.reason))
    }

    /// How the verdict reads on the incident page (the comment shows apart).
    pub fn describe(&self) -> String {
        match self.choice() {
            Some(choice) => choice.label().to_owned(),
            None => match self.reason {
                Some(reason) => format!("{} - {}", self.classification, reason),
                None => self.classification.to_string(),
            },
        }
    }

    /// The verdict as the activity log keeps it, its comment included, so that reopening
    /// (which clears the verdict) loses nothing the analyst wrote.
    pub fn logged(&self) -> String {
        match self.comment.trim() {
            "" => self.describe(),
            comment => format!("{}: {comment}", self.describe()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dialog_choice_round_trips_through_its_verdict() {
        for choice in ClosingChoice::ALL {
            let closing = Closing::from_choice(choice, "");
            assert_eq!(closing.choice(), Some(choice));
            let (classification, reason) = choice.verdict();
            assert_eq!(Closing::new(classification, reason, "").unwrap(), closing);
            assert_eq!(ClosingChoice::from_token(choice.as_str()), Some(choice));
        }
    }

    #[test]
    fn a_reason_from_another_classification_is_refused() {
        let error = Closing::new(
            Classification::TruePositive,
            Some(ClassificationReason::InaccurateData),
            "",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "reason InaccurateData belongs to FalsePositive, not to TruePositive"
        );
        assert!(
            Closing::new(
                Classification::Undetermined,
                Some(ClassificationReason::SuspiciousActivity),
                ""
            )
            .is_err()
        );
    }

    #[test]
    fn a_verdict_without_a_reason_is_kept_as_imported() {
        let closing =
            Closing::new(Classification::TruePositive, None, "seen in API exports").unwrap();
        assert_eq!(closing.choice(), None);
        assert_eq!(closing.describe(), "TruePositive");
        assert_eq!(closing.comment(), "seen in API exports");
    }
}
