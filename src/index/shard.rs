//! The index's file format, shared with `templates/assets/search.js`: the bucket a term
//! lives in, the compact posting encoding, and content hashes for file names.

/// FNV-1a, 32-bit, over UTF-8 bytes; `Math.imul` reproduces it in the browser.
pub fn fnv1a32(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// FNV-1a, 64-bit, for content-hashed file names.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The bucket key of a term: Chinese terms by themselves; words by their first three
/// characters, so a word prefix of three or more characters finds every completion in one
/// bucket (shorter words are matched exactly).
pub fn bucket_key(term: &str) -> &str {
    let first = term.chars().next();
    if first.is_some_and(super::tokenize::is_han) {
        return term;
    }
    match term.char_indices().nth(3) {
        Some((i, _)) => &term[..i],
        None => term,
    }
}

/// The bucket of `term` among `buckets`.
pub fn bucket_of(term: &str, buckets: u32) -> u32 {
    fnv1a32(bucket_key(term)) % buckets.max(1)
}

/// Digits of a varint that more digits follow.
const CONT: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// The final digit of a varint.
const LAST: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ()*+,-";

/// Appends `v` in base 32, least significant digit first, the last digit from the `LAST` alphabet.
pub fn push_varint(out: &mut String, mut v: u32) {
    loop {
        let digit = (v % 32) as usize;
        v /= 32;
        if v == 0 {
            out.push(char::from(LAST[digit]));
            return;
        }
        out.push(char::from(CONT[digit]));
    }
}

/// The characters that open a group of postings of one score level, 1 to 16: none is a
/// varint digit or needs escaping in JSON.
const LEVELS: &[u8; 16] = b"wxyz!#$%&.:;=?@^";

/// The highest score level.
pub const MAX_LEVEL: u8 = 16;

/// Encodes `(doc, level)` postings (levels 1..=16) as groups by level, highest first: the
/// level's character, then that level's documents in ascending order as varint deltas.
/// About one byte a posting.
pub fn encode_postings(postings: &[(u32, u8)]) -> String {
    let mut by_level: [Vec<u32>; MAX_LEVEL as usize] = Default::default();
    for &(doc, level) in postings {
        by_level[usize::from(level.clamp(1, MAX_LEVEL) - 1)].push(doc);
    }
    let mut out = String::with_capacity(postings.len() + 8);
    for (level, docs) in by_level.iter().enumerate().rev().filter(|(_, d)| !d.is_empty()) {
        out.push(char::from(LEVELS[level]));
        let mut prev = 0;
        for &doc in docs {
            push_varint(&mut out, doc - prev);
            prev = doc;
        }
    }
    out
}

/// Decodes what [`encode_postings`] wrote, sorted by document (the browser has the same
/// function).
pub fn decode_postings(s: &str) -> Vec<(u32, u8)> {
    let (mut out, mut level, mut doc, mut v, mut mul) = (Vec::new(), 0u8, 0u32, 0u32, 1u32);
    for b in s.bytes() {
        if let Some(l) = LEVELS.iter().position(|&c| c == b) {
            (level, doc) = (l as u8 + 1, 0);
        } else if let Some(d) = CONT.iter().position(|&c| c == b) {
            v += d as u32 * mul;
            mul = mul.wrapping_mul(32);
        } else if let Some(d) = LAST.iter().position(|&c| c == b) {
            doc += v + d as u32 * mul;
            out.push((doc, level));
            (v, mul) = (0, 1);
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn bucket_keys() {
        assert_eq!(bucket_key("结算"), "结算");
        assert_eq!(bucket_key("jiesuan"), "jie");
        assert_eq!(bucket_key("js"), "js");
        assert_eq!(bucket_key("5"), "5");
        assert_eq!(bucket_key("0.38%"), "0.3");
    }

    #[test]
    fn postings_round_trip() {
        let postings = [(0, 1), (1, 16), (33, 9), (1057, 5), (99_999, 1)];
        let encoded = encode_postings(&postings);
        assert_eq!(decode_postings(&encoded), postings);
        // Highest level first: doc 1 at level 16, then doc 33 at 9, …
        assert_eq!(&encoded[..5], "^B&1B");
    }

    #[test]
    fn shared_vectors_match() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/search/vectors.json")).unwrap();
        for v in vectors["bucket"].as_array().unwrap() {
            let (key, n) = (v["key"].as_str().unwrap(), v["buckets"].as_u64().unwrap() as u32);
            assert_eq!(u64::from(bucket_of(key, n)), v["expected"].as_u64().unwrap(), "{key}");
        }
        let p = &vectors["postings"];
        let postings: Vec<(u32, u8)> = p["postings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x[0].as_u64().unwrap() as u32, x[1].as_u64().unwrap() as u8))
            .collect();
        assert_eq!(encode_postings(&postings), p["encoded"].as_str().unwrap());
        for v in vectors["varint"].as_array().unwrap() {
            let mut s = String::new();
            push_varint(&mut s, v["value"].as_u64().unwrap() as u32);
            assert_eq!(s, v["encoded"].as_str().unwrap());
        }
    }
}
