//! The mock's memory stays bounded whatever a caller sends, and it holds requests to
//! the limits real servers hold them to: proved by counting what the
//! stores hold after many requests, never by timing.
//!
//! - A refused authorize request stores nothing: its error page travels sealed in the
//!   page's own URL, as IdentityServer's protected message store does.
//! - Sessions, codes, refresh tokens and access-token records are dropped once expired
//!   by the mock's clock: moving the clock forward frees them at the next request.
//! - The audit keeps a bounded window of rows and cuts long client identifiers.
//! - The vendor profiles' stores (Jim2's tokens and licences, ClearID's assertion ids)
//!   empty the same way.

use axum::body::Body;
use axum::http::Request;
use myid_conformance::mock::api::data::MAX_CLIENT_IDENTIFIER;
use myid_conformance::mock::config::DEFAULT_APPSETTINGS;
use myid_conformance::mock::store::SESSION_LIFETIME;
use myid_conformance::mock::{self, AppState, MockBuilder, Profile};
use myid_conformance::protocol::{Clock, basic, pkce};
use serde_json::Value;
use tower::ServiceExt as _;

mod common;
use common::{browser, sign_in};

const NOW: i64 = 1_700_000_000;
const HOST: &str = "myid.example";
const SECRET: &str = "82564d6e-c4a6-4f64-a6d4-cac43781c67c";

/// A mock with the shipped settings and `extra_settings` layered over them, as if served
/// at `public_url`.
fn serving(extra_settings: &str, public_url: Option<&str>) -> AppState {
    serving_as(Profile::MYID, extra_settings, public_url)
}

/// [`serving`], imitating `profile`: its shipped settings with `extra_settings` over.
fn serving_as(profile: Profile, extra_settings: &str, public_url: Option<&str>) -> AppState {
    let mut builder = MockBuilder::new(profile);
    if profile == Profile::MYID {
        // MyID's shipped clients stay only when laid under explicitly.
        builder = builder.settings_json(DEFAULT_APPSETTINGS);
    }
    AppState::serving(
        builder.settings_json(extra_settings).config().unwrap(),
        Clock::manual(NOW),
        public_url.map(str::to_owned),
    )
}

fn state(extra_settings: &str) -> AppState {
    serving(extra_settings, None)
}

/// A client-credentials token for myid.mysystem, asked for on `host`.
async fn token_via(st: &AppState, host: &str) -> String {
    let request = Request::post("/web.oauth2/connect/token")
        .header("host", host)
        .header("authorization", basic::encode("myid.mysystem", SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials"))
        .unwrap();
    let (_, _, body) = send(st, request).await;
    serde_json::from_slice::<Value>(&body).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn send(st: &AppState, request: Request<Body>) -> (u16, Option<String>, Vec<u8>) {
    let response = mock::service(st.clone()).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, location, body.to_vec())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header("host", HOST)
        .body(Body::empty())
        .unwrap()
}

fn total(st: &AppState) -> usize {
    st.store().counts().iter().sum()
}

#[tokio::test]
async fn refused_authorize_requests_store_nothing() {
    let st = state("{}");
    let mut last = None;
    for i in 0..500 {
        let path = format!(
            "/web.oauth2/connect/authorize?client_id=myid.myclient&response_type=code&scope=myid.rest.basic&redirect_uri=https%3A%2F%2Fevil.example%2F{i}"
        );
        let (status, location, _) = send(&st, get(&path)).await;
        assert_eq!(status, 302);
        last = location;
    }
    assert_eq!(total(&st), 0, "{:?}", st.store().counts());
    // The error page still names the error, from its own URL.
    let page = last.unwrap();
    let path = &page[page.find("/web.oauth2").unwrap()..];
    let (_, _, body) = send(&st, get(path)).await;
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("invalid_request"), "{text}");
    // An errorId the mock did not seal shows nothing of what it says.
    let forged = "/web.oauth2/home/error?errorId=eyJlcnJvciI6InlvdSB3ZXJlIGhhY2tlZCJ9.AAAA";
    let (_, _, body) = send(&st, get(forged)).await;
    assert!(!String::from_utf8(body).unwrap().contains("hacked"));
}

/// Serves `st` over HTTP on a free loopback port, for flows that need a browser.
async fn serve(st: &AppState) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let service = mock::service(st.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            axum::ServiceExt::<axum::extract::Request>::into_make_service(service),
        )
        .await
        .unwrap();
    });
    base
}

