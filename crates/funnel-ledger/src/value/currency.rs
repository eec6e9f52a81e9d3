//! Currency codes, interned: a [`Currency`] is a 4-byte index into a
//! process-wide, append-only table of the codes seen so far.
//!
//! Every amount carries a currency, and an amount is in most entries a
//! ledger holds (a `spent`, an offer, a price). Stored inline, a code took
//! 11 bytes (its length and up to ten bytes), which made an `Amount` 28
//! bytes; as an index it takes 4, and an `Amount` 20.
//!
//! Why a table and not an encoding: a code is `[A-Z][A-Z0-9]{2,9}`, about
//! 2.7 × 10^15 possible codes, so no exact encoding fits in 32 bits, and
//! [`Currency::as_str`] has to lend out the text, which needs it stored
//! somewhere anyway. A ledger names a handful of currencies, so the table
//! stays tiny, and each thread keeps the few it met last in front of it:
//! reading an amount takes the table's lock only the first time a thread
//! meets its code.
//!
//! Reading a code's text ([`Currency::as_str`], called while rendering
//! tables, and [`Ord`]) takes no lock either: the table is a fixed array of
//! buckets of doubling size, each allocated once and never moved, whose
//! slots are written once ([`OnceLock`]).
//!
//! The bound: ids are `1..=u32::MAX`, so a process can intern 4,294,967,295
//! distinct codes. Every code it interns is one it read (at least four
//! bytes of text each: three characters and a separator), and each costs
//! 30 to 60 bytes of table (its slot, up to half a bucket of slots not yet
//! used, and its entry in the map of ids), so memory runs out long before
//! the ids do; should they ever run out, [`Currency::parse`] answers `None`
//! (the word is then reported as not a currency code) rather than panic or
//! reuse an id. The table is never emptied: like the name store
//! (`crate::name`), a long-running process that reads ever new codes (the
//! fuzzer) keeps them all.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Mutex, OnceLock, PoisonError};

/// A currency code: an uppercase letter, then 2–9 uppercase letters or
/// digits. `Copy` and 4 bytes (`Option<Currency>` too), so amounts are
/// cheap.
///
/// Two currencies are equal when their codes are; they order by the
/// length of the code first, then by its bytes (`EUR < USD < USDC`), and
/// hash by their place in the process's table, not by the text (so a
/// code's hash depends on the order the process met its codes in; nothing
/// may depend on the order of a hash map anyway).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(NonZeroU32);

impl Currency {
    /// `currency := [A-Z] [A-Z0-9]{2,9}`
    pub fn parse(text: &str) -> Option<Currency> {
        let b = text.as_bytes();
        if !(3..=10).contains(&b.len())
            || !b[0].is_ascii_uppercase()
            || !b[1..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return None;
        }
        let mut bytes = [0u8; 10];
        bytes[..b.len()].copy_from_slice(b);
        intern(Code {
            len: b.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &'static str {
        self.code().as_str()
    }

    /// The code in the table. Every `Currency` is made by [`intern`], which
    /// fills its slot before it hands the id out, so the slot is always
    /// there; the empty code stands in rather than a panic.
    fn code(self) -> &'static Code {
        slot(self.0).and_then(OnceLock::get).unwrap_or(&Code::EMPTY)
    }
}

/// By length, then by bytes: the order the inline representation's derived
/// `Ord` gave (its length came first), which outputs sorting currencies keep.
impl Ord for Currency {
    fn cmp(&self, other: &Currency) -> Ordering {
        if self.0 == other.0 {
            return Ordering::Equal;
        }
        self.code().cmp(other.code())
    }
}

impl PartialOrd for Currency {
    fn partial_cmp(&self, other: &Currency) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code's text as it is kept in the table: its length, then its bytes
/// padded with zeros. The derived order (length first, then bytes; the
/// padding is equal when the lengths are) is the order of currencies.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Code {
    len: u8,
    bytes: [u8; 10],
}

impl Code {
    const EMPTY: Code = Code {
        len: 0,
        bytes: [0; 10],
    };

    fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

/// Buckets of the table: bucket `k` holds the codes of ids `2^k` to
/// `2^(k+1) - 1`, so 32 buckets hold every nonzero `u32`.
const BUCKETS: usize = 32;

/// The process-wide table of codes.
struct Table {
    /// The codes by id, read without a lock. A bucket is allocated when its
    /// first id is handed out, and never moved or freed.
    buckets: [OnceLock<Box<[OnceLock<Code>]>>; BUCKETS],
    /// The id of each code, for interning: written and read under its lock,
    /// which is taken only for a code the calling thread has not met lately.
    ids: Mutex<BTreeMap<Code, NonZeroU32>>,
}

static TABLE: Table = Table {
    buckets: [const { OnceLock::new() }; BUCKETS],
    ids: Mutex::new(BTreeMap::new()),
};

/// The bucket of an id and its place in it.
fn place(id: NonZeroU32) -> (usize, usize) {
    let bucket = id.ilog2();
    let offset = id.get() - (1 << bucket);
    (bucket as usize, offset as usize)
}

/// The slot of an id, if its bucket exists.
fn slot(id: NonZeroU32) -> Option<&'static OnceLock<Code>> {
    let (bucket, offset) = place(id);
    TABLE.buckets.get(bucket)?.get()?.get(offset)
}

/// Codes a thread remembers (a ledger names one to three currencies).
const RECENT: usize = 8;

/// The codes this thread interned last, so that reading an amount does not
/// take the table's lock; replaced in turn when full.
struct Recent {
    codes: [Option<(Code, Currency)>; RECENT],
    next: usize,
}

thread_local! {
    static RECENT_CODES: RefCell<Recent> = const {
        RefCell::new(Recent {
            codes: [None; RECENT],
            next: 0,
        })
    };
}

/// The currency of `code`: from this thread's recent codes, else from the
/// table, which stores it on first use. `None` only when the table's ids
/// are exhausted (see the module's documentation).
fn intern(code: Code) -> Option<Currency> {
    let recent = RECENT_CODES.try_with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some((_, currency)) = recent.codes.iter().flatten().find(|(c, _)| *c == code) {
            return Some(*currency);
        }
        let currency = intern_shared(code)?;
        let next = recent.next;
        recent.codes[next] = Some((code, currency));
        recent.next = (next + 1) % RECENT;
        Some(currency)
    });
    // A thread's locals are gone while it exits; the table is still there.
    recent.unwrap_or_else(|_| intern_shared(code))
}

