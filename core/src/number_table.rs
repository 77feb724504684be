//! Values kept by incident number: a workspace's incidents, and the correlation core's
//! cluster of each incident that holds alerts.

use std::ops::{Index, Range};

/// A value that carries the incident number it is kept under, so that the table can never hold
/// it under another.
pub(crate) trait Numbered {
    /// The number it is kept under.
    fn number(&self) -> u64;
}

/// Values by incident number, in number order. Numbers are handed out one after another and
/// seldom deleted, so the numbers sit in one sorted list and a number is looked for first
/// where it would be if none before it were missing: found there at once unless numbers before
/// it were deleted (or came with an import), and otherwise by a binary search below that place.
/// Placing an alert looks up several incidents and their clusters: a B-tree map read a few
/// nodes for each, most of them out of the cache, and a hash map of boxed clusters a bucket and
/// then the box, with an allocation for each new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberTable<T> {
    /// The numbers, ascending, each once: each value's own, kept apart so that finding one
    /// reads this list only, not a value at every step.
    numbers: Vec<u64>,
    /// The value of each number, at the same position.
    values: Vec<T>,
}

impl<T> Default for NumberTable<T> {
    fn default() -> Self {
        NumberTable {
            numbers: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<T: Numbered> NumberTable<T> {
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

    /// Whether it holds a value of this number.
    pub(crate) fn contains_key(&self, number: &u64) -> bool {
        self.position(*number).is_ok()
    }

    /// The value of this number.
    pub(crate) fn get(&self, number: &u64) -> Option<&T> {
        let position = self.position(*number).ok()?;
        Some(&self.values[position])
    }

    /// The value of this number, to change.
    pub(crate) fn get_mut(&mut self, number: &u64) -> Option<&mut T> {
        let position = self.position(*number).ok()?;
        Some(&mut self.values[position])
    }

    /// The value of this number, made by `make` first if there is none.
    pub(crate) fn get_or_insert_with(&mut self, number: u64, make: impl FnOnce() -> T) -> &mut T {
        let position = match self.position(number) {
            Ok(position) => position,
            Err(position) => {
                let value = make();
                debug_assert_eq!(value.number(), number, "made for another number");
                self.numbers.insert(position, number);
                self.values.insert(position, value);
                position
            }
        };
        &mut self.values[position]
    }

    /// Stores the value under its number, returning the one it replaces.
    pub(crate) fn insert(&mut self, value: T) -> Option<T> {
        let number = value.number();
        match self.position(number) {
            Ok(position) => Some(std::mem::replace(&mut self.values[position], value)),
            Err(position) => {
                self.numbers.insert(position, number);
                self.values.insert(position, value);
                None
            }
        }
    }

    /// Stores these values under their numbers (the last one given for a number is kept), in
    /// one pass over the table: inserting them one by one between the numbers it holds (an
    /// import, an undone deletion) would move the rest of the table each time.
    pub(crate) fn insert_all(&mut self, values: impl IntoIterator<Item = T>) {
        let mut added = Vec::new();
        for value in values {
            match self.position(value.number()) {
                Ok(position) => self.values[position] = value,
                Err(_) => added.push(value),
            }
        }
        // Stable, so that of two values of one number the later stays later.
        added.sort_by_key(Numbered::number);
        let held = std::mem::take(&mut self.numbers)
            .into_iter()
            .zip(std::mem::take(&mut self.values));
        let added = added.into_iter().map(|value| (value.number(), value));
        let mut held = held.peekable();
        let mut added = added.peekable();
        while let Some(next) = match (held.peek(), added.peek()) {
            (Some((mine, _)), Some((theirs, _))) if mine < theirs => held.next(),
            (Some(_), Some(_)) | (None, Some(_)) => added.next(),
            (Some(_), None) => held.next(),
            (None, None) => None,
        } {
            let (number, value) = next;
            if self.numbers.last() == Some(&number) {
                *self.values.last_mut().expect("one value per number") = value;
            } else {
                self.numbers.push(number);
                self.values.push(value);
            }
        }
    }

    /// Takes out the values of these numbers (ascending), in one pass however many there are:
    /// taking them out one by one would move the rest of the table each time.
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
        self.values
            .retain(|_| *kept.next().expect("a flag for each"));
    }

    /// Puts back each number's value as it was (`None`: no value), in one pass each for the
    /// values put back and the numbers emptied, as for [`NumberTable::insert_all`].
    pub(crate) fn restore(&mut self, states: Vec<(u64, Option<T>)>) {
        let mut emptied = Vec::new();
        let held = states.into_iter().filter_map(|(number, value)| {
            if value.is_none() {
                emptied.push(number);
            }
            value
        });
        self.insert_all(held);
        emptied.sort_unstable();
        self.remove_sorted(&emptied);
    }

    /// Makes room for `count` more values at once.
    pub(crate) fn reserve(&mut self, count: usize) {
        self.numbers.reserve(count);
        self.values.reserve(count);
    }

    /// The numbers held, ascending.
    pub(crate) fn numbers(&self) -> &[u64] {
        &self.numbers
    }

    /// The values in number order.
    pub(crate) fn values(&self) -> std::slice::Iter<'_, T> {
        self.values.iter()
    }

    /// The values whose numbers fall in the range, in number order.
    pub(crate) fn range(&self, numbers: Range<u64>) -> std::slice::Iter<'_, T> {
        let start = self.position(numbers.start).unwrap_or_else(|at| at);
        let end = self.position(numbers.end).unwrap_or_else(|at| at);
        self.values[start..end.max(start)].iter()
    }
}

