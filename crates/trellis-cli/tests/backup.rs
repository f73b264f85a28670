//! `trellis backup` while the server takes writes, then `trellis restore` into an empty database:
//! every write the server acknowledged before the backup began is in the restored database, and
//! what it holds is a prefix of each writer's writes (a consistent snapshot, no gaps).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{assert_success, trellis};
use trellis_store::prelude::*;

/// A `trellis serve` child, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request; the status and body.
fn http(addr: &str, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    (status, body)
}

#[test]
fn a_backup_under_write_load_restores_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let out = trellis(&[
        "user",
        "add",
        "writer@test.example",
        "--name",
        "Writer",
        "--role",
        "admin",
        "--database-url",
        &url,
    ]);
    assert_success(&out);
    let out = trellis(&[
        "token",
        "create",
        "writer@test.example",
        "--database-url",
        &url,
    ]);
    assert_success(&out);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let mut child = Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", &url])
        .env("TRELLIS_ADMIN_EMAIL", "writer@test.example")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let addr = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.split("running at http://")
                .nth(1)
                .map(|rest| rest.split('/').next().unwrap().to_owned())
        })
        .expect("the server says where it runs");
    let (status, me) = http(&addr, "GET", "/api/v1/me", &token, "");
    assert_eq!(status, 200, "{me}");
    let me: serde_json::Value = serde_json::from_str(&me).unwrap();
    let person = me["id"].as_i64().unwrap();

    // Two writers add evidence as fast as the server takes it, noting each acknowledgement.
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (addr, token, stop) = (addr.clone(), token.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let title = format!("w{w}-{n:05}");
                    let body = format!(
                        r#"{{"happened_on":"2026-01-10","title":"{title}","skills":["communication"]}}"#
                    );
                    let path = format!("/api/v1/people/{person}/evidence");
                    let (status, text) = http(&addr, "POST", &path, &token, &body);
                    assert_eq!(status, 201, "{text}");
                    acknowledged.push((title, started.elapsed()));
                    n += 1;
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let backup = dir.path().join("backup.db");
    let began = started.elapsed();
    let out = trellis(&["backup", backup.to_str().unwrap(), "--database-url", &url]);
    assert_success(&out);
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let acknowledged: Vec<Vec<(String, Duration)>> =
        writers.into_iter().map(|w| w.join().unwrap()).collect();
    drop(server);
    // A second backup never overwrites the first.
    let again = trellis(&["backup", backup.to_str().unwrap(), "--database-url", &url]);
    assert!(!again.status.success());

    let restored_url = format!("sqlite://{}", dir.path().join("restored.db").display());
    let out = trellis(&[
        "restore",
        backup.to_str().unwrap(),
        "--database-url",
        &restored_url,
    ]);
    assert_success(&out);
    // Restoring over a database in use is refused.
    let out = trellis(&["restore", backup.to_str().unwrap(), "--database-url", &url]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    let out = trellis(&["restore", "--check", "--database-url", &restored_url]);
    assert_success(&out);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let titles: Vec<String> = runtime.block_on(async {
        let store = trellis_store_sql::Database::connect(&restored_url)
            .await
            .unwrap();
        let titles = store
            .evidence_of(person)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.title)
            .collect();
        store.close().await;
        titles
    });
    let mut before = 0;
    for writes in &acknowledged {
        let kept: Vec<&String> = writes
            .iter()
            .map(|(t, _)| t)
            .filter(|t| titles.contains(t))
            .collect();
        // Every write acknowledged before the backup began is there…
        for (title, at) in writes.iter().filter(|(_, at)| *at < began) {
            assert!(
                titles.contains(title),
                "{title}, acknowledged at {at:?}, before the backup at {began:?}"
            );
            before += 1;
        }
        // …and what is there is a prefix of the writer's writes: nothing later without what came before.
        let prefix: Vec<&String> = writes.iter().map(|(t, _)| t).take(kept.len()).collect();
        assert_eq!(kept, prefix, "a consistent snapshot");
    }
    assert!(
        before > 10,
        "the backup ran under load ({before} writes before it)"
    );
    let total: usize = acknowledged.iter().map(Vec::len).sum();
    println!(
        "backup under load: {total} writes acknowledged, {before} before the backup began, {} in \
         the restored copy",
        titles.len()
    );
}
