//! CSV for spreadsheets, with formula injection neutralised: a cell a spreadsheet would read as a
//! formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading single
//! quote, so that a name like `=HYPERLINK(…)` typed into Trellis stays text when exported.

/// A cell made safe for spreadsheets. Plain integers (`-1`, a gap below the required level) are
/// numbers, not formulas, and are left as they are so they still sort and sum.
pub fn neutralise(cell: &str) -> String {
    let is_integer = {
        let digits = cell.strip_prefix('-').unwrap_or(cell);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_integer => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
fn field(cell: &str) -> String {
    let safe = neutralise(cell);
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// Appends one row, ending in CRLF.
pub fn row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(c.as_ref()));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+44 20"), "'+44 20");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("Ada"), "Ada");
        assert_eq!(neutralise("-2"), "-2");
        assert_eq!(neutralise("-"), "'-");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn rows_are_quoted() {
        let mut s = String::new();
        row(&mut s, &["a,b", "say \"hi\"", "=x", "plain"]);
        assert_eq!(s, "\"a,b\",\"say \"\"hi\"\"\",'=x,plain\r\n");
    }
}
