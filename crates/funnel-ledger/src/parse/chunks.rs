//! A big file parsed on all cores: cut into chunks at lines that start at
//! column 1 (no parser state crosses them), each chunk parsed straight into
//! its own window of one entry vector, the windows then joined in order.
//! The result is exactly that of one pass (tested below for many cuts).

use std::mem::MaybeUninit;
use std::ops::Range;

use super::{parse_chunk, ParsedFile};
use crate::model::Entry;
use crate::span::FileId;

/// Below this many bytes per thread, starting threads costs more than it
/// saves.
const MIN_CHUNK: usize = 1 << 20;

/// The size of the pieces a big file is parsed in.
const CHUNK: usize = 4 << 20;

pub(super) fn threads_for(len: usize) -> usize {
    crate::parallel::threads(len, MIN_CHUNK).min(8)
}

/// Parses `text` on `threads` threads, in chunks of about [`CHUNK`] bytes.
pub(super) fn parse_parallel(file: FileId, text: &str, threads: usize) -> ParsedFile {
    let chunks = chunks(text, text.len().div_ceil(CHUNK).max(threads));
    parse_in_chunks(file, text, &chunks, threads)
}

/// A part of the final entry vector that one chunk's parser fills from
/// the start. It holds at most as many entries as its chunk has lines that
/// start with a digit ([`entry_lines`]): every entry line starts with its
/// date, so a chunk's entries always fit, and [`Window::push`] panics
/// (a bug, never undefined behaviour) if they did not.
pub(super) struct Window<'w> {
    slots: &'w mut [MaybeUninit<Entry>],
    len: usize,
}

