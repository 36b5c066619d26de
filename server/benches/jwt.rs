//! Micro-benchmark: verifying an access token, as the HTTP and WebSocket authentication does
//! on every request (HS256, `iss`/`aud`/`exp` checked).

use criterion::{Criterion, criterion_group, criterion_main};
use promptops::auth::jwt::JwtKeys;
use uuid::Uuid;

fn verify(c: &mut Criterion) {
    let keys = JwtKeys::new(b"a bench secret of thirty-two bytes or more", 900);
    let token = match keys.issue(Uuid::new_v4(), Uuid::new_v4()) {
        Ok(token) => token,
        Err(error) => panic!("issuing a token: {error:?}"),
    };
    c.bench_function("jwt verify", |b| {
        b.iter(|| keys.verify(std::hint::black_box(&token)))
    });
}

criterion_group!(benches, verify);
criterion_main!(benches);
