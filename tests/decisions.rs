//! Decisions at their edges, each stated as what a user of MyID sees and where the
//! rule comes from: IdentityServer4 4.1.2's input limits and secret expiry, its and
//! ASP.NET's exact-second lifetimes, the Core API's audiences and role scopes. The
//! features judge these where a live server can be set up for them; here the mock is
//! set up exactly (a 100-character secret, a secret expiring on a given second) with
//! the library's builder, and tokens are minted where the flow is not the point.

use myid_conformance::protocol::secret::hash_secret;
use myid_conformance::protocol::{ClientSecret, PkceVerifier, basic, pkce};
use myid_conformance::{Client, Clock, Mint, MockBuilder, MockServer, Profile};
use serde_json::{Value, json};

mod common;
use common::{REDIRECT, browser, claims, sign_in};

/// The shipped service client `myid.mysystem`: its id and secret.
const MYSYSTEM: (&str, &str) = ("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c");

/// Asserts that `answer` (status and JSON body) is a 400 refusal with the OAuth `error`
/// code (RFC 6749 §5.2); `what` names the case, and the body is shown on failure.
#[track_caller]
fn refused_with(answer: (u16, Value), error: &str, what: impl std::fmt::Display) {
    let (status, body) = answer;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some(error)),
        "{what}: {body}"
    );
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// A client-credentials request with the secret in the body (`Basic`: false) or in the
/// header; the status and the body.
async fn client_credentials(
    mock: &MockServer,
    id: &str,
    secret: &str,
    basic: bool,
) -> (u16, Value) {
    let request = http().post(mock.token_url());
    let request = if basic {
        request
            .header(
                "Authorization",
                myid_conformance::protocol::basic::encode(id, secret),
            )
            .form(&[("grant_type", "client_credentials")])
    } else {
        request.form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ])
    };
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn api(mock: &MockServer, token: &str, path: &str) -> (u16, Value) {
    let r = http()
        .get(format!("{}{path}", mock.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// IdentityServer's `InputLengthRestrictions`: a client id and a secret of at most 100
/// characters are read; a longer one is no credential at all, even when it is the
/// client's own. In the header the limit applies to the values as sent (encoded).
#[tokio::test]
async fn ids_and_secrets_of_100_characters_are_read_and_longer_ones_are_not() {
    let (id100, secret100) = ("i".repeat(100), "s".repeat(100));
    let (id101, secret101) = ("j".repeat(101), "t".repeat(101));
    let scopes = ["myid.rest.basic"];
    let mock = MockServer::builder()
        .client(Client::confidential(&id100, &secret100).scopes(scopes))
        .client(Client::confidential("long.secret", &secret101).scopes(scopes))
        .client(Client::confidential(&id101, "short").scopes(scopes))
        // 98 letters and an 'é': 99 characters, 100 bytes, 104 once percent-encoded.
        .client(Client::confidential(format!("{}é", "e".repeat(98)), "pw").scopes(scopes))
        .start()
        .await
        .unwrap();
    for basic in [false, true] {
        assert_eq!(
            client_credentials(&mock, &id100, &secret100, basic).await.0,
            200,
            "100 and 100, basic {basic}"
        );
        refused_with(
            client_credentials(&mock, "long.secret", &secret101, basic).await,
            "invalid_client",
            format_args!("a 101-character secret, basic {basic}"),
        );
        refused_with(
            client_credentials(&mock, &id101, "short", basic).await,
            "invalid_client",
            format_args!("a 101-character id, basic {basic}"),
        );
    }
    let accented = format!("{}é", "e".repeat(98));
    assert_eq!(
        client_credentials(&mock, &accented, "pw", false).await.0,
        200,
        "in the body: 100 bytes"
    );
    assert_eq!(
        client_credentials(&mock, &accented, "pw", true).await.0,
        400,
        "in the header: 104 characters as sent"
    );
}

/// IdentityServer's Basic parser (`BasicAuthenticationSecretParser`) finds nothing in a
/// header whose client id, as sent, is empty or blank, so the body's credentials are
/// read instead; a header with an id and a secret wins over the body.
#[tokio::test]
async fn a_basic_header_without_a_client_id_leaves_the_body_to_speak() {
    let mock = MockServer::builder().start().await.unwrap();
    let send = |header: String, id: &str, secret: &str| {
        http()
            .post(mock.token_url())
            .header("Authorization", header)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
            ])
            .send()
    };
    let system = MYSYSTEM;
    let raw = |pair: &str| {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    };
    // The id is judged as sent, before form-decoding: empty or blank is no id.
    for empty in [raw(":whatever"), raw(" :whatever")] {
        let r = send(empty, system.0, system.1).await.unwrap();
        assert_eq!(r.status(), 200, "the body's credentials are used");
    }
    // `+` is an id as sent (it decodes to a space): the header wins, and fails.
    for header in [raw("+:whatever"), raw("myid.limited:wrong")] {
        let r = send(header.clone(), system.0, system.1).await.unwrap();
        assert_eq!(r.status(), 400, "{header} wins over the body");
    }
}

/// A secret's `Expiration` (IdentityServer's `Secret.Expiration`): a secret past it is
/// not compared at all; one expiring this very second still works (expired means
/// before now); another secret of the same client is unaffected.
#[tokio::test]
async fn a_secret_works_until_its_expiration_and_not_a_second_after() {
    let expires = 1_900_000_000; // 2030-03-17T17:46:40Z
    let clock = Clock::manual(expires - 10);
    let hash = |s: &str| hash_secret(&ClientSecret::new(s));
    let mock = MockServer::builder()
        .client(
            Client::confidential("rotating", "unused")
                .scopes(["myid.rest.basic"])
                .setting(
                    "ClientSecrets",
                    json!([
                        { "Value": hash("old-secret"), "Expiration": "2030-03-17T17:46:40Z" },
                        { "Value": hash("new-secret") }
                    ]),
                ),
        )
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    assert_eq!(
        client_credentials(&mock, "rotating", "old-secret", true)
            .await
            .0,
        200
    );
    clock.set(expires).unwrap();
    assert_eq!(
        client_credentials(&mock, "rotating", "old-secret", true)
            .await
            .0,
        200,
        "on its second"
    );
    clock.set(expires + 1).unwrap();
    refused_with(
        client_credentials(&mock, "rotating", "old-secret", true).await,
        "invalid_client",
        "a second after",
    );
    assert_eq!(
        client_credentials(&mock, "rotating", "new-secret", true)
            .await
            .0,
        200,
        "the other secret"
    );
}

/// The code flow for a client given in code, to its first token response.
async fn code_flow(
    mock: &MockServer,
    client: &reqwest::Client,
    client_id: &str,
) -> (PkceVerifier, String) {
    let verifier = pkce::generate_verifier();
    let challenge = pkce::s256_challenge(&verifier);
    let code = sign_in(
        client,
        &mock.base_url(),
        client_id,
        challenge.as_str(),
        "myid.rest.basic offline_access",
    )
    .await;
    (verifier, code)
}

async fn form(
    client: &reqwest::Client,
    mock: &MockServer,
    params: &[(&str, &str)],
) -> (u16, Value) {
    let r = client
        .post(mock.token_url())
        .form(params)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The code exchange of public client `id`.
async fn exchange(
    c: &reqwest::Client,
    mock: &MockServer,
    id: &str,
    code: &str,
    verifier: &PkceVerifier,
) -> (u16, Value) {
    form(
        c,
        mock,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", id),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.expose()),
        ],
    )
    .await
}

/// Public client `id` signs in with offline access: its first refresh token.
async fn first_refresh_token(c: &reqwest::Client, mock: &MockServer, id: &str) -> String {
    let (verifier, code) = code_flow(mock, c, id).await;
    let (status, body) = exchange(c, mock, id, &code, &verifier).await;
    assert_eq!(status, 200, "{body}");
    body["refresh_token"].as_str().unwrap().to_owned()
}

/// A refresh by public client `id`.
async fn refresh(c: &reqwest::Client, mock: &MockServer, id: &str, token: &str) -> (u16, Value) {
    form(
        c,
        mock,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", id),
            ("refresh_token", token),
        ],
    )
    .await
}

fn lifetime_client() -> Client {
    Client::public("life")
        .scopes(["myid.rest.basic", "offline_access"])
        .redirect_uri(REDIRECT)
        .access_token_lifetime(1234)
        .setting("AuthorizationCodeLifetime", 60)
        .setting("SlidingRefreshTokenLifetime", 600)
        .setting("AbsoluteRefreshTokenLifetime", 6000)
}

/// A refresh answers an identity token only when the grant has `openid` (OpenID Connect
/// Core §12.2, IdentityServer's `CreateIdTokenFromRefreshTokenRequestAsync`): a grant of
/// API scopes alone refreshes to an access token and a refresh token, nothing more.
#[tokio::test]
async fn a_refresh_without_openid_answers_no_identity_token() {
    let mock = MockServer::builder()
        .client(lifetime_client())
        .start()
        .await
        .unwrap();
    let c = browser();
    let token = first_refresh_token(&c, &mock, "life").await;
    let (status, body) = refresh(&c, &mock, "life", &token).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string(), "{body}");
    assert_eq!(body.get("id_token"), None, "{body}");
}

