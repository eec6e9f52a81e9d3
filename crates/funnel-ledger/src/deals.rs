//! [`Deals`]: the ledger's deals by id, in the reading order of their
//! `lead`.
//!
//! A big ledger has hundreds of thousands of deals. A hash map from id to
//! deal stored each id twice (in its key and in the deal), a hash per deal
//! and a table of indices beside them (48 bytes a deal and 8 more for the
//! table at the terse million, where a `Deal` is 32). Names are numbered
//! densely ([`Name::key`]), so the deals are a vector in reading order and
//! an array from a name's number to a deal's place in it: 4 bytes per name
//! up to the highest deal id's number, no hashing, and the id is read from
//! the deal itself.

use std::ops::Index;

use crate::model::{Deal, NO_DEAL};
use crate::name::Name;

/// Deals by id, in the reading order of their `lead`: what an
/// `IndexMap<Name, Deal>` gave, with the same method names for what the
/// ledger's readers use (a deal's position is its index in
/// [`Deals::values`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deals {
    deals: Vec<Deal>,
    /// A deal's position in `deals`, at its id's [`Name::key`];
    /// [`NO_DEAL`] where no deal has that id. As long as the highest id's
    /// number (plus one).
    positions: Vec<u32>,
}

/// What a deal can be looked up by: its id as a [`Name`] or as text (a
/// text the process never stored names no deal, and is not stored by the
/// lookup).
pub trait DealId {
    fn name(&self) -> Option<Name>;
}

impl DealId for Name {
    fn name(&self) -> Option<Name> {
        Some(*self)
    }
}

impl DealId for str {
    fn name(&self) -> Option<Name> {
        Name::find(self)
    }
}

impl DealId for String {
    fn name(&self) -> Option<Name> {
        Name::find(self)
    }
}

impl<T: DealId + ?Sized> DealId for &T {
    fn name(&self) -> Option<Name> {
        (**self).name()
    }
}

impl Deals {
    /// Room for `deals` deals whose ids' [`Name::key`]s are below `keys`,
    /// allocated once at that size (more still fit).
    pub(crate) fn with_capacity(deals: usize, keys: usize) -> Deals {
        Deals {
            deals: Vec::with_capacity(deals),
            positions: vec![NO_DEAL; keys],
        }
    }

    /// Adds `deal` last, unless a deal with its id is there: then nothing
    /// changes and that deal's position is the error.
    pub(crate) fn insert(&mut self, deal: Deal) -> Result<usize, usize> {
        let key = deal.id.key();
        if key >= self.positions.len() {
            self.positions.resize(key + 1, NO_DEAL);
        }
        match self.positions[key] {
            NO_DEAL => {
                let position = self.deals.len();
                let stored = u32::try_from(position)
                    .ok()
                    .filter(|&p| p != NO_DEAL)
                    .expect("fewer than u32::MAX deals");
                self.positions[key] = stored;
                self.deals.push(deal);
                Ok(position)
            }
            first => Err(first as usize),
        }
    }

    fn position_of_name(&self, id: Name) -> Option<usize> {
        match self.positions.get(id.key()) {
            Some(&position) if position != NO_DEAL => Some(position as usize),
            _ => None,
        }
    }

    /// The position of the deal with this id, as a `u32` ([`NO_DEAL`] for
    /// none): what `build` notes per entry.
    pub(crate) fn position_u32(&self, id: Name) -> u32 {
        self.positions.get(id.key()).copied().unwrap_or(NO_DEAL)
    }

    /// The deal with this id.
    pub fn get<Q: DealId + ?Sized>(&self, id: &Q) -> Option<&Deal> {
        self.get_index_of(id).map(|position| &self.deals[position])
    }

    /// The position (in reading order) of the deal with this id.
    pub fn get_index_of<Q: DealId + ?Sized>(&self, id: &Q) -> Option<usize> {
        self.position_of_name(id.name()?)
    }

    pub fn contains_key<Q: DealId + ?Sized>(&self, id: &Q) -> bool {
        self.get_index_of(id).is_some()
    }

    /// The deal at `position` with its id.
    pub fn get_index(&self, position: usize) -> Option<(&Name, &Deal)> {
        self.deals.get(position).map(|deal| (&deal.id, deal))
    }

    pub fn len(&self) -> usize {
        self.deals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.deals.is_empty()
    }

