//! Helpers shared by the in-process test binaries: one signing key and one runtime per
//! binary (an RSA key takes ~100 ms to generate; a mock starts in microseconds), and a
//! sign-in through the mock's login page. Not every binary uses every helper.
#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use myid_conformance::harness::flow::{redirect_params, resolve};
use myid_conformance::harness::html;
use myid_conformance::mock::keys::SigningKey;

/// The redirect URI of the shipped code-flow clients.
pub const REDIRECT: &str = "https://client.example/callback";

/// The key every in-process mock of this test binary signs with.
pub fn key() -> Arc<SigningKey> {
    static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| Arc::new(SigningKey::generate().unwrap()))
        .clone()
}

/// The claims of a JWT, unverified.
pub fn claims(jwt: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// A current-thread runtime for driving async code from proptest's sync closures.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

/// A client that acts as a browser does for the mock: a cookie jar, no proxy, and every
/// redirect left for the test to follow.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs test.user in through the login page and answers the code.
pub async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    client_id: &str,
    challenge: &str,
    scope: &str,
) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", scope),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let url = format!("{base}/web.oauth2/connect/authorize?{query}");
    sign_in_at(client, &url, ("test.user", "test-password")).await
}

/// Follows an authorize request through any profile's sign-in page (its first form,
/// `Username` and `Password`, the `login` button) to [`REDIRECT`]; answers the code.
pub async fn sign_in_at(client: &reqwest::Client, authorize: &str, user: (&str, &str)) -> String {
    let code = |at: &str| {
        redirect_params(at)
            .into_iter()
            .find(|(k, _)| k == "code")
            .unwrap_or_else(|| panic!("no code in {at}"))
            .1
    };
    let mut url = authorize.to_owned();
    for _ in 0..6 {
        if url.starts_with(REDIRECT) {
            return code(&url);
        }
        let r = client.get(&url).send().await.unwrap();
        if let Some(location) = r.headers().get("location") {
            url = resolve(&url, location.to_str().unwrap());
            continue;
        }
        let page = r.text().await.unwrap();
        let form = html::forms(&page).remove(0);
        let mut fields = form.fields.clone();
        fields.retain(|(k, _)| k != "Username" && k != "Password");
        fields.extend([
            ("Username".into(), user.0.into()),
            ("Password".into(), user.1.into()),
            ("button".into(), "login".into()),
        ]);
        let action = resolve(&url, form.action.as_deref().unwrap_or(&url));
        let r = client.post(&action).form(&fields).send().await.unwrap();
        url = resolve(&action, r.headers()["location"].to_str().unwrap());
    }
    panic!("the sign-in did not reach the client");
}

/// Walks an authorize request through the login page (test.user) to the consent page,
/// answers it with `decision` (the button and the scopes ticked), and returns where that
/// answer sends the browser: the callback carrying the sealed decision, or the client.
pub async fn answer_consent(
    client: &reqwest::Client,
    authorize: &str,
    decision: &[(&str, &str)],
) -> String {
    let mut url = authorize.to_owned();
    for _ in 0..10 {
        let r = client.get(&url).send().await.unwrap();
        if let Some(location) = r.headers().get("location") {
            url = resolve(&url, location.to_str().unwrap());
            if url.starts_with(REDIRECT) {
                return url;
            }
            continue;
        }
        let page = r.text().await.unwrap();
        let form = html::forms(&page).remove(0);
        let action = resolve(&url, form.action.as_deref().unwrap_or(&url));
        let mut fields: Vec<(String, String)> = form
            .fields
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "Username" | "Password" | "ScopesConsented"))
            .cloned()
            .collect();
        let login = action.contains("/account/login");
        if login {
            fields.extend([
                ("Username".into(), "test.user".into()),
                ("Password".into(), "test-password".into()),
                ("button".into(), "login".into()),
            ]);
        } else {
            assert!(page.contains("is requesting your permission"), "{page}");
            fields.extend(
                decision
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
            );
        }
        let r = client.post(&action).form(&fields).send().await.unwrap();
        let next = resolve(&action, r.headers()["location"].to_str().unwrap());
        if !login {
            return next;
        }
        url = next;
    }
    panic!("the flow did not reach the consent page");
}

/// Redeems a code of the shipped public client `myid.myclient` with its verifier.
pub async fn redeem(
    client: &reqwest::Client,
    base: &str,
    code: &str,
    verifier: &str,
) -> reqwest::Response {
    client
        .post(format!("{base}/web.oauth2/connect/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
            ("client_id", "myid.myclient"),
        ])
        .send()
        .await
        .unwrap()
}

/// A `myid-conformance serve --control --bind 127.0.0.1:0` child with `args` and
/// `env`, stopped on drop; `base` is the URL it printed when ready.
pub struct ServedChild {
    child: std::process::Child,
    /// Where it serves.
    pub base: String,
}

impl Drop for ServedChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a served mock (see [`ServedChild`]).
pub fn serve_child(args: &[&str], env: &[(&str, &str)]) -> ServedChild {
    use std::io::BufRead as _;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_myid-conformance"));
    cmd.args(["serve", "--control", "--bind", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    ServedChild {
        child,
        base: line.trim().to_owned(),
    }
}

/// A `myid-conformance check` command with the shipped mock target's test secrets
/// (`fixtures/targets/mock.env`) in its environment.
pub fn check_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_myid-conformance"));
    for line in include_str!("../../fixtures/targets/mock.env")
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
    {
        let (k, v) = line.split_once('=').unwrap();
        cmd.env(k, v.trim_matches('\''));
    }
    cmd.env_remove("MYID_TARGET")
        .env("NO_COLOR", "1")
        .arg("check");
    cmd
}
