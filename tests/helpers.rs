//! The library's test helpers as a user's test meets them: a sign-in in one call, the
//! exchange, a refresh past the sliding lifetime on the mock's clock, minted refresh
//! tokens, and the journal of what the mock received (in process and over HTTP).

use myid_conformance::{Client, Filter, FlowError, Mint, MockServer, Pkce};

const TEST_USER: (&str, &str) = ("test.user", "test-password");
const TEST_USER_ID: &str = "6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C";

/// The README's example: the whole story in under fifteen lines.
#[tokio::test]
async fn sign_in_exchange_refresh_past_the_sliding_lifetime_and_read_the_journal()
-> Result<(), Box<dyn std::error::Error>> {
    let spa = Client::public("spa")
        .redirect_uri("https://spa.example/callback")
        .scopes(["openid", "myid.rest.basic", "offline_access"])
        .setting("RefreshTokenExpiration", "Sliding")
        .setting("SlidingRefreshTokenLifetime", 600);
    let mock = MockServer::builder().client(spa).start().await?;
    let pkce = Pkce::new();
    let code = mock.sign_in("spa", TEST_USER, &pkce).await?;
    let refresh = mock.exchange(&code, None).await?.refresh_token.unwrap();
    mock.clock().advance(601)?;
    let refused = mock.refresh("spa", None, &refresh).await.unwrap_err();
    assert_eq!(refused.to_string(), "refused with 400 invalid_grant");
    let last = mock.received().pop().unwrap();
    assert!(last.reason.unwrap().contains("expired"));
    Ok(())
}

#[tokio::test]
async fn within_the_sliding_lifetime_the_refresh_works_and_each_step_is_in_the_journal() {
    let mock = MockServer::builder().start().await.unwrap();
    let pkce = Pkce::new();
    let code = mock
        .sign_in("myid.webclient", TEST_USER, &pkce)
        .await
        .unwrap();
    let secret = "b5989015-bb9e-4533-874b-2b4a6a8280ed";
    let tokens = mock.exchange(&code, Some(secret)).await.unwrap();
    assert!(tokens.id_token.is_some());
    let scope = tokens.scope.clone().unwrap();
    assert!(
        scope.contains("offline_access") && scope.contains("openid"),
        "{scope}"
    );
    let again = mock
        .refresh(
            "myid.webclient",
            Some(secret),
            &tokens.refresh_token.unwrap(),
        )
        .await
        .unwrap();
    assert!(!again.access_token.is_empty());

    let from_client = mock.received_where(&Filter::new().client("myid.webclient"));
    let paths: Vec<&str> = from_client
        .iter()
        .map(|r| r.path.split('?').next().unwrap())
        .collect();
    assert!(
        paths.contains(&"/web.oauth2/connect/authorize"),
        "{paths:?}"
    );
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.ends_with("/connect/token"))
            .count(),
        2
    );
    // The code travelled in the callback's query: nothing of it is kept.
    let all = format!("{:?}", mock.received());
    assert!(!all.contains(&code.code), "the journal kept a code");
    assert!(mock.received_where(&Filter::new().refused()).is_empty());
}

#[tokio::test]
async fn a_wrong_secret_is_refused_and_the_journal_says_why() {
    let mock = MockServer::builder().start().await.unwrap();
    let code = mock
        .sign_in("myid.webclient", TEST_USER, &Pkce::new())
        .await
        .unwrap();
    let refused = mock.exchange(&code, Some("guess")).await.unwrap_err();
    assert_eq!(
        refused,
        FlowError::Refused {
            status: 400,
            error: "invalid_client".into()
        }
    );
    let why = mock.received_where(&Filter::new().refused().path("connect/token"));
    assert_eq!(
        why[0].reason.as_deref(),
        Some("the secret matches none of the client's unexpired secrets")
    );
    // A wrong password stops on the login page, with no code.
    let stopped = mock
        .sign_in("myid.myclient", ("test.user", "wrong"), &Pkce::new())
        .await
        .unwrap_err();
    assert!(matches!(stopped, FlowError::Refused { .. }), "{stopped:?}");
}

#[tokio::test]
async fn a_minted_refresh_token_is_taken_by_the_refresh_grant_and_expires_on_the_clock() {
    let mock = MockServer::builder().start().await.unwrap();
    let mint = Mint::client("myid.myclient").subject(TEST_USER_ID);
    let token = mock.refresh_token(&mint).unwrap();
    let tokens = mock.refresh("myid.myclient", None, &token).await.unwrap();
    assert!(tokens.refresh_token.is_some());

    let short = mock.refresh_token(&mint.clone().lifetime(60)).unwrap();
    mock.clock().advance(61).unwrap();
    assert!(mock.refresh("myid.myclient", None, &short).await.is_err());

    // Client credentials never give refresh tokens, so neither does minting.
    assert!(
        mock.refresh_token(&Mint::client("myid.mysystem").subject(TEST_USER_ID))
            .is_err()
    );
    assert!(mock.refresh_token(&Mint::client("myid.myclient")).is_err());
}

#[tokio::test]
async fn the_control_plane_lists_and_clears_the_journal() {
    let mock = MockServer::builder()
        .control_plane(true)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let refused = http
        .post(mock.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "nobody"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let url = format!("{}/_mock/requests", mock.base_url());
    let listed: serde_json::Value = http
        .get(&url)
        .query(&[("client", "nobody"), ("refused", "true")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let requests = listed["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{listed}");
    assert_eq!(requests[0]["reason"], "no enabled client has this id");
    assert_eq!(requests[0]["status"], 400);
    // An unknown filter is a clear error, not an empty list.
    let bad = http
        .get(&url)
        .query(&[("colour", "red")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    http.delete(&url).send().await.unwrap();
    assert!(mock.received().is_empty());
}

#[tokio::test]
async fn the_journal_is_bounded_by_its_cap() {
    let mock = MockServer::builder()
        .settings_json(r#"{ "Mock": { "Caps": { "Journal": 3 } } }"#)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for _ in 0..5 {
        http.get(format!(
            "{}/.well-known/openid-configuration",
            mock.auth_url()
        ))
        .send()
        .await
        .unwrap();
    }
    let kept = mock.received();
    assert_eq!(kept.iter().map(|r| r.seq).collect::<Vec<_>>(), [3, 4, 5]);
}

#[tokio::test]
async fn a_beyond_identity_application_signs_in_exchanges_and_refreshes() {
    let mock = myid_conformance::MockBuilder::new(myid_conformance::Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let user = ("test.user", "bi-test-password");
    // The public app (PKCE S256, refresh tokens rotated): its own token endpoint.
    let spa = "KTXSEGAhjFlWt039nxKUrDlI";
    let code = mock.sign_in(spa, user, &Pkce::new()).await.unwrap();
    let tokens = mock.exchange(&code, None).await.unwrap();
    let again = mock
        .refresh(spa, None, &tokens.refresh_token.unwrap())
        .await
        .unwrap();
    assert!(again.refresh_token.is_some());
    // The docs' hosted OIDC app, confidential: an id_token.
    let hosted = "09PJUB8eDGJc6C_fBwDaE5YD";
    let code = mock.sign_in(hosted, user, &Pkce::new()).await.unwrap();
    let tokens = mock
        .exchange(&code, Some("bi-hosted-secret"))
        .await
        .unwrap();
    assert!(tokens.id_token.is_some());
    // A client-credentials app has no code flow to sign in to.
    let none = mock
        .sign_in("AYYNcuOSpfqIf33JeegCzDIT", user, &Pkce::new())
        .await;
    assert!(matches!(none, Err(FlowError::Unsupported(_))), "{none:?}");
}
