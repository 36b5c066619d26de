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