impl<'w> Window<'w> {
    fn new(slots: &'w mut [MaybeUninit<Entry>]) -> Window<'w> {
        Window { slots, len: 0 }
    }

    /// How many entries have been written, at the start of the window.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Writes the next entry.
    ///
    /// # Panics
    /// When the window is full: [`entry_lines`] undercounted the chunk's
    /// entries. The entries written so far are then leaked, never dropped
    /// twice: the vector's length is set only after every chunk returned.
    pub(super) fn push(&mut self, entry: Entry) {
        let Some(slot) = self.slots.get_mut(self.len) else {
            panic!(
                "a chunk has more entries than lines that start with a digit ({})",
                self.slots.len()
            );
        };
        slot.write(entry);
        self.len += 1;
    }
}

/// Parses `chunks` of `text` (consecutive, covering it, each starting at a
/// column-1 line) on `threads` threads.
///
/// The entry vector is allocated once for all chunks (each window sized by
/// [`entry_lines`]) and each chunk parses straight into its own window of
/// it: a million entries are written once, not once per chunk and again
/// when the chunks are joined. Windows are left partly empty only by lines
/// that failed to parse; the chunks' entries are then moved down to close
/// the gaps, keeping reading order.
// The one `unsafe` of the workspace: writing entries in place and
// closing the gaps between windows (`set_len`, `ptr::copy`). It saves
// writing every entry of a big file twice (see docs/performance.md).
#[allow(unsafe_code)]
fn parse_in_chunks(
    file: FileId,
    text: &str,
    chunks: &[Range<usize>],
    threads: usize,
) -> ParsedFile {
    use std::sync::Mutex;

    let bounds: Vec<usize> = crate::parallel::map_ordered(chunks.len(), threads, |i| {
        entry_lines(&text[chunks[i].clone()])
    });
    let capacity: usize = bounds.iter().sum();
    let mut entries: Vec<Entry> = Vec::with_capacity(capacity);
    let mut windows = Vec::with_capacity(chunks.len());
    let mut rest = &mut entries.spare_capacity_mut()[..capacity];
    for &bound in &bounds {
        let (window, tail) = rest.split_at_mut(bound);
        windows.push(Mutex::new(Some(Window::new(window))));
        rest = tail;
    }
    let parts = crate::parallel::map_ordered(chunks.len(), threads, |i| {
        let range = &chunks[i];
        let window = windows[i]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .expect("each chunk is parsed once");
        parse_chunk(file, &text[range.clone()], range.start, &[], Some(window))
    });
    drop(windows);

    // Close the gaps: chunk i's `written` entries sit at the start of its
    // window, which begins at the sum of the earlier bounds.
    let mut out = ParsedFile::default();
    let mut window_start = 0;
    let mut len = 0;
    for ((part, written), &bound) in parts.into_iter().zip(&bounds) {
        // A window never overflows (`Window::push` panics instead), so the
        // chunk's entries are all in it and none in `part.entries`.
        debug_assert!(part.entries.is_empty() && written <= bound);
        if window_start != len {
            // SAFETY: `written` slots from `window_start` were initialised by
            // the chunk's parser (`Window::push` writes them in order and
            // never past the window, so `written <= bound`), and the
            // destination `len..len + written` lies in the allocation
            // (`len <= window_start`). `ptr::copy` allows the overlap. The
            // slots left behind are beyond the final length, so the moved
            // entries are never dropped twice.
            unsafe {
                let base = entries.as_mut_ptr();
                std::ptr::copy(base.add(window_start), base.add(len), written);
            }
        }
        let directives = part.directives.into_iter();
        out.directives
            .extend(directives.map(|(at, directive)| (at + len, directive)));
        len += written;
        // SAFETY: slots `0..len` are initialised: the previous chunks' and
        // this chunk's entries were moved (or written) there above, and
        // `len <= capacity`.
        unsafe { entries.set_len(len) };
        window_start += bound;
        out.diagnostics.extend(part.diagnostics);
        out.unresolved.extend(part.unresolved);
        out.failed_leads.extend(part.failed_leads);
    }
    out.entries = entries;
    out
}

/// How many lines start with a digit: an upper bound of the entries in
/// `text` (every entry line starts with its date), to size the vector once.
///
/// Compares fixed-size blocks of byte pairs without branching, which the
/// compiler turns into vector instructions: a big file's lines are counted
/// at about the speed memory delivers them (a search for each newline
/// stopped four million times at a million entries).
pub(super) fn entry_lines(text: &str) -> usize {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let Some(first) = bytes.first() else {
        return 0;
    };
    // Each byte paired with the next: a newline followed by a digit.
    let (ends, starts) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    let mut end_blocks = ends.chunks_exact(BLOCK);
    let mut start_blocks = starts.chunks_exact(BLOCK);
    let mut count = usize::from(first.is_ascii_digit());
    for (end, start) in (&mut end_blocks).zip(&mut start_blocks) {
        let mut hits = 0u8;
        for i in 0..BLOCK {
            hits += u8::from(end[i] == b'\n') & u8::from(start[i].wrapping_sub(b'0') < 10);
        }
        count += usize::from(hits);
    }
    count
        + end_blocks
            .remainder()
            .iter()
            .zip(start_blocks.remainder())
            .filter(|(end, start)| **end == b'\n' && start.is_ascii_digit())
            .count()
}

/// Cuts `text` into about `n` ranges, each ending just before a line that
/// starts at column 1 with something other than white space (or at the
/// end), so that every item lies wholly inside one range.
fn chunks(text: &str, n: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::with_capacity(n);
    let mut start = 0;
    for i in 1..n {
        let target = (text.len() * i / n).max(start);
        let cut = memchr::memchr_iter(b'\n', &bytes[target..])
            .map(|j| target + j + 1)
            .find(|&after| after < bytes.len() && !matches!(bytes[after], b' ' | b'\t'));
        let Some(cut) = cut else { break };
        ranges.push(start..cut);
        start = cut;
    }
    ranges.push(start..text.len());
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block-wise count equals counting line by line, for texts around
    /// the block size and with digits and newlines at the block edges.
    #[test]
    fn entry_lines_counts_lines_that_start_with_a_digit() {
        let by_lines = |text: &str| {
            text.split('\n')
                .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
                .count()
        };
        let pieces = ["\n", "1", "a", "\n1", "\n\n", "9x", " 2", "é", "0\n"];
        let mut state = 0x2545_f491_u32;
        for len in (0..200).chain([255, 256, 257, 1000]) {
            for _ in 0..4 {
                let mut text = String::new();
                while text.len() < len {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    text.push_str(pieces[state as usize % pieces.len()]);
                }
                assert_eq!(entry_lines(&text), by_lines(&text), "{text:?}");
            }
        }
        assert_eq!(entry_lines(""), 0);
        assert_eq!(entry_lines("2"), 1);
    }

    /// Parsing in chunks gives exactly the items, spans and diagnostics of
    /// one pass, wherever the cuts fall.
    #[test]
    fn chunked_parse_equals_one_pass() {
        // Lines that fail (no entry for a line that starts with a digit)
        // at the start, in the middle and at the end, so windows have gaps.
        let broken = "2026-01-01 lead broken\n  key: 1\n\n2026-01-02 frobbed x\n  a: 1\n  a: 2\n\
                      2026-01-03 talked x at\n; comment\n  orphan: 1\n2026-13-01 note x \"y\"\r\n";
        let example = include_str!("../../../../examples/freelancer.funnel");
        let cut = example
            .match_indices("\n2")
            .find(|(i, _)| *i > example.len() / 2)
            .map_or(example.len(), |(i, _)| i + 1);
        let text = format!(
            "{broken}{}{broken}{}{broken}",
            &example[..cut],
            &example[cut..]
        );
        let (whole, _) = parse_chunk(FileId(0), &text, 0, &[], None);
        let show = |p: &ParsedFile| {
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                p.entries, p.directives, p.diagnostics, p.unresolved, p.failed_leads
            )
        };
        for n in [2, 3, 7, 64, 1000] {
            let ranges = chunks(&text, n);
            assert!(ranges.len() > 1);
            assert_eq!(ranges.first().map(|r| r.start), Some(0));
            assert_eq!(ranges.last().map(|r| r.end), Some(text.len()));
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            for threads in [1, 2, 3] {
                let out = parse_in_chunks(FileId(0), &text, &ranges, threads);
                assert_eq!(show(&out), show(&whole), "{n} chunks, {threads} threads");
            }
        }
    }

    /// A window that is too small panics when written past its end: it
    /// never writes outside its slots (the invariant the join relies on).
    #[test]
    fn a_full_window_panics_instead_of_overflowing() {
        let text = "2026-01-01 lead a via x\n2026-01-02 lead b via x\n";
        let mut slots: Vec<MaybeUninit<Entry>> = Vec::with_capacity(1);
        slots.resize_with(1, MaybeUninit::uninit);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            parse_chunk(FileId(0), text, 0, &[], Some(Window::new(&mut slots))).1
        }));
        assert!(result.is_err(), "two entries cannot fit one slot");
        // The first entry was written and is leaked, not dropped: `slots`
        // is a vector of `MaybeUninit`, which never drops its contents.
        let fits = parse_chunk(
            FileId(0),
            &text[..24],
            0,
            &[],
            Some(Window::new(&mut slots)),
        );
        assert_eq!((fits.0.entries.len(), fits.1), (0, 1));
    }
}
