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
    /// The certificates trusted besides the platform's, for another browser like it.
    trusted: Option<Arc<str>>,
    log: Arc<Mutex<Vec<Exchange>>>,
    notes: Arc<Mutex<Vec<String>>>,
    secrets: Arc<Mutex<Vec<Secret>>>,
}

/// A value never shown, and what is shown in its place: `«$VAR»` for a target's secret
/// (the variable it came from), `«refresh_token#2»` for a credential a response gave
/// (numbered by kind within the scenario, so the same token is always the same
/// number and a reader sees that a reused token was the same one), `«redacted»`
/// for anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    value: String,
    label: String,
}

impl Secret {
    /// A secret shown as `«redacted»`.
    pub fn plain(value: impl Into<String>) -> Self {
        Secret {
            value: value.into(),
            label: REDACTED.to_owned(),
        }
    }
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
        client_config(provider, verifier)
    })
    .clone()
}

/// [`shared_tls`] that also trusts the certificates of `pem`: a private CA a target file
/// names (`ca_file`), or an embedded mock's own certificate. Made once per distinct
/// `pem`, for the same reason as [`shared_tls`].
fn tls_trusting(pem: &str) -> Result<rustls::ClientConfig, String> {
    type Made = std::collections::HashMap<String, Result<rustls::ClientConfig, String>>;
    static MADE: OnceLock<Mutex<Made>> = OnceLock::new();
    let mut made = MADE
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    made.entry(pem.to_owned())
        .or_insert_with(|| make_tls_trusting(pem))
        .clone()
}

fn make_tls_trusting(pem: &str) -> Result<rustls::ClientConfig, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let roots = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the trusted certificates are not PEM: {e}"))?;
    if roots.is_empty() {
        return Err("no certificate among the trusted certificates".into());
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(|e| format!("cannot load the trusted certificates: {e}"))?;
    client_config(provider, verifier)
}

/// The client configuration reqwest would build around `verifier`: HTTP/1.1.
fn client_config(
    provider: Arc<rustls::crypto::CryptoProvider>,
    verifier: rustls_platform_verifier::Verifier,
) -> Result<rustls::ClientConfig, String> {
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot configure TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

impl Recorder {
    /// A client that never uses a proxy and never follows redirects (the harness
    /// inspects every hop itself).
    pub fn new() -> Result<Self, String> {
        Self::trusting(None)
    }

    /// [`Recorder::new`], also trusting the PEM certificates `extra` (besides the
    /// platform's).
    pub fn trusting(extra: Option<&str>) -> Result<Self, String> {
        let tls = match extra {
            Some(pem) => tls_trusting(pem)?,
            None => shared_tls()?,
        };
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            // A cookie jar per scenario, like a browser's, for sign-in sessions.
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Recorder {
            http,
            trusted: extra.map(Arc::from),
            log: Arc::default(),
            notes: Arc::default(),
            secrets: Arc::default(),
        })
    }

    /// A second browser: its own cookie jar, this one's transcript and secrets.
    pub fn another_browser(&self) -> Result<Self, String> {
        let fresh = Recorder::trusting(self.trusted.as_deref())?;
        Ok(Recorder {
            http: fresh.http,
            trusted: fresh.trusted,
            log: Arc::clone(&self.log),
            notes: Arc::clone(&self.notes),
            secrets: Arc::clone(&self.secrets),
        })
    }

    /// Adds a value to redact wherever it appears in transcripts, shown as `«redacted»`.
    pub fn add_secret(&self, value: &str) {
        self.keep(value, |_| REDACTED.to_owned());
    }

    /// Adds a target's secret, shown as the variable it came from (`«$MYID_SECRET»`),
    /// which is also what the repeat line's curl reads.
    pub fn add_named_secret(&self, value: &str, var: &str) {
        self.keep(value, |_| format!("«${var}»"));
    }

    /// Adds a credential a response gave, shown as its kind and number
    /// (`«access_token#1»`).
    fn add_learned(&self, kind: &str, value: &str) {
        let kind = kind.to_ascii_lowercase();
        self.keep(value, |secrets| {
            let prefix = format!("«{kind}#");
            let n = secrets
                .iter()
                .filter(|s| s.label.starts_with(&prefix))
                .count();
            format!("{prefix}{}»", n + 1)
        });
    }

    fn keep(&self, value: &str, label: impl FnOnce(&[Secret]) -> String) {
        if value.len() < 4 {
            return;
        }
        let mut secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        if secrets.iter().any(|s| s.value == value) {
            return;
        }
        let label = label(&secrets);
        secrets.push(Secret {
            value: value.to_owned(),
            label,
        });
        // Longest first, so a secret inside a longer one does not leave a tail.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.value.len()));
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
                            Value::String(text) if is_secret_field(k) => {
                                recorder.add_learned(k, text);
                            }
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
                        self.add_learned(&k, &v);
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

/// Replaces every known secret in `text` with its label.
pub fn redact_values(text: &str, secrets: &[Secret]) -> String {
    secrets.iter().fold(text.to_owned(), |t, s| {
        t.replace(s.value.as_str(), &s.label)
    })
}

/// The label of a value when it is a known secret.
fn label_of<'a>(value: &str, secrets: &'a [Secret]) -> Option<&'a str> {
    secrets
        .iter()
        .find(|s| s.value == value)
        .map(|s| s.label.as_str())
}

