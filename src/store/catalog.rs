//! The workspaces of one browser profile: their names and which one was open last. Pure: the
//! list is stored as one small versioned record by `workspace_store`, and the name rules here
//! keep every workspace's storage keys apart from every other's.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The workspace a first visit opens, filled with demo incidents.
pub const DEMO_WORKSPACE: &str = "Demo";

/// The longest workspace name, in characters: it must fit the switcher.
pub const NAME_MAX_CHARS: usize = 40;

/// The version of the catalog record, so a later layout can read this one.
const CATALOG_SCHEMA: u32 = 1;

/// Why a workspace name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Nothing but spaces.
    Empty,
    /// Longer than [`NAME_MAX_CHARS`].
    TooLong,
    /// A character other than a letter, digit, space, `-`, `_` or `.`: storage keys are built
    /// from the name, and a `:` or a control character could make two workspaces share keys.
    Character(char),
    /// Another workspace has this name, ignoring case.
    Taken(String),
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => f.write_str("Enter a name for the workspace."),
            NameError::TooLong => write!(
                f,
                "A workspace name has at most {NAME_MAX_CHARS} characters."
            ),
            NameError::Character(character) => write!(
                f,
                "A workspace name may hold letters, digits, spaces, '-', '_' and '.', not {character:?}."
            ),
            NameError::Taken(existing) => {
                write!(f, "There is already a workspace named \"{existing}\".")
            }
        }
    }
}

impl std::error::Error for NameError {}

/// The workspaces this browser profile holds, in the order they were created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    schema: u32,
    workspaces: Vec<String>,
    current: String,
}

impl Default for Catalog {
    /// A first visit: the demo workspace alone, open.
    fn default() -> Self {
        Catalog {
            schema: CATALOG_SCHEMA,
            workspaces: vec![DEMO_WORKSPACE.to_owned()],
            current: DEMO_WORKSPACE.to_owned(),
        }
    }
}

impl Catalog {
    /// Reads the stored catalog. A record that does not decode, or names no valid workspace,
    /// gives the first-visit catalog: the workspaces' own databases are untouched by this and
    /// can be reopened by name.
    pub fn from_json(json: &str) -> Catalog {
        let Ok(stored) = serde_json::from_str::<Catalog>(json) else {
            return Catalog::default();
        };
        let mut catalog = Catalog {
            schema: CATALOG_SCHEMA,
            workspaces: Vec::new(),
            current: String::new(),
        };
        for name in stored.workspaces {
            // Drops what a hand-edited or damaged record added that the rules refuse.
            let _ = catalog.add(&name);
        }
        if catalog.workspaces.is_empty() {
            return Catalog::default();
        }
        if !catalog.switch_to(&stored.current) {
            catalog.current = catalog.workspaces[0].clone();
        }
        catalog
    }

