//! A TCP proxy the harness owns between the product and PostgreSQL (the machine's server is
//! shared, so it is never SIGSTOPped): it can stall every byte in both directions, new
//! connections included — PostgreSQL paused, as seen by the product — and drop every
//! connection at once.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct PgProxy {
    pub port: u16,
    paused: watch::Sender<bool>,
    generation: watch::Sender<u64>,
    accept: JoinHandle<()>,
}

impl PgProxy {
    pub async fn start(upstream: String) -> anyhow::Result<PgProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (paused, _) = watch::channel(false);
        let (generation, _) = watch::channel(0u64);
        let (paused_rx, generation_rx) = (paused.subscribe(), generation.subscribe());
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let (paused, generation) = (paused_rx.clone(), generation_rx.clone());
                tokio::spawn(connection(client, upstream, paused, generation));
            }
        });
        Ok(PgProxy {
            port,
            paused,
            generation,
            accept,
        })
    }

    /// Stalls every connection for `duration`, then drops them all.
    pub async fn stall_then_drop(&self, duration: Duration) {
        self.paused.send_replace(true);
        tokio::time::sleep(duration).await;
        self.drop_all();
        self.paused.send_replace(false);
    }

    /// Closes every proxied connection (the product sees them reset).
    pub fn drop_all(&self) {
        self.generation.send_modify(|g| *g += 1);
    }
}

impl Drop for PgProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.drop_all();
    }
}

async fn connection(
    client: TcpStream,
    upstream: String,
    mut paused: watch::Receiver<bool>,
    mut generation: watch::Receiver<u64>,
) {
    generation.mark_unchanged();
    if paused.wait_for(|p| !*p).await.is_err() {
        return;
    }
    let Ok(server) = TcpStream::connect(&upstream).await else {
        return;
    };
    let _ = (client.set_nodelay(true), server.set_nodelay(true));
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let up = pump(client_read, server_write, paused.clone());
    let down = pump(server_read, client_write, paused);
    tokio::select! {
        _ = up => {}
        _ = down => {}
        _ = generation.changed() => {}
    }
}

/// Copies bytes until either side closes, holding each chunk while the proxy is paused.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut paused: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if paused.wait_for(|p| !*p).await.is_err() {
            break;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