impl<T: Numbered> Index<&u64> for NumberTable<T> {
    type Output = T;

    /// The value of this number, which must be held.
    fn index(&self, number: &u64) -> &T {
        self.get(number).expect("a value of that number")
    }
}

impl<T: Numbered> FromIterator<T> for NumberTable<T> {
    /// The table of these values; a number given twice keeps its last value.
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut table = NumberTable::default();
        table.insert_all(values);
        table
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    /// A value that says which of the values given for a number the table holds.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Entry {
        number: u64,
        title: String,
    }

    impl Numbered for Entry {
        fn number(&self) -> u64 {
            self.number
        }
    }

    fn entry(number: u64, title: &str) -> Entry {
        Entry {
            number,
            title: title.to_owned(),
        }
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// The next number after the largest held, as a workspace hands them out.
        Next,
        Insert(u64),
        Remove(u64),
        RemoveSorted(Vec<u64>),
        InsertAll(Vec<u64>),
        /// Each number's value put back (`true`) or taken out (`false`), as an undo does.
        Restore(Vec<(u64, bool)>),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => Just(Step::Next),
            2 => (0..40u64).prop_map(Step::Insert),
            2 => (0..40u64).prop_map(Step::Remove),
            1 => proptest::collection::vec(0..40u64, 0..12).prop_map(Step::RemoveSorted),
            1 => proptest::collection::vec(0..40u64, 0..12).prop_map(Step::InsertAll),
            1 => proptest::collection::vec((0..40u64, any::<bool>()), 0..12).prop_map(Step::Restore),
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
            let mut table = NumberTable::default();
            let mut model: BTreeMap<u64, Entry> = BTreeMap::new();
            for step in steps {
                match step {
                    Step::Next => {
                        let number = model.keys().next_back().map_or(1, |last| last + 1);
                        table.insert(entry(number, "next"));
                        model.insert(number, entry(number, "next"));
                    }
                    Step::Insert(number) => {
                        let title = if replaced { "again" } else { "inserted" };
                        prop_assert_eq!(
                            table.insert(entry(number, title)),
                            model.insert(number, entry(number, title))
                        );
                    }
                    Step::Remove(number) => {
                        table.remove_sorted(&[number]);
                        model.remove(&number);
                    }
                    Step::InsertAll(numbers) => {
                        // Each title tells which of the values given for a number is held.
                        let titled = |at: usize, number: u64| entry(number, &format!("all {at}"));
                        table.insert_all(numbers.iter().enumerate().map(|(at, &number)| titled(at, number)));
                        for (at, &number) in numbers.iter().enumerate() {
                            model.insert(number, titled(at, number));
                        }
                    }
                    Step::Restore(states) => {
                        // An undo names each number once.
                        let mut named = std::collections::BTreeSet::new();
                        let states: Vec<(u64, Option<Entry>)> = states
                            .into_iter()
                            .filter(|(number, _)| named.insert(*number))
                            .map(|(number, held)| (number, held.then(|| entry(number, "restored"))))
                            .collect();
                        for (number, value) in &states {
                            match value {
                                Some(value) => model.insert(*number, value.clone()),
                                None => model.remove(number),
                            };
                        }
                        table.restore(states);
                    }
                    Step::RemoveSorted(mut numbers) => {
                        numbers.sort_unstable();
                        table.remove_sorted(&numbers);
                        for number in &numbers {
                            model.remove(number);
                        }
                    }
                }
                let held: Vec<&Entry> = table.values().collect();
                let expected: Vec<&Entry> = model.values().collect();
                prop_assert_eq!(held, expected);
            }
            for number in 0..45 {
                prop_assert_eq!(table.get(&number), model.get(&number));
                prop_assert_eq!(table.contains_key(&number), model.contains_key(&number));
                for end in number..45 {
                    let in_range: Vec<u64> =
                        table.range(number..end).map(|held| held.number).collect();
                    let expected: Vec<u64> = model.range(number..end).map(|(number, _)| *number).collect();
                    prop_assert_eq!(in_range, expected);
                }
            }
        }
    }
}
