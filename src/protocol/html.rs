//! Just enough of a browser to post a server's forms the way one would: the forms,
//! their action and method, their inputs (hidden ones included) and buttons; and the
//! URLs a redirect gives (resolved against where it came from, and its parameters).
//! The harness's login driver and the mock's test helpers both use it.

/// A form found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlForm {
    /// The `action` attribute, entity-decoded; `None` means the page's own URL.
    pub action: Option<String>,
    /// `get` or `post`, lower-case.
    pub method: String,
    /// Inputs with a name, in order, with their values (checkboxes only when checked).
    pub fields: Vec<(String, String)>,
    /// Submit buttons with a name: (name, value).
    pub buttons: Vec<(String, String)>,
}

/// Decodes the character references that appear in attribute values.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of a tag's inside (`input type="hidden" name=x`), names lower-cased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = tag.chars().collect();
    let mut i = chars
        .iter()
        .position(|c| c.is_whitespace())
        .unwrap_or(chars.len());
    let mut out = Vec::new();
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '/') {
            i += 1;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' && chars[i] != '/' {
            i += 1;
        }
        let name: String = chars[start..i]
            .iter()
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            i += 1;
            continue;
        }
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if i < chars.len() && (chars[i] == '"' || chars[i] == '\'') {
                let quote = chars[i];
                i += 1;
                let vstart = i;
                while i < chars.len() && chars[i] != quote {
                    i += 1;
                }
                value = chars[vstart..i].iter().collect();
                i += 1;
            } else {
                let vstart = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                value = chars[vstart..i].iter().collect();
            }
        }
        out.push((name, decode_entities(&value)));
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every `<form>` of a page.
pub fn forms(html: &str) -> Vec<HtmlForm> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<form").map(|i| pos + i) {
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i) else {
            break;
        };
        let attrs = attributes(&html[start + 1..tag_end]);
        let end = lower[tag_end..]
            .find("</form")
            .map(|i| tag_end + i)
            .unwrap_or(html.len());
        let mut form = HtmlForm {
            action: attr(&attrs, "action")
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
            method: attr(&attrs, "method").unwrap_or("get").to_ascii_lowercase(),
            fields: Vec::new(),
            buttons: Vec::new(),
        };
        let body = &html[tag_end + 1..end];
        let body_lower = &lower[tag_end + 1..end];
        let mut p = 0;
        while let Some(t) = body_lower[p..].find('<').map(|i| p + i) {
            let Some(te) = body_lower[t..].find('>').map(|i| t + i) else {
                break;
            };
            let inner = &body[t + 1..te];
            let inner_lower = &body_lower[t + 1..te];
            let a = attributes(inner);
            if let Some(name) = attr(&a, "name").filter(|n| !n.is_empty()) {
                let kind = attr(&a, "type").unwrap_or("").to_ascii_lowercase();
                let value = attr(&a, "value").unwrap_or("").to_owned();
                if inner_lower.starts_with("input") {
                    match kind.as_str() {
                        "submit" | "image" => form.buttons.push((name.to_owned(), value)),
                        "checkbox" | "radio" if attr(&a, "checked").is_none() => {}
                        "button" | "reset" | "file" => {}
                        _ => form.fields.push((name.to_owned(), value)),
                    }
                } else if inner_lower.starts_with("button") && (kind.is_empty() || kind == "submit")
                {
                    form.buttons.push((name.to_owned(), value));
                } else if inner_lower.starts_with("textarea") {
                    let close = body_lower[te..]
                        .find("</textarea")
                        .map(|i| te + i)
                        .unwrap_or(te + 1);
                    form.fields
                        .push((name.to_owned(), decode_entities(&body[te + 1..close])));
                }
            }
            p = te + 1;
        }
        // Buttons outside the form that name it (`form="id"`, HTML's form owner) belong
        // to it as a browser sees it; oidc-provider's logout page is built that way.
        if let Some(id) = attr(&attrs, "id").filter(|i| !i.is_empty()) {
            form.buttons
                .extend(owned_buttons(html, &lower, id, tag_end + 1, end));
        }
        out.push(form);
        pos = end.max(tag_end + 1);
    }
    out
}