    /// Every deal with its id, in reading order.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = (&Name, &Deal)> + ExactSizeIterator + Clone + '_ {
        self.deals.iter().map(|deal| (&deal.id, deal))
    }

    /// Every deal's id, in reading order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Name> + ExactSizeIterator + Clone + '_ {
        self.deals.iter().map(|deal| &deal.id)
    }

    /// Every deal, in reading order.
    pub fn values(&self) -> std::slice::Iter<'_, Deal> {
        self.deals.iter()
    }

    pub(crate) fn values_mut(&mut self) -> std::slice::IterMut<'_, Deal> {
        self.deals.iter_mut()
    }

    /// Every deal, in reading order.
    pub fn as_slice(&self) -> &[Deal] {
        &self.deals
    }
}

impl Index<usize> for Deals {
    type Output = Deal;
    fn index(&self, position: usize) -> &Deal {
        &self.deals[position]
    }
}

impl Index<&str> for Deals {
    type Output = Deal;
    /// # Panics
    ///
    /// When no deal has this id.
    fn index(&self, id: &str) -> &Deal {
        self.get(id).expect("no deal with this id")
    }
}

impl Index<&Name> for Deals {
    type Output = Deal;
    /// # Panics
    ///
    /// When no deal has this id.
    fn index(&self, id: &Name) -> &Deal {
        self.get(id).expect("no deal with this id")
    }
}

impl<'a> IntoIterator for &'a Deals {
    type Item = &'a Deal;
    type IntoIter = std::slice::Iter<'a, Deal>;
    fn into_iter(self) -> Self::IntoIter {
        self.deals.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DealList;

    fn deal(id: Name, lead: u32) -> Deal {
        Deal {
            id,
            channel: Name::new("deals-test:channel"),
            contact: None,
            lead,
            list: DealList::default(),
        }
    }

    /// Random inserts (repeated ids among them) and lookups by name, by
    /// text and by position give what an `IndexMap` gives.
    #[test]
    fn same_as_an_index_map() {
        let texts: Vec<String> = (0..500).map(|i| format!("deals-test:{i}")).collect();
        // Some names are stored but never open a deal; numbers interleave
        // with other names.
        let names: Vec<Name> = texts.iter().map(|t| Name::new(t)).collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        for sized in [false, true] {
            let mut map: indexmap::IndexMap<Name, Deal> = indexmap::IndexMap::new();
            let mut deals = if sized {
                Deals::with_capacity(100, names.iter().map(|n| n.key() + 1).max().unwrap())
            } else {
                Deals::default()
            };
            for lead in 0..400 {
                let id = names[next(300)];
                let got = deals.insert(deal(id, lead));
                match map.get_index_of(&id) {
                    Some(first) => assert_eq!(got, Err(first)),
                    None => {
                        map.insert(id, deal(id, lead));
                        assert_eq!(got, Ok(map.len() - 1));
                    }
                }
                assert_eq!(deals.len(), map.len());
                for _ in 0..5 {
                    let i = next(names.len());
                    let (name, text) = (names[i], texts[i].as_str());
                    assert_eq!(deals.get(&name), map.get(&name));
                    assert_eq!(deals.get(text), map.get(text));
                    assert_eq!(deals.get(&texts[i]), map.get(text));
                    assert_eq!(deals.get_index_of(&name), map.get_index_of(&name));
                    assert_eq!(deals.get_index_of(text), map.get_index_of(text));
                    assert_eq!(deals.contains_key(text), map.contains_key(text));
                    assert_eq!(
                        deals.position_u32(name),
                        map.get_index_of(&name).map_or(NO_DEAL, |p| p as u32)
                    );
                }
            }
            assert!(deals.get("deals-test:never stored").is_none());
            assert!(deals.iter().eq(map.iter()));
            assert!(deals.keys().eq(map.keys()));
            assert!(deals.values().eq(map.values()));
            assert!(deals.as_slice().iter().eq(map.values()));
            for position in 0..map.len() + 1 {
                assert_eq!(deals.get_index(position), map.get_index(position));
            }
            for (position, (id, deal)) in map.iter().enumerate() {
                assert_eq!(&deals[position], deal);
                assert_eq!(&deals[id.as_str()], deal);
                assert_eq!(&deals[id], deal);
            }
        }
    }
}
