//! What the queue works out once per change of its rows, so that a change of filter, sort or
//! search touches each row only through numbers: every distinct title and owner folded to
//! lower case once, with its place in A-to-Z order. Incidents share titles (one analytics rule
//! raises many), so a search tests each distinct title once, and sorting by a word compares
//! ranks rather than text.

use std::collections::{HashMap, HashSet};

use super::queue_row::QueueRow;
use super::validation;

/// The id of a row without a value (an incident nobody owns).
const NONE: u32 = u32::MAX;

/// The distinct values of one text column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Distinct {
    /// Per row, the id of its value (`NONE` without one).
    of_row: Vec<u32>,
    /// Each distinct value folded to lower case, by id.
    folded: Vec<String>,
    /// Each distinct value's place in A-to-Z order of the folded text, by id; values equal
    /// once folded share a place.
    rank: Vec<u32>,
}

impl Distinct {
    fn of<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Distinct {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut distinct = Distinct::default();
        for value in values {
            let id = value.map_or(NONE, |text| {
                *ids.entry(text).or_insert_with(|| {
                    distinct.folded.push(text.to_lowercase());
                    (distinct.folded.len() - 1) as u32
                })
            });
            distinct.of_row.push(id);
        }
        let mut order: Vec<u32> = (0..distinct.folded.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            distinct.folded[a as usize].cmp(&distinct.folded[b as usize])
        });
        distinct.rank = vec![0; order.len()];
        let mut place = 0;
        for (position, &id) in order.iter().enumerate() {
            if position > 0
                && distinct.folded[id as usize] != distinct.folded[order[position - 1] as usize]
            {
                place = position as u32;
            }
            distinct.rank[id as usize] = place;
        }
        distinct
    }

    /// Per distinct value, whether it contains `folded_query`.
    fn containing(&self, folded_query: &str) -> Vec<bool> {
        self.folded
            .iter()
            .map(|value| value.contains(folded_query))
            .collect()
    }

    /// Whether row `index`'s value is one of `hits`.
    fn hit(&self, hits: &[bool], index: usize) -> bool {
        let id = self.of_row[index];
        id != NONE && hits[id as usize]
    }

    /// Row `index`'s place in A-to-Z order; rows without a value after every other.
    fn rank_of(&self, index: usize) -> i64 {
        match self.of_row[index] {
            NONE => i64::MAX,
            id => i64::from(self.rank[id as usize]),
        }
    }
}

/// The queue's rows worked out for filtering, searching and sorting, and the names its pickers
/// offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueIndex {
    titles: Distinct,
    owners: Distinct,
    owner_names: Vec<String>,
    products: Vec<String>,
    tags: Vec<String>,
}

/// The tags of the rows the queue can show (merged incidents it hides, and with them the
/// `Redirected` tag only they carry), each once whatever its case (by the model's rule, the
/// first spelling seen), sorted: what the tag picker lists.
fn distinct_tags(rows: &[QueueRow]) -> Vec<String> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    let shown = rows.iter().filter(|row| row.merged_into.is_none());
    for tag in shown.flat_map(|row| row.tags.iter()) {
        seen.entry(validation::tag_key(tag)).or_insert(tag);
    }
    sorted_names(seen.into_values())
}

/// Each distinct name once, sorted: what a picker lists.
fn sorted_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let distinct: HashSet<&str> = names.collect();
    let mut sorted: Vec<String> = distinct.into_iter().map(str::to_owned).collect();
    sorted.sort_unstable();
    sorted
}

/// What a search matched among the distinct titles and owners.
pub(super) struct SearchHits {
    titles: Vec<bool>,
    owners: Vec<bool>,
}

impl QueueIndex {
    /// The index of these rows.
    pub fn of(rows: &[QueueRow]) -> QueueIndex {
        QueueIndex {
            titles: Distinct::of(rows.iter().map(|row| Some(row.title.as_str()))),
            owners: Distinct::of(rows.iter().map(|row| row.owner.as_deref())),
            owner_names: sorted_names(rows.iter().filter_map(|row| row.owner.as_deref())),
            products: sorted_names(
                rows.iter()
                    .flat_map(|row| row.product_names.iter().map(String::as_str)),
            ),
            tags: distinct_tags(rows),
        }
    }

    /// The owners of the rows, each once, A to Z.
    pub fn owner_names(&self) -> &[String] {
        &self.owner_names
    }

    /// The products of the rows' alerts, each once, A to Z.
    pub fn products(&self) -> &[String] {
        &self.products
    }

    /// The rows' tags, each once, A to Z.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// How many rows it covers.
    pub fn len(&self) -> usize {
        self.titles.of_row.len()
    }

    /// Whether it covers no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Tests each distinct title and owner once against a search folded to lower case.
    pub(super) fn search(&self, folded_query: &str) -> SearchHits {
        SearchHits {
            titles: self.titles.containing(folded_query),
            owners: self.owners.containing(folded_query),
        }
    }

    /// Whether row `index`'s title or owner matched.
    pub(super) fn matched(&self, hits: &SearchHits, index: usize) -> bool {
        self.titles.hit(&hits.titles, index) || self.owners.hit(&hits.owners, index)
    }

    /// Row `index`'s title's place in A-to-Z order.
    pub(super) fn title_rank(&self, index: usize) -> i64 {
        self.titles.rank_of(index)
    }

    /// Row `index`'s owner's place in A-to-Z order, unowned last.
    pub(super) fn owner_rank(&self, index: usize) -> i64 {
        self.owners.rank_of(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pickers_offer_each_name_once_in_order() {
        let mut rows = Vec::new();
        for (owner, products, tags) in [
            (Some("Zoe"), vec!["MDE", "MDI"], vec!["vip"]),
            (None, vec!["MDE"], vec!["VIP"]),
            (Some("Ana"), vec![], vec!["vip", "Phish"]),
        ] {
            let mut row = QueueRow::numbered(rows.len() as u64 + 1);
            row.owner = owner.map(str::to_owned);
            row.product_names = products.into_iter().map(str::to_owned).collect();
            row.tags = tags.into_iter().map(str::to_owned).collect();
            rows.push(row);
        }
        // A merged incident, which the queue hides, offers no tag to filter by.
        let mut merged = QueueRow::numbered(rows.len() as u64 + 1);
        merged.tags = vec!["Redirected".to_owned()];
        merged.merged_into = Some(1);
        rows.push(merged);
        let index = QueueIndex::of(&rows);
        assert_eq!(index.owner_names(), ["Ana", "Zoe"]);
        assert_eq!(index.products(), ["MDE", "MDI"]);
        assert_eq!(index.tags(), ["Phish", "vip"], "VIP is vip");
    }

    #[test]
    fn equal_words_but_for_case_share_a_place_and_missing_ones_come_last() {
        let values = [
            Some("beta"),
            Some("Alpha"),
            None,
            Some("BETA"),
            Some("gamma"),
        ];
        let distinct = Distinct::of(values.into_iter());
        let ranks: Vec<i64> = (0..values.len()).map(|row| distinct.rank_of(row)).collect();
        assert_eq!(ranks, [1, 0, i64::MAX, 1, 3]);
        let hits = distinct.containing("et");
        let matched: Vec<bool> = (0..values.len())
            .map(|row| distinct.hit(&hits, row))
            .collect();
        assert_eq!(matched, [true, false, false, true, false]);
    }
}
