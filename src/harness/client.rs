//! An HTTP client that records every exchange of a scenario, so a failure can be shown
//! with the requests and responses that led to it (and a curl line to repeat the last
//! one), with tokens and secrets redacted.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

/// What replaces a secret or token wherever one would be shown.
pub const REDACTED: &str = "«redacted»";

/// Form fields and JSON members whose values are credentials.
const SECRET_FIELDS: [&str; 10] = [
    "client_secret",
    "code_verifier",
    "refresh_token",
    "access_token",
    "id_token",
    "token",
    "code",
    "password",
    "assertion",
    "client_assertion",
];
/// Headers whose values are credentials.
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
];

/// A request as sent.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// Headers in the order set.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// The first value of header `name` in `headers`, any case.
fn first_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl RecordedRequest {
    /// The first value of a header, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        first_header(&self.headers, name)
    }
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct RecordedResponse {
    /// The status code.
    pub status: u16,
    /// Headers in wire order; repeated headers appear repeatedly.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedResponse {
    /// The first value of a header, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        first_header(&self.headers, name)
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The top-level member names of a JSON object body, in wire order.
    pub fn json_member_order(&self) -> Option<Vec<String>> {
        // serde_json is built with preserve_order, so maps keep the wire order.
        match self.json()? {
            Value::Object(map) => Some(map.keys().cloned().collect()),
            _ => None,
        }
    }
}

/// One request and what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request.
    pub request: RecordedRequest,
    /// The response, or `None` when the server could not be reached.
    pub response: Option<RecordedResponse>,
    /// The transport error, when there was one.
    pub error: Option<String>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Exchange {
    /// The response, or an explanation of why there is none.
    pub fn response(&self) -> Result<&RecordedResponse, String> {
        self.response.as_ref().ok_or_else(|| {
            format!(
                "{} {} got no response: {}",
                self.request.method,
                self.request.url,
                self.error.as_deref().unwrap_or("unknown error")
            )
        })
    }
}

