//! `xianyu goofish decode|sign`: protocol debugging without a connection.

use crate::cli::GoofishCommand;
use anyhow::anyhow;
use goofish_protocol::{events, mtop, payload};

/// Runs a goofish debug command.
pub fn run(cmd: GoofishCommand) -> anyhow::Result<()> {
    match cmd {
        GoofishCommand::Decode {
            payload: data,
            own_unb,
        } => {
            let decoded = payload::decode_payload(data.trim())
                .map_err(|e| anyhow!("cannot decode payload: {e}"))?;
            let event = events::classify(&decoded, &own_unb);
            let out = serde_json::json!({ "decoded": decoded, "event": event });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        GoofishCommand::Sign { token, t, data } => {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(anyhow!("--t must be the decimal timestamp in milliseconds"));
            }
            println!("{}", mtop::sign(&token, &t, &data));
        }
    }
    Ok(())
}
