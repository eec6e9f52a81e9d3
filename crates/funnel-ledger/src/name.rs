//! Interned names: the ids of deals, contacts and stages, channel names,
//! tags and metadata keys.
//!
//! A big ledger names the same few thousand things millions of times (every
//! entry repeats its deal id, every metadata line a key). Each distinct name
//! is stored once, for the life of the process, and a [`Name`] is a copied
//! reference to it: no allocation per use, and cheap to clone into reports.
//! The store only grows with names never seen before, so re-reading a
//! ledger (`--watch`) costs nothing new unless the ledger gained names.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

/// An interned string. Orders and hashes like the `str` it holds, so maps
/// keyed by `Name` can be looked up with a `&str`; two names are equal when
/// they are the same stored text, which is one pointer comparison.
///
/// A `Name` is one pointer wide: it points at the stored `&str`, not at the
/// text, which keeps every id, channel and key in the model at 8 bytes.
#[derive(Clone, Copy, PartialOrd, Ord)]
pub struct Name(Stored);

/// Where a name's text is kept: a reference to it, stored once per name.
type Stored = &'static &'static str;

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        // Every `Name` is made by `Name::new`, so equal texts are stored
        // once: the same address and length.
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Name {}

/// Hashes the text, like `str` (what `Borrow<str>` requires); equal names
/// have equal text, so this agrees with `eq`.
impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (*self.0).hash(state);
    }
}

impl Name {
    /// The name for `text`, stored on first use.
    pub fn new(text: &str) -> Name {
        Name(intern(text))
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// A number no other name of this process has (where its text is
    /// stored): a key for a map that never reads the text, so a lookup
    /// neither hashes nor compares it.
    pub fn key(self) -> usize {
        std::ptr::from_ref(self.0) as usize
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        (*name.0).to_owned()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == *other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(*self.0, f)
    }
}

/// Shards of the process-wide store, so that the parser's threads rarely
/// wait for each other.
const SHARDS: usize = 16;

/// A stored name with its text: lookups compare the text without first
/// following the `Stored` pointer (a cache miss per probe on a big table).
type Slot = (&'static str, Stored);

type Table = hashbrown::HashTable<Slot>;

struct Interner {
    shards: [Mutex<Table>; SHARDS],
}

/// One hasher for every table (fixed, so a name hashes the same everywhere).
const HASHER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x9e37_79b9);

fn interner() -> &'static Interner {
    static INTERNER: OnceLock<Interner> = OnceLock::new();
    INTERNER.get_or_init(|| Interner {
        shards: std::array::from_fn(|_| Mutex::default()),
    })
}

/// At most this many names in a thread's table: a big ledger's names
/// (132,000 deal ids at a million entries) would outgrow the processor's
/// cache, while the names of a stretch of the file fit; a thread whose
/// table is full starts it again (the names stay in the shared store).
const SEEN_MAX: usize = 1 << 14;

/// Slots of the per-thread cache of recent names (a power of two).
const RECENT: usize = 4096;

/// A thread's view of the store: every name it has looked up, and in front
/// of that a small direct-mapped cache of recent ones. A big ledger names a
/// few thousand deals at a time out of a hundred thousand; the recent ones
/// fit in the processor's cache, where a lookup in the whole table would
/// miss it.
struct Seen {
    all: Table,
    recent: Vec<Option<Slot>>,
}

thread_local! {
    static SEEN: RefCell<Seen> = const {
        RefCell::new(Seen {
            all: Table::new(),
            recent: Vec::new(),
        })
    };
}

fn intern(text: &str) -> Stored {
    let hash = HASHER.hash_one(text);
    SEEN.with_borrow_mut(|seen| {
        if seen.recent.is_empty() {
            seen.recent = vec![None; RECENT];
        }
        let slot = &mut seen.recent[(hash as usize) & (RECENT - 1)];
        if let Some((stored_text, stored)) = *slot {
            if stored_text == text {
                return stored;
            }
        }
        let slot = match seen.all.find(hash, |(s, _)| *s == text) {
            Some(&slot) => slot,
            None => {
                let slot = interner().intern(text, hash);
                if seen.all.len() >= SEEN_MAX {
                    seen.all.clear();
                }
                seen.all
                    .insert_unique(hash, slot, |(s, _)| HASHER.hash_one(s));
                slot
            }
        };
        seen.recent[(hash as usize) & (RECENT - 1)] = Some(slot);
        slot.1
    })
}

impl Interner {
    fn intern(&self, text: &str, hash: u64) -> Slot {
        // The high bits pick the shard; the table uses the low ones.
        let shard = (hash >> 60) as usize % SHARDS;
        // A panic while holding the lock cannot leave the table
        // half-updated (insertion is one call), so a poisoned lock is
        // still usable.
        let mut table = self.shards[shard]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&slot) = table.find(hash, |(s, _)| *s == text) {
            return slot;
        }
        let text: &'static str = Box::leak(text.into());
        let stored: Stored = Box::leak(Box::new(text));
        table.insert_unique(hash, (text, stored), |(s, _)| HASHER.hash_one(s));
        (text, stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_storage() {
        let a = Name::new("acme-2024");
        let b = Name::new(&String::from("acme-2024"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_ne!(a, Name::new("acme-2025"));
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), Name::new("acme-2025").key());
        assert_eq!(a, "acme-2024");
        assert!(Name::new("b") > Name::new("a"));
        assert_eq!(format!("[{:>6}]", Name::new("ab")), "[    ab]");
        assert_eq!(format!("{:?}", Name::new("x")), "\"x\"");
    }

    #[test]
    fn map_lookup_by_str() {
        let mut map = std::collections::HashMap::new();
        map.insert(Name::new("platform:upwork"), 1);
        assert_eq!(map.get("platform:upwork"), Some(&1));
        let mut index = indexmap::IndexMap::new();
        index.insert(Name::new("anna"), 2);
        assert_eq!(index.get("anna"), Some(&2));
    }

    /// More names than the recent cache has slots and a thread's table
    /// holds: evicted and colliding slots and a restarted table still give
    /// each text its own name.
    #[test]
    fn many_names_stay_distinct() {
        let texts: Vec<String> = (0..SEEN_MAX + 3 * RECENT)
            .map(|i| format!("deal-{i}"))
            .collect();
        let first: Vec<Name> = texts.iter().map(|t| Name::new(t)).collect();
        for (text, name) in texts.iter().zip(&first).rev() {
            assert_eq!(Name::new(text), *name);
            assert_eq!(name.as_str(), text);
        }
    }

    #[test]
    fn threads_agree() {
        let names: Vec<Vec<Name>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..1000).map(|i| Name::new(&format!("deal-{i}"))).collect()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for other in &names[1..] {
            for (a, b) in names[0].iter().zip(other) {
                assert!(std::ptr::eq(a.as_str(), b.as_str()));
            }
        }
    }
}
