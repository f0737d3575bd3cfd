//! The benchmark: what a served mock costs per request, measured against the physical
//! limit on the same machine (an RS256 signature, and its verification) and against
//! oidc-provider serving the same client-credentials token, in one run.
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench [-- REQUESTS [SOAK]]
//! ```
//!
//! Each server runs as its own process; its CPU time (user + system, from
//! `/proc/PID/stat`) over a burst of requests from 10 keep-alive connections, divided by
//! the requests, is its cost per request. The numbers move with the machine's load:
//! read the ratios, which are taken within one run. Not part of `cargo test`.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use myid_conformance::mock::keys::SigningKey;
use myid_conformance::protocol::basic;

const CONNECTIONS: usize = 10;
const SECRET: &str = "82564d6e-c4a6-4f64-a6d4-cac43781c67c";

/// A server process and the URL it printed.
struct Server {
    child: Child,
    url: String,
    started_in: Duration,
}

impl Server {
    fn start(program: &str, args: &[&str]) -> Server {
        let t = Instant::now();
        let mut child = Command::new(program)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the server prints its URL");
        Server {
            child,
            url: line.trim().to_owned(),
            started_in: t.elapsed(),
        }
    }

    /// CPU seconds the process has used (user + system).
    fn cpu(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are 14 and 15.
        let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (ticks(11) + ticks(12)) / 100.0
    }

