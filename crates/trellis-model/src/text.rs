//! Text repairs shared by the checker and the importers: mojibake (UTF-8 read as Windows-1252).

/// The Windows-1252 byte for a character, if it has one. Bytes 0x80-0x9F that Windows-1252 leaves
/// undefined come through decoders as the C1 control with the same number, so those map back too.
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{20AC}' => 0x80,
        '\u{201A}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201E}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02C6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8A,
        '\u{2039}' => 0x8B,
        '\u{0152}' => 0x8C,
        '\u{017D}' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02DC}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9A,
        '\u{203A}' => 0x9B,
        '\u{0153}' => 0x9C,
        '\u{017E}' => 0x9E,
        '\u{0178}' => 0x9F,
        c if (c as u32) < 0x100 => c as u32 as u8,
        _ => return None,
    };
    Some(b)
}

/// Repairs runs of mojibake in `text`. Returns `None` when there is nothing to repair.
///
/// A run is a stretch of characters whose Windows-1252 bytes are all non-ASCII; it is mojibake when
/// those bytes form valid multi-byte UTF-8. Ordinary accented text (`café`, `naïve`) is not valid UTF-8
/// when read back as bytes, so it is left alone.
pub fn repair_mojibake(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut run: Vec<u8> = Vec::new();
    let mut run_text = String::new();
    let mut changed = false;
    let flush = |run: &mut Vec<u8>, run_text: &mut String, out: &mut String, changed: &mut bool| {
        if run.len() >= 2
            && let Ok(decoded) = std::str::from_utf8(run)
        {
            out.push_str(decoded);
            *changed = true;
        } else {
            out.push_str(run_text);
        }
        run.clear();
        run_text.clear();
    };
    for c in text.chars() {
        match cp1252_byte(c) {
            Some(b) if b >= 0x80 => {
                run.push(b);
                run_text.push(c);
            }
            _ => {
                flush(&mut run, &mut run_text, &mut out, &mut changed);
                out.push(c);
            }
        }
    }
    flush(&mut run, &mut run_text, &mut out, &mut changed);
    changed.then_some(out)
}

/// The mojibake sequences found in `text`, as written, for messages.
pub fn mojibake_samples(text: &str) -> Vec<String> {
    let mut samples = Vec::new();
    let mut run = String::new();
    let mut bytes = Vec::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        match cp1252_byte(c) {
            Some(b) if b >= 0x80 => {
                run.push(c);
                bytes.push(b);
            }
            _ => {
                if bytes.len() >= 2 && std::str::from_utf8(&bytes).is_ok() {
                    samples.push(std::mem::take(&mut run));
                }
                run.clear();
                bytes.clear();
            }
        }
    }
    samples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_utf8_read_as_windows_1252() {
        assert_eq!(
            repair_mojibake("Acmeâ€™s team").as_deref(),
            Some("Acme’s team")
        );
        assert_eq!(
            repair_mojibake("â€œquotedâ€\u{9d}").as_deref(),
            Some("“quoted”")
        );
        assert_eq!(repair_mojibake("costs Â£5").as_deref(), Some("costs £5"));
        assert_eq!(repair_mojibake("rÃ©sumÃ©").as_deref(), Some("résumé"));
        assert_eq!(mojibake_samples("Acmeâ€™s and Ã©"), vec!["â€™", "Ã©"]);
    }

    #[test]
    fn leaves_real_text_alone() {
        for ok in [
            "café",
            "naïve",
            "£5 – “fine”",
            "plain ascii",
            "Zürich ©",
            "日本語",
        ] {
            assert_eq!(repair_mojibake(ok), None, "{ok}");
            assert!(mojibake_samples(ok).is_empty(), "{ok}");
        }
    }
}
