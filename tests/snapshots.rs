//! Wire shapes users rely on, pinned with insta under `snapshots/`: the discovery
//! document, the JWKS, the client-credentials token response, the access token's
//! header and claims, and the token-endpoint error body. Tokens, key material, ids and
//! times are redacted; member order is part of what is pinned.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use insta::assert_json_snapshot;
use myid_conformance::mock::config::AuthSettings;
use myid_conformance::mock::{self, AppState, MockConfig};
use myid_conformance::protocol::jwt::{Compact, decode_segment};
use myid_conformance::protocol::{Clock, basic};
use serde_json::{Value, json};
use tower::ServiceExt as _;

mod common;

fn state() -> AppState {
    AppState::new(config(), Clock::manual(1_700_000_000))
}

async fn call(state: &AppState, request: Request<Body>) -> (u16, Vec<(String, String)>, Value) {
    let response = mock::service(state.clone()).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter(|(k, _)| *k != "content-length")
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header("host", "myid.example")
        .body(Body::empty())
        .unwrap()
}

fn token(authorization: &str, body: &str) -> Request<Body> {
    Request::post("/web.oauth2/connect/token")
        .header("host", "myid.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", authorization)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[tokio::test]
async fn discovery_document_and_jwks() {
    let st = state();
    let (status, _, doc) = call(&st, get("/web.oauth2/.well-known/openid-configuration")).await;
    assert_eq!(status, 200);
    let (_, _, jwks) = call(
        &st,
        get("/web.oauth2/.well-known/openid-configuration/jwks"),
    )
    .await;
    settings().bind(|| {
        assert_json_snapshot!("discovery_document", doc);
        assert_json_snapshot!("jwks", jwks, { ".keys[].kid" => "[kid]", ".keys[].n" => "[modulus]" });
    });
}

#[tokio::test]
async fn client_credentials_token_response_and_claims() {
    let st = state();
    let auth = basic::encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c");
    let (status, headers, body) = call(
        &st,
        token(&auth, "grant_type=client_credentials&scope=myid.rest.basic"),
    )
    .await;
    assert_eq!(status, 200);
    let raw = body["access_token"].as_str().unwrap().to_owned();
    let compact = Compact::split(&raw).unwrap();
    let header: Value = decode_segment(compact.header).unwrap();
    let claims: Value = decode_segment(compact.payload).unwrap();
    settings().bind(|| {
        assert_json_snapshot!("token_response_client_credentials", serde_json::json!({"headers": headers, "body": body}), {
            ".body.access_token" => "[access_token]",
        });
        assert_json_snapshot!("access_token_header", header, { ".kid" => "[kid]" });
        assert_json_snapshot!("access_token_claims_client_credentials", claims, {
            ".nbf" => "[nbf]", ".exp" => "[exp]", ".iat" => "[iat]", ".jti" => "[jti]",
        });
    });
}

#[tokio::test]
async fn token_error_body() {
    let st = state();
    let auth = basic::encode("myid.mysystem", "wrong");
    let (status, headers, body) = call(&st, token(&auth, "grant_type=client_credentials")).await;
    assert_eq!(status, 400);
    settings().bind(|| {
        assert_json_snapshot!(
            "token_error_invalid_client",
            serde_json::json!({"status": status, "headers": headers, "body": body})
        );
    });
}

/// The shape of a token response: members in order, token values redacted.
fn token_shape(body: &Value) -> Value {
    let mut shape = body.clone();
    for k in ["access_token", "refresh_token", "id_token"] {
        if shape.get(k).is_some() {
            shape[k] = json!(format!("[{k}]"));
        }
    }
    shape
}

fn claims_of(body: &Value) -> (Value, Value) {
    let raw = body["access_token"].as_str().unwrap();
    let compact = Compact::split(raw).unwrap();
    (
        decode_segment(compact.header).unwrap(),
        decode_segment(compact.payload).unwrap(),
    )
}

fn redacted_claims(mut claims: Value) -> Value {
    for k in ["nbf", "exp", "iat", "jti", "auth_time", "sid"] {
        if claims.get(k).is_some() {
            claims[k] = json!(format!("[{k}]"));
        }
    }
    if claims.get("iss").is_some() {
        claims["iss"] = json!("[issuer]");
    }
    claims
}

/// The code flow, a refresh, and an operation token, against a served (embedded) mock.
#[tokio::test(flavor = "multi_thread")]
async fn token_responses_per_grant() {
    let mock = mock::MockServer::start(config(), Clock::manual(1_700_000_000))
        .await
        .unwrap();
    let base = mock.base_url();
    let http = reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let verifier = myid_conformance::protocol::pkce::generate_verifier();
    let challenge = myid_conformance::protocol::pkce::s256_challenge(&verifier);
    let code = common::sign_in(
        &http,
        &base,
        "myid.myclient",
        challenge.as_str(),
        "myid.rest.basic offline_access",
    )
    .await;
    let token_url = format!("{base}/web.oauth2/connect/token");
    let post = |params: Vec<(&'static str, String)>| {
        let http = http.clone();
        let url = token_url.clone();
        async move {
            http.post(url)
                .form(&params)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let code_body = post(vec![
        ("grant_type", "authorization_code".into()),
        ("client_id", "myid.myclient".into()),
        ("code", code),
        ("redirect_uri", common::REDIRECT.into()),
        ("code_verifier", verifier.expose().into()),
    ])
    .await;
    let refresh_body = post(vec![
        ("grant_type", "refresh_token".into()),
        ("client_id", "myid.myclient".into()),
        (
            "refresh_token",
            code_body["refresh_token"].as_str().unwrap().into(),
        ),
    ])
    .await;
    let cc = http
        .post(&token_url)
        .basic_auth(
            "myid.mysystem",
            Some("82564d6e-c4a6-4f64-a6d4-cac43781c67c"),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let operation_body = post(vec![
        ("grant_type", "operation".into()),
        ("client_id", "myid.mcs".into()),
        ("op", "297".into()),
        ("scope", "myid.operation".into()),
        ("deviceId", "0F2B5C3D-1A2B-4C3D-8E9F-001122334455".into()),
        ("token", cc["access_token"].as_str().unwrap().into()),
    ])
    .await;
    let (code_header, code_claims) = claims_of(&code_body);
    let (_, operation_claims) = claims_of(&operation_body);
    settings().bind(|| {
        assert_json_snapshot!("token_response_authorization_code", token_shape(&code_body));
        assert_json_snapshot!("token_response_refresh_token", token_shape(&refresh_body));
        assert_json_snapshot!("token_response_operation", token_shape(&operation_body));
        assert_json_snapshot!("access_token_header_code_flow", code_header, { ".kid" => "[kid]" });
        assert_json_snapshot!(
            "access_token_claims_code_flow",
            redacted_claims(code_claims)
        );
        assert_json_snapshot!(
            "access_token_claims_operation",
            redacted_claims(operation_claims)
        );
    });
}

fn config() -> MockConfig {
    myid_conformance::MockBuilder::new(myid_conformance::Profile::MYID)
        .config()
        .unwrap()
}

fn form(authorization: Option<String>, body: &str) -> Request<Body> {
    let mut r = Request::post("/web.oauth2/connect/token")
        .header("host", "myid.example")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(a) = authorization {
        r = r.header("authorization", a);
    }
    r.body(Body::from(body.to_owned())).unwrap()
}

/// Every OAuth error the token and revocation endpoints give, each in its own snapshot.
#[tokio::test]
async fn every_oauth_error_body() {
    let st = state();
    let service = basic::encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c");
    let web = basic::encode("myid.webclient", "b5989015-bb9e-4533-874b-2b4a6a8280ed");
    let cases: Vec<(&str, Request<Body>)> = vec![
        (
            "invalid_request",
            form(Some(service.clone()), "").map(|_| Body::empty()),
        ),
        (
            "invalid_client",
            form(
                Some(basic::encode("myid.mysystem", "wrong")),
                "grant_type=client_credentials",
            ),
        ),
        (
            "unsupported_grant_type",
            form(Some(service.clone()), "grant_type=foo"),
        ),
        (
            "unauthorized_client",
            form(Some(web.clone()), "grant_type=client_credentials"),
        ),
        (
            "invalid_scope",
            form(
                Some(service.clone()),
                "grant_type=client_credentials&scope=openid",
            ),
        ),
        (
            "invalid_grant",
            form(
                Some(web),
                "grant_type=authorization_code&code=NOPE&redirect_uri=https://client.example/callback",
            ),
        ),
        (
            "unsupported_token_type",
            Request::post("/web.oauth2/connect/revocation")
                .header("host", "myid.example")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", service)
                .body(Body::from("token=x&token_type_hint=id_token"))
                .unwrap(),
        ),
    ];
    for (name, mut request) in cases {
        if name == "invalid_request" {
            *request.method_mut() = axum::http::Method::GET;
        }
        let (status, headers, body) = call(&st, request).await;
        settings().bind(|| {
            assert_json_snapshot!(
                format!("oauth_error_{name}"),
                json!({ "status": status, "headers": headers, "body": body })
            );
        });
    }
}

async fn cc_token(st: &AppState) -> String {
    let auth = basic::encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c");
    let (_, _, body) = call(st, token(&auth, "grant_type=client_credentials")).await;
    body["access_token"].as_str().unwrap().to_owned()
}

async fn limited_token(st: &AppState) -> String {
    let auth = basic::encode("myid.limited", "limited-secret");
    let (_, _, body) = call(st, token(&auth, "grant_type=client_credentials")).await;
    body["access_token"].as_str().unwrap().to_owned()
}

fn api(method: &str, path: &str, token: &str, body: Option<&str>) -> Request<Body> {
    let r = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "myid.example")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json-patch+json");
    r.body(body.map(|b| Body::from(b.to_owned())).unwrap_or_default())
        .unwrap()
}

/// Every WS error the Core API gives, each reached through a real request.
#[tokio::test]
async fn every_ws_error_body() {
    let st = state();
    let t = cc_token(&st).await;
    let limited = limited_token(&st).await;
    let finance = "EF8998AC-B2B6-4CF0-8DC3-99D0DCA2DA2B";
    let dir = "29A3B538-E812-40E7-A305-E11284F24763";
    let add = |body: String| {
        api(
            "POST",
            "/rest.core/api/People?confirm=false",
            &t,
            Some(Box::leak(body.into_boxed_str())),
        )
    };
    let person = |logon: &str, role: &str| {
        format!(
            r#"{{"logonName":"{logon}","name":{{"first":"S"}},"group":{{"id":"{finance}"}},"roles":[{{"id":"{role}","scope":"self"}}]}}"#
        )
    };
    // People to request devices for: one per refusal.
    let mut ids = std::collections::BTreeMap::new();
    for (logon, role) in [("holder", "Cardholder"), ("nohold", "Personnel")] {
        let (_, _, body) = call(&st, add(person(logon, role))).await;
        ids.insert(logon, body["id"].as_str().unwrap().to_owned());
    }
    let profile = |name: &str| {
        st.config
            .data
            .cred_profiles
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let request = |who: &str, profile_name: &str| {
        api(
            "POST",
            Box::leak(format!("/rest.core/api/People/{}/requests", ids[who]).into_boxed_str()),
            &t,
            Some(Box::leak(
                format!(r#"{{"credProfile":{{"id":"{}"}}}}"#, profile(profile_name))
                    .into_boxed_str(),
            )),
        )
    };
    let cases: Vec<(&str, Request<Body>)> = vec![
        (
            "WS30001",
            api("GET", "/rest.core/api/People/not-a-guid", &t, None),
        ),
        ("WS30004", add(person("badrole", "No Such Role"))),
        (
            "WS30015",
            add(format!(
                r#"{{"name":{{"first":"S"}},"group":{{"id":"{finance}"}}}}"#
            )),
        ),
        (
            "WS30017",
            add(format!(
                r#"{{"logonName":"noname","group":{{"id":"{finance}"}}}}"#
            )),
        ),
        (
            "WS40005",
            api(
                "GET",
                "/rest.core/api/People/00000000-0000-0000-0000-000000000000",
                &t,
                None,
            ),
        ),
        (
            "WS40068",
            api(
                "POST",
                Box::leak(format!("/rest.core/api/Dirs/{dir}/test").into_boxed_str()),
                &t,
                Some(r#"{"password":"x"}"#),
            ),
        ),
        (
            "WS40069",
            api(
                "POST",
                Box::leak(format!("/rest.core/api/Dirs/{dir}/test").into_boxed_str()),
                &t,
                Some(r#"{"host":""}"#),
            ),
        ),
        (
            "WS50000",
            api(
                "POST",
                "/rest.core/api/People?confirm=false",
                &limited,
                Some("{}"),
            ),
        ),
        ("WS50008", request("holder", "Restricted Token")),
        ("WS50011", request("nohold", "Smart Card")),
        ("WS50016", request("holder", "Mobile Identity")),
        ("WS50017", request("holder", "Directory Smart Card")),
        ("WS50034", request("holder", "PIV Card")),
    ];
    for (code, request) in cases {
        let (status, _, body) = call(&st, request).await;
        assert_eq!(body["code"], code, "{body}");
        settings().bind(|| {
            assert_json_snapshot!(
                format!("ws_error_{code}"),
                json!({ "status": status, "body": body })
            );
        });
    }
}

#[tokio::test]
async fn a_report_page_and_the_openapi_document() {
    let st = state();
    let t = cc_token(&st).await;
    let (_, _, page) = call(
        &st,
        api(
            "GET",
            "/rest.core/api/Reports/100406?page=2&order_by=InitiationDate",
            &t,
            None,
        ),
    )
    .await;
    let (_, _, openapi) = call(&st, get("/rest.core/swagger/v1/swagger.json")).await;
    settings().bind(|| {
        assert_json_snapshot!("report_page_100406", page);
        assert_json_snapshot!("openapi_document", openapi);
    });
}

/// Jim2's wire shapes: a token response, the refusal for want of a licence, a refused
/// client, a logoff and a logoff with an ended token.
#[tokio::test]
async fn jim2_token_licence_and_logoff() {
    let cfg = myid_conformance::MockBuilder::new(myid_conformance::Profile::JIM2)
        .settings_json(r#"{"Jim2": {"Licences": 1}}"#)
        .config()
        .unwrap();
    let st = AppState::new(cfg, Clock::manual(1_700_000_000));
    let post = |path: &str, authorization: String, body: &str| {
        Request::post(path)
            .header("host", "jim2.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", authorization)
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let ask = |id: &str, secret: &str, body: &str| {
        post("/Jim_Test/token", basic::encode(id, secret), body)
    };
    let (s1, h1, token) = call(
        &st,
        ask("TestClientId", "password", "grant_type=client_credentials"),
    )
    .await;
    let (s2, h2, refusal) = call(
        &st,
        ask(
            "jim2.second",
            "second-password",
            "grant_type=client_credentials",
        ),
    )
    .await;
    let (s3, h3, wrong) = call(
        &st,
        ask("jim2.second", "wrong", "grant_type=client_credentials"),
    )
    .await;
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let (s4, h4, _) = call(&st, post("/Jim_Test/logoff", bearer.clone(), "")).await;
    let (s5, h5, _) = call(&st, post("/Jim_Test/logoff", bearer, "")).await;
    assert_eq!((s1, s2, s3, s4, s5), (200, 400, 401, 200, 401));
    settings().bind(|| {
        assert_json_snapshot!(
            "jim2_wire_shapes",
            json!({
                "token": {"headers": h1, "body": token_shape(&token)},
                "no_licence": {"headers": h2, "body": refusal},
                "wrong_password": {"headers": h3, "body": wrong},
                "logoff": {"headers": h4},
                "logoff_again": {"headers": h5},
            })
        );
    });
}

/// ClearID's wire shapes: discovery, the token response and its header and claims
/// (values redacted, member order kept), and a refused assertion.
#[tokio::test]
async fn clearid_token_claims_and_refusal() {
    let cfg = myid_conformance::MockBuilder::new(myid_conformance::Profile::CLEARID)
        .config()
        .unwrap();
    let st = AppState::new(cfg, Clock::manual(1_700_000_000));
    let post = |body: &str| {
        Request::post("/connect/token")
            .header("host", "sts.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let id = "6625221f-4e66-4bc8-8305-cb8cbd87b21f%3Acleariddemos";
    let discovery = Request::get("/.well-known/openid-configuration")
        .header("host", "sts.example")
        .body(Body::empty())
        .unwrap();
    let (_, _, doc) = call(&st, discovery).await;
    let (s1, h1, token) = call(
        &st,
        post(&format!(
            "grant_type=client_credentials&client_id={id}&client_secret=clearid-demo-secret"
        )),
    )
    .await;
    let (s2, _, refused) = call(
        &st,
        post(&format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&client_id={id}&assertion=a.b.c"
        )),
    )
    .await;
    assert_eq!((s1, s2), (200, 400));
    let (header, claims) = claims_of(&token);
    settings().bind(|| {
        assert_json_snapshot!(
            "clearid_wire_shapes",
            json!({
                "discovery": doc,
                "token": {"headers": h1, "body": token_shape(&token)},
                "header": header,
                "claims": redacted_claims(claims),
                "refused_assertion": refused,
            })
        );
    });
}

/// Beyond Identity's wire shapes: discovery, the token response, the JWT's header and
/// claims (values redacted, order kept), and introspection.
#[tokio::test]
async fn beyond_identity_token_and_introspection() {
    let cfg = myid_conformance::MockBuilder::new(myid_conformance::Profile::BEYOND_IDENTITY)
        .config()
        .unwrap();
    let st = AppState::new(cfg, Clock::manual(1_700_000_000));
    let app = "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d/applications/3b1f0a52-9c7d-4e2b-8f61-0d5a7c9e4b21";
    let auth = basic::encode("AYYNcuOSpfqIf33JeegCzDIT", "bi-service-secret");
    let post = |path: String, body: &str| {
        Request::post(path)
            .header("host", "auth-us.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", auth.clone())
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let discovery = Request::get(format!("{app}/.well-known/openid-configuration"))
        .header("host", "auth-us.example")
        .body(Body::empty())
        .unwrap();
    let (_, _, doc) = call(&st, discovery).await;
    let (status, headers, token) = call(
        &st,
        post(
            format!("{app}/token"),
            "grant_type=client_credentials&custom_claims=%7B%22tier%22%3A%22gold%22%7D",
        ),
    )
    .await;
    assert_eq!(status, 200);
    let (mut header, mut claims) = claims_of(&token);
    header["kid"] = json!("[kid]");
    claims["bi_x"] = json!("[bi_x]");
    let raw = token["access_token"].as_str().unwrap().to_owned();
    let (_, _, active) = call(
        &st,
        post(
            "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d/introspect".into(),
            &format!("token={raw}"),
        ),
    )
    .await;
    let active_members: Vec<String> = active.as_object().unwrap().keys().cloned().collect();
    settings().bind(|| {
        assert_json_snapshot!(
            "beyond_identity_wire_shapes",
            json!({
                "discovery": doc,
                "token": {"headers": headers, "body": token_shape(&token)},
                "header": header,
                "claims": redacted_claims(claims),
                "introspection_members": active_members,
            })
        );
    });
}

/// Beyond Identity's code flow on the wire: the OIDC app's discovery, /authorize's
/// redirect to the sign-in page, the sign-in's redirect to the client, the token
/// response with id_token and refresh token, the id_token's header and claims, a
/// refresh, and userinfo. Codes, seals and tokens are redacted; order is kept.
#[tokio::test]
async fn beyond_identity_code_flow() {
    use myid_conformance::protocol::pkce;
    let cfg = myid_conformance::MockBuilder::new(myid_conformance::Profile::BEYOND_IDENTITY)
        .config()
        .unwrap();
    let st = AppState::new(cfg, Clock::manual(1_700_000_000));
    let app = "/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d/applications/e00d40f4-77dc-43af-b87e-0e3690d3d3de";
    let auth = basic::encode("09PJUB8eDGJc6C_fBwDaE5YD", "bi-hosted-secret");
    let host = "auth-us.example";
    let get = |path: String, bearer: Option<&str>| {
        let mut r = Request::get(path).header("host", host);
        if let Some(t) = bearer {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        r.body(Body::empty()).unwrap()
    };
    let post = |path: String, body: String, basic: bool| {
        let mut r = Request::post(path)
            .header("host", host)
            .header("content-type", "application/x-www-form-urlencoded");
        if basic {
            r = r.header("authorization", auth.clone());
        }
        r.body(Body::from(body)).unwrap()
    };
    let header = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (_, _, doc) = call(
        &st,
        get(format!("{app}/.well-known/openid-configuration"), None),
    )
    .await;
    let verifier = pkce::generate_verifier();
    let challenge = pkce::s256_challenge(&verifier);
    let (s1, h1, _) = call(
        &st,
        get(
            format!(
                "{app}/authorize?response_type=code&client_id=09PJUB8eDGJc6C_fBwDaE5YD&redirect_uri=https%3A%2F%2Fclient.example%2Fcallback&scope=openid%20pets%3Aread&state=xyz&nonce=n-1&code_challenge={}&code_challenge_method=S256",
                challenge.as_str()
            ),
            None,
        ),
    )
    .await;
    let sign_in = header(&h1, "location");
    let sealed = sign_in.split("request=").nth(1).unwrap().to_owned();
    let sealed = form_urlencoded::parse(format!("r={sealed}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("request", &sealed)
        .append_pair("Username", "test.user")
        .append_pair("Password", "bi-test-password")
        .append_pair("button", "login")
        .finish();
    let (s2, h2, _) = call(&st, post(format!("{app}/sign-in"), form, false)).await;
    let to_client = header(&h2, "location");
    let code = to_client
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap()
        .to_owned();
    let exchange = format!(
        "grant_type=authorization_code&code={code}&redirect_uri=https%3A%2F%2Fclient.example%2Fcallback&client_id=09PJUB8eDGJc6C_fBwDaE5YD&code_verifier={}",
        verifier.expose()
    );
    let (s3, h3, tokens) = call(&st, post(format!("{app}/token"), exchange, true)).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    let compact = Compact::split(id_token).unwrap();
    let id_header: Value = decode_segment(compact.header).unwrap();
    let id_claims: Value = decode_segment(compact.payload).unwrap();
    let refresh = format!(
        "grant_type=refresh_token&refresh_token={}",
        tokens["refresh_token"].as_str().unwrap()
    );
    let (s4, _, refreshed) = call(&st, post(format!("{app}/token"), refresh, true)).await;
    let access = tokens["access_token"].as_str().unwrap();
    let (s5, _, userinfo) = call(&st, get(format!("{app}/userinfo"), Some(access))).await;
    assert_eq!((s1, s2, s3, s4, s5), (302, 302, 200, 200, 200));
    let (_, mut claims) = claims_of(&tokens);
    claims["bi_x"] = json!("[bi_x]");
    let mut id_header = id_header;
    id_header["kid"] = json!("[kid]");
    settings().bind(|| {
        assert_json_snapshot!(
            "beyond_identity_code_flow",
            json!({
                "discovery": doc,
                "authorize_location": sign_in.replace(&sign_in[sign_in.find("request=").unwrap() + 8..], "[sealed request]"),
                "sign_in_location": to_client.replace(&code, "[code]"),
                "token": {"headers": h3, "body": token_shape(&tokens)},
                "access_claims": redacted_claims(claims),
                "id_token_header": id_header,
                "id_token_claims": redacted_claims(id_claims),
                "refresh": token_shape(&refreshed),
                "userinfo": userinfo,
            })
        );
    });
}

/// rest.core's CORS (manual §4.1.3): a preflight from a listed origin is answered 204
/// before authentication; an origin written as a URL, with its trailing slash, matches
/// nothing, which is the manual's troubleshooting case (§4.1.3.1): no allow header.
#[tokio::test]
async fn api_cors_answers_preflights_and_reproduces_the_trailing_slash_case() {
    let preflight = || {
        Request::options("/rest.core/api/People?q=*")
            .header("host", "myid.example")
            .header("origin", "http://myexternalserver:5500")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .body(Body::empty())
            .unwrap()
    };
    let with_origins = |origins: &str| {
        let mut s = myid_conformance::mock::config::Settings::default();
        s.layer(
            myid_conformance::mock::config::DEFAULT_APPSETTINGS,
            "defaults",
        )
        .unwrap();
        s.layer(
            &format!(r#"{{"MyID": {{"Cors": {{"AllowedOrigins": [{origins}]}}}}}}"#),
            "test",
        )
        .unwrap();
        let mut cfg = config();
        cfg.auth = AuthSettings::from_settings(&s).unwrap();
        AppState::new(cfg, Clock::manual(1_700_000_000))
    };
    let allow = |h: &[(String, String)]| {
        h.iter()
            .find(|(k, _)| k == "access-control-allow-origin")
            .map(|(_, v)| v.clone())
    };
    let (status, headers, _) = call(
        &with_origins(r#""http://myexternalserver:5500""#),
        preflight(),
    )
    .await;
    assert_eq!(status, 204, "answered before the API asks for a token");
    assert_eq!(
        allow(&headers).as_deref(),
        Some("http://myexternalserver:5500")
    );
    let (status, headers, _) = call(
        &with_origins(r#""http://myexternalserver:5500/""#),
        preflight(),
    )
    .await;
    assert_ne!(status, 204);
    assert_eq!(allow(&headers), None, "a URL is not an origin");
}

/// A disabled API user gets nothing (manual §3.1): its token is refused once its
/// person is disabled.
#[tokio::test]
async fn a_disabled_api_user_is_refused() {
    let mut cfg = config();
    let mut data = myid_conformance::mock::api::data::SeedData::shipped();
    let st = AppState::new(cfg.clone(), Clock::manual(1_700_000_000));
    let (_, _, token) = call(
        &st,
        token(
            &basic::encode("myid.limited", "limited-secret"),
            "grant_type=client_credentials&scope=myid.rest.basic",
        ),
    )
    .await;
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let groups = || {
        Request::get("/rest.core/api/Groups?q=*")
            .header("host", "myid.example")
            .header("authorization", bearer.clone())
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(call(&st, groups()).await.0, 200);
    for p in &mut data.people {
        if p.get("logonName").and_then(Value::as_str) == Some("api.limited") {
            p.insert("enabled".into(), json!("0"));
        }
    }
    cfg.data = Arc::new(data);
    let disabled = AppState::new(cfg, Clock::manual(1_700_000_000));
    let (status, headers, _) = call(&disabled, groups()).await;
    assert_eq!(status, 401);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "www-authenticate" && v.contains("invalid_token"))
    );
}