/// Submit buttons anywhere in the page outside `[inside_start, inside_end)` whose
/// `form` attribute names `id`.
fn owned_buttons(
    html: &str,
    lower: &str,
    id: &str,
    inside_start: usize,
    inside_end: usize,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut p = 0;
    while let Some(t) = lower[p..].find("<button").map(|i| p + i) {
        let Some(te) = lower[t..].find('>').map(|i| t + i) else {
            break;
        };
        p = te + 1;
        if (inside_start..inside_end).contains(&t) {
            continue;
        }
        let a = attributes(&html[t + 1..te]);
        let kind = attr(&a, "type").unwrap_or("").to_ascii_lowercase();
        if attr(&a, "form") == Some(id)
            && (kind.is_empty() || kind == "submit")
            && let Some(name) = attr(&a, "name").filter(|n| !n.is_empty())
        {
            out.push((name.to_owned(), attr(&a, "value").unwrap_or("").to_owned()));
        }
    }
    out
}

/// Resolves a `Location` against the URL it came from.
pub fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let Some(scheme_end) = base.find("://") else {
        return location.to_owned();
    };
    let host_end = base[scheme_end + 3..]
        .find('/')
        .map(|i| scheme_end + 3 + i)
        .unwrap_or(base.len());
    if location.starts_with('/') {
        return format!("{}{location}", &base[..host_end]);
    }
    let path = base[..base.find(['?', '#']).unwrap_or(base.len())].to_owned();
    let dir = path
        .rfind('/')
        .filter(|i| *i >= host_end)
        .map(|i| &path[..=i])
        .unwrap_or(&path);
    format!("{dir}{location}")
}

/// `scheme://host:port` of a URL, lower-cased.
pub fn origin(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_ascii_lowercase();
    };
    let end = url[scheme_end + 3..]
        .find(['/', '?', '#'])
        .map(|i| scheme_end + 3 + i)
        .unwrap_or(url.len());
    url[..end].to_ascii_lowercase()
}

/// The parameters a redirect carries: query, then fragment.
pub fn redirect_params(url: &str) -> Vec<(String, String)> {
    let (before_fragment, fragment) = url.split_once('#').unwrap_or((url, ""));
    let query = before_fragment
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .chain(form_urlencoded::parse(fragment.as_bytes()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(k, _)| k != "_")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_login_form() {
        let page = r#"<html><body><FORM method="POST" action="/web.oauth2/account/login?x=1&amp;y=2">
            <input type="hidden" name="ReturnUrl" value="/cb?a=1&amp;b=%20">
            <input type=text name=Username value='' autofocus>
            <input type="password" name="Password">
            <input type="checkbox" name="Remember" value="true">
            <input type="checkbox" name="Terms" value="yes" checked>
            <textarea name="note">a &lt; b</textarea>
            <button type="submit" name="button" value="login">Sign in</button>
            <button name="button" value="cancel">Cancel</button>
            <button type="button" name="noise">x</button>
        </form></body></html>"#;
        let f = &forms(page)[0];
        assert_eq!(
            f.action.as_deref(),
            Some("/web.oauth2/account/login?x=1&y=2")
        );
        assert_eq!(f.method, "post");
        assert_eq!(
            f.fields,
            [
                ("ReturnUrl".to_owned(), "/cb?a=1&b=%20".to_owned()),
                ("Username".into(), "".into()),
                ("Password".into(), "".into()),
                ("Terms".into(), "yes".into()),
                ("note".into(), "a < b".into()),
            ]
        );
        assert_eq!(
            f.buttons,
            [
                ("button".to_owned(), "login".to_owned()),
                ("button".into(), "cancel".into())
            ]
        );
    }

    #[test]
    fn buttons_may_sit_outside_their_form() {
        let page = r#"<form id="op.logoutForm" method="post" action="/session/end/confirm"><input type="hidden" name="xsrf" value="x"></form>
            <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes</button>
            <button type="submit" form="op.logoutForm">No</button>
            <button type="submit" form="other" name="n" value="v">Other</button>"#;
        let f = &forms(page)[0];
        assert_eq!(f.buttons, [("logout".to_owned(), "yes".to_owned())]);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x41;&unknown;&"),
            "a&b'cA&unknown;&"
        );
        assert!(forms("<p>no form</p>").is_empty());
    }
}
