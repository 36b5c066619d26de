//! `stream`: token delivery overhead. For each count N of `--streams`, N executions of a
//! prompt of `--tokens` words run at once on the `openai` provider through `promptops
//! mock-llm`, which echoes the words at a known pace (`--tokens-per-second`). Each stream has
//! its own WebSocket, opened and acknowledged before the run, on which `executionEvents` is
//! subscribed as soon as `executePrompt` answers. The overhead of a token is its client-side
//! gap after the previous token minus the provider's pace (a gap shorter than the pace, a
//! token catching up, counts as 0); p50/p99/max are reported. Every stream is checked: its
//! TOKEN events' indices strictly increase and their texts put together are the prompt's
//! words, so no token was lost, duplicated or reordered, and it ended COMPLETED.

mod mock_llm;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use serde_json::{Value, json};

use super::args::{ModelArgs, StreamArgs};
use super::client::{gql, setup};
use super::server::{Target, program};
use super::ws::{self, Socket};
use super::{micros, ms};

const EVENTS: &str = "subscription($id: ID!) { executionEvents(executionId: $id) {
    type token index error } }";

/// What one count of streams measured.
struct Measured {
    overhead: Histogram<u64>,
    gap: Histogram<u64>,
    first_token: Histogram<u64>,
    most_at_once: usize,
    broken: usize,
    failed: usize,
    seconds: f64,
}

pub(super) async fn run(args: &StreamArgs) -> anyhow::Result<()> {
    if args.streams.is_empty() || args.streams.contains(&0) || args.tokens < 2 {
        bail!("--streams must be at least 1 and --tokens at least 2");
    }
    if args.tokens_per_second <= 0.0 {
        bail!("--tokens-per-second must be above 0");
    }
    let most = args.streams.iter().max().copied().unwrap_or(1).to_string();
    let mock = match &args.llm_url {
        Some(url) => mock_llm::MockLlm::at(url),
        None => {
            let program = program(args.server.server_bin.as_deref())?;
            mock_llm::MockLlm::start(&program, args.tokens_per_second).await?
        }
    };
    // Every stream runs at once: as many worker slots as the largest count.
    let target = Target::start(&args.server, &[("PROMPTOPS_WORKER_CONCURRENCY", &most)]).await;
    let target = match target {
        Ok(target) => target,
        Err(error) => {
            mock.stop().await;
            return Err(error);
        }
    };
    let measured = measure_all(args, &target.base, &mock.base).await;
    target.stop().await;
    mock.stop().await;
    measured
}

async fn measure_all(args: &StreamArgs, base: &str, llm_url: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let model = ModelArgs {
        words: args.tokens,
        provider: "openai".into(),
        llm_url: Some(llm_url.to_owned()),
    };
    let setup = Arc::new(setup(&http, base, &model).await?);
    let pace = Duration::from_secs_f64(1.0 / args.tokens_per_second);
    println!(
        "bench stream: {:?} concurrent streams of {} tokens at {} tokens/s (a token every {:.1} ms) through mock-llm at {llm_url} → {base}",
        args.streams,
        args.tokens,
        args.tokens_per_second,
        pace.as_secs_f64() * 1000.0
    );
    println!(
        "{:>6} {:>9} {:>11} {:>11} {:>11} {:>9} {:>9} {:>8} {:>7} {:>7}",
        "streams",
        "at once",
        "ovh p50 ms",
        "ovh p99 ms",
        "ovh max ms",
        "gap p50",
        "1st p50",
        "seconds",
        "broken",
        "failed"
    );
    let mut rows = Vec::new();
    let mut bad = 0;
    for &count in &args.streams {
        let m = measure(&http, base, &setup, count, args.tokens, pace).await?;
        println!(
            "{count:>6} {:>9} {:>11.2} {:>11.2} {:>11.2} {:>9.1} {:>9.0} {:>8.1} {:>7} {:>7}",
            m.most_at_once,
            ms(m.overhead.value_at_quantile(0.5)),
            ms(m.overhead.value_at_quantile(0.99)),
            ms(m.overhead.max()),
            ms(m.gap.value_at_quantile(0.5)),
            ms(m.first_token.value_at_quantile(0.5)),
            m.seconds,
            m.broken,
            m.failed
        );
        bad += m.broken + m.failed;
        rows.push(json!({
            "streams": count, "most_at_once": m.most_at_once,
            "overhead_p50_ms": ms(m.overhead.value_at_quantile(0.5)),
            "overhead_p99_ms": ms(m.overhead.value_at_quantile(0.99)),
            "overhead_max_ms": ms(m.overhead.max()),
            "gap_p50_ms": ms(m.gap.value_at_quantile(0.5)),
            "first_token_p50_ms": ms(m.first_token.value_at_quantile(0.5)),
            "seconds": m.seconds, "broken": m.broken, "failed": m.failed,
        }));
    }
    println!(
        "json: {}",
        json!({ "scenario": "stream", "tokens": args.tokens,
                "tokens_per_second": args.tokens_per_second, "rows": rows })
    );
    println!("streams with a token lost, duplicated or reordered, or not COMPLETED: {bad}");
    if bad > 0 {
        bail!("{bad} streams were broken or failed");
    }
    Ok(())
}

