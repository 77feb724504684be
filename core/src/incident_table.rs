//! A workspace's incidents by number.

use std::ops::{Index, Range};

use crate::incident::Incident;

/// The incidents of a workspace by number, in number order. Numbers are handed out one after
/// another and seldom deleted, so the numbers sit in one sorted list and a number is looked for
/// first where it would be if none before it were missing: found there at once unless
/// incidents before it were deleted (or it came with an import), and otherwise by a binary
/// search below that place. Placing an alert looks up several incidents, and a B-tree map read
/// a few nodes for each, most of them out of the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IncidentTable {
    /// The numbers, ascending, each once: each incident's own, kept apart so that finding one
    /// reads this list only, not an incident behind a pointer at every step.
    numbers: Vec<u64>,
    /// The incident of each number, at the same position.
    #[expect(
        clippy::vec_box,
        reason = "an incident is built boxed, often on the thread that keys alerts, and moved in \
                  as a pointer; inserting out of order moves pointers, not incidents"
    )]
    incidents: Vec<Box<Incident>>,
}

impl IncidentTable {
    /// Where `number` is, or where it would go.
    fn position(&self, number: u64) -> Result<usize, usize> {
        let (Some(&first), Some(last_position)) =
            (self.numbers.first(), self.numbers.len().checked_sub(1))
        else {
            return Err(0);
        };
        let Some(gap_free) = number.checked_sub(first) else {
            return Err(0);
        };
        // Where it would be were no number before it missing; missing numbers only move it
        // down, and a number after the last is past the end.
        let guess = usize::try_from(gap_free).map_or(last_position, |at| at.min(last_position));
        match self.numbers[guess].cmp(&number) {
            std::cmp::Ordering::Equal => Ok(guess),
            std::cmp::Ordering::Greater => self.numbers[..guess].binary_search(&number),
            std::cmp::Ordering::Less => Err(guess + 1),
        }
    }

    /// Whether it holds the incident.
    pub(crate) fn contains_key(&self, number: &u64) -> bool {
        self.position(*number).is_ok()
    }

    /// The incident with this number.
    pub(crate) fn get(&self, number: &u64) -> Option<&Incident> {
        let position = self.position(*number).ok()?;
        Some(&self.incidents[position])
    }

    /// The incident with this number, to change.
    pub(crate) fn get_mut(&mut self, number: &u64) -> Option<&mut Incident> {
        let position = self.position(*number).ok()?;
        Some(&mut self.incidents[position])
    }

    /// Stores the incident under its number, returning the one it replaces.
    pub(crate) fn insert(&mut self, incident: Box<Incident>) -> Option<Box<Incident>> {
        let number = incident.number;
        match self.position(number) {
            Ok(position) => Some(std::mem::replace(&mut self.incidents[position], incident)),
            Err(position) => {
                self.numbers.insert(position, number);
                self.incidents.insert(position, incident);
                None
            }
        }
    }

    /// Stores these incidents under their numbers (the last one given for a number is kept),
    /// in one pass over the table: inserting them one by one between the numbers it holds (an
    /// import) would move the rest of the table each time.
    pub(crate) fn insert_all(&mut self, incidents: impl IntoIterator<Item = Box<Incident>>) {
        let mut added = Vec::new();
        for incident in incidents {
            match self.position(incident.number) {
                Ok(position) => self.incidents[position] = incident,
                Err(_) => added.push(incident),
            }
        }
        // Stable, so that of two incidents of one number the later stays later.
        added.sort_by_key(|incident| incident.number);
        let held = std::mem::take(&mut self.numbers)
            .into_iter()
            .zip(std::mem::take(&mut self.incidents));
        let added = added
            .into_iter()
            .map(|incident| (incident.number, incident));
        let mut held = held.peekable();
        let mut added = added.peekable();
        while let Some(next) = match (held.peek(), added.peek()) {
            (Some((mine, _)), Some((theirs, _))) if mine < theirs => held.next(),
            (Some(_), Some(_)) | (None, Some(_)) => added.next(),
            (Some(_), None) => held.next(),
            (None, None) => None,
        } {
            let (number, incident) = next;
            if self.numbers.last() == Some(&number) {
                *self.incidents.last_mut().expect("one incident per number") = incident;
            } else {
                self.numbers.push(number);
                self.incidents.push(incident);
            }
        }
    }

    /// Takes the incident out.
    pub(crate) fn remove(&mut self, number: &u64) -> Option<Box<Incident>> {
        let position = self.position(*number).ok()?;
        self.numbers.remove(position);
        Some(self.incidents.remove(position))
    }

