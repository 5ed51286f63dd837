//! `xianyu user create|reset-password|list`, working directly on the database.

use crate::cli::UserCommand;
use anyhow::{Context, anyhow};
use xianyu_api::Settings;
use xianyu_api::auth::hash_password;
use xianyu_api::bootstrap::{open_store, random_password};
use xianyu_domain::{Password, Role, Username};

fn read_or_generate(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((random_password(), true));
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let pw = line.trim_end_matches(['\r', '\n']).to_owned();
    Password::parse(&pw).map_err(|e| anyhow!(e))?;
    Ok((pw, false))
}

/// Runs a user command.
pub fn run(settings: &Settings, cmd: UserCommand) -> anyhow::Result<()> {
    let (store, _) = open_store(settings)?;
    match cmd {
        UserCommand::Create {
            username,
            role,
            password_stdin,
        } => {
            let name = Username::parse(&username).map_err(|e| anyhow!(e))?;
            let role: Role = role.parse().map_err(|e| anyhow!("{e}"))?;
            let (pw, generated) = read_or_generate(password_stdin)?;
            let hash = hash_password(&pw).map_err(|e| anyhow!(e.message))?;
            let mut user = store
                .create_user(name.as_str(), &hash, role)
                .map_err(|e| anyhow!("cannot create user '{username}': {e}"))?;
            if generated {
                let update = xianyu_persistence::UserUpdate {
                    must_change_password: Some(true),
                    ..Default::default()
                };
                user = store.update_user(user.id, &update)?;
            }
            println!(
                "created user '{}' (id {}, role {})",
                user.username, user.id, user.role
            );
            if generated {
                println!("password: {pw}");
            }
        }
        UserCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let user = store
                .find_user_by_username(&username)?
                .ok_or_else(|| anyhow!("no user named '{username}'"))?;
            let (pw, generated) = read_or_generate(password_stdin)?;
            let hash = hash_password(&pw).map_err(|e| anyhow!(e.message))?;
            let id = xianyu_domain::UserId(user.id);
            let update = xianyu_persistence::UserUpdate {
                password_hash: Some(&hash),
                // A generated password is temporary; one read from stdin was chosen on purpose.
                must_change_password: Some(generated),
                ..Default::default()
            };
            store.update_user(id, &update)?;
            let ended = store.revoke_user_sessions(id, None)?;
            println!("password of '{username}' reset; {ended} session(s) ended");
            if generated {
                println!("password: {pw}");
            }
        }
        UserCommand::List => {
            println!(
                "{:>6}  {:<32}  {:<6}  {:<8}  created (UTC)",
                "id", "username", "role", "enabled"
            );
            for u in store.admin_list_users()? {
                println!(
                    "{:>6}  {:<32}  {:<6}  {:<8}  {}",
                    u.id,
                    u.username,
                    u.role,
                    u.enabled,
                    u.created_at.format("%Y-%m-%d %H:%M:%S")
                );
            }
        }
    }
    Ok(())
}
