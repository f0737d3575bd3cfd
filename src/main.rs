//! The command line: serve the mock, run the suite as a CI gate, and two helpers.
//! Exit codes: 0 success, 1 a scenario failed, 2 a usage or configuration error.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use myid_conformance::faults::{self, Fault};
use myid_conformance::harness::run::RunError;
use myid_conformance::harness::{RunOptions, Target, report, run};
use myid_conformance::mock::profiles::Profile;
use myid_conformance::mock::{self, MockBuilder, MockConfig};
use myid_conformance::protocol::{ClientSecret, Clock, PkceVerifier, pkce, secret};

// mimalloc rather than the system allocator: a request allocates dozens of small
// buffers, and glibc's malloc and free were about a sixth of the served mock's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "myid-conformance",
    version,
    about = "A faithful MyID mock server and a conformance harness for MyID and OAuth 2.0 servers."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the mock MyID auth server (/web.oauth2) until interrupted.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:5000")]
        bind: SocketAddr,
        /// appsettings.json-style files, layered in order (later ones override by key
        /// and array index). Without any, the shipped default clients are used.
        #[arg(long = "config", value_name = "FILE")]
        configs: Vec<PathBuf>,
        /// Serve the /_mock control plane and run on a manual clock it can move.
        #[arg(long)]
        control: bool,
        /// RSA private key (PKCS#8 or PKCS#1 PEM) to sign tokens with; a fresh key
        /// is generated otherwise.
        #[arg(long, value_name = "PEM")]
        signing_key: Option<PathBuf>,
        /// A directory of Core API seed data (groups.json, roles.json, people.json,
        /// credprofiles.json, requests.json, devices.json); missing files fall back to
        /// the shipped ones.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Switch on a named fault (see `faults`); repeatable.
        #[arg(long = "fault", value_name = "NAME")]
        faults: Vec<String>,
        /// The service to imitate: myid (the default), jim2, clearid or beyond-identity.
        #[arg(long, default_value = "myid", value_parser = clap::builder::PossibleValuesParser::new(Profile::names()))]
        profile: String,
        /// Serve HTTPS, as MyID is served: with --tls-cert and --tls-key, or with a
        /// self-signed certificate for localhost and the bound address, written to
        /// --tls-cert-out for clients to trust. The issuer and every URL follow.
        #[arg(long)]
        tls: bool,
        /// PEM certificate chain for --tls.
        #[arg(long, value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key for --tls.
        #[arg(long, value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Where --tls writes its self-signed certificate.
        #[arg(long, value_name = "FILE", default_value = "myid-conformance-tls.pem")]
        tls_cert_out: PathBuf,
    },
    /// Run the conformance suite; exit 0 when every scenario passes, 1 when any fails.
    Check {
        /// Target file describing a live server; without it, the embedded mock.
        #[arg(long, value_name = "FILE")]
        target: Option<PathBuf>,
        /// Only scenarios matching this tag expression, e.g. '@auth and not @myid'.
        #[arg(long, value_name = "EXPR")]
        tags: Option<String>,
        /// Write a JUnit XML report here.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Write a JSON report here.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write a Markdown summary here.
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
        /// Write a self-contained HTML report here (open it in a browser).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Scenarios run at once: by default 16 against the embedded mock or a target
        /// file marked `mock = true`, and 2 against any other server, which a burst of
        /// sixteen can knock over (a 5xx is reported as a server error, not a verdict).
        #[arg(long, value_name = "N")]
        concurrency: Option<usize>,
        /// Report the target's known deviations (its expectations file) as failures.
        #[arg(long)]
        strict: bool,
        /// Exit 2 when fewer scenarios than this are judged (passed or failed), so a gate
        /// notices when coverage silently drops; the target file's `min_judged` otherwise.
        /// A run that judges nothing exits 2 whatever this says.
        #[arg(long, value_name = "N")]
        min_judged: Option<usize>,
        /// Also fail when an entry of the target's expectations excused nothing: the
        /// list must be exactly what the server does, no more and no less.
        #[arg(long)]
        exact: bool,
        /// Run against the embedded mock with this fault on (see `faults`); repeatable.
        #[arg(long = "fault", value_name = "NAME", conflicts_with = "target")]
        faults: Vec<String>,
        /// The service the embedded mock imitates: myid (the default), jim2, clearid or beyond-identity.
        #[arg(long, value_name = "PROFILE", default_value = "myid", conflicts_with = "target",
              value_parser = clap::builder::PossibleValuesParser::new(Profile::names()))]
        mock: String,
        /// Serve the embedded mock over HTTPS with a self-signed certificate the
        /// harness trusts, as MyID is served: the rules only an https issuer binds are
        /// judged too.
        #[arg(long, conflicts_with = "target")]
        tls: bool,
    },
    /// List the named faults the mock can switch on, one per line.
    Faults,
    /// List every rule of the catalogue: its document, clause and strength, the
    /// scenarios that judge it (found by running the embedded mocks), the faults and
    /// recorded exchanges that prove it can fail, and with --from a run's verdict.
    Rules {
        /// text, json, markdown, or summary (the README's table of counts).
        #[arg(long, default_value = "text",
              value_parser = clap::builder::PossibleValuesParser::new(["text", "json", "markdown", "summary"]))]
        format: String,
        /// A JSON report of `check --json`: each rule's verdict in that run.
        #[arg(long, value_name = "FILE", conflicts_with = "coverage")]
        from: Option<PathBuf>,
        /// Instead of the rules: how much of the OpenID conformance suite's Basic and
        /// Config plans and of RFC 9700's server rules they cover, entry by entry (full,
        /// partial or none). Exits 1 when a count falls below its floor.
        #[arg(long)]
        coverage: bool,
    },
    /// Print the value to store in ClientSecrets: Base64(SHA-256(secret)).
    HashSecret {
        /// The plaintext secret.
        secret: String,
    },
    /// Print a PKCE code verifier and its S256 challenge (a new verifier if none is given).
    Pkce {
        /// An existing verifier.
        verifier: Option<String>,
    },
}

