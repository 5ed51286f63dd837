//! What the session tests and the `stream` bench share: a one-page HTTP server on loopback and
//! the processes of a process group (from /proc).
#![allow(dead_code, clippy::unwrap_used)]

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves `page` for every request on a free loopback port; returns the URL of `path`.
pub async fn serve_page(page: &'static str, path: &str) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}{path}")
}

/// The pids of the processes in group `pgid`.
pub fn group_pids(pgid: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            // pid (comm) state ppid pgrp ...
            let rest = stat.rsplit_once(')').map(|(_, r)| r)?;
            let group = rest.split_whitespace().nth(2)?.parse::<u32>().ok()?;
            (group == pgid).then_some(pid)
        })
        .collect()
}