/// A request to send: anything a test may need to get wrong on purpose (raw bodies,
/// odd content types, malformed headers).
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// The method.
    pub method: Method,
    /// The URL.
    pub url: String,
    /// Headers to set.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl RequestSpec {
    /// A GET.
    pub fn get(url: impl Into<String>) -> Self {
        RequestSpec {
            method: Method::GET,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A form POST of `params`, encoded as `application/x-www-form-urlencoded`.
    pub fn form(url: impl Into<String>, params: &[(String, String)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish()
            .into_bytes();
        RequestSpec {
            method: Method::POST,
            url: url.into(),
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The recording client. Cheap to clone; clones share the log.
#[derive(Clone)]
pub struct Recorder {
    http: reqwest::Client,
    log: Arc<Mutex<Vec<Exchange>>>,
    notes: Arc<Mutex<Vec<String>>>,
    secrets: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

/// The TLS configuration every recorder shares, made once per process. Each scenario
/// has its own client (its own cookie jar), and a client built with reqwest's defaults
/// reads and parses the platform's trusted roots again — hundreds of PEM certificates,
/// which cost more than the scenario itself. This is the configuration reqwest would
/// build: aws-lc-rs, the platform's verifier (so `SSL_CERT_FILE` is honoured), HTTP/1.1.
fn shared_tls() -> Result<rustls::ClientConfig, String> {
    static TLS: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    TLS.get_or_init(|| {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|e| format!("cannot load the trusted certificates: {e}"))?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot configure TLS: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    })
    .clone()
}

impl Recorder {
    /// A client that never uses a proxy and never follows redirects (the harness
    /// inspects every hop itself).
    pub fn new() -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(shared_tls()?)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            // A cookie jar per scenario, like a browser's, for sign-in sessions.
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Recorder {
            http,
            log: Arc::default(),
            notes: Arc::default(),
            secrets: Arc::default(),
        })
    }

    /// Adds a value to redact wherever it appears in transcripts.
    pub fn add_secret(&self, value: &str) {
        if value.len() >= 4 {
            let mut secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
            if !secrets.iter().any(|s| s == value) {
                secrets.push(value.to_owned());
                // Longest first, so a secret inside a longer one does not leave a tail.
                secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
            }
        }
    }

    /// Sends a request and records the exchange; a transport failure is recorded too.
    pub async fn send(&self, spec: RequestSpec) -> Exchange {
        let start = Instant::now();
        let mut builder = self.http.request(spec.method.clone(), &spec.url);
        for (k, v) in &spec.headers {
            builder = builder.header(k, v);
        }
        let request = RecordedRequest {
            method: spec.method.to_string(),
            url: spec.url.clone(),
            headers: spec.headers.clone(),
            body: spec.body.clone(),
        };
        let outcome = async {
            let response = builder.body(spec.body).send().await?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>(RecordedResponse {
                status,
                headers,
                body,
            })
        }
        .await;
        let exchange = match outcome {
            Ok(response) => {
                self.learn_secrets(&response);
                Exchange {
                    request,
                    response: Some(response),
                    error: None,
                    elapsed: start.elapsed(),
                }
            }
            Err(e) => Exchange {
                request,
                response: None,
                error: Some(error_chain(&e)),
                elapsed: start.elapsed(),
            },
        };
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(exchange.clone());
        exchange
    }

    /// Learns the credentials a response carries, so they are redacted wherever they
    /// appear later (a finding's message included): credential members of a JSON body
    /// at any depth (a directory's password as well as a token response's tokens), and
    /// credential parameters of a redirect's `Location` (an authorization code on its
    /// way to the client).
    fn learn_secrets(&self, response: &RecordedResponse) {
        fn walk(recorder: &Recorder, value: &Value) {
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        match v {
                            Value::String(text) if is_secret_field(k) => recorder.add_secret(text),
                            _ => walk(recorder, v),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| walk(recorder, v)),
                _ => {}
            }
        }
        if let Some(json) = response.json() {
            walk(self, &json);
        }
        if let Some(location) = response.header("location") {
            let params = location
                .split_once('?')
                .map(|(_, q)| q)
                .into_iter()
                .chain(location.split_once('#').map(|(_, f)| f));
            for part in params {
                let part = part.split('#').next().unwrap_or(part);
                for (k, v) in form_urlencoded::parse(part.as_bytes()) {
                    if is_secret_field(&k) {
                        self.add_secret(&v);
                    }
                }
            }
        }
    }

    /// `text` with every credential this recorder has seen redacted: for what a check
    /// says about an exchange, redacted like the exchange itself.
    pub fn redact(&self, text: &str) -> String {
        let secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        redact_values(text, &secrets)
    }

    /// Records something the scenario saw outside HTTP (a login command's standard
    /// error, say); it goes into the transcript, redacted like the exchanges.
    pub fn note(&self, text: impl Into<String>) {
        self.notes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(text.into());
    }

    /// Every exchange so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The redacted transcript of every exchange, then a curl line for the last one.
    pub fn transcript(&self) -> String {
        let secrets = self
            .secrets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let exchanges = self.exchanges();
        let mut out = String::new();
        for note in self.notes.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "── note\n{}", redact_values(note, &secrets));
        }
        for (i, ex) in exchanges.iter().enumerate() {
            let _ = writeln!(out, "── exchange {} ({} ms)", i + 1, ex.elapsed.as_millis());
            out.push_str(&render_exchange(ex, &secrets));
        }
        if let Some(last) = exchanges.last() {
            let _ = writeln!(
                out,
                "── repeat the last request:\n{}",
                curl_line(&last.request, &secrets)
            );
        }
        out
    }
}

/// Whether a form field or JSON member named `name` holds a credential.
fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name))
        || name.to_ascii_lowercase().ends_with("password")
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let _ = write!(text, ": {s}");
        source = s.source();
    }
    text
}

/// Replaces every known secret in `text`.
pub fn redact_values(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .fold(text.to_owned(), |t, s| t.replace(s.as_str(), REDACTED))
}

fn redact_header(name: &str, value: &str, secrets: &[String]) -> String {
    if SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
        match value.split_once(' ') {
            Some((scheme, _)) if !name.to_ascii_lowercase().contains("cookie") => {
                format!("{scheme} {REDACTED}")
            }
            _ => REDACTED.to_owned(),
        }
    } else {
        redact_values(value, secrets)
    }
}