    /// Resident memory in MiB.
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one burst cost the server.
struct Burst {
    per_second: f64,
    cpu_ms: f64,
}

type Make = Arc<dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync>;

/// Sends `n` requests built by `make` over [`CONNECTIONS`] connections, checking each
/// answers 2xx; returns the throughput and the server's CPU per request.
async fn burst(server: &Server, n: usize, make: Make) -> Burst {
    burst_expecting(server, n, make, |s| s.is_success()).await
}

/// [`burst`] for requests that are meant to be refused: `expect` says which status is
/// right. Redirects are not followed, so an error page's 302 is seen as sent.
async fn burst_expecting(
    server: &Server,
    n: usize,
    make: Make,
    expect: fn(reqwest::StatusCode) -> bool,
) -> Burst {
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("a client");
    let cpu = server.cpu();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CONNECTIONS {
        let (client, make) = (client.clone(), make.clone());
        let share = n / CONNECTIONS + usize::from(worker < n % CONNECTIONS);
        tasks.push(tokio::spawn(async move {
            for _ in 0..share {
                let r = make(&client).send().await.expect("the server answers");
                assert!(expect(r.status()), "status {}", r.status());
                let _ = r.bytes().await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("a worker");
    }
    let wall = t.elapsed().as_secs_f64();
    Burst {
        per_second: n as f64 / wall,
        cpu_ms: (server.cpu() - cpu) * 1000.0 / n as f64,
    }
}

fn token_request(url: String, id: &'static str, secret: &'static str, scope: &'static str) -> Make {
    Arc::new(move |c: &reqwest::Client| {
        c.post(&url)
            .header("Authorization", basic::encode(id, secret))
            .form(&[("grant_type", "client_credentials"), ("scope", scope)])
    })
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let soak: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);

    // The physical limit: one RS256 signature and one verification, on this machine now.
    let key = SigningKey::generate().expect("a key");
    let claims = serde_json::json!({"iss": "x", "exp": 4_000_000_000u64, "aud": "myid.rest"});
    let t = Instant::now();
    let mut token = String::new();
    for _ in 0..500 {
        token = key.sign("at+jwt", &claims).expect("a signature");
    }
    let sign_ms = t.elapsed().as_secs_f64() * 1000.0 / 500.0;
    let t = Instant::now();
    for _ in 0..2000 {
        assert!(key.verify(&token).is_some());
    }
    let verify_ms = t.elapsed().as_secs_f64() * 1000.0 / 2000.0;

    let bin = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/release/myid-conformance"
    );
    let mock = Server::start(bin, &["serve", "--bind", "127.0.0.1:0"]);
    let rss_idle = mock.rss_mib();
    let mock_token = token_request(
        format!("{}/web.oauth2/connect/token", mock.url),
        "myid.mysystem",
        SECRET,
        "myid.rest.basic",
    );
    let _ = burst(&mock, 500, mock_token.clone()).await;
    let token_burst = burst(&mock, n, mock_token).await;

    let bearer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client")
        .post(format!("{}/web.oauth2/connect/token", mock.url))
        .header("Authorization", basic::encode("myid.mysystem", SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("a token")
        .json::<serde_json::Value>()
        .await
        .expect("JSON")["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned();
    let groups = format!("{}/rest.core/api/Groups?q=*", mock.url);
    let api: Make = {
        let bearer = bearer.clone();
        Arc::new(move |c: &reqwest::Client| c.get(&groups).bearer_auth(&bearer))
    };
    // A page of the audit report, costed while the audit is nearly empty and again once
    // every soak below has pushed its rows through the audit's window.
    let report: Make = {
        let (url, bearer) = (
            format!("{}/rest.core/api/Reports/290015?page=2", mock.url),
            bearer.clone(),
        );
        Arc::new(move |c: &reqwest::Client| c.get(&url).bearer_auth(&bearer))
    };
    let report_early = burst(&mock, 2_000, report.clone()).await;
    let _ = burst(&mock, 500, api.clone()).await;
    let api_burst = burst(&mock, n, api.clone()).await;

    // The soaks: each kind of request that could make the mock hold something, sent
    // SOAK times, with the RSS read after each.
    let rss_before_soak = mock.rss_mib();
    let mut soaks = Vec::new();
    let _ = burst(&mock, soak, api).await;
    soaks.push(("API GET", mock.rss_mib()));
    let long_identifier: Make = {
        let (url, bearer) = (format!("{}/rest.core/api/Groups?q=*", mock.url), bearer);
        let identifier = "x".repeat(8_000);
        Arc::new(move |c: &reqwest::Client| {
            c.get(&url)
                .bearer_auth(&bearer)
                .header("CLIENT_IDENTIFIER", &identifier)
        })
    };
    let _ = burst(&mock, soak, long_identifier).await;
    soaks.push((
        "API GET with an 8,000-byte CLIENT_IDENTIFIER",
        mock.rss_mib(),
    ));
    let refused_authorize: Make = {
        let url = format!("{}/web.oauth2/connect/authorize", mock.url);
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        Arc::new(move |c: &reqwest::Client| {
            let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            c.get(&url).query(&[
                ("client_id", "myid.myclient"),
                ("response_type", "code"),
                ("scope", "myid.rest.basic"),
                ("redirect_uri", &format!("https://elsewhere.example/{i}")),
            ])
        })
    };
    let _ = burst_expecting(&mock, soak, refused_authorize, |s| s.is_redirection()).await;
    soaks.push(("refused authorize (no credentials)", mock.rss_mib()));
    let wrong_secret = token_request(
        format!("{}/web.oauth2/connect/token", mock.url),
        "myid.mysystem",
        "not-the-secret",
        "myid.rest.basic",
    );
    let _ = burst_expecting(&mock, soak, wrong_secret, |s| {
        s == reqwest::StatusCode::BAD_REQUEST
    })
    .await;
    soaks.push(("token with a wrong secret (no credentials)", mock.rss_mib()));
    // What a client with valid credentials can make the mock keep: a sign-in session per
    // login form posted, a code per authorize request of a signed-in browser, a
    // client-identifier record per token requested with the header.
    let authorize_query = "client_id=myid.myclient&response_type=code&scope=myid.rest.basic&redirect_uri=https%3A%2F%2Fclient.example%2Fcallback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
    let return_url = format!("/web.oauth2/connect/authorize/callback?{authorize_query}");
    let sign_in: Make = {
        let url = format!("{}/web.oauth2/account/login", mock.url);
        let return_url = return_url.clone();
        Arc::new(move |c: &reqwest::Client| {
            // The antiforgery check is double-submit: the field matches its cookie.
            c.post(&url)
                .header("Cookie", ".AspNetCore.Antiforgery.mock=soak")
                .form(&[
                    ("__RequestVerificationToken", "soak"),
                    ("ReturnUrl", return_url.as_str()),
                    ("Username", "test.user"),
                    ("Password", "test-password"),
                    ("button", "login"),
                ])
        })
    };
    let _ = burst_expecting(&mock, soak, sign_in.clone(), |s| s.is_redirection()).await;
    soaks.push(("sign-in (a session each)", mock.rss_mib()));
    let session = sign_in(
        &reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client"),
    )
    .send()
    .await
    .expect("a sign-in")
    .headers()
    .get_all("set-cookie")
    .iter()
    .filter_map(|v| v.to_str().ok())
    .find_map(|v| v.strip_prefix("idsrv="))
    .and_then(|v| v.split(';').next())
    .expect("a session cookie")
    .to_owned();
    let code: Make = {
        let url = format!(
            "{}/web.oauth2/connect/authorize?{authorize_query}",
            mock.url
        );
        Arc::new(move |c: &reqwest::Client| {
            c.get(&url).header("Cookie", format!("idsrv={session}"))
        })
    };
    let _ = burst_expecting(&mock, soak, code, |s| s.is_redirection()).await;
    soaks.push((
        "authorize of a signed-in browser (a code each)",
        mock.rss_mib(),
    ));
    let identified: Make = {
        let make = token_request(
            format!("{}/web.oauth2/connect/token", mock.url),
            "myid.mysystem",
            SECRET,
            "myid.rest.basic",
        );
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        Arc::new(move |c: &reqwest::Client| {
            let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            make(c).header("CLIENT_IDENTIFIER", format!("soak-{i}"))
        })
    };
    let _ = burst(&mock, soak, identified).await;
    soaks.push((
        "token with a CLIENT_IDENTIFIER (a record each)",
        mock.rss_mib(),
    ));
    let report_late = burst(&mock, 2_000, report).await;
    let rss_after_soak = mock.rss_mib();

    let peer = concat!(env!("CARGO_MANIFEST_DIR"), "/peers/oidc-provider.mjs");
    let op = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/peers/node_modules"))
        .exists()
        .then(|| Server::start("node", &[peer]));
    let op_burst = match &op {
        Some(op) => {
            let make = token_request(
                format!("{}/token", op.url),
                "service",
                "oidc-service-secret-1",
                "api:read",
            );
            let _ = burst(op, 500, make.clone()).await;
            Some(burst(op, n.min(5_000), make).await)
        }
        None => None,
    };

    println!("myid-conformance benchmark: {n} requests a burst over {CONNECTIONS} connections");
    println!(
        "  RS256 signature            {sign_ms:.3} ms   verification {verify_ms:.3} ms (this machine, now)"
    );
    println!(
        "  mock start-up              {:.1} ms to its first line",
        mock.started_in.as_secs_f64() * 1000.0
    );
    println!(
        "  token (client credentials) {:>8.0} req/s   {:.3} ms CPU a token = {:.2}x a signature",
        token_burst.per_second,
        token_burst.cpu_ms,
        token_burst.cpu_ms / sign_ms
    );
    println!(
        "  API GET /api/Groups        {:>8.0} req/s   {:.3} ms CPU a request = {:.2}x a verification",
        api_burst.per_second,
        api_burst.cpu_ms,
        api_burst.cpu_ms / verify_ms
    );
    println!(
        "  report 290015, page 2        {:.3} ms CPU a page near an empty audit, {:.3} ms after {} audited calls = {:.2}x",
        report_early.cpu_ms,
        report_late.cpu_ms,
        2 * soak + n + 2_500,
        report_late.cpu_ms / report_early.cpu_ms
    );
    println!(
        "  RSS                        {rss_idle:.1} MiB idle, {rss_before_soak:.1} MiB before the soaks"
    );
    for (kind, rss) in &soaks {
        println!("    after {soak} x {kind:<48} {rss:.1} MiB");
    }
    println!("    at the end                 {rss_after_soak:.1} MiB");
    match op_burst {
        Some(b) => println!(
            "  oidc-provider token        {:>8.0} req/s   {:.3} ms CPU a token = {:.2}x a signature; the mock uses {:.2}x its CPU a token",
            b.per_second,
            b.cpu_ms,
            b.cpu_ms / sign_ms,
            token_burst.cpu_ms / b.cpu_ms
        ),
        None => println!("  oidc-provider              not measured: run `npm ci` in peers/ first"),
    }
}
