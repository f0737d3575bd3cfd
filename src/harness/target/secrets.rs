//! Secrets, which a target file never holds: it names the environment variables (or,
//! for the shipped mocks, the `export NAME=value` files) that do.

use std::collections::BTreeMap;

/// Expands `${VAR}` from the environment (through `lookup`), noting missing variables.
pub(super) fn expand_env(
    value: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
    sensitive: &mut Vec<String>,
) -> String {
    let mut out = value.to_owned();
    while let Some(start) = out.find("${") {
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let var = out[start + 2..start + len].to_owned();
        let resolved = lookup(&var).unwrap_or_else(|| {
            missing.push(format!("{var} (login)"));
            String::new()
        });
        sensitive.push(resolved.clone());
        out.replace_range(start..start + len + 1, &resolved);
    }
    out
}

/// Reads `export NAME=value` / `NAME=value` lines.
pub(super) fn parse_env_file(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("export ").unwrap_or(l).split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('\'').to_owned()))
        .collect()
}
