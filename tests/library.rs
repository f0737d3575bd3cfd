//! The library's front door as a user's test meets it: the builder for every profile,
//! clients and users given in code, minted tokens accepted where the mock's own are
//! (and refused where they should be), the clock and faults, and the errors a wrong
//! configuration gets.

use myid_conformance::{
    Client, Mint, MintError, MockBuilder, MockServer, Profile, StartError, User,
};
use serde_json::{Value, json};

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The claims of a JWT, unverified (the mock's own endpoints verify it).
fn claims(token: &str) -> Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn header(token: &str) -> Value {
    use base64::Engine as _;
    let h = token.split('.').next().unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(h)
            .unwrap(),
    )
    .unwrap()
}

async fn api_status(mock: &MockServer, token: &str) -> u16 {
    http()
        .get(format!("{}/People", mock.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_minted_myid_token_is_the_one_the_token_endpoint_issues() {
    let mock = MockServer::builder().start().await.unwrap();
    let issued: Value = http()
        .post(mock.token_url())
        .basic_auth(
            "myid.mysystem",
            Some("82564d6e-c4a6-4f64-a6d4-cac43781c67c"),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issued = issued["access_token"].as_str().unwrap();
    let minted = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let (a, b) = (claims(issued), claims(&minted));
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&a), keys(&b), "same claims in the same order");
    for k in ["iss", "aud", "client_id", "scope"] {
        assert_eq!(a[k], b[k], "{k}");
    }
    assert_eq!(
        b["exp"].as_i64().unwrap() - b["nbf"].as_i64().unwrap(),
        3600
    );
    assert_eq!(header(issued), header(&minted));
    assert_eq!(b["iss"], mock.issuer_for("myid.mysystem").unwrap());
    assert_eq!(api_status(&mock, &minted).await, 200);
}

#[tokio::test]
async fn minted_claims_change_exactly_what_is_asked_and_the_api_judges_them() {
    let mock = MockServer::builder().start().await.unwrap();
    let base = Mint::client("myid.mysystem");
    let no_scope = mock
        .access_token(&base.clone().claim("scope", Value::Null))
        .unwrap();
    assert!(claims(&no_scope).get("scope").is_none());
    assert_eq!(api_status(&mock, &no_scope).await, 401);
    let expired = mock.access_token(&base.clone().lifetime(-301)).unwrap();
    assert_eq!(api_status(&mock, &expired).await, 401);
    let within_skew = mock.access_token(&base.clone().lifetime(-299)).unwrap();
    assert_eq!(api_status(&mock, &within_skew).await, 200);
    let foreign = mock
        .access_token(&base.claim("iss", "https://elsewhere/web.oauth2"))
        .unwrap();
    assert_eq!(api_status(&mock, &foreign).await, 401);
    assert_eq!(
        mock.access_token(&Mint::client("nobody")),
        Err(MintError::UnknownClient("nobody".into()))
    );
}

#[tokio::test]
async fn a_minted_id_token_verifies_against_the_published_keys() {
    let mock = MockServer::builder().start().await.unwrap();
    let sub = "6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C";
    let id = mock
        .id_token(&Mint::client("myid.webclient").subject(sub).nonce("n-1"))
        .unwrap();
    let c = claims(&id);
    assert_eq!(c["sub"], sub);
    assert_eq!(c["nonce"], "n-1");
    assert_eq!(c["aud"], "myid.webclient");
    assert!(c.get("at_hash").is_none(), "no access token to hash");
    assert_eq!(header(&id)["typ"], "JWT");
    let jwks: Value = http()
        .get(format!(
            "{}/.well-known/openid-configuration/jwks",
            mock.auth_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwks["keys"][0].clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_audience(&["myid.webclient"]);
    v.set_issuer(&[mock.auth_url().to_lowercase()]);
    jsonwebtoken::decode::<Value>(&id, &key, &v).expect("the id_token verifies");
    assert!(matches!(
        mock.id_token(&Mint::client("myid.webclient")),
        Err(MintError::Unsupported(_))
    ));
}

#[tokio::test]
async fn clients_and_users_given_in_code_sign_in_and_call_the_api() {
    let subject = "0D6B1F4E-2A3C-4B5D-8E6F-7A8B9C0D1E2F";
    let mock = MockServer::builder()
        .client(
            Client::public("spa")
                .scopes(["openid", "myid.rest.basic"])
                .redirect_uri("http://127.0.0.1:9/cb"),
        )
        .person(json!({
            "id": subject, "logonName": "alice",
            "name": {"first": "Alice", "last": "Liddell"},
            "group": {"id": "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E"},
            "roles": [{"id": "Limited API", "scope": "all"}], "enabled": "1"
        }))
        .user(User::new("alice", "wonderland").subject(subject))
        .start()
        .await
        .unwrap();
    // The public client is refused without PKCE, as IdentityServer refuses it: on its
    // error page, since the error is not one it sends back to the client.
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let no_pkce = http
        .get(format!("{}/connect/authorize", mock.auth_url()))
        .query(&[
            ("client_id", "spa"),
            ("response_type", "code"),
            ("scope", "openid myid.rest.basic"),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
        ])
        .send()
        .await
        .unwrap();
    let location = no_pkce.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/home/error?errorId="), "{location}");
    // Alice's minted token acts as her at the API: Limited API may view people.
    let token = mock
        .access_token(&Mint::client("spa").subject(subject))
        .unwrap();
    assert_eq!(api_status(&mock, &token).await, 200);
    let me: Value = http
        .get(format!("{}/People/{subject}", mock.api_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["logonName"], "alice", "{me}");
}

#[tokio::test]
async fn a_settings_document_replaces_myid_s_shipped_clients() {
    let mock = MockServer::builder()
        .settings_json(
            r#"// MyID's appsettings.json format, comments and all
            { "Clients": [ { "ClientId": "only.one", "AllowedGrantTypes": ["client_credentials"],
                "ClientSecrets": [ { "Value": "kv31VP5z/oKS0QMMaIfZ2UrhmQOdgAPpXV/vaF1cymk=" } ],
                "AllowedScopes": [ "myid.rest.basic" ] } ] }"#,
        )
        .client(Client::confidential("second", "two").scopes(["myid.rest.basic"]))
        .start()
        .await
        .unwrap();
    assert!(mock.access_token(&Mint::client("only.one")).is_ok());
    assert!(mock.access_token(&Mint::client("second")).is_ok());
    assert_eq!(
        mock.access_token(&Mint::client("myid.mysystem")),
        Err(MintError::UnknownClient("myid.mysystem".into()))
    );
    let ok = http()
        .post(mock.token_url())
        .basic_auth("second", Some("two"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn the_clock_and_faults_are_the_handle_s() {
    let quiet = format!("{:?}", MockServer::builder().start().await.unwrap());
    assert!(
        !quiet.contains("directory-password") && !quiet.contains("PasswordHash"),
        "{quiet}"
    );
    let mock = MockServer::builder()
        .fault(&myid_conformance::faults::myid::WRONG_SECRET_ACCEPTED)
        .start()
        .await
        .unwrap();
    assert_eq!(
        mock.faults(),
        vec![myid_conformance::faults::myid::WRONG_SECRET_ACCEPTED.name]
    );
    mock.set_fault(
        &myid_conformance::faults::myid::WRONG_SECRET_ACCEPTED,
        false,
    );
    assert!(mock.faults().is_empty());
    let before = mock.clock().now();
    mock.clock().advance(86_400).unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    assert_eq!(claims(&token)["nbf"].as_i64().unwrap(), before + 86_400);
}

#[tokio::test]
async fn every_vendor_profile_mints_tokens_its_own_endpoints_accept() {
    // Jim2: an opaque handle that logoff takes.
    let jim2 = MockBuilder::new(Profile::JIM2)
        .client(Client::confidential("acme", "pw"))
        .start()
        .await
        .unwrap();
    let t = jim2.access_token(&Mint::client("acme")).unwrap();
    let logoff = |t: String| {
        http()
            .post(jim2.token_url().replace("/token", "/logoff"))
            .bearer_auth(t)
            .send()
    };
    assert_eq!(logoff(t.clone()).await.unwrap().status(), 200);
    assert_eq!(logoff(t).await.unwrap().status(), 401, "ended by logoff");
    assert!(matches!(
        jim2.access_token(&Mint::client("acme").claim("sub", "x")),
        Err(MintError::Unsupported(_))
    ));
    assert!(jim2.id_token(&Mint::client("acme")).is_err());

    // ClearID: the Identity Service takes a minted token for the client's account.
    let clearid = MockBuilder::new(Profile::CLEARID).start().await.unwrap();
    let id = "6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos";
    let t = clearid.access_token(&Mint::client(id)).unwrap();
    assert_eq!(header(&t)["alg"], "RS512");
    let identities = |t: String, account: &str| {
        http()
            .get(format!(
                "{}/api/v2/accounts/{account}/identities",
                clearid.base_url()
            ))
            .bearer_auth(t)
            .send()
    };
    assert_eq!(
        identities(t.clone(), "cleariddemos")
            .await
            .unwrap()
            .status(),
        200
    );
    let expired = clearid
        .access_token(&Mint::client(id).lifetime(-3600))
        .unwrap();
    assert_eq!(
        identities(expired, "cleariddemos").await.unwrap().status(),
        401
    );

    // Beyond Identity: introspection says a minted token is active.
    let bi = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .client(Client::confidential("inventory", "s3cret").scopes(["pets:read"]))
        .start()
        .await
        .unwrap();
    let issuer = bi.issuer_for("inventory").unwrap();
    let t = bi.access_token(&Mint::client("inventory")).unwrap();
    assert_eq!(claims(&t)["iss"], issuer);
    assert_eq!(header(&t)["jku"], format!("{issuer}/.well-known/jwks.json"));
    let realm = issuer.split("/applications/").next().unwrap();
    let introspect: Value = http()
        .post(format!("{realm}/introspect"))
        .basic_auth("inventory", Some("s3cret"))
        .form(&[("token", t.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(introspect["active"], true, "{introspect}");
    assert!(matches!(
        bi.id_token(&Mint::client("inventory").subject("x")),
        Err(MintError::Unsupported(_))
    ));
}

/// The plain client-credentials profile, as a user's test meets it: a client given in
/// code gets tokens at `token_url()` and by minting alike, named by the mock's origin;
/// `issuer_for` knows only its clients; its home page names it; and a lifetime that is
/// not a positive number of seconds stops it at start.
#[tokio::test]
async fn the_client_credentials_profile_serves_clients_given_in_code() {
    let profile = Profile::parse("client-credentials").unwrap();
    let mock = MockBuilder::new(profile)
        .client(Client::confidential("reports", "pw").scopes(["read"]))
        .start()
        .await
        .unwrap();
    assert_eq!(mock.profile().name(), "client-credentials");
    assert_eq!(mock.issuer_for("reports"), Some(mock.base_url()));
    assert_eq!(mock.issuer_for("nobody"), None);
    let issued: Value = http()
        .post(mock.token_url())
        .basic_auth("reports", Some("pw"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issued["scope"], "read", "{issued}");
    let issued = issued["access_token"].as_str().unwrap();
    let minted = mock.access_token(&Mint::client("reports")).unwrap();
    for token in [issued, minted.as_str()] {
        let c = claims(token);
        assert_eq!(
            [
                &c["iss"],
                &c["client_id"],
                &c["scope"],
                &header(token)["typ"]
            ],
            [
                &json!(mock.base_url()),
                &json!("reports"),
                &json!("read"),
                &json!("at+jwt")
            ],
            "{c}"
        );
    }
    assert!(mock.access_token(&Mint::client("nobody")).is_err());
    // RFC 6749 §5.2: a wrong secret by Basic is 401 with a challenge, in the body 400.
    let asked = |basic: bool, secret: &'static str, scope: &'static str| {
        let mock = &mock;
        async move {
            let mut form = vec![("grant_type", "client_credentials"), ("scope", scope)];
            let mut r = http().post(mock.token_url());
            if basic {
                r = r.basic_auth("reports", Some(secret));
            } else {
                form.extend([("client_id", "reports"), ("client_secret", secret)]);
            }
            let r = r.form(&form).send().await.unwrap();
            let challenge = r.headers().contains_key("www-authenticate");
            let status = r.status().as_u16();
            (status, challenge, r.json::<Value>().await.unwrap())
        }
    };
    let (status, challenge, body) = asked(true, "wrong", "read").await;
    assert_eq!(
        (status, challenge, &body["error"]),
        (401, true, &json!("invalid_client"))
    );
    let (status, _, body) = asked(false, "wrong", "read").await;
    assert_eq!((status, &body["error"]), (400, &json!("invalid_client")));
    let (status, _, body) = asked(true, "pw", "write").await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("invalid_scope")),
        "not its scope"
    );
    let (status, _, body) = asked(false, "pw", " read  ").await;
    assert_eq!(
        (status, &body["scope"]),
        (200, &json!("read")),
        "spaces between scopes"
    );
    let home = http()
        .get(format!("{}/", mock.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("OAuth 2.0 client credentials"), "{home}");
    assert!(
        home.contains(&format!("{}/token", mock.base_url())),
        "{home}"
    );
    for lifetime in ["0", "-5", "soon"] {
        let refused = MockBuilder::new(profile)
            .settings_json(format!(
                r#"{{"ClientCredentials": {{"AccessTokenLifetime": "{lifetime}"}}}}"#
            ))
            .start()
            .await;
        assert!(matches!(refused, Err(StartError::Config(_))), "{lifetime}");
    }
}

#[tokio::test]
async fn what_a_profile_cannot_take_is_an_error_at_start() {
    let user_for_jim2 = MockBuilder::new(Profile::JIM2)
        .user(User::new("a", "b"))
        .start()
        .await;
    assert!(matches!(user_for_jim2, Err(StartError::Profile(_))));
    let jim2_without_secret = MockBuilder::new(Profile::JIM2)
        .client(Client::public("x"))
        .start()
        .await;
    assert!(matches!(jim2_without_secret, Err(StartError::Profile(_))));
    // IdentityServer refuses an interactive client without redirect URIs.
    let rejected = MockServer::builder()
        .client(Client::confidential("odd", "s").grants(["authorization_code"]))
        .start()
        .await;
    assert!(
        matches!(rejected, Err(StartError::RejectedClient { ref client_id, .. }) if client_id == "odd"),
        "{rejected:?}"
    );
    let bad_data = MockServer::builder()
        .data_file("people.json", "[{\"logonName\": \"no id\"}]")
        .start()
        .await;
    assert!(matches!(bad_data, Err(StartError::Data(_))));
    let bad_json = MockServer::builder()
        .settings_json("{ not json")
        .start()
        .await;
    assert!(matches!(bad_json, Err(StartError::Config(_))));
    let twice = MockServer::builder()
        .person(json!({"id": "1F0E2D3C-4B5A-4697-8877-665544332211"}))
        .start()
        .await;
    assert!(matches!(twice, Err(StartError::Data(_))), "{twice:?}");
    let missing = MockServer::builder()
        .settings_file("/nonexistent/appsettings.json")
        .start()
        .await;
    assert!(matches!(missing, Err(StartError::Config(_))));
}

#[tokio::test]
async fn a_tls_mock_gives_its_certificate_to_trust() {
    let mock = MockServer::builder().tls().start().await.unwrap();
    assert!(mock.base_url().starts_with("https://127.0.0.1:"));
    let cert = reqwest::Certificate::from_pem(mock.certificate_pem().unwrap().as_bytes()).unwrap();
    let http = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(cert)
        .build()
        .unwrap();
    let discovery: Value = http
        .get(format!(
            "{}/.well-known/openid-configuration",
            mock.auth_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], mock.auth_url().to_lowercase());
}

#[test]
fn a_builder_s_debug_shows_no_secret() {
    let b = MockServer::builder()
        .client(Client::confidential("svc", "plain-secret-value"))
        .user(User::new("u", "plain-password-value"));
    let text = format!("{b:?}");
    assert!(
        !text.contains("plain-secret-value") && !text.contains("plain-password-value"),
        "{text}"
    );
    assert!(text.contains("svc"));
}
