//! Byte offsets to 1-based line and column (in characters), one index per file.

/// The start offset of every line of one text, for binary-searching positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { starts }
    }

    /// The 1-based (line, column) of byte `offset` in `text`; columns count characters.
    /// Offsets past the end clamp to the end; offsets inside a character count that character.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = text.get(start..offset).map_or_else(
            || text[start..].char_indices().take_while(|(i, _)| start + i < offset).count(),
            |s| s.chars().count(),
        );
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\n终端停用\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 1), (1, 2));
        assert_eq!(idx.position(text, 3), (2, 1));
        // "终端" is 6 bytes; the third character is column 3.
        assert_eq!(idx.position(text, 9), (2, 3));
        assert_eq!(idx.position(text, text.len()), (3, 2));
        assert_eq!(idx.position(text, 999), (3, 2));
    }
}
