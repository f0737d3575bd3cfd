//! Races a user cannot arrange by hand but a busy server meets every day: a refresh
//! chain rotated by many refreshes at once while it is revoked. Whatever the order, once
//! a revocation of the chain has answered, no token of that chain refreshes again
//! (MyID manual §4.5: revoking ends the grant's refresh tokens; RFC 7009 §2.1 for Beyond
//! Identity, whose revocation of a refresh token ends its chain).

use futures::future::join_all;
use myid_conformance::protocol::pkce;
use myid_conformance::{MockBuilder, MockServer, Profile};
use serde_json::Value;

mod common;
use common::{REDIRECT, browser, sign_in_at};

/// Beyond Identity's realm in the shipped settings, and its public app that rotates.
const BI_APP: &str = "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d/applications/c79348d3-8e5a-49b1-8725-4f94aed38c59";
const BI_SPA: &str = "KTXSEGAhjFlWt039nxKUrDlI";

/// Where a profile's public code-flow client signs in, refreshes and revokes.
struct Chain {
    authorize: String,
    token: String,
    revoke: String,
    client_id: &'static str,
    scope: &'static str,
    user: (&'static str, &'static str),
}

impl Chain {
    fn of(mock: &MockServer) -> Self {
        match mock.profile() {
            p if p == Profile::BEYOND_IDENTITY => {
                let app = format!("{}{BI_APP}", mock.base_url());
                Chain {
                    authorize: format!("{app}/authorize"),
                    token: format!("{app}/token"),
                    revoke: format!("{app}/revoke"),
                    client_id: BI_SPA,
                    scope: "pets:read",
                    user: ("test.user", "bi-test-password"),
                }
            }
            _ => Chain {
                authorize: format!("{}/connect/authorize", mock.auth_url()),
                token: mock.token_url(),
                revoke: format!("{}/connect/revocation", mock.auth_url()),
                client_id: "myid.myclient",
                scope: "myid.rest.basic offline_access",
                user: ("test.user", "test-password"),
            },
        }
    }

    /// A sign-in and code exchange: the chain's first refresh token.
    async fn first(&self, http: &reqwest::Client) -> String {
        let verifier = pkce::generate_verifier();
        let challenge = pkce::s256_challenge(&verifier);
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("client_id", self.client_id),
                ("redirect_uri", REDIRECT),
                ("response_type", "code"),
                ("scope", self.scope),
                ("state", "s"),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ])
            .finish();
        let code = sign_in_at(http, &format!("{}?{query}", self.authorize), self.user).await;
        let body = self
            .post(
                http,
                &self.token,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", verifier.expose()),
                ],
            )
            .await;
        body.1["refresh_token"].as_str().unwrap().to_owned()
    }

    async fn post(&self, http: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let mut form = form.to_vec();
        form.push(("client_id", self.client_id));
        let r = http.post(url).form(&form).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn refresh(&self, http: &reqwest::Client, token: &str) -> Option<String> {
        let (status, body) = self
            .post(
                http,
                &self.token,
                &[("grant_type", "refresh_token"), ("refresh_token", token)],
            )
            .await;
        (status == 200).then(|| body["refresh_token"].as_str().unwrap().to_owned())
    }

    async fn revoke(&self, http: &reqwest::Client, token: &str) {
        let (status, _) = self
            .post(
                http,
                &self.revoke,
                &[("token", token), ("token_type_hint", "refresh_token")],
            )
            .await;
        assert_eq!(status, 200, "the revocation is answered");
    }
}

/// Each round: one chain, `N` refreshes of its first token racing `N` revocations of
/// it. When all have answered, every successor a refresh handed out is refused.
async fn no_successor_outlives_its_revocation(profile: Profile) {
    const ROUNDS: usize = 40;
    const N: usize = 24;
    let mock = MockBuilder::new(profile).start().await.unwrap();
    let chain = Chain::of(&mock);
    let http = browser();
    let mut won = 0;
    for round in 0..ROUNDS {
        let first = chain.first(&browser()).await;
        let refreshes = join_all((0..N).map(|_| chain.refresh(&http, &first)));
        let revocations = join_all((0..N).map(|_| chain.revoke(&http, &first)));
        let (successors, _) = tokio::join!(refreshes, revocations);
        for successor in successors.into_iter().flatten() {
            won += 1;
            assert_eq!(
                chain.refresh(&http, &successor).await,
                None,
                "{profile:?}, round {round}: a successor refreshed after its chain was revoked"
            );
        }
    }
    // The race must really have been run both ways for the rounds to prove anything.
    assert!(won > 0, "{profile:?}: no refresh ever beat a revocation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_identity_chain_ends_with_its_revocation() {
    no_successor_outlives_its_revocation(Profile::BEYOND_IDENTITY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn myid_chain_ends_with_its_revocation() {
    no_successor_outlives_its_revocation(Profile::MYID).await;
}

/// Beyond Identity ends a rotated chain when a spent token comes back (RFC 9700
/// §4.14.2): of `N` refreshes of one token at once, one wins and the others are reuse,
/// so the winner's successor is refused once all have answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_identity_chain_ends_with_a_racing_reuse() {
    const ROUNDS: usize = 40;
    const N: usize = 16;
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let chain = Chain::of(&mock);
    let http = browser();
    for round in 0..ROUNDS {
        let first = chain.first(&browser()).await;
        let successors: Vec<String> = join_all((0..N).map(|_| chain.refresh(&http, &first)))
            .await
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(successors.len(), 1, "round {round}: one refresh wins");
        assert_eq!(
            chain.refresh(&http, &successors[0]).await,
            None,
            "round {round}: the winner's successor outlived the reuse that ended its chain"
        );
    }
}
