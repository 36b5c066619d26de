//! The archive store on an S3-compatible bucket (`PROMPTOPS_ARCHIVE_URL=s3://bucket/prefix`):
//! real S3 requests, signed with Signature V4, through `object_store` to an S3 server running in
//! the test process (`s3s-fs`, which keeps objects as files and checks the signatures).

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set up should fail loudly"
)]

use std::path::Path;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use workers::retention::ArchiveStore;

const ACCESS_KEY: &str = "AKPROMPTOPSTEST";
const SECRET_KEY: &str = "promptops-archive-test-secret";

/// Serves an S3 API over `root` (each directory a bucket) on a free port; returns its URL.
async fn s3_server(root: &Path) -> String {
    let fs = s3s_fs::FileSystem::new(root).unwrap();
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = builder.build().into_shared();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let service = service.clone();
            tokio::spawn(async move {
                let connection = Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
                drop(connection);
            });
        }
    });
    format!("http://{addr}")
}

fn open(endpoint: &str, secret: &str, fallback: &Path) -> ArchiveStore {
    let settings = [
        ("aws_endpoint", endpoint),
        ("aws_access_key_id", ACCESS_KEY),
        ("aws_secret_access_key", secret),
        ("aws_region", "us-east-1"),
        ("aws_allow_http", "true"),
        ("aws_virtual_hosted_style_request", "false"),
    ];
    ArchiveStore::open_with(Some("s3://archives/promptops/"), fallback, &settings).unwrap()
}

#[tokio::test]
async fn archive_files_round_trip_through_an_s3_bucket() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("archives")).unwrap();
    let endpoint = s3_server(root.path()).await;
    let fallback = tempfile::tempdir().unwrap();
    let store = open(&endpoint, SECRET_KEY, fallback.path());
    assert_eq!(store.location(), "s3://archives/promptops");

    let key = "org-1/executions/2026-01-01-000.jsonl.gz";
    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    store.put(key, body.clone()).await.unwrap();

    // The object is in the bucket, under the URL's prefix — not in the local fallback.
    let stored = root.path().join("archives/promptops").join(key);
    assert_eq!(std::fs::read(&stored).unwrap(), body);
    assert_eq!(std::fs::read_dir(fallback.path()).unwrap().count(), 0);

    assert_eq!(store.get(key).await.unwrap(), Some(body.clone()));
    assert_eq!(store.get("org-1/missing.jsonl.gz").await.unwrap(), None);

    // A replacement is read back whole.
    store.put(key, b"second".to_vec()).await.unwrap();
    assert_eq!(store.get(key).await.unwrap(), Some(b"second".to_vec()));

    store.delete(key).await.unwrap();
    assert_eq!(store.get(key).await.unwrap(), None);
    assert!(!stored.exists());

    // Wrong credentials are refused by the server, and the error says so.
    let forged = open(&endpoint, "not-the-secret", fallback.path());
    let refused = forged.put(key, body).await.unwrap_err().to_string();
    assert!(
        refused.contains("403") || refused.to_lowercase().contains("signature"),
        "{refused}"
    );
    assert!(!stored.exists());
}

#[test]
fn an_unknown_s3_setting_is_a_configuration_error() {
    let fallback = tempfile::tempdir().unwrap();
    let error = ArchiveStore::open_with(
        Some("s3://archives"),
        fallback.path(),
        &[("aws_no_such_setting", "1")],
    )
    .unwrap_err();
    assert!(error.to_string().contains("aws_no_such_setting"), "{error}");
}