/// Every access token lives exactly as long as its `expires_in` says, the refreshed one
/// too (RFC 6749 §5.1; IdentityServer's `AccessTokenLifetime`).
#[tokio::test]
async fn a_refreshed_access_token_lives_as_long_as_its_expires_in() {
    let mock = MockServer::builder()
        .client(lifetime_client())
        .start()
        .await
        .unwrap();
    let c = browser();
    let (verifier, code) = code_flow(&mock, &c, "life").await;
    let (_, first) = exchange(&c, &mock, "life", &code, &verifier).await;
    mock.clock().advance(100).unwrap();
    let (status, second) =
        refresh(&c, &mock, "life", first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{second}");
    for body in [&first, &second] {
        let t = claims(body["access_token"].as_str().unwrap());
        assert_eq!(body["expires_in"], 1234);
        assert_eq!(
            t["exp"].as_i64().unwrap() - t["nbf"].as_i64().unwrap(),
            1234,
            "{t}"
        );
    }
    let t = claims(second["access_token"].as_str().unwrap());
    assert_eq!(
        t["nbf"].as_i64().unwrap(),
        mock.clock().now(),
        "issued at the refresh"
    );
}

/// IdentityServer's `HasExceeded`: a code, and a refresh token on its sliding
/// lifetime, are good through the last second of their lifetime and refused the
/// second after.
#[tokio::test]
async fn codes_and_refresh_tokens_are_good_through_their_last_second() {
    let mock = MockServer::builder()
        .client(lifetime_client())
        .start()
        .await
        .unwrap();
    let c = browser();
    // A code on its 60th second works; one on its 61st does not.
    let (verifier, code) = code_flow(&mock, &c, "life").await;
    mock.clock().advance(60).unwrap();
    let (status, first) = exchange(&c, &mock, "life", &code, &verifier).await;
    assert_eq!(
        status, 200,
        "a code on the last second of its lifetime: {first}"
    );
    // The second late, with the server busy on its last second (so its sweep of what
    // has expired, once a minute, has just run and is not what refuses the code).
    let (verifier, code) = code_flow(&mock, &c, "life").await;
    mock.clock().advance(60).unwrap();
    let (status, _) = exchange(&c, &mock, "life", "another-code", &verifier).await;
    assert_eq!(status, 400);
    mock.clock().advance(1).unwrap();
    refused_with(
        exchange(&c, &mock, "life", &code, &verifier).await,
        "invalid_grant",
        "a second late",
    );
    // The refresh token: 600 s sliding. At 600 s it works and slides on; 601 s after
    // that refresh it is refused (again with the server busy the second before).
    mock.clock().advance(600 - 61).unwrap(); // 600 s after `first`
    let (status, second) =
        refresh(&c, &mock, "life", first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        status, 200,
        "a refresh token on the last second of its sliding lifetime: {second}"
    );
    mock.clock().advance(600).unwrap();
    assert_eq!(refresh(&c, &mock, "life", "another-token").await.0, 400);
    mock.clock().advance(1).unwrap();
    refused_with(
        refresh(&c, &mock, "life", second["refresh_token"].as_str().unwrap()).await,
        "invalid_grant",
        "a second past it",
    );
}

/// ASP.NET's JWT bearer validation at the Core API: five minutes of clock skew each
/// way, inclusive — a token is good until `exp` + 300 s and from `nbf` − 300 s.
#[tokio::test]
async fn the_api_allows_exactly_five_minutes_of_skew() {
    let mock = MockServer::builder().start().await.unwrap();
    let now = mock.clock().now();
    let service = || Mint::client("myid.mysystem");
    for (mint, want, what) in [
        (service().lifetime(-300), 200, "expired 300 s ago"),
        (service().lifetime(-301), 401, "expired 301 s ago"),
        (
            service().claim("nbf", now + 300).claim("exp", now + 3600),
            200,
            "valid in 300 s",
        ),
        (
            service().claim("nbf", now + 301).claim("exp", now + 3600),
            401,
            "valid in 301 s",
        ),
    ] {
        let token = mock.access_token(&mint).unwrap();
        assert_eq!(api(&mock, &token, "/People").await.0, want, "{what}");
    }
}

/// The Core API takes a token whose audiences include `myid.rest`, however many it has
/// (RFC 7519 §4.1.3), and no token without it.
#[tokio::test]
async fn the_api_takes_any_token_whose_audiences_include_its_own() {
    let mock = MockServer::builder().start().await.unwrap();
    for (aud, want) in [
        (json!(["api.other", "myid.rest"]), 200),
        (json!(["myid.rest", "api.other"]), 200),
        (json!("myid.rest"), 200),
        (json!(["api.other", "api.third"]), 401),
        (json!("api.other"), 401),
        (Value::Null, 401),
    ] {
        let token = mock
            .access_token(&Mint::client("myid.mysystem").claim("aud", aud.clone()))
            .unwrap();
        assert_eq!(api(&mock, &token, "/People").await.0, want, "aud {aud}");
    }
}

/// The shipped group tree's ids (fixtures/data/groups.json).
const GROUPS: [(&str, &str); 9] = [
    ("EA1856E3-9C8B-45FA-8209-9D006CB43863", "Root"),
    ("483040F1-52FE-4CE1-ADCF-3FC67065003F", "MasterAdmin"),
    ("DD87FFA6-881E-4737-92D1-3DF862CF3CF5", "System Startup"),
    ("4C1D2B7A-1E5F-4B3C-9A8D-7F6E5D4C3B2A", "Default ADS"),
    ("B2F202C3-C1FD-48ED-A955-20E1B019907A", "Enterprise"),
    ("EF8998AC-B2B6-4CF0-8DC3-99D0DCA2DA2B", "Finance"),
    ("0A9B8C7D-6E5F-4A3B-8C2D-1E0F9A8B7C6D", "Payroll"),
    ("5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8B9", "Engineering"),
    ("7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E", "API Users"),
];

/// A role's scope (manual §2.2): `division` shows the people of the API user's group
/// and of every group below it; `department` only their own group's.
#[tokio::test]
async fn a_division_is_the_group_and_every_group_below_it() {
    let enterprise = "B2F202C3-C1FD-48ED-A955-20E1B019907A";
    let person = |id: &str, logon: &str, scope: &str| {
        json!({
            "id": id, "logonName": logon,
            "name": { "first": logon, "last": "Viewer" },
            "group": { "id": enterprise },
            "roles": [ { "id": "Limited API", "scope": scope } ],
            "enabled": "1"
        })
    };
    let mock = MockServer::builder()
        .person(person(
            "D1D1D1D1-0000-4000-8000-000000000001",
            "division.viewer",
            "division",
        ))
        .person(person(
            "D2D2D2D2-0000-4000-8000-000000000002",
            "department.viewer",
            "department",
        ))
        .client(
            Client::confidential("by.division", "pw")
                .scopes(["myid.rest.basic"])
                .api_user("division.viewer"),
        )
        .client(
            Client::confidential("by.department", "pw")
                .scopes(["myid.rest.basic"])
                .api_user("department.viewer"),
        )
        .start()
        .await
        .unwrap();
    let groups_of = |body: &Value| -> std::collections::BTreeSet<String> {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let id = p["group"]["id"].as_str().unwrap_or_default().to_uppercase();
                GROUPS
                    .iter()
                    .find(|(g, _)| *g == id)
                    .map_or(id, |(_, name)| (*name).to_owned())
            })
            .collect()
    };
    let token = mock.access_token(&Mint::client("by.division")).unwrap();
    let (status, division) = api(&mock, &token, "/People?q=*").await;
    assert_eq!(status, 200, "{division}");
    let seen = groups_of(&division);
    for g in ["Enterprise", "Finance", "Payroll", "Engineering"] {
        assert!(seen.contains(g), "the division includes {g}: {seen:?}");
    }
    for g in ["API Users", "Root", "Default ADS"] {
        assert!(!seen.contains(g), "the division excludes {g}: {seen:?}");
    }
    let token = mock.access_token(&Mint::client("by.department")).unwrap();
    let (_, department) = api(&mock, &token, "/People?q=*").await;
    let seen = groups_of(&department);
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        vec!["Enterprise".to_owned()],
        "{department}"
    );
}

