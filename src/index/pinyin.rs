//! Pinyin terms for titles and aliases, so `jiesuan` and `js` find 结算.
//!
//! For every Chinese run we index, from each syllable on, the full pinyin and the initials of
//! up to [`MAX_SYLLABLES`] syllables. Queries match them by prefix, so `jies` finds
//! `jiesuanshibai` too.

use super::tokenize::{fold, is_han};
use pinyin::ToPinyin;

/// How many syllables one pinyin term spans at most.
pub(super) const MAX_SYLLABLES: usize = 6;

/// Full-pinyin and initials terms of `text`, in order, duplicates kept.
pub(super) fn pinyin_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut run: Vec<&'static str> = Vec::new();
    let flush = |run: &mut Vec<&'static str>, terms: &mut Vec<String>| {
        for start in 0..run.len() {
            let window = &run[start..run.len().min(start + MAX_SYLLABLES)];
            let full: String = window.concat();
            let initials: String = window.iter().filter_map(|s| s.chars().next()).collect();
            if initials.len() >= 2 {
                terms.push(initials);
            }
            if full.len() >= 2 {
                terms.push(full);
            }
        }
        run.clear();
    };
    for c in text.chars().map(fold) {
        match c.to_pinyin().filter(|_| is_han(c)) {
            Some(p) => run.push(p.plain()),
            None => flush(&mut run, &mut terms),
        }
    }
    flush(&mut run, &mut terms);
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_pinyin_and_initials_from_every_syllable() {
        let terms = pinyin_terms("无法结算");
        for expected in ["wufajiesuan", "wfjs", "fajiesuan", "fjs", "jiesuan", "js", "suan"] {
            assert!(terms.contains(&expected.to_owned()), "{expected} in {terms:?}");
        }
        assert!(pinyin_terms("POS机").contains(&"ji".to_owned()));
        assert!(pinyin_terms("abc").is_empty());
    }
}
