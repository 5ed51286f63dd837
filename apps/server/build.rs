//! Packs the binary's relative relocations (`-z pack-relative-relocs`, DT_RELR) when the
//! toolchain and C library support it: the loader then reads a few kilobytes instead of a
//! 1.3 MB relocation table at every start, which keeps that table out of resident memory.
//! The probe links and runs a tiny C program, so older linkers or a glibc before 2.36 simply
//! get the usual relocations.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if linux_gnu && var("TARGET") == var("HOST") && relr_works() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether a program linked with packed relocations builds and runs here.
fn relr_works() -> bool {
    let Ok(out) = std::env::var("OUT_DIR").map(PathBuf::from) else {
        return false;
    };
    let src = out.join("relr_probe.c");
    let exe = out.join("relr_probe");
    let program = "static const char *s[] = {\"a\", \"b\"};\nint main(void) { return s[1][0] == 'b' ? 0 : 1; }\n";
    if std::fs::write(&src, program).is_err() {
        return false;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let linked = Command::new(cc)
        .args(["-fPIE", "-pie", "-Wl,-z,pack-relative-relocs", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .is_ok_and(|o| o.status.success());
    linked && Command::new(&exe).status().is_ok_and(|s| s.success())
}
