//! A sign-in that passes through a login application on another origin: a served mock
//! whose login page is elsewhere (`IdentityServer:UserInteraction:LoginUrl`), and a tiny
//! login application on a second port that serves that page (it hands each request on
//! to the mock's own). With `[login] origins` naming it the harness signs in through
//! it; without, it takes the redirect there for an open redirect and stops.

use std::path::PathBuf;

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};

/// The login application: every request on to the mock's own login page, the answer
/// back as it came, with the header that keeps it from being framed (cookies are per
/// host, not per port, so the session it sets is the mock's).
async fn login_app(
    State(mock): State<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = http.request(method, format!("{mock}{uri}")).body(body);
    for name in ["cookie", "content-type"] {
        if let Some(v) = headers.get(name) {
            request = request.header(name, v.as_bytes());
        }
    }
    let answer = request.send().await.unwrap();
    let mut response = axum::http::Response::builder().status(answer.status().as_u16());
    for (k, v) in answer.headers() {
        if ["set-cookie", "location", "content-type", "x-frame-options"].contains(&k.as_str()) {
            response = response.header(k.as_str(), v.as_bytes());
        }
    }
    response
        .body(axum::body::Body::from(answer.bytes().await.unwrap()))
        .unwrap()
        .into_response()
}

fn target(base: &str, login: &str) -> PathBuf {
    let shipped = include_str!("../fixtures/targets/mock.toml");
    let without_login = shipped
        .split("[login]")
        .next()
        .unwrap()
        .replace("http://127.0.0.1:5000", base);
    let dir = std::env::temp_dir().join(format!("myid-login-origin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.toml", login.len()));
    std::fs::write(&path, format!("{without_login}\n{login}\n")).unwrap();
    path
}

fn check(target: &PathBuf) -> std::process::Output {
    common::check_command()
        .arg("--target")
        .arg(target)
        .args([
            "--tags",
            "@authorization_code and not @requires:login.session",
        ])
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_passes_through_a_login_application_on_another_origin() {
    let app_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = format!("http://{}", app_listener.local_addr().unwrap());
    let login_url = format!("{app}/web.oauth2/account/login");
    let served = common::serve_child(
        &[],
        &[(
            "IdentityServer__UserInteraction__LoginUrl",
            login_url.as_str(),
        )],
    );
    let mock = served.base.clone();
    let router = axum::Router::new()
        .fallback(login_app)
        .with_state(mock.clone());
    tokio::spawn(async move { axum::serve(app_listener, router).await.unwrap() });

    let with = target(
        &mock,
        &format!(
            "[login]\ndriver = \"mock\"\nusername = \"test.user\"\npassword_env = \"MYID_TEST_USER_PASSWORD\"\norigins = [\"{app}\"]"
        ),
    );
    let out = tokio::task::spawn_blocking(move || check(&with))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let closing = text.lines().last().unwrap_or_default().to_owned();
    let passed: usize = closing.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 20, "too few scenarios signed in: {closing}");

    // Without the origin, the redirect to the login application is an open redirect:
    // never followed, and the code-flow scenarios fail.
    let without = target(
        &mock,
        "[login]\ndriver = \"mock\"\nusername = \"test.user\"\npassword_env = \"MYID_TEST_USER_PASSWORD\"",
    );
    let out = tokio::task::spawn_blocking(move || check(&without))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
}
