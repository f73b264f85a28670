//! A real SMTP server on loopback for the email tests (Python's aiosmtpd, `tests/smtp_sink.py`).
//! Without aiosmtpd the email tests skip with a note, unless `TRELLIS_REQUIRE_SMTP=1` (set by
//! `scripts/test`, which installs it).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use trellis_app::mail::{MailSettings, Mailer};

pub struct Sink {
    child: Child,
    folder: tempfile::TempDir,
    pub port: u16,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    /// The messages received so far, in order.
    pub fn messages(&self) -> Vec<String> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the SMTP sink, or says why it cannot (and fails if it must run).
pub fn smtp_sink() -> Option<Sink> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
    let has_aiosmtpd = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_aiosmtpd {
        assert!(
            std::env::var("TRELLIS_REQUIRE_SMTP").as_deref() != Ok("1"),
            "TRELLIS_REQUIRE_SMTP=1 but Python's aiosmtpd is missing: pip install aiosmtpd"
        );
        eprintln!(
            "note: email test skipped: Python's aiosmtpd is missing (scripts/test installs it)"
        );
        return None;
    }
    let folder = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new("python3")
        .arg(&script)
        .arg(folder.path())
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
    Some(Sink {
        child,
        folder,
        port,
    })
}

pub fn mailer(port: u16) -> Mailer {
    Mailer::new(&MailSettings {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "Trellis <trellis@example.org>".into(),
        base_url: "https://trellis.example.org/".into(),
    })
    .unwrap()
}
