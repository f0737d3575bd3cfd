//! The `[login]` section: how the harness signs a user in, and the secrets its fields
//! name.

use super::file::LoginEntry;
use super::profile::LoginDriver;
use super::secrets::expand_env;

/// The login driver a `[login]` section describes; the variables its fields name are
/// looked up through `lookup`, noted in `missing` when absent and in `sensitive` when
/// found.
pub(super) fn login_driver(
    l: LoginEntry,
    lookup: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
    sensitive: &mut Vec<String>,
) -> Result<LoginDriver, String> {
    let max_steps = l.max_steps.unwrap_or(8);
    match l.driver.as_str() {
        // The mock's own login page: its field names are known.
        "mock" => {
            let username = l.username.ok_or("login driver 'mock' needs username")?;
            let var = l
                .password_env
                .ok_or("login driver 'mock' needs password_env")?;
            let password = expand_env(&format!("${{{var}}}"), lookup, missing, sensitive);
            Ok(LoginDriver::Form {
                fields: vec![("Username".into(), username), ("Password".into(), password)],
                submit: Some("login".into()),
                max_steps,
            })
        }
        "form" => {
            if l.fields.is_empty() {
                return Err("login driver 'form' needs [login.fields]".into());
            }
            let fields = l
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), expand_env(v, lookup, missing, sensitive)))
                .collect();
            Ok(LoginDriver::Form {
                fields,
                submit: l.submit,
                max_steps,
            })
        }
        // A server that signs nobody in (a test double that approves every request):
        // follow its redirects, submit nothing.
        "redirects" => Ok(LoginDriver::Form {
            fields: Vec::new(),
            submit: None,
            max_steps: 0,
        }),
        "command" => {
            if l.command.is_empty() {
                return Err(
                    "login driver 'command' needs command = [\"program\", \"{url}\"]".into(),
                );
            }
            Ok(LoginDriver::Command(l.command))
        }
        other => Err(format!(
            "unknown login driver '{other}' (mock, form, command or redirects)"
        )),
    }
}
