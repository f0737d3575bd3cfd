//! A server error is its own kind of finding: a served mock whose revocation endpoint
//! answers 500 (the target file points `revocation` at a tiny server in the test that
//! answers nothing else) fails the revocation scenarios as server errors, with the
//! request, and judges none of their rules.

use serde_json::Value;

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_is_a_server_error_not_a_rule_failure() {
    let broken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let broken_url = format!("http://{}", broken.local_addr().unwrap());
    let router = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
        )
    });
    tokio::spawn(async move { axum::serve(broken, router).await.unwrap() });

    let served = common::serve_child(&[], &[]);
    let base = served.base.clone();

    let target = include_str!("../fixtures/targets/mock.toml")
        .replace("http://127.0.0.1:5000", &base)
        + &format!("\n[endpoints]\nrevocation = \"{broken_url}/web.oauth2/connect/revocation\"\n");
    let dir = std::env::temp_dir().join(format!("myid-server-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (path, json) = (dir.join("target.toml"), dir.join("run.json"));
    std::fs::write(&path, target).unwrap();
    let mut cmd = common::check_command();
    cmd.arg("--target")
        .arg(&path)
        .args(["--tags", "@revocation", "--json"])
        .arg(&json);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✘ SERVER ERROR"), "{text}");
    assert!(
        text.contains("--concurrency 1"),
        "the clustered errors bring no advice: {text}"
    );

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let failed: Vec<&Value> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "failed")
        .collect();
    assert!(failed.len() >= 2, "{text}");
    for s in failed {
        let error = s["server_error"].as_str().unwrap_or_default();
        assert!(
            error.starts_with("500 to ") && error.contains("/connect/revocation"),
            "{s}"
        );
        // No rule failed: the checks the server error left are not judged.
        for f in s["findings"].as_array().unwrap() {
            assert!(
                f["passed"] == true || f["severity"] != "fail",
                "a rule failure beside a server error: {f}"
            );
        }
    }
    assert!(report["counts"]["server_errors"].as_u64().unwrap() >= 2);
}
