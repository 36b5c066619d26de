//! The archive store: where archive files go, behind `object_store` — a local directory
//! (the default, `<data dir>/archive`, written with fsync so that a successful put is on
//! disk), an S3-compatible bucket (`s3://bucket/prefix`, credentials and endpoint from the
//! standard `AWS_*` variables), or memory (`memory://`, for tests and trials).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as Key;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("archive store: {0}")]
    Store(#[from] object_store::Error),
    #[error("archive store: {0}")]
    Config(String),
}

/// Cheap to clone: the store is shared.
#[derive(Clone, Debug)]
pub struct ArchiveStore {
    inner: Arc<dyn ObjectStore>,
    /// Where it is, for logs (no credentials: they come from the environment).
    location: String,
}

impl ArchiveStore {
    /// The store `url` names (`file:///path`, `s3://bucket/prefix`, `memory://`), or the
    /// local directory `default_dir` when there is none.
    pub fn open(url: Option<&str>, default_dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(url, default_dir, &[])
    }

    /// As [`ArchiveStore::open`], with S3 settings (`aws_endpoint`, `aws_access_key_id`, …, as
    /// `object_store` names them) taking precedence over the environment's `AWS_*` ones.
    pub fn open_with(
        url: Option<&str>,
        default_dir: &Path,
        s3_settings: &[(&str, &str)],
    ) -> Result<Self, StoreError> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Self::local(default_dir);
        };
        if let Some(path) = url.strip_prefix("file://") {
            return Self::local(Path::new(path));
        }
        if url == "memory://" || url == "memory:" {
            return Ok(Self::memory());
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(StoreError::Config(format!("no bucket in `{url}`")));
            }
            let mut s3 = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
            for (key, value) in s3_settings {
                let key = key
                    .parse::<object_store::aws::AmazonS3ConfigKey>()
                    .map_err(|e| StoreError::Config(format!("S3 setting `{key}`: {e}")))?;
                s3 = s3.with_config(key, *value);
            }
            let s3 = s3.build()?;
            let prefix = prefix.trim_matches('/');
            let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(PrefixStore::new(s3, prefix))
            };
            return Ok(Self {
                inner,
                location: format!("s3://{bucket}/{prefix}"),
            });
        }
        Err(StoreError::Config(format!(
            "unsupported archive URL `{url}`: use file://, s3:// or memory://"
        )))
    }

    /// A local directory, made if missing.
    pub fn local(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Config(format!("creating {}: {e}", dir.display())))?;
        let dir: PathBuf = std::fs::canonicalize(dir)
            .map_err(|e| StoreError::Config(format!("opening {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(&dir)?.with_fsync(true);
        Ok(Self {
            inner: Arc::new(store),
            location: dir.display().to_string(),
        })
    }

    /// In memory: gone with the process.
    pub fn memory() -> Self {
        Self {
            inner: Arc::new(InMemory::new()),
            location: "memory://".to_owned(),
        }
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// Writes `bytes` at `key`, replacing what was there; returns once the store confirmed
    /// the write (a local file and its directory synced, an S3 PUT answered).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.inner
            .put(&Key::from(key), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The file at `key`; `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.inner.get(&Key::from(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Removes the file at `key` (tests simulate a lost file with it).
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete(&Key::from(key)).await?;
        Ok(())
    }
}
