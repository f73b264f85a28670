//! Reading an input's bytes as text, whatever encoding it was saved in. Every importer reads its files
//! through [`decode_inputs`], which [`super::import`] calls before handing the inputs on.
//!
//! Exports come in the encoding of the program that saved them: Excel saves CSV as Windows-1252
//! (`0x92` apostrophes, `0xA0` non-breaking spaces), other tools as UTF-8 with or without a byte-order
//! mark, or as UTF-16 with one. The rule, in order: a UTF-8 or UTF-16 byte-order mark says so; bytes
//! that are valid UTF-8 are UTF-8; anything else is taken as Windows-1252, which every byte decodes
//! under, so that guess is reported as a warning. Binary files (an image, an archive, anything with NUL
//! bytes or many control characters) are refused, naming the file and the line where text stops.

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::{Format, ImportError, ImportOptions, ImportReport, Input, xlsx};

/// The encoding an input was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 starting with a byte-order mark (which is dropped).
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8 and no byte-order mark: the encoding Excel saves CSV in on Windows.
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with a byte-order mark",
            Encoding::Utf16Le => "UTF-16 little-endian",
            Encoding::Utf16Be => "UTF-16 big-endian",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// Text decoded from an input, without its byte-order mark.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    /// Windows-1252 only: the line of the first byte that is not UTF-8, and the byte.
    pub first_foreign: Option<(usize, u8)>,
}

/// Binary formats that are given by mistake often enough to name.
const SIGNATURES: &[(&[u8], &str)] = &[
    (
        b"PK\x03\x04",
        "a ZIP archive (such as an .xlsx workbook or a .docx document)",
    ),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls or .doc)"),
];

/// Decodes `bytes` as text, or says why they are not text. `file` names the input in messages.
pub fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<Decoded<'a>, ImportError> {
    if let Some((_, what)) = SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Err(ImportError::invalid(
            file,
            None,
            format!("{what}, not text"),
        ));
    }
    let decoded = if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        Decoded {
            text: utf8(rest, file)?,
            encoding: Encoding::Utf8Bom,
            first_foreign: None,
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        utf16(rest, Encoding::Utf16Le, file)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        utf16(rest, Encoding::Utf16Be, file)?
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => Decoded {
                text: Cow::Borrowed(text),
                encoding: Encoding::Utf8,
                first_foreign: None,
            },
            Err(e) => {
                let at = e.valid_up_to();
                let line = line_at(bytes, at);
                // Windows-1252 gives every byte a character, so this cannot fail.
                let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
                Decoded {
                    text,
                    encoding: Encoding::Windows1252,
                    first_foreign: bytes.get(at).map(|b| (line, *b)),
                }
            }
        }
    };
    refuse_binary(&decoded.text, file)?;
    Ok(decoded)
}

/// A byte-order-marked UTF-8 file must be valid UTF-8 after the mark: the mark says what it is.
fn utf8<'a>(bytes: &'a [u8], file: &str) -> Result<Cow<'a, str>, ImportError> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        ImportError::invalid(
            file,
            Some(line_at(bytes, e.valid_up_to())),
            "starts with a UTF-8 byte-order mark but is not valid UTF-8 from this line on",
        )
    })
}

fn utf16<'a>(bytes: &'a [u8], encoding: Encoding, file: &str) -> Result<Decoded<'a>, ImportError> {
    let coding = if encoding == Encoding::Utf16Le {
        UTF_16LE
    } else {
        UTF_16BE
    };
    let (text, malformed) = coding.decode_without_bom_handling(bytes);
    if malformed {
        let line = text.find('\u{fffd}').map(|at| line_at(text.as_bytes(), at));
        return Err(ImportError::invalid(
            file,
            line,
            format!(
                "starts with a {encoding} byte-order mark but is not valid {encoding} (cut short, or binary)"
            ),
        ));
    }
    Ok(Decoded {
        text,
        encoding,
        first_foreign: None,
    })
}

/// The line (from 1) that byte `at` is on.
fn line_at(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(..at)
        .unwrap_or(bytes)
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Control characters that text files do not hold (tab, line breaks, form feed and the end-of-file
/// mark of old DOS files aside).
fn is_stray_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1a}'))
        || c == '\u{7f}'
}

/// Text has no NUL bytes and, at most, a rare stray control character (one in a hundred characters
/// would be no text at all).
fn refuse_binary(text: &str, file: &str) -> Result<(), ImportError> {
    let nul = text.find('\0');
    let stray = text.chars().filter(|c| is_stray_control(*c)).count();
    let at = match nul {
        Some(at) => at,
        None if stray > text.len() / 100 => text.find(is_stray_control).unwrap_or(0),
        None => return Ok(()),
    };
    let mut message = "binary data, not text".to_owned();
    if nul.is_some() {
        message.push_str(
            " (it has NUL bytes; if it is UTF-16 text, save it with a byte-order mark or as UTF-8)",
        );
    }
    Err(ImportError::invalid(
        file,
        Some(line_at(text.as_bytes(), at)),
        message,
    ))
}

