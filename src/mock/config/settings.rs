//! ASP.NET Core's JSON configuration model: flattened, case-insensitive, layered.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::Value;

use super::ConfigError;

/// Layered settings: `path -> value`, paths compared without case.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    // Keyed by the lower-cased path; the entry keeps the path as written for messages.
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    path: String,
    value: Option<String>,
}

impl Settings {
    /// Reads `text` (JSON with `//` and `/* */` comments and trailing commas, as
    /// ASP.NET Core accepts) and lays it over what is already there.
    pub fn layer(&mut self, text: &str, source_name: &str) -> Result<(), ConfigError> {
        let cleaned = strip_comments_and_trailing_commas(text);
        let value: Value = serde_json::from_str(&cleaned).map_err(|e| ConfigError::Syntax {
            source_name: source_name.to_owned(),
            message: e.to_string(),
        })?;
        let Value::Object(_) = value else {
            return Err(ConfigError::NotAnObject(source_name.to_owned()));
        };
        let mut flat = BTreeMap::new();
        flatten(&value, "", &mut flat, source_name)?;
        self.entries.extend(flat);
        Ok(())
    }

    /// Lays flat `Section:Key` values over what is already there, as ASP.NET's
    /// environment-variable provider does once it has read `Section__Key` as
    /// `Section:Key`.
    pub fn layer_pairs<I: IntoIterator<Item = (String, String)>>(&mut self, pairs: I) {
        for (path, value) in pairs {
            self.entries.insert(
                path.to_lowercase(),
                Entry {
                    path,
                    value: Some(value),
                },
            );
        }
    }

    /// Reads a file and lays it over what is already there.
    pub fn layer_file(&mut self, path: &std::path::Path) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        self.layer(&text, &path.display().to_string())
    }

    /// The section at `path` (`"Clients"`, `"Clients:0"`); it may be empty.
    pub fn section<'a>(&'a self, path: &str) -> Section<'a> {
        Section {
            settings: self,
            path: path.to_owned(),
        }
    }
}

/// A view of the settings below one path.
#[derive(Debug, Clone)]
pub struct Section<'a> {
    settings: &'a Settings,
    path: String,
}

impl<'a> Section<'a> {
    /// The full path of this section, as written where known.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}:{key}", self.path)
        }
    }

    /// The sub-section `key`.
    pub fn get(&self, key: &str) -> Section<'a> {
        Section {
            settings: self.settings,
            path: self.child_path(key),
        }
    }

    /// The value stored at exactly this path; `None` when absent or `null`.
    pub fn value(&self) -> Option<&'a str> {
        self.settings
            .entries
            .get(&self.path.to_lowercase())
            .and_then(|e| e.value.as_deref())
    }

    /// Whether anything is stored at or below this path.
    pub fn exists(&self) -> bool {
        let key = self.path.to_lowercase();
        let prefix = format!("{key}:");
        self.settings.entries.contains_key(&key)
            || self
                .settings
                .entries
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// The direct children, ordered as ASP.NET Core orders them: numeric keys by
    /// number, others by case-insensitive name.
    pub fn children(&self) -> Vec<Section<'a>> {
        let prefix = if self.path.is_empty() {
            String::new()
        } else {
            format!("{}:", self.path.to_lowercase())
        };
        let mut names: Vec<String> = Vec::new();
        for (key, entry) in self.settings.entries.range(prefix.clone()..) {
            if !key.starts_with(&prefix) {
                break;
            }
            let rest = &entry.path[prefix.len()..];
            let name = rest.split(':').next().unwrap_or(rest);
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_owned());
            }
        }
        names.sort_by(|a, b| key_order(a, b));
        names.into_iter().map(|n| self.get(&n)).collect()
    }

    /// The string values of the children, for arrays of strings.
    pub fn strings(&self) -> Vec<String> {
        self.children()
            .iter()
            .filter_map(|c| c.value().map(str::to_owned))
            .collect()
    }
}

