//! The page at `/` of a mock and minting over the control plane.

use myid_conformance::{MockBuilder, MockServer, Profile};

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn every_profile_lists_its_endpoints_as_full_urls_and_no_secret() {
    for profile in Profile::all() {
        let mock = MockBuilder::new(profile).start().await.unwrap();
        let page = http()
            .get(format!("{}/", mock.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{profile:?}");
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = page.text().await.unwrap();
        let token = mock.token_url();
        assert!(html.contains(&token), "{profile:?}: no {token} on the page");
        assert!(
            !html.contains("{id}") && !html.contains("{account}"),
            "{profile:?}: a URL with a placeholder"
        );
        // The shipped secrets of the MyID profile are never shown.
        for secret in [
            "82564d6e-c4a6-4f64-a6d4-cac43781c67c",
            "b5989015-bb9e-4533-874b-2b4a6a8280ed",
            "test-password",
        ] {
            assert!(!html.contains(secret), "{profile:?} shows a secret");
        }
    }
}

#[tokio::test]
async fn the_page_lists_the_latest_requests_and_the_faults_on() {
    let mock = MockServer::builder()
        .fault(&myid_conformance::faults::myid::WRONG_SECRET_ACCEPTED)
        .start()
        .await
        .unwrap();
    http()
        .post(mock.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "nobody"),
        ])
        .send()
        .await
        .unwrap();
    let html = http()
        .get(format!("{}/", mock.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("wrong-secret-accepted"),
        "the fault on is not shown"
    );
    assert!(html.contains("/web.oauth2/connect/token") && html.contains("nobody"));
    assert!(html.contains("no enabled client has this id"));
    // Without the control plane there is no minting form, and no minting.
    assert!(!html.contains("id=\"mint\""));
    let mint = http()
        .post(format!("{}/_mock/tokens", mock.base_url()))
        .json(&serde_json::json!({ "client_id": "myid.mysystem" }))
        .send()
        .await
        .unwrap();
    assert_eq!(mint.status(), 404);
}

#[tokio::test]
async fn the_control_plane_mints_each_kind_of_token_the_mock_accepts() {
    let mock = MockServer::builder()
        .control_plane(true)
        .start()
        .await
        .unwrap();
    let mint = |body: serde_json::Value| {
        http()
            .post(format!("{}/_mock/tokens", mock.base_url()))
            .json(&body)
            .send()
    };
    let r = mint(serde_json::json!({ "client_id": "myid.mysystem" }))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token: serde_json::Value = r.json().await.unwrap();
    let people = http()
        .get(format!("{}/People", mock.api_url()))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        people.status(),
        200,
        "the minted token is refused by the API"
    );

    let person = "6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C";
    for kind in ["id", "refresh"] {
        let r = mint(
            serde_json::json!({ "client_id": "myid.myclient", "subject": person, "kind": kind }),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), 200, "{kind}");
    }
    for (body, says) in [
        (serde_json::json!({ "client_id": "nobody" }), "nobody"),
        (
            serde_json::json!({ "client_id": "myid.mysystem", "kind": "magic" }),
            "magic",
        ),
        (
            serde_json::json!({ "client": "myid.mysystem" }),
            "client_id",
        ),
        (
            serde_json::json!({ "client_id": "myid.mysystem", "kind": "refresh" }),
            "offline",
        ),
    ] {
        let r = mint(body).await.unwrap();
        assert_eq!(r.status(), 400);
        let text = r.text().await.unwrap();
        assert!(text.contains(says), "{text}");
    }
    // Each mint is in the journal with its client.
    let mints = mock.received_where(&myid_conformance::Filter::new().path("/_mock/tokens"));
    assert_eq!(mints.len(), 7);
    assert_eq!(mints[0].client.as_deref(), Some("myid.mysystem"));
}
