//! The JWT signing secret and the master key for secrets at rest: configured (value or file),
//! or generated once into the data dir and reused by every later start. Never a built-in
//! default.

use std::fs;
use std::io::Write;

use anyhow::{Context, bail};

use crate::auth::secret::new_signing_secret;
use crate::config::Config;

const MIN_SECRET_BYTES: usize = 32;
const GENERATED_FILE: &str = "jwt-secret";
const MASTER_KEY_FILE: &str = "master-key";

pub fn jwt_secret(config: &Config) -> anyhow::Result<String> {
    let secret = if let Some(secret) = &config.jwt_secret {
        secret.clone()
    } else if let Some(path) = &config.jwt_secret_file {
        fs::read_to_string(path)
            .with_context(|| format!("reading the JWT secret file {}", path.display()))?
            .trim()
            .to_owned()
    } else {
        generated(
            config,
            GENERATED_FILE,
            "PROMPTOPS_JWT_SECRET",
            new_signing_secret,
        )?
    };
    if secret.len() < MIN_SECRET_BYTES {
        bail!("the JWT secret must be at least {MIN_SECRET_BYTES} bytes long");
    }
    Ok(secret)
}

/// The master key for secrets at rest: configured (value or file), or generated once into the
/// data dir.
pub fn master_key(config: &Config) -> anyhow::Result<String> {
    if let Some(key) = &config.master_key {
        return Ok(key.trim().to_owned());
    }
    if let Some(path) = &config.master_key_file {
        return Ok(fs::read_to_string(path)
            .with_context(|| format!("reading the master key file {}", path.display()))?
            .trim()
            .to_owned());
    }
    generated(
        config,
        MASTER_KEY_FILE,
        "PROMPTOPS_MASTER_KEY",
        workers::crypto::Sealer::generate_key,
    )
}

/// The sealer for secrets at rest: the master key, and during a rotation the previous one.
pub fn sealer(config: &Config) -> anyhow::Result<workers::crypto::Sealer> {
    let sealer = workers::crypto::Sealer::from_base64(&master_key(config)?)
        .context("loading the master key")?;
    match previous_master_key(config)? {
        Some(previous) => sealer
            .with_previous(&previous)
            .context("loading the previous master key"),
        None => Ok(sealer),
    }
}

/// The JWT secret being retired, during a rotation (value or file).
pub fn previous_jwt_secret(config: &Config) -> anyhow::Result<Option<String>> {
    let Some(secret) = configured(
        config.jwt_previous_secret.as_deref(),
        config.jwt_previous_secret_file.as_deref(),
        "the previous JWT secret",
    )?
    else {
        return Ok(None);
    };
    if secret.len() < MIN_SECRET_BYTES {
        bail!("the previous JWT secret must be at least {MIN_SECRET_BYTES} bytes long");
    }
    Ok(Some(secret))
}

/// The master key being retired, during a rotation (value or file).
pub fn previous_master_key(config: &Config) -> anyhow::Result<Option<String>> {
    Ok(configured(
        config.master_key_previous.as_deref(),
        config.master_key_previous_file.as_deref(),
        "the previous master key",
    )?
    .map(|key| key.trim().to_owned()))
}

/// A value (used as given, like the current secret's: a JWT secret's bytes are the key) or a
/// file (trimmed, like the current one's file).
fn configured(
    value: Option<&str>,
    file: Option<&std::path::Path>,
    what: &str,
) -> anyhow::Result<Option<String>> {
    if let Some(value) = value {
        return Ok(Some(value.to_owned()).filter(|v| !v.is_empty()));
    }
    let Some(path) = file else {
        return Ok(None);
    };
    let read = fs::read_to_string(path)
        .with_context(|| format!("reading {what} from {}", path.display()))?;
    Ok(Some(read.trim().to_owned()).filter(|v| !v.is_empty()))
}

fn generated(
    config: &Config,
    file: &str,
    variable: &str,
    new_secret: fn() -> String,
) -> anyhow::Result<String> {
    let path = config.data_dir.join(file);
    if let Ok(existing) = fs::read_to_string(&path) {
        return Ok(existing.trim().to_owned());
    }
    if config
        .database_url
        .as_deref()
        .is_some_and(|url| url.starts_with("postgres"))
    {
        tracing::warn!(
            "no {variable} set: generating one in {}; every process sharing this \
             database must use the same value",
            path.display()
        );
    }
    fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let secret = new_secret();
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(fs::read_to_string(&path)?.trim().to_owned())
        }
        Err(error) => Err(error).with_context(|| format!("creating {}", path.display())),
    }
}
