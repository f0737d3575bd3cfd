//! The interactive flows a scenario walks through: sending a user to /authorize and
//! signing them in with the target's login driver, exchanging codes, refreshing, and
//! moving (or waiting out) the server's time.

use std::time::Duration;

use reqwest::Method;

use super::client::RequestSpec;
pub use super::client_auth::{with_body_auth, with_client_auth};
use super::html;
pub use super::scenario_state::{AuthorizeOutcome, FlowState, PageSeen};
use super::target::{LoginDriver, TargetClock};
use super::world::{ConformanceWorld, StepFailure};
/// URL handling as a browser does it, shared with the mock's test helpers.
pub use crate::protocol::html::{origin, redirect_params, resolve};

fn starts_with_uri(url: &str, prefix: &str) -> bool {
    url.len() >= prefix.len() && url[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The target's login driver.
fn login_driver(world: &ConformanceWorld) -> Result<LoginDriver, StepFailure> {
    world.conn()?.profile.login.clone().ok_or_else(|| {
        "the target file has no [login] section: the harness cannot sign a user in".into()
    })
}

/// Sends the browser to `url` and signs the user in with the target's login driver,
/// until the server sends it to `redirect_uri` or stops on a page of its own.
pub async fn authorize(
    world: &mut ConformanceWorld,
    url: String,
    redirect_uri: &str,
) -> Result<AuthorizeOutcome, StepFailure> {
    let driver = login_driver(world)?;
    authorize_with(world, url, redirect_uri, &driver).await
}

/// [`authorize`] with a given driver.
pub async fn authorize_with(
    world: &mut ConformanceWorld,
    url: String,
    redirect_uri: &str,
    driver: &LoginDriver,
) -> Result<AuthorizeOutcome, StepFailure> {
    walk(world, RequestSpec::get(url), redirect_uri, driver).await
}

/// [`authorize`] with the request sent as a form POST to `url` (OpenID Connect Core
/// §3.1.2.1). A login command opens URLs, so it cannot send one: the step skips.
pub async fn authorize_by_post(
    world: &mut ConformanceWorld,
    url: String,
    params: &[(String, String)],
    redirect_uri: &str,
) -> Result<AuthorizeOutcome, StepFailure> {
    let driver = login_driver(world)?;
    if matches!(driver, LoginDriver::Command(_)) {
        return Err(StepFailure::skip(
            "the login command opens a URL: it cannot send the authorization request as a POST",
        ));
    }
    walk(world, RequestSpec::form(url, params), redirect_uri, &driver).await
}

async fn walk(
    world: &mut ConformanceWorld,
    first: RequestSpec,
    redirect_uri: &str,
    driver: &LoginDriver,
) -> Result<AuthorizeOutcome, StepFailure> {
    let url = first.url.clone();
    match driver.clone() {
        LoginDriver::Form {
            fields,
            submit,
            max_steps,
        } => {
            follow_forms(
                world,
                first,
                redirect_uri,
                &fields,
                submit.as_deref(),
                max_steps,
            )
            .await
        }
        LoginDriver::Command(command) => {
            let outcome = run_command(&command, &url, redirect_uri).await?;
            if !outcome.1.trim().is_empty() {
                world.recorder().note(format!(
                    "login command, standard error:\n{}",
                    outcome.1.trim_end()
                ));
            }
            Ok(outcome.0)
        }
    }
}

/// Long on purpose: one browser walk (follow a redirect, post a form, stop where the
/// server does); every branch shares the walk's cookies and last page.
async fn follow_forms(
    world: &mut ConformanceWorld,
    first: RequestSpec,
    redirect_uri: &str,
    fields: &[(String, String)],
    submit: Option<&str>,
    max_forms: usize,
) -> Result<AuthorizeOutcome, StepFailure> {
    // The hosts the browser may be sent between while signing in: the server's own.
    let conn = world.conn()?;
    let mut own: Vec<String> = vec![
        origin(&first.url),
        origin(&conn.profile.issuer),
        origin(&conn.auth_base),
    ];
    // And the login application's, where the target names one (`[login] origins`).
    own.extend(conn.profile.login_origins.iter().cloned());
    own.dedup();
    let mut next = first;
    let mut forms_posted = 0;
    world.flow.sign_in.clear();
    for _ in 0..(max_forms + 1) * 4 {
        let current_url = next.url.clone();
        let posted = next.method == Method::POST;
        let exchange = world.send(next).await?;
        let resp = exchange.response().map_err(StepFailure)?.clone();
        world.flow.sign_in.push(PageSeen {
            url: current_url.clone(),
            posted,
            status: resp.status,
            html: resp
                .header("content-type")
                .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/html")),
            frame_options: resp.header("x-frame-options").map(str::to_owned),
            csp: resp.header("content-security-policy").map(str::to_owned),
        });
        if (300..400).contains(&resp.status) {
            let location = resp
                .header("location")
                .ok_or("a redirect without Location")?;
            let target = resolve(&current_url, location);
            if starts_with_uri(&target, redirect_uri) {
                return Ok(AuthorizeOutcome::ToClient {
                    params: redirect_params(&target),
                    url: target,
                });
            }
            if !own.contains(&origin(&target)) {
                return Ok(AuthorizeOutcome::Offsite { url: target });
            }
            next = RequestSpec::get(target);
            continue;
        }
        let body = String::from_utf8_lossy(&resp.body).into_owned();
        let form = html::forms(&body).into_iter().next();
        let Some(form) = form
            .clone()
            .filter(|_| resp.status == 200 && forms_posted < max_forms)
        else {
            return Ok(AuthorizeOutcome::Page {
                url: current_url,
                status: resp.status,
                form_left: form.is_some(),
                body,
            });
        };
        let action = resolve(&current_url, form.action.as_deref().unwrap_or(&current_url));
        let mut values = form.fields.clone();
        if starts_with_uri(&action, redirect_uri) {
            // response_mode=form_post: the page posts the response to the client.
            return Ok(AuthorizeOutcome::ToClient {
                url: action,
                params: values,
            });
        }
        if !own.contains(&origin(&action)) {
            return Ok(AuthorizeOutcome::Offsite { url: action });
        }
        for (name, value) in fields {
            match values
                .iter_mut()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
            {
                Some(slot) => slot.1 = value.clone(),
                None => values.push((name.clone(), value.clone())),
            }
        }
        // The button the driver names, or the page's first (a consent page's "Yes",
        // a logout page's confirmation) on pages that have no such button.
        let button = submit
            .and_then(|wanted| form.buttons.iter().find(|(_, v)| v == wanted))
            .or_else(|| form.buttons.first());
        if let Some(b) = button {
            values.push(b.clone());
        }
        forms_posted += 1;
        next = if form.method == "post" {
            RequestSpec::form(action, &values)
        } else {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&values)
                .finish();
            RequestSpec::get(format!(
                "{}?{query}",
                action.split('?').next().unwrap_or(&action)
            ))
        };
    }
    Err("the sign-in did not finish within the allowed number of pages".into())
}

/// Runs the login command with `{url}` and `{redirect_uri}` substituted (the URL goes
/// last when no argument names it); returns where it ended and its standard error.
async fn run_command(
    command: &[String],
    url: &str,
    redirect_uri: &str,
) -> Result<(AuthorizeOutcome, String), StepFailure> {
    let mut args: Vec<String> = command
        .iter()
        .map(|a| {
            a.replace("{url}", url)
                .replace("{redirect_uri}", redirect_uri)
        })
        .collect();
    if !command.iter().any(|a| a.contains("{url}")) {
        args.push(url.to_owned());
    }
    let (program, rest) = args.split_first().ok_or("the login command is empty")?;
    let output = tokio::time::timeout(
        Duration::from_secs(300),
        tokio::process::Command::new(program).args(rest).output(),
    )
    .await
    .map_err(|_| "the login command did not finish within 300 s")?
    .map_err(|e| format!("cannot run the login command '{program}': {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let last = stdout
        .lines()
        .map(str::trim)
        .rfind(|l| starts_with_uri(l, redirect_uri));
    let outcome = match last {
        Some(final_url) => AuthorizeOutcome::ToClient {
            params: redirect_params(final_url),
            url: final_url.to_owned(),
        },
        // No way back to the client: the sign-in stopped somewhere on the server's side,
        // which is what refusals look like. The program's own words are the evidence.
        None => AuthorizeOutcome::Page {
            url: format!("(login command, {})", output.status),
            status: 0,
            body: format!("{stdout}{stderr}"),
            form_left: false,
        },
    };
    Ok((outcome, stderr))
}

/// Moves the server's time forward by `seconds`: the embedded mock's clock, a served
/// mock's control plane, or real waiting for a live server.
pub async fn advance(world: &mut ConformanceWorld, seconds: u64) -> Result<(), StepFailure> {
    match world.conn()?.clock.clone() {
        TargetClock::InProcess(clock) => {
            clock.advance(seconds as i64).map_err(|e| e.to_string())?;
        }
        TargetClock::ControlPlane(base) => {
            let mut spec = RequestSpec::get(format!("{base}/clock"));
            spec.method = Method::POST;
            spec.headers
                .push(("Content-Type".into(), "application/json".into()));
            spec.body = serde_json::json!({ "advance": seconds })
                .to_string()
                .into_bytes();
            let exchange = world.send(spec).await?;
            let status = exchange.response().map_err(StepFailure)?.status;
            if status != 200 {
                return Err(format!(
                    "the control plane refused to move the clock (status {status})"
                )
                .into());
            }
        }
        TargetClock::Real(_) => match world.progress.clone() {
            Some(p) => p.wait(seconds, world.scenario_name()).await,
            None => tokio::time::sleep(Duration::from_secs(seconds)).await,
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(origin("HTTP://H.example:8/a?b"), "http://h.example:8");
        assert_eq!(origin("https://h.example#x"), "https://h.example");
    }

    #[test]
    fn locations_resolve() {
        assert_eq!(resolve("http://h:1/a/b?x=1", "/c?d=2"), "http://h:1/c?d=2");
        assert_eq!(resolve("http://h:1/a/b?x=1", "c"), "http://h:1/a/c");
        assert_eq!(resolve("http://h:1/a/b", "https://o/x"), "https://o/x");
    }

    #[test]
    fn redirect_parameters() {
        let p = redirect_params("https://c.example/cb?code=AB&scope=a%20b&state=s%2Bt#_=_");
        assert_eq!(
            p,
            [
                ("code".into(), "AB".into()),
                ("scope".into(), "a b".into()),
                ("state".into(), "s+t".into())
            ]
        );
        assert_eq!(redirect_params("https://c/cb#code=X")[0].1, "X");
    }
}
