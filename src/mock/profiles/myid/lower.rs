//! A [`Client`] and a [`User`] given in code, lowered into MyID's settings model:
//! IdentityServer's client model and the test users, as `appsettings.json` writes them.

use serde_json::{Map, Value, json};

use crate::mock::spec::{Client, User};
use crate::protocol::ClientSecret;
use crate::protocol::secret::hash_secret;

/// A client given in code, as IdentityServer's client model in `appsettings.json`
/// writes it: a secret by its hash, PKCE for a public client, refresh tokens when
/// `offline_access` is among its scopes.
pub(crate) fn client(c: &Client) -> Map<String, Value> {
    let grants = if c.grants.is_empty() {
        vec![
            if c.secret.is_some() {
                "client_credentials"
            } else {
                "authorization_code"
            }
            .to_owned(),
        ]
    } else {
        c.grants.clone()
    };
    let mut e = Map::new();
    e.insert("ClientId".into(), json!(c.id));
    e.insert("ClientName".into(), json!(c.id));
    e.insert("AllowedGrantTypes".into(), json!(grants));
    match &c.secret {
        Some(s) => {
            let hash = hash_secret(&ClientSecret::new(s.as_str()));
            e.insert("ClientSecrets".into(), json!([{ "Value": hash }]));
        }
        None => {
            e.insert("RequireClientSecret".into(), json!(false));
            e.insert("RequirePkce".into(), json!(true));
        }
    }
    e.insert("AllowedScopes".into(), json!(c.scopes));
    if c.scopes.iter().any(|s| s == "offline_access") {
        e.insert("AllowOfflineAccess".into(), json!(true));
    }
    if !c.redirect_uris.is_empty() {
        e.insert("RedirectUris".into(), json!(c.redirect_uris));
    }
    if let Some(l) = c.access_token_lifetime {
        e.insert("AccessTokenLifetime".into(), json!(l));
    }
    if let Some(u) = &c.api_user {
        e.insert("Properties".into(), json!({ "MyIDLogonName": u }));
    }
    e
}

/// A person given in code, as `TestUsers` writes them: the password by its hash.
pub(crate) fn user(u: &User) -> Map<String, Value> {
    let hash = hash_secret(&ClientSecret::new(u.password.as_str()));
    let json = json!({
        "Username": u.username,
        "PasswordHash": hash,
        "SubjectId": u.subject.as_deref().unwrap_or(&u.username),
        "Name": u.name.as_deref().unwrap_or(&u.username),
    });
    json.as_object().cloned().unwrap_or_default()
}