    /// The record to store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a catalog always serialises")
    }

    /// Every workspace, oldest first.
    pub fn workspaces(&self) -> &[String] {
        &self.workspaces
    }

    /// The workspace open now.
    pub fn current(&self) -> &str {
        &self.current
    }

    /// The name `raw` would get (spaces trimmed), or why it cannot be used.
    pub fn check_name(&self, raw: &str) -> Result<String, NameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if let Some(character) = name
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
        {
            return Err(NameError::Character(character));
        }
        let folded = name.to_lowercase();
        if let Some(existing) = self
            .workspaces
            .iter()
            .find(|existing| existing.to_lowercase() == folded)
        {
            return Err(NameError::Taken(existing.clone()));
        }
        Ok(name.to_owned())
    }

    /// Adds a workspace and opens it; returns its name as stored.
    pub fn add(&mut self, raw: &str) -> Result<String, NameError> {
        let name = self.check_name(raw)?;
        self.workspaces.push(name.clone());
        self.current = name.clone();
        Ok(name)
    }

    /// `base`, or `base 2`, `base 3`…: the first of them no workspace has, for a workspace
    /// made in one click.
    pub fn free_name(&self, base: &str) -> String {
        (1..)
            .map(|serial| match serial {
                1 => base.to_owned(),
                serial => format!("{base} {serial}"),
            })
            .find(|name| self.check_name(name).is_ok())
            .expect("some serial is free")
    }

    /// A free workspace name made from any text (a file name): its extension dropped, characters
    /// the rules refuse left out, cut to length; "Imported workspace" when nothing is left.
    pub fn free_name_from(&self, text: &str) -> String {
        let stem = text.rsplit_once('.').map_or(text, |(stem, _)| stem);
        let kept: String = stem
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
            .take(NAME_MAX_CHARS - 4)
            .collect();
        let base = kept.trim();
        self.free_name(if base.is_empty() {
            "Imported workspace"
        } else {
            base
        })
    }

    /// Whether a workspace may be deleted: it is listed, and it is not the open one, which
    /// must be left first. Asked before its storage is deleted, then by [`Catalog::remove`].
    pub fn removable(&self, name: &str) -> bool {
        name != self.current && self.workspaces.iter().any(|listed| listed == name)
    }

    /// Takes a workspace out of the catalog once its storage is deleted; false (and nothing
    /// changes) when it is not [`Catalog::removable`].
    pub fn remove(&mut self, name: &str) -> bool {
        let removable = self.removable(name);
        if removable {
            self.workspaces.retain(|listed| listed != name);
        }
        removable
    }

    /// Opens a workspace of the catalog; false (and nothing changes) for an unknown name.
    pub fn switch_to(&mut self, name: &str) -> bool {
        let known = self.workspaces.iter().any(|existing| existing == name);
        if known {
            self.current = name.to_owned();
        }
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_workspace_that_is_not_open_leaves_the_catalog() {
        let mut catalog = Catalog::default();
        catalog.add("Contoso SOC").unwrap();
        assert!(!catalog.remove("Contoso SOC"), "the open one stays");
        assert!(!catalog.remove("Nowhere"));
        assert!(catalog.remove(DEMO_WORKSPACE));
        assert_eq!(catalog.workspaces(), ["Contoso SOC"]);
        assert!(!catalog.remove(DEMO_WORKSPACE));
        assert_eq!(Catalog::from_json(&catalog.to_json()), catalog);
    }

    #[test]
    fn a_first_visit_opens_the_demo_workspace() {
        let catalog = Catalog::default();
        assert_eq!(catalog.workspaces(), [DEMO_WORKSPACE]);
        assert_eq!(catalog.current(), DEMO_WORKSPACE);
    }

    #[test]
    fn a_new_workspace_is_trimmed_added_and_opened() {
        let mut catalog = Catalog::default();
        assert_eq!(catalog.add("  Contoso SOC "), Ok("Contoso SOC".to_owned()));
        assert_eq!(catalog.workspaces(), ["Demo", "Contoso SOC"]);
        assert_eq!(catalog.current(), "Contoso SOC");
        assert!(catalog.switch_to("Demo"));
        assert_eq!(catalog.current(), "Demo");
        assert!(!catalog.switch_to("Nowhere"));
        assert_eq!(catalog.current(), "Demo");
    }

    #[test]
    fn names_that_could_mix_two_workspaces_up_are_refused() {
        let mut catalog = Catalog::default();
        assert_eq!(catalog.add("   "), Err(NameError::Empty));
        assert_eq!(catalog.add("demo"), Err(NameError::Taken("Demo".into())));
        assert_eq!(catalog.add("a:incidents"), Err(NameError::Character(':')));
        assert_eq!(catalog.add("tab\there"), Err(NameError::Character('\t')));
        assert_eq!(
            catalog.add(&"é".repeat(NAME_MAX_CHARS + 1)),
            Err(NameError::TooLong)
        );
        assert!(catalog.add(&"é".repeat(NAME_MAX_CHARS)).is_ok());
        assert_eq!(catalog.workspaces().len(), 2);
    }

    #[test]
    fn a_one_click_workspace_gets_the_first_free_name() {
        let mut catalog = Catalog::default();
        assert_eq!(catalog.free_name("My workspace"), "My workspace");
        catalog.add("my workspace").unwrap();
        catalog.add("My workspace 2").unwrap();
        assert_eq!(catalog.free_name("My workspace"), "My workspace 3");
    }

    #[test]
    fn a_file_name_makes_a_valid_free_workspace_name() {
        let catalog = Catalog::default();
        assert_eq!(catalog.free_name_from("night shift.json"), "night shift");
        assert_eq!(catalog.free_name_from("demo.json"), "demo 2");
        assert_eq!(catalog.free_name_from("a:b<c>.json"), "abc");
        assert_eq!(catalog.free_name_from("::.json"), "Imported workspace");
        let long = catalog.free_name_from(&format!("{}.json", "x".repeat(100)));
        assert!(catalog.check_name(&long).is_ok());
    }

    #[test]
    fn the_catalog_round_trips_through_its_record() {
        let mut catalog = Catalog::default();
        catalog.add("Hunting").unwrap();
        catalog.switch_to("Demo");
        assert_eq!(Catalog::from_json(&catalog.to_json()), catalog);
    }

    #[test]
    fn a_damaged_record_keeps_what_is_valid_and_never_fails() {
        assert_eq!(Catalog::from_json("not json"), Catalog::default());
        assert_eq!(
            Catalog::from_json(r#"{"schema":1,"workspaces":[],"current":"x"}"#),
            Catalog::default()
        );
        let kept = Catalog::from_json(
            r#"{"schema":1,"workspaces":["Ops","bad:name","ops"],"current":"bad:name"}"#,
        );
        assert_eq!(kept.workspaces(), ["Ops"]);
        assert_eq!(kept.current(), "Ops");
    }
}
