//! The closed sets of values Sentinel uses for incidents, spelled exactly as its API spells them.
//!
//! Every enum here has `as_str()` (the wire spelling), `ALL` (the order an analyst sees them in)
//! and a `FromStr` that names the value it could not read, so an importer can say what was wrong.

use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

/// A wire value that is not one of the spellings an enum accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// What the input said.
    pub value: String,
    /// Every spelling that would have been accepted, for the error message.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown value {:?}; expected one of {}",
            self.value,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

/// Declares a wire enum: variants with their Sentinel spellings, in display order.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)] // Each variant is the API value of the same spelling.
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order the portal lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const SPELLINGS: &'static [&'static str] = &[$($text),+];

            /// The exact spelling Sentinel's API uses.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue { value: text.to_owned(), expected: Self::SPELLINGS }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// How bad an incident is; the queue sorts and filters on it.
    Severity {
        High => "High",
        Medium => "Medium",
        Low => "Low",
        Informational => "Informational",
    }
}

impl Default for Severity {
    /// The portal preselects Medium on the creation panel.
    fn default() -> Self {
        Severity::Medium
    }
}

wire_enum! {
    /// Where an incident is in its life; the default queue shows New and Active only.
    IncidentStatus {
        New => "New",
        Active => "Active",
        Closed => "Closed",
    }
}

impl Default for IncidentStatus {
    /// A new incident waits for triage.
    fn default() -> Self {
        IncidentStatus::New
    }
}

wire_enum! {
    /// Where an alert is in its own life cycle, as the detecting product reports it.
    AlertStatus {
        Unknown => "Unknown",
        New => "New",
        InProgress => "InProgress",
        Resolved => "Resolved",
        Dismissed => "Dismissed",
    }
}

impl Default for AlertStatus {
    /// An alert that says nothing of its status is new to the analyst.
    fn default() -> Self {
        AlertStatus::New
    }
}

wire_enum! {
    /// The analyst's verdict when closing.
    Classification {
        TruePositive => "TruePositive",
        BenignPositive => "BenignPositive",
        FalsePositive => "FalsePositive",
        Undetermined => "Undetermined",
    }
}

wire_enum! {
    /// Why the verdict was reached; each reason belongs to exactly one classification.
    ClassificationReason {
        SuspiciousActivity => "SuspiciousActivity",
        SuspiciousButExpected => "SuspiciousButExpected",
        IncorrectAlertLogic => "IncorrectAlertLogic",
        InaccurateData => "InaccurateData",
    }
}

impl Classification {
    /// The words the portal shows for it, as charts and lists name it.
    pub fn label(self) -> &'static str {
        match self {
            Classification::TruePositive => "True positive",
            Classification::BenignPositive => "Benign positive",
            Classification::FalsePositive => "False positive",
            Classification::Undetermined => "Undetermined",
        }
    }
}

impl ClassificationReason {
    /// The classification this reason qualifies; a closing that pairs it with another is invalid.
    pub fn classification(self) -> Classification {
        match self {
            ClassificationReason::SuspiciousActivity => Classification::TruePositive,
            ClassificationReason::SuspiciousButExpected => Classification::BenignPositive,
            ClassificationReason::IncorrectAlertLogic | ClassificationReason::InaccurateData => {
                Classification::FalsePositive
            }
        }
    }
}

wire_enum! {
    /// Who set a label: an analyst, or Sentinel itself (for example `Redirected` after a merge).
    LabelType {
        User => "User",
        AutoAssigned => "AutoAssigned",
    }
}

wire_enum! {
    /// What kind of principal owns an incident.
    OwnerType {
        Unknown => "Unknown",
        User => "User",
        Group => "Group",
    }
}

wire_enum! {
    /// MITRE ATT&CK tactics (plus the ICS ones) as Sentinel names them.
    Tactic {
        Reconnaissance => "Reconnaissance",
        ResourceDevelopment => "ResourceDevelopment",
        InitialAccess => "InitialAccess",
        Execution => "Execution",
        Persistence => "Persistence",
        PrivilegeEscalation => "PrivilegeEscalation",
        DefenseEvasion => "DefenseEvasion",
        CredentialAccess => "CredentialAccess",
        Discovery => "Discovery",
        LateralMovement => "LateralMovement",
        Collection => "Collection",
        Exfiltration => "Exfiltration",
        CommandAndControl => "CommandAndControl",
        Impact => "Impact",
        PreAttack => "PreAttack",
        ImpairProcessControl => "ImpairProcessControl",
        InhibitResponseFunction => "InhibitResponseFunction",
    }
}

/// An incident's tactics. Up to eight are kept inline, in no more room than a `Vec` takes on
/// 64-bit and wasm32 alike, so an incident the correlation core opens (its alert's one or two
/// tactics) costs no allocation for them.
pub type Tactics = SmallVec<[Tactic; 8]>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_parses_back_to_its_value() {
        for severity in Severity::ALL {
            assert_eq!(severity.as_str().parse::<Severity>(), Ok(*severity));
        }
        for tactic in Tactic::ALL {
            assert_eq!(tactic.as_str().parse::<Tactic>(), Ok(*tactic));
        }
        for reason in ClassificationReason::ALL {
            assert_eq!(reason.as_str().parse::<ClassificationReason>(), Ok(*reason));
        }
    }

    #[test]
    fn an_unknown_spelling_is_named_with_the_accepted_ones() {
        let error = "Critical".parse::<Severity>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown value \"Critical\"; expected one of High, Medium, Low, Informational"
        );
        assert!(
            "high".parse::<Severity>().is_err(),
            "spellings are case-sensitive as in the API"
        );
    }

    #[test]
    fn defaults_follow_the_portal() {
        assert_eq!(Severity::default(), Severity::Medium);
        assert_eq!(IncidentStatus::default(), IncidentStatus::New);
    }

    #[test]
    fn each_reason_belongs_to_one_classification() {
        assert_eq!(
            ClassificationReason::InaccurateData.classification(),
            Classification::FalsePositive
        );
        assert_eq!(
            ClassificationReason::SuspiciousButExpected.classification(),
            Classification::BenignPositive
        );
    }
}
