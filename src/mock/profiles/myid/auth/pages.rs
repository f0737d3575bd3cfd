//! The few HTML pages the auth server shows: the login form, the error page, and the
//! auto-submitting form of `response_mode=form_post`. Plain HTML that any form-posting
//! client (a browser, the harness's form driver) can use.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::mock::store::ErrorMessage;

pub use crate::protocol::markup::escape_html as escape;

/// An HTML response that must not be cached or framed.
pub fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{body}\n</body></html>\n",
        escape(title)
    );
    let mut response = (status, page).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache, max-age=0"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    response
}

/// A 400 page saying what is wrong with what the browser sent.
pub fn bad_request(text: &str) -> Response {
    html(
        StatusCode::BAD_REQUEST,
        "Bad request",
        &format!(
            "<h1>Bad request</h1><p class=\"error\">{}</p>",
            escape(text)
        ),
    )
}

/// The sign-in form. The antiforgery token is posted back and compared with its cookie.
pub fn login(
    action: &str,
    return_url: &str,
    antiforgery: &str,
    username: &str,
    problem: Option<&str>,
) -> Response {
    let problem = problem
        .map(|p| format!("<p class=\"error\" role=\"alert\">{}</p>\n", escape(p)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Sign in to MyID</h1>\n{problem}<form method=\"post\" action=\"{}\">\n\
         <input type=\"hidden\" name=\"ReturnUrl\" value=\"{}\">\n\
         <input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"{}\">\n\
         <label>Logon name <input type=\"text\" name=\"Username\" value=\"{}\" autofocus></label>\n\
         <label>Password <input type=\"password\" name=\"Password\"></label>\n\
         <button type=\"submit\" name=\"button\" value=\"login\">Sign in</button>\n\
         <button type=\"submit\" name=\"button\" value=\"cancel\">Cancel</button>\n</form>",
        escape(action),
        escape(return_url),
        escape(antiforgery),
        escape(username)
    );
    html(StatusCode::OK, "Sign in", &body)
}

/// IdentityServer's error page: shows the error, never redirects to the client.
pub fn error(message: Option<&ErrorMessage>) -> Response {
    let body = match message {
        Some(m) => format!(
            "<h1>Sorry, there was an error</h1>\n<p><strong class=\"error\" data-error=\"{}\">{}</strong></p>\n<p class=\"error-description\">{}</p>\n{}",
            escape(&m.error),
            escape(&m.error),
            escape(&m.description),
            m.client_id
                .as_ref()
                .map(|c| format!(
                    "<p>Client: <span class=\"client-id\">{}</span></p>",
                    escape(c)
                ))
                .unwrap_or_default()
        ),
        None => "<h1>Sorry, there was an error</h1>".to_owned(),
    };
    html(StatusCode::OK, "Error", &body)
}

/// `response_mode=form_post`: a form that posts the response to the client.
pub fn form_post(redirect_uri: &str, params: &[(&str, String)]) -> Response {
    let inputs: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<form method=\"post\" action=\"{}\">\n{inputs}<noscript><button type=\"submit\">Continue</button></noscript>\n</form>\n<script>document.forms[0].submit();</script>",
        escape(redirect_uri)
    );
    html(StatusCode::OK, "Submit this form", &body)
}