/// Redacts a body: credential members of JSON and form bodies, then known values.
pub fn redact_body(body: &[u8], content_type: Option<&str>, secrets: &[String]) -> String {
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("<{} bytes, not UTF-8>", body.len());
    };
    let structured = if let Ok(mut json) = serde_json::from_str::<Value>(text) {
        redact_json(&mut json);
        json.to_string()
    } else if content_type.is_some_and(|c| c.to_ascii_lowercase().contains("x-www-form-urlencoded"))
    {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body)
            .map(|(k, v)| {
                let secret = SECRET_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(&k));
                (
                    k.into_owned(),
                    if secret {
                        REDACTED.to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    } else {
        text.to_owned()
    };
    let mut out = redact_values(&structured, secrets);
    if out.len() > 2_000 {
        let cut = (0..=2_000)
            .rev()
            .find(|i| out.is_char_boundary(*i))
            .unwrap_or(0);
        out = format!("{}… ({} bytes in all)", &out[..cut], body.len());
    }
    out
}

fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_field(k) && v.is_string() {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact_json(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

fn render_exchange(ex: &Exchange, secrets: &[String]) -> String {
    let mut out = String::new();
    let req = &ex.request;
    let _ = writeln!(out, "> {} {}", req.method, redact_values(&req.url, secrets));
    for (k, v) in &req.headers {
        let _ = writeln!(out, "> {k}: {}", redact_header(k, v, secrets));
    }
    if !req.body.is_empty() {
        let _ = writeln!(
            out,
            ">\n> {}",
            redact_body(&req.body, req.header("content-type"), secrets)
        );
    }
    match &ex.response {
        Some(resp) => {
            let _ = writeln!(out, "< {}", resp.status);
            for (k, v) in &resp.headers {
                let _ = writeln!(out, "< {k}: {}", redact_header(k, v, secrets));
            }
            if !resp.body.is_empty() {
                let _ = writeln!(
                    out,
                    "<\n< {}",
                    redact_body(&resp.body, resp.header("content-type"), secrets)
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "! no response: {}",
                ex.error.as_deref().unwrap_or("unknown")
            );
        }
    }
    out
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A curl command that repeats `req`, with credentials redacted (fill them back in).
pub fn curl_line(req: &RecordedRequest, secrets: &[String]) -> String {
    let mut line = format!(
        "curl -i -X {} {}",
        req.method,
        shell_quote(&redact_values(&req.url, secrets))
    );
    for (k, v) in &req.headers {
        let _ = write!(
            line,
            " -H {}",
            shell_quote(&format!("{k}: {}", redact_header(k, v, secrets)))
        );
    }
    if !req.body.is_empty() {
        let body = redact_body(&req.body, req.header("content-type"), secrets);
        let _ = write!(line, " --data-binary {}", shell_quote(&body));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcripts_hide_credentials() {
        let secrets = vec!["s3cr3t-value".to_owned()];
        let req = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1/web.oauth2/connect/token".into(),
            headers: vec![
                (
                    "Authorization".into(),
                    "Basic bXlpZDpzM2NyM3QtdmFsdWU=".into(),
                ),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: b"grant_type=client_credentials&client_secret=s3cr3t-value&note=s3cr3t-value"
                .to_vec(),
        };
        let ex = Exchange {
            request: req.clone(),
            response: Some(RecordedResponse {
                status: 200,
                headers: vec![("set-cookie".into(), "idsrv=abc".into())],
                body: br#"{"access_token":"eyJhbGciOi.x.y","expires_in":3600,"nested":{"refresh_token":"R"}}"#.to_vec(),
            }),
            error: None,
            elapsed: Duration::from_millis(3),
        };
        let text = render_exchange(&ex, &secrets) + &curl_line(&req, &secrets);
        for leaked in [
            "s3cr3t-value",
            "bXlpZDpzM2NyM3QtdmFsdWU",
            "eyJhbGciOi",
            "idsrv=abc",
            "\"R\"",
        ] {
            assert!(!text.contains(leaked), "{leaked} leaked:\n{text}");
        }
        assert!(text.contains("Authorization: Basic «redacted»"));
        assert!(text.contains("grant_type=client_credentials"));
        assert!(text.contains("curl -i -X POST 'http://127.0.0.1/web.oauth2/connect/token'"));
    }

    #[test]
    fn binary_and_long_bodies() {
        assert_eq!(
            redact_body(&[0xFF, 0xFE], None, &[]),
            "<2 bytes, not UTF-8>"
        );
        let long = "é".repeat(3_000);
        assert!(redact_body(long.as_bytes(), None, &[]).ends_with("(6000 bytes in all)"));
    }
}
