//! How a team whose service calls MyID tests it against the mock: the service's own
//! client (here `PeopleClient`, which gets a client-credentials token, keeps it until
//! it expires and lists people) is pointed at a mock started in the test, and the test
//! moves the mock's clock and switches faults to see the client cope.
//!
//! `cargo run --example people_client` runs the three checks and exits non-zero if one
//! fails; in a real project each would be a `#[tokio::test]`.

use std::process::ExitCode;

use myid_conformance::faults::myid::UNPUBLISHED_KEY;
use myid_conformance::{Client, MockServer};
use serde_json::{Value, json};

/// The code under test: a small client of MyID's Core API, as a service would write it.
struct PeopleClient {
    http: reqwest::Client,
    token_url: String,
    api_url: String,
    client_id: String,
    secret: String,
    /// The token and the moment (server clock, from the token's `expires_in`) after
    /// which it is not used any more.
    token: Option<(String, i64)>,
}

impl PeopleClient {
    fn new(token_url: String, api_url: String, client_id: &str, secret: &str) -> Self {
        PeopleClient {
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("a client"),
            token_url,
            api_url,
            client_id: client_id.into(),
            secret: secret.into(),
            token: None,
        }
    }

    async fn token(&mut self, now: i64) -> Result<String, String> {
        if let Some((t, until)) = &self.token
            && now < *until
        {
            return Ok(t.clone());
        }
        let response = self
            .http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "myid.rest.basic"),
            ])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("token endpoint answered {}", response.status()));
        }
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        let token = body["access_token"]
            .as_str()
            .ok_or("no access_token")?
            .to_owned();
        let lifetime = body["expires_in"].as_i64().ok_or("no expires_in")?;
        // Renew a minute early, as a careful client does.
        self.token = Some((token.clone(), now + lifetime - 60));
        Ok(token)
    }

    /// The logon names of the people the API user may see.
    async fn people(&mut self, now: i64) -> Result<Vec<String>, String> {
        let token = self.token(now).await?;
        let response = self
            .http
            .get(format!("{}/People", self.api_url))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("the API answered {}", response.status()));
        }
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        let list = body["results"].as_array().cloned().unwrap_or_default();
        Ok(list
            .iter()
            .filter_map(|p| p["logonName"].as_str().map(str::to_owned))
            .collect())
    }
}

/// The mock the checks share the shape of: MyID with the service's own client and its
/// API user, as the service's installation guide would configure MyID.
async fn mock() -> MockServer {
    MockServer::builder()
        .client(
            Client::confidential("payroll.service", "payroll-secret")
                .scopes(["myid.rest.basic"])
                .api_user("payroll.api"),
        )
        .person(json!({
            "id": "3C5D7E9F-1A2B-4C3D-8E4F-5A6B7C8D9E0F",
            "logonName": "payroll.api",
            "name": { "first": "Payroll", "last": "Service" },
            "group": { "id": "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E" },
            "roles": [ { "id": "Limited API", "scope": "all" } ],
            "enabled": "1"
        }))
        .start()
        .await
        .expect("the mock starts")
}

fn client_for(mock: &MockServer) -> PeopleClient {
    PeopleClient::new(
        mock.token_url(),
        mock.api_url(),
        "payroll.service",
        "payroll-secret",
    )
}

/// The service lists people with its own client.
async fn lists_people() -> Result<(), String> {
    let mock = mock().await;
    let mut client = client_for(&mock);
    let people = client.people(mock.clock().now()).await?;
    if !people.iter().any(|p| p == "test.user") {
        return Err(format!("test.user is not among {people:?}"));
    }
    Ok(())
}

/// After its token's lifetime has passed on the server's clock, the service gets a
/// new token instead of failing: an hour passes in no time.
async fn renews_an_expired_token() -> Result<(), String> {
    let mock = mock().await;
    let mut client = client_for(&mock);
    client.people(mock.clock().now()).await?;
    let first = client.token.clone().map(|t| t.0);
    mock.clock().advance(2 * 3600).map_err(|e| e.to_string())?;
    client.people(mock.clock().now()).await?;
    if client.token.map(|t| t.0) == first {
        return Err("the client kept a token past its lifetime".into());
    }
    Ok(())
}

/// With the server signing with a key its JWKS does not publish, the API refuses the
/// token, and the service reports the refusal rather than inventing a result.
async fn reports_a_refusal() -> Result<(), String> {
    let mock = mock().await;
    mock.set_fault(&UNPUBLISHED_KEY, true);
    let mut client = client_for(&mock);
    match client.people(mock.clock().now()).await {
        Err(e) if e.contains("401") => Ok(()),
        other => Err(format!("expected the API's 401, got {other:?}")),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let checks = [
        ("lists people", lists_people().await),
        ("renews an expired token", renews_an_expired_token().await),
        ("reports a refusal", reports_a_refusal().await),
    ];
    let mut failed = 0;
    for (name, result) in &checks {
        match result {
            Ok(()) => println!("ok   {name}"),
            Err(e) => {
                failed += 1;
                println!("FAIL {name}: {e}");
            }
        }
    }
    println!("{} passed, {failed} failed", checks.len() - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
