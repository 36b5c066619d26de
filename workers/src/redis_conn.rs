//! Redis connections that fail fast while Redis is down: a request that publishes an event or
//! a job must not hang on reconnect back-off, since the database row (the truth) is already
//! written and the reconciler catches up when Redis is back.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// Retries a lost connection briefly (two tries, at most 500 ms apart), then errors.
pub fn config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_millis(500))
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_secs(2)))
}

pub async fn manager(client: &redis::Client) -> redis::RedisResult<ConnectionManager> {
    client.get_connection_manager_with_config(config()).await
}