/// Report 290015, the audit of Core API calls (manual §8.14 names it; its columns are
/// assumed): each call's row says when it was made (UTC, ISO 8601, on the server's
/// clock), what was called (`METHOD /path`), for which API user (the client's
/// `MyIDLogonName`), with which `CLIENT_IDENTIFIER` (§3.3.2) and how it ended;
/// `AuditID` numbers the rows and `-AuditID` puts the newest first, across the
/// digits' boundary (row 10 after row 9); `Status` orders as numbers too.
#[tokio::test]
async fn the_audit_shows_each_call_when_what_who_and_how_newest_first() {
    let mock = MockServer::builder()
        .clock(Clock::manual(1_700_000_000))
        .start()
        .await
        .unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let start = mock.clock().now();
    for i in 1..=12 {
        mock.clock().advance(60).unwrap();
        let r = http()
            .get(format!("{}/Groups?q=*", mock.api_url()))
            .bearer_auth(&token)
            .header("CLIENT_IDENTIFIER", format!("call-{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let (status, page) = api(&mock, &token, "/Reports/290015?page=1&order_by=-AuditID").await;
    assert_eq!(status, 200, "{page}");
    let rows = page["results"].as_array().unwrap();
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r["AuditID"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let identifiers: Vec<&str> = rows
        .iter()
        .take(3)
        .map(|r| r["ClientIdentifier"].as_str().unwrap())
        .collect();
    assert_eq!(identifiers, ["call-12", "call-11", "call-10"]);
    let newest = &rows[0];
    // The path as called; the mock routes without regard to case, as IIS does.
    assert!(
        newest["Operation"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("GET /rest.core/api/Groups"),
        "{newest}"
    );
    assert_eq!(newest["Operator"], "api.external", "{newest}");
    assert_eq!(newest["Status"], 200, "{newest}");
    let minutes = |m: i64| {
        let t = start + m * 60;
        let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
        assert_eq!(days, 19_675, "the mock's clock starts on 2023-11-14");
        format!(
            "2023-11-14T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    };
    assert_eq!(newest["UTCStartTime"], minutes(12), "{newest}");
    assert_eq!(rows[1]["UTCStartTime"], minutes(11));
    // Statuses order as numbers too: one refused call among the successes comes first
    // by -Status.
    let (status, refused) = api(&mock, &token, "/People/not-a-guid").await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(api(&mock, &token, "/Groups?q=*").await.0, 200);
    let (_, page) = api(&mock, &token, "/Reports/290015?page=1&order_by=-Status").await;
    let statuses: Vec<i64> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses[0], 400, "{statuses:?}");
    assert!(statuses[1..].iter().all(|s| *s == 200), "{statuses:?}");
}

/// Manual §4.5: revoking an access token that carries `myid.rest.basic` records it, so
/// it is no longer valid; one without that scope (a token for another product) stays
/// valid until it expires, as its API's introspection says, though the revocation
/// answers 200 all the same. Introspection's caller is an API resource by its name and
/// its own secret together (IdentityServer's `ApiSecretValidator`).
#[tokio::test]
async fn a_revoked_token_without_the_api_scope_stays_valid_until_it_expires() {
    let mws = hash_secret(&ClientSecret::new("mws-secret"));
    let mock = MockServer::builder()
        .settings_json(
            json!({"ApiResources": [
                {"Name": "myid.rest", "Scopes": ["myid.rest.basic"]},
                {"Name": "myid.mws", "Scopes": ["myid.devicepicker"],
                 "ApiSecrets": [{"Value": mws}]}
            ]})
            .to_string(),
        )
        .client(
            Client::confidential("device.app", "pw")
                .scopes(["myid.rest.basic", "myid.devicepicker"]),
        )
        .start()
        .await
        .unwrap();
    let post = |url: String, auth: (&str, &str), form: Vec<(&str, String)>| {
        let request = http()
            .post(url)
            .header(
                "Authorization",
                myid_conformance::protocol::basic::encode(auth.0, auth.1),
            )
            .form(&form);
        async move {
            let r = request.send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let base = mock.auth_url();
    for (scope, active_after) in [
        ("myid.devicepicker", true),
        ("myid.rest.basic myid.devicepicker", false),
    ] {
        let (status, token) = post(
            mock.token_url(),
            ("device.app", "pw"),
            vec![
                ("grant_type", "client_credentials".into()),
                ("scope", scope.into()),
            ],
        )
        .await;
        assert_eq!(status, 200, "{token}");
        let token = token["access_token"].as_str().unwrap().to_owned();
        let revoked = post(
            format!("{base}/connect/revocation"),
            ("device.app", "pw"),
            vec![
                ("token", token.clone()),
                ("token_type_hint", "access_token".into()),
            ],
        )
        .await;
        assert_eq!(revoked.0, 200, "revoking a {scope} token");
        let (status, introspected) = post(
            format!("{base}/connect/introspect"),
            ("myid.mws", "mws-secret"),
            vec![("token", token)],
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            introspected["active"], active_after,
            "a revoked {scope} token: {introspected}"
        );
    }
    // A token whose `scope` claim is one string rather than an array reads the same.
    let one_string = mock
        .access_token(
            &Mint::client("device.app")
                .claim("aud", json!("myid.mws"))
                .claim("scope", json!("myid.devicepicker")),
        )
        .unwrap();
    let form = vec![("token", one_string)];
    let (status, introspected) = post(
        format!("{base}/connect/introspect"),
        ("myid.mws", "mws-secret"),
        form,
    )
    .await;
    assert_eq!(
        (status, &introspected["active"]),
        (200, &json!(true)),
        "{introspected}"
    );
    // The caller is an API resource by its name and its own secret, both.
    for (caller, why) in [
        (("myid.mws", "wrong-secret"), "a wrong secret"),
        (("myid.rest", "mws-secret"), "another resource's secret"),
    ] {
        let form = vec![("token", "anything".to_owned())];
        let (status, _) = post(format!("{base}/connect/introspect"), caller, form).await;
        assert_eq!(status, 401, "{why}");
    }
}

/// IdentityServer ignores form parameters it does not know, and reads a form of up to
/// 4 MiB (ASP.NET's form value limit, which the mock applies to the whole body): a
/// token request of exactly 4 MiB, nearly all of it an unknown parameter, is answered
/// as if it were not there; a byte more is invalid_request, and the connection closes
/// since the body was left unread.
#[tokio::test]
async fn a_token_request_of_four_mebibytes_is_read_and_a_byte_more_is_not() {
    let mock = MockServer::builder()
        .client(Client::confidential("big.form", "pw").scopes(["myid.rest.basic"]))
        .start()
        .await
        .unwrap();
    let head = "grant_type=client_credentials&client_id=big.form&client_secret=pw&pad=";
    let limit = 4 * 1024 * 1024;
    for (len, want) in [(limit, 200), (limit + 1, 400)] {
        let body = format!("{head}{}", "a".repeat(len - head.len()));
        assert_eq!(body.len(), len);
        let r = http()
            .post(mock.token_url())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let close = r.headers().get("connection").is_some_and(|v| v == "close");
        let json: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(status, want, "{len} bytes: {json}");
        if want == 400 {
            assert_eq!(json["error"], "invalid_request");
            assert!(close, "the connection closes after an unread body");
        } else {
            assert!(json["access_token"].is_string());
            assert!(!close);
        }
    }
    // Refused with nothing left unread (a 4 MiB form with a wrong secret, an empty post
    // that is not a form): the connection stays open for the client's next request.
    let head = "grant_type=client_credentials&client_id=big.form&client_secret=no&pad=";
    let r = http()
        .post(mock.token_url())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("{head}{}", "a".repeat(limit - head.len())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("connection").is_none_or(|v| v != "close"));
    let r = http()
        .post(mock.token_url())
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("connection").is_none_or(|v| v != "close"));
}

/// IdentityServer's `DefaultRefreshTokenService`: a sliding refresh token lives its
/// sliding lifetime, capped by a shorter absolute one from the first issue; an
/// absolute lifetime of 0 caps nothing, so the chain lives as long as it is used.
#[tokio::test]
async fn a_shorter_absolute_lifetime_caps_a_sliding_token_and_zero_caps_nothing() {
    let client = |id: &str, absolute: i64| {
        Client::public(id)
            .scopes(["myid.rest.basic", "offline_access"])
            .redirect_uri(REDIRECT)
            .setting("RefreshTokenExpiration", "Sliding")
            .setting("SlidingRefreshTokenLifetime", 600)
            .setting("AbsoluteRefreshTokenLifetime", absolute)
    };
    let mock = MockServer::builder()
        .client(client("capped", 300))
        .client(client("uncapped", 0))
        .start()
        .await
        .unwrap();
    let c = browser();
    // Capped: good through 300 s, not 600 (the server busy on the last second).
    let token = first_refresh_token(&c, &mock, "capped").await;
    mock.clock().advance(300).unwrap();
    assert_eq!(refresh(&c, &mock, "capped", "another-token").await.0, 400);
    mock.clock().advance(1).unwrap();
    refused_with(
        refresh(&c, &mock, "capped", &token).await,
        "invalid_grant",
        "301 s after the first issue, past the absolute 300 s",
    );
    // Uncapped: refreshed every 500 s, ten times over, it lives on.
    let mut token = first_refresh_token(&c, &mock, "uncapped").await;
    for round in 1..=10 {
        mock.clock().advance(500).unwrap();
        let (status, body) = refresh(&c, &mock, "uncapped", &token).await;
        assert_eq!(status, 200, "refresh {round}, {} s in: {body}", round * 500);
        token = body["refresh_token"].as_str().unwrap().to_owned();
    }
}

/// IdentityServer's `RefreshTokenUsage`: `OneTimeOnly` (MyID's) hands out a new refresh
/// token on each use and refuses the old one again; `ReUse` answers with the same
/// token, which keeps working.
#[tokio::test]
async fn one_time_refresh_tokens_rotate_and_reusable_ones_stay() {
    let client = |id: &str, usage: &str| {
        Client::public(id)
            .scopes(["myid.rest.basic", "offline_access"])
            .redirect_uri(REDIRECT)
            .setting("RefreshTokenUsage", usage)
    };
    let mock = MockServer::builder()
        .client(client("one.time", "OneTimeOnly"))
        .client(client("reuse", "ReUse"))
        .start()
        .await
        .unwrap();
    let c = browser();
    for (id, rotates) in [("one.time", true), ("reuse", false)] {
        let token = first_refresh_token(&c, &mock, id).await;
        let (status, second) = refresh(&c, &mock, id, &token).await;
        assert_eq!(status, 200, "{id}: {second}");
        assert_eq!(
            second["refresh_token"] != token.as_str(),
            rotates,
            "{id}: {second}"
        );
        let (status, again) = refresh(&c, &mock, id, &token).await;
        assert_eq!(
            status == 200,
            !rotates,
            "{id}, the first token again: {again}"
        );
    }
}

/// IdentityServer's `InputLengthRestrictions.Scope`: a `scope` parameter of up to 300
/// characters is read (spaces between scopes count); a longer one is invalid_scope,
/// even when every scope in it is the client's. It holds for client credentials and
/// for the `operation` extension grant alike.
#[tokio::test]
async fn a_scope_parameter_of_300_characters_is_read_and_301_is_not() {
    let mock = MockServer::builder()
        .client(Client::confidential("scoped", "pw").scopes(["myid.rest.basic"]))
        .client(operation_client())
        .start()
        .await
        .unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    for (len, want) in [(300, 200), (301, 400)] {
        for (grant, scope) in [
            ("client_credentials", "myid.rest.basic"),
            ("operation", "myid.operation"),
        ] {
            let padded = format!("{scope}{}", " ".repeat(len - scope.len()));
            let (status, body) = if grant == "operation" {
                operation(&mock, &token, &padded).await
            } else {
                form(
                    &http(),
                    &mock,
                    &[
                        ("grant_type", grant),
                        ("client_id", "scoped"),
                        ("client_secret", "pw"),
                        ("scope", &padded),
                    ],
                )
                .await
            };
            assert_eq!(status, want, "{grant}, {len} characters: {body}");
            if want == 400 {
                assert_eq!(body["error"], "invalid_scope", "{grant}");
            } else {
                assert_eq!(body["scope"], scope, "{grant}");
            }
        }
    }
}

/// A client of the `operation` grant as the manual's MyID Client Service is set up.
fn operation_client() -> Client {
    Client::public("mcs")
        .grants(["operation"])
        .scopes(["myid.operation", "myid.devicepicker"])
}

/// Asks for a Reset Card PIN token for one device with `token`, as `mcs`.
async fn operation(mock: &MockServer, token: &str, scope: &str) -> (u16, Value) {
    form(
        &http(),
        mock,
        &[
            ("grant_type", "operation"),
            ("client_id", "mcs"),
            ("op", "297"),
            ("scope", scope),
            ("deviceId", "0F2B5C3D-1A2B-4C3D-8E9F-001122334455"),
            ("token", token),
        ],
    )
    .await
}

/// The operation grant checks the token it trades as IdentityServer checks its access
/// tokens (assumed: MyID's validator is not public, and IdentityServer hands an
/// extension grant its token validator): good through `exp` + 300 s and from
/// `nbf` − 300 s, a token of this server only, carrying the Core API's scope.
#[tokio::test]
async fn the_operation_grant_takes_a_token_within_five_minutes_of_its_lifetime() {
    let mock = MockServer::builder()
        .client(operation_client())
        .start()
        .await
        .unwrap();
    let now = mock.clock().now();
    let service = || Mint::client("myid.mysystem");
    for (mint, want, what) in [
        (service().lifetime(-300), 200, "expired 300 s ago"),
        (service().lifetime(-301), 400, "expired 301 s ago"),
        (
            service().claim("nbf", now + 300).claim("exp", now + 3600),
            200,
            "valid in 300 s",
        ),
        (
            service().claim("nbf", now + 301).claim("exp", now + 3600),
            400,
            "valid in 301 s",
        ),
        (
            service().claim("iss", "https://elsewhere.example/web.oauth2"),
            400,
            "issued by another server",
        ),
        // IdentityServer's validator reads a space-delimited scope string as well as
        // an array (TokenValidator, 4.1.2).
        (
            service().claim("scope", "openid myid.rest.basic"),
            200,
            "the API scope in a scope string",
        ),
        (
            service().claim("scope", "openid profile"),
            400,
            "a scope string without the API scope",
        ),
    ] {
        let token = mock.access_token(&mint).unwrap();
        let (status, body) = operation(&mock, &token, "myid.operation").await;
        assert_eq!(status, want, "{what}: {body}");
        if want == 400 {
            assert_eq!(body["error"], "invalid_grant", "{what}");
        }
    }
}

/// A mock with [`operation_client`], and a token of the service client `myid.mysystem`
/// for it to trade.
async fn operation_mock() -> (MockServer, String) {
    let mock = MockServer::builder()
        .client(operation_client())
        .start()
        .await
        .unwrap();
    let token = mock.access_token(&Mint::client(MYSYSTEM.0)).unwrap();
    (mock, token)
}

/// The device picker's operation (Read Card, 100221, scope `myid.devicepicker`) carries
/// its user claims (manual §6.2): the detection context as sent and the operator's
/// session; a card operation (Reset Card PIN, 297) carries neither.
#[tokio::test]
async fn only_the_device_picker_s_token_carries_its_detection_context() {
    let (mock, token) = operation_mock().await;
    let (status, body) = form(
        &http(),
        &mock,
        &[
            ("grant_type", "operation"),
            ("client_id", "mcs"),
            ("op", "100221"),
            ("scope", "myid.devicepicker"),
            ("deviceDetectContext", "reader-1"),
            ("token", &token),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let picker = claims(body["access_token"].as_str().unwrap());
    assert_eq!(picker["deviceDetectContext"], "reader-1", "{picker}");
    assert!(picker["myidSessionId"].is_string(), "{picker}");
    let (status, body) = operation(&mock, &token, "myid.operation").await;
    assert_eq!(status, 200, "{body}");
    let reset = claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        (reset.get("deviceDetectContext"), reset.get("myidSessionId")),
        (None, None),
        "{reset}"
    );
}

/// The operation grant gives only scopes the client is allowed: one the server knows
/// but the client may not have is invalid_scope, beside one it may (IdentityServer's
/// resource validation for extension grants).
#[tokio::test]
async fn the_operation_grant_refuses_a_known_scope_the_client_is_not_allowed() {
    let (mock, token) = operation_mock().await;
    for (scope, want) in [
        ("myid.operation", 200),
        ("myid.operation myid.rest.basic", 400),
        ("myid.operation openid", 400),
    ] {
        let (status, body) = operation(&mock, &token, scope).await;
        assert_eq!(status, want, "{scope}: {body}");
        if want == 400 {
            assert_eq!(body["error"], "invalid_scope", "{scope}");
        }
    }
}

/// The requests report (100406) ordered by its key, `RequestID`, either way, comes in
/// that order across its pages (the mock orders ids as text, without regard to case:
/// assumed, since SQL Server orders its GUIDs otherwise).
#[tokio::test]
async fn the_requests_report_orders_by_its_key_both_ways() {
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    for order in ["RequestID", "-RequestID"] {
        let mut ids = Vec::new();
        for page in 1.. {
            let (status, body) = api(
                &mock,
                &token,
                &format!("/Reports/100406?page={page}&order_by={order}"),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            let rows = body["results"].as_array().unwrap();
            if rows.is_empty() {
                break;
            }
            ids.extend(
                rows.iter()
                    .map(|r| r["RequestID"].as_str().unwrap().to_lowercase()),
            );
        }
        assert!(ids.len() > 10, "more than a page: {}", ids.len());
        let mut sorted = ids.clone();
        sorted.sort();
        if order.starts_with('-') {
            sorted.reverse();
        }
        assert_eq!(ids, sorted, "ordered by {order}");
    }
}

/// A page links to the next one only when rows remain (manual §8.14: the link is there
/// "if necessary"): the audit of exactly two pages' rows has no link on its second.
#[tokio::test]
async fn the_last_full_page_links_nowhere() {
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    // 19 calls, and the first page's own call: 20 rows, two full pages of 10.
    for _ in 0..19 {
        assert_eq!(api(&mock, &token, "/Groups?q=*").await.0, 200);
    }
    let next = |body: &Value| {
        body["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["op"] == "nextPage")
    };
    let (_, first) = api(&mock, &token, "/Reports/290015?page=1&order_by=AuditID").await;
    assert_eq!(first["results"].as_array().unwrap().len(), 10);
    assert!(next(&first), "{first}");
    let (_, second) = api(&mock, &token, "/Reports/290015?page=2&order_by=AuditID").await;
    assert_eq!(second["results"].as_array().unwrap().len(), 10, "{second}");
    assert!(!next(&second), "{second}");
}

/// The demo ClearID client, whose assertion key is in `fixtures/keys`.
const CLEARID_CLIENT: &str = "6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos";

/// The demo ClearID client's signing key (`fixtures/keys/clearid-client.pem`).
fn clearid_key() -> jsonwebtoken::EncodingKey {
    let pem = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/keys/clearid-client.pem"
    ))
    .unwrap();
    jsonwebtoken::EncodingKey::from_rsa_pem(&pem).unwrap()
}

/// An RFC 7523 assertion of the demo ClearID client, signed with its key (RS512),
/// `iss` = `sub` = the client, with `aud` and the times given.
fn clearid_assertion(aud: Value, nbf: i64, exp: i64) -> String {
    let key = clearid_key();
    let jti = myid_conformance::protocol::handle::random_hex(16);
    let claims = json!({
        "iss": CLEARID_CLIENT, "sub": CLEARID_CLIENT, "aud": aud,
        "nbf": nbf, "iat": nbf, "exp": exp, "jti": jti,
    });
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS512);
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

/// A valid assertion of the demo ClearID client exactly `len` characters long: padded
/// by a claim, and by the header's `kid` where the payload's base64 cannot land on it.
fn clearid_assertion_of_length(now: i64, len: usize) -> String {
    let key = clearid_key();
    let sign = |kid: usize, pad: usize| {
        let claims = json!({
            "iss": CLEARID_CLIENT, "sub": CLEARID_CLIENT, "aud": "iams-sts",
            "nbf": now, "iat": now, "exp": now + 60,
            "jti": myid_conformance::protocol::handle::random_hex(16), "pad": "p".repeat(pad),
        });
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS512);
        header.kid = (kid > 0).then(|| "k".repeat(kid));
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    (0..4)
        .flat_map(|kid| {
            let pad = (len - sign(kid, 0).len()) * 3 / 4;
            (pad.saturating_sub(4)..pad + 4).map(move |p| (kid, p))
        })
        .map(|(kid, p)| sign(kid, p))
        .find(|t| t.len() == len)
        .expect("a length reachable by padding")
}

/// The demo ClearID client's jwt-bearer grant request with `assertion`.
async fn jwt_bearer(mock: &MockServer, assertion: &str) -> (u16, Value) {
    form(
        &http(),
        mock,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("client_id", CLEARID_CLIENT),
            ("assertion", assertion),
        ],
    )
    .await
}

/// ClearID's jwt-bearer grant checks an assertion as IdentityServer's JWT handler
/// does (assumed: the STS is IdentityServer4 by every published sign): five minutes of
/// clock skew each way, both ends inclusive — good through `exp` + 300 s and from
/// `nbf` − 300 s — and at most an hour long, give or take the same skew. Its `aud` may be
/// one string or an array, and must name the STS (RFC 7523 §3, RFC 7519 §4.1.3).
#[tokio::test]
async fn a_clearid_assertion_is_good_within_five_minutes_of_its_times() {
    let mock = MockBuilder::new(Profile::CLEARID).start().await.unwrap();
    let now = mock.clock().now();
    let sts = || json!("iams-sts");
    for (aud, nbf, exp, want, what) in [
        (sts(), now - 3900, now - 300, 200, "expired 300 s ago"),
        (sts(), now - 3901, now - 301, 400, "expired 301 s ago"),
        (sts(), now + 300, now + 3600, 200, "valid in 300 s"),
        (sts(), now + 301, now + 3600, 400, "valid in 301 s"),
        (sts(), now, now + 3900, 200, "an hour and 300 s long"),
        (sts(), now, now + 3901, 400, "an hour and 301 s long"),
        (
            json!(["elsewhere", "iams-sts"]),
            now,
            now + 60,
            200,
            "aud: an array naming the STS",
        ),
        (
            json!(["iams-sts"]),
            now,
            now + 60,
            200,
            "aud: an array of the STS alone",
        ),
        (
            json!(["elsewhere"]),
            now,
            now + 60,
            400,
            "aud: an array without the STS",
        ),
    ] {
        let assertion = clearid_assertion(aud, nbf, exp);
        let (status, body) = jwt_bearer(&mock, &assertion).await;
        assert_eq!(status, want, "{what}: {body}");
        if want == 400 {
            assert_eq!(body["error"], "invalid_grant", "{what}");
        }
    }
}

/// A ClearID assertion works once for as long as it could work at all: its `jti` is
/// remembered through `exp` and the five minutes of skew, so a replay on the last
/// second it would be in time is still refused (RFC 7523 §3 lets a server refuse a
/// `jti` it has seen; assumed of ClearID, as the feature's scenario says).
#[tokio::test]
async fn a_clearid_assertion_is_refused_again_through_its_last_second() {
    let mock = MockBuilder::new(Profile::CLEARID).start().await.unwrap();
    let now = mock.clock().now();
    let assertion = clearid_assertion(json!("iams-sts"), now, now + 60);
    assert_eq!(jwt_bearer(&mock, &assertion).await.0, 200);
    mock.clock().advance(360).unwrap();
    let (status, body) = jwt_bearer(&mock, &assertion).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_description"], "the assertion was used before");
}

/// ClearID's STS reads an assertion of up to IdentityServer's JWT input limit, 51,200
/// characters, and refuses a longer one before looking inside it.
#[tokio::test]
async fn a_clearid_assertion_of_51200_characters_is_read_and_longer_is_not() {
    let mock = MockBuilder::new(Profile::CLEARID).start().await.unwrap();
    let now = mock.clock().now();
    let at_limit = clearid_assertion_of_length(now, 51_200);
    let (status, body) = jwt_bearer(&mock, &at_limit).await;
    assert_eq!(status, 200, "{body}");
    let over = clearid_assertion_of_length(now, 51_201);
    let (status, body) = jwt_bearer(&mock, &over).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("the assertion is longer than a JWT may be")),
        "{body}"
    );
}

/// ClearID's Identity Service lists an account's own identities, whatever the case of
/// the account in the path, and no other account's.
#[tokio::test]
async fn the_clearid_identity_service_lists_the_account_s_own_identities() {
    let mock = MockBuilder::new(Profile::CLEARID).start().await.unwrap();
    let token = mock.access_token(&Mint::client(CLEARID_CLIENT)).unwrap();
    let r = http()
        .get(format!(
            "{}/api/v2/accounts/ClearIDDemos/identities",
            mock.base_url()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["firstName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Jordan", "Sam", "Alex"], "{body}");
}

/// ClearID's Identity Service takes a bearer token as an ASP.NET API does (assumed:
/// ClearID does not document it): five minutes of skew each way, both ends inclusive,
/// issued by its own STS (its configured authority; see `tests/documents.rs` for the
/// issuer taken without one).
#[tokio::test]
async fn the_clearid_identity_service_allows_exactly_five_minutes_of_skew() {
    let mock = MockBuilder::new(Profile::CLEARID)
        .settings_json(r#"{ "ClearId": { "Authority": "https://sts-demo.clearid.io" } }"#)
        .start()
        .await
        .unwrap();
    let now = mock.clock().now();
    let client = || Mint::client(CLEARID_CLIENT);
    for (mint, want, what) in [
        (client().lifetime(-300), 200, "expired 300 s ago"),
        (client().lifetime(-301), 401, "expired 301 s ago"),
        (
            client().claim("nbf", now + 300).claim("exp", now + 3600),
            200,
            "valid in 300 s",
        ),
        (
            client().claim("nbf", now + 301).claim("exp", now + 3600),
            401,
            "valid in 301 s",
        ),
        (
            client().claim("iss", "https://elsewhere.example"),
            401,
            "issued elsewhere",
        ),
        (
            client().claim("account_id", json!(["devdemos", "cleariddemos"])),
            200,
            "account_id: an array naming the account",
        ),
        (
            client().claim("account_id", json!(["devdemos"])),
            403,
            "account_id: an array without the account",
        ),
    ] {
        let token = mock.access_token(&mint).unwrap();
        let status = http()
            .get(format!(
                "{}/api/v2/accounts/cleariddemos/identities",
                mock.base_url()
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, want, "{what}");
    }
}

/// A Jim2 access token works through the last second of its `expires_in` and not on
/// the second it runs out (assumed: Jim2 does not document how it counts, and the
/// mock counts as it does for MyID's codes); logoff is where a token is taken back.
#[tokio::test]
async fn a_jim2_token_logs_off_until_its_lifetime_has_passed() {
    let mock = MockBuilder::new(Profile::JIM2)
        .client(Client::confidential("acme", "pw"))
        .client(Client::confidential("beta", "pw"))
        .start()
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for id in ["acme", "beta"] {
        let (status, body) = form(
            &http(),
            &mock,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", "pw"),
                ("scope", "view"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        tokens.push((
            body["access_token"].as_str().unwrap().to_owned(),
            body["expires_in"].as_i64().unwrap(),
        ));
    }
    let logoff = |t: &str| {
        http()
            .post(mock.token_url().replace("/token", "/logoff"))
            .bearer_auth(t.to_owned())
            .send()
    };
    let lifetime = tokens[0].1;
    mock.clock().advance(lifetime - 1).unwrap();
    assert_eq!(
        logoff(&tokens[0].0).await.unwrap().status(),
        200,
        "its last second"
    );
    mock.clock().advance(1).unwrap();
    assert_eq!(logoff(&tokens[1].0).await.unwrap().status(), 401, "run out");
}

/// The tenant and realm of the Beyond Identity mock's shipped settings.
const BI_REALM: &str = "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d";
/// Its client-credentials application (OAuth2): id and client id.
const BI_SERVICE: (&str, &str) = (
    "3b1f0a52-9c7d-4e2b-8f61-0d5a7c9e4b21",
    "AYYNcuOSpfqIf33JeegCzDIT",
);
/// Its Management API application's client id.
const BI_MANAGEMENT: &str = "xYucOePnyLOAhZU_2xyI9mja";

/// A POST of `body` to `path` of the mock, with `auth` as the Authorization header.
async fn post(
    mock: &MockServer,
    path: &str,
    auth: Option<String>,
    body: &[(&str, &str)],
) -> reqwest::Response {
    let mut r = http().post(format!("{}{path}", mock.base_url())).form(body);
    if let Some(a) = auth {
        r = r.header("Authorization", a);
    }
    r.send().await.unwrap()
}

/// Beyond Identity's revocation by bearer takes a Management API token: its audience
/// `beyondidentity`, its scope `tokens:delete`, this tenant's. A live token missing
/// any one of the three is 403 insufficient_scope (RFC 6750 §3.1), and the token it
/// names stays active.
#[tokio::test]
async fn a_beyond_identity_revocation_needs_all_three_marks_of_a_management_token() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let management = || Mint::client(BI_MANAGEMENT);
    let revoke = format!("{BI_REALM}/applications/{}/revoke", BI_SERVICE.0);
    let service = basic::encode(BI_SERVICE.1, "bi-service-secret");
    let introspect = format!("{BI_REALM}/introspect");
    for (bearer, want, what) in [
        (
            management().claim("aud", json!(["http://myexampleapi"])),
            403,
            "another audience",
        ),
        (
            management().scope("tokens:introspect"),
            403,
            "without tokens:delete",
        ),
        (
            management().claim("bi_t", "another-tenant"),
            403,
            "another tenant's",
        ),
        (management(), 200, "a Management API token"),
    ] {
        let target = mock.access_token(&Mint::client(BI_SERVICE.1)).unwrap();
        let bearer = format!("Bearer {}", mock.access_token(&bearer).unwrap());
        let r = post(&mock, &revoke, Some(bearer), &[("token", &target)]).await;
        assert_eq!(r.status().as_u16(), want, "{what}");
        if want == 403 {
            let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
            assert!(
                challenge.contains("insufficient_scope"),
                "{what}: {challenge}"
            );
        }
        let active: Value = post(
            &mock,
            &introspect,
            Some(service.clone()),
            &[("token", &target)],
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(active["active"], want == 403, "{what}: the token after it");
    }
}

/// Beyond Identity's records are capped (`Mock:Caps:VendorRecords`): past the cap the
/// oldest revocation is dropped, so memory stays bounded whatever is revoked, and the
/// token it named is active again while the newest stay revoked.
#[tokio::test]
async fn beyond_identity_keeps_at_most_its_cap_of_revocations() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .settings_json(r#"{"Mock": {"Caps": {"VendorRecords": 2}}}"#)
        .start()
        .await
        .unwrap();
    let revoke = format!("{BI_REALM}/applications/{}/revoke", BI_SERVICE.0);
    let bearer = format!(
        "Bearer {}",
        mock.access_token(&Mint::client(BI_MANAGEMENT)).unwrap()
    );
    let service = basic::encode(BI_SERVICE.1, "bi-service-secret");
    let introspect = format!("{BI_REALM}/introspect");
    let targets: Vec<String> = (0..3)
        .map(|_| mock.access_token(&Mint::client(BI_SERVICE.1)).unwrap())
        .collect();
    for target in &targets {
        let r = post(&mock, &revoke, Some(bearer.clone()), &[("token", target)]).await;
        assert_eq!(r.status(), 200);
    }
    let mut active = Vec::new();
    for target in &targets {
        let body: Value = post(
            &mock,
            &introspect,
            Some(service.clone()),
            &[("token", target)],
        )
        .await
        .json()
        .await
        .unwrap();
        active.push(body["active"].as_bool().unwrap());
    }
    assert_eq!(active, [true, false, false]);
}

/// An OIDC application of Beyond Identity revokes only with a Management API token: its
/// own client credentials are invalid_client there, though they are right (BI's docs
/// give Basic to OAuth2 applications only).
#[tokio::test]
async fn a_beyond_identity_oidc_application_cannot_revoke_with_its_own_credentials() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let target = mock.access_token(&Mint::client(BI_SERVICE.1)).unwrap();
    let oidc = (
        "e00d40f4-77dc-43af-b87e-0e3690d3d3de",
        "09PJUB8eDGJc6C_fBwDaE5YD",
    );
    let r = post(
        &mock,
        &format!("{BI_REALM}/applications/{}/revoke", oidc.0),
        Some(basic::encode(oidc.1, "bi-hosted-secret")),
        &[("token", &target)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

/// Beyond Identity's introspection is the realm's: another tenant's or realm's path is
/// BI's 404, and an application authenticates with its own secret, not another's.
#[tokio::test]
async fn beyond_identity_introspection_is_the_realms_and_its_applications() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let token = mock.access_token(&Mint::client(BI_SERVICE.1)).unwrap();
    let right = basic::encode(BI_SERVICE.1, "bi-service-secret");
    let wrong = basic::encode(BI_SERVICE.1, "bi-other-secret");
    for (path, auth, want, what) in [
        (
            format!("{BI_REALM}/introspect"),
            &right,
            200,
            "the realm, the app's secret",
        ),
        (
            format!("{BI_REALM}/introspect"),
            &wrong,
            401,
            "another app's secret",
        ),
        (
            "/v1/tenants/00018c7edb8e1e3d/realms/1fa458f68ece5b5d/introspect".to_owned(),
            &right,
            404,
            "another tenant",
        ),
        (
            "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5e/introspect".to_owned(),
            &right,
            404,
            "another realm",
        ),
    ] {
        let r = post(&mock, &path, Some(auth.clone()), &[("token", &token)]).await;
        assert_eq!(r.status().as_u16(), want, "{what}");
    }
}

/// An application's endpoints answer only under this mock's tenant and realm both: the
/// same application's path under another tenant, or another realm, is BI's 404.
#[tokio::test]
async fn a_beyond_identity_application_is_found_under_its_tenant_and_realm_only() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let app = format!(
        "applications/{}/.well-known/openid-configuration",
        BI_SERVICE.0
    );
    for (realm, want, what) in [
        (BI_REALM, 200, "this tenant and realm"),
        (
            "/v1/tenants/00018c7edb8e1e3d/realms/1fa458f68ece5b5d",
            404,
            "another tenant",
        ),
        (
            "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5e",
            404,
            "another realm",
        ),
    ] {
        let r = http()
            .get(format!("{}{realm}/{app}", mock.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), want, "{what}");
    }
}

/// Beyond Identity's userinfo answers for a signed-in identity's token that carries
/// `openid`; the same identity's token without it is 403 insufficient_scope (OpenID
/// Connect Core §5.3, RFC 6750 §3.1).
#[tokio::test]
async fn beyond_identity_userinfo_needs_the_openid_scope() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let oidc = (
        "e00d40f4-77dc-43af-b87e-0e3690d3d3de",
        "09PJUB8eDGJc6C_fBwDaE5YD",
    );
    let user = || Mint::client(oidc.1).subject("7a8cce58fd160449");
    for (mint, want, what) in [
        (user().scope("openid pets:read"), 200, "with openid"),
        (user().scope("pets:read"), 403, "without openid"),
    ] {
        let token = mock.access_token(&mint).unwrap();
        let r = http()
            .get(format!(
                "{}{BI_REALM}/applications/{}/userinfo",
                mock.base_url(),
                oidc.0
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), want, "{what}");
    }
}

/// A Beyond Identity access token is in force until its `exp` and not at it (RFC 7519
/// §4.1.4: not accepted on or after that second): userinfo takes it a second before
/// and refuses it at `exp`.
#[tokio::test]
async fn a_beyond_identity_access_token_ends_at_its_exp() {
    let clock = Clock::manual(1_900_000_000);
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let oidc = (
        "e00d40f4-77dc-43af-b87e-0e3690d3d3de",
        "09PJUB8eDGJc6C_fBwDaE5YD",
    );
    let mint = Mint::client(oidc.1)
        .subject("7a8cce58fd160449")
        .scope("openid")
        .lifetime(60);
    let token = mock.access_token(&mint).unwrap();
    let userinfo = || {
        http()
            .get(format!(
                "{}{BI_REALM}/applications/{}/userinfo",
                mock.base_url(),
                oidc.0
            ))
            .bearer_auth(&token)
            .send()
    };
    clock.advance(59).unwrap();
    assert_eq!(
        userinfo().await.unwrap().status(),
        200,
        "a second before exp"
    );
    clock.advance(1).unwrap();
    assert_eq!(userinfo().await.unwrap().status(), 401, "at exp");
}

/// The public half of `fixtures/keys/myid-assertion.pem`, as a secret of Type `JWK`.
const MYID_ASSERTION_JWK: &str = r#"{"kty":"RSA","use":"sig","kid":"myid-assertion","e":"AQAB","n":"1nUlprBJxrkEG3EHBvBNoQA9mhtfpyYbjJU7t_JeLbwEu-_q0iETVcwoJt76uL3XZNpJo2MXTixIZrl1mx2wpwXk93xCvhFNf8k1Z1371aKGPwxraIBwQd2DCKSq4-PkGniwEOhO0ERJwtaDy9NxIpbenlVzQ6VKQp_nzOpGVqY5Q8I-tHk4FPTk69gtPIPRhCR2xt0CZNX_uhrrxoGB0OitziOwvwfZV5IcOU6Gx-fMqn3KrpGVm0F3udfqc9hL-sE4BR0vagEWcdU0DFzf-WQMbj0VTbMkSvXUUXE-xUr2xT1n6wFj-3JDmOo4WBOijpEitimXrFsC-vI35yxS1w"}"#;

/// A client whose only secret is the assertion key, expiring at `expiration` if given.
fn keyed_client(id: &str, expiration: Option<&str>) -> Client {
    let mut secret = json!({ "Type": "JWK", "Value": MYID_ASSERTION_JWK });
    if let Some(e) = expiration {
        secret["Expiration"] = json!(e);
    }
    Client::confidential(id, "unused")
        .scopes(["myid.rest.basic"])
        .setting("ClientSecrets", json!([secret]))
}

/// A client-credentials request authenticated by an RFC 7523 assertion with `sub` =
/// `iss` = `sub`, addressed to the mock's token endpoint, and `client_id` beside it
/// when given: the status and the `error`.
async fn by_assertion(mock: &MockServer, sub: &str, client_id: Option<&str>) -> (u16, Value) {
    let pem = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/keys/myid-assertion.pem"
    ))
    .unwrap();
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).unwrap();
    let now = mock.clock().now();
    let claims = json!({
        "iss": sub, "sub": sub, "aud": mock.token_url(), "iat": now, "exp": now + 60,
        "jti": myid_conformance::protocol::handle::random_hex(16),
    });
    let jwt = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &key,
    )
    .unwrap();
    let mut params = vec![
        ("grant_type", "client_credentials"),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", jwt.as_str()),
    ];
    params.extend(client_id.map(|id| ("client_id", id)));
    let (status, body) = form(&http(), mock, &params).await;
    (status, body["error"].clone())
}

/// IdentityServer's `JwtBearerClientAssertionSecretParser` names the client by the
/// assertion's `sub`: a `client_id` beside it must be the same, and a `sub` longer than
/// the 100 characters of `InputLengthRestrictions` names no client, even one that
/// exists. `PrivateKeyJwtSecretValidator` verifies with the client's unexpired keys
/// only: a key works through its `Expiration` second and not after.
#[tokio::test]
async fn a_client_assertion_names_its_client_by_sub_and_its_key_expires() {
    let expires = 1_900_000_000; // 2030-03-17T17:46:40Z
    let clock = Clock::manual(expires - 10);
    let (id100, id101) = ("k".repeat(100), "l".repeat(101));
    let mock = MockServer::builder()
        .client(keyed_client(&id100, None))
        .client(keyed_client(&id101, None))
        .client(keyed_client("keyed", Some("2030-03-17T17:46:40Z")))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let refused = (400, json!("invalid_client"));
    assert_eq!(
        by_assertion(&mock, &id100, None).await.0,
        200,
        "100 characters"
    );
    assert_eq!(
        by_assertion(&mock, &id101, None).await,
        refused,
        "101 characters"
    );
    assert_eq!(
        by_assertion(&mock, "keyed", Some("keyed")).await.0,
        200,
        "the same client_id"
    );
    assert_eq!(
        by_assertion(&mock, "keyed", Some(&id100)).await,
        refused,
        "another client_id"
    );
    clock.set(expires).unwrap();
    assert_eq!(
        by_assertion(&mock, "keyed", None).await.0,
        200,
        "on the key's last second"
    );
    clock.set(expires + 1).unwrap();
    assert_eq!(
        by_assertion(&mock, "keyed", None).await,
        refused,
        "a second after"
    );
}

/// A search by `logonName` (manual §8.8) finds that person alone, whatever the case
/// of the name asked for, and nobody when no one has it.
#[tokio::test]
async fn a_logon_name_search_finds_that_person_alone() {
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let (status, body) = api(&mock, &token, "/People?logonName=ALICE.Adams").await;
    let found: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["logonName"].as_str().unwrap())
        .collect();
    assert_eq!((status, found), (200, vec!["alice.adams"]));
    let (status, body) = api(&mock, &token, "/People?logonName=no.such.person").await;
    assert_eq!((status, body["results"].clone()), (200, json!([])));
}

/// Sends `body` to the Core API by `method` as `media`: the status and the body.
async fn api_send(
    mock: &MockServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    media: &str,
    body: &Value,
) -> (u16, Value) {
    let r = http()
        .request(method, format!("{}{path}", mock.api_url()))
        .bearer_auth(token)
        .header("Content-Type", media)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// A person's images (manual §8.10) are kept per person and per field: a photo is
/// not the signature, nor anyone else's photo, and a field a person does not have is
/// invalid data, for reading as for writing.
#[tokio::test]
async fn an_image_belongs_to_one_person_and_one_field() {
    use reqwest::Method;
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let (alice, test_user) = (
        "6AFCD329-93DA-556D-BBA1-99666D5DB3FB",
        "6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C",
    );
    let image = json!({ "image": { "data": "iVBORw0KGgo=", "mimetype": "image/png" } });
    let photo = format!("/People/{alice}/images/photo");
    let (status, _) = api_send(
        &mock,
        &token,
        Method::POST,
        &photo,
        "application/json",
        &image,
    )
    .await;
    assert_eq!(status, 200, "the photo is stored");
    let read = |path: String| {
        let (mock, token) = (&mock, &token);
        async move {
            http()
                .get(format!("{}{path}", mock.api_url()))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(read(photo.clone()).await, 200, "the photo");
    assert_eq!(
        read(format!("/People/{alice}/images/PHOTO")).await,
        200,
        "in any case"
    );
    assert_eq!(
        read(format!("/People/{alice}/images/signature")).await,
        404,
        "the signature"
    );
    assert_eq!(
        read(format!("/People/{test_user}/images/photo")).await,
        404,
        "another's photo"
    );
    assert_eq!(
        read(format!("/People/{alice}/images/tattoo")).await,
        400,
        "no such field"
    );
    let tattoo = format!("/People/{alice}/images/tattoo");
    let (status, _) = api_send(
        &mock,
        &token,
        Method::POST,
        &tattoo,
        "application/json",
        &image,
    )
    .await;
    assert_eq!(status, 400, "no such field to write");
}

/// A person's requests are theirs alone (manual §8.12), and a request offers the
/// operations it can lead to (§8.13): Assisted Activation always, Reset Card PIN only
/// when it names a device to reset.
#[tokio::test]
async fn a_request_lists_under_its_person_and_offers_a_pin_reset_with_a_device() {
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let (status, body) = api(
        &mock,
        &token,
        "/People/6AFCD329-93DA-556D-BBA1-99666D5DB3FB/requests",
    )
    .await;
    let ids: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        (status, ids),
        (200, vec!["4E1D3D85-2829-5273-8081-1F65343BF407"])
    );
    for (request, ops) in [
        ("4E1D3D85-2829-5273-8081-1F65343BF407", vec!["5007"]),
        ("9E1160EF-C65B-53E7-A832-8FD7BF465AA2", vec!["5007", "297"]),
    ] {
        let (_, body) = api(&mock, &token, &format!("/Requests/{request}")).await;
        let offered: Vec<&str> = body["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["op"].as_str().unwrap())
            .collect();
        assert_eq!(offered, ops, "{request}");
    }
}

/// A request's `expiryDate` is a date as `YYYY-MM-DD` (manual §8.11): anything else is
/// invalid data naming the field, before the request is judged any further; a real
/// date is taken.
#[tokio::test]
async fn a_request_s_expiry_is_a_calendar_date() {
    use reqwest::Method;
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let path = "/People/6AFCD329-93DA-556D-BBA1-99666D5DB3FB/requests";
    let request = |expiry: &str| {
        json!({
            "credProfile": { "id": "177732B8-ED11-497A-AFA3-73A8C0E79964" },
            "expiryDate": expiry
        })
    };
    for wrong in [
        "2030-13-01",
        "2030-12-32",
        "2030-1-01",
        "30-12-25",
        "2030-12-2x",
        "2030/12/25",
    ] {
        let (status, body) = api_send(
            &mock,
            &token,
            Method::POST,
            path,
            "application/json",
            &request(wrong),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("WS30001")),
            "{wrong}: {body}"
        );
    }
    let (status, body) = api_send(
        &mock,
        &token,
        Method::POST,
        path,
        "application/json",
        &request("2030-12-25"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, read) = api(
        &mock,
        &token,
        &format!("/{}", body["href"].as_str().unwrap()),
    )
    .await;
    assert_eq!(read["expiryDate"], "2030-12-25", "{read}");
    let undated = json!({ "credProfile": { "id": "177732B8-ED11-497A-AFA3-73A8C0E79964" } });
    let (_, body) = api_send(
        &mock,
        &token,
        Method::POST,
        path,
        "application/json",
        &undated,
    )
    .await;
    let (_, read) = api(
        &mock,
        &token,
        &format!("/{}", body["href"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        read.get("expiryDate"),
        None,
        "no expiry asked, none kept: {read}"
    );
}

/// A directory's update is kept under its own id (manual §7): the list still has each
/// directory once, and verifying with the stored settings (no body) connects with what
/// the update left: a password the server refuses fails with WS40068, and the
/// directory without a server (type NA) always verifies.
#[tokio::test]
async fn a_directory_update_is_what_verify_connects_with() {
    use reqwest::Method;
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let (default_ads, piv) = (
        "03CE5A63-C624-43EB-A95E-D410167A14DD",
        "29A3B538-E812-40E7-A305-E11284F24763",
    );
    let verify = |id: &'static str| {
        let (mock, token) = (&mock, &token);
        async move {
            let r = http()
                .post(format!("{}/Dirs/{id}/verify", mock.api_url()))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    assert_eq!(
        verify(piv).await,
        (200, json!({ "result": "Verification passed" })),
        "as seeded"
    );
    let update = json!({ "password": "not-the-servers" });
    let path = format!("/Dirs/{piv}/update");
    let (status, _) = api_send(
        &mock,
        &token,
        Method::PATCH,
        &path,
        "application/json",
        &update,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = verify(piv).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("WS40068")),
        "{body}"
    );
    assert_eq!(
        verify(default_ads).await.0,
        200,
        "the other directory is untouched"
    );
    let (_, list) = api(&mock, &token, "/Dirs").await;
    let names: Vec<&str> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Default ADS", "PIV ADS"]);
}

/// A person's attributes are text (manual §8.9): ASP.NET's JSON input reads a number
/// as its digits and `null` as empty text, and `enabled` alone also takes a boolean
/// (`1`/`0`); a boolean anywhere else is invalid data. The body may come as
/// `application/json`, `text/json` or any `+json` type, and not as plain text. A group
/// id is kept in MyID's uppercase form whatever case it was sent in.
#[tokio::test]
async fn person_attributes_are_text_read_from_any_json_body() {
    use reqwest::Method;
    let mock = MockServer::builder().start().await.unwrap();
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let person = json!({
        "logonName": "typed.values",
        "name": { "first": "Typed", "middle": null },
        "group": { "id": GROUPS[4].0.to_lowercase() },
        "employeeId": 12345,
        "enabled": false
    });
    let (status, _) = api_send(
        &mock,
        &token,
        Method::POST,
        "/People",
        "text/plain",
        &person,
    )
    .await;
    assert_eq!(status, 415, "plain text");
    let (status, added) =
        api_send(&mock, &token, Method::POST, "/People", "text/json", &person).await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(
        [
            &added["employeeId"],
            &added["enabled"],
            &added["name"]["middle"],
            &added["group"]["id"]
        ],
        [
            &json!("12345"),
            &json!("0"),
            &json!(""),
            &json!(GROUPS[4].0)
        ],
        "{added}"
    );
    let path = format!("/People/{}", added["id"].as_str().unwrap());
    let patch = |body: Value| {
        let (mock, token, path) = (&mock, &token, &path);
        async move {
            api_send(
                mock,
                token,
                Method::PATCH,
                path,
                "application/merge-patch+json",
                &body,
            )
            .await
        }
    };
    let (status, patched) = patch(json!({ "enabled": true })).await;
    assert_eq!(
        (status, &patched["enabled"]),
        (200, &json!("1")),
        "{patched}"
    );
    let (status, refused) = patch(json!({ "employeeId": true })).await;
    assert_eq!(status, 400, "a boolean employeeId: {refused}");
}

/// Adding a person needs `Add Person` over the group they are added to (manual §2.2): a
/// department-scoped operator adds to their own group and not to one below it, which
/// they cannot see (404, as for anyone they cannot see). `confirm` is a boolean: `false`
/// is read (the mock never asks to confirm), anything else is refused.
#[tokio::test]
async fn a_department_operator_adds_people_to_their_own_group_only() {
    let (enterprise, finance) = (GROUPS[4].0, GROUPS[5].0);
    let mock = MockServer::builder()
        .person(json!({
            "id": "D3D3D3D3-0000-4000-8000-000000000003", "logonName": "department.personnel",
            "name": { "first": "Department", "last": "Personnel" },
            "group": { "id": enterprise },
            "roles": [ { "id": "Personnel", "scope": "department" } ],
            "enabled": "1"
        }))
        .client(
            Client::confidential("personnel", "pw")
                .scopes(["myid.rest.basic"])
                .api_user("department.personnel"),
        )
        .start()
        .await
        .unwrap();
    let token = mock.access_token(&Mint::client("personnel")).unwrap();
    let add = |path: &'static str, logon: &'static str, group: &'static str| {
        let (mock, token) = (&mock, &token);
        async move {
            let person = json!({
                "logonName": logon, "name": { "last": "Added" }, "group": { "id": group }
            });
            let method = reqwest::Method::POST;
            api_send(mock, token, method, path, "application/json", &person).await
        }
    };
    assert_eq!(
        add("/People", "below.group", finance).await.0,
        404,
        "a group below"
    );
    assert_eq!(
        add("/People?confirm=maybe", "maybe", enterprise).await.0,
        400,
        "confirm=maybe"
    );
    let (status, added) = add("/People?confirm=false", "own.group", enterprise).await;
    assert_eq!(status, 200, "their own group: {added}");
}

/// Where an authorize request with `params` ends, read as a browser would: the error
/// page's error (`page:<error>`), an error sent back to the client (`client:<error>`),
/// or `login` when the request was good enough to ask the user to sign in.
async fn authorize_outcome(mock: &MockServer, params: &[(&str, &str)]) -> String {
    authorize_outcome_in(&browser(), mock, params).await
}

/// [`authorize_outcome`] in `browser`, with its cookies; `consent` when the request
/// goes to the consent page.
async fn authorize_outcome_in(
    browser: &reqwest::Client,
    mock: &MockServer,
    params: &[(&str, &str)],
) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let r = browser
        .get(format!("{}/connect/authorize?{query}", mock.auth_url()))
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    if location.contains("/home/error") {
        let page = browser
            .get(&location)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let error = page
            .split("data-error=\"")
            .nth(1)
            .and_then(|e| e.split('"').next());
        return format!("page:{}", error.unwrap_or("?"));
    }
    if let Some(error) = location.split("error=").nth(1) {
        return format!("client:{}", error.split(['&', '#']).next().unwrap());
    }
    if location.contains("/consent?") {
        return "consent".to_owned();
    }
    if location.to_ascii_lowercase().contains("login") {
        return "login".to_owned();
    }
    format!("{} {location}", r.status())
}

/// IdentityServer's authorize validation, in its order: a response type it does not
/// know is unsupported; one with `code` is the hybrid flow, whose PKCE challenge is
/// checked before the client's grants; one without is implicit, checked against the
/// client's grants straight away; a token to the browser needs
/// `AllowAccessTokensViaBrowser` before anything else is said, an id_token the `openid`
/// scope before any other scope is looked at; a code must be for an API or `openid`,
/// not for `offline_access` alone; a nonce is at most 300 characters, and a prompt
/// is known values with `none` alone. (The mock issues codes
/// only, so an allowed implicit request ends unsupported.) A challenge's method is
/// `S256`, or `plain` for a client that allows it, and nothing else. A redirect URI must
/// be absolute and at most 400 characters, even a registered one.
#[tokio::test]
async fn authorize_requests_are_judged_in_identityservers_order() {
    let long = format!("https://client.example/{}", "x".repeat(400 - 23));
    assert_eq!(long.len(), 400);
    let longer = format!("{long}y");
    let coder = |id: &str| {
        Client::public(id)
            .scopes(["myid.rest.basic"])
            .redirect_uri(REDIRECT)
    };
    let mock = MockServer::builder()
        .client(coder("coder"))
        .client(coder("plain.ok").setting("AllowPlainTextPkce", true))
        .client(coder("offline").scopes(["offline_access"]))
        .client(
            coder("browser.tokens")
                .grants(["implicit"])
                .setting("AllowAccessTokensViaBrowser", true),
        )
        .client(coder("no.browser.tokens").grants(["implicit"]))
        .client(
            coder("hybrid")
                .scopes(["openid", "myid.rest.basic"])
                .grants(["hybrid"])
                .setting("RequirePkce", false),
        )
        .client(
            Client::public("odd.uris")
                .scopes(["myid.rest.basic"])
                .redirect_uri("client.example/cb")
                .redirect_uri(long.as_str())
                .redirect_uri(longer.as_str()),
        )
        .start()
        .await
        .unwrap();
    let challenge = pkce::s256_challenge(&pkce::generate_verifier());
    let ask = |client: &'static str,
               response_type: &'static str,
               method: &'static str,
               redirect: &str| {
        let redirect = redirect.to_owned();
        let challenge = challenge.as_str().to_owned();
        let mock = &mock;
        async move {
            let mut params = vec![
                ("client_id", client),
                ("response_type", response_type),
                ("scope", "myid.rest.basic"),
                ("redirect_uri", redirect.as_str()),
                ("code_challenge_method", method),
            ];
            if response_type == "code" {
                params.push(("code_challenge", challenge.as_str()));
            }
            authorize_outcome(mock, &params).await
        }
    };
    let refused = "page:invalid_request";
    let no_openid = ask("hybrid", "code id_token", "S256", REDIRECT).await;
    assert_eq!(no_openid, refused, "an id_token without openid");
    let params = [
        ("client_id", "hybrid"),
        ("response_type", "code id_token"),
        ("scope", "openid myid.rest.basic"),
        ("redirect_uri", REDIRECT),
        ("nonce", "n"),
    ];
    let with_openid = authorize_outcome(&mock, &params).await;
    assert_eq!(with_openid, "page:unsupported_response_type", "with openid");
    let params = [
        ("client_id", "offline"),
        ("response_type", "code"),
        ("scope", "offline_access"),
        ("redirect_uri", REDIRECT),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let offline_only = authorize_outcome(&mock, &params).await;
    assert_eq!(
        offline_only, "page:invalid_scope",
        "a code for nothing but a refresh token"
    );
    // The optional parameters: a nonce of at most 300 characters, known prompts with
    // `none` alone.
    let (nonce300, nonce301) = ("n".repeat(300), "n".repeat(301));
    for (name, value, want) in [
        ("nonce", nonce300.as_str(), "login"),
        ("nonce", nonce301.as_str(), refused),
        ("prompt", "login consent", "login"),
        ("prompt", "bogus", refused),
        ("prompt", "none login", refused),
    ] {
        let mut params = params.to_vec();
        (params[0].1, params[2].1) = ("coder", "myid.rest.basic");
        params.push((name, value));
        let outcome = authorize_outcome(&mock, &params).await;
        assert_eq!(outcome, want, "{name} {}", &value[..value.len().min(20)]);
    }
    // OpenID Connect Core §3.1.2.1: the request may come as a POSTed form; a POST of
    // anything else is refused as an unsupported media type.
    let authorize = format!("{}/connect/authorize", mock.auth_url());
    let mut params = params.to_vec();
    (params[0].1, params[2].1) = ("coder", "myid.rest.basic");
    let posted = browser()
        .post(&authorize)
        .form(&params)
        .send()
        .await
        .unwrap();
    let location = posted.headers()["location"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(location.contains("login"), "a POSTed form: {location}");
    let json = serde_json::to_string(&params).unwrap();
    let posted = browser()
        .post(&authorize)
        .header("Content-Type", "application/json")
        .body(json)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 415, "a POST of JSON");
    assert_eq!(
        ask("coder", "bogus", "S256", REDIRECT).await,
        "page:unsupported_response_type"
    );
    assert_eq!(
        ask("coder", "id_token", "S256", REDIRECT).await,
        "page:unauthorized_client"
    );
    assert_eq!(
        ask("coder", "code id_token", "S256", REDIRECT).await,
        refused
    );
    assert_eq!(
        ask("no.browser.tokens", "token", "S256", REDIRECT).await,
        refused
    );
    assert_eq!(
        ask("browser.tokens", "token", "S256", REDIRECT).await,
        "page:unsupported_response_type"
    );
    assert_eq!(
        ask("coder", "code", "plain", REDIRECT).await,
        refused,
        "plain"
    );
    assert_eq!(
        ask("plain.ok", "code", "plain", REDIRECT).await,
        "login",
        "plain allowed"
    );
    assert_eq!(
        ask("plain.ok", "code", "S512", REDIRECT).await,
        refused,
        "S512"
    );
    assert_eq!(
        ask("odd.uris", "code", "S256", &long).await,
        "login",
        "400 characters"
    );
    assert_eq!(
        ask("odd.uris", "code", "S256", &longer).await,
        refused,
        "401"
    );
    assert_eq!(
        ask("odd.uris", "code", "S256", "client.example/cb").await,
        refused,
        "not absolute"
    );
}

/// Consent (IdentityServer's `ProcessConsentAsync`): a signed-in user is asked when the
/// client has `RequireConsent` or the request says `prompt=consent`, and otherwise not;
/// with `prompt=none` the question cannot be asked, so `consent_required` goes back to
/// the client (OpenID Connect Core §3.1.2.6).
#[tokio::test]
async fn consent_is_asked_when_the_client_or_the_request_wants_it() {
    let coder = |id: &str| {
        Client::public(id)
            .scopes(["myid.rest.basic"])
            .redirect_uri(REDIRECT)
    };
    let mock = MockServer::builder()
        .client(coder("coder"))
        .client(coder("consenting").setting("RequireConsent", true))
        .start()
        .await
        .unwrap();
    let signed_in = browser();
    let challenge = pkce::s256_challenge(&pkce::generate_verifier());
    let base = mock.base_url();
    sign_in(
        &signed_in,
        &base,
        "coder",
        challenge.as_str(),
        "myid.rest.basic",
    )
    .await;
    let ask = |client: &'static str, prompt: Option<&'static str>| {
        let (signed_in, mock, challenge) = (&signed_in, &mock, challenge.as_str().to_owned());
        async move {
            let mut params = vec![
                ("client_id", client),
                ("response_type", "code"),
                ("scope", "myid.rest.basic"),
                ("redirect_uri", REDIRECT),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ];
            params.extend(prompt.map(|p| ("prompt", p)));
            authorize_outcome_in(signed_in, mock, &params).await
        }
    };
    assert_eq!(ask("consenting", None).await, "consent", "RequireConsent");
    assert_eq!(
        ask("consenting", Some("none")).await,
        "client:consent_required"
    );
    assert_eq!(
        ask("coder", Some("consent")).await,
        "consent",
        "prompt=consent"
    );
    let straight = ask("coder", None).await;
    assert!(
        straight.starts_with("302 Found https://client.example/callback?code="),
        "{straight}"
    );
}

/// A consent decision travels in the callback URL, sealed, and counts for five minutes
/// (assumed), for the client it was given to: replayed within them it answers a code
/// without asking again; a second later, or for another client of the same user, the
/// consent page asks anew.
#[tokio::test]
async fn a_consent_decision_counts_for_its_client_for_five_minutes() {
    let consenting = |id: &str| {
        Client::public(id)
            .scopes(["myid.rest.basic"])
            .redirect_uri(REDIRECT)
            .setting("RequireConsent", true)
    };
    let clock = Clock::manual(1_900_000_000);
    let mock = MockServer::builder()
        .client(consenting("consenting"))
        .client(consenting("also.consenting"))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let b = browser();
    let challenge = pkce::s256_challenge(&pkce::generate_verifier());
    let authorize = code_request(
        &format!("{}/connect/authorize", mock.auth_url()),
        "consenting",
        "myid.rest.basic",
        challenge.as_str(),
        &[],
    );
    let allow = [("ScopesConsented", "myid.rest.basic"), ("button", "yes")];
    let decided = common::answer_consent(&b, &authorize, &allow).await;
    assert!(decided.contains("consent="), "{decided}");
    let outcome = |url: String| {
        let b = &b;
        async move {
            let r = b.get(&url).send().await.unwrap();
            let location = r.headers()["location"].to_str().unwrap().to_owned();
            if location.starts_with(REDIRECT) && location.contains("code=") {
                "code"
            } else if location.contains("/consent?") {
                "consent"
            } else {
                panic!("{location}")
            }
        }
    };
    assert_eq!(outcome(decided.clone()).await, "code", "at once");
    let other = decided.replace("client_id=consenting", "client_id=also.consenting");
    assert_ne!(other, decided);
    assert_eq!(outcome(other).await, "consent", "for another client");
    clock.advance(300).unwrap();
    assert_eq!(outcome(decided.clone()).await, "code", "on its last second");
    clock.advance(1).unwrap();
    assert_eq!(outcome(decided).await, "consent", "a second later");
}

/// MyID registers no resource-owner validator and no device flow: a client allowed the
/// password or device grant asks for it and is told the grant is unsupported, where a
/// client not allowed it is unauthorized (IdentityServer's `TokenRequestValidator`).
#[tokio::test]
async fn the_password_and_device_grants_are_unsupported_even_when_allowed() {
    let mock = MockServer::builder()
        .client(
            Client::confidential("legacy", "pw")
                .scopes(["myid.rest.basic"])
                .grants(["password", "urn:ietf:params:oauth:grant-type:device_code"]),
        )
        .start()
        .await
        .unwrap();
    for grant in ["password", "urn:ietf:params:oauth:grant-type:device_code"] {
        refused_with(
            form(
                &http(),
                &mock,
                &[
                    ("grant_type", grant),
                    ("client_id", "legacy"),
                    ("client_secret", "pw"),
                    ("username", "test.user"),
                    ("password", "test-password"),
                    ("device_code", "x"),
                ],
            )
            .await,
            "unsupported_grant_type",
            format_args!("{grant}"),
        );
    }
}

/// A client revokes its own tokens only: another client's revocation of a token is
/// answered 200 (RFC 7009 §2.2 tells the caller nothing) and leaves the token working
/// at the Core API, where its owner's revocation ends it.
#[tokio::test]
async fn a_client_cannot_revoke_another_client_s_token() {
    let mock = MockServer::builder()
        .client(Client::confidential("other", "pw").scopes(["myid.rest.basic"]))
        .start()
        .await
        .unwrap();
    let (status, issued) = client_credentials(&mock, MYSYSTEM.0, MYSYSTEM.1, true).await;
    assert_eq!(status, 200, "{issued}");
    let token = issued["access_token"].as_str().unwrap();
    let revoke = |id: &str, secret: &str| {
        http()
            .post(format!("{}/connect/revocation", mock.auth_url()))
            .basic_auth(id, Some(secret))
            .form(&[("token", token), ("token_type_hint", "access_token")])
            .send()
    };
    let r = revoke("other", "pw").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        api(&mock, token, "/Groups").await.0,
        200,
        "another's revocation"
    );
    let r = revoke(MYSYSTEM.0, MYSYSTEM.1).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        api(&mock, token, "/Groups").await.0,
        401,
        "its owner's revocation"
    );
}

/// A code request's URL at the authorize `endpoint` for `client_id` with `scope`, an
/// S256 `challenge` and [`REDIRECT`]; `extra` parameters added or, by name, replacing.
fn code_request(
    endpoint: &str,
    client_id: &str,
    scope: &str,
    challenge: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut params = vec![
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", scope),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        params.retain(|(name, _)| name != k);
        params.push((k, v));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{endpoint}?{query}")
}

/// Beyond Identity's authorize endpoint is the application's own: another `client_id`
/// there is an error page (400), never a redirect. The scopes granted are those asked
/// for that the application allows, once each, in the order asked (the rest are
/// dropped, not refused), as the token response then states them. An application
/// that allows plain PKCE takes `plain` or `S256` and no other method; `state` and
/// `nonce` are taken up to 512 characters.
#[tokio::test]
async fn a_beyond_identity_code_carries_the_allowed_scopes_once_each() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .client(
            Client::public("spa")
                .scopes(["openid", "pets:read"])
                .redirect_uri(REDIRECT),
        )
        .client(
            Client::public("plain.spa")
                .scopes(["openid"])
                .redirect_uri(REDIRECT)
                .setting("Pkce", "plain"),
        )
        .user(myid_conformance::User::new("alice", "alice-pw"))
        .start()
        .await
        .unwrap();
    let issuer = mock.issuer_for("spa").unwrap();
    let verifier = pkce::generate_verifier();
    let challenge = pkce::s256_challenge(&verifier);
    let scope = "pets:read pets:read pets:write openid";
    let authorize = |client_id: &str| {
        code_request(
            &format!("{issuer}/authorize"),
            client_id,
            scope,
            challenge.as_str(),
            &[],
        )
    };
    let stranger = browser().get(authorize("another")).send().await.unwrap();
    assert_eq!(stranger.status(), 400, "another client_id");
    let b = browser();
    let code = common::sign_in_at(&b, &authorize("spa"), ("alice", "alice-pw")).await;
    let r = b
        .post(format!("{issuer}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "spa"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.expose()),
        ])
        .send()
        .await
        .unwrap();
    let (status, tokens): (u16, Value) = (r.status().as_u16(), r.json().await.unwrap());
    assert_eq!(
        (status, &tokens["scope"]),
        (200, &json!("pets:read openid")),
        "{tokens}"
    );
    // An application that allows plain PKCE takes `plain` or `S256`, and no other
    // method; `state` and `nonce` are at most 512 characters each.
    let plain_issuer = mock.issuer_for("plain.spa").unwrap();
    let (c512, c513) = ("c".repeat(512), "c".repeat(513));
    let (signing_in, refused) = ("/sign-in?request=", "error=invalid_request");
    for (method, state, nonce, want) in [
        ("plain", "s", "n", signing_in),
        ("S512", "s", "n", refused),
        ("S256", c512.as_str(), c512.as_str(), signing_in),
        ("S256", c513.as_str(), "n", refused),
        ("S256", "s", c513.as_str(), refused),
    ] {
        let extra = [
            ("code_challenge_method", method),
            ("state", state),
            ("nonce", nonce),
        ];
        let url = code_request(
            &format!("{plain_issuer}/authorize"),
            "plain.spa",
            "openid",
            challenge.as_str(),
            &extra,
        );
        let r = browser().get(url).send().await.unwrap();
        let location = r.headers()["location"].to_str().unwrap();
        let (s, n) = (state.len(), nonce.len());
        assert!(location.contains(want), "{method} {s} {n}: {location}");
    }
}

/// Beyond Identity's sign-in page holds the authorize request for `SignInLifetime`
/// (900 s by default, assumed): through its last second the page is shown, a second
/// later it is an error page that sends the user back to the application.
#[tokio::test]
async fn a_beyond_identity_sign_in_lasts_its_lifetime() {
    let clock = Clock::manual(1_900_000_000);
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .client(
            Client::public("spa")
                .scopes(["openid"])
                .redirect_uri(REDIRECT),
        )
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let issuer = mock.issuer_for("spa").unwrap();
    let challenge = pkce::s256_challenge(&pkce::generate_verifier());
    let b = browser();
    let authorize = code_request(
        &format!("{issuer}/authorize"),
        "spa",
        "openid",
        challenge.as_str(),
        &[],
    );
    let r = b.get(authorize).send().await.unwrap();
    let sign_in = myid_conformance::harness::flow::resolve(
        &issuer,
        r.headers()["location"].to_str().unwrap(),
    );
    clock.advance(900).unwrap();
    let page = b.get(&sign_in).send().await.unwrap();
    assert_eq!(page.status(), 200, "on its last second");
    clock.advance(1).unwrap();
    let page = b.get(&sign_in).send().await.unwrap();
    assert_eq!(page.status(), 400, "a second later");
    assert!(page.text().await.unwrap().contains("Sign-in expired"));
}

/// rest.core's CORS policy (`MyID:Cors:AllowedOrigins`, manual §4.1.3) covers its own
/// paths, in any case; the auth server's own pages are not in it.
#[tokio::test]
async fn the_api_cors_policy_covers_rest_core_paths() {
    let mock = MockServer::builder().start().await.unwrap();
    let base = mock.base_url();
    for (path, shared) in [
        ("/rest.core/api/People", true),
        ("/REST.CORE/api/People", true),
        ("/web.oauth2/account/login", false),
    ] {
        let r = http()
            .get(format!("{base}{path}"))
            .header("Origin", "https://client.example")
            .send()
            .await
            .unwrap();
        let allowed = r.headers().get("access-control-allow-origin");
        assert_eq!(allowed.is_some(), shared, "{path}: {allowed:?}");
    }
}

/// The sign-in and consent pages' forms are read up to 64 KiB (assumed: the quickstart
/// UI's forms are small, and the mock bounds what it reads); a byte more is refused
/// before anything in it is looked at.
#[tokio::test]
async fn sign_in_and_consent_forms_are_read_up_to_64_kib() {
    let mock = MockServer::builder().start().await.unwrap();
    let sizes = [(64 * 1024, false), (64 * 1024 + 1, true)];
    for ((size, too_large), page) in sizes
        .into_iter()
        .flat_map(|s| [(s, "consent"), (s, "account/login")])
    {
        let body = format!("ReturnUrl={}", "x".repeat(size - "ReturnUrl=".len()));
        let page = http()
            .post(format!("{}/{page}", mock.auth_url()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(page.contains("too large"), too_large, "{size} bytes");
    }
}

/// The sign-in page takes a return URL that is an authorization request of this server
/// (IdentityServer's `IsValidReturnUrl`): anything else is a bad request, so the page
/// cannot send a user on to another site. A posted sign-in needs its antiforgery token.
#[tokio::test]
async fn the_sign_in_page_returns_only_to_an_authorization_request() {
    let mock = MockServer::builder().start().await.unwrap();
    let callback = "/web.oauth2/connect/authorize/callback?client_id=myid.myclient";
    for (return_url, status) in [
        (callback, 200),
        ("https://attacker.example/", 400),
        ("/web.oauth2/account/logout", 400),
    ] {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("ReturnUrl", return_url)
            .finish();
        let r = http()
            .get(format!("{}/account/login?{query}", mock.auth_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{return_url}");
    }
    // A posted sign-in without the antiforgery token (and so without its cookie) is
    // refused before the user is looked at.
    let posted = http()
        .post(format!("{}/account/login", mock.auth_url()))
        .form(&[
            ("ReturnUrl", callback),
            ("Username", "test.user"),
            ("Password", "test-password"),
            ("button", "login"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 400);
    assert!(posted.text().await.unwrap().contains("antiforgery"));
}

/// The end-session endpoint takes its parameters by GET or as a POSTed form
/// (OpenID Connect RP-Initiated Logout §2) of up to 64 KiB (assumed, as the sign-in
/// form's); a POST of anything else, or of more, is not read.
#[tokio::test]
async fn end_session_reads_a_posted_form_of_up_to_64_kib() {
    let mock = MockServer::builder().start().await.unwrap();
    let url = format!("{}/connect/endsession", mock.auth_url());
    let post = |media: &'static str, body: String| {
        let request = browser()
            .post(&url)
            .header("Content-Type", media)
            .body(body);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let form = "application/x-www-form-urlencoded";
    let padded = |size: usize| format!("pad={}", "p".repeat(size - "pad=".len()));
    assert_eq!(post(form, "state=s".into()).await, 302, "a form");
    assert_eq!(post(form, padded(64 * 1024)).await, 302, "64 KiB");
    assert_ne!(post(form, padded(64 * 1024 + 1)).await, 302, "a byte more");
    assert_ne!(post("application/json", "{}".into()).await, 302, "JSON");
}

/// RP-Initiated Logout: an `id_token_hint` must be an identity token this server
/// issued (an access token, which names its client in `client_id`, is no hint, nor is
/// an identity token of another issuer), and
/// the request then goes to the logout page with its message; a request without a hint
/// names no client, so a signed-in user is asked before being signed out, and a browser
/// with no session is told it is logged out. The answer is a form of at most 64 KiB
/// (assumed, as the sign-in form's), and it ends the session.
#[tokio::test]
async fn logout_takes_an_identity_token_as_hint_and_asks_without_one() {
    let mock = MockServer::builder().start().await.unwrap();
    let url = format!("{}/connect/endsession", mock.auth_url());
    let client = "myid.myclient";
    let id_token = mock
        .id_token(&Mint::client(client).subject("someone"))
        .unwrap();
    // An access token addressed to the client itself is still no identity token.
    let access_token = mock
        .access_token(&Mint::client(client).claim("aud", json!(client)))
        .unwrap();
    let foreign = mock
        .id_token(
            &Mint::client(client)
                .subject("someone")
                .claim("iss", json!("https://elsewhere.example")),
        )
        .unwrap();
    for (hint, with_message) in [(id_token, true), (access_token, false), (foreign, false)] {
        let r = browser()
            .get(&url)
            .query(&[("id_token_hint", hint.as_str())])
            .send()
            .await
            .unwrap();
        let location = r.headers()["location"].to_str().unwrap();
        assert_eq!(location.contains("logoutId="), with_message, "{location}");
    }
    let signed_in = browser();
    let challenge = pkce::s256_challenge(&pkce::generate_verifier());
    sign_in(
        &signed_in,
        &mock.base_url(),
        client,
        challenge.as_str(),
        "openid",
    )
    .await;
    let r = signed_in.get(&url).send().await.unwrap();
    let logout_page =
        myid_conformance::harness::flow::resolve(&url, r.headers()["location"].to_str().unwrap());
    let page = signed_in
        .get(&logout_page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Would you like to logout?"), "{page}");
    // The same page in a browser with no session has nothing to ask: it says so.
    let page = browser()
        .get(&logout_page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("You are now logged out"),
        "no session: {page}"
    );
    // The user says yes with a form of at most 64 KiB; anything else is not read.
    let logout_id = logout_page.split("logoutId=").nth(1).unwrap().to_owned();
    let yes = |media: &'static str, body: String| {
        let request = signed_in
            .post(format!("{}/account/logout", mock.auth_url()))
            .header("Content-Type", media)
            .body(body);
        async move {
            let r = request.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let form = "application/x-www-form-urlencoded";
    let padded = |size: usize| {
        let fields = format!("logoutId={logout_id}&button=yes&pad=");
        format!("{fields}{}", "p".repeat(size - fields.len()))
    };
    assert_eq!(yes("application/json", "{}".into()).await.0, 415, "JSON");
    assert_eq!(
        yes(form, padded(64 * 1024 + 1)).await.0,
        413,
        "a byte over 64 KiB"
    );
    let (status, page) = yes(form, padded(64 * 1024)).await;
    assert_eq!(status, 200);
    assert!(page.contains("You are now logged out"), "{page}");
    // Signed out: the session is gone, so prompt=none finds nobody.
    let endpoint = format!("{}/connect/authorize", mock.auth_url());
    let none = [("prompt", "none")];
    let url = code_request(&endpoint, client, "openid", challenge.as_str(), &none);
    let r = signed_in.get(url).send().await.unwrap();
    let location = r.headers()["location"].to_str().unwrap();
    assert!(location.contains("error=login_required"), "{location}");
}

/// Userinfo takes its bearer token in the `Authorization` header or, in a POST, as
/// `access_token` in a form body (RFC 6750 §2.1–2.2); the same words in a body of
/// another type are no token. The claims are those of the scopes granted, and the
/// endpoint answers GET and POST only (OpenID Connect Core §5.3.1).
#[tokio::test]
async fn userinfo_reads_a_token_from_a_form_body_only() {
    let mock = MockServer::builder().start().await.unwrap();
    let b = browser();
    let verifier = pkce::generate_verifier();
    let challenge = pkce::s256_challenge(&verifier);
    let base = mock.base_url();
    let code = sign_in(&b, &base, "myid.myclient", challenge.as_str(), "openid").await;
    let tokens: Value = common::redeem(&b, &base, &code, verifier.expose())
        .await
        .json()
        .await
        .unwrap();
    let body = format!("access_token={}", tokens["access_token"].as_str().unwrap());
    for (media, status) in [
        ("application/x-www-form-urlencoded", 200),
        ("text/plain", 401),
    ] {
        let r = http()
            .post(format!("{}/connect/userinfo", mock.auth_url()))
            .header("Content-Type", media)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{media}");
        if status == 200 {
            // `openid` alone grants `sub` alone: no profile claims.
            let claims: Value = r.json().await.unwrap();
            let names: Vec<&String> = claims.as_object().unwrap().keys().collect();
            assert_eq!(names, ["sub"], "{claims}");
        }
    }
    // Userinfo answers GET and POST only.
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE] {
        let r = http()
            .request(
                method.clone(),
                format!("{}/connect/userinfo", mock.auth_url()),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method}");
    }
}

/// The `profile` scope's claims (OpenID Connect Core §5.4) come from the user's record:
/// `preferred_username` always, `name` only when the user has one.
#[tokio::test]
async fn userinfo_gives_the_profile_claims_the_user_has() {
    let mock = MockServer::builder()
        .user(myid_conformance::User::new("nameless", "nameless-pw").name(""))
        .start()
        .await
        .unwrap();
    let base = mock.base_url();
    let mut seen = Vec::new();
    for user in [("test.user", "test-password"), ("nameless", "nameless-pw")] {
        let b = browser();
        let verifier = pkce::generate_verifier();
        let challenge = pkce::s256_challenge(&verifier);
        let endpoint = format!("{}/connect/authorize", mock.auth_url());
        let scope = "openid profile";
        let authorize = code_request(&endpoint, "myid.myclient", scope, challenge.as_str(), &[]);
        let code = common::sign_in_at(&b, &authorize, user).await;
        let tokens: Value = common::redeem(&b, &base, &code, verifier.expose())
            .await
            .json()
            .await
            .unwrap();
        let claims: Value = http()
            .get(format!("{}/connect/userinfo", mock.auth_url()))
            .bearer_auth(tokens["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.push((
            claims["preferred_username"].clone(),
            claims.get("name").is_some(),
        ));
    }
    assert_eq!(
        seen,
        [(json!("test.user"), true), (json!("nameless"), false)]
    );
}

/// The check-session iframe (Session Management §3.3) is a page of script that
/// answers a relying party's messages.
#[tokio::test]
async fn the_check_session_iframe_is_served() {
    let mock = MockServer::builder().start().await.unwrap();
    let r = http()
        .get(format!("{}/connect/checksession", mock.auth_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let media = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(media.starts_with("text/html"), "{media}");
    assert!(r.text().await.unwrap().contains("postMessage"));
}

/// A fault breaks what it names and nothing more, or a rule's proof in the self-test
/// would rest on a server broken everywhere: under `unknown-parameter-refused` a token
/// request of known parameters is still answered, and under `scope-drops-offline` the
/// scope granted is the one a correct server grants, less `offline_access`.
#[tokio::test]
async fn a_fault_breaks_only_what_it_names() {
    let faulty = |name: &str| {
        MockServer::builder()
            .fault(myid_conformance::mock::profiles::fault_named(name).unwrap())
            .start()
    };
    let mock = faulty("unknown-parameter-refused").await.unwrap();
    let system = basic::encode(MYSYSTEM.0, MYSYSTEM.1);
    let token = "/web.oauth2/connect/token";
    let known = [
        ("grant_type", "client_credentials"),
        ("scope", "myid.rest.basic"),
    ];
    let r = post(&mock, token, Some(system.clone()), &known).await;
    assert_eq!(r.status(), 200, "known parameters only");
    let unknown = [known[0], known[1], ("colour", "blue")];
    let r = post(&mock, token, Some(system), &unknown).await;
    assert_eq!(r.status(), 400, "an unknown parameter");

    let granted = async |mock: MockServer| {
        let pkce = myid_conformance::Pkce::new();
        let code = mock
            .sign_in("myid.webclient", ("test.user", "test-password"), &pkce)
            .await
            .unwrap();
        let secret = "b5989015-bb9e-4533-874b-2b4a6a8280ed";
        let scope = mock.exchange(&code, Some(secret)).await.unwrap().scope;
        scope.unwrap_or_default()
    };
    let correct = granted(MockServer::builder().start().await.unwrap()).await;
    assert!(
        correct.split(' ').any(|s| s == "offline_access"),
        "{correct}"
    );
    let without: Vec<&str> = correct
        .split(' ')
        .filter(|s| *s != "offline_access")
        .collect();
    let dropped = granted(faulty("scope-drops-offline").await.unwrap()).await;
    assert_eq!(dropped, without.join(" "));
}
