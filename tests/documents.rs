//! Where the mock once differed from the documents it imitates, each as the document
//! says it: every test here failed on the mock before the change it names.

use myid_conformance::{Mint, MockBuilder, MockServer, Profile};
use serde_json::Value;

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn service_token(mock: &MockServer, client: &str, secret: &str) -> String {
    let token: Value = http()
        .post(mock.token_url())
        .basic_auth(client, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

/// ClearID's document: the STS (`sts-demo.clearid.io`) and the Identity Service
/// (`identityservice-demo.clearid.io`) are two hosts, and the second takes the first's
/// tokens. The mock once took a token only on the host that issued it.
#[tokio::test]
async fn clearid_identity_service_takes_the_sts_token_on_another_host() {
    let mock = MockBuilder::new(Profile::CLEARID).start().await.unwrap();
    let port = mock.addr().port();
    let token: Value = http()
        .post(format!("http://127.0.0.1:{port}/connect/token"))
        .header("host", format!("sts.localhost:{port}"))
        .form(&[
            ("grant_type", "client_credentials"),
            (
                "client_id",
                "6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos",
            ),
            ("client_secret", "clearid-demo-secret"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = token["access_token"].as_str().expect("a token");
    let identities = http()
        .get(format!(
            "http://127.0.0.1:{port}/api/v2/accounts/cleariddemos/identities"
        ))
        .header("host", format!("identityservice.localhost:{port}"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(identities.status(), 200);
    // Without a configured authority any http(s) origin is the STS's name, but a token
    // must still name one.
    let nameless = mock
        .access_token(
            &Mint::client("6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos")
                .claim("iss", "someone"),
        )
        .unwrap();
    let refused = http()
        .get(format!(
            "{}/api/v2/accounts/cleariddemos/identities",
            mock.base_url()
        ))
        .bearer_auth(nameless)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

/// With `ClearId:Authority` the STS names that issuer, and the Identity Service takes
/// only it.
#[tokio::test]
async fn clearid_authority_is_the_issuer_and_the_only_one_taken() {
    let mock = MockBuilder::new(Profile::CLEARID)
        .settings_json(r#"{ "ClearId": { "Authority": "https://sts-demo.clearid.io" } }"#)
        .start()
        .await
        .unwrap();
    let discovery: Value = http()
        .get(format!(
            "{}/.well-known/openid-configuration",
            mock.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], "https://sts-demo.clearid.io");
    let call = |token: String| {
        http()
            .get(format!(
                "{}/api/v2/accounts/cleariddemos/identities",
                mock.base_url()
            ))
            .bearer_auth(token)
            .send()
    };
    let ours = mock
        .access_token(&Mint::client(
            "6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos",
        ))
        .unwrap();
    assert_eq!(call(ours).await.unwrap().status(), 200);
    let other = mock
        .access_token(
            &Mint::client("6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos")
                .claim("iss", "https://sts.elsewhere"),
        )
        .unwrap();
    assert_eq!(call(other).await.unwrap().status(), 401);
}

/// Every other read outside the caller's scope is 404 (WS40005); a device's requests
/// once answered 200 with an empty list, which told the caller the device exists.
#[tokio::test]
async fn a_device_outside_the_scope_has_no_requests_to_show() {
    // A department-scoped operator who may view devices: Personnel in Finance.
    let mock = MockServer::builder()
        .client(
            myid_conformance::Client::confidential("finance.desk", "s3cret")
                .scopes(["myid.rest.basic"])
                .api_user("finance.desk"),
        )
        .person(serde_json::json!({
            "id": "0D6B1F4E-2A3C-4B5D-8E6F-7A8B9C0D1E2F",
            "logonName": "finance.desk",
            "name": { "first": "Finance", "last": "Desk" },
            "group": { "id": "EF8998AC-B2B6-4CF0-8DC3-99D0DCA2DA2B" },
            "roles": [ { "id": "Personnel", "scope": "department" } ],
            "enabled": "1"
        }))
        .start()
        .await
        .unwrap();
    let limited = service_token(&mock, "finance.desk", "s3cret").await;
    let devices: Vec<Value> =
        serde_json::from_str(include_str!("../fixtures/data/devices.json")).unwrap();
    let mut outside = None;
    for d in &devices {
        let id = d["id"].as_str().unwrap();
        let r = http()
            .get(format!("{}/Devices/{id}", mock.api_url()))
            .bearer_auth(&limited)
            .send()
            .await
            .unwrap();
        if r.status() == 404 {
            outside = Some(id.to_owned());
            break;
        }
    }
    let outside = outside.expect("a device outside the limited scope");
    let r = http()
        .get(format!("{}/Devices/{outside}/requests", mock.api_url()))
        .bearer_auth(&limited)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "WS40005");
}

/// Swagger UI's sign-in for `myid.operatorclient` (manual §5.2) on whatever port the
/// mock is served: its redirect page is registered there too.
#[tokio::test]
async fn swagger_sign_in_works_on_any_port() {
    let mock = MockServer::builder().start().await.unwrap();
    let redirect = format!("{}/rest.core/swagger/oauth2-redirect.html", mock.base_url());
    let browser = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = browser
        .get(format!("{}/connect/authorize", mock.auth_url()))
        .query(&[
            ("client_id", "myid.operatorclient"),
            ("redirect_uri", redirect.as_str()),
            ("response_type", "code"),
            ("scope", "myid.rest.basic"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap();
    assert!(location.contains("/account/login"), "{location}");
}

/// Beyond Identity's document asks for `realms:create` as its example scope of the
/// Management API.
#[tokio::test]
async fn the_management_api_app_takes_the_documents_example_scope() {
    let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
        .start()
        .await
        .unwrap();
    let issuer = mock.issuer_for("xYucOePnyLOAhZU_2xyI9mja").unwrap();
    let token: Value = http()
        .post(format!("{issuer}/token"))
        .basic_auth("xYucOePnyLOAhZU_2xyI9mja", Some("bi-management-secret"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "realms:create"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["scope"], "realms:create", "{token}");
}

async fn api_document(mock: &MockServer) -> Value {
    http()
        .get(format!(
            "{}/rest.core/swagger/v1/swagger.json",
            mock.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Manual §2.1: `DocumentErrorCodes` and `DocumentMIReports` decide what the API
/// document shows; `dirInfo` (§5.1's example) is one of its parameters.
#[tokio::test]
async fn the_api_document_follows_its_settings() {
    let mock = MockServer::builder().start().await.unwrap();
    let doc = api_document(&mock).await;
    let text = doc.to_string();
    assert!(
        !text.contains("WS50000"),
        "error codes documented by default"
    );
    assert!(
        doc["paths"]
            .as_object()
            .unwrap()
            .keys()
            .any(|p| p.starts_with("/api/Reports/"))
    );
    let person = &doc["paths"]["/api/People/{id}"]["get"]["parameters"];
    assert!(
        person
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "dirInfo"),
        "{person}"
    );

    let mock = MockServer::builder()
        .settings_env([
            (
                "MyID__SwaggerApiDocumentation__DocumentErrorCodes".to_owned(),
                "true".to_owned(),
            ),
            (
                "MyID__SwaggerApiDocumentation__DocumentMIReports".to_owned(),
                "false".to_owned(),
            ),
        ])
        .start()
        .await
        .unwrap();
    let doc = api_document(&mock).await;
    assert!(doc.to_string().contains("WS50000"));
    assert!(
        !doc["paths"]
            .as_object()
            .unwrap()
            .keys()
            .any(|p| p.starts_with("/api/Reports/"))
    );
}

async fn operation(mock: &MockServer, fields: &[(&str, &str)]) -> (u16, Value) {
    let token = mock.access_token(&Mint::client("myid.mysystem")).unwrap();
    let mut form = vec![
        ("grant_type", "operation"),
        ("client_id", "myid.mcs"),
        ("token", token.as_str()),
    ];
    form.extend_from_slice(fields);
    let r = http()
        .post(mock.token_url())
        .form(&form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn claims(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// Manual §6.2: the `myid.devicepicker` scope's user claims are `deviceDetectContext`,
/// `op` and `myidSessionId`; the token once carried only `op`.
#[tokio::test]
async fn the_device_picker_token_carries_the_manuals_claims() {
    let mock = MockServer::builder().start().await.unwrap();
    let (status, body) = operation(
        &mock,
        &[
            ("op", "100221"),
            ("scope", "myid.devicepicker"),
            ("deviceDetectContext", ""),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["op"], "100221");
    assert_eq!(c["deviceDetectContext"], "");
    assert!(
        c["myidSessionId"].as_str().is_some_and(|s| !s.is_empty()),
        "{c}"
    );
}

/// Manual §6.1: the operation id comes from the link data, so the operations a server
/// knows are its own; `Mock:Operations` lists them (the manual's three by default).
#[tokio::test]
async fn operations_are_the_configured_ones() {
    let device = [
        ("scope", "myid.operation"),
        ("deviceId", "0F2B5C3D-1A2B-4C3D-8E9F-001122334455"),
    ];
    let mock = MockServer::builder().start().await.unwrap();
    let (status, _) = operation(&mock, &[&[("op", "2004")][..], &device].concat()).await;
    assert_eq!(status, 400);
    let mock = MockServer::builder()
        .settings_env([
            ("Mock__Operations__0__Id".to_owned(), "2004".to_owned()),
            (
                "Mock__Operations__0__Scope".to_owned(),
                "myid.operation".to_owned(),
            ),
        ])
        .start()
        .await
        .unwrap();
    let (status, body) = operation(&mock, &[&[("op", "2004")][..], &device].concat()).await;
    assert_eq!(status, 200, "{body}");
    let bad = MockServer::builder()
        .settings_env([("Mock__Operations__0__Id".to_owned(), "reset".to_owned())])
        .start()
        .await;
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("Mock:Operations:0:Id")
    );
}