/// A configuration or usage problem: exit status 2.
struct UsageError(anyhow::Error);

/// Scenarios run at once against a live server unless `--concurrency` says otherwise.
const LIVE_CONCURRENCY: usize = 2;

/// Writes a line to standard output, ignoring a closed pipe (`faults | head`): the
/// reader has what it wanted, and the command still ends with its own exit code
/// (Rust's `println!` would panic instead). `out!(nl: …)` writes without the newline.
macro_rules! out {
    (nl: $($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::HashSecret { secret: s } => {
            out!("{}", secret::hash_secret(&ClientSecret::new(s)));
            ExitCode::SUCCESS
        }
        Command::Pkce { verifier } => print_pkce(verifier),
        Command::Serve {
            bind,
            configs,
            control,
            signing_key,
            data,
            faults,
            profile,
            tls,
            tls_cert,
            tls_key,
            tls_cert_out,
        } => {
            init_logging();
            let faults = parse_faults(&faults, &profile);
            let options = ServeOptions {
                bind,
                configs,
                control,
                signing_key,
                data,
                profile,
                tls: (tls || tls_cert.is_some()).then_some(TlsChoice {
                    files: tls_cert.zip(tls_key),
                    cert_out: tls_cert_out,
                }),
            };
            outcome(faults.and_then(|faults| runtime().block_on(serve(options, faults))))
        }
        Command::Rules {
            format,
            from,
            coverage,
        } => outcome(runtime().block_on(list_rules(&format, from, coverage))),
        Command::Faults => print_faults(),
        Command::Check {
            target,
            tags,
            junit,
            json,
            markdown,
            html,
            concurrency,
            strict,
            exact,
            min_judged,
            faults,
            mock,
            tls,
        } => outcome(parse_faults(&faults, &mock).and_then(|faults| {
            let reports = Reports {
                junit,
                json,
                markdown,
                html,
            };
            let judging = Judging {
                strict,
                exact,
                min_judged,
            };
            let target = match target {
                Some(path) => Choice::Live(path),
                None => Choice::Embedded(mock, faults, tls),
            };
            runtime().block_on(check(target, tags, reports, concurrency, judging))
        })),
    }
}

/// `faults`: one fault a line, with its profile, what it breaks, its rules and the
/// scenarios that catch it.
fn print_faults() -> ExitCode {
    for f in faults::all() {
        let caught: Vec<String> = f
            .caught_by
            .iter()
            .map(|(tag, s)| format!("{tag}: {s}"))
            .collect();
        let rules: Vec<&str> = f.rules.iter().map(|r| r.id).collect();
        out!(
            "{}\t{}\t{} ({}); caught by {}",
            f.name,
            f.profile,
            f.breaks,
            rules.join(", "),
            caught.join("; ")
        );
    }
    ExitCode::SUCCESS
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// Start-up and failures log at `info`; each request's outcome (a token issued, a
/// sign-in refused) at `debug`, so `RUST_LOG=debug` shows them. Writing a line per
/// request to stderr cost a tenth of a token's CPU, and an unauthenticated caller
/// could fill a CI log with refusals.
fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
}

fn outcome(result: Result<ExitCode, UsageError>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(UsageError(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn print_pkce(verifier: Option<String>) -> ExitCode {
    let verifier = verifier
        .map(PkceVerifier::new)
        .unwrap_or_else(pkce::generate_verifier);
    if !pkce::verifier_is_well_formed(verifier.expose()) {
        eprintln!("warning: RFC 7636 §4.1 wants 43 to 128 characters from A-Z a-z 0-9 - . _ ~");
    }
    out!("code_verifier={}", verifier.expose());
    out!(
        "code_challenge={}",
        pkce::s256_challenge(&verifier).as_str()
    );
    out!("code_challenge_method=S256");
    ExitCode::SUCCESS
}

/// `rules`: the catalogue with its coverage, in `format`.
async fn list_rules(
    format: &str,
    from: Option<PathBuf>,
    reach: bool,
) -> Result<ExitCode, UsageError> {
    use myid_conformance::harness::coverage;
    let mut entries = coverage::survey().await.map_err(usage)?;
    if reach {
        return list_reach(format, &entries);
    }
    if let Some(path) = from {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the report {}", path.display()))
            .map_err(UsageError)?;
        let report: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))
            .map_err(UsageError)?;
        coverage::apply_verdicts(&mut entries, &report)
            .map_err(|e| UsageError(anyhow::anyhow!("{}: {e}", path.display())))?;
    }
    let out = match format {
        "json" => coverage::json(&entries),
        "markdown" => coverage::markdown(&entries),
        "summary" => coverage::summary(&entries),
        _ => coverage::text(&entries),
    };
    out!(nl: "{out}");
    Ok(ExitCode::SUCCESS)
}

/// `rules --coverage`: the yardsticks graded, in `format`; exit 1 below a floor.
fn list_reach(
    format: &str,
    entries: &[myid_conformance::harness::coverage::RuleCoverage],
) -> Result<ExitCode, UsageError> {
    use myid_conformance::harness::reach;
    let graded = reach::grade(entries).map_err(|e| UsageError(anyhow::anyhow!(e)))?;
    let out = match format {
        "json" => reach::json(&graded),
        "markdown" => reach::markdown(&graded),
        "summary" => reach::summary(&graded),
        _ => reach::text(&graded),
    };
    out!(nl: "{out}");
    let dropped: Vec<String> = graded
        .iter()
        .filter_map(reach::Reach::below_floor)
        .collect();
    if dropped.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for d in &dropped {
        eprintln!("coverage dropped: {d}");
    }
    Ok(ExitCode::from(1))
}

/// Fault names from the command line, each of which must break the mock of `profile`.
fn parse_faults(names: &[String], profile: &str) -> Result<Vec<Fault>, UsageError> {
    names
        .iter()
        .map(|n| {
            let fault = faults::parse(n).ok_or_else(|| {
                UsageError(anyhow::anyhow!(
                    "unknown fault '{n}'; `myid-conformance faults` lists them"
                ))
            })?;
            if fault.profile == profile {
                return Ok(fault);
            }
            let its: Vec<&str> = faults::all()
                .filter(|f| f.profile == profile)
                .map(|f| f.name)
                .collect();
            Err(UsageError(anyhow::anyhow!(
                "the fault '{n}' breaks the {} mock, not the {profile} one; the {profile} mock's faults: {}",
                fault.profile,
                its.join(", ")
            )))
        })
        .collect()
}

fn usage<E: Into<anyhow::Error>>(e: E) -> UsageError {
    UsageError(e.into())
}

/// What `serve` was asked for.
struct ServeOptions {
    bind: SocketAddr,
    configs: Vec<PathBuf>,
    control: bool,
    signing_key: Option<PathBuf>,
    data: Option<PathBuf>,
    profile: String,
    tls: Option<TlsChoice>,
}

/// How `serve --tls` gets its certificate.
struct TlsChoice {
    /// A given certificate chain and key.
    files: Option<(PathBuf, PathBuf)>,
    /// Where a self-signed certificate is written.
    cert_out: PathBuf,
}

async fn serve(options: ServeOptions, faults: Vec<Fault>) -> Result<ExitCode, UsageError> {
    let config = serve_config(&options, faults)?;
    let listener = tokio::net::TcpListener::bind(options.bind)
        .await
        .with_context(|| format!("cannot listen on {}", options.bind))
        .map_err(UsageError)?;
    let addr = listener.local_addr().map_err(usage)?;
    let identity = tls_identity(options.tls.as_ref(), addr)?;
    let scheme = if identity.is_some() { "https" } else { "http" };
    let clock = if options.control {
        Clock::manual_from_system()
    } else {
        Clock::system()
    };
    let service = Profile::parse(config.vendor.name())
        .unwrap_or_default()
        .service();
    tracing::info!(
        control = options.control,
        "mock {} at {scheme}://{addr}: {}",
        service.title(),
        config.vendor.describe(&config)
    );
    // The base URL on standard output is the "ready" signal scripts wait for.
    out!("{scheme}://{addr}");
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match &identity {
        Some(identity) => mock::run_tls(listener, identity, config, clock, shutdown).await,
        None => mock::run(listener, config, clock, shutdown).await,
    }
    .context("the server stopped")
    .map_err(UsageError)?;
    Ok(ExitCode::SUCCESS)
}

/// What `serve` serves, built as a user's test builds a mock: the profile's shipped
/// settings with the `--config` files over them, the seed data, the key, the faults.
fn serve_config(options: &ServeOptions, faults: Vec<Fault>) -> Result<MockConfig, UsageError> {
    let profile = Profile::parse(&options.profile).ok_or_else(|| {
        UsageError(anyhow::anyhow!(
            "no profile '{}' (one of: {})",
            options.profile,
            Profile::names().join(", ")
        ))
    })?;
    let mut builder = MockBuilder::new(profile)
        .control_plane(options.control)
        .settings_env(std::env::vars());
    for path in &options.configs {
        builder = builder.settings_file(path);
    }
    if let Some(dir) = &options.data {
        builder = builder.data_dir(dir);
    }
    if let Some(path) = &options.signing_key {
        let pem = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the signing key {}", path.display()))
            .map_err(UsageError)?;
        builder = builder.signing_key_pem(pem);
    }
    for fault in faults {
        builder = builder.fault(fault);
    }
    builder.config().map_err(usage)
}

/// The certificate `serve --tls` serves with: the given files, or a self-signed one
/// for `localhost`, `127.0.0.1` and the bound address, written out for clients to trust.
fn tls_identity(
    tls: Option<&TlsChoice>,
    addr: SocketAddr,
) -> Result<Option<mock::tls::TlsIdentity>, UsageError> {
    match tls {
        None => Ok(None),
        Some(TlsChoice {
            files: Some((cert, key)),
            ..
        }) => Ok(Some(
            mock::tls::TlsIdentity::from_files(cert, key).map_err(UsageError)?,
        )),
        Some(TlsChoice { cert_out, .. }) => {
            let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
            if !addr.ip().is_unspecified() && !addr.ip().is_loopback() {
                names.push(addr.ip().to_string());
            }
            let identity = mock::tls::TlsIdentity::self_signed(&names).map_err(UsageError)?;
            std::fs::write(cert_out, &identity.cert_pem)
                .with_context(|| format!("cannot write the certificate to {}", cert_out.display()))
                .map_err(UsageError)?;
            tracing::info!(
                "self-signed certificate for {} written to {}: trust it to call the mock",
                names.join(", "),
                cert_out.display()
            );
            Ok(Some(identity))
        }
    }
}

/// Where `check` writes its reports.
struct Reports {
    junit: Option<PathBuf>,
    json: Option<PathBuf>,
    markdown: Option<PathBuf>,
    html: Option<PathBuf>,
}

/// How the known deviations count: as failures (`strict`), and whether a stale one
/// fails the gate (`exact`); how many scenarios must be judged (`min_judged`).
struct Judging {
    strict: bool,
    exact: bool,
    min_judged: Option<usize>,
}

/// What `check` runs against: a target file, or an embedded mock of a profile with
/// faults.
enum Choice {
    Live(PathBuf),
    Embedded(String, Vec<Fault>, bool),
}

async fn check(
    target: Choice,
    tags: Option<String>,
    reports: Reports,
    concurrency: Option<usize>,
    judging: Judging,
) -> Result<ExitCode, UsageError> {
    let target = match &target {
        Choice::Live(path) => Target::live(path),
        Choice::Embedded(vendor, faults, false) => Target::embedded_vendor(vendor, faults),
        Choice::Embedded(vendor, faults, true) => {
            Target::embedded_vendor(vendor, faults).and_then(Target::over_tls)
        }
    }
    .map_err(usage)?;
    // A mock takes sixteen at once; a real server is spared the burst unless asked.
    let concurrency = concurrency.unwrap_or(if target.profile().is_mock {
        16
    } else {
        LIVE_CONCURRENCY
    });
    // The target file's floor is for the whole suite; a tag filter picks a part of it.
    let min_judged = judging
        .min_judged
        .or(target.profile().min_judged.filter(|_| tags.is_none()));
    let name = target.profile().name.clone();
    let result = match run(RunOptions {
        target,
        tags,
        concurrency,
        quiet: false,
        strict: judging.strict,
    })
    .await
    {
        Ok(result) => result,
        Err(RunError::Setup(message)) => {
            // The gate did not run: a CI system reading the JUnit file sees an error,
            // not an empty success.
            if let Some(path) = &reports.junit {
                std::fs::write(path, report::junit_setup_error(&name, &message))
                    .with_context(|| format!("cannot write the report {}", path.display()))
                    .map_err(UsageError)?;
            }
            return Err(UsageError(anyhow::anyhow!("setup: {message}")));
        }
        Err(e) => return Err(usage(e)),
    };
    for (path, text) in [
        (reports.junit, report::junit(&result)),
        (reports.json, report::json(&result)),
        (reports.markdown, report::markdown(&result)),
        (reports.html, report::html::html(&result)),
    ] {
        if let Some(path) = path {
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write the report {}", path.display()))
                .map_err(UsageError)?;
        }
    }
    out!(nl: "{}", report::terminal(&result));
    let stale_fails = judging.exact && !result.stale.is_empty();
    if stale_fails {
        out!(
            "--exact: {} known deviation(s) excused nothing, so the list no longer matches the server",
            result.stale.len()
        );
    }
    if let Some(why) = report::coverage_shortfall(&result, min_judged) {
        return Err(UsageError(anyhow::anyhow!(why)));
    }
    Ok(if result.counts().failed == 0 && !stale_fails {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
