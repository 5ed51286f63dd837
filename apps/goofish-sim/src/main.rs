//! `goofish-sim`: run the Goofish simulator and print the `XIANYU_GOOFISH_*` overrides.

use clap::Parser;
use goofish_sim::{GoofishSim, SimConfig};
use std::io::Write;
use std::net::IpAddr;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "goofish-sim",
    about = "A Goofish (Xianyu) simulator for tests and demos"
)]
struct Args {
    /// Port to listen on (0 = random).
    #[arg(long, default_value_t = 9000)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
}

fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args = Args::parse();
    let config = SimConfig {
        bind: args.bind,
        port: args.port,
        ..SimConfig::default()
    };
    let handle = GoofishSim::start(config)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "XIANYU_GOOFISH_H5API_BASE={}", handle.h5api_base())?;
    writeln!(out, "XIANYU_GOOFISH_WS_URL={}", handle.ws_url())?;
    writeln!(
        out,
        "XIANYU_GOOFISH_PASSPORT_BASE={}",
        handle.passport_base()
    )?;
    writeln!(out, "XIANYU_GOOFISH_UPLOAD_URL={}", handle.upload_url())?;
    out.flush()?;
    drop(out);
    loop {
        std::thread::park();
    }
}
