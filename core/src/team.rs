//! Who works a workspace: the analyst at this desk (what "Assign to me" and the activity log
//! use, asked once and kept with the workspace) and the owners incidents were assigned to, which
//! the owner fields suggest.

use super::people::{Actor, Owner};
use super::validation::{self, ValidationErrors};

/// The people a workspace knows: its analyst and the owners it has seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Team {
    analyst: Option<Owner>,
    owners: Vec<Owner>,
}

impl Team {
    /// A team as stored, checked by the rules it was made with: the analyst's as
    /// [`Team::set_analyst`] checks them, each owner's as an owner field does.
    pub fn restore(analyst: Option<Owner>, owners: Vec<Owner>) -> Result<Team, ValidationErrors> {
        let mut team = Team::default();
        if let Some(analyst) = analyst {
            let mut errors = ValidationErrors::default();
            let name = analyst.assigned_to.unwrap_or_default();
            let checked =
                validation::analyst(&name, &analyst.email.unwrap_or_default(), &mut errors);
            team.analyst = Some(errors.into_result(checked)?);
        }
        for owner in owners {
            team.remember(&checked(&owner)?);
        }
        Ok(team)
    }

    /// The analyst at this desk, once they have said who they are.
    pub fn analyst(&self) -> Option<&Owner> {
        self.analyst.as_ref()
    }

    /// Sets who the analyst at this desk is: a name is required, and an e-mail, when given,
    /// must look like one. The analyst becomes a known owner too.
    pub fn set_analyst(&mut self, name: &str, email: &str) -> Result<&Owner, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let analyst = validation::analyst(name, email, &mut errors);
        let owner = errors.into_result(analyst)?;
        self.remember(&owner);
        Ok(self.analyst.insert(owner))
    }

    /// The analyst as the activity log names them; `fallback` until they have said who they are.
    pub fn actor(&self, fallback: &str) -> Actor {
        match &self.analyst {
            Some(analyst) => Actor {
                name: analyst.display_name().into(),
                email: analyst.email.clone(),
            },
            None => Actor::named(fallback),
        }
    }

    /// Every owner the workspace has seen, in the order first seen.
    pub fn owners(&self) -> &[Owner] {
        &self.owners
    }

    /// Notes an owner for later suggestions; the same principal is kept once.
    pub fn remember(&mut self, owner: &Owner) {
        if owner.is_unidentified() || self.owners.iter().any(|known| known.same_principal(owner)) {
            return;
        }
        self.owners.push(owner.clone());
    }
}

/// An owner that passed the form's rules, or the errors that stopped it.
fn checked(owner: &Owner) -> Result<Owner, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let owner = validation::owner(owner, &mut errors);
    match owner {
        Some(owner) => errors.into_result(owner),
        None => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::{Field, Problem};

    #[test]
    fn the_analyst_is_asked_for_a_name_and_a_plausible_email() {
        let mut team = Team::default();
        let errors = team.set_analyst("  ", "ana@").unwrap_err();
        let found: Vec<(Field, &Problem)> = errors
            .all()
            .iter()
            .map(|error| (error.field, &error.problem))
            .collect();
        assert_eq!(
            found,
            [
                (Field::AnalystName, &Problem::Required),
                (Field::AnalystEmail, &Problem::InvalidEmail)
            ]
        );
        assert_eq!(
            errors.to_string(),
            "Your name is required; Your e-mail: the e-mail address is not valid"
        );
        assert_eq!(team.analyst(), None);

        let analyst = team.set_analyst(" Ana Silva ", "ana@contoso.com").unwrap();
        assert_eq!(analyst.assigned_to.as_deref(), Some("Ana Silva"));
        assert_eq!(&*team.actor("Analyst").name, "Ana Silva");
        assert_eq!(
            team.actor("Analyst").email.as_deref(),
            Some("ana@contoso.com")
        );
        assert_eq!(team.owners().len(), 1, "the analyst is a known owner");
    }

    #[test]
    fn an_analyst_without_a_name_is_logged_under_the_fallback() {
        assert_eq!(Team::default().actor("Analyst"), Actor::named("Analyst"));
    }

    #[test]
    fn owners_are_remembered_once_each_in_the_order_first_seen() {
        let mut team = Team::default();
        team.remember(&Owner::person("Ana Silva", "ana@contoso.com"));
        team.remember(&Owner::person("ANA SILVA", "Ana@Contoso.com"));
        team.remember(&Owner::person("Bo Chen", "bo@contoso.com"));
        team.remember(&Owner::default());
        let names: Vec<String> = team.owners().iter().map(Owner::display_name).collect();
        assert_eq!(names, ["Ana Silva", "Bo Chen"]);
    }

    #[test]
    fn a_stored_team_with_a_bad_owner_is_refused() {
        let bad = Owner::person("Ana", "not an address");
        assert!(Team::restore(None, vec![bad.clone()]).is_err());
        assert!(Team::restore(Some(bad), Vec::new()).is_err());
        // The analyst needs a name, as when they first gave it.
        let unnamed = Owner::person("", "ana@contoso.com");
        assert!(Team::restore(None, vec![unnamed.clone()]).is_ok());
        assert!(Team::restore(Some(unnamed), Vec::new()).is_err());
        let good = Owner::person("Ana", "ana@contoso.com");
        let team = Team::restore(Some(good.clone()), vec![good.clone()]).unwrap();
        assert_eq!(team.analyst(), Some(&good));
        assert_eq!(team.owners(), [good]);
    }
}