#[tokio::test]
async fn what_expires_is_dropped_on_the_mocks_clock() {
    let st = state("{}");
    let base = serve(&st).await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    const SIGN_INS: usize = 20;
    for i in 0..SIGN_INS {
        let verifier = pkce::generate_verifier();
        let challenge = pkce::s256_challenge(&verifier);
        // A new browser each time: a session per sign-in.
        let code = sign_in(
            &browser(),
            &base,
            "myid.myclient",
            challenge.as_str(),
            "myid.rest.basic offline_access",
        )
        .await;
        if i % 2 == 0 {
            let r = common::redeem(&http, &base, &code, verifier.expose()).await;
            assert_eq!(r.status(), 200);
        }
    }
    let [sessions, codes, refresh, grants, _] = st.store().counts();
    assert_eq!(sessions, SIGN_INS);
    assert_eq!(
        codes,
        SIGN_INS / 2,
        "unredeemed codes are held until they expire"
    );
    assert_eq!((refresh, grants), (SIGN_INS / 2, SIGN_INS / 2));

    // Past the code lifetime (300 s) and the next sweep: the unredeemed codes go.
    st.clock.advance(301 + 60).unwrap();
    let _ = send(&st, get("/web.oauth2/.well-known/openid-configuration")).await;
    let [sessions, codes, refresh, _, _] = st.store().counts();
    assert_eq!((sessions, codes, refresh), (SIGN_INS, 0, SIGN_INS / 2));

    // Past the sliding refresh lifetime (MyID: 7200 s) and the sessions' 10 hours.
    st.clock.advance(SESSION_LIFETIME).unwrap();
    let _ = send(&st, get("/web.oauth2/.well-known/openid-configuration")).await;
    assert_eq!(total(&st), 0, "{:?}", st.store().counts());
}

#[tokio::test]
async fn the_audit_keeps_a_window_and_cuts_long_identifiers() {
    const WINDOW: usize = 50;
    let st = state(&format!(r#"{{"Mock": {{"AuditWindow": {WINDOW}}}}}"#));
    let token = token_via(&st, HOST).await;
    // Long, but within what IIS accepts in one header (16 KiB with the rest).
    let huge = "x".repeat(12 * 1024);
    for _ in 0..WINDOW * 3 {
        let request = Request::get("/rest.core/api/Groups?q=*")
            .header("host", HOST)
            .header("authorization", format!("Bearer {token}"))
            .header("CLIENT_IDENTIFIER", huge.as_str())
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&st, request).await.0, 200);
    }
    let api = st.api();
    assert_eq!(api.audit.len(), WINDOW);
    let ids: Vec<u64> = api.audit.iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids.first(),
        Some(&(2 * WINDOW as u64 + 1)),
        "the newest rows stay"
    );
    assert_eq!(ids.last(), Some(&(3 * WINDOW as u64)));
    assert!(
        api.audit
            .iter()
            .all(|(_, e)| e.client_identifier.chars().count() == MAX_CLIENT_IDENTIFIER)
    );
}

/// RFC 9112 §3.2: exactly one Host on an HTTP/1.1 request, or 400.
#[tokio::test]
async fn a_request_needs_exactly_one_host() {
    let st = state("{}");
    let path = "/web.oauth2/.well-known/openid-configuration";
    let none = Request::get(path).body(Body::empty()).unwrap();
    assert_eq!(send(&st, none).await.0, 400);
    let two = Request::get(path)
        .header("host", HOST)
        .header("host", "other.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&st, two).await.0, 400);
    let empty = Request::get(path)
        .header("host", "")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&st, empty).await.0, 400);
    let old = Request::get(path)
        .version(axum::http::Version::HTTP_10)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&st, old).await.0, 200, "HTTP/1.0 may leave Host out");
    assert_eq!(send(&st, get(path)).await.0, 200);
}

