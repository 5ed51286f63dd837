//! First-start work: data directory, key files, database, and the initial admin account.

use crate::ApiError;
use crate::auth::hash_password;
use crate::settings::Settings;
use rand::distr::{Alphanumeric, SampleString};
use std::io::Write;
use std::path::{Path, PathBuf};
use xianyu_domain::Role;
use xianyu_persistence::{KEY_LEN, PoolOptions, SecretBox, Store};

/// Name of the file that receives the generated admin password on first start.
pub const INITIAL_ADMIN_PASSWORD_FILE: &str = "initial-admin-password";
const SECRET_KEY_FILE: &str = "secret.key";
const JWT_SECRET_FILE: &str = "jwt.secret";

/// What start-up produced: the open store and the resolved keys.
pub struct Bootstrapped {
    /// The migrated store.
    pub store: Store,
    /// HMAC key for JWTs.
    pub jwt_secret: Vec<u8>,
    /// Set when this start created the `admin` user: its one-time password.
    pub created_admin_password: Option<String>,
}

/// A start-up failure, explained in one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BootstrapError(pub String);

/// Opens the data directory, keys and database, running migrations. Does not create users.
pub fn open_store(settings: &Settings) -> Result<(Store, Vec<u8>), BootstrapError> {
    create_private_dir(&settings.data_dir)?;
    let key_text = match &settings.secret_key {
        Some(k) => k.clone(),
        None => read_or_create_secret(&settings.data_dir.join(SECRET_KEY_FILE))?,
    };
    let key = SecretBox::parse_key(&key_text).ok_or_else(|| {
        BootstrapError(format!(
            "XIANYU_SECRET_KEY must be {KEY_LEN} bytes as 64 hex characters or base64"
        ))
    })?;
    let jwt_secret = match &settings.jwt_secret {
        Some(s) if s.len() >= 32 => s.as_bytes().to_vec(),
        Some(_) => {
            return Err(BootstrapError(
                "XIANYU_JWT_SECRET must be at least 32 characters".into(),
            ));
        }
        None => read_or_create_secret(&settings.data_dir.join(JWT_SECRET_FILE))?.into_bytes(),
    };
    let url = settings.effective_database_url();
    let store = Store::open(&url, SecretBox::new(&key), PoolOptions::default()).map_err(|e| {
        BootstrapError(format!(
            "cannot open database {}: {e}",
            xianyu_persistence::redact_url(&url)
        ))
    })?;
    Ok((store, jwt_secret))
}

/// Full start-up: [`open_store`], then on an empty database the `admin` user with a random
/// password written to `<data_dir>/initial-admin-password` (mode 0600).
pub fn bootstrap(settings: &Settings) -> Result<Bootstrapped, BootstrapError> {
    let (store, jwt_secret) = open_store(settings)?;
    let created_admin_password = ensure_admin(&store, &settings.data_dir)?;
    Ok(Bootstrapped {
        store,
        jwt_secret,
        created_admin_password,
    })
}

fn ensure_admin(store: &Store, data_dir: &Path) -> Result<Option<String>, BootstrapError> {
    let count = store
        .user_count()
        .map_err(|e| BootstrapError(e.to_string()))?;
    if count > 0 {
        return Ok(None);
    }
    let password = random_password();
    let hash = hash_password(&password).map_err(|e: ApiError| BootstrapError(e.message))?;
    let admin = store
        .create_user("admin", &hash, Role::Admin)
        .map_err(|e| BootstrapError(format!("cannot create admin user: {e}")))?;
    let temporary = xianyu_persistence::UserUpdate {
        must_change_password: Some(true),
        ..Default::default()
    };
    store
        .update_user(admin.id, &temporary)
        .map_err(|e| BootstrapError(format!("cannot create admin user: {e}")))?;
    write_private_file(
        &data_dir.join(INITIAL_ADMIN_PASSWORD_FILE),
        &format!("{password}\n"),
    )?;
    Ok(Some(password))
}

/// A random 20-character alphanumeric password.
pub fn random_password() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 20)
}

fn read_or_create_secret(path: &Path) -> Result<String, BootstrapError> {
    match std::fs::read_to_string(path) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Ok(_) => Err(BootstrapError(format!("{} is empty", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = hex::encode(rand::random::<[u8; KEY_LEN]>());
            write_private_file(path, &format!("{secret}\n"))?;
            log::info!(target: "xianyu::bootstrap", "generated {}", path.display());
            Ok(secret)
        }
        Err(e) => Err(BootstrapError(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

fn create_private_dir(dir: &Path) -> Result<(), BootstrapError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        BootstrapError(format!(
            "cannot create data directory {}: {e}",
            dir.display()
        ))
    })
}

/// Writes a file readable only by its owner (0600 on Unix), replacing any previous content.
pub fn write_private_file(path: &Path, content: &str) -> Result<(), BootstrapError> {
    let err = |e: std::io::Error| BootstrapError(format!("cannot write {}: {e}", path.display()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(err)?;
    }
    f.write_all(content.as_bytes()).map_err(err)
}

/// Path of the initial admin password file in a data directory.
pub fn initial_admin_password_path(data_dir: &Path) -> PathBuf {
    data_dir.join(INITIAL_ADMIN_PASSWORD_FILE)
}