fn key_order(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

fn flatten(
    value: &Value,
    path: &str,
    out: &mut BTreeMap<String, Entry>,
    source_name: &str,
) -> Result<(), ConfigError> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}:{k}")
        }
    };
    match value {
        Value::Object(map) => {
            if map.is_empty() && !path.is_empty() {
                // An empty object marks the path without values, so it overrides nothing.
                out.entry(path.to_lowercase()).or_insert(Entry {
                    path: path.to_owned(),
                    value: None,
                });
            }
            let mut seen: Vec<String> = Vec::new();
            for (k, v) in map {
                let lower = k.to_lowercase();
                if seen.contains(&lower) {
                    return Err(ConfigError::DuplicateKey {
                        source_name: source_name.to_owned(),
                        key: join(k),
                    });
                }
                seen.push(lower);
                flatten(v, &join(k), out, source_name)?;
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                out.insert(
                    path.to_lowercase(),
                    Entry {
                        path: path.to_owned(),
                        value: None,
                    },
                );
            }
            for (i, v) in items.iter().enumerate() {
                flatten(v, &join(&i.to_string()), out, source_name)?;
            }
        }
        scalar => {
            let text = match scalar {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            };
            out.insert(
                path.to_lowercase(),
                Entry {
                    path: path.to_owned(),
                    value: text,
                },
            );
        }
    }
    Ok(())
}

/// Removes `//` and `/* */` comments and commas that stand before `]` or `}`, leaving
/// string contents alone.
fn strip_comments_and_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut no_comments = String::with_capacity(text.len());
    let (mut i, mut in_string) = (0, false);
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            no_comments.push(c);
            if c == '\\' && i + 1 < chars.len() {
                no_comments.push(chars[i + 1]);
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
            no_comments.push(' ');
            continue;
        } else {
            if c == '"' {
                in_string = true;
            }
            no_comments.push(c);
        }
        i += 1;
    }

    let chars: Vec<char> = no_comments.chars().collect();
    let mut out = String::with_capacity(no_comments.len());
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if !matches!(next, Some(']') | Some('}')) {
                out.push(c);
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"{
      // MyID ships comments in its settings files
      "Clients": [
        { "ClientId": "a", "AccessTokenLifetime": 3600, "AllowedScopes": ["x", "y"] },
        { "ClientId": "b", /* inline */ "Url": "http://h//p" },
      ],
    }"#;

    #[test]
    fn arrays_merge_by_index_and_empty_objects_keep_the_base() {
        let mut s = Settings::default();
        s.layer(BASE, "base").unwrap();
        s.layer(
            r#"{"clients":[{}, {"clientid":"B2"}, {"ClientId":"c","AccessTokenLifetime":"60"}]}"#,
            "prod",
        )
        .unwrap();
        let clients = s.section("Clients").children();
        let ids: Vec<_> = clients
            .iter()
            .map(|c| c.get("ClientId").value().unwrap())
            .collect();
        assert_eq!(ids, ["a", "B2", "c"]);
        assert_eq!(clients[0].get("AllowedScopes").strings(), ["x", "y"]);
        assert_eq!(clients[0].get("accesstokenlifetime").value(), Some("3600"));
        assert_eq!(
            clients[1].get("Url").value(),
            Some("http://h//p"),
            "// inside strings stays"
        );
        assert_eq!(clients[2].get("AccessTokenLifetime").value(), Some("60"));
    }

    #[test]
    fn a_shorter_array_only_replaces_its_own_indexes() {
        let mut s = Settings::default();
        s.layer(r#"{"L":["a","b","c"]}"#, "base").unwrap();
        s.layer(r#"{"L":["z"]}"#, "prod").unwrap();
        assert_eq!(s.section("L").strings(), ["z", "b", "c"]);
    }

    #[test]
    fn children_order_numerically() {
        let mut s = Settings::default();
        let items: Vec<String> = (0..12).map(|i| format!("\"v{i}\"")).collect();
        s.layer(&format!("{{\"L\":[{}]}}", items.join(",")), "x")
            .unwrap();
        assert_eq!(s.section("L").strings()[10], "v10");
        assert_eq!(s.section("L").strings()[2], "v2");
    }

    #[test]
    fn malformed_files_are_refused() {
        let mut s = Settings::default();
        assert!(matches!(s.layer("{", "f"), Err(ConfigError::Syntax { .. })));
        assert!(matches!(
            s.layer("[1]", "f"),
            Err(ConfigError::NotAnObject(_))
        ));
        assert!(matches!(
            s.layer(r#"{"A":1,"a":2}"#, "f"),
            Err(ConfigError::DuplicateKey { .. })
        ));
    }

    #[test]
    fn null_and_missing_values() {
        let mut s = Settings::default();
        s.layer(r#"{"A":{"B":null,"C":true,"D":1.5}}"#, "f")
            .unwrap();
        assert_eq!(s.section("A:B").value(), None);
        assert_eq!(s.section("A:C").value(), Some("true"));
        assert_eq!(s.section("A:D").value(), Some("1.5"));
        assert!(s.section("a").exists());
        assert!(!s.section("Z").exists());
    }
}