/// The API reads bodies up to IIS's and Kestrel's 30,000,000 bytes: a 790 kB photo goes
/// in; past the limit the answer is 413 problem details and the connection closes.
#[tokio::test]
async fn api_bodies_up_to_the_servers_limit() {
    use base64::Engine as _;
    let st = state("{}");
    let token = token_via(&st, HOST).await;
    let photo = vec![0xFFu8; 790 * 1000];
    let body = serde_json::json!({"image": {
        "data": base64::engine::general_purpose::STANDARD.encode(&photo),
        "mimetype": "image/jpeg"
    }})
    .to_string();
    let upload = |body: String| {
        Request::post("/rest.core/api/People/6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C/images/photo")
            .header("host", HOST)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    assert!(body.len() > 1024 * 1024);
    assert_eq!(send(&st, upload(body)).await.0, 200);
    let response = mock::service(st.clone())
        .oneshot(upload("x".repeat(30_000_001)))
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(response.headers()["connection"], "close");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
}

/// The API checks a token's issuer against the authority it is configured with (by
/// default the address the mock serves on), not against the Host of the API call.
#[tokio::test]
async fn the_api_checks_the_issuer_against_its_authority() {
    async fn groups_via(st: &AppState, host: &str, token: &str) -> u16 {
        let request = Request::get("/rest.core/api/Groups?q=*")
            .header("host", host)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        send(st, request).await.0
    }
    let st = serving("{}", Some("http://127.0.0.1:5000"));
    let minted_here = token_via(&st, "127.0.0.1:5000").await;
    assert_eq!(groups_via(&st, "localhost:5000", &minted_here).await, 200);
    let minted_elsewhere = token_via(&st, "localhost:5000").await;
    assert_eq!(
        groups_via(&st, "localhost:5000", &minted_elsewhere).await,
        401
    );

    let st = serving(
        r#"{"Mock": {"Authority": "http://LOCALHOST:5000/web.oauth2/"}}"#,
        Some("http://127.0.0.1:5000"),
    );
    let token = token_via(&st, "localhost:5000").await;
    assert_eq!(groups_via(&st, "127.0.0.1:5000", &token).await, 200);
    let token = token_via(&st, "127.0.0.1:5000").await;
    assert_eq!(groups_via(&st, "127.0.0.1:5000", &token).await, 401);
}

/// A refusal sent before the body was read says the connection closes.
#[tokio::test]
async fn an_unread_body_closes_the_connection_and_says_so() {
    let st = state("{}");
    let post = |content_type: &str, body: &'static str| {
        Request::post("/web.oauth2/connect/token")
            .header("host", HOST)
            .header("content-type", content_type)
            .header("content-length", body.len())
            .body(Body::from(body))
            .unwrap()
    };
    let json = mock::service(st.clone())
        .oneshot(post(
            "application/json",
            r#"{"grant_type":"client_credentials"}"#,
        ))
        .await
        .unwrap();
    assert_eq!(json.status(), 400);
    assert_eq!(json.headers()["connection"], "close");
    let form = mock::service(st.clone())
        .oneshot(post(
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials",
        ))
        .await
        .unwrap();
    assert_eq!(form.status(), 400, "no client credentials");
    assert!(
        form.headers().get("connection").is_none(),
        "the body was read"
    );
}

/// Headers past IIS's default limits (16 KiB for the request line and headers) are
/// refused before any endpoint sees them.
#[tokio::test]
async fn oversized_headers_are_refused() {
    let st = state("{}");
    let path = "/web.oauth2/.well-known/openid-configuration";
    let with = |value: String| {
        Request::get(path)
            .header("host", HOST)
            .header("x-padding", value)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(&st, with("x".repeat(15 * 1024))).await.0, 200);
    let (status, _, body) = send(&st, with("x".repeat(17 * 1024))).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8(body).unwrap().contains("too long"));
}

fn form_post(path: &str, auth: Option<String>, body: String) -> Request<Body> {
    let mut r = Request::post(path)
        .header("host", HOST)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(a) = auth {
        r = r.header("authorization", a);
    }
    r.body(Body::from(body)).unwrap()
}

