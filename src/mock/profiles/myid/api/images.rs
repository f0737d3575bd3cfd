//! `/api/People/{id}/images/{field}`: images stored and returned with their MIME type
//! (manual §8.10). A zero-length or undecodable image is refused with ASP.NET problem
//! details, as MyID answers it.

use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::auth::ApiUser;
use super::data::Image;
use super::error::ApiError;
use super::people::{JsonObject, check_id};
use crate::mock::state::AppState;

/// Who may see a person's images (manual §2.2: operation 100109 is granted by these
/// seven, the last two shown in its ShowPermissions table).
const VIEW: [&str; 7] = [
    "Add Person",
    "Edit Person",
    "View Person",
    "Request Card",
    "Request Replacement Card",
    "Approve Person",
    "Unapprove Person",
];
const EDIT: [&str; 2] = ["Edit Person", "Add Person"];

/// The image fields a person has: the manual's `photo` (§8.10) and a signature
/// (assumed: the manual names only the photo). Any other field is invalid data, so
/// a caller cannot store images under names of its choosing.
pub(super) const FIELDS: [&str; 2] = ["photo", "signature"];

/// The field, lower-cased, if it is one a person has.
fn image_field(field: &str) -> Result<String, ApiError> {
    let field = field.to_lowercase();
    if FIELDS.contains(&field.as_str()) {
        Ok(field)
    } else {
        Err(ApiError::invalid_data(
            Some("imageField"),
            Some("must be an image field of a person: photo or signature"),
        ))
    }
}

/// An image MIME type: `image/` and a subtype of RFC 6838 §4.2's restricted-name
/// characters, at most 100 characters in all (assumed: the manual names no limit). Only
/// such a value can go back out as a `Content-Type`.
pub const MIME_TYPE_PATTERN: &str = "^image/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,93}$";

fn is_image_mime_type(mimetype: &str) -> bool {
    mimetype.len() <= 100
        && mimetype.strip_prefix("image/").is_some_and(|subtype| {
            subtype
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
                && subtype
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
        })
}

fn image_response(image: &Image) -> Response {
    let mut r = (StatusCode::OK, image.data.clone()).into_response();
    if let Ok(v) = HeaderValue::from_str(&image.mimetype) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

/// Finds a person in the caller's scope for `permissions`.
fn visible_person(
    state: &AppState,
    user: &ApiUser,
    id: &str,
    permissions: &[&str],
) -> Result<String, ApiError> {
    check_id(id)?;
    let seed = &state.config.data;
    let scope = user.require(seed, permissions)?;
    let api = state.api();
    let person = api
        .person(id)
        .filter(|p| user.can_see(seed, scope, p))
        .ok_or_else(ApiError::not_found)?;
    Ok(person
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(id)
        .to_uppercase())
}

pub async fn get(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path((id, field)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let person = visible_person(&state, &user, &id, &VIEW)?;
    let field = image_field(&field)?;
    let api = state.api();
    let image = api
        .images
        .get(&(person, field))
        .ok_or_else(ApiError::not_found)?;
    Ok(image_response(image))
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path((id, field)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let person = visible_person(&state, &user, &id, &EDIT)?;
    let field = image_field(&field)?;
    let image = body.get("image").ok_or(ApiError::Problem)?;
    let data = image
        .get("data")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let bytes = STANDARD
        .decode(data.trim())
        .map_err(|_| ApiError::Problem)?;
    if bytes.is_empty() && !state.fault(&crate::mock::profiles::myid::faults::EMPTY_IMAGE_ACCEPTED)
    {
        return Err(ApiError::Problem);
    }
    let mimetype = image
        .get("mimetype")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !is_image_mime_type(mimetype) {
        return Err(ApiError::invalid_data(
            Some("image.mimetype"),
            Some("must be an image MIME type"),
        ));
    }
    let stored = Image {
        mimetype: mimetype.to_owned(),
        data: bytes,
    };
    let response = image_response(&stored);
    state.api().images.insert((person, field), stored);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The OpenAPI document's pattern and the check the API makes agree.
    #[test]
    fn mime_type_pattern_is_the_check() {
        let pattern = regex::Regex::new(MIME_TYPE_PATTERN).unwrap();
        let long = format!("image/{}", "a".repeat(95));
        for (value, ok) in [
            ("image/png", true),
            ("image/svg+xml", true),
            ("image/vnd.ms-photo", true),
            ("image/", false),
            ("image/J<x", false),
            ("image/é", false),
            ("text/plain", false),
            ("image/-x", false),
            (&long[..100], true),
            (long.as_str(), false),
        ] {
            assert_eq!(is_image_mime_type(value), ok, "{value}");
            assert_eq!(pattern.is_match(value), ok, "{value}");
        }
    }
}
