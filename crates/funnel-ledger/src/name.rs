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
//! (behind per-thread caches), which only [`Name::new`] and
//! [`Name::find`] read, and [`Texts`], the table from `Name` to text,
//! which every read of a name's text goes through without a lock.
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
use std::sync::atomic::{AtomicU64, Ordering as MemoryOrder};
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
/// Number `n` lives in bucket `⌊log₂ n⌋`, which holds the `2^b` numbers
/// `2^b ..= 2^(b+1) - 1`, so 32 buckets cover every `NonZeroU32`, and
/// the bucket is found from `n`'s leading zeros. A bucket is allocated the
/// first time one of its numbers is handed out and never moves or shrinks,
/// so a `&'static str` read from it stays valid; each slot is written once.
/// Both are `OnceLock`s: a read is two acquire loads (plain loads on
/// x86-64) and no lock, and it sees the text because whoever holds a
/// `Name` got it, through some synchronisation, from the thread that wrote
/// the slot before making the `Name`.
struct Texts {
    buckets: [OnceLock<Box<[OnceLock<&'static str>]>>; 32],
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

/// The bucket of `number` and its place there.
fn bucket_of(number: NonZeroU32) -> (usize, usize) {
    let bucket = number.ilog2();
    (bucket as usize, (number.get() - (1 << bucket)) as usize)
}

impl Texts {
    const fn new() -> Texts {
        Texts {
            buckets: [const { OnceLock::new() }; 32],
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
            .get_or_init(|| (0..1usize << bucket).map(|_| OnceLock::new()).collect());
        slots[place]
            .set(text)
            .expect("each number is handed out once");
        Some(Name(number))
    }
}

/// Shards of the process-wide store, so that the parser's threads rarely
/// wait for each other.
const SHARDS: usize = 64;

/// A stored name with its text: a thread's cache compares the text without
/// first reading it from [`Texts`] (a cache miss per probe on a big table).
type Slot = (&'static str, Name);

type Table = hashbrown::HashTable<Slot>;

/// The shared tables hold the name and 32 bits of its text's hash (8 bytes
/// a name instead of 24): a lookup there, after a thread's own cache
/// missed, reads the text from [`Texts`] only for the probes whose hash
/// matches (about one), and growing the table reads no text at all.
type SharedTable = hashbrown::HashTable<(Name, u32)>;

/// The hash a shared table files a text under, made from 32 bits of its
/// full hash (kept beside the name): the table takes its bucket from the
/// low bits and its tag from the top 7, which stay distinct bits of the
/// 32 for any table of fewer than 2^25 buckets.
fn shared_hash(short: u32) -> u64 {
    (u64::from(short) << 32) | u64::from(short)
}

/// One shard of the store: its names, and the rest of the block its new
/// texts are copied into.
#[derive(Default)]
struct Shard {
    table: SharedTable,
    free: &'static mut [u8],
}

/// A shard's lock on cache lines of its own: two shards sharing a line
/// made threads that locked different shards pass the line back and forth
/// all the same.
#[derive(Default)]
#[repr(align(128))]
struct Padded(Mutex<Shard>);

struct Interner {
    shards: [Padded; SHARDS],
}

/// One hasher for every table (fixed, so a name hashes the same everywhere).
const HASHER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x9e37_79b9);

fn interner() -> &'static Interner {
    static INTERNER: OnceLock<Interner> = OnceLock::new();
    INTERNER.get_or_init(|| Interner {
        shards: std::array::from_fn(|_| Padded::default()),
    })
}

/// The size of the blocks the texts are copied into: one allocation for
/// thousands of names instead of one each. A text longer than a sixteenth
/// of it gets an allocation of its own, so at most that much of a block is
/// left unused when the next text does not fit.
const BLOCK: usize = 64 * 1024;

/// At most this many names in a thread's table (24 bytes each), which
/// then starts again (the names stay in the shared store). A bound for a
/// long-lived thread (the language server's), not for speed: on a terse
/// million (160,000 names, parsed on two threads) tables of every name
/// their thread met spent 13 % less time interning than tables of 16,384
/// that restarted (the shared store's locks and atomics, which a lookup there
/// costs, were most of it; docs/performance.md, thirteenth pass). Tests
/// use a small bound, so that restarting is tested.
const SEEN_MAX: usize = if cfg!(test) { 1 << 12 } else { 1 << 20 };

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
    numbers: Numbers,
}

thread_local! {
    static SEEN: RefCell<Seen> = const {
        RefCell::new(Seen {
            all: Table::new(),
            recent: Vec::new(),
            numbers: Numbers { next: 0, end: 0 },
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
        let slot = match seen.all.find(hash, |(s, _)| same_text(s, text)) {
            Some(&slot) => slot,
            None => {
                let slot = interner().intern(text, hash, &mut seen.numbers);
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
    fn shard(&self, hash: u64) -> std::sync::MutexGuard<'_, Shard> {
        // The high bits pick the shard; the table uses the low ones.
        let shard = (hash >> 60) as usize % SHARDS;
        // A panic while holding the lock cannot leave the shard
        // half-updated (the text is pushed before the table learns of it,
        // and insertion is one call), so a poisoned lock is still usable.
        self.shards[shard]
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn find(&self, text: &str, hash: u64) -> Option<Name> {
        let shard = self.shard(hash);
        let short = hash as u32;
        shard
            .table
            .find(shared_hash(short), |&(name, h)| {
                h == short && same_text(name.as_str(), text)
            })
            .map(|&(name, _)| name)
    }

    fn intern(&self, text: &str, hash: u64, numbers: &mut Numbers) -> Slot {
        let mut shard = self.shard(hash);
        let short = hash as u32;
        if let Some(&(name, _)) = shard.table.find(shared_hash(short), |&(name, h)| {
            h == short && same_text(name.as_str(), text)
        }) {
            return (name.as_str(), name);
        }
        let text = store_text(&mut shard.free, text);
        let name = TEXTS
            .push(numbers, text)
            .expect("more than u32::MAX (4,294,967,295) distinct names in one process");
        shard
            .table
            .insert_unique(shared_hash(short), (name, short), |&(_, h)| shared_hash(h));
        (text, name)
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

    /// Threads interning the same texts (in different orders) and texts of
    /// their own at once: equal texts get equal names, different texts
    /// different ones, and every name reads back its text.
    #[test]
    fn threads_agree() {
        const THREADS: usize = 8;
        const SHARED: usize = 5000;
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

    #[test]
    fn buckets_double() {
        let place = |n: u32| bucket_of(NonZeroU32::new(n).unwrap());
        assert_eq!(place(1), (0, 0));
        assert_eq!(place(2), (1, 0));
        assert_eq!(place(3), (1, 1));
        assert_eq!(place(4), (2, 0));
        assert_eq!(place(7), (2, 3));
        assert_eq!(place(8), (3, 0));
        assert_eq!(place(1 << 31), (31, 0));
        assert_eq!(place(u32::MAX), (31, (1 << 31) - 1));
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