/// Jim2's tokens and licensed sessions, and ClearID's remembered assertion ids, go
/// once expired on the mock's clock: the vendor stores empty as MyID's does.
#[tokio::test]
async fn vendor_stores_drop_what_expires_on_the_mocks_clock() {
    use myid_conformance::mock::profiles::{clearid, jim2};

    // Jim2: a token per request, a licence per full-access client.
    let st = serving_as(Profile::JIM2, "{}", None);
    for (id, secret) in [
        ("TestClientId", "password"),
        ("jim2.second", "second-password"),
    ] {
        for _ in 0..3 {
            let (status, _, _) = send(
                &st,
                form_post(
                    "/Jim_Test/token",
                    Some(basic::encode(id, secret)),
                    "grant_type=client_credentials".into(),
                ),
            )
            .await;
            assert_eq!(status, 200);
        }
    }
    // Six tokens and two sessions.
    assert_eq!(jim2::records_held(&st), 8);
    // Past the 20-minute session and token, a request's sweep leaves only its own.
    st.clock.advance(1200 + 60).unwrap();
    let (status, _, _) = send(
        &st,
        form_post(
            "/Jim_Test/token",
            Some(basic::encode("TestClientId", "password")),
            "grant_type=client_credentials&scope=view".into(),
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(jim2::records_held(&st), 1, "the view token alone");

    // ClearID: each accepted assertion's id, until it could no longer be accepted.
    let st = serving_as(Profile::CLEARID, "{}", None);
    let id = "6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos";
    let pem = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/keys/clearid-client.pem"
    ))
    .unwrap();
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).unwrap();
    let assertion = |now: i64, n: usize| {
        let claims = serde_json::json!({
            "iss": id, "sub": id, "aud": "iams-sts", "nbf": now, "exp": now + 3600,
            "jti": format!("assertion-{now}-{n}"),
        });
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS512);
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    let grant = |a: String| {
        form_post(
            "/connect/token",
            None,
            format!(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&client_id={}&assertion={a}",
                id.replace(':', "%3A")
            ),
        )
    };
    for n in 0..5 {
        assert_eq!(send(&st, grant(assertion(NOW, n))).await.0, 200);
    }
    assert_eq!(clearid::records_held(&st), 5);
    // An hour and the five minutes of skew later, only the newest is remembered.
    st.clock.advance(3600 + 300 + 1).unwrap();
    let now = st.clock.now();
    assert_eq!(send(&st, grant(assertion(now, 0))).await.0, 200);
    assert_eq!(clearid::records_held(&st), 1);
}