    /// Takes out the incidents of these numbers (ascending), in one pass however many there
    /// are: taking them out one by one would move the rest of the table each time.
    pub(crate) fn remove_sorted(&mut self, removed: &[u64]) {
        debug_assert!(removed.is_sorted());
        let mut removed = removed.iter().peekable();
        let keep: Vec<bool> = self
            .numbers
            .iter()
            .map(|number| {
                while removed.next_if(|&&gone| gone < *number).is_some() {}
                removed.next_if_eq(&number).is_none()
            })
            .collect();
        let mut kept = keep.iter();
        self.numbers
            .retain(|_| *kept.next().expect("a flag for each"));
        let mut kept = keep.iter();
        self.incidents
            .retain(|_| *kept.next().expect("a flag for each"));
    }

    /// The incidents in number order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Incident> {
        self.incidents.iter().map(|incident| &**incident)
    }

    /// The incidents whose numbers fall in the range, in number order.
    pub(crate) fn range(&self, numbers: Range<u64>) -> impl Iterator<Item = &Incident> {
        let start = self.position(numbers.start).unwrap_or_else(|at| at);
        let end = self.position(numbers.end).unwrap_or_else(|at| at);
        self.incidents[start..end.max(start)]
            .iter()
            .map(|incident| &**incident)
    }
}

impl Index<&u64> for IncidentTable {
    type Output = Incident;

    /// The incident with this number, which must be held.
    fn index(&self, number: &u64) -> &Incident {
        self.get(number).expect("an incident of that number")
    }
}

impl FromIterator<Box<Incident>> for IncidentTable {
    /// The table of these incidents; a number given twice keeps its last incident.
    fn from_iter<I: IntoIterator<Item = Box<Incident>>>(incidents: I) -> Self {
        let mut table = IncidentTable::default();
        table.insert_all(incidents);
        table
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;
    use crate::draft::IncidentDraft;
    use crate::people::Actor;

    fn incident(number: u64, title: &str) -> Box<Incident> {
        let draft = IncidentDraft {
            title: title.into(),
            ..IncidentDraft::default()
        };
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let id = Uuid::from_u128(u128::from(number));
        let by = Actor::named("test");
        Box::new(Incident::create(
            id,
            number,
            draft.validate().unwrap(),
            &by,
            at,
        ))
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// The next number after the largest held, as a workspace hands them out.
        Next,
        Insert(u64),
        Remove(u64),
        RemoveSorted(Vec<u64>),
        InsertAll(Vec<u64>),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => Just(Step::Next),
            2 => (0..40u64).prop_map(Step::Insert),
            2 => (0..40u64).prop_map(Step::Remove),
            1 => proptest::collection::vec(0..40u64, 0..12).prop_map(Step::RemoveSorted),
            1 => proptest::collection::vec(0..40u64, 0..12).prop_map(Step::InsertAll),
        ]
    }

    proptest! {
        /// Whatever numbers come and go, in order or not, the table holds and finds what a
        /// sorted map would.
        #[test]
        fn the_table_holds_and_finds_what_a_sorted_map_would(
            steps in proptest::collection::vec(step(), 0..60),
            replaced in any::<bool>(),
        ) {
            let mut table = IncidentTable::default();
            let mut model: BTreeMap<u64, Box<Incident>> = BTreeMap::new();
            for step in steps {
                match step {
                    Step::Next => {
                        let number = model.keys().next_back().map_or(1, |last| last + 1);
                        table.insert(incident(number, "next"));
                        model.insert(number, incident(number, "next"));
                    }
                    Step::Insert(number) => {
                        let title = if replaced { "again" } else { "inserted" };
                        prop_assert_eq!(
                            table.insert(incident(number, title)),
                            model.insert(number, incident(number, title))
                        );
                    }
                    Step::Remove(number) => {
                        prop_assert_eq!(table.remove(&number), model.remove(&number));
                    }
                    Step::InsertAll(numbers) => {
                        // Each title tells which of the incidents given for a number is held.
                        let titled = |at: usize, number: u64| incident(number, &format!("all {at}"));
                        table.insert_all(numbers.iter().enumerate().map(|(at, &number)| titled(at, number)));
                        for (at, &number) in numbers.iter().enumerate() {
                            model.insert(number, titled(at, number));
                        }
                    }
                    Step::RemoveSorted(mut numbers) => {
                        numbers.sort_unstable();
                        table.remove_sorted(&numbers);
                        for number in &numbers {
                            model.remove(number);
                        }
                    }
                }
                let held: Vec<&Incident> = table.values().collect();
                let expected: Vec<&Incident> = model.values().map(|incident| &**incident).collect();
                prop_assert_eq!(held, expected);
            }
            for number in 0..45 {
                prop_assert_eq!(table.get(&number), model.get(&number).map(|incident| &**incident));
                prop_assert_eq!(table.contains_key(&number), model.contains_key(&number));
                for end in number..45 {
                    let in_range: Vec<u64> =
                        table.range(number..end).map(|incident| incident.number).collect();
                    let expected: Vec<u64> = model.range(number..end).map(|(number, _)| *number).collect();
                    prop_assert_eq!(in_range, expected);
                }
            }
        }
    }
}
