//! Interned names: the ids of deals, contacts and stages, channel names,
//! tags and metadata keys.
//!
//! A big ledger names the same few thousand things millions of times (every
//! entry repeats its deal id, every metadata line a key). Each distinct name
//! is stored once, for the life of the process, and a [`Name`] is its
//! number in the store: no allocation per use, and cheap to copy into
//! reports. The store only grows with names never seen before, so
//! re-reading a ledger (`--watch`) costs nothing new unless the ledger
//! gained names.
//!
//! The store has two parts: a sharded hash table from text to `Name`
//! (behind per-thread caches of recent names), which only [`Name::new`]
//! and [`Name::find`] read, without a lock unless the name is new; and
//! [`Texts`], the table from `Name` to text, which every read of a name's
//! text goes through without a lock. Neither uses `unsafe`.
//!
//! **Bound.** A process can hold at most `u32::MAX` (4,294,967,295)
//! distinct names. A ledger cannot come near it (every name is at least
//! one byte of a file, and a name costs about 30 bytes of memory, so the
//! table would need over 100 GiB first); a process that does reach it
//! panics in [`Name::new`] with a message saying so, and never hands out
//! a number that is already taken.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
use std::hash::BuildHasher;
use std::num::NonZeroU32;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering as MemoryOrder};
use std::sync::{Mutex, OnceLock};

/// An interned string. Orders and hashes like the `str` it holds, so maps
/// keyed by `Name` can be looked up with a `&str`; two names are equal when
/// they are the same stored text, which is one integer comparison.
///
/// A `Name` is 4 bytes, its number in the store (never 0, so an
/// `Option<Name>` is 4 bytes too), which keeps every id, channel and key in
/// the model small; reading its text is an index into [`Texts`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Name(NonZeroU32);