/// Beyond Identity's codes, refresh tokens and revocations each go at the first sweep
/// on or after the second they end (a sweep runs at most once a minute of mock time),
/// and nothing still live goes with them.
#[tokio::test]
async fn beyond_identitys_store_drops_each_record_on_the_second_it_ends() {
    use myid_conformance::mock::profiles::beyond_identity::records_held;
    const APPS: &str = "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d/applications";
    // The hosted OIDC app (codes, and refresh tokens for 604,800 s) and the OAuth2
    // service app (client credentials, revocable by its own Basic credentials).
    let hosted = format!("{APPS}/e00d40f4-77dc-43af-b87e-0e3690d3d3de");
    let hosted_auth = || {
        Some(basic::encode(
            "09PJUB8eDGJc6C_fBwDaE5YD",
            "bi-hosted-secret",
        ))
    };
    let service = format!("{APPS}/3b1f0a52-9c7d-4e2b-8f61-0d5a7c9e4b21");
    let service_auth = || {
        Some(basic::encode(
            "AYYNcuOSpfqIf33JeegCzDIT",
            "bi-service-secret",
        ))
    };
    let st = serving_as(Profile::BEYOND_IDENTITY, "{}", None);
    let verifier = pkce::generate_verifier();
    // A code from the authorize request and the sign-in page (600 s).
    let code = async || {
        let authorize = format!(
            "{hosted}/authorize?response_type=code&client_id=09PJUB8eDGJc6C_fBwDaE5YD&redirect_uri=https%3A%2F%2Fclient.example%2Fcallback&scope=openid&code_challenge={}&code_challenge_method=S256",
            pkce::s256_challenge(&verifier).as_str()
        );
        let (_, sign_in, _) = send(&st, get(&authorize)).await;
        let sealed = sign_in
            .unwrap()
            .split_once("request=")
            .unwrap()
            .1
            .to_owned();
        let form =
            format!("request={sealed}&Username=test.user&Password=bi-test-password&button=login");
        let (_, back, _) = send(&st, form_post(&format!("{hosted}/sign-in"), None, form)).await;
        let back = back.unwrap();
        back.split_once("code=")
            .unwrap()
            .1
            .split('&')
            .next()
            .unwrap()
            .to_owned()
    };
    let token = |auth: Option<String>, at: &str, form: String| {
        send(&st, form_post(&format!("{at}/token"), auth, form))
    };
    let _unused = code().await;
    let exchanged = code().await;
    let (status, _, body) = token(
        hosted_auth(),
        &hosted,
        format!(
            "grant_type=authorization_code&code={exchanged}&redirect_uri=https%3A%2F%2Fclient.example%2Fcallback&code_verifier={}",
            verifier.expose()
        ),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // A service token of 1,200 s, revoked: remembered until it would have ended.
    let (status, _, body) = token(
        service_auth(),
        &service,
        "grant_type=client_credentials&expiration_time=1200".into(),
    )
    .await;
    assert_eq!(status, 200);
    let access = serde_json::from_slice::<Value>(&body).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoke = form_post(
        &format!("{service}/revoke"),
        service_auth(),
        format!("token={access}"),
    );
    assert_eq!(send(&st, revoke).await.0, 200);
    // The unused code, the refresh token and the revocation.
    assert_eq!(records_held(&st), 3);
    // A refused exchange reads the store, and so sweeps it when a sweep is due.
    let sweep_at = async |at: i64| {
        st.clock.advance(at - st.clock.now()).unwrap();
        let refused = token(
            hosted_auth(),
            &hosted,
            "grant_type=authorization_code&code=none".into(),
        );
        assert_eq!(refused.await.0, 400);
        records_held(&st)
    };
    assert_eq!(sweep_at(NOW + 60).await, 3, "all live a minute on");
    assert_eq!(
        sweep_at(NOW + 600).await,
        2,
        "the code goes on its last second"
    );
    assert_eq!(
        sweep_at(NOW + 1200).await,
        1,
        "the revocation goes with its token"
    );
    assert_eq!(
        sweep_at(NOW + 604_800).await,
        0,
        "the refresh token goes last"
    );
}

/// Any bytes a client sends as a request target get an HTTP answer: a multi-byte
/// character straddling the length of `/web.oauth2` or `/rest.core` once panicked the
/// path normalisation and dropped the connection unanswered.
#[tokio::test]
async fn a_request_target_with_multibyte_characters_is_answered() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let st = state("{}");
    let base = serve(&st).await;
    let addr = base.trim_start_matches("http://").to_owned();
    for prefix in ["", "/", "/web.oauth2", "/rest.core", "/WEB.OAUTH2/connect"] {
        for pad in 0..12 {
            let target = format!("{prefix}{}é€𝄞/x", "1".repeat(pad));
            let target = if target.starts_with('/') {
                target
            } else {
                format!("/{target}")
            };
            let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let request =
                format!("GET {target} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.unwrap();
            let head = String::from_utf8_lossy(&answer);
            assert!(
                head.starts_with("HTTP/1.1 "),
                "no answer to GET {target}: {head:?}"
            );
            assert!(!head.starts_with("HTTP/1.1 5"), "GET {target}: {head}");
        }
    }
}

/// Raw bytes a client might send as a request line, headers and body.
fn raw_request() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let method = prop_oneof![
        Just("GET".to_owned()),
        Just("POST".to_owned()),
        Just("OPTIONS".to_owned()),
        Just("PATCH".to_owned()),
        Just("BREW".to_owned()),
        "[A-Z]{1,8}",
    ];
    let prefix = prop_oneof![
        Just(""),
        Just("/web.oauth2/"),
        Just("/WEB.OAUTH2/connect/"),
        Just("/rest.core/api/"),
        Just("/Jim_Test/"),
        Just("/connect/"),
        Just("/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d/applications/"),
        Just("/.well-known/"),
        Just("/_mock/"),
    ];
    // Multi-byte characters, escapes, invalid UTF-8 and control bytes at any offset.
    let piece = prop_oneof![
        "[a-zA-Z0-9/?=&%.]{0,12}".prop_map(String::into_bytes),
        Just("é".as_bytes().to_vec()),
        Just("€".as_bytes().to_vec()),
        Just("𝄞".as_bytes().to_vec()),
        Just(b"%C3%A9".to_vec()),
        Just(b"%FF%00".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..4),
    ];
    let path = proptest::collection::vec(piece, 0..6).prop_map(|p| p.concat());
    let header = (
        "[A-Za-z-]{1,12}",
        proptest::collection::vec(any::<u8>(), 0..24),
    );
    let headers = proptest::collection::vec(header, 0..4);
    let body = proptest::collection::vec(any::<u8>(), 0..64);
    (method, prefix, path, headers, body).prop_map(|(method, prefix, path, headers, body)| {
        let mut out = format!("{method} {prefix}").into_bytes();
        out.extend(path);
        out.extend(format!(" HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n").into_bytes());
        for (name, value) in headers {
            out.extend(name.into_bytes());
            out.extend(b": ");
            out.extend(value.into_iter().filter(|b| *b != b'\r' && *b != b'\n'));
            out.extend(b"\r\n");
        }
        out.extend(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
        out.extend(body);
        out
    })
}

/// Whatever bytes a client sends, every profile answers over HTTP, and never with a
/// server error: no panic (which would drop the connection, or be answered 500 by the
/// guard), no unhandled input.
#[test]
fn any_bytes_get_an_answer_that_is_not_a_server_error() {
    use proptest::prelude::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let runtime = common::runtime();
    let servers: Vec<(&str, String)> = Profile::all()
        .map(|profile| {
            let st = serving_as(profile, "{}", None);
            (profile.name(), runtime.block_on(serve(&st)))
        })
        .collect();
    let config = ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    };
    proptest!(config, |(request in raw_request())| {
        for (name, base) in &servers {
            let addr = base.trim_start_matches("http://");
            let answer = runtime.block_on(async {
                let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                stream.write_all(&request).await.unwrap();
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer).await;
                answer
            });
            let head = String::from_utf8_lossy(&answer[..answer.len().min(64)]).into_owned();
            prop_assert!(head.starts_with("HTTP/1.1 "), "{name}: no answer to {:?}", String::from_utf8_lossy(&request));
            prop_assert!(!head.starts_with("HTTP/1.1 5"), "{name}: {head} for {:?}", String::from_utf8_lossy(&request));
        }
    });
}