fn redact_header(name: &str, value: &str, secrets: &[Secret]) -> String {
    if SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
        match value.split_once(' ') {
            Some((scheme, credential)) if !name.to_ascii_lowercase().contains("cookie") => {
                let shown = label_of(credential.trim(), secrets).unwrap_or(REDACTED);
                format!("{scheme} {shown}")
            }
            _ => REDACTED.to_owned(),
        }
    } else {
        redact_values(value, secrets)
    }
}

/// How much of an HTML page a transcript shows before folding it to a summary.
const HTML_SHOWN: usize = 300;

/// Redacts a body: known values become their labels, other credential members of JSON
/// and form bodies `«redacted»`. A page of HTML (a sign-in form, an error page) is
/// folded to its title and forms: eighty lines of markup hide the exchange around it.
pub fn redact_body(body: &[u8], content_type: Option<&str>, secrets: &[Secret]) -> String {
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("<{} bytes, not UTF-8>", body.len());
    };
    let media = content_type
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if media.contains("text/html") && text.len() > HTML_SHOWN {
        return fold_html(text);
    }
    let structured = if let Ok(mut json) = serde_json::from_str::<Value>(text) {
        redact_json(&mut json, secrets);
        json.to_string()
    } else if media.contains("x-www-form-urlencoded") {
        form_body(body, secrets)
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

/// A form body with each known value as its label and other credential fields
/// `«redacted»`, the labels left unencoded so they read (and a curl line can put a
/// variable there).
fn form_body(body: &[u8], secrets: &[Secret]) -> String {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    form_urlencoded::parse(body)
        .map(|(k, v)| {
            let shown = match label_of(&v, secrets) {
                Some(label) => label.to_owned(),
                None if is_secret_field(&k) && !v.is_empty() => REDACTED.to_owned(),
                None => encode(&v),
            };
            format!("{}={shown}", encode(&k))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// An HTML page as one line: its size, title and forms (their actions and field
/// names, never their values: a form carries an anti-forgery token).
fn fold_html(page: &str) -> String {
    let lower = page.to_ascii_lowercase();
    let title = lower
        .find("<title>")
        .and_then(|start| {
            let from = start + "<title>".len();
            lower[from..]
                .find("</title>")
                .map(|end| page[from..from + end].trim().to_owned())
        })
        .unwrap_or_default();
    let forms: Vec<String> = crate::protocol::html::forms(page)
        .iter()
        .map(|f| {
            let names: Vec<&str> = f.fields.iter().map(|(k, _)| k.as_str()).collect();
            format!(
                "a form to {} with {}",
                f.action.as_deref().unwrap_or("the same page"),
                names.join(", ")
            )
        })
        .collect();
    let mut out = format!("<an HTML page of {} bytes", page.len());
    if !title.is_empty() {
        let _ = write!(
            out,
            ", \"{}\"",
            crate::protocol::html::decode_entities(&title)
        );
    }
    if !forms.is_empty() {
        let _ = write!(out, ": {}", forms.join("; "));
    }
    out.push_str(", folded>");
    out
}

fn redact_json(value: &mut Value, secrets: &[Secret]) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(text) if label_of(text, secrets).is_some() => {
                        *v = Value::String(label_of(text, secrets).unwrap_or(REDACTED).into());
                    }
                    Value::String(_) if is_secret_field(k) => {
                        *v = Value::String(REDACTED.into());
                    }
                    _ => redact_json(v, secrets),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_json(v, secrets)),
        _ => {}
    }
}

fn render_exchange(ex: &Exchange, secrets: &[Secret]) -> String {
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

/// `text` as one double-quoted shell word, each label a variable: `«$VAR»` reads the
/// target's variable, `«refresh_token#1»` the variable `REFRESH_TOKEN_1` (which the
/// reader sets from the transcript's own exchange; its value is never shown). What is
/// left, `«redacted»`, stays as it is: a value nobody named cannot be filled in.
fn shell_word(text: &str, wanted: &mut Vec<String>) -> String {
    let mut out = String::from("\"");
    let mut rest = text;
    while let Some(start) = rest.find('«') {
        let (literal, tail) = rest.split_at(start);
        push_escaped(&mut out, literal);
        let Some(end) = tail.find('»') else {
            push_escaped(&mut out, tail);
            rest = "";
            break;
        };
        let label = &tail['«'.len_utf8()..end];
        rest = &tail[end + '»'.len_utf8()..];
        if label == "redacted" {
            push_escaped(&mut out, REDACTED);
            continue;
        }
        let var = label
            .strip_prefix('$')
            .map(str::to_owned)
            .unwrap_or_else(|| {
                label
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_uppercase()
                        } else {
                            '_'
                        }
                    })
                    .collect()
            });
        if !label.starts_with('$') && !wanted.contains(&var) {
            wanted.push(var.clone());
        }
        let _ = write!(out, "${{{var}}}");
    }
    push_escaped(&mut out, rest);
    out.push('"');
    out
}

