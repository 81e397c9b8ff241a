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

/// Appends `v` in base 32, least significant digit first, the last digit from [`LAST`].
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

/// A score 0..=63 as one character.
pub fn score_char(q: u8) -> char {
    let q = usize::from(q.min(63));
    char::from(if q < 32 { CONT[q] } else { LAST[q - 32] })
}

/// Encodes sorted `(doc, score)` postings: doc-id deltas as varints, each followed by its
/// score character. About two bytes a posting.
pub fn encode_postings(postings: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    let mut prev = 0;
    for &(doc, q) in postings {
        push_varint(&mut out, doc - prev);
        out.push(score_char(q));
        prev = doc;
    }
    out
}

/// Decodes what [`encode_postings`] wrote (the browser has the same function).
pub fn decode_postings(s: &str) -> Vec<(u32, u8)> {
    let digit = |c: u8| {
        CONT.iter()
            .position(|&d| d == c)
            .map(|p| (p, false))
            .or_else(|| LAST.iter().position(|&d| d == c).map(|p| (p, true)))
    };
    let bytes = s.as_bytes();
    let (mut out, mut doc, mut i) = (Vec::new(), 0u32, 0);
    while i < bytes.len() {
        let (mut v, mut mul) = (0u32, 1u32);
        while let Some((d, last)) = digit(bytes[i]) {
            v += d as u32 * mul;
            mul = mul.wrapping_mul(32);
            i += 1;
            if last {
                break;
            }
        }
        doc += v;
        let q = digit(bytes[i]).map_or(0, |(d, last)| if last { d + 32 } else { d });
        out.push((doc, q as u8));
        i += 1;
    }
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
        let postings = [(0, 1), (1, 63), (33, 32), (1057, 5), (99_999, 0)];
        let encoded = encode_postings(&postings);
        assert_eq!(decode_postings(&encoded), postings);
        assert_eq!(&encoded[..4], "A1B-");
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