/// A mock with these connection limits (the `Mock` section), on a loopback port.
async fn limited_mock(limits: &str) -> (myid_conformance::MockServer, String) {
    let mock = MockBuilder::new(Profile::MYID)
        .settings_json(DEFAULT_APPSETTINGS)
        .settings_json(limits)
        .start()
        .await
        .unwrap();
    let addr = mock.addr().to_string();
    (mock, addr)
}

/// Reads what the server sends until it closes the connection; `None` if it is still
/// open after `wait` (of the test's paused clock).
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: u64) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt as _;
    let mut got = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(wait),
        stream.read_to_end(&mut got),
    )
    .await
    .ok()
    .map(|_| got)
}

/// Slow and idle clients are shed as Kestrel sheds them: one that sends its headers a
/// byte at a time, or nothing at all, or goes idle after a request, is closed once the
/// header timeout passes, while a prompt client is served all along; and past the
/// connection cap a new connection is answered 503 and closed. Time is tokio's paused
/// clock, which moves when every task waits: nothing here sleeps for real.
#[tokio::test(start_paused = true)]
async fn slow_and_idle_clients_are_closed_and_others_still_served() {
    use tokio::io::AsyncWriteExt as _;
    let (_mock, addr) =
        limited_mock(r#"{"Mock": {"RequestHeadersTimeout": 5, "MaxConnections": 8}}"#).await;
    let connect = || tokio::net::TcpStream::connect(addr.clone());
    let mut slow = connect().await.unwrap();
    slow.write_all(b"GET /web.oauth2/.well-known/openid-configuration HTTP/1.1\r\nHo")
        .await
        .unwrap();
    let mut idle = connect().await.unwrap();
    let mut kept_alive = connect().await.unwrap();
    kept_alive
        .write_all(
            format!(
                "GET /web.oauth2/.well-known/openid-configuration HTTP/1.1\r\nHost: {HOST}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    // A prompt client meanwhile.
    let mut prompt = connect().await.unwrap();
    prompt
        .write_all(format!("GET /web.oauth2/.well-known/openid-configuration HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let answer = closed_within(&mut prompt, 1)
        .await
        .expect("a prompt client is answered");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    // Past the header timeout, the slow, the idle and the kept-alive connections close;
    // the kept-alive one had its answer first.
    for (name, stream) in [
        ("slow", &mut slow),
        ("idle", &mut idle),
        ("kept alive", &mut kept_alive),
    ] {
        let got = closed_within(stream, 10).await;
        assert!(got.is_some(), "the {name} connection is still open");
        if name == "kept alive" {
            assert!(String::from_utf8_lossy(&got.unwrap()).starts_with("HTTP/1.1 200"));
        }
    }
    // Eight connections held open: a ninth is refused with 503 and closed.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(connect().await.unwrap());
    }
    tokio::task::yield_now().await;
    let mut ninth = connect().await.unwrap();
    let refused = closed_within(&mut ninth, 1)
        .await
        .expect("the ninth connection is closed");
    assert!(
        String::from_utf8_lossy(&refused).starts_with("HTTP/1.1 503"),
        "{}",
        String::from_utf8_lossy(&refused)
    );
    // Once the held ones time out, connections are served again.
    for stream in &mut held {
        assert!(closed_within(stream, 10).await.is_some());
    }
    let mut again = connect().await.unwrap();
    again
        .write_all(format!("GET /web.oauth2/.well-known/openid-configuration HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let answer = closed_within(&mut again, 1).await.expect("served again");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
}

/// Records made faster than they expire stop at the store's cap: the oldest go first
/// and the newest still work. ClearID keeps a fixed-size key per assertion id however
/// long the id, and refuses an assertion longer than a JWT may be.
#[tokio::test]
async fn every_store_is_capped_and_the_newest_records_still_work() {
    const CAP: usize = 4;
    let st = state(&format!(
        r#"{{"Mock": {{"Caps": {{"Sessions": {CAP}, "Codes": {CAP}, "RefreshTokens": {CAP}, "AccessTokens": {CAP}}}}}}}"#
    ));
    let base = serve(&st).await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut last = None;
    for _ in 0..3 * CAP {
        let verifier = pkce::generate_verifier();
        let challenge = pkce::s256_challenge(&verifier);
        let code = sign_in(
            &browser(),
            &base,
            "myid.myclient",
            challenge.as_str(),
            "myid.rest.basic offline_access",
        )
        .await;
        last = Some((code, verifier));
    }
    let [sessions, codes, _, _, _] = st.store().counts();
    assert_eq!((sessions, codes), (CAP, CAP), "held at the caps");
    let (code, verifier) = last.unwrap();
    let r = common::redeem(&http, &base, &code, verifier.expose()).await;
    assert_eq!(r.status(), 200, "the newest code still works");

    // ClearID: long ids cost a fixed-size key; an over-long assertion is refused.
    let st = serving_as(
        Profile::CLEARID,
        r#"{"Mock": {"Caps": {"VendorRecords": 3}}}"#,
        None,
    );
    let id = "6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos";
    let pem = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/keys/clearid-client.pem"
    ))
    .unwrap();
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).unwrap();
    let assertion = |jti: String| {
        let claims = serde_json::json!({
            "iss": id, "sub": id, "aud": "iams-sts", "nbf": NOW, "exp": NOW + 3600, "jti": jti,
        });
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS512),
            &claims,
            &key,
        )
        .unwrap()
    };
    let grant = |a: String| {
        form_post(
            "/connect/token",
            None,
            format!(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&client_id={}&assertion={a}",
                id.replace(':', "%3A")
            ),
        )
    };
    for n in 0..6 {
        let jti = format!("{n}-{}", "j".repeat(20_000));
        assert_eq!(send(&st, grant(assertion(jti))).await.0, 200);
    }
    assert_eq!(
        myid_conformance::mock::profiles::clearid::records_held(&st),
        3
    );
    let (status, _, body) = send(&st, grant(assertion("x".repeat(60_000)))).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
}
