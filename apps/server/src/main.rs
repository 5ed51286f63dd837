//! The `xianyu` binary: runs the server and offers offline admin and debug commands.
//! Wiring only: everything it does lives in the library crates.

mod cli;
mod demo;
mod goofish_cmd;
mod user_cmd;

use clap::Parser;
use cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match cli.common.resolve() {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    init_logging(&settings.log);
    let result = match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo: false } => serve(settings),
        Command::Serve { demo: true } => demo::serve(settings),
        Command::Migrate => migrate(&settings),
        Command::User(cmd) => user_cmd::run(&settings, cmd),
        Command::Openapi => {
            print!("{}", xianyu_api::openapi::openapi_json());
            Ok(())
        }
        Command::ErrorCodes => {
            print!("{}", xianyu_api::ErrorCode::markdown_table());
            Ok(())
        }
        Command::Goofish(cmd) => goofish_cmd::run(cmd),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => fail(&format!("{e:#}")),
    }
}

fn fail(message: &str) -> std::process::ExitCode {
    eprintln!("error: {message}");
    std::process::ExitCode::FAILURE
}

/// The process's logger: env_logger's console format and `RUST_LOG` filter, secrets redacted,
/// every record also handed to the server's collector (logs page, live tail, daily files).
fn init_logging(default_filter: &str) {
    let mut console =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(default_filter));
    console.format_timestamp_millis();
    if let Err(e) = xianyu_logs::install(console) {
        eprintln!("warning: {e}");
    }
}

fn serve(settings: xianyu_api::Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(xianyu_api::server::run(settings))?;
    Ok(())
}

fn migrate(settings: &xianyu_api::Settings) -> anyhow::Result<()> {
    let (store, _) = xianyu_api::bootstrap::open_store(settings)?;
    println!(
        "database is up to date ({} backend)",
        store.backend().as_str()
    );
    Ok(())
}
