//! The people around an incident: who owns it and who did each thing to it.

use std::sync::Arc;

use uuid::Uuid;

use super::vocabulary::OwnerType;

/// The owner of an incident, with the identifiers Sentinel's API carries. Any may be missing:
/// an incident assigned through the API can name only an object id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owner {
    /// Entra ID object id.
    pub object_id: Option<Uuid>,
    /// E-mail address.
    pub email: Option<String>,
    /// The name shown in the portal.
    pub assigned_to: Option<String>,
    /// User principal name.
    pub user_principal_name: Option<String>,
    /// User or group, when known.
    pub owner_type: Option<OwnerType>,
}

impl Owner {
    /// An owner known by name and e-mail, as the form creates them.
    pub fn person(name: &str, email: &str) -> Owner {
        Owner {
            assigned_to: Some(name.to_owned()),
            email: Some(email.to_owned()),
            owner_type: Some(OwnerType::User),
            ..Owner::default()
        }
        .trimmed()
    }

    /// The same owner with spaces trimmed and blank fields dropped.
    pub fn trimmed(&self) -> Owner {
        let clean = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        Owner {
            object_id: self.object_id,
            email: clean(&self.email),
            assigned_to: clean(&self.assigned_to),
            user_principal_name: clean(&self.user_principal_name),
            owner_type: self.owner_type,
        }
    }

    /// True when there is nothing to tell who this is.
    pub fn is_unidentified(&self) -> bool {
        self.object_id.is_none()
            && self.email.is_none()
            && self.assigned_to.is_none()
            && self.user_principal_name.is_none()
    }

    /// Whether two owners are the same principal: by object id when both have one, else by
    /// UPN, e-mail or name (ignoring case), the strongest identifier both carry.
    pub fn same_principal(&self, other: &Owner) -> bool {
        if let (Some(mine), Some(theirs)) = (self.object_id, other.object_id) {
            return mine == theirs;
        }
        let pairs = [
            (&self.user_principal_name, &other.user_principal_name),
            (&self.email, &other.email),
            (&self.assigned_to, &other.assigned_to),
        ];
        pairs
            .into_iter()
            .find_map(|pair| match pair {
                (Some(mine), Some(theirs)) => Some(mine.trim().eq_ignore_ascii_case(theirs.trim())),
                _ => None,
            })
            .unwrap_or(false)
    }

    /// The owner an analyst means by what they typed in an owner field: a known owner whose
    /// name or e-mail it is (ignoring case), else a new owner known by that e-mail (when it has
    /// an `@`) or that name; `None` when nothing was typed.
    pub fn from_typed(typed: &str, known: &[Owner]) -> Option<Owner> {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let same = |text: &Option<String>| {
            text.as_deref()
                .is_some_and(|text| text.trim().to_lowercase() == typed.to_lowercase())
        };
        let known = known
            .iter()
            .find(|owner| same(&owner.assigned_to) || same(&owner.email));
        Some(match known {
            Some(owner) => owner.clone(),
            None if typed.contains('@') => Owner::person("", typed),
            None => Owner::person(typed, ""),
        })
    }

    /// How the owner reads in the queue and the activity log: the best identifier there is.
    pub fn display_name(&self) -> String {
        self.assigned_to
            .clone()
            .or_else(|| self.email.clone())
            .or_else(|| self.user_principal_name.clone())
            .or_else(|| self.object_id.map(|id| id.to_string()))
            .unwrap_or_default()
    }
}

/// Who performed a change: the analyst at the keyboard, an importer, or the correlation core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The name shown in the activity log, shared by every entry that names the actor: the
    /// core signs tens of thousands of entries in one ingest, each taking a reference, not a
    /// copy.
    pub name: Arc<str>,
    /// The e-mail, when the actor is a person.
    pub email: Option<String>,
}

impl Actor {
    /// An actor known by name only (a system component, or an analyst who gave no e-mail).
    pub fn named(name: impl Into<Arc<str>>) -> Actor {
        Actor {
            name: name.into(),
            email: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_display_name_prefers_the_portal_name_then_the_email() {
        let mut owner = Owner::person("Ana Silva", "ana@contoso.com");
        assert_eq!(owner.display_name(), "Ana Silva");
        owner.assigned_to = None;
        assert_eq!(owner.display_name(), "ana@contoso.com");
        let by_id = Owner {
            object_id: Some(Uuid::nil()),
            ..Owner::default()
        };
        assert_eq!(by_id.display_name(), Uuid::nil().to_string());
    }

    #[test]
    fn owners_are_compared_by_their_strongest_shared_identifier() {
        let ana = Owner::person("Ana Silva", "ana@contoso.com");
        let ana_by_mail = Owner::person("A. Silva", "ANA@contoso.com");
        assert!(ana.same_principal(&ana_by_mail));
        assert!(!ana.same_principal(&Owner::person("Ana Silva", "ana.silva@fabrikam.com")));
        let ids = |id: u128| Owner {
            object_id: Some(Uuid::from_u128(id)),
            ..ana.clone()
        };
        assert!(!ids(1).same_principal(&ids(2)));
        assert!(!ana.same_principal(&Owner::default()));
    }

    #[test]
    fn a_person_with_blank_fields_keeps_only_what_was_given() {
        let owner = Owner::person("  ", " ana@contoso.com ");
        assert_eq!(owner.assigned_to, None);
        assert_eq!(owner.email.as_deref(), Some("ana@contoso.com"));
    }

    #[test]
    fn typed_owners_are_the_known_owner_they_name_or_a_new_one() {
        let known = [
            Owner::person("Ana Silva", "ana@contoso.com"),
            Owner::person("Bo Chen", "bo@contoso.com"),
        ];
        assert_eq!(
            Owner::from_typed(" ana silva ", &known),
            Some(known[0].clone())
        );
        assert_eq!(
            Owner::from_typed("BO@contoso.com", &known),
            Some(known[1].clone())
        );
        let by_mail = Owner::from_typed("carol@contoso.com", &known).unwrap();
        assert_eq!(
            (by_mail.assigned_to, by_mail.email.as_deref()),
            (None, Some("carol@contoso.com"))
        );
        let by_name = Owner::from_typed("Dee", &known).unwrap();
        assert_eq!(
            (by_name.assigned_to.as_deref(), by_name.email),
            (Some("Dee"), None)
        );
        assert_eq!(Owner::from_typed("   ", &known), None);
    }
}