/// `count` streams at once; their merged measurements.
async fn measure(
    http: &reqwest::Client,
    base: &str,
    setup: &Arc<super::client::Setup>,
    count: usize,
    tokens: usize,
    pace: Duration,
) -> anyhow::Result<Measured> {
    let mut sockets = Vec::with_capacity(count);
    for _ in 0..count {
        sockets.push(ws::connect(base, &setup.token).await?);
    }
    let expected: String = (0..tokens)
        .map(|i| {
            if i == 0 {
                "w0".to_owned()
            } else {
                format!(" w{i}")
            }
        })
        .collect();
    let expected = Arc::new(expected);
    let streaming = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let begin = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for socket in sockets {
        let (http, base, setup) = (http.clone(), base.to_owned(), setup.clone());
        let (expected, streaming, most) = (expected.clone(), streaming.clone(), most.clone());
        tasks.spawn(async move {
            let at_once = Counted::new(streaming, most);
            one(&http, &base, &setup, socket, &expected, pace, at_once).await
        });
    }
    let mut m = Measured {
        overhead: Histogram::new(3)?,
        gap: Histogram::new(3)?,
        first_token: Histogram::new(3)?,
        most_at_once: 0,
        broken: 0,
        failed: 0,
        seconds: 0.0,
    };
    while let Some(done) = tasks.join_next().await {
        match done? {
            Ok(Stream::Whole(s)) => {
                m.overhead.add(s.overhead)?;
                m.gap.add(s.gap)?;
                let _ = m.first_token.record(micros(s.first_token));
            }
            Ok(Stream::Broken(why)) => {
                m.broken += 1;
                eprintln!("stream broken: {why}");
            }
            Err(error) => {
                m.failed += 1;
                eprintln!("stream failed: {error:#}");
            }
        }
    }
    m.seconds = begin.elapsed().as_secs_f64();
    m.most_at_once = most.load(Ordering::Relaxed);
    Ok(m)
}

/// Streams receiving tokens now, and the most at once.
struct Counted {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    counted: bool,
}

impl Counted {
    fn new(now: Arc<AtomicUsize>, most: Arc<AtomicUsize>) -> Counted {
        Counted {
            now,
            most,
            counted: false,
        }
    }

    fn start(&mut self) {
        if !self.counted {
            self.counted = true;
            let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
            self.most.fetch_max(now, Ordering::Relaxed);
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        if self.counted {
            self.now.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

struct Whole {
    overhead: Histogram<u64>,
    gap: Histogram<u64>,
    first_token: Duration,
}

enum Stream {
    Whole(Whole),
    Broken(String),
}

/// One execution followed on `socket` to its end.
async fn one(
    http: &reqwest::Client,
    base: &str,
    setup: &super::client::Setup,
    mut socket: Socket,
    expected: &str,
    pace: Duration,
    mut at_once: Counted,
) -> anyhow::Result<Stream> {
    let begin = Instant::now();
    let data = gql(
        http,
        base,
        Some(&setup.token),
        "mutation($p: ID!) { executePrompt(promptId: $p) { id } }",
        json!({ "p": setup.prompt }),
    )
    .await?;
    let id = data["executePrompt"]["id"]
        .as_str()
        .context("no execution id")?
        .to_owned();
    ws::subscribe(&mut socket, "1", EVENTS, json!({ "id": id })).await?;
    let (mut overhead, mut gap) = (Histogram::<u64>::new(3)?, Histogram::<u64>::new(3)?);
    let mut text = String::new();
    let (mut last, mut last_index, mut first_token) = (None::<Instant>, -1i64, None);
    let pace_micros = micros(pace);
    loop {
        let data = ws::next_data(&mut socket, Duration::from_secs(120)).await?;
        let event: &Value = &data["executionEvents"];
        match event["type"].as_str() {
            Some("TOKEN") => {
                let now = Instant::now();
                at_once.start();
                let index = event["index"].as_i64().unwrap_or(-1);
                if index <= last_index {
                    return Ok(Stream::Broken(format!(
                        "{id}: token index {index} after {last_index}"
                    )));
                }
                last_index = index;
                text.push_str(event["token"].as_str().unwrap_or(""));
                match last {
                    Some(previous) => {
                        let took = micros(now - previous);
                        let _ = gap.record(took);
                        let _ = overhead.record(took.saturating_sub(pace_micros).max(1));
                    }
                    None => first_token = Some(begin.elapsed()),
                }
                last = Some(now);
            }
            Some("COMPLETED") => break,
            Some(other @ ("FAILED" | "CANCELLED")) => {
                bail!("execution {id} ended {other}: {}", event["error"])
            }
            _ => {}
        }
    }
    drop(at_once);
    let _ = socket.close(None).await;
    if text != expected {
        return Ok(Stream::Broken(format!(
            "{id}: tokens put together are {text:?}, not the prompt's words"
        )));
    }
    Ok(Stream::Whole(Whole {
        overhead,
        gap,
        first_token: first_token.unwrap_or_else(|| begin.elapsed()),
    }))
}
