//! What every text table of the backtest shares: its width, the word for a missing figure and
//! line wrapping at spaces. A leaf, so the parts that print lines (`table`, `fuel`,
//! `realized`) share it without referring to each other.

/// Widest line the table prints (characters).
pub const WIDTH: usize = 110;

/// What a missing figure prints as.
pub const NA: &str = "n/a";

/// `s` cut into lines of at most `width` characters at spaces, every line after the first
/// indented by `indent` spaces (a word longer than a line stays whole).
pub fn wrap(s: &str, first: &str, indent: usize, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in s.split_whitespace() {
        let len = line.chars().count() + usize::from(!empty) + word.chars().count();
        if !empty && len > width {
            out.push(std::mem::take(&mut line));
            line = " ".repeat(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push(line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_short_and_words_whole() {
        let s = "the quick brown fox jumps over the lazy dog ".repeat(6);
        let lines = wrap(&s, "  overall: ", 4, 40);
        assert!(lines.len() > 4 && lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert!(lines[1..].iter().all(|l| l.starts_with("    ") && !l.starts_with("     ")), "{lines:?}");
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).skip(1).collect();
        assert_eq!(words.join(" "), s.trim());
    }
}
