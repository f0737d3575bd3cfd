//! Measures what a scenario pays for its own embedded mock: starting one (with the
//! shared key) against generating a fresh RSA key, and a first client-credentials token.
//! Run with `cargo run --release --example startup`; compare the ratios, not the
//! absolute numbers, on a shared machine.

use std::time::Instant;

use myid_conformance::mock::MockServer;
use myid_conformance::mock::keys::SigningKey;
use myid_conformance::protocol::{Clock, basic};

#[tokio::main]
async fn main() {
    const N: u32 = 200;
    let t = Instant::now();
    for _ in 0..10 {
        SigningKey::generate().unwrap();
    }
    let keygen = t.elapsed() / 10;

    let config = myid_conformance::MockBuilder::new(myid_conformance::Profile::MYID)
        .control_plane(true)
        .config()
        .unwrap();
    let t = Instant::now();
    let mut mocks = Vec::new();
    for _ in 0..N {
        mocks.push(
            MockServer::start(config.clone(), Clock::manual_from_system())
                .await
                .unwrap(),
        );
    }
    let start = t.elapsed() / N;

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let auth = basic::encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c");
    let t = Instant::now();
    for mock in &mocks {
        let r = http
            .post(format!("{}/web.oauth2/connect/token", mock.base_url()))
            .header("Authorization", &auth)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&scope=myid.rest.basic")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let token = t.elapsed() / N;
    println!("RSA-2048 key generation:       {keygen:?} per key");
    println!("embedded mock start (shared key): {start:?} per mock ({N} mocks)");
    println!("first token from a fresh mock:  {token:?} per request");
    println!(
        "key generation / mock start:    {:.0}x",
        keygen.as_secs_f64() / start.as_secs_f64()
    );
}