/// The first `max` bytes of an input as text, for guessing its format: never fails, and a character
/// cut at the end does not turn UTF-8 into Windows-1252.
pub fn head(bytes: &[u8], max: usize) -> Cow<'_, str> {
    let cut = bytes.get(..max).unwrap_or(bytes);
    if let Some(rest) = cut.strip_prefix(b"\xff\xfe") {
        return UTF_16LE.decode_without_bom_handling(rest).0;
    }
    if let Some(rest) = cut.strip_prefix(b"\xfe\xff") {
        return UTF_16BE.decode_without_bom_handling(rest).0;
    }
    let cut = cut.strip_prefix(b"\xef\xbb\xbf").unwrap_or(cut);
    match std::str::from_utf8(cut) {
        Ok(text) => Cow::Borrowed(text),
        // Invalid only in the last (cut) character: UTF-8.
        Err(e) if e.error_len().is_none() => {
            Cow::Borrowed(std::str::from_utf8(&cut[..e.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => WINDOWS_1252.decode_without_bom_handling(cut).0,
    }
}

/// Every input (and the DDaT level-order file) as UTF-8, each encoding other than UTF-8 reported as an
/// `encoding` warning. Workbooks pass through untouched for the SFIA importer, which reads them.
/// Inputs that are UTF-8 already are borrowed, not copied.
pub fn decode_inputs<'a>(
    format: Format,
    inputs: &'a [Input],
    options: &'a ImportOptions,
    report: &mut ImportReport,
) -> Result<(Cow<'a, [Input]>, Cow<'a, ImportOptions>), ImportError> {
    let mut owned: Option<Vec<Input>> = None;
    for (i, input) in inputs.iter().enumerate() {
        if format == Format::Sfia && xlsx::is_zip(&input.bytes) {
            continue;
        }
        if let Some(utf8) = transcode(input, report)? {
            owned.get_or_insert_with(|| inputs.to_vec())[i] = utf8;
        }
    }
    let mut options = Cow::Borrowed(options);
    if let Some(order) = &options.level_order
        && let Some(utf8) = transcode(order, report)?
    {
        options.to_mut().level_order = Some(utf8);
    }
    let inputs = owned.map_or(Cow::Borrowed(inputs), Cow::Owned);
    Ok((inputs, options))
}

/// The input as plain UTF-8 when it was in another encoding (reported); `None` when it is already.
fn transcode(input: &Input, report: &mut ImportReport) -> Result<Option<Input>, ImportError> {
    let file = input.name();
    let decoded = decode(&input.bytes, &file)?;
    let line = decoded.first_foreign.map(|(line, _)| line);
    match decoded.encoding {
        Encoding::Utf8 => return Ok(None),
        Encoding::Utf8Bom => {}
        Encoding::Windows1252 => report.warn(
            "encoding",
            format!(
                "not UTF-8 (byte 0x{:02X} on this line), so read as Windows-1252, the encoding Excel and other Windows programs save in; check accented letters and quotes",
                decoded.first_foreign.map_or(0, |(_, b)| b)
            ),
            &file,
            line,
        ),
        encoding => report.warn(
            "encoding",
            format!("read as {encoding}, as its byte-order mark says"),
            &file,
            None,
        ),
    }
    Ok(Some(Input {
        path: input.path.clone(),
        bytes: decoded.text.into_owned().into_bytes(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> (String, Encoding) {
        let d = decode(bytes, "f").unwrap();
        (d.text.into_owned(), d.encoding)
    }

    #[test]
    fn reads_each_encoding() {
        assert_eq!(text_of(b"caf\xc3\xa9"), ("café".into(), Encoding::Utf8));
        assert_eq!(
            text_of(b"\xef\xbb\xbfcaf\xc3\xa9"),
            ("café".into(), Encoding::Utf8Bom)
        );
        assert_eq!(
            text_of(b"it\x92s\xa0ok"),
            ("it\u{2019}s\u{a0}ok".into(), Encoding::Windows1252)
        );
        assert_eq!(
            text_of(b"\xff\xfea\x00\xe9\x00"),
            ("aé".into(), Encoding::Utf16Le)
        );
        assert_eq!(
            text_of(b"\xfe\xff\x00a\x00\xe9"),
            ("aé".into(), Encoding::Utf16Be)
        );
        let d = decode(b"one\ntwo\nthr\x92ee", "f").unwrap();
        assert_eq!(d.first_foreign, Some((3, 0x92)));
    }

    #[test]
    fn refuses_binary() {
        for bytes in [
            &b"\x89PNG\r\n\x1a\n\0\0"[..],
            b"PK\x03\x04rest",
            b"a,b\nc\0d",
            b"\x01\x02\x03\x04",
            b"\xff\xfea",
        ] {
            let e = decode(bytes, "f.csv").unwrap_err().to_string();
            assert!(e.starts_with("f.csv"), "{e}");
        }
        let e = decode(b"a,b\nc,d\n\0", "f.csv").unwrap_err().to_string();
        assert!(e.starts_with("f.csv:3: binary"), "{e}");
        // One stray control character in a long text is a typo, not binary.
        let long = format!("{}\u{7}", "word ".repeat(100));
        assert!(decode(long.as_bytes(), "f").is_ok());
    }

    #[test]
    fn head_keeps_utf8_cut_mid_character() {
        assert_eq!(head("aé".as_bytes(), 2), "a");
        assert_eq!(head(b"a\x92b", 10), "a\u{2019}b");
        assert_eq!(head(b"\xff\xfeh\x00i\x00", 10), "hi");
    }
}
