//! The people who can sign in at the mock's login page. MyID signs people in with
//! smart cards, security phrases and so on; the mock has a username and password form,
//! and like client secrets the passwords are stored only as hashes.

use super::settings::Settings;
use crate::protocol::ClientSecret;
use crate::protocol::secret::{SecretMatch, verify_secret};

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestUser {
    /// The logon name, compared without case.
    pub username: String,
    /// Base64(SHA-256(password)).
    pub password_hash: String,
    /// The subject id tokens carry: the person's MyID id (an uppercase GUID).
    pub subject_id: String,
    /// Display name.
    pub name: String,
}

impl TestUser {
    /// Whether `password` is this user's.
    pub fn password_matches(&self, password: &str) -> bool {
        verify_secret(&self.password_hash, &ClientSecret::new(password)) == SecretMatch::Match
    }
}

/// Binds the `TestUsers` array; entries without a username or hash are left out.
pub fn bind(settings: &Settings) -> Vec<TestUser> {
    settings
        .section("TestUsers")
        .children()
        .iter()
        .filter_map(|u| {
            let username = u.get("Username").value()?.to_owned();
            Some(TestUser {
                password_hash: u.get("PasswordHash").value()?.to_owned(),
                subject_id: u.get("SubjectId").value().unwrap_or(&username).to_owned(),
                name: u.get("Name").value().unwrap_or(&username).to_owned(),
                username,
            })
        })
        .collect()
}
