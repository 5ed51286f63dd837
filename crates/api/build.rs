//! Gzips the dashboard's text files once, at build time, so the server sends them without
//! compressing at run time (a compressor per response costs CPU, and its buffers stay in the
//! allocator). Writes `$OUT_DIR/web_gz.rs`: a table of (path under `web/`, gzip bytes).

use flate2::{Compression, write::GzEncoder};
use std::io::Write;
use std::path::{Path, PathBuf};

include!("src/routes/web_text.rs");

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let web = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(std::io::Error::other)?)
        .join("../../web");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(std::io::Error::other)?);
    println!("cargo:rerun-if-changed={}", web.display());
    println!("cargo:rerun-if-changed=src/routes/web_text.rs");
    let mut all = Vec::new();
    files(&web, &mut all)?;
    all.sort();
    let mut table = String::from("&[\n");
    for (i, path) in all.iter().enumerate() {
        let text = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TEXT_EXTENSIONS.contains(&e));
        if !text {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let data = std::fs::read(path)?;
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&data)?;
        let gz = enc.finish()?;
        if gz.len() >= data.len() {
            continue;
        }
        let name = path
            .strip_prefix(&web)
            .map_err(std::io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        let file = out_dir.join(format!("web-{i}.gz"));
        std::fs::write(&file, gz)?;
        table.push_str(&format!(
            "    ({name:?}, include_bytes!({:?}).as_slice()),\n",
            file.display().to_string()
        ));
    }
    table.push(']');
    std::fs::write(out_dir.join("web_gz.rs"), table)
}