/// [`intern`] in the process-wide table.
fn intern_shared(code: Code) -> Option<Currency> {
    // Nothing under the lock can panic half-way through an update (the slot
    // is written before the map, and both are single calls), so a poisoned
    // lock is still usable.
    let mut ids = TABLE.ids.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&id) = ids.get(&code) {
        return Some(Currency(id));
    }
    let id = NonZeroU32::new(u32::try_from(ids.len() + 1).ok()?)?;
    let (bucket, offset) = place(id);
    let slots = TABLE.buckets.get(bucket)?.get_or_init(|| {
        std::iter::repeat_with(OnceLock::new)
            .take(1 << bucket)
            .collect()
    });
    // The id is new, so its slot is empty; it is filled before the id is
    // handed out, so every `Currency` finds its code.
    slots.get(offset)?.set(code).ok()?;
    ids.insert(code, id);
    Some(Currency(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(std::mem::size_of::<Currency>(), 4);
        assert_eq!(std::mem::align_of::<Currency>(), 4);
        assert_eq!(std::mem::size_of::<Option<Currency>>(), 4);
        assert_eq!(std::mem::size_of::<super::super::Amount>(), 20);
    }

    #[test]
    fn round_trips() {
        for text in ["EUR", "USD", "USDC", "CHF", "A00", "ZZZZZZZZZZ", "X1Y2Z3"] {
            let currency = Currency::parse(text).unwrap();
            assert_eq!(currency.as_str(), text);
            assert_eq!(currency.to_string(), text);
            assert_eq!(format!("{currency:?}"), text);
            assert_eq!(Currency::parse(&String::from(text)), Some(currency));
        }
        assert_ne!(Currency::parse("EUR"), Currency::parse("USD"));
        for text in [
            "Eur",
            "EU",
            "1EUR",
            "EURO_",
            "ABCDEFGHIJK",
            "",
            "€UR",
            "EUR ",
        ] {
            assert_eq!(Currency::parse(text), None, "{text}");
        }
    }

    /// The order is the one the inline representation derived: by length,
    /// then by bytes, whatever order the codes were first met in.
    #[test]
    fn order_is_length_then_bytes() {
        let texts = [
            "ZZZZZZZZZZ",
            "USDC",
            "EUR",
            "A00",
            "USD",
            "CHF",
            "Z99",
            "AAA",
            "A0A",
            "AA0",
            "B12",
            "Z9Z",
            "AAAA",
            "ZZZ",
            "A000000000",
            "ABC1234567",
            "GBP",
            "BTC",
            "USDT",
            "XAU9",
        ];
        let currencies: Vec<Currency> = texts.iter().map(|t| Currency::parse(t).unwrap()).collect();
        let old_rule = |t: &str| (t.len(), t.as_bytes().to_vec());
        for (a, x) in texts.iter().zip(&currencies) {
            for (b, y) in texts.iter().zip(&currencies) {
                assert_eq!(x.cmp(y), old_rule(a).cmp(&old_rule(b)), "{a} against {b}");
                assert_eq!(x.partial_cmp(y), Some(x.cmp(y)));
                assert_eq!(x == y, a == b);
            }
        }
        let mut sorted = currencies.clone();
        sorted.sort();
        let mut expected = texts.to_vec();
        expected.sort_by_key(|t| old_rule(t));
        let sorted: Vec<&str> = sorted.iter().map(|c| c.as_str()).collect();
        assert_eq!(sorted, expected);
        assert!(Currency::parse("EUR") < Currency::parse("USD"));
        assert!(Currency::parse("USD") < Currency::parse("USDC"));
        assert!(Currency::parse("ZZZ") < Currency::parse("AAAA"));
    }

    /// More codes than a thread remembers and than the first buckets hold:
    /// each keeps its id and its text.
    #[test]
    fn many_codes_stay_distinct() {
        let texts: Vec<String> = (0..5000).map(|i| format!("Q{i:04}")).collect();
        let first: Vec<Currency> = texts.iter().map(|t| Currency::parse(t).unwrap()).collect();
        for (text, currency) in texts.iter().zip(&first).rev() {
            assert_eq!(Currency::parse(text), Some(*currency));
            assert_eq!(currency.as_str(), text);
        }
        let mut ids: Vec<u32> = first.iter().map(|c| c.0.get()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), texts.len());
    }

    #[test]
    fn threads_agree() {
        let per_thread: Vec<Vec<Currency>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    s.spawn(move || {
                        (0..300)
                            .map(|i| {
                                Currency::parse(&format!("T{:03}", (i + t * 75) % 300)).unwrap()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (t, currencies) in per_thread.iter().enumerate() {
            for (i, currency) in currencies.iter().enumerate() {
                let text = format!("T{:03}", (i + t * 75) % 300);
                assert_eq!(currency.as_str(), text);
                assert_eq!(Currency::parse(&text), Some(*currency));
            }
        }
    }

    #[test]
    fn buckets_cover_every_id() {
        assert_eq!(place(NonZeroU32::MIN), (0, 0));
        assert_eq!(place(NonZeroU32::new(2).unwrap()), (1, 0));
        assert_eq!(place(NonZeroU32::new(3).unwrap()), (1, 1));
        assert_eq!(place(NonZeroU32::new(4).unwrap()), (2, 0));
        assert_eq!(place(NonZeroU32::MAX), (31, (1 << 31) - 1));
    }
}