/// Orders by the text, exactly as `str` does (reports sort by it). Equal
/// names are equal texts, so this agrees with `eq`.
impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        if self.0 == other.0 {
            Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Hashes the text, like `str` (what `Borrow<str>` requires); equal names
/// have equal text, so this agrees with `eq`.
impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Name {
    /// The name for `text`, stored on first use.
    ///
    /// # Panics
    ///
    /// When `text` is new and the process already holds `u32::MAX`
    /// distinct names (see the module's documentation).
    pub fn new(text: &str) -> Name {
        intern(text)
    }

    /// The name of `text` if the process has one, without storing the
    /// text when it has none: a lookup by a text that may name nothing
    /// (a deal id typed in an editor) need not grow the store.
    pub fn find(text: &str) -> Option<Name> {
        interner().find(text, HASHER.hash_one(text))
    }

    pub fn as_str(self) -> &'static str {
        TEXTS.get(self.0)
    }

    /// A number no other name of this process has (its number in the
    /// store): a key for a map that never reads the text, so a lookup
    /// neither hashes nor compares it. Names are numbered from 1 up, each
    /// thread taking [`NUMBER_BLOCK`] numbers at a time, so an array
    /// indexed by it is as long as the names met plus at most that many
    /// per interning thread (`build` finds deals by id that way).
    pub fn key(self) -> usize {
        self.0.get() as usize
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.as_str().to_owned()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Every name's text, by its number: an append-only table read without a
/// lock.
///
/// The numbers `2^b ..= 2^(b+1) - 1` (`b = ⌊log₂ n⌋`) fill two buckets
/// of `2^(b-1)` numbers each, picked by the bit below `n`'s highest (1 is
/// alone in bucket 0), so 63 buckets cover every `NonZeroU32`, and the
/// bucket is found from `n`'s leading zeros. Buckets that grow by half
/// rather than double leave at most a third of the slots made unused, not
/// half: on a terse million (160,000 names) the last bucket holds 65,536
/// slots of 24 bytes, not 131,072. A bucket is allocated the
/// first time one of its numbers is handed out and never moves or shrinks,
/// so a `&'static str` read from it stays valid; each slot is written once.
/// Both are `OnceLock`s: a read is two acquire loads (plain loads on
/// x86-64) and no lock, and it sees the text because whoever holds a
/// `Name` got it, through some synchronisation, from the thread that wrote
/// the slot before making the `Name`.
struct Texts {
    buckets: [OnceLock<Box<[OnceLock<&'static str>]>>; BUCKETS],
    /// The first number of the next block to hand out; a `u64`, so that it
    /// cannot wrap round to a number already taken before the bound is
    /// noticed.
    next: AtomicU64,
}

/// How many numbers a thread takes from [`Texts`] at a time. One shared
/// counter taken from at every new name made the two parsing threads
/// pass its cache line back and forth 160,000 times on a terse million;
/// a block costs a thread that interns one name 255 unused numbers.
const NUMBER_BLOCK: u64 = 256;

/// The numbers a thread has taken and not yet given to names: `next..end`.
#[derive(Clone, Copy, Default)]
struct Numbers {
    next: u64,
    end: u64,
}

static TEXTS: Texts = Texts::new();

/// Buckets of [`Texts`]: 1 for the number 1, two for each further power of two.
const BUCKETS: usize = 63;

/// The bucket of `number` and its place there.
fn bucket_of(number: NonZeroU32) -> (usize, usize) {
    let n = number.get();
    match number.ilog2() {
        0 => (0, 0),
        b => {
            let half = (n >> (b - 1)) & 1;
            (
                (2 * b - 1 + half) as usize,
                (n & ((1 << (b - 1)) - 1)) as usize,
            )
        }
    }
}

/// How many numbers bucket `bucket` holds.
fn bucket_len(bucket: usize) -> usize {
    match bucket {
        0 => 1,
        _ => 1 << (bucket.div_ceil(2) - 1),
    }
}

impl Texts {
    const fn new() -> Texts {
        Texts {
            buckets: [const { OnceLock::new() }; BUCKETS],
            next: AtomicU64::new(1),
        }
    }

    fn get(&self, number: NonZeroU32) -> &'static str {
        let (bucket, place) = bucket_of(number);
        self.buckets[bucket]
            .get()
            .and_then(|slots| slots[place].get())
            .expect("a name's text is stored before the name is made")
    }

    /// Stores `text` under the next of the caller's `numbers`, taking a
    /// new block of them when they are used up. The caller holds the lock
    /// of the text's shard, so a text is never stored twice; other threads
    /// push at the same time, which their blocks keep apart. `None` when
    /// every number is taken (the module's bound).
    fn push(&self, numbers: &mut Numbers, text: &'static str) -> Option<Name> {
        if numbers.next == numbers.end {
            let start = self.next.fetch_add(NUMBER_BLOCK, MemoryOrder::Relaxed);
            *numbers = Numbers {
                next: start,
                end: start + NUMBER_BLOCK,
            };
        }
        let next = numbers.next;
        numbers.next += 1;
        let number = NonZeroU32::new(u32::try_from(next).ok()?)?;
        let (bucket, place) = bucket_of(number);
        let slots = self.buckets[bucket]
            .get_or_init(|| (0..bucket_len(bucket)).map(|_| OnceLock::new()).collect());
        slots[place]
            .set(text)
            .expect("each number is handed out once");
        Some(Name(number))
    }
}

/// Shards of the process-wide store: a thread adding a name locks only
/// the shard of its hash, so the parser's threads rarely wait for each
/// other.
const SHARDS: usize = 64;

/// A stored name with its text: a thread's cache compares the text without
/// first reading it from [`Texts`].
type Slot = (&'static str, Name);

/// One shard of the store: an open-addressing table of the names whose
/// hash picks this shard, read without a lock.
///
/// A slot is one `AtomicU64`: the name's number in the high half, 32 bits
/// of its text's hash in the low half, 0 when empty. Slots are only ever
/// filled, never changed or emptied, so a reader that sees a slot filled
/// sees it whole, and (the slot stored with `Release` after the text was
/// pushed to [`Texts`]) can read the name's text. A table that fills up
/// is replaced by one twice its size, built under the lock and then made
/// current; the old one stays (a reader may be probing it), which costs at
/// most as much again as the current tables. A reader that misses in the
/// table it read (perhaps an old one) takes the lock and looks again in
/// the current one before storing anything, so no text is stored twice.
struct Shard {
    /// The index of the current table in `tables`.
    current: AtomicUsize,
    /// Table `g` has `2^(FIRST_BITS + g)` slots.
    tables: [OnceLock<Box<[AtomicU64]>>; GENERATIONS],
    writer: Mutex<Writer>,
}

/// What only the thread holding a shard's lock touches.
#[derive(Default)]
struct Writer {
    /// The names in the current table.
    len: usize,
}

/// A shard's first table has `2^FIRST_BITS` slots (2 KiB).
const FIRST_BITS: usize = 8;

/// Enough doublings for every number to fit in one shard: `2^(8 + 27)`
/// slots, more than `u32::MAX` names at the greatest load.
const GENERATIONS: usize = 28;

/// A shard on cache lines of its own: two shards sharing a line made
/// threads that used different shards pass the line back and forth all
/// the same.
#[repr(align(128))]
struct Padded(Shard);

struct Interner {
    shards: [Padded; SHARDS],
}

/// One hasher for every table (fixed, so a name hashes the same everywhere).
const HASHER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x9e37_79b9);

fn interner() -> &'static Interner {
    static INTERNER: OnceLock<Interner> = OnceLock::new();
    INTERNER.get_or_init(|| Interner {
        shards: std::array::from_fn(|_| {
            let tables = [const { OnceLock::new() }; GENERATIONS];
            // Set once, here, before anyone can read it.
            let _ = tables[0].set(empty_table(1 << FIRST_BITS));
            Padded(Shard {
                current: AtomicUsize::new(0),
                tables,
                writer: Mutex::default(),
            })
        }),
    })
}

fn empty_table(slots: usize) -> Box<[AtomicU64]> {
    (0..slots).map(|_| AtomicU64::new(0)).collect()
}

/// The size of the blocks the texts are copied into: one allocation for
/// thousands of names instead of one each. A text longer than a sixteenth
/// of it gets an allocation of its own, so at most that much of a block is
/// left unused when the next text does not fit.
const BLOCK: usize = 64 * 1024;

/// Slots of the per-thread cache of recent names (a power of two).
const RECENT: usize = 4096;

/// A thread's part of the store: a small direct-mapped cache of the names
/// it met recently, and the numbers and the block of text it takes new
/// names' from (a block per thread rather than per shard: 64 blocks begun
/// at once held 1.8 MB more on a terse million). A big ledger names a few
/// thousand deals at a time out of a hundred thousand; the recent ones fit
/// in the processor's cache, where a lookup in the shared tables would
/// miss it.
struct Seen {
    recent: Vec<Option<Slot>>,
    numbers: Numbers,
    /// The rest of the block this thread's new texts are copied into.
    free: &'static mut [u8],
}

thread_local! {
    static SEEN: RefCell<Seen> = const {
        RefCell::new(Seen {
            recent: Vec::new(),
            numbers: Numbers { next: 0, end: 0 },
            free: &mut [],
        })
    };
}

fn intern(text: &str) -> Name {
    let hash = HASHER.hash_one(text);
    SEEN.with_borrow_mut(|seen| {
        if seen.recent.is_empty() {
            seen.recent = vec![None; RECENT];
        }
        let slot = &mut seen.recent[(hash as usize) & (RECENT - 1)];
        if let Some((stored_text, name)) = *slot {
            if same_text(stored_text, text) {
                return name;
            }
        }
        let shard = interner().shard(hash);
        let (text, name) = match shard.find(text, hash) {
            Some(name) => (name.as_str(), name),
            None => shard.intern(text, hash, &mut seen.numbers, &mut seen.free),
        };
        *slot = Some((text, name));
        name
    })
}

impl Interner {
    fn shard(&self, hash: u64) -> &Shard {
        // The high bits pick the shard; its tables use the low ones.
        &self.shards[(hash >> 58) as usize % SHARDS].0
    }

    fn find(&self, text: &str, hash: u64) -> Option<Name> {
        self.shard(hash).find(text, hash)
    }
}

/// A filled slot: the name and 32 bits of its hash.
fn slot_of(name: Name, hash: u64) -> u64 {
    (u64::from(name.0.get()) << 32) | (hash & 0xffff_ffff)
}

/// The name in a filled slot.
fn name_in(slot: u64) -> Name {
    Name(NonZeroU32::new((slot >> 32) as u32).expect("a filled slot holds a name"))
}

impl Shard {
    /// The current table.
    fn table(&self) -> &[AtomicU64] {
        let current = self.current.load(MemoryOrder::Acquire);
        self.tables[current]
            .get()
            .expect("the current table is set before it is made current")
    }

    /// `text`'s name in `table`, or the empty slot where it would go.
    /// Linear probing from bits 32 and up of the hash, apart from the 32
    /// a slot keeps (so names next to each other in a table still differ
    /// there) and, up to 2^26 slots (50 million names a shard), from the
    /// top 6 that pick the shard; a table is never
    /// more than three quarters full, so a probe ends.
    fn probe(table: &[AtomicU64], text: &str, hash: u64) -> Result<Name, usize> {
        let mask = table.len() - 1;
        let mut at = (hash >> 32) as usize & mask;
        loop {
            let slot = table[at].load(MemoryOrder::Acquire);
            if slot == 0 {
                return Err(at);
            }
            if slot & 0xffff_ffff == hash & 0xffff_ffff {
                let name = name_in(slot);
                if same_text(name.as_str(), text) {
                    return Ok(name);
                }
            }
            at = (at + 1) & mask;
        }
    }

    fn find(&self, text: &str, hash: u64) -> Option<Name> {
        Shard::probe(self.table(), text, hash).ok()
    }

    /// The name of `text`, stored now unless another thread stored it
    /// since this one looked.
    fn intern(
        &self,
        text: &str,
        hash: u64,
        numbers: &mut Numbers,
        free: &mut &'static mut [u8],
    ) -> Slot {
        // A panic while holding the lock cannot leave the shard
        // half-updated (a slot is filled by one store, a bigger table made
        // current by one store after it is complete), so a poisoned lock is
        // still usable.
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Only the lock's holder changes `current`.
        let current = self.current.load(MemoryOrder::Relaxed);
        let table = self.tables[current]
            .get()
            .expect("the current table is set");
        let empty = match Shard::probe(table, text, hash) {
            Ok(name) => return (name.as_str(), name),
            Err(empty) => empty,
        };
        let stored = store_text(free, text);
        let name = TEXTS
            .push(numbers, stored)
            .expect("more than u32::MAX (4,294,967,295) distinct names in one process");
        let slot = slot_of(name, hash);
        if (writer.len + 1) * 4 <= table.len() * 3 {
            table[empty].store(slot, MemoryOrder::Release);
        } else {
            // Full: a table twice the size with every name and the new
            // one, then made current (the `Release` store publishes its
            // slots with it).
            let bigger = empty_table(table.len() * 2);
            for filled in table.iter().map(|s| s.load(MemoryOrder::Relaxed)) {
                if filled != 0 {
                    let text = name_in(filled).as_str();
                    let at = Shard::probe(&bigger, text, HASHER.hash_one(text))
                        .expect_err("each name is in a table once");
                    bigger[at].store(filled, MemoryOrder::Relaxed);
                }
            }
            let at = Shard::probe(&bigger, text, hash).expect_err("the name is new");
            bigger[at].store(slot, MemoryOrder::Relaxed);
            self.tables
                .get(current + 1)
                .expect("a shard never needs more tables than GENERATIONS")
                .set(bigger)
                .expect("only the lock's holder sets a table");
            self.current.store(current + 1, MemoryOrder::Release);
        }
        writer.len += 1;
        (stored, name)
    }
}

/// `a == b`, without a call into the C library for the short texts names
/// mostly are (a comparison of any length was 9 % of the parse of a terse
/// ledger): up to 16 bytes, two words of each, which overlap when the
/// texts are shorter.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let len = a.len();
    if len != b.len() {
        return false;
    }
    fn word(s: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(s[at..at + 8].try_into().expect("eight bytes"))
    }
    fn half(s: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(s[at..at + 4].try_into().expect("four bytes"))
    }
    match len {
        8..=16 => word(a, 0) == word(b, 0) && word(a, len - 8) == word(b, len - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, len - 4) == half(b, len - 4),
        _ => a == b,
    }
}

/// A copy of `text` for the life of the process: in the block `free` is
/// the rest of, or a new one when it does not fit.
fn store_text(free: &mut &'static mut [u8], text: &str) -> &'static str {
    if text.len() > BLOCK / 16 {
        return Box::leak(text.into());
    }
    if free.len() < text.len() {
        *free = Box::leak(vec![0; BLOCK].into_boxed_slice());
    }
    let (copy, rest) = std::mem::take(free).split_at_mut(text.len());
    *free = rest;
    copy.copy_from_slice(text.as_bytes());
    // A copy of a `str` is UTF-8; checking it again costs a pass over a
    // new name's bytes, once per name, and keeps this free of `unsafe`.
    std::str::from_utf8(copy).expect("a copy of a str is UTF-8")
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
    fn find_does_not_store() {
        assert_eq!(Name::find("find:never stored"), None);
        assert_eq!(Name::find("find:never stored"), None);
        let stored = Name::new("find:stored");
        assert_eq!(Name::find("find:stored"), Some(stored));
        let texts: Vec<String> = (0..2 * RECENT).map(|i| format!("find:{i}")).collect();
        let names: Vec<Name> = texts.iter().map(|t| Name::new(t)).collect();
        for (text, name) in texts.iter().zip(&names) {
            assert_eq!(Name::find(text), Some(*name));
            assert_eq!(Name::find(&format!("{text}x")), None);
        }
    }

    #[test]
    fn four_bytes_with_a_niche() {
        assert_eq!(std::mem::size_of::<Name>(), 4);
        assert_eq!(std::mem::size_of::<Option<Name>>(), 4);
        fn send_sync_copy<T: Send + Sync + Copy>() {}
        send_sync_copy::<Name>();
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

    /// Names order exactly as their texts, whatever order they were stored
    /// in (here: reversed, so numbers and texts disagree), prefixes, case
    /// and non-ASCII included.
    #[test]
    fn order_is_the_texts_order() {
        let mut texts: Vec<String> = ["", "a", "a-b", "ab", "B", "b", "é", "z", "zz", "deal-10"]
            .iter()
            .map(|t| format!("order:{t}"))
            .chain((0..300).map(|i| format!("order:{}", (i * 7919) % 1009)))
            .collect();
        texts.reverse();
        let names: Vec<Name> = texts.iter().map(|t| Name::new(t)).collect();
        for (a, text_a) in names.iter().zip(&texts) {
            for (b, text_b) in names.iter().zip(&texts) {
                assert_eq!(a.cmp(b), text_a.as_str().cmp(text_b), "{text_a} {text_b}");
                assert_eq!(a.partial_cmp(b), Some(text_a.as_str().cmp(text_b)));
                assert_eq!(a == b, text_a == text_b);
            }
        }
        let mut sorted_names = names;
        sorted_names.sort();
        texts.sort();
        let sorted_texts: Vec<&str> = sorted_names.iter().map(|n| n.as_str()).collect();
        assert_eq!(sorted_texts, texts);
    }

    /// More names than the recent cache has slots, and enough for every
    /// shard's table to be replaced by bigger ones twice: evicted and
    /// colliding slots and grown tables still give each text its own name.
    #[test]
    fn many_names_stay_distinct() {
        let texts: Vec<String> = (0..(SHARDS << FIRST_BITS) * 2 + 3 * RECENT)
            .map(|i| format!("deal-{i}"))
            .collect();
        let first: Vec<Name> = texts.iter().map(|t| Name::new(t)).collect();
        for (text, name) in texts.iter().zip(&first).rev() {
            assert_eq!(Name::new(text), *name);
            assert_eq!(name.as_str(), text);
        }
    }

    /// Threads interning the same texts (in different orders) and texts of
    /// their own at once: equal texts get equal names, different texts
    /// different ones, and every name reads back its text.
    ///
    /// About 67,000 distinct names (a thousand a shard): every shard's
    /// table is replaced by bigger ones while other threads read it.
    #[test]
    fn threads_agree() {
        const THREADS: usize = 8;
        const SHARED: usize = 20_000;
        let results: Vec<Vec<(String, Name)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS)
                .map(|thread| {
                    s.spawn(move || {
                        (0..SHARED)
                            .map(|i| {
                                // Each thread walks the shared texts from a
                                // different place, and interleaves its own.
                                let i = (i + thread * 613) % SHARED;
                                if i.is_multiple_of(3) {
                                    format!("agree:{thread}:own-{i}")
                                } else {
                                    format!("agree:shared-{i}")
                                }
                            })
                            .map(|text| {
                                let name = Name::new(&text);
                                (text, name)
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut by_text = std::collections::HashMap::new();
        let mut by_key = std::collections::HashMap::new();
        for (text, name) in results.iter().flatten() {
            assert_eq!(name.as_str(), text);
            assert_eq!(*by_text.entry(text.as_str()).or_insert(*name), *name);
            assert_eq!(*by_key.entry(name.key()).or_insert(text.as_str()), text);
            assert!(std::ptr::eq(name.as_str(), by_text[text.as_str()].as_str()));
        }
        assert_eq!(by_text.len(), by_key.len());
    }

    /// Every number has one place: consecutive numbers fill each bucket
    /// from 0 to its end, then the next bucket, up to the last number.
    #[test]
    fn buckets_grow_by_half() {
        let place = |n: u32| bucket_of(NonZeroU32::new(n).unwrap());
        assert_eq!(place(1), (0, 0));
        assert_eq!(place(2), (1, 0));
        assert_eq!(place(3), (2, 0));
        assert_eq!(place(4), (3, 0));
        assert_eq!(place(5), (3, 1));
        assert_eq!(place(6), (4, 0));
        assert_eq!(place(7), (4, 1));
        assert_eq!(place(8), (5, 0));
        assert_eq!(place(131_072 + 30_000), (33, 30_000));
        assert_eq!(place(1 << 31), (61, 0));
        assert_eq!(place(u32::MAX), (62, (1 << 30) - 1));
        assert_eq!(bucket_len(62), 1 << 30);
        let mut expected = (0, 0);
        for n in 1..=1u32 << 20 {
            assert_eq!(place(n), expected, "{n}");
            expected.1 += 1;
            if expected.1 == bucket_len(expected.0) {
                expected = (expected.0 + 1, 0);
            }
        }
        // The last bucket ends at the last number.
        let (last, at) = place(u32::MAX);
        assert_eq!((last, at + 1), (BUCKETS - 1, bucket_len(BUCKETS - 1)));
    }

    /// A table of its own, filled by several threads at once, each with
    /// its own blocks of numbers: the numbers are distinct, increase on
    /// each thread, leave no more than a block per thread unused, each
    /// reads back its text, and still does after later pushes allocated
    /// new buckets.
    #[test]
    fn numbers_are_dense_and_stable() {
        let texts = Texts::new();
        let pushed: Vec<Vec<(Name, &'static str)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|thread| {
                    let texts = &texts;
                    s.spawn(move || {
                        let mut numbers = Numbers::default();
                        (0..1000)
                            .map(|i| {
                                let text: &'static str =
                                    Box::leak(format!("{thread}-{i}").into_boxed_str());
                                (texts.push(&mut numbers, text).unwrap(), text)
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for thread in &pushed {
            assert!(thread
                .windows(2)
                .all(|pair| pair[0].0.key() < pair[1].0.key()));
        }
        let mut numbers: Vec<usize> = pushed.iter().flatten().map(|(n, _)| n.key()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), 4000);
        // 1,000 names a thread take four blocks of 256 each.
        let blocks = 4 * 1000_usize.div_ceil(NUMBER_BLOCK as usize);
        assert!(numbers[0] >= 1 && numbers[3999] <= blocks * NUMBER_BLOCK as usize);
        for &(name, text) in pushed.iter().flatten() {
            assert!(std::ptr::eq(texts.get(name.0), text));
        }
        let later = texts.push(&mut Numbers::default(), "later").unwrap();
        assert_eq!(later.key(), blocks * NUMBER_BLOCK as usize + 1);
        assert_eq!(texts.get(later.0), "later");
        for &(name, text) in pushed.iter().flatten() {
            assert!(std::ptr::eq(texts.get(name.0), text));
        }
    }

    /// Past the last number, `push` declines every time rather than hand
    /// out a number again.
    #[test]
    fn a_full_table_declines() {
        let texts = Texts::new();
        texts
            .next
            .store(u64::from(u32::MAX) + 1, MemoryOrder::Relaxed);
        let mut numbers = Numbers::default();
        assert!(texts.push(&mut numbers, "one too many").is_none());
        assert!(texts.push(&mut numbers, "two too many").is_none());
    }

    /// `same_text` is `==` for every length up to 40, whichever byte
    /// differs, and for texts of different lengths.
    #[test]
    fn same_text_is_eq() {
        let base: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCD".into();
        for len in 0..=base.len() {
            let a = &base[..len];
            assert!(same_text(a, &String::from(a)), "{a}");
            for at in 0..len {
                let mut b = a.as_bytes().to_vec();
                b[at] = b'-';
                let b = String::from_utf8(b).unwrap();
                assert!(!same_text(a, &b), "{a} {b}");
            }
            if len > 0 {
                assert!(!same_text(a, &base[..len - 1]));
                assert!(!same_text(&base[1..len], a));
            }
        }
        assert!(same_text("é-deal-2026", "é-deal-2026"));
        assert!(!same_text("é-deal-2026", "è-deal-2026"));
    }

    /// Texts share blocks until one is full; a long text has its own
    /// allocation and leaves the block as it was.
    #[test]
    fn texts_fill_blocks() {
        let mut free: &'static mut [u8] = &mut [];
        let short = "x".repeat(100);
        let first = store_text(&mut free, &short);
        assert_eq!(first, short);
        assert_eq!(free.len(), BLOCK - 100);
        let long = "y".repeat(BLOCK / 16 + 1);
        assert_eq!(store_text(&mut free, &long), long);
        assert_eq!(free.len(), BLOCK - 100);
        let copies: Vec<&str> = (0..BLOCK / 100 + 5)
            .map(|i| store_text(&mut free, &format!("{i:0>100}")))
            .collect();
        for (i, copy) in copies.iter().enumerate() {
            assert_eq!(*copy, format!("{i:0>100}"));
        }
        assert_eq!(store_text(&mut free, "é"), "é");
        assert_eq!(store_text(&mut free, ""), "");
        assert_eq!(first, short);
    }
}