fn push_escaped(out: &mut String, literal: &str) {
    for c in literal.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A curl command that repeats `req` and runs: the target's secrets come from their
/// variables (as `check` read them), the credentials the scenario was given from
/// variables named after their labels, listed first for the reader to set.
pub fn curl_line(req: &RecordedRequest, secrets: &[Secret]) -> String {
    let mut wanted = Vec::new();
    let mut line = format!(
        "curl -i -X {} {}",
        req.method,
        shell_word(&redact_values(&req.url, secrets), &mut wanted)
    );
    for (k, v) in &req.headers {
        let basic = k
            .eq_ignore_ascii_case("authorization")
            .then(|| crate::protocol::basic::parse(v))
            .flatten();
        if let Some(b) = basic {
            let user = format!(
                "{}:{}",
                redact_values(&b.client_id(), secrets),
                label_of(&b.secret(), secrets).unwrap_or(REDACTED)
            );
            let _ = write!(line, " -u {}", shell_word(&user, &mut wanted));
            continue;
        }
        let header = format!("{k}: {}", redact_header(k, v, secrets));
        let _ = write!(line, " -H {}", shell_word(&header, &mut wanted));
    }
    if !req.body.is_empty() {
        let body = redact_body(&req.body, req.header("content-type"), secrets);
        let _ = write!(line, " --data-binary {}", shell_word(&body, &mut wanted));
    }
    if wanted.is_empty() {
        line
    } else {
        format!(
            "# set {} first: what the server issued in this run, which no report shows\n{line}",
            wanted.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcripts_hide_credentials() {
        let secrets = vec![Secret::plain("s3cr3t-value")];
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
        assert!(text.contains("curl -i -X POST \"http://127.0.0.1/web.oauth2/connect/token\""));
    }

    /// The same token is the same number wherever it appears, a target's secret is its
    /// variable, and the repeat line runs with those variables.
    #[tokio::test]
    async fn labels_number_tokens_and_name_variables() {
        let recorder = Recorder::new().unwrap();
        recorder.add_named_secret("client-secret-value", "MY_SECRET");
        recorder.learn_secrets(&RecordedResponse {
            status: 200,
            headers: vec![(
                "location".into(),
                "https://c.example/cb?code=code-value-1&state=s".into(),
            )],
            body: br#"{"access_token":"access-one","refresh_token":"refresh-one"}"#.to_vec(),
        });
        recorder.learn_secrets(&RecordedResponse {
            status: 200,
            headers: vec![],
            body: br#"{"access_token":"access-two","refresh_token":"refresh-one"}"#.to_vec(),
        });
        let secrets = recorder.secrets.lock().unwrap().clone();
        let text = redact_values("refresh-one access-one access-two code-value-1", &secrets);
        assert_eq!(
            text,
            "«refresh_token#1» «access_token#1» «access_token#2» «code#1»"
        );
        let req = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1/token".into(),
            headers: vec![
                (
                    "Authorization".into(),
                    crate::protocol::basic::encode("my.client", "client-secret-value"),
                ),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: b"grant_type=refresh_token&refresh_token=refresh-one&note=a%20b".to_vec(),
        };
        let curl = curl_line(&req, &secrets);
        assert_eq!(
            curl,
            "# set REFRESH_TOKEN_1 first: what the server issued in this run, which no report shows\n\
             curl -i -X POST \"http://127.0.0.1/token\" -u \"my.client:${MY_SECRET}\" \
             -H \"Content-Type: application/x-www-form-urlencoded\" \
             --data-binary \"grant_type=refresh_token&refresh_token=${REFRESH_TOKEN_1}&note=a+b\""
        );
        let bearer = redact_header("Authorization", "Bearer access-two", &secrets);
        assert_eq!(bearer, "Bearer «access_token#2»");
    }

    #[test]
    fn an_html_page_is_folded_to_its_title_and_forms() {
        let page = format!(
            "<html><head><title>Sign in &amp; go</title></head><body>{}<form method=\"post\" action=\"/account/login\">\
             <input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"anti-forgery\">\
             <input name=\"Username\"></form></body></html>",
            " ".repeat(400)
        );
        let shown = redact_body(page.as_bytes(), Some("text/html; charset=utf-8"), &[]);
        assert!(shown.starts_with("<an HTML page of "), "{shown}");
        assert!(shown.contains("\"Sign in & go\""), "{shown}");
        assert!(
            shown.contains("/account/login with __RequestVerificationToken, Username"),
            "{shown}"
        );
        assert!(!shown.contains("anti-forgery"), "{shown}");
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
