//! Properties of the Core API mock: report paging holds its invariants whatever the
//! amount of data; no body sent to POST/PATCH People produces a 5xx or an undocumented
//! answer; and any single change to a valid token's claims or signature gets 401.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use myid_conformance::harness::checks::api::{self as checks, Page};
use myid_conformance::mock::api::data::SeedData;
use myid_conformance::mock::keys::SigningKey;
use myid_conformance::mock::{self, AppState, MockBuilder, Profile};
use myid_conformance::protocol::jwt::{ACCESS_TOKEN_TYP, Compact, b64url, decode_segment};
use myid_conformance::protocol::{Clock, basic};
use proptest::prelude::*;

mod common;
use common::{key, runtime};
use serde_json::{Map, Value, json};
use tower::ServiceExt as _;

const NOW: i64 = 1_700_000_000;
const HOST: &str = "myid.example";

fn state(data: SeedData) -> AppState {
    let mut config = MockBuilder::new(Profile::MYID).config().unwrap();
    config.data = Arc::new(data);
    AppState::new(config, Clock::manual(NOW))
}

fn send(st: &AppState, request: Request<Body>) -> (u16, Vec<u8>) {
    runtime().block_on(async {
        let response = mock::service(st.clone()).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, body.to_vec())
    })
}

/// A client-credentials token for myid.mysystem (api.external, scope all).
fn token(st: &AppState) -> String {
    let auth = basic::encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c");
    let request = Request::post("/web.oauth2/connect/token")
        .header("host", HOST)
        .header("authorization", auth)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials"))
        .unwrap();
    let (_, body) = send(st, request);
    serde_json::from_slice::<Value>(&body).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn api(
    method: &str,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header("host", HOST)
        .header("authorization", format!("Bearer {token}"));
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    r.body(Body::from(body)).unwrap()
}

/// Seed data with `n` requests for people api.external can see.
fn with_requests(n: usize) -> SeedData {
    let mut data = SeedData::shipped();
    let target = data.people[3]["id"].clone();
    data.requests = (0..n)
        .map(|i| {
            let status = ["Awaiting Issue", "Completed", "Cancelled"][i % 3];
            let r = json!({
                "id": format!("00000000-0000-4000-8000-{:012X}", i),
                "status": status,
                "target": { "id": target, "name": "T" },
                "credProfile": { "id": "177732B8-ED11-497A-AFA3-73A8C0E79964", "name": "Smart Card" },
                // Few distinct dates, so the order needs its tie-breaker.
                "initiationDate": format!("2024-01-{:02}T00:00:00", i % 4 + 1),
                "jobLabel": format!("job {i}"),
            });
            match r {
                Value::Object(m) => m,
                _ => Map::new(),
            }
        })
        .collect();
    data
}

fn walk(st: &AppState, token: &str, order_by: &str) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut next = Some(format!("reports/100406?page=1&order_by={order_by}"));
    while let Some(href) = next.take() {
        assert!(pages.len() < 100, "nextPage never ends");
        let (status, body) = send(
            st,
            api(
                "GET",
                &format!("/rest.core/api/{href}"),
                token,
                None,
                Vec::new(),
            ),
        );
        assert_eq!(status, 200);
        let body: Value = serde_json::from_slice(&body).unwrap();
        let link = body["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["op"] == "nextPage")
            .map(|l| l["href"].as_str().unwrap().to_owned());
        next = link.clone();
        pages.push(Page {
            number: pages.len() + 1,
            rows: body["results"].as_array().unwrap().clone(),
            next: link,
        });
    }
    pages
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn paging_holds_its_invariants_for_any_amount_of_data(n in 0usize..75, descending in any::<bool>()) {
        let st = state(with_requests(n));
        let t = token(&st);
        let order = if descending { "-InitiationDate" } else { "InitiationDate" };
        let pages = walk(&st, &t, order);
        let rows: usize = pages.iter().map(|p| p.rows.len()).sum();
        prop_assert_eq!(rows, n);
        for check in [
            checks::paging_no_duplicates(&pages, "RequestID"),
            checks::paging_ordered(&pages, order),
            checks::paging_links(&pages, "100406", order),
        ] {
            prop_assert!(check.passed(), "{:?}", check);
        }
        let other = walk(&st, &t, if descending { "InitiationDate" } else { "-InitiationDate" });
        prop_assert!(checks::paging_no_gaps(&pages, &other, "RequestID").passed());
        let (_, past) = send(&st, api("GET", &format!("/rest.core/api/reports/100406?page={}", pages.len() + 1), &t, None, Vec::new()));
        let past: Value = serde_json::from_slice(&past).unwrap();
        prop_assert_eq!(past["results"].as_array().map(Vec::len), Some(0));
    }

    #[test]
    fn people_bodies_never_fail_the_server(
        body in prop_oneof![
            any::<Vec<u8>>(),
            "\\PC{0,200}".prop_map(String::into_bytes),
            arbitrary_json().prop_map(|v| v.to_string().into_bytes()),
            person_like().prop_map(|v| v.to_string().into_bytes()),
        ],
        content_type in prop::sample::select(vec!["application/json-patch+json", "application/json", "text/plain", ""]),
        patch in any::<bool>(),
    ) {
        let st = state(SeedData::shipped());
        let t = token(&st);
        let (method, path) = if patch {
            ("PATCH", "/rest.core/api/People/6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C?confirm=false")
        } else {
            ("POST", "/rest.core/api/People?confirm=false")
        };
        let ct = (!content_type.is_empty()).then_some(content_type);
        let (status, response) = send(&st, api(method, path, &t, ct, body));
        prop_assert!(status < 500, "status {}", status);
        match status {
            200 => {}
            415 => {}
            _ => {
                let v: Value = serde_json::from_slice(&response).unwrap_or(Value::Null);
                let documented = v["code"].as_str().is_some_and(|c| ["WS30001", "WS30004", "WS30015", "WS30017", "WS40005"].contains(&c))
                    || (status == 400 && v["traceId"].is_string());
                prop_assert!(documented, "{} {}", status, v);
            }
        }
    }

    #[test]
    fn any_single_change_to_a_token_gets_401(change in 0usize..12) {
        let st = state(SeedData::shipped());
        let good = token(&st);
        let c = Compact::split(&good).unwrap();
        let mut claims: Map<String, Value> = decode_segment(c.payload).unwrap();
        let resign = |claims: &Map<String, Value>| key().sign(ACCESS_TOKEN_TYP, claims).unwrap();
        let mutated = match change {
            0 => { claims.insert("exp".into(), json!(NOW - 301)); resign(&claims) }
            1 => { claims.insert("nbf".into(), json!(NOW + 3600)); resign(&claims) }
            2 => { claims.insert("iss".into(), json!("http://evil.example/web.oauth2")); resign(&claims) }
            3 => { claims.insert("aud".into(), json!("other.api")); resign(&claims) }
            4 => { claims.insert("scope".into(), json!(["myid.operation"])); resign(&claims) }
            5 => { claims.remove("exp"); resign(&claims) }
            6 => { claims.insert("client_id".into(), json!("no.such.client")); resign(&claims) }
            7 => { claims.insert("exp".into(), json!(NOW + 86_400)); format!("{}.{}.{}", c.header, b64url(Value::Object(claims).to_string()), c.signature) }
            8 => {
                let mut sig = c.signature.to_owned().into_bytes();
                sig[10] = if sig[10] == b'A' { b'B' } else { b'A' };
                format!("{}.{}.{}", c.header, c.payload, String::from_utf8(sig).unwrap())
            }
            9 => format!("{}.{}.", b64url(r#"{"alg":"none","typ":"at+jwt"}"#), c.payload),
            10 => { claims.insert("sub".into(), json!("00000000-0000-0000-0000-000000000000")); resign(&claims) }
            _ => SigningKey::generate().unwrap().sign(ACCESS_TOKEN_TYP, &claims).unwrap(),
        };
        let (ok, _) = send(&st, api("GET", "/rest.core/api/Groups?q=*", &good, None, Vec::new()));
        prop_assert_eq!(ok, 200);
        let (status, _) = send(&st, api("GET", "/rest.core/api/Groups?q=*", &mutated, None, Vec::new()));
        prop_assert_eq!(status, 401, "change {}", change);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "\\PC{0,20}".prop_map(Value::String)
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z.]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bodies shaped like a person, with each part possibly wrong.
fn person_like() -> impl Strategy<Value = Value> {
    (
        prop::option::of("[a-z.]{0,12}"),
        prop::option::of(("\\PC{0,8}", "\\PC{0,8}")),
        prop::option::of(prop::sample::select(vec![
            "EF8998AC-B2B6-4CF0-8DC3-99D0DCA2DA2B",
            "00000000-0000-0000-0000-000000000000",
            "nope",
            "",
        ])),
        prop::option::of(prop::sample::select(vec!["Cardholder", "No Such Role"])),
        prop::option::of(prop::sample::select(vec!["self", "all", "galaxy"])),
    )
        .prop_map(|(logon, name, group, role, scope)| {
            let mut p = Map::new();
            if let Some(l) = logon {
                p.insert("logonName".into(), json!(l));
            }
            if let Some((f, l)) = name {
                p.insert("name".into(), json!({ "first": f, "last": l }));
            }
            if let Some(g) = group {
                p.insert("group".into(), json!({ "id": g }));
            }
            if let Some(r) = role {
                p.insert(
                    "roles".into(),
                    json!([{ "id": r, "scope": scope.unwrap_or("self") }]),
                );
            }
            Value::Object(p)
        })
}
