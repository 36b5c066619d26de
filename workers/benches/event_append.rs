//! Micro-benchmark: appending an event to a sequenced topic of the in-process event bus (the
//! embedded server's event log: number, capped log, live fan-out), as each streamed token is,
//! with nobody following and with one follower.

use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use workers::events::EventBus;

const TOKEN: &str = r#"{"type":"TOKEN","attempt":1,"index":7,"token":" word"}"#;

fn append(c: &mut Criterion) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => panic!("a runtime: {error}"),
    };
    let bus = EventBus::memory();
    c.bench_function("event append (in-process, not followed)", |b| {
        b.iter(|| runtime.block_on(bus.append("bench:alone", std::hint::black_box(TOKEN), 0)))
    });
    // A follower's live stream; drained now and then so it never lags far.
    let mut live = runtime.block_on(async { bus.follow("bench:followed", 0) });
    let mut appended = 0u64;
    c.bench_function("event append (in-process, one follower)", |b| {
        b.iter(|| {
            let seq = runtime.block_on(bus.append("bench:followed", TOKEN, 0));
            appended += 1;
            if appended.is_multiple_of(128) {
                runtime.block_on(async {
                    while let Ok(Some(_)) =
                        tokio::time::timeout(std::time::Duration::ZERO, live.next()).await
                    {
                    }
                });
            }
            seq
        })
    });
}

criterion_group!(benches, append);
criterion_main!(benches);
