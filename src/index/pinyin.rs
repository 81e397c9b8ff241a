//! Pinyin terms for titles and aliases, so `jiesuan` and `js` find 结算.
//!
//! Queries of three or more letters match index terms by prefix, shorter ones exactly. So
//! from each syllable of a Chinese run we index the longest window of up to
//! [`MAX_SYLLABLES`] syllables, as full pinyin (`jiesuanshibai`, found by `jiesuan` and
//! `jies`) and as initials (`jssb`, found by `jss`), plus the two-letter forms a short query
//! needs exactly: the initials of two syllables (`js`) and a syllable as short as `ji`.

use super::tokenize::{fold, is_han};
use pinyin::ToPinyin;

/// How many syllables one pinyin term spans at most.
pub(super) const MAX_SYLLABLES: usize = 4;

/// Pinyin terms of `text`, in order, duplicates kept.
pub(super) fn pinyin_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut run: Vec<&'static str> = Vec::new();
    let flush = |run: &mut Vec<&'static str>, terms: &mut Vec<String>| {
        for start in 0..run.len() {
            let window = &run[start..run.len().min(start + MAX_SYLLABLES)];
            terms.push(window.concat());
            if window[0].len() <= 2 && window.len() > 1 {
                terms.push(window[0].to_owned());
            }
            let initials: String = window.iter().filter_map(|s| s.chars().next()).collect();
            if initials.len() > 2 {
                terms.push(initials[..2].to_owned());
            }
            if initials.len() >= 2 {
                terms.push(initials);
            }
        }
        run.clear();
    };
    for c in text.chars().map(fold) {
        match c.to_pinyin().filter(|_| is_han(c)) {
            // Keyboards type ü as v (率 lü → lv); the browser only sees [a-z0-9] words.
            Some(p) => run.push(typed(p.plain())),
            None => flush(&mut run, &mut terms),
        }
    }
    flush(&mut run, &mut terms);
    terms
}

/// A syllable as typed on a keyboard: ü is v (率 lü → lv). Only l and n take ü in plain
/// pinyin; after j, q, x and y it is already written u.
fn typed(syllable: &'static str) -> &'static str {
    match syllable {
        "lü" => "lv",
        "lüe" => "lve",
        "nü" => "nv",
        "nüe" => "nve",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_windows_and_short_forms() {
        let terms = pinyin_terms("无法结算");
        assert_eq!(
            terms,
            [
                "wufajiesuan",
                "wu",
                "wf",
                "wfjs",
                "fajiesuan",
                "fa",
                "fj",
                "fjs",
                "jiesuan",
                "js",
                "suan"
            ]
            .map(String::from)
        );
        assert!(pinyin_terms("POS机").contains(&"ji".to_owned()));
        assert!(pinyin_terms("abc").is_empty());
        let long = pinyin_terms("结算失败怎么办");
        assert!(
            long.contains(&"jiesuanshibai".to_owned()),
            "windows stop at four syllables: {long:?}"
        );
        assert!(!long.iter().any(|t| t.starts_with("jiesuanshibaizen")));
        assert!(pinyin_terms("费率").contains(&"feilv".to_owned()), "ü is typed v");
        assert!(pinyin_terms("女").contains(&"nv".to_owned()));
    }
}
