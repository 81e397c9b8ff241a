//! The one tokenizer of search, mirrored line for line by `templates/assets/search.js` and
//! tested against it on `tests/search/vectors.json`.
//!
//! Text is normalised character by character (full-width ASCII to half-width, ideographic
//! space to space, ASCII lower-cased), so positions in normalised text are positions in the
//! original. Chinese runs become overlapping bigrams; Latin words and numbers stay words,
//! keeping inner `.` and `+` and a trailing `%` (`0.38%`, `t+1`).

/// One search token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A Latin word or number, e.g. `pos`, `0.38%`.
    Word(String),
    /// Two adjacent Chinese characters.
    Bigram(String),
    /// A Chinese character standing alone (a one-character run, or a one-character query).
    Single(String),
}

impl Token {
    /// The token's text, as stored in the index.
    pub fn text(&self) -> &str {
        match self {
            Token::Word(s) | Token::Bigram(s) | Token::Single(s) => s,
        }
    }
}

/// Folds one character: full-width ASCII to half-width, U+3000 to a space, ASCII lower case.
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// True for Han ideographs (CJK unified, extension A, compatibility, and the supplementary planes).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// A token as the tokenizer finds it, without allocating for Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A Latin word or number: its folded characters.
    Word(&'a [char]),
    /// Two adjacent Chinese characters.
    Bigram(char, char),
    /// A Chinese run of one character.
    Single(char),
}

/// Calls `f` with every token of `text`, in order. [`tokenize`] and the index both use it,
/// so they cannot drift apart.
pub fn for_each_piece(text: &str, mut f: impl FnMut(Piece<'_>)) {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            if i - start == 1 {
                f(Piece::Single(c));
            } else {
                for k in start..i - 1 {
                    f(Piece::Bigram(chars[k], chars[k + 1]));
                }
            }
        } else if is_word_char(c) {
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            // Keep `.` and `+` between word characters: 0.38, t+1.
            while i + 1 < chars.len() && matches!(chars[i], '.' | '+') && is_word_char(chars[i + 1])
            {
                i += 1;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
            }
            if i < chars.len() && chars[i] == '%' && chars[i - 1].is_ascii_digit() {
                i += 1;
            }
            f(Piece::Word(&chars[start..i]));
        } else {
            i += 1;
        }
    }
}

/// Splits text into tokens: words, and per Chinese run either one `Single` (a run of one
/// character) or its overlapping bigrams.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for_each_piece(text, |p| {
        tokens.push(match p {
            Piece::Word(w) => Token::Word(w.iter().collect()),
            Piece::Bigram(a, b) => Token::Bigram([a, b].iter().collect()),
            Piece::Single(c) => Token::Single(c.to_string()),
        });
    });
    tokens
}

/// The Chinese characters of `text`, each once per occurrence, for the single-character
/// index that answers one-character queries.
pub fn han_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().map(fold).filter(|&c| is_han(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).iter().map(|t| t.text().to_owned()).collect()
    }

    #[test]
    fn chinese_runs_become_bigrams_and_words_stay_words() {
        assert_eq!(texts("无法结算"), ["无法", "法结", "结算"]);
        assert_eq!(texts("POS机"), ["pos", "机"]);
        assert_eq!(texts("费率0.38%，秒到T+1"), ["费率", "0.38%", "秒到", "t+1"]);
        assert_eq!(tokenize("机")[0], Token::Single("机".into()));
    }

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(texts("ＰＯＳ机　０．６％"), ["pos", "机", "0.6%"]);
        assert_eq!(fold('Ａ'), 'a');
        assert_eq!(texts("a.b. 1+ x%"), ["a.b", "1", "x"]);
    }

    #[test]
    fn shared_vectors_match() {
        let text = include_str!("../../tests/search/vectors.json");
        let vectors: serde_json::Value = serde_json::from_str(text).unwrap();
        for v in vectors["tokenize"].as_array().unwrap() {
            let input = v["input"].as_str().unwrap();
            let expected: Vec<String> = v["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_owned())
                .collect();
            assert_eq!(texts(input), expected, "{input}");
        }
    }
}
