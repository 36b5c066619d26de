//! A real Redis for integration tests (`TEST_REDIS_URL`): a fresh key prefix per test, and
//! its keys removed afterwards.

use uuid::Uuid;

/// A Redis client and a fresh key prefix, or None (skipped) without `TEST_REDIS_URL`.
pub fn redis() -> Option<(redis::Client, String)> {
    let url = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let Some(url) = url else {
        eprintln!("TEST_REDIS_URL not set: skipped");
        return None;
    };
    let prefix = format!("promptops-test:{}:", Uuid::new_v4().simple());
    Some((redis::Client::open(url.as_str()).unwrap(), prefix))
}

pub async fn cleanup(client: &redis::Client, prefix: &str) {
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
}
