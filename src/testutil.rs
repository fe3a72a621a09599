//! Helpers shared by the unit tests.

/// Knuth's MMIX LCG: deterministic, no dependency, good enough to pick fragments.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `count` texts of 0 to `max_words - 1` words picked from `words`, deterministic in `seed`.
pub(crate) fn word_soup(words: &[&str], seed: u64, count: usize, max_words: usize) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..count)
        .map(|_| {
            let n = rng.below(max_words);
            (0..n).map(|_| words[rng.below(words.len())]).collect()
        })
        .collect()
}

/// Every text with one byte replaced by one of `subs`, each place and byte in turn.
pub(crate) fn one_byte_mutations<'a>(
    texts: &'a [&'a str],
    subs: &'a [u8],
) -> impl Iterator<Item = Vec<u8>> + 'a {
    texts.iter().flat_map(move |t| {
        (0..t.len()).flat_map(move |i| {
            subs.iter().map(move |&c| {
                let mut b = t.as_bytes().to_vec();
                b[i] = c;
                b
            })
        })
    })
}

/// Bytes that a fixed-place reader ConfigMgr's own layout gets right without a search: on every
/// one-byte mutation of `texts` (by `subs`) where `fixed` answers, it answers as `searched`
/// does, and it answers on more than a hundred of them (so the check is not vacuous).
pub(crate) fn fixed_agrees_with_search(
    texts: &[&str],
    fixed: impl Fn(&[u8]) -> Option<usize>,
    searched: impl Fn(&[u8]) -> Option<usize>,
) {
    let subs = [b'0', b'9', b' ', b'-', b'+', b'.', b':', b'x', b'/'];
    let mut n = 0;
    for b in one_byte_mutations(texts, &subs) {
        if let Some(f) = fixed(&b) {
            assert_eq!(Some(f), searched(&b), "{}", String::from_utf8_lossy(&b));
            n += 1;
        }
    }
    assert!(n > 100, "{n}");
}

/// Every file under `samples/` (path, text decoded lossily), in path order.
pub(crate) fn sample_files() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            Some((e.into_path(), String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}
